# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mailops.sma.plugins.module_utils._action_specs import (
    DELETE,
    RELEASE,
    copy_spec,
    delay_spec,
    move_spec,
)
from ansible_collections.mailops.sma.plugins.module_utils._actions import ActionRecord, multi_quarantine_mode
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError

UTC = datetime.timezone.utc
UNTIL = datetime.datetime(2026, 12, 24, 8, 0, tzinfo=UTC)


def record(scheduled_exit):
    return ActionRecord({'mid': 1, 'in_quarantines': ['Policy'], 'sender': 'a@b.example', 'recipients': [],
                         'subject': '', 'received': None, 'received_raw': None, 'esa_mid': None, 'esa_hostname': None,
                         'scheduled_exit': scheduled_exit})


@pytest.mark.parametrize('spec, quarantine_type, expected', [
    (RELEASE, 'spam', {'action': 'release', 'quarantineType': 'spam', 'mids': [1]}),
    (RELEASE, 'pvo', {'action': 'release', 'quarantineType': 'pvo', 'quarantineName': 'Policy', 'mids': [1]}),
    (DELETE, 'spam', {'quarantineType': 'spam', 'mids': [1]}),
    (DELETE, 'pvo', {'quarantineType': 'pvo', 'quarantineName': 'Policy', 'mids': [1]}),
    (move_spec('Virus'), 'pvo', {'action': 'move', 'quarantineType': 'pvo', 'quarantineName': 'Policy',
                                 'destinationQuarantineName': 'Virus', 'mids': [1]}),
    (delay_spec(UNTIL), 'pvo', {'action': 'delay', 'quarantineType': 'pvo', 'quarantineName': 'Policy',
                                'delay': '2026-12-24T08:00:00.000Z', 'mids': [1]}),
    (copy_spec(['a@example.com']), 'pvo', {'action': 'sendCopy', 'quarantineType': 'pvo', 'quarantineName': 'Policy',
                                           'recipients': ['a@example.com'], 'mids': [1]}),
])
def test_action_body(spec, quarantine_type, expected):
    assert spec.body(quarantine_type, 'Policy', [1]) == expected


def test_delete_uses_http_delete():
    assert DELETE.method == 'DELETE'
    assert RELEASE.method == 'POST'


def test_with_body_leaves_original_alone():
    original = copy_spec(['a@example.com'])
    changed = original.with_body(recipients=['b@example.com'])
    assert changed.body('pvo', 'Policy', [1])['recipients'] == ['b@example.com']
    assert original.body('pvo', 'Policy', [1])['recipients'] == ['a@example.com']
    assert changed.past == 'copied'
    assert changed.leaves is False


def test_only_release_and_delete_support_spam():
    assert RELEASE.spam
    assert DELETE.spam
    assert not move_spec('Virus').spam
    assert not delay_spec(UNTIL).spam
    assert not copy_spec(['a@example.com']).spam


@pytest.mark.parametrize('scheduled_exit, satisfied', [
    ('2026-12-24T08:00:00Z', True),
    ('2027-01-01T00:00:00Z', True),
    ('2026-12-24T07:59:00Z', False),
    (None, False),
])
def test_delay_satisfied_by_later_exit(scheduled_exit, satisfied):
    reason = delay_spec(UNTIL).satisfied(record(scheduled_exit))
    assert (reason is not None) is satisfied


@pytest.mark.parametrize('entry, done', [
    ({'scheduledExit': '24 Dec 2026 09:00 (GMT +01:00)'}, True),
    ({'scheduledExit': '24 Dec 2026 08:59 (GMT +01:00)'}, False),
    ({'scheduledExit': 'soon'}, False),
    ({}, False),
])
def test_delay_observed_in_details(entry, done):
    assert delay_spec(UNTIL).observe(entry) is done


@pytest.mark.parametrize('value, mode', [('skip', 'skip'), ('release_all', 'all'), ('delete_all', 'all'),
                                         ('all', 'all'), ('source', 'source')])
def test_multi_quarantine_mode(value, mode):
    assert multi_quarantine_mode(value) == mode


def test_multi_quarantine_mode_rejects_unknown():
    with pytest.raises(SmaInputError, match="multi_quarantine 'everywhere' is not supported"):
        multi_quarantine_mode('everywhere')
