# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import contextlib
import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.mailops.sma.plugins.module_utils import _http

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

CONNECTION = {'url': 'https://sma.test:6443', 'username': 'api', 'password': 'not-a-real-secret'}


@pytest.fixture
def run_module(monkeypatch, capsys):
    """Run a module's main() against a fake session; return ``(failed, result)``."""
    def runner(module, fake, args, check_mode=False, diff=False):
        for name in ('SMA_URL', 'SMA_USERNAME', 'SMA_PASSWORD', 'SMA_AUTH_METHOD', 'SMA_CA_PATH', 'SMA_VALIDATE_CERTS'):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setattr(_http.requests, 'Session', lambda: fake)
        monkeypatch.setattr(_http.time, 'sleep', lambda _seconds: None)
        full = dict(CONNECTION, **args)
        if check_mode:
            full['_ansible_check_mode'] = True
        if diff:
            full['_ansible_diff'] = True
        with patch_module_args(full):
            with pytest.raises(SystemExit):
                module.main()
        result = json.loads(capsys.readouterr().out)
        return bool(result.get('failed')), result
    return runner
