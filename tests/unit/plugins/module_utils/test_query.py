# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError
from ansible_collections.mailops.sma.plugins.module_utils._query import (
    build_selection,
    fingerprint,
    match_operator,
    normalize_item,
)

UTC = datetime.timezone.utc
WINDOW = (datetime.datetime(2026, 3, 1, tzinfo=UTC), datetime.datetime(2026, 4, 1, tzinfo=UTC))


def pvo(mid, sender, received='15 Mar 2026 11:25 (GMT -07:00)', quarantines='TEST_QUARANTINE', **extra):
    attributes = {'sender': sender, 'recipient': ['a@example.com', 'b@example.com'], 'subject': 'Report',
                  'received': received, 'inQuarantines': quarantines, 'esaMid': 7, 'esaHostName': 'esa1.example.com'}
    attributes.update(extra)
    return normalize_item({'mid': mid, 'attributes': attributes}, 'pvo')


def select(**kwargs):
    kwargs.setdefault('quarantines', ['TEST_QUARANTINE'])
    return build_selection(kwargs.pop('quarantine_type', 'pvo'), kwargs.pop('quarantines'), WINDOW, **kwargs)


@pytest.mark.parametrize('sender, reason', [
    ('alerts@labcisco.com', None),
    ('Alerts@LabCisco.COM', None),
    ('x@mail.labcisco.com', "sub-domain of 'labcisco.com'; set include_subdomains"),
    ('x@labcisco.com.evil.example', "'labcisco.com.evil.example' is not 'labcisco.com'"),
    ('x@labcisisco.com', "'labcisisco.com' is not 'labcisco.com'"),
    ('labcisco.com@evil.example', "'evil.example' is not"),
    ('x@notlabcisco.com', "'notlabcisco.com' is not"),
    ('no-domain', 'sender has no domain'),
])
def test_sender_domain_exact_match(sender, reason):
    result = select(sender_domain=['labcisco.com']).check(pvo(1, sender))
    if reason is None:
        assert result is None
    else:
        assert reason in result


def test_sender_domain_includes_subdomains_when_asked():
    selection = select(sender_domain=['labcisco.com'], include_subdomains=True)
    assert selection.check(pvo(1, 'x@mail.labcisco.com')) is None
    assert selection.check(pvo(2, 'x@labcisco.com.evil.example')) is not None


@pytest.mark.parametrize('domain, message', [
    ('user@labcisco.com', "contains '@'"),
    ('not a domain', 'is not a domain name'),
    ('localhost', 'is not a domain name'),
])
def test_sender_domain_invalid_input(domain, message):
    with pytest.raises(SmaInputError, match=message):
        select(sender_domain=[domain])


def test_pvo_server_params_narrow_with_contains():
    params, applied = select(sender_domain=['labcisco.com']).server_params('TEST_QUARANTINE')
    assert params['quarantineType'] == 'pvo'
    assert params['quarantines'] == 'TEST_QUARANTINE'
    assert params['envelopeSenderFilterBy'] == 'contains'
    assert params['envelopeSenderFilterValue'] == 'labcisco.com'
    assert params['startDate'] == '2026-03-01T00:00:00.000Z'
    assert params['endDate'] == '2026-04-01T00:00:00.000Z'
    assert applied == ['sender']


def test_pvo_server_params_map_operators():
    selection = select(sender={'operator': 'is', 'value': 'a@b.example'},
                       recipient={'operator': 'starts_with', 'value': 'ops'},
                       subject={'operator': 'is_not', 'value': 'x'})
    params, applied = selection.server_params('Policy')
    assert params['envelopeSenderFilterBy'] == 'matches_exactly'
    assert params['envelopeRecipientFilterBy'] == 'starts_with'
    assert params['subjectFilterBy'] == 'does_not_match'
    assert applied == ['sender', 'recipient', 'subject']


def test_multiple_domains_send_no_sender_filter():
    params, applied = select(sender_domain=['a.example', 'b.example']).server_params('Policy')
    assert 'envelopeSenderFilterBy' not in params
    assert applied == []


def test_spam_server_params_use_spam_vocabulary():
    selection = select(quarantine_type='spam', quarantines=[], sender={'operator': 'starts_with', 'value': 'news'},
                       subject={'operator': 'contains', 'value': 'sale'},
                       recipient={'operator': 'is', 'value': 'u@example.com'})
    params, applied = selection.server_params()
    assert params['filterBy'] == 'from_address'
    assert params['filterOperator'] == 'begins_with'
    assert params['envelopeRecipientFilterOperator'] == 'is'
    assert 'quarantines' not in params
    assert applied == ['sender', 'recipient']


def test_spam_rejects_pvo_only_operator():
    with pytest.raises(SmaInputError, match="operator 'is_not' is not available for the spam quarantine"):
        select(quarantine_type='spam', quarantines=[], subject={'operator': 'is_not', 'value': 'x'})


def test_pvo_requires_quarantines():
    with pytest.raises(SmaInputError, match='quarantines is empty'):
        select(quarantines=[])


def test_unknown_quarantine_type_named():
    with pytest.raises(SmaInputError, match="quarantine_type 'virus' is not supported"):
        build_selection('virus', ['Policy'], WINDOW)


def test_unknown_operator_named():
    with pytest.raises(SmaInputError, match="sender.operator 'like' is not supported"):
        select(sender={'operator': 'like', 'value': 'x'})


def test_bad_mid_named():
    with pytest.raises(SmaInputError, match="mid 'abc' is not a number"):
        select(mids=['abc'])


@pytest.mark.parametrize('operator, value, candidates, expected', [
    ('contains', 'LAB', ['x@lab.example'], True),
    ('starts_with', 'x@', ['x@lab.example'], True),
    ('ends_with', '.example', ['x@lab.example'], True),
    ('is', 'X@LAB.EXAMPLE', ['x@lab.example'], True),
    ('is', 'x@lab', ['x@lab.example'], False),
    ('does_not_contain', 'evil', ['a@ok.example', 'b@evil.example'], False),
    ('does_not_contain', 'evil', ['a@ok.example'], True),
    ('is_not', 'a@ok.example', ['a@ok.example'], False),
])
def test_match_operator(operator, value, candidates, expected):
    assert match_operator(operator, value, candidates) is expected


def test_window_check_uses_received_in_utc():
    selection = build_selection('pvo', ['Q'], (datetime.datetime(2026, 3, 15, 18, 25, tzinfo=UTC),
                                               datetime.datetime(2026, 3, 15, 18, 26, tzinfo=UTC)))
    assert selection.check(pvo(1, 'a@b.example')) is None
    assert 'outside the window' in selection.check(pvo(2, 'a@b.example', received='15 Mar 2026 11:26 (GMT -07:00)'))


def test_normalize_pvo_record():
    record = pvo(440, 'Lab Alerts <Alerts@LabCisco.com>', quarantines='Policy, Virus',
                 quarantineForReasonDict=[{'quarantineName': 'Policy', 'reason': ['filter x']}])
    assert record['sender'] == 'alerts@labcisco.com'
    assert record['sender_domain'] == 'labcisco.com'
    assert record['received'] == '2026-03-15T18:25:00Z'
    assert record['in_quarantines'] == ['Policy', 'Virus']
    assert record['reasons'] == [{'quarantine': 'Policy', 'reasons': ['filter x']}]


def test_normalize_spam_record_splits_joined_addresses():
    record = normalize_item({'mid': 50, 'attributes': {
        'envelopeRecipient': ['u1@example.com'], 'toAddress': ['u1@example.com, u2@example.com'],
        'fromAddress': ['News <news@shop.example>'], 'subject': 'Sale', 'date': '28 Aug 2022 15:33 (GMT +01:00)',
        'size': '17.50K'}}, 'spam')
    assert record['sender'] == 'news@shop.example'
    assert record['to_address'] == ['u1@example.com', 'u2@example.com']
    assert record['received'] == '2022-08-28T14:33:00Z'


def test_fingerprint_ignores_mid_only():
    first = pvo(440, 'a@lab.example')
    again = pvo(100440, 'a@lab.example')
    other = pvo(441, 'a@lab.example', subject='Other')
    assert fingerprint(first) == fingerprint(again)
    assert fingerprint(first) != fingerprint(other)
