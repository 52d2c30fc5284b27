"""The audit screen driven by the keyboard alone, as a matron on a laptop would use it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

import ui.audit.dialogs
import ui.errors
from ui.audit import AuditScreen
from wardaudit.store import Store

KEYS_PER_ITEM_TARGET = 1.5


class KeyCounter:
    """Presses keys on whatever widget has the focus, counting every press.

    A matron answering presses one key and reads the next question; so after an answer key
    this waits, as she does, until the screen has taken it as an answer (it waits
    ``TYPING_GAP_MS`` to be sure no second key follows, which would make it typing).
    """

    def __init__(self, screen: QWidget) -> None:
        self.screen = screen
        self.count = 0

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        QTest.keyClick(target, key, modifier)
        self.count += 1
        settle(self.screen)

    def type(self, text: str) -> None:
        for character in text:
            target = QApplication.focusWidget()
            assert target is not None, "nothing has the keyboard focus"
            QTest.keyClicks(target, character)
            self.count += 1


def settle(screen: QWidget) -> None:
    """Let a single answer key become an answer (nothing else is pressed meanwhile)."""
    for _ in range(200):  # at most 4 s; the gap is half a second
        if not getattr(screen, "answer_pending", False):
            return
        QTest.qWait(20)
    raise AssertionError("the answer key was never taken as an answer")


@pytest.fixture
def audit_id(start_audit: Callable[..., str]) -> str:
    return start_audit("Day room", "Women's lounge", "Female bedroom corridor")


def answers(store: Store, audit_id: str) -> dict[str, str]:
    return {item: answer.value for item, answer in store.audits.get(audit_id).answers.items()}


def test_a_whole_audit_by_keyboard_alone(
    screen: AuditScreen, store: Store, audit_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = KeyCounter(screen)
    confirmations: list[str] = []

    def confirm(_parent: QWidget, text: str) -> bool:
        keys.count += 1  # the Enter a matron presses on the confirmation's default button
        confirmations.append(text)
        return True

    monkeypatch.setattr(ui.audit.dialogs, "confirm_sign_off", confirm)
    screen.open_audit(audit_id)
    items = store.audits.get(audit_id).checklist.applicable_items("mixed")
    assert len(items) == len(
        list(store.checklists.for_audit(audit_id).items())
    )  # a mixed ward: all

    given = {}
    for number, _ in enumerate(items):
        item = screen.current_item
        assert item is not None
        if number == 6:  # one No: its action is shown in place, and Enter accepts it
            keys.press(Qt.Key.Key_N)
            assert screen.current_item == item  # not moved on before she has seen it
            assert QApplication.focusWidget() is screen.action_panel.accept_button
            keys.press(Qt.Key.Key_Return)
            given[item] = "no"
        else:
            keys.press(Qt.Key.Key_Y)
            given[item] = "yes"
    assert answers(store, audit_id) == given
    assert [a.item for a in store.audits.get(audit_id).actions] == [
        item for item, value in given.items() if value == "no"
    ]

    keys.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is screen.summary.signoff.name
    keys.type("ward matron")
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.summary.signoff.role
    keys.type("matron")
    keys.press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.summary.signoff.sign_off_button
    keys.press(Qt.Key.Key_Return)

    record = store.audits.get(audit_id)
    assert record.audit.status == "completed"
    assert record.audit.signed_by == "ward matron"
    assert record.audit.signed_role == "matron"
    assert [a.value for a in record.answers.values()].count("yes") == len(items) - 1
    assert len(confirmations) == 1

    per_item = keys.count / len(items)
    print(
        f"\nKeyboard-only audit: {keys.count} key presses for {len(items)} items "
        f"= {per_item:.2f} per item (target ≤ {KEYS_PER_ITEM_TARGET})"
    )
    assert per_item <= KEYS_PER_ITEM_TARGET


def test_a_mixed_run_raises_actions_with_the_items_defaults(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    checklist = store.audits.get(audit_id).checklist
    keys = KeyCounter(screen)
    given: dict[str, str] = {}
    for number in range(len(checklist.applicable_items("mixed"))):
        item = checklist.item(screen.current_item)
        if number % 4 == 1:
            value, key = "no", Qt.Key.Key_N
        elif number % 4 == 3 and not item.critical:
            value, key = "partial", Qt.Key.Key_P
        else:
            value, key = "yes", Qt.Key.Key_Y
        keys.press(key)
        if value != "yes":
            keys.press(Qt.Key.Key_Return)  # the action shown in place, accepted
        given[item.id] = value
    assert answers(store, audit_id) == given

    record = store.audits.get(audit_id)
    raised = {action.item: action for action in record.actions}
    assert set(raised) == {item for item, value in given.items() if value in ("no", "partial")}
    for item_id, action in raised.items():
        item = checklist.item(item_id)
        assert action.description == item.action
        assert action.owner == item.owner
        assert (action.risk.likelihood, action.risk.consequence) == (
            item.risk.likelihood,
            item.risk.consequence,
        )
        assert action.status == "open"

    # Going back to a No shows its action pre-filled, ready to edit in place.
    first_no = next(item for item, value in given.items() if value == "no")
    screen.go_to_item(first_no)
    assert screen.action_panel.isVisible()
    assert screen.action_panel.description.toPlainText() == checklist.item(first_no).action
    assert screen.action_panel.owner.text() == checklist.item(first_no).owner


def test_answer_keys_move_on_to_the_next_unanswered_item(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    store.audits.record_answer(audit_id, "A02", "yes")
    store.audits.record_answer(audit_id, "A03", "yes")
    store.audits.set_current_item(audit_id, "A01")
    screen.open_audit(audit_id)
    assert screen.current_item == "A01"
    keys = KeyCounter(screen)
    keys.press(Qt.Key.Key_Y)
    assert screen.current_item == "A04"  # A02 and A03 were already answered
    assert screen.last_saved_item == "A01"
    assert screen.saved_text.startswith("Saved ")
    # The card says what was just saved, since it has moved on.
    assert "A01 saved as Yes" in screen.card.last_label.text()


def test_letters_type_text_in_a_note_and_answer_only_from_the_card(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A06")
    keys = KeyCounter(screen)
    screen.note.setFocus()
    assert isinstance(QApplication.focusWidget(), QPlainTextEdit)
    keys.type("no lock on a yard door")
    assert screen.note.toPlainText() == "no lock on a yard door"
    assert answers(store, audit_id) == {}  # typing answered nothing

    screen.location.setFocus()
    keys.type("yard")
    assert answers(store, audit_id) == {}

    keys.press(Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is screen.card
    keys.press(Qt.Key.Key_N)
    saved = store.audits.get(audit_id).answers["A06"]
    assert (saved.value, saved.note, saved.location) == ("no", "no lock on a yard door", "yard")


def test_undo_restores_the_previous_state_and_withdraws_the_action(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    keys = KeyCounter(screen)
    keys.press(Qt.Key.Key_Y)  # A01 yes
    keys.press(Qt.Key.Key_N)  # A02 no: an action is raised and shown in place
    keys.press(Qt.Key.Key_Return)
    assert answers(store, audit_id) == {"A01": "yes", "A02": "no"}
    assert [a.item for a in store.audits.get(audit_id).actions] == ["A02"]

    keys.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert answers(store, audit_id) == {"A01": "yes"}
    assert store.audits.get(audit_id).actions == ()
    assert "action_withdrawn" in [event.kind for event in store.history.list(audit=audit_id)]
    assert screen.current_item == "A02"  # undo shows the item it took back

    # Changing an answer, then undoing, brings the earlier answer back (with its note).
    screen.go_to_item("A01")
    screen.note.setFocus()
    keys.type("checked with the bed plan")
    keys.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert store.audits.get(audit_id).answers["A01"].note == "checked with the bed plan"
    keys.press(Qt.Key.Key_Escape)
    keys.press(Qt.Key.Key_N)
    assert answers(store, audit_id)["A01"] == "no"
    keys.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored = store.audits.get(audit_id).answers["A01"]
    assert (restored.value, restored.note) == ("yes", "checked with the bed plan")
    assert store.audits.get(audit_id).actions == ()

    keys.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert answers(store, audit_id) == {}


def test_a_critical_item_offers_no_partly(
    screen: AuditScreen, store: Store, audit_id: str, errors: list[BaseException]
) -> None:
    screen.open_audit(audit_id)
    checklist = store.audits.get(audit_id).checklist
    assert checklist.item("A01").critical
    assert screen.current_item == "A01"
    partly = screen.answer_buttons["partial"]
    assert not partly.isVisible() and not partly.isEnabled()
    assert screen.card.critical_badge.isVisible()
    history_before = len(store.history.list(audit=audit_id))

    KeyCounter(screen).press(Qt.Key.Key_P)
    assert answers(store, audit_id) == {}
    assert len(store.history.list(audit=audit_id)) == history_before
    assert screen.current_item == "A01"
    assert not screen.saved_text.startswith("Saved")
    assert "only Yes, No or N/A can be given, not Partly" in screen.card.message.text()
    assert errors == []

    # A non-critical item offers all four.
    screen.go_to_item("A07")
    assert not checklist.item("A07").critical
    assert screen.answer_buttons["partial"].isVisible()
    KeyCounter(screen).press(Qt.Key.Key_P)
    assert answers(store, audit_id) == {"A07": "partial"}


def test_moving_finding_and_guidance_by_keyboard(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    keys = KeyCounter(screen)
    keys.press(Qt.Key.Key_PageDown)
    keys.press(Qt.Key.Key_Right)
    assert screen.current_item == "A03"
    assert store.audits.get(audit_id).audit.current_item == "A03"  # remembered for resuming
    keys.press(Qt.Key.Key_PageUp)
    keys.press(Qt.Key.Key_Left)
    assert screen.current_item == "A01"

    keys.press(Qt.Key.Key_G)
    assert screen.card.guidance.isVisible()
    source = store.audits.get(audit_id).checklist.item("A01").sources[0]
    assert "Sources" in screen.card.guidance.text()
    assert source.split(" ")[0] in screen.card.guidance.text()
    keys.press(Qt.Key.Key_G)
    assert not screen.card.guidance.isVisible()

    keys.press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    keys.type("visitors")
    # Only matching items are left in the list; Enter jumps to the first.
    proxy = screen.tree.model()
    shown = [
        proxy.index(row, 0, proxy.index(section, 0)).data(screen.items_model.ITEM_ID_ROLE)
        for section in range(proxy.rowCount())
        for row in range(proxy.rowCount(proxy.index(section, 0)))
    ]
    assert shown and all(
        "visitors" in store.audits.get(audit_id).checklist.item(i).question.lower() for i in shown
    )
    keys.press(Qt.Key.Key_Return)
    assert screen.current_item == shown[0]
    assert QApplication.focusWidget() is screen.card
    keys.press(Qt.Key.Key_Y)
    assert answers(store, audit_id) == {shown[0]: "yes"}


def test_letters_in_the_action_fields_edit_them_and_answer_nothing(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    KeyCounter(screen).press(Qt.Key.Key_N)
    screen.go_to_item("A07")
    panel = screen.action_panel
    for field in (panel.likelihood, panel.consequence, panel.due, panel.owner, panel.description):
        field.setFocus()
        for key in (Qt.Key.Key_Y, Qt.Key.Key_A):
            KeyCounter(screen).press(key)
        assert answers(store, audit_id) == {"A07": "no"}, type(field).__name__
        assert screen.current_item == "A07"
