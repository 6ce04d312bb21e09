"""HTTP helpers for the simulator tests: a small client on http.client and a settable clock."""

from __future__ import annotations

import base64
import http.client
import json
import time
from urllib.parse import urlencode

API = "/sma/api/v2.0"
MESSAGES = API + "/quarantine/messages"
# A window that contains every lab message, which arrive 1 to 20 hours before start.
WIDE = {"startDate": "2000-01-01T00:00:00.000Z", "endDate": "2100-01-01T00:00:00.000Z"}
ADMIN = ("admin", "ironport")


class FakeClock:
    """A settable clock for token expiry and time-dependent tests."""

    def __init__(self, start: float | None = None) -> None:
        self.now = start if start is not None else time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds


class Reply:
    """One HTTP response: status, headers, raw body and the parsed JSON (None if not JSON)."""

    def __init__(self, status: int, reason: str, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def error(self) -> dict:
        """Return the error envelope's inner object."""
        assert self.json is not None and "error" in self.json, f"not an error envelope: {self.body[:300]!r}"
        return self.json["error"]


def basic(user: str, password: str) -> str:
    """Build a Basic Authorization header value."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class Client:
    """A small HTTP client on http.client, with a new connection per request unless ``keep`` is used."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, method: str, path: str, params: dict | None = None, body: object = None,  # pylint: disable=too-many-arguments
                auth: tuple[str, str] | None = ADMIN, headers: dict | None = None,
                connection: http.client.HTTPConnection | None = None) -> Reply:
        """Send one request and read the whole response."""
        all_headers = dict(headers or {})
        if auth is not None:
            all_headers["Authorization"] = basic(*auth)
        payload = None
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
        url = path + ("?" + urlencode(params) if params else "")
        own = connection is None
        connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, url, body=payload, headers=all_headers)
            response = connection.getresponse()
            return Reply(response.status, response.reason, response.headers, response.read())
        finally:
            if own:
                connection.close()

    def search(self, **params) -> Reply:
        """GET /quarantine/messages with the wide window unless dates are given."""
        auth = params.pop("_auth", ADMIN)
        query = dict(WIDE)
        query.update(params)
        return self.request("GET", MESSAGES, query, auth=auth)

    def pvo(self, quarantines: str = "TEST_QUARANTINE", **params) -> Reply:
        """Search pvo quarantines."""
        return self.search(quarantineType="pvo", quarantines=quarantines, **params)

    def mids(self, reply: Reply) -> list[int]:
        """Return the MIDs of a search response, asserting it succeeded."""
        assert reply.status == 200, reply.body
        return [item["mid"] for item in reply.json["data"]]

    def action(self, body: dict, method: str = "POST", **kwargs) -> Reply:
        """POST (or DELETE) an action body to /quarantine/messages."""
        return self.request(method, MESSAGES, body=body, **kwargs)

    def admin(self, method: str, path: str, body: object = None, params: dict | None = None) -> Reply:
        """Call the admin interface (no credentials)."""
        return self.request(method, "/_sim" + path, params=params, body=body, auth=None)
