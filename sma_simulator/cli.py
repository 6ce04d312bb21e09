"""Command line: ``python -m sma_simulator [options]``. See README.md for every option."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from .app import Simulator
from .dataset import DatasetError
from .faults import FaultError
from .server import SimulatorServer
from .tls import generate_certificates, server_context

LOG = logging.getLogger("sma_simulator")
_NEGATIVE_ZONE = re.compile(r"^-\d{2}:\d{2}$")


def _user(text: str) -> tuple[str, str]:
    name, separator, password = text.partition(":")
    if not separator or not name or not password:
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}: expected NAME:PASSWORD with both parts non-empty, for example admin:ironport")
    return name, password


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}: expected an integer") from exc
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid value {value}: expected 0 or more")
    return value


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid value {value}: expected 1 or more")
    return value


def _port(text: str) -> int:
    value = _non_negative(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"invalid port {value}: expected 0 to 65535 (0 picks a free port)")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the simulator."""
    parser = argparse.ArgumentParser(
        prog="python -m sma_simulator",
        description="Serve a stand-in for the Cisco SMA quarantine REST API (/sma/api/v2.0) for tests and demos.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=0, help="port to listen on; 0 picks a free port (default: 0)")
    parser.add_argument("--port-file", metavar="PATH",
                        help="write the port number and a newline to PATH once the server listens")

    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a CA and certificate generated at start")
    parser.add_argument("--cert-dir", metavar="DIR",
                        help="where --tls writes ca.pem, server.pem and server-key.pem (default: a new temporary "
                             "directory, removed at exit)")

    parser.add_argument("--user", metavar="NAME:PASSWORD", type=_user, action="append",
                        help="an API user, repeatable; the password may contain ':' "
                             "(default: the simulator's own default user admin:ironport)")

    parser.add_argument("--dataset", default="lab",
                        help="'lab' (built-in), 'empty', or the path of a dataset JSON file (default: lab)")
    parser.add_argument("--generate", type=_non_negative, default=0, metavar="N",
                        help="add N generated pvo messages (default: 0)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated messages (default: 1)")
    parser.add_argument("--generate-quarantine", default="GENERATED", metavar="NAME",
                        help="pvo quarantine of the generated messages (default: GENERATED)")
    parser.add_argument("--generate-sender-domain", default="bulk.example", metavar="DOMAIN",
                        help="sender domain of the exact matches among generated messages (default: bulk.example)")
    parser.add_argument("--generate-domain-count", type=_non_negative, metavar="K",
                        help="how many generated messages come from exactly that domain (default: a tenth of N)")

    parser.add_argument("--mail-log", metavar="PATH", help="also append mail-log lines to PATH (default: memory only)")
    parser.add_argument("--token-ttl", type=_positive, default=1800, metavar="SECONDS",
                        help="JWT lifetime in seconds (default: 1800)")
    parser.add_argument("--max-limit", type=_positive, metavar="N",
                        help="reject a search limit above N with a 404 (default: no cap)")
    parser.add_argument("--timezone", default="+00:00", metavar="+HH:MM",
                        help="the appliance's display zone for dates in results (default: +00:00)")
    parser.add_argument("--faults", metavar="FILE.json", help="initial fault rules, as accepted by POST /_sim/faults")
    parser.add_argument("--quiet", action="store_true", help="do not log one line per request on stderr")
    return parser


def _users(pairs: list[tuple[str, str]] | None, parser: argparse.ArgumentParser) -> dict[str, str] | None:
    if not pairs:
        return None
    users: dict[str, str] = {}
    for name, password in pairs:
        if name in users:
            parser.error(f"argument --user: user {name!r} is given twice; give each user once")
        users[name] = password
    return users


def _load_faults(path: str | None, parser: argparse.ArgumentParser) -> object:
    if path is None:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        parser.error(f"argument --faults: cannot read {path}: {exc.strerror}; give an existing JSON file")
    except ValueError as exc:
        parser.error(f"argument --faults: {path} is not valid JSON ({exc}); fix the file")
    return None


def _write_port_file(path: str, port: int) -> None:
    """Write the port atomically: a reader sees either no file or the whole line."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(f"{port}\n", encoding="utf-8")
    os.replace(temporary, target)


def _attach_negative_zone(argv: list[str]) -> list[str]:
    """Rewrite ``--timezone -07:00`` as ``--timezone=-07:00``, because argparse takes a lone ``-07:00`` for an option."""
    result: list[str] = []
    index = 0
    while index < len(argv):
        if argv[index] == "--timezone" and index + 1 < len(argv) and _NEGATIVE_ZONE.match(argv[index + 1]):
            result.append(f"--timezone={argv[index + 1]}")
            index += 2
        else:
            result.append(argv[index])
            index += 1
    return result


def main(argv: list[str] | None = None) -> int:  # pylint: disable=too-many-locals
    """Run the simulator until SIGTERM or SIGINT and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(_attach_negative_zone(sys.argv[1:] if argv is None else list(argv)))
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    if args.quiet:
        logging.getLogger("sma_simulator.requests").setLevel(logging.WARNING)
    try:
        simulator = Simulator(
            dataset=args.dataset, users=_users(args.user, parser), generate=args.generate, seed=args.seed,
            generate_quarantine=args.generate_quarantine, generate_sender_domain=args.generate_sender_domain,
            generate_domain_count=args.generate_domain_count, mail_log=args.mail_log, token_ttl=args.token_ttl,
            max_limit=args.max_limit, timezone=args.timezone, faults=_load_faults(args.faults, parser))
    except (DatasetError, FaultError, ValueError, OSError) as exc:
        parser.error(str(exc))
    # The loaded messages live until exit, so keep the garbage collector from rescanning them.
    gc.freeze()

    context, temporary_dir = None, None
    if args.tls:
        if args.cert_dir:
            cert_dir = Path(args.cert_dir)
        else:
            temporary_dir = cert_dir = Path(tempfile.mkdtemp(prefix="sma_simulator-"))
        paths = generate_certificates(cert_dir, ["127.0.0.1", "localhost", args.host])
        context = server_context(paths)
        print(f"sma_simulator: CA certificate for clients: {paths.ca}", file=sys.stderr, flush=True)

    try:
        server = SimulatorServer((args.host, args.port), simulator, context)
    except OSError as exc:
        print(f"sma_simulator: error: cannot listen on {args.host}:{args.port}: {exc.strerror}; "
              "choose another --port or use --port 0", file=sys.stderr)
        return 1
    if args.port_file:
        _write_port_file(args.port_file, server.port)

    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda _number, _frame: stop.set())
    thread = threading.Thread(target=server.serve_forever, name="sma_simulator", daemon=True)
    thread.start()
    scheme = "https" if args.tls else "http"
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"sma_simulator listening on {scheme}://{host}:{server.port} "
          f"(dataset {simulator.dataset_label}, {simulator.message_count()} messages)", flush=True)
    while not stop.wait(0.5):
        pass
    LOG.info("stopping")
    server.shutdown()
    server.server_close()
    simulator.close()
    if temporary_dir is not None:
        shutil.rmtree(temporary_dir, ignore_errors=True)
    LOG.info("stopped")
    return 0
