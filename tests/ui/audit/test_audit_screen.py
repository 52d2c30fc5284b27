"""The audit screen: the item list, resuming, saving, the action panel, notes and photos."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QDate, QIODevice, Qt
from PySide6.QtGui import QColor, QFont, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

import ui.audit.photos
import ui.errors
from tests.ui.audit.test_audit_keyboard import settle
from ui.actions.models import ActionTableModel
from ui.audit import AuditScreen
from ui.audit.models import MARKS, UNANSWERED_MARK, AuditItemsModel
from ui.audit.screen import TYPING_GAP_MS
from ui.context import AppContext
from wardaudit import clock
from wardaudit.actions import overdue_days
from wardaudit.checklist import Checklist
from wardaudit.errors import DiskFull
from wardaudit.model import TeamMember
from wardaudit.store import Store
from wardaudit.words import overdue_words

VALID_NHS_NUMBER = "943 476 5919"  # passes the modulus-11 check
DOUBLE_TEXT_POINTS = 22.0  # 200% of the app's 11 pt base text


@pytest.fixture
def audit_id(start_audit: Callable[..., str]) -> str:
    return start_audit("Day room", "Garden")


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """One key, then the pause in which the screen makes sure an answer key is not typing."""
    target = QApplication.focusWidget()
    QTest.keyClick(target, key, modifier)
    screen = target
    while screen is not None and not isinstance(screen, AuditScreen):
        screen = screen.parentWidget()
    if screen is not None:
        settle(screen)


# --- the item list model ----------------------------------------------------------------


def test_the_item_list_model_shows_sections_progress_and_marks(
    qtbot, store: Store, audit_id: str, checklist: Checklist
) -> None:
    store.audits.record_answer(audit_id, "A01", "yes")
    store.audits.record_answer(audit_id, "A02", "no")
    store.audits.record_answer(audit_id, "A07", "partial")
    store.audits.record_answer(audit_id, "A08", "na")
    model = AuditItemsModel()
    model.set_record(store.audits.get(audit_id))

    sections = [s for s in checklist.sections if any(i.applies("mixed") for i in s.items)]
    assert model.rowCount() == len(sections)
    assert model.columnCount() == 2
    first = model.index(0, 0)
    assert first.data() == sections[0].title
    assert model.index(0, 1).data() == f"4 / {len(sections[0].items)}"
    assert "4 of" in first.data(Qt.ItemDataRole.AccessibleTextRole)
    assert model.rowCount(first) == len([i for i in sections[0].items if i.applies("mixed")])
    assert sum(model.rowCount(model.index(r, 0)) for r in range(model.rowCount())) == len(
        checklist.applicable_items("mixed")
    )
    assert model.item_ids() == [i.id for i in checklist.applicable_items("mixed")]

    def mark(item_id: str) -> str:
        return model.item_index(item_id, AuditItemsModel.COLUMN_ANSWER).data()

    assert mark("A01") == MARKS["yes"] == "✓ Yes"
    assert mark("A02") == "✗ No"
    assert mark("A07") == "½ Partly"
    assert mark("A08") == "– N/A"
    assert mark("A09") == UNANSWERED_MARK
    a01 = model.item_index("A01")
    assert a01.data().startswith("A01  ")
    assert a01.data(AuditItemsModel.ITEM_ID_ROLE) == "A01"
    assert a01.parent() == first
    assert (
        model.item_index("A09")
        .data(Qt.ItemDataRole.AccessibleTextRole)
        .startswith("A09, not answered")
    )

    # The same audit again refreshes marks in place (the list keeps its place).
    store.audits.record_answer(audit_id, "A09", "yes")
    with qtbot.waitSignal(model.dataChanged):
        model.set_record(store.audits.get(audit_id))
    assert mark("A09") == "✓ Yes"
    assert model.index(0, 1).data() == f"5 / {len(sections[0].items)}"


def test_a_section_shows_a_tick_when_all_its_items_are_answered(
    store: Store, audit_id: str, checklist: Checklist
) -> None:
    last_section = [s for s in checklist.sections if any(i.applies("mixed") for i in s.items)][-1]
    for item in last_section.items:
        if item.applies("mixed"):
            store.audits.record_answer(audit_id, item.id, "yes")
    model = AuditItemsModel()
    model.set_record(store.audits.get(audit_id))
    row = model.rowCount() - 1
    assert model.index(row, 1).data().endswith("✓")


# --- opening and resuming ---------------------------------------------------------------


def shown_and_stored(screen: AuditScreen, store: Store, audit_id: str) -> tuple[object, object]:
    """What the screen holds for the audit and what the store reads back, side by side
    (when an answer was given is known only to the answer just recorded; where she is in the
    audit is the store's to keep, read when it is opened)."""
    shown, stored = screen.record, store.audits.get(audit_id)
    assert shown is not None

    def facts(record):  # type: ignore[no-untyped-def]
        answers = {i: (a.value, a.note, a.location) for i, a in record.answers.items()}
        return answers, record.score, record.actions, record.links, record.audit.status

    return facts(shown), facts(stored)


def test_yes_and_na_show_what_the_store_holds_without_reading_the_audit_back(
    qtbot,
    show_audit_screen,
    ctx: AppContext,
    store: Store,
    audit_id: str,
    errors: list[BaseException],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = show_audit_screen(ctx)
    screen.open_audit(audit_id)
    read_back: list[str] = []
    get = store.audits.get
    monkeypatch.setattr(store.audits, "get", lambda ref: read_back.append(ref) or get(ref))
    press(Qt.Key.Key_Y)
    QTest.keyClicks(screen.note, "Door closer stiff")
    screen.focus_card()
    qtbot.wait(TYPING_GAP_MS + 20)
    press(Qt.Key.Key_A)  # N/A, with the note typed first
    screen.go_to_item("A01")
    screen.focus_card()
    press(Qt.Key.Key_A)  # the first item changed from Yes to N/A
    assert read_back == []  # nothing raised, withdrawn or linked: nothing read back
    shown, stored = shown_and_stored(screen, store, audit_id)
    assert shown == stored
    answers = shown[0]  # type: ignore[index]
    assert answers["A01"][0] == "na" and answers["A02"] == ("na", "Door closer stiff", "")
    assert screen.items_model.item_index("A01", 1).data() == stored_mark(store, audit_id, "A01")
    total = len(store.audits.get(audit_id).checklist.applicable_items("mixed"))
    assert screen.header.progress_label.text() == f"2 / {total} answered"

    press(Qt.Key.Key_N)  # a No raises an action: the audit is read back whole
    press(Qt.Key.Key_Return)
    assert read_back
    shown, stored = shown_and_stored(screen, store, audit_id)
    assert shown == stored
    assert errors == []

    # Opened again from the file, as the next start does, the same answers and score.
    screen.hide()
    store.close(backup=False)
    with Store.open(store.path) as reopened:
        assert shown_and_stored(screen, reopened, audit_id)[1] == shown


def stored_mark(store: Store, audit_id: str, item_id: str) -> str:
    return MARKS[store.audits.get(audit_id).answers[item_id].value]


def test_a_resumed_audit_reopens_at_the_same_item_with_answers_intact(
    qtbot,
    show_audit_screen,
    ctx: AppContext,
    store: Store,
    audit_id: str,
    errors: list[BaseException],
) -> None:
    first = show_audit_screen(ctx)
    first.open_audit(audit_id)
    for key in (Qt.Key.Key_Y, Qt.Key.Key_N, Qt.Key.Key_Return, Qt.Key.Key_A, Qt.Key.Key_Y):
        press(key)
    press(Qt.Key.Key_PageDown)
    left_at = first.current_item
    assert left_at == "A06"
    given = {item: answer.value for item, answer in store.audits.get(audit_id).answers.items()}
    first.close()
    first.deleteLater()
    qtbot.wait(0)

    second = show_audit_screen(ctx)
    second.open_audit(audit_id)
    assert second.audit_id == audit_id
    assert second.current_item == left_at
    assert {i: a.value for i, a in store.audits.get(audit_id).answers.items()} == given
    assert given == {"A01": "yes", "A02": "no", "A03": "na", "A04": "yes"}
    assert second.items_model.item_index("A02", 1).data() == "✗ No"
    assert (
        second.header.progress_label.text()
        == f"4 / {len(store.audits.get(audit_id).checklist.applicable_items('mixed'))} answered"
    )
    second.hide()


def test_a_new_audit_opens_at_the_first_unanswered_item(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    assert screen.current_item == "A01"
    assert screen.card.place_label.text().startswith(
        f"Item 1 of {len(store.audits.get(audit_id).checklist.applicable_items('mixed'))}"
    )
    assert QApplication.focusWidget() is screen.card


def test_a_completed_audit_opens_read_only_on_its_summary(
    screen: AuditScreen, store: Store, audit_id: str, checklist: Checklist
) -> None:
    for item in checklist.applicable_items("mixed"):
        store.audits.record_answer(audit_id, item.id, "yes")
    store.audits.complete(
        audit_id, by="Ward matron", role="Matron", team=[TeamMember("Peer", "Expert", True)]
    )
    screen.open_audit(audit_id)
    assert screen._stack.currentWidget() is screen.summary
    assert screen.summary.locked.amend_button.isVisible()
    assert not screen.summary.signoff.isVisible()
    assert not screen.summary.back_button.isVisible()
    assert screen.header.score_label.text() == "Score: 100.0%"
    assert "locked" in screen.saved_text
    assert QApplication.focusWidget() is screen.summary.locked.amend_button
    # Answer keys do nothing on a locked audit.
    press(Qt.Key.Key_N)
    assert all(a.value == "yes" for a in store.audits.get(audit_id).answers.values())


def test_leaving_saves_what_was_typed_and_asks_the_main_window(
    qtbot, screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    press(Qt.Key.Key_N)  # A01
    screen.go_to_item("A01")
    screen.note.setFocus()
    QTest.keyClicks(screen.note, "Bay 3 shared")
    with qtbot.waitSignal(screen.leave_requested):
        screen.header.leave_button.click()
    assert store.audits.get(audit_id).answers["A01"].note == "Bay 3 shared"


# --- saving -----------------------------------------------------------------------------


def test_saved_is_shown_only_after_the_commit_and_progress_is_signalled(
    qtbot, screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    assert not screen.saved_text.startswith("Saved")
    seen_by_store: list[bool] = []
    real = store.audits.record_answer

    def record_answer(*args, **kwargs):
        # While the store is committing, the screen must not yet claim it is saved.
        seen_by_store.append(screen.saved_text.startswith("Saved"))
        return real(*args, **kwargs)

    store.audits.record_answer = record_answer  # type: ignore[method-assign]
    with qtbot.waitSignal(screen.progress_changed) as signal:
        press(Qt.Key.Key_Y)
    assert signal.args == [audit_id]
    assert seen_by_store == [False]
    assert screen.saved_text.startswith("Saved ")
    assert len(screen.saved_text) == len("Saved 14:03:12")
    assert screen.header.score_label.text() == "Provisional score: 100.0%"
    assert screen.header.rating_chip.text() == "Green"


def test_a_failed_save_says_not_saved_and_stays_on_the_item(
    screen: AuditScreen, store: Store, audit_id: str, errors: list[BaseException]
) -> None:
    screen.open_audit(audit_id)

    def disk_full(*args, **kwargs):
        raise DiskFull("the disk is full, so the last change was NOT saved")

    store.audits.record_answer = disk_full  # type: ignore[method-assign]
    press(Qt.Key.Key_Y)
    assert "Not saved" in screen.saved_text
    assert screen.current_item == "A01"
    assert screen.last_saved_item is None
    assert len(errors) == 1 and isinstance(errors[0], DiskFull)
    assert store.audits.get(audit_id).answers == {}


def test_the_header_shows_score_rating_and_a_critical_breach_in_words(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    press(Qt.Key.Key_Y)  # A01
    press(Qt.Key.Key_N)  # A02, critical
    record = store.audits.get(audit_id)
    assert record.score.critical_breach
    assert "Critical breach: A02" in screen.header.breach_label.text()
    assert screen.header.rating_chip.text() == "Red"
    assert (
        screen.header.progress_label.text()
        == f"2 / {len(store.audits.get(audit_id).checklist.applicable_items('mixed'))} answered"
    )
    # A No stays on its item with the action shown in place; Enter accepts it and goes on.
    assert screen.current_item == "A02"
    assert "A02 saved as No" in screen.card.message.text()
    assert screen.action_panel.isVisible()
    press(Qt.Key.Key_Return)
    assert screen.current_item == "A03"
    assert "A02 saved as No. Action:" in screen.card.last_label.text()


# --- note, location, warning ------------------------------------------------------------


def test_note_and_location_are_saved_with_the_answer(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    press(Qt.Key.Key_N)
    screen.go_to_item("A07")
    assert [screen.location.itemText(i) for i in range(screen.location.count())] == [
        "Day room",
        "Garden",
    ]
    screen.note.setFocus()
    QTest.keyClicks(screen.note, "Lounge used as a store room")
    screen.location.setFocus()  # leaving the note saves it
    assert store.audits.get(audit_id).answers["A07"].note == "Lounge used as a store room"
    screen.location.setCurrentIndex(1)
    screen.location.activated.emit(1)
    assert store.audits.get(audit_id).answers["A07"].location == "Garden"
    screen.location.setEditText("Quiet room")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = store.audits.get(audit_id).answers["A07"]
    assert (saved.value, saved.note, saved.location) == (
        "no",
        "Lounge used as a store room",
        "Quiet room",
    )


def test_a_note_is_saved_soon_after_typing_stops(
    qtbot, screen: AuditScreen, store: Store, audit_id: str
) -> None:
    """A half-written note survives a crash: it is saved without leaving the field."""
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    press(Qt.Key.Key_N)
    screen.go_to_item("A07")
    screen.note.setFocus()
    QTest.keyClicks(screen.note, "Door wedged open")
    assert QApplication.focusWidget() is screen.note
    qtbot.waitUntil(lambda: store.audits.get(audit_id).answers["A07"].note == "Door wedged open")
    assert QApplication.focusWidget() is screen.note


def test_a_note_typed_before_answering_is_saved_with_the_answer(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    screen.note.setFocus()
    QTest.keyClicks(screen.note, "Lounge locked")
    press(Qt.Key.Key_Tab)
    assert screen.card.note_hint.isVisible()  # not saved until answered, and it says so
    assert store.audits.get(audit_id).answers == {}
    screen.go_to_item("A08")
    screen.go_to_item("A07")
    assert screen.note.toPlainText() == "Lounge locked"  # kept while she looks elsewhere
    screen.focus_card()
    press(Qt.Key.Key_N)
    assert store.audits.get(audit_id).answers["A07"].note == "Lounge locked"


def test_a_note_holding_an_nhs_number_warns_inline(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.note.setFocus()
    QTest.keyClicks(screen.note, "Bed 4 patient ")
    assert not screen.card.note_warning.isVisible()
    QTest.keyClicks(screen.note, VALID_NHS_NUMBER)
    assert screen.card.note_warning.isVisible()
    assert "NHS number" in screen.card.note_warning.text()
    screen.note.clear()
    assert not screen.card.note_warning.isVisible()


def test_a_location_or_an_action_holding_an_nhs_number_warns_beside_it(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    screen.location.setFocus()
    QTest.keyClicks(screen.location, "Bedroom of 943-476-5919")
    warning = screen.card.note_warning
    assert warning.isVisible() and warning.text().startswith("⚠ The location looks like")
    QTest.keyClicks(screen.note, "Seen with 943/476/5919")
    assert "The note and the location look like they hold an NHS number" in warning.text()
    screen.location.clearEditText()
    screen.note.clear()
    assert not warning.isVisible()

    QTest.qWait(TYPING_GAP_MS + 100)  # she stops typing before she answers
    screen.focus_card()
    press(Qt.Key.Key_N)
    screen.go_to_item("A07")
    panel = screen.action_panel
    assert panel.isVisible()
    assert not panel.description_warning.isVisible()
    panel.description.setFocus()
    QTest.keyClicks(panel.description, " for 943 476 5919")
    assert panel.description_warning.isVisible()
    assert panel.description_warning.text().startswith("⚠ The action's description looks like")
    assert panel.description_warning.accessibleName() == "Action description warning"
    panel.description.selectAll()
    QTest.keyClicks(panel.description, "Mend the door; 20 beds, ring 0161 496 0000")
    assert not panel.description_warning.isVisible(), "ordinary numbers do not warn"


# --- the action panel -------------------------------------------------------------------


def test_the_action_is_edited_in_place_and_saved(
    screen: AuditScreen, store: Store, audit_id: str, checklist: Checklist
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    press(Qt.Key.Key_P)
    screen.go_to_item("A07")
    panel = screen.action_panel
    assert panel.isVisible()
    item = checklist.item("A07")
    action = store.audits.get(audit_id).actions[0]
    assert panel.likelihood.currentData() == item.risk.likelihood
    assert panel.consequence.currentData() == item.risk.consequence
    assert panel.band.text() == f"{action.risk.score} {action.risk.band_word}"
    assert panel.due.displayFormat() == "dd/MM/yyyy"
    raised = clock.parse_iso(action.created_at).date()

    # Almost certain × Catastrophic: extreme, due the next day.
    panel.likelihood.setCurrentIndex(4)
    panel.consequence.setCurrentIndex(4)
    action = store.actions.get(action.id)
    assert (action.risk.likelihood, action.risk.consequence) == (5, 5)
    assert action.risk.band == "extreme"
    assert action.due == raised + timedelta(days=1)
    assert panel.band.text() == "25 Extreme"
    assert panel.due.date() == QDate(action.due.year, action.due.month, action.due.day)
    assert "Extreme" in panel.due_hint.text()

    # Rare × Minor: low, due in 90 days.
    panel.likelihood.setCurrentIndex(0)
    panel.consequence.setCurrentIndex(1)
    action = store.actions.get(action.id)
    assert action.risk.band == "low"
    assert action.due == raised + timedelta(days=90)
    assert panel.band.text() == "2 Low"

    # Description and owner are saved when the field is left; a chosen due date at once.
    panel.description.setFocus()
    panel.description.selectAll()
    QTest.keyClicks(panel.description, "Clear the lounge and reopen it to women")
    panel.owner.setFocus()
    panel.owner.selectAll()
    QTest.keyClicks(panel.owner, "Ward manager")
    press(Qt.Key.Key_Return)
    new_due = QDate.currentDate().addDays(14)
    panel.due.setDate(new_due)
    action = store.actions.get(action.id)
    assert action.description == "Clear the lounge and reopen it to women"
    assert action.owner == "Ward manager"
    assert action.due.isoformat() == new_due.toString("yyyy-MM-dd")
    assert "action_changed" in [e.kind for e in store.history.list(action=action.id)]


def test_typed_action_text_is_kept_when_the_risk_changes(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    press(Qt.Key.Key_N)
    screen.go_to_item("A07")
    panel = screen.action_panel
    panel.owner.setText("Estates")  # typed, not yet confirmed
    panel.consequence.setCurrentIndex(4)
    action = store.audits.get(audit_id).actions[0]
    assert action.owner == "Estates"
    assert action.risk.consequence == 5
    assert panel.owner.text() == "Estates"


def test_no_action_panel_for_yes_or_na(screen: AuditScreen, store: Store, audit_id: str) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    press(Qt.Key.Key_Y)
    screen.go_to_item("A07")
    assert not screen.action_panel.isVisible()
    assert store.audits.get(audit_id).actions == ()


# --- photos -----------------------------------------------------------------------------


def test_photos_are_resized_stored_shown_and_removed(
    qtbot,
    screen: AuditScreen,
    store: Store,
    audit_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[BaseException],
) -> None:
    picture = QImage(4000, 3000, QImage.Format.Format_RGB32)
    picture.fill(QColor("steelblue"))
    path = tmp_path / "blind spot.png"
    assert picture.save(str(path))
    monkeypatch.setattr(ui.audit.photos, "choose_photo_files", lambda parent: [str(path)])

    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    qtbot.mouseClick(screen.card.add_photo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(store.audits.get(audit_id).photos) == 1)
    qtbot.waitUntil(lambda: screen.photo_strip.tile_count() == 1)
    photo = store.audits.get(audit_id).photos[0]
    assert (photo.item, photo.width, photo.height) == ("A07", 1600, 1200)
    assert photo.media_type == "image/jpeg"
    assert photo.filename == "blind spot.jpg"
    stored = QImage.fromData(store.photos.data(photo.id))
    assert (stored.width(), stored.height()) == (1600, 1200)
    assert screen.saved_text.startswith("Saved")

    remove = [b for b in screen.photo_strip.findChildren(QAbstractButton) if b.text() == "Remove"]
    assert len(remove) == 1
    assert "blind spot.jpg" in remove[0].accessibleName()
    remove[0].click()
    assert store.audits.get(audit_id).photos == ()
    assert screen.photo_strip.tile_count() == 0
    assert errors == []


def test_an_unreadable_photo_is_reported_and_nothing_is_stored(
    qtbot,
    screen: AuditScreen,
    store: Store,
    audit_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    errors: list[BaseException],
) -> None:
    path = tmp_path / "not a picture.jpg"
    path.write_text("plain text")
    monkeypatch.setattr(ui.audit.photos, "choose_photo_files", lambda parent: [str(path)])
    screen.open_audit(audit_id)
    screen.add_photos()
    qtbot.waitUntil(lambda: len(errors) == 1)
    assert "could not be read as a picture" in str(errors[0])
    assert store.audits.get(audit_id).photos == ()
    qtbot.waitUntil(lambda: screen.card.add_photo_button.isEnabled())


def test_a_damaged_photo_shows_a_placeholder_never_the_wrong_picture(
    qtbot,
    screen: AuditScreen,
    store: Store,
    audit_id: str,
    errors: list[BaseException],
) -> None:
    picture = QImage(300, 200, QImage.Format.Format_RGB32)
    picture.fill(QColor("darkred"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture.save(buffer, "JPEG")  # type: ignore[call-overload]
    data = bytes(buffer.data().data())
    photo = store.photos.add(
        audit_id, "A07", data, filename="lock.jpg", media_type="image/jpeg", width=300, height=200
    )
    sha256, _ = store.photos.digest(photo.id)
    damaged = bytearray(data)
    damaged[len(damaged) // 2] ^= 0xFF  # still a JPEG Qt would draw, but not the one saved
    (store.photo_folder / sha256[:2] / sha256).write_bytes(bytes(damaged))
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    qtbot.waitUntil(lambda: screen.photo_strip.tile_count() == 1)
    assert screen.photo_strip.problem_of(photo.id) == "Damaged photo"
    labels = [
        w for w in screen.photo_strip.findChildren(QLabel) if "lock.jpg" in w.accessibleName()
    ]
    assert len(labels) == 1
    assert labels[0].pixmap().isNull() and labels[0].text() == "Damaged\nphoto"
    assert "damaged photo, not shown" in labels[0].accessibleName()
    assert errors == []


# --- qualities: touch, screen readers, large text ---------------------------------------


def _controls(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QComboBox, QLineEdit, QDateEdit, QPlainTextEdit)
    return [w for w in root.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()]


def test_controls_are_touch_sized_and_named_for_screen_readers(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    press(Qt.Key.Key_N)
    screen.go_to_item("A07")
    assert screen.action_panel.isVisible()
    controls = _controls(screen)
    assert len(controls) > 15
    for control in controls:
        if control.parent() is not None and isinstance(control.parent(), QComboBox | QDateEdit):
            continue  # the line edit inside a combo or date box: the box itself is checked
        name = control.accessibleName() or (
            control.text() if isinstance(control, QAbstractButton) else ""
        )
        assert name, f"{type(control).__name__} has no name for a screen reader"
        assert control.height() >= 44, f"{name} is {control.height()} px high"
    assert screen.tree.accessibleName() == "Sections and items"
    row = screen.tree.visualRect(screen.tree.currentIndex())
    assert row.height() >= 44


@pytest.fixture
def double_text(qapp: QApplication) -> Iterator[None]:
    """The app's text at 200% for the length of the test, as a matron's large-text setting
    would have it; put back afterwards, even when the test fails."""
    original = qapp.font()
    large = QFont(original)
    large.setPointSizeF(DOUBLE_TEXT_POINTS)
    qapp.setFont(large)
    try:
        yield
    finally:
        qapp.setFont(original)


def test_usable_at_double_text_size(
    qtbot, double_text: None, show_audit_screen, ctx: AppContext, audit_id: str, errors
) -> None:
    screen = show_audit_screen(ctx)
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    qtbot.wait(0)
    viewport = screen.card_scroll.viewport()
    for value in ("yes", "partial", "no", "na"):
        button = screen.answer_buttons[value]
        top_left = button.mapTo(viewport, button.rect().topLeft())
        assert top_left.x() >= 0
        assert top_left.x() + button.width() <= viewport.width(), f"{value} is cut off"
        assert button.fontMetrics().horizontalAdvance(button.text()) < button.width()
    assert not screen.card_scroll.horizontalScrollBar().isVisible()
    press(Qt.Key.Key_Y)
    assert screen.current_item == "A08"

    # At double text the item list folds away; in a narrower window the buttons still fit.
    assert screen.items_folded and not screen.item_list.isVisible()
    screen.resize(1024, 768)

    def buttons_that_fit() -> bool:
        buttons = [b for b in screen.answer_buttons.values() if b.isVisible()]
        rights = [b.mapTo(viewport, b.rect().topRight()).x() for b in buttons]
        return len(buttons) == 4 and max(rights) <= viewport.width()

    qtbot.waitUntil(buttons_that_fit)
    assert screen.width() <= 1024
    screen.hide()


# --- actions left open at the ward's earlier audits -------------------------------------


def signed_off_audit(store: Store, checklist: Checklist, ward: str, noes: list[str]) -> str:
    """A whole audit of ``ward``: the items in ``noes`` answered No, the rest Yes."""
    audit_id = store.audits.start(ward, checklist, by="Ward manager").id
    for item in checklist.applicable_items(store.wards.get(ward).sex):
        store.audits.record_answer(audit_id, item.id, "no" if item.id in noes else "yes")
    store.audits.complete(audit_id, by="Ward manager", role="Ward manager")
    return audit_id


@pytest.fixture
def next_audit(store: Store, checklist: Checklist) -> tuple[str, str]:
    """A ward whose last audit left three actions, one since done; its next audit started."""
    store.wards.add(site="Test site", name="Cedar Ward", sex="mixed", areas=["Zone door"])
    last = signed_off_audit(store, checklist, "Cedar Ward", ["A03", "A07", "B05", "C04"])
    by_item = {a.item: a for a in store.actions.list(audit=last)}
    store.actions.set_status(by_item["C04"].id, "done", note="Fixed")
    store.actions.set_status(by_item["B05"].id, "in_progress", note="Booked")
    return last, store.audits.start("Cedar Ward", checklist, by="Modern matron").id


def test_the_next_audit_shows_what_the_last_one_left_open(
    qtbot, screen: AuditScreen, store: Store, next_audit: tuple[str, str]
) -> None:
    last, audit_id = next_audit
    screen.ctx.set_auditor("Modern matron", "Matron")
    screen.open_audit(audit_id)
    panel = screen.previous_panel
    assert panel.isVisible()
    signed = clock.uk_date(store.audits.get(last).audit.completed_at)
    assert panel.headline_text() == (
        f"⚠ 3 actions from the last audit ({signed}) are still open: verify them on this "
        "walk-round."
    )
    assert set(panel.rows) == {a.id for a in store.actions.previous_open(audit_id)}
    # Folded to one line at first: the question card keeps its room, and has the keys.
    assert not panel.body.isVisible()
    assert QApplication.focusWidget() is screen.card
    assert panel.height() < 100

    # Reached with Tab and opened with Enter, like every other button.
    for _ in range(30):
        if QApplication.focusWidget() is panel.toggle_button:
            break
        press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.toggle_button
    press(Qt.Key.Key_Return)
    assert panel.body.isVisible()
    assert panel.toggle_button.text() == "Hide them"
    a07 = next(a for a in store.actions.list(audit=last) if a.item == "A07")
    label, verify, still = panel.rows[a07.id]
    assert "A07" in label.text() and a07.description in label.text()
    assert f"due {clock.uk_date(a07.due)}" in label.text()
    assert "Open" in label.text()
    for button in (verify, still, panel.toggle_button):
        assert button.accessibleName() and button.height() >= 44

    with qtbot.waitSignal(screen.progress_changed):
        verify.click()
    verified = store.actions.get(a07.id)
    assert verified.status == "verified"
    today = clock.uk_date(store.audits.get(audit_id).audit.started_at)
    assert verified.status_note == f"Checked at the audit of {today}"
    assert store.history.list(action=a07.id)[-1].actor == "Modern matron"
    assert panel.state(a07.id) == "verified"
    assert not verify.isVisible() and "Verified at this audit" in label.text()
    assert screen.saved_text.startswith("Saved ")
    assert "1 checked, 2 to go" in panel.headline_text()

    b05 = next(a for a in store.actions.list(audit=last) if a.item == "B05")
    panel.rows[b05.id][2].click()  # Still not done
    kept = store.actions.get(b05.id)
    assert (kept.status, kept.status_note) == (
        "in_progress",
        f"Still not done at the audit of {today}",
    )
    assert panel.state(b05.id) == "noted"

    # Opened again later, the walk-round's checks are remembered.
    screen.open_audit(audit_id)
    assert set(screen.previous_panel.rows) == {
        a.id for a in store.actions.list(audit=last) if a.item in ("A03", "B05")
    }
    assert screen.previous_panel.state(b05.id) == "noted"
    # Answer keys work as before with the notice showing.
    QTest.keyClick(screen.card, Qt.Key.Key_Y)
    settle(screen)
    assert screen.last_saved_item is not None


def test_an_earlier_action_past_its_due_date_says_overdue_as_the_actions_screen_does(
    screen: AuditScreen, store: Store, next_audit: tuple[str, str]
) -> None:
    last, audit_id = next_audit
    by_item = {a.item: a for a in store.actions.list(audit=last)}
    today = clock.today()
    store.actions.edit(by_item["A07"].id, due=today - timedelta(days=3))
    store.actions.edit(by_item["A03"].id, due=today + timedelta(days=3))
    screen.open_audit(audit_id)
    late = store.actions.get(by_item["A07"].id)
    label = screen.previous_panel.rows[late.id][0]
    assert overdue_words(overdue_days(late, today)) == "Overdue 3 days"
    assert "<b>Overdue 3 days</b>" in label.text()
    assert "Overdue 3 days" in label.accessibleName()
    assert ActionTableModel.text(late, ActionTableModel.OVERDUE, 3) == "Overdue 3 days"
    not_due = screen.previous_panel.rows[by_item["A03"].id][0]
    assert "verdue" not in not_due.text()


def test_a_first_audit_shows_no_notice(screen: AuditScreen, audit_id: str) -> None:
    screen.open_audit(audit_id)
    assert not screen.previous_panel.isVisible()


def test_the_notice_stays_compact_at_double_text_size(
    qtbot,
    double_text: None,
    show_audit_screen,
    ctx: AppContext,
    next_audit: tuple[str, str],
    errors,
) -> None:
    screen = show_audit_screen(ctx)
    screen.open_audit(next_audit[1])
    qtbot.wait(0)
    panel = screen.previous_panel
    assert panel.isVisible()
    assert panel.height() <= 768 // 6  # folded: two lines of text at most
    question = screen.card.question
    top = question.mapTo(screen.card_scroll.viewport(), question.rect().topLeft()).y()
    assert 0 <= top < screen.card_scroll.viewport().height() // 2  # the question in view
    panel.toggle_button.click()
    qtbot.wait(0)
    assert panel.body.height() <= 768 // 4  # opened, still a quarter of the window at most
    assert question.isVisible()
    screen.hide()
