# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_move as move
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import FakeResponse, pvo_item
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma_actions import FakeSmaActions

SOURCE = 'Policy'
DEST = 'REVIEW'


def lab():
    items = [pvo_item(mid, 'u%d@partner.example' % mid, [SOURCE]) for mid in (414, 425, 433)]
    items.append(pvo_item(431, 'x@partner.example.evil.test', [SOURCE]))
    return items


ARGS = {'quarantine': SOURCE, 'destination': DEST, 'sender_domain': ['partner.example']}


def test_move_check_then_real_then_again(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(move, fake, ARGS, check_mode=True, diff=True)
    assert not failed
    assert result['changed'] is True
    assert result['planned'] == [414, 425, 433]
    assert result['moved'] == []
    assert fake.posts() == []
    assert result['diff']['after'] == {'mids': [], 'destination_mids': [414, 425, 433]}

    failed, result = run_module(move, fake, ARGS)
    assert not failed
    assert result['changed'] is True
    assert result['moved'] == [414, 425, 433]
    assert result['destination'] == DEST
    assert result['verification']['checked'] is True
    assert result['verification']['not_in_destination'] == []
    assert [call['body'] for call in fake.posts()] == [
        {'action': 'move', 'quarantineType': 'pvo', 'quarantineName': SOURCE, 'destinationQuarantineName': DEST,
         'mids': [414, 425, 433]}]
    assert all(fake.holders[mid] == [DEST] for mid in (414, 425, 433))

    failed, result = run_module(move, fake, ARGS)
    assert not failed
    assert result['changed'] is False
    assert result['planned'] == []
    assert len(fake.posts()) == 1


def test_move_mids_already_in_destination_unchanged(run_module):
    fake = FakeSmaActions(lab())
    fake.add(pvo_item(500, 'done@partner.example', [DEST]))
    failed, result = run_module(move, fake, {'quarantine': SOURCE, 'destination': DEST, 'mids': [414, 500, 999]})
    assert not failed
    assert result['moved'] == [414]
    assert result['unchanged'] == [{'mid': 500, 'reason': "already in destination quarantine 'REVIEW'"}]
    assert result['absent'] == [{'mid': 999, 'reason': "not in quarantine 'Policy'"}]
    assert result['counts']['unchanged'] == 1

    failed, result = run_module(move, fake, {'quarantine': SOURCE, 'destination': DEST, 'mids': [414, 500]})
    assert not failed
    assert result['changed'] is False
    assert [entry['mid'] for entry in result['unchanged']] == [414, 500]


def test_move_message_in_both_quarantines_moved(run_module):
    fake = FakeSmaActions([pvo_item(600, 'both@partner.example', [SOURCE, DEST])])
    failed, result = run_module(move, fake, {'quarantine': SOURCE, 'destination': DEST, 'mids': [600]})
    assert not failed
    assert result['changed'] is True
    assert result['moved'] == [600]
    assert result['excluded'] == []
    assert result['multi_quarantine'] == [{'mid': 600, 'quarantines': [SOURCE, DEST]}]
    assert fake.holders[600] == [DEST]


def test_move_unknown_destination_fails_before_sending(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(move, fake, dict(ARGS, destination='NO_SUCH'))
    assert failed
    assert "destination 'NO_SUCH' was rejected by the appliance (Invalid value for attribute - quarantines.)" in result['msg']
    assert fake.posts() == []


def test_move_to_source_rejected(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(move, fake, dict(ARGS, destination=SOURCE))
    assert failed
    assert "destination 'Policy' is the source quarantine" in result['msg']
    assert fake.calls == []


def test_move_spam_rejected(run_module):
    fake = FakeSmaActions(lab())
    failed, result = run_module(move, fake, {'quarantine_type': 'spam', 'destination': DEST, 'mids': [1]})
    assert failed
    assert 'the spam quarantine does not support the move action' in result['msg']
    assert fake.calls == []


def test_move_verify_flags_message_missing_from_destination(run_module):
    fake = FakeSmaActions(lab())

    def lose_messages(fake_sma, method, path, params, body):
        for mid in body['mids']:
            fake_sma.holders[mid].remove(SOURCE)
            fake_sma.holders[mid].append('Virus')
            fake_sma.items[mid]['attributes']['inQuarantines'] = 'Virus'
    fake.fault(_answer_after(lose_messages), method='POST')
    failed, result = run_module(move, fake, ARGS)
    assert failed
    assert result['verification']['not_in_destination'] == [414, 425, 433]
    assert "not in destination quarantine 'REVIEW' after the move was acknowledged" in result['failures'][0]['reason']


def _answer_after(change):
    """Return a fault effect that applies ``change`` and responds as if the move had worked."""
    def effect(fake_sma, method, path, params, body):
        change(fake_sma, method, path, params, body)
        return FakeResponse(200, {'data': {'action': 'move', 'totalCount': len(body['mids'])}})
    return effect
