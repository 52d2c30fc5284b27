"""Reading exports: encodings, delimiters, odd rows, and caps that refuse clearly."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exports.incidents import read_export, read_xlsx
from tests.core.incidents.helpers import SMALL_HEADER, csv_text, good_row, small_mapping
from wardaudit.errors import InvalidInput, NotFound, WardAuditError
from wardaudit.incidents import IncidentsRefused, ReadLimits, iter_csv, read_csv

WriteCsv = Callable[..., Path]


def refusal(path: Path, **options: object) -> IncidentsRefused:
    with pytest.raises(IncidentsRefused) as caught:
        read_csv(path, small_mapping(), **options)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_common_encodings_are_read_alike(write_csv: WriteCsv, encoding: str) -> None:
    rows = [SMALL_HEADER, good_row(1, place="Women’s lounge"), good_row(2, place="Café")]
    read = read_csv(write_csv(rows, encoding=encoding), small_mapping())
    assert [r.incident.place for r in read.incidents] == ["Women’s lounge", "Café"]
    assert read.incidents[0].incident.reference == "R00001"  # no byte-order mark in the header


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    body = csv_text([SMALL_HEADER, good_row(1)]).encode("utf-8")
    path.write_bytes(body + b"R2,03/02/2026,Juniper Ward,Garden \x81\x8d,Assault,Low,x\r\n")
    message = str(refusal(path))
    assert "not text in a known encoding" in message and "CSV UTF-8" in message


def test_an_explicit_encoding_is_checked_too(write_csv: WriteCsv) -> None:
    path = write_csv([SMALL_HEADER, good_row(1, place="Café")], encoding="cp1252")
    with pytest.raises(IncidentsRefused) as caught:
        read_csv(path, small_mapping('[source]\nencoding = "utf-8"\n'))
    assert "it is not utf-8 (byte" in str(caught.value)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_found_from_the_header(write_csv: WriteCsv, delimiter: str) -> None:
    rows = [SMALL_HEADER, good_row(1, place="Garden, rear"), good_row(2)]
    read = read_csv(write_csv(rows, delimiter=delimiter), small_mapping())
    assert [r.incident.place for r in read.incidents] == ["Garden, rear", "Garden"]


def test_quoted_fields_with_line_breaks_and_quotes(write_csv: WriteCsv) -> None:
    rows = [SMALL_HEADER, good_row(1), good_row(2), good_row(3)]
    rows[1][6] = 'Line one\nline "two"\r\nline three'
    rows[2][6] = "x" * 20_000  # a long description is parsed and dropped
    read = read_csv(write_csv(rows), small_mapping())
    assert [r.row for r in read.incidents] == [2, 3, 4]


def test_rows_above_the_header_and_blank_rows_are_skipped(write_csv: WriteCsv) -> None:
    rows = [
        ["Incident report"],
        ["Printed 01/12/2026"],
        SMALL_HEADER,
        good_row(1),
        [],
        ["", "", ""],
        good_row(2),
    ]
    mapping = small_mapping("[source]\nheader_row = 3\n")
    read = read_csv(write_csv(rows), mapping)
    assert [r.row for r in read.incidents] == [4, 7]
    assert read.rows_read == 2


def test_a_missing_or_doubled_column_is_refused_listing_the_header(write_csv: WriteCsv) -> None:
    header = ["Ref", "Date", "Ward", "Where", "Type", "Type"]
    message = str(refusal(write_csv([header, good_row(1)])))
    assert "the mapping's harm column 'Harm' is not in the header row (row 1)" in message
    assert "'Type' appears more than once" in message
    assert "the header row (row 1) has: 'Ref', 'Date'" in message


def test_row_problems_name_their_rows_and_leave_good_rows(write_csv: WriteCsv) -> None:
    rows = [SMALL_HEADER] + [good_row(n) for n in range(1, 8)]
    rows[1][0] = ""
    rows[2][1] = "31/02/2026"
    rows[3][1] = "01/01/2031"
    rows[4][4] = "Groping"
    rows[5][5] = "Catastrophic"
    rows[6][2] = ""
    read = read_csv(write_csv(rows), small_mapping(), today=date(2026, 12, 1))
    assert read.problems == (
        "Row 2: no reference; every incident needs its reference",
        "Row 3: the date '31/02/2026' does not match the formats %d/%m/%Y, iso",
        "Row 4: the date 01/01/2031 is in the future",
        "Row 5: the category 'Groping' is not listed under [categories.codes] in the mapping",
        "Row 6: the harm 'Catastrophic' is not listed under [harm.codes] in the mapping",
        "Row 7: no ward",
    )
    assert [r.row for r in read.incidents] == [8]


def test_unlisted_categories_can_be_skipped_and_unlisted_harm_left_ungraded(
    write_csv: WriteCsv,
) -> None:
    rows = [SMALL_HEADER, good_row(1), good_row(2), good_row(3)]
    rows[2][4] = "Fall"
    rows[3][5] = "Unknown"
    mapping = small_mapping(
        **{
            "[categories.codes]": '[categories]\nunlisted = "skip"\n\n[categories.codes]',
            "[harm.codes]": '[harm]\nunlisted = "not_graded"\n\n[harm.codes]',
        }
    )
    read = read_csv(write_csv(rows), mapping)
    assert read.skipped == 1 and read.problem_count == 0
    assert [(r.row, r.incident.harm) for r in read.incidents] == [(2, "low"), (4, None)]


def test_the_problem_list_is_bounded_then_counted(write_csv: WriteCsv) -> None:
    rows = [SMALL_HEADER] + [good_row(n) for n in range(1, 301)]
    for row in rows[1:]:
        row[1] = "yesterday"
    read = read_csv(write_csv(rows), small_mapping())
    assert read.problem_count == 300
    assert len(read.problems) == 51 and read.problems[-1] == "... and 250 more"
    assert read.incidents == ()


def test_too_many_rows_is_refused_clearly(write_csv: WriteCsv) -> None:
    rows = [SMALL_HEADER] + [good_row(n) for n in range(1, 60)]
    message = str(refusal(write_csv(rows), limits=ReadLimits(max_rows=50)))
    assert "more than 50 incident rows" in message and "shorter period" in message


def test_a_huge_field_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text([SMALL_HEADER, good_row(1)]))
        handle.write('R2,03/02/2026,Juniper Ward,Garden,Assault,Low,"never closed ')
        handle.write("x" * 3_000_000)
    message = str(refusal(path))
    assert "row 3 is longer than 100,000 characters" in message
    assert "never closes" in message


def test_a_file_over_the_size_cap_is_refused_before_reading(write_csv: WriteCsv) -> None:
    path = write_csv([SMALL_HEADER] + [good_row(n) for n in range(1, 200)])
    message = str(refusal(path, limits=ReadLimits(max_bytes=1024)))
    assert "an incident export may be at most 1 KB (export a shorter period)" in message


def test_files_that_are_not_csv_text(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "is empty" in str(refusal(empty))
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"Ref,Date\x00\x00\r\n")
    assert "NUL characters" in str(refusal(nul))
    xls = tmp_path / "old.csv"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "old Excel (.xls)" in str(refusal(xls))
    with pytest.raises(NotFound):
        read_csv(tmp_path / "missing.csv", small_mapping())
    with pytest.raises(InvalidInput):
        read_csv(tmp_path, small_mapping())
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "pipe.csv"
        os.mkfifo(pipe)
        with pytest.raises(InvalidInput, match="not an ordinary file"):
            read_csv(pipe, small_mapping())  # and does not hang


def test_a_header_row_past_the_end(write_csv: WriteCsv) -> None:
    path = write_csv([SMALL_HEADER, good_row(1)])
    with pytest.raises(IncidentsRefused) as caught:
        read_csv(path, small_mapping("[source]\nheader_row = 9\n"))
    assert "ends before its header row (row 9)" in str(caught.value)


def test_streaming_yields_before_the_end_and_refuses_at_the_end(write_csv: WriteCsv) -> None:
    rows = (
        [SMALL_HEADER] + [good_row(n) for n in range(1, 6)] + [good_row(6, place="Ashdown, Robin")]
    )
    seen = []
    with pytest.raises(IncidentsRefused):
        for item in iter_csv(write_csv(rows), small_mapping()):
            seen.append(item.row)
    assert seen == [2, 3, 4, 5, 6]  # a caller writing as it goes must wait for the end


# --- workbooks ----------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]], title: str = "Sheet") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_workbook_reads_like_the_csv(tmp_path: Path) -> None:
    rows: list[list[object]] = [list(SMALL_HEADER), [*good_row(1)], [*good_row(2)]]
    rows[2][1] = date(2026, 3, 4)
    rows[1][0] = 20261  # a number as a reference
    read = read_xlsx(_workbook(tmp_path / "x.xlsx", rows), small_mapping())
    assert [(r.incident.reference, r.incident.date) for r in read.incidents] == [
        ("20261", date(2026, 2, 3)),
        ("R00002", date(2026, 3, 4)),
    ]


def test_a_workbook_sheet_that_is_not_there(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "x.xlsx", [list(SMALL_HEADER)], title="Data")
    with pytest.raises(IncidentsRefused) as caught:
        read_xlsx(path, small_mapping('[source]\nsheet = "Incidents"\n'))
    assert "has no sheet 'Incidents' (it has 'Data')" in str(caught.value)


def test_a_workbook_that_unpacks_past_the_cap_is_refused_before_opening(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<" + " " * 5_000_000 + ">")
    with pytest.raises(IncidentsRefused) as caught:
        read_xlsx(path, small_mapping(), limits=ReadLimits(max_unpacked_bytes=1_000_000))
    assert "unpacks to 4.8 MB; an incident export may unpack to at most 977 KB" in str(caught.value)


def test_damaged_and_disguised_workbooks(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IncidentsRefused) as caught:
        read_xlsx(damaged, small_mapping())
    assert "not an Excel workbook" in str(caught.value)
    protected = tmp_path / "protected.xlsx"
    protected.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
    with pytest.raises(IncidentsRefused) as caught:
        read_xlsx(protected, small_mapping())
    assert "password-protected" in str(caught.value)


def test_read_export_tells_a_workbook_by_its_content(tmp_path: Path) -> None:
    rows: list[list[object]] = [list(SMALL_HEADER), [*good_row(1)]]
    disguised = _workbook(tmp_path / "export.csv", rows)  # saved with the wrong name
    read = read_export(disguised, small_mapping())
    assert [r.incident.reference for r in read.incidents] == ["R00001"]


def test_every_refusal_is_one_of_wardaudits_errors(write_csv: WriteCsv) -> None:
    assert issubclass(IncidentsRefused, WardAuditError)


def test_a_workbook_hands_over_no_cell_past_the_last_mapped_column(tmp_path: Path) -> None:
    from exports.incidents import XlsxSource

    header = ["Ref", "Date", "Ward", "Where", "Type", "Harm", "Patient", "Account"]
    rows: list[list[object]] = [header, [*good_row(1)[:6], "ASHDOWN, Robin", "Made-up account"]]
    mapping = small_mapping()
    with XlsxSource(_workbook(tmp_path / "x.xlsx", rows), mapping.source) as source:
        handed = [cells for _, cells in source.rows([0, 1, 2, 3, 4, 5])]
    assert handed == [("R00001", "03/02/2026", "Juniper Ward", "Garden", "Assault", "Low")]
