"""Actions: raised with the item's defaults, due by band, moved on, edited, kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wardaudit import clock
from wardaudit.actions import STILL_TO_DO, is_still_to_do
from wardaudit.checklist import Checklist
from wardaudit.errors import (
    ChangedMeanwhile,
    InvalidInput,
)
from wardaudit.model import ACTION_STATUSES
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


def test_the_stores_counts_mean_what_overdue_means_for_every_status(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    """The SQL counts and Action.is_overdue share one list of statuses still to do: an action
    in each status, counted before and after its due date, agrees with the model's rule."""
    ward_id, audit_id = ward_and_audit
    items = [i for i in checklist.applicable_items("mixed") if not i.critical][:5]
    for item in items:
        store.audits.record_answer(audit_id, item.id, "no")
    actions = store.audits.get(audit_id).actions
    for action, status in zip(actions, ACTION_STATUSES, strict=True):
        if status != "open":
            store.actions.set_status(action.id, status, note="Seen on the walk-round")
    stored = store.actions.list(audit=audit_id)
    assert {a.status for a in stored} == set(ACTION_STATUSES)
    assert (
        {a.status for a in stored if is_still_to_do(a)}
        == set(STILL_TO_DO)
        == {
            "open",
            "in_progress",
        }
    )
    latest_due = max(a.due for a in stored)
    for today in (min(a.due for a in stored), latest_due + timedelta(days=1)):
        expected = (
            sum(1 for a in stored if a.status in STILL_TO_DO),
            sum(1 for a in stored if a.is_overdue(today)),
        )
        assert store.actions.open_counts(today, signed_off_only=False)[ward_id] == expected
    assert store.actions.open_counts(latest_due + timedelta(days=1), signed_off_only=False)[
        ward_id
    ] == (2, 2)


def test_a_change_made_from_an_older_version_is_refused_and_says_who_and_when(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    """Two people had the same action open: the second to save is told, and loses nothing."""
    _, audit_id = ward_and_audit
    item = next(i for i in checklist.applicable_items("mixed") if not i.critical)
    store.audits.record_answer(audit_id, item.id, "no")
    shown = store.audits.get(audit_id).actions[0]
    moved = store.actions.set_status(
        shown.id, "in_progress", actor="An estates officer", seen=shown.version
    )
    assert moved.version == shown.version + 1
    with pytest.raises(ChangedMeanwhile) as refused:
        store.actions.set_status(shown.id, "done", actor="A quality lead", seen=shown.version)
    assert refused.value.by == "An estates officer"
    assert refused.value.at == store.history.list(action=shown.id)[-1].at
    assert "it is now In progress" in str(refused.value)
    with pytest.raises(ChangedMeanwhile):
        store.actions.edit(shown.id, owner="Estates", seen=shown.version)
    now = store.actions.get(shown.id)
    assert (now.status, now.owner, now.version) == ("in_progress", shown.owner, moved.version)
    assert [e.kind for e in store.history.list(action=shown.id)].count("action_status") == 1
    assert store.actions.set_status(shown.id, "done", seen=now.version).status == "done"
