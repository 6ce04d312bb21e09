# Copyright: mailops.sma maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every integration target against a fresh SMA API simulator.

A target is a folder tests/integration/targets/NAME with tasks/main.yml,
laid out as ansible-test expects. The test starts a simulator and runs
run_target.yml, which includes the target as a role. The connection values
reach it as extra variables (sma_url, sma_username, sma_password,
sma_ca_path, sma_admin_url, sma_mail_log, sma_work_dir) and as the SMA_URL,
SMA_USERNAME, SMA_PASSWORD and SMA_CA_PATH environment variables.

An optional file NAME/simulator_args contains extra simulator arguments, one
a line. Blank lines and lines starting with # are skipped, and {target_dir}
is replaced with the target's folder.

Targets whose aliases file lists one of the comma-separated names in
INTEGRATION_EXCLUDE_ALIASES are reported as skipped. The ansible-core 2.18
leg of make test excludes the alias "slow" this way.

Run one target with: pytest tests/integration -k NAME
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGETS_DIR = REPO_ROOT / "tests" / "integration" / "targets"
RUN_TARGET_PLAYBOOK = REPO_ROOT / "tests" / "integration" / "run_target.yml"

# Seconds one target's ansible-playbook run may take before it is stopped.
PLAYBOOK_TIMEOUT = float(os.environ.get("INTEGRATION_PLAYBOOK_TIMEOUT", "600"))
# Seconds to wait for the rest of the output once a timed-out playbook was killed.
OUTPUT_DRAIN_TIMEOUT = 10.0


def discover_targets() -> list[str]:
    """Return the names of the target folders that contain tasks/main.yml, sorted."""
    return sorted(path.parent.parent.name for path in TARGETS_DIR.glob("*/tasks/main.yml"))


def read_aliases(target_dir: pathlib.Path) -> set[str]:
    """Return the aliases listed in target_dir/aliases, one a line."""
    path = target_dir / "aliases"
    if not path.exists():
        return set()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def target_params() -> list:
    """Return one pytest parameter per target, marked skipped when an alias is excluded."""
    excluded = {alias.strip() for alias in os.environ.get("INTEGRATION_EXCLUDE_ALIASES", "").split(",") if alias.strip()}
    params = []
    for name in discover_targets():
        matched = sorted(read_aliases(TARGETS_DIR / name) & excluded)
        marks = [pytest.mark.skip(reason=f"alias {', '.join(matched)} is in INTEGRATION_EXCLUDE_ALIASES")] if matched else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def read_simulator_args(target_dir: pathlib.Path) -> list[str]:
    """Return the extra simulator arguments from target_dir/simulator_args."""
    path = target_dir / "simulator_args"
    if not path.exists():
        return []
    arguments = []
    for line in path.read_text(encoding="utf-8").splitlines():
        argument = line.strip()
        if argument and not argument.startswith("#"):
            arguments.append(argument.replace("{target_dir}", str(target_dir)))
    return arguments


def find_ansible_playbook() -> str:
    """Return the ansible-playbook that belongs to the Python running pytest."""
    beside_python = pathlib.Path(sys.executable).parent / "ansible-playbook"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("ansible-playbook")
    if found is None:
        pytest.fail(f"ansible-playbook not found beside {sys.executable} or on PATH; install ansible-core (make venv).")
    return found


def write_extra_vars(path: pathlib.Path, extra_vars: dict) -> None:
    """Write the extra variables readable only by the owner, because they contain a password."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(extra_vars, handle)


def child_pids() -> dict[int, list[int]]:
    """Return a map from each process ID to the IDs of its children, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name in parentheses may contain spaces, so split after it:
        # the fields that follow are the state, then the parent's ID.
        parent = int(stat[stat.rfind(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


def descendant_pids(pid: int) -> list[int]:
    """Return the IDs of every process below pid in the process tree."""
    children = child_pids()
    found: list[int] = []
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def send_signal(pid: int, signum: int) -> None:
    """Send signum to pid, ignoring a process that has exited already."""
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def kill_process_tree(process: subprocess.Popen) -> None:
    """Send SIGKILL to a running process and every process below it.

    A process group is not enough: Ansible's worker processes call setsid(),
    so a playbook that a task starts is in a session of its own. The tree is
    stopped with SIGSTOP first, so that no process forks a child that the
    kill would miss.
    """
    stopped = [process.pid]
    send_signal(process.pid, signal.SIGSTOP)
    for _attempt in range(3):
        new_pids = [pid for pid in descendant_pids(process.pid) if pid not in stopped]
        if not new_pids:
            break
        for pid in new_pids:
            send_signal(pid, signal.SIGSTOP)
        stopped.extend(new_pids)
    for pid in stopped:
        send_signal(pid, signal.SIGKILL)


def run_playbook(command: list[str], env: dict) -> tuple[int | None, str]:
    """Run ansible-playbook and return its exit status (None on timeout) and output.

    On a timeout, or when pytest is interrupted, the playbook and every
    process it started are killed. Killing only the top process left a
    nested ansible-playbook running after its test had failed.
    """
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    try:
        try:
            output = process.communicate(timeout=PLAYBOOK_TIMEOUT)[0]
        except subprocess.TimeoutExpired:
            kill_process_tree(process)
            try:
                output = process.communicate(timeout=OUTPUT_DRAIN_TIMEOUT)[0]
            except subprocess.TimeoutExpired:
                output = "(no output: a process that survived the kill kept the output pipe open)"
            return None, output
        return process.returncode, output
    finally:
        if process.poll() is None:
            kill_process_tree(process)
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.parametrize("target", target_params())
def test_target(target, simulator_factory, collections_path, tmp_path):
    """Run one target's tasks with ansible-playbook and fail with its output when it fails."""
    target_dir = TARGETS_DIR / target
    simulator = simulator_factory(read_simulator_args(target_dir))
    work_dir = tmp_path / "work"
    work_dir.mkdir()

    extra_vars_file = tmp_path / "extra_vars.json"
    write_extra_vars(extra_vars_file, {
        "target_name": target,
        "sma_url": simulator.url,
        "sma_username": simulator.username,
        "sma_password": simulator.password,
        "sma_ca_path": str(simulator.ca_path),
        "sma_admin_url": simulator.admin_url,
        "sma_mail_log": str(simulator.mail_log),
        "sma_work_dir": str(work_dir),
    })
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(REPO_ROOT / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_ROLES_PATH=str(TARGETS_DIR),
        ANSIBLE_NOCOLOR="1",
        SMA_URL=simulator.url,
        SMA_USERNAME=simulator.username,
        SMA_PASSWORD=simulator.password,
        SMA_CA_PATH=str(simulator.ca_path),
    )
    command = [find_ansible_playbook(), str(RUN_TARGET_PLAYBOOK), "-e", f"@{extra_vars_file}"]

    status, output = run_playbook(command, env)
    if status is None:
        pytest.fail(
            f"Target {target}: ansible-playbook timed out after {PLAYBOOK_TIMEOUT:.0f} s and was stopped "
            f"(set INTEGRATION_PLAYBOOK_TIMEOUT to allow more).\n"
            f"--- ansible-playbook output ---\n{output}\n"
            f"--- simulator output (last lines) ---\n{simulator.log_tail()}",
            pytrace=False,
        )

    if status != 0:
        pytest.fail(
            f"Target {target}: ansible-playbook exited with status {status}.\n"
            f"--- ansible-playbook output ---\n{output}\n"
            f"--- simulator output (last lines) ---\n{simulator.log_tail()}",
            pytrace=False,
        )
