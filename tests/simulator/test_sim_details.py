"""Message details, attachments and the quarantine list."""

from __future__ import annotations

import base64

from simclient import API, MESSAGES


def details(client, mid: int, qtype: str = "pvo"):
    """GET /quarantine/messages/details."""
    return client.request("GET", MESSAGES + "/details", {"mid": str(mid), "quarantineType": qtype})


def attachment(client, mid: int, attachment_id: int):
    """GET /quarantine/messages/attachment."""
    return client.request("GET", MESSAGES + "/attachment",
                          {"mid": str(mid), "attachmentId": str(attachment_id), "quarantineType": "pvo"})


def test_pvo_details_shape(client):
    reply = details(client, 440)
    assert reply.status == 200
    data = reply.json["data"]
    assert data["mid"] == 440
    attributes = data["attributes"]
    assert set(attributes) == {"messageDetails", "quarantineDetails", "messagePartDetails", "matchedContents",
                               "messageBody", "headers"}
    assert attributes["messageDetails"]["sender"] == "alerts@labcisco.com"
    assert attributes["messageDetails"]["recipient"] == ["user40@example.com"]
    assert attributes["messageBody"] == "Disk usage on lab-fs01 reached 91%.\n"
    assert "Subject: Lab alert: disk usage 91%" in attributes["headers"]
    assert attributes["messagePartDetails"] == [
        {"attachmentId": 1, "attachmentName": "[message body]", "attachmentSize": "0.0K"},
        {"attachmentId": 2, "attachmentName": "diagnostics.txt", "attachmentSize": "0.0K"},
    ]
    entry = attributes["quarantineDetails"][0]
    assert entry["quarantineName"] == "TEST_QUARANTINE"
    assert entry["reason"] == ["Content Filter: lab_sender_filter"]
    assert entry["esaHostName"] == "esa1.example.com"
    assert entry["originatingEsaIp"] == "192.0.2.11"


def test_pvo_details_two_quarantines(client):
    attributes = details(client, 303).json["data"]["attributes"]
    assert [entry["quarantineName"] for entry in attributes["quarantineDetails"]] == ["Policy", "Virus"]
    assert attributes["matchedContents"] == ["scan.zip: archive with executable content"]


def test_pvo_details_attachment_size_is_base64_size(client):
    parts = details(client, 437).json["data"]["attributes"]["messagePartDetails"]
    assert parts[1] == {"attachmentId": 2, "attachmentName": "invoice-2026-0042.pdf", "attachmentSize": "62.8K"}


def test_spam_details_shape(client):
    reply = details(client, 502, "spam")
    assert reply.status == 200
    attributes = reply.json["data"]["attributes"]
    assert set(attributes) == {"envelopeRecipient", "toAddress", "fromAddress", "subject", "date", "messageBody",
                               "attachments"}
    assert attributes["toAddress"] == ["user2@example.com, user3@example.com"]
    assert attributes["attachments"] == []


def test_attachment_from_dataset_content(client):
    reply = attachment(client, 440, 2)
    assert reply.status == 200
    assert base64.b64decode(reply.body) == b"disk /dev/sda1 91% used\n"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="diagnostics.txt"'
    assert reply.headers["Server"] == "API/2.0"


def test_attachment_generated_from_size(serve):
    first = attachment(serve().client, 437, 2)
    second = attachment(serve().client, 437, 2)
    data = base64.b64decode(first.body)
    assert len(data) == 48213
    assert first.body == second.body
    assert first.headers["Content-Disposition"] == 'attachment; filename="invoice-2026-0042.pdf"'


def test_attachment_non_ascii_name(serve):
    entry = {"mid": 900, "quarantineType": "pvo", "quarantines": ["Policy"],
             "attributes": {"sender": "a@partner.example", "recipient": ["b@example.com"], "received": "-1h"},
             "attachments": [{"name": "Rechnung März.pdf", "size": 10}]}
    running = serve(dataset="empty")
    assert running.client.admin("POST", "/messages", {"messages": [entry]}).status == 200
    reply = attachment(running.client, 900, 2)
    assert reply.headers["Content-Disposition"] == \
        "attachment; filename=\"Rechnung M?rz.pdf\"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf"


def test_config_quarantines(client):
    reply = client.request("GET", API + "/config/quarantines", {"device_type": "sma", "quarantine_type": "pvo"})
    assert reply.status == 200
    assert reply.json == {"data": {"quarantines": {
        "system": ["Policy", "Virus", "Outbreak", "Unclassified", "File Analysis"],
        "custom": ["TEST_QUARANTINE"],
    }}}


def test_config_quarantines_lists_generated(serve):
    running = serve(dataset="empty", generate=3, generate_quarantine="Bulk Hold")
    reply = running.client.request("GET", API + "/config/quarantines", {"device_type": "sma", "quarantine_type": "pvo"})
    assert reply.json["data"]["quarantines"]["custom"] == ["Bulk Hold"]
