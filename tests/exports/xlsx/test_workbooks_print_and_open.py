"""Every workbook WardAudit writes opens everywhere and prints as a person would set it up.

- No character XML forbids reaches any part of the file, whatever was pasted into a note,
  a name or a comment: every part parses as strict XML, openpyxl reads it, and LibreOffice
  keeps every cell (a bad character once made it drop the rest of the sheet silently).
- Printed through LibreOffice, every sheet is A4 with its header repeated and text large
  enough to read: the Actions sheet runs two pages across, never 18 columns to one page.
"""

from __future__ import annotations

import csv
import re
import statistics
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from exports import xlsx
from exports.common import xml_safe, xml_text
from tests.conftest import external_program
from tests.exports.export_helpers import libreoffice
from wardaudit.board import board_figures
from wardaudit.store import Store

# Everything openpyxl lets through into invalid XML, and what pasted text carries.
BAD = "A\x00B\x01\x08\x0b\x0c\x1f\x7f\ufffe\uffff\ud800 \udfff\x92\x85\u2028\ufdd0 end"
LEGIBLE_POINTS = 7.0  # the median printed word's height, in points


@pytest.mark.parametrize(
    ("text", "multiline", "expected"),
    [
        ("plain", True, "plain"),
        ("a\x00b\x01c", True, "abc"),
        ("Word's\x0bbreak\x0cand\r\nlines\rhere", True, "Word's\nbreak\nand\nlines\nhere"),
        ("lone \ud800 surrogate", True, "lone \ufffd surrogate"),
        ("pair \ud83d\ude00", True, "pair \U0001f600"),
        ("\ufffe\uffff\ufdd0\U0001fffe", True, ""),
        ("cp1252 \x92 \x96 \x85 \x81", True, "cp1252 ’ – … "),
        ("rtl \u200f and zwj \u200d kept", True, "rtl \u200f and zwj \u200d kept"),
        ("one\tline\n  title", False, "one line title"),
    ],
)
def test_the_sanitiser_keeps_what_xml_allows(text: str, multiline: bool, expected: str) -> None:
    cleaned = xml_text(text, multiline=multiline)
    assert cleaned == expected
    assert xml_safe(cleaned)


def _bad_workbooks(demo_store: Store, folder: Path) -> list[Path]:
    """The three workbooks, every string of them carrying the bad characters."""
    actions = [
        replace(
            a,
            description=f"{a.description} {BAD}",
            comment=BAD,
            location=BAD,
            found=BAD,
            owner=BAD,
            ward_name=f"{a.ward_name}{BAD}",
            site_name=f"{a.site_name}{BAD}",
        )
        for a in demo_store.actions.list(ward="Juniper Ward")[:30]
    ]
    work = xlsx.write_work_list(actions, folder / "work.xlsx", title=f"Work {BAD}", filters=BAD)
    audit = next(
        a for a in demo_store.audits.list(status="completed") if a.ward_name == "Juniper Ward"
    )
    record = demo_store.audits.get(audit.id)
    record = replace(
        record,
        audit=replace(
            record.audit,
            signed_by=BAD,
            ward=replace(record.audit.ward, name=f"Juniper{BAD}", site=BAD),
        ),
        actions=tuple(actions[:5]),
    )
    plan = xlsx.write_action_plan(record, folder / "plan.xlsx", trust=BAD)
    board = board_figures(demo_store)
    board = replace(
        board,
        wards=tuple(
            replace(f, ward=replace(f.ward, name=f"{f.ward.name}{BAD}")) for f in board.wards
        ),
    )
    report = xlsx.write_board_report(board, folder / "board.xlsx", actions=actions, trust=BAD)
    return [work, plan, report]


def test_no_character_xml_forbids_reaches_any_part_of_any_workbook(
    demo_store: Store, tmp_path: Path
) -> None:
    for path in _bad_workbooks(demo_store, tmp_path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith((".xml", ".rels")):
                    data = archive.read(name)
                    ElementTree.fromstring(data)  # strict XML 1.0: raises on a bad character
                    assert not re.search(rb"&#(5[5-7]\d{3});", data), (path.name, name)
        book = load_workbook(path)
        assert book.sheetnames


def test_libreoffice_keeps_every_cell_after_a_bad_character(
    demo_store: Store, tmp_path: Path
) -> None:
    work, plan, _report = _bad_workbooks(demo_store, tmp_path)
    for path in (work, plan):
        converted = libreoffice(path, "csv", tmp_path / f"csv-{path.stem}")
        rows = list(
            csv.reader(converted.read_text(encoding="utf-8", errors="replace").splitlines())
        )
        ids = [row[-1] for row in rows if row and re.fullmatch(r"[0-9a-f-]{36}", row[-1])]
        expected = sum(1 for _ in load_workbook(path)["Actions"].iter_rows(min_row=4) if _[0].value)
        assert len(ids) == expected > 0, path.name  # the last column of every row survived


# --- printing -------------------------------------------------------------------------------


def _word_heights(pdf: Path) -> list[float]:
    program = external_program("pdftotext", "poppler-utils")
    html = subprocess.run(
        [program, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        float(b) - float(a)
        for a, b in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', html
        )
    ]


def _page_text(pdf: Path, number: int) -> str:
    program = external_program("pdftotext", "poppler-utils")
    return subprocess.run(
        [program, "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def legible(pdf: Path) -> bool:
    heights = _word_heights(pdf)
    return bool(heights) and statistics.median(heights) >= LEGIBLE_POINTS


def _sheet_pdf(path: Path, sheet: str, folder: Path) -> Path:
    """One sheet alone, printed by LibreOffice as its print set-up says."""
    book = load_workbook(path)
    for name in book.sheetnames:
        if name != sheet:
            del book[name]
    alone = folder / f"{path.stem}-{sheet.replace(' ', '-')}.xlsx"
    book.save(alone)
    return libreoffice(alone, "pdf", folder / "pdf")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from wardaudit.checklist import load_library
    from wardaudit.demo import build_demo_trust

    folder = tmp_path_factory.mktemp("printed")
    store = Store.open(folder / "demo.sqlite3")
    try:
        build_demo_trust(store, load_library([]), seed=7)
        from exports import documents

        plan = store.audits.list(status="completed")[0].id
        return {
            "work": documents.write_work_list(store, None, folder / "work.xlsx", "xlsx"),
            "plan": documents.write_action_plan(store, plan, folder / "plan.xlsx", "xlsx"),
            "board": documents.write_board_report(store, None, folder / "board.xlsx", "xlsx"),
            "folder": folder,
        }
    finally:
        store.close(backup=False)


def test_every_sheet_asks_for_a_print_set_up_a_person_would_choose(
    printed: dict[str, Path],
) -> None:
    for kind in ("work", "plan", "board"):
        book = load_workbook(printed[kind])
        for ws in book.worksheets:
            if ws.sheet_state != "visible":
                continue
            setup = ws.page_setup
            assert int(setup.paperSize) == int(ws.PAPERSIZE_A4), (kind, ws.title)
            assert "&P of &N" in ws.oddFooter.right.text, (kind, ws.title)
            assert ws.oddHeader.left.text and ws.oddHeader.right.text.startswith("Exported")
            if ws.sheet_properties.pageSetUpPr.fitToPage:
                assert setup.fitToWidth == 1 and setup.fitToHeight == 0
            else:
                assert setup.scale is not None and setup.scale >= 70, (kind, ws.title)
            if ws.title in ("Actions", "Answers", "Wards", "Trends", "Sections"):
                assert ws.print_title_rows, (kind, ws.title)  # the header on every page
    actions = load_workbook(printed["work"])["Actions"]
    assert actions.page_setup.orientation == "landscape"
    assert actions.print_title_cols == "$A:$B"  # Ward and Item repeat on the second page
    assert [b.id for b in actions.col_breaks.brk] == [9]  # a page break after Overdue
    # the printout stops at Risk score: likelihood, consequence and id are for the import
    assert str(actions.print_area).endswith(f"$A$1:$O${actions.max_row}")
    # wrapped rows are given their height, so LibreOffice lays them out without overlap
    tall = [d.height for d in actions.row_dimensions.values() if d.height]
    assert tall and max(tall) > 30


@pytest.mark.parametrize(
    ("kind", "sheet"),
    [
        ("work", "Actions"),
        ("work", "Summary"),
        ("work", "About"),
        ("plan", "Actions"),
        ("plan", "Summary"),
        ("plan", "Answers"),
        ("board", "Summary"),
        ("board", "Wards"),
        ("board", "Trends"),
        ("board", "Sections"),
        ("board", "Actions"),
    ],
)
def test_every_sheet_prints_legibly_on_a4(printed: dict[str, Path], kind: str, sheet: str) -> None:
    pdf = _sheet_pdf(printed[kind], sheet, printed["folder"])
    reader = PdfReader(str(pdf))
    pages = len(reader.pages)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert {round(width), round(height)} == {595, 842}, (kind, sheet)  # A4
    assert legible(pdf), (kind, sheet, statistics.median(_word_heights(pdf)))
    book = load_workbook(printed[kind])
    rows = book[sheet].max_row
    if sheet == "Actions" and kind != "board":
        # estates' 15 printed columns: two pages across for each band of rows, never one
        # squeezed page (the board's Actions sheet has ten columns and fits one across)
        assert pages % 2 == 0 and pages >= 2
        assert pages <= 2 * max(1, rows // 3 + 1)
        # the lines above the table print whole on both pages across, never clipped at the
        # edge of the repeated Ward and Item columns
        for number in (1, 2):
            text = " ".join(_page_text(pdf, number).split())
            assert "How to send this back" in text, (kind, number)
            assert "send it back to whoever sent it to you" in text, (kind, number)
    else:
        assert pages <= max(2, rows // 8 + 2), (kind, sheet, pages)
    if (kind, sheet) == ("board", "Actions"):  # one page across: Band and Status beside the rest
        first = " ".join(_page_text(pdf, 1).split())
        assert "Site" in first and "Status" in first, first[:200]


def test_eighteen_columns_squeezed_to_one_page_would_fail_the_check(
    printed: dict[str, Path],
) -> None:
    """The check above has teeth: the Actions sheet fitted to one page wide prints too small."""
    book = load_workbook(printed["work"])
    for name in book.sheetnames:
        if name != "Actions":
            del book[name]
    ws = book["Actions"]
    ws.print_area = None
    ws.col_breaks.brk = []
    ws.page_setup.scale = None
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    squeezed = printed["folder"] / "squeezed.xlsx"
    book.save(squeezed)
    pdf = libreoffice(squeezed, "pdf", printed["folder"] / "squeezed")
    assert not legible(pdf)
