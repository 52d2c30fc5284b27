"""One NHS-number finder for every free-text field: however the digits are grouped, and
never for the numbers wards write every day."""

from __future__ import annotations

import random

import pytest

from wardaudit.identifiers import (
    FIELD_WORDS,
    holds_nhs_number,
    identifier_warning,
    identifier_warnings,
    is_valid_nhs_number,
    nhs_numbers_in,
)
from wardaudit.incidents.sensitive import nhs_number_in

NUMBER = "9434765919"  # the NHS's own example of a valid number


@pytest.mark.parametrize(
    "written",
    [
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        "943.476.5919",
        "943/476/5919",
        "943\n476\n5919",
        "943\r\n476\r\n5919",
        "943 - 476 - 5919",
        "943\u00a0476\u00a05919",  # no-break spaces, as word processors paste them
        "9 4 3 4 7 6 5 9 1 9",
        "94 34 76 59 19",
    ],
)
def test_an_nhs_number_is_found_however_it_is_grouped(written: str) -> None:
    for text in (written, f"Patient {written} said the door was open", f"bed 4 {written}."):
        assert nhs_numbers_in(text) == [NUMBER], text
        assert nhs_number_in(text), "the incident checks use the same finder"


@pytest.mark.parametrize(
    "ordinary",
    [
        "943 476 5918",  # fails the check digit
        "19434765919",  # eleven digits: a group is never split
        "94347659190",
        "0161 496 0000",  # a phone number: eleven digits
        "07700 900123",
        "Checked 27/11/2026 10:30 with the nurse in charge",
        "27.11.2026 at 10.30",
        "2026-11-27 10:30",
        "20 beds, 4 bathrooms, 2 lounges",
        "Ward 12, bay 3, bed 4",
        "Job 4471 logged 3 times since 2024",
        "Room 101/102",
    ],
)
def test_ordinary_numbers_are_not_taken_for_one(ordinary: str) -> None:
    assert nhs_numbers_in(ordinary) == [] and not nhs_number_in(ordinary)


def test_dates_followed_by_times_never_warn() -> None:
    """Ten digits, one time in eleven passing the check: the separators tell them apart."""
    rng = random.Random(2018)
    passing = 0
    for _ in range(2000):
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2020, 2030)
        hour = rng.randint(10, 23)
        text = f"seen {day:02d}/{month:02d}/{year} {hour}:{rng.randint(0, 59):02d}"
        passing += is_valid_nhs_number(f"{day:02d}{month:02d}{year}{hour}")
        assert not holds_nhs_number(text), text
    assert passing > 50, "many of these would pass the check if the groups were joined"


def test_every_free_text_field_a_person_enters_is_named_in_its_warning() -> None:
    fields = {
        "note": "fine",
        "location": f"Bedroom of {NUMBER}",
        "reason": "943-476-5919 asked",
        "description": None,
        "status_note": "943/476/5919",
        "comment": "",
        "team_name": "943.476.5919",
        "signed_by": "A matron",
    }
    found = identifier_warnings(fields)
    assert [w.field for w in found] == ["location", "reason", "status_note", "team_name"]
    for warning in found:
        assert warning.message.startswith(FIELD_WORDS[warning.field] + " looks like it holds")
        assert "NHS number" in warning.message
    assert identifier_warning("nothing here") is None
    assert (
        identifier_warning(f"bed {NUMBER}", "comment")
        == identifier_warnings({"comment": NUMBER})[0].message
    )
    assert "the estates comment" in (identifier_warning(NUMBER, "comment") or "")
