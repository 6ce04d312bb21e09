"""HTTP Basic, JWT login, token expiry and sliding refresh."""

from __future__ import annotations

import base64
import json

from simclient import API, MESSAGES, WIDE, FakeClock, basic

UNAUTHORIZED = {"message": "Unauthorized.", "code": "401",
                "explanation": "401 = No permission -- see authorization schemes."}


def b64(text: str) -> str:
    """Base64 of a UTF-8 string."""
    return base64.b64encode(text.encode()).decode()


def login(client, user="admin", password="ironport"):
    """POST /login and return the reply."""
    return client.request("POST", API + "/login", body={"data": {"userName": b64(user), "passphrase": b64(password)}},
                          auth=None)


def jwt_payload(token: str) -> dict:
    """Decode the payload of a JWT without checking it."""
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_basic_wrong_password_is_401(client):
    reply = client.pvo(_auth=("admin", "wrong"))
    assert reply.status == 401
    assert reply.error == UNAUTHORIZED


def test_basic_unknown_user_is_401(client):
    assert client.pvo(_auth=("nobody", "ironport")).status == 401


def test_no_credentials_is_401(client):
    reply = client.pvo(_auth=None)
    assert reply.status == 401
    assert reply.error == UNAUTHORIZED
    assert reply.reason == "Unauthorized"


def test_basic_not_base64_is_401(client):
    reply = client.request("GET", API + "/config/quarantines", {"device_type": "sma", "quarantine_type": "pvo"},
                           auth=None, headers={"Authorization": "Basic %%%"})
    assert reply.status == 401


def test_password_with_colon(serve):
    running = serve(users={"ops": "pa:ss:word"})
    assert running.client.pvo(_auth=("ops", "pa:ss:word")).status == 200
    assert running.client.pvo(_auth=("ops", "pa")).status == 401
    assert running.client.pvo(_auth=("admin", "ironport")).status == 401


def test_login_response_shape(lab):
    reply = login(lab.client)
    assert reply.status == 200
    data = reply.json["data"]
    assert data["userName"] == "admin"
    assert data["is2FactorRedirectRequired"] == "false"
    assert data["role"] == "Administrator"
    assert data["email"] == []
    header = json.loads(base64.urlsafe_b64decode(data["jwtToken"].split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    payload = jwt_payload(data["jwtToken"])
    assert payload["userName"] == "admin"
    assert abs(payload["exp"] - (lab.sim.now() + 1800)) <= 2


def test_jwt_header_authenticates(lab):
    token = login(lab.client).json["data"]["jwtToken"]
    reply = lab.client.request("GET", MESSAGES, dict(WIDE, quarantineType="spam"), auth=None,
                               headers={"jwtToken": token})
    assert reply.status == 200
    assert reply.json["meta"]["totalCount"] == 5
    assert "jwtToken" not in reply.headers
    assert lab.sim.requests.entries()[-1]["auth"] == "jwt"


def test_login_wrong_password_is_401(client):
    reply = login(client, password="wrong")
    assert reply.status == 401
    assert reply.error == UNAUTHORIZED


def test_login_plain_text_fields_are_401(client):
    reply = client.request("POST", API + "/login", body={"data": {"userName": "admin", "passphrase": "ironport"}},
                           auth=None)
    assert reply.status == 401


def test_login_passphrase_never_logged(lab):
    login(lab.client)
    entry = lab.sim.requests.entries()[-1]
    assert entry["path"] == API + "/login"
    assert entry["body"]["data"]["passphrase"] == "********"
    assert b64("ironport") not in json.dumps(lab.sim.requests.entries())


def test_bearer_is_rejected(lab):
    token = login(lab.client).json["data"]["jwtToken"]
    reply = lab.client.request("GET", API + "/config/quarantines", {"device_type": "sma", "quarantine_type": "pvo"},
                               auth=None, headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 401
    assert reply.error == UNAUTHORIZED


def config(client, token: str):
    """GET /config/quarantines with a jwtToken header."""
    return client.request("GET", API + "/config/quarantines", {"device_type": "sma", "quarantine_type": "pvo"},
                          auth=None, headers={"jwtToken": token})


def test_bad_tokens_are_401(lab):
    token = login(lab.client).json["data"]["jwtToken"]
    header, payload, signature = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps(dict(jwt_payload(token), userName="root")).encode()).decode()
    for bad in ("garbage", f"{header}.{payload}", f"{header}.{forged.rstrip('=')}.{signature}",
                f"{header}.{payload}.{signature[:-2]}AA"):
        reply = config(lab.client, bad)
        assert reply.status == 401, bad
        assert reply.error == UNAUTHORIZED


def test_expired_token_is_401(serve):
    clock = FakeClock()
    running = serve(clock=clock, token_ttl=60)
    token = login(running.client).json["data"]["jwtToken"]
    assert config(running.client, token).status == 200
    clock.advance(61)
    assert config(running.client, token).status == 401


def test_admin_expire_tokens(lab):
    token = login(lab.client).json["data"]["jwtToken"]
    assert config(lab.client, token).status == 200
    assert lab.client.admin("POST", "/tokens/expire").status == 200
    assert config(lab.client, token).status == 401
    assert config(lab.client, login(lab.client).json["data"]["jwtToken"]).status == 200


def test_sliding_refresh_header(serve):
    clock = FakeClock()
    running = serve(clock=clock, token_ttl=1800)
    token = login(running.client).json["data"]["jwtToken"]
    clock.advance(1800 - 451)  # 451 s left: more than a quarter of the lifetime
    assert "jwtToken" not in config(running.client, token).headers
    clock.advance(2)  # 449 s left
    reply = config(running.client, token)
    assert reply.status == 200
    fresh = reply.headers["jwtToken"]
    assert jwt_payload(fresh)["exp"] > jwt_payload(token)["exp"]
    clock.advance(449)
    assert config(running.client, token).status == 401
    assert config(running.client, fresh).status == 200


def test_no_refresh_header_for_basic(serve):
    clock = FakeClock()
    running = serve(clock=clock, token_ttl=60)
    clock.advance(59)
    reply = running.client.request("GET", API + "/config/quarantines", {"device_type": "sma", "quarantine_type": "pvo"},
                                   headers={"Authorization": basic("admin", "ironport")}, auth=None)
    assert reply.status == 200
    assert "jwtToken" not in reply.headers
