"""The Excel action plan and work list, read back with openpyxl."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports import xlsx
from exports.common import ACTION_COLUMNS, STATUS_WORDS, WORKBOOK_FORMAT, sheet_title
from tests.exports.export_helpers import FORMULA_LIKE, SmallAudit, plain_header, sheet_rows
from wardaudit import clock
from wardaudit.actions import for_planner
from wardaudit.model import Action, AuditRecord
from wardaudit.store import Store


def _assert_rows_match(path: Path, actions: list[Action]) -> None:
    rows = sheet_rows(path)
    assert len(rows) == len(actions)
    by_id = {row["Action ID"].value: row for row in rows}
    assert set(by_id) == {a.id for a in actions}
    today = clock.today()
    for action in actions:
        row = by_id[action.id]
        assert row["Site"].value == action.site_name
        assert row["Ward"].value == action.ward_name
        assert row["Item"].value == action.item
        assert row["Action"].value == action.description
        assert row["Owner"].value == action.owner
        assert row["Likelihood"].value == action.risk.likelihood
        assert row["Consequence"].value == action.risk.consequence
        assert row["Risk score"].value == action.risk.score
        assert row["Band"].value == action.risk.band_word
        assert row["Status"].value == action.status_word
        assert (row["Estates comment"].value or "") == action.comment
        assert row["Overdue"].value == ("Overdue" if action.is_overdue(today) else None)
        due = row["Due"]
        assert due.is_date and isinstance(due.value, datetime)
        assert due.value.date() == action.due
        assert due.number_format == "DD/MM/YYYY"
        assert row["Raised"].is_date
        completed = row["Completed on"]
        assert completed.number_format == "DD/MM/YYYY"
        if action.completed_on:
            assert completed.value.date() == action.completed_on


def test_action_plan_workbook_holds_every_action_with_the_stores_values(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    record = store.audits.get(small_audit.id)
    path = xlsx.write_action_plan(record, tmp_path / "plan.xlsx")
    _assert_rows_match(path, list(record.actions))
    book = load_workbook(path)
    assert book.sheetnames == ["Actions", "Summary", "Answers", "About", "Rows as exported"]
    assert book["Rows as exported"].sheet_state == "hidden"
    assert book.properties.title and "Juniper Ward" in book.properties.title
    assert book.properties.creator == "Modern matron"
    assert {p.name: p.value for p in book.custom_doc_props}["WardAudit format"] == WORKBOOK_FORMAT


def test_the_actions_sheet_is_a_filtered_table_with_a_frozen_header(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    path = xlsx.write_action_plan(small_record, tmp_path / "plan.xlsx")
    ws = load_workbook(path)["Actions"]
    # A title and "How to send this back" above the header, which says which columns are
    # estates' own: each label in the repeated Ward and Item columns, its text beside it on
    # the first printed page and again beside estates' columns on the second.
    assert ws["A1"].value == "Action plan"
    assert str(ws["C1"].value).startswith("Juniper Ward")
    assert ws["A2"].value == "How to send this back"
    assert str(ws["C2"].value).startswith("Change only the yellow columns marked 'estates'")
    assert ws["J2"].value == ws["C2"].value
    assert {"A2:B2", "C2:I2", "J2:O2"} <= {str(r) for r in ws.merged_cells.ranges}
    assert [plain_header(c.value) for c in ws[3]] == list(ACTION_COLUMNS)
    assert [c.value for c in ws[3]][9:12] == [
        "Status (estates: choose)",
        "Estates comment (estates: type)",
        "Completed on (estates: dd/mm/yyyy)",
    ]
    assert all(c.font.bold for c in ws[3])
    assert ws.freeze_panes == "C4"  # the header, and the ward and item beside every row
    table = ws.tables["Actions"]
    assert table.ref == f"A3:R{len(small_record.actions) + 3}"
    assert table.autoFilter is not None
    assert [plain_header(c.name) for c in table.tableColumns] == list(ACTION_COLUMNS)
    assert ws.column_dimensions["F"].width >= 40  # the action text has room
    assert ws["F4"].alignment.wrap_text


def test_status_is_a_drop_down_of_the_words(tmp_path: Path, small_record: AuditRecord) -> None:
    ws = load_workbook(xlsx.write_action_plan(small_record, tmp_path / "p.xlsx"))["Actions"]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == '"' + ",".join(STATUS_WORDS) + '"'
    assert STATUS_WORDS == ("Open", "In progress", "Done", "Verified", "Cannot do")
    last = len(small_record.actions) + 3
    assert f"J4:J{last}" in str(lists[0].sqref)
    assert lists[0].showErrorMessage
    # Each of estates' columns says what to put in it when chosen.
    prompts = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    for column in ("J4", "K4", "L4"):
        assert prompts[column].showInputMessage and "Estates" in prompts[column].prompt


def test_bands_and_overdue_are_conditionally_formatted(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    ws = load_workbook(xlsx.write_action_plan(small_record, tmp_path / "p.xlsx"))["Actions"]
    formulas = [
        (str(cf.sqref), rule.formula[0]) for cf in ws.conditional_formatting for rule in cf.rules
    ]
    for word in ("Extreme", "High", "Moderate", "Low"):
        assert any(f'"{word}"' in formula and "G4:" in ranges for ranges, formula in formulas)
    assert any('"Overdue"' in formula and "H4:" in ranges for ranges, formula in formulas)


def test_formula_like_text_is_stored_as_text(tmp_path: Path, small_record: AuditRecord) -> None:
    path = xlsx.write_action_plan(small_record, tmp_path / "p.xlsx")
    book = load_workbook(path)
    found: dict[str, str] = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if cell.value in FORMULA_LIKE:
                    assert cell.data_type == "s"
                    assert cell.quotePrefix
                    found[cell.value] = f"{ws.title}!{cell.coordinate}"
    assert set(found) == set(FORMULA_LIKE)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_summary_holds_figures_as_values(tmp_path: Path, small_record: AuditRecord) -> None:
    book = load_workbook(xlsx.write_action_plan(small_record, tmp_path / "p.xlsx"))
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    score = small_record.score.overall
    assert score is not None
    assert summary["Overall score (%)"][0] == pytest.approx(round(float(score), 1))
    assert summary["Rating"][0] == "Red"
    assert summary["Critical breaches"][0] == 1
    assert summary["Actions"][0] == len(small_record.actions)
    for section in small_record.score.sections:
        assert section.title in summary


def test_answers_sheet_lists_every_applicable_item(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    rows = sheet_rows(xlsx.write_action_plan(small_record, tmp_path / "p.xlsx"), "Answers")
    items = small_record.checklist.applicable_items(small_record.audit.ward.sex)
    assert [r["Item"].value for r in rows] == [i.id for i in items]
    answered = {r["Item"].value: r for r in rows}
    for item_id, answer in small_record.answers.items():
        assert answered[item_id]["Answer"].value in ("Yes", "Partly", "No", "N/A")
        assert (answered[item_id]["Note"].value or "") == answer.note
        if answer.answered_at:
            assert answered[item_id]["Answered at"].is_date


def test_work_list_workbook_from_the_demo_trust(tmp_path: Path, demo_store: Store) -> None:
    actions = demo_store.actions.list(site="Millbrook Centre")
    path = xlsx.write_work_list(
        actions, tmp_path / "work.xlsx", title="Estates work list", filters="Site: Millbrook Centre"
    )
    _assert_rows_match(path, actions)
    rows = sheet_rows(path)
    order = [(r["Ward"].value, r["Action ID"].value) for r in rows]
    wards = [ward for ward, _ in order]
    assert wards == sorted(wards)  # grouped by ward (one site here)
    for ward in set(wards):
        ids = [i for w, i in order if w == ward]
        mine = [a for a in actions if a.ward_name == ward]
        assert ids == [a.id for a in for_planner(mine, clock.today())]
    book = load_workbook(path)
    assert book.sheetnames == ["Actions", "Summary", "About", "Rows as exported"]
    summary = list(book["Summary"].iter_rows(values_only=True))
    assert ("Showing", "Site: Millbrook Centre") in [r[:2] for r in summary]
    per_ward = {r[1]: r[2] for r in summary if r[0] == "Millbrook Centre"}
    assert sum(per_ward.values()) == len(actions)


def test_an_empty_work_list_is_still_a_workbook(tmp_path: Path) -> None:
    path = xlsx.write_work_list([], tmp_path / "empty.xlsx", title="Nothing")
    assert sheet_rows(path) == []
    assert load_workbook(path)["Actions"].tables["Actions"].ref == "A3:R4"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Actions", "Actions"),
        ("Ward [A]: 1/2 * what? \\ yes", "Ward A 1 2 what yes"),
        ("A very long sheet title that goes past the limit", "A very long sheet title that go"),
        ("[]:*?/\\", "Sheet"),
    ],
)
def test_sheet_titles_are_sanitised(title: str, expected: str) -> None:
    cleaned = sheet_title(title)
    assert cleaned == expected
    assert len(cleaned) <= 31
    assert not set(cleaned) & set("[]:*?/\\")
