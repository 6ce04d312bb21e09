"""The HTTP(S) layer: a threading HTTP/1.1 server with keep-alive that feeds requests to a Simulator."""

from __future__ import annotations

import logging
import socket
import ssl
import struct
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .app import Simulator
from .exchange import Request, Response

LOG = logging.getLogger("sma_simulator")
REQUEST_LOG = logging.getLogger("sma_simulator.requests")
MAX_BODY = 64 * 1024 * 1024


class SimulatorServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer bound to one Simulator, optionally serving TLS."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], simulator: Simulator,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.simulator = simulator
        self.ssl_context = ssl_context
        super().__init__(address, RequestHandler)

    @property
    def port(self) -> int:
        """Return the port the server listens on."""
        return self.server_address[1]

    def get_request(self):
        """Accept a connection. With TLS, wrap it so that the handshake runs in the handler thread."""
        connection, address = super().get_request()
        if self.ssl_context is not None:
            connection = self.ssl_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address


class RequestHandler(BaseHTTPRequestHandler):
    """Parses HTTP, hands the request to the simulator and writes headers and body in one send."""

    server: SimulatorServer
    protocol_version = "HTTP/1.1"
    server_version = "API/2.0"
    disable_nagle_algorithm = True
    timeout = 300  # seconds an idle keep-alive connection stays open
    tls_failed = False

    def version_string(self) -> str:
        """Return the Server header value ``API/2.0``, as the appliance sends it."""
        return self.server_version

    def setup(self) -> None:
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError) as exc:
                # A client that does not trust the CA ends up here, so one line is enough.
                LOG.info("TLS handshake with %s failed: %s", self.client_address[0], exc)
                self.tls_failed = True

    def handle(self) -> None:
        if self.tls_failed:
            return
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, TimeoutError) as exc:
            LOG.debug("connection from %s ended: %s", self.client_address[0], exc)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, ssl.SSLError) as exc:
            LOG.debug("connection from %s ended: %s", self.client_address[0], exc)
            self.close_connection = True

    def log_request(self, code="-", size="-") -> None:
        """Do nothing, because ``_serve`` logs each request with its status."""

    def log_message(self, format, *args) -> None:  # pylint: disable=redefined-builtin
        LOG.debug("%s - %s", self.client_address[0], format % args)

    def send_error(self, code, message=None, explain=None) -> None:
        """Respond to protocol errors found by http.server (bad request line, long headers) with the API envelope."""
        self.close_connection = True
        response = Response.error(code, message or self.responses.get(code, ("Error",))[0])
        self._prepare(response, response.body_bytes())
        self.flush_headers()

    def do_GET(self) -> None:  # pylint: disable=invalid-name
        """Serve a GET request."""
        self._serve()

    def do_POST(self) -> None:  # pylint: disable=invalid-name
        """Serve a POST request."""
        self._serve()

    def do_DELETE(self) -> None:  # pylint: disable=invalid-name
        """Serve a DELETE request."""
        self._serve()

    def do_PUT(self) -> None:  # pylint: disable=invalid-name
        """Serve a PUT request (always 404 or 405)."""
        self._serve()

    def do_PATCH(self) -> None:  # pylint: disable=invalid-name
        """Serve a PATCH request (always 404 or 405)."""
        self._serve()

    def do_HEAD(self) -> None:  # pylint: disable=invalid-name
        """Serve a HEAD request (always 404 or 405)."""
        self._serve()

    def _read_body(self) -> bytes | None:
        """Read the request body by Content-Length, or send an error response and return None."""
        if self.headers.get("Transfer-Encoding", "").lower() not in ("", "identity"):
            self.send_error(411, "Length Required: send the body with a Content-Length header.")
            return None
        text = self.headers.get("Content-Length", "0").strip() or "0"
        if not text.isdigit():
            self.send_error(400, f"Bad Request: Content-Length {text!r} is not a number.")
            return None
        length = int(text)
        if length > MAX_BODY:
            self.send_error(413, f"Request Entity Too Large: bodies are limited to {MAX_BODY} bytes.")
            return None
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        started = time.perf_counter()
        raw_body = self._read_body()
        if raw_body is None:
            return

        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        request = Request(self.command, split.path, query, self.headers, raw_body)
        simulator = self.server.simulator
        try:
            response = simulator.handle(request)
        except Exception:  # pylint: disable=broad-exception-caught
            # A bug in a handler must not end the connection thread silently, so log it and respond with 500.
            LOG.exception("internal error while serving %s %s", self.command, split.path)
            response = Response.error(500, "Internal Server Error.")

        # Each header line is "name: value\r\n", and an empty line ends the headers.
        header_bytes = sum(len(name) + len(value) + 4 for name, value in self.headers.items()) + 2
        bytes_in = len(self.raw_requestline) + header_bytes + len(raw_body)
        if response is None:
            self._reset_connection()
            status, bytes_out, auth = 0, 0, "none"
        else:
            bytes_out = self._prepare(response, response.body_bytes())
            status, auth = response.status, response.auth
        if not request.path.startswith("/_sim"):
            # Log before sending, so a client that has read the response finds its request in the log.
            duration_ms = (time.perf_counter() - started) * 1000
            simulator.requests.add(simulator.now(), self.command, split.path, query, _loggable_body(request),
                                   status, bytes_in, bytes_out, duration_ms, auth)
            REQUEST_LOG.info('%s "%s %s" %s %d %.1fms auth=%s', self.client_address[0], self.command, self.path,
                             status or "reset", bytes_out, duration_ms, auth)
        if response is not None:
            self.flush_headers()

    def _prepare(self, response: Response, body: bytes) -> int:
        """Buffer status line, headers and body so that one flush sends them, and return their size in bytes."""
        reason = (response.reason or self.responses.get(response.status, ("",))[0])
        reason = reason.encode("ascii", "replace").decode("ascii").replace("\r", " ").replace("\n", " ")
        self.send_response_only(response.status, reason)
        self.send_header("Server", self.version_string())
        self.send_header("Date", self.date_time_string())
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Expose-Headers", "Content-Disposition, jwtToken")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        buffer = getattr(self, "_headers_buffer", [])
        buffer.append(b"\r\n")
        if self.command != "HEAD":
            buffer.append(body)
        return sum(len(part) for part in buffer)

    def _reset_connection(self) -> None:
        """Drop the connection without a response. SO_LINGER 0 makes the client see a reset."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError as exc:
            LOG.debug("could not set SO_LINGER before a reset: %s", exc)


def _loggable_body(request: Request) -> object:
    """Return the body for the request log with the login passphrase masked."""
    body = request.body
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and "passphrase" in body["data"]:
        body = dict(body, data=dict(body["data"], passphrase="********"))
    return body
