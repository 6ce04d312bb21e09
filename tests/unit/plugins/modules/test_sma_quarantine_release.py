# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_release as release
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import FakeSma, pvo_item

Q = 'TEST_QUARANTINE'
NOW_RECEIVED = None


def lab():
    from ansible_collections.mailops.sma.plugins.module_utils._dates import utc_now
    received = utc_now().strftime('%d %b %Y %H:%M (GMT)')
    items = [pvo_item(mid, 'u%d@labcisco.com' % mid, [Q], received=received) for mid in (414, 425, 433)]
    items.append(pvo_item(431, 'x@labcisco.com.evil.example', [Q], received=received))
    items.append(pvo_item(300, 'p@labcisco.com', ['Policy'], received=received))
    return items


ARGS = {'quarantine': Q, 'sender_domain': ['labcisco.com']}


def test_check_then_real_then_again(run_module):
    fake = FakeSma(lab())
    failed, result = run_module(release, fake, ARGS, check_mode=True, diff=True)
    assert not failed
    assert result['changed'] is True
    assert result['planned'] == [414, 425, 433]
    assert result['released'] == []
    assert fake.posts() == []
    assert result['diff']['after']['mids'] == []

    failed, result = run_module(release, fake, ARGS)
    assert not failed
    assert result['changed'] is True
    assert result['released'] == [414, 425, 433]
    assert result['verification']['checked'] is True
    assert [r['mid'] for r in result['rejected']] == [431]
    assert len(fake.posts()) == 1

    failed, result = run_module(release, fake, ARGS)
    assert not failed
    assert result['changed'] is False
    assert result['planned'] == []
    assert len(fake.posts()) == 1
    assert 300 in fake.items


def test_empty_selection_rejected(run_module):
    fake = FakeSma(lab())
    failed, result = run_module(release, fake, {'quarantine': Q})
    assert failed
    assert 'the selection is empty' in result['msg']
    assert fake.calls == []


def test_expected_count_mismatch_sends_nothing(run_module):
    fake = FakeSma(lab())
    failed, result = run_module(release, fake, dict(ARGS, expected_count=2))
    assert failed
    assert 'expected_count is 2 but 3 messages are planned' in result['msg']
    assert fake.posts() == []


def test_max_count_exceeded_sends_nothing(run_module):
    fake = FakeSma(lab())
    failed, result = run_module(release, fake, dict(ARGS, max_count=1))
    assert failed
    assert 'more than max_count 1' in result['msg']
    assert fake.posts() == []


def test_absent_mids_reported(run_module):
    fake = FakeSma(lab())
    failed, result = run_module(release, fake, {'quarantine': Q, 'mids': [414, 999]})
    assert not failed
    assert result['released'] == [414]
    assert result['absent'] == [{'mid': 999, 'reason': "not in quarantine 'TEST_QUARANTINE'"}]


def test_missing_quarantine_named(run_module):
    failed, result = run_module(release, FakeSma(), {'sender_domain': ['labcisco.com']})
    assert failed
    assert 'quarantine is missing' in result['msg']


def test_bad_date_named(run_module):
    fake = FakeSma(lab())
    failed, result = run_module(release, fake, dict(ARGS, received_after='last tuesday'))
    assert failed
    assert "received_after 'last tuesday' is not a valid time" in result['msg']
    assert fake.calls == []


def test_unknown_quarantine_type_named(run_module):
    failed, result = run_module(release, FakeSma(), dict(ARGS, quarantine_type='virus'))
    assert failed
    assert 'quarantine_type' in result['msg']
    assert 'virus' in result['msg']


@pytest.mark.parametrize('option', ['batch_size', 'page_size'])
def test_non_positive_sizes_rejected(run_module, option):
    failed, result = run_module(release, FakeSma(), dict(ARGS, **{option: 0}))
    assert failed
    assert '%s 0 is invalid' % option in result['msg']


def test_password_not_in_failure(run_module):
    from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import error
    fake = FakeSma(lab())
    fake.fault(lambda *a: error(401, 'Unauthorized.'))
    failed, result = run_module(release, fake, ARGS)
    assert failed
    assert 'SMA rejected the credentials' in result['msg']
    assert 'not-a-real-secret' not in str(result)
