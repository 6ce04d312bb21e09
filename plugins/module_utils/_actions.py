# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: planning and executing batch actions on quarantined messages.

The engine reads which selected MIDs are present, plans batches, sends them, reconciles
each response's ``totalCount`` and, optionally, verifies with a fresh read. Every MID ends
in exactly one outcome: released (acted on), absent, failed or skipped, with a reason.
A request whose outcome is unknown is never re-sent blind: presence is read again first.
"""

from __future__ import annotations

import time

from ansible_collections.mailops.sma.plugins.module_utils._errors import (
    SmaApiError,
    SmaAuthError,
    SmaInputError,
    SmaOutcomeUnknown,
)
from ansible_collections.mailops.sma.plugins.module_utils._http import backoff_delay
from ansible_collections.mailops.sma.plugins.module_utils._reader import Compact, read_selection

ACTIONS_PATH = '/quarantine/messages'
DETAILS_PATH = '/quarantine/messages/details'
MULTI_QUARANTINE_CHOICES = ('skip', 'release_all')


class ActionSpec:
    """How one action is sent: HTTP method, body ``action`` word and extra body fields."""

    def __init__(self, name, method='POST', verb=None, extra_body=None, past='acted on'):
        self.name = name
        self.method = method
        self.verb = verb if verb is not None else name
        self.extra_body = dict(extra_body or {})
        self.past = past

    def body(self, quarantine_type, quarantine, mids):
        """Return the JSON body for one batch."""
        body = {}
        if self.verb:
            body['action'] = self.verb
        body['quarantineType'] = quarantine_type
        if quarantine_type == 'pvo':
            body['quarantineName'] = quarantine
        body.update(self.extra_body)
        body['mids'] = list(mids)
        return body


RELEASE = ActionSpec('release', past='released')


class Plan:
    """The MIDs to act on, grouped by quarantine, and what was left out and why."""

    def __init__(self):
        self.targets = {}
        self.selected = {}
        self.absent = {}
        self.skipped = {}
        self.multi_quarantine = []

    @property
    def planned_mids(self):
        """Return the MIDs that will be acted on, in ascending order."""
        mids = set()
        for batch in self.targets.values():
            mids.update(batch)
        return sorted(mids)


class ActionEngine:
    """Plans and executes one action over a selection in one source quarantine."""

    def __init__(self, client, selection, quarantine, action=RELEASE, batch_size=100, page_size=100,
                 multi_quarantine='skip', max_passes=3, concurrency=1, sleep=time.sleep):
        if batch_size < 1:
            raise SmaInputError('batch_size %s is invalid; use a positive number such as 100' % batch_size)
        if multi_quarantine not in MULTI_QUARANTINE_CHOICES:
            raise SmaInputError("multi_quarantine '%s' is not supported; use skip or release_all" % multi_quarantine)
        self.client = client
        self.selection = selection
        self.quarantine = quarantine
        self.action = action
        self.batch_size = batch_size
        self.page_size = page_size
        self.multi_quarantine = multi_quarantine
        self.max_passes = max_passes
        self.concurrency = concurrency
        self._sleep = sleep
        self.read = None
        self.outcomes = {}
        self.acted_from = {}
        self.batches = []
        self.appliance_count = 0
        self.errors = []

    # -- plan --------------------------------------------------------------------

    def plan(self, requested_mids=None):
        """Read the source quarantine and return a Plan."""
        plan = Plan()
        if requested_mids is not None and not requested_mids:
            return plan
        names = [self.quarantine] if self.selection.quarantine_type == 'pvo' else ['spam']
        self.read = read_selection(self.client, self.selection, self.page_size, keep=Compact,
                                   max_passes=self.max_passes, concurrency=self.concurrency, quarantines=names)
        plan.selected = self.read.matched
        if requested_mids is not None:
            rejected = {entry['mid']: entry['reason'] for entry in self.read.rejected}
            for mid in sorted(set(requested_mids) - set(plan.selected)):
                if mid in rejected:
                    plan.skipped[mid] = 'outside the selection: %s' % rejected[mid]
                else:
                    plan.absent[mid] = 'not in %s' % self._where()
        for mid, info in plan.selected.items():
            holders = [q for q in info.in_quarantines if q] or [self.quarantine]
            if self.selection.quarantine_type == 'pvo' and len(holders) > 1:
                plan.multi_quarantine.append({'mid': mid, 'quarantines': list(holders)})
                if self.multi_quarantine == 'skip':
                    plan.skipped[mid] = ('held in several quarantines (%s); releasing it from one does not deliver it. '
                                         'Set multi_quarantine: release_all to release it from all of them'
                                         % ', '.join(holders))
                    continue
                for name in holders:
                    plan.targets.setdefault(name, []).append(mid)
                continue
            plan.targets.setdefault(self.quarantine if self.selection.quarantine_type == 'pvo' else 'spam', []).append(mid)
        for name in plan.targets:
            plan.targets[name].sort()
        return plan

    def _where(self):
        if self.selection.quarantine_type == 'pvo':
            return "quarantine '%s'" % self.quarantine
        return 'the spam quarantine'

    # -- execute -----------------------------------------------------------------

    def execute(self, plan):
        """Send the plan in batches and record one outcome per MID."""
        stop_reason = None
        for name, mids in plan.targets.items():
            for start in range(0, len(mids), self.batch_size):
                batch = mids[start:start + self.batch_size]
                if stop_reason:
                    for mid in batch:
                        self._fail(mid, name, 'not sent: %s' % stop_reason)
                    continue
                stop_reason = self._run_batch(name, batch)
        return self.outcomes

    def _run_batch(self, quarantine, batch):
        """Send one batch until it is settled; return a reason to stop all later batches, or None."""
        record = {'quarantine': quarantine, 'size': len(batch), 'attempts': 0, 'total_count': 0, 'status': 'ok'}
        self.batches.append(record)
        pending = list(batch)
        started = time.monotonic()
        while pending:
            record['attempts'] += 1
            body = self.action.body(self.selection.quarantine_type, quarantine, pending)
            try:
                response = self.client.request(self.action.method, ACTIONS_PATH, json_body=body)
            except SmaOutcomeUnknown as error:
                present, gone = self._presence(pending, quarantine)
                for mid in gone:
                    self._acted(mid, quarantine, 'left the quarantine after a request whose outcome was unknown '
                                                 '(%s)' % error.reason)
                if not present:
                    return None
                if record['attempts'] > self.client.retries:
                    record['status'] = 'failed'
                    for mid in present:
                        self._fail(mid, quarantine, '%s; still present after %d attempts' % (error.reason, record['attempts']))
                    return None
                self._pause(record['attempts'], started, error.reason)
                pending = present
                continue
            except SmaAuthError as error:
                record['status'] = 'failed'
                for mid in pending:
                    self._fail(mid, quarantine, str(error))
                return 'the appliance rejected the credentials'
            except SmaApiError as error:
                record['status'] = 'failed'
                for mid in pending:
                    self._fail(mid, quarantine, str(error))
                if error.status < 500:
                    return 'an earlier batch was rejected with HTTP %s (%s)' % (error.status, error.api_message)
                return None
            count = _total_count(response)
            record['total_count'] += count
            self.appliance_count += count
            return self._reconcile(quarantine, pending, count, record)
        return None

    def _reconcile(self, quarantine, sent, count, record):
        if count == len(sent):
            for mid in sent:
                self._acted(mid, quarantine, None)
            return None
        present, gone = self._presence(sent, quarantine)
        record['status'] = 'reconciled'
        if count > len(sent):
            message = ('the appliance reported totalCount %d for %d MIDs sent to %s; stopped to avoid acting on '
                       'an inconsistent appliance' % (count, len(sent), self._quarantine_label(quarantine)))
            self.errors.append(message)
            for mid in gone:
                self._acted(mid, quarantine, 'left the quarantine, but the appliance count was inconsistent')
            for mid in present:
                self._fail(mid, quarantine, message)
            return 'an inconsistent totalCount (%d for %d sent)' % (count, len(sent))
        for mid in present:
            self._fail(mid, quarantine, 'the appliance did not act on it (totalCount %d of %d sent); a re-run retries it'
                       % (count, len(sent)))
        if len(gone) == count:
            for mid in gone:
                self._acted(mid, quarantine, None)
        elif count == 0:
            for mid in gone:
                self._absent(mid, 'left %s before the request (totalCount 0)' % self._quarantine_label(quarantine))
        else:
            for mid in gone:
                self._absent(mid, 'left %s; the appliance counted %d of the %d sent without saying which, so this '
                                  'run may or may not have %s it' % (self._quarantine_label(quarantine), count,
                                                                     len(sent), self.action.past))
        return None

    def _pause(self, attempt, started, reason):
        delay = backoff_delay(attempt, self.client._rng)  # pylint: disable=protected-access
        if time.monotonic() - started + delay > self.client.retry_max_time:
            delay = 0.0
        self.client.retry_events.append({'method': self.action.method, 'path': ACTIONS_PATH, 'attempt': attempt,
                                         'reason': 'outcome unknown (%s); re-read presence, re-sending only the '
                                                   'MIDs still present' % reason, 'delay': round(delay, 3)})
        self._sleep(delay)

    def _presence(self, mids, quarantine):
        """Return ``(present, gone)`` for ``mids`` in ``quarantine`` by reading each message's details."""
        present, gone = [], []
        for mid in mids:
            if self._is_present(mid, quarantine):
                present.append(mid)
            else:
                gone.append(mid)
        return present, gone

    def _is_present(self, mid, quarantine):
        params = {'mid': mid, 'quarantineType': self.selection.quarantine_type}
        try:
            details = self.client.get(DETAILS_PATH, params)
        except SmaApiError as error:
            if error.status == 404 and 'mid' in (error.api_message or '').lower():
                return False
            raise
        if self.selection.quarantine_type != 'pvo':
            return True
        attributes = (details.get('data') or {}).get('attributes') or {}
        holders = [entry.get('quarantineName') for entry in attributes.get('quarantineDetails') or []]
        return quarantine in holders

    def _quarantine_label(self, quarantine):
        return "quarantine '%s'" % quarantine if self.selection.quarantine_type == 'pvo' else 'the spam quarantine'

    def _acted(self, mid, quarantine, note):
        self.acted_from.setdefault(mid, []).append(quarantine)
        current = self.outcomes.get(mid)
        if current is None or current[0] == self.action.past:
            self.outcomes[mid] = (self.action.past, note)

    def _fail(self, mid, quarantine, reason):
        self.outcomes[mid] = ('failed', '%s: %s' % (self._quarantine_label(quarantine), reason))

    def _absent(self, mid, reason):
        if self.outcomes.get(mid, ('',))[0] != 'failed':
            self.outcomes[mid] = ('absent', reason)

    # -- verify ------------------------------------------------------------------

    def verify(self, plan):
        """Read every affected quarantine again and check the acted-on MIDs left it.

        Returns a dict with ``still_present`` (moved to failed), ``review`` (new MIDs whose
        fingerprint equals a message acted on in this run: a re-quarantined copy) and
        ``arrived`` (other new matching MIDs), none of which this run acts on.
        """
        names = list(plan.targets) or ([self.quarantine] if self.selection.quarantine_type == 'pvo' else ['spam'])
        read = read_selection(self.client, _without_mids(self.selection), self.page_size, keep=Compact,
                              max_passes=self.max_passes, concurrency=self.concurrency, quarantines=names)
        acted_prints = {}
        for mid, quarantines in self.acted_from.items():
            info = plan.selected.get(mid)
            if info is not None:
                acted_prints[info.fingerprint] = mid
        still, review, arrived = [], [], []
        for mid, holders in read.found_in.items():
            if mid in self.acted_from:
                lingering = sorted(set(holders) & set(self.acted_from[mid]))
                if lingering:
                    still.append(mid)
                    self.outcomes[mid] = ('failed', 'still in %s after the %s was acknowledged'
                                          % (', '.join(lingering), self.action.name))
                continue
            if mid in plan.selected or mid in plan.absent or mid in plan.skipped:
                continue
            info = read.matched[mid]
            original = acted_prints.get(info.fingerprint)
            if original is not None:
                review.append({'mid': mid, 'original_mid': original, 'quarantines': holders,
                               'reason': 're-quarantined under a new MID after MID %d was %s in this run; not %s, '
                                         'review it' % (original, self.action.past, self.action.past)})
            else:
                arrived.append(mid)
        return {'checked': True, 'quarantines': names, 'still_present': sorted(still), 'review': review,
                'arrived': sorted(arrived), 'scans': read.scans}


def _without_mids(selection):
    clone = object.__new__(type(selection))
    clone.__dict__.update(selection.__dict__)
    clone.mids = None
    return clone


def _total_count(response):
    data = response.get('data') if isinstance(response, dict) else None
    if not isinstance(data, dict) or 'totalCount' not in data:
        return 0
    try:
        return int(data['totalCount'])
    except (TypeError, ValueError):
        return 0
