"""Audits: answered item by item (each answer durable, raising its action), signed off, amended."""

from __future__ import annotations

import pytest

from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.errors import (
    AuditIncomplete,
    AuditLocked,
    InvalidInput,
    NotFound,
)
from wardaudit.model import TeamMember
from wardaudit.store import Store


def answer_all(
    store: Store, audit_id: str, checklist: Checklist, sex: str, value: str = "yes"
) -> None:
    for item in checklist.applicable_items(sex):
        store.audits.record_answer(
            audit_id, item.id, value if not (item.critical and value == "partial") else "yes"
        )


def test_no_answer_raises_an_action_with_the_items_defaults(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    item = next(i for i in checklist.applicable_items("mixed") if not i.critical)
    store.audits.record_answer(audit_id, item.id, "no", note="Door wedged", location="Zone door")
    record = store.audits.get(audit_id)
    [action] = record.actions
    rating = store.risk_matrix.rate(item.risk.likelihood, item.risk.consequence)
    assert (action.item, action.owner, action.description) == (item.id, item.owner, item.action)
    assert action.risk == rating
    assert action.due == store.risk_matrix.due_date(rating, clock.today())
    assert (
        action.status == "open" and action.location == "Zone door" and action.found == "Door wedged"
    )
    # partly keeps the action; yes before sign-off withdraws it, and the history says so
    store.audits.record_answer(audit_id, item.id, "partial")
    assert len(store.audits.get(audit_id).actions) == 1
    store.audits.record_answer(audit_id, item.id, "yes")
    assert store.audits.get(audit_id).actions == ()
    kinds = [e.kind for e in store.history.list(audit=audit_id)]
    assert kinds == [
        "audit_started",
        "action_raised",
        "answer_changed",
        "answer_changed",
        "action_withdrawn",
    ]
    changes = [e.detail for e in store.history.list(audit=audit_id) if e.kind == "answer_changed"]
    assert [(c["previous"], c["value"]) for c in changes] == [("no", "partial"), ("partial", "yes")]


def test_answers_are_checked(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    critical = next(i for i in checklist.items() if i.critical)
    with pytest.raises(InvalidInput, match="no Partly"):
        store.audits.record_answer(audit_id, critical.id, "partial")
    with pytest.raises(NotFound):
        store.audits.record_answer(audit_id, "Z99", "yes")
    with pytest.raises(InvalidInput):
        store.audits.record_answer(audit_id, checklist.applicable_items("mixed")[0].id, "maybe")
    male = store.wards.add(site="Ashcombe", name="Birch Ward", sex="male")
    male_audit = store.audits.start(male.name, checklist)
    mixed_only = next(i for i in checklist.items() if i.applies_to == ("mixed",))
    with pytest.raises(InvalidInput, match="does not apply"):
        store.audits.record_answer(male_audit.id, mixed_only.id, "yes")
    assert store.audits.get(audit_id).answers == {}


def test_one_audit_in_progress_per_ward(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    with pytest.raises(InvalidInput, match="already has an audit in progress"):
        store.audits.start("Juniper Ward", checklist)


def test_sign_off_refused_while_items_unanswered_and_then_locked(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    items = checklist.applicable_items("mixed")
    for item in items[:-2]:
        store.audits.record_answer(audit_id, item.id, "yes")
    with pytest.raises(AuditIncomplete) as refused:
        store.audits.complete(audit_id, by="A matron", role="Matron")
    assert refused.value.unanswered == [items[-2].id, items[-1].id]
    assert items[-1].id in str(refused.value)
    store.audits.record_answer(audit_id, items[-2].id, "no" if not items[-2].critical else "yes")
    store.audits.record_answer(audit_id, items[-1].id, "yes")
    record = store.audits.complete(
        audit_id,
        by="A matron",
        role="Matron",
        team=[TeamMember("A peer assessor", "Peer assessor", True)],
    )
    assert record.audit.status == "completed" and record.audit.team[0].patient_or_peer
    with pytest.raises(AuditLocked):
        store.audits.record_answer(audit_id, items[0].id, "no")
    with pytest.raises(AuditLocked):
        store.audits.complete(audit_id, by="A matron", role="Matron")
    assert store.audits.get(audit_id).answers[items[0].id].value == "yes"


def test_amendments_need_a_reason_and_join_the_history(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    answer_all(store, audit_id, checklist, "mixed")
    store.audits.complete(audit_id, by="A matron", role="Matron")
    item = next(i for i in checklist.applicable_items("mixed") if not i.critical)
    with pytest.raises(InvalidInput, match="reason"):
        store.audits.amend_answer(audit_id, item.id, "no", reason=" ", by="A matron")
    store.audits.amend_answer(
        audit_id, item.id, "no", reason="Found the lock broken after sign-off", by="A matron"
    )
    record = store.audits.get(audit_id)
    assert record.answers[item.id].value == "no"
    assert [a.item for a in record.actions] == [item.id]
    amendment = [e for e in store.history.list(audit=audit_id) if e.kind == "amendment"]
    assert amendment and amendment[0].detail["reason"] == "Found the lock broken after sign-off"
    assert amendment[0].detail["previous"] == "yes"


def test_saving_the_same_answer_again_adds_no_history_but_a_note_change_does(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    item = checklist.applicable_items("mixed")[0]
    store.audits.record_answer(audit_id, item.id, "yes")
    before = len(store.history.list(audit=audit_id))
    store.audits.record_answer(audit_id, item.id, "yes")
    assert len(store.history.list(audit=audit_id)) == before
    store.audits.record_answer(audit_id, item.id, "yes", note="Checked with the nurse in charge")
    last = store.history.list(audit=audit_id)[-1]
    assert (
        last.kind == "answer_details" and last.detail["note"] == "Checked with the nurse in charge"
    )
