"""Fault rules: each effect, rule counting and the /_sim/faults endpoint."""

from __future__ import annotations

import base64
import http.client
import json
import re
import time

import pytest

from simclient import API, MESSAGES

RELEASE = {"action": "release", "quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE"}


def rule(effect: dict, **match) -> dict:
    """Build a rule whose path is the messages path unless ``match`` sets one."""
    match.setdefault("path", MESSAGES)
    return {"match": match, "effect": effect}


def set_faults(running, *rules, append=False):
    """POST rules to /_sim/faults and assert they were accepted."""
    reply = running.client.admin("POST", "/faults", list(rules), params={"append": "1"} if append else None)
    assert reply.status == 200, reply.body
    return reply.json["faults"]


def held(running, quarantine="TEST_QUARANTINE"):
    """Return the MIDs in a quarantine, from the admin state."""
    return running.client.admin("GET", "/state", params={"quarantine": quarantine}).json["quarantines"][quarantine]


def test_status_with_retry_after(lab):
    set_faults(lab, rule({"status": 503, "retry_after": 2, "message": "Busy, try later."}, method="GET"))
    reply = lab.client.pvo()
    assert reply.status == 503
    assert reply.headers["Retry-After"] == "2"
    assert reply.error == {"message": "Busy, try later.", "code": "503", "explanation": "503 = Service unavailable."}
    assert lab.client.pvo().status == 200


def test_status_does_not_apply(lab):
    set_faults(lab, rule({"status": 502}, method="POST", action="release"))
    reply = lab.client.action(dict(RELEASE, mids=[440]))
    assert reply.status == 502
    assert 440 in held(lab)


def test_status_before_auth(lab):
    set_faults(lab, rule({"status": 429}))
    assert lab.client.pvo(_auth=None).status == 429


def test_nth_and_times(lab):
    set_faults(lab, rule({"status": 503}, method="GET", nth=2, times=2))
    assert [lab.client.pvo().status for _attempt in range(5)] == [200, 503, 503, 200, 200]


def test_times_zero_fires_always(lab):
    set_faults(lab, rule({"status": 500}, method="GET", nth=3, times=0))
    assert [lab.client.pvo().status for _attempt in range(5)] == [200, 200, 500, 500, 500]


def test_match_by_method_path_and_action(lab):
    set_faults(lab, rule({"status": 503}, method="POST", action="release"),
               rule({"status": 504}, path=API + "/quarantine/messages/*", method="GET", times=0))
    assert lab.client.pvo().status == 200
    delete = {"quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE", "mids": [441]}
    assert lab.client.action(delete, method="DELETE").status == 200
    details = lab.client.request("GET", MESSAGES + "/details", {"mid": "440", "quarantineType": "pvo"})
    assert details.status == 504
    assert lab.client.action(dict(RELEASE, mids=[440])).status == 503
    rules = lab.client.admin("GET", "/faults").json["faults"]
    assert [(entry["seen"], entry["fired"]) for entry in rules] == [(1, 1), (1, 1)]


def test_apply_then_status(lab):
    set_faults(lab, rule({"apply_then_status": 500}, method="POST"))
    reply = lab.client.action(dict(RELEASE, mids=[440]))
    assert reply.status == 500
    assert reply.error["code"] == "500"
    assert 440 not in held(lab)


def test_delay(serve):
    slept = []
    running = serve(sleep=slept.append)
    set_faults(running, rule({"delay": 1.5}, method="GET"))
    assert running.client.pvo().status == 200
    assert slept == [1.5]


def test_delay_makes_client_time_out(lab):
    set_faults(lab, rule({"delay": 1.0}, method="GET"))
    connection = http.client.HTTPConnection("127.0.0.1", lab.port, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        connection.request("GET", MESSAGES)
        connection.getresponse()
    assert time.monotonic() - started < 0.9
    connection.close()


def test_apply_then_delay_applies(lab):
    set_faults(lab, rule({"apply_then_delay": 1.0}, method="POST"))
    connection = http.client.HTTPConnection("127.0.0.1", lab.port, timeout=0.3)
    headers = {"Authorization": "Basic " + base64.b64encode(b"admin:ironport").decode()}
    body = json.dumps(dict(RELEASE, mids=[440])).encode()
    with pytest.raises(TimeoutError):
        connection.request("POST", MESSAGES, body=body, headers=headers)
        connection.getresponse()
    connection.close()
    assert 440 not in held(lab)


def test_reset_closes_without_response(lab):
    set_faults(lab, rule({"reset": True}, method="POST"))
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        lab.client.action(dict(RELEASE, mids=[440]))
    assert 440 in held(lab)
    assert lab.sim.requests.entries()[-1]["status"] == 0


def test_apply_then_reset_applies(lab):
    set_faults(lab, rule({"apply_then_reset": True}, method="POST"))
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        lab.client.action(dict(RELEASE, mids=[440]))
    assert 440 not in held(lab)


def test_drift_remove_while_paging(lab):
    first = lab.client.pvo(limit="10")
    set_faults(lab, rule({"drift": {"remove": [440, 439]}}, method="GET"))
    second = lab.client.pvo(limit="10", offset="10")
    assert first.json["meta"]["totalCount"] == 24
    assert second.json["meta"]["totalCount"] == 22
    assert not {440, 439} & set(held(lab))
    state = lab.client.admin("GET", "/state").json
    assert [action["action"] for action in state["actions"]] == ["expire", "expire"]
    assert re.search(r'Info: MID 440 deleted from quarantine "TEST_QUARANTINE" \(expired\) t=\d+$', state["mail_log"][0])


def test_drift_add_entries(lab):
    entry = {"mid": 9001, "quarantineType": "pvo", "quarantines": ["TEST_QUARANTINE"],
             "attributes": {"sender": "late@labcisco.com", "recipient": ["x@example.com"], "received": "-1m"}}
    set_faults(lab, rule({"drift": {"add": [entry]}}, method="GET"))
    reply = lab.client.pvo(limit="1")
    assert reply.json["meta"]["totalCount"] == 25
    assert lab.client.mids(reply) == [9001]


def test_drift_add_generated(lab):
    set_faults(lab, rule({"drift": {"add_generated": {"count": 5, "quarantine": "TEST_QUARANTINE",
                                                      "sender_domain": "labcisco.com"}}}, method="GET"))
    reply = lab.client.pvo(envelopeSenderFilterBy="ends_with", envelopeSenderFilterValue="@labcisco.com", limit="100")
    assert reply.json["meta"]["totalCount"] == 15
    assert sorted(lab.client.mids(reply))[-5:] == [506, 507, 508, 509, 510]


def test_vanish_shortens_count(lab):
    set_faults(lab, rule({"vanish": [439]}, method="POST", action="release"))
    reply = lab.client.action(dict(RELEASE, mids=[440, 439]))
    assert reply.json["data"]["totalCount"] == 1
    state = lab.client.admin("GET", "/state").json
    assert sorted(state["delivered"]) == [439, 440]
    assert [action["action"] for action in state["actions"]] == ["external_release", "release"]


def test_count_delta_on_search_and_action(lab):
    set_faults(lab, rule({"count_delta": 2}, method="*", times=0))
    reply = lab.client.pvo(limit="5")
    assert reply.json["meta"]["totalCount"] == 26
    assert len(reply.json["data"]) == 5
    assert lab.client.action(dict(RELEASE, mids=[440])).json["data"]["totalCount"] == 3


def test_requarantine_listed_mids(lab):
    set_faults(lab, rule({"requarantine": {"mids": [440], "new_mid_offset": 100000}}, method="POST"))
    reply = lab.client.action(dict(RELEASE, mids=[440, 439]))
    assert reply.json["data"]["totalCount"] == 2
    quarantine = held(lab)
    assert 100440 in quarantine
    assert 440 not in quarantine
    assert 100439 not in quarantine
    old = lab.client.admin("GET", "/messages/440").json["attributes"]
    new = lab.client.admin("GET", "/messages/100440").json["attributes"]
    for key in ("sender", "recipient", "subject", "received", "esaMid", "esaHostName"):
        assert new[key] == old[key], key


def test_requarantine_all(lab):
    set_faults(lab, {"match": {"method": "POST"}, "effect": {"requarantine_all": True, "new_mid_offset": 5000}})
    lab.client.action(dict(RELEASE, mids=[440, 439]))
    assert {5440, 5439} <= set(held(lab))
    again = lab.client.action(dict(RELEASE, mids=[5440]))
    assert again.json["data"]["totalCount"] == 1


def login_token(client) -> str:
    """Log in as admin and return the token."""
    body = {"data": {"userName": base64.b64encode(b"admin").decode(),
                     "passphrase": base64.b64encode(b"ironport").decode()}}
    return client.request("POST", API + "/login", body=body, auth=None).json["data"]["jwtToken"]


def test_expire_tokens(lab):
    token = login_token(lab.client)
    set_faults(lab, rule({"expire_tokens": True}, method="GET", nth=2))
    search = {"quarantineType": "spam", "startDate": "2000-01-01T00:00:00.000Z", "endDate": "2100-01-01T00:00:00.000Z"}
    statuses = [lab.client.request("GET", MESSAGES, search, auth=None, headers={"jwtToken": token}).status
                for _attempt in range(3)]
    assert statuses == [200, 401, 401]


def test_refresh_token(lab):
    token = login_token(lab.client)
    set_faults(lab, rule({"refresh_token": True}, method="GET"))
    search = {"quarantineType": "spam", "startDate": "2000-01-01T00:00:00.000Z", "endDate": "2100-01-01T00:00:00.000Z"}
    reply = lab.client.request("GET", MESSAGES, search, auth=None, headers={"jwtToken": token})
    fresh = reply.headers["jwtToken"]
    assert fresh and fresh != token
    assert lab.client.request("GET", MESSAGES, search, auth=None, headers={"jwtToken": fresh}).status == 200


def test_faults_endpoint_append_and_clear(lab):
    set_faults(lab, rule({"status": 503}))
    rules = set_faults(lab, rule({"count_delta": 1}), append=True)
    assert [next(iter(entry["effect"])) for entry in rules] == ["status", "count_delta"]
    assert lab.client.admin("DELETE", "/faults").json == {"faults": []}
    assert lab.client.pvo().status == 200


def test_faults_do_not_touch_admin(lab):
    set_faults(lab, rule({"status": 503}, path="*", times=0))
    assert lab.client.admin("GET", "/state").status == 200
    assert lab.client.pvo().status == 503


@pytest.mark.parametrize("rules, fragment", [
    ([{"match": {}, "effect": {"stauts": 503}}], "rule 0: an effect needs exactly one of"),
    ([{"effect": {"status": 503, "delay": 1}}], "use one rule per effect"),
    ([{"effect": {"status": 99}}], "must be an HTTP status code"),
    ([{"match": {"nth": 0}, "effect": {"reset": True}}], "match.nth must be an integer >= 1"),
    ([{"match": {"method": "PUT"}, "effect": {"reset": True}}], "match.method 'PUT'"),
    ([{"match": {"path": ""}, "effect": {"reset": True}}], "match.path must be"),
    ([{"effect": {"drift": {"add": [{"mid": 1}]}}}], "rule 0 drift.add: messages[0] (mid 1)"),
    ([{"effect": {"drift": {"add_generated": {"count": 1, "sender_domain": "not a domain"}}}}],
     "--generate-sender-domain"),
    ({"rules": []}, "expected a list of rules"),
])
def test_bad_fault_rules(lab, rules, fragment):
    reply = lab.client.admin("POST", "/faults", rules)
    assert reply.status == 400
    assert fragment in reply.error["message"]
    assert lab.client.admin("GET", "/faults").json == {"faults": []}
