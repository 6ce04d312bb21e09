"""Fixtures that run the simulator in-process on 127.0.0.1 with a free port."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
for folder in (REPO_ROOT, Path(__file__).resolve().parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from sma_simulator.app import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from sma_simulator.server import SimulatorServer  # noqa: E402  pylint: disable=wrong-import-position
from simclient import Client  # noqa: E402  pylint: disable=wrong-import-position


class Running:
    """A simulator served on a free port, with a client."""

    def __init__(self, simulator: Simulator, server: SimulatorServer) -> None:
        self.sim = simulator
        self.server = server
        self.port = server.port
        self.client = Client(server.port)


@pytest.fixture
def serve():
    """Start simulators with the given Simulator options and stop them after the test."""
    started: list[SimulatorServer] = []

    def start(ssl_context=None, **options) -> Running:
        options.setdefault("sleep", lambda seconds: time.sleep(min(seconds, 5)))
        simulator = Simulator(**options)
        server = SimulatorServer(("127.0.0.1", 0), simulator, ssl_context)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        started.append(server)
        return Running(simulator, server)

    yield start
    for server in started:
        server.shutdown()
        server.server_close()
        server.simulator.close()


@pytest.fixture
def lab(serve) -> Running:
    """The lab dataset with default settings."""
    return serve()


@pytest.fixture
def client(lab) -> Client:
    """A client of the lab simulator."""
    return lab.client
