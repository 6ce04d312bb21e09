#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sma_quarantine_delete
short_description: Delete quarantined messages from an SMA permanently (irreversible), in batches
version_added: 0.1.0
description:
  - Irreversible. Deletes messages held in a policy, virus or outbreak (pvo) quarantine, or in the spam
    quarantine, of a Cisco Secure Email and Web Manager (SMA); a deleted message is never delivered
    and cannot be restored. A real run requires O(confirm=true) in addition to the selection.
  - First reads which selected messages are still in the quarantine, then deletes only those, in
    batches. A second run with the same selection finds nothing left and reports C(changed=false).
  - Selects with O(mids), with the same filters as M(mailops.sma.sma_quarantine_info), or both
    (then a MID must also pass the filters). A selection with neither is rejected, so the module never
    deletes a whole quarantine by accident.
  - O(expected_count) and O(max_count) stop the run before anything is sent when the plan does not
    match what was approved.
  - Each MID ends in exactly one outcome (deleted, absent, failed or excluded) with a reason. When a
    batch fails the module goes on with the others and fails once at the end with every outcome.
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
    details: Reads the quarantine and returns the plan in RV(planned); deletes nothing, and does not need O(confirm).
  diff_mode:
    support: full
    details: Shows the selected MIDs in the quarantine before and after the delete.
  platform:
    platforms: posix
options:
  confirm:
    description:
      - Confirms that the selected messages are to be deleted for good.
      - Without V(true) a real run fails before it sends any request. A check-mode run shows the plan
        and warns.
    type: bool
    default: false
  verify:
    description:
      - Read the affected quarantines again after deleting and confirm that every deleted MID left.
      - A MID still present is reported as failed. New MIDs that match the selection are reported in
        RV(verification) under C(arrived); they are not deleted.
    type: bool
    default: true
  multi_quarantine:
    description:
      - What to do with a message that is also held in other quarantines. Deleting it from one
        quarantine leaves it in the others.
      - V(skip) leaves it alone and reports it in RV(excluded) with that reason.
      - V(delete_all) deletes it from every quarantine that holds it.
    type: str
    default: skip
    choices: [skip, delete_all]
notes:
  - Both quarantine types are deleted from with C(DELETE /sma/api/v2.0/quarantine/messages) and a JSON body
    without an C(action) field, as Cortex XSOAR's CiscoSMA integration (spam) and Splunk SOAR's ciscosma
    connector (pvo) send it.
  - The appliance answers with only a count (C(totalCount)). When it is lower than the MIDs sent, the
    module reads each MID of that batch again; MIDs that are still there are failed, MIDs already gone are absent.
  - A delete whose outcome is unknown (timeout, connection reset, HTTP 429 or 5xx) is never sent again blind.
    The module reads which MIDs are still present and sends only those.
seealso:
  - module: mailops.sma.sma_quarantine_info
  - module: mailops.sma.sma_quarantine_release
  - module: mailops.sma.sma_quarantine_move
'''

EXAMPLES = r'''
- name: Preview which messages would be deleted
  mailops.sma.sma_quarantine_delete:
    quarantine: Virus
    sender_domain: [malware.example]
  check_mode: true
  diff: true
  register: preview

- name: Delete exactly the previewed messages
  mailops.sma.sma_quarantine_delete:
    quarantine: Virus
    mids: "{{ preview.planned }}"
    expected_count: "{{ preview.planned | length }}"
    confirm: true

- name: Delete spam quarantine messages with a given subject from the last day
  mailops.sma.sma_quarantine_delete:
    quarantine_type: spam
    subject:
      operator: starts_with
      value: "You have won"
    received_after: -1d
    max_count: 200
    confirm: true
'''

RETURN = r'''
planned:
  description: MIDs that were (or in check mode would be) sent for deletion.
  returned: always
  type: list
  elements: int
  sample: [414, 425, 433]
deleted:
  description: MIDs deleted by this run.
  returned: always
  type: list
  elements: int
  sample: [414, 425, 433]
absent:
  description:
    - MIDs asked for in O(mids) that were not in the quarantine, or that left it before this run
      deleted them, with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 999, reason: "not in quarantine 'Virus'"}]
failures:
  description:
    - MIDs that could not be deleted, with the reason.
    - Not named C(failed), because Ansible sets C(failed) to true on a failed task, which would hide this list.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 433, reason: "quarantine 'Virus': SMA returned HTTP 500 ..."}]
excluded:
  description:
    - MIDs that are present but not deleted, with the reason, for example held in several quarantines
      with O(multi_quarantine=skip), or outside the filters.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 402, reason: "held in several quarantines (Policy, Virus); ..."}]
review:
  description:
    - New MIDs found by the verification whose sender, recipients, subject, received time, ESA MID and
      ESA host equal those of a message deleted in this run. Not deleted.
  returned: always
  type: list
  elements: dict
  sample: []
multi_quarantine:
  description: Selected messages held in more than one quarantine.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 402, quarantines: [Policy, Virus]}]
counts:
  description: Totals of the run. C(appliance_count) is the sum of the appliance's C(totalCount) answers.
  returned: always
  type: dict
  sample: {requested: 3, selected: 3, planned: 3, deleted: 3, absent: 0, failed: 0, excluded: 0,
           review: 0, appliance_count: 3, batches: 1}
batches:
  description: One entry per delete request group with its quarantine, size, attempts, summed C(totalCount) and status.
  returned: always
  type: list
  elements: dict
  sample: [{quarantine: Virus, size: 3, attempts: 1, total_count: 3, status: ok}]
verification:
  description:
    - Result of the read after the delete. C(checked) is false in check mode, with O(verify=false),
      or when nothing was deleted.
  returned: always
  type: dict
  sample: {checked: true, quarantines: [Virus], still_present: [], review: [], arrived: []}
scope:
  description: What was searched, with the time window resolved to whole UTC minutes.
  returned: always
  type: dict
  sample: {quarantine_type: pvo, quarantines: [Virus], sender_domain: [malware.example], appliance: https://sma.example.com:6443}
rejected:
  description: Messages the appliance returned for the filters that failed the exact check, with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 431, sender: x@malware.example.test, reason: "sender domain ... is not 'malware.example'"}]
retries:
  description: Number of retried requests, including presence re-reads after an unknown outcome.
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
  sample: [{method: DELETE, path: /quarantine/messages, attempt: 1, reason: "outcome unknown ...", delay: 1.2}]
'''

from ansible_collections.mailops.sma.plugins.module_utils._action_kinds import DeleteKind
from ansible_collections.mailops.sma.plugins.module_utils._action_module import action_argument_spec, run_action_module


def argument_spec():
    """Return the module's argument spec."""
    spec = action_argument_spec()
    spec.update(
        confirm={'type': 'bool', 'default': False},
        verify={'type': 'bool', 'default': True},
        multi_quarantine={'type': 'str', 'default': 'skip', 'choices': ['skip', 'delete_all']},
    )
    return spec


def main():
    run_action_module(argument_spec(), DeleteKind)


if __name__ == '__main__':
    main()
