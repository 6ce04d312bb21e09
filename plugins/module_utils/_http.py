# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: the HTTP layer of the SMA API client.

One ``requests.Session`` per module run with keep-alive, HTTP Basic or JWT auth, TLS
settings and a timeout on every call, bounded retries for idempotent requests, and typed
errors that carry the appliance's message. This file never imports Ansible's module code.
"""

from __future__ import annotations

import base64
import email.utils
import os
import random
import time
import traceback

from urllib.parse import urlsplit

from ansible_collections.mailops.sma.plugins.module_utils._errors import (
    SmaApiError,
    SmaAuthError,
    SmaConnectionError,
    SmaInputError,
    SmaOutcomeUnknown,
    SmaProtocolError,
)

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True

API_ROOT = '/sma/api/v2.0'
RETRY_STATUSES = frozenset((429, 502, 503, 504))
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
TOKEN_HEADER = 'jwtToken'


def normalize_base_url(url):
    """Validate ``url`` and return it without a trailing slash or API root.

    Accepts ``https://sma.example.com:6443`` and tolerates a trailing ``/sma/api/v2.0``.
    Credentials in the URL are rejected so that they can never reach a log or an error.
    """
    if not url:
        raise SmaInputError('url is missing: set the url option or the SMA_URL environment variable, '
                            'for example https://sma.example.com:6443')
    text = str(url).strip()
    parts = urlsplit(text)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise SmaInputError("url '%s' is not a valid base URL; use https://HOST:PORT, for example "
                            "https://sma.example.com:6443" % _redact_url(text))
    if parts.username or parts.password:
        raise SmaInputError('url must not contain credentials; pass them in username and password')
    if parts.query or parts.fragment:
        raise SmaInputError("url '%s' must not have a query or fragment; use https://HOST:PORT" % _redact_url(text))
    try:
        parts.port  # pylint: disable=pointless-statement
    except ValueError:
        raise SmaInputError("url '%s' has an invalid port; use a number such as 6443" % _redact_url(text))
    path = parts.path.rstrip('/')
    if path.endswith(API_ROOT):
        path = path[:-len(API_ROOT)]
    return '%s://%s%s' % (parts.scheme, parts.netloc, path)


def _redact_url(text):
    parts = urlsplit(text)
    if parts.password:
        return text.replace(parts.password, '********')
    return text


def parse_retry_after(value, now=None):
    """Return the delay in seconds that a ``Retry-After`` header requests, or None."""
    if value is None:
        return None
    text = str(value).strip()
    if text.isdigit():
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, moment.timestamp() - current)


def backoff_delay(attempt, rng):
    """Return the jittered exponential delay before retry number ``attempt`` (1-based)."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
    return ceiling / 2 + rng() * ceiling / 2


class SmaClient:
    """A client for the SMA AsyncOS REST API under ``/sma/api/v2.0``.

    ``debug`` is an optional callable that receives one line per retry and login.
    ``session``, ``sleep``, ``clock`` and ``rng`` exist for tests.
    """

    def __init__(self, url, username, password, auth_method='basic', validate_certs=True, ca_path=None,
                 timeout=60, retries=3, retry_max_time=120, pool_size=1, debug=None, session=None,
                 sleep=time.sleep, clock=time.monotonic, rng=random.random):
        if not HAS_REQUESTS and session is None:
            raise SmaInputError('the Python library requests is required on the host that runs the module')
        self.base_url = normalize_base_url(url)
        if not username:
            raise SmaInputError('username is missing: set the username option or the SMA_USERNAME environment variable')
        if password is None or password == '':
            raise SmaInputError('password is missing: set the password option or the SMA_PASSWORD environment variable')
        if auth_method not in ('basic', 'jwt'):
            raise SmaInputError("auth_method '%s' is not supported; use basic or jwt" % auth_method)
        self.username = username
        self._password = password
        self.auth_method = auth_method
        self.verify = (ca_path or True) if validate_certs else False
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.retry_max_time = float(retry_max_time)
        self._debug = debug
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._token = None
        self.retry_events = []
        self.request_count = 0
        self.login_count = 0
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, int(pool_size)))
            session.mount('https://', adapter)
            session.mount('http://', adapter)
            self._read_environment_once(session)
        self.session = session

    def _read_environment_once(self, session):
        """Resolve the proxy and CA-bundle environment variables once, instead of on every request.

        With ``trust_env`` on, requests scans the environment for proxies on each call. On a
        two-core test machine that cost 0.2 ms a request, a quarter of requests' overhead. The
        result is the same as requests' own: proxies from ``HTTPS_PROXY``/``HTTP_PROXY``
        unless ``NO_PROXY`` matches the appliance, and ``REQUESTS_CA_BUNDLE`` or
        ``CURL_CA_BUNDLE`` when certificates are validated without ``ca_path``. A ``.netrc``
        file is no longer consulted; the client always sends its own credentials.
        """
        session.trust_env = False
        session.proxies = requests.utils.get_environ_proxies(self.base_url)
        if self.verify is True:
            self.verify = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True

    def close(self):
        """Close the pooled connections."""
        self.session.close()

    def url_for(self, path):
        """Return the full URL of an API path such as ``/quarantine/messages``."""
        return self.base_url + API_ROOT + path

    # -- requests ----------------------------------------------------------------

    def get(self, path, params=None):
        """Send an idempotent GET, retrying transient failures, and return the decoded JSON."""
        return self.request('GET', path, params=params, idempotent=True)

    def request(self, method, path, params=None, json_body=None, idempotent=False):
        """Send one API request and return the decoded JSON body.

        Idempotent requests are retried on connection errors, timeouts, 429, 502, 503 and 504
        within ``retries`` and ``retry_max_time``. A non-idempotent request is never re-sent
        once it may have reached the appliance: the client raises ``SmaOutcomeUnknown``, and
        the caller re-reads state. A 401 with JWT auth triggers one new login and one replay.
        """
        url = self.url_for(path)
        started = self._clock()
        attempt = 0
        relogged = False
        while True:
            attempt += 1
            try:
                response = self._send(method, url, params, json_body)
            except _TransientError as error:
                if not (idempotent or error.not_sent):
                    raise SmaOutcomeUnknown(method, url, error.reason)
                self._wait_before_retry(method, path, attempt, started, error.reason, None)
                continue
            status = response.status_code
            if status == 401 and self.auth_method == 'jwt' and not relogged:
                relogged = True
                self._token = None
                self._log('%s %s: HTTP 401 with a session token; logging in again and replaying once' % (method, path))
                continue
            if status in RETRY_STATUSES or (status >= 500 and not idempotent):
                api_error = self._error_from(response, method, url)
                if not idempotent:
                    raise SmaOutcomeUnknown(method, url, 'HTTP %s: %s' % (status, api_error.api_message))
                if status in RETRY_STATUSES:
                    self._wait_before_retry(method, path, attempt, started, 'HTTP %s' % status,
                                            api_error.retry_after, final_error=api_error)
                    continue
            if status >= 400:
                raise self._error_from(response, method, url)
            self._adopt_token(response)
            return self._decode(response, method, url)

    def _send(self, method, url, params, json_body):
        headers = {'Accept': 'application/json'}
        auth = None
        if self.auth_method == 'jwt':
            if self._token is None:
                self.login()
            headers[TOKEN_HEADER] = self._token
        else:
            auth = (self.username, self._password)
        self.request_count += 1
        try:
            return self.session.request(method, url, params=params, json=json_body, headers=headers, auth=auth,
                                        verify=self.verify, timeout=self.timeout)
        except requests.exceptions.SSLError as error:
            raise SmaConnectionError(
                'TLS verification failed for %s: %s. Set ca_path to the CA certificate that signed the '
                "appliance's certificate (or validate_certs: false for a lab appliance only)" % (url, _short(error)))
        except requests.exceptions.ConnectTimeout as error:
            raise _TransientError('connection timed out after %ss' % self.timeout, not_sent=True)
        except requests.exceptions.ReadTimeout:
            raise _TransientError('no response within %ss' % self.timeout, not_sent=False)
        except requests.exceptions.ConnectionError as error:
            not_sent = _is_connect_failure(error)
            raise _TransientError(_connection_reason(error), not_sent=not_sent)

    def _wait_before_retry(self, method, path, attempt, started, reason, retry_after, final_error=None):
        if attempt > self.retries:
            if final_error is not None:
                raise final_error
            raise SmaConnectionError('cannot reach SMA at %s: %s; gave up after %d attempts. Check url, the '
                                     'network path and that the API is enabled on the interface'
                                     % (self.base_url, reason, attempt))
        delay = backoff_delay(attempt, self._rng)
        if retry_after is not None:
            delay = max(delay, retry_after)
        elapsed = self._clock() - started
        if elapsed + delay > self.retry_max_time:
            if final_error is not None:
                raise final_error
            raise SmaConnectionError('cannot reach SMA at %s: %s; the next retry would exceed retry_max_time (%ss)'
                                     % (self.base_url, reason, self.retry_max_time))
        event = {'method': method, 'path': path, 'attempt': attempt, 'reason': reason, 'delay': round(delay, 3)}
        self.retry_events.append(event)
        self._log('retry %d of %d for %s %s after %s, waiting %.1fs' % (attempt, self.retries, method, path, reason, delay))
        self._sleep(delay)

    def _adopt_token(self, response):
        refreshed = response.headers.get(TOKEN_HEADER)
        if self.auth_method == 'jwt' and refreshed:
            self._token = refreshed

    def _decode(self, response, method, url):
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise SmaProtocolError('SMA returned a response that is not JSON for %s %s (HTTP %s, Content-Type %s)'
                                   % (method, url, response.status_code, response.headers.get('Content-Type')))

    def _error_from(self, response, method, url):
        message = code = explanation = None
        try:
            envelope = response.json().get('error') or {}
            message = envelope.get('message')
            code = envelope.get('code')
            explanation = envelope.get('explanation')
        except (ValueError, AttributeError):
            message = (response.reason or '').strip() or None
        retry_after = parse_retry_after(response.headers.get('Retry-After'))
        error_type = SmaAuthError if response.status_code == 401 else SmaApiError
        return error_type(response.status_code, method, url, message, code, explanation, retry_after)

    # -- auth --------------------------------------------------------------------

    def login(self):
        """Log in with ``POST /login`` and keep the JWT for the ``jwtToken`` header."""
        url = self.url_for('/login')
        body = {'data': {
            'userName': base64.b64encode(self.username.encode('utf-8')).decode('ascii'),
            'passphrase': base64.b64encode(self._password.encode('utf-8')).decode('ascii'),
        }}
        self.login_count += 1
        self.request_count += 1
        self._log('POST /login as %s' % self.username)
        try:
            response = self.session.request('POST', url, json=body, headers={'Accept': 'application/json'},
                                            verify=self.verify, timeout=self.timeout)
        except requests.exceptions.SSLError as error:
            raise SmaConnectionError('TLS verification failed for %s: %s. Set ca_path to the CA certificate that '
                                     "signed the appliance's certificate" % (url, _short(error)))
        except requests.exceptions.RequestException as error:
            raise SmaConnectionError('cannot reach SMA at %s to log in: %s. Check url and that the API is enabled '
                                     'on the interface' % (self.base_url, _short(error)))
        if response.status_code >= 400:
            raise self._error_from(response, 'POST', url)
        payload = self._decode(response, 'POST', url)
        token = (payload.get('data') or {}).get('jwtToken') if isinstance(payload, dict) else None
        if not token:
            raise SmaProtocolError('SMA login at %s returned no jwtToken; use auth_method: basic' % url)
        self._token = token

    def _log(self, line):
        if self._debug is not None:
            self._debug(line)


class _TransientError(Exception):
    def __init__(self, reason, not_sent):
        super().__init__(reason)
        self.reason = reason
        self.not_sent = not_sent


def _is_connect_failure(error):
    """Tell whether a ConnectionError happened before the request was sent."""
    text = repr(error)
    return any(marker in text for marker in ('NewConnectionError', 'Connection refused', 'Name or service not known',
                                             'Failed to resolve', 'No route to host'))


_CONNECTION_REASONS = (
    ('Connection refused', 'connection refused'),
    ('Name or service not known', 'host name not found'),
    ('Failed to resolve', 'host name not found'),
    ('No route to host', 'no route to host'),
    ('Connection reset', 'connection reset by the appliance'),
    ('RemoteDisconnected', 'the appliance closed the connection without a response'),
    ('Connection aborted', 'the connection was aborted'),
)


def _connection_reason(error):
    """Return a short reason for a ConnectionError, without urllib3's wording or the query string."""
    text = repr(error)
    for marker, reason in _CONNECTION_REASONS:
        if marker in text:
            return reason
    return 'connection failed (%s)' % type(error).__name__


def _short(error):
    text = str(error)
    return text if len(text) <= 300 else text[:297] + '...'
