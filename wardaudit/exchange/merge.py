"""Merging an exchange file: the union of records and events, conflicts never overwritten.

Records never change once signed off; later changes are events with their own ids. So
merging is a union: a record or event already present is skipped, and the same id with
different content is a conflict, reported and never overwritten. This module holds those
rules; the store writes what they decide, in one transaction per file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wardaudit import clock
from wardaudit.checklist import Checklist, from_canonical_json
from wardaudit.errors import BundleConflicts, BundleRefused
from wardaudit.exchange.read import Bundle, read_bundle
from wardaudit.store import Store
from wardaudit.store.records import (
    IncomingAudit,
    LocalRecords,
    LocalWard,
    MergeWork,
    event_detail_text,
)


@dataclass(frozen=True)
class Conflict:
    """A record in the file with the id of one here but other content; never overwritten.

    ``kind`` is one of "ward", "audit", "audit_without_ward", "event" and
    "event_without_audit"; ``record`` is the id in the file; ``message`` is the line the
    command line prints; ``details`` holds what a screen needs to say it in words.
    """

    kind: str
    record: str
    message: str
    details: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass
class ImportPlan:
    """What importing a bundle would do: shown before anything changes."""

    file: str
    new_wards: int = 0
    new_audits: int = 0
    new_events: int = 0
    new_photos: int = 0
    present: int = 0
    conflict_records: list[Conflict] = field(default_factory=list)

    @property
    def conflicts(self) -> list[str]:
        return [c.message for c in self.conflict_records]

    def conflict(self, kind: str, record: str, message: str, **details: str) -> None:
        self.conflict_records.append(Conflict(kind, record, message, details))

    def describe(self) -> str:
        return (
            f"{self.file}: {self.new_audits} new audit(s), {self.new_events} new history "
            f"event(s), {self.new_wards} new ward(s), {self.new_photos} photo(s); "
            f"{self.present} already here; {len(self.conflicts)} conflict(s)"
        )


def import_bundle(
    store: Store, path: Path | str, *, dry_run: bool = False, skip_conflicts: bool = False
) -> ImportPlan:
    """Import one bundle in one transaction; refused whole when damaged or conflicting.

    With ``skip_conflicts`` the rest is imported and conflicting records stay as they were.
    ``dry_run`` works out the same plan and changes nothing.
    """
    bundle = read_bundle(path)
    plans: list[ImportPlan] = []

    def decide(local: LocalRecords) -> MergeWork:
        plan, work = plan_merge(bundle, local)
        plans.append(plan)
        if plan.conflicts and not skip_conflicts:
            raise BundleConflicts(
                f"{bundle.path.name} was not imported: {len(plan.conflicts)} record(s) have "
                "the same id as records here but different content (altered data):\n  "
                + "\n  ".join(plan.conflicts)
                + "\nNothing was changed. Use --skip-conflicts to import the rest.",
                plan.conflicts,
            )
        return work

    store.records.merge(decide, dry_run=dry_run)
    return plans[-1]


class _Here:
    """What is here, as the merge goes: the records here and what the file adds before."""

    def __init__(self, local: LocalRecords) -> None:
        self.local = local
        self.wards: dict[str, LocalWard] = {}  # added by this file, by id
        self.names: dict[str, LocalWard] = {}  # ... and by name as the database compares names
        self.audits: dict[str, str] = {}  # added by this file: id → digest
        self.events: dict[str, tuple[Any, ...]] = {}

    def ward(self, ward_id: str) -> LocalWard | None:
        return self.wards.get(ward_id) or self.local.ward(ward_id)

    def ward_named(self, name: str) -> LocalWard | None:
        return self.names.get(_nocase(name)) or self.local.ward_named(name)

    def add_ward(self, ward: LocalWard) -> None:
        self.wards[ward.id] = ward
        self.names.setdefault(_nocase(ward.name), ward)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _nocase(text: str) -> str:
    """Ward names compare as the database compares them (SQLite's NOCASE: ASCII only)."""
    return text.translate(_ASCII_LOWER)


def plan_merge(bundle: Bundle, local: LocalRecords) -> tuple[ImportPlan, MergeWork]:  # noqa: C901 - each rule of the merge is applied in turn
    """Decide what of ``bundle`` is new here, what is here already and what conflicts.

    Raises BundleRefused for a file that cannot be merged at all (an altered checklist, an
    audit without its checklist or photos).
    """
    records = bundle.records
    name = bundle.path.name
    plan = ImportPlan(name)
    here = _Here(local)

    new_wards: list[dict[str, Any]] = []
    ward_links: dict[str, str] = {}
    skipped_wards: set[str] = set()
    for ward in records["wards"]:
        found = here.ward(ward["ward"]) or here.ward_named(ward["name"])
        if found is None:
            new_wards.append(ward)
            here.add_ward(LocalWard(ward["ward"], ward["name"], ward["site"], ward["sex"]))
            ward_links[ward["ward"]] = ward["ward"]
            plan.new_wards += 1
            continue
        if (found.name.casefold(), found.site.casefold(), found.sex) != (
            ward["name"].casefold(),
            ward["site"].casefold(),
            ward["sex"],
        ):
            here_words = f"{found.name}, {found.site}, {found.sex}"
            there = f"{ward['name']}, {ward['site']}, {ward['sex']}"
            plan.conflict(
                "ward",
                ward["ward"],
                f"ward {ward['name']} ({ward['ward']}): here it is {here_words}; in the file {there}",
                name=ward["name"],
                here=here_words,
                file=there,
            )
            skipped_wards.add(ward["ward"])
            continue
        ward_links[ward["ward"]] = found.id
        plan.present += 1

    checklists: dict[str, Checklist] = {}
    for checklist in records["checklists"]:
        pinned = from_canonical_json(checklist["content"], f"{checklist['id']} (exchange file)")
        if pinned.content_hash != checklist["content_hash"]:
            raise BundleRefused(f"{name} has an altered checklist ({checklist['id']})")
        checklists[pinned.content_hash] = pinned

    new_audits: list[IncomingAudit] = []
    audits_here: list[str] = []
    skipped_audits: set[str] = set()
    for entry in records["audits"]:
        content = json.loads(entry["content"])
        audit_uuid = content["audit"]
        known = here.audits.get(audit_uuid)
        found_digest: str | None
        if known is not None:
            found_digest = known
        else:
            found_audit = local.audit(audit_uuid)
            found_digest = None if found_audit is None else (found_audit.digest or "")
        if found_digest is not None:
            if found_digest != entry["digest"]:
                plan.conflict(
                    "audit",
                    audit_uuid,
                    f"audit {audit_uuid}: the signed-off record differs from the one here",
                )
                skipped_audits.add(audit_uuid)
            else:
                if audit_uuid not in here.audits:
                    audits_here.append(audit_uuid)
                plan.present += 1
            continue
        if content["ward"] in skipped_wards or content["ward"] not in ward_links:
            skipped_audits.add(audit_uuid)
            if content["ward"] not in skipped_wards:
                plan.conflict(
                    "audit_without_ward",
                    audit_uuid,
                    f"audit {audit_uuid}: its ward is not in the file",
                )
            continue
        if content["checklist"] not in checklists:
            raise BundleRefused(f"{name} lacks the checklist an audit used")
        missing_photos = [p["photo"] for p in content["photos"] if p["photo"] not in bundle.photos]
        if missing_photos:
            raise BundleRefused(f"{name} is missing photos of audit {audit_uuid}")
        for photo in content["photos"]:
            if hashlib.sha256(bundle.photos[photo["photo"]]).hexdigest() != photo["sha256"]:
                raise BundleRefused("a photo in the exchange file does not match its audit record")
        new_audits.append(IncomingAudit(content, entry["content"], entry["digest"]))
        here.audits[audit_uuid] = entry["digest"]
        plan.new_audits += 1
        plan.new_photos += len(content["photos"])

    known_audits = set(audits_here) | set(here.audits)
    new_events: list[dict[str, Any]] = []
    events = sorted(records["events"], key=lambda e: (clock.parse_iso(e["at"]), e["event"]))
    for event in events:
        if event["audit"] in skipped_audits:
            continue
        incoming = (
            event["at"],
            event["kind"],
            event["actor"],
            event["audit"],
            event_detail_text(event["detail"]),
            int(bool(event["after_signoff"])),
        )
        found_event = here.events.get(event["event"]) or local.event(event["event"])
        if found_event is not None:
            if found_event != incoming:
                plan.conflict(
                    "event",
                    event["event"],
                    f"history event {event['event']} ({event['kind']}) differs",
                    event_kind=event["kind"],
                )
            else:
                plan.present += 1
            continue
        if event["audit"] not in known_audits:
            plan.conflict(
                "event_without_audit",
                event["event"],
                f"history event {event['event']}: its audit {event['audit']} is neither here nor "
                "in the file",
            )
            continue
        new_events.append(event)
        here.events[event["event"]] = incoming
        plan.new_events += 1

    work = MergeWork(
        new_wards=tuple(new_wards),
        ward_links=ward_links,
        checklists=tuple(checklists.values()),
        new_audits=tuple(new_audits),
        audits_here=tuple(audits_here),
        new_events=tuple(new_events),
        photos=bundle.photos,
    )
    return plan, work
