"""Spot patient identifiers in free text: nothing a person types may hold an NHS number.

One finder serves every place text comes in: notes, locations, amendment reasons, action
descriptions and status notes, estates comments, names and roles typed in the app or on the
command line, a returned workbook's cells and an incident export's columns. An NHS number
is ten digits passing the modulus-11 check, written whole or in groups with spaces, line
breaks, dashes, dots or slashes between them ("943 476 5919", "943-476-5919",
"943\\n476\\n5919"). Groups are never split, so longer numbers (an eleven-digit phone number)
are not taken for one; and the separators between the groups making up the ten digits must
be of one kind, so a date followed by a time ("27/11/2026 10:30") is not one either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# A run of digit groups, each separator one kind: white space (a space, a tab, a line
# break), or a dash, dot or slash, perhaps with spaces around it.
_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:(?:[ \t]*[-./][ \t]*|\s+)\d+)*")
_SEPARATOR = re.compile(r"[ \t]*([-./])[ \t]*|(\s+)")
_TEN = 10


def is_valid_nhs_number(digits: str) -> bool:
    """Ten digits whose modulus-11 check digit is right (as NHS numbers are issued)."""
    if len(digits) != _TEN or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _groups(run: str) -> tuple[list[str], list[str]]:
    """The digit groups of a run and the kind of each separator between them."""
    groups: list[str] = []
    kinds: list[str] = []
    position = 0
    for separator in _SEPARATOR.finditer(run):
        groups.append(run[position : separator.start()])
        kinds.append(separator.group(1) or " ")
        position = separator.end()
    groups.append(run[position:])
    return groups, kinds


def nhs_numbers_in(text: str | None) -> list[str]:
    """Every NHS number in the text, as its ten digits, however it is grouped.

    Any run of whole groups adding up to ten digits counts ("bed 4 999 000 0026" holds
    one), provided the separators inside it are of one kind.
    """
    if not text:
        return []
    found: list[str] = []
    for match in _DIGIT_RUN.finditer(text):
        groups, kinds = _groups(match.group())
        for first in range(len(groups)):
            digits = ""
            for last in range(first, len(groups)):
                digits += groups[last]
                if len(digits) >= _TEN:
                    break
            if (
                len(digits) == _TEN
                and len(set(kinds[first:last])) <= 1
                and is_valid_nhs_number(digits)
                and digits not in found
            ):
                found.append(digits)
    return found


def holds_nhs_number(text: str | None) -> bool:
    """True when the text holds ten digits, grouped any way, that pass the NHS check."""
    return bool(nhs_numbers_in(text))


# What each free-text field is called in a warning, by the name the store gives it.
FIELD_WORDS: dict[str, str] = {
    "note": "the note",
    "location": "the location",
    "reason": "the reason for the amendment",
    "description": "the action's description",
    "status_note": "the status note",
    "comment": "the estates comment",
    "owner": "the action's owner",
    "team_name": "a team member's name",
    "team_role": "a team member's role",
    "auditor": "the auditor's name",
    "signed_by": "the name signing off",
    "role": "the role signing off",
    "amended_by": "the name making the amendment",
    "actor": "the name",
}


@dataclass(frozen=True)
class IdentifierWarning:
    """One field that looks like it holds an NHS number, and what to tell the person."""

    field: str
    message: str


def warning_for(field: str) -> str:
    """The words of the warning for one field (as shown beside it, or by the command line)."""
    words = FIELD_WORDS.get(field, f"the {field.replace('_', ' ')}")
    return (
        f"{words} looks like it holds an NHS number. What is written here travels to estates "
        "teams and boards: describe the environment, not the patient, and remove the number."
    )


def identifier_warnings(fields: Mapping[str, str | None]) -> list[IdentifierWarning]:
    """The fields of one user action that look like they hold an NHS number, in order.

    ``fields`` maps a field's name (a key of :data:`FIELD_WORDS`, or any name) to the text
    entered; empty and missing fields are skipped. The app shows each warning beside its
    field; the command line prints them; a workbook import lists them per row.
    """
    return [
        IdentifierWarning(field, warning_for(field))
        for field, text in fields.items()
        if text and holds_nhs_number(text)
    ]


def identifier_warning(text: str | None, field: str = "note") -> str | None:
    """The warning for one field's text, or None when it holds no NHS number."""
    return warning_for(field) if holds_nhs_number(text) else None


def identifier_warning_for(fields: Mapping[str, str | None]) -> str | None:
    """One warning naming every field of an action that looks like it holds an NHS number,
    for the one label the app shows beside them; None when none does."""
    found = identifier_warnings(fields)
    if len(found) <= 1:
        return found[0].message if found else None
    names = [FIELD_WORDS.get(w.field, f"the {w.field.replace('_', ' ')}") for w in found]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"{listed} look like they hold an NHS number. What is written here travels to estates "
        "teams and boards: describe the environment, not the patient, and remove the number."
    )
