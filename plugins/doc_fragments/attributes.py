# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The action group attribute shared by every module of the collection.
    DOCUMENTATION = r'''
attributes:
  action_group:
    description: Use C(group/mailops.sma.sma) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - mailops.sma.sma
'''
