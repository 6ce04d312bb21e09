# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Connection options; mirrors connection_argument_spec() in plugins/module_utils/_module.py.
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the SMA REST API, such as V(https://sma.example.com:6443).
      - The path C(/sma/api/v2.0) is added by the module; a URL that already ends with it is accepted.
      - On-premises appliances serve the API on port 6443 (HTTPS) or 6080 (HTTP) by default; cloud
        appliances serve it on port 443.
      - Required. If not set, the value of the E(SMA_URL) environment variable is used.
    type: str
  username:
    description:
      - API user name.
      - Required. If not set, the value of the E(SMA_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - Required. If not set, the value of the E(SMA_PASSWORD) environment variable is used.
    type: str
  auth_method:
    description:
      - V(basic) sends HTTP Basic credentials with every request and needs no login.
      - V(jwt) logs in once with C(POST /login), sends the token in the C(jwtToken) header, logs in
        again once when a request is answered with HTTP 401, and adopts a refreshed token that the
        appliance sends in a C(jwtToken) response header.
      - If not set, the value of the E(SMA_AUTH_METHOD) environment variable is used.
    type: str
    default: basic
    choices: [basic, jwt]
  validate_certs:
    description:
      - Whether to verify the appliance's TLS certificate.
      - Set V(false) only for a lab appliance; prefer O(ca_path).
      - If not set, the value of the E(SMA_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM file with the CA certificate (or bundle) that signed the appliance's certificate.
      - Passed on every request, so it wins over E(REQUESTS_CA_BUNDLE).
      - If not set, the value of the E(SMA_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for the appliance to connect and to answer each request.
      - If not set, the value of the E(SMA_TIMEOUT) environment variable is used.
    type: int
    default: 60
  retries:
    description:
      - How many times a read (GET) is retried after a connection error, a timeout, or HTTP 429, 502,
        503 or 504, with exponential backoff and jitter, honouring C(Retry-After).
      - An action (release, delete) whose outcome is unknown is never sent again blind. The module
        reads which MIDs are still present and re-sends only those, at most O(retries) times.
      - Other HTTP 4xx answers are never retried.
      - If not set, the value of the E(SMA_RETRIES) environment variable is used.
    type: int
    default: 3
  retry_max_time:
    description:
      - Upper bound in seconds on the time one request may spend in retries, waits included.
    type: int
    default: 120
'''
