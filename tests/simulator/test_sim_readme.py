"""The examples in sma_simulator/README.md load as documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sma_simulator.app import Simulator
from sma_simulator.dataset import parse_dataset
from sma_simulator.faults import EFFECTS

README = Path(__file__).resolve().parents[2] / "sma_simulator" / "README.md"


def example(name: str) -> object:
    """Return the JSON block that follows ``<!-- example: name -->`` in the README."""
    match = re.search(rf"<!-- example: {name} -->\s*```json\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert match, f"no example {name!r} in {README}"
    return json.loads(match.group(1))


def test_dataset_example_loads():
    dataset = parse_dataset(example("dataset"), "README", 1_773_576_000.0)
    assert [message.mid for message in dataset.messages] == [1001, 1002, 2001]
    assert dataset.quarantines["PARTNER_HOLD"] == "custom"
    assert dataset.messages[0].quarantines == ("PARTNER_HOLD", "Policy")
    assert dataset.messages[1].attachments[0].data() == b"hello\n"


def test_fault_example_covers_every_effect():
    rules = example("faults")
    kinds = {key for rule in rules for key in rule["effect"] if key in EFFECTS}
    assert kinds == set(EFFECTS)
    simulator = Simulator()
    simulator.set_faults(rules)
    assert len(simulator.faults.describe()) == len(rules)
