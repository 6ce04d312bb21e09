"""Fault rules: deterministic failures, delays and state changes injected into API requests.

A rule is ``{"match": {...}, "effect": {...}}``. The match selects requests by method, path
(exact, or a prefix when it ends with ``*``) and, for POST bodies, the action. A rule counts
its matching requests from the moment it is set and fires for the ``nth`` one and the
``times - 1`` after it (``times: 0`` means every one from the ``nth`` on).
"""

from __future__ import annotations

import threading

MATCH_KEYS = {"method", "path", "action", "nth", "times"}
METHODS = {"GET", "POST", "DELETE", "*"}
# Effect keys, exactly one per rule. "status" may come with "retry_after" and "message",
# and "requarantine_all" with "new_mid_offset".
EFFECTS = ("status", "apply_then_status", "delay", "apply_then_delay", "reset", "apply_then_reset", "drift",
           "vanish", "count_delta", "requarantine", "requarantine_all", "expire_tokens", "refresh_token")
_COMPANIONS = {"status": {"retry_after", "message"}, "requarantine_all": {"new_mid_offset"}}
DEFAULT_MID_OFFSET = 100000


class FaultError(ValueError):
    """A fault rule that cannot be used. The message names the rule and the fix."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _int_list(value: object) -> bool:
    return isinstance(value, list) and all(_is_int(item) for item in value)


class FaultRule:  # pylint: disable=too-many-instance-attributes
    """One validated rule with its counter of matching requests."""

    def __init__(self, spec: object, where: str) -> None:
        if not isinstance(spec, dict) or set(spec) - {"match", "effect"} or "effect" not in spec:
            raise FaultError(f"{where}: a rule is an object {{\"match\": {{...}}, \"effect\": {{...}}}}")
        match = spec.get("match", {})
        if not isinstance(match, dict):
            raise FaultError(f"{where}: \"match\" must be an object")
        unknown = sorted(set(match) - MATCH_KEYS)
        if unknown:
            raise FaultError(f"{where}: unknown match key(s) {', '.join(unknown)}; use {', '.join(sorted(MATCH_KEYS))}")
        self.method = str(match.get("method", "*")).upper()
        if self.method not in METHODS:
            raise FaultError(f"{where}: match.method {match.get('method')!r} is not one of GET, POST, DELETE, *")
        self.path = match.get("path", "*")
        if not isinstance(self.path, str) or not self.path:
            raise FaultError(f"{where}: match.path must be a path such as \"/sma/api/v2.0/quarantine/messages\" "
                             "or a prefix ending in \"*\"")
        self.action = match.get("action")
        if self.action is not None and not isinstance(self.action, str):
            raise FaultError(f"{where}: match.action must be a string such as \"release\"")
        self.nth = match.get("nth", 1)
        self.times = match.get("times", 1)
        if not _is_int(self.nth) or self.nth < 1:
            raise FaultError(f"{where}: match.nth must be an integer >= 1 (1 is the first matching request)")
        if not _is_int(self.times) or self.times < 0:
            raise FaultError(f"{where}: match.times must be an integer >= 0 (0 fires for every matching request)")
        self.effect = spec["effect"]
        self.kind = _validate_effect(self.effect, where)
        self.seen = 0
        self.fired = 0

    def applies_to(self, method: str, path: str, action: str | None) -> bool:
        """Tell whether a request falls under this rule's match, before counting."""
        if self.method not in ("*", method):
            return False
        if self.path.endswith("*"):
            if not path.startswith(self.path[:-1]):
                return False
        elif path != self.path:
            return False
        return self.action is None or self.action == action

    def count(self) -> bool:
        """Count one matching request and tell whether the rule fires for it."""
        self.seen += 1
        if self.seen < self.nth:
            return False
        if self.times and self.seen >= self.nth + self.times:
            return False
        self.fired += 1
        return True

    def describe(self) -> dict:
        """Return the rule as JSON with its counters."""
        match = {"method": self.method, "path": self.path, "nth": self.nth, "times": self.times}
        if self.action is not None:
            match["action"] = self.action
        return {"match": match, "effect": self.effect, "seen": self.seen, "fired": self.fired}


def _validate_effect(effect: object, where: str) -> str:  # pylint: disable=too-many-branches
    if not isinstance(effect, dict):
        raise FaultError(f"{where}: \"effect\" must be an object such as {{\"status\": 503}}")
    kinds = [key for key in effect if key in EFFECTS]
    if len(kinds) != 1:
        raise FaultError(f"{where}: an effect needs exactly one of {', '.join(EFFECTS)}; got {sorted(effect)}; "
                         "use one rule per effect")
    kind = kinds[0]
    extra = sorted(set(effect) - {kind} - _COMPANIONS.get(kind, set()))
    if extra:
        raise FaultError(f"{where}: unknown key(s) {', '.join(extra)} in a \"{kind}\" effect")
    value = effect[kind]
    problem = None
    if kind in ("status", "apply_then_status"):
        if not _is_int(value) or not 100 <= value <= 599:
            problem = "must be an HTTP status code such as 503"
        elif "retry_after" in effect and (not _is_number(effect["retry_after"]) or effect["retry_after"] < 0):
            problem = "has a retry_after that is not a number of seconds >= 0"
        elif "message" in effect and not isinstance(effect["message"], str):
            problem = "has a message that is not a string"
    elif kind in ("delay", "apply_then_delay"):
        if not _is_number(value) or not 0 <= value <= 3600:
            problem = "must be seconds between 0 and 3600"
    elif kind in ("reset", "apply_then_reset", "expire_tokens", "refresh_token"):
        if value is not True:
            problem = "must be true"
    elif kind == "requarantine_all":
        offset = effect.get("new_mid_offset", DEFAULT_MID_OFFSET)
        if value is not True or not _is_int(offset) or offset < 1:
            problem = "must be true, with an optional new_mid_offset integer >= 1"
    elif kind == "vanish":
        if not _int_list(value):
            problem = "must be a list of integer MIDs"
    elif kind == "count_delta":
        if not _is_int(value):
            problem = "must be an integer such as 2 or -1"
    elif kind == "requarantine":
        problem = _requarantine_problem(value)
    elif kind == "drift":
        problem = _drift_problem(value)
    if problem:
        raise FaultError(f"{where}: effect \"{kind}\" {problem}")
    return kind


def _requarantine_problem(value: object) -> str | None:
    if not isinstance(value, dict) or set(value) - {"mids", "new_mid_offset"} or not _int_list(value.get("mids")):
        return "must be {\"mids\": [integers], \"new_mid_offset\": integer}"
    offset = value.get("new_mid_offset", DEFAULT_MID_OFFSET)
    if not _is_int(offset) or offset < 1:
        return "needs a new_mid_offset integer >= 1"
    return None


def _drift_problem(value: object) -> str | None:
    if not isinstance(value, dict) or not value or set(value) - {"remove", "add", "add_generated"}:
        return "must be an object with \"remove\", \"add\" and/or \"add_generated\""
    if "remove" in value and not _int_list(value["remove"]):
        return "needs \"remove\" as a list of integer MIDs"
    if "add" in value and not isinstance(value["add"], list):
        return "needs \"add\" as a list of dataset message entries"
    generated = value.get("add_generated")
    if generated is not None:
        if not isinstance(generated, dict) or set(generated) - {"count", "quarantine", "sender_domain"}:
            return "needs \"add_generated\" as {\"count\": n, \"quarantine\": name, \"sender_domain\": domain}"
        if not _is_int(generated.get("count")) or generated["count"] < 1:
            return "needs add_generated.count as an integer >= 1"
        for key in ("quarantine", "sender_domain"):
            if key in generated and not isinstance(generated[key], str):
                return f"needs add_generated.{key} as a string"
    return None


def parse_rules(data: object, source: str = "faults") -> list[FaultRule]:
    """Validate a rule list, given as a JSON list or as ``{"faults": [...]}``."""
    if isinstance(data, dict) and set(data) == {"faults"}:
        data = data["faults"]
    if not isinstance(data, list):
        raise FaultError(f"{source}: expected a list of rules or {{\"faults\": [rules]}}")
    return [FaultRule(spec, f"{source}: rule {index}") for index, spec in enumerate(data)]


class FaultSet:
    """The active rules. ``select`` counts a request against every rule and returns the effects that fire."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def replace(self, rules: list[FaultRule], append: bool = False) -> None:
        """Set the rules, or add them after the current ones."""
        with self._lock:
            self._rules = (self._rules + rules) if append else list(rules)

    def clear(self) -> None:
        """Remove every rule."""
        self.replace([])

    def describe(self) -> list[dict]:
        """Return the rules with their counters."""
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def select(self, method: str, path: str, action: str | None) -> list[dict]:
        """Return the effects of the rules that fire for this request, in rule order."""
        with self._lock:
            return [rule.effect for rule in self._rules
                    if rule.applies_to(method, path, action) and rule.count()]
