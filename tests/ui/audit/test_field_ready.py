"""Nothing she does by accident changes the record, and the item fits a laptop screen.

Each test drives the screen as a matron would: sentences typed with the focus on the card
and elsewhere, wheel turns over every drop-down, the text size changed while it runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

import ui.audit.plan
import ui.widgets.files
from tests.ui.audit.test_audit_keyboard import settle
from ui.audit import AuditScreen
from ui.context import AppContext
from ui.theme import MIN_TOUCH_PX, apply_theme
from wardaudit.checklist import Checklist
from wardaudit.store import Store

SENTENCES = (
    "Patient bay has no risk assessment",
    "No lock on the garden door",
    "Alarm not tested, ask estates",
    "Yard gate left open at 14:00",
)


@pytest.fixture
def audit_id(start_audit: Callable[..., str]) -> str:
    return start_audit("Day room", "Garden", "Dining room")


def state(store: Store, audit_id: str) -> str:
    """The record as the command line shows it: answers, notes, actions, links."""
    record = store.audits.get(audit_id)
    return json.dumps(
        {
            "answers": {i: (a.value, a.note, a.location) for i, a in record.answers.items()},
            "actions": [
                (a.item, a.description, a.owner, a.risk.likelihood, a.risk.consequence, str(a.due))
                for a in record.actions
            ],
            "links": [(link.item, link.action_id) for link in record.links],
        },
        sort_keys=True,
    )


def wheel(widget: QWidget, notches: int = -1) -> None:
    """A real wheel (or two-finger touchpad) turn over the middle of ``widget``."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(0, notches * 15),
        QPoint(0, notches * 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


# --- point 1: deliberate input only -------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_sentence_typed_on_the_card_answers_nothing_and_goes_into_the_note(
    screen: AuditScreen, store: Store, audit_id: str, sentence: str
) -> None:
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    before = state(store, audit_id)
    assert QApplication.focusWidget() is screen.card
    QTest.keyClicks(screen.card, sentence)  # a typist's keys, milliseconds apart
    settle(screen)
    QTest.qWait(700)  # longer than the gap: nothing was waiting to answer
    assert state(store, audit_id) == before
    assert screen.note.toPlainText() == sentence  # the first letter too
    assert screen.current_item == "A07"
    assert "nothing was answered" in screen.card.message.text()
    # the draft is kept, and goes with the answer when she gives it
    screen.save_now()
    assert {d.text for d in store.audits.drafts(audit_id)} == {sentence}


def test_a_sentence_typed_in_the_note_then_keys_on_the_card_stay_text(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    before = state(store, audit_id)
    screen.note.setFocus()
    QTest.keyClicks(screen.note, "Bathroom door wedged")
    screen.focus_card()  # the focus moves while she is still typing
    QTest.keyClicks(screen.card, " open")
    settle(screen)
    assert state(store, audit_id) == before
    assert screen.note.toPlainText() == "Bathroom door wedged open"


def test_a_single_deliberate_key_still_answers_and_moves_on(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    QTest.keyClick(screen.card, Qt.Key.Key_Y)
    assert screen.answer_pending  # not yet: a second key would make it typing
    settle(screen)
    assert store.audits.get(audit_id).answers["A01"].value == "yes"
    assert screen.current_item == "A02"
    assert screen.saved_text.startswith("Saved ")


def test_wheel_over_the_cards_drop_downs_scrolls_the_page_and_changes_nothing(
    qtbot, screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.open_audit(audit_id)
    screen.resize(1366, 560)  # short enough for the card to scroll
    screen.go_to_item("A07")
    QTest.keyClick(screen.card, Qt.Key.Key_N)
    settle(screen)
    assert screen.action_panel.isVisible()
    screen.focus_card()
    before = state(store, audit_id)
    panel = screen.action_panel
    guarded = [screen.location, panel.likelihood, panel.consequence, panel.due]
    values = [w.currentText() if isinstance(w, QComboBox) else w.text() for w in guarded]
    bar = screen.card_scroll.verticalScrollBar()
    bar.setValue(0)
    for widget in guarded:
        for notches in (-1, -1, 1, -3):
            wheel(widget, notches)
        qtbot.wait(0)
    assert [w.currentText() if isinstance(w, QComboBox) else w.text() for w in guarded] == values
    assert state(store, audit_id) == before
    wheel(screen.location, -2)
    assert bar.value() > 0 or bar.maximum() == 0  # the page took the wheel

    # Clicked into, a drop-down takes the wheel as usual.
    panel.likelihood.setFocus()
    wheel(panel.likelihood, -1)
    assert panel.likelihood.currentText() != values[1]


def test_wheels_change_no_control_on_any_screen(qtbot, demo_store: Store, open_window) -> None:
    """Every drop-down, spin box, date field and slider on every screen ignores a wheel she
    has not clicked into; the record is the same after."""
    window = open_window(demo_store)
    audit = demo_store.audits.in_progress()[0]
    before = state(demo_store, audit.id)
    for page in ("wards", "audit", "actions", "board", "settings"):
        window.show_page(page)
        qtbot.wait(50)
        controls = [
            w
            for w in window.findChildren(QWidget)
            if isinstance(w, QComboBox | QAbstractSpinBox) and w.isVisible()
        ]
        assert controls or page in ("wards", "audit"), page
        for control in controls:
            control.clearFocus()
            was = control.currentIndex() if isinstance(control, QComboBox) else control.text()
            wheel(control, -1)
            wheel(control, 2)
            now = control.currentIndex() if isinstance(control, QComboBox) else control.text()
            assert now == was, f"{page}: {control.accessibleName() or type(control).__name__}"
    assert state(demo_store, audit.id) == before


# --- point 2: drafts ---------------------------------------------------------------------


def test_a_note_typed_before_the_answer_survives_leaving_and_joins_the_answer(
    qtbot, show_audit_screen, ctx: AppContext, store: Store, audit_id: str, errors
) -> None:
    first = show_audit_screen(ctx)
    first.open_audit(audit_id)
    first.go_to_item("A07")
    first.note.setFocus()
    QTest.keyClicks(first.note, "Curtain rail not collapsible")
    qtbot.waitUntil(lambda: first.saved_text.startswith("Draft saved"), timeout=3000)
    assert [d.text for d in store.audits.drafts(audit_id)] == ["Curtain rail not collapsible"]
    first.close()
    first.deleteLater()
    qtbot.wait(0)

    second = show_audit_screen(ctx)
    second.open_audit(audit_id)
    second.go_to_item("A07")
    assert second.note.toPlainText() == "Curtain rail not collapsible"
    second.focus_card()
    QTest.keyClick(second.card, Qt.Key.Key_Y)
    settle(second)
    answer = store.audits.get(audit_id).answers["A07"]
    assert (answer.value, answer.note) == ("yes", "Curtain rail not collapsible")
    assert store.audits.drafts(audit_id) == []
    second.hide()


# --- point 3: the action in place ---------------------------------------------------------


def test_the_action_is_in_view_at_1366_by_768_and_withdrawal_is_said(
    screen: AuditScreen, store: Store, audit_id: str
) -> None:
    screen.resize(1366, 768 - 70 - 90)  # a taskbar and the window's own frame and banner
    screen.open_audit(audit_id)
    screen.go_to_item("A07")
    QTest.keyClick(screen.card, Qt.Key.Key_N)
    settle(screen)
    QTest.qWait(50)
    viewport = screen.card_scroll.viewport()
    panel = screen.action_panel
    for field in (panel.description, panel.owner, panel.likelihood, panel.band, panel.due):
        top = field.mapTo(viewport, field.rect().topLeft()).y()
        assert top >= 0 and top + field.height() <= viewport.height(), field.accessibleName()
    assert panel.band.text().endswith(("Low", "Moderate", "High", "Extreme"))
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert screen.current_item != "A07"

    screen.go_to_item("A07")
    QTest.keyClick(screen.card, Qt.Key.Key_Y)
    settle(screen)
    assert "The action for A07 was withdrawn because the answer is now Yes" in (
        screen.card.last_label.text()
    )
    assert store.audits.get(audit_id).actions == ()


def test_a_finding_for_an_action_still_open_is_linked_not_duplicated(
    screen: AuditScreen, store: Store, checklist: Checklist
) -> None:
    ward = store.wards.add(site="Test site", name="Oak Ward", sex="mixed")
    first = store.audits.start(ward.id, checklist).id
    for item in checklist.applicable_items("mixed"):
        store.audits.record_answer(first, item.id, "no" if item.id == "A07" else "yes")
    store.audits.complete(first, by="A matron", role="Matron")
    earlier = store.actions.list(audit=first)[0]
    second = store.audits.start(ward.id, checklist).id

    screen.open_audit(second)
    screen.go_to_item("A07")
    QTest.keyClick(screen.card, Qt.Key.Key_N)
    settle(screen)
    assert "already open" in screen.action_panel.earlier_label.text()
    assert store.audits.get(second).actions == ()  # linked by default: no duplicate
    assert [link.action_id for link in store.audits.get(second).links] == [earlier.id]
    screen.action_panel.new_button.click()  # she chooses a new one after all
    assert [a.item for a in store.audits.get(second).actions] == ["A07"]
    screen.action_panel.link_button.click()  # and back
    assert store.audits.get(second).actions == ()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert screen.current_item != "A07"


# --- point 4: fits the screen, text size at run time --------------------------------------


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_question_answers_note_and_location_fit_a_laptop_at_each_text_size(
    qtbot, screen: AuditScreen, audit_id: str, qapp, plain_theme, scale: float
) -> None:
    screen.open_audit(audit_id)
    apply_theme(qapp, high_contrast=False, text_scale=scale)  # while it runs
    screen.resize(1366, 768 - 70 - 40)  # a Windows taskbar and the title bar
    screen.go_to_item("A07")
    qtbot.wait(50)
    viewport = screen.card_scroll.viewport()
    must_show: list[QWidget] = [*screen.answer_buttons.values()]
    if scale <= 1.5:
        must_show += [screen.card.question, screen.note, screen.location]
    for widget in must_show:
        top = widget.mapTo(viewport, widget.rect().topLeft()).y()
        assert top >= 0 and top + widget.height() <= viewport.height(), (
            f"{widget.accessibleName() or type(widget).__name__} below the fold at {scale}"
        )
    assert screen.items_folded == (scale >= 1.75)
    if screen.items_folded:
        screen.header.items_button.click()
        assert screen.item_list.isVisible()
    for button in screen.answer_buttons.values():
        assert button.height() >= MIN_TOUCH_PX


def test_text_size_applies_fully_and_at_once(
    qtbot, screen: AuditScreen, audit_id: str, qapp, plain_theme
) -> None:
    screen.open_audit(audit_id)
    question = screen.card.question
    small = question.font().pointSizeF()
    apply_theme(qapp, high_contrast=False, text_scale=2.0)
    qtbot.wait(0)
    assert question.font().pointSizeF() == pytest.approx(small * 2, rel=0.01)
    assert screen.header.ward_label.font().pointSizeF() > QApplication.font().pointSizeF()
    apply_theme(qapp, high_contrast=True, text_scale=1.0)
    qtbot.wait(0)
    assert question.font().pointSizeF() == pytest.approx(small, rel=0.01)
    assert screen.header.ward_label.font().pointSizeF() == pytest.approx(11 * 1.3, rel=0.01)
    assert screen.card.palette().window().color().name() == "#000000"


# --- point 6: finishing an audit ----------------------------------------------------------


def test_after_sign_off_the_summary_opens_at_the_top_with_the_plan_one_click_away(
    qtbot, screen: AuditScreen, store: Store, audit_id: str, tmp_path: Path, monkeypatch
) -> None:
    checklist = store.audits.get(audit_id).checklist
    for item in checklist.applicable_items("mixed"):
        store.audits.record_answer(audit_id, item.id, "no" if item.id == "A07" else "yes")
    store.audits.complete(audit_id, by="A matron", role="Matron")
    opened: list[Path] = []
    monkeypatch.setattr(ui.widgets.files, "open_file", lambda path: opened.append(path))
    monkeypatch.setattr(ui.widgets.files, "last_folder", lambda kind: tmp_path)
    monkeypatch.setattr(ui.audit.plan, "last_folder", lambda kind: tmp_path)
    screen.open_audit(audit_id)
    summary = screen.summary
    qtbot.wait(10)
    assert summary.scroll_position == 0
    assert summary.plan_bar.isVisible()
    for button, suffix in ((summary.plan_pdf_button, ".pdf"), (summary.plan_xlsx_button, ".xlsx")):
        button.click()
        qtbot.waitUntil(lambda: not summary.last_op.running, timeout=30000)  # type: ignore[attr-defined]
        written = Path(summary.property("lastSaved"))
        assert written.suffix == suffix and written.parent == tmp_path and written.stat().st_size
        box = summary.last_message
        opener = next(b for b in box.buttons() if b.text() == "Open")  # type: ignore[attr-defined]
        opener.click()
        assert opened[-1] == written
        box.close()  # type: ignore[attr-defined]
    from pypdf import PdfReader

    assert "A07" in "".join(
        page.extract_text() for page in PdfReader(written.with_suffix(".pdf")).pages
    )

    printed = tmp_path / "printed.pdf"

    def to_file(_parent: QWidget, printer) -> bool:  # type: ignore[no-untyped-def]
        from PySide6.QtPrintSupport import QPrinter

        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(ui.audit.plan, "choose_printer", to_file)
    summary.print_button.click()
    text = " ".join("".join(page.extract_text() for page in PdfReader(printed).pages).split())
    action = store.audits.get(audit_id).actions[0]
    assert "Action plan: Test Ward" in text and "A07" in text
    assert action.description.split()[0] in text


def test_f1_shows_the_keys_for_the_screen_she_is_on(qtbot, demo_store: Store, open_window) -> None:
    window = open_window(demo_store)
    window.resume_banner_audit()
    QTest.keyClick(window, Qt.Key.Key_F1)
    assert window.last_help.topic == "audit"
    assert "Y, P, N, A" in window.last_help.text.text()
    window.last_help.close()
