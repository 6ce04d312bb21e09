#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: sma_quarantine_message_info
short_description: Read the details of quarantined messages on an SMA, and download an attachment
version_added: 0.1.0
description:
  - Reads the details of the given quarantined messages from a Cisco Secure Email and Web Manager (SMA)
    through its AsyncOS REST API, one request per MID; the envelope, the headers, one entry per quarantine
    that holds the message (reasons, received and scheduled exit times, ESA), the message parts with the
    attachment names and sizes, and the matched content.
  - Optionally downloads one attachment of a pvo message to a file on the host that runs the module. The
    appliance sends it as Base64 text; the module decodes it and writes the bytes with mode C(0600). The file
    is never executed, opened or parsed.
  - Changes nothing on the appliance. It reports C(changed=true) only when it wrote an attachment file.
author:
  - mailops.sma maintainers (@mailops)
requirements:
  - requests
extends_documentation_fragment:
  - mailops.sma.connection
  - mailops.sma.attributes
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Reads the details and downloads the attachment to compare it, but writes no file.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  quarantine_type:
    description:
      - V(pvo) for policy, virus and outbreak quarantines, V(spam) for the spam quarantine.
    type: str
    default: pvo
    choices: [pvo, spam]
  mids:
    description:
      - The MIDs to read, as the quarantine search returns them.
      - A MID the appliance does not hold is listed in RV(not_found) and does not fail the task.
      - At least one of O(mids) and O(attachment) is required.
    type: list
    elements: int
  include_body:
    description:
      - Whether to return the message text in RV(messages[].message_body). Off by default to keep the result small.
    type: bool
    default: false
  attachment:
    description:
      - One attachment to download. pvo quarantines only.
    type: dict
    suboptions:
      mid:
        description: MID of the message that carries the attachment.
        type: int
        required: true
      id:
        description:
          - The attachment's ID, as in C(attachments[].id) of RV(messages). Exactly one of O(attachment.id) and
            O(attachment.name) is required.
        type: int
      name:
        description:
          - The attachment's file name as the details list it. Fails when several attachments have that name.
        type: str
      dest:
        description:
          - Where to write the attachment. An existing folder, or a path ending with C(/), receives a file named
            after the C(Content-Disposition) header of the response (reduced to a plain file name), or after the
            details when the header has none. Any other path is the file itself; its folder must exist.
        type: path
        required: true
      max_size:
        description:
          - Largest attachment, in decoded bytes, to write. A larger one fails the task and writes nothing.
          - The whole response is read into memory before this check.
        type: int
        default: 10485760
      force:
        description:
          - Whether to replace an existing file with different content. An existing file with the same content
            is left alone and reports C(changed=false).
        type: bool
        default: false
notes:
  - The details of a MID the appliance does not hold are answered with HTTP 404; the module lists that MID in
    RV(not_found).
  - Details and attachment shapes follow the PSCiscoSMA PowerShell module, Splunk SOAR's ciscosma connector and
    the models of Cisco's OpenAPI file; the list of matched content is passed on as the appliance returns it.
seealso:
  - module: mailops.sma.sma_quarantine_info
  - module: mailops.sma.sma_quarantine_copy
'''

EXAMPLES = r'''
- name: Read the details of two messages
  mailops.sma.sma_quarantine_message_info:
    mids: [414, 425]
  register: details

- name: Show each message's attachments
  ansible.builtin.debug:
    msg: "{{ details.messages | map(attribute='attachments') | list }}"

- name: Download an attachment by name into a folder
  mailops.sma.sma_quarantine_message_info:
    attachment:
      mid: 414
      name: invoice.pdf
      dest: /srv/quarantine-samples/
      max_size: 5242880
  register: download

- name: Read a spam quarantine message with its text
  mailops.sma.sma_quarantine_message_info:
    quarantine_type: spam
    mids: [50]
    include_body: true
'''

RETURN = r'''
messages:
  description:
    - One record per MID found, in the order of O(mids). Keys are the same for pvo and spam; what a
      quarantine type does not provide is empty or null.
  returned: always
  type: list
  elements: dict
  contains:
    mid:
      description: The MID.
      type: int
      returned: always
      sample: 414
    quarantine_type:
      description: V(pvo) or V(spam).
      type: str
      returned: always
      sample: "pvo"
    sender:
      description: Envelope sender (pvo) or the first From address (spam), lower-cased.
      type: str
      returned: always
      sample: "alerts@labcisco.com"
    sender_domain:
      description: The part of RV(messages[].sender) after the last C(@).
      type: str
      returned: always
      sample: "labcisco.com"
    recipients:
      description: Envelope recipients, lower-cased.
      type: list
      elements: str
      returned: always
      sample: ["user1@example.com"]
    from_address:
      description: From header addresses as the appliance shows them.
      type: list
      elements: str
      returned: always
      sample: ["Lab Alerts <alerts@labcisco.com>"]
    to_address:
      description: To header addresses (spam), one entry per address.
      type: list
      elements: str
      returned: always
      sample: []
    subject:
      description: Subject.
      type: str
      returned: always
      sample: "Weekly report"
    received:
      description: When the message was quarantined, ISO 8601 UTC.
      type: str
      returned: always
      sample: "2026-03-15T18:25:00Z"
    quarantines:
      description:
        - One entry per quarantine that holds the message, with C(name), C(reasons), C(received) and
          C(scheduled_exit) (ISO 8601 UTC, with the appliance's text in C(received_raw) and C(scheduled_exit_raw)),
          C(esa_hostname) and C(esa_ip).
      type: list
      elements: dict
      returned: always
      sample:
        - name: "TEST_QUARANTINE"
          reasons: ["Content filter labcisco_hold"]
          received: "2026-03-15T18:25:00Z"
          received_raw: "15 Mar 2026 11:25 (GMT -07:00)"
          scheduled_exit: "2026-04-14T18:25:00Z"
          scheduled_exit_raw: "14 Apr 2026 11:25 (GMT -07:00)"
          esa_hostname: "esa1.example.com"
          esa_ip: "192.0.2.10"
    parts:
      description: Message parts with C(id), C(name), C(size) (the appliance's text) and C(is_body) for the C([message body]) part.
      type: list
      elements: dict
      returned: always
      sample: [{"id": 1, "name": "[message body]", "size": "2.1K", "is_body": true}, {"id": 2, "name": "report.pdf", "size": "120.3K", "is_body": false}]
    attachments:
      description: The parts that are attachments, with C(id), C(name) and C(size). Spam details give names only.
      type: list
      elements: dict
      returned: always
      sample: [{"id": 2, "name": "report.pdf", "size": "120.3K"}]
    matched_contents:
      description: The content that matched the quarantine's rules, as the appliance returns it.
      type: list
      returned: always
      sample: []
    headers:
      description: Headers as C(name) and C(value), in order, with folded lines joined.
      type: list
      elements: dict
      returned: always
      sample: [{"name": "Subject", "value": "Weekly report"}]
    headers_raw:
      description: The header block as the appliance returns it.
      type: str
      returned: always
      sample: "Subject: Weekly report"
    message_body:
      description: The message text when O(include_body=true), else null.
      type: str
      returned: always
      sample: null
  sample:
    - mid: 414
      quarantine_type: pvo
      sender: alerts@labcisco.com
      sender_domain: labcisco.com
      recipients: [user1@example.com]
      from_address: ["Lab Alerts <alerts@labcisco.com>"]
      to_address: []
      subject: Weekly report
      received: "2026-03-15T18:25:00Z"
      quarantines:
        - {name: TEST_QUARANTINE, reasons: [Content filter labcisco_hold], received: "2026-03-15T18:25:00Z",
           received_raw: "15 Mar 2026 11:25 (GMT -07:00)", scheduled_exit: "2026-04-14T18:25:00Z",
           scheduled_exit_raw: "14 Apr 2026 11:25 (GMT -07:00)", esa_hostname: esa1.example.com, esa_ip: 192.0.2.10}
      parts:
        - {id: 1, name: "[message body]", size: 2.1K, is_body: true}
        - {id: 2, name: report.pdf, size: 120.3K, is_body: false}
      attachments: [{id: 2, name: report.pdf, size: 120.3K}]
      matched_contents: []
      headers: [{name: Subject, value: Weekly report}]
      headers_raw: "Subject: Weekly report"
      message_body: null
not_found:
  description: MIDs of O(mids) that the appliance does not hold, with the reason.
  returned: always
  type: list
  elements: dict
  sample: [{mid: 999, reason: "SMA has no quarantined pvo message with MID 999"}]
attachment:
  description:
    - The downloaded attachment; null when O(attachment) is not set.
    - C(changed) tells whether the file was (or in check mode would be) written.
  returned: always
  type: dict
  sample: {mid: 414, id: 2, name: report.pdf, path: /srv/quarantine-samples/report.pdf, size: 90112,
           sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, changed: true}
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
  sample: [{method: GET, path: /quarantine/messages/details, attempt: 1, reason: HTTP 503, delay: 1.2}]
'''

import hashlib

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mailops.sma.plugins.module_utils._details import (
    DownloadClient,
    download_attachment,
    find_part,
    normalize_details,
    read_details,
    resolve_destination,
    sha256_of_file,
    write_file,
)
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaError, SmaInputError
from ansible_collections.mailops.sma.plugins.module_utils._module import (
    build_client,
    check_requirements,
    client_facts,
    connection_argument_spec,
    retry_log,
)


def argument_spec():
    """Return the module's argument spec."""
    spec = connection_argument_spec()
    spec.update(
        quarantine_type={'type': 'str', 'default': 'pvo', 'choices': ['pvo', 'spam']},
        mids={'type': 'list', 'elements': 'int'},
        include_body={'type': 'bool', 'default': False},
        attachment={'type': 'dict', 'options': {
            'mid': {'type': 'int', 'required': True},
            'id': {'type': 'int'},
            'name': {'type': 'str'},
            'dest': {'type': 'path', 'required': True},
            'max_size': {'type': 'int', 'default': 10485760},
            'force': {'type': 'bool', 'default': False},
        }, 'mutually_exclusive': [['id', 'name']], 'required_one_of': [['id', 'name']]},
    )
    return spec


def read_messages(client, params):
    """Read the details of every MID; return ``(records, not_found)``."""
    records, not_found = [], []
    for mid in dict.fromkeys(params['mids'] or []):
        if mid < 1:
            raise SmaInputError("mid '%s' is not positive; MIDs are the positive integers the quarantine search returns"
                                % mid)
        data = read_details(client, mid, params['quarantine_type'])
        if data is None:
            not_found.append({'mid': mid, 'reason': 'SMA has no quarantined %s message with MID %d'
                                                    % (params['quarantine_type'], mid)})
            continue
        records.append(normalize_details(data, params['quarantine_type'], params['include_body']))
    return records, not_found


def fetch_attachment(client, params, check_mode):
    """Download the attachment that ``params['attachment']`` names and write it unless in check mode."""
    requested = params['attachment']
    if params['quarantine_type'] != 'pvo':
        raise SmaInputError('attachments can be downloaded from pvo quarantines only; remove attachment or use '
                            'quarantine_type: pvo')
    if requested['max_size'] < 1:
        raise SmaInputError('attachment.max_size %s is invalid; use a positive number of bytes' % requested['max_size'])
    data = read_details(client, requested['mid'], 'pvo')
    if data is None:
        raise SmaInputError('SMA has no quarantined pvo message with MID %d; check attachment.mid' % requested['mid'])
    part = find_part(normalize_details(data, 'pvo'), requested['id'], requested['name'])
    content, server_name = download_attachment(client, requested['mid'], part['id'], requested['max_size'])
    path = resolve_destination(requested['dest'], [server_name, part['name'], 'mid-%d-attachment-%d' % (requested['mid'], part['id'])])

    digest = hashlib.sha256(content).hexdigest()
    try:
        existing = sha256_of_file(path)
    except OSError as error:
        raise SmaInputError("cannot read the existing attachment.dest '%s': %s" % (path, error.strerror or error))
    if existing is not None and existing != digest and not requested['force']:
        raise SmaInputError("attachment.dest '%s' exists with different content; set attachment.force: true to "
                            "replace it, or choose another dest" % path)
    changed = existing != digest
    if changed and not check_mode:
        try:
            write_file(path, content)
        except OSError as error:
            raise SmaInputError("cannot write attachment.dest '%s': %s; check the folder and its permissions"
                                % (path, error.strerror or error))
    return {'mid': requested['mid'], 'id': part['id'], 'name': part['name'], 'path': path, 'size': len(content),
            'sha256': digest, 'changed': changed}


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True,
                           required_one_of=[['mids', 'attachment']])
    check_requirements(module)
    params = module.params

    client = build_client(module, DownloadClient)
    attachment = None
    try:
        messages, not_found = read_messages(client, params)
        if params['attachment']:
            attachment = fetch_attachment(client, params, module.check_mode)
    except SmaError as error:
        module.fail_json(msg=str(error), **client_facts(client), **retry_log(module, client))
    finally:
        client.close()

    module.exit_json(changed=bool(attachment and attachment['changed']), messages=messages, not_found=not_found,
                     attachment=attachment, **client_facts(client), **retry_log(module, client))


if __name__ == '__main__':
    main()
