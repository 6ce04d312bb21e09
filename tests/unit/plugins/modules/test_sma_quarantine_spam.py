# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info and release modules on the spam quarantine: its operators, attribute shapes and orderBy."""

from __future__ import annotations

import requests

from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_info as info
from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_release as release
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma_actions import FakeSmaActions, spam_item


def lab():
    return FakeSmaActions(spam=[
        spam_item(50, 'Prize Team <win@lottery.example>', subject='You won'),
        spam_item(51, 'Lottery <win@lottery.example.evil.test>', subject='You won again'),
        spam_item(52, 'Shop <news@shop.example>', subject='Sale', to_address=['a@example.com, B <b@example.com>'],
                  recipients=['a@example.com', 'b@example.com']),
        spam_item(53, 'win@mail.lottery.example', subject='Prize'),
    ])


def searches(fake):
    return [call['params'] for call in fake.calls if call['method'] == 'GET' and call['path'] == '/quarantine/messages']


def test_info_spam_sender_domain_exact(run_module):
    fake = lab()
    failed, result = run_module(info, fake, {'quarantine_type': 'spam', 'sender_domain': ['lottery.example']})
    assert not failed
    assert result['mids'] == [50]
    assert sorted(entry['mid'] for entry in result['rejected']) == [51, 53]
    params = searches(fake)[0]
    assert params['quarantineType'] == 'spam'
    assert 'quarantines' not in params
    assert (params['filterBy'], params['filterOperator'], params['filterValue']) == ('from_address', 'contains',
                                                                                     'lottery.example')
    assert (params['orderBy'], params['orderDir']) == ('date', 'asc')


def test_info_spam_starts_with_sent_as_begins_with(run_module):
    fake = lab()
    failed, result = run_module(info, fake, {'quarantine_type': 'spam',
                                             'sender': {'operator': 'starts_with', 'value': 'Shop'}})
    assert not failed
    assert searches(fake)[0]['filterOperator'] == 'begins_with'
    assert result['mids'] == [52]


def test_info_spam_is_sent_as_is(run_module):
    fake = lab()
    failed, result = run_module(info, fake, {'quarantine_type': 'spam',
                                             'subject': {'operator': 'is', 'value': 'you won'}})
    assert not failed
    assert (searches(fake)[0]['filterBy'], searches(fake)[0]['filterOperator']) == ('subject', 'is')
    assert result['mids'] == [50]


def test_info_spam_recipient_filter(run_module):
    fake = lab()
    failed, result = run_module(info, fake, {'quarantine_type': 'spam',
                                             'recipient': {'operator': 'is', 'value': 'b@example.com'}})
    assert not failed
    assert searches(fake)[0]['envelopeRecipientFilterOperator'] == 'is'
    assert result['mids'] == [52]


def test_info_spam_address_shapes(run_module):
    failed, result = run_module(info, lab(), {'quarantine_type': 'spam', 'mids': [52]})
    assert not failed
    message = result['messages'][0]
    assert message['from_address'] == ['Shop <news@shop.example>']
    assert message['to_address'] == ['a@example.com', 'B <b@example.com>']
    assert message['recipients'] == ['a@example.com', 'b@example.com']
    assert message['in_quarantines'] == ['spam']


def test_info_spam_rejects_pvo_only_operator(run_module):
    fake = lab()
    failed, result = run_module(info, fake, {'quarantine_type': 'spam',
                                             'subject': {'operator': 'does_not_end_with', 'value': 'x'}})
    assert failed
    assert "subject.operator 'does_not_end_with' is not available for the spam quarantine" in result['msg']
    assert fake.calls == []


def test_info_spam_rejects_quarantine_names(run_module):
    failed, result = run_module(info, lab(), {'quarantine_type': 'spam', 'quarantines': ['Policy'],
                                              'sender_domain': ['lottery.example']})
    assert failed
    assert 'the spam quarantine has no names' in result['msg']


def test_release_spam_check_then_real_then_again(run_module):
    fake = lab()
    args = {'quarantine_type': 'spam', 'sender_domain': ['lottery.example']}
    failed, result = run_module(release, fake, args, check_mode=True)
    assert not failed
    assert result['changed'] is True
    assert result['planned'] == [50]
    assert fake.posts() == []

    failed, result = run_module(release, fake, args)
    assert not failed
    assert result['changed'] is True
    assert result['released'] == [50]
    assert result['verification']['quarantines'] == ['spam']
    assert [call['body'] for call in fake.posts()] == [{'action': 'release', 'quarantineType': 'spam', 'mids': [50]}]
    assert sorted(fake.spam) == [51, 52, 53]

    failed, result = run_module(release, fake, args)
    assert not failed
    assert result['changed'] is False


def test_release_spam_unknown_outcome_reads_spam_details(run_module):
    fake = lab()

    def apply_then_reset(fake_sma, method, path, params, body):
        fake_sma.post(body)
        return requests.exceptions.ConnectionError('Connection reset by peer')
    fake.fault(apply_then_reset, method='POST')
    failed, result = run_module(release, fake, {'quarantine_type': 'spam', 'mids': [50, 52]})
    assert not failed
    assert result['released'] == [50, 52]
    assert len(fake.posts()) == 1
    details = [call['params'] for call in fake.calls if call['path'].endswith('/details')]
    assert details == [{'mid': 50, 'quarantineType': 'spam'}, {'mid': 52, 'quarantineType': 'spam'}]


def test_release_spam_rejects_quarantine_name(run_module):
    failed, result = run_module(release, lab(), {'quarantine_type': 'spam', 'quarantine': 'Policy', 'mids': [50]})
    assert failed
    assert "the spam quarantine has no names; remove quarantine ('Policy')" in result['msg']
