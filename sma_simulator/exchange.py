"""Request and response objects passed between the HTTP layer and the handlers."""

from __future__ import annotations

import json
from typing import Mapping

from .errors import ApiError, envelope

JSON_TYPE = "application/json"


class Request:  # pylint: disable=too-few-public-methods
    """An HTTP request with its query decoded (last value wins) and its JSON body parsed.

    ``body`` is None when there is no body, and ``body_error`` gives the reason a body is not valid JSON.
    """

    def __init__(self, method: str, path: str, query: dict[str, str], headers: Mapping[str, str],
                 raw_body: bytes = b"") -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.raw_body = raw_body
        self.body: object = None
        self.body_error: str | None = None
        if raw_body.strip():
            try:
                self.body = json.loads(raw_body)
            except (UnicodeDecodeError, ValueError) as exc:
                self.body_error = str(exc)

    def body_action(self) -> str | None:
        """Return the ``action`` of a JSON object body, for fault matching."""
        if isinstance(self.body, dict) and isinstance(self.body.get("action"), str):
            return self.body["action"]
        return None


class Response:  # pylint: disable=too-few-public-methods
    """A handler's response: a JSON payload (serialized once, when sent) or raw bytes."""

    def __init__(self, status: int = 200, payload: object = None, raw: bytes | None = None,
                 content_type: str = JSON_TYPE, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.payload = payload
        self.raw = raw
        self.content_type = content_type
        self.headers = dict(headers or {})
        self.reason: str | None = None
        self.auth = "none"
        self.user: str | None = None
        self.acted: list[int] = []  # MIDs an action was applied to, for the requarantine faults

    @classmethod
    def error(cls, status: int, message: str, headers: dict[str, str] | None = None) -> "Response":
        """Build an error response in the API's envelope, with the message as the reason phrase like the appliance."""
        response = cls(status, envelope(status, message), headers=headers)
        response.reason = message.rstrip(".")
        return response

    @classmethod
    def from_error(cls, error: ApiError) -> "Response":
        """Build the response for a raised ApiError."""
        return cls.error(error.status, error.message, error.headers)

    def body_bytes(self) -> bytes:
        """Return the body to send, serializing the JSON payload."""
        if self.raw is not None:
            return self.raw
        if self.payload is None:
            return b""
        return json.dumps(self.payload, separators=(",", ":")).encode("utf-8")
