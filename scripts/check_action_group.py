# Copyright: mailops.sma maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check that the action group in meta/runtime.yml lists every module, sorted.

`module_defaults: {group/mailops.sma.sma: ...}` sets the connection options
of every module in the group, so a module missing from the group would
silently run without them.

Usage: python scripts/check_action_group.py [COLLECTION_ROOT]
"""

from __future__ import annotations

import pathlib
import sys

import yaml

GROUP = "sma"


def module_names(root: pathlib.Path) -> list[str]:
    """Return the names of the modules in plugins/modules, sorted."""
    return sorted(path.stem for path in (root / "plugins" / "modules").glob("*.py") if path.stem != "__init__")


def group_members(root: pathlib.Path) -> list[str]:
    """Return the members of the action group as listed in meta/runtime.yml."""
    runtime = yaml.safe_load((root / "meta" / "runtime.yml").read_text(encoding="utf-8")) or {}
    members = (runtime.get("action_groups") or {}).get(GROUP)
    if not isinstance(members, list):
        raise SystemExit(f"meta/runtime.yml: action_groups.{GROUP} is missing or not a list; list every module there.")
    return [str(member) for member in members]


def main() -> int:
    """Print every difference between the modules and the group; return 1 if any."""
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    modules = module_names(root)
    members = group_members(root)
    problems = []
    for name in sorted(set(modules) - set(members)):
        problems.append(f"module {name} is missing from action_groups.{GROUP}: add it in sorted order")
    for name in sorted(set(members) - set(modules)):
        problems.append(f"action_groups.{GROUP} lists {name}, but plugins/modules/{name}.py does not exist: remove it")
    if not problems and members != sorted(members):
        problems.append(f"action_groups.{GROUP} is not sorted: use {sorted(members)}")
    for problem in problems:
        print(f"meta/runtime.yml: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"meta/runtime.yml: action_groups.{GROUP} lists all {len(modules)} modules, sorted.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
