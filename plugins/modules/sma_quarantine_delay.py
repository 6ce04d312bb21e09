#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sma_quarantine_delay
short_description: Delay the scheduled exit of quarantined messages on an SMA
version_added: 0.1.0
description:
  - Moves the scheduled exit of messages held in a policy, virus or outbreak (pvo) quarantine of a
    Cisco Secure Email and Web Manager (SMA) to a later time, so that they stay in the quarantine longer.
    The messages stay where they are. The spam quarantine has no delay.
  - Messages whose scheduled exit is already at or after O(delay_until) are left alone and listed in
    RV(unchanged), so a delay never brings an exit forward, and a second run with the same absolute
    time reports C(changed=false).
  - Selects with O(mids), with the same filters as M(mailops.sma.sma_quarantine_info), or both.
    A selection with neither is rejected.
  - O(expected_count) and O(max_count) stop the run before anything is sent when the plan does not
    match what was approved.
  - Each MID ends in exactly one outcome (delayed, unchanged, absent, failed or excluded) with a reason.
author:
  - mailops.sma maintainers (@mailops)
requirements:
  - requests
extends_documentation_fragment:
  - mailops.sma.connection
  - mailops.sma.selection
  - mailops.sma.action
  - mailops.sma.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reads the quarantine and returns the plan in RV(planned); delays nothing.
  diff_mode:
    support: full
    details: Shows the scheduled exit of each selected MID before and after.
  platform:
    platforms: posix
options:
  delay_until:
    description:
      - The new scheduled exit time. Ceiled to the whole minute, because the appliance shows and takes whole minutes.
      - ISO 8601 with a zone (V(2026-12-24T08:00:00Z)), or a time relative to now such as V(+7d) or V(+12h).
        A time without a zone is read in O(timezone).
      - Must be in the future.
      - A relative time is resolved again on every run, so a re-run a minute later finds every exit a minute
        short and delays again. Use an absolute time for a run that must be idempotent.
    type: str
    required: true
  verify:
    description:
      - Read the quarantine again after the delay and confirm that each delayed MID shows the new exit.
      - A MID whose exit did not move is reported as failed and listed under C(not_delayed) in RV(verification).
    type: bool
    default: true
notes:
  - The action word and the format of the C(delay) field are not shown by any public client or recorded
    response. The module sends C(action=delay) with C(delay) set to the new exit time in the search date
    format (C(2026-12-24T08:00:00.000Z)). If an appliance rejects this with
    C(Invalid value for attribute - action.) or C(... - delay.), the guess is wrong; please report it.
  - A delay whose outcome is unknown (timeout, connection reset, HTTP 429 or 5xx) is not sent again blind.
    The module reads each message's exit time from its details and sends only those that did not move.
seealso:
  - module: mailops.sma.sma_quarantine_info
  - module: mailops.sma.sma_quarantine_move
'''

EXAMPLES = r'''
- name: Keep a partner's messages in Policy until the incident review
  mailops.sma.sma_quarantine_delay:
    quarantine: Policy
    sender_domain: [partner.example]
    delay_until: "2026-12-24T08:00:00Z"

- name: Keep audited messages seven more days from now (not idempotent across runs)
  mailops.sma.sma_quarantine_delay:
    quarantine: Policy
    mids: "{{ audit.mids }}"
    delay_until: +7d
'''

RETURN = r'''
planned:
  description: MIDs whose exit was (or in check mode would be) delayed.
  returned: always
  type: list
  elements: int
  sample: [414, 425]
delayed:
  description: MIDs whose exit this run delayed.
  returned: always
  type: list
  elements: int
  sample: [414, 425]
unchanged:
  description: Selected MIDs whose scheduled exit is already at or after O(delay_until), with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 433, reason: "scheduled exit 2027-01-10T08:00:00Z is already at or after 2026-12-24T08:00:00Z"}]
absent:
  description: MIDs asked for in O(mids) that were not in the quarantine, or that left it before this run delayed them.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 999, reason: "not in quarantine 'Policy'"}]
failures:
  description:
    - MIDs whose exit could not be delayed, with the reason.
    - Not named C(failed), because Ansible sets C(failed) to true on a failed task, which would hide this list.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 425, reason: "quarantine 'Policy': SMA returned HTTP 500 ..."}]
excluded:
  description: MIDs that are present but not delayed, with the reason, for example outside the filters.
  returned: always
  type: list
  elements: dict
  sample: []
review:
  description: Always empty; present so that every action module returns the same keys.
  returned: always
  type: list
  elements: dict
  sample: []
multi_quarantine:
  description: Selected messages held in more than one quarantine; the delay is sent for O(quarantine) only.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 402, quarantines: [Policy, Virus]}]
counts:
  description: Totals of the run. C(appliance_count) is the sum of the appliance's C(totalCount) answers.
  returned: always
  type: dict
  sample: {requested: null, selected: 3, planned: 2, delayed: 2, unchanged: 1, absent: 0, failed: 0, excluded: 0,
           review: 0, appliance_count: 2, batches: 1}
batches:
  description: One entry per delay request group with its quarantine, size, attempts, summed C(totalCount) and status.
  returned: always
  type: list
  elements: dict
  sample: [{quarantine: Policy, size: 2, attempts: 1, total_count: 2, status: ok}]
verification:
  description:
    - Result of the read after the delay. C(not_delayed) lists delayed MIDs whose exit did not move.
    - C(checked) is false in check mode, with O(verify=false), or when nothing was delayed.
  returned: always
  type: dict
  sample: {checked: true, quarantines: [Policy], still_present: [], not_delayed: [], review: [], arrived: []}
delay_until:
  description: The new scheduled exit time that was sent, in ISO 8601 UTC.
  returned: always
  type: str
  sample: "2026-12-24T08:00:00Z"
scope:
  description: What was searched, with the time window resolved to whole UTC minutes.
  returned: always
  type: dict
  sample: {quarantine_type: pvo, quarantines: [Policy], sender_domain: [partner.example], appliance: https://sma.example.com:6443}
rejected:
  description: Messages the appliance returned for the filters that failed the exact check, with the reason.
  returned: always
  type: list
  elements: dict
  sample: []
retries:
  description: Number of retried requests, including re-reads after an unknown outcome.
  returned: always
  type: int
  sample: 0
requests:
  description: Number of HTTP requests sent.
  returned: always
  type: int
  sample: 3
retry_log:
  description: Each retry with its reason and wait, when the task runs with C(-vvv).
  returned: when verbosity is 3 or more
  type: list
  elements: dict
  sample: [{method: POST, path: /quarantine/messages, attempt: 1, reason: "outcome unknown ...", delay: 1.2}]
'''

from ansible_collections.mailops.sma.plugins.module_utils._action_kinds import DelayKind
from ansible_collections.mailops.sma.plugins.module_utils._action_module import action_argument_spec, run_action_module


def argument_spec():
    """Return the module's argument spec."""
    spec = action_argument_spec()
    spec.update(
        delay_until={'type': 'str', 'required': True},
        verify={'type': 'bool', 'default': True},
    )
    return spec


def main():
    run_action_module(argument_spec(), DelayKind)


if __name__ == '__main__':
    main()
