"""The board report's incidents page and sheet: figures checked against counts made from the
export's own rows, small numbers suppressed at the threshold and never given back by
subtraction, and the page's words on under-reporting and correlation."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from exports.documents import write_board_report
from tests.exports.export_helpers import pdf_pages, squash
from wardaudit.board import BoardChoice, figures_for
from wardaudit.incidents import Incident, RowIncident, load_mapping_file, plan_import, read_csv
from wardaudit.incidents.importing import read_and_plan
from wardaudit.incidents.report import OTHER_WORDS, incident_page
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent
EXPORT = ROOT / "examples" / "incidents" / "generic-export.csv"
MAPPING = ROOT / "examples" / "incidents" / "generic-mapping.toml"
CHOICE = BoardChoice(start="2025-12", end="2026-11")  # inside the example's two years
WARD_SPELLINGS = {
    "hawthorn picu": "Hawthorn Ward",
    "cedar": "Cedar Ward",
    "linden ward (older adults)": "Linden Ward",
}


def ward_of(name: str) -> str | None:
    """The example's ward names as the demo trust has them (Poplar Ward it has not)."""
    key = " ".join(name.split()).casefold()
    if key in WARD_SPELLINGS:
        return WARD_SPELLINGS[key]
    return None if key == "poplar ward" else " ".join(w.capitalize() for w in key.split())


def counted_from_the_export(first: str, last: str) -> dict[str, dict[str, int]]:
    """Incidents by ward and by month, straight from the CSV's rows (one per reference)."""
    seen: set[str] = set()
    by_ward: dict[str, int] = defaultdict(int)
    by_month: dict[str, int] = defaultdict(int)
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Incident type"] != "Sexual safety" or row["Incident ID"] in seen:
                continue
            ward = ward_of(row["Ward"])
            when = datetime.strptime(row["Incident date"], "%d/%m/%Y").strftime("%Y-%m")
            if ward is None or not first <= when <= last:
                continue
            seen.add(row["Incident ID"])
            by_ward[ward] += 1
            by_month[when] += 1
    return {"ward": dict(by_ward), "month": dict(by_month)}


@pytest.fixture
def with_incidents(demo_store: Store) -> Store:
    mapping = load_mapping_file(MAPPING)
    demo_store.incidents.import_plan(read_and_plan(demo_store, EXPORT, mapping, read_csv))
    return demo_store


def incidents_text(path: Path) -> str:
    pages = pdf_pages(path)
    start = next(n for n, page in enumerate(pages) if "beside the environment" in page)
    return squash(" ".join(pages[start:]))


def incidents_sheet(path: Path) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    try:
        # read-only rows stop at their last value: pad them to the sheet's eight columns
        return [
            (*r, *(None,) * (8 - len(r))) for r in book["Incidents"].iter_rows(values_only=True)
        ]
    finally:
        book.close()


def section(rows: list[tuple[Any, ...]], title: str) -> list[tuple[Any, ...]]:
    """The rows under a section's header row, up to the next blank row."""
    start = next(n for n, r in enumerate(rows) if r and r[0] == title)
    found = []
    for row in rows[start + 2 :]:
        if not row or all(v is None for v in row):
            break
        found.append(row)
    return found


def test_figures_agree_with_counts_made_from_the_export(
    with_incidents: Store, tmp_path: Path
) -> None:
    expected = counted_from_the_export(CHOICE.start or "", CHOICE.end or "")
    workbook = write_board_report(
        with_incidents, CHOICE, tmp_path / "board.xlsx", "xlsx", suppress_below=None
    )
    rows = incidents_sheet(workbook)
    wards = {r[0]: r for r in section(rows, "Each ward over the period")}
    for ward in with_incidents.wards.list():
        assert wards[ward.name][5] == expected["ward"].get(ward.name, 0), ward.name
        beds = ward.beds or 0
        assert wards[ward.name][7] == pytest.approx(expected["ward"].get(ward.name, 0) / beds)
    months = {r[0]: r[1] for r in section(rows, "Incidents and mean audit score by month")}
    assert months["January 2026"] == expected["month"].get("2026-01", 0)
    assert sum(months.values()) == sum(expected["ward"].values())

    pdf = write_board_report(
        with_incidents, CHOICE, tmp_path / "board.pdf", "pdf", suppress_below=None
    )
    text = incidents_text(pdf)
    cedar = expected["ward"]["Cedar Ward"]
    assert f"{cedar / 22:.1f} per bed ({cedar} incidents, 22 beds)" in text
    total = sum(expected["ward"].values())
    assert (
        f"({total} incidents, {sum(w.beds or 0 for w in with_incidents.wards.list())} beds)" in text
    )


def test_published_figures_are_suppressed_below_five(with_incidents: Store, tmp_path: Path) -> None:
    expected = counted_from_the_export(CHOICE.start or "", CHOICE.end or "")
    path = write_board_report(with_incidents, CHOICE, tmp_path / "board.xlsx", "xlsx")
    rows = incidents_sheet(path)
    names = {w.name for w in with_incidents.wards.list()}
    wards = {r[0]: r for r in section(rows, "Each ward over the period") if r[0] in names}
    assert set(wards) == names
    for ward, row in wards.items():
        true = expected["ward"].get(ward, 0)
        if true < 5:
            assert row[5] == "fewer than 5" and row[7] is None
            assert row[6].startswith("not shown (fewer than 5 incidents")
        elif row[5] == "withheld":
            assert row[7] is None
        else:
            assert row[5] == true
    assert any("Small numbers are suppressed" in str(r[0]) for r in rows if r)
    text = incidents_text(write_board_report(with_incidents, CHOICE, tmp_path / "b.pdf", "pdf"))
    assert "every incident count below 5, nought included, is shown as 'fewer than 5'" in text
    assert "Incidents are under-reported" in text and "no correlation" in text


def relations(page: Any) -> list[tuple[int | None, list[int | None], list[str]]]:
    """Every sum the page prints: (total shown or None, parts shown or None, parts' words)."""
    found = []
    trust = page.protected.shown(("trust",))
    found.append(
        (trust, [w.incidents for w in page.wards], [w.incidents_words for w in page.wards])
    )
    found.append(
        (trust, [m.incidents for m in page.months], [m.incidents_words for m in page.months])
    )
    for spots in page.hotspots:
        ward = next(w for w in page.wards if w.ward.id == spots.ward.id)
        rows = [p for p in spots.places if p.incidents_words != "–"]
        found.append(
            (ward.incidents, [p.incidents for p in rows], [p.incidents_words for p in rows])
        )
    return found


@pytest.mark.parametrize("threshold", [5, 6, 10])
def test_no_suppressed_count_is_given_back_by_subtraction(
    with_incidents: Store, threshold: int
) -> None:
    board = figures_for(with_incidents, CHOICE)
    page = incident_page(with_incidents, board, threshold=threshold)
    assert page is not None and page.protected.suppressed > 0
    assert page.window_words == page.period  # so each ward's places add up to its total
    for total, parts, words in relations(page):
        hidden = [w for p, w in zip(parts, words, strict=True) if p is None]
        if total is not None:
            if len(hidden) == 1 and hidden[0].startswith("fewer than"):
                # a small count worked out by subtraction must be a nought (a place with
                # findings and no incident), which points to no one
                assert total - sum(p for p in parts if p is not None) == 0, (total, words)
            assert (
                total == sum(p for p in parts if p is not None)
                or len(hidden) >= 2
                or (hidden and hidden[0] == "withheld")
            )
    for spots in page.hotspots:
        assert spots.places[-1].place == OTHER_WORDS


def test_every_count_shown_without_suppression(with_incidents: Store) -> None:
    board = figures_for(with_incidents, CHOICE)
    page = incident_page(with_incidents, board, threshold=None)
    assert page is not None and page.protected.suppressed == 0
    for total, parts, _ in relations(page):
        assert total is not None and None not in parts and total == sum(parts)  # type: ignore[arg-type]
    assert "not for publication" in page.statements[-1]


def one_ward_with(store: Store, count: int) -> None:
    store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed", beds=20, areas=["Garden"])
    store.wards.add(site="Ashcombe", name="Rowan Ward", sex="female", beds=18)
    made = [
        Incident(f"J{n}", date(2026, 3, 1 + n), "Juniper Ward", "Garden", "exposure", "low")
        for n in range(count)
    ] + [
        Incident(f"R{n}", date(2026, 1 + n % 6, 2), "Rowan Ward", "", "sexual_harassment", None)
        for n in range(30)
    ]
    plan = plan_import(
        [RowIncident(n, i) for n, i in enumerate(made)], {}, ["Juniper Ward", "Rowan Ward"]
    )
    store.incidents.import_plan(plan)


@pytest.mark.parametrize(("count", "words"), [(4, "fewer than 5"), (5, "5"), (6, "6")])
def test_the_threshold_in_the_report(store: Store, tmp_path: Path, count: int, words: str) -> None:
    one_ward_with(store, count)
    choice = BoardChoice(start="2026-01", end="2026-06")
    path = write_board_report(store, choice, tmp_path / "board.xlsx", "xlsx")
    wards = {r[0]: r for r in section(incidents_sheet(path), "Each ward over the period")}
    assert str(wards["Juniper Ward"][5]) == words
    assert wards["Rowan Ward"][5] in (30, "withheld")
    text = incidents_text(write_board_report(store, choice, tmp_path / "board.pdf", "pdf"))
    assert "Juniper Ward Ashcombe 20" in text
    if count >= 5:
        assert f"{count / 20:.1f} per bed ({count} incidents, 20 beds)" in text
    else:
        assert "not shown (fewer than 5 incidents; 20 beds)" in text
    # the trust's total would give the small count back: it is withheld
    if count < 5:
        assert "Withheld incidents on the 2 wards" in text


def test_no_page_before_any_incident_is_imported(demo_store: Store, tmp_path: Path) -> None:
    path = write_board_report(demo_store, CHOICE, tmp_path / "board.xlsx", "xlsx")
    book = load_workbook(path, read_only=True)
    assert "Incidents" not in book.sheetnames
    book.close()
    text = squash(
        " ".join(pdf_pages(write_board_report(demo_store, CHOICE, tmp_path / "b.pdf", "pdf")))
    )
    assert "beside the environment" not in text


def test_a_ward_named_in_another_script_prints_in_the_shipped_fonts(
    with_incidents: Store, tmp_path: Path
) -> None:
    from tests.exports.pdf.pdf_checks import embedded, font_names

    ward = with_incidents.wards.get("Cedar Ward")
    with_incidents.wards.edit(
        ward.id,
        site=ward.site,
        name="Cedar Ward سیڈر",
        sex=ward.sex,
        service=ward.service,
        beds=ward.beds,
        areas=ward.areas,
    )
    board = figures_for(with_incidents, CHOICE)
    page = incident_page(with_incidents, board)
    assert page is not None and any(w.ward.name == "Cedar Ward سیڈر" for w in page.wards)
    pdf = write_board_report(with_incidents, CHOICE, tmp_path / "board.pdf", "pdf")
    assert embedded(pdf)
    assert {"NotoSans-Regular", "NotoNaskhArabic-Regular"} <= font_names(pdf)
    assert "Sexual safety incidents beside the environment" in squash(" ".join(pdf_pages(pdf)))
