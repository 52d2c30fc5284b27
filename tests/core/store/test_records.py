"""Signed-off records: what travels, and a merge that writes all of its plan or none of it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from wardaudit import clock
from wardaudit.checklist import Checklist, from_canonical_json
from wardaudit.errors import InvalidInput, WardAuditError
from wardaudit.store import Store
from wardaudit.store.records import IncomingAudit, LocalRecords, MergeWork


def signed_off(store: Store, checklist: Checklist, ward: str, sex: str = "female") -> str:
    store.wards.add(site="Ashcombe", name=ward, sex=sex)
    audit = store.audits.start(ward, checklist, by="A matron")
    for n, item in enumerate(checklist.applicable_items(sex)):
        store.audits.record_answer(audit.id, item.id, "no" if n == 1 else "yes", note="n")
    store.audits.complete(audit.id, by="A matron", role="Matron")
    return audit.id


def everything(travelling_from: Store) -> MergeWork:
    """All of another database's records as a merge would add them to an empty one."""
    travelling = travelling_from.records.for_exchange()
    return MergeWork(
        new_wards=tuple(travelling.wards),
        ward_links={w["ward"]: w["ward"] for w in travelling.wards},
        checklists=tuple(from_canonical_json(c["content"]) for c in travelling.checklists),
        new_audits=tuple(
            IncomingAudit(json.loads(a["content"]), a["content"], a["digest"])
            for a in travelling.audits
        ),
        new_events=tuple(travelling.events),
        photos={p.photo: travelling_from.photos.data(p.photo) for p in travelling.photos},
    )


@pytest.fixture
def laptop(tmp_path: Path, checklist: Checklist) -> Store:
    opened = Store.open(tmp_path / "laptop.sqlite3")
    audit_id = signed_off(opened, checklist, "Rowan Ward")
    action = opened.audits.get(audit_id).actions[0]
    opened.actions.set_status(action.id, "in_progress", note="Booked", actor="Estates")
    yield opened
    opened.close(backup=False)


def test_a_merge_writes_what_its_plan_decides_and_reads_inside_the_same_transaction(
    store: Store, laptop: Store
) -> None:
    seen: list[object] = []
    work = everything(laptop)

    def plan(local: LocalRecords) -> MergeWork:
        seen.append(local.ward_named("rowan ward"))  # names compare without case, as here
        return work

    assert store.records.merge(plan) is work
    assert seen == [None]
    assert store.records.fingerprint() == laptop.records.fingerprint()
    [audit] = store.audits.list()
    assert store.actions.list()[0].status == "in_progress", "the later event was replayed"
    assert store.audits.get(audit.id).answers == laptop.audits.get(audit.id).answers

    def again(local: LocalRecords) -> MergeWork:
        ward = local.ward_named("ROWAN WARD")
        here = local.audit(audit.id)
        seen.append((ward and ward.name, here and here.digest is not None))
        return MergeWork()

    store.records.merge(again)
    assert seen[-1] == ("Rowan Ward", True)


def test_a_dry_run_and_a_refusing_plan_change_nothing(store: Store, laptop: Store) -> None:
    before = store.records.fingerprint()
    work = everything(laptop)
    assert store.records.merge(lambda local: work, dry_run=True) is work
    assert store.records.fingerprint() == before and store.wards.list() == []

    def refuse(local: LocalRecords) -> MergeWork:
        raise WardAuditError("this file is refused")

    with pytest.raises(WardAuditError, match="refused"):
        store.records.merge(refuse)
    assert store.records.fingerprint() == before


def test_a_merge_failing_half_way_leaves_nothing_behind(store: Store, laptop: Store) -> None:
    """The wards are written before the audit whose ward is missing: all of it is undone."""
    work = everything(laptop)
    broken = MergeWork(
        new_wards=work.new_wards,
        ward_links={},
        checklists=work.checklists,
        new_audits=tuple(
            IncomingAudit({**a.content, "ward": "no-such-ward"}, a.text, a.digest)
            for a in work.new_audits
        ),
        photos=work.photos,
    )
    before = store.records.fingerprint()
    with pytest.raises(KeyError):
        store.records.merge(lambda local: broken)
    assert store.wards.list() == [] and store.wards.sites() == []
    assert store.records.fingerprint() == before
    assert store.history.list() == []


def test_what_travels_since_a_date(laptop: Store, checklist: Checklist) -> None:
    everything_here = laptop.records.for_exchange()
    assert len(everything_here.audits) == 1 and len(everything_here.wards) == 1
    assert [e["kind"] for e in everything_here.events][-1] == "action_status"
    tomorrow = clock.today() + timedelta(days=1)
    assert laptop.records.for_exchange(since=tomorrow).audits == []
    assert len(laptop.records.for_exchange(since=clock.today()).audits) == 1


def test_only_a_signed_off_audit_is_replayed(store: Store, checklist: Checklist) -> None:
    store.wards.add(site="Ashcombe", name="Elm Ward", sex="female")
    audit = store.audits.start("Elm Ward", checklist)
    with pytest.raises(InvalidInput, match="signed-off"):
        store.records.replay(audit.id)
