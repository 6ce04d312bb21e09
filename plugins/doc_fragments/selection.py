# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Selection options; mirrors selection_argument_spec() in plugins/module_utils/_module.py.
    DOCUMENTATION = r'''
options:
  quarantine_type:
    description:
      - V(pvo) searches policy, virus and outbreak quarantines (standard and custom ones).
      - V(spam) searches the spam quarantine.
    type: str
    default: pvo
    choices: [pvo, spam]
  received_after:
    description:
      - Start of the time window, inclusive. Floored to the whole minute, because the API accepts
        only whole minutes.
      - ISO 8601 with a zone (V(2026-03-15T11:25:00Z), V(2026-03-15T11:25:30.250+01:00)), a time
        relative to now (V(-7d), V(-12h), V(-30m)), or V(now).
      - A time without a zone is rejected unless O(timezone) says how to read it.
      - Defaults to 2000-01-01T00:00Z, which covers every message an appliance can still hold
        (quarantine retention is bounded, and the API appeared years later).
    type: str
  received_before:
    description:
      - End of the time window, exclusive. Ceiled to the whole minute.
      - Same formats as O(received_after). Defaults to the minute after now.
      - Must be later than O(received_after).
    type: str
  timezone:
    description:
      - How to read O(received_after) and O(received_before) when they carry no zone.
      - V(UTC), a fixed offset such as V(+01:00), or an IANA name such as V(Europe/Paris).
    type: str
  sender:
    description:
      - Filter on the envelope sender (pvo) or the From address (spam).
      - Sent to the appliance to narrow the search and checked again on the returned messages.
    type: dict
    suboptions:
      operator:
        description:
          - How O(sender.value) is compared, case-insensitively.
          - The spam quarantine supports V(contains), V(starts_with), V(ends_with), V(is) and V(does_not_contain).
          - V(matches_exactly), V(begins_with), V(equals) and V(does_not_match) are accepted as aliases.
        type: str
        default: contains
        choices: [contains, starts_with, ends_with, is, does_not_contain, does_not_start_with, does_not_end_with,
                  is_not, begins_with, does_not_match, equals, matches_exactly]
      value:
        description: Text to compare with.
        type: str
        required: true
  recipient:
    description:
      - Filter on the envelope recipients. A positive operator matches when any recipient matches; a
        negated one when no recipient violates it.
      - Same suboptions as O(sender).
    type: dict
    suboptions:
      operator:
        description: How O(recipient.value) is compared, case-insensitively.
        type: str
        default: contains
        choices: [contains, starts_with, ends_with, is, does_not_contain, does_not_start_with, does_not_end_with,
                  is_not, begins_with, does_not_match, equals, matches_exactly]
      value:
        description: Text to compare with.
        type: str
        required: true
  subject:
    description:
      - Filter on the subject. Same suboptions as O(sender).
    type: dict
    suboptions:
      operator:
        description: How O(subject.value) is compared, case-insensitively.
        type: str
        default: contains
        choices: [contains, starts_with, ends_with, is, does_not_contain, does_not_start_with, does_not_end_with,
                  is_not, begins_with, does_not_match, equals, matches_exactly]
      value:
        description: Text to compare with.
        type: str
        required: true
  sender_domain:
    description:
      - Sender domains to match exactly, case-insensitively, on the part of the sender address after the last C(@).
      - Look-alikes such as V(example.com.attacker.test) or V(examp1e.com) never match. Messages the
        appliance returned that fail this check are listed in RV(rejected) with the reason.
      - Sub-domains match only with O(include_subdomains=true).
    type: list
    elements: str
  include_subdomains:
    description:
      - Whether sub-domains of each O(sender_domain) match too (V(mail.example.com) for V(example.com)).
    type: bool
    default: false
  mids:
    description:
      - Restrict the selection to these message IDs (the SMA MIDs the search returns).
    type: list
    elements: int
  page_size:
    description:
      - Messages per search request (the API's C(limit)).
      - The appliance's behaviour with large pages is not documented; Cisco advises modest pages to
        avoid timeouts, and public clients use 100 to 250.
    type: int
    default: 100
  concurrency:
    description:
      - Number of search pages fetched in parallel once the first page has given the total.
      - V(1) reads one page at a time.
    type: int
    default: 1
  max_scan_passes:
    description:
      - How many times a quarantine is read again when it changed while it was paged (a message
        arrived or left, so C(totalCount) changed or a MID came twice).
      - The module fails with the reasons when no pass is stable.
    type: int
    default: 3
'''
