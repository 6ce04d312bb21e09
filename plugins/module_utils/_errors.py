# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: error types raised by the SMA API client."""

from __future__ import annotations


class SmaError(Exception):
    """Base class of every error the client raises on purpose."""


class SmaInputError(SmaError):
    """A user-supplied value is invalid; the message names the value and the fix."""


class SmaConnectionError(SmaError):
    """The appliance could not be reached, or TLS verification failed."""


class SmaApiError(SmaError):
    """An error status returned by the appliance.

    Carries the HTTP status, the method, the URL without credentials, and the
    appliance's own message from the ``{"error": {...}}`` envelope when present.
    """

    def __init__(self, status, method, url, api_message, code=None, explanation=None, retry_after=None):
        self.status = status
        self.method = method
        self.url = url
        self.api_message = api_message
        self.code = code
        self.explanation = explanation
        self.retry_after = retry_after
        super().__init__(self._render())

    def _render(self):
        detail = self.api_message or 'no error message in the response'
        return 'SMA returned HTTP %s for %s %s: %s' % (self.status, self.method, self.url, detail)


class SmaAuthError(SmaApiError):
    """The appliance rejected the credentials or the session token (HTTP 401)."""

    def _render(self):
        return ('SMA rejected the credentials (HTTP 401 for %s %s: %s). '
                'Check username, password and auth_method.' % (self.method, self.url, self.api_message or 'Unauthorized.'))


class SmaOutcomeUnknown(SmaError):
    """A non-idempotent request may or may not have been applied.

    Raised for timeouts, connection resets, and 429 or 5xx responses to POST and DELETE.
    Callers must re-read state before sending anything again.
    """

    def __init__(self, method, url, reason):
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__('outcome of %s %s is unknown: %s' % (method, url, reason))


class SmaProtocolError(SmaError):
    """The appliance answered with something the API does not define (for example not JSON)."""


class SmaScanUnstable(SmaError):
    """A quarantine kept changing while it was paged, on every allowed pass."""
