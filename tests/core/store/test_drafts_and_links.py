"""Drafts (typed before the answer) and findings linked to an action the ward has open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wardaudit.checklist import Checklist
from wardaudit.errors import AuditLocked, InvalidInput
from wardaudit.exchange.merge import import_bundle
from wardaudit.exchange.write import export_bundle
from wardaudit.store import Store


def _answer_all(store: Store, audit_id: str, checklist: Checklist, **special: str) -> None:
    for item in checklist.applicable_items("mixed"):
        if item.id not in store.audits.get(audit_id).answers:
            store.audits.record_answer(audit_id, item.id, special.get(item.id, "yes"))


@pytest.fixture
def audit_id(store: Store, checklist: Checklist) -> str:
    ward = store.wards.add(site="Test site", name="Test Ward", sex="mixed", areas=["Garden"])
    return store.audits.start(ward.id, checklist).id


def test_a_draft_is_kept_across_reopening_and_goes_into_the_answer(
    store: Store, audit_id: str
) -> None:
    store.audits.save_draft(audit_id, "A06", "note", "Yard door has no lock")
    store.audits.save_draft(audit_id, "A06", "location", "Garden")
    store.close(backup=False)
    with Store.open(store.target) as again:
        drafts = {(d.item, d.field): d.text for d in again.audits.drafts(audit_id)}
        assert drafts == {("A06", "note"): "Yard door has no lock", ("A06", "location"): "Garden"}
        again.audits.record_answer(
            audit_id, "A06", "no", note="Yard door has no lock", location="Garden"
        )
        assert again.audits.drafts(audit_id) == []  # the answer holds them now
        answer = again.audits.get(audit_id).answers["A06"]
        assert (answer.note, answer.location) == ("Yard door has no lock", "Garden")


def test_emptied_text_removes_the_draft_and_a_bad_field_is_refused(
    store: Store, audit_id: str
) -> None:
    store.audits.save_draft(audit_id, "A07", "action_owner", "Estates")
    store.audits.save_draft(audit_id, "A07", "action_owner", "  ")
    assert store.audits.drafts(audit_id) == []
    with pytest.raises(InvalidInput):
        store.audits.save_draft(audit_id, "A07", "comment", "x")  # type: ignore[arg-type]


def test_sign_off_discards_drafts_and_the_record_never_holds_them(
    store: Store, audit_id: str, checklist: Checklist
) -> None:
    _answer_all(store, audit_id, checklist)
    store.audits.save_draft(audit_id, "A07", "action_description", "DRAFT-WORDING")
    store.audits.complete(audit_id, by="A matron", role="Matron")
    assert store.audits.drafts(audit_id) == []
    travelling = store.records.for_exchange()
    assert "DRAFT-WORDING" not in json.dumps(travelling.audits)
    with pytest.raises(AuditLocked):
        store.audits.save_draft(audit_id, "A07", "note", "too late")


@pytest.fixture
def earlier_action(store: Store, audit_id: str, checklist: Checklist) -> str:
    """A07 answered No at the ward's first audit, signed off: its action is still open."""
    _answer_all(store, audit_id, checklist, A07="no")
    store.audits.complete(audit_id, by="A matron", role="Matron")
    return store.actions.list(audit=audit_id)[0].id


def test_a_linked_finding_raises_no_second_action_and_joins_the_earlier_history(
    store: Store, checklist: Checklist, earlier_action: str
) -> None:
    ward = store.wards.get("Test Ward")
    second = store.audits.start(ward.id, checklist).id
    store.audits.record_answer(second, "A07", "no", note="Still broken", link_to=earlier_action)
    record = store.audits.get(second)
    assert record.actions == ()
    assert [(link.item, link.action_id) for link in record.links] == [("A07", earlier_action)]
    _answer_all(store, second, checklist)
    store.audits.complete(second, by="A matron", role="Matron")

    assert store.actions.get(earlier_action).status == "open"
    linked = [e for e in store.history.list(action=earlier_action) if e.kind == "action_linked"]
    assert len(linked) == 1
    assert linked[0].detail["finding_audit"] == second
    assert linked[0].detail["note"] == "Still broken"
    assert len([a for a in store.actions.list() if a.item == "A07"]) == 1  # no duplicate


def test_a_link_is_taken_back_when_the_answer_changes_or_she_raises_her_own(
    store: Store, checklist: Checklist, earlier_action: str
) -> None:
    ward = store.wards.get("Test Ward")
    second = store.audits.start(ward.id, checklist).id
    store.audits.record_answer(second, "A07", "no", link_to=earlier_action)
    store.audits.record_answer(second, "A07", "yes")
    assert store.audits.get(second).links == ()
    store.audits.record_answer(second, "A07", "partial", link_to=earlier_action)
    store.audits.raise_own_action(second, "A07")
    record = store.audits.get(second)
    assert record.links == ()
    assert [a.item for a in record.actions] == ["A07"]
    store.audits.link_finding(second, "A07", earlier_action)  # and back: hers is withdrawn
    record = store.audits.get(second)
    assert record.actions == () and len(record.links) == 1


def test_a_link_to_another_item_or_a_closed_action_is_refused(
    store: Store, checklist: Checklist, earlier_action: str
) -> None:
    ward = store.wards.get("Test Ward")
    second = store.audits.start(ward.id, checklist).id
    store.audits.record_answer(second, "A03", "no")
    with pytest.raises(InvalidInput):
        store.audits.link_finding(second, "A03", earlier_action)
    store.actions.set_status(earlier_action, "done")
    store.audits.record_answer(second, "A07", "no")
    with pytest.raises(InvalidInput):
        store.audits.link_finding(second, "A07", earlier_action)
    assert {a.item for a in store.audits.get(second).actions} == {"A07", "A03"}


def test_the_link_travels_in_an_exchange_file(
    store: Store, checklist: Checklist, earlier_action: str, tmp_path: Path
) -> None:
    ward = store.wards.get("Test Ward")
    second = store.audits.start(ward.id, checklist).id
    store.audits.record_answer(second, "A07", "no", link_to=earlier_action)
    _answer_all(store, second, checklist)
    store.audits.complete(second, by="A matron", role="Matron")
    bundle = tmp_path / "ward.wardaudit"
    export_bundle(store, bundle)
    with Store.open(tmp_path / "board.sqlite3") as board:
        plan = import_bundle(board, bundle)
        assert plan.conflicts == []
        kinds = [e.kind for e in board.history.list(action=earlier_action)]
        assert "action_linked" in kinds
        assert board.actions.get(earlier_action).status == "open"
        again = import_bundle(board, bundle)  # the same file again merges cleanly
        assert again.conflicts == [] and again.new_events == 0
