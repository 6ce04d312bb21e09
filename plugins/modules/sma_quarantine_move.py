#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sma_quarantine_move
short_description: Move quarantined messages to another pvo quarantine on an SMA, idempotently
version_added: 0.1.0
description:
  - Moves messages from one policy, virus or outbreak (pvo) quarantine of a Cisco Secure Email and Web
    Manager (SMA) to another, through its AsyncOS REST API. The spam quarantine has no move.
  - First reads which selected messages are still in the source quarantine, then moves only those, in
    batches. A message already in the destination and no longer in the source is done and listed in
    RV(unchanged); a message held in both is moved, which takes it out of the source.
  - A second run with the same selection finds nothing left in the source and reports C(changed=false).
  - Selects with O(mids), with the same filters as M(mailops.sma.sma_quarantine_info), or both.
    A selection with neither is rejected.
  - O(expected_count) and O(max_count) stop the run before anything is sent when the plan does not
    match what was approved.
  - Each MID ends in exactly one outcome (moved, unchanged, absent, failed or excluded) with a reason.
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
    details: Reads both quarantines and returns the plan in RV(planned); moves nothing.
  diff_mode:
    support: full
    details: Shows the selected MIDs in the source and the destination before and after the move.
  platform:
    platforms: posix
options:
  destination:
    description:
      - The pvo quarantine to move the messages to, such as V(Virus) or a custom quarantine.
      - Must differ from O(quarantine). A name the appliance does not know fails the run before anything is sent.
    type: str
    required: true
  verify:
    description:
      - Read the source again after moving and confirm that every moved MID left it, and read the destination
        and confirm that every moved MID is there.
      - A MID still in the source or missing from the destination is reported as failed.
    type: bool
    default: true
notes:
  - A move is sent as C(POST /sma/api/v2.0/quarantine/messages) with C(action=move),
    C(quarantineName) and C(destinationQuarantineName), as the PSCiscoSMA PowerShell module sends it.
  - Only the named source quarantine is acted on. A message also held in a third quarantine stays there.
  - A move whose outcome is unknown (timeout, connection reset, HTTP 429 or 5xx) is never sent again blind.
    The module reads which MIDs are still in the source and sends only those.
seealso:
  - module: mailops.sma.sma_quarantine_info
  - module: mailops.sma.sma_quarantine_release
'''

EXAMPLES = r'''
- name: Move a partner's messages from Policy to a review quarantine
  mailops.sma.sma_quarantine_move:
    quarantine: Policy
    destination: PARTNER_REVIEW
    sender_domain: [partner.example]
    max_count: 1000

- name: Move audited MIDs, refusing if the count changed
  mailops.sma.sma_quarantine_move:
    quarantine: Policy
    destination: Virus
    mids: "{{ audit.mids }}"
    expected_count: "{{ audit.total }}"
'''

RETURN = r'''
planned:
  description: MIDs that were (or in check mode would be) moved.
  returned: always
  type: list
  elements: int
  sample: [414, 425]
moved:
  description: MIDs moved by this run.
  returned: always
  type: list
  elements: int
  sample: [414, 425]
unchanged:
  description: MIDs asked for in O(mids) that are already in the destination and no longer in the source.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 433, reason: "already in destination quarantine 'Virus'"}]
absent:
  description: MIDs asked for in O(mids) that are in neither quarantine, or that left the source before this run moved them.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 999, reason: "not in quarantine 'Policy'"}]
failures:
  description:
    - MIDs that could not be moved, with the reason.
    - Not named C(failed), because Ansible sets C(failed) to true on a failed task, which would hide this list.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 425, reason: "quarantine 'Policy': SMA returned HTTP 500 ..."}]
excluded:
  description: MIDs that are present but not moved, with the reason, for example outside the filters.
  returned: always
  type: list
  elements: dict
  sample: []
review:
  description: New MIDs in the source whose fingerprint equals a message moved in this run. Not moved.
  returned: always
  type: list
  elements: dict
  sample: []
multi_quarantine:
  description: Selected messages held in more than one quarantine; only their copy in O(quarantine) is moved.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 402, quarantines: [Policy, Virus]}]
counts:
  description: Totals of the run. C(appliance_count) is the sum of the appliance's C(totalCount) answers.
  returned: always
  type: dict
  sample: {requested: 3, selected: 2, planned: 2, moved: 2, unchanged: 1, absent: 0, failed: 0, excluded: 0,
           review: 0, appliance_count: 2, batches: 1}
batches:
  description: One entry per move request group with its quarantine, size, attempts, summed C(totalCount) and status.
  returned: always
  type: list
  elements: dict
  sample: [{quarantine: Policy, size: 2, attempts: 1, total_count: 2, status: ok}]
verification:
  description:
    - Result of the reads after the move. C(not_in_destination) lists moved MIDs the destination does not show.
    - C(checked) is false in check mode, with O(verify=false), or when nothing was moved.
  returned: always
  type: dict
  sample: {checked: true, quarantines: [Policy], still_present: [], not_in_destination: [], review: [], arrived: []}
destination:
  description: The destination quarantine.
  returned: always
  type: str
  sample: Virus
scope:
  description: What was searched in the source, with the time window resolved to whole UTC minutes.
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
  description: Number of retried requests, including presence re-reads after an unknown outcome.
  returned: always
  type: int
  sample: 0
requests:
  description: Number of HTTP requests sent.
  returned: always
  type: int
  sample: 4
retry_log:
  description: Each retry with its reason and wait, when the task runs with C(-vvv).
  returned: when verbosity is 3 or more
  type: list
  elements: dict
  sample: [{method: POST, path: /quarantine/messages, attempt: 1, reason: "outcome unknown ...", delay: 1.2}]
'''

from ansible_collections.mailops.sma.plugins.module_utils._action_kinds import MoveKind
from ansible_collections.mailops.sma.plugins.module_utils._action_module import action_argument_spec, run_action_module


def argument_spec():
    """Return the module's argument spec."""
    spec = action_argument_spec()
    spec.update(
        destination={'type': 'str', 'required': True},
        verify={'type': 'bool', 'default': True},
    )
    return spec


def main():
    run_action_module(argument_spec(), MoveKind)


if __name__ == '__main__':
    main()
