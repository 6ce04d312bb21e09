"""Date parsing and rendering in the formats the SMA API uses.

Query dates are UTC ``YYYY-MM-DDThh:mm:00.000Z``. Result dates look like
``15 Mar 2026 11:25 (GMT -07:00)``: minute resolution, in the appliance's display zone.
All times inside the simulator are POSIX timestamps (float seconds, UTC).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .errors import DATE_SECONDS_MESSAGE, ApiError, invalid, missing

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NUMBERS = {name.lower(): index + 1 for index, name in enumerate(MONTHS)}

# Any ISO-like UTC time with a literal Z. The seconds and fraction parts are optional here
# so that a value that is only wrong there gets the appliance's "00 seconds" message.
_QUERY_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?Z$")
_DISPLAY_DATE = re.compile(
    r"^\s*(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{1,2}):(\d{2})\s*\(GMT(?:\s*([+-])(\d{1,2}):?(\d{2}))?\)\s*$"
)
_RELATIVE = re.compile(r"^\s*([+-])\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_ZONE = re.compile(r"^([+-])(\d{2}):(\d{2})$")
_DURATION = re.compile(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_query_date(name: str, value: str | None) -> float:
    """Parse a ``startDate``/``endDate`` query value into a timestamp.

    Raises the appliance's 404 errors: missing, not parseable, or with seconds or
    milliseconds other than ``:00.000``.
    """
    if value is None or value == "":
        raise missing("startDate or endDate")
    match = _QUERY_DATE.match(value)
    if not match:
        raise invalid(name)
    year, month, day, hour, minute, seconds, fraction = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=timezone.utc)
    except ValueError as exc:
        raise invalid(name) from exc
    if seconds != "00" or fraction != "000":
        raise ApiError(404, DATE_SECONDS_MESSAGE)
    return moment.timestamp()


def format_query_date(timestamp: float) -> str:
    """Render a timestamp in the query format, floored to the minute."""
    moment = datetime.fromtimestamp(timestamp, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:00.000Z")


def format_iso(timestamp: float) -> str:
    """Render a timestamp as ISO 8601 UTC with seconds, for the admin interface."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class DisplayZone:
    """The appliance's display time zone: a fixed UTC offset such as ``+01:00``."""

    def __init__(self, text: str = "+00:00") -> None:
        match = _ZONE.match(text)
        if not match:
            raise ValueError(f"invalid time zone {text!r}: use a UTC offset such as +00:00, +01:00 or -07:00")
        sign, hours, minutes = match.groups()
        if int(hours) > 14 or int(minutes) > 59:
            raise ValueError(f"invalid time zone {text!r}: the offset must be between -14:00 and +14:00")
        offset = int(hours) * 3600 + int(minutes) * 60
        self.offset = -offset if sign == "-" else offset
        self.text = text
        # The appliance shows "(GMT)" for UTC and "(GMT +01:00)" otherwise, so clients must parse both.
        self.label = "(GMT)" if offset == 0 else f"(GMT {sign}{hours}:{minutes})"

    def _local(self, timestamp: float) -> datetime:
        return datetime.fromtimestamp(timestamp + self.offset, timezone.utc)

    def render(self, timestamp: float) -> str:
        """Render a timestamp like ``15 Mar 2026 11:25 (GMT -07:00)``."""
        local = self._local(timestamp)
        return f"{local.day:02d} {MONTHS[local.month - 1]} {local.year} {local.hour:02d}:{local.minute:02d} {self.label}"

    def mail_log_stamp(self, timestamp: float) -> str:
        """Render a timestamp like the mail log does: ``Thu Dec  4 20:21:50 2026``."""
        local = self._local(timestamp)
        return (f"{WEEKDAYS[local.weekday()]} {MONTHS[local.month - 1]} {local.day:2d} "
                f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {local.year}")


def parse_display_date(text: str) -> float | None:
    """Parse ``15 Mar 2026 11:25 (GMT -07:00)`` or ``28 Aug 2022 15:33 (GMT)``, or return None."""
    match = _DISPLAY_DATE.match(text)
    if not match:
        return None
    day, month_name, year, hour, minute, sign, zone_hours, zone_minutes = match.groups()
    month = _MONTH_NUMBERS.get(month_name.lower())
    if month is None:
        return None
    try:
        local = datetime(int(year), month, int(day), int(hour), int(minute), tzinfo=timezone.utc)
    except ValueError:
        return None
    offset = 0
    if sign:
        offset = int(zone_hours) * 3600 + int(zone_minutes) * 60
        if sign == "-":
            offset = -offset
    return local.timestamp() - offset


def parse_relative(text: str, now: float) -> float | None:
    """Parse ``-2h``, ``+30d``, ``-90m``, ``-45s`` or ``-1w`` relative to ``now``, or return None."""
    match = _RELATIVE.match(text)
    if not match:
        return None
    sign, amount, unit = match.groups()
    delta = float(amount) * _UNIT_SECONDS[unit]
    return now - delta if sign == "-" else now + delta


def parse_dataset_time(text: str, now: float) -> float:
    """Parse a dataset time: relative (``-2h``), display format, or ISO 8601 with a zone.

    Raises ValueError with a message that lists the accepted forms.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected a string, got {type(text).__name__} {text!r}")
    for parser in (parse_relative, lambda value, _now: parse_display_date(value)):
        parsed = parser(text, now)
        if parsed is not None:
            return parsed
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment.timestamp()
    raise ValueError(
        f"cannot parse time {text!r}: use a relative time such as \"-2h\" (units s, m, h, d, w), "
        "an API date such as \"15 Mar 2026 11:25 (GMT -07:00)\", or ISO 8601 with a zone such as \"2026-03-15T18:25:00Z\""
    )


def parse_duration(text: str) -> float | None:
    """Parse an ISO 8601 duration with weeks, days, hours, minutes and seconds (``P2D``, ``PT12H``).

    Returns seconds, or None when the text is not such a duration or is zero.
    Years and months are not accepted because their length varies.
    """
    match = _DURATION.match(text)
    if not match or text in ("P", "PT") or text.endswith("T"):
        return None
    weeks, days, hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    total = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds).total_seconds()
    return total or None
