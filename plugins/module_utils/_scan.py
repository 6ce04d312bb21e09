# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: complete, drift-checked paging over the quarantine search.

The search pages with ``offset`` and ``limit`` over a live set whose ``totalCount`` is
recomputed on every call, so a message that arrives or leaves between two pages shifts the
others (the PSCiscoSMA PowerShell module and Cortex XSOAR both work around this). A pass is
accepted only when ``totalCount`` stayed the same on every page, no MID came twice, every page
but the last was full, and the number of distinct MIDs equals ``totalCount``. Otherwise the
quarantine is read again, up to ``max_passes`` times.
"""

from __future__ import annotations

import concurrent.futures

from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaProtocolError, SmaScanUnstable

SEARCH_PATH = '/quarantine/messages'


class ScanStats:
    """Counters of one completed scan."""

    def __init__(self):
        self.server_total = 0
        self.pages = 0
        self.passes = 0
        self.unstable_reasons = []

    def as_dict(self):
        """Return the counters as plain data."""
        return {'server_total': self.server_total, 'pages': self.pages, 'passes': self.passes,
                'rescans': list(self.unstable_reasons)}


class _Unstable(Exception):
    pass


def scan(client, params, page_size, consumer, max_passes=3, concurrency=1, label=None):
    """Read every item of one search into ``consumer`` and return ScanStats.

    ``consumer`` has ``begin_pass()``, called before each pass (a rescan discards what the
    previous pass collected), and ``add(item)``, called once per distinct MID in page order.
    Raises SmaScanUnstable when no pass is stable within ``max_passes``.
    """
    stats = ScanStats()
    while stats.passes < max(1, max_passes):
        stats.passes += 1
        consumer.begin_pass()
        try:
            _scan_pass(client, params, page_size, consumer, concurrency, stats)
            return stats
        except _Unstable as reason:
            stats.unstable_reasons.append(str(reason))
    raise SmaScanUnstable(
        "%s kept changing while it was read: %s, on each of %d passes. Run again when the quarantine is "
        "quieter, narrow the time window, or raise max_scan_passes"
        % (label or 'the quarantine', '; '.join(stats.unstable_reasons), stats.passes))


def _scan_pass(client, params, page_size, consumer, concurrency, stats):
    first = _fetch(client, params, 0, page_size)
    stats.pages += 1
    total = _total_of(first)
    stats.server_total = total
    seen = set()
    _take_page(first, 0, page_size, total, total, seen, consumer)
    offsets = list(range(page_size, total, page_size))
    if concurrency > 1 and len(offsets) > 1:
        pages = _fetch_parallel(client, params, offsets, page_size, concurrency)
    else:
        pages = ((offset, _fetch(client, params, offset, page_size)) for offset in offsets)
    for offset, page in pages:
        stats.pages += 1
        _take_page(page, offset, page_size, total, _total_of(page), seen, consumer)
    if len(seen) != total:
        raise _Unstable('collected %d distinct MIDs but totalCount is %d' % (len(seen), total))


def _take_page(page, offset, page_size, expected_total, total, seen, consumer):
    if total != expected_total:
        raise _Unstable('totalCount changed from %d to %d at offset %d' % (expected_total, total, offset))
    items = page.get('data') or []
    expected = min(page_size, max(0, expected_total - offset))
    if len(items) != expected:
        raise _Unstable('page at offset %d held %d messages, expected %d' % (offset, len(items), expected))
    for item in items:
        mid = item.get('mid') if isinstance(item, dict) else None
        if mid is None:
            raise SmaProtocolError('the quarantine search returned an item without a mid at offset %d' % offset)
        if mid in seen:
            raise _Unstable('MID %s came twice (messages arrived during paging)' % mid)
        seen.add(mid)
        consumer.add(item)


def _fetch(client, params, offset, page_size):
    query = dict(params)
    query['offset'] = offset
    query['limit'] = page_size
    page = client.get(SEARCH_PATH, query)
    if not isinstance(page, dict):
        raise SmaProtocolError('the quarantine search returned %s instead of an object' % type(page).__name__)
    return page


def _fetch_parallel(client, params, offsets, page_size, concurrency):
    """Yield ``(offset, page)`` in offset order while up to ``concurrency`` pages are in flight."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        pending = []
        position = 0
        while position < len(offsets) or pending:
            while position < len(offsets) and len(pending) < concurrency * 2:
                offset = offsets[position]
                pending.append((offset, pool.submit(_fetch, client, params, offset, page_size)))
                position += 1
            offset, future = pending.pop(0)
            try:
                yield offset, future.result()
            except BaseException:
                for entry in pending:
                    entry[1].cancel()
                raise


def _total_of(page):
    meta = page.get('meta') or {}
    total = meta.get('totalCount')
    if total is None:
        total = len(page.get('data') or [])
    try:
        return int(total)
    except (TypeError, ValueError):
        raise SmaProtocolError("the quarantine search returned totalCount '%s', which is not a number" % total)
