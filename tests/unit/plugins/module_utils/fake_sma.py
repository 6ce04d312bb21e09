# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory stand-in for ``requests.Session`` that responds like the SMA quarantine API.

It serves the search, details and release calls the client makes, and lets a test queue
faults (a status, an exception, a state change) for the next matching requests.
"""

from __future__ import annotations

import json

import requests


class FakeResponse:
    def __init__(self, status, payload=None, headers=None, reason=''):
        self.status_code = status
        self._payload = payload
        self.headers = headers or {}
        self.reason = reason
        self.content = b'' if payload is None else json.dumps(payload).encode()

    def json(self):
        if self._payload is None:
            raise ValueError('no JSON')
        return self._payload


def error(status, message):
    return FakeResponse(status, {'error': {'message': message, 'code': str(status),
                                           'explanation': '%s = test' % status}})


def pvo_item(mid, sender, quarantines, subject='Hello', received='15 Mar 2026 11:25 (GMT)', recipients=None, esa_mid=None):
    return {'mid': mid, 'attributes': {
        'sender': sender, 'recipient': recipients or ['user@example.com'], 'subject': subject,
        'received': received, 'inQuarantines': ', '.join(quarantines), 'esaMid': esa_mid or mid + 1000,
        'esaHostName': 'esa1.example.com', 'size': '1.0K'}}


class FakeSma:
    """Stores messages and responds to requests; ``faults`` is a list of ``(predicate, effect)``."""

    def __init__(self, items=()):
        self.items = {}
        self.holders = {}
        for item in items:
            self.add(item)
        self.calls = []
        self.faults = []

    def add(self, item):
        self.items[item['mid']] = item
        names = [q.strip() for q in item['attributes']['inQuarantines'].split(',')]
        self.holders[item['mid']] = names

    def fault(self, effect, method=None, path=None, times=1):
        self.faults.append({'method': method, 'path': path, 'times': times, 'effect': effect})

    def close(self):
        pass

    def mount(self, prefix, adapter):
        pass

    def request(self, method, url, params=None, json=None, headers=None, auth=None, verify=None, timeout=None):
        path = url.split('/sma/api/v2.0', 1)[1]
        self.calls.append({'method': method, 'path': path, 'params': dict(params or {}), 'body': json,
                           'headers': dict(headers or {}), 'auth': auth})
        for rule in self.faults:
            if rule['times'] and (rule['method'] in (None, method)) and (rule['path'] in (None, path)):
                rule['times'] -= 1
                outcome = rule['effect'](self, method, path, params, json)
                if isinstance(outcome, Exception):
                    raise outcome
                if outcome is not None:
                    return outcome
        return self.answer(method, path, params or {}, json)

    def answer(self, method, path, params, body):
        if path == '/quarantine/messages' and method == 'GET':
            return self.search(params)
        if path == '/quarantine/messages/details':
            mid = int(params['mid'])
            if mid not in self.items:
                return error(404, 'Invalid value for attribute - mid.')
            return FakeResponse(200, {'data': {'mid': mid, 'attributes': {
                'quarantineDetails': [{'quarantineName': q} for q in self.holders[mid]]}}})
        if path == '/quarantine/messages' and method == 'POST':
            return FakeResponse(200, {'data': {'action': body['action'], 'totalCount': self.release(body)}})
        return error(404, 'Not Found.')

    def search(self, params):
        name = params.get('quarantines')
        value = (params.get('envelopeSenderFilterValue') or '').lower()
        found = [self.items[mid] for mid in sorted(self.items)
                 if name in self.holders[mid] and value in self.items[mid]['attributes']['sender'].lower()]
        offset, limit = int(params['offset']), int(params['limit'])
        return FakeResponse(200, {'meta': {'totalCount': len(found)}, 'data': found[offset:offset + limit]})

    def release(self, body):
        count = 0
        for mid in body['mids']:
            if mid in self.items and body['quarantineName'] in self.holders[mid]:
                self.holders[mid].remove(body['quarantineName'])
                count += 1
                if not self.holders[mid]:
                    del self.items[mid]
                    del self.holders[mid]
                else:
                    self.items[mid]['attributes']['inQuarantines'] = ', '.join(self.holders[mid])
        return count

    def posts(self):
        return [call for call in self.calls if call['method'] == 'POST']


def connection_error(*_args):
    return requests.exceptions.ConnectionError('Connection reset by peer')
