# Copyright: mailops.sma maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the playbook-level integration tests.

Each test starts its own SMA API simulator (``python -m sma_simulator``) over
TLS on a free port of 127.0.0.1 and stops it afterwards, so no state leaks
from one target into the next.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import secrets
import subprocess
import sys
import time

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]

# Seconds to wait for the simulator's port file. Start-up, TLS certificates
# included, took about 0.2 s on a 2-core test machine.
SIMULATOR_START_TIMEOUT = float(os.environ.get("SIM_START_TIMEOUT", "60"))
SIMULATOR_STOP_TIMEOUT = 5.0
SIMULATOR_USER = "tester"
SIMULATOR_LOG_TAIL_LINES = 40


@dataclasses.dataclass(frozen=True)
class Simulator:
    """A running simulator and the values a playbook needs to reach it."""

    process: subprocess.Popen
    url: str
    admin_url: str
    username: str
    password: str = dataclasses.field(repr=False)
    ca_path: pathlib.Path
    mail_log: pathlib.Path
    log_path: pathlib.Path

    def log_tail(self, lines: int = SIMULATOR_LOG_TAIL_LINES) -> str:
        """Return the last lines of the simulator's stdout and stderr."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no simulator output)"
        return "\n".join(text.splitlines()[-lines:])


def _read_log(path: pathlib.Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _wait_for_port(process: subprocess.Popen, port_file: pathlib.Path, log_path: pathlib.Path) -> int:
    """Wait until the simulator wrote its port file and return the port.

    The simulator writes the file through a rename, so its content is complete
    once it exists.
    """
    deadline = time.monotonic() + SIMULATOR_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The simulator exited with status {process.returncode} before it listened. "
                f"Its output:\n{_read_log(log_path)}"
            )
        if port_file.exists():
            return int(port_file.read_text(encoding="ascii").strip())
        time.sleep(0.05)
    raise TimeoutError(
        f"The simulator wrote no port file to {port_file} within {SIMULATOR_START_TIMEOUT:.0f} s "
        f"(set SIM_START_TIMEOUT to wait longer). Its output:\n{_read_log(log_path)}"
    )


def stop_simulator(process: subprocess.Popen) -> None:
    """Stop the simulator with SIGTERM, or SIGKILL after SIMULATOR_STOP_TIMEOUT seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=SIMULATOR_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_simulator(work_dir: pathlib.Path, extra_args: list[str]) -> Simulator:
    """Start a simulator with TLS, a fresh user and its own mail log under work_dir."""
    work_dir.mkdir(parents=True, exist_ok=True)
    port_file = work_dir / "port"
    cert_dir = work_dir / "tls"
    mail_log = work_dir / "mail.log"
    log_path = work_dir / "simulator.log"
    password = secrets.token_urlsafe(18)
    command = [
        sys.executable, "-m", "sma_simulator",
        "--tls", "--port", "0", "--port-file", str(port_file),
        "--cert-dir", str(cert_dir), "--mail-log", str(mail_log),
        "--user", f"{SIMULATOR_USER}:{password}",
        *extra_args,
    ]
    with log_path.open("wb") as log_file:
        # The command line carries the password, so it is never printed.
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            command, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
        )
    try:
        port = _wait_for_port(process, port_file, log_path)
    except (RuntimeError, TimeoutError, ValueError):
        stop_simulator(process)
        raise
    url = f"https://127.0.0.1:{port}"
    return Simulator(
        process=process,
        url=url,
        admin_url=f"{url}/_sim",
        username=SIMULATOR_USER,
        password=password,
        ca_path=cert_dir / "ca.pem",
        mail_log=mail_log,
        log_path=log_path,
    )


@pytest.fixture
def simulator_factory(tmp_path):
    """Return a function that starts a simulator with extra command-line arguments.

    Every simulator started through it is stopped when the test ends.
    """
    started: list[Simulator] = []

    def start(extra_args: list[str] | None = None) -> Simulator:
        simulator = start_simulator(tmp_path / f"simulator{len(started)}", list(extra_args or []))
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        stop_simulator(simulator.process)


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory) -> pathlib.Path:
    """Return a collections folder whose mailops.sma is a link to this working tree.

    The tests use it instead of the repository's collections/ folder, which
    pytest-ansible may have filled with a stale copy of per-entry links.
    """
    root = tmp_path_factory.mktemp("collections")
    namespace_dir = root / "ansible_collections" / "mailops"
    namespace_dir.mkdir(parents=True)
    (namespace_dir / "sma").symlink_to(REPO_ROOT, target_is_directory=True)
    return root
