"""Returned workbooks from any spreadsheet tool, edited as a careless officer would: every
edit not taken is listed with what to do instead, and anything else is a clear refusal with
a bounded list of problems, never a traceback, never a flood, and nothing changed."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from exports import xlsx
from exports.documents import apply_updates, read_updates
from exports.xlsx.updates import MAX_LISTED, MAX_ROWS, UpdatePlan
from tests.exports.export_helpers import SmallAudit, actions_header, libreoffice
from wardaudit import clock, views
from wardaudit.actions import raised_on
from wardaudit.errors import UpdatesRefused
from wardaudit.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


def _export(store: Store, audit_id: str, folder: Path, name: str = "plan.xlsx") -> Path:
    return xlsx.write_action_plan(store.audits.get(audit_id), folder / name)


def _open(path: Path) -> tuple[Any, Any, int, list[Any]]:
    book = load_workbook(path)
    ws = book["Actions"]
    top, headers = actions_header(ws)
    return book, ws, top, headers


def _refused(path: Path, store: Store) -> UpdatesRefused:
    before = [views.action_json(a) for a in store.actions.list()]
    with pytest.raises(UpdatesRefused) as caught:
        read_updates(path, store)
    assert [views.action_json(a) for a in store.actions.list()] == before
    message = str(caught.value)
    assert "Traceback" not in message and "nothing has changed" in message
    assert len(caught.value.problems) <= MAX_LISTED
    return caught.value


def _done_on(action: Any) -> date:
    return max(raised_on(action), clock.today() - timedelta(days=1))


# --- every edit heard ------------------------------------------------------------------------


def test_a_careless_officer_edits_every_column_and_every_edit_not_taken_is_listed(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    actions = list(store.audits.get(small_audit.id).actions)
    assert len(actions) >= 4
    path = _export(store, small_audit.id, tmp_path)
    book, ws, top, headers = _open(path)
    ws.protection.sheet = False  # a determined officer lifts the protection
    first = top + 1
    col = {h: i + 1 for i, h in enumerate(headers)}
    ids = {ws.cell(r, col["Action ID"]).value: r for r in range(first, first + len(actions))}
    taken = ws.cell(first, col["Action ID"]).value
    done_on = _done_on(store.actions.get(taken))
    # the three estates' columns on the first row: taken
    ws.cell(first, col["Status"]).value = "Done"
    ws.cell(first, col["Estates comment"]).value = "Closer refitted\u2028(second visit)"
    ws.cell(first, col["Completed on"]).value = done_on
    # every other column on the second row: none taken, each listed
    second = first + 1
    for name in headers:
        if name in ("Status", "Estates comment", "Completed on", "Action ID", "Item"):
            continue  # the item is changed on another row: with the ward, it names the row
        cell = ws.cell(second, col[name])
        cell.value = (
            date(2030, 1, 1)
            if name in ("Due", "Raised")
            else (9 if name in ("Likelihood", "Consequence", "Risk score") else f"edited {name}")
        )
    # a row added at the end, the last row deleted, two rows swapped
    last = first + len(actions) - 1
    deleted = ws.cell(last, col["Action ID"]).value
    for c in range(1, len(headers) + 1):
        ws.cell(last, c).value = None
    ws.cell(last + 2, col["Ward"]).value = "Juniper Ward"
    ws.cell(last + 2, col["Action"]).value = "Also fix the window"
    ws.cell(last + 2, col["Status"]).value = "Open"
    ws.cell(first, col["Item"]).value = "edited Item"
    for c in range(1, len(headers) + 1):  # the first two rows swapped, as a sort would
        a, b = ws.cell(first, c).value, ws.cell(second, c).value
        ws.cell(first, c).value, ws.cell(second, c).value = b, a
    book.save(path)

    plan = read_updates(path, store)
    assert [u.action.id for u in plan.updates] == [taken]
    assert plan.updates[0].change.comment == "Closer refitted\n(second visit)"
    not_taken = "\n".join(plan.not_taken)
    for name in headers:
        if name in ("Status", "Estates comment", "Completed on", "Action ID", "Overdue"):
            continue
        assert f": {name} changed to" in not_taken, name
    assert "Overdue changed to 'edited Overdue'" in not_taken
    assert "ask the ward to change the due date: the due date follows the risk" in not_taken
    assert f"Row {last + 2} has no Action ID" in not_taken and "a row added" in not_taken
    assert "is not in the workbook: a deleted row is not taken back" in not_taken
    assert str(ids[deleted] - first + 1) in not_taken  # its row as exported
    assert "not in the place exported" in not_taken

    # applied: the comment and date reach the JSON, the history and the next plan
    before = views.action_json(store.actions.get(taken))
    assert apply_updates(store, plan, actor="Estates (returned workbook plan.xlsx)") == 1
    after = views.action_json(store.actions.get(taken))
    assert after["status"] == "done"
    assert after["comment"] == "Closer refitted\n(second visit)"
    assert after["completed_on"] == done_on.isoformat()
    assert after["status_note"] == "Closer refitted\n(second visit)"  # current, not stale
    assert clock.parse_iso(after["updated_at"]) > clock.parse_iso(before["updated_at"])
    history = store.history.list(action=taken)
    assert history[-1].kind == "action_update_imported"
    again = _export(store, small_audit.id, tmp_path, "again.xlsx")
    _, ws2, top2, headers2 = _open(again)
    rows = {
        ws2.cell(r, headers2.index("Action ID") + 1).value: r
        for r in range(top2 + 1, top2 + 1 + len(actions))
    }
    row = rows[taken]
    assert ws2.cell(row, headers2.index("Estates comment") + 1).value == after["comment"]
    assert ws2.cell(row, headers2.index("Status") + 1).value == "Done"


def test_an_id_typed_over_is_refused_and_a_cleared_id_is_named(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    path = _export(store, small_audit.id, tmp_path)
    book, ws, top, headers = _open(path)
    col = {h: i + 1 for i, h in enumerate(headers)}
    first = top + 1
    other = ws.cell(first + 1, col["Action ID"]).value
    ws.cell(first, col["Action ID"]).value = other  # typed over with another row's id
    book.save(path)
    assert "was the id typed over" in str(_refused(path, store)) or "is also on row" in str(
        _refused(path, store)
    )

    path = _export(store, small_audit.id, tmp_path, "cleared.xlsx")
    book, ws, top, headers = _open(path)
    cleared = ws.cell(top + 1, col["Action ID"]).value
    ws.cell(top + 1, col["Action ID"]).value = None
    ws.cell(top + 1, col["Status"]).value = "Done"
    book.save(path)
    plan = read_updates(path, store)
    assert any("has lost its Action ID" in line and cleared in line for line in plan.not_taken)
    assert not any("deleted row" in line for line in plan.not_taken)


# --- any cell content from any spreadsheet tool -----------------------------------------------


def test_text_in_a_number_cell_dates_as_text_and_formulas(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    actions = list(store.audits.get(small_audit.id).actions)
    path = _export(store, small_audit.id, tmp_path)
    book, ws, top, headers = _open(path)
    col = {h: i + 1 for i, h in enumerate(headers)}
    first = top + 1
    ws.cell(first, col["Likelihood"]).value = "four"  # text in a number cell: not taken
    ws.cell(first, col["Status"]).value = "Done"
    ws.cell(first, col["Completed on"]).value = _done_on(actions[0]).strftime("%d/%m/%Y")
    ws.cell(first + 1, col["Status"]).value = "Done"
    ws.cell(first + 1, col["Completed on"]).value = "11/25/2025"  # US, month first
    ws.cell(first + 2, col["Status"]).value = '=IF(1,"Done","Open")'  # a formula
    ws.cell(first + 3, col["Completed on"]).value = 45000  # a number, not a date
    ws.cell(first + 3, col["Completed on"]).number_format = "General"
    ws.cell(first + 3, col["Status"]).value = 3  # a number, not a status
    book.save(path)
    error = _refused(path, store)
    message = str(error)
    assert "'11/25/2025' looks like a US date (month first)" in message and "25/11/2025" in message
    assert "Status holds a formula; type the value itself" in message
    assert "45000 is a number, not a date" in message
    assert "Status is '3'" in message

    # With those put right, the UK date as text is taken and the text in a number cell listed.
    book, ws, top, headers = _open(path)
    for row in (first + 1, first + 2, first + 3):
        ws.cell(row, col["Completed on"]).value = None
        ws.cell(row, col["Status"]).value = (
            ws.cell(row, col["Status"]).value if row == first + 1 else "Open"
        )
    ws.cell(first + 1, col["Status"]).value = "In progress"
    book.save(path)
    plan = read_updates(path, store)
    assert plan.updates[0].change.completed_on == _done_on(actions[0])
    assert any("Likelihood changed to 'four' — not taken back" in line for line in plan.not_taken)


def test_merged_cells_and_hidden_sheets(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    path = _export(store, small_audit.id, tmp_path)
    book, ws, top, headers = _open(path)
    col = {h: i + 1 for i, h in enumerate(headers)}
    status = col["Status"]
    ws.cell(top + 1, status).value = "In progress"
    ws.merge_cells(start_row=top + 1, start_column=status, end_row=top + 2, end_column=status)
    book.create_sheet("Notes").sheet_state = "hidden"
    ws.sheet_state = "hidden"
    book.active = 1
    book.save(path)
    message = str(_refused(path, store))
    assert f"Row {top + 2}" in message and "Status is empty" in message


def test_odd_custom_properties_from_another_tool_are_no_traceback(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    path = _export(store, small_audit.id, tmp_path)
    odd = tmp_path / "odd.xlsx"
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Checked by">'
        "<vt:filetime>not a time</vt:filetime></property>"
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Blob">'
        "<vt:blob>AAAA</vt:blob></property>"
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="4" name="Weird">'
        '<vt:vector size="2" baseType="lpstr"><vt:lpstr>a</vt:lpstr></vt:vector></property>'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="5" name="WardAudit format">'
        "<vt:i4>99999999999999999999</vt:i4></property>"
        "</Properties>"
    )
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(odd, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "docProps/custom.xml":
                data = custom.encode()
            out.writestr(member, data)
    try:
        plan = read_updates(odd, store)  # the About sheet still marks it as ours
    except UpdatesRefused as refused:
        assert "Traceback" not in str(refused)
    else:
        assert isinstance(plan, UpdatePlan) and plan.rows_read == len(
            store.audits.get(small_audit.id).actions
        )


def _filled_down(path: Path, out: Path, rows: int, *, dimension: bool = True) -> Path:
    """The Actions sheet with Status "Done" filled down to row ``rows``, written as a
    spreadsheet tool would, without building the rows in memory."""
    with zipfile.ZipFile(path) as source:
        sheet_name = next(n for n in source.namelist() if n.startswith("xl/worksheets/sheet1.xml"))
        xml = source.read(sheet_name).decode()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for member in source.infolist():
                if member.filename != sheet_name:
                    target.writestr(member, source.read(member.filename))
            head, _, tail = xml.partition("</sheetData>")
            last = max(int(r) for r in re.findall(r'<row r="(\d+)"', head))
            if dimension:
                head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:R{rows}"/>', head)
            else:
                head = re.sub(r'<dimension ref="[^"]*"/>', "", head)
            with target.open(sheet_name, "w") as stream:
                stream.write(head.encode())
                chunk = []
                for number in range(last + 1, rows + 1):
                    chunk.append(
                        f'<row r="{number}"><c r="J{number}" t="inlineStr"><is><t>Done</t></is></c></row>'
                    )
                    if len(chunk) == 5000:
                        stream.write("".join(chunk).encode())
                        chunk = []
                stream.write("".join(chunk).encode())
                stream.write(("</sheetData>" + tail).encode())
    return out


def test_a_status_column_filled_down_a_million_rows_is_refused_in_a_sentence(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    path = _export(store, small_audit.id, tmp_path)
    million = _filled_down(path, tmp_path / "million.xlsx", 1_000_000)
    error = _refused(million, store)
    assert (
        len(error.problems) == 1 and "filled down to the bottom of the sheet" in error.problems[0]
    )
    # a sheet that does not say how many rows it has is stopped as it streams past
    undeclared = _filled_down(path, tmp_path / "undeclared.xlsx", MAX_ROWS + 100, dimension=False)
    error = _refused(undeclared, store)
    assert len(error.problems) == 1 and "filled down" in error.problems[0]


def test_many_bad_rows_give_the_first_few_dozen_then_a_count(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    path = _export(store, small_audit.id, tmp_path)
    book, ws, top, headers = _open(path)
    col = {h: i + 1 for i, h in enumerate(headers)}
    for row in range(top + 1, top + 301):
        ws.cell(row, col["Action ID"]).value = f"not-an-id-{row}"
        ws.cell(row, col["Status"]).value = "Done"
    book.save(path)
    error = _refused(path, store)
    assert len(error.problems) == MAX_LISTED and error.more == 300 + 1 - MAX_LISTED
    assert f"and {error.more} more problems" in str(error)
    assert str(error).count("\n") <= MAX_LISTED + 2


def test_a_csv_renamed_and_a_password_protected_file_are_refused_in_words(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    renamed = tmp_path / "returned.xlsx"
    renamed.write_text("Ward,Item,Status,Action ID\nJuniper Ward,A01,Done,x\n", encoding="utf-8")
    assert "text file (CSV or similar)" in str(_refused(renamed, store))
    protected = tmp_path / "protected.xlsx"
    shutil.copy(FIXTURES / "password-protected.xlsx", protected)
    message = str(_refused(protected, store))
    assert "protected with a password" in message and "remove the password" in message
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    assert "old Excel 97-2003 workbook" in str(_refused(old, store))
    crafted = tmp_path / "crafted.xlsx"
    with zipfile.ZipFile(crafted, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "a zip file but not an Excel workbook" in str(_refused(crafted, store))


# --- LibreOffice, as many trusts use --------------------------------------------------------


def test_a_workbook_resaved_by_libreoffice_comes_back_with_every_edit_heard(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    actions = list(store.audits.get(small_audit.id).actions)
    path = _export(store, small_audit.id, tmp_path)
    book, ws, top, headers = _open(path)
    col = {h: i + 1 for i, h in enumerate(headers)}
    first = top + 1
    changed = ws.cell(first, col["Action ID"]).value
    ws.cell(first, col["Status"]).value = "Done"
    ws.cell(first, col["Completed on"]).value = _done_on(store.actions.get(changed))
    ws.cell(first, col["Estates comment"]).value = "Done in LibreOffice"
    ws.cell(first + 1, col["Due"]).value = date(2031, 5, 1)
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    resaved = libreoffice(edited, "xlsx", tmp_path / "resaved")
    kept = load_workbook(resaved)
    assert kept["Actions"].protection.sheet  # the protection survives the round trip
    plan = read_updates(resaved, store)
    assert [u.action.id for u in plan.updates] == [changed]
    assert plan.updates[0].change.comment == "Done in LibreOffice"
    assert any("Due changed to 01/05/2031 — not taken back" in line for line in plan.not_taken)
    assert plan.rows_read == len(actions)
    assert apply_updates(store, plan) == 1
    assert store.actions.get(changed).completed_on == _done_on(store.actions.get(changed))
