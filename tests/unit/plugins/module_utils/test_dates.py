# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mailops.sma.plugins.module_utils._dates import (
    DEFAULT_START,
    format_api,
    parse_display_date,
    parse_user_time,
    resolve_timezone,
    resolve_window,
)
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 15, 12, 30, 45, 500000, tzinfo=UTC)


@pytest.mark.parametrize('text, expected', [
    ('2026-03-15T11:25:00Z', datetime.datetime(2026, 3, 15, 11, 25, tzinfo=UTC)),
    ('2026-03-15T11:25:30.250Z', datetime.datetime(2026, 3, 15, 11, 25, 30, 250000, tzinfo=UTC)),
    ('2026-03-15T11:25:00+01:00', datetime.datetime(2026, 3, 15, 10, 25, tzinfo=UTC)),
    ('2026-03-15T11:25:00-07:00', datetime.datetime(2026, 3, 15, 18, 25, tzinfo=UTC)),
    ('-7d', NOW - datetime.timedelta(days=7)),
    ('-12h', NOW - datetime.timedelta(hours=12)),
    ('-30m', NOW - datetime.timedelta(minutes=30)),
    ('now', NOW),
])
def test_parse_user_time_forms(text, expected):
    assert parse_user_time(text, 'received_after', NOW) == expected


def test_parse_user_time_without_zone_rejected():
    with pytest.raises(SmaInputError, match=r"received_after '2026-03-15T11:25:00' has no time zone.*timezone option"):
        parse_user_time('2026-03-15T11:25:00', 'received_after', NOW)


def test_parse_user_time_without_zone_uses_timezone():
    tz = resolve_timezone('Europe/Paris')
    assert parse_user_time('2026-03-15T11:25:00', 'received_after', NOW, tz) == datetime.datetime(
        2026, 3, 15, 10, 25, tzinfo=UTC)


def test_parse_user_time_garbage_names_value():
    with pytest.raises(SmaInputError, match=r"received_before 'yesterday' is not a valid time"):
        parse_user_time('yesterday', 'received_before', NOW)


def test_window_floors_start_and_ceils_end():
    start, end = resolve_window('2026-03-15T11:25:59Z', '2026-03-15T11:30:00.001Z', None, NOW)
    assert format_api(start) == '2026-03-15T11:25:00.000Z'
    assert format_api(end) == '2026-03-15T11:31:00.000Z'


def test_window_keeps_exact_minutes():
    start, end = resolve_window('2026-03-15T11:25:00Z', '2026-03-15T11:30:00Z', None, NOW)
    assert format_api(start) == '2026-03-15T11:25:00.000Z'
    assert format_api(end) == '2026-03-15T11:30:00.000Z'


def test_window_defaults_cover_everything():
    start, end = resolve_window(None, None, None, NOW)
    assert start == DEFAULT_START
    assert format_api(end) == '2026-03-15T12:31:00.000Z'


def test_window_rejects_inverted_range():
    with pytest.raises(SmaInputError, match='must be earlier than received_before'):
        resolve_window('-1h', '-2h', None, NOW)


def test_window_rejects_empty_range_after_rounding():
    with pytest.raises(SmaInputError, match='must be earlier'):
        resolve_window('2026-03-15T11:25:00Z', '2026-03-15T11:25:00Z', None, NOW)


@pytest.mark.parametrize('text, expected', [
    ('15 Mar 2026 11:25 (GMT)', '2026-03-15T11:25:00+00:00'),
    ('15 Mar 2026 11:25 (GMT +00:00)', '2026-03-15T11:25:00+00:00'),
    ('15 Mar 2026 11:25 (GMT +01:00)', '2026-03-15T10:25:00+00:00'),
    ('15 Mar 2026 11:25 (GMT -07:00)', '2026-03-15T18:25:00+00:00'),
    ('1 Jan 2026 00:05 (GMT +05:30)', '2025-12-31T18:35:00+00:00'),
    ('28 Aug 2022 15:33 (UTC)', '2022-08-28T15:33:00+00:00'),
])
def test_parse_display_date_zones(text, expected):
    assert parse_display_date(text).isoformat() == expected


@pytest.mark.parametrize('text', ['', None, 'yesterday', '31 Feb 2026 11:25 (GMT)', '15 Foo 2026 11:25 (GMT)'])
def test_parse_display_date_unknown_returns_none(text):
    assert parse_display_date(text) is None


@pytest.mark.parametrize('name', ['Mars/Olympus', '+25:00', 'one hour'])
def test_resolve_timezone_invalid(name):
    with pytest.raises(SmaInputError, match="timezone '%s'" % name.replace('+', r'\+')):
        resolve_timezone(name)


def test_resolve_timezone_offset():
    assert resolve_timezone('-07:00').utcoffset(None) == datetime.timedelta(hours=-7)
