"""Actions: raised with the item's defaults, due by band, moved on, edited, kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.errors import (
    InvalidInput,
)
from wardaudit.store import Store


def test_due_dates_follow_the_band(store: Store) -> None:
    matrix = store.risk_matrix
    today = clock.today()
    assert matrix.due_date(matrix.rate(4, 4), today) == today + timedelta(days=1)
    assert matrix.due_date(matrix.rate(3, 3), today) == today + timedelta(days=7)
    assert matrix.due_date(matrix.rate(2, 3), today) == today + timedelta(days=30)
    assert matrix.due_date(matrix.rate(1, 2), today) == today + timedelta(days=90)


def test_action_status_and_edits(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    item = next(i for i in checklist.applicable_items("mixed") if not i.critical)
    store.audits.record_answer(audit_id, item.id, "no")
    action = store.audits.get(audit_id).actions[0]
    edited = store.actions.edit(
        action.id, likelihood=5, consequence=5, owner="Estates", actor="A matron"
    )
    assert edited.risk.band == "extreme" and edited.owner == "Estates"
    assert edited.due == clock.parse_iso(action.created_at).date() + timedelta(days=1)
    with pytest.raises(InvalidInput, match="reason"):
        store.actions.set_status(action.id, "cannot_do")
    with pytest.raises(InvalidInput):
        store.actions.set_status(action.id, "finished")
    store.actions.set_status(action.id, "in_progress", actor="An estates officer")
    assert store.actions.get(action.id).status == "in_progress"
    kinds = [e.kind for e in store.history.list(action=action.id)]
    assert kinds == ["action_raised", "action_changed", "action_status"]


def test_an_action_withdrawn_and_raised_again_keeps_the_auditors_edits(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    """Undoing back to No must not lose what she had written into the action."""
    _, audit_id = ward_and_audit
    item = next(i for i in checklist.applicable_items("mixed") if not i.critical)
    store.audits.record_answer(audit_id, item.id, "no")
    action = store.audits.get(audit_id).actions[0]
    store.actions.edit(action.id, description="Replace the closer on the zone door", likelihood=5)
    store.audits.record_answer(audit_id, item.id, "yes")
    assert store.audits.get(audit_id).actions == ()
    store.audits.record_answer(audit_id, item.id, "no")
    [again] = store.audits.get(audit_id).actions
    assert again.description == "Replace the closer on the zone door"
    assert again.risk.likelihood == 5 and again.due == store.actions.get(again.id).due
    other = next(
        i for i in checklist.applicable_items("mixed") if not i.critical and i.id != item.id
    )
    store.audits.record_answer(audit_id, other.id, "partial")
    assert (
        next(a for a in store.audits.get(audit_id).actions if a.item == other.id).description
        == other.action
    )
