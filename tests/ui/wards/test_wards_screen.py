"""The home screen: the ward table model, adding and editing wards, starting audits by keyboard."""

from __future__ import annotations

import dataclasses
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from ui.context import AppContext
from ui.wards import WardsScreen
from ui.wards.dialogs import ChecklistDialog, WardDialog
from ui.wards.models import WardTableModel
from wardaudit import clock
from wardaudit.checklist import Checklist, ChecklistLibrary, default_checklist
from wardaudit.palette import SCREEN
from wardaudit.scoring import RATING_WORDS, display_score
from wardaudit.store import Store
from wardaudit.views import WardOverview, ward_overview

M = WardTableModel
UK_DATE = re.compile(r"^\d\d/\d\d/\d{4}$")


pytestmark = pytest.mark.usefixtures("dialogs")


def make_screen(qtbot, store: Store, library: ChecklistLibrary) -> WardsScreen:
    screen = WardsScreen(AppContext(store=store, library=library))
    qtbot.addWidget(screen)
    screen.resize(1300, 700)
    screen.show()
    qtbot.waitUntil(lambda: not screen.loading)
    return screen


def row_of(model: M, name: str) -> int:
    return next(n for n, row in enumerate(model.rows()) if row.ward.name == name)


def text(model: M, row: int, column: int) -> str:
    return model.index(row, column).data()


# --- the model ----------------------------------------------------------------------------------


def test_model_shows_each_wards_latest_audit_in_words(qtbot, demo_store: Store) -> None:
    rows = ward_overview(demo_store)
    model = M()
    model.set_rows(rows)

    assert model.rowCount() == 12 == len(demo_store.wards.list())
    assert model.columnCount() == len(M.HEADERS) == 11
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for c in range(model.columnCount())
    ]
    assert headers == list(M.HEADERS)
    assert model.headerData(M.OPEN_ACTIONS, Qt.Orientation.Horizontal) == "Open\nactions"

    latest = next(
        a for a in demo_store.audits.list(status="completed") if a.ward_name == "Juniper Ward"
    )
    juniper = row_of(model, "Juniper Ward")
    assert text(model, juniper, M.WARD) == "Juniper Ward"
    assert text(model, juniper, M.SITE) == "Ashcombe Hospital"
    assert text(model, juniper, M.DESIGNATION) == "Mixed"
    assert text(model, juniper, M.SERVICE) == "Acute adult"
    assert text(model, juniper, M.BEDS) == "20"
    last_audit = text(model, juniper, M.LAST_AUDIT)
    assert UK_DATE.match(last_audit)
    assert last_audit == clock.uk_date(latest.completed_at)
    score = text(model, juniper, M.SCORE)
    assert re.match(r"^\d{1,3}\.\d$", score)
    assert score == display_score(latest.overall)
    assert latest.rating is not None
    assert text(model, juniper, M.RATING) == RATING_WORDS[latest.rating]
    chip = SCREEN.rating(latest.rating)
    rating_index = model.index(juniper, M.RATING)
    assert rating_index.data(Qt.ItemDataRole.BackgroundRole) == QColor(chip.fill)
    assert rating_index.data(Qt.ItemDataRole.ForegroundRole) == QColor(chip.text)

    # the action counts are the store's own, per ward
    today = clock.today()
    actions = [a for a in demo_store.actions.list() if a.ward_name == "Juniper Ward"]
    open_actions = sum(a.status in ("open", "in_progress") for a in actions)
    assert text(model, juniper, M.OPEN_ACTIONS) == str(open_actions)
    assert text(model, juniper, M.OVERDUE_ACTIONS) == str(sum(a.is_overdue(today) for a in actions))

    backing = model.index(juniper, M.WARD).data(M.ROW_ROLE)
    assert isinstance(backing, WardOverview)
    assert backing.in_progress is not None and backing.in_progress.ward_name == "Juniper Ward"
    assert model.index(juniper, M.SCORE).data(M.SORT_ROLE) == pytest.approx(latest.overall)
    assert model.index(juniper, M.LAST_AUDIT).data(M.SORT_ROLE) == latest.completed_at


def test_model_counts_critical_breaches_and_shows_unaudited_wards(
    qtbot, store: Store, checklist: Checklist
) -> None:
    store.wards.add(site="Northgate Hospital", name="Orchid Ward", sex="female", beds=14)
    store.wards.add(site="Northgate Hospital", name="Poppy Ward", sex="male")
    audit = store.audits.start("Orchid Ward", checklist, by="Matron")
    items = checklist.applicable_items("female")
    critical = [i for i in items if i.critical][:2]
    for item in items:
        store.audits.record_answer(audit.id, item.id, "no" if item in critical else "yes")
    store.audits.complete(audit.id, by="Matron", role="Matron")

    model = M()
    model.set_rows(ward_overview(store))
    orchid, poppy = row_of(model, "Orchid Ward"), row_of(model, "Poppy Ward")
    assert text(model, orchid, M.CRITICAL) == "2"
    assert text(model, orchid, M.RATING) == "Red"
    assert text(model, orchid, M.OPEN_ACTIONS) == "2"
    assert text(model, poppy, M.LAST_AUDIT) == "Not audited"
    assert text(model, poppy, M.RATING) == "Not rated"
    assert text(model, poppy, M.SCORE) == ""
    assert text(model, poppy, M.BEDS) == ""
    assert model.index(poppy, M.RATING).data(Qt.ItemDataRole.BackgroundRole) is None
    # unaudited wards sort below every score, not as a zero
    assert model.index(poppy, M.SCORE).data(M.SORT_ROLE) < 0


def test_table_sorts_on_the_sort_role_not_the_text(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    screen.table.sortByColumn(M.SCORE, Qt.SortOrder.DescendingOrder)
    shown = [screen.proxy.index(r, M.WARD).data(M.ROW_ROLE) for r in range(screen.proxy.rowCount())]
    scores = [row.score for row in shown]
    assert scores == sorted(scores, reverse=True)

    # dates sort as dates: dd/mm/yyyy text would put 01/11 before 30/10
    screen.table.sortByColumn(M.LAST_AUDIT, Qt.SortOrder.AscendingOrder)
    shown = [screen.proxy.index(r, M.WARD).data(M.ROW_ROLE) for r in range(screen.proxy.rowCount())]
    stamps = [clock.parse_iso(row.last_audit_at) for row in shown]
    assert stamps == sorted(stamps)


def test_wards_needing_attention_come_first(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    shown = [screen.proxy.index(r, M.WARD).data(M.ROW_ROLE) for r in range(screen.proxy.rowCount())]
    ranks = {"red": 0, "amber": 1, "green": 2}
    keys = [(ranks[row.rating], row.score) for row in shown]
    assert keys == sorted(keys)


def test_choosing_a_site_shows_only_its_wards(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    assert screen.sites.item(0).text().startswith("All sites")
    assert screen.proxy.rowCount() == 12
    millbrook = next(
        n
        for n in range(screen.sites.count())
        if screen.sites.item(n).text().startswith("Millbrook")
    )
    screen.sites.setCurrentRow(millbrook)
    names = {screen.proxy.index(r, M.WARD).data() for r in range(screen.proxy.rowCount())}
    assert names == {w.name for w in demo_store.wards.list(site="Millbrook Centre")}
    assert screen.table.isColumnHidden(M.SITE)
    screen.sites.setCurrentRow(0)
    assert screen.proxy.rowCount() == 12
    assert not screen.table.isColumnHidden(M.SITE)


# --- adding and editing wards -------------------------------------------------------------------


def test_add_a_ward_by_typing(qtbot, store: Store, library) -> None:
    screen = make_screen(qtbot, store, library)
    assert screen.model.rowCount() == 0
    dialog = screen.add_ward()
    assert isinstance(dialog, WardDialog) and dialog.isVisible()

    qtbot.keyClicks(dialog.site_edit.lineEdit(), "Northgate Hospital")
    qtbot.keyClicks(dialog.name_edit, "Orchid Ward")
    dialog.designation_edit.setFocus()
    QTest.keyClick(dialog.designation_edit, Qt.Key.Key_F)  # keyboard search: Female
    assert dialog.designation_edit.currentText() == "Female"
    qtbot.keyClicks(dialog.service_edit.lineEdit(), "Acute adult")
    dialog.beds_edit.selectAll()
    qtbot.keyClicks(dialog.beds_edit, "16")
    for area in ("Bedroom corridor", "Female lounge"):
        qtbot.keyClicks(dialog.area_edit, area)
        QTest.keyClick(dialog.area_edit, Qt.Key.Key_Return)  # adds the area, does not save
    assert dialog.isVisible()
    assert dialog.areas() == ["Bedroom corridor", "Female lounge"]

    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Enter presses "Save ward"
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1 and not screen.loading)

    ward = store.wards.get("Orchid Ward")
    assert (ward.site, ward.sex, ward.service, ward.beds) == (
        "Northgate Hospital",
        "female",
        "Acute adult",
        16,
    )
    assert ward.areas == ("Bedroom corridor", "Female lounge")
    assert screen.selected_row() is not None and screen.selected_row().ward.name == "Orchid Ward"
    assert text(screen.model, 0, M.DESIGNATION) == "Female"


def test_ward_dialog_controls_have_screen_reader_names(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    dialog = screen.add_ward()
    controls = [
        dialog.site_edit,
        dialog.name_edit,
        dialog.designation_edit,
        dialog.service_edit,
        dialog.beds_edit,
        dialog.areas_list,
        dialog.area_edit,
        *dialog.findChildren(QPushButton),
    ]
    for control in controls:
        assert control.accessibleName(), control


def test_ward_dialog_explains_what_is_missing_and_stays_open(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    dialog = screen.add_ward()
    dialog.save_button.click()
    assert dialog.isVisible()
    message = dialog.problem_label.text()
    assert "Enter the site" in message and "Enter the ward's name" in message
    assert "male, female or mixed" in message

    dialog.site_edit.setCurrentText("Ashcombe Hospital")
    dialog.name_edit.setText("juniper ward")  # names are unique whatever their case
    dialog.designation_edit.setCurrentIndex(2)
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "already a ward called" in dialog.problem_label.text()
    assert len(demo_store.wards.list()) == 12


def test_edit_ward_refuses_a_new_designation_while_an_audit_is_in_progress(
    qtbot, demo_store, library
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    juniper = demo_store.wards.get("Juniper Ward")
    assert screen.select_ward(juniper.id)
    dialog = screen.edit_ward()
    assert dialog is not None
    assert dialog.name_edit.text() == "Juniper Ward"
    assert dialog.areas() == list(juniper.areas)
    dialog.designation_edit.setCurrentIndex(1)  # female
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "audit in progress" in dialog.problem_label.text()
    assert demo_store.wards.get("Juniper Ward").sex == "mixed"

    dialog.designation_edit.setCurrentIndex(2)  # back to mixed; change the areas instead
    dialog.areas_list.setCurrentRow(0)
    dialog.remove_area_button.click()
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert demo_store.wards.get("Juniper Ward").areas == juniper.areas[1:]


def test_typical_areas_follow_the_designation(qtbot, store, library) -> None:
    screen = make_screen(qtbot, store, library)
    dialog = screen.add_ward()
    dialog.typical_areas_button.click()
    assert dialog.areas() == []
    assert "designation first" in dialog.problem_label.text()
    dialog.designation_edit.setCurrentIndex(2)  # mixed
    dialog.typical_areas_button.click()
    assert "Female bedroom corridor" in dialog.areas()
    assert "Male bathrooms" in dialog.areas()


# --- starting, resuming and opening audits ------------------------------------------------------


def test_start_audit_by_keyboard(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    screen.ctx.set_auditor("Modern matron", "Matron")
    screen.activateWindow()
    screen.table.setFocus()
    QTest.keyClick(screen.table, Qt.Key.Key_Home)  # the first ward: the worst rated
    row = screen.selected_row()
    assert row is not None and row.in_progress is None
    first = screen.proxy.index(0, M.WARD).data(M.ROW_ROLE)
    assert row is first
    assert screen.start_button.text() == "Start audit"

    QTest.keyClick(screen.table, Qt.Key.Key_Backtab)
    focused = [QApplication.focusWidget() or screen.focusWidget()]
    for _ in range(4):
        if focused[-1] is screen.start_button:
            break
        QTest.keyClick(focused[-1], Qt.Key.Key_Backtab)
        focused.append(QApplication.focusWidget() or screen.focusWidget())
    assert focused[-1] is screen.start_button

    with qtbot.waitSignal(screen.open_audit_requested) as opened:
        QTest.keyClick(screen.start_button, Qt.Key.Key_Space)
    started = demo_store.audits.get(opened.args[0])
    assert started.audit.ward.name == row.ward.name
    assert started.audit.status == "in_progress"
    assert started.audit.started_by == "Modern matron"
    qtbot.waitUntil(lambda: not screen.loading)
    assert screen.start_button.text() == "Resume audit"


def test_resume_label_follows_the_selected_ward(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    juniper = demo_store.wards.get("Juniper Ward")
    screen.select_ward(juniper.id)
    assert screen.start_button.text() == "Resume audit"
    assert screen.start_button.accessibleName() == "Resume the audit of Juniper Ward"
    in_progress = demo_store.audits.in_progress()[0]
    with qtbot.waitSignal(screen.open_audit_requested) as opened:
        QTest.keyClick(screen.start_button, Qt.Key.Key_Return)
    assert opened.args == [in_progress.id]
    assert len(demo_store.audits.in_progress()) == 1  # resumed, not started again

    screen.select_ward(demo_store.wards.get("Rowan Ward").id)
    assert screen.start_button.text() == "Start audit"


def test_enter_on_a_ward_opens_its_audit_in_progress_or_its_latest(
    qtbot, demo_store, library
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    screen.table.setFocus()
    screen.select_ward(demo_store.wards.get("Juniper Ward").id)
    with qtbot.waitSignal(screen.open_audit_requested) as opened:
        QTest.keyClick(screen.table, Qt.Key.Key_Return)
    assert opened.args == [demo_store.audits.in_progress()[0].id]

    rowan = demo_store.wards.get("Rowan Ward")
    screen.select_ward(rowan.id)
    latest = demo_store.audits.list(ward=rowan.id, status="completed")[0]
    with qtbot.waitSignal(screen.open_audit_requested) as opened:
        QTest.keyClick(screen.table, Qt.Key.Key_Enter)
    assert opened.args == [latest.id]


def test_every_button_is_reachable_with_tab(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    screen.activateWindow()
    screen.table.setFocus()
    seen = []
    widget = screen.table
    for _ in range(20):
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget() or screen.focusWidget()
        seen.append(widget)
    buttons = [b for b in screen.findChildren(QPushButton) if b.isVisible() and b.isEnabled()]
    assert buttons
    for button in buttons:
        assert button in seen, button.text()
        assert button.accessibleName()
        assert button.height() >= 44
    assert screen.sites in seen


def test_add_ward_button_works_with_enter(qtbot, demo_store, library) -> None:
    screen = make_screen(qtbot, demo_store, library)
    screen.add_button.setFocus()
    QTest.keyClick(screen.add_button, Qt.Key.Key_Return)
    assert isinstance(screen.last_dialog, WardDialog) and screen.last_dialog.isVisible()
    screen.last_dialog.reject()


def test_several_checklists_are_offered_with_the_built_in_one_first(
    qtbot, demo_store, checklist
) -> None:
    extra = dataclasses.replace(
        checklist, id="trust-extra", title="Trust extra checks", source="/trust/extra.toml"
    )
    library = ChecklistLibrary()
    library.add(extra)
    library.add(checklist)
    assert default_checklist(library.all_latest()) is checklist

    screen = make_screen(qtbot, demo_store, library)
    screen.select_ward(demo_store.wards.get("Rowan Ward").id)
    screen.start_button.click()
    dialog = screen.last_dialog
    assert isinstance(dialog, ChecklistDialog) and dialog.isVisible()
    labels = [dialog.list.item(n).text() for n in range(dialog.list.count())]
    assert labels == [c.label for c in library.all_latest()]
    assert dialog.chosen() is checklist
    with qtbot.waitSignal(screen.open_audit_requested) as opened:
        dialog.accept()
    assert demo_store.audits.get(opened.args[0]).audit.ward.name == "Rowan Ward"


def test_the_ward_table_headers_give_their_words_tooltips_and_spoken_names() -> None:
    model = WardTableModel()
    horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    for column, title in enumerate(model.HEADERS):
        shown = model.headerData(column, horizontal)
        assert shown == model.HEADER_LINES.get(title, title)
        assert model.headerData(column, horizontal, Qt.ItemDataRole.ToolTipRole) == title
        assert model.headerData(column, horizontal, Qt.ItemDataRole.AccessibleTextRole) == title
        assert model.headerData(column, horizontal, int(Qt.ItemDataRole.ToolTipRole)) == title
        assert model.headerData(column, horizontal, Qt.ItemDataRole.FontRole) is None
        assert model.headerData(column, vertical) is None
    assert any("\n" in model.headerData(c, horizontal) for c in range(len(model.HEADERS)))
    assert model.headerData(len(model.HEADERS), horizontal) is None
