# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64

import pytest
import requests

from ansible_collections.mailops.sma.plugins.module_utils._errors import (
    SmaApiError,
    SmaAuthError,
    SmaConnectionError,
    SmaInputError,
    SmaOutcomeUnknown,
)
from ansible_collections.mailops.sma.plugins.module_utils._http import normalize_base_url, parse_retry_after

from ansible_collections.mailops.sma.tests.unit.plugins.module_utils.fake_sma import FakeResponse, FakeSma, error


def test_base_url_strips_api_root():
    assert normalize_base_url('https://sma.example.com:6443/sma/api/v2.0/') == 'https://sma.example.com:6443'


@pytest.mark.parametrize('url, message', [
    ('sma.example.com', "url 'sma.example.com' is not a valid base URL"),
    ('ftp://sma.example.com', 'is not a valid base URL'),
    ('https://admin:pw@sma.example.com', 'must not contain credentials'),
    ('https://sma.example.com:99999', 'invalid port'),
    ('', 'url is missing'),
])
def test_base_url_invalid(url, message):
    with pytest.raises(SmaInputError, match=message):
        normalize_base_url(url)


def test_credentials_never_in_url_error():
    with pytest.raises(SmaInputError) as caught:
        normalize_base_url('https://admin:hunter2@sma.example.com')
    assert 'hunter2' not in str(caught.value)


def test_basic_auth_and_params_encoded(make_client):
    fake = FakeSma()
    client = make_client(fake)
    client.get('/quarantine/messages', {'quarantineType': 'pvo', 'quarantines': 'File Analysis', 'offset': 0,
                                        'limit': 1, 'startDate': 'x', 'endDate': 'y'})
    call = fake.calls[0]
    assert call['auth'] == ('api', 's3cret-pw')
    assert call['params']['quarantines'] == 'File Analysis'
    assert 'jwtToken' not in call['headers']


def test_get_retries_503_honouring_retry_after(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: FakeResponse(503, {'error': {'message': 'Busy.'}}, {'Retry-After': '7'}), times=2)
    client = make_client(fake)
    client.get('/quarantine/messages', {'quarantines': 'Policy', 'offset': 0, 'limit': 1})
    assert len(fake.calls) == 3
    assert client.waits == [7.0, 7.0]
    assert [event['reason'] for event in client.retry_events] == ['HTTP 503', 'HTTP 503']


def test_get_gives_up_after_retries(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: error(502, 'Bad gateway.'), times=99)
    client = make_client(fake, retries=2)
    with pytest.raises(SmaApiError, match='HTTP 502'):
        client.get('/quarantine/messages', {'quarantines': 'Policy', 'offset': 0, 'limit': 1})
    assert len(fake.calls) == 3


def test_get_backoff_grows(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: requests.exceptions.ReadTimeout('slow'), times=3)
    client = make_client(fake)
    client.get('/quarantine/messages', {'quarantines': 'Policy', 'offset': 0, 'limit': 1})
    assert client.waits == [0.75, 1.5, 3.0]


def test_4xx_never_retried(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: error(404, 'Invalid value for attribute - quarantines.'))
    client = make_client(fake)
    with pytest.raises(SmaApiError) as caught:
        client.get('/quarantine/messages', {'quarantines': 'Nope'})
    assert len(fake.calls) == 1
    assert 'Invalid value for attribute - quarantines.' in str(caught.value)
    assert caught.value.status == 404


def test_401_basic_is_auth_error_without_password(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: error(401, 'Unauthorized.'))
    client = make_client(fake)
    with pytest.raises(SmaAuthError) as caught:
        client.get('/quarantine/messages')
    assert 'Check username, password' in str(caught.value)
    assert 's3cret-pw' not in str(caught.value)
    assert len(fake.calls) == 1


def test_post_timeout_is_unknown_outcome_not_resent(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: requests.exceptions.ReadTimeout('slow'), method='POST')
    client = make_client(fake)
    with pytest.raises(SmaOutcomeUnknown, match='no response within'):
        client.request('POST', '/quarantine/messages', json_body={'action': 'release', 'mids': [1]})
    assert len(fake.posts()) == 1


def test_post_refused_connection_is_retried(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: requests.exceptions.ConnectionError('NewConnectionError: Connection refused'), method='POST')
    client = make_client(fake)
    client.request('POST', '/quarantine/messages', json_body={'action': 'release', 'quarantineName': 'Q', 'mids': []})
    assert len(fake.posts()) == 2


def test_post_500_is_unknown_outcome(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: error(500, 'Internal error.'), method='POST')
    client = make_client(fake)
    with pytest.raises(SmaOutcomeUnknown, match='HTTP 500: Internal error.'):
        client.request('POST', '/quarantine/messages', json_body={'action': 'release', 'mids': [1]})


def test_tls_error_names_ca_path(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: requests.exceptions.SSLError('certificate verify failed'))
    client = make_client(fake)
    with pytest.raises(SmaConnectionError, match='Set ca_path'):
        client.get('/quarantine/messages')


def test_refused_connection_reason_is_short(make_client):
    fake = FakeSma()
    refused = requests.exceptions.ConnectionError(
        "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /sma/api/v2.0/x?a=b "
        "(Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))")
    fake.fault(lambda *a: refused, times=9)
    client = make_client(fake, retries=0)
    with pytest.raises(SmaConnectionError) as caught:
        client.get('/quarantine/messages')
    assert 'connection refused' in str(caught.value)
    assert 'HTTPConnectionPool' not in str(caught.value)
    assert '?a=b' not in str(caught.value)


def test_unreachable_names_url(make_client):
    fake = FakeSma()
    fake.fault(lambda *a: requests.exceptions.ConnectionError('NewConnectionError: Connection refused'), times=9)
    client = make_client(fake, retries=1)
    with pytest.raises(SmaConnectionError, match=r'cannot reach SMA at https://sma.test:6443.*gave up after 2 attempts'):
        client.get('/quarantine/messages')


def jwt_login(fake, token):
    def effect(_fake, method, path, params, body):
        if path != '/login':
            return None
        assert base64.b64decode(body['data']['userName']) == b'api'
        assert base64.b64decode(body['data']['passphrase']) == b's3cret-pw'
        return FakeResponse(200, {'data': {'userName': 'api', 'jwtToken': token}})
    fake.fault(effect, path='/login')


def test_jwt_login_and_header(make_client):
    fake = FakeSma()
    jwt_login(fake, 'token-1')
    client = make_client(fake, auth_method='jwt')
    client.get('/quarantine/messages', {'quarantines': 'Policy', 'offset': 0, 'limit': 1})
    assert fake.calls[0]['path'] == '/login'
    assert fake.calls[1]['headers']['jwtToken'] == 'token-1'
    assert fake.calls[1]['auth'] is None


def test_jwt_relogin_once_on_401_and_replay(make_client):
    fake = FakeSma()
    jwt_login(fake, 'token-1')
    fake.fault(lambda *a: error(401, 'Unauthorized.'), path='/quarantine/messages')
    jwt_login(fake, 'token-2')
    client = make_client(fake, auth_method='jwt')
    client.get('/quarantine/messages', {'quarantines': 'Policy', 'offset': 0, 'limit': 1})
    assert [call['path'] for call in fake.calls] == ['/login', '/quarantine/messages', '/login', '/quarantine/messages']
    assert fake.calls[3]['headers']['jwtToken'] == 'token-2'
    assert client.login_count == 2


def test_jwt_second_401_fails(make_client):
    fake = FakeSma()
    jwt_login(fake, 'token-1')
    fake.fault(lambda *a: error(401, 'Unauthorized.'), path='/quarantine/messages', times=2)
    jwt_login(fake, 'token-2')
    client = make_client(fake, auth_method='jwt')
    with pytest.raises(SmaAuthError):
        client.get('/quarantine/messages')


def test_jwt_adopts_refreshed_token(make_client):
    fake = FakeSma()
    jwt_login(fake, 'token-1')
    fake.fault(lambda *a: FakeResponse(200, {'meta': {'totalCount': 0}, 'data': []}, {'jwtToken': 'token-9'}),
               path='/quarantine/messages')
    client = make_client(fake, auth_method='jwt')
    client.get('/quarantine/messages')
    client.get('/quarantine/messages', {'quarantines': 'Policy', 'offset': 0, 'limit': 1})
    assert fake.calls[2]['headers']['jwtToken'] == 'token-9'


@pytest.mark.parametrize('value, expected', [('5', 5.0), (None, None), ('soon', None)])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date():
    assert parse_retry_after('Thu, 01 Jan 1970 00:01:40 GMT', now=40) == 60.0
