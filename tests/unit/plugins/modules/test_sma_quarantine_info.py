# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.mailops.sma.plugins.module_utils._dates import utc_now
from ansible_collections.mailops.sma.plugins.modules import sma_quarantine_info as info
from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import FakeSma, pvo_item

Q = 'TEST_QUARANTINE'


def lab():
    received = utc_now().strftime('%d %b %Y %H:%M (GMT)')
    items = [pvo_item(mid, 'u%d@labcisco.com' % mid, [Q], received=received) for mid in (414, 425, 433)]
    items.append(pvo_item(431, 'x@mail.labcisco.com', [Q], received=received))
    items.append(pvo_item(432, 'y@labcisco.com', [Q, 'Policy'], received=received))
    return items


def test_info_exact_domain_with_rejected(run_module):
    fake = FakeSma(lab())
    failed, result = run_module(info, fake, {'quarantines': [Q], 'sender_domain': ['labcisco.com']})
    assert not failed
    assert result['changed'] is False
    assert result['mids'] == [414, 425, 432, 433]
    assert result['total'] == 4
    assert result['truncated'] is False
    assert result['rejected'][0]['mid'] == 431
    assert 'include_subdomains' in result['rejected'][0]['reason']
    assert result['summary']['by_sender_domain'] == [{'sender_domain': 'labcisco.com', 'count': 4}]
    assert result['multi_quarantine'] == [{'mid': 432, 'quarantines': [Q, 'Policy']}]
    assert result['scope']['server_filters'] == ['sender']
    assert result['scope']['user'] == 'api'
    assert fake.posts() == []


def test_info_cap_and_fields(run_module):
    fake = FakeSma(lab())
    failed, result = run_module(info, fake, {'quarantines': [Q], 'max_messages': 2, 'fields': ['mid', 'sender']})
    assert not failed
    assert result['total'] == 5
    assert result['truncated'] is True
    assert result['messages'] == [{'mid': 414, 'sender': 'u414@labcisco.com'},
                                  {'mid': 425, 'sender': 'u425@labcisco.com'}]


def test_info_without_messages(run_module):
    failed, result = run_module(info, FakeSma(lab()), {'quarantines': [Q], 'return_messages': False})
    assert not failed
    assert result['messages'] == []
    assert result['total'] == 5


def test_info_requires_quarantines_for_pvo(run_module):
    failed, result = run_module(info, FakeSma(lab()), {})
    assert failed
    assert 'quarantines is empty' in result['msg']


def test_info_missing_url_names_env_var(run_module):
    failed, result = run_module(info, FakeSma(lab()), {'quarantines': [Q], 'url': None})
    assert failed
    assert 'SMA_URL' in result['msg']
