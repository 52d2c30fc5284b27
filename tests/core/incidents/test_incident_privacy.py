"""Only what is needed, never a patient's details: names and NHS numbers refused, the rest unread."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.incidents.helpers import (
    DEMO_PLACES,
    DEMO_WARDS,
    EXAMPLES,
    SMALL_HEADER,
    good_row,
    small_mapping,
)
from wardaudit.identifiers import is_valid_nhs_number
from wardaudit.incidents import (
    IncidentsRefused,
    Vocabulary,
    load_mapping_file,
    plan_import,
    read_csv,
)
from wardaudit.incidents.sensitive import concern_for, nhs_number_in, person_name_reason

WriteCsv = Callable[..., Path]


def _nhs(n: int) -> str:
    found = -1
    for tail in range(10_000, 10_000_000):
        digits = f"999{tail:07d}"
        if is_valid_nhs_number(digits):
            found += 1
            if found == n:
                return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    raise AssertionError


def _refusal(path: Path, **mapping: str) -> IncidentsRefused:
    with pytest.raises(IncidentsRefused) as caught:
        read_csv(path, small_mapping(**mapping))
    return caught.value


def test_names_in_the_place_column_refuse_the_file_naming_the_column_and_rows(
    write_csv: WriteCsv,
) -> None:
    rows = [SMALL_HEADER] + [good_row(n) for n in range(1, 40)]
    rows[7][3] = "Ashdown, Robin"
    rows[20][3] = "Mrs Bramley"
    rows[33][3] = "Casey Dunmore"
    path = write_csv(rows)
    refusal = _refusal(path)
    message = str(refusal)
    assert "the place column 'Where'" in message and "people's names" in message
    assert "rows 8, 21, 34" in message
    assert "nothing has been imported" in message
    for name in ("Ashdown", "Bramley", "Dunmore"):  # the names themselves are never repeated
        assert name not in message


@pytest.mark.parametrize(
    "written", ["9990000026", "999 000 0026", "999-000-0026", "999.000.0026", "999/000/0026"]
)
def test_an_nhs_number_in_a_mapped_column_refuses_the_file(
    write_csv: WriteCsv, written: str
) -> None:
    assert is_valid_nhs_number("9990000026")
    rows = [SMALL_HEADER, good_row(1), good_row(2)]
    rows[2][2] = f"Juniper Ward {written}"
    refusal = _refusal(write_csv(rows))
    assert "the ward column 'Ward'" in str(refusal) and "NHS numbers" in str(refusal)
    assert written not in str(refusal)


def test_a_reference_column_of_nhs_numbers_is_refused(write_csv: WriteCsv) -> None:
    rows = [SMALL_HEADER] + [good_row(n) for n in range(1, 12)]
    for n, row in enumerate(rows[1:]):
        row[0] = _nhs(n)
    refusal = _refusal(write_csv(rows))
    assert "the reference column 'Ref'" in str(refusal)
    assert "NHS number" in str(refusal)
    assert "rows 2, 3, 4, 5, 6 and 6 more" in str(refusal)


def test_a_trusts_own_ten_digit_references_are_not_taken_for_nhs_numbers(
    write_csv: WriteCsv,
) -> None:
    rows = [SMALL_HEADER]
    for n in range(200):
        row = good_row(n)
        row[0] = f"{2026000000 + n}"  # sequential numbers: about one in eleven pass the check
        rows.append(row)
    passing = sum(is_valid_nhs_number(r[0]) for r in rows[1:])
    assert 0 < passing < 50
    read = read_csv(write_csv(rows), small_mapping())
    assert len(read.incidents) == 200


def test_a_column_of_descriptions_is_refused_as_free_text(write_csv: WriteCsv) -> None:
    header = ["Ref", "Date", "Ward", "Where", "Type", "Harm", "Account"]
    rows = [header, good_row(1), good_row(2)]
    rows[1][3] = (
        "Staff saw a patient in the garden behaving in a way that made others uncomfortable"
    )
    refusal = _refusal(write_csv(rows))
    assert "the place column 'Where'" in str(refusal) and "free-text" in str(refusal)


def test_names_where_a_category_or_harm_code_is_expected_are_refused(
    write_csv: WriteCsv,
) -> None:
    rows = [SMALL_HEADER, good_row(1), good_row(2), good_row(3)]
    rows[2][4] = "FARRANT, Alex"
    rows[3][5] = "Dr Gosling"
    message = str(_refusal(write_csv(rows)))
    assert "the category column 'Type'" in message and "the harm column 'Harm'" in message
    assert "FARRANT" not in message and "Gosling" not in message


def test_ward_and_place_names_of_the_demo_trust_are_never_taken_for_names() -> None:
    vocabulary = Vocabulary()
    for name in (*DEMO_WARDS, *DEMO_PLACES):
        assert concern_for(name, vocabulary) is None, name
        assert concern_for(name.upper(), vocabulary) is None, name
        assert concern_for(name.title(), vocabulary) is None, name


@pytest.mark.parametrize(
    "text",
    [
        "Smith, Jane",
        "SMITH, Jane",
        "SMITH Jane",
        "O'Brien, Sean",
        "McDonald, Amy",
        "Smith-Jones, Kate",
        "Jane Smith",
        "Jane A Smith",
        "Mrs Smith",
        "Mr. J. Patel",
        "Dr Okafor's room",
    ],
)
def test_names_in_the_usual_shapes_are_spotted(text: str) -> None:
    assert person_name_reason(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Main Lounge",
        "Nurses Station",
        "Seclusion Suite",
        "Sexual assault - patient on patient",
        "No physical harm",
        "Exposure",
        "Bathroom 2",
        "Corridor, female side",
        "Ellis Court",
    ],
)
def test_places_and_codes_are_not_taken_for_names(text: str) -> None:
    assert person_name_reason(text) is None


def test_a_ward_named_after_a_person_passes_once_the_mapping_lists_it(
    write_csv: WriteCsv,
) -> None:
    rows = [SMALL_HEADER, good_row(1, ward="Mary Seacole"), good_row(2)]
    path = write_csv(rows)
    with pytest.raises(IncidentsRefused) as caught:
        read_csv(path, small_mapping())
    assert "[wards.aliases]" in str(caught.value)
    mapping = small_mapping('[wards.aliases]\n"Mary Seacole" = "Mary Seacole Ward"\n')
    assert len(read_csv(path, mapping).incidents) == 2
    # ... or once it is a ward WardAudit knows
    known = Vocabulary.of(["Mary Seacole"])
    assert len(read_csv(path, small_mapping(), vocabulary=known).incidents) == 2


def test_nhs_numbers_are_found_however_they_are_written() -> None:
    for written in (
        "9990000026",
        "999 000 0026",
        "999-000-0026",
        "999.000.0026",
        "9 9 9 0 0 0 0 0 2 6",
    ):
        assert nhs_number_in(f"bed 4 {written} seen"), written
    assert not nhs_number_in("999 000 0027")  # fails the check
    assert not nhs_number_in("19990000026")  # eleven digits


def test_columns_outside_the_mapping_never_reach_the_results() -> None:
    """The example carries names, NHS numbers and accounts; none of it comes out."""
    export = EXAMPLES / "generic-export.csv"
    mapping = load_mapping_file(EXAMPLES / "generic-mapping.toml")
    read = read_csv(export, mapping)
    plan = plan_import(read.incidents, {}, DEMO_WARDS, mapping.ward_alias_map)
    with export.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    names = {row["Patient name"] for row in source}
    numbers = {row["Patient NHS number"] for row in source}
    accounts = {row["Description"] for row in source}
    assert len(names) > 20 and len(numbers) > 300 and len(accounts) > 50
    everything = repr(read) + repr(plan) + "\n".join(plan.describe())
    for secret in names | numbers | accounts:
        assert secret not in everything
    known = Vocabulary.of(DEMO_WARDS, DEMO_PLACES)
    for item in read.incidents:
        for value in vars(item.incident).values():
            text = str(value)
            assert not nhs_number_in(text) and person_name_reason(text, known) is None
            assert len(text) <= 120
