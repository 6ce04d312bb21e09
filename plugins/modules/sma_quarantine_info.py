#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sma_quarantine_info
short_description: Read messages held in SMA quarantines, completely and exactly
version_added: 0.1.0
description:
  - Reads every page of one or more policy, virus and outbreak (pvo) quarantines, or of the spam
    quarantine, on a Cisco Secure Email and Web Manager (SMA) through its AsyncOS REST API.
  - Filters are sent to the appliance to narrow the search and checked again on every returned
    message. Messages the appliance returned but that fail the exact check are listed in RV(rejected)
    with the reason and never counted as matches.
  - Detects messages arriving or leaving while it pages and reads the quarantine again until a pass is stable.
  - Never changes anything on the appliance.
author:
  - mailops.sma maintainers (@mailops)
requirements:
  - requests
extends_documentation_fragment:
  - mailops.sma.connection
  - mailops.sma.selection
  - mailops.sma.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: N/A
  platform:
    platforms: posix
options:
  quarantines:
    description:
      - Names of the pvo quarantines to search, such as V(Policy), V(Virus), V(Outbreak),
        V(Unclassified), V(File Analysis) or a custom quarantine.
      - Required when O(quarantine_type=pvo); must be empty for V(spam).
      - Each quarantine is searched on its own; a message held in several of them is listed once,
        with all its quarantines in the C(in_quarantines) key of each message.
    type: list
    elements: str
  max_messages:
    description:
      - Return at most this many messages in RV(messages) and RV(mids). RV(total) still counts every
        match, and RV(truncated) tells whether the list was cut.
    type: int
  return_messages:
    description:
      - Whether to return the message records. With V(false), RV(messages) is empty but RV(mids),
        RV(total) and RV(summary) are complete, which keeps the result small for large quarantines.
    type: bool
    default: true
  return_mids:
    description:
      - Whether to return RV(mids). With V(false) and O(return_messages=false) the result holds the
        totals, RV(summary), RV(rejected) and RV(scope) only, which stays small whatever the number of
        matching messages. Ansible carries every result through JSON, and AWX stores it with the job.
    type: bool
    default: true
  fields:
    description:
      - Keys to keep in each returned message record, to keep the result small. All keys by default.
    type: list
    elements: str
    choices: [mid, quarantine_type, sender, sender_domain, recipients, from_address, to_address, subject,
              received, received_raw, scheduled_exit, size, in_quarantines, reasons, esa_hostname, esa_mid, esa_ip]
notes:
  - The appliance reports parameter errors as HTTP 404 with a message that names the attribute, for
    example C(Missing attribute - startDate or endDate.); the module shows that message.
  - Dates in results are converted from the appliance's display zone, such as C(15 Mar 2026 11:25 (GMT -07:00)),
    to ISO 8601 UTC. The appliance shows minutes only, so the C(received) key of each message has zero seconds.
seealso:
  - module: mailops.sma.sma_quarantine_release
  - name: Cisco TechNote 225700, Automate message release in PVO
    description: Cisco's manual curl and jq recipe that this module replaces.
    link: https://www.cisco.com/c/en/us/support/docs/security/secure-email-virtual-gateway/225700-automate-message-release-in-pvo.html
'''

EXAMPLES = r'''
- name: Audit a custom quarantine for one sender domain
  mailops.sma.sma_quarantine_info:
    url: https://sma.example.com:6443
    username: api-reader
    password: "{{ vault_sma_password }}"
    quarantines: [TEST_QUARANTINE]
    sender_domain: [partner.example]
  register: audit

- name: Show what was found and what was rejected as a look-alike
  ansible.builtin.debug:
    msg: "{{ audit.total }} messages, rejected {{ audit.rejected | map(attribute='sender') | list }}"

- name: Count virus quarantine messages from the last 7 days, returning only totals and the summary
  mailops.sma.sma_quarantine_info:
    quarantines: [Virus, Outbreak]
    received_after: -7d
    return_messages: false
    return_mids: false
  register: counts

- name: Search the spam quarantine by subject, with connection settings from SMA_* variables
  mailops.sma.sma_quarantine_info:
    quarantine_type: spam
    subject:
      operator: starts_with
      value: "[EXTERNAL] Invoice"
    received_after: "2026-03-01T00:00:00"
    timezone: Europe/Paris
    fields: [mid, sender, subject, received]
'''

RETURN = r'''
messages:
  description:
    - Matching messages, in the order the appliance returned them, as snake_case records.
    - Empty when O(return_messages=false). At most O(max_messages) entries.
  returned: always
  type: list
  elements: dict
  sample:
    - mid: 440
      quarantine_type: pvo
      sender: alerts@labcisco.com
      sender_domain: labcisco.com
      recipients: [user1@example.com]
      from_address: ["Lab Alerts <alerts@labcisco.com>"]
      to_address: []
      subject: Weekly report
      received: "2026-03-15T18:25:00Z"
      received_raw: "15 Mar 2026 11:25 (GMT -07:00)"
      scheduled_exit: "2026-04-14T18:25:00Z"
      size: 12.4K
      in_quarantines: [TEST_QUARANTINE]
      reasons: [{quarantine: TEST_QUARANTINE, reasons: [Content filter labcisco_hold]}]
      esa_hostname: esa1.example.com
      esa_mid: 98765
      esa_ip: 192.0.2.10
mids:
  description:
    - MIDs of the matching messages, in the order returned; at most O(max_messages).
    - Empty when O(return_mids=false).
  returned: always
  type: list
  elements: int
  sample: [440, 439, 438]
total:
  description: Number of messages that matched exactly, before O(max_messages) applies.
  returned: always
  type: int
  sample: 10
truncated:
  description: Whether O(max_messages) cut RV(messages) and RV(mids).
  returned: always
  type: bool
  sample: false
server_total:
  description: Sum of the appliance's C(totalCount) over the searched quarantines, before the exact check.
  returned: always
  type: int
  sample: 13
scope:
  description: What was searched, with the time window resolved to whole UTC minutes.
  returned: always
  type: dict
  sample:
    quarantine_type: pvo
    quarantines: [TEST_QUARANTINE]
    received_after: "2000-01-01T00:00:00Z"
    received_before: "2026-12-04T20:31:00Z"
    filters: {}
    server_filters: [sender]
    sender_domain: [labcisco.com]
    include_subdomains: false
    mids: null
    appliance: https://sma.example.com:6443
    user: api-reader
rejected:
  description:
    - Messages the appliance returned that failed the exact check, with the reason. Never counted in RV(total).
  returned: always
  type: list
  elements: dict
  sample:
    - mid: 431
      quarantine: TEST_QUARANTINE
      sender: billing@labcisco.com.evil.example
      sender_domain: labcisco.com.evil.example
      subject: Invoice
      received: "2026-03-15T17:02:00Z"
      reason: "sender domain 'labcisco.com.evil.example' is not 'labcisco.com'"
summary:
  description: Counts of the matching messages by sender domain and by quarantine.
  returned: always
  type: dict
  sample:
    by_sender_domain: [{sender_domain: labcisco.com, count: 10}]
    by_quarantine: [{quarantine: TEST_QUARANTINE, count: 10}]
multi_quarantine:
  description:
    - Matching messages held in more than one quarantine. Releasing such a message from one
      quarantine does not deliver it.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 402, quarantines: [Policy, Virus]}]
scans:
  description: Per searched quarantine, C(totalCount), pages read, passes and the reasons for any rescan.
  returned: always
  type: dict
  sample: {TEST_QUARANTINE: {server_total: 13, pages: 1, passes: 1, rescans: []}}
retries:
  description: Number of retried requests.
  returned: always
  type: int
  sample: 0
requests:
  description: Number of HTTP requests sent.
  returned: always
  type: int
  sample: 1
retry_log:
  description: Each retry with its reason and wait, when the task runs with C(-vvv).
  returned: when verbosity is 3 or more
  type: list
  elements: dict
  sample: [{method: GET, path: /quarantine/messages, attempt: 1, reason: HTTP 503, delay: 0.8}]
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaError
from ansible_collections.mailops.sma.plugins.module_utils._module import (
    build_client,
    build_module_selection,
    check_positive,
    check_requirements,
    client_facts,
    connection_argument_spec,
    retry_log,
    selection_argument_spec,
    summarize_domains,
)
from ansible_collections.mailops.sma.plugins.module_utils._query import RECORD_FIELDS, public_record
from ansible_collections.mailops.sma.plugins.module_utils._reader import read_selection


def argument_spec():
    """Return the module's argument spec."""
    spec = connection_argument_spec()
    spec.update(selection_argument_spec())
    spec.update(
        quarantines={'type': 'list', 'elements': 'str'},
        max_messages={'type': 'int'},
        return_messages={'type': 'bool', 'default': True},
        return_mids={'type': 'bool', 'default': True},
        fields={'type': 'list', 'elements': 'str', 'choices': list(RECORD_FIELDS)},
    )
    return spec


def make_keeper(params):
    """Return the per-match function that keeps only what the result needs."""
    fields = params['fields']
    if params['return_messages']:
        def keep(record):
            return (record['sender_domain'], tuple(record['in_quarantines']), public_record(record, fields))
    else:
        def keep(record):
            return (record['sender_domain'], tuple(record['in_quarantines']), None)
    return keep


def build_result(read, selection, client, params):
    """Assemble the module result from a ReadResult."""
    cap = params['max_messages']
    mids = list(read.matched)
    truncated = cap is not None and len(mids) > cap
    shown = mids[:cap] if truncated else mids
    messages = [read.matched[mid][2] for mid in shown] if params['return_messages'] else []
    by_quarantine = {}
    multi = []
    for mid, holders in read.found_in.items():
        for name in holders:
            by_quarantine[name] = by_quarantine.get(name, 0) + 1
        quarantines = read.matched[mid][1]
        if len(quarantines) > 1:
            multi.append({'mid': mid, 'quarantines': list(quarantines)})
    scope = selection.describe()
    scope.update(server_filters=selection.server_params(selection.quarantines[0] if selection.quarantines else None)[1],
                 appliance=client.base_url, user=client.username)
    return {
        'changed': False,
        'messages': messages,
        'mids': shown if params['return_mids'] else [],
        'total': len(mids),
        'truncated': truncated,
        'server_total': read.server_total,
        'scope': scope,
        'rejected': read.rejected,
        'summary': {
            'by_sender_domain': summarize_domains(value[0] for value in read.matched.values()),
            'by_quarantine': [{'quarantine': q, 'count': n} for q, n in by_quarantine.items()],
        },
        'multi_quarantine': multi,
        'scans': read.scans,
    }


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    check_requirements(module)
    check_positive(module, 'max_messages')

    client = build_client(module)
    try:
        selection = build_module_selection(module, module.params['quarantines'])
        read = read_selection(client, selection, module.params['page_size'], keep=make_keeper(module.params),
                              max_passes=module.params['max_scan_passes'], concurrency=module.params['concurrency'])
    except SmaError as error:
        module.fail_json(msg=str(error), **client_facts(client), **retry_log(module, client))
    finally:
        client.close()

    result = build_result(read, selection, client, module.params)
    module.exit_json(**result, **client_facts(client), **retry_log(module, client))


if __name__ == '__main__':
    main()
