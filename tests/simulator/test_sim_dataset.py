"""Datasets: file loading, relative times, derived fields, clear errors, the lab dataset and generation."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import pytest

from sma_simulator.app import Simulator
from sma_simulator.dataset import DatasetError, generate_messages, load_dataset
from sma_simulator.dates import DisplayZone
from sma_simulator.message import render_item
from simclient import API, FakeClock

START = datetime(2026, 3, 15, 12, 0, tzinfo=timezone.utc).timestamp()
ZONE = DisplayZone()


def pvo_entry(mid=900, **attributes):
    """A minimal valid pvo dataset entry."""
    base = {"sender": "a@partner.example", "recipient": ["b@example.com"], "received": "-2h"}
    base.update(attributes)
    return {"mid": mid, "quarantineType": "pvo", "quarantines": ["Policy"], "attributes": base}


def write(tmp_path, data, name="data.json"):
    """Write JSON (or raw text) to a file and return its path."""
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def load_one(tmp_path, entry):
    """Load a one-message dataset and return the message."""
    return load_dataset(str(write(tmp_path, {"messages": [entry]})), START).messages[0]


def test_relative_times(tmp_path):
    message = load_one(tmp_path, pvo_entry(received="-2h", scheduledExit="+3d"))
    item = render_item(message, ZONE)["attributes"]
    assert item["received"] == "15 Mar 2026 10:00 (GMT)"
    assert item["scheduledExit"] == "18 Mar 2026 12:00 (GMT)"


@pytest.mark.parametrize("text", ["15 Mar 2026 03:25 (GMT -07:00)", "15 Mar 2026 10:25 (GMT)",
                                  "15 Mar 2026 11:25 (GMT +01:00)", "2026-03-15T10:25:00Z", "-95m"])
def test_absolute_and_relative_forms(tmp_path, text):
    message = load_one(tmp_path, pvo_entry(received=text))
    assert render_item(message, ZONE)["attributes"]["received"] == "15 Mar 2026 10:25 (GMT)"


def test_derived_in_quarantines_and_reasons(tmp_path):
    entry = pvo_entry(quarantineForReason=["Content Filter: partner"])
    entry["quarantines"] = ["Policy", "Partner Hold"]
    dataset = load_dataset(str(write(tmp_path, {"messages": [entry]})), START)
    item = render_item(dataset.messages[0], ZONE)["attributes"]
    assert item["inQuarantines"] == "Policy, Partner Hold"
    assert item["quarantineForReasonDict"] == [
        {"quarantineName": "Policy", "reason": ["Content Filter: partner"]},
        {"quarantineName": "Partner Hold", "reason": ["Content Filter: partner"]}]
    assert dataset.quarantines["Partner Hold"] == "custom"
    assert list(item["fromAddress"]) == ["a@partner.example"]


def test_quarantines_from_in_quarantines(tmp_path):
    entry = pvo_entry(inQuarantines="Virus, Policy")
    del entry["quarantines"]
    assert load_one(tmp_path, entry).quarantines == ("Virus", "Policy")


def test_declared_empty_quarantine(serve, tmp_path):
    path = write(tmp_path, {"quarantines": [{"name": "HOLD", "type": "custom"}], "messages": []})
    running = serve(dataset=str(path))
    reply = running.client.request("GET", API + "/config/quarantines", {"device_type": "sma", "quarantine_type": "pvo"})
    assert reply.json["data"]["quarantines"]["custom"] == ["HOLD"]
    assert running.client.pvo(quarantines="HOLD").json["meta"]["totalCount"] == 0


def test_extra_attributes_pass_through(tmp_path):
    message = load_one(tmp_path, pvo_entry(vendorField="x"))
    assert render_item(message, ZONE)["attributes"]["vendorField"] == "x"


def test_size_text_kept(tmp_path):
    message = load_one(tmp_path, pvo_entry(size="1.5M"))
    assert message.size == 1572864
    assert render_item(message, ZONE)["attributes"]["size"] == "1.5M"


def test_missing_file_names_file_and_fix(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(DatasetError) as error:
        load_dataset(str(missing), START)
    assert str(missing) in str(error.value)
    assert "--dataset lab or --dataset empty" in str(error.value)


def test_invalid_json_names_line(tmp_path):
    path = write(tmp_path, '{"messages": [\n  {"mid": 1,}\n]}')
    with pytest.raises(DatasetError) as error:
        load_dataset(str(path), START)
    assert str(path) in str(error.value)
    assert "line 2" in str(error.value)


BAD_DATASETS = [
    ("top level list", [], "the top level is a list"),
    ("unknown top key", {"message": []}, "unknown top-level key(s) message"),
    ("mid missing", {"messages": [{"quarantineType": "pvo"}]}, "\"mid\" must be a positive integer"),
    ("mid a string", {"messages": [dict(pvo_entry(), mid="900")]}, "\"mid\" must be a positive integer"),
    ("duplicate mid", {"messages": [pvo_entry(), pvo_entry()]}, "repeats mid 900 of messages[0]"),
    ("bad type", {"messages": [dict(pvo_entry(), quarantineType="virus")]}, "set it to \"pvo\" or \"spam\""),
    ("unknown entry key", {"messages": [dict(pvo_entry(), quarantine="Policy")]}, "unknown key(s) quarantine"),
    ("no received", {"messages": [pvo_entry(received=None)]}, "attributes.received"),
    ("bad received", {"messages": [pvo_entry(received="yesterday")]}, "cannot parse time 'yesterday'"),
    ("naive ISO time", {"messages": [pvo_entry(received="2026-03-15T10:00:00")]}, "cannot parse time"),
    ("recipient a string", {"messages": [pvo_entry(recipient="b@example.com")]}, "attributes.recipient must be"),
    ("bad size", {"messages": [pvo_entry(size="big")]}, "attributes.size 'big' is not a size"),
    ("no quarantines", {"messages": [dict(pvo_entry(), quarantines=[])]}, "\"quarantines\" must list"),
    ("spam with quarantines", {"messages": [{"mid": 5, "quarantineType": "spam", "quarantines": ["x"],
                                             "attributes": {}}]}, "remove \"quarantines\""),
    ("spam without fromAddress", {"messages": [{"mid": 5, "quarantineType": "spam", "attributes": {
        "envelopeRecipient": ["a@example.com"], "date": "-1h"}}]}, "attributes.fromAddress"),
    ("bad base64", {"messages": [dict(pvo_entry(), attachments=[{"name": "a", "content_base64": "!!"}])]},
     "not valid Base64"),
    ("attachment without size", {"messages": [dict(pvo_entry(), attachments=[{"name": "a"}])]},
     "give \"content_base64\""),
    ("custom type", {"quarantines": [{"name": "X", "type": "system"}]}, "declare only custom quarantines"),
]


@pytest.mark.parametrize("data, fragment", [case[1:] for case in BAD_DATASETS], ids=[case[0] for case in BAD_DATASETS])
def test_bad_dataset_errors(tmp_path, data, fragment):
    if isinstance(data, dict):
        for entry in data.get("messages", []):
            if isinstance(entry.get("attributes"), dict):
                entry["attributes"] = {key: value for key, value in entry["attributes"].items() if value is not None}
    path = write(tmp_path, data)
    with pytest.raises(DatasetError) as error:
        load_dataset(str(path), START)
    assert str(path) in str(error.value)
    assert fragment in str(error.value)


# The lab dataset ----------------------------------------------------------------------------


@pytest.fixture(name="lab_sim")
def fixture_lab_sim():
    """The lab dataset loaded at a fixed time."""
    return Simulator(clock=FakeClock(START))


def held(sim, name):
    """Return the messages in a pvo quarantine."""
    return list(sim.store.pvo[name].values())


def domain(address: str) -> str:
    """Return the lower-case part after the last @."""
    return address.rsplit("@", 1)[1].lower()


def test_lab_test_quarantine(lab_sim):
    messages = held(lab_sim, "TEST_QUARANTINE")
    assert len(messages) == 24
    exact = sorted((message.mid for message in messages if domain(message.sender) == "labcisco.com"), reverse=True)
    assert exact == [440, 439, 438, 437, 436, 435, 434, 433, 425, 414]
    mixed = [message.sender for message in messages
             if domain(message.sender) == "labcisco.com" and message.sender != message.sender.lower()]
    assert mixed == ["Alerts@LabCisco.com"]
    others = [message for message in messages if message.mid not in exact]
    assert len(others) == 14
    assert all(400 <= message.mid <= 441 for message in others)
    domains = {domain(message.sender) for message in others}
    assert {"labcisisco.com", "mail.labcisco.com", "labcisco.com.evil.example"} <= domains


def test_lab_standard_quarantines(lab_sim):
    for name in ("Policy", "Virus", "Outbreak", "Unclassified", "File Analysis"):
        assert 2 <= len(held(lab_sim, name)) <= 4, name
    policy_labcisco = [message.mid for message in held(lab_sim, "Policy") if domain(message.sender) == "labcisco.com"]
    assert len(policy_labcisco) == 1
    assert policy_labcisco[0] not in (440, 439, 438, 437, 436, 435, 434, 433, 425, 414)
    shared = [message for message in held(lab_sim, "Policy") if len(message.quarantines) > 1]
    assert [(message.mid, message.quarantines) for message in shared] == [(303, ("Policy", "Virus"))]
    assert domain(shared[0].sender) != "labcisco.com"


def test_lab_spam(lab_sim):
    spam = list(lab_sim.store.spam.values())
    assert 4 <= len(spam) <= 6
    assert any(len(message.to_addresses) == 1 and "," in message.to_addresses[0] for message in spam)


def test_lab_plausible_fields(lab_sim):
    for message in lab_sim.store.archive.values():
        assert 3600 <= START - message.received <= 20 * 3600, message.mid
        assert all(address.endswith("@example.com") for address in message.recipients), message.mid
        if message.qtype == "pvo":
            assert message.esa_ip.startswith("192.0.2."), message.mid
            assert message.esa_host in ("esa1.example.com", "esa2.example.com"), message.mid


# Generation -------------------------------------------------------------------------------


def generated(**options):
    """Generate with defaults for a test."""
    settings = {"count": 400, "seed": 7, "quarantine": "GENERATED", "sender_domain": "bulk.example",
                "domain_count": 37, "first_mid": 1000, "now": START}
    settings.update(options)
    return generate_messages(**settings)


def test_generation_is_deterministic():
    first = [render_item(message, ZONE) for message in generated()]
    second = [render_item(message, ZONE) for message in generated()]
    assert first == second
    assert first != [render_item(message, ZONE) for message in generated(seed=8)]


def test_generation_domain_count_exact():
    messages = generated()
    exact = [message for message in messages if domain(message.sender) == "bulk.example"]
    assert len(exact) == 37
    assert any(message.sender != message.sender.lower() for message in exact)


def test_generation_lookalikes():
    domains = Counter(domain(message.sender) for message in generated())
    for lookalike in ("mail.bulk.example", "bulk.example.evil.example", "notbulk.example"):
        assert domains[lookalike] > 0, lookalike
    typos = [name for name in domains
             if name.endswith(".example") and len(name) == len("bulk.example") and name != "bulk.example"]
    assert typos


def test_generation_mids_above_dataset():
    sim = Simulator(clock=FakeClock(START), generate=50, generate_domain_count=5)
    assert sorted(sim.store.pvo["GENERATED"]) == list(range(506, 556))  # the lab's highest MID is 505
    assert sim.dataset_label == "lab + 50 generated"


def test_generation_rejects_bad_count():
    with pytest.raises(ValueError) as error:
        generated(count=5, domain_count=6)
    assert "--generate-domain-count 6" in str(error.value)
