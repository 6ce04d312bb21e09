# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: the wire format of each quarantine action and how its effect shows.

Every action is a POST or DELETE on ``/quarantine/messages`` with a JSON body. Release, delete
and move are sent the same way by several public clients (Splunk SOAR's ciscosma connector,
the PSCiscoSMA PowerShell module, Cortex XSOAR's CiscoSMA integration). Delay and send copy are
known only from the body models of a swagger-codegen client built from Cisco's OpenAPI file
(kribsi/esa_python), so their guessed parts are kept here, in one place.
"""

from __future__ import annotations

from ansible_collections.mailops.sma.plugins.module_utils._dates import format_api, format_iso, parse_display_date

# NOTE: no public client or recorded response shows the action word for delaying the exit
# or for sending a copy, nor the format of the "delay" value. These are best guesses: the
# verbs "delay" and "sendCopy", and an absolute UTC time in the search date format
# (2026-12-24T08:00:00.000Z). Change them here if a real appliance rejects them with
# "Invalid value for attribute - action." or "... - delay.".
DELAY_VERB = 'delay'
SEND_COPY_VERB = 'sendCopy'


def format_delay(moment):
    """Format the new scheduled exit time as the ``delay`` body field (a best guess, see above)."""
    return format_api(moment)


class ActionSpec:
    """How one action is sent and how its effect can be read back.

    ``leaves`` is true when an acted-on message leaves the source quarantine (release, delete,
    move). For an action after which the message stays (delay, send copy), ``observe`` is a
    function of one quarantine's entry in the message details that tells whether the effect is
    there; None means the effect cannot be read back through the API, so a request whose outcome
    is unknown is never sent again. ``satisfied`` is a function of a matching message (see
    ``ActionRecord`` in ``_actions``) that returns a reason when the message needs no action.
    """

    def __init__(self, name, method='POST', verb=None, extra_body=None, past='acted on', leaves=True, observe=None,
                 satisfied=None, spam=True, multi_note=None, destination=None):
        self.name = name
        self.method = method
        self.verb = verb if verb is not None else name
        self.extra_body = dict(extra_body or {})
        self.past = past
        self.leaves = leaves
        self.observe = observe
        self.satisfied = satisfied
        self.spam = spam
        self.multi_note = multi_note
        self.destination = destination

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

    def with_body(self, **fields):
        """Return a copy of this spec whose body carries ``fields`` as well."""
        clone = ActionSpec(self.name, self.method, self.verb, self.extra_body, self.past, self.leaves, self.observe,
                           self.satisfied, self.spam, self.multi_note, self.destination)
        clone.extra_body.update(fields)
        return clone


RELEASE = ActionSpec(
    'release', past='released',
    multi_note='releasing it from one does not deliver it. Set multi_quarantine: release_all to release it from '
               'all of them')

# Both quarantine types delete with DELETE and a body without "action" (Cortex XSOAR's CiscoSMA
# integration for spam, Splunk SOAR's ciscosma connector for pvo).
DELETE = ActionSpec(
    'delete', method='DELETE', verb='', past='deleted',
    multi_note='deleting it from one leaves it in the others. Set multi_quarantine: delete_all to delete it from '
               'all of them')


def move_spec(destination):
    """Return the spec that moves messages to the pvo quarantine ``destination``."""
    return ActionSpec('move', past='moved', extra_body={'destinationQuarantineName': destination}, spam=False,
                      destination=destination)


def delay_spec(until):
    """Return the spec that delays the scheduled exit to ``until`` (an aware datetime, whole minutes).

    A message whose scheduled exit is already at or after ``until`` is satisfied: a delay never
    brings an exit forward, and a second run with the same time changes nothing.
    """
    def exit_reached(scheduled_exit):
        return scheduled_exit is not None and scheduled_exit >= until

    def observe(entry):
        return exit_reached(parse_display_date(entry.get('scheduledExit')))

    def satisfied(record):
        if exit_reached(record.scheduled_exit):
            return 'scheduled exit %s is already at or after %s' % (format_iso(record.scheduled_exit), format_iso(until))
        return None

    return ActionSpec('delay', verb=DELAY_VERB, past='delayed', extra_body={'delay': format_delay(until)},
                      leaves=False, observe=observe, satisfied=satisfied, spam=False)


def copy_spec(recipients):
    """Return the spec that sends a copy of each message to ``recipients``; the message stays."""
    return ActionSpec('copy', verb=SEND_COPY_VERB, past='copied', extra_body={'recipients': list(recipients)},
                      leaves=False, observe=None, spam=False)
