"""The summary and sign-off: what blocks sign-off, the lock, and amendments with a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel

import ui.audit.dialogs
import ui.errors
from ui.audit import AuditScreen
from ui.audit.dialogs import AmendDialog
from ui.audit.models import TeamTableModel
from ui.context import AppContext
from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.model import TeamMember
from wardaudit.store import Store


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def confirm(_parent, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr(ui.audit.dialogs, "confirm_sign_off", confirm)
    return asked


@pytest.fixture
def audit_id(start_audit: Callable[..., str]) -> str:
    return start_audit()


def answer_all(store: Store, audit_id: str, checklist: Checklist, **special: str) -> None:
    for item in checklist.applicable_items("mixed"):
        store.audits.record_answer(audit_id, item.id, special.get(item.id, "yes"))


def labels(widget) -> list[str]:
    QApplication.processEvents()  # widgets added to a shown layout appear on the next turn
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]


def test_sign_off_is_blocked_while_items_are_unanswered(
    screen: AuditScreen, store: Store, audit_id: str, checklist: Checklist
) -> None:
    applicable = [item.id for item in checklist.applicable_items("mixed")]
    for item_id in applicable[:-3]:
        store.audits.record_answer(audit_id, item_id, "yes")
    screen.open_audit(audit_id)
    screen.show_summary()
    summary = screen.summary
    assert screen._stack.currentWidget() is summary
    assert not summary.signoff.sign_off_button.isEnabled()
    assert "3 item(s) still need an answer" in summary.signoff.blocker.text()
    assert summary.signoff.blocker.isVisible()
    assert list(summary.unanswered_buttons) == applicable[-3:]
    # The keyboard lands on the first gap.
    assert QApplication.focusWidget() is summary.unanswered_buttons[applicable[-3]]

    # One click goes back to that item.
    target = applicable[-2]
    summary.unanswered_buttons[target].click()
    assert screen._stack.currentWidget() is screen._work
    assert screen.current_item == target
    assert QApplication.focusWidget() is screen.card
    QTest.keyClick(screen.card, Qt.Key.Key_Y)
    screen.show_summary()
    assert list(screen.summary.unanswered_buttons) == [applicable[-3], applicable[-1]]
    assert not screen.summary.signoff.sign_off_button.isEnabled()
    assert store.audits.get(audit_id).audit.status == "in_progress"


def test_escape_goes_back_from_the_summary_to_the_item(screen: AuditScreen, audit_id: str) -> None:
    screen.open_audit(audit_id)
    QTest.keyClick(screen.card, Qt.Key.Key_PageDown)
    screen.show_summary()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert screen._stack.currentWidget() is screen._work
    assert screen.current_item == "A02"


def test_the_summary_shows_breaches_first_sections_and_actions_by_band(
    screen: AuditScreen, store: Store, audit_id: str, checklist: Checklist
) -> None:
    answer_all(store, audit_id, checklist, A02="no", A07="partial", B08="no", E01="na")
    action = next(a for a in store.audits.get(audit_id).actions if a.item == "B08")
    store.actions.edit(action.id, likelihood=1, consequence=2)  # low
    screen.open_audit(audit_id)
    screen.show_summary()
    record = store.audits.get(audit_id)
    text = labels(screen.summary)
    joined = "\n".join(text)

    assert any(t.startswith("⚠ Critical breaches (1)") for t in text)
    assert f"A02: {checklist.item('A02').question}" in joined
    assert joined.index("Critical breaches") < joined.index("Sections") < joined.index("Actions")
    assert "Provisional score" in joined and "Red" in joined  # a critical breach rates red
    for section in record.score.sections:
        assert section.title in text
    # Actions grouped by band, the most serious first, with UK dates.
    bands = [t for t in text if t.split(" ")[0] in ("Extreme", "High", "Moderate", "Low")]
    order = [b.split(" ")[0] for b in bands]
    assert order == sorted(order, key=["Extreme", "High", "Moderate", "Low"].index)
    assert order[-1] == "Low"
    for action in record.actions:
        assert f"due {clock.uk_date(action.due)}" in joined
    assert "Unanswered" not in joined
    assert summary_ready(screen)


def summary_ready(screen: AuditScreen) -> bool:
    screen.summary.signoff.name.setText("Ward matron")
    screen.summary.signoff.role.setText("Matron")
    return screen.summary.signoff.sign_off_button.isEnabled()


def test_a_section_with_nothing_available_says_not_scored(
    screen: AuditScreen, store: Store, audit_id: str, checklist: Checklist
) -> None:
    last = [s for s in checklist.sections if any(i.applies("mixed") for i in s.items)][-1]
    for item in last.items:
        if item.applies("mixed"):
            store.audits.record_answer(audit_id, item.id, "na")
    screen.open_audit(audit_id)
    screen.show_summary()
    assert "not scored (all N/A)" in labels(screen.summary)  # as the action plan says it


def test_sign_off_with_a_team_locks_the_audit(
    qtbot,
    screen: AuditScreen,
    store: Store,
    audit_id: str,
    checklist: Checklist,
    confirmations: list[str],
) -> None:
    answer_all(store, audit_id, checklist)
    screen.open_audit(audit_id)
    screen.show_summary()
    summary = screen.summary
    assert not summary.signoff.sign_off_button.isEnabled()
    assert "Enter your name and role" in summary.signoff.blocker.text()
    assert QApplication.focusWidget() is summary.signoff.name

    summary.signoff.add_team_member()
    model = summary.signoff.team_model
    model.setData(model.index(0, TeamTableModel.NAME), "Peer reviewer")
    model.setData(model.index(0, TeamTableModel.ROLE), "Expert by experience")
    model.setData(
        model.index(0, TeamTableModel.PEER), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    summary.signoff.add_team_member()
    model.setData(model.index(1, TeamTableModel.NAME), "Estates officer")
    model.setData(model.index(1, TeamTableModel.ROLE), "Estates")
    summary.signoff.add_team_member()  # left blank: ignored
    QTest.keyClicks(summary.signoff.name, "Ward matron")
    QTest.keyClicks(summary.signoff.role, "Matron")
    assert summary.signoff.sign_off_button.isEnabled()

    with qtbot.waitSignal(screen.audit_completed) as completed:
        summary.signoff.sign_off_button.click()
    assert completed.args == [audit_id]
    assert len(confirmations) == 1 and "Matron" in confirmations[0]
    audit = store.audits.get(audit_id).audit
    assert audit.status == "completed"
    assert (audit.signed_by, audit.signed_role) == ("Ward matron", "Matron")
    assert audit.team == (
        TeamMember("Peer reviewer", "Expert by experience", True),
        TeamMember("Estates officer", "Estates", False),
    )
    # Read-only now: who signed, the team, and the way to amend.
    assert not summary.signoff.isVisible()
    joined = "\n".join(labels(summary))
    assert "Signed off by Ward matron (Matron)" in joined
    # each member as the action plan's team says it
    assert "Peer reviewer (Expert by experience, patient or peer assessor)" in joined
    assert "Estates officer (Estates)" in joined
    assert summary.locked.amend_button.isVisible()
    assert QApplication.focusWidget() is summary.locked.amend_button
    # The name is remembered as the default for next time.
    assert (screen.ctx.auditor_name, screen.ctx.auditor_role) == ("Ward matron", "Matron")


def test_cancelling_the_confirmation_locks_nothing(
    screen: AuditScreen,
    store: Store,
    audit_id: str,
    checklist: Checklist,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ui.audit.dialogs, "confirm_sign_off", lambda parent, text: False)
    answer_all(store, audit_id, checklist)
    screen.open_audit(audit_id)
    screen.show_summary()
    assert summary_ready(screen)
    screen.summary.signoff.sign_off_button.click()
    assert store.audits.get(audit_id).audit.status == "in_progress"


def test_the_team_typed_so_far_survives_reopening(
    qtbot, ctx: AppContext, store: Store, audit_id: str, errors: list[BaseException]
) -> None:
    first = AuditScreen(ctx)
    qtbot.addWidget(first)
    first.open_audit(audit_id)
    first.show_summary()
    first.summary.signoff.add_team_member()
    model = first.summary.signoff.team_model
    model.setData(model.index(0, TeamTableModel.NAME), "Peer reviewer")
    model.setData(
        model.index(0, TeamTableModel.PEER), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    first.close()

    second = AuditScreen(ctx)
    qtbot.addWidget(second)
    second.open_audit(audit_id)
    second.show_summary()
    assert second.summary.signoff.team_model.members() == [TeamMember("Peer reviewer", "", True)]


def test_the_team_table_model(qtbot) -> None:
    model = TeamTableModel()
    assert model.columnCount() == 3
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Name",
        "Role",
        "Patient or peer assessor",
    ]
    row = model.add_member()
    assert model.rowCount() == 1
    assert model.flags(model.index(row, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(row, 2)) & Qt.ItemFlag.ItemIsUserCheckable
    model.setData(model.index(row, 0), " Peer reviewer ")
    model.setData(model.index(row, 2), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.index(row, 2).data() == "Yes"  # a word, not only a tick
    assert model.members() == [TeamMember("Peer reviewer", "", True)]
    model.remove_member(row)
    assert model.members() == []


def completed_audit(store: Store, audit_id: str, checklist: Checklist) -> None:
    answer_all(store, audit_id, checklist)
    store.audits.complete(audit_id, by="Ward matron", role="Matron")


def test_an_amendment_with_a_reason_appears_in_the_history(
    screen: AuditScreen,
    store: Store,
    audit_id: str,
    checklist: Checklist,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed_audit(store, audit_id, checklist)
    screen.open_audit(audit_id)
    summary = screen.summary
    assert summary.locked.history_lines == []

    def fill_in(dialog: AmendDialog) -> int:
        dialog.item.setCurrentIndex(dialog.item.findData("A07"))
        dialog.value.setCurrentIndex(dialog.value.findData("no"))
        dialog.note.setPlainText("Lounge found locked on a second visit")
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        dialog.reason.setText("Second walk-round the same afternoon")
        dialog.by.setText("Ward manager")
        assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AmendDialog, "exec", fill_in)
    summary.locked.amend_button.click()

    answer = store.audits.get(audit_id).answers["A07"]
    assert (answer.value, answer.note) == ("no", "Lounge found locked on a second visit")
    events = [e for e in store.history.list(audit=audit_id) if e.kind == "amendment"]
    assert len(events) == 1
    assert events[0].detail["reason"] == "Second walk-round the same afternoon"
    assert events[0].actor == "Ward manager"
    assert len(summary.locked.history_lines) == 1
    line = summary.locked.history_lines[0]
    assert "A07 amended from Yes to No by Ward manager" in line
    assert "Reason: Second walk-round the same afternoon" in line
    assert line in labels(summary)
    # The score is worked out again and the audit stays locked.
    assert store.audits.get(audit_id).audit.status == "completed"
    assert screen.header.score_label.text().startswith("Score: ")
    assert screen.header.score_label.text() != "Score: 100.0%"


def test_the_amend_dialog_offers_only_the_items_answers_and_needs_a_reason(
    qtbot, store: Store, audit_id: str, checklist: Checklist
) -> None:
    completed_audit(store, audit_id, checklist)
    dialog = AmendDialog(store.audits.get(audit_id), "")
    qtbot.addWidget(dialog)
    dialog.item.setCurrentIndex(dialog.item.findData("A01"))  # critical: no Partly
    assert [dialog.value.itemData(i) for i in range(dialog.value.count())] == ["yes", "no", "na"]
    dialog.item.setCurrentIndex(dialog.item.findData("A07"))
    assert [dialog.value.itemData(i) for i in range(dialog.value.count())] == [
        "yes",
        "partial",
        "no",
        "na",
    ]
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.reason.setText("Typo")
    assert not ok.isEnabled()  # nobody named
    dialog.by.setText("Ward manager")
    assert ok.isEnabled()
    dialog.reason.setText("   ")
    assert not ok.isEnabled()
    dialog.note.setPlainText("See 943 476 5919")
    assert dialog.note_warning.isVisibleTo(dialog)
