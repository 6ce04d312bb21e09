"""Actions: release, delete, move, delay and sendCopy, their counting, state changes and mail-log lines."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from simclient import FakeClock

# Fri Dec  4 20:21:50 2026 UTC: a one-digit day shows the mail log's space padding.
START = datetime(2026, 12, 4, 20, 21, 50, tzinfo=timezone.utc).timestamp()
PVO_RELEASE = {"action": "release", "quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE"}


@pytest.fixture
def fixed(serve):
    """The lab dataset started at 2026-12-04 20:21:50 UTC."""
    return serve(clock=FakeClock(START))


def state(running, quarantine=None):
    """GET /_sim/state."""
    params = {"quarantine": quarantine} if quarantine else None
    return running.client.admin("GET", "/state", params=params).json


def test_release_moves_message_out(fixed):
    reply = fixed.client.action(dict(PVO_RELEASE, mids=[440]))
    assert reply.status == 200
    assert reply.json == {"data": {"action": "release", "totalCount": 1}}
    snapshot = state(fixed)
    assert 440 not in snapshot["quarantines"]["TEST_QUARANTINE"]
    assert snapshot["delivered"] == [440]
    assert snapshot["actions"] == [{"seq": 1, "time": "2026-12-04T20:21:50Z", "action": "release", "mid": 440,
                                    "quarantine": "TEST_QUARANTINE"}]


def test_release_mail_log_line(fixed):
    fixed.client.action(dict(PVO_RELEASE, mids=[440]))
    assert state(fixed)["mail_log"] == [
        'Fri Dec  4 20:21:50 2026 Info: MID 440 released from quarantine "TEST_QUARANTINE" (manual) t=3600']


def test_release_mail_log_in_display_zone(serve):
    running = serve(clock=FakeClock(START), timezone="+01:00")
    running.client.action(dict(PVO_RELEASE, mids=[440]))
    assert state(running)["mail_log"][0].startswith("Fri Dec  4 21:21:50 2026 Info: MID 440 released")


def test_release_counts_only_present_mids(fixed):
    reply = fixed.client.action(dict(PVO_RELEASE, mids=[440, 439, 99999, 301, 440]))
    assert reply.json["data"]["totalCount"] == 2
    assert sorted(state(fixed)["delivered"]) == [439, 440]
    assert 301 in state(fixed)["quarantines"]["Policy"]


def test_release_twice_counts_zero(fixed):
    fixed.client.action(dict(PVO_RELEASE, mids=[440]))
    again = fixed.client.action(dict(PVO_RELEASE, mids=[440]))
    assert again.status == 200
    assert again.json["data"]["totalCount"] == 0
    assert len(state(fixed)["mail_log"]) == 1


def test_release_from_one_of_two_quarantines(fixed):
    client = fixed.client
    first = client.action({"action": "release", "quarantineType": "pvo", "quarantineName": "Policy", "mids": [303]})
    assert first.json["data"]["totalCount"] == 1
    snapshot = state(fixed)
    assert 303 not in snapshot["quarantines"]["Policy"]
    assert 303 in snapshot["quarantines"]["Virus"]
    assert snapshot["delivered"] == []
    item = next(item for item in client.pvo(quarantines="Virus").json["data"] if item["mid"] == 303)
    assert item["attributes"]["inQuarantines"] == "Virus"
    assert 303 not in client.mids(client.pvo(quarantines="Policy"))
    client.action({"action": "release", "quarantineType": "pvo", "quarantineName": "Virus", "mids": [303]})
    snapshot = state(fixed)
    assert snapshot["delivered"] == [303]
    assert [line.split("Info: ")[1] for line in snapshot["mail_log"]] == [
        'MID 303 released from quarantine "Policy" (manual) t=32400',
        'MID 303 released from quarantine "Virus" (manual) t=32400']


def test_release_wrong_quarantine_counts_zero(fixed):
    reply = fixed.client.action({"action": "release", "quarantineType": "pvo", "quarantineName": "Virus",
                                 "mids": [440]})
    assert reply.json["data"]["totalCount"] == 0
    assert 440 in state(fixed)["quarantines"]["TEST_QUARANTINE"]


def test_delete_pvo(fixed):
    body = {"quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE", "mids": [440, 12345]}
    reply = fixed.client.action(body, method="DELETE")
    assert reply.json == {"data": {"action": "delete", "totalCount": 1}}
    snapshot = state(fixed)
    assert snapshot["deleted"] == [440]
    assert snapshot["delivered"] == []
    assert snapshot["mail_log"] == [
        'Fri Dec  4 20:21:50 2026 Info: MID 440 deleted from quarantine "TEST_QUARANTINE" (manual) t=3600']


def test_delete_accepts_action_field(fixed):
    body = {"action": "delete", "quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE", "mids": [440]}
    assert fixed.client.action(body, method="DELETE").json["data"]["totalCount"] == 1


def test_move(fixed):
    body = {"action": "move", "quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE",
            "destinationQuarantineName": "Policy", "mids": [440, 441, 5]}
    reply = fixed.client.action(body)
    assert reply.json == {"data": {"action": "move", "totalCount": 2, "destinationQuarantineName": "Policy"}}
    snapshot = state(fixed)
    assert {440, 441} <= set(snapshot["quarantines"]["Policy"])
    assert not {440, 441} & set(snapshot["quarantines"]["TEST_QUARANTINE"])
    item = next(item for item in fixed.client.pvo(quarantines="Policy").json["data"] if item["mid"] == 440)
    assert item["attributes"]["inQuarantines"] == "Policy"
    assert snapshot["mail_log"][0].endswith(
        'Info: MID 440 moved from quarantine "TEST_QUARANTINE" to "Policy" (manual) t=3600')


def test_move_into_quarantine_already_holding(fixed):
    body = {"action": "move", "quarantineType": "pvo", "quarantineName": "Policy",
            "destinationQuarantineName": "Virus", "mids": [303]}
    assert fixed.client.action(body).json["data"]["totalCount"] == 1
    snapshot = state(fixed)
    assert 303 not in snapshot["quarantines"]["Policy"]
    assert snapshot["quarantines"]["Virus"].count(303) == 1


@pytest.mark.parametrize("delay, exit_text", [
    ("P2D", "05 Jan 2027 19:21 (GMT)"),
    ("PT12H", "04 Jan 2027 07:21 (GMT)"),
    ("P1W", "10 Jan 2027 19:21 (GMT)"),
    ("2027-02-01T08:00:00.000Z", "01 Feb 2027 08:00 (GMT)"),
])
def test_delay_moves_scheduled_exit(fixed, delay, exit_text):
    before = fixed.client.pvo(limit="1").json["data"][0]["attributes"]["scheduledExit"]
    assert before == "03 Jan 2027 19:21 (GMT)"
    body = dict(PVO_RELEASE, action="delay", delay=delay, mids=[440])
    reply = fixed.client.action(body)
    assert reply.json == {"data": {"action": "delay", "totalCount": 1, "delayedTime": delay}}
    assert fixed.client.pvo(limit="1").json["data"][0]["attributes"]["scheduledExit"] == exit_text
    snapshot = state(fixed)
    assert 440 in snapshot["quarantines"]["TEST_QUARANTINE"]
    assert "exit delayed in quarantine \"TEST_QUARANTINE\" until" in snapshot["mail_log"][0]


def test_send_copy_keeps_message(fixed):
    body = dict(PVO_RELEASE, action="sendCopy", recipients=["audit@example.com", "soc@example.com"], mids=[440, 7])
    reply = fixed.client.action(body)
    assert reply.json == {"data": {"action": "sendCopy", "totalCount": 1}}
    snapshot = state(fixed)
    assert 440 in snapshot["quarantines"]["TEST_QUARANTINE"]
    assert [line.split("Info: ")[1] for line in snapshot["mail_log"]] == [
        'MID 440 copy sent to audit@example.com from quarantine "TEST_QUARANTINE" (manual)',
        'MID 440 copy sent to soc@example.com from quarantine "TEST_QUARANTINE" (manual)']
    assert snapshot["actions"][0]["recipients"] == ["audit@example.com", "soc@example.com"]


def test_spam_release(fixed):
    reply = fixed.client.action({"action": "release", "quarantineType": "spam", "mids": [501, 440]})
    assert reply.json == {"data": {"action": "release", "totalCount": 1}}
    snapshot = state(fixed)
    assert 501 not in snapshot["spam"]
    assert snapshot["delivered"] == [501]
    assert snapshot["mail_log"][0].endswith('MID 501 released from quarantine "Spam Quarantine" (manual) t=3600')
    assert 501 not in fixed.client.mids(fixed.client.search(quarantineType="spam"))


def test_spam_delete(fixed):
    reply = fixed.client.action({"quarantineType": "spam", "mids": [502, 503]}, method="DELETE")
    assert reply.json == {"data": {"action": "delete", "totalCount": 2}}
    assert state(fixed)["deleted"] == [502, 503]
    assert fixed.client.search(quarantineType="spam").json["meta"]["totalCount"] == 3


def test_details_gone_after_release(fixed):
    fixed.client.action(dict(PVO_RELEASE, mids=[440]))
    reply = fixed.client.request("GET", "/sma/api/v2.0/quarantine/messages/details",
                                 {"mid": "440", "quarantineType": "pvo"})
    assert reply.status == 404
    assert reply.error["message"] == "Invalid value for attribute - mid."


def test_mail_log_file(serve, tmp_path):
    path = tmp_path / "mail.log"
    running = serve(mail_log=str(path))
    running.client.action(dict(PVO_RELEASE, mids=[440, 439]))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    pattern = r'^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} Info: MID (440|439) released from quarantine ' \
              r'"TEST_QUARANTINE" \(manual\) t=\d+$'
    assert all(re.match(pattern, line) for line in lines), lines
    assert lines == state(running)["mail_log"]


def test_state_narrowed_to_one_quarantine(fixed):
    fixed.client.action(dict(PVO_RELEASE, mids=[440]))
    fixed.client.action({"action": "release", "quarantineType": "pvo", "quarantineName": "Policy", "mids": [301]})
    snapshot = state(fixed, "Policy")
    assert list(snapshot["quarantines"]) == ["Policy"]
    assert [action["mid"] for action in snapshot["actions"]] == [301]
