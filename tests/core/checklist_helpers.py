"""What the checklist and scoring tests share: a small valid checklist file to start from,
writing it out, what a malformed file must get, and answers packed as the store keeps them."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from wardaudit.checklist import Checklist, load_bytes, validate_file
from wardaudit.errors import ChecklistError
from wardaudit.scoring import Packing

# Two items in one section and one setting: L01 gives its weight, L02 leaves weight and
# designations to their defaults and is critical only under the stricter reading.
GOOD = textwrap.dedent(
    """
    format = 1
    id = "night"
    version = 1
    title = "Night environment"

    [thresholds]
    green = 90
    amber = 75

    [settings.corridor_rule]
    description = "Which reading of the guidance applies to shared corridors."
    choices = ["dssa-2019", "code-of-practice"]
    value = "dssa-2019"

    [[sections]]
    id = "lighting"
    title = "Lighting"

    [[sections.items]]
    id = "L01"
    question = "Is every corridor lamp working?"
    guidance = "No dark stretches."
    weight = 1
    risk = { likelihood = 3, consequence = 3 }
    owner = "Estates"
    action = "Report failed lamps."
    sources = ["HBN 03-01 (2013)"]

    [[sections.items]]
    id = "L02"
    question = "Is the corridor private?"
    guidance = "It should be."
    risk = { likelihood = 3, consequence = 4 }
    owner = "Estates"
    action = "Make it private."
    sources = ["Another source"]
    critical_when = { corridor_rule = "code-of-practice" }
    """
)


def write(folder: Path, text: str | bytes, name: str = "list.toml") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def packed(checklist: Checklist, answers: Mapping[str, str]) -> str:
    """``answers`` packed one at a time, as an audit being answered is stored."""
    packing = Packing(checklist)
    result = packing.blank()
    for item_id, value in answers.items():
        result = packing.put(result, item_id, value)
    return result


def assert_clear_problem(path: Path, expected: str, name: str = "a malformed file") -> None:
    """A malformed checklist file: problems, not a crash; one of them says ``expected``;
    each names the file on one short line; and loading it raises ChecklistError."""
    problems = validate_file(path)
    assert problems, f"{name}: must not validate"
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(str(path)) for p in problems), "every problem names the file"
    assert all("\n" not in p and len(p) < 600 for p in problems), "one short line each"
    with pytest.raises(ChecklistError):
        load_bytes(path.read_bytes(), str(path))
