"""The audit screen says when the section floor holds a rating at Amber, and which section;
the summary says so too, with the version, settings and rules the audit is judged under."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from ui.audit import AuditScreen
from wardaudit.checklist import Checklist
from wardaudit.store import Store
from wardaudit.words import floor_hold_words, judged_under_words


def answer(store: Store, audit_id: str, checklist: Checklist, failing: int) -> None:
    """Every item Yes but the first ``failing`` non-critical sightline items, answered No."""
    sightlines = [
        i.id for i in checklist.section("sightlines").items if i.applies("mixed") and not i.critical
    ]
    for item in checklist.applicable_items("mixed"):
        value = "no" if item.id in sightlines[:failing] else "yes"
        store.audits.record_answer(audit_id, item.id, value)  # type: ignore[arg-type]


def test_a_rating_held_at_amber_says_which_section_holds_it(
    screen: AuditScreen, store: Store, checklist: Checklist, start_audit: Callable[..., str]
) -> None:
    audit_id = start_audit()
    answer(store, audit_id, checklist, failing=4)
    record = store.audits.get(audit_id)
    assert record.score.held_by_floor and record.score.rating == "amber"
    held = floor_hold_words(record.score, record.checklist.thresholds)
    assert held.startswith(f"Amber: the {checklist.section('sightlines').title} section scored ")

    screen.open_audit(audit_id)
    QApplication.processEvents()
    header = screen.header
    assert header.floor_label.isVisible() and header.floor_label.text() == held
    assert header.rating_chip.text() == "Amber"

    screen.show_summary()
    QApplication.processEvents()
    summary = screen.summary
    assert summary.held_label is not None and summary.held_label.isVisibleTo(summary)
    assert summary.held_label.text() == held
    assert summary.judged_label is not None
    assert summary.judged_label.text() == judged_under_words(checklist.judged_under)
    assert "no section below 75% for Green" in summary.judged_label.text()


def test_no_floor_note_when_nothing_is_held(
    screen: AuditScreen, store: Store, checklist: Checklist, start_audit: Callable[..., str]
) -> None:
    audit_id = start_audit()
    answer(store, audit_id, checklist, failing=2)  # the section stays above the floor
    assert store.audits.get(audit_id).score.rating == "green"
    screen.open_audit(audit_id)
    QApplication.processEvents()
    assert not screen.header.floor_label.isVisible()
    screen.show_summary()
    QApplication.processEvents()
    assert screen.summary.held_label is None
    assert screen.summary.judged_label is not None
    assert screen.summary.judged_label.text().startswith("Judged under: ")
