"""The request log and traffic counters of the admin interface.

Entries keep the parsed query and request body but not the response body, so 100,000
requests take a few tens of megabytes at most. The oldest entries are dropped past
``max_entries``; sequence numbers keep counting so ``?since=`` still works.
"""

from __future__ import annotations

import threading
from collections import Counter, deque

from .dates import format_iso

_FIELDS = ("seq", "time", "method", "path", "query", "body", "status", "bytes_in", "bytes_out", "duration_ms", "auth")


class RequestLog:
    """API requests in arrival order, plus counts by method and status and byte totals."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._entries: deque[tuple] = deque(maxlen=max_entries)
        self._lock = threading.Lock()
        self._seq = 0
        self._by_method: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()
        self._bytes_in = 0
        self._bytes_out = 0

    def add(self, when: float, method: str, path: str, query: dict, body: object,  # pylint: disable=too-many-arguments
            status: int, bytes_in: int, bytes_out: int, duration_ms: float, auth: str) -> int:
        """Record one request and return its sequence number."""
        with self._lock:
            self._seq += 1
            self._entries.append((self._seq, when, method, path, query, body, status, bytes_in, bytes_out,
                                  round(duration_ms, 3), auth))
            self._by_method[method] += 1
            self._by_status[str(status)] += 1
            self._bytes_in += bytes_in
            self._bytes_out += bytes_out
            return self._seq

    def entries(self, since: int = 0) -> list[dict]:
        """Return the kept entries with a sequence number above ``since``."""
        with self._lock:
            rows = [row for row in self._entries if row[0] > since]
        result = []
        for row in rows:
            entry = dict(zip(_FIELDS, row))
            entry["time"] = format_iso(entry["time"])
            result.append(entry)
        return result

    def clear(self) -> None:
        """Drop every entry and reset the counters. Sequence numbers keep counting."""
        with self._lock:
            self._entries.clear()
            self._by_method.clear()
            self._by_status.clear()
            self._bytes_in = 0
            self._bytes_out = 0

    def stats(self) -> dict:
        """Return request counts by method and status and the byte totals."""
        with self._lock:
            return {
                "requests": sum(self._by_method.values()),
                "by_method": dict(self._by_method),
                "by_status": dict(self._by_status),
                "bytes_in": self._bytes_in,
                "bytes_out": self._bytes_out,
                "last_seq": self._seq,
            }
