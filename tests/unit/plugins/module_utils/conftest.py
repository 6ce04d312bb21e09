# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.mailops.sma.plugins.module_utils._http import SmaClient


@pytest.fixture
def make_client():
    """Build a client over a fake session that never sleeps and records its waits."""
    def factory(session, **kwargs):
        waits = []
        kwargs.setdefault('retries', 3)
        client = SmaClient('https://sma.test:6443', 'api', 's3cret-pw', session=session, sleep=waits.append,
                           rng=lambda: 0.5, **kwargs)
        client.waits = waits
        return client
    return factory
