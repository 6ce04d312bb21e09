"""The stored form of a quarantined message and its rendering in the API's shapes."""

from __future__ import annotations

import base64
import random
from types import MappingProxyType
from typing import Mapping, Sequence

from .dates import DisplayZone

PVO = "pvo"
SPAM = "spam"
# Name used for the spam quarantine in mail-log lines and in the action record.
SPAM_QUARANTINE_NAME = "Spam Quarantine"

_NO_EXTRA: Mapping = MappingProxyType({})

# Reasons shown in quarantineForReason when a dataset gives none.
DEFAULT_REASONS = {
    "Policy": "Content Filter: policy_filter",
    "Virus": "Anti-Virus: virus detected",
    "Outbreak": "Outbreak Filters: threat level 4",
    "Unclassified": "Anti-Virus: unscannable content",
    "File Analysis": "Advanced Malware Protection: file sent for analysis",
}


def _lower(text: str) -> str:
    lowered = text.lower()
    return text if lowered == text else lowered


def _lower_all(texts: tuple[str, ...]) -> tuple[str, ...]:
    lowered = tuple(map(_lower, texts))
    return texts if lowered == texts else lowered


def default_reason(quarantine: str) -> str:
    """Return the reason text used when a dataset gives none for this quarantine."""
    return DEFAULT_REASONS.get(quarantine, f"Content Filter: quarantine to {quarantine}")


def format_size(size: int, decimals: int) -> str:
    """Render a byte count in kilobytes like the API (``320.5K`` for pvo, ``17.50K`` for spam)."""
    return f"{size / 1024:.{decimals}f}K"


class Attachment:
    """One attachment: a name and either its bytes or a size whose bytes are generated on demand."""

    __slots__ = ("name", "size", "_data", "_seed")

    def __init__(self, name: str, data: bytes | None = None, size: int | None = None, seed: str = "") -> None:
        self.name = name
        self._data = data
        self.size = len(data) if data is not None else int(size or 0)
        self._seed = seed

    def data(self) -> bytes:
        """Return the attachment bytes, generating them deterministically from the seed if needed."""
        if self._data is None:
            return random.Random(f"{self._seed}:{self.name}").randbytes(self.size)
        return self._data

    def base64_size(self) -> int:
        """Return the length of the Base64 text of the attachment."""
        return 4 * ((self.size + 2) // 3)

    def base64_text(self) -> str:
        """Return the attachment as Base64 text, as the attachment endpoint sends it."""
        return base64.b64encode(self.data()).decode("ascii")


class Message:
    """A message as the simulator stores it.

    Content fields do not change after loading. The state fields ``quarantines`` (a tuple),
    ``reasons`` and ``scheduled_exit`` are replaced on change, never changed in place, so
    ``save_state`` can keep references and many messages can share one ``reasons`` dict.
    """

    __slots__ = (
        "mid", "qtype", "sender", "recipients", "from_addresses", "to_addresses", "subject",
        "received", "scheduled_exit", "size", "size_text", "quarantines", "reasons",
        "esa_host", "esa_mid", "esa_ip", "attachments", "headers", "body", "matched_contents",
        "extra_attributes", "sender_lc", "subject_lc", "recipients_lc", "from_lc", "to_lc",
    )

    def __init__(self, mid: int, qtype: str, *, received: float,  # pylint: disable=too-many-arguments,too-many-locals
                 sender: str = "", recipients: Sequence[str] = (), from_addresses: Sequence[str] = (),
                 to_addresses: Sequence[str] = (), subject: str = "", scheduled_exit: float | None = None,
                 size: int = 0, size_text: str | None = None, quarantines: Sequence[str] = (),
                 reasons: Mapping[str, Sequence[str]] | None = None, esa_host: str = "esa1.example.com",
                 esa_mid: int | None = None, esa_ip: str = "192.0.2.10", attachments: Sequence[Attachment] = (),
                 headers: str | None = None, body: str = "This is a simulated message body.\n",
                 matched_contents: Sequence = (), extra_attributes: Mapping | None = None) -> None:
        # Content sequences are tuples: they never change, and generated messages can share them.
        self.mid = mid
        self.qtype = qtype
        self.sender = sender
        self.recipients = tuple(recipients)
        self.from_addresses = tuple(from_addresses)
        self.to_addresses = tuple(to_addresses)
        self.subject = subject
        self.received = float(received)
        # Without a dataset value the message leaves the quarantine 30 days after arrival.
        self.scheduled_exit = float(scheduled_exit) if scheduled_exit is not None else self.received + 30 * 86400
        self.size = size
        self.size_text = size_text
        self.quarantines = tuple(quarantines)
        self.reasons = reasons if reasons is not None else _NO_EXTRA
        self.esa_host = esa_host
        self.esa_mid = esa_mid
        self.esa_ip = esa_ip
        self.attachments = tuple(attachments)
        self.headers = headers
        self.body = body
        self.matched_contents = tuple(matched_contents)
        self.extra_attributes = extra_attributes or _NO_EXTRA
        # Lower-case copies for case-insensitive filtering, computed once and shared with
        # the original when it is lower case already.
        self.sender_lc = _lower(sender)
        self.subject_lc = _lower(subject)
        self.recipients_lc = _lower_all(self.recipients)
        self.from_lc = _lower_all(self.from_addresses)
        self.to_lc = _lower_all(self.to_addresses)

    def clone(self, mid: int) -> "Message":
        """Return a copy under another MID that shares the content but has its own mutable state."""
        copy = Message.__new__(Message)
        for name in Message.__slots__:
            setattr(copy, name, getattr(self, name))
        copy.mid = mid
        return copy

    def save_state(self) -> tuple:
        """Return the state fields, for ``restore_state``."""
        return (self.quarantines, self.reasons, self.scheduled_exit)

    def restore_state(self, state: tuple) -> None:
        """Put back the state fields saved by ``save_state``."""
        self.quarantines, self.reasons, self.scheduled_exit = state

    def reasons_for(self, quarantine: str) -> Sequence[str]:
        """Return the quarantine reasons recorded for one quarantine."""
        return self.reasons.get(quarantine) or [default_reason(quarantine)]

    def rendered_size(self) -> str:
        """Return the size text, keeping the dataset's own text when it gave one."""
        if self.size_text:
            return self.size_text
        return format_size(self.size, 1 if self.qtype == PVO else 2)

    def header_text(self, zone: DisplayZone) -> str:
        """Return the message headers, built from the envelope when the dataset gives none."""
        if self.headers is not None:
            return self.headers
        sender = self.from_addresses[0] if self.from_addresses else self.sender
        recipients = self.to_addresses or self.recipients
        lines = [
            f"Received: from {self.esa_host} ([{self.esa_ip}])",
            f"From: {sender}",
            f"To: {', '.join(recipients)}",
            f"Subject: {self.subject}",
            f"Date: {zone.render(self.received)}",
            f"Message-ID: <{self.mid}.{self.esa_mid or self.mid}@{self.esa_host}>",
        ]
        return "\n".join(lines)


def render_item(message: Message, zone: DisplayZone) -> dict:
    """Render a search result item in the API's shape for the message's quarantine type."""
    if message.qtype == SPAM:
        attributes = {
            "envelopeRecipient": message.recipients,
            "toAddress": message.to_addresses,
            "fromAddress": message.from_addresses,
            "subject": message.subject,
            "date": zone.render(message.received),
            "size": message.rendered_size(),
        }
    else:
        attributes = {
            "sender": message.sender,
            "recipient": message.recipients,
            "fromAddress": message.from_addresses,
            "subject": message.subject,
            "received": zone.render(message.received),
            "scheduledExit": zone.render(message.scheduled_exit),
            "size": message.rendered_size(),
            # NOTE: the API's inQuarantines is one string even for a message in several
            # quarantines, so comma-joined names are a best guess.
            "inQuarantines": ", ".join(message.quarantines),
            "quarantineForReason": [reason for name in message.quarantines for reason in message.reasons_for(name)],
            "quarantineForReasonDict": [
                {"quarantineName": name, "reason": message.reasons_for(name)} for name in message.quarantines
            ],
            "esaHostName": message.esa_host,
            "esaMid": message.esa_mid,
            "originatingEsaIp": message.esa_ip,
        }
    if message.extra_attributes:
        attributes.update(message.extra_attributes)
    return {"mid": message.mid, "attributes": attributes}


def render_details(message: Message, zone: DisplayZone) -> dict:
    """Render the ``/quarantine/messages/details`` response body for one message."""
    if message.qtype == SPAM:
        attributes = {
            "envelopeRecipient": message.recipients,
            "toAddress": message.to_addresses,
            "fromAddress": message.from_addresses,
            "subject": message.subject,
            "date": zone.render(message.received),
            "messageBody": message.body,
            "attachments": [attachment.name for attachment in message.attachments],
        }
        return {"data": {"mid": message.mid, "attributes": attributes}}
    body_size = len(message.body.encode("utf-8"))
    parts = [{"attachmentId": 1, "attachmentName": "[message body]", "attachmentSize": format_size(body_size, 1)}]
    for index, attachment in enumerate(message.attachments, start=2):
        # NOTE: attachmentSize shows the size of the Base64 text, as brice-automatizit/PSCiscoSMA
        # reads it. Whether the appliance reports the decoded size instead is not confirmed.
        parts.append({"attachmentId": index, "attachmentName": attachment.name,
                      "attachmentSize": format_size(attachment.base64_size(), 1)})
    attributes = {
        "messageDetails": {"sender": message.sender, "recipient": message.recipients,
                           "fromAddress": message.from_addresses, "subject": message.subject},
        "quarantineDetails": [
            {"quarantineName": name, "reason": message.reasons_for(name),
             "received": zone.render(message.received), "scheduledExit": zone.render(message.scheduled_exit),
             "esaHostName": message.esa_host, "originatingEsaIp": message.esa_ip}
            for name in message.quarantines
        ],
        "messagePartDetails": parts,
        "matchedContents": message.matched_contents,
        "messageBody": message.body,
        "headers": message.header_text(zone),
    }
    return {"data": {"mid": message.mid, "attributes": attributes}}
