#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sma_quarantine_copy
short_description: Send copies of quarantined messages on an SMA to other recipients
version_added: 0.1.0
description:
  - Sends a copy of each selected message held in a policy, virus or outbreak (pvo) quarantine of a Cisco
    Secure Email and Web Manager (SMA) to O(recipients), for example to an analyst. The messages stay in the
    quarantine. The spam quarantine has no send copy.
  - A copy leaves nothing that the API can read back. With O(sent_log), the module records each
    (appliance, MID, recipient) copy it sent in a file and skips those on later runs, so a second run
    reports C(changed=false). Without O(sent_log), every run sends every copy again.
  - Selects with O(mids), with the same filters as M(mailops.sma.sma_quarantine_info), or both.
    A selection with neither is rejected.
  - O(expected_count) and O(max_count) stop the run before anything is sent when the plan does not
    match what was approved.
  - Each MID ends in exactly one outcome (copied, unchanged, absent, failed or excluded) with a reason.
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
    details: Reads the quarantine and O(sent_log) and returns the plan in RV(planned); sends nothing and writes nothing.
  diff_mode:
    support: full
    details: Shows the copies, by MID and recipients, that are (or would be) sent.
  platform:
    platforms: posix
options:
  recipients:
    description:
      - Addresses to send each copy to, such as V(analyst@example.com). Compared case-insensitively.
    type: list
    elements: str
    required: true
  sent_log:
    description:
      - Path of a JSON file, on the host that runs the module, that records every copy sent.
      - Copies already recorded for the same appliance, MID and recipient are not sent again. When only some
        recipients of a message are recorded, the copy goes to the others.
      - Created when missing, readable by its owner only. Check mode reads it and does not write it.
    type: path
notes:
  - The action word for a copy is not shown by any public client or recorded response. The module sends
    C(action=sendCopy) with a C(recipients) list, as the body model of Cisco's OpenAPI file names the field.
    If an appliance rejects this with C(Invalid value for attribute - action.), the guess is wrong; please report it.
  - A copy whose outcome is unknown (timeout, connection reset, HTTP 429 or 5xx) is never sent again, because
    the API cannot show whether it went out. Those MIDs are reported as failed and not recorded in O(sent_log).
  - Only the named quarantine is acted on, so a message held in several quarantines is copied once.
seealso:
  - module: mailops.sma.sma_quarantine_message_info
  - module: mailops.sma.sma_quarantine_info
'''

EXAMPLES = r'''
- name: Send the audited messages to the security team, once
  mailops.sma.sma_quarantine_copy:
    quarantine: Policy
    mids: "{{ audit.mids }}"
    recipients: [soc@example.com]
    sent_log: /var/lib/sma/copies.json

- name: Preview which copies would be sent
  mailops.sma.sma_quarantine_copy:
    quarantine: Outbreak
    subject:
      operator: contains
      value: invoice
    recipients: [analyst@example.com, soc@example.com]
    sent_log: /var/lib/sma/copies.json
  check_mode: true
  diff: true
'''

RETURN = r'''
planned:
  description: MIDs that were (or in check mode would be) copied.
  returned: always
  type: list
  elements: int
  sample: [414, 425]
copied:
  description: MIDs copied by this run.
  returned: always
  type: list
  elements: int
  sample: [414, 425]
unchanged:
  description: Selected MIDs whose copies O(sent_log) already records for every recipient.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 433, reason: "a copy was already sent to soc@example.com (recorded in sent_log)"}]
absent:
  description: MIDs asked for in O(mids) that were not in the quarantine, or that left it before this run copied them.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 999, reason: "not in quarantine 'Policy'"}]
failures:
  description:
    - MIDs whose copy failed or may not have been sent, with the reason.
    - Not named C(failed), because Ansible sets C(failed) to true on a failed task, which would hide this list.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 425, reason: "quarantine 'Policy': outcome unknown (no response within 60s); not sent again ..."}]
excluded:
  description: MIDs that are present but not copied, with the reason, for example outside the filters.
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
  description: Selected messages held in more than one quarantine; each is copied from O(quarantine) only.
  returned: always
  type: list
  elements: dict
  sample: []
counts:
  description: Totals of the run. C(appliance_count) is the sum of the appliance's C(totalCount) answers.
  returned: always
  type: dict
  sample: {requested: 3, selected: 3, planned: 2, copied: 2, unchanged: 1, absent: 0, failed: 0, excluded: 0,
           review: 0, appliance_count: 2, batches: 1}
batches:
  description: One entry per copy request group with its quarantine, size, attempts, summed C(totalCount) and status.
  returned: always
  type: list
  elements: dict
  sample: [{quarantine: Policy, size: 2, attempts: 1, total_count: 2, status: ok}]
verification:
  description: Always unchecked, because a sent copy cannot be read back through the API.
  returned: always
  type: dict
  sample: {checked: false, quarantines: [], still_present: [], review: [], arrived: []}
recipients:
  description: The recipients, lower-cased and without duplicates.
  returned: always
  type: list
  elements: str
  sample: [soc@example.com]
sent_log:
  description: The path of O(sent_log), or null.
  returned: always
  type: str
  sample: /var/lib/sma/copies.json
scope:
  description: What was searched, with the time window resolved to whole UTC minutes.
  returned: always
  type: dict
  sample: {quarantine_type: pvo, quarantines: [Policy], mids: [414, 425, 433], appliance: https://sma.example.com:6443}
rejected:
  description: Messages the appliance returned for the filters that failed the exact check, with the reason.
  returned: always
  type: list
  elements: dict
  sample: []
retries:
  description: Number of retried requests.
  returned: always
  type: int
  sample: 0
requests:
  description: Number of HTTP requests sent.
  returned: always
  type: int
  sample: 2
retry_log:
  description: Each retry with its reason and wait, when the task runs with C(-vvv).
  returned: when verbosity is 3 or more
  type: list
  elements: dict
  sample: [{method: GET, path: /quarantine/messages, attempt: 1, reason: HTTP 503, delay: 1.2}]
'''

from ansible_collections.mailops.sma.plugins.module_utils._action_kinds import CopyKind
from ansible_collections.mailops.sma.plugins.module_utils._action_module import action_argument_spec, run_action_module


def argument_spec():
    """Return the module's argument spec."""
    spec = action_argument_spec()
    spec.update(
        recipients={'type': 'list', 'elements': 'str', 'required': True},
        sent_log={'type': 'path'},
    )
    return spec


def main():
    run_action_module(argument_spec(), CopyKind)


if __name__ == '__main__':
    main()
