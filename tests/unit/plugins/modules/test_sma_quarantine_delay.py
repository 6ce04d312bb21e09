# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime

import requests

from ansible_collections.mailops.sma.plugins.module_utils._dates import utc_now
from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_delay as delay
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import FakeResponse, pvo_item
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma_actions import FakeSmaActions

Q = 'Policy'
UTC = datetime.timezone.utc


def future(days):
    moment = (utc_now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)
    return moment, moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def lab(exit_days=3):
    fake = FakeSmaActions(exit_at=future(exit_days)[0])
    for mid in (414, 425, 433):
        fake.add(pvo_item(mid, 'u%d@partner.example' % mid, [Q]))
    return fake


def test_delay_check_then_real_then_again(run_module):
    fake = lab()
    until, until_text = future(30)
    args = {'quarantine': Q, 'sender_domain': ['partner.example'], 'delay_until': until_text}
    failed, result = run_module(delay, fake, args, check_mode=True, diff=True)
    assert not failed
    assert result['changed'] is True
    assert result['planned'] == [414, 425, 433]
    assert result['delayed'] == []
    assert fake.posts() == []
    assert result['diff']['after']['scheduled_exit'][0] == {'mid': 414, 'scheduled_exit': until_text}

    failed, result = run_module(delay, fake, args)
    assert not failed
    assert result['changed'] is True
    assert result['delayed'] == [414, 425, 433]
    assert result['delay_until'] == until_text
    assert result['verification']['not_delayed'] == []
    assert fake.posts()[0]['body'] == {'action': 'delay', 'quarantineType': 'pvo', 'quarantineName': Q,
                                       'delay': until.strftime('%Y-%m-%dT%H:%M:00.000Z'), 'mids': [414, 425, 433]}
    assert all(fake.exits[mid] == until for mid in (414, 425, 433))
    assert sorted(fake.items) == [414, 425, 433]

    failed, result = run_module(delay, fake, args)
    assert not failed
    assert result['changed'] is False
    assert result['planned'] == []
    assert [entry['mid'] for entry in result['unchanged']] == [414, 425, 433]
    assert len(fake.posts()) == 1


def test_delay_never_brings_exit_forward(run_module):
    fake = lab(exit_days=60)
    failed, result = run_module(delay, fake, {'quarantine': Q, 'mids': [414], 'delay_until': future(30)[1]})
    assert not failed
    assert result['changed'] is False
    assert 'is already at or after' in result['unchanged'][0]['reason']
    assert fake.posts() == []


def test_delay_relative_time_ceiled_to_minute(run_module):
    fake = lab()
    failed, result = run_module(delay, fake, {'quarantine': Q, 'mids': [414], 'delay_until': '+10d'})
    assert not failed
    sent = fake.posts()[0]['body']['delay']
    assert sent.endswith(':00.000Z')
    moment = datetime.datetime.strptime(sent, '%Y-%m-%dT%H:%M:00.000Z').replace(tzinfo=UTC)
    assert datetime.timedelta(days=10) <= moment - utc_now() <= datetime.timedelta(days=10, minutes=1)


def test_delay_past_time_rejected(run_module):
    fake = lab()
    failed, result = run_module(delay, fake, {'quarantine': Q, 'mids': [414], 'delay_until': '2020-01-01T00:00:00Z'})
    assert failed
    assert "delay_until '2020-01-01T00:00:00Z' (2020-01-01T00:00:00Z) is not in the future" in result['msg']
    assert fake.calls == []


def test_delay_bad_time_named(run_module):
    failed, result = run_module(delay, lab(), {'quarantine': Q, 'mids': [414], 'delay_until': 'next week'})
    assert failed
    assert "delay_until 'next week' is not a valid time" in result['msg']


def test_delay_unknown_outcome_not_resent_when_applied(run_module):
    fake = lab()

    def apply_then_reset(fake_sma, method, path, params, body):
        fake_sma.post(body)
        return requests.exceptions.ConnectionError('Connection reset by peer')
    fake.fault(apply_then_reset, method='POST')
    failed, result = run_module(delay, fake, {'quarantine': Q, 'mids': [414, 425], 'delay_until': future(30)[1]})
    assert not failed
    assert result['delayed'] == [414, 425]
    assert len(fake.posts()) == 1
    assert len([call for call in fake.calls if call['path'].endswith('/details')]) == 2


def test_delay_unknown_outcome_resends_when_not_applied(run_module):
    fake = lab()
    fake.fault(lambda *a: requests.exceptions.ReadTimeout('slow'), method='POST')
    failed, result = run_module(delay, fake, {'quarantine': Q, 'mids': [414, 425], 'delay_until': future(30)[1]})
    assert not failed
    assert result['delayed'] == [414, 425]
    assert len(fake.posts()) == 2


def test_delay_verify_flags_exit_that_did_not_move(run_module):
    fake = lab()
    fake.fault(lambda fake_sma, method, path, params, body: FakeResponse(
        200, {'data': {'action': 'delay', 'totalCount': len(body['mids'])}}), method='POST')
    failed, result = run_module(delay, fake, {'quarantine': Q, 'mids': [414], 'delay_until': future(30)[1]})
    assert failed
    assert result['verification']['not_delayed'] == [414]
    assert 'the delay was acknowledged, but the scheduled exit is still' in result['failures'][0]['reason']
    assert result['msg'].startswith("Delayed 0 of 1 planned messages in quarantine 'Policy'")


def test_delay_spam_rejected(run_module):
    failed, result = run_module(delay, lab(), {'quarantine_type': 'spam', 'mids': [1], 'delay_until': '+1d'})
    assert failed
    assert 'the spam quarantine does not support the delay action' in result['msg']
