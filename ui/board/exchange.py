"""Exchange files on the Board: what a file would bring in (a dry run), importing each file
in a transaction of its own, and the records in conflict, in words (no record ids).

The functions here run in the worker: they read the store, never a widget.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ui.board.words import join_words, plural
from ui.errors import sentence
from wardaudit import clock
from wardaudit.errors import BundleConflicts, BundleRefused, WardAuditError
from wardaudit.exchange import Conflict, ImportPlan, import_bundle
from wardaudit.store import Store

LAST_EXPORT_SETTING = "exchange_last_export"  # the day of the last exchange export, for "since"

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def new_words(plan: ImportPlan) -> str:
    """What a plan brings in: "3 new audits, 40 new history events and 2 photos"."""
    parts = []
    if plan.new_audits:
        parts.append(plural(plan.new_audits, "new audit"))
    if plan.new_events:
        parts.append(plural(plan.new_events, "new history event"))
    if plan.new_wards:
        parts.append(plural(plan.new_wards, "new ward"))
    if plan.new_photos:
        parts.append(plural(plan.new_photos, "photo"))
    return join_words(parts) if parts else "nothing new"


def new_count(plan: ImportPlan) -> int:
    return plan.new_audits + plan.new_events + plan.new_wards + plan.new_photos


_EVENT_WORDS = {
    "action_raised": "an action raised",
    "action_note": "a note on an action",
    "action_withdrawn": "an action withdrawn",
    "answer": "an answer",
    "amendment": "an amendment",
    "audit_completed": "a sign-off",
    "audit_imported": "an imported audit",
    "photo_added": "a photo added",
    "photo_removed": "a photo removed",
}


def conflict_words(store: Store, conflict: Conflict) -> str:
    """A conflict the core reports (with record ids) as a sentence a matron can follow.

    Runs in the worker: it may read the store to name the ward and date of an audit.
    """
    if conflict.kind == "audit":
        try:
            record = store.audits.get(conflict.record)
        except WardAuditError:
            return (
                "A signed-off audit in the file differs from the copy here; the copy here is kept."
            )
        audit = record.audit
        return (
            f"The audit of {audit.ward.name} ({audit.ward.site}) signed off on "
            f"{clock.uk_date(audit.completed_at)} differs from the copy here: the copy here is "
            "kept as it is."
        )
    if conflict.kind == "audit_without_ward":
        return (
            "An audit in the file belongs to a ward that conflicts (see above), so that audit "
            "is left out."
        )
    if conflict.kind == "ward":
        details = conflict.details
        return (
            f"Ward {details.get('name', '')} has the same record id as a ward here with other "
            f"details (here: {details.get('here', '')}; in the file: {details.get('file', '')}). "
            "The ward here is kept as it is and the file's audits of it are left out."
        )
    if conflict.kind == "event":
        event_kind = conflict.details.get("event_kind", "")
        kind = _EVENT_WORDS.get(event_kind, event_kind.replace("_", " "))
        return (
            f"A history entry ({kind}) differs from the one here with the same id: the one "
            "here is kept as it is."
        )
    if conflict.kind == "event_without_audit":
        return "A history entry belongs to an audit that is neither here nor in the file; it is left out."
    text = re.sub(rf"\s*\(?{_UUID}\)?", "", conflict.message).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


@dataclass(frozen=True)
class FilePreview:
    """What importing one exchange file would do, or why it is refused."""

    path: Path
    plan: ImportPlan | None
    conflicts: tuple[str, ...] = ()  # in words
    refused: str = ""

    @property
    def new(self) -> int:
        return new_count(self.plan) if self.plan else 0


@dataclass(frozen=True)
class FileResult:
    path: Path
    plan: ImportPlan | None
    problem: str = ""


def preview_exchange_files(store: Store, paths: Sequence[Path]) -> list[FilePreview]:
    """A dry run of each file (in the worker): nothing is changed."""
    previews = []
    for path in paths:
        try:
            plan = import_bundle(store, path, dry_run=True, skip_conflicts=True)
        except BundleRefused as error:
            previews.append(FilePreview(Path(path), None, refused=sentence(error)))
            continue
        conflicts = tuple(conflict_words(store, c) for c in plan.conflict_records)
        previews.append(FilePreview(Path(path), plan, conflicts))
    return previews


def import_exchange_files_now(
    store: Store, paths: Sequence[Path], *, skip_conflicts: bool
) -> list[FileResult]:
    """Import each file in one transaction of its own (in the worker)."""
    results = []
    for path in paths:
        try:
            plan = import_bundle(store, path, skip_conflicts=skip_conflicts)
        except BundleConflicts as error:
            results.append(
                FileResult(
                    Path(path),
                    None,
                    f"not imported: {plural(len(error.conflicts), 'record')} conflict with the "
                    "records here, which are kept as they are",
                )
            )
        except BundleRefused as error:
            results.append(FileResult(Path(path), None, f"refused: {error}"))
        else:
            results.append(FileResult(Path(path), plan))
    return results
