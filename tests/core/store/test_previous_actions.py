"""Actions left open at a ward's earlier audits, shown to the auditor at the next one."""

from __future__ import annotations

import pytest

from wardaudit.checklist import Checklist
from wardaudit.errors import NotFound
from wardaudit.store import Store


def signed_off_audit(store: Store, checklist: Checklist, ward: str, noes: list[str]) -> str:
    """A whole audit of ``ward``: the items in ``noes`` answered No, the rest Yes."""
    audit_id = store.audits.start(ward, checklist, by="A matron").id
    sex = store.wards.get(ward).sex
    for item in checklist.applicable_items(sex):
        store.audits.record_answer(audit_id, item.id, "no" if item.id in noes else "yes")
    store.audits.complete(audit_id, by="A matron", role="Matron")
    return audit_id


@pytest.fixture
def wards(store: Store) -> tuple[str, str]:
    first = store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
    other = store.wards.add(site="Ashcombe", name="Rowan Ward", sex="mixed")
    return first.name, other.name


def test_a_new_audit_is_shown_what_the_last_one_left_open(
    store: Store, checklist: Checklist, wards: tuple[str, str]
) -> None:
    juniper, rowan = wards
    first = signed_off_audit(store, checklist, juniper, ["A03", "A07", "B05"])
    signed_off_audit(store, checklist, rowan, ["A04"])  # another ward's: never shown
    by_item = {a.item: a for a in store.actions.list(audit=first)}
    store.actions.set_status(by_item["A03"].id, "done", note="Fixed", actor="Estates officer")
    store.actions.set_status(by_item["A07"].id, "in_progress", actor="Estates officer")

    second = store.audits.start(juniper, checklist).id
    previous = store.actions.previous_open(second)
    assert [a.item for a in previous] == ["A07", "B05"]  # done ones are not asked about
    assert {a.audit_id for a in previous} == {first}
    assert {a.status for a in previous} == {"open", "in_progress"}
    assert all(a.ward_name == juniper for a in previous)

    # Answering No at this audit raises its own action, which is not a previous one.
    store.audits.record_answer(second, "C01", "no")
    assert [a.item for a in store.actions.previous_open(second)] == ["A07", "B05"]

    # Verified at the walk-round: no longer shown.
    store.actions.set_status(by_item["B05"].id, "verified", note="Checked at the audit")
    assert [a.item for a in store.actions.previous_open(second)] == ["A07"]


def test_newest_audit_first_and_only_audits_signed_off_before(
    store: Store, checklist: Checklist, wards: tuple[str, str]
) -> None:
    juniper, _ = wards
    first = signed_off_audit(store, checklist, juniper, ["A07"])
    second = signed_off_audit(store, checklist, juniper, ["B05"])
    third = store.audits.start(juniper, checklist).id

    assert [(a.audit_id, a.item) for a in store.actions.previous_open(third)] == [
        (second, "B05"),
        (first, "A07"),
    ]
    # A signed-off audit is followed only by the audits signed off before it.
    assert [a.item for a in store.actions.previous_open(second)] == ["A07"]
    assert store.actions.previous_open(first) == []


def test_a_first_audit_has_nothing_before_it(
    store: Store, checklist: Checklist, wards: tuple[str, str]
) -> None:
    juniper, _ = wards
    audit_id = store.audits.start(juniper, checklist).id
    assert store.actions.previous_open(audit_id) == []
    with pytest.raises(NotFound):
        store.actions.previous_open("no-such-audit")
