"""Exports in the layouts of the systems trusts use, each read through its own mapping."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from exports.incidents import read_export, read_xlsx
from tests.core.incidents.helpers import DEMO_PLACES, DEMO_WARDS, EXAMPLES, FIXTURES
from wardaudit.incidents import (
    IncidentRead,
    load_mapping_file,
    plan_import,
    read_csv,
    validate_mapping_file,
)
from wardaudit.incidents.mapping import code_key

GENERIC_EXPORT = EXAMPLES / "generic-export.csv"
GENERIC_MAPPING = EXAMPLES / "generic-mapping.toml"


def _read(name: str, suffix: str) -> IncidentRead:
    mapping = load_mapping_file(FIXTURES / f"{name}.toml")
    return read_export(FIXTURES / f"{name}.{suffix}", mapping)


def test_every_shipped_mapping_validates() -> None:
    for path in [GENERIC_MAPPING, *sorted(FIXTURES.glob("*.toml"))]:
        assert validate_mapping_file(path) == [], path


def test_datix_listing_with_title_rows_and_windows_1252() -> None:
    read = _read("datix-listing", "csv")
    assert read.problem_count == 0
    assert read.skipped == 1  # the fall is not a sexual safety incident
    by_ref = {row.incident.reference: row for row in read.incidents}
    assert len(by_ref) == 8
    # the en dash in "Sexual assault – patient on patient" is a Windows-1252 byte
    first = by_ref["W1041"]
    assert first.row == 4  # two title rows and the header above it
    assert first.incident.date == date(2026, 2, 3)
    assert (first.incident.ward, first.incident.place) == ("Juniper Ward", "Zone door")
    assert (first.incident.category, first.incident.harm) == ("sexual_assault", "moderate")
    assert by_ref["W1063"].incident.category == "rape"
    assert by_ref["W1081"].incident.category == "staff_misconduct"
    assert by_ref["W1102"].incident.category == "sexual_activity"


def test_inphase_utf8_with_bom_iso_dates_and_line_breaks_in_descriptions() -> None:
    read = _read("inphase-export", "csv")
    assert read.problem_count == 0
    rows = [row.row for row in read.incidents]
    assert rows == [2, 3, 4, 5, 6, 7, 8]  # rows are records, whatever their line breaks
    by_row = {row.row: row.incident for row in read.incidents}
    assert by_row[2].reference == "IN-000311"  # the byte-order mark is not in the header
    assert by_row[5].date == date(2026, 1, 22)
    assert by_row[8].harm is None  # not yet graded
    # one incident on two rows (one per person affected) counts once, at its worse harm
    plan = plan_import(read.incidents, {}, DEMO_WARDS)
    assert plan.folded_rows == 1
    maple = [r.incident for r in plan.new if r.incident.reference == "IN-000355"]
    assert [i.harm for i in maple] == ["moderate"]
    assert len(plan.new) == 6


def test_ulysses_semicolons_date_and_time_and_ward_codes() -> None:
    mapping = load_mapping_file(FIXTURES / "ulysses-safeguard.toml")
    read = _read("ulysses-safeguard", "csv")
    assert read.problem_count == 0 and read.skipped == 1
    plan = plan_import(read.incidents, {}, DEMO_WARDS, mapping.ward_alias_map)
    wards = Counter(row.incident.ward for row in plan.new)
    assert wards == {"Birch Ward": 2, "Sycamore Ward": 2}
    assert {row.incident.harm for row in plan.new} == {"none", "low", "severe"}
    assert plan.unmatched_wards == ()


def test_lfpse_tab_delimited_utf16_takes_the_worse_of_physical_and_psychological_harm() -> None:
    read = _read("lfpse-download", "txt")
    assert read.problem_count == 0
    harms = {row.incident.reference: row.incident.harm for row in read.incidents}
    assert harms == {
        "LFPSE-7F3A9C21": "moderate",  # no physical, moderate psychological harm
        "LFPSE-7F3A9C40": "low",
        "LFPSE-7F3B0011": "low",
        "LFPSE-7F3B0102": "severe",
    }
    dates = {row.incident.reference: row.incident.date for row in read.incidents}
    assert dates["LFPSE-7F3B0102"] == date(2026, 4, 20)  # an ISO date and time


def test_radar_workbook_named_sheet_date_cells_and_a_serial_date() -> None:
    mapping = load_mapping_file(FIXTURES / "radar-events.toml")
    read = read_xlsx(FIXTURES / "radar-events.xlsx", mapping)
    assert read.problem_count == 0
    dates = {row.incident.reference: row.incident.date for row in read.incidents}
    assert dates == {
        "RAD-2026-0140": date(2026, 5, 2),
        "RAD-2026-0151": date(2026, 5, 6),
        "RAD-2026-0163": date(2026, 5, 15),  # a number in the date column: a serial date
        "RAD-2026-0170": date(2026, 5, 20),
    }
    harms = {row.incident.reference: row.incident.harm for row in read.incidents}
    assert harms["RAD-2026-0151"] == "moderate" and harms["RAD-2026-0170"] is None


def _expected_from_source(path: Path) -> dict[str, tuple[date, str, str, str]]:
    """The generic export's sexual safety rows, worked out with nothing but the csv module."""
    codes = {
        "alleged rape": "rape",
        "sexual assault - patient on patient": "sexual_assault",
        "sexual assault - patient on staff": "sexual_assault",
        "sexual harassment - verbal": "sexual_harassment",
        "sexual harassment - non-verbal": "sexual_harassment",
        "exposure / nudity": "exposure",
        "sexual activity between patients": "sexual_activity",
        "staff sexual boundary concern": "staff_misconduct",
        "other sexual safety concern": "other",
    }
    expected: dict[str, tuple[date, str, str, str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Incident type"] != "Sexual safety":
                continue
            day, month, year = (int(part) for part in row["Incident date"].split("/"))
            expected[row["Incident ID"]] = (
                date(year, month, day),
                row["Ward"],
                row["Exact location"],
                codes[row["Sub-category"].casefold()],
            )
    return expected


def test_the_generic_example_reads_every_sexual_safety_row_as_its_source_says() -> None:
    mapping = load_mapping_file(GENERIC_MAPPING)
    read = read_csv(GENERIC_EXPORT, mapping)
    assert read.problem_count == 0
    expected = _expected_from_source(GENERIC_EXPORT)
    got = {
        row.incident.reference: (
            row.incident.date,
            row.incident.ward,
            row.incident.place,
            row.incident.category,
        )
        for row in read.incidents
    }
    places = dict(mapping.place_aliases)
    assert got == {
        ref: (when, ward, places.get(place, place), category)
        for ref, (when, ward, place, category) in expected.items()
    }
    assert len(read.incidents) >= 300
    assert read.skipped == read.rows_read - len(read.incidents)


def test_the_generic_example_matches_the_demo_trust_but_one_ward() -> None:
    mapping = load_mapping_file(GENERIC_MAPPING)
    read = read_csv(GENERIC_EXPORT, mapping)
    plan = plan_import(read.incidents, {}, DEMO_WARDS, mapping.ward_alias_map)
    assert [ward.name for ward in plan.unmatched_wards] == ["Poplar Ward"]
    assert {row.incident.ward for row in plan.new} <= set(DEMO_WARDS)
    known = {code_key(p) for p in DEMO_PLACES}
    assert all(code_key(row.incident.place) in known for row in plan.new if row.incident.place)
    months = {(row.incident.date.year, row.incident.date.month) for row in plan.new}
    assert len(months) == 24  # two years, every month


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("datix-listing", "csv"),
        ("inphase-export", "csv"),
        ("ulysses-safeguard", "csv"),
        ("lfpse-download", "txt"),
        ("radar-events", "xlsx"),
    ],
)
def test_each_layout_imports_once_and_then_changes_nothing(name: str, suffix: str) -> None:
    mapping = load_mapping_file(FIXTURES / f"{name}.toml")
    read = read_export(FIXTURES / f"{name}.{suffix}", mapping)
    first = plan_import(read.incidents, {}, DEMO_WARDS, mapping.ward_alias_map)
    assert first.new and not first.regraded and not first.unmatched_wards
    held = {row.incident.reference: row.incident for row in first.new}
    again = plan_import(read.incidents, held, DEMO_WARDS, mapping.ward_alias_map)
    assert again.new == () and again.regraded == ()
    assert len(again.unchanged) == len(first.new)
