# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: reading a selection from one or more quarantines.

Each pvo quarantine is searched on its own, so that ``totalCount`` and the drift checks
refer to one set, and messages held in several of the searched quarantines are merged by MID.
"""

from __future__ import annotations

from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaApiError, SmaInputError
from ansible_collections.mailops.sma.plugins.module_utils._query import fingerprint, normalize_item, public_record
from ansible_collections.mailops.sma.plugins.module_utils._scan import scan


class _SelectionConsumer:
    """Collects the exact matches and the rejected near-matches of one quarantine search."""

    def __init__(self, selection, quarantine, keep):
        self.selection = selection
        self.quarantine = quarantine
        self.keep = keep
        self.matched = {}
        self.rejected = []

    def begin_pass(self):
        self.matched = {}
        self.rejected = []

    def add(self, item):
        record = normalize_item(item, self.selection.quarantine_type)
        reason = self.selection.check(record)
        if reason is None:
            self.matched[record['mid']] = self.keep(record)
            return
        self.rejected.append({'mid': record['mid'], 'quarantine': self.quarantine, 'sender': record['sender'],
                              'sender_domain': record['sender_domain'], 'subject': record['subject'],
                              'received': record['received'], 'reason': reason})


class ReadResult:
    """Exact matches keyed by MID (in search order), rejected near-matches, and scan counters."""

    def __init__(self):
        self.matched = {}
        self.found_in = {}
        self.rejected = []
        self.scans = {}

    @property
    def server_total(self):
        """Return the sum of ``totalCount`` over the searched quarantines."""
        return sum(stats['server_total'] for stats in self.scans.values())


def read_selection(client, selection, page_size, keep=None, max_passes=3, concurrency=1, quarantines=None):
    """Search every quarantine of ``selection`` (or ``quarantines``) and return a ReadResult.

    ``keep(record)`` decides what is stored per match, so a large read can keep compact
    values; by default the public record is kept.
    """
    keep = keep or public_record
    result = ReadResult()
    names = quarantines if quarantines is not None else (selection.quarantines or ('spam',))
    for name in names:
        consumer = _SelectionConsumer(selection, name, keep)
        params = selection.server_params(name if selection.quarantine_type == 'pvo' else None)[0]
        label = "quarantine '%s'" % name if selection.quarantine_type == 'pvo' else 'the spam quarantine'
        try:
            stats = scan(client, params, page_size, consumer, max_passes=max_passes, concurrency=concurrency,
                         label=label)
        except SmaApiError as error:
            clearer = _explain_rejection(error, name)
            if clearer is error:
                raise
            raise clearer from error
        result.scans[name] = stats.as_dict()
        for mid, value in consumer.matched.items():
            result.found_in.setdefault(mid, []).append(name)
            if mid not in result.matched:
                result.matched[mid] = value
        result.rejected.extend(consumer.rejected)
    return result


def _explain_rejection(error, quarantine):
    """Return a clearer error for a search the appliance rejected, or ``error`` itself."""
    message = error.api_message or ''
    if error.status == 404 and 'attribute - quarantines' in message:
        return SmaInputError(
            "quarantine '%s' is not known to the appliance (SMA returned: %s). Names are case-sensitive; "
            'check the spelling in the GUI under Monitor > Policy, Virus and Outbreak Quarantines' % (quarantine, message))
    return error


class Compact:
    """The few fields the action engine keeps per matching message, in place of the whole record."""

    __slots__ = ('mid', 'in_quarantines', 'fingerprint', 'sender', 'subject', 'received')

    def __init__(self, record):
        self.mid = record['mid']
        self.in_quarantines = tuple(record['in_quarantines'])
        self.fingerprint = fingerprint(record)
        self.sender = record['sender']
        self.subject = record['subject']
        self.received = record['received']
