# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Spam quarantine parity: the same user-facing filter options as pvo, in the spam vocabulary and shapes."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError
from ansible_collections.mailops.sma.plugins.module_utils._query import build_selection, normalize_item

UTC = datetime.timezone.utc
WINDOW = (datetime.datetime(2026, 3, 1, tzinfo=UTC), datetime.datetime(2026, 4, 1, tzinfo=UTC))


def spam(**kwargs):
    return build_selection('spam', [], WINDOW, **kwargs)


def spam_record(mid=50, from_address=('News <news@shop.example>',), to_address=('u1@example.com',),
                recipients=('u1@example.com',), subject='Sale', date='15 Mar 2026 11:25 (GMT)'):
    return normalize_item({'mid': mid, 'attributes': {
        'envelopeRecipient': list(recipients), 'toAddress': list(to_address), 'fromAddress': list(from_address),
        'subject': subject, 'date': date, 'size': '17.50K'}}, 'spam')


@pytest.mark.parametrize('operator, sent', [
    ('contains', 'contains'),
    ('starts_with', 'begins_with'),
    ('begins_with', 'begins_with'),
    ('ends_with', 'ends_with'),
    ('is', 'is'),
    ('equals', 'is'),
    ('matches_exactly', 'is'),
    ('does_not_contain', 'does_not_contain'),
])
def test_spam_sender_operator_sent_in_spam_vocabulary(operator, sent):
    params, applied = spam(sender={'operator': operator, 'value': 'news'}).server_params()
    assert params['filterBy'] == 'from_address'
    assert params['filterOperator'] == sent
    assert params['filterValue'] == 'news'
    assert applied == ['sender']


@pytest.mark.parametrize('operator, sent', [
    ('starts_with', 'starts_with'),
    ('is', 'matches_exactly'),
    ('is_not', 'does_not_match'),
    ('does_not_start_with', 'does_not_start_with'),
])
def test_pvo_sender_operator_sent_in_pvo_vocabulary(operator, sent):
    params = build_selection('pvo', ['Policy'], WINDOW, sender={'operator': operator, 'value': 'x'}).server_params('Policy')[0]
    assert params['envelopeSenderFilterBy'] == sent
    assert 'filterOperator' not in params


@pytest.mark.parametrize('operator', ['does_not_start_with', 'does_not_end_with', 'is_not', 'does_not_match'])
def test_spam_rejects_pvo_only_operators(operator):
    with pytest.raises(SmaInputError, match="sender.operator '.*' is not available for the spam quarantine; use one of: "
                                            "contains, starts_with, ends_with, is, does_not_contain"):
        spam(sender={'operator': operator, 'value': 'x'})


def test_spam_order_by_date_and_pvo_by_received():
    spam_params = spam(sender_domain=['shop.example']).server_params()[0]
    pvo_params = build_selection('pvo', ['Policy'], WINDOW, sender_domain=['shop.example']).server_params('Policy')[0]
    assert (spam_params['orderBy'], spam_params['orderDir']) == ('date', 'asc')
    assert (pvo_params['orderBy'], pvo_params['orderDir']) == ('received', 'asc')


def test_spam_sender_domain_narrows_with_from_address_contains():
    params, applied = spam(sender_domain=['shop.example']).server_params()
    assert (params['filterBy'], params['filterOperator'], params['filterValue']) == ('from_address', 'contains',
                                                                                     'shop.example')
    assert applied == ['sender']


def test_spam_subject_alone_uses_filter_by_subject():
    params, applied = spam(subject={'operator': 'ends_with', 'value': 'offer'}).server_params()
    assert (params['filterBy'], params['filterOperator']) == ('subject', 'ends_with')
    assert applied == ['subject']


def test_spam_sender_wins_and_subject_checked_on_client():
    selection = spam(sender={'operator': 'contains', 'value': 'shop'}, subject={'operator': 'contains', 'value': 'sale'})
    params, applied = selection.server_params()
    assert params['filterBy'] == 'from_address'
    assert applied == ['sender']
    assert selection.check(spam_record(subject='Big sale')) is None
    assert "subject does not satisfy contains 'sale'" in selection.check(spam_record(subject='Newsletter'))


def test_spam_recipient_filter_uses_envelope_recipient_operator():
    params, applied = spam(recipient={'operator': 'starts_with', 'value': 'u1@'}).server_params()
    assert params['envelopeRecipientFilterOperator'] == 'begins_with'
    assert params['envelopeRecipientFilterValue'] == 'u1@'
    assert 'filterBy' not in params
    assert applied == ['recipient']


def test_spam_record_shapes():
    record = spam_record(from_address=['Shop News <News@Shop.Example>'],
                         to_address=['u1@example.com, U2 <u2@example.com>'],
                         recipients=['u1@example.com', 'U2@Example.com'])
    assert record['sender'] == 'news@shop.example'
    assert record['sender_domain'] == 'shop.example'
    assert record['from_address'] == ['Shop News <News@Shop.Example>']
    assert record['to_address'] == ['u1@example.com', 'U2 <u2@example.com>']
    assert record['recipients'] == ['u1@example.com', 'u2@example.com']
    assert record['in_quarantines'] == ['spam']
    assert record['scheduled_exit'] is None
    assert record['received'] == '2026-03-15T11:25:00Z'


def test_spam_exact_domain_check_on_from_address():
    selection = spam(sender_domain=['shop.example'])
    assert selection.check(spam_record()) is None
    reason = selection.check(spam_record(from_address=['News <news@shop.example.evil.test>']))
    assert "'shop.example.evil.test' is not 'shop.example'" in reason


def test_spam_recipient_check_covers_every_envelope_recipient():
    selection = spam(recipient={'operator': 'does_not_contain', 'value': 'ceo'})
    assert selection.check(spam_record(recipients=['u1@example.com'])) is None
    assert selection.check(spam_record(recipients=['u1@example.com', 'ceo@example.com'])) is not None


def test_spam_to_address_keeps_quoted_commas():
    record = spam_record(to_address=['"Doe, Jane" <jane@example.com>, bob@example.com'],
                         recipients=['jane@example.com'])
    assert record['to_address'] == ['"Doe, Jane" <jane@example.com>', 'bob@example.com']


def test_spam_to_address_as_single_string():
    record = normalize_item({'mid': 50, 'attributes': {
        'envelopeRecipient': ['a@example.com'], 'toAddress': 'a@example.com, b@example.com',
        'fromAddress': ['news@shop.example'], 'subject': 'Sale', 'date': '15 Mar 2026 11:25 (GMT)'}}, 'spam')
    assert record['to_address'] == ['a@example.com', 'b@example.com']
