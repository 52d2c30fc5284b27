"""The Actions screen: the table model, filters, updating with a note, exports and the import."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt, QThreadPool
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

import exports.pdf
import exports.xlsx
from tests.exports.export_helpers import actions_header
from ui.actions import ActionsScreen
from ui.actions.models import ActionTableModel, load_actions
from ui.context import AppContext
from ui.theme import apply_theme
from wardaudit import clock
from wardaudit.actions import STILL_TO_DO_FILTER, WorkListFilters, overdue_days
from wardaudit.checklist import ChecklistLibrary
from wardaudit.errors import UpdatesRefused
from wardaudit.model import Action
from wardaudit.palette import SCREEN
from wardaudit.store import Store
from wardaudit.words import describe_event, filter_words, history_lines

M = ActionTableModel
UK_DATE = re.compile(r"^\d\d/\d\d/\d{4}$")
EXPORT_TIMEOUT_MS = 60_000


pytestmark = pytest.mark.usefixtures("quiet_messages")


def make_screen(qtbot, store: Store, library: ChecklistLibrary) -> ActionsScreen:
    screen = ActionsScreen(AppContext(store=store, library=library))
    qtbot.addWidget(screen)
    screen.resize(1220, 700)
    screen.show()
    qtbot.waitUntil(lambda: not screen.loading, timeout=20_000)
    return screen


@pytest.fixture
def screen(
    qtbot, demo_store: Store, library: ChecklistLibrary, errors: list[BaseException]
) -> Iterator[ActionsScreen]:
    widget = make_screen(qtbot, demo_store, library)
    yield widget
    QThreadPool.globalInstance().waitForDone()  # nothing may run on once the store closes


def save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The save dialog answers with ``path``; returns the names it suggested."""
    suggested: list[str] = []

    def choose(_parent: QWidget, _caption: str, directory: str, _filter: str = "", *a: Any):
        suggested.append(directory)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    return suggested


def open_from(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def every_status(screen: ActionsScreen) -> None:
    """Clear the filters and show every status, one choice away from the default."""
    screen.clear_filters()
    choose(screen.filter_bar.status_box.box, "All statuses")


def choose(box: QComboBox, text: str) -> None:
    """Pick an entry as she would: by what the box says."""
    index = box.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    box.setCurrentIndex(index)


def sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    try:
        return list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()


def ids_in_workbook(path: Path) -> list[str]:
    rows = sheet_rows(path, "Actions")
    top = next(n for n, row in enumerate(rows) if "Action ID" in row)
    column = list(rows[top]).index("Action ID")
    return [row[column] for row in rows[top + 1 :] if row[column]]


# --- words ----------------------------------------------------------------------------------


def test_the_history_shown_is_the_cores_words(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    every_status(screen)
    moved = next(a for a in demo_store.actions.list() if a.status == "done")
    events = demo_store.history.list(action=moved.id)
    assert describe_event(events[-1]) == (
        "Status changed to Done (was Open)\nNote: Completed by estates."
    )
    assert screen.select_action(moved.id)
    shown = screen.details.history_texts()
    assert shown == history_lines(moved, events)
    assert shown[0].startswith(clock.uk_datetime(events[-1].at) + " · Estates officer\n")
    assert shown[-1].endswith("Raised at the audit")  # recorded whole: no raising event


# --- the model ------------------------------------------------------------------------------


def test_the_model_shows_actions_in_words_with_uk_dates(qtbot, demo_store: Store) -> None:
    loaded = load_actions(demo_store)
    model = M()
    model.set_rows(loaded.actions, loaded.today)
    assert model.rowCount() == len(demo_store.actions.list()) > 100
    assert model.columnCount() == len(M.HEADERS) == 10
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(10)]
    assert headers == [
        "Ward",
        "Item",
        "Action",
        "Risk",
        "Due",
        "Overdue",
        "Status",
        "Owner",
        "Site",
        "Raised",
    ]

    action: Action = model.index(0, 0).data(M.ACTION_ROLE)
    assert isinstance(action, Action)

    def text(column: int) -> str:
        return model.index(0, column).data()

    assert text(M.WARD) == action.ward_name
    assert text(M.SITE) == action.site_name
    assert text(M.ITEM) == action.item
    assert text(M.ACTION) == action.description
    assert text(M.STATUS) == action.status_word
    assert text(M.RISK) == f"{action.risk.score} {action.risk.band_word}"
    assert action.risk.band_word in ("Low", "Moderate", "High", "Extreme")
    assert text(M.DUE) == action.due.strftime("%d/%m/%Y")
    assert UK_DATE.match(text(M.DUE)) and UK_DATE.match(text(M.RAISED))
    assert model.index(0, M.ACTION).data(Qt.ItemDataRole.ToolTipRole) == action.description
    # The risk cell carries the band's colour as well as its word.
    band = SCREEN.band(action.risk.band)
    assert model.index(0, M.RISK).data(Qt.ItemDataRole.BackgroundRole) == QColor(band.fill)
    assert model.index(0, M.RISK).data(Qt.ItemDataRole.ForegroundRole) == QColor(band.text)


def test_overdue_rows_are_highlighted_with_colour_and_words(qtbot, demo_store: Store) -> None:
    today = clock.today()
    actions = demo_store.actions.list()
    model = M()
    model.set_rows(actions, today)
    late_row = next(n for n, a in enumerate(actions) if a.is_overdue(today))
    done_row = next(n for n, a in enumerate(actions) if a.status == "done" and a.due < today)
    late = actions[late_row]
    days = (today - late.due).days

    cell = model.index(late_row, M.OVERDUE)
    assert cell.data() == f"Overdue {days} day{'s' if days != 1 else ''}"
    assert cell.data(M.OVERDUE_ROLE) == days
    font = cell.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert model.index(late_row, M.DUE).data(Qt.ItemDataRole.FontRole).bold()
    for column in (M.WARD, M.ACTION, M.DUE, M.OVERDUE, M.STATUS):
        assert model.index(late_row, column).data(Qt.ItemDataRole.BackgroundRole) is not None

    # Past its due date but done: not overdue, no highlight, no word.
    assert model.index(done_row, M.OVERDUE).data() == ""
    assert model.index(done_row, M.OVERDUE).data(M.OVERDUE_ROLE) == 0
    assert model.index(done_row, M.WARD).data(Qt.ItemDataRole.BackgroundRole) is None


def test_sorting_by_due_date_is_by_date_not_by_text(qtbot, demo_store: Store) -> None:
    screen_model = M()
    actions = demo_store.actions.list()
    screen_model.set_rows(actions)
    keys = [screen_model.index(row, M.DUE).data(M.SORT_ROLE) for row in range(len(actions))]
    # dd/mm/yyyy text would put 01/12/2026 before 02/01/2025; the sort key is the date.
    assert sorted(keys) == sorted(a.due.isoformat() for a in actions)
    from ui.actions.models import ActionFilterModel

    proxy = ActionFilterModel()
    proxy.setSourceModel(screen_model)
    proxy.set_filters(WorkListFilters(status=None))  # every status, not only those to do
    proxy.sort(M.DUE, Qt.SortOrder.AscendingOrder)
    shown = [proxy.index(row, 0).data(M.ACTION_ROLE).due for row in range(proxy.rowCount())]
    assert shown == sorted(a.due for a in actions)
    proxy.sort(M.RISK, Qt.SortOrder.DescendingOrder)
    scores = [proxy.index(row, 0).data(M.ACTION_ROLE).risk.score for row in range(20)]
    assert scores == sorted(scores, reverse=True)


# --- loading and filtering ------------------------------------------------------------------


def test_loading_shows_loading_then_the_most_pressing_first(
    qtbot, demo_store: Store, library: ChecklistLibrary, errors: list[BaseException]
) -> None:
    screen = ActionsScreen(AppContext(store=demo_store, library=library))
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.rows_loaded, timeout=20_000):
        screen.show()
        assert screen.loading
        assert screen.table_message.text() == "Loading…"
        assert screen.table_stack.currentWidget() is screen.table_message
    assert screen.table_stack.currentWidget() is screen.table
    total = len(demo_store.actions.list())
    today = clock.today()
    to_do = [a for a in demo_store.actions.list() if a.status in ("open", "in_progress")]
    overdue = sum(a.is_overdue(today) for a in to_do)
    # it opens on what is still to do, as the estates work list does
    assert 0 < len(to_do) < total
    assert screen.status_label.text() == (
        f"{len(to_do)} of {total} actions shown · {overdue} overdue"
    )
    first = screen.proxy.index(0, 0).data(M.ACTION_ROLE)
    most = max((today - a.due).days for a in demo_store.actions.list() if a.is_overdue(today))
    assert (today - first.due).days == most  # the most overdue heads the list
    assert screen.selected_action() == first  # and is chosen, its details beside it
    assert errors == []
    QThreadPool.globalInstance().waitForDone()


def test_filters_narrow_the_rows(qtbot, screen: ActionsScreen, demo_store: Store) -> None:
    today = clock.today()
    everything = demo_store.actions.list()
    to_do = [a for a in everything if a.status in ("open", "in_progress")]
    assert screen.proxy.rowCount() == len(to_do) < len(everything)  # the default
    choose(screen.filter_bar.status_box.box, "All statuses")
    assert screen.proxy.rowCount() == len(everything)

    screen.filter_bar.overdue_check.click()
    overdue = [a for a in everything if a.status in ("open", "in_progress") and a.due < today]
    assert screen.proxy.rowCount() == len(overdue) > 0
    assert {a.id for a in screen.filtered_actions()} == {a.id for a in overdue}

    site = demo_store.wards.sites()[1].name
    choose(screen.filter_bar.site_box.box, site)
    assert screen.proxy.rowCount() == len([a for a in overdue if a.site_name == site])
    assert screen.table.isColumnHidden(M.SITE)  # one site: the column says nothing new
    # The ward box offers only that site's wards.
    offered = [
        screen.filter_bar.ward_box.box.itemText(i)
        for i in range(1, screen.filter_bar.ward_box.box.count())
    ]
    assert sorted(offered) == sorted(w.name for w in demo_store.wards.list(site))

    screen.filter_bar.clear_button.click()
    assert screen.proxy.rowCount() == len(to_do)  # cleared: back to what is still to do
    assert not screen.filter_bar.overdue_check.isChecked()

    ward = demo_store.wards.list()[2]
    choose(screen.filter_bar.ward_box.box, ward.name)
    choose(screen.filter_bar.status_box.box, "Still to do (open or in progress)")
    expected = [
        a for a in demo_store.actions.list(ward=ward.id) if a.status in ("open", "in_progress")
    ]
    assert {a.id for a in screen.filtered_actions()} == {a.id for a in expected}

    screen.filter_bar.clear_button.click()
    choose(screen.filter_bar.owner_box.box, "Estates")
    choose(screen.filter_bar.band_box.box, "High")
    choose(screen.filter_bar.status_box.box, "Done")
    expected = [
        a
        for a in everything
        if a.owner == "Estates" and a.risk.band == "high" and a.status == "done"
    ]
    assert screen.proxy.rowCount() == len(expected) > 0
    assert screen.current_filters() == WorkListFilters(owner="Estates", band="high", status="done")
    assert filter_words(screen.current_filters()) == "Status: Done; Owner: Estates; Band: High"

    choose(screen.filter_bar.band_box.box, "Extreme")
    choose(screen.filter_bar.owner_box.box, "Information governance")
    if screen.proxy.rowCount() == 0:
        assert screen.table_stack.currentWidget() is screen.table_message
        assert "No actions match these filters" in screen.table_message.text()


def test_reloads_when_shown_again_after_changes_elsewhere(
    qtbot, screen: ActionsScreen, demo_store: Store
) -> None:
    every_status(screen)  # the chosen action is verified below: still shown
    action = next(a for a in demo_store.actions.list() if a.status == "open")
    selected = screen.selected_action()
    screen.hide()
    demo_store.actions.set_status(action.id, "done", note="Done on another screen")
    demo_store.actions.set_status(selected.id, "verified", note="Seen at the audit")
    with qtbot.waitSignal(screen.rows_loaded, timeout=20_000):
        screen.show()
    row = screen.model.row_for_action(action.id)
    assert screen.model.index(row, M.STATUS).data() == "Done"
    # The action she had chosen stays chosen, its details as they are now.
    assert screen.selected_action().id == selected.id
    assert screen.selected_action().status == "verified"
    assert "Verified" in screen.details.details_summary.text()
    assert "Seen at the audit" in screen.details.history_texts()[0]


# --- updating an action ---------------------------------------------------------------------


def select(screen: ActionsScreen, action: Action) -> None:
    every_status(screen)
    assert screen.select_action(action.id)
    assert screen.selected_action().id == action.id


def test_updating_the_status_saves_it_and_shows_it_in_the_history(
    qtbot, screen: ActionsScreen, demo_store: Store
) -> None:
    screen.ctx.set_auditor("Estates officer", "Estates")
    action = next(a for a in demo_store.actions.list() if a.status == "in_progress")
    select(screen, action)
    assert screen.details.status_edit.currentText() == "In progress"
    choose(screen.details.status_edit, "Done")
    screen.activateWindow()
    screen.details.note_edit.setFocus()
    QTest.keyClicks(screen.details.note_edit, "New lock fitted to the garden door")
    with qtbot.waitSignal(screen.ctx.changed):  # Ctrl+Enter saves from the note
        QTest.keyClick(
            screen.details.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )

    saved = demo_store.actions.get(action.id)
    assert saved.status == "done"
    assert saved.status_note == "New lock fitted to the garden door"
    event = demo_store.history.list(action=action.id)[-1]
    assert (event.kind, event.actor) == ("action_status", "Estates officer")
    newest = screen.details.history_texts()[0]
    assert newest.startswith(clock.uk_datetime(event.at) + " · Estates officer")
    assert "Status changed to Done (was In progress)" in newest
    assert "Note: New lock fitted to the garden door" in newest
    assert re.match(r"^\d\d/\d\d/\d{4} \d\d:\d\d", newest)
    row = screen.model.row_for_action(action.id)
    assert screen.model.index(row, M.STATUS).data() == "Done"
    assert screen.model.index(row, M.OVERDUE).data() == ""
    assert screen.details.form_message.text().startswith("Saved at ")
    assert screen.details.note_edit.toPlainText() == ""


def test_a_status_note_holding_an_nhs_number_warns_beside_it(
    qtbot, screen: ActionsScreen, demo_store: Store
) -> None:
    action = next(a for a in demo_store.actions.list() if a.status == "in_progress")
    select(screen, action)
    warning = screen.details.note_warning
    assert not warning.isVisible()
    screen.details.note_edit.setFocus()
    QTest.keyClicks(screen.details.note_edit, "Done for 943.476.5919")
    assert warning.isVisible() and warning.text().startswith("⚠ The status note looks like")
    screen.details.note_edit.clear()
    assert not warning.isVisible()


def test_owner_and_due_date_can_be_changed_too(
    qtbot, screen: ActionsScreen, demo_store: Store
) -> None:
    action = next(a for a in demo_store.actions.list() if a.status == "open")
    select(screen, action)
    screen.details.owner_edit.setEditText("Facilities")
    new_due = clock.today() + timedelta(days=14)
    screen.details.due_edit.setDate(new_due)
    with qtbot.waitSignal(screen.ctx.changed):
        screen.details.save_button.click()
    saved = demo_store.actions.get(action.id)
    assert (saved.owner, saved.due, saved.status) == ("Facilities", new_due, "open")
    assert "Details changed: owner Facilities; due " in screen.details.history_texts()[0]


def test_cannot_do_without_a_reason_is_refused_and_nothing_is_saved(
    qtbot, screen: ActionsScreen, demo_store: Store
) -> None:
    action = next(a for a in demo_store.actions.list() if a.status == "open")
    select(screen, action)
    history = demo_store.history.list(action=action.id)
    changed: list[bool] = []
    screen.ctx.changed.connect(lambda: changed.append(True))

    choose(screen.details.status_edit, "Cannot do")
    assert "needed for Cannot do" in screen.details.note_edit.placeholderText()
    screen.details.save_button.click()
    assert demo_store.actions.get(action.id) == action
    assert demo_store.history.list(action=action.id) == history
    assert changed == []
    assert screen.details.form_message.isVisible()
    assert "needs a reason" in screen.details.form_message.text()
    assert screen.details.form_message.objectName() == "problem"
    assert QApplication.focusWidget() is screen.details.note_edit

    QTest.keyClicks(screen.details.note_edit, "Needs capital funding; zonal observation meanwhile")
    assert not screen.details.form_message.isVisible()
    screen.details.save_button.click()
    saved = demo_store.actions.get(action.id)
    assert (saved.status, saved.status_note) == (
        "cannot_do",
        "Needs capital funding; zonal observation meanwhile",
    )
    assert changed == [True]


def test_open_the_audit_asks_for_the_actions_audit(qtbot, screen: ActionsScreen) -> None:
    action = screen.selected_action()
    with qtbot.waitSignal(screen.open_audit_requested) as signal:
        screen.details.open_audit_button.click()
    assert signal.args == [action.audit_id]
    assert action.item in screen.details.details_title.text()
    assert "What was found" in screen.details.details_text.text()


# --- exports --------------------------------------------------------------------------------


def test_the_excel_work_list_holds_the_filtered_actions_written_off_the_ui_thread(
    qtbot,
    screen: ActionsScreen,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialogs: list[str],
) -> None:
    threads: list[threading.Thread] = []
    real = exports.xlsx.write_work_list

    def recording(*args: Any, **kwargs: Any) -> Path:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(exports.xlsx, "write_work_list", recording)
    site = demo_store.wards.sites()[0].name
    choose(screen.filter_bar.site_box.box, site)
    screen.filter_bar.overdue_check.click()
    suggested = save_to(monkeypatch, tmp_path / "work list")  # she left off the .xlsx

    with qtbot.waitSignal(screen.export_finished, timeout=EXPORT_TIMEOUT_MS) as signal:
        screen.xlsx_button.click()
        assert screen.busy and screen.progress_dialog.isVisible()
        assert not screen.xlsx_button.isEnabled()
    written = Path(signal.args[0])
    assert written == tmp_path / "work list.xlsx"
    assert threads and threads[0] is not threading.main_thread()
    assert Path(suggested[0]).name == f"WardAudit work list {date.today():%d-%m-%Y}.xlsx"
    assert not screen.progress_dialog.isVisible()
    assert screen.xlsx_button.isEnabled()
    assert str(written) in dialogs[-1]

    today = clock.today()
    expected = {a.id for a in demo_store.actions.list(site=site) if a.is_overdue(today)}
    assert set(ids_in_workbook(written)) == expected == {a.id for a in screen.filtered_actions()}
    filters = [row for row in sheet_rows(written, "Summary") if row and row[0] == "Showing"]
    assert filters[0][1] == filter_words(screen.current_filters())
    assert filters[0][1] == (
        f"Status: Still to do (open or in progress); Site: {site}; Overdue only"
    )


def test_the_pdf_work_list_is_written_off_the_ui_thread(
    qtbot, screen: ActionsScreen, demo_store: Store, tmp_path: Path, monkeypatch
) -> None:
    threads: list[threading.Thread] = []
    real = exports.pdf.write_work_list

    def recording(*args: Any, **kwargs: Any) -> Path:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(exports.pdf, "write_work_list", recording)
    ward = demo_store.wards.list()[0]
    choose(screen.filter_bar.ward_box.box, ward.name)
    choose(screen.filter_bar.status_box.box, "Still to do (open or in progress)")
    save_to(monkeypatch, tmp_path / "list.pdf")
    with qtbot.waitSignal(screen.export_finished, timeout=EXPORT_TIMEOUT_MS):
        screen.pdf_button.click()
    assert threads[0] is not threading.main_thread()
    text = "".join(page.extract_text() for page in PdfReader(str(tmp_path / "list.pdf")).pages)
    assert "Estates work list" in text
    assert f"Ward: {ward.name}" in text
    count = len(screen.filtered_actions())
    assert f"{count} action{'s' if count != 1 else ''}" in text


def test_a_failed_export_is_shown_and_the_screen_carries_on(
    qtbot, screen: ActionsScreen, tmp_path: Path, monkeypatch, errors: list[BaseException]
) -> None:
    save_to(monkeypatch, tmp_path / "no such folder" / "list.xlsx")
    screen.xlsx_button.click()
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=EXPORT_TIMEOUT_MS)
    assert not screen.busy and screen.xlsx_button.isEnabled()
    assert not (tmp_path / "no such folder" / "list.xlsx").exists()


def test_this_audits_plan_is_exported_for_the_selected_action(
    qtbot, screen: ActionsScreen, demo_store: Store, tmp_path: Path, monkeypatch
) -> None:
    action = screen.selected_action()
    suggested = save_to(monkeypatch, tmp_path / "plan.xlsx")
    with qtbot.waitSignal(screen.export_finished, timeout=EXPORT_TIMEOUT_MS):
        screen.details.plan_xlsx_button.click()
    assert action.ward_name in Path(suggested[0]).name
    assert set(ids_in_workbook(tmp_path / "plan.xlsx")) == {
        a.id for a in demo_store.actions.list(audit=action.audit_id)
    }
    save_to(monkeypatch, tmp_path / "plan.pdf")
    with qtbot.waitSignal(screen.export_finished, timeout=EXPORT_TIMEOUT_MS):
        screen.details.plan_pdf_button.click()
    text = PdfReader(str(tmp_path / "plan.pdf")).pages[0].extract_text()
    assert action.ward_name in text


# --- taking back estates' workbook ----------------------------------------------------------


def returned_workbook(
    qtbot, screen: ActionsScreen, tmp_path: Path, monkeypatch, edits: dict[str, dict[str, Any]]
) -> Path:
    """Export the work list shown, then change it as estates would in Excel."""
    save_to(monkeypatch, tmp_path / "sent.xlsx")
    with qtbot.waitSignal(screen.export_finished, timeout=EXPORT_TIMEOUT_MS):
        screen.xlsx_button.click()
    book = load_workbook(tmp_path / "sent.xlsx")
    sheet = book["Actions"]
    top, headers = actions_header(sheet)
    for row in sheet.iter_rows(min_row=top + 1):
        for header, value in edits.get(row[headers.index("Action ID")].value, {}).items():
            row[headers.index(header)].value = value
    book.save(tmp_path / "returned.xlsx")
    return tmp_path / "returned.xlsx"


def test_the_returned_workbook_is_previewed_then_applied_whole(
    qtbot, screen: ActionsScreen, demo_store: Store, tmp_path: Path, monkeypatch
) -> None:
    ward = demo_store.wards.list()[0]
    choose(screen.filter_bar.ward_box.box, ward.name)
    choose(screen.filter_bar.status_box.box, "Still to do (open or in progress)")
    first, second = screen.filtered_actions()[:2]
    today = clock.today()
    returned = returned_workbook(
        qtbot,
        screen,
        tmp_path,
        monkeypatch,
        {
            first.id: {"Status": "Done", "Completed on": today, "Estates comment": "Lock fitted"},
            second.id: {"Estates comment": "Parts on order"},
        },
    )
    open_from(monkeypatch, returned)
    before = demo_store.actions.list()

    screen.import_button.click()
    qtbot.waitUntil(lambda: screen.last_dialog is not None, timeout=EXPORT_TIMEOUT_MS)
    dialog = screen.last_dialog
    lines = [dialog.changes.item(row).text() for row in range(dialog.changes.count())]
    assert len(lines) == 2
    assert any(f"status {first.status_word} → Done" in line for line in lines)
    assert any('comment "Parts on order"' in line for line in lines)
    assert dialog.apply_button.text() == "Apply all 2 changes"
    assert demo_store.actions.list() == before  # nothing changes until she applies

    with qtbot.waitSignal(screen.import_finished, timeout=EXPORT_TIMEOUT_MS) as signal:
        dialog.apply_button.click()
    assert signal.args == [2]
    done = demo_store.actions.get(first.id)
    assert (done.status, done.comment, done.completed_on) == ("done", "Lock fitted", today)
    assert demo_store.actions.get(second.id).comment == "Parts on order"
    assert (
        demo_store.history.list(action=first.id)[-1].actor
        == "Estates (returned workbook returned.xlsx)"
    )
    qtbot.waitUntil(lambda: not screen.loading, timeout=20_000)
    every_status(screen)  # done now, so no longer "open or in progress"
    assert screen.select_action(first.id)
    assert (
        "From estates' returned workbook: status changed to Done"
        in screen.details.history_texts()[0]
    )


def test_cancelling_the_preview_changes_nothing(
    qtbot, screen: ActionsScreen, demo_store: Store, tmp_path: Path, monkeypatch
) -> None:
    choose(screen.filter_bar.status_box.box, "Open")
    action = screen.filtered_actions()[0]
    returned = returned_workbook(
        qtbot, screen, tmp_path, monkeypatch, {action.id: {"Status": "In progress"}}
    )
    open_from(monkeypatch, returned)
    before = demo_store.actions.list()
    screen.import_button.click()
    qtbot.waitUntil(lambda: screen.last_dialog is not None, timeout=EXPORT_TIMEOUT_MS)
    screen.last_dialog.cancel_button.click()
    QThreadPool.globalInstance().waitForDone()
    assert demo_store.actions.list() == before
    assert "nothing changed" in screen.status_label.text()


def test_a_row_changed_in_wardaudit_since_the_export_is_shown_and_not_applied(
    qtbot, screen: ActionsScreen, demo_store: Store, tmp_path: Path, monkeypatch
) -> None:
    choose(screen.filter_bar.status_box.box, "Open")
    action = screen.filtered_actions()[0]
    returned = returned_workbook(
        qtbot, screen, tmp_path, monkeypatch, {action.id: {"Status": "Done"}}
    )
    demo_store.actions.set_status(action.id, "in_progress", actor="A quality lead")
    open_from(monkeypatch, returned)
    with qtbot.waitSignal(screen.import_finished, timeout=EXPORT_TIMEOUT_MS) as signal:
        screen.import_button.click()
    assert signal.args == [0]
    text = screen.last_message.text()
    assert text.startswith("Nothing applied from returned.xlsx: ")
    assert "A quality lead changed this action at " in text and "it is now In progress" in text
    assert demo_store.actions.get(action.id).status == "in_progress"


def test_a_workbook_that_is_not_ours_is_refused_and_nothing_changes(
    qtbot,
    screen: ActionsScreen,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch,
    errors: list[BaseException],
) -> None:
    book = Workbook()
    book.active.append(["Action ID", "Status"])
    book.active.append([demo_store.actions.list()[0].id, "Done"])
    book.save(tmp_path / "someone else's.xlsx")
    open_from(monkeypatch, tmp_path / "someone else's.xlsx")
    before, history = demo_store.actions.list(), demo_store.history.list()

    screen.import_button.click()
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=EXPORT_TIMEOUT_MS)
    assert isinstance(errors[0], UpdatesRefused)
    assert "not an action workbook exported by WardAudit" in str(errors[0])
    assert "nothing has changed" in str(errors[0])
    assert screen.last_dialog is None  # no preview of a refused workbook
    assert demo_store.actions.list() == before
    assert demo_store.history.list() == history
    assert not screen.busy and screen.import_button.isEnabled()


def test_a_workbook_with_bad_rows_is_refused_listing_them(
    qtbot,
    screen: ActionsScreen,
    demo_store: Store,
    tmp_path: Path,
    monkeypatch,
    errors: list[BaseException],
) -> None:
    choose(screen.filter_bar.status_box.box, "Open")
    first, second = screen.filtered_actions()[:2]
    returned = returned_workbook(
        qtbot,
        screen,
        tmp_path,
        monkeypatch,
        {first.id: {"Status": "Finished"}, second.id: {"Status": "Cannot do"}},
    )
    open_from(monkeypatch, returned)
    before = demo_store.actions.list()
    screen.import_button.click()
    qtbot.waitUntil(lambda: len(errors) == 1, timeout=EXPORT_TIMEOUT_MS)
    message = str(errors[0])
    assert "Status is 'Finished'" in message
    assert "'Cannot do' needs a reason" in message
    assert len(errors[0].problems) == 2
    assert demo_store.actions.list() == before


# --- qualities ------------------------------------------------------------------------------


def _controls(root: QWidget) -> list[QWidget]:
    kinds = (
        QAbstractButton,
        QComboBox,
        QLineEdit,
        QDateEdit,
        QPlainTextEdit,
        QListWidget,
        QTableView,
        QCheckBox,
    )
    return [w for w in root.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()]


def test_controls_are_named_touch_sized_and_reached_by_tab(qtbot, screen: ActionsScreen) -> None:
    controls = _controls(screen)
    assert len(controls) > 15
    for control in controls:
        if isinstance(control.parent(), QComboBox | QDateEdit):
            continue  # the line edit inside an editable box: the box itself is checked
        assert control.accessibleName(), f"{type(control).__name__} has no name"
        if not isinstance(control, QListWidget | QTableView):
            assert control.height() >= 44, f"{control.accessibleName()} is {control.height()} px"
    assert screen.table.rowHeight(0) >= 44

    screen.activateWindow()
    screen.pdf_button.setFocus()
    seen = []
    for _ in range(40):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    buttons = [b for b in screen.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]
    for button in buttons:
        assert button in seen, button.accessibleName()
    assert (
        screen.table in seen
        and screen.details.status_edit in seen
        and screen.details.note_edit in seen
    )

    # Enter on a row goes to the update form, ready to choose the new status.
    screen.table.setFocus()
    QTest.keyClick(screen.table, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.details.status_edit


@pytest.mark.parametrize("high_contrast", [False, True])
def test_usable_at_double_text_size_and_in_high_contrast(
    qtbot,
    demo_store: Store,
    library: ChecklistLibrary,
    errors: list[BaseException],
    tmp_path: Path,
    high_contrast: bool,
) -> None:
    app = QApplication.instance()
    apply_theme(app, high_contrast=high_contrast, text_scale=2.0)
    try:
        screen = make_screen(qtbot, demo_store, library)
        screen.resize(1220, 700)  # the Actions page of a 1366 × 768 window
        qtbot.wait(0)
        assert screen.grab().save(str(tmp_path / "actions.png"))
        panel = screen.details.widget()
        # The details fit their column (they wrap, they are not cut off at the right), and
        # have all the height their wrapped lines need (the form is not squashed).
        assert panel.minimumSizeHint().width() <= screen.details.viewport().width()
        assert panel.height() >= panel.layout().totalHeightForWidth(panel.width())
        screen.select_action(screen.proxy.index(3, 0).data(M.ACTION_ROLE).id)
        assert panel.height() >= panel.layout().totalHeightForWidth(panel.width())
        choose(screen.details.status_edit, "Cannot do")
        screen.details.save_button.click()  # refused: a message appears inside the form
        assert panel.height() >= panel.layout().totalHeightForWidth(panel.width())
        due_bottom = screen.details.due_edit.mapTo(
            panel, QPoint(0, screen.details.due_edit.height())
        ).y()
        assert due_bottom <= screen.details.save_button.mapTo(panel, QPoint(0, 0)).y()
        assert screen.width() <= 1220
        for button in (screen.pdf_button, screen.xlsx_button, screen.import_button):
            assert button.fontMetrics().horizontalAdvance(button.text()) < button.width()
        late = screen.proxy.index(0, M.OVERDUE)
        assert late.data().startswith("Overdue ")
        background = late.data(Qt.ItemDataRole.BackgroundRole)
        foreground = late.data(Qt.ItemDataRole.ForegroundRole)
        assert abs(background.lightness() - foreground.lightness()) > 150  # readable
        QThreadPool.globalInstance().waitForDone()
    finally:
        apply_theme(app, high_contrast=False, text_scale=1.0)


def test_the_main_window_makes_the_screen_and_opens_the_audit(
    qtbot, demo_store: Store, library: ChecklistLibrary, errors: list[BaseException]
) -> None:
    from ui import app as ui_app

    window = ui_app.create_main_window(AppContext(store=demo_store, library=library))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.wards.loading)
    try:
        window.show_page("actions")
        actions = window.ensure_screen("actions")
        qtbot.waitUntil(
            lambda: not actions.loading and actions.model.rowCount() > 0, timeout=20_000
        )
        action = actions.selected_action()
        actions.details.open_audit_button.click()
        assert window.current_page() == "audit"
        assert window.audit_screen.audit_id == action.audit_id
        assert errors == []
        # the screen opens on what is still to do, as the work list does
        assert actions.filter_bar.status_box.box.itemData(0) == STILL_TO_DO_FILTER
        assert actions.filter_bar.status_box.box.currentData() == STILL_TO_DO_FILTER
    finally:
        window.shutdown()


def test_every_column_is_wide_enough_for_its_widest_words(screen: ActionsScreen) -> None:
    """Sized from one action per different date, day or band rather than from every cell:
    still wide enough for whatever any of the trust's actions says."""
    every_status(screen)
    screen.measure_columns()
    model, header = screen.model, screen.table.horizontalHeader()
    plain = QFontMetrics(screen.table.font())
    bold_font = QFont(screen.table.font())
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)
    rows = model.rows()
    assert len({a.due for a in rows}) > 20  # many dates, so one per date is a real test
    for column in range(model.columnCount()):
        if column == ActionTableModel.ACTION or screen.table.isColumnHidden(column):
            continue
        metrics = bold if column in ActionTableModel.BOLD_COLUMNS else plain
        widest = max(
            metrics.horizontalAdvance(
                ActionTableModel.text(a, column, overdue_days(a, model.today))
            )
            for a in rows
        )
        assert header.sectionSize(column) >= widest, column
