# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat

import requests

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_copy as copy
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import FakeResponse, pvo_item
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma_actions import FakeSmaActions

Q = 'Policy'


def lab():
    return FakeSmaActions([pvo_item(mid, 'u%d@partner.example' % mid, [Q]) for mid in (414, 425, 433)])


def args(tmp_path, **extra):
    values = {'quarantine': Q, 'sender_domain': ['partner.example'], 'recipients': ['SOC@example.com'],
              'sent_log': str(tmp_path / 'copies.json')}
    values.update(extra)
    return values


def test_copy_check_then_real_then_again(run_module, tmp_path):
    fake = lab()
    failed, result = run_module(copy, fake, args(tmp_path), check_mode=True, diff=True)
    assert not failed
    assert result['changed'] is True
    assert result['planned'] == [414, 425, 433]
    assert fake.posts() == []
    assert not (tmp_path / 'copies.json').exists()
    assert result['diff']['after']['copies'][0] == {'mid': 414, 'recipients': ['soc@example.com']}

    failed, result = run_module(copy, fake, args(tmp_path))
    assert not failed
    assert result['changed'] is True
    assert result['copied'] == [414, 425, 433]
    assert result['recipients'] == ['soc@example.com']
    assert result['verification']['checked'] is False
    assert fake.posts()[0]['body'] == {'action': 'sendCopy', 'quarantineType': 'pvo', 'quarantineName': Q,
                                       'recipients': ['soc@example.com'], 'mids': [414, 425, 433]}
    assert sorted(fake.items) == [414, 425, 433]
    log = json.loads((tmp_path / 'copies.json').read_text())
    assert [(entry['mid'], entry['recipient']) for entry in log['copies']] == [
        (414, 'soc@example.com'), (425, 'soc@example.com'), (433, 'soc@example.com')]
    assert stat.S_IMODE(os.stat(tmp_path / 'copies.json').st_mode) == 0o600

    failed, result = run_module(copy, fake, args(tmp_path))
    assert not failed
    assert result['changed'] is False
    assert [entry['mid'] for entry in result['unchanged']] == [414, 425, 433]
    assert len(fake.posts()) == 1


def test_copy_new_recipient_gets_only_missing_copies(run_module, tmp_path):
    fake = lab()
    run_module(copy, fake, args(tmp_path, mids=[414]))
    failed, result = run_module(copy, fake, args(tmp_path, recipients=['soc@example.com', 'cert@example.com']))
    assert not failed
    assert result['copied'] == [414, 425, 433]
    bodies = sorted((call['body']['recipients'], call['body']['mids']) for call in fake.posts()[1:])
    assert bodies == [(['cert@example.com'], [414]), (['soc@example.com', 'cert@example.com'], [425, 433])]


def test_copy_without_sent_log_warns_and_sends_again(run_module, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(AnsibleModule, 'warn', lambda module, message, **kwargs: warnings.append(message))
    fake = lab()
    for _run in range(2):
        failed, result = run_module(copy, fake, args(tmp_path, sent_log=None))
        assert not failed
        assert result['changed'] is True
    assert len(warnings) == 2
    assert 'sent_log is not set' in warnings[0]
    assert len(fake.copies) == 6


def test_copy_unknown_outcome_never_resent(run_module, tmp_path):
    fake = lab()
    fake.fault(lambda *a: requests.exceptions.ReadTimeout('slow'), method='POST')
    failed, result = run_module(copy, fake, args(tmp_path))
    assert failed
    assert len(fake.posts()) == 1
    assert [entry['mid'] for entry in result['failures']] == [414, 425, 433]
    assert 'not sent again, because whether the copy happened cannot be read back' in result['failures'][0]['reason']
    assert json.loads((tmp_path / 'copies.json').read_text())['copies'] == []


def test_copy_short_count_is_ambiguous(run_module, tmp_path):
    fake = lab()

    def copy_two(fake_sma, method, path, params, body):
        return FakeResponse(200, {'data': {'action': 'sendCopy', 'totalCount': 2}})
    fake.fault(copy_two, method='POST')
    failed, result = run_module(copy, fake, args(tmp_path))
    assert failed
    assert 'counted 2 of the 3 sent without saying which' in result['failures'][0]['reason']
    assert result['copied'] == []


def test_copy_short_count_explained_by_departures(run_module, tmp_path):
    fake = lab()

    def someone_releases_433(fake_sma, method, path, params, body):
        fake_sma.release({'quarantineName': Q, 'mids': [433]})
    fake.fault(someone_releases_433, method='POST')
    failed, result = run_module(copy, fake, args(tmp_path))
    assert not failed
    assert result['copied'] == [414, 425]
    assert result['absent'][0]['mid'] == 433
    assert 'left quarantine' in result['absent'][0]['reason']


def test_copy_invalid_recipient_named(run_module, tmp_path):
    fake = lab()
    failed, result = run_module(copy, fake, args(tmp_path, recipients=['soc at example.com']))
    assert failed
    assert "recipients entry 'soc at example.com' is not an email address" in result['msg']
    assert fake.calls == []


def test_copy_corrupt_sent_log_named(run_module, tmp_path):
    (tmp_path / 'copies.json').write_text('{"copies": 3}')
    failed, result = run_module(copy, lab(), args(tmp_path))
    assert failed
    assert 'is not a sent log written by mailops.sma.sma_quarantine_copy' in result['msg']


def test_copy_count_above_sent_stops_later_batches(run_module, tmp_path):
    fake = lab()

    def overcount(fake_sma, method, path, params, body):
        return FakeResponse(200, {'data': {'action': 'sendCopy', 'totalCount': len(body['mids']) + 1}})
    fake.fault(overcount, method='POST')
    failed, result = run_module(copy, fake, args(tmp_path, batch_size=2))
    assert failed
    assert len(fake.posts()) == 1
    assert result['copied'] == []
    assert 'reported totalCount 3 for 2 MIDs' in result['failures'][0]['reason']
    assert 'not sent: an inconsistent totalCount (3 for 2 sent)' in result['failures'][2]['reason']
