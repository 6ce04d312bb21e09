"""Quarantine state: the messages in each quarantine, searches with a result cache, and actions.

Every pvo quarantine has an index (MID to message) and a version stamp that each change to it
bumps. A search result (filtered and sorted, before paging) is cached under the search's key
together with the stamps of the quarantines it read, so paging through one search costs one
filter and one sort. Actions touch only the MIDs they name.
"""

from __future__ import annotations

import threading
from typing import Callable, Iterable

from .dataset import Dataset
from .dates import DisplayZone, format_iso
from .message import PVO, SPAM, SPAM_QUARANTINE_NAME, Message, render_item
from .query import SearchQuery

# Stamp key of the spam quarantine. No pvo quarantine name can contain a NUL character.
_SPAM_KEY = "\0spam"
_CACHE_ENTRIES = 64


class MailLog:
    """Mail-log lines kept in memory and, optionally, appended to a file."""

    def __init__(self, zone: DisplayZone, path: str | None = None) -> None:
        self.zone = zone
        self.path = path
        self.lines: list[str] = []
        self._file = open(path, "a", encoding="utf-8") if path else None  # pylint: disable=consider-using-with

    def write(self, timestamp: float, texts: Iterable[str]) -> None:
        """Append ``<timestamp> Info: <text>`` lines and flush the file once."""
        stamp = self.zone.mail_log_stamp(timestamp)
        lines = [f"{stamp} Info: {text}" for text in texts]
        if not lines:
            return
        self.lines.extend(lines)
        if self._file is not None:
            self._file.write("".join(line + "\n" for line in lines))
            self._file.flush()

    def clear(self) -> None:
        """Forget the lines kept in memory. The file keeps what was written."""
        self.lines = []

    def close(self) -> None:
        """Close the file, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None


class Store:  # pylint: disable=too-many-instance-attributes
    """The simulated appliance's quarantines. Every public method takes the store's lock."""

    def __init__(self, dataset: Dataset, extra: list[Message], zone: DisplayZone,
                 clock: Callable[[], float], mail_log: MailLog) -> None:
        self.zone = zone
        self.clock = clock
        self.mail_log = mail_log
        self.lock = threading.RLock()
        self._baseline_types = dict(dataset.quarantines)
        # The start state: each message with a copy of its mutable state, put back by restore().
        self._baseline = [(message, message.save_state()) for message in list(dataset.messages) + list(extra)]
        for message in extra:
            for name in message.quarantines:
                self._baseline_types.setdefault(name, "custom")
        self.version = 0
        self.restore()

    # State -------------------------------------------------------------------------------

    def restore(self) -> None:
        """Return to the state at start: the loaded dataset and the generated messages."""
        with self.lock:
            self.types: dict[str, str] = dict(self._baseline_types)
            self.pvo: dict[str, dict[int, Message]] = {name: {} for name in self.types}
            self.spam: dict[int, Message] = {}
            self.archive: dict[int, Message] = {}
            self.state: dict[int, str] = {}
            self.delivered: list[int] = []
            self.deleted: list[int] = []
            self.actions: list[tuple] = []
            self._stamps: dict[str, int] = {}
            self._cache: dict[tuple, tuple[tuple, list[Message]]] = {}
            self.version += 1
            for message, saved in self._baseline:
                message.restore_state(saved)
                self._insert(message)

    def _touch(self, names: Iterable[str]) -> None:
        self.version += 1
        for name in names:
            self._stamps[name] = self.version

    def _insert(self, message: Message) -> None:
        self.archive[message.mid] = message
        self.state[message.mid] = "quarantined"
        if message.qtype == SPAM:
            self.spam[message.mid] = message
            self._touch([_SPAM_KEY])
            return
        for name in message.quarantines:
            self.types.setdefault(name, "custom")
            self.pvo.setdefault(name, {})[message.mid] = message
        self._touch(message.quarantines)

    def is_held(self, mid: int) -> bool:
        """Tell whether a MID is in any quarantine now."""
        with self.lock:
            return self.state.get(mid) == "quarantined"

    def max_mid(self) -> int:
        """Return the highest MID the simulator has seen, or 0."""
        with self.lock:
            return max(self.archive, default=0)

    def pvo_names(self) -> list[str]:
        """Return the defined pvo quarantine names, standard ones first."""
        with self.lock:
            return list(self.types)

    # Searches ----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> tuple[int, list[dict]]:
        """Return the total match count and the rendered items of the requested page."""
        with self.lock:
            names = query.quarantines if query.qtype == PVO else (_SPAM_KEY,)
            stamp = tuple(self._stamps.get(name, 0) for name in names)
            cached = self._cache.get(query.cache_key)
            if cached is not None and cached[0] == stamp:
                result = cached[1]
            else:
                result = self._select(query)
                if len(self._cache) >= _CACHE_ENTRIES:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[query.cache_key] = (stamp, result)
            page = result[query.offset:query.offset + query.limit]
            return len(result), [render_item(message, self.zone) for message in page]

    def _select(self, query: SearchQuery) -> list[Message]:
        if query.qtype == SPAM:
            candidates: Iterable[Message] = self.spam.values()
        elif len(query.quarantines) == 1:
            candidates = self.pvo.get(query.quarantines[0], {}).values()
        else:
            merged: dict[int, Message] = {}
            for name in query.quarantines:
                merged.update(self.pvo.get(name, {}))
            candidates = merged.values()
        start, end = query.start, query.end
        selected = [message for message in candidates if start <= message.received < end]
        for predicate in query.predicates:
            selected = [message for message in selected if predicate(message)]
        query.sort(selected)
        return selected

    def find(self, mid: int, qtype: str) -> Message | None:
        """Return the message if a quarantine of that type contains it now."""
        with self.lock:
            message = self.archive.get(mid)
            if message is None or message.qtype != qtype or self.state.get(mid) != "quarantined":
                return None
            return message

    # Actions -----------------------------------------------------------------------------

    def act(self, action: str, qtype: str, quarantine: str | None, mids: list[int], **options) -> list[int]:
        """Apply an API action to the MIDs that the quarantine contains and return those MIDs.

        MIDs that the quarantine does not contain are skipped, as the appliance leaves them out
        of totalCount. ``options`` carries ``destination`` (move), ``new_exit`` and ``delay``
        (delay) or ``recipients`` (sendCopy).
        """
        with self.lock:
            now = self.clock()
            holder = self.spam if qtype == SPAM else self.pvo.get(quarantine or "", {})
            name = SPAM_QUARANTINE_NAME if qtype == SPAM else quarantine
            acted = [mid for mid in dict.fromkeys(mids) if mid in holder]
            handler = {"release": self._release, "delete": self._delete, "move": self._move,
                       "delay": self._delay, "sendCopy": self._send_copy}[action]
            lines: list[str] = []
            for mid in acted:
                lines.extend(handler(holder[mid], name, now, options))
            if acted:
                self._touch([_SPAM_KEY] if qtype == SPAM else self._touched_names(action, quarantine, options, acted))
            self.mail_log.write(now, lines)
            return acted

    def _touched_names(self, action: str, quarantine: str | None, options: dict, acted: list[int]) -> list[str]:
        names = [quarantine or ""]
        if action == "move":
            names.append(options["destination"])
        elif action == "delay":
            # The exit time shows in every quarantine that contains the message.
            for mid in acted:
                names.extend(self.archive[mid].quarantines)
        elif action == "sendCopy":
            return []
        return names

    def _leave(self, message: Message, name: str) -> None:
        """Take a message out of one quarantine (the spam quarantine for spam)."""
        if message.qtype == SPAM:
            del self.spam[message.mid]
            return
        del self.pvo[name][message.mid]
        message.quarantines = tuple(held for held in message.quarantines if held != name)

    def _record(self, now: float, action: str, mid: int, quarantine: str, **extra) -> None:
        self.actions.append((len(self.actions) + 1, now, action, mid, quarantine, extra or None))

    def _release(self, message: Message, name: str, now: float, _options: dict) -> list[str]:
        self._leave(message, name)
        self._record(now, "release", message.mid, name)
        if not message.quarantines or message.qtype == SPAM:
            self.state[message.mid] = "delivered"
            self.delivered.append(message.mid)
        return [f'MID {message.mid} released from quarantine "{name}" (manual) t={int(now - message.received)}']

    def _delete(self, message: Message, name: str, now: float, _options: dict) -> list[str]:
        self._leave(message, name)
        self._record(now, "delete", message.mid, name)
        if not message.quarantines or message.qtype == SPAM:
            self.state[message.mid] = "deleted"
            self.deleted.append(message.mid)
        return [f'MID {message.mid} deleted from quarantine "{name}" (manual) t={int(now - message.received)}']

    def _move(self, message: Message, name: str, now: float, options: dict) -> list[str]:
        destination = options["destination"]
        reasons = message.reasons_for(name)
        self._leave(message, name)
        if destination not in message.quarantines:
            message.quarantines += (destination,)
            message.reasons = {**message.reasons, destination: reasons}
        self.pvo.setdefault(destination, {})[message.mid] = message
        self._record(now, "move", message.mid, name, destination=destination)
        return [f'MID {message.mid} moved from quarantine "{name}" to "{destination}" (manual) '
                f't={int(now - message.received)}']

    def _delay(self, message: Message, name: str, now: float, options: dict) -> list[str]:
        new_exit = options["new_exit"](message.scheduled_exit)
        message.scheduled_exit = new_exit
        self._record(now, "delay", message.mid, name, delay=options["delay"], scheduledExit=format_iso(new_exit))
        return [f'MID {message.mid} exit delayed in quarantine "{name}" until '
                f'{self.zone.mail_log_stamp(new_exit)} (manual)']

    def _send_copy(self, message: Message, name: str, now: float, options: dict) -> list[str]:
        recipients = options["recipients"]
        self._record(now, "sendCopy", message.mid, name, recipients=list(recipients))
        return [f'MID {message.mid} copy sent to {address} from quarantine "{name}" (manual)' for address in recipients]

    # Changes made by the admin interface and by faults -----------------------------------

    def add_messages(self, messages: list[Message]) -> None:
        """Add arriving messages. The caller has checked that their MIDs are free."""
        with self.lock:
            for message in messages:
                self._insert(message)

    def remove_messages(self, mids: Iterable[int], reason: str) -> list[int]:
        """Take MIDs out of every quarantine without a manual action and return the MIDs removed.

        ``reason`` is ``expired`` (retention: logged as a deletion) or ``external`` (another
        administrator released them: logged and counted as a release).
        """
        with self.lock:
            now = self.clock()
            removed, lines = [], []
            for mid in dict.fromkeys(mids):
                if self.state.get(mid) != "quarantined":
                    continue
                message = self.archive[mid]
                names = [SPAM_QUARANTINE_NAME] if message.qtype == SPAM else list(message.quarantines)
                for name in names:
                    self._leave(message, name)
                    self._record(now, "external_release" if reason == "external" else "expire", mid, name)
                    verb = "released" if reason == "external" else "deleted"
                    mode = "manual" if reason == "external" else "expired"
                    lines.append(f'MID {mid} {verb} from quarantine "{name}" ({mode}) t={int(now - message.received)}')
                self.state[mid] = "delivered" if reason == "external" else "expired"
                (self.delivered if reason == "external" else self.deleted).append(mid)
                self._touch([_SPAM_KEY] if message.qtype == SPAM else names)
                removed.append(mid)
            self.mail_log.write(now, lines)
            return removed

    def requarantine(self, mids: Iterable[int], quarantine: str, offset: int) -> list[int]:
        """Put released messages back under new MIDs (old MID plus ``offset``) and return the new MIDs.

        This imitates a released message that the gateway scanned again and quarantined again.
        """
        with self.lock:
            now = self.clock()
            created, lines = [], []
            for mid in mids:
                original = self.archive.get(mid)
                if original is None:
                    continue
                new_mid = mid + offset
                while new_mid in self.archive:
                    new_mid += offset
                copy = original.clone(new_mid)
                copy.quarantines = (quarantine,) if original.qtype == PVO else ()
                copy.reasons = {quarantine: original.reasons_for(quarantine)} if original.qtype == PVO else {}
                self._insert(copy)
                self._record(now, "requarantine", new_mid, quarantine, original_mid=mid)
                lines.append(f'MID {new_mid} quarantined to "{quarantine}" (rescan of MID {mid})')
                created.append(new_mid)
            self.mail_log.write(now, lines)
            return created

    # Views for the admin interface ---------------------------------------------------------

    def snapshot(self, quarantine: str | None = None, since: int = 0) -> dict:
        """Return the state view of ``GET /_sim/state``, optionally for one quarantine and newer actions."""
        with self.lock:
            if quarantine is None:
                quarantines = {name: sorted(self.pvo.get(name, {})) for name in self.types}
            else:
                quarantines = {quarantine: sorted(self.pvo.get(quarantine, {}))} if quarantine in self.types else {}
            actions = []
            for seq, when, action, mid, name, extra in self.actions[since:]:
                if quarantine is not None and name != quarantine and (extra or {}).get("destination") != quarantine:
                    continue
                record = {"seq": seq, "time": format_iso(when), "action": action, "mid": mid, "quarantine": name}
                record.update(extra or {})
                actions.append(record)
            return {
                "quarantines": quarantines,
                "spam": sorted(self.spam),
                "delivered": sorted(self.delivered),
                "deleted": sorted(self.deleted),
                "actions": actions,
                "version": self.version,
                "mail_log": list(self.mail_log.lines),
            }

    def describe(self, mid: int) -> dict | None:
        """Return the stored form of one message for ``GET /_sim/messages/<mid>``, or None."""
        with self.lock:
            message = self.archive.get(mid)
            if message is None:
                return None
            item = render_item(message, self.zone)
            item.update({
                "quarantineType": message.qtype,
                "quarantines": list(message.quarantines),
                "state": self.state[mid],
                "attachments": [{"name": item.name, "size": item.size} for item in message.attachments],
            })
            return item
