"""Parameter and body validation: the appliance's 404 messages in its error envelope."""

from __future__ import annotations

import pytest

from simclient import API, MESSAGES, WIDE

NOT_FOUND_EXPLANATION = "404 = Nothing matches the given URI."
SECONDS = "startDate and endDate attribute supports only 00 seconds and 000 microseconds."
PVO = {"quarantineType": "pvo", "quarantines": "TEST_QUARANTINE", **WIDE}
SPAM = {"quarantineType": "spam", **WIDE}


def drop(params: dict, *names: str) -> dict:
    """Return a copy of params without the named keys."""
    return {key: value for key, value in params.items() if key not in names}


SEARCH_CASES = [
    ("no quarantineType", drop(PVO, "quarantineType"), "Missing attribute - quarantineType."),
    ("unknown quarantineType", dict(PVO, quarantineType="virus"), "Invalid value for attribute - quarantineType."),
    ("unknown parameter", dict(PVO, viewBy="sender"), "Unsupported attribute."),
    ("pvo parameter for spam", dict(SPAM, envelopeSenderFilterBy="contains", envelopeSenderFilterValue="x"),
     "Unsupported attribute."),
    ("spam parameter for pvo", dict(PVO, filterBy="subject"), "Unsupported attribute."),
    ("lower-case f spelling", dict(SPAM, envelopeRecipientfilterOperator="is"), "Unsupported attribute."),
    ("no startDate", drop(PVO, "startDate"), "Missing attribute - startDate or endDate."),
    ("no endDate", drop(PVO, "endDate"), "Missing attribute - startDate or endDate."),
    ("empty startDate", dict(PVO, startDate=""), "Missing attribute - startDate or endDate."),
    ("seconds not zero", dict(PVO, startDate="2026-03-15T11:25:30.000Z"), SECONDS),
    ("milliseconds not zero", dict(PVO, endDate="2026-03-15T11:25:00.500Z"), SECONDS),
    ("no seconds part", dict(PVO, startDate="2026-03-15T11:25Z"), SECONDS),
    ("seconds without fraction", dict(PVO, startDate="2026-03-15T11:25:00Z"), SECONDS),
    ("start not a date", dict(PVO, startDate="yesterday"), "Invalid value for attribute - startDate."),
    ("month 13", dict(PVO, endDate="2026-13-01T00:00:00.000Z"), "Invalid value for attribute - endDate."),
    ("offset instead of Z", dict(PVO, startDate="2026-03-15T11:25:00.000+00:00"),
     "Invalid value for attribute - startDate."),
    ("start after end", dict(PVO, startDate="2026-03-16T00:00:00.000Z", endDate="2026-03-15T00:00:00.000Z"),
     "Invalid value for attribute - endDate."),
    ("pvo without quarantines", drop(PVO, "quarantines"), "Missing attribute - quarantines."),
    ("unknown quarantine", dict(PVO, quarantines="Policy,Nope"), "Invalid value for attribute - quarantines."),
    ("empty quarantine name", dict(PVO, quarantines="Policy,"), "Invalid value for attribute - quarantines."),
    ("quarantine name case", dict(PVO, quarantines="policy"), "Invalid value for attribute - quarantines."),
    ("negative offset", dict(PVO, offset="-1"), "Invalid value for attribute - offset."),
    ("offset not a number", dict(PVO, offset="ten"), "Invalid value for attribute - offset."),
    ("limit zero", dict(PVO, limit="0"), "Invalid value for attribute - limit."),
    ("limit not a number", dict(PVO, limit="1.5"), "Invalid value for attribute - limit."),
    ("spam operator for pvo", dict(PVO, subjectFilterBy="begins_with", subjectFilterValue="x"),
     "Invalid value for attribute - subjectFilterBy."),
    ("spam is for pvo sender", dict(PVO, envelopeSenderFilterBy="is", envelopeSenderFilterValue="x"),
     "Invalid value for attribute - envelopeSenderFilterBy."),
    ("pvo operator for spam", dict(SPAM, filterBy="subject", filterOperator="starts_with", filterValue="x"),
     "Invalid value for attribute - filterOperator."),
    ("pvo operator for spam recipient", dict(SPAM, envelopeRecipientFilterOperator="matches_exactly",
                                             envelopeRecipientFilterValue="x"),
     "Invalid value for attribute - envelopeRecipientFilterOperator."),
    ("unknown spam field", dict(SPAM, filterBy="sender", filterOperator="is", filterValue="x"),
     "Invalid value for attribute - filterBy."),
    ("spam filter without operator", dict(SPAM, filterBy="subject", filterValue="x"),
     "Missing attribute - filterOperator."),
    ("sender operator without value", dict(PVO, envelopeSenderFilterBy="contains"),
     "Missing attribute - envelopeSenderFilterValue."),
    ("sender value without operator", dict(PVO, envelopeSenderFilterValue="x"),
     "Missing attribute - envelopeSenderFilterBy."),
    ("pvo orderBy date", dict(PVO, orderBy="date"), "Invalid value for attribute - orderBy."),
    ("spam orderBy sender", dict(SPAM, orderBy="sender"), "Invalid value for attribute - orderBy."),
    ("bad orderDir", dict(PVO, orderDir="up"), "Invalid value for attribute - orderDir."),
    ("range without upper bound", dict(PVO, attachmentSizeFilterBy="range", attachmentSizeFromValue="1"),
     "Missing attribute - attachmentSizeToValue."),
    ("size bound not a number", dict(PVO, attachmentSizeFilterBy="more_than", attachmentSizeFromValue="big"),
     "Invalid value for attribute - attachmentSizeFromValue."),
    ("size bound without operator", dict(PVO, attachmentSizeFromValue="1"),
     "Missing attribute - attachmentSizeFilterBy."),
    ("unknown size operator", dict(PVO, attachmentSizeFilterBy="between"),
     "Invalid value for attribute - attachmentSizeFilterBy."),
    ("range upside down", dict(PVO, attachmentSizeFilterBy="range", attachmentSizeFromValue="9",
                               attachmentSizeToValue="1"), "Invalid value for attribute - attachmentSizeToValue."),
]


@pytest.mark.parametrize("params, message", [case[1:] for case in SEARCH_CASES], ids=[case[0] for case in SEARCH_CASES])
def test_search_rejects(client, params, message):
    reply = client.request("GET", MESSAGES, params)
    assert reply.status == 404
    assert reply.error == {"message": message, "code": "404", "explanation": NOT_FOUND_EXPLANATION}
    assert reply.reason == message.rstrip(".")
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.headers["Server"] == "API/2.0"


def test_search_max_limit_cap(serve):
    running = serve(max_limit=100)
    too_big = running.client.pvo(limit="101")
    assert too_big.status == 404
    assert too_big.error["message"] == "Invalid value for attribute - limit."
    assert running.client.pvo(limit="100").status == 200


def test_search_without_cap_accepts_large_limit(client):
    reply = client.pvo(limit="100000")
    assert reply.status == 200
    assert reply.json["meta"]["totalCount"] == 24


def test_unknown_path_is_not_found(client):
    for path in (API + "/quarantine/nothing", API + "/", "/sma/api/v3.0/quarantine/messages", "/"):
        reply = client.request("GET", path)
        assert reply.status == 404, path
        assert reply.error == {"message": "Not Found.", "code": "404", "explanation": NOT_FOUND_EXPLANATION}


@pytest.mark.parametrize("method, path", [("PUT", MESSAGES), ("GET", API + "/login"),
                                          ("POST", MESSAGES + "/details"), ("DELETE", API + "/config/quarantines")])
def test_wrong_method_is_405(client, method, path):
    reply = client.request(method, path, body={} if method != "GET" else None)
    assert reply.status == 405
    assert reply.error["code"] == "405"
    assert reply.error["message"] == "Method Not Allowed."
    assert reply.headers["Allow"]


DETAILS_CASES = [
    ("no mid", {"quarantineType": "pvo"}, "Missing attribute - mid."),
    ("mid not a number", {"quarantineType": "pvo", "mid": "abc"}, "Invalid value for attribute - mid."),
    ("unknown mid", {"quarantineType": "pvo", "mid": "99999"}, "Invalid value for attribute - mid."),
    ("spam mid as pvo", {"quarantineType": "pvo", "mid": "501"}, "Invalid value for attribute - mid."),
    ("no quarantineType", {"mid": "440"}, "Missing attribute - quarantineType."),
    ("extra parameter", {"quarantineType": "pvo", "mid": "440", "quarantineName": "Policy"}, "Unsupported attribute."),
]


@pytest.mark.parametrize("params, message", [case[1:] for case in DETAILS_CASES], ids=[case[0] for case in DETAILS_CASES])
def test_details_rejects(client, params, message):
    reply = client.request("GET", MESSAGES + "/details", params)
    assert reply.status == 404
    assert reply.error["message"] == message


ATTACHMENT_CASES = [
    ("spam type", {"quarantineType": "spam", "mid": "440", "attachmentId": "2"},
     "Invalid value for attribute - quarantineType."),
    ("message body part", {"quarantineType": "pvo", "mid": "440", "attachmentId": "1"},
     "Invalid value for attribute - attachmentId."),
    ("id past the end", {"quarantineType": "pvo", "mid": "440", "attachmentId": "3"},
     "Invalid value for attribute - attachmentId."),
    ("no attachmentId", {"quarantineType": "pvo", "mid": "440"}, "Missing attribute - attachmentId."),
    ("unknown mid", {"quarantineType": "pvo", "mid": "77", "attachmentId": "2"}, "Invalid value for attribute - mid."),
]


@pytest.mark.parametrize("params, message", [case[1:] for case in ATTACHMENT_CASES],
                         ids=[case[0] for case in ATTACHMENT_CASES])
def test_attachment_rejects(client, params, message):
    reply = client.request("GET", MESSAGES + "/attachment", params)
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.error["message"] == message


RELEASE = {"action": "release", "quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE", "mids": [440]}
ACTION_CASES = [
    ("no quarantineType", drop(RELEASE, "quarantineType"), "Missing attribute - quarantineType."),
    ("no action", drop(RELEASE, "action"), "Missing attribute - action."),
    ("unknown action", dict(RELEASE, action="explode"), "Invalid value for attribute - action."),
    ("move for spam", {"action": "move", "quarantineType": "spam", "mids": [501]},
     "Invalid value for attribute - action."),
    ("quarantineName for spam", {"action": "release", "quarantineType": "spam", "quarantineName": "x", "mids": [501]},
     "Unsupported attribute."),
    ("pvo without quarantineName", drop(RELEASE, "quarantineName"), "Missing attribute - quarantineName."),
    ("unknown quarantineName", dict(RELEASE, quarantineName="Nope"), "Invalid value for attribute - quarantineName."),
    ("no mids", drop(RELEASE, "mids"), "Missing attribute - mids."),
    ("mids a string", dict(RELEASE, mids="440"), "Invalid value for attribute - mids."),
    ("mids of strings", dict(RELEASE, mids=["440"]), "Invalid value for attribute - mids."),
    ("mids of booleans", dict(RELEASE, mids=[True]), "Invalid value for attribute - mids."),
    ("empty mids", dict(RELEASE, mids=[]), "Invalid value for attribute - mids."),
    ("release with a delay", dict(RELEASE, delay="P1D"), "Unsupported attribute."),
    ("move without destination", dict(RELEASE, action="move"), "Missing attribute - destinationQuarantineName."),
    ("move to unknown", dict(RELEASE, action="move", destinationQuarantineName="Nope"),
     "Invalid value for attribute - destinationQuarantineName."),
    ("move to itself", dict(RELEASE, action="move", destinationQuarantineName="TEST_QUARANTINE"),
     "Invalid value for attribute - destinationQuarantineName."),
    ("delay without value", dict(RELEASE, action="delay"), "Missing attribute - delay."),
    ("delay not a duration", dict(RELEASE, action="delay", delay="soon"), "Invalid value for attribute - delay."),
    ("delay in the past", dict(RELEASE, action="delay", delay="2001-01-01T00:00:00.000Z"),
     "Invalid value for attribute - delay."),
    ("delay of months", dict(RELEASE, action="delay", delay="P1M"), "Invalid value for attribute - delay."),
    ("copy without recipients", dict(RELEASE, action="sendCopy"), "Missing attribute - recipients."),
    ("copy recipients a string", dict(RELEASE, action="sendCopy", recipients="a@example.com"),
     "Invalid value for attribute - recipients."),
    ("copy to a non-address", dict(RELEASE, action="sendCopy", recipients=["not-an-address"]),
     "Invalid value for attribute - recipients."),
]


@pytest.mark.parametrize("body, message", [case[1:] for case in ACTION_CASES], ids=[case[0] for case in ACTION_CASES])
def test_action_rejects(lab, body, message):
    reply = lab.client.action(body)
    assert reply.status == 404
    assert reply.error["message"] == message
    assert lab.sim.store.is_held(440)


def test_action_rejects_non_json_body(client):
    for body in (b"mids=440", b"[440]", None):
        reply = client.request("POST", MESSAGES, body=body)
        assert reply.status == 400
        assert reply.error["message"] == "Invalid request body - expected a JSON object."


DELETE_CASES = [
    ("release verb", dict(drop(RELEASE, "action"), action="release"), "Invalid value for attribute - action."),
    ("pvo without quarantineName", {"quarantineType": "pvo", "mids": [440]}, "Missing attribute - quarantineName."),
    ("spam with quarantineName", {"quarantineType": "spam", "quarantineName": "x", "mids": [501]},
     "Unsupported attribute."),
]


@pytest.mark.parametrize("body, message", [case[1:] for case in DELETE_CASES], ids=[case[0] for case in DELETE_CASES])
def test_delete_rejects(client, body, message):
    reply = client.action(body, method="DELETE")
    assert reply.status == 404
    assert reply.error["message"] == message


CONFIG_CASES = [
    ("no device_type", {"quarantine_type": "pvo"}, "Missing attribute - device_type."),
    ("esa device_type", {"device_type": "esa", "quarantine_type": "pvo"}, "Invalid value for attribute - device_type."),
    ("no quarantine_type", {"device_type": "sma"}, "Missing attribute - quarantine_type."),
    ("spam quarantine_type", {"device_type": "sma", "quarantine_type": "spam"},
     "Invalid value for attribute - quarantine_type."),
    ("extra parameter", {"device_type": "sma", "quarantine_type": "pvo", "x": "1"}, "Unsupported attribute."),
]


@pytest.mark.parametrize("params, message", [case[1:] for case in CONFIG_CASES], ids=[case[0] for case in CONFIG_CASES])
def test_config_quarantines_rejects(client, params, message):
    reply = client.request("GET", API + "/config/quarantines", params)
    assert reply.status == 404
    assert reply.error["message"] == message
