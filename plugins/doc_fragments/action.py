# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Options of every action module; mirrors action_argument_spec() in plugins/module_utils/_action_module.py.
    DOCUMENTATION = r'''
options:
  quarantine:
    description:
      - The pvo quarantine that holds the messages (the source), such as V(Policy) or a custom quarantine.
      - Required when O(quarantine_type=pvo); must be unset for V(spam).
    type: str
  batch_size:
    description:
      - MIDs per action request.
    type: int
    default: 100
  expected_count:
    description:
      - Fail before sending anything unless exactly this many messages are planned.
      - Use the count an audit found and a person approved.
      - Not checked when nothing is planned, so a re-run reports C(changed=false).
    type: int
  max_count:
    description:
      - Fail before sending anything when more than this many messages are planned.
    type: int
'''
