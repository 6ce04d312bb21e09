"""The command line, run as ``python -m sma_simulator`` in a subprocess, and TLS."""

from __future__ import annotations

import base64
import http.client
import json
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": "Basic " + base64.b64encode(b"admin:ironport").decode()}
CONFIG = "/sma/api/v2.0/config/quarantines?device_type=sma&quarantine_type=pvo"


class Process:
    """A simulator subprocess. ``stop`` sends a signal and returns the exit status and output."""

    def __init__(self, args: list[str], port_file: Path) -> None:
        self.port_file = port_file
        self.popen = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "sma_simulator", "--port", "0", "--port-file", str(port_file), *args],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not port_file.exists():
            if self.popen.poll() is not None or time.monotonic() > deadline:
                out, err = self.popen.communicate(timeout=5) if self.popen.poll() is not None else ("", "")
                self.popen.kill()
                raise AssertionError(f"simulator did not start: {out} {err}")
            time.sleep(0.05)
        self.port = int(port_file.read_text(encoding="utf-8"))
        self.first_line = self.popen.stdout.readline()

    def stop(self, signal_number: int = signal.SIGTERM) -> tuple[int, str, str]:
        """Signal the process and wait for it to exit."""
        self.popen.send_signal(signal_number)
        out, err = self.popen.communicate(timeout=15)
        return self.popen.returncode, out, err


@pytest.fixture
def launch(tmp_path):
    """Start simulator subprocesses and kill any still running after the test."""
    processes: list[Process] = []

    def start(*args: str) -> Process:
        process = Process(list(args), tmp_path / f"port-{len(processes)}")
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.popen.poll() is None:
            process.popen.kill()
            process.popen.communicate()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run the CLI expecting it to exit at once."""
    return subprocess.run([sys.executable, "-m", "sma_simulator", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60, check=False)


def get(port: int, path: str = CONFIG, headers: dict | None = None) -> http.client.HTTPResponse:
    """GET over plain HTTP and return the response with its body read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers if headers is not None else AUTH)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def test_port_file_and_start_line(launch):
    process = launch()
    assert process.port_file.read_text(encoding="utf-8") == f"{process.port}\n"
    assert process.first_line == \
        f"sma_simulator listening on http://127.0.0.1:{process.port} (dataset lab, 40 messages)\n"
    assert get(process.port).status == 200
    status, _out, err = process.stop()
    assert status == 0
    assert re.search(r'"GET /sma/api/v2.0/config/quarantines\?\S+" 200 \d+ [\d.]+ms auth=basic', err)
    assert "stopped" in err


def test_sigint_exits_zero(launch):
    process = launch("--quiet")
    assert get(process.port).status == 200
    status, _out, err = process.stop(signal.SIGINT)
    assert status == 0
    assert "GET /sma/api" not in err


def test_users_and_generation_options(launch):
    process = launch("--user", "ops:se:cret", "--user", "audit:pw", "--dataset", "empty", "--generate", "20",
                     "--generate-domain-count", "4", "--seed", "3", "--quiet")
    assert "(dataset empty + 20 generated, 20 messages)" in process.first_line
    ops = {"Authorization": "Basic " + base64.b64encode(b"ops:se:cret").decode()}
    assert get(process.port, headers=ops).status == 200
    assert get(process.port).status == 401  # admin:ironport is only the default
    assert process.stop()[0] == 0


@pytest.mark.parametrize("value", ["admin", ":pw", "admin:"])
def test_bad_user_value(value):
    result = run_cli("--user", value)
    assert result.returncode == 2
    assert f"argument --user: invalid value {value!r}: expected NAME:PASSWORD" in result.stderr


def test_duplicate_user():
    result = run_cli("--user", "a:1", "--user", "a:2")
    assert result.returncode == 2
    assert "user 'a' is given twice" in result.stderr


def test_bad_dataset_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    result = run_cli("--dataset", str(path))
    assert result.returncode == 2
    assert f"dataset file {path} is not valid JSON" in result.stderr


@pytest.mark.parametrize("args, fragment", [
    (["--timezone", "CET"], "invalid time zone 'CET'"),
    (["--generate", "5", "--generate-domain-count", "9"], "--generate-domain-count 9"),
    (["--port", "70000"], "invalid port 70000"),
    (["--token-ttl", "0"], "expected 1 or more"),
    (["--faults", "/nonexistent/faults.json"], "argument --faults: cannot read /nonexistent/faults.json"),
])
def test_bad_options(args, fragment):
    result = run_cli(*args)
    assert result.returncode == 2
    assert fragment in result.stderr


def test_port_in_use():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        result = run_cli("--port", str(blocker.getsockname()[1]))
    assert result.returncode == 1
    assert "cannot listen on 127.0.0.1" in result.stderr


def test_faults_file(launch, tmp_path):
    path = tmp_path / "faults.json"
    path.write_text(json.dumps([{"match": {"method": "GET", "path": "/sma/api/*"}, "effect": {"status": 503}}]),
                    encoding="utf-8")
    process = launch("--faults", str(path), "--quiet")
    assert get(process.port).status == 503
    assert get(process.port).status == 200
    assert process.stop()[0] == 0


def test_bad_faults_file(tmp_path):
    path = tmp_path / "faults.json"
    path.write_text(json.dumps([{"effect": {"status": "soon"}}]), encoding="utf-8")
    result = run_cli("--faults", str(path))
    assert result.returncode == 2
    assert "rule 0: effect \"status\" must be an HTTP status code" in result.stderr


def test_mail_log_and_limits(launch, tmp_path):
    log = tmp_path / "mail.log"
    process = launch("--mail-log", str(log), "--max-limit", "5", "--timezone", "-07:00", "--quiet")
    window = "startDate=2000-01-01T00:00:00.000Z&endDate=2100-01-01T00:00:00.000Z"
    too_big = get(process.port, f"/sma/api/v2.0/quarantine/messages?quarantineType=spam&limit=6&{window}")
    assert too_big.status == 404
    page = get(process.port, f"/sma/api/v2.0/quarantine/messages?quarantineType=spam&limit=5&{window}")
    assert json.loads(page.body)["data"][0]["attributes"]["date"].endswith("(GMT -07:00)")
    connection = http.client.HTTPConnection("127.0.0.1", process.port, timeout=10)
    connection.request("POST", "/sma/api/v2.0/quarantine/messages", headers=AUTH,
                       body=json.dumps({"action": "release", "quarantineType": "spam", "mids": [501]}))
    assert json.loads(connection.getresponse().read())["data"]["totalCount"] == 1
    connection.close()
    assert process.stop()[0] == 0
    assert 'MID 501 released from quarantine "Spam Quarantine" (manual)' in log.read_text(encoding="utf-8")


def https_get(port: int, context: ssl.SSLContext) -> int:
    """GET over HTTPS and return the status."""
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    try:
        connection.request("GET", CONFIG, headers=AUTH)
        return connection.getresponse().status
    finally:
        connection.close()


def verified_name(port: int, context: ssl.SSLContext, name: str) -> str:
    """Connect to 127.0.0.1 and verify the certificate for ``name``; return the negotiated TLS version."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=name) as wrapped:
            return wrapped.version()


def test_tls_verified_with_generated_ca(launch, tmp_path):
    cert_dir = tmp_path / "certs"
    process = launch("--tls", "--cert-dir", str(cert_dir), "--quiet")
    assert process.first_line.startswith(f"sma_simulator listening on https://127.0.0.1:{process.port} ")
    assert {path.name for path in cert_dir.iterdir()} == {"ca.pem", "server.pem", "server-key.pem"}
    assert (cert_dir / "server-key.pem").stat().st_mode & 0o077 == 0
    trusted = ssl.create_default_context(cafile=str(cert_dir / "ca.pem"))
    assert https_get(process.port, trusted) == 200
    assert verified_name(process.port, trusted, "localhost").startswith("TLSv1.")
    with pytest.raises(ssl.SSLCertVerificationError):
        verified_name(process.port, trusted, "sma.example.com")
    with pytest.raises(ssl.SSLCertVerificationError):
        https_get(process.port, ssl.create_default_context())
    assert https_get(process.port, trusted) == 200  # a failed handshake does not stop the server
    status, _out, err = process.stop()
    assert status == 0
    assert f"CA certificate for clients: {cert_dir / 'ca.pem'}" in err
    assert "TLS handshake with 127.0.0.1 failed" in err
    assert "Traceback" not in err


def test_tls_default_cert_dir_removed_at_exit(launch):
    process = launch("--tls", "--quiet")
    status, _out, err = process.stop()
    assert status == 0
    ca_path = Path(re.search(r"CA certificate for clients: (\S+)", err).group(1))
    assert ca_path.name == "ca.pem"
    assert not ca_path.parent.exists()
