# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""FakeSma extended to the rest of the quarantine API.

It adds the spam quarantine, delete, move, delay, send copy, full details and attachments,
and responds in the shapes the SMA API documents.
"""

from __future__ import annotations

import base64
import datetime

from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import FakeResponse, FakeSma, error

UTC = datetime.timezone.utc
DISPLAY = '%d %b %Y %H:%M (GMT)'


class RawResponse:
    """A non-JSON response, like the attachment endpoint's Base64 text."""

    def __init__(self, status, content, headers=None):
        self.status_code = status
        self.content = content
        self.headers = headers or {}
        self.reason = ''

    def json(self):
        raise ValueError('not JSON')


def display(moment):
    return moment.astimezone(UTC).strftime(DISPLAY)


def spam_item(mid, from_address, subject='Win a prize', date='15 Mar 2026 11:25 (GMT)', recipients=None, to_address=None):
    return {'mid': mid, 'attributes': {
        'envelopeRecipient': recipients or ['user@example.com'], 'toAddress': to_address or ['user@example.com'],
        'fromAddress': [from_address], 'subject': subject, 'date': date, 'size': '2.00K'}}


def _matches(operator, needle, texts):
    needle = needle.lower()
    texts = [t.lower() for t in texts]
    checks = {'contains': lambda t: needle in t, 'is': lambda t: t == needle, 'matches_exactly': lambda t: t == needle,
              'begins_with': lambda t: t.startswith(needle), 'starts_with': lambda t: t.startswith(needle),
              'ends_with': lambda t: t.endswith(needle)}
    if operator in checks:
        return any(checks[operator](t) for t in texts)
    if operator == 'does_not_contain':
        return not any(needle in t for t in texts)
    raise AssertionError('the fake does not know operator %s' % operator)


class FakeSmaActions(FakeSma):
    """Adds spam messages (``spam``), exits, recipients of copies, attachments and every action."""

    SPAM_OPERATORS = ('contains', 'is', 'begins_with', 'ends_with', 'does_not_contain')

    def __init__(self, items=(), spam=(), exit_at=None):
        self.spam = {}
        self.exits = {}
        self.copies = []
        self.attachments = {}
        self.exit_at = exit_at or datetime.datetime(2026, 4, 14, 18, 25, tzinfo=UTC)
        super().__init__(items)
        for item in spam:
            self.spam[item['mid']] = item

    def add(self, item):
        super().add(item)
        self.exits.setdefault(item['mid'], self.exit_at)
        item['attributes']['scheduledExit'] = display(self.exits[item['mid']])

    def answer(self, method, path, params, body):
        if path == '/quarantine/messages' and method == 'GET' and params.get('quarantineType') == 'spam':
            return self.search_spam(params)
        if path == '/quarantine/messages/details':
            return self.details(int(params['mid']), params['quarantineType'])
        if path == '/quarantine/messages/attachment':
            return self.attachment(int(params['mid']), int(params['attachmentId']))
        if path == '/quarantine/messages' and method == 'GET' and params['quarantines'] not in self.known_quarantines():
            return error(404, 'Invalid value for attribute - quarantines.')
        if path == '/quarantine/messages' and method == 'POST':
            return self.post(body)
        if path == '/quarantine/messages' and method == 'DELETE':
            if 'action' in body:
                return error(404, 'Unsupported attribute.')
            return FakeResponse(200, {'data': {'action': 'delete', 'totalCount': self.remove(body)}})
        return super().answer(method, path, params, body)

    def known_quarantines(self):
        names = {'Policy', 'Virus', 'Outbreak', 'Unclassified', 'File Analysis', 'TEST_QUARANTINE', 'REVIEW'}
        for holders in self.holders.values():
            names.update(holders)
        return names

    def search(self, params):
        response = super().search(params)
        subject = params.get('subjectFilterValue')
        if subject is not None:
            data = [item for item in response.json()['data'] if subject.lower() in item['attributes']['subject'].lower()]
            return FakeResponse(200, {'meta': {'totalCount': len(data)}, 'data': data})
        return response

    def search_spam(self, params):
        assert 'quarantines' not in params, 'spam searches name no quarantine'
        found = sorted(self.spam.values(), key=lambda item: item['mid'])
        if 'filterBy' in params:
            assert params['filterOperator'] in self.SPAM_OPERATORS, params['filterOperator']
            field = {'from_address': 'fromAddress', 'to_address': 'toAddress', 'subject': 'subject'}[params['filterBy']]
            found = [item for item in found if _matches(params['filterOperator'], params['filterValue'],
                                                        _as_list(item['attributes'][field]))]
        if 'envelopeRecipientFilterOperator' in params:
            assert params['envelopeRecipientFilterOperator'] in self.SPAM_OPERATORS
            found = [item for item in found if _matches(params['envelopeRecipientFilterOperator'],
                                                        params['envelopeRecipientFilterValue'],
                                                        item['attributes']['envelopeRecipient'])]
        offset, limit = int(params['offset']), int(params['limit'])
        return FakeResponse(200, {'meta': {'totalCount': len(found)}, 'data': found[offset:offset + limit]})

    def details(self, mid, quarantine_type):
        if quarantine_type == 'spam':
            if mid not in self.spam:
                return error(404, 'Invalid value for attribute - mid.')
            attributes = dict(self.spam[mid]['attributes'], messageBody='Hello', attachments=[])
            return FakeResponse(200, {'data': {'mid': mid, 'attributes': attributes}})
        if mid not in self.items:
            return error(404, 'Invalid value for attribute - mid.')
        attributes = self.items[mid]['attributes']
        parts = [{'attachmentId': 1, 'attachmentName': '[message body]', 'attachmentSize': '0.10K'}]
        for index, (name, content) in enumerate(self.attachments.get(mid, []), start=2):
            parts.append({'attachmentId': index, 'attachmentName': name,
                          'attachmentSize': '%.2fK' % (len(base64.b64encode(content)) / 1024.0)})
        return FakeResponse(200, {'data': {'mid': mid, 'attributes': {
            'messageDetails': {'sender': attributes['sender'], 'recipient': attributes['recipient'],
                               'subject': attributes['subject']},
            'quarantineDetails': [{'quarantineName': name, 'reason': ['Content filter hold'],
                                   'received': attributes['received'], 'scheduledExit': display(self.exits[mid]),
                                   'esaHostName': 'esa1.example.com', 'originatingEsaIp': '192.0.2.10'}
                                  for name in self.holders[mid]],
            'messagePartDetails': parts,
            'matchedContents': ['hold'],
            'messageBody': 'Hello',
            'headers': 'Received: from esa1\n by sma1; Sun, 15 Mar 2026\nSubject: %s\nX-Test: one\nX-Test: two'
                       % attributes['subject']}}})

    def attachment(self, mid, attachment_id):
        parts = self.attachments.get(mid, [])
        if mid not in self.items or not 2 <= attachment_id <= len(parts) + 1:
            return error(404, 'Invalid value for attribute - attachmentId.')
        name, content = parts[attachment_id - 2]
        return RawResponse(200, base64.b64encode(content), {'Content-Disposition': 'attachment; filename="%s"' % name})

    def post(self, body):
        action = body['action']
        if body['quarantineType'] == 'spam':
            assert action == 'release'
            assert 'quarantineName' not in body
            count = len([mid for mid in body['mids'] if self.spam.pop(mid, None) is not None])
            return FakeResponse(200, {'data': {'action': action, 'totalCount': count}})
        if action == 'release':
            return FakeResponse(200, {'data': {'action': action, 'totalCount': self.release(body)}})
        source = body['quarantineName']
        held = [mid for mid in body['mids'] if mid in self.items and source in self.holders[mid]]
        if action == 'move':
            destination = body['destinationQuarantineName']
            if destination not in self.known_quarantines():
                return error(404, 'Invalid value for attribute - destinationQuarantineName.')
            for mid in held:
                self.holders[mid].remove(source)
                if destination not in self.holders[mid]:
                    self.holders[mid].append(destination)
                self.items[mid]['attributes']['inQuarantines'] = ', '.join(self.holders[mid])
            return FakeResponse(200, {'data': {'action': action, 'totalCount': len(held),
                                               'destinationQuarantineName': destination}})
        if action == 'delay':
            until = datetime.datetime.strptime(body['delay'], '%Y-%m-%dT%H:%M:00.000Z').replace(tzinfo=UTC)
            for mid in held:
                self.exits[mid] = until
                self.items[mid]['attributes']['scheduledExit'] = display(until)
            return FakeResponse(200, {'data': {'action': action, 'totalCount': len(held), 'delayedTime': body['delay']}})
        if action == 'sendCopy':
            for mid in held:
                self.copies.append((mid, tuple(body['recipients'])))
            return FakeResponse(200, {'data': {'action': action, 'totalCount': len(held)}})
        return error(404, 'Invalid value for attribute - action.')

    def remove(self, body):
        if body['quarantineType'] == 'spam':
            assert 'quarantineName' not in body
            return len([mid for mid in body['mids'] if self.spam.pop(mid, None) is not None])
        return self.release(body)

    def methods(self, method):
        return [call for call in self.calls if call['method'] == method]


def _as_list(value):
    return value if isinstance(value, list) else [value]
