# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: parsing of user time inputs and of the dates the SMA API returns."""

from __future__ import annotations

import datetime
import re

from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError

UTC = datetime.timezone.utc

# The quarantine search accepts only whole minutes in UTC with a literal Z; the appliance
# rejects other seconds with "startDate and endDate attribute supports only 00 seconds and
# 000 microseconds." (Cisco-Email-Security/docs api.md; Cortex XSOAR's CiscoSMA integration
# formats dates the same way).
API_DATE_FORMAT = '%Y-%m-%dT%H:%M:00.000Z'

# Retention of policy, virus and outbreak quarantines is bounded by the appliance, and the
# quarantine REST API appeared with AsyncOS 11/12 (2018-2019), so a start of 2000-01-01 covers
# every message an appliance can still hold.
DEFAULT_START = datetime.datetime(2000, 1, 1, tzinfo=UTC)

_RELATIVE = re.compile(r'^\s*([+-])\s*(\d+)\s*(m|min|minutes?|h|hours?|d|days?|w|weeks?)\s*$', re.IGNORECASE)
_UNIT_SECONDS = {'m': 60, 'h': 3600, 'd': 86400, 'w': 604800}
_OFFSET = re.compile(r'^([+-])(\d{1,2}):?(\d{2})$')
_DISPLAY = re.compile(
    r'^\s*(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*'
    r'\(\s*(?:GMT|UTC)\s*(?:([+-])\s*(\d{1,2}):?(\d{2}))?\s*\)\s*$')
_MONTHS = {name: index for index, name in enumerate(
    ('jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'), start=1)}


def utc_now():
    """Return the current time as an aware UTC datetime."""
    return datetime.datetime.now(UTC)


def resolve_timezone(name):
    """Return a tzinfo for a ``timezone`` option value, or None when it is unset.

    Accepts ``UTC``, ``Z``, a fixed offset such as ``+01:00`` or ``-0700``, or an IANA name
    such as ``Europe/Paris``.
    """
    if name is None or name == '':
        return None
    text = str(name).strip()
    if text.upper() in ('UTC', 'Z', 'GMT'):
        return UTC
    match = _OFFSET.match(text)
    if match:
        sign, hours, minutes = match.groups()
        delta = datetime.timedelta(hours=int(hours), minutes=int(minutes))
        if delta >= datetime.timedelta(hours=24):
            raise SmaInputError("timezone '%s' is out of range; use an offset between -23:59 and +23:59" % text)
        return datetime.timezone(-delta if sign == '-' else delta)
    try:
        import zoneinfo  # pylint: disable=import-outside-toplevel
        return zoneinfo.ZoneInfo(text)
    except (ImportError, ValueError, KeyError, OSError):
        raise SmaInputError(
            "timezone '%s' is not valid; use UTC, an offset such as +01:00, or an IANA name such as Europe/Paris" % text)


def parse_user_time(value, option, now, tz=None):
    """Parse a time option into an aware UTC datetime.

    ``value`` is ISO 8601 (``2026-03-15T11:25:00Z``, with seconds, milliseconds or an offset),
    a relative time such as ``-7d``, ``-12h`` or ``-30m`` counted from ``now``, or ``now``.
    A value without a zone is read in ``tz``; without ``tz`` it is rejected, because guessing
    the zone shifts the window by hours.
    """
    text = str(value).strip()
    if text.lower() == 'now':
        return now
    match = _RELATIVE.match(text)
    if match:
        sign, amount, unit = match.groups()
        seconds = int(amount) * _UNIT_SECONDS[unit[0].lower()]
        delta = datetime.timedelta(seconds=seconds)
        return now - delta if sign == '-' else now + delta
    iso = text[:-1] + '+00:00' if text.endswith(('Z', 'z')) else text
    try:
        parsed = datetime.datetime.fromisoformat(iso)
    except ValueError:
        raise SmaInputError(
            "%s '%s' is not a valid time; use ISO 8601 with a zone such as 2026-03-15T11:25:00Z "
            "or 2026-03-15T11:25:00+01:00, or a relative time such as -7d, -12h or -30m" % (option, text))
    if parsed.tzinfo is None:
        if tz is None:
            raise SmaInputError(
                "%s '%s' has no time zone; add one (for example %sZ or %s+01:00) or set the timezone option "
                "to say how to read it" % (option, text, text, text))
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def floor_minute(moment):
    """Return ``moment`` with seconds and microseconds dropped."""
    return moment.replace(second=0, microsecond=0)


def ceil_minute(moment):
    """Return the first whole minute at or after ``moment``."""
    floored = floor_minute(moment)
    if floored == moment:
        return floored
    return floored + datetime.timedelta(minutes=1)


def resolve_window(received_after, received_before, timezone_name, now):
    """Resolve the search window into whole UTC minutes.

    The start is floored and the end ceiled to the minute, so no message at either edge is
    lost. Without ``received_before`` the end is the minute after ``now``, which includes
    messages received during the current minute. Returns ``(start, end)``.
    """
    tz = resolve_timezone(timezone_name)
    if received_after in (None, ''):
        start = DEFAULT_START
    else:
        start = floor_minute(parse_user_time(received_after, 'received_after', now, tz))
    if received_before in (None, ''):
        end = floor_minute(now) + datetime.timedelta(minutes=1)
    else:
        end = ceil_minute(parse_user_time(received_before, 'received_before', now, tz))
    if start >= end:
        raise SmaInputError(
            'received_after (%s) must be earlier than received_before (%s); swap them or widen the window'
            % (format_iso(start), format_iso(end)))
    return start, end


def format_api(moment):
    """Format an aware datetime the way the quarantine search expects it."""
    return moment.astimezone(UTC).strftime(API_DATE_FORMAT)


def format_iso(moment):
    """Format an aware datetime as ISO 8601 UTC with a Z suffix, or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


def parse_display_date(text):
    """Parse a date as the appliance renders it, such as ``15 Mar 2026 11:25 (GMT -07:00)``.

    Returns an aware UTC datetime, or None when the text is empty or in an unknown format.
    The zone part follows the appliance's settings and may be ``(GMT)``, ``(GMT +01:00)`` or
    ``(GMT -07:00)``; Cortex XSOAR had to fix its parser for the offset form.
    """
    if not text or not isinstance(text, str):
        return None
    match = _DISPLAY.match(text)
    if not match:
        return None
    day, month, year, hour, minute, second, sign, off_hours, off_minutes = match.groups()
    month_number = _MONTHS.get(month.lower())
    if month_number is None:
        return None
    offset = datetime.timedelta(hours=int(off_hours or 0), minutes=int(off_minutes or 0))
    if sign == '-':
        offset = -offset
    try:
        local = datetime.datetime(int(year), month_number, int(day), int(hour), int(minute), int(second or 0),
                                  tzinfo=datetime.timezone(offset))
    except ValueError:
        return None
    return local.astimezone(UTC)
