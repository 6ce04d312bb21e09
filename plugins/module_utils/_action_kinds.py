# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: what each action module adds to the shared flow in ``_action_module``.

An ``ActionKind`` is built once per module run from the module's parameters. Its hooks check
the module's own options, build the ActionSpec, plan, execute, and shape the result and diff.
"""

from __future__ import annotations

from ansible_collections.mailops.sma.plugins.module_utils._action_specs import (
    DELETE,
    RELEASE,
    copy_spec,
    delay_spec,
    move_spec,
)
from ansible_collections.mailops.sma.plugins.module_utils._actions import Plan
from ansible_collections.mailops.sma.plugins.module_utils._dates import (
    ceil_minute,
    format_iso,
    parse_user_time,
    resolve_timezone,
    utc_now,
)
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaInputError
from ansible_collections.mailops.sma.plugins.module_utils._sent_log import SentLog, normalize_recipients


class ActionKind:
    """The hooks of one action module; the defaults fit an action after which messages leave the quarantine."""

    past = 'acted on'
    where = 'from'
    has_unchanged = False

    def __init__(self, params):
        self.params = params

    def check(self, check_mode):
        """Validate the module's own options before any request; return warnings, raise SmaInputError."""
        return []

    def spec(self):
        """Return the ActionSpec to send."""
        raise NotImplementedError

    def plan(self, engine):
        """Read the source quarantine and return the Plan."""
        return engine.plan(self.params['mids'])

    def execute(self, engine, plan):
        """Send the plan."""
        engine.execute(plan)

    def unchecked_verification(self):
        """Return the verification result of a run that did not verify, with the same keys as a real one."""
        return {'checked': False, 'quarantines': [], 'still_present': [], 'review': [], 'arrived': []}

    def result_extras(self):
        """Return result keys of this module only."""
        return {}

    def rerun_note(self):
        """Return the sentence, for the failure message, on what a re-run does."""
        return 'Re-run to retry them: %s messages are not sent again.' % self.past

    def diff(self, plan, result, check_mode):
        """Return the MIDs of the selection in the source quarantine before and after."""
        before = sorted(plan.selected)
        gone = set(result['planned']) if check_mode else set(result[self.past])
        return {'before': {'mids': before}, 'after': {'mids': [mid for mid in before if mid not in gone]}}


class ReleaseKind(ActionKind):
    """sma_quarantine_release: messages leave the quarantine and are delivered."""

    past = 'released'

    def spec(self):
        return RELEASE


class DeleteKind(ActionKind):
    """sma_quarantine_delete: messages leave the quarantine and are never delivered."""

    past = 'deleted'

    def check(self, check_mode):
        if self.params['confirm']:
            return []
        if check_mode:
            return ['confirm is not set: this check-mode run shows the plan, but a real run without confirm: true '
                    'is rejected before anything is read or deleted']
        raise SmaInputError('deleting quarantined messages is irreversible, and confirm is not set: set confirm: true '
                            'to delete the selected messages. Run with --check first to see which ones')

    def spec(self):
        return DELETE

    def rerun_note(self):
        return 'Re-run to retry them: deleted messages are not sent again.'


class MoveKind(ActionKind):
    """sma_quarantine_move: messages leave the source for the destination quarantine."""

    past = 'moved'
    has_unchanged = True

    def __init__(self, params):
        super().__init__(params)
        self.destination = (params['destination'] or '').strip()

    def check(self, check_mode):
        if not self.destination:
            raise SmaInputError('destination is empty: name the pvo quarantine to move the messages to, for example '
                                'Virus or a custom quarantine')
        if self.destination == (self.params['quarantine'] or '').strip():
            raise SmaInputError("destination '%s' is the source quarantine; name another quarantine to move the "
                                "messages to" % self.destination)
        return []

    def spec(self):
        return move_spec(self.destination)

    def plan(self, engine):
        engine.check_quarantine_exists(self.destination, 'destination')
        plan = engine.plan(self.params['mids'])
        engine.resolve_absent_in(plan, self.destination, "already in destination quarantine '%s'" % self.destination)
        return plan

    def unchecked_verification(self):
        result = super().unchecked_verification()
        result['not_in_destination'] = []
        return result

    def result_extras(self):
        return {'destination': self.destination}

    def diff(self, plan, result, check_mode):
        moved = result['planned'] if check_mode else result[self.past]
        before = sorted(plan.selected)
        already = sorted(plan.unchanged)
        return {
            'before': {'mids': before, 'destination_mids': already},
            'after': {'mids': [mid for mid in before if mid not in set(moved)],
                      'destination_mids': sorted(set(already) | set(moved))},
        }


class DelayKind(ActionKind):
    """sma_quarantine_delay: messages stay, with a later scheduled exit."""

    past = 'delayed'
    where = 'in'
    has_unchanged = True

    def __init__(self, params):
        super().__init__(params)
        self.until = None

    def check(self, check_mode):
        now = utc_now()
        self.until = ceil_minute(parse_user_time(self.params['delay_until'], 'delay_until', now,
                                                 resolve_timezone(self.params['timezone'])))
        if self.until <= now:
            raise SmaInputError("delay_until '%s' (%s) is not in the future; give a later time such as +7d or "
                                "2026-12-24T08:00:00Z" % (self.params['delay_until'], format_iso(self.until)))
        return []

    def spec(self):
        return delay_spec(self.until)

    def unchecked_verification(self):
        result = super().unchecked_verification()
        result['not_delayed'] = []
        return result

    def result_extras(self):
        return {'delay_until': format_iso(self.until)}

    def rerun_note(self):
        return 'Re-run to retry them: messages whose exit is already at delay_until are left alone.'

    def diff(self, plan, result, check_mode):
        delayed = set(result['planned'] if check_mode else result[self.past])
        before, after = [], []
        for mid in sorted(plan.selected):
            current = format_iso(plan.selected[mid].scheduled_exit)
            before.append({'mid': mid, 'scheduled_exit': current})
            after.append({'mid': mid, 'scheduled_exit': format_iso(self.until) if mid in delayed else current})
        return {'before': {'scheduled_exit': before}, 'after': {'scheduled_exit': after}}


class CopyKind(ActionKind):
    """sma_quarantine_copy: a copy of each message goes to the recipients; the message stays."""

    past = 'copied'
    has_unchanged = True

    def __init__(self, params):
        super().__init__(params)
        self.recipients = []
        self.sent_log = None
        self.groups = {}

    def check(self, check_mode):
        self.recipients = normalize_recipients(self.params['recipients'])
        self.sent_log = SentLog(self.params['sent_log']) if self.params['sent_log'] else None
        if self.sent_log is None:
            return ['sent_log is not set, so every run sends the copies again; set sent_log to a file path to send '
                    'each copy once']
        return []

    def spec(self):
        return copy_spec(self.recipients)

    def plan(self, engine):
        """Plan as usual, then drop the (MID, recipient) copies the sent log already records."""
        plan = engine.plan(self.params['mids'])
        appliance = engine.client.base_url
        self.groups = {}
        for name, mids in plan.targets.items():
            keep = []
            for mid in mids:
                missing = self.sent_log.missing(appliance, mid, self.recipients) if self.sent_log else self.recipients
                if missing:
                    self.groups.setdefault(tuple(missing), []).append(mid)
                    keep.append(mid)
                else:
                    plan.unchanged[mid] = 'a copy was already sent to %s (recorded in sent_log)' % ', '.join(self.recipients)
            plan.targets[name] = keep
        plan.targets = {name: mids for name, mids in plan.targets.items() if mids}
        return plan

    def execute(self, engine, plan):
        """Send one group of batches per distinct set of missing recipients, and record what was sent."""
        source = engine.quarantine if engine.selection.quarantine_type == 'pvo' else 'spam'
        base = engine.action
        try:
            for recipients, mids in self.groups.items():
                engine.action = base.with_body(recipients=list(recipients))
                group = Plan()
                group.targets = {source: mids}
                engine.execute(group)
        finally:
            engine.action = base
            self._record(engine, source)

    def _record(self, engine, source):
        if self.sent_log is None:
            return
        appliance = engine.client.base_url
        for recipients, mids in self.groups.items():
            for mid in mids:
                if engine.outcomes.get(mid, ('',))[0] == self.past:
                    self.sent_log.record(appliance, source, mid, list(recipients))
        self.sent_log.save()

    def result_extras(self):
        return {'recipients': list(self.recipients), 'sent_log': self.params['sent_log']}

    def rerun_note(self):
        if self.sent_log is None:
            return 'Without sent_log, a re-run sends every copy again, including those already sent.'
        return 'Re-run to retry them: copies recorded in sent_log are not sent again.'

    def diff(self, plan, result, check_mode):
        copied = result['planned'] if check_mode else result[self.past]
        wanted = {}
        for recipients, mids in self.groups.items():
            for mid in mids:
                wanted[mid] = list(recipients)
        return {'before': {'copies': []},
                'after': {'copies': [{'mid': mid, 'recipients': wanted.get(mid, self.recipients)} for mid in copied]}}
