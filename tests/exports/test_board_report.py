"""The board report, read back: every figure as the board rules give it, worked out here again."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from statistics import fmean
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.chart import LineChart
from pypdf import PdfReader

from exports.commands import export_board
from exports.common import BOARD_FORMAT
from exports.documents import read_updates
from exports.pdf import base as pdf_base
from exports.pdf import write_board_report as write_board_pdf
from exports.xlsx import write_board_report as write_board_xlsx
from tests.exports.export_helpers import FORMULA_LIKE, header_row, pdf_pages, squash
from wardaudit import clock
from wardaudit.board import Board, WardFigure, board_figures, ranked
from wardaudit.checklist import Checklist, from_canonical_json
from wardaudit.cli import main
from wardaudit.errors import UpdatesRefused
from wardaudit.model import Ward
from wardaudit.palette import WORKBOOK
from wardaudit.scoring import RATING_WORDS, display_score
from wardaudit.store import Store
from wardaudit.words import board_period_words as period_words
from wardaudit.words import group_words

ZERO = re.compile(r"(?<![\d.])0(\.0)?%")  # a zero score, not the end of 100.0%
SHEETS = ["Summary", "Wards", "Trends", "Sections", "Actions", "About"]


def last_twelve_months() -> tuple[str, str]:
    today = clock.today()
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}", f"{today.year:04d}-{today.month:02d}"


def latest_in_period(store: Store, start: str, end: str) -> dict[str, dict[str, Any]]:
    """Each ward's latest completed audit in the period, from the audit list alone."""
    latest: dict[str, dict[str, Any]] = {}
    for audit in store.audits.list(status="completed"):
        assert audit.completed_at is not None
        if not start <= audit.completed_at[:7] <= end:
            continue
        when = clock.parse_iso(audit.completed_at)
        found = latest.get(audit.ward_name)
        if found is None or when > found["when"]:
            latest[audit.ward_name] = {
                "when": when,
                "score": audit.overall,
                "rating": audit.rating,
                "site": audit.site_name,
            }
    return latest


def pdf_lines(path: Path) -> list[str]:
    return [line.strip() for page in pdf_pages(path) for line in page.splitlines()]


def ranking_row(lines: list[str], ward: str, site: str) -> list[str]:
    """The ranking table's cells for a ward: each cell is a line of the page's text."""
    for index in range(1, len(lines) - 9):
        if lines[index] == ward and lines[index + 1] == site:
            return lines[index - 1 : index + 9]
    raise AssertionError(f"{ward} ({site}) is not in the ranking table")


def rows_by(path: Path, sheet: str, key: str) -> dict[Any, dict[str, Any]]:
    ws = load_workbook(path)[sheet]
    rows = list(ws.iter_rows())
    top = header_row(rows, ws)
    headers = [cell.value for cell in rows[top]]
    return {
        row[headers.index(key)].value: dict(zip(headers, row, strict=True))
        for row in rows[top + 1 :]
        if row[headers.index(key)].value is not None
    }


def summary_groups(path: Path) -> dict[str, dict[str, Any]]:
    """The Summary sheet's table of the trust and its sites, by name."""
    rows = list(load_workbook(path)["Summary"].iter_rows(values_only=True))
    start = next(n for n, row in enumerate(rows) if row[0] == "Trust or site")
    headers = rows[start]
    return {
        str(row[0]): dict(zip(headers, row, strict=True)) for row in rows[start + 1 :] if row[0]
    }


def audit_all_yes(store: Store, ward: str, checklist: Checklist, sex: str) -> None:
    audit = store.audits.start(ward, checklist)
    for item in checklist.applicable_items(sex):
        store.audits.record_answer(audit.id, item.id, "yes")
    store.audits.complete(audit.id, by="Modern matron", role="Matron")


@pytest.fixture
def demo_board(demo_store: Store) -> Board:
    start, end = last_twelve_months()
    return board_figures(demo_store, start=start, end=end)


@pytest.fixture
def demo_files(demo_store: Store, demo_board: Board, tmp_path: Path) -> tuple[Path, Path]:
    actions = demo_store.actions.list()
    pdf = write_board_pdf(demo_board, tmp_path / "board.pdf", actions=actions, trust="Demo Trust")
    book = write_board_xlsx(
        demo_board, tmp_path / "board.xlsx", actions=actions, trust="Demo Trust"
    )
    return pdf, book


# --- every figure as the board rules give it ------------------------------------------------


def test_every_ward_has_its_latest_score_and_rating(
    demo_store: Store, demo_files: tuple[Path, Path]
) -> None:
    pdf, book = demo_files
    start, end = last_twelve_months()
    expected = latest_in_period(demo_store, start, end)
    lines = pdf_lines(pdf)
    wards = rows_by(book, "Wards", "Ward")
    sections = rows_by(book, "Sections", "Ward")
    assert len(wards) == len(demo_store.wards.list()) == 12
    for ward in demo_store.wards.list():
        found = expected.get(ward.name)
        row = ranking_row(lines, ward.name, ward.site)
        cells = wards[ward.name]
        if found is None:
            assert row[4] == "Not audited" and row[5] == "Not audited"
            assert cells["Score (%)"].value == "Not audited"
            continue
        shown = display_score(found["score"])
        word = RATING_WORDS[found["rating"]]
        assert row[3] == ward.designation
        assert row[4] == f"{shown}%" and row[5] == word
        assert row[9] == found["when"].strftime("%d/%m/%Y")
        score = cells["Score (%)"]
        assert isinstance(score.value, float | int) and display_score(score.value) == shown
        assert score.number_format == "0.0"
        assert cells["Rating"].value == word
        assert cells["Date of audit"].value == datetime.combine(
            found["when"].date(), datetime.min.time()
        )
        assert cells["Date of audit"].number_format == "DD/MM/YYYY"
        assert display_score(sections[ward.name]["Overall score (%)"].value) == shown


def test_site_and_trust_means_are_shown_with_their_n(
    demo_store: Store, demo_files: tuple[Path, Path]
) -> None:
    pdf, book = demo_files
    start, end = last_twelve_months()
    expected = latest_in_period(demo_store, start, end)
    text = squash(" ".join(pdf_pages(pdf)))
    groups = summary_groups(book)
    sites = {ward.site for ward in demo_store.wards.list()}
    for name in [*sorted(sites), "Trust"]:
        wards = [w for w in demo_store.wards.list() if name in ("Trust", w.site)]
        scores = [expected[w.name]["score"] for w in wards if w.name in expected]
        words = f"{display_score(fmean(scores))}% (n = {len(scores)} of {len(wards)} wards audited)"
        assert words in text
        row = groups[name]
        assert row["Mean score (%)"] == pytest.approx(fmean(scores))
        assert row["Wards audited (n)"] == len(scores) and row["Wards"] == len(wards)
        assert row["Mean score with n"] == words


def test_pdf_page_one_and_metadata(demo_board: Board, demo_files: tuple[Path, Path]) -> None:
    pdf, _ = demo_files
    reader = PdfReader(str(pdf))
    meta = reader.metadata
    assert meta is not None
    period = period_words(demo_board)
    assert meta.title and period in meta.title
    assert meta.author == "Demo Trust"
    assert meta.subject and "trends" in meta.subject
    pages = pdf_pages(pdf)
    first = squash(pages[0])
    total = len(pages)
    assert f"Page 1 of {total}" in first and period in first and "Demo Trust" in first
    for words in ("Trust mean score", "Wards rated Red", "Critical breaches", "Overdue actions"):
        assert words in first
    assert "Trust mean score by month" in first and "Wards ranked by rating, then score" in first
    # A page per site, each with its mean and n.
    for site in demo_board.sites:
        heading = f"{site.name} Site mean {group_words(site)}."
        assert sum(1 for page in pages if heading in squash(page)) == 1
    assert "Overdue actions, most serious first" in squash(" ".join(pages[len(demo_board.sites) :]))


def test_month_names_and_period_in_words(demo_board: Board) -> None:
    start, end = last_twelve_months()
    words = period_words(demo_board)
    assert words.startswith(datetime.strptime(start, "%Y-%m").strftime("%B %Y"))
    assert words.endswith(datetime.strptime(end, "%Y-%m").strftime("%B %Y"))
    assert " to " in words


# --- wards not audited, checklist versions --------------------------------------------------


def test_a_ward_not_audited_says_so_and_is_never_zero(
    store: Store, checklist: Checklist, tmp_path: Path
) -> None:
    store.wards.add(site="Ashcombe", name="Audited Ward", sex="male")
    store.wards.add(site="Ashcombe", name="Quiet Ward", sex="male")
    audit_all_yes(store, "Audited Ward", checklist, "male")
    board = board_figures(store)
    pdf = write_board_pdf(board, tmp_path / "board.pdf", actions=store.actions.list())
    book = write_board_xlsx(board, tmp_path / "board.xlsx", actions=store.actions.list())

    lines = pdf_lines(pdf)
    quiet = ranking_row(lines, "Quiet Ward", "Ashcombe")
    assert quiet[0] == "–" and quiet[4] == "Not audited" and quiet[5] == "Not audited"
    assert ranking_row(lines, "Audited Ward", "Ashcombe")[4] == "100.0%"
    text = squash(" ".join(pdf_pages(pdf)))
    assert "100.0% (n = 1 of 2 wards audited)" in text
    assert "Not audited in the period: Quiet Ward (Ashcombe)" in text
    assert not ZERO.search(text)

    wards = rows_by(book, "Wards", "Ward")
    assert wards["Quiet Ward"]["Score (%)"].value == "Not audited"
    assert wards["Quiet Ward"]["Rating"].value == "Not audited"
    assert wards["Quiet Ward"]["Rank"].value is None
    sections = rows_by(book, "Sections", "Ward")["Quiet Ward"]
    assert sections["Overall score (%)"].value == "Not audited"
    assert all(
        cell.value is None
        for name, cell in sections.items()
        if name not in ("Ward", "Site", "Overall score (%)", "Rating")
    )
    trends = load_workbook(book)["Trends"]
    header = [cell.value for cell in trends[1]]
    column = header.index("Quiet Ward")
    assert all(row[column] is None for row in trends.iter_rows(min_row=2, values_only=True))


def test_different_checklist_versions_are_noted(
    store: Store, checklist: Checklist, tmp_path: Path
) -> None:
    data = json.loads(checklist.canonical_json)
    data["version"] = checklist.version + 1
    newer = from_canonical_json(json.dumps(data))
    for name, used in (("Old Ward", checklist), ("New Ward", newer)):
        store.wards.add(site="Ashcombe", name=name, sex="female")
        audit_all_yes(store, name, used, "female")
    board = board_figures(store)
    assert board.versions_note is not None
    pdf = write_board_pdf(board, tmp_path / "board.pdf")
    book = write_board_xlsx(board, tmp_path / "board.xlsx")
    assert squash(board.versions_note) in squash(pdf_pages(pdf)[0])
    summary = {
        row[0]: row[1]
        for row in load_workbook(book)["Summary"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert summary["Checklist versions"] == board.versions_note


def test_one_checklist_version_gives_no_note(
    store: Store, checklist: Checklist, tmp_path: Path
) -> None:
    store.wards.add(site="Ashcombe", name="Only Ward", sex="female")
    audit_all_yes(store, "Only Ward", checklist, "female")
    board = board_figures(store)
    pdf = write_board_pdf(board, tmp_path / "board.pdf")
    assert "different checklist versions" not in squash(" ".join(pdf_pages(pdf)))


# --- the workbook's sheets ------------------------------------------------------------------


def test_workbook_sheets_hold_values_a_chart_and_a_heatmap(
    demo_board: Board, demo_files: tuple[Path, Path]
) -> None:
    _, path = demo_files
    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    assert book.properties.title and period_words(demo_board) in book.properties.title
    assert book.properties.creator == "Demo Trust" and book.properties.subject

    trends = book["Trends"]
    charts = trends._charts
    assert len(charts) == 1 and isinstance(charts[0], LineChart)
    assert len(charts[0].series) == 1 + len(demo_board.sites)  # the trust and each site
    header = [cell.value for cell in trends[1]]
    assert header[:2] == ["Month", "Trust mean (%)"]
    rows = list(trends.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(demo_board.months)
    means = [row[1] for row in rows if row[1] is not None]
    assert means and all(isinstance(value, float | int) for value in means)
    for row in trends.iter_rows(min_row=2):
        for cell in row[1:]:
            assert cell.value is None or isinstance(cell.value, float | int)
            assert cell.data_type != "f"  # values, never formulas

    sections = book["Sections"]
    ranges = [str(rule.sqref) for rule in sections.conditional_formatting]
    assert ranges and any(r.startswith("E2:") for r in ranges)  # the heatmap's steps
    # The overall score is shaded by the ward's rating (the Rating column beside it), as
    # every view of the ward is, never by its score alone.
    overall = next(r for r in sections.conditional_formatting if str(r.sqref).startswith("C2:"))
    assert "D2:" in str(overall.sqref)
    assert {rule.formula[0].split("=")[1] for rule in overall.rules} == {
        '"Red"',
        '"Amber"',
        '"Green"',
    }
    titles = [cell.value for cell in sections[1]][4:]
    assert titles == [title for _, title in demo_board.sections]
    for row in sections.iter_rows(min_row=2, min_col=5):
        for cell in row:
            assert cell.value is None or isinstance(cell.value, float | int)

    # Frozen below the header and beside the columns that name the row, as printed.
    for name, pane in (("Wards", "C3"), ("Trends", "B2"), ("Sections", "B2"), ("Actions", "A2")):
        assert book[name].freeze_panes == pane
        assert book[name].tables, f"{name} has no table with filters"
    assert book["Wards"].conditional_formatting  # ratings coloured, and written

    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Format"] == BOARD_FORMAT


def test_actions_sheet_lists_open_actions_overdue_first_with_real_dates(
    demo_store: Store, demo_board: Board, demo_files: tuple[Path, Path]
) -> None:
    _, path = demo_files
    ws = load_workbook(path)["Actions"]
    rows = list(ws.iter_rows())
    header = [cell.value for cell in rows[0]]
    body = [dict(zip(header, row, strict=True)) for row in rows[1:] if row[0].value is not None]
    today = clock.today()
    wanted = [
        a
        for a in demo_store.actions.list()
        if a.status in ("open", "in_progress")
        and a.ward_name in {f.ward.name for f in demo_board.wards}
    ]
    assert len(body) == len(wanted) > 0
    assert {row["Status"].value for row in body} <= {"Open", "In progress"}
    overdue = [row["Days overdue"].value is not None for row in body]
    assert overdue == sorted(overdue, reverse=True)  # every overdue action before the rest
    for row in body:
        for column in ("Raised", "Due"):
            assert isinstance(row[column].value, datetime)
            assert row[column].number_format == "DD/MM/YYYY"
        days = row["Days overdue"].value
        if days is not None:
            assert days == (today - row["Due"].value.date()).days > 0


def test_the_board_workbook_is_not_taken_for_an_action_workbook(
    demo_store: Store, demo_files: tuple[Path, Path]
) -> None:
    _, path = demo_files
    with pytest.raises(UpdatesRefused, match="not an action workbook"):
        read_updates(path, demo_store)


def test_text_that_looks_like_a_formula_stays_text(store: Store, tmp_path: Path) -> None:
    for text in FORMULA_LIKE:
        store.wards.add(site=text, name=f"{text} ward", sex="mixed")
    board = board_figures(store)
    book = write_board_xlsx(board, tmp_path / "board.xlsx")
    ws = load_workbook(book)["Wards"]
    written = [row for row in ws.iter_rows(min_row=2) if row[0].value is not None or row[1].value]
    sites = {row[2].value: row[2] for row in written}
    for text in FORMULA_LIKE:
        assert sites[text].data_type == "s"
        assert sites[text].value == text


# --- the ranking and the colours ------------------------------------------------------------


def _figure(name: str, score: float | None, rating: str = "green") -> WardFigure:
    ward = Ward(id=name, name=name, site="Ashcombe", sex="mixed", service="", beds=None)
    return WardFigure(
        ward,
        None if score is None else f"audit-{name}",
        None if score is None else "2026-10-01T10:00:00+01:00",
        score,
        None if score is None else rating,
        rating == "red" and score is not None and score >= 75,  # Red on a breach
        None,
        {},
        0,
        0,
        (),
    )


def test_ranking_puts_the_most_serious_first_shares_ties_and_leaves_wards_not_audited_unranked() -> (
    None
):
    wards = [
        _figure("Ash Ward", 91.0),
        _figure("Bay Ward", None),
        _figure("Elm Ward", 95.5),
        _figure("Fir Ward", 91.0),
        _figure("Oak Ward", 80.0, "amber"),
        _figure("Yew Ward", 84.4, "red"),  # a critical breach: Red, whatever the score
    ]
    order = [(r.rank, r.figure.ward.name) for r in ranked(wards)]
    assert order == [
        (1, "Yew Ward"),
        (2, "Oak Ward"),
        (3, "Ash Ward"),
        (3, "Fir Ward"),
        (5, "Elm Ward"),
        (None, "Bay Ward"),
    ]


def test_rating_colours_match_the_action_plan() -> None:
    for rating, swatch in WORKBOOK.ratings.items():
        fill, text = swatch.fill_rgb, swatch.text_rgb
        pdf_fill, pdf_text = pdf_base.RATING_FILLS[rating]
        assert pdf_fill.hexval()[2:].upper() == fill
        assert pdf_text.hexval()[2:].upper() == text


# --- the command line -----------------------------------------------------------------------


def test_command_writes_both_files(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, book = tmp_path / "board.pdf", tmp_path / "board.xlsx"
    code = main(["--db", str(demo_db), "export", "board", "--pdf", str(pdf), "--xlsx", str(book)])
    assert code == 0
    out = capsys.readouterr().out
    assert f"wrote {pdf}" in out and f"wrote {book}" in out
    assert "Page 1 of" in pdf_pages(pdf)[0]
    workbook = load_workbook(book)
    assert workbook.sheetnames == SHEETS
    # The Actions sheet holds the open actions the board counts: those of signed-off audits.
    trust = summary_groups(book)["Trust"]
    listed = sum(1 for row in workbook["Actions"].iter_rows(min_row=2, values_only=True) if row[0])
    assert listed == trust["Open actions"] > 0


def test_command_for_one_site_and_period(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "site.xlsx"
    with Store.open(demo_db, readonly=True) as store:
        site = store.wards.list()[0].site
    start, end = last_twelve_months()
    args = ["--db", str(demo_db), "export", "board", "--from", start, "--to", end]
    assert main([*args, "--site", site, "--xlsx", str(book)]) == 0
    assert site in capsys.readouterr().out
    wards = rows_by(book, "Wards", "Ward")
    assert wards and {row["Site"].value for row in wards.values()} == {site}


def test_command_refuses_a_bad_month(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "board.pdf"
    code = main(["--db", str(demo_db), "export", "board", "--from", "11/2026", "--pdf", str(pdf)])
    assert code == 1
    assert "wardaudit: error:" in capsys.readouterr().err
    assert not pdf.exists()


def test_command_needs_a_file_and_a_known_site(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(demo_db), "export", "board"]) == 1
    assert "wardaudit: error: say where to write the board report" in capsys.readouterr().err
    pdf = tmp_path / "board.pdf"
    args = ["--db", str(demo_db), "export", "board", "--site", "Nowhere", "--pdf", str(pdf)]
    assert main(args) == 1
    assert "no site called 'Nowhere'" in capsys.readouterr().err
    assert not pdf.exists()


def test_export_board_without_a_file_is_invalid(demo_store: Store) -> None:
    from wardaudit.errors import InvalidInput

    with pytest.raises(InvalidInput):
        export_board(demo_store)


def test_an_empty_period_still_makes_both_documents(demo_store: Store, tmp_path: Path) -> None:
    board = board_figures(demo_store, start="2001-01", end="2001-03")
    assert board.trust.audited == 0
    pdf = write_board_pdf(board, tmp_path / "empty.pdf", actions=demo_store.actions.list())
    book = write_board_xlsx(board, tmp_path / "empty.xlsx", actions=demo_store.actions.list())
    text = squash(" ".join(pdf_pages(pdf)))
    assert "Not audited (n = 0 of 12 wards audited)" in text
    assert not ZERO.search(text)
    assert load_workbook(book)["Trends"]._charts


def test_dates_in_documents_are_day_month_year(demo_files: tuple[Path, Path]) -> None:
    pdf, _ = demo_files
    text = " ".join(pdf_pages(pdf))
    assert clock.today().strftime("%d/%m/%Y") in text
    assert date.today().isoformat() not in text


def test_the_shared_module_loads_neither_writer_library() -> None:
    probe = (
        "import exports.documents, exports.commands, wardaudit.board, wardaudit.words, sys;"
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "reportlab" not in done.stdout and "openpyxl" not in done.stdout


def test_a_long_action_list_keeps_the_most_serious_and_says_so(
    demo_store: Store, demo_board: Board, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exports.pdf.board
    import exports.xlsx.board

    monkeypatch.setattr(exports.xlsx.board, "WORKBOOK_ACTION_LIMIT", 5)
    monkeypatch.setattr(exports.pdf.board, "PDF_ACTION_LIMIT", 3)
    actions = demo_store.actions.list()
    still_open = sum(1 for a in actions if a.status in ("open", "in_progress"))
    book = write_board_xlsx(demo_board, tmp_path / "board.xlsx", actions=actions)
    pdf = write_board_pdf(demo_board, tmp_path / "board.pdf", actions=actions)
    listed = [row for row in load_workbook(book)["Actions"].iter_rows(min_row=2) if row[0].value]
    assert len(listed) == 5
    summary = {
        row[0]: row[1]
        for row in load_workbook(book)["Summary"].iter_rows(values_only=True)
        if row and row[0]
    }
    assert summary["Actions sheet"].startswith(f"The 5 most serious of {still_open} open")
    assert "The 3 most serious are listed here" in squash(" ".join(pdf_pages(pdf)))
