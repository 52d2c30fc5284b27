"""The store: one transaction per action, pinned checklists, actions, locking and history."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from wardaudit import clock
from wardaudit.checklist import Checklist, from_canonical_json
from wardaudit.errors import (
    AuditIncomplete,
    AuditLocked,
    DiskFull,
    InvalidInput,
    NotFound,
    StoreError,
)
from wardaudit.model import TeamMember
from wardaudit.store import Store


@pytest.fixture
def ward_and_audit(store: Store, checklist: Checklist) -> tuple[str, str]:
    ward = store.wards.add(
        site="Ashcombe",
        name="Juniper Ward",
        sex="mixed",
        service="Acute",
        beds=20,
        areas=["Zone door", "Women's lounge"],
    )
    audit = store.audits.start(ward.name, checklist, by="A matron")
    return ward.id, audit.id


def answer_all(
    store: Store, audit_id: str, checklist: Checklist, sex: str, value: str = "yes"
) -> None:
    for item in checklist.applicable_items(sex):
        store.audits.record_answer(
            audit_id, item.id, value if not (item.critical and value == "partial") else "yes"
        )


def test_wards_are_registered_with_unique_names(store: Store) -> None:
    ward = store.wards.add(
        site="Ashcombe", name="Rowan Ward", sex="female", beds=18, areas=["Garden", " ", "Garden"]
    )
    assert ward.designation == "Female" and ward.areas == ("Garden",)
    assert store.wards.get("Rowan Ward") == store.wards.get(ward.id) == ward
    with pytest.raises(InvalidInput, match="already a ward called"):
        store.wards.add(site="Elsewhere", name="rowan ward", sex="male")
    with pytest.raises(InvalidInput, match="male, female or mixed"):
        store.wards.add(site="Ashcombe", name="Odd", sex="both")
    with pytest.raises(InvalidInput, match="beds"):
        store.wards.add(site="Ashcombe", name="Odd", sex="male", beds=-1)
    with pytest.raises(NotFound):
        store.wards.get("Nowhere Ward")
    changed = store.wards.edit(
        ward.id, site="Millbrook", name="Rowan", sex="female", beds=16, areas=["Bay 1"]
    )
    assert (changed.site, changed.name, changed.beds, changed.areas) == (
        "Millbrook",
        "Rowan",
        16,
        ("Bay 1",),
    )
    assert [s.name for s in store.wards.sites()] == ["Ashcombe", "Millbrook"]


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


def test_due_dates_follow_the_band(store: Store) -> None:
    matrix = store.risk_matrix
    today = clock.today()
    assert matrix.due_date(matrix.rate(4, 4), today) == today + timedelta(days=1)
    assert matrix.due_date(matrix.rate(3, 3), today) == today + timedelta(days=7)
    assert matrix.due_date(matrix.rate(2, 3), today) == today + timedelta(days=30)
    assert matrix.due_date(matrix.rate(1, 2), today) == today + timedelta(days=90)


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


def test_history_is_append_only(store: Store, ward_and_audit: tuple[str, str]) -> None:
    conn = store._conn
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET kind = 'edited'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")


def test_audit_keeps_its_checklist_after_the_file_changes(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    import json

    data = json.loads(checklist.canonical_json)
    data["version"] = checklist.version + 1
    data["sections"][0]["items"][0]["question"] = "A reworded question?"
    newer = from_canonical_json(json.dumps(data))
    store.checklists.register(newer)
    record = store.audits.get(audit_id)
    assert record.checklist.version == checklist.version
    assert record.checklist.content_hash == checklist.content_hash
    assert record.checklist.sections[0].items[0].question == checklist.sections[0].items[0].question


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


def test_disk_full_is_reported_and_loses_nothing_saved(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    items = checklist.applicable_items("mixed")
    store.audits.record_answer(audit_id, items[0].id, "yes")
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull, match="NOT saved"):
        for n in range(400):
            store.audits.record_answer(audit_id, items[1 + n % 50].id, "yes", note="x" * 3000)
    store._conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.audits.get(audit_id).answers[items[0].id].value == "yes"
    assert store._conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_missing_folder_is_an_error_not_a_new_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "typo" / "wardaudit.sqlite3")
    assert not (tmp_path / "typo").exists()


def test_readonly_open_beside_a_writer(
    db_path: Path, store: Store, ward_and_audit: tuple[str, str]
) -> None:
    reader = Store.open(db_path, readonly=True)
    try:
        assert [w.name for w in reader.wards.list()] == ["Juniper Ward"]
        with pytest.raises(StoreError, match="read-only"):
            reader.wards.add(site="S", name="X", sex="male")
    finally:
        reader.close()


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
