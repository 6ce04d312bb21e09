"""Datasets: loading JSON files, the built-in lab dataset, and deterministic generation.

A dataset is ``{"messages": [...], "quarantines": [...]}``. Each message entry is an API
item (``mid`` plus ``attributes`` in the API's own shape for its quarantine type) with the
extra keys ``quarantineType`` and, for pvo, ``quarantines``. The README documents the format.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import re
from pathlib import Path

from .dates import parse_dataset_time
from .message import PVO, SPAM, Attachment, Message

STANDARD_QUARANTINES = ("Policy", "Virus", "Outbreak", "Unclassified", "File Analysis")
LAB_DATASET = Path(__file__).resolve().parent / "datasets" / "lab.json"

_TOP_LEVEL_KEYS = {"messages", "quarantines", "description"}
_ENTRY_KEYS = {"mid", "attributes", "quarantineType", "quarantines", "attachments", "headers",
               "messageBody", "matchedContents", "comment"}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


class DatasetError(ValueError):
    """A dataset that cannot be loaded. The message names the file, the entry and the fix."""


class Dataset:
    """Loaded dataset: a label for the start line, declared pvo quarantines and messages."""

    def __init__(self, label: str, quarantines: dict[str, str], messages: list[Message]) -> None:
        self.label = label
        self.quarantines = quarantines
        self.messages = messages


def standard_quarantines() -> dict[str, str]:
    """Return the five quarantines every SMA has, mapped to their type."""
    return {name: "system" for name in STANDARD_QUARANTINES}


def load_dataset(spec: str, now: float) -> Dataset:
    """Load ``lab``, ``empty`` or a JSON file path. Relative times count from ``now``."""
    if spec == "empty":
        return Dataset("empty", standard_quarantines(), [])
    path = LAB_DATASET if spec == "lab" else Path(spec)
    label = "lab" if spec == "lab" else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DatasetError(f"dataset file {path} not found: give the path of an existing JSON file, "
                           "or use --dataset lab or --dataset empty") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"dataset file {path} cannot be read ({exc}): check the path and that it is UTF-8 JSON") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"dataset file {path} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}; "
                           "fix the syntax (the file must hold an object with a \"messages\" list)") from exc
    return parse_dataset(data, label, now)


def parse_dataset(data: object, source: str, now: float) -> Dataset:
    """Validate parsed dataset JSON and build its messages. Errors name the dataset by ``source``."""
    if not isinstance(data, dict):
        raise DatasetError(f"dataset {source}: the top level is a {type(data).__name__}; "
                           "it must be an object such as {\"messages\": [...]}")
    unknown = sorted(set(data) - _TOP_LEVEL_KEYS)
    if unknown:
        raise DatasetError(f"dataset {source}: unknown top-level key(s) {', '.join(unknown)}; "
                           f"allowed keys are {', '.join(sorted(_TOP_LEVEL_KEYS))}")
    quarantines = standard_quarantines()
    for name in _parse_declared_quarantines(data.get("quarantines", []), source):
        quarantines.setdefault(name, "custom")
    entries = data.get("messages", [])
    messages = parse_entries(entries, source, now)
    for message in messages:
        for name in message.quarantines:
            quarantines.setdefault(name, "custom")
    return Dataset(source, quarantines, messages)


def _parse_declared_quarantines(declared: object, source: str) -> list[str]:
    if not isinstance(declared, list):
        raise DatasetError(f"dataset {source}: \"quarantines\" must be a list such as "
                           "[{\"name\": \"TEST_QUARANTINE\", \"type\": \"custom\"}]")
    names = []
    for index, item in enumerate(declared):
        where = f"dataset {source}: quarantines[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise DatasetError(f"{where}: each entry needs a non-empty \"name\" string, "
                               "for example {\"name\": \"TEST_QUARANTINE\", \"type\": \"custom\"}")
        if item.get("type", "custom") != "custom":
            raise DatasetError(f"{where}: type {item.get('type')!r} is not supported; "
                               "declare only custom quarantines (the five standard ones always exist)")
        names.append(item["name"])
    return names


def parse_entries(entries: object, source: str, now: float, held_mids: set[int] | None = None) -> list[Message]:
    """Build messages from dataset entries, rejecting duplicate MIDs (also against ``held_mids``)."""
    if not isinstance(entries, list):
        raise DatasetError(f"dataset {source}: \"messages\" must be a list of message entries")
    seen: dict[int, int] = {}
    held_mids = held_mids or set()
    messages = []
    for index, entry in enumerate(entries):
        message = _parse_entry(entry, f"dataset {source}: messages[{index}]", now)
        if message.mid in seen:
            raise DatasetError(f"dataset {source}: messages[{index}] repeats mid {message.mid} "
                               f"of messages[{seen[message.mid]}]; every message needs its own mid")
        if message.mid in held_mids:
            raise DatasetError(f"dataset {source}: messages[{index}] uses mid {message.mid}, "
                               "which a quarantine already contains; choose an unused mid")
        seen[message.mid] = index
        messages.append(message)
    return messages


def _parse_entry(entry: object, where: str, now: float) -> Message:
    if not isinstance(entry, dict):
        raise DatasetError(f"{where}: expected an object with \"mid\", \"quarantineType\" and \"attributes\"")
    mid = entry.get("mid")
    if not isinstance(mid, int) or isinstance(mid, bool) or mid <= 0:
        raise DatasetError(f"{where}: \"mid\" must be a positive integer, got {mid!r}")
    where = f"{where} (mid {mid})"
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        raise DatasetError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed keys are {', '.join(sorted(_ENTRY_KEYS))}")
    qtype = entry.get("quarantineType")
    if qtype not in (PVO, SPAM):
        raise DatasetError(f"{where}: \"quarantineType\" is {qtype!r}; set it to \"pvo\" or \"spam\"")
    attributes = entry.get("attributes")
    if not isinstance(attributes, dict):
        raise DatasetError(f"{where}: \"attributes\" must be an object in the API's {qtype} item shape")
    fields = _common_fields(entry, where)
    if qtype == PVO:
        fields.update(_pvo_fields(entry, attributes, where, now))
        known = PVO_ATTRIBUTES
    else:
        fields.update(_spam_fields(entry, attributes, where, now))
        known = SPAM_ATTRIBUTES
    fields["extra_attributes"] = {key: value for key, value in attributes.items() if key not in known}
    if "size" not in fields:
        fields["size"] = 4096 + len(fields.get("body", "")) + sum(item.size for item in fields["attachments"])
    message = Message(mid, qtype, received=fields.pop("received"), **fields)
    if message.esa_mid is None:
        message.esa_mid = 1_000_000 + mid
    return message


PVO_ATTRIBUTES = {"sender", "recipient", "fromAddress", "subject", "received", "scheduledExit", "size",
                  "inQuarantines", "quarantineForReason", "quarantineForReasonDict", "esaHostName", "esaMid",
                  "originatingEsaIp"}
SPAM_ATTRIBUTES = {"envelopeRecipient", "toAddress", "fromAddress", "subject", "date", "size"}


def _pvo_fields(entry: dict, attributes: dict, where: str, now: float) -> dict:
    sender = _required_string(attributes, "sender", where, "an envelope sender such as \"alerts@example.com\"")
    recipients = _string_list(attributes, "recipient", where, required=True)
    fields = {
        "sender": sender,
        "recipients": recipients,
        "from_addresses": _string_list(attributes, "fromAddress", where) or [sender],
        "subject": _optional_string(attributes, "subject", where),
        "received": _time(attributes, "received", where, now, required=True),
        "quarantines": _pvo_quarantines(entry, attributes, where),
        "esa_host": _optional_string(attributes, "esaHostName", where, "esa1.example.com"),
        "esa_ip": _optional_string(attributes, "originatingEsaIp", where, "192.0.2.10"),
    }
    if "scheduledExit" in attributes:
        fields["scheduled_exit"] = _time(attributes, "scheduledExit", where, now, required=True)
    esa_mid = attributes.get("esaMid")
    if esa_mid is not None:
        if not isinstance(esa_mid, int) or isinstance(esa_mid, bool):
            raise DatasetError(f"{where}: attributes.esaMid must be an integer, got {esa_mid!r}")
        fields["esa_mid"] = esa_mid
    fields["reasons"] = _reasons(attributes, fields["quarantines"], where)
    fields.update(_size(attributes, where))
    return fields


def _spam_fields(entry: dict, attributes: dict, where: str, now: float) -> dict:
    if "quarantines" in entry:
        raise DatasetError(f"{where}: spam messages are all in the one spam quarantine; remove \"quarantines\"")
    recipients = _string_list(attributes, "envelopeRecipient", where, required=True)
    fields = {
        "recipients": recipients,
        "to_addresses": _string_list(attributes, "toAddress", where) or list(recipients),
        "from_addresses": _string_list(attributes, "fromAddress", where, required=True),
        "subject": _optional_string(attributes, "subject", where),
        "received": _time(attributes, "date", where, now, required=True),
    }
    fields["sender"] = fields["from_addresses"][0]
    fields.update(_size(attributes, where))
    return fields


def _common_fields(entry: dict, where: str) -> dict:
    fields: dict = {"attachments": _attachments(entry.get("attachments", []), where, entry["mid"])}
    for key, field in (("headers", "headers"), ("messageBody", "body")):
        if key in entry:
            if not isinstance(entry[key], str):
                raise DatasetError(f"{where}: \"{key}\" must be a string")
            fields[field] = entry[key]
    if "matchedContents" in entry:
        if not isinstance(entry["matchedContents"], list):
            raise DatasetError(f"{where}: \"matchedContents\" must be a list")
        fields["matched_contents"] = entry["matchedContents"]
    return fields


def _attachments(items: object, where: str, mid: int) -> list[Attachment]:
    if not isinstance(items, list):
        raise DatasetError(f"{where}: \"attachments\" must be a list of {{\"name\", \"content_base64\" or \"size\"}} objects")
    attachments = []
    for index, item in enumerate(items):
        location = f"{where}: attachments[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise DatasetError(f"{location}: each attachment needs a non-empty \"name\" string")
        if "content_base64" in item:
            try:
                data = base64.b64decode(item["content_base64"], validate=True)
            except (binascii.Error, TypeError, ValueError) as exc:
                raise DatasetError(f"{location}: \"content_base64\" is not valid Base64 ({exc}); encode the file with base64") from exc
            attachments.append(Attachment(item["name"], data=data))
        elif isinstance(item.get("size"), int) and not isinstance(item["size"], bool) and item["size"] >= 0:
            attachments.append(Attachment(item["name"], size=item["size"], seed=str(mid)))
        else:
            raise DatasetError(f"{location}: give \"content_base64\" (the bytes in Base64) or \"size\" (bytes, an integer >= 0)")
    return attachments


def _required_string(attributes: dict, key: str, where: str, example: str) -> str:
    value = attributes.get(key)
    if not isinstance(value, str) or not value:
        raise DatasetError(f"{where}: attributes.{key} is missing or not a string; give {example}")
    return value


def _optional_string(attributes: dict, key: str, where: str, default: str = "") -> str:
    value = attributes.get(key, default)
    if not isinstance(value, str):
        raise DatasetError(f"{where}: attributes.{key} must be a string, got {value!r}")
    return value


def _string_list(attributes: dict, key: str, where: str, required: bool = False) -> list[str]:
    value = attributes.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item for item in value):
        raise DatasetError(f"{where}: attributes.{key} must be a non-empty list of strings, "
                           f"for example [\"user@example.com\"]; got {value!r}")
    return list(value)


def _time(attributes: dict, key: str, where: str, now: float, required: bool) -> float | None:
    value = attributes.get(key)
    if value is None and not required:
        return None
    if value is None:
        raise DatasetError(f"{where}: attributes.{key} is missing; give a relative time such as \"-2h\" "
                           "or an API date such as \"15 Mar 2026 11:25 (GMT -07:00)\"")
    try:
        return parse_dataset_time(value, now)
    except ValueError as exc:
        raise DatasetError(f"{where}: attributes.{key}: {exc}") from exc


def _size(attributes: dict, where: str) -> dict:
    if "size" not in attributes:
        return {}
    value = attributes["size"]
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return {"size": value}
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match:
        raise DatasetError(f"{where}: attributes.size {value!r} is not a size; give bytes as an integer "
                           "or text such as \"12.3K\" or \"1.5M\"")
    number, unit = match.groups()
    return {"size": int(float(number) * _SIZE_UNITS[unit.upper()]), "size_text": value}


def _pvo_quarantines(entry: dict, attributes: dict, where: str) -> list[str]:
    names = entry.get("quarantines")
    if names is None and isinstance(attributes.get("inQuarantines"), str):
        names = [name.strip() for name in attributes["inQuarantines"].split(",") if name.strip()]
    if not isinstance(names, list) or not names or not all(isinstance(name, str) and name.strip() for name in names):
        raise DatasetError(f"{where}: \"quarantines\" must list the pvo quarantines that hold the message, "
                           "for example [\"Policy\"]")
    unique = list(dict.fromkeys(names))
    return unique


def _reasons(attributes: dict, quarantines: list[str], where: str) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    by_quarantine = attributes.get("quarantineForReasonDict")
    if by_quarantine is not None:
        if not isinstance(by_quarantine, list):
            raise DatasetError(f"{where}: attributes.quarantineForReasonDict must be a list of "
                               "{\"quarantineName\": ..., \"reason\": [...]} objects")
        for item in by_quarantine:
            if not isinstance(item, dict) or not isinstance(item.get("quarantineName"), str) \
                    or not isinstance(item.get("reason"), list):
                raise DatasetError(f"{where}: each attributes.quarantineForReasonDict entry needs "
                                   "\"quarantineName\" (string) and \"reason\" (list of strings)")
            reasons[item["quarantineName"]] = [str(reason) for reason in item["reason"]]
    flat = attributes.get("quarantineForReason")
    if flat is not None:
        if not isinstance(flat, list):
            raise DatasetError(f"{where}: attributes.quarantineForReason must be a list of strings")
        for name in quarantines:
            reasons.setdefault(name, [str(reason) for reason in flat])
    return reasons


# Generation ------------------------------------------------------------------------------

_LOCAL_PARTS = ("news", "offers", "billing", "noreply", "alerts", "info", "updates", "support", "marketing", "team")
_SUBJECTS = ("Your monthly statement", "Weekly product update", "Invoice {n} attached", "Action required: account {n}",
             "Special offer {n}", "Delivery notice {n}", "Meeting notes", "Re: order {n}", "Password expiry reminder",
             "Quarterly report")
_OTHER_DOMAINS = ("partner.example", "newsletters.example.org", "shop.example.net", "alerts.example.com",
                  "mailer.example.net")
_ATTACHMENT_NAMES = ("invoice.pdf", "report.docx", "statement.pdf", "data.xlsx", "archive.zip")


def lookalike_domains(domain: str) -> list[str]:
    """Return domains that a careless filter mistakes for ``domain`` but an exact match rejects.

    They are a sub-domain, the domain followed by another label, a one-letter substitution,
    a one-letter insertion, and the domain with a prefix glued to its first label.
    """
    first, _dot, rest = domain.partition(".")
    index = 1 if len(first) > 1 else 0
    replaced = "a" if first[index].lower() != "a" else "e"
    substitution = f"{first[:index]}{replaced}{first[index + 1:]}.{rest}"
    insertion = f"{first}{first[-1]}.{rest}"
    return [f"mail.{domain}", f"{domain}.evil.example", substitution, insertion, f"not{domain}"]


def mixed_case(domain: str) -> str:
    """Capitalize each label (``bulk.example`` becomes ``Bulk.Example``) to exercise case-insensitive matching."""
    return ".".join(label[:1].upper() + label[1:] for label in domain.split("."))


def validate_generation(count: int, quarantine: str, sender_domain: str, domain_count: int | None) -> None:
    """Raise ValueError naming the bad generation setting and the fix."""
    if count < 0:
        raise ValueError(f"--generate {count}: the number of generated messages must be 0 or more")
    if not quarantine.strip() or "," in quarantine:
        raise ValueError(f"--generate-quarantine {quarantine!r}: give a non-empty quarantine name without commas")
    if not _DOMAIN.match(sender_domain):
        raise ValueError(f"--generate-sender-domain {sender_domain!r}: give a domain name such as bulk.example")
    if domain_count is not None and not 0 <= domain_count <= count:
        raise ValueError(f"--generate-domain-count {domain_count}: it must be between 0 and --generate ({count})")


def generate_messages(count: int, seed: int, quarantine: str, sender_domain: str,  # pylint: disable=too-many-locals
                      domain_count: int | None, first_mid: int, now: float) -> list[Message]:
    """Generate ``count`` pvo messages in ``quarantine`` with MIDs from ``first_mid``.

    The same seed gives the same messages, and times stay the same distance before ``now``.
    ``domain_count`` messages come from exactly ``sender_domain`` (one in twenty of them with
    mixed-case letters), the rest from a fixed mix of look-alike and unrelated domains.
    With ``domain_count`` None, about a tenth come from the domain.
    """
    validate_generation(count, quarantine, sender_domain, domain_count)
    rng = random.Random(seed)
    if domain_count is None:
        domain_count = count // 10
    exact = set(rng.sample(range(count), domain_count))
    other_domains = lookalike_domains(sender_domain) + list(_OTHER_DOMAINS)
    # Shared by every generated message; the store replaces these objects instead of changing them.
    reasons = {quarantine: (f"Content Filter: {quarantine}",)}
    quarantines = (quarantine,)
    esa_hosts = ("esa1.example.com", "esa2.example.com")
    esa_addresses = ("192.0.2.11", "192.0.2.12")
    uniform = rng.random

    def pick(choices: tuple | list) -> object:
        return choices[int(uniform() * len(choices))]

    messages = []
    exact_seen = 0
    for index in range(count):
        mid = first_mid + index
        if index in exact:
            domain = mixed_case(sender_domain) if exact_seen % 20 == 19 else sender_domain
            exact_seen += 1
        else:
            domain = pick(other_domains)
        sender = f"{pick(_LOCAL_PARTS)}{int(uniform() * 100)}@{domain}"
        esa = int(uniform() * 2)
        attachments = []
        if uniform() < 0.25:
            attachments.append(Attachment(pick(_ATTACHMENT_NAMES), size=1_000 + int(uniform() * 299_000),
                                          seed=f"{seed}:{mid}"))
        messages.append(Message(
            mid, PVO,
            sender=sender,
            recipients=[f"user{int(uniform() * 500)}@example.com"],
            from_addresses=[sender],
            subject=pick(_SUBJECTS).format(n=mid),
            received=now - (3600 + int(uniform() * 19 * 3600)),
            size=2_000 + int(uniform() * 498_000),
            quarantines=quarantines,
            reasons=reasons,
            esa_host=esa_hosts[esa],
            esa_ip=esa_addresses[esa],
            esa_mid=2_000_000 + mid,
            attachments=attachments,
        ))
    return messages
