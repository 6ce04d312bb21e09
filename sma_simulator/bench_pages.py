"""Time the simulator under the benchmark's load: paging a large quarantine, then releasing in batches.

Run ``python -m sma_simulator.bench_pages``. It starts a simulator in this process on
127.0.0.1 with generated messages and sends every request sequentially over one keep-alive
connection, so the numbers show the simulator's own cost per request.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import threading
import time
from urllib.parse import urlencode

from .app import Simulator
from .dates import format_query_date
from .server import SimulatorServer

API = "/sma/api/v2.0/quarantine/messages"


def _request(connection: http.client.HTTPConnection, method: str, path: str, headers: dict,
             body: object = None) -> dict:
    payload = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{method} {path} failed with HTTP {response.status}: {data[:200]!r}")
    return json.loads(data)


def run(messages: int, limit: int, release: int, batch: int) -> dict:  # pylint: disable=too-many-locals
    """Run the benchmark and return the timings in seconds."""
    started = time.perf_counter()
    simulator = Simulator(dataset="empty", generate=messages, generate_domain_count=messages // 10)
    load_seconds = time.perf_counter() - started
    server = SimulatorServer(("127.0.0.1", 0), simulator)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    headers = {"Authorization": "Basic " + base64.b64encode(b"admin:ironport").decode(),
               "Content-Type": "application/json"}
    now = simulator.now()
    window = {"quarantineType": "pvo", "quarantines": "GENERATED", "limit": limit,
              "startDate": format_query_date(now - 2 * 86400), "endDate": format_query_date(now + 120)}
    try:
        started = time.perf_counter()
        seen: list[int] = []
        offset = 0
        while True:
            page = _request(connection, "GET", f"{API}?{urlencode(dict(window, offset=offset))}", headers)
            seen.extend(item["mid"] for item in page["data"])
            offset += limit
            if offset >= page["meta"]["totalCount"]:
                break
        page_seconds = time.perf_counter() - started
        pages = offset // limit
        started = time.perf_counter()
        released = 0
        for start in range(0, min(release, len(seen)), batch):
            body = {"action": "release", "quarantineType": "pvo", "quarantineName": "GENERATED",
                    "mids": seen[start:start + batch]}
            released += _request(connection, "POST", API, headers, body)["data"]["totalCount"]
        release_seconds = time.perf_counter() - started
    finally:
        connection.close()
        server.shutdown()
        server.server_close()
    return {"messages": messages, "load_seconds": round(load_seconds, 2), "pages": pages,
            "page_seconds": round(page_seconds, 2), "unique_mids_seen": len(set(seen)),
            "released": released, "release_posts": -(-min(release, len(seen)) // batch),
            "release_seconds": round(release_seconds, 2)}


def main() -> None:
    """Parse options, run the benchmark and print the result as JSON."""
    parser = argparse.ArgumentParser(prog="python -m sma_simulator.bench_pages", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=120_000, help="generated messages (default: 120000)")
    parser.add_argument("--limit", type=int, default=100, help="page size (default: 100)")
    parser.add_argument("--release", type=int, default=100_000, help="messages to release (default: 100000)")
    parser.add_argument("--batch", type=int, default=100, help="MIDs per release POST (default: 100)")
    args = parser.parse_args()
    print(json.dumps(run(args.messages, args.limit, args.release, args.batch), indent=2))


if __name__ == "__main__":
    main()
