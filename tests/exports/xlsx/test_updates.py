"""Estates' returned workbook: shown, then applied whole, or refused whole with every problem listed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from exports import xlsx
from exports.documents import apply_updates, read_updates
from tests.exports.export_helpers import SmallAudit, actions_header
from wardaudit import clock
from wardaudit.actions import raised_on
from wardaudit.errors import ChangedMeanwhile, UpdatesRefused
from wardaudit.model import Action, ActionChange
from wardaudit.store import Store


def _export(store: Store, audit_id: str, folder: Path) -> Path:
    return xlsx.write_action_plan(store.audits.get(audit_id), folder / "plan.xlsx")


def _edit(path: Path, edits: dict[str, dict[str, Any]], out: Path | None = None) -> Path:
    """Change cells by action id and column header, as estates would in Excel."""
    book = load_workbook(path)
    ws = book["Actions"]
    top, headers = actions_header(ws)
    id_column = headers.index("Action ID")
    for row in ws.iter_rows(min_row=top + 1):
        changes = edits.get(row[id_column].value, {})
        for header, value in changes.items():
            row[headers.index(header)].value = value
    target = out or path.with_name("returned.xlsx")
    book.save(target)
    return target


def _row_of(path: Path, action_id: str) -> int:
    ws = load_workbook(path)["Actions"]
    top, headers = actions_header(ws)
    for number, row in enumerate(ws.iter_rows(min_row=top + 1, values_only=True), start=top + 1):
        if row[headers.index("Action ID")] == action_id:
            return number
    raise AssertionError(action_id)


def _state(store: Store) -> list[Action]:
    return store.actions.list()


def test_a_returned_workbook_updates_status_comment_and_completion(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    actions = list(store.audits.get(small_audit.id).actions)
    first, second, third = actions[0], actions[1], actions[2]
    yesterday = clock.today() - timedelta(days=1)
    if yesterday < raised_on(first):
        yesterday = clock.today()
    returned = _edit(
        _export(store, small_audit.id, tmp_path),
        {
            first.id: {
                "Status": "Done",
                "Completed on": yesterday,
                "Estates comment": "Closer fixed",
            },
            second.id: {"Status": "IN_PROGRESS"},  # a code, any case
            third.id: {"Status": "cannot do", "Estates comment": "Needs capital funding"},
        },
    )
    plan = read_updates(returned, store)
    lines = plan.describe()
    assert len(plan.changes) == 3
    row = _row_of(returned, first.id)
    assert lines[0].startswith(f"Row {row}, Juniper Ward {first.item}: status In progress → Done")
    assert f"completed on {clock.uk_date(yesterday)}" in lines[0]
    assert 'comment "Closer fixed"' in lines[0]
    assert any("status Open → In progress" in line for line in lines)

    assert apply_updates(store, plan, actor="Estates officer") == 3
    done = store.actions.get(first.id)
    assert (done.status, done.comment, done.completed_on) == ("done", "Closer fixed", yesterday)
    assert store.actions.get(second.id).status == "in_progress"
    cannot = store.actions.get(third.id)
    assert (cannot.status, cannot.comment) == ("cannot_do", "Needs capital funding")
    events = [e for e in store.history.list(action=first.id) if e.kind == "action_update_imported"]
    assert events[-1].actor == "Estates officer"  # the fixture's own update came before
    assert events[-1].detail["status"] == "done"
    assert events[-1].detail["previous"] == "in_progress"
    assert events[-1].detail["completed_on"] == yesterday.isoformat()


def test_completion_dates_written_as_text_are_read_as_uk_dates(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    action = store.audits.get(small_audit.id).actions[2]
    today = clock.today()
    returned = _edit(
        _export(store, small_audit.id, tmp_path),
        {action.id: {"Status": "Done", "Completed on": today.strftime("%d/%m/%Y")}},
    )
    plan = read_updates(returned, store)
    assert plan.changes[0].completed_on == today


def test_an_unchanged_workbook_changes_nothing(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    plan = read_updates(_export(store, small_audit.id, tmp_path), store)
    assert plan.changes == []
    assert plan.describe() == []
    assert plan.rows_read == len(store.audits.get(small_audit.id).actions)
    assert apply_updates(store, plan) == 0


def test_reading_a_plan_changes_nothing(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    action = store.audits.get(small_audit.id).actions[0]
    returned = _edit(_export(store, small_audit.id, tmp_path), {action.id: {"Status": "Done"}})
    before = _state(store)
    history = store.history.list()
    plan = read_updates(returned, store)
    assert plan.changes
    assert _state(store) == before
    assert store.history.list() == history


def test_edits_to_information_columns_are_not_taken_and_say_what_to_do_instead(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    action = store.audits.get(small_audit.id).actions[0]
    returned = _edit(
        _export(store, small_audit.id, tmp_path),
        {action.id: {"Owner": "Someone else", "Action": "Something easier"}},
    )
    plan = read_updates(returned, store)
    assert plan.changes == []
    assert any(
        "Owner changed to 'Someone else' — not taken back" in w and "ask the ward" in w
        for w in plan.not_taken
    )
    assert any("Action changed to 'Something easier' — not taken back" in w for w in plan.not_taken)
    assert store.actions.get(action.id).owner == action.owner


def _as_format_2(path: Path) -> Path:
    """The workbook as a WardAudit of format 2 wrote it: its hidden sheet has no versions."""
    book = load_workbook(path)
    for prop in book.custom_doc_props.props:
        if prop.name == "WardAudit format version":
            prop.value = 2
    about = book["About"]
    for row in about.iter_rows(min_row=1, max_row=12, max_col=2):
        if row[0].value == "Format version":
            row[1].value = 2
    book["Rows as exported"].delete_cols(5, 4)
    book.save(path)
    return path


def test_a_format_2_workbook_is_read_as_before_and_warns_of_a_change_made_since(
    tmp_path: Path, store: Store, small_audit: SmallAudit, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = store.audits.get(small_audit.id).actions[2]
    path = _as_format_2(_export(store, small_audit.id, tmp_path))
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=5))
    store.actions.set_status(action.id, "in_progress", note="Started from the app")
    returned = _edit(path, {action.id: {"Status": "Done"}})
    plan = read_updates(returned, store)
    assert plan.describe() == [
        f"Row {_row_of(returned, action.id)}, Juniper Ward {action.item}: status In progress → Done"
    ]
    assert plan.conflicts == ()
    assert any("changed in WardAudit after this workbook was exported" in w for w in plan.warnings)


def test_a_row_changed_in_the_workbook_and_in_wardaudit_since_is_not_applied(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    """Estates mark a job Done while a quality lead moves the same action on in WardAudit:
    her change stands, the row is listed (who changed it, when, what it is now), the other
    rows are applied."""
    actions = store.audits.get(small_audit.id).actions
    meanwhile, other = actions[2], actions[3]
    path = _export(store, small_audit.id, tmp_path)
    store.actions.set_status(meanwhile.id, "in_progress", actor="A quality lead")
    returned = _edit(
        path,
        {
            meanwhile.id: {"Status": "Done", "Estates comment": "Replaced the hinge"},
            other.id: {"Status": "In progress"},
        },
    )
    row = _row_of(returned, meanwhile.id)
    plan = read_updates(returned, store)
    assert [u.action.id for u in plan.updates] == [other.id]
    assert [c.action.id for c in plan.conflicts] == [meanwhile.id]
    changed_at = store.history.list(action=meanwhile.id)[-1].at
    line = plan.warnings[0]
    assert line.startswith(
        f"Row {row} (Juniper Ward {meanwhile.item}): A quality lead changed this action at "
        f"{clock.uk_datetime(changed_at)} after this workbook was exported; it is now In progress."
    )
    assert 'status In progress → Done; comment "Replaced the hinge"' in line
    assert "This row was not applied" in line and "make the change again" in line

    assert apply_updates(store, plan, actor="Estates officer") == 1
    kept = store.actions.get(meanwhile.id)
    assert (kept.status, kept.comment) == ("in_progress", "")
    assert store.actions.get(other.id).status == "in_progress"


def test_an_unchanged_row_is_never_a_conflict_and_never_undoes_a_change_made_since(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    actions = store.audits.get(small_audit.id).actions
    path = _export(store, small_audit.id, tmp_path)
    store.actions.set_status(actions[2].id, "done", actor="A quality lead")
    store.actions.apply_updates([ActionChange(actions[3].id, comment="Part ordered")])
    plan = read_updates(_edit(path, {}), store)
    assert plan.conflicts == () and plan.changes == []
    assert apply_updates(store, plan) == 0
    assert store.actions.get(actions[2].id).status == "done"
    assert store.actions.get(actions[3].id).comment == "Part ordered"


def test_a_conflict_is_the_whole_row_whatever_column_each_side_changed(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    """WardAudit changed one action's comment since the export and estates its status: the
    row is not applied (it holds the comment as it was). Another action, whose formula-like
    comment estates left alone, was closed in WardAudit: its row changes nothing."""
    first, second = store.audits.get(small_audit.id).actions[:2]  # both with comments
    path = _export(store, small_audit.id, tmp_path)
    store.actions.apply_updates([ActionChange(second.id, comment="Contractor booked")])
    store.actions.set_status(first.id, "done", actor="A quality lead")
    plan = read_updates(_edit(path, {second.id: {"Status": "Done"}}), store)
    assert plan.changes == []
    assert [c.action.id for c in plan.conflicts] == [second.id]
    assert store.actions.get(second.id).comment == "Contractor booked"
    assert store.actions.get(first.id).status == "done"


def test_a_second_returned_copy_of_one_export_meets_the_first(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    """Two officers return copies of one export: the second copy's row for an action the
    first already changed is not applied, unless it says the same."""
    actions = store.audits.get(small_audit.id).actions
    path = _export(store, small_audit.id, tmp_path)
    first = _edit(
        path,
        {actions[2].id: {"Status": "Done"}, actions[3].id: {"Status": "In progress"}},
        tmp_path / "first.xlsx",
    )
    second = _edit(
        path,
        {actions[2].id: {"Status": "Cannot do", "Estates comment": "No funding"},
         actions[3].id: {"Status": "In progress"}},
        tmp_path / "second.xlsx",
    )  # fmt: skip
    assert apply_updates(store, read_updates(first, store), actor="Estates officer") == 2
    plan = read_updates(second, store)
    assert plan.changes == []
    assert [c.action.id for c in plan.conflicts] == [actions[2].id]
    assert "Estates officer changed this action at " in plan.warnings[0]
    assert "it is now Done" in plan.warnings[0]
    assert store.actions.get(actions[2].id).status == "done"


def test_a_change_made_between_reading_and_applying_stops_the_whole_import(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    actions = store.audits.get(small_audit.id).actions
    returned = _edit(
        _export(store, small_audit.id, tmp_path),
        {actions[2].id: {"Status": "Done"}, actions[3].id: {"Status": "In progress"}},
    )
    plan = read_updates(returned, store)
    assert len(plan.changes) == 2
    store.actions.set_status(actions[2].id, "cannot_do", note="Ward closing", actor="A matron")
    history = store.history.list()
    with pytest.raises(ChangedMeanwhile) as refused:
        apply_updates(store, plan, actor="Estates officer")
    assert str(refused.value).startswith(
        "nothing from returned.xlsx was applied: A matron changed this action at "
    )
    assert store.history.list() == history
    assert store.actions.get(actions[3].id).status == "open"
    again = read_updates(returned, store)
    assert [c.action.id for c in again.conflicts] == [actions[2].id]
    assert [u.action.id for u in again.updates] == [actions[3].id]


def test_the_command_line_lists_rows_not_applied_in_a_dry_run_and_applies_the_rest(
    tmp_path: Path, store: Store, small_audit: SmallAudit, capsys: pytest.CaptureFixture[str]
) -> None:
    from exports.commands import import_action_updates

    actions = store.audits.get(small_audit.id).actions
    path = _export(store, small_audit.id, tmp_path)
    store.actions.set_status(actions[2].id, "in_progress", actor="A quality lead")
    returned = _edit(
        path, {actions[2].id: {"Status": "Done"}, actions[3].id: {"Status": "In progress"}}
    )
    said = []
    for dry_run in (True, False):
        assert import_action_updates(store, returned, dry_run=dry_run) == 0
        out, err = capsys.readouterr()
        assert "A quality lead changed this action at " in err and "not applied" in err
        assert out.startswith(f"Row {_row_of(returned, actions[3].id)}, ")
        said.append(out.splitlines()[-1])
    assert said == [
        "dry run: 1 action(s) would change; 1 row(s) not applied, changed in WardAudit since "
        "the export (see above); nothing has been changed",
        "updated 1 action(s) from returned.xlsx; 1 row(s) not applied, changed in WardAudit "
        "since the export (see above)",
    ]
    assert store.actions.get(actions[2].id).status == "in_progress"
    assert store.actions.get(actions[3].id).status == "in_progress"


def test_the_work_list_comes_back_too(tmp_path: Path, demo_store: Store) -> None:
    actions = demo_store.actions.list(site="Fenwick House", status="open")
    path = xlsx.write_work_list(actions, tmp_path / "work.xlsx", title="Work list")
    returned = _edit(path, {a.id: {"Status": "In progress"} for a in actions})
    plan = read_updates(returned, demo_store)
    assert len(plan.changes) == len(actions)
    assert apply_updates(demo_store, plan) == len(actions)
    assert not demo_store.actions.list(site="Fenwick House", status="open")


# --- refusals: each leaves the store exactly as it was ---------------------------------------


def _refused(path: Path, store: Store) -> UpdatesRefused:
    before = _state(store)
    history = store.history.list()
    with pytest.raises(UpdatesRefused) as caught:
        read_updates(path, store)
    assert _state(store) == before
    assert store.history.list() == history
    return caught.value


def test_a_workbook_that_is_not_ours_is_refused(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    action = store.audits.get(small_audit.id).actions[0]
    book = Workbook()
    ws = book.active
    ws.title = "Actions"
    ws.append(["Action ID", "Status"])
    ws.append([action.id, "Done"])
    book.save(tmp_path / "someone-elses.xlsx")
    error = _refused(tmp_path / "someone-elses.xlsx", store)
    assert "not an action workbook exported by WardAudit" in str(error)


def test_the_about_sheet_alone_marks_the_workbook(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    action = store.audits.get(small_audit.id).actions[0]
    returned = _edit(_export(store, small_audit.id, tmp_path), {action.id: {"Status": "Done"}})
    book = load_workbook(returned)
    book.custom_doc_props.props.clear()  # some programs drop custom properties
    book.save(returned)
    assert len(read_updates(returned, store).changes) == 1
    del book["About"]
    book.save(returned)
    _refused(returned, store)


def test_a_workbook_without_the_id_column_is_refused(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    path = _export(store, small_audit.id, tmp_path)
    book = load_workbook(path)
    ws = book["Actions"]
    for table in list(ws.tables):
        del ws.tables[table]
    ws.delete_cols(actions_header(ws)[1].index("Action ID") + 1)
    book.save(path)
    assert "no 'Action ID' column" in str(_refused(path, store))


def test_every_bad_row_is_listed_and_nothing_changes(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    actions = store.audits.get(small_audit.id).actions
    path = _export(store, small_audit.id, tmp_path)
    raised = raised_on(actions[3])
    returned = _edit(
        path,
        {
            actions[0].id: {"Status": "Finished"},  # not a status
            actions[1].id: {"Status": "Done", "Completed on": "31/02/2026"},  # no such day
            actions[2].id: {"Status": "Done", "Completed on": clock.today() + timedelta(days=3)},
            actions[3].id: {"Status": "Done", "Completed on": raised - timedelta(days=1)},
        },
    )
    error = _refused(returned, store)
    rows = [_row_of(returned, a.id) for a in actions]
    assert len(error.problems) == 4
    message = str(error)
    assert f"Row {rows[0]}" in message and "'Finished'" in message
    assert f"Row {rows[1]}" in message and "'31/02/2026' is not a date" in message
    assert f"Row {rows[2]}" in message and "is in the future" in message
    assert f"Row {rows[3]}" in message and "before the action was raised" in message
    assert "nothing has changed" in message


def test_an_unknown_id_is_refused(tmp_path: Path, store: Store, small_audit: SmallAudit) -> None:
    action = store.audits.get(small_audit.id).actions[0]
    returned = _edit(
        _export(store, small_audit.id, tmp_path),
        {action.id: {"Action ID": "00000000-0000-0000-0000-000000000000", "Status": "Done"}},
    )
    error = _refused(returned, store)
    assert "no action with the id '00000000-0000-0000-0000-000000000000'" in str(error)
    assert f"Row {_row_of(returned, '00000000-0000-0000-0000-000000000000')}" in str(error)


def test_a_repeated_id_is_refused(tmp_path: Path, store: Store, small_audit: SmallAudit) -> None:
    first, second = store.audits.get(small_audit.id).actions[:2]
    returned = _edit(_export(store, small_audit.id, tmp_path), {second.id: {"Action ID": first.id}})
    assert "also on row" in str(_refused(returned, store))


def test_cannot_do_needs_a_reason(tmp_path: Path, store: Store, small_audit: SmallAudit) -> None:
    action = store.audits.get(small_audit.id).actions[2]
    assert not action.comment
    returned = _edit(_export(store, small_audit.id, tmp_path), {action.id: {"Status": "Cannot do"}})
    assert "needs a reason" in str(_refused(returned, store))


def test_a_completion_date_needs_a_finished_status(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    action = store.audits.get(small_audit.id).actions[2]
    returned = _edit(
        _export(store, small_audit.id, tmp_path), {action.id: {"Completed on": clock.today()}}
    )
    assert "set the status to Done" in str(_refused(returned, store))


def test_an_empty_status_is_refused(tmp_path: Path, store: Store, small_audit: SmallAudit) -> None:
    action = store.audits.get(small_audit.id).actions[0]
    returned = _edit(_export(store, small_audit.id, tmp_path), {action.id: {"Status": None}})
    assert "Status is empty" in str(_refused(returned, store))


def test_an_empty_file_is_refused(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "returned.xlsx"
    path.write_bytes(b"")
    assert "is empty" in str(_refused(path, store))


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "returned.xlsx"
    path.write_text("Action ID,Status\n1,Done\n")
    assert "is a text file (CSV or similar) with a workbook's name" in str(_refused(path, store))
    csv = tmp_path / "returned.csv"
    csv.write_text("Action ID,Status\n1,Done\n")
    assert "save it as" in str(_refused(csv, store))


def test_a_missing_file_is_not_found(tmp_path: Path, store: Store) -> None:
    from wardaudit.errors import NotFound

    with pytest.raises(NotFound):
        read_updates(tmp_path / "nowhere.xlsx", store)


def test_completion_dates_are_checked_against_today(
    tmp_path: Path, store: Store, small_audit: SmallAudit
) -> None:
    """Today itself is a fine completion date (the boundary of 'in the future')."""
    action = store.audits.get(small_audit.id).actions[2]
    today: date = clock.today()
    returned = _edit(
        _export(store, small_audit.id, tmp_path),
        {action.id: {"Status": "Done", "Completed on": today}},
    )
    assert read_updates(returned, store).changes[0].completed_on == today


def test_a_workbook_from_another_database_is_refused_whole(
    tmp_path: Path, store: Store, demo_store: Store
) -> None:
    actions = demo_store.actions.list(ward="Hazel Ward")
    path = xlsx.write_work_list(actions, tmp_path / "work.xlsx", title="Work list")
    error = _refused(path, store)
    assert error.problems[0].startswith("none of the workbook's actions are in this database")
    # Every problem is counted, the first few dozen listed: never a flood.
    assert len(error.problems) + error.more == len(actions) + 1
    assert len(error.problems) == min(len(actions) + 1, 40)
    assert f"and {error.more} more problems" in str(error) or not error.more
