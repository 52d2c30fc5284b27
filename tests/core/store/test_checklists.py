"""An audit stays pinned to the checklist version it was answered under."""

from __future__ import annotations

from wardaudit.checklist import Checklist, from_canonical_json
from wardaudit.store import Store


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
