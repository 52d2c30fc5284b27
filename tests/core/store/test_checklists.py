"""An audit stays pinned to the checklist version it was answered under; a version, once held,
means one content; a checklist is answered only on the wards it is written for."""

from __future__ import annotations

import json

import pytest

from wardaudit.checklist import DESIGNATIONS, Checklist, from_canonical_json
from wardaudit.errors import ChecklistVersionClash, InvalidInput
from wardaudit.store import Store


def test_audit_keeps_its_checklist_after_the_file_changes(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    data = json.loads(checklist.canonical_json)
    data["version"] = checklist.version + 1
    data["sections"][0]["items"][0]["question"] = "A reworded question?"
    newer = from_canonical_json(json.dumps(data))
    store.checklists.register(newer)
    record = store.audits.get(audit_id)
    assert record.checklist.version == checklist.version
    assert record.checklist.content_hash == checklist.content_hash
    assert record.checklist.sections[0].items[0].question == checklist.sections[0].items[0].question


def _changed(checklist: Checklist, **top: object) -> Checklist:
    """The checklist's content with one question reworded (and any top-level keys replaced)."""
    data = json.loads(checklist.canonical_json)
    data["sections"][0]["items"][0]["question"] = "A reworded question?"
    data.update(top)
    return from_canonical_json(json.dumps(data), "trust-folder/reworded.toml")


def test_different_content_under_a_version_already_held_is_refused(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    reworded = _changed(checklist)
    assert reworded.version == checklist.version
    assert reworded.content_hash != checklist.content_hash
    with pytest.raises(ChecklistVersionClash) as refused:
        store.checklists.register(reworded)
    message = str(refused.value)
    assert f"'{checklist.id}' version {checklist.version}" in message
    assert "trust-folder/reworded.toml" in message
    assert "increase its 'version'" in message
    # nothing was registered: an audit cannot start on it either, and nothing else changed
    store.wards.add(site="Ashcombe", name="Rowan Ward", sex="female")
    before = store.audits.list()
    with pytest.raises(ChecklistVersionClash):
        store.audits.start("Rowan Ward", reworded)
    assert store.audits.list() == before
    assert store.audits.get(audit_id).checklist.content_hash == checklist.content_hash
    # the same content again is no clash, and a new version of the changed content is taken
    store.checklists.register(checklist)
    newer = _changed(checklist, version=checklist.version + 1)
    store.checklists.register(newer)
    started = store.audits.start("Rowan Ward", newer)
    assert store.audits.get(started.id).checklist.content_hash == newer.content_hash


def _without_mixed(checklist: Checklist) -> Checklist:
    """A trust's copy for single-sex wards only: ``designations`` leaves mixed wards out."""
    data = json.loads(checklist.canonical_json)
    data["id"] = "single-sex-wards"
    data["designations"] = ["male", "female"]
    for section in data["sections"]:
        kept = []
        for item in section["items"]:
            applies = [d for d in item.get("applies_to", DESIGNATIONS) if d != "mixed"]
            if applies:
                item["applies_to"] = applies
                kept.append(item)
        section["items"] = kept
    data["sections"] = [s for s in data["sections"] if s["items"]]
    kept_ids = {item["id"] for section in data["sections"] for item in section["items"]}
    for setting in data.get("settings", {}).values():
        if "affects" in setting:
            setting["affects"] = [i for i in setting["affects"] if i in kept_ids]
            if not setting["affects"]:
                del setting["affects"]
    return from_canonical_json(json.dumps(data), "single-sex.toml", strict=True)


def test_an_audit_of_a_designation_the_checklist_leaves_out_is_refused(
    store: Store, checklist: Checklist
) -> None:
    single_sex = _without_mixed(checklist)
    store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
    store.wards.add(site="Ashcombe", name="Rowan Ward", sex="female")
    with pytest.raises(InvalidInput) as refused:
        store.audits.start("Juniper Ward", single_sex)
    message = str(refused.value)
    assert "is written for male and female wards only" in message
    assert "Juniper Ward is a mixed ward" in message
    assert "Choose a checklist written for mixed wards" in message
    with pytest.raises(InvalidInput, match="written for male and female wards only"):
        store.audits.import_completed(
            "Juniper Ward",
            single_sex,
            answers={},
            started_at="2026-11-02T09:00:00+00:00",
            completed_at="2026-11-02T10:00:00+00:00",
            by="A matron",
            role="Matron",
        )
    assert store.audits.list() == []
    assert store.audits.start("Rowan Ward", single_sex).checklist_id == "single-sex-wards"
