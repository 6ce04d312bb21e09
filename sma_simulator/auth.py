"""HTTP Basic and JWT authentication as the SMA API does it.

Clients send either ``Authorization: Basic ...`` or a ``jwtToken`` header carrying a token
from ``POST /sma/api/v2.0/login``. The login body carries the user name and passphrase each
Base64-encoded, and the token is an HS256 JWT whose ``exp`` lies 30 minutes ahead by default
(recorded responses in nickrusso42518/postman; Cortex XSOAR's CiscoSMA integration).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
from typing import Callable, Mapping

from .errors import unauthorized


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class AuthResult:
    """Authenticated user of a request, with the ``scheme`` (``basic`` or ``jwt``) and the token's ``expires``."""

    def __init__(self, scheme: str, user: str, expires: float | None = None) -> None:
        self.scheme = scheme
        self.user = user
        self.expires = expires


class Authenticator:
    """Checks credentials and issues, verifies and expires JWTs."""

    def __init__(self, users: Mapping[str, str], token_ttl: int, clock: Callable[[], float]) -> None:
        self.users = dict(users)
        self.token_ttl = token_ttl
        self.clock = clock
        self._secret = secrets.token_bytes(32)
        self._tokens: dict[str, float] = {}  # session cookie -> exp of every token still valid
        self._lock = threading.Lock()

    def _password_ok(self, user: str, password: str) -> bool:
        expected = self.users.get(user)
        if expected is None:
            # Compare anyway so that unknown and known users take the same time.
            hmac.compare_digest(password.encode("utf-8"), password.encode("utf-8"))
            return False
        return hmac.compare_digest(password.encode("utf-8"), expected.encode("utf-8"))

    def authenticate(self, headers: Mapping[str, str]) -> AuthResult:
        """Check the request's credentials; raise the 401 ApiError when they are missing or wrong.

        ``Authorization: Bearer`` is rejected: no public client shows the appliance accepting it.
        """
        authorization = headers.get("Authorization")
        if authorization is not None:
            scheme, _space, credentials = authorization.strip().partition(" ")
            if scheme.lower() != "basic":
                raise unauthorized()
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise unauthorized() from exc
            user, separator, password = decoded.partition(":")
            if not separator or not self._password_ok(user, password):
                raise unauthorized()
            return AuthResult("basic", user)
        token = headers.get("jwtToken")
        if token:
            user, expires = self.verify(token.strip())
            return AuthResult("jwt", user, expires)
        raise unauthorized()

    def login(self, body: object) -> dict:
        """Check the login body ``{"data": {"userName": b64, "passphrase": b64}}`` and return the response body."""
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise unauthorized()
        try:
            user = base64.b64decode(str(data.get("userName", "")), validate=True).decode("utf-8")
            password = base64.b64decode(str(data.get("passphrase", "")), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise unauthorized() from exc
        if not user or not self._password_ok(user, password):
            raise unauthorized()
        # is2FactorRedirectRequired is the string "false" in the recorded response, not a boolean.
        return {"data": {"userName": user, "is2FactorRedirectRequired": "false", "role": "Administrator",
                         "email": [], "jwtToken": self.issue(user)}}

    def issue(self, user: str) -> str:
        """Create a token for ``user`` valid for ``token_ttl`` seconds."""
        now = self.clock()
        cookie = _b64url(secrets.token_bytes(24))
        expires = int(now + self.token_ttl)
        payload = {"userName": user, "is2FactorCheckRequired": False, "cookie": cookie, "user": user, "exp": expires}
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
        signature = hmac.new(self._secret, f"{header}.{body}".encode("ascii"), hashlib.sha256).digest()
        with self._lock:
            self._tokens = {key: value for key, value in self._tokens.items() if value > now}
            self._tokens[cookie] = expires
        return f"{header}.{body}.{_b64url(signature)}"

    def verify(self, token: str) -> tuple[str, float]:
        """Return (user, exp) of a valid token; raise the 401 ApiError for a bad, expired or revoked one."""
        parts = token.split(".")
        if len(parts) != 3:
            raise unauthorized()
        expected = hmac.new(self._secret, f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest()
        try:
            signature = _b64url_decode(parts[2])
            payload = json.loads(_b64url_decode(parts[1]))
        except (binascii.Error, ValueError) as exc:
            raise unauthorized() from exc
        if not hmac.compare_digest(signature, expected) or not isinstance(payload, dict):
            raise unauthorized()
        expires = payload.get("exp")
        with self._lock:
            known = self._tokens.get(payload.get("cookie"))
        if known is None or not isinstance(expires, int) or self.clock() >= expires:
            raise unauthorized()
        return str(payload.get("userName")), float(expires)

    def needs_refresh(self, result: AuthResult) -> bool:
        """Tell whether a JWT has less than a quarter of its lifetime left (sliding refresh)."""
        if result.scheme != "jwt" or result.expires is None:
            return False
        return result.expires - self.clock() < self.token_ttl / 4

    def expire_all(self) -> None:
        """Invalidate every token issued so far."""
        with self._lock:
            self._tokens.clear()
