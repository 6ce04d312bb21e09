"""Error responses in the SMA API's envelope.

The appliance responds to every error with
``{"error": {"message": ..., "code": "<status as a string>", "explanation": ...}}``
and reports bad request parameters as HTTP 404, not 400 (recorded responses in
nickrusso42518/postman ``sma/sma.postman_collection.json`` and Cisco-Email-Security/docs ``api.md``).
"""

from __future__ import annotations

# The 401 and 404 texts are recorded from a real appliance. The others are guesses in the same style.
EXPLANATIONS = {
    400: "400 = Bad request.",
    401: "401 = No permission -- see authorization schemes.",
    403: "403 = Forbidden.",
    404: "404 = Nothing matches the given URI.",
    405: "405 = Method not allowed for this resource.",
    411: "411 = Length required.",
    413: "413 = Request entity too large.",
    429: "429 = Too many requests.",
    500: "500 = Internal server error.",
    502: "502 = Bad gateway.",
    503: "503 = Service unavailable.",
    504: "504 = Gateway timeout.",
}

UNSUPPORTED_ATTRIBUTE = "Unsupported attribute."
DATE_SECONDS_MESSAGE = "startDate and endDate attribute supports only 00 seconds and 000 microseconds."


class ApiError(Exception):
    """An error response: HTTP status, message and optional extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def explanation_for(status: int) -> str:
    """Return the ``explanation`` text for an HTTP status."""
    return EXPLANATIONS.get(status, f"{status} = Error.")


def envelope(status: int, message: str) -> dict:
    """Build the error body that the appliance sends for ``status``."""
    return {"error": {"message": message, "code": str(status), "explanation": explanation_for(status)}}


def missing(attribute: str) -> ApiError:
    """Build the 404 error for a required attribute that is absent."""
    return ApiError(404, f"Missing attribute - {attribute}.")


def invalid(attribute: str) -> ApiError:
    """Build the 404 error for an attribute whose value is not accepted."""
    return ApiError(404, f"Invalid value for attribute - {attribute}.")


def unsupported() -> ApiError:
    """Build the 404 error for an attribute the endpoint does not know."""
    return ApiError(404, UNSUPPORTED_ATTRIBUTE)


def unauthorized() -> ApiError:
    """Build the 401 error that the appliance sends for missing or bad credentials."""
    return ApiError(401, "Unauthorized.")
