# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError
from ansible_collections.mailops.sma.plugins.module_utils._sent_log import SentLog, SentLogError, normalize_recipients

SMA = 'https://sma.test:6443'


def test_sent_log_round_trip(tmp_path):
    path = str(tmp_path / 'log.json')
    log = SentLog(path)
    assert log.missing(SMA, 1, ['a@example.com']) == ['a@example.com']
    log.record(SMA, 'Policy', 1, ['a@example.com'])
    log.save()

    again = SentLog(path)
    assert again.missing(SMA, 1, ['a@example.com', 'b@example.com']) == ['b@example.com']
    assert again.missing('https://other.test', 1, ['a@example.com']) == ['a@example.com']
    assert again.missing(SMA, 2, ['a@example.com']) == ['a@example.com']


def test_sent_log_records_each_copy_once(tmp_path):
    log = SentLog(str(tmp_path / 'log.json'))
    log.record(SMA, 'Policy', 1, ['a@example.com'])
    log.record(SMA, 'Policy', 1, ['a@example.com'])
    assert len(log.entries) == 1


def test_sent_log_not_json(tmp_path):
    path = tmp_path / 'log.json'
    path.write_text('not json')
    with pytest.raises(SentLogError, match="sent_log '.*log.json' cannot be read as JSON"):
        SentLog(str(path))


def test_sent_log_bad_entry(tmp_path):
    path = tmp_path / 'log.json'
    path.write_text(json.dumps({'version': 1, 'copies': [{'mid': 'x'}]}))
    with pytest.raises(SentLogError, match='each entry needs appliance, mid and recipient'):
        SentLog(str(path))


def test_sent_log_unwritable_folder(tmp_path):
    log = SentLog(str(tmp_path / 'missing' / 'log.json'))
    log.record(SMA, 'Policy', 1, ['a@example.com'])
    with pytest.raises(SentLogError, match='copies were sent but are not recorded'):
        log.save()


def test_recipients_normalized():
    assert normalize_recipients([' SOC@Example.com', 'soc@example.com', 'b@example.com']) == \
        ['soc@example.com', 'b@example.com']


@pytest.mark.parametrize('value', ['soc', 'a@b', 'Name <a@example.com>', 'a@example.com,b@example.com', ''])
def test_recipients_invalid_named(value):
    with pytest.raises(SmaInputError, match="recipients entry '%s' is not an email address" % value):
        normalize_recipients([value])


def test_recipients_empty_rejected():
    with pytest.raises(SmaInputError, match='recipients is empty'):
        normalize_recipients([])
