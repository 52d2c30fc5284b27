"""What the trust-database tests share: laptops' files with signed-off audits, and the
work a second process does (started with ``spawn``: a connection never crosses a fork)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from wardaudit.checklist import Checklist, load_library
from wardaudit.errors import ChangedMeanwhile
from wardaudit.exchange import import_bundle
from wardaudit.store import Store

CHECKLIST_ID = "sexual-safety-environment"


def audit_ward(store: Store, checklist: Checklist, ward: str, *, failing: int = 2) -> str:
    """A ward with one signed-off audit that raised ``failing`` actions."""
    if not any(w.name == ward for w in store.wards.list()):
        store.wards.add(site="Ashcombe", name=ward, sex="mixed", areas=["Garden"])
    audit = store.audits.start(ward, checklist, by="A matron")
    items = checklist.applicable_items("mixed")
    failing_ids = set(sorted(i.id for i in items if not i.critical)[:failing])
    for item in items:
        value = "no" if item.id in failing_ids else "yes"
        store.audits.record_answer(audit.id, item.id, value, note="seen" if value == "no" else None)
    store.audits.complete(audit.id, by="A matron", role="Matron")
    return audit.id


def counts(store: Store) -> dict[str, int]:
    """How many rows each part of the record holds."""
    return {
        table: int(store._db.query(f"SELECT count(*) FROM {table}")[0][0])
        for table in ("wards", "audits", "answer_notes", "actions", "events", "audit_records")
    }


# --- run in another process ------------------------------------------------------------------


def change_action(
    target: str, action_id: str, actor: str, status: str, barrier: Any
) -> tuple[str, str, str]:
    """A person with the action open: both read it, then both save at the same moment."""
    with Store.open(target) as store:
        seen = store.actions.get(action_id).version
        barrier.wait(30)
        try:
            store.actions.set_status(action_id, status, actor=actor, seen=seen)  # type: ignore[arg-type]
        except ChangedMeanwhile as refused:
            return ("refused", refused.by, str(refused))
        return ("saved", actor, "")


def import_file(target: str, bundle: str, barrier: Any) -> str:
    """Import an exchange file as soon as every importer is ready."""
    with Store.open(target) as store:
        barrier.wait(30)
        plan = import_bundle(store, bundle)
        return f"{plan.new_audits} {plan.new_events}"


def import_and_hang(target: str, bundle: str, ready: str) -> None:
    """Import, and once every row is written (not yet committed) say so and wait to be killed."""
    from wardaudit.store import records

    original = records.Records._apply

    def apply_then_wait(self: Any, conn: Any, work: Any, batch: Any) -> None:
        original(self, conn, work, batch)
        Path(ready).write_text(str(os.getpid()))
        time.sleep(120)

    records.Records._apply = apply_then_wait  # type: ignore[method-assign]
    with Store.open(target) as store:
        import_bundle(store, bundle)


def import_now(target: str, bundle: str) -> None:
    with Store.open(target) as store:
        import_bundle(store, bundle)


def checklist() -> Checklist:
    return load_library([]).latest(CHECKLIST_ID)


def import_files(target: str, bundles: list[str], barrier: Any) -> int:
    """Import exchange files one after another, starting when every importer is ready."""
    with Store.open(target) as store:
        barrier.wait(60)
        return sum(import_bundle(store, bundle).new_events for bundle in bundles)


def export_while(target: str, folder: str, destination: str, stop: str, barrier: Any) -> list[str]:
    """Incremental exports to one destination, one after another, until ``stop`` exists;
    then one more, once every import has finished. Returns the files written, in turn."""
    from wardaudit.exchange import export_bundle

    written: list[str] = []
    with Store.open(target) as store:
        barrier.wait(60)
        while True:
            finished = Path(stop).exists()  # looked at before the export reads
            path = Path(folder, f"{destination}-{len(written):04d}.wardaudit")
            export_bundle(store, path, destination=destination)
            written.append(str(path))
            if finished:
                return written
