# -*- coding: utf-8 -*-
# Copyright: mailops.sma contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private to mailops.sma: the glue between Ansible modules and the SMA API client.

Argument-spec builders (each returns a fresh dict, mirrored by the ``connection`` and
``selection`` doc fragments), client and selection construction from module parameters,
and the one place where client errors become ``fail_json``.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.mailops.sma.plugins.module_utils._dates import resolve_window, utc_now
from ansible_collections.mailops.sma.plugins.module_utils._errors import SmaError
from ansible_collections.mailops.sma.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, SmaClient
from ansible_collections.mailops.sma.plugins.module_utils._query import OPERATORS, OPERATOR_ALIASES, build_selection


def connection_argument_spec():
    """Return the connection options shared by every module of the collection."""
    return {
        'url': {'type': 'str', 'fallback': (env_fallback, ['SMA_URL'])},
        'username': {'type': 'str', 'fallback': (env_fallback, ['SMA_USERNAME'])},
        'password': {'type': 'str', 'no_log': True, 'fallback': (env_fallback, ['SMA_PASSWORD'])},
        'auth_method': {'type': 'str', 'default': 'basic', 'choices': ['basic', 'jwt'],
                        'fallback': (env_fallback, ['SMA_AUTH_METHOD'])},
        'validate_certs': {'type': 'bool', 'default': True, 'fallback': (env_fallback, ['SMA_VALIDATE_CERTS'])},
        'ca_path': {'type': 'path', 'fallback': (env_fallback, ['SMA_CA_PATH'])},
        'timeout': {'type': 'int', 'default': 60, 'fallback': (env_fallback, ['SMA_TIMEOUT'])},
        'retries': {'type': 'int', 'default': 3, 'fallback': (env_fallback, ['SMA_RETRIES'])},
        'retry_max_time': {'type': 'int', 'default': 120},
    }


def _filter_spec():
    return {
        'type': 'dict',
        'options': {
            'operator': {'type': 'str', 'default': 'contains', 'choices': list(OPERATORS) + sorted(OPERATOR_ALIASES)},
            'value': {'type': 'str', 'required': True},
        },
    }


def selection_argument_spec():
    """Return the options that select messages, shared by the info and action modules."""
    return {
        'quarantine_type': {'type': 'str', 'default': 'pvo', 'choices': ['pvo', 'spam']},
        'received_after': {'type': 'str'},
        'received_before': {'type': 'str'},
        'timezone': {'type': 'str'},
        'sender': _filter_spec(),
        'recipient': _filter_spec(),
        'subject': _filter_spec(),
        'sender_domain': {'type': 'list', 'elements': 'str'},
        'include_subdomains': {'type': 'bool', 'default': False},
        'mids': {'type': 'list', 'elements': 'int'},
        'page_size': {'type': 'int', 'default': 100},
        'concurrency': {'type': 'int', 'default': 1},
        'max_scan_passes': {'type': 'int', 'default': 3, 'no_log': False},
    }


def check_requirements(module):
    """Fail when ``requests`` is missing on the host that runs the module."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)


def check_positive(module, *names):
    """Fail when one of the named integer options is below 1."""
    for name in names:
        value = module.params.get(name)
        if value is not None and value < 1:
            module.fail_json(msg='%s %s is invalid; use a positive number' % (name, value))


def build_client(module, client_class=SmaClient):
    """Create the SMA client (an instance of ``client_class``) from the connection options."""
    params = module.params
    check_positive(module, 'timeout', 'concurrency')
    if params['retries'] is not None and params['retries'] < 0:
        module.fail_json(msg='retries %s is invalid; use 0 or a positive number' % params['retries'])
    verbosity = getattr(module, '_verbosity', 0)
    try:
        return client_class(
            url=params['url'], username=params['username'], password=params['password'],
            auth_method=params['auth_method'], validate_certs=params['validate_certs'], ca_path=params['ca_path'],
            timeout=params['timeout'], retries=params['retries'], retry_max_time=params['retry_max_time'],
            pool_size=params.get('concurrency') or 1,
            debug=module.debug if verbosity >= 3 else None)
    except SmaError as error:
        module.fail_json(msg=str(error))
        raise  # unreachable: fail_json exits


def build_module_selection(module, quarantines):
    """Validate the selection options and return a Selection over ``quarantines``."""
    params = module.params
    check_positive(module, 'page_size', 'max_scan_passes')
    window = resolve_window(params['received_after'], params['received_before'], params['timezone'], utc_now())
    return build_selection(
        params['quarantine_type'], quarantines, window,
        sender=params['sender'], recipient=params['recipient'], subject=params['subject'],
        sender_domain=params['sender_domain'], include_subdomains=params['include_subdomains'], mids=params['mids'])


def client_facts(client):
    """Return request counters for the result, with each retry when ``-vvv`` is on."""
    return {'retries': len(client.retry_events), 'requests': client.request_count}


def retry_log(module, client):
    """Return the retry events when the task runs with ``-vvv``, else an empty dict."""
    if getattr(module, '_verbosity', 0) >= 3:
        return {'retry_log': list(client.retry_events)}
    return {}


def summarize_domains(domains):
    """Return ``[{'sender_domain', 'count'}]`` sorted by count, then domain."""
    counts = {}
    for domain in domains:
        counts[domain or ''] = counts.get(domain or '', 0) + 1
    return [{'sender_domain': d, 'count': n} for d, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
