"""The /_sim admin interface (reset, request log, stats, state, message changes) and keep-alive."""

from __future__ import annotations

import http.client

from simclient import MESSAGES

RELEASE = {"action": "release", "quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE"}
ARRIVING = {"mid": 9100, "quarantineType": "pvo", "quarantines": ["TEST_QUARANTINE"],
            "attributes": {"sender": "new@labcisco.com", "recipient": ["u@example.com"], "received": "-5m"}}


def test_reset_restores_start_state(lab):
    client = lab.client
    start = client.admin("GET", "/state").json
    client.action(dict(RELEASE, mids=[440, 439]))
    client.action({"action": "move", "quarantineType": "pvo", "quarantineName": "Policy",
                   "destinationQuarantineName": "Virus", "mids": [301]})
    client.action(dict(RELEASE, action="delay", delay="P1D", mids=[438]))
    client.admin("POST", "/messages", {"messages": [ARRIVING]})
    client.admin("POST", "/faults", [{"effect": {"count_delta": 1}}])
    exit_before = client.admin("GET", "/messages/438").json["attributes"]["scheduledExit"]
    reply = client.admin("POST", "/reset")
    assert reply.status == 200
    assert reply.json["messages"] == 40
    after = client.admin("GET", "/state").json
    assert after["quarantines"] == start["quarantines"]
    assert after["spam"] == start["spam"]
    assert after["delivered"] == []
    assert after["actions"] == []
    assert after["mail_log"] == []
    assert after["version"] > start["version"]
    assert client.admin("GET", "/faults").json == {"faults": []}
    assert client.admin("GET", "/requests").json == {"requests": []}
    assert client.admin("GET", "/messages/9100").status == 404
    assert client.admin("GET", "/messages/438").json["attributes"]["scheduledExit"] != exit_before
    assert client.pvo().json["meta"]["totalCount"] == 24


def test_reset_keeps_generated_and_mail_log_file(serve, tmp_path):
    path = tmp_path / "mail.log"
    running = serve(generate=10, mail_log=str(path))
    running.client.action({"action": "release", "quarantineType": "pvo", "quarantineName": "GENERATED",
                           "mids": [506]})
    running.client.admin("POST", "/reset")
    assert running.client.pvo(quarantines="GENERATED").json["meta"]["totalCount"] == 10
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1


def test_reset_expires_tokens(lab):
    token = lab.sim.auth.issue("admin")
    lab.client.admin("POST", "/reset")
    reply = lab.client.request("GET", MESSAGES, auth=None, headers={"jwtToken": token})
    assert reply.status == 401


def test_request_log_entries(lab):
    lab.client.pvo(limit="3")
    lab.client.action(dict(RELEASE, mids=[440]))
    lab.client.pvo(_auth=None)
    entries = lab.client.admin("GET", "/requests").json["requests"]
    assert [entry["seq"] for entry in entries] == [1, 2, 3]
    first, second, third = entries
    assert first["method"] == "GET"
    assert first["path"] == MESSAGES
    assert first["query"]["limit"] == "3"
    assert first["body"] is None
    assert first["status"] == 200
    assert first["auth"] == "basic"
    assert first["bytes_out"] > first["bytes_in"] > 0
    assert first["duration_ms"] >= 0
    assert second["body"] == dict(RELEASE, mids=[440])
    assert third["status"] == 401
    assert third["auth"] == "none"
    assert set(first) == {"seq", "time", "method", "path", "query", "body", "status", "bytes_in", "bytes_out",
                          "duration_ms", "auth"}


def test_request_log_since_and_clear(lab):
    for _attempt in range(3):
        lab.client.pvo()
    newer = lab.client.admin("GET", "/requests", params={"since": "2"}).json["requests"]
    assert [entry["seq"] for entry in newer] == [3]
    assert lab.client.admin("DELETE", "/requests").status == 200
    assert lab.client.admin("GET", "/requests").json["requests"] == []
    lab.client.pvo()
    assert [entry["seq"] for entry in lab.client.admin("GET", "/requests").json["requests"]] == [4]


def test_admin_calls_not_logged(lab):
    lab.client.admin("GET", "/state")
    lab.client.admin("GET", "/stats")
    assert lab.client.admin("GET", "/requests").json["requests"] == []


def test_stats(lab):
    lab.client.pvo()
    lab.client.pvo()
    lab.client.action(dict(RELEASE, mids=[440]))
    lab.client.pvo(_auth=None)
    stats = lab.client.admin("GET", "/stats").json
    assert stats["requests"] == 4
    assert stats["by_method"] == {"GET": 3, "POST": 1}
    assert stats["by_status"] == {"200": 3, "401": 1}
    entries = lab.client.admin("GET", "/requests").json["requests"]
    assert stats["bytes_out"] == sum(entry["bytes_out"] for entry in entries)
    assert stats["bytes_in"] == sum(entry["bytes_in"] for entry in entries)


def test_message_view(lab):
    reply = lab.client.admin("GET", "/messages/303")
    assert reply.status == 200
    assert reply.json["quarantines"] == ["Policy", "Virus"]
    assert reply.json["state"] == "quarantined"
    assert reply.json["quarantineType"] == "pvo"
    lab.client.action(dict(RELEASE, mids=[440]))
    assert lab.client.admin("GET", "/messages/440").json["state"] == "delivered"
    assert lab.client.admin("GET", "/messages/12345").status == 404
    assert lab.client.admin("GET", "/messages/abc").status == 400


def test_add_messages(lab):
    reply = lab.client.admin("POST", "/messages", {"messages": [ARRIVING]})
    assert reply.json["added"] == [9100]
    assert lab.client.mids(lab.client.pvo(limit="1")) == [9100]
    duplicate = lab.client.admin("POST", "/messages", {"messages": [ARRIVING]})
    assert duplicate.status == 400
    assert "mid 9100" in duplicate.error["message"]


def test_add_messages_bad_body(lab):
    reply = lab.client.admin("POST", "/messages", {"mids": [1]})
    assert reply.status == 400
    assert '"messages" list' in reply.error["message"]
    reply = lab.client.request("POST", "/_sim/messages", body=b"{not json", auth=None)
    assert reply.status == 400
    assert "not valid JSON" in reply.error["message"]


def test_remove_messages(lab):
    version = lab.client.admin("GET", "/state").json["version"]
    reply = lab.client.admin("DELETE", "/messages", {"mids": [440, 303, 99]})
    assert reply.json["removed"] == [440, 303]
    assert reply.json["version"] > version
    state = lab.client.admin("GET", "/state").json
    assert 303 not in state["quarantines"]["Policy"] + state["quarantines"]["Virus"]
    assert 440 in state["deleted"]
    assert lab.client.action(dict(RELEASE, mids=[440])).json["data"]["totalCount"] == 0


def test_state_unknown_quarantine(lab):
    reply = lab.client.admin("GET", "/state", params={"quarantine": "Nope"})
    assert reply.status == 400
    assert "Nope" in reply.error["message"]


def test_admin_unknown_path_and_method(lab):
    assert lab.client.admin("GET", "/nothing").status == 404
    reply = lab.client.admin("GET", "/reset")
    assert reply.status == 405
    assert reply.headers["Allow"] == "POST"


def test_health(lab):
    assert lab.client.admin("GET", "/health").json["status"] == "ok"


def test_keep_alive_connection(lab):
    connection = http.client.HTTPConnection("127.0.0.1", lab.port, timeout=5)
    try:
        first = lab.client.request("GET", MESSAGES, {"quarantineType": "spam"}, connection=connection)
        assert first.status == 404
        sock = connection.sock
        assert sock is not None
        for _attempt in range(2):
            reply = lab.client.request("GET", MESSAGES, {"quarantineType": "spam"}, connection=connection)
            assert reply.status == 404
            assert reply.headers.get("Connection") != "close"
        lab.client.request("GET", "/_sim/health", auth=None, connection=connection)
        assert connection.sock is sock
    finally:
        connection.close()
    assert len(lab.sim.requests.entries()) == 3
