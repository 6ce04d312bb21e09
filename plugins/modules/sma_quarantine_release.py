#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sma_quarantine_release
short_description: Release quarantined messages from an SMA in batches, exactly and idempotently
version_added: 0.1.0
description:
  - Releases messages held in a policy, virus or outbreak (pvo) quarantine, or in the spam
    quarantine, of a Cisco Secure Email and Web Manager (SMA) through its AsyncOS REST API.
  - First reads which selected messages are still in the quarantine, then releases only those, in
    batches. A second run with the same selection finds nothing left and reports C(changed=false).
  - Selects with O(mids), with the same filters as M(mailops.sma.sma_quarantine_info), or both
    (then a MID must also pass the filters). A selection with neither is rejected, so the module never
    releases a whole quarantine by accident.
  - O(expected_count) and O(max_count) stop the run before anything is sent when the plan does not
    match what was approved.
  - Each MID ends in exactly one outcome (released, absent, failed or excluded) with a reason. When a
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
    details: Reads the quarantine and returns the plan in RV(planned); sends no release.
  diff_mode:
    support: full
    details: Shows the selected MIDs in the quarantine before and after the release.
  platform:
    platforms: posix
options:
  verify:
    description:
      - Read the affected quarantines again after releasing and confirm that every released MID left.
      - A MID still present is reported as failed. New MIDs that match the selection are reported in
        RV(verification) under C(arrived), and copies quarantined again under a new MID in RV(review); neither is released.
    type: bool
    default: true
  multi_quarantine:
    description:
      - What to do with a message that is also held in other quarantines. Releasing it from one
        quarantine does not deliver it.
      - V(skip) leaves it alone and reports it in RV(excluded) with that reason.
      - V(release_all) releases it from every quarantine that holds it.
    type: str
    default: skip
    choices: [skip, release_all]
notes:
  - The appliance answers a release with only a count (C(totalCount)) and no per-MID status. When
    the count is lower than the MIDs sent, the module reads each MID of that batch again; MIDs that
    are still there are failed, MIDs already gone are absent.
  - A release whose outcome is unknown (timeout, connection reset, HTTP 429 or 5xx) is never sent
    again blind. The module reads which MIDs are still present and sends only those.
  - Releasing from a quarantine while paging through it shifts the pages, so the module reads first,
    then releases, then reads again to verify.
seealso:
  - module: mailops.sma.sma_quarantine_info
'''

EXAMPLES = r'''
- name: Audit one sender domain
  mailops.sma.sma_quarantine_info:
    quarantines: [TEST_QUARANTINE]
    sender_domain: [labcisco.com]
  register: audit

- name: Release exactly the audited messages, refusing if the count changed
  mailops.sma.sma_quarantine_release:
    quarantine: TEST_QUARANTINE
    mids: "{{ audit.mids }}"
    sender_domain: [labcisco.com]
    expected_count: "{{ audit.total }}"
  register: release

- name: Dry run of a release by filter, with the diff of MIDs
  mailops.sma.sma_quarantine_release:
    quarantine: Policy
    sender:
      operator: ends_with
      value: "@partner.example"
    received_after: -2d
    max_count: 500
  check_mode: true
  diff: true

- name: Release from every quarantine that holds the message
  mailops.sma.sma_quarantine_release:
    quarantine: Policy
    mids: [402]
    multi_quarantine: release_all
'''

RETURN = r'''
planned:
  description: MIDs that were (or in check mode would be) sent for release.
  returned: always
  type: list
  elements: int
  sample: [414, 425, 433]
released:
  description: MIDs released by this run.
  returned: always
  type: list
  elements: int
  sample: [414, 425, 433]
absent:
  description:
    - MIDs asked for in O(mids) that were not in the quarantine, or that left it before this run
      released them, with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 999, reason: "not in quarantine 'TEST_QUARANTINE'"}]
failures:
  description:
    - MIDs that could not be released, with the reason.
    - Not named C(failed), because Ansible sets C(failed) to true on a failed task, which would hide this list.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 433, reason: "quarantine 'TEST_QUARANTINE': SMA returned HTTP 500 ..."}]
excluded:
  description:
    - MIDs that are present but not released, with the reason, for example held in several quarantines
      with O(multi_quarantine=skip), or outside the filters.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 402, reason: "held in several quarantines (Policy, Virus); ..."}]
review:
  description:
    - New MIDs found by the verification whose sender, recipients, subject, received time, ESA MID and
      ESA host equal those of a message released in this run, that is a copy quarantined again. Not released.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 100440, original_mid: 440, quarantines: [TEST_QUARANTINE], reason: "re-quarantined ..."}]
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
  sample: {requested: 10, selected: 10, planned: 10, released: 10, absent: 0, failed: 0, excluded: 0,
           review: 0, appliance_count: 10, batches: 1}
batches:
  description: One entry per release request group with its quarantine, size, attempts, summed C(totalCount) and status.
  returned: always
  type: list
  elements: dict
  sample: [{quarantine: TEST_QUARANTINE, size: 10, attempts: 1, total_count: 10, status: ok}]
verification:
  description:
    - Result of the read after the release. C(checked) is false in check mode, with O(verify=false),
      or when nothing was released.
  returned: always
  type: dict
  sample: {checked: true, quarantines: [TEST_QUARANTINE], still_present: [], review: [], arrived: []}
scope:
  description: What was searched, with the time window resolved to whole UTC minutes.
  returned: always
  type: dict
  sample: {quarantine_type: pvo, quarantines: [TEST_QUARANTINE], sender_domain: [labcisco.com], appliance: https://sma.example.com:6443}
rejected:
  description: Messages the appliance returned for the filters that failed the exact check, with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 431, sender: billing@labcisco.com.evil.example, reason: "sender domain ... is not 'labcisco.com'"}]
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
  sample: [{method: POST, path: /quarantine/messages, attempt: 1, reason: "outcome unknown ...", delay: 1.2}]
'''

from ansible_collections.mailops.sma.plugins.module_utils._action_kinds import ReleaseKind
from ansible_collections.mailops.sma.plugins.module_utils._action_module import action_argument_spec, run_action_module


def argument_spec():
    """Return the module's argument spec."""
    spec = action_argument_spec()
    spec.update(
        verify={'type': 'bool', 'default': True},
        multi_quarantine={'type': 'str', 'default': 'skip', 'choices': ['skip', 'release_all']},
    )
    return spec


def main():
    run_action_module(argument_spec(), ReleaseKind)


if __name__ == '__main__':
    main()
