# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_delete as delete
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import pvo_item
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma_actions import FakeSmaActions, spam_item

Q = 'Virus'


def lab():
    items = [pvo_item(mid, 'u%d@malware.example' % mid, [Q]) for mid in (414, 425, 433)]
    items.append(pvo_item(431, 'x@malware.example.evil.test', [Q]))
    items.append(pvo_item(402, 'y@malware.example', [Q, 'Policy']))
    return items


ARGS = {'quarantine': Q, 'sender_domain': ['malware.example'], 'confirm': True}


def test_delete_check_then_real_then_again(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(delete, fake, ARGS, check_mode=True, diff=True)
    assert not failed
    assert result['changed'] is True
    assert result['planned'] == [414, 425, 433]
    assert result['deleted'] == []
    assert fake.methods('DELETE') == []
    assert result['diff']['after']['mids'] == [402]

    failed, result = run_module(delete, fake, ARGS)
    assert not failed
    assert result['changed'] is True
    assert result['deleted'] == [414, 425, 433]
    assert result['counts']['deleted'] == 3
    assert result['verification']['checked'] is True
    assert result['verification']['still_present'] == []
    assert [call['body'] for call in fake.methods('DELETE')] == [
        {'quarantineType': 'pvo', 'quarantineName': Q, 'mids': [414, 425, 433]}]

    failed, result = run_module(delete, fake, ARGS)
    assert not failed
    assert result['changed'] is False
    assert result['planned'] == []
    assert len(fake.methods('DELETE')) == 1


def test_delete_without_confirm_rejected_before_reading(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(delete, fake, dict(ARGS, confirm=False))
    assert failed
    assert 'irreversible' in result['msg']
    assert 'set confirm: true' in result['msg']
    assert fake.calls == []


def test_delete_check_mode_without_confirm_warns(run_module, monkeypatch):
    warnings = []
    monkeypatch.setattr(AnsibleModule, 'warn', lambda module, message, **kwargs: warnings.append(message))
    fake = FakeSmaActions(lab())
    failed, result = run_module(delete, fake, dict(ARGS, confirm=False), check_mode=True)
    assert not failed
    assert result['planned'] == [414, 425, 433]
    assert len(warnings) == 1
    assert 'confirm is not set' in warnings[0]
    assert fake.methods('DELETE') == []


def test_delete_multi_quarantine_skip_and_all(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(delete, fake, dict(ARGS, mids=[402]))
    assert not failed
    assert result['changed'] is False
    assert 'deleting it from one leaves it in the others' in result['excluded'][0]['reason']

    failed, result = run_module(delete, fake, dict(ARGS, mids=[402], multi_quarantine='delete_all'))
    assert not failed
    assert result['deleted'] == [402]
    assert sorted(call['body']['quarantineName'] for call in fake.methods('DELETE')) == ['Policy', Q]
    assert 402 not in fake.items


def test_delete_expected_count_mismatch_sends_nothing(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(delete, fake, dict(ARGS, expected_count=2))
    assert failed
    assert 'expected_count is 2 but 3 messages are planned to be deleted; nothing was deleted' in result['msg']
    assert fake.methods('DELETE') == []


def test_delete_empty_selection_rejected(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(delete, fake, {'quarantine': Q, 'confirm': True})
    assert failed
    assert 'the selection is empty' in result['msg']
    assert 'A delete never selects a whole quarantine' in result['msg']
    assert fake.calls == []


def test_delete_spam_sends_no_quarantine_name(run_module):
    fake = FakeSmaActions(spam=[spam_item(50, 'Prize <win@lottery.example>'), spam_item(51, 'news@ok.example')])
    args = {'quarantine_type': 'spam', 'sender_domain': ['lottery.example'], 'confirm': True}
    failed, result = run_module(delete, fake, args)
    assert not failed
    assert result['deleted'] == [50]
    assert [call['body'] for call in fake.methods('DELETE')] == [{'quarantineType': 'spam', 'mids': [50]}]
    assert sorted(fake.spam) == [51]

    failed, result = run_module(delete, fake, args)
    assert not failed
    assert result['changed'] is False


def test_delete_failure_names_counts(run_module):
    from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import error
    fake = FakeSmaActions(lab())
    fake.fault(lambda *a: error(404, 'Invalid value for attribute - quarantineName.'), method='DELETE')
    failed, result = run_module(delete, fake, ARGS)
    assert failed
    assert result['msg'].startswith("Deleted 0 of 3 planned messages from quarantine 'Virus'; 3 failed")
    assert 'deleted messages are not sent again' in result['msg']
    assert [entry['mid'] for entry in result['failures']] == [414, 425, 433]
