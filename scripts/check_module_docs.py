# Copyright: mailops.sma maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check that every module's documentation is complete, as ansible-doc renders it.

ansible-test's validate-modules checks that the documentation matches the
argument spec, and antsibull-docs checks the markup. Neither requires notes,
seealso, the action_group attribute, or a sample for every return value, which
this collection promises for each module. This script checks those, from the
JSON that `ansible-doc --json` prints, so that doc fragments count too.

Usage: python scripts/check_module_docs.py [COLLECTION_ROOT]
Run it where ansible-doc finds mailops.sma (scripts/test.sh sets ANSIBLE_CONFIG).
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

COLLECTION = "mailops.sma"
REQUIRED_DOC_KEYS = ("short_description", "description", "version_added", "author", "requirements", "notes", "seealso")
REQUIRED_ATTRIBUTES = ("check_mode", "diff_mode", "platform", "action_group")
REQUIRED_OPTION_KEYS = ("description", "type")
REQUIRED_RETURN_KEYS = ("description", "returned", "type")


def module_names(root: pathlib.Path) -> list[str]:
    """Return the fully qualified names of the modules in plugins/modules, sorted."""
    stems = sorted(path.stem for path in (root / "plugins" / "modules").glob("*.py") if path.stem != "__init__")
    return [f"{COLLECTION}.{stem}" for stem in stems]


def read_docs(modules: list[str]) -> dict:
    """Return ansible-doc's JSON for the modules, keyed by module name."""
    command = ["ansible-doc", "--json", "-t", "module", *modules]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"ansible-doc failed with exit status {result.returncode}:\n{result.stderr.strip()}")
    return json.loads(result.stdout)


def check_options(module: str, options: dict, prefix: str = "") -> list[str]:
    """Return a problem for each option or suboption without a description or a type."""
    problems = []
    for name, spec in options.items():
        path = prefix + name
        problems.extend(f"{module}: option {path} has no {key}" for key in REQUIRED_OPTION_KEYS if key not in spec)
        problems.extend(check_options(module, spec.get("suboptions") or {}, path + "."))
    return problems


def check_returns(module: str, returns: dict, prefix: str = "") -> list[str]:
    """Return a problem for each return value without description, returned, type or sample.

    A value whose keys are described under `contains` needs no sample of its own,
    because each contained key has one.
    """
    problems = []
    for name, spec in returns.items():
        path = prefix + name
        problems.extend(f"{module}: return value {path} has no {key}" for key in REQUIRED_RETURN_KEYS if key not in spec)
        contains = spec.get("contains") or {}
        if "sample" not in spec and not contains:
            problems.append(f"{module}: return value {path} has no sample")
        problems.extend(check_returns(module, contains, path + "."))
    return problems


def check_module(module: str, entry: dict) -> list[str]:
    """Return the problems of one module's documentation."""
    doc = entry.get("doc") or {}
    problems = [f"{module}: DOCUMENTATION has no {key}" for key in REQUIRED_DOC_KEYS if not doc.get(key)]
    attributes = doc.get("attributes") or {}
    problems.extend(f"{module}: attributes has no {name}" for name in REQUIRED_ATTRIBUTES if name not in attributes)
    if not (entry.get("examples") or "").strip():
        problems.append(f"{module}: EXAMPLES is empty")
    problems.extend(check_options(module, doc.get("options") or {}))
    returns = entry.get("return") or {}
    if not returns:
        problems.append(f"{module}: RETURN is empty")
    problems.extend(check_returns(module, returns))
    return problems


def main() -> int:
    """Print every problem found, and return 1 if there is any."""
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    modules = module_names(root)
    if not modules:
        print("plugins/modules contains no module, so there is nothing to check.")
        return 0
    docs = read_docs(modules)
    problems = []
    for module in modules:
        if module not in docs:
            problems.append(f"{module}: ansible-doc returned no documentation")
            continue
        problems.extend(check_module(module, docs[module]))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problems in the module documentation; fix them in plugins/modules or the doc fragments.",
              file=sys.stderr)
        return 1
    print(f"The documentation of all {len(modules)} modules is complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
