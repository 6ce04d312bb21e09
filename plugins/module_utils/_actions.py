# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: planning and executing batch actions on quarantined messages.

The engine reads which selected MIDs are present, plans batches, sends them, reconciles
each response's ``totalCount`` and, optionally, verifies with a fresh read. Every MID ends
in exactly one outcome with a reason: acted on (``released``, ``deleted``, ``moved``...),
absent, failed or skipped. The plan also lists MIDs that need no action (unchanged).
A request whose outcome is unknown is never re-sent blind. Presence, or the action's visible
effect, is read again first, and an action whose effect cannot be read back is not re-sent.
"""

from __future__ import annotations

import datetime
import time

from ansible_collections.mailops.sma.plugins.module_utils._action_specs import RELEASE, ActionSpec
from ansible_collections.mailops.sma.plugins.module_utils._dates import format_iso
from ansible_collections.mailops.sma.plugins.module_utils._errors import (
    SmaApiError,
    SmaAuthError,
    SmaInputError,
    SmaOutcomeUnknown,
)
from ansible_collections.mailops.sma.plugins.module_utils._http import backoff_delay
from ansible_collections.mailops.sma.plugins.module_utils._reader import Compact, read_selection
from ansible_collections.mailops.sma.plugins.module_utils._scan import SEARCH_PATH

__all__ = ['ActionEngine', 'ActionRecord', 'ActionSpec', 'Plan', 'RELEASE', 'multi_quarantine_mode']

ACTIONS_PATH = '/quarantine/messages'
DETAILS_PATH = '/quarantine/messages/details'
# For a message in several quarantines: "skip" leaves it alone, "all" acts in each of them,
# and "source" acts only in the named quarantine (move, delay, send copy).
MULTI_QUARANTINE_MODES = ('skip', 'all', 'source')


def multi_quarantine_mode(value):
    """Return ``skip``, ``all`` or ``source`` for a multi_quarantine value; ``release_all`` means ``all``."""
    if value in MULTI_QUARANTINE_MODES:
        return value
    if isinstance(value, str) and value.endswith('_all'):
        return 'all'
    raise SmaInputError("multi_quarantine '%s' is not supported; use skip or release_all (delete_all for a delete)"
                        % value)


class ActionRecord(Compact):
    """Per-message data the engine keeps: the Compact fields plus the scheduled exit as a datetime."""

    __slots__ = ('scheduled_exit',)

    def __init__(self, record):
        super().__init__(record)
        text = record.get('scheduled_exit')
        self.scheduled_exit = datetime.datetime.fromisoformat(text.replace('Z', '+00:00')) if text else None


class Plan:
    """The MIDs to act on, grouped by quarantine, and what was left out and why."""

    def __init__(self):
        self.targets = {}
        self.selected = {}
        self.absent = {}
        self.skipped = {}
        self.unchanged = {}
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
        self.client = client
        self.selection = selection
        self.quarantine = quarantine
        self.action = action
        self.batch_size = batch_size
        self.page_size = page_size
        self.multi_quarantine = multi_quarantine_mode(multi_quarantine)
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
        self.read = self._read(self.selection, [self._source()])
        plan.selected = self.read.matched
        if requested_mids is not None:
            rejected = {entry['mid']: entry['reason'] for entry in self.read.rejected}
            for mid in sorted(set(requested_mids) - set(plan.selected)):
                if mid in rejected:
                    plan.skipped[mid] = 'outside the selection: %s' % rejected[mid]
                else:
                    plan.absent[mid] = 'not in %s' % self.quarantine_label(self._source())
        for mid, info in plan.selected.items():
            reason = self.action.satisfied(info) if self.action.satisfied is not None else None
            if reason:
                plan.unchanged[mid] = reason
                continue
            for name in self._target_quarantines(plan, mid, info):
                plan.targets.setdefault(name, []).append(mid)
        for name in plan.targets:
            plan.targets[name].sort()
        return plan

    def _target_quarantines(self, plan, mid, info):
        """Return the quarantines to act in for one selected message, recording why when none."""
        source = self._source()
        holders = [q for q in info.in_quarantines if q] or [source]
        if self.selection.quarantine_type != 'pvo' or len(holders) < 2:
            return [source]
        plan.multi_quarantine.append({'mid': mid, 'quarantines': list(holders)})
        if self.multi_quarantine == 'skip':
            note = self.action.multi_note or 'acting on it in one leaves it in the others'
            plan.skipped[mid] = 'held in several quarantines (%s); %s' % (', '.join(holders), note)
            return []
        if self.multi_quarantine == 'all':
            return holders
        return [source]

    def check_quarantine_exists(self, name, option):
        """Raise SmaInputError when the appliance rejects ``name`` as a pvo quarantine name.

        One search with ``limit=1`` is enough, because the appliance rejects an unknown name
        with HTTP 404 and "Invalid value for attribute - quarantines."
        """
        params = self.selection.server_params(name)[0]
        params.update(offset=0, limit=1)
        try:
            self.client.get(SEARCH_PATH, params)
        except SmaApiError as error:
            if error.status == 404 and 'quarantines' in (error.api_message or ''):
                raise SmaInputError("%s '%s' was rejected by the appliance (%s); check the name against the "
                                    "appliance's list of quarantines" % (option, name, error.api_message))
            raise

    def resolve_absent_in(self, plan, quarantine, reason):
        """Read ``quarantine`` for the requested MIDs the source does not hold; list those found as unchanged.

        Used by a move: a message already in the destination and no longer in the source is done.
        """
        if not plan.absent:
            return
        read = self._read(_with_mids(self.selection, plan.absent), [quarantine])
        for mid in read.matched:
            if mid in plan.absent:
                del plan.absent[mid]
                plan.unchanged[mid] = reason

    def _source(self):
        return self.quarantine if self.selection.quarantine_type == 'pvo' else 'spam'

    def _read(self, selection, names):
        return read_selection(self.client, selection, self.page_size, keep=ActionRecord, max_passes=self.max_passes,
                              concurrency=self.concurrency, quarantines=names)

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
                present = self._settle_unknown(quarantine, pending, error.reason, record)
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

    def _settle_unknown(self, quarantine, sent, reason, record):
        """Record what a request with an unknown outcome did; return the MIDs that may be sent again."""
        seen = self._observe(sent, quarantine)
        for mid in seen['gone']:
            if self.action.leaves:
                self._acted(mid, quarantine, 'left the quarantine after a request whose outcome was unknown (%s)' % reason)
            else:
                self._absent(mid, 'left %s after a request whose outcome was unknown (%s)'
                             % (self.quarantine_label(quarantine), reason))
        for mid in seen['done']:
            self._acted(mid, quarantine, 'the %s shows after a request whose outcome was unknown (%s)'
                        % (self.action.name, reason))
        if seen['unknown']:
            record['status'] = 'failed'
        for mid in seen['unknown']:
            self._fail(mid, quarantine, 'outcome unknown (%s); not sent again, because whether the %s happened cannot '
                                        'be read back through the API. Check before a re-run' % (reason, self.action.name))
        return seen['pending']

    def _reconcile(self, quarantine, sent, count, record):
        if count == len(sent):
            for mid in sent:
                self._acted(mid, quarantine, None)
            return None
        seen = self._observe(sent, quarantine)
        record['status'] = 'reconciled'
        if count > len(sent):
            return self._reconcile_overcount(quarantine, sent, count, seen)
        if self.action.leaves:
            self._reconcile_leaving(quarantine, sent, count, seen)
        else:
            self._reconcile_staying(quarantine, sent, count, seen)
        return None

    def _reconcile_overcount(self, quarantine, sent, count, seen):
        message = ('the appliance reported totalCount %d for %d MIDs sent to %s; stopped to avoid acting on '
                   'an inconsistent appliance' % (count, len(sent), self.quarantine_label(quarantine)))
        self.errors.append(message)
        shown = seen['gone'] if self.action.leaves else seen['done']
        for mid in shown:
            self._acted(mid, quarantine, 'left the quarantine, but the appliance count was inconsistent' if self.action.leaves
                        else 'the %s shows, but the appliance count was inconsistent' % self.action.name)
        for mid in sent:
            if mid not in shown:
                self._fail(mid, quarantine, message)
        return 'an inconsistent totalCount (%d for %d sent)' % (count, len(sent))

    def _reconcile_leaving(self, quarantine, sent, count, seen):
        """Settle a short count for an action after which the message leaves the quarantine."""
        present, gone = seen['pending'], seen['gone']
        label = self.quarantine_label(quarantine)
        for mid in present:
            self._fail(mid, quarantine, 'the appliance did not act on it (totalCount %d of %d sent); a re-run retries it'
                       % (count, len(sent)))
        if len(gone) == count:
            for mid in gone:
                self._acted(mid, quarantine, None)
        elif count == 0:
            for mid in gone:
                self._absent(mid, 'left %s before the request (totalCount 0)' % label)
        else:
            for mid in gone:
                self._absent(mid, 'left %s; the appliance counted %d of the %d sent without saying which, so this '
                                  'run may or may not have %s it' % (label, count, len(sent), self.action.past))

    def _reconcile_staying(self, quarantine, sent, count, seen):
        """Settle a short count for an action after which the message stays (delay, send copy)."""
        label = self.quarantine_label(quarantine)
        for mid in seen['gone']:
            self._absent(mid, 'left %s before the request (totalCount %d of %d sent)' % (label, count, len(sent)))
        for mid in seen['done']:
            self._acted(mid, quarantine, None)
        for mid in seen['pending']:
            self._fail(mid, quarantine, 'the appliance did not act on it (totalCount %d of %d sent); a re-run retries it'
                       % (count, len(sent)))
        unknown = seen['unknown']
        if len(unknown) == count:
            for mid in unknown:
                self._acted(mid, quarantine, None)
            return
        for mid in unknown:
            self._fail(mid, quarantine, 'the appliance counted %d of the %d sent without saying which, and whether the '
                                        '%s happened cannot be read back through the API. Check before a re-run'
                       % (count, len(sent), self.action.name))

    def _pause(self, attempt, started, reason):
        delay = backoff_delay(attempt, self.client._rng)  # pylint: disable=protected-access
        if time.monotonic() - started + delay > self.client.retry_max_time:
            delay = 0.0
        self.client.retry_events.append({'method': self.action.method, 'path': ACTIONS_PATH, 'attempt': attempt,
                                         'reason': 'outcome unknown (%s); re-read presence, re-sending only the '
                                                   'MIDs still present' % reason, 'delay': round(delay, 3)})
        self._sleep(delay)

    def _observe(self, mids, quarantine):
        """Read each MID's details and sort the MIDs by what they show.

        ``gone``: the quarantine no longer holds it. ``pending``: it is there and the action's
        effect is not (for an action after which the message leaves, presence alone).
        ``done``: it is there and the effect shows. ``unknown``: it is there and the effect
        cannot be read back.
        """
        seen = {'done': [], 'pending': [], 'gone': [], 'unknown': []}
        for mid in mids:
            entry = self._details_entry(mid, quarantine)
            if entry is None:
                state = 'gone'
            elif self.action.leaves:
                state = 'pending'
            elif self.action.observe is None:
                state = 'unknown'
            else:
                state = 'done' if self.action.observe(entry) else 'pending'
            seen[state].append(mid)
        return seen

    def _details_entry(self, mid, quarantine):
        """Return what the details show for ``mid`` in ``quarantine``, or None when it does not hold the message.

        For pvo that is the message's ``quarantineDetails`` entry for that quarantine; for spam,
        the details' attributes.
        """
        params = {'mid': mid, 'quarantineType': self.selection.quarantine_type}
        try:
            details = self.client.get(DETAILS_PATH, params)
        except SmaApiError as error:
            if error.status == 404 and 'mid' in (error.api_message or '').lower():
                return None
            raise
        attributes = (details.get('data') or {}).get('attributes') or {}
        if self.selection.quarantine_type != 'pvo':
            return attributes
        for entry in attributes.get('quarantineDetails') or []:
            if entry.get('quarantineName') == quarantine:
                return entry
        return None

    def quarantine_label(self, quarantine):
        """Return how messages and errors name ``quarantine``: "quarantine 'Policy'" or "the spam quarantine"."""
        return "quarantine '%s'" % quarantine if self.selection.quarantine_type == 'pvo' else 'the spam quarantine'

    def _acted(self, mid, quarantine, note):
        self.acted_from.setdefault(mid, []).append(quarantine)
        current = self.outcomes.get(mid)
        if current is None or current[0] == self.action.past:
            self.outcomes[mid] = (self.action.past, note)

    def _fail(self, mid, quarantine, reason):
        self.outcomes[mid] = ('failed', '%s: %s' % (self.quarantine_label(quarantine), reason))

    def _absent(self, mid, reason):
        if self.outcomes.get(mid, ('',))[0] != 'failed':
            self.outcomes[mid] = ('absent', reason)

    # -- verify ------------------------------------------------------------------

    def verify(self, plan):
        """Read every affected quarantine again and check that the action shows.

        Acted-on MIDs where the action does not show become failed and are listed under
        ``still_present`` (still in the quarantine after a release, delete or move),
        ``not_delayed`` (exit unchanged after a delay) or ``not_in_destination`` (missing from
        a move's destination). ``review`` lists new MIDs whose fingerprint equals a message
        acted on in this run (a re-quarantined copy), and ``arrived`` other new matching MIDs.
        This run acts on neither.
        """
        names = list(plan.targets) or [self._source()]
        read = self._read(_without_mids(self.selection), names)
        acted_prints = {}
        if self.action.leaves:
            for mid in self.acted_from:
                info = plan.selected.get(mid)
                if info is not None:
                    acted_prints[info.fingerprint] = mid
        result = {'checked': True, 'quarantines': names, 'still_present': [], 'review': [], 'arrived': []}
        if self.action.satisfied is not None:
            # Only a delay has a "satisfied" test: its acted-on messages stay, with a later exit.
            result['not_delayed'] = []
        for mid, holders in read.found_in.items():
            if mid in self.acted_from:
                self._verify_acted(mid, holders, read.matched[mid], result)
                continue
            if mid in plan.selected or mid in plan.absent or mid in plan.skipped:
                continue
            original = acted_prints.get(read.matched[mid].fingerprint)
            if original is not None:
                result['review'].append({
                    'mid': mid, 'original_mid': original, 'quarantines': holders,
                    'reason': 're-quarantined under a new MID after MID %d was %s in this run; not %s, review it'
                              % (original, self.action.past, self.action.past)})
            else:
                result['arrived'].append(mid)
        result['still_present'].sort()
        result['arrived'].sort()
        if self.action.destination:
            result['not_in_destination'] = self._verify_destination()
        result['scans'] = read.scans
        return result

    def _verify_acted(self, mid, holders, info, result):
        if self.action.leaves:
            lingering = sorted(set(holders) & set(self.acted_from[mid]))
            if lingering:
                result['still_present'].append(mid)
                self.outcomes[mid] = ('failed', 'still in %s after the %s was acknowledged'
                                      % (', '.join(lingering), self.action.name))
            return
        if self.action.satisfied is not None and self.action.satisfied(info) is None:
            result['not_delayed'].append(mid)
            self.outcomes[mid] = ('failed', 'the %s was acknowledged, but the scheduled exit is still %s'
                                  % (self.action.name, format_iso(info.scheduled_exit) or 'unknown'))

    def _verify_destination(self):
        moved = sorted(mid for mid, (outcome, _reason) in self.outcomes.items() if outcome == self.action.past)
        if not moved:
            return []
        read = self._read(_with_mids(self.selection, moved), [self.action.destination])
        missing = [mid for mid in moved if mid not in read.matched]
        for mid in missing:
            self.outcomes[mid] = ('failed', "not in destination quarantine '%s' after the %s was acknowledged"
                                  % (self.action.destination, self.action.name))
        return missing


def _with_mids(selection, mids):
    clone = object.__new__(type(selection))
    clone.__dict__.update(selection.__dict__)
    clone.mids = None if mids is None else frozenset(mids)
    return clone


def _without_mids(selection):
    return _with_mids(selection, None)


def _total_count(response):
    data = response.get('data') if isinstance(response, dict) else None
    if not isinstance(data, dict) or 'totalCount' not in data:
        return 0
    try:
        return int(data['totalCount'])
    except (TypeError, ValueError):
        return 0
