"""Searching: pagination, totalCount, filters, operators, ordering, date windows and rendering."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simclient import MESSAGES, FakeClock

EXACT_LABCISCO = [440, 439, 438, 437, 436, 435, 434, 433, 425, 414]
# 2026-03-15T12:00:00Z; lab messages arrive whole hours (or minutes) before it.
START = datetime(2026, 3, 15, 12, 0, tzinfo=timezone.utc).timestamp()


def test_pages_cover_quarantine_once(client):
    seen = []
    for offset in (0, 10, 20):
        reply = client.pvo(offset=str(offset), limit="10")
        assert reply.json["meta"]["totalCount"] == 24
        seen.extend(client.mids(reply))
    assert len(seen) == 24
    assert len(set(seen)) == 24


def test_page_sizes_and_offset_past_end(client):
    sizes = [len(client.pvo(offset=str(offset), limit="10").json["data"]) for offset in (0, 10, 20, 30)]
    assert sizes == [10, 10, 4, 0]
    assert client.pvo(offset="30", limit="10").json["meta"]["totalCount"] == 24


def test_default_limit_is_25(serve):
    running = serve(dataset="empty", generate=30)
    reply = running.client.pvo(quarantines="GENERATED")
    assert reply.json["meta"]["totalCount"] == 30
    assert len(reply.json["data"]) == 25


def test_empty_result_shape(client):
    reply = client.pvo(startDate="2001-01-01T00:00:00.000Z", endDate="2001-01-02T00:00:00.000Z")
    assert reply.json == {"meta": {"totalCount": 0}, "data": []}


def test_default_order_newest_first_ties_by_mid(client):
    mids = client.mids(client.pvo(limit="100"))
    assert mids[:10] == [440, 441, 439, 432, 438, 431, 437, 430, 436, 435]
    assert mids.index(436) + 1 == mids.index(435)  # same arrival minute: higher MID first


@pytest.mark.parametrize("operator, value, expected", [
    ("ends_with", "@labcisco.com", EXACT_LABCISCO),
    ("ends_with", "labcisco.com", EXACT_LABCISCO + [431, 429]),
    ("contains", "labcisco.com", EXACT_LABCISCO + [441, 431, 429, 426, 423]),
    ("matches_exactly", "ALERTS@labcisco.com", [440, 425]),
    ("starts_with", "alerts@", [440, 441, 432, 426, 425, 420]),
])
def test_pvo_sender_positive_operators(client, operator, value, expected):
    reply = client.pvo(envelopeSenderFilterBy=operator, envelopeSenderFilterValue=value, limit="100")
    assert sorted(client.mids(reply)) == sorted(expected)
    assert reply.json["meta"]["totalCount"] == len(expected)


@pytest.mark.parametrize("operator, value, positive", [
    ("does_not_end_with", "@labcisco.com", "ends_with"),
    ("does_not_contain", "labcisco.com", "contains"),
    ("does_not_match", "alerts@labcisco.com", "matches_exactly"),
    ("does_not_start_with", "ALERTS@", "starts_with"),
])
def test_pvo_sender_negated_operators(client, operator, value, positive):
    everything = set(client.mids(client.pvo(limit="100")))
    matched = set(client.mids(client.pvo(envelopeSenderFilterBy=positive, envelopeSenderFilterValue=value,
                                         limit="100")))
    negated = set(client.mids(client.pvo(envelopeSenderFilterBy=operator, envelopeSenderFilterValue=value,
                                         limit="100")))
    assert matched
    assert negated == everything - matched


def test_pvo_recipient_filter(client):
    reply = client.pvo(envelopeRecipientFilterBy="matches_exactly", envelopeRecipientFilterValue="USER40@example.com")
    assert client.mids(reply) == [440]
    reply = client.pvo(envelopeRecipientFilterBy="starts_with", envelopeRecipientFilterValue="user4")
    assert sorted(client.mids(reply)) == [440, 441]


def test_pvo_subject_filter(client):
    reply = client.pvo(subjectFilterBy="contains", subjectFilterValue="LAB ALERT")
    assert sorted(client.mids(reply)) == [420, 426, 432, 440]
    reply = client.pvo(subjectFilterBy="ends_with", subjectFilterValue="report")
    assert sorted(client.mids(reply)) == [431, 439]


def test_pvo_filters_combine(client):
    reply = client.pvo(envelopeSenderFilterBy="ends_with", envelopeSenderFilterValue="@labcisco.com",
                       subjectFilterBy="contains", subjectFilterValue="monitoring")
    assert client.mids(reply) == [436, 435]


def test_pvo_originating_esa_ip(client):
    reply = client.pvo(originatingEsaIp="192.0.2.12", limit="100")
    assert sorted(client.mids(reply)) == [420, 422, 425, 426, 429, 432, 434, 437, 439]


def test_pvo_attachment_name(client):
    reply = client.pvo(attachmentName="INVOICE")
    assert sorted(client.mids(reply)) == [430, 437]


@pytest.mark.parametrize("params, expected", [
    ({"attachmentSizeFilterBy": "more_than", "attachmentSizeFromValue": "48"}, [430]),
    ({"attachmentSizeFilterBy": "less_than", "attachmentSizeToValue": "1"}, [440]),
    ({"attachmentSizeFilterBy": "range", "attachmentSizeFromValue": "47", "attachmentSizeToValue": "50"}, [430, 437]),
    ({"attachmentSizeFilterBy": "range", "attachmentSizeFromValue": "47.5", "attachmentSizeToValue": "49"}, []),
])
def test_pvo_attachment_size_in_kb(client, params, expected):
    assert sorted(client.mids(client.pvo(**params))) == expected


def test_pvo_several_quarantines_deduplicate(client):
    reply = client.pvo(quarantines="Policy,Virus")
    assert sorted(client.mids(reply)) == [301, 302, 303, 311, 312]
    item = next(item for item in reply.json["data"] if item["mid"] == 303)
    assert item["attributes"]["inQuarantines"] == "Policy, Virus"
    assert [entry["quarantineName"] for entry in item["attributes"]["quarantineForReasonDict"]] == ["Policy", "Virus"]


@pytest.mark.parametrize("encoded", ["File+Analysis", "File%20Analysis"])
def test_pvo_quarantine_name_with_space(client, encoded):
    reply = client.request("GET", f"{MESSAGES}?quarantineType=pvo&quarantines={encoded}"
                                  "&startDate=2000-01-01T00:00:00.000Z&endDate=2100-01-01T00:00:00.000Z")
    assert sorted(client.mids(reply)) == [341, 342]


@pytest.mark.parametrize("params, expected", [
    ({"filterBy": "from_address", "filterOperator": "contains", "filterValue": "SPAM.example"}, [501, 502]),
    ({"filterBy": "to_address", "filterOperator": "contains", "filterValue": "user3@"}, [502]),
    ({"filterBy": "subject", "filterOperator": "begins_with", "filterValue": "re:"}, [504]),
    ({"filterBy": "subject", "filterOperator": "is", "filterValue": "YOU WON!"}, [503]),
    ({"filterBy": "subject", "filterOperator": "ends_with", "filterValue": "offer"}, [502]),
    ({"filterBy": "from_address", "filterOperator": "does_not_contain", "filterValue": "spam.example"},
     [503, 504, 505]),
    ({"envelopeRecipientFilterOperator": "is", "envelopeRecipientFilterValue": "user3@example.com"}, [502]),
])
def test_spam_filters(client, params, expected):
    reply = client.search(quarantineType="spam", **params)
    assert sorted(client.mids(reply)) == expected


@pytest.mark.parametrize("order_by, key", [
    ("sender", lambda item: item["attributes"]["sender"].lower()),
    ("subject", lambda item: item["attributes"]["subject"].lower()),
])
def test_pvo_order_by_text(client, order_by, key):
    ascending = client.pvo(orderBy=order_by, orderDir="asc", limit="100").json["data"]
    descending = client.pvo(orderBy=order_by, orderDir="desc", limit="100").json["data"]
    assert [key(item) for item in ascending] == sorted(key(item) for item in ascending)
    assert [item["mid"] for item in descending] == [item["mid"] for item in reversed(ascending)]


def test_pvo_order_by_received_ascending(client):
    newest_first = client.mids(client.pvo(limit="100"))
    oldest_first = client.mids(client.pvo(orderBy="received", orderDir="asc", limit="100"))
    assert oldest_first == list(reversed(newest_first))


def test_pvo_order_by_size(client):
    items = client.pvo(quarantines="Policy,Virus,File Analysis", orderBy="size", orderDir="desc").json["data"]
    assert items[0]["mid"] == 301  # 210.4K, the largest
    assert client.mids(client.pvo(orderBy="size")) == client.mids(client.pvo(orderBy="size", orderDir="asc"))


def test_pvo_order_by_scheduled_exit(client):
    assert client.mids(client.pvo(orderBy="scheduledExit", orderDir="desc", limit="100")) == \
        client.mids(client.pvo(limit="100"))


def test_spam_default_and_date_order(client):
    assert client.mids(client.search(quarantineType="spam")) == [501, 502, 503, 504, 505]
    assert client.mids(client.search(quarantineType="spam", orderBy="date", orderDir="asc")) == [505, 504, 503, 502, 501]
    senders = [item["attributes"]["fromAddress"][0].lower()
               for item in client.search(quarantineType="spam", orderBy="from_address").json["data"]]
    assert senders == sorted(senders)


@pytest.fixture
def fixed(serve):
    """The lab dataset started at 2026-03-15T12:00:00Z."""
    return serve(clock=FakeClock(START))


def test_date_window_includes_start(fixed):
    reply = fixed.client.pvo(startDate="2026-03-15T11:00:00.000Z", endDate="2026-03-15T11:01:00.000Z")
    assert fixed.client.mids(reply) == [440]


def test_date_window_excludes_end(fixed):
    reply = fixed.client.pvo(startDate="2026-03-15T10:59:00.000Z", endDate="2026-03-15T11:00:00.000Z")
    assert fixed.client.mids(reply) == []


def test_date_window_equal_dates_empty(fixed):
    reply = fixed.client.pvo(startDate="2026-03-15T11:00:00.000Z", endDate="2026-03-15T11:00:00.000Z")
    assert reply.json["meta"]["totalCount"] == 0


def test_date_window_spam(fixed):
    reply = fixed.client.search(quarantineType="spam", startDate="2026-03-15T06:00:00.000Z",
                                endDate="2026-03-15T11:00:00.000Z")
    assert fixed.client.mids(reply) == [502, 503]  # 503 arrived at 06:00, 501 at 11:00


@pytest.mark.parametrize("zone, received, label", [
    ("+00:00", "15 Mar 2026 11:00", "(GMT)"),
    ("-07:00", "15 Mar 2026 04:00", "(GMT -07:00)"),
    ("+01:00", "15 Mar 2026 12:00", "(GMT +01:00)"),
    ("+05:30", "15 Mar 2026 16:30", "(GMT +05:30)"),
    ("-12:00", "14 Mar 2026 23:00", "(GMT -12:00)"),
])
def test_time_zone_rendering(serve, zone, received, label):
    running = serve(clock=FakeClock(START), timezone=zone)
    item = running.client.pvo(limit="1").json["data"][0]
    assert item["mid"] == 440
    assert item["attributes"]["received"] == f"{received} {label}"
    spam = running.client.search(quarantineType="spam", limit="1").json["data"][0]
    assert spam["attributes"]["date"] == f"{received} {label}"


def test_pvo_item_shape(fixed):
    item = fixed.client.pvo(limit="1").json["data"][0]
    assert item == {"mid": 440, "attributes": {
        "sender": "alerts@labcisco.com",
        "recipient": ["user40@example.com"],
        "fromAddress": ["alerts@labcisco.com"],
        "subject": "Lab alert: disk usage 91%",
        "received": "15 Mar 2026 11:00 (GMT)",
        "scheduledExit": "14 Apr 2026 11:00 (GMT)",
        "size": "14.2K",
        "inQuarantines": "TEST_QUARANTINE",
        "quarantineForReason": ["Content Filter: lab_sender_filter"],
        "quarantineForReasonDict": [{"quarantineName": "TEST_QUARANTINE",
                                     "reason": ["Content Filter: lab_sender_filter"]}],
        "esaHostName": "esa1.example.com",
        "esaMid": 71320,
        "originatingEsaIp": "192.0.2.11",
    }}


def test_spam_item_shape(fixed):
    reply = fixed.client.search(quarantineType="spam", filterBy="subject", filterOperator="is",
                                filterValue="Discount offer")
    assert reply.json["data"] == [{"mid": 502, "attributes": {
        "envelopeRecipient": ["user2@example.com", "user3@example.com"],
        "toAddress": ["user2@example.com, user3@example.com"],
        "fromAddress": ["Pharmacy <rx@spam.example>"],
        "subject": "Discount offer",
        "date": "15 Mar 2026 09:00 (GMT)",
        "size": "12.00K",
    }}]


def test_cached_result_sees_release(client):
    before = client.pvo(limit="100").json["meta"]["totalCount"]
    client.action({"action": "release", "quarantineType": "pvo", "quarantineName": "TEST_QUARANTINE", "mids": [440]})
    reply = client.pvo(limit="100")
    assert reply.json["meta"]["totalCount"] == before - 1
    assert 440 not in client.mids(reply)
