# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime

import pytest
import requests

from ansible_collections.mailops.sma.plugins.module_utils._actions import ActionEngine
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError, SmaScanUnstable
from ansible_collections.mailops.sma.plugins.module_utils._query import build_selection

from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import FakeResponse, FakeSma, error, pvo_item

UTC = datetime.timezone.utc
WINDOW = (datetime.datetime(2026, 3, 1, tzinfo=UTC), datetime.datetime(2026, 4, 1, tzinfo=UTC))
Q = 'TEST_QUARANTINE'


def lab(count=12, domain='labcisco.com'):
    """Return ``count`` messages from ``domain`` (MIDs 1..count) and two look-alikes (MIDs 901, 902)."""
    items = [pvo_item(mid, 'u%d@%s' % (mid, domain), [Q]) for mid in range(1, count + 1)]
    items.append(pvo_item(901, 'x@mail.%s' % domain, [Q]))
    items.append(pvo_item(902, 'x@%s.evil.example' % domain, [Q]))
    return items


def engine_for(fake, make_client, mids=None, **kwargs):
    selection = build_selection('pvo', [Q], WINDOW, sender_domain=['labcisco.com'], mids=mids)
    client = make_client(fake)
    kwargs.setdefault('batch_size', 5)
    kwargs.setdefault('page_size', 5)
    return ActionEngine(client, selection, Q, sleep=lambda _s: None, **kwargs)


def outcomes(engine, kind):
    return sorted(mid for mid, (outcome, reason) in engine.outcomes.items() if outcome == kind)


def test_plan_selects_exact_domain_and_batches(make_client):
    fake = FakeSma(lab())
    engine = engine_for(fake, make_client)
    plan = engine.plan()
    assert plan.planned_mids == list(range(1, 13))
    assert sorted(r['mid'] for r in engine.read.rejected) == [901, 902]
    assert fake.posts() == []
    engine.execute(plan)
    assert [len(call['body']['mids']) for call in fake.posts()] == [5, 5, 2]
    assert outcomes(engine, 'released') == list(range(1, 13))
    assert sorted(fake.items) == [901, 902]


def test_plan_reports_absent_and_outside_mids(make_client):
    fake = FakeSma(lab(3))
    plan = engine_for(fake, make_client, mids=[1, 2, 555, 901]).plan([1, 2, 555, 901])
    assert plan.planned_mids == [1, 2]
    assert list(plan.absent) == [555]
    assert 'outside the selection' in plan.skipped[901]


def test_empty_mids_reads_nothing(make_client):
    fake = FakeSma(lab(3))
    plan = engine_for(fake, make_client, mids=[]).plan([])
    assert plan.planned_mids == []
    assert fake.calls == []


def test_short_count_marks_vanished_absent(make_client):
    fake = FakeSma(lab(5))

    def someone_else_releases(fake_sma, method, path, params, body):
        fake_sma.release({'quarantineName': Q, 'mids': [2, 4]})
    fake.fault(someone_else_releases, method='POST')
    engine = engine_for(fake, make_client)
    engine.execute(engine.plan())
    assert engine.appliance_count == 3
    assert outcomes(engine, 'failed') == []
    assert outcomes(engine, 'absent') + outcomes(engine, 'released') == [1, 2, 3, 4, 5]
    assert set(outcomes(engine, 'absent')) >= {2, 4}


def test_short_count_with_message_left_behind_fails_it(make_client):
    fake = FakeSma(lab(5))

    def ignore_mid_3(fake_sma, method, path, params, body):
        mids = [m for m in body['mids'] if m != 3]
        return FakeResponse(200, {'data': {'action': 'release', 'totalCount': fake_sma.release(
            {'quarantineName': Q, 'mids': mids})}})
    fake.fault(ignore_mid_3, method='POST')
    engine = engine_for(fake, make_client)
    engine.execute(engine.plan())
    assert outcomes(engine, 'released') == [1, 2, 4, 5]
    assert outcomes(engine, 'failed') == [3]
    assert 'did not act on it (totalCount 4 of 5 sent)' in engine.outcomes[3][1]


def test_count_higher_than_sent_stops(make_client):
    fake = FakeSma(lab(12))

    def overcount(fake_sma, method, path, params, body):
        count = fake_sma.release(body)
        return FakeResponse(200, {'data': {'action': 'release', 'totalCount': count + 2}})
    fake.fault(overcount, method='POST')
    engine = engine_for(fake, make_client)
    engine.execute(engine.plan())
    assert len(fake.posts()) == 1
    assert outcomes(engine, 'released') == [1, 2, 3, 4, 5]
    assert outcomes(engine, 'failed') == list(range(6, 13))
    assert 'not sent: an inconsistent totalCount (7 for 5 sent)' in engine.outcomes[6][1]


def test_unknown_outcome_applied_is_not_resent(make_client):
    fake = FakeSma(lab(5))

    def apply_then_reset(fake_sma, method, path, params, body):
        fake_sma.release(body)
        return requests.exceptions.ConnectionError('Connection reset by peer')
    fake.fault(apply_then_reset, method='POST')
    engine = engine_for(fake, make_client)
    engine.execute(engine.plan())
    assert len(fake.posts()) == 1
    assert outcomes(engine, 'released') == [1, 2, 3, 4, 5]
    assert len([c for c in fake.calls if c['path'].endswith('/details')]) == 5


def test_unknown_outcome_partly_applied_resends_only_present(make_client):
    fake = FakeSma(lab(5))

    def apply_two_then_timeout(fake_sma, method, path, params, body):
        fake_sma.release({'quarantineName': Q, 'mids': body['mids'][:2]})
        return requests.exceptions.ReadTimeout('slow')
    fake.fault(apply_two_then_timeout, method='POST')
    engine = engine_for(fake, make_client)
    engine.execute(engine.plan())
    posts = fake.posts()
    assert [call['body']['mids'] for call in posts] == [[1, 2, 3, 4, 5], [3, 4, 5]]
    assert outcomes(engine, 'released') == [1, 2, 3, 4, 5]
    assert engine.client.retry_events[0]['method'] == 'POST'


def test_partial_batch_failure_keeps_going(make_client):
    fake = FakeSma(lab(12))
    fake.fault(lambda *a: error(500, 'Internal error.'), method='POST', times=4)
    engine = engine_for(fake, make_client)
    engine.execute(engine.plan())
    assert outcomes(engine, 'failed') == [1, 2, 3, 4, 5]
    assert 'HTTP 500: Internal error.; still present after 4 attempts' in engine.outcomes[1][1]
    assert outcomes(engine, 'released') == list(range(6, 13))
    assert sorted(fake.items) == [1, 2, 3, 4, 5, 901, 902]


def test_rerun_after_partial_failure_finishes(make_client):
    fake = FakeSma(lab(12))
    fake.fault(lambda *a: error(500, 'Internal error.'), method='POST', times=4)
    first = engine_for(fake, make_client)
    first.execute(first.plan())
    second = engine_for(fake, make_client)
    plan = second.plan()
    assert plan.planned_mids == [1, 2, 3, 4, 5]
    second.execute(plan)
    assert outcomes(second, 'released') == [1, 2, 3, 4, 5]


def test_4xx_on_release_stops_later_batches(make_client):
    fake = FakeSma(lab(12))
    fake.fault(lambda *a: error(404, 'Invalid value for attribute - quarantineName.'), method='POST')
    engine = engine_for(fake, make_client)
    engine.execute(engine.plan())
    assert len(fake.posts()) == 1
    assert outcomes(engine, 'failed') == list(range(1, 13))
    assert 'not sent: an earlier batch was rejected with HTTP 404' in engine.outcomes[12][1]


def test_multi_quarantine_skipped_by_default(make_client):
    fake = FakeSma([pvo_item(1, 'a@labcisco.com', [Q, 'Policy']), pvo_item(2, 'b@labcisco.com', [Q])])
    engine = engine_for(fake, make_client)
    plan = engine.plan()
    assert plan.planned_mids == [2]
    assert 'held in several quarantines (TEST_QUARANTINE, Policy)' in plan.skipped[1]
    assert plan.multi_quarantine == [{'mid': 1, 'quarantines': [Q, 'Policy']}]


def test_multi_quarantine_release_all(make_client):
    fake = FakeSma([pvo_item(1, 'a@labcisco.com', [Q, 'Policy']), pvo_item(2, 'b@labcisco.com', [Q])])
    engine = engine_for(fake, make_client, multi_quarantine='release_all')
    plan = engine.plan()
    engine.execute(plan)
    bodies = sorted((call['body']['quarantineName'], call['body']['mids']) for call in fake.posts())
    assert bodies == [('Policy', [1]), (Q, [1, 2])]
    assert fake.items == {}
    verification = engine.verify(plan)
    assert verification['still_present'] == []
    assert verification['quarantines'] == [Q, 'Policy']


def test_verify_flags_requarantined_copy(make_client):
    fake = FakeSma(lab(3))

    def requarantine(fake_sma, method, path, params, body):
        count = fake_sma.release(body)
        copy = pvo_item(100001, 'u1@labcisco.com', [Q], esa_mid=1001)
        fake_sma.add(copy)
        fake_sma.add(pvo_item(50, 'new@labcisco.com', [Q]))
        return FakeResponse(200, {'data': {'action': 'release', 'totalCount': count}})
    fake.fault(requarantine, method='POST')
    engine = engine_for(fake, make_client)
    plan = engine.plan()
    engine.execute(plan)
    verification = engine.verify(plan)
    assert [entry['mid'] for entry in verification['review']] == [100001]
    assert verification['review'][0]['original_mid'] == 1
    assert verification['arrived'] == [50]
    assert 100001 not in engine.outcomes


def test_verify_moves_lingering_mid_to_failed(make_client):
    fake = FakeSma(lab(2))

    def lie(fake_sma, method, path, params, body):
        return FakeResponse(200, {'data': {'action': 'release', 'totalCount': len(body['mids'])}})
    fake.fault(lie, method='POST')
    engine = engine_for(fake, make_client)
    plan = engine.plan()
    engine.execute(plan)
    verification = engine.verify(plan)
    assert verification['still_present'] == [1, 2]
    assert engine.outcomes[1][0] == 'failed'


def test_scan_rescans_after_drift(make_client):
    fake = FakeSma(lab(12))

    def arrival(fake_sma, method, path, params, body):
        if params.get('offset') == 5 and 0 not in fake_sma.items:
            fake_sma.add(pvo_item(0, 'early@labcisco.com', [Q]))
    fake.fault(arrival, method='GET', path='/quarantine/messages', times=99)
    engine = engine_for(fake, make_client)
    plan = engine.plan()
    assert plan.planned_mids == list(range(0, 13))
    assert engine.read.scans[Q]['passes'] == 2
    assert 'totalCount changed from 14 to 15' in engine.read.scans[Q]['rescans'][0]


def test_scan_unstable_fails_clearly(make_client):
    fake = FakeSma(lab(12))
    counter = {'mid': 5000}

    def endless(fake_sma, method, path, params, body):
        if params.get('offset') == 5:
            counter['mid'] += 1
            fake_sma.add(pvo_item(counter['mid'], 'x@labcisco.com', [Q]))
    fake.fault(endless, method='GET', path='/quarantine/messages', times=99)
    engine = engine_for(fake, make_client, max_passes=2)
    with pytest.raises(SmaScanUnstable, match="quarantine 'TEST_QUARANTINE' kept changing .* on each of 2 passes"):
        engine.plan()


def test_scan_request_count_is_page_floor(make_client):
    fake = FakeSma(lab(12))
    engine = engine_for(fake, make_client)
    engine.plan()
    assert len(fake.calls) == 3


def test_parallel_scan_same_result(make_client):
    fake = FakeSma(lab(12))
    engine = engine_for(fake, make_client, concurrency=3)
    assert engine.plan().planned_mids == list(range(1, 13))
    assert len(fake.calls) == 3


def test_unknown_quarantine_named(make_client):
    fake = FakeSma(lab(1))
    fake.fault(lambda *a: error(404, 'Invalid value for attribute - quarantines.'), method='GET')
    engine = engine_for(fake, make_client)
    with pytest.raises(SmaInputError, match="quarantine 'TEST_QUARANTINE' is not known to the appliance"):
        engine.plan()
