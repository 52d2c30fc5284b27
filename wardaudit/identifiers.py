"""Spot patient identifiers in free text: notes must never hold an NHS number."""

from __future__ import annotations

import re

_CANDIDATE = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")


def is_valid_nhs_number(digits: str) -> bool:
    """Ten digits whose modulus-11 check digit is right (as NHS numbers are issued)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_numbers_in(text: str) -> list[str]:
    """Every NHS-number-like run of ten digits (spaced 3-3-4 or not) in the text."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        digits = "".join(match.groups())
        if is_valid_nhs_number(digits):
            found.append(digits)
    return found


def identifier_warning(text: str) -> str | None:
    if nhs_numbers_in(text):
        return (
            "this note looks like it holds an NHS number. Notes travel to estates teams and "
            "boards: describe the environment, not the patient, and remove the number."
        )
    return None
