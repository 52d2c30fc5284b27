"""Merging an exchange file: the union of records and events, conflicts never overwritten.

Records never change once signed off; later changes are events with their own ids. So
merging is a union: a record or event already present is skipped, and the same id with
different content is a conflict, reported and never overwritten. This module holds those
rules; the store writes what they decide, in one transaction per file.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.errors import BundleConflicts
from wardaudit.exchange import incident_counts
from wardaudit.exchange.read import Bundle, read_bundle
from wardaudit.exchange.schema import name_key
from wardaudit.progress import Progress, no_progress
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
    """A record in the file that cannot join the records here as it is; never overwritten.

    ``kind`` is one of "ward" (the id of a ward here, other details), "ward_name" (another
    ward here has the name), "checklist" (a checklist id and version here with other
    content), "audit" (an audit here with another signed-off record), "record_id" (an
    audit whose action or photo has the id of another audit's here), "raised_twice" (an
    action raised after sign-off for an item that has another action here) and "event"; ``record``
    is the id in the file; ``message`` is the line the command line prints; ``details``
    holds what a screen needs to say it in words.
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
    new_incident_counts: int = 0  # wards whose incidents by place came in the file
    present: int = 0
    conflict_records: list[Conflict] = field(default_factory=list)

    @property
    def conflicts(self) -> list[str]:
        return [c.message for c in self.conflict_records]

    def conflict(self, kind: str, record: str, message: str, **details: str) -> None:
        self.conflict_records.append(Conflict(kind, record, message, details))

    def describe(self) -> str:
        counts = (
            f", incident counts for {self.new_incident_counts} ward(s)"
            if self.new_incident_counts
            else ""
        )
        return (
            f"{self.file}: {self.new_audits} new audit(s), {self.new_events} new history "
            f"event(s), {self.new_wards} new ward(s), {self.new_photos} photo(s){counts}; "
            f"{self.present} already here; {len(self.conflicts)} conflict(s)"
        )


SAVING_WORDS = "Saving the exchange file's photos"


def import_bundle(
    store: Store,
    path: Path | str,
    *,
    dry_run: bool = False,
    skip_conflicts: bool = False,
    progress: Progress = no_progress,
) -> ImportPlan:
    """Import one bundle in one transaction; refused whole when damaged or conflicting.

    With ``skip_conflicts`` the rest is imported and conflicting records stay as they were.
    ``dry_run`` works out the same plan and changes nothing. Photos are written into the
    photo store's folder and synced as the file is read, side by side, all before the
    records' one transaction;
    if the import is refused, fails or is cancelled (``progress`` raising Cancelled, up
    to the moment the records are written), none of them is kept.
    """
    with contextlib.ExitStack() as stack:
        receiver = None if dry_run else stack.enter_context(store.photos.receiving())
        bundle = read_bundle(path, receiver=receiver, progress=progress)
        if receiver is not None:
            progress(SAVING_WORDS, 0, 1)
            receiver.sync()
            progress(SAVING_WORDS, 1, 1)  # the last moment to cancel: the records follow
        return _merge(store, bundle, dry_run=dry_run, skip_conflicts=skip_conflicts)


def _merge(store: Store, bundle: Bundle, *, dry_run: bool, skip_conflicts: bool) -> ImportPlan:
    plans: list[ImportPlan] = []

    def decide(local: LocalRecords) -> MergeWork:
        plan, work = plan_merge(bundle, local)
        plans.append(plan)
        if plan.conflicts and not skip_conflicts:
            raise BundleConflicts(
                f"{bundle.path.name} was not imported: {len(plan.conflicts)} record(s) in it "
                "clash with the records here:\n  "
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
        self.versions: dict[tuple[str, int], str] = {}  # checklist (id, version) → content hash

    def ward(self, ward_id: str) -> LocalWard | None:
        return self.wards.get(ward_id) or self.local.ward(ward_id)

    def ward_named(self, name: str) -> LocalWard | None:
        return self.names.get(name_key(name)) or self.local.ward_named(name)

    def add_ward(self, ward: LocalWard) -> None:
        self.wards[ward.id] = ward
        self.names.setdefault(name_key(ward.name), ward)

    def other_versions(self, checklist: Checklist) -> list[str]:
        """Content hashes other than this one held here under its id and version."""
        key = (checklist.id, checklist.version)
        known = [self.versions[key]] if key in self.versions else []
        known += self.local.checklist_versions(checklist.id, checklist.version)
        return [h for h in dict.fromkeys(known) if h != checklist.content_hash]


def _same_ward(found: LocalWard, ward: dict[str, Any]) -> bool:
    return (found.name.casefold(), found.site.casefold(), found.sex) == (
        ward["name"].casefold(),
        ward["site"].casefold(),
        ward["sex"],
    )


def plan_merge(bundle: Bundle, local: LocalRecords) -> tuple[ImportPlan, MergeWork]:  # noqa: C901 - each rule of the merge is applied in turn
    """Decide what of ``bundle`` is new here, what is here already and what conflicts.

    The bundle's records have passed the exchange schema (``read_bundle``); what is left
    to decide needs the records here.
    """
    records = bundle.records
    checked = bundle.checked
    name = bundle.path.name
    plan = ImportPlan(name)
    here = _Here(local)

    new_wards: list[dict[str, Any]] = []
    ward_links: dict[str, str] = {}
    skipped_wards: set[str] = set()
    for ward in records["wards"]:
        by_id = here.ward(ward["ward"])
        found = by_id or here.ward_named(ward["name"])
        if found is None:
            new_wards.append(ward)
            here.add_ward(LocalWard(ward["ward"], ward["name"], ward["site"], ward["sex"]))
            ward_links[ward["ward"]] = ward["ward"]
            plan.new_wards += 1
            continue
        if not _same_ward(found, ward):
            here_words = f"{found.name}, {found.site}, {found.sex}"
            there = f"{ward['name']}, {ward['site']}, {ward['sex']}"
            skipped_wards.add(ward["ward"])
            if by_id is not None:
                plan.conflict(
                    "ward",
                    ward["ward"],
                    f"ward {ward['name']} ({ward['ward']}): here it is {here_words}; in the file {there}",
                    name=ward["name"],
                    here=here_words,
                    file=there,
                )
                continue
            plan.conflict(
                "ward_name",
                ward["ward"],
                f"ward {ward['name']} ({ward['ward']}) in the file is at {ward['site']} "
                f"({ward['sex']}); the ward called {found.name} here is another ward, at "
                f"{found.site} ({found.sex}). Ward names are unique in a database: if they are "
                "two wards, rename one and export again; if it is one ward that moved or "
                "changed, make its site and designation the same in both places",
                name=ward["name"],
                here_name=found.name,
                here_site=found.site,
                here_sex=found.sex,
                file_site=ward["site"],
                file_sex=ward["sex"],
            )
            continue
        ward_links[ward["ward"]] = found.id
        plan.present += 1

    checklists: dict[str, Checklist] = {}
    skipped_checklists: set[str] = set()
    for content_hash, pinned in checked.checklists.items():
        if local.checklist_held(content_hash):
            checklists[content_hash] = pinned
            continue
        if here.other_versions(pinned):
            plan.conflict(
                "checklist",
                f"{pinned.id} v{pinned.version}",
                f"checklist {pinned.id} version {pinned.version} in the file differs from the "
                "version of that id and number here (a changed checklist kept its version "
                "number); the audits answered under it are left out. Give the changed "
                "checklist a new version number",
                checklist=pinned.id,
                version=str(pinned.version),
                title=pinned.title,
            )
            skipped_checklists.add(content_hash)
            continue
        here.versions[(pinned.id, pinned.version)] = content_hash
        checklists[content_hash] = pinned

    new_audits: list[IncomingAudit] = []
    audits_here: list[str] = []
    skipped_audits: set[str] = set()
    local.look_up(
        audits=[entry.content["audit"] for entry in checked.audits],
        events=[event["event"] for event in records["events"]],
        actions=[a["action"] for entry in checked.audits for a in entry.content["actions"]],
        photos=[p["photo"] for entry in checked.audits for p in entry.content["photos"]],
    )
    for entry in checked.audits:
        content = entry.content
        audit_uuid = content["audit"]
        known = here.audits.get(audit_uuid)
        found_digest: str | None
        if known is not None:
            found_digest = known
        else:
            found_audit = local.audit(audit_uuid)
            found_digest = None if found_audit is None else (found_audit.digest or "")
        if found_digest is not None:
            if found_digest != entry.digest:
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
        if content["ward"] in skipped_wards or content["checklist"] in skipped_checklists:
            skipped_audits.add(audit_uuid)  # its ward or checklist conflicts (said above)
            continue
        taken = _ids_taken(content, local)
        if taken:
            plan.conflict(
                "record_id",
                audit_uuid,
                f"audit {audit_uuid}: its {taken} has the id of a record of another audit here",
                what=taken.split(" ", 1)[0],
            )
            skipped_audits.add(audit_uuid)
            continue
        new_audits.append(IncomingAudit(content, entry.text, entry.digest))
        here.audits[audit_uuid] = entry.digest
        plan.new_audits += 1
        plan.new_photos += len(content["photos"])

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
        clash = _raised_clash(event, local)
        if clash:
            plan.conflict(*clash, event_kind=event["kind"])
            continue
        new_events.append(event)
        here.events[event["event"]] = incoming
        plan.new_events += 1

    counts, present = incident_counts.plan(
        records.get(incident_counts.KEY, []),
        ward_links,
        local.incident_counts,
        lambda record, message: plan.conflict("incident_counts", record, message),
    )
    plan.new_incident_counts = len(counts)
    plan.present += present

    work = MergeWork(
        new_wards=tuple(new_wards),
        ward_links=ward_links,
        checklists=tuple(checklists.values()),
        new_audits=tuple(new_audits),
        audits_here=tuple(audits_here),
        new_events=tuple(new_events),
        photos=bundle.photos,
        incident_counts=tuple(counts),
    )
    return plan, work


def _ids_taken(content: dict[str, Any], local: LocalRecords) -> str:
    """The first action or photo of a new audit whose id another audit here has."""
    taken = local.actions_here([action["action"] for action in content["actions"]])
    for action in content["actions"]:
        if action["action"] in taken:
            return f"action {action['action']}"
    for photo in content["photos"]:
        if local.photo_audit(photo["photo"]) is not None:
            return f"photo {photo['photo']}"
    return ""


def _raised_clash(event: dict[str, Any], local: LocalRecords) -> tuple[str, str, str] | None:
    """(kind, record, message) when an action raised after sign-off cannot join the
    actions here: its id is another audit's, or its item has another action here (both
    copies of the audit were amended to No or Partly)."""
    if event["kind"] != "action_raised" or not event["after_signoff"]:
        return None
    raised, item = event["detail"]["action"], event["detail"]["item"]
    owner = local.action_audit(raised)
    if owner is not None and owner != event["audit"]:
        return (
            "event",
            event["event"],
            f"history event {event['event']} (action_raised) raises an action with the id of "
            "another audit's action here",
        )
    other = local.action_for_item(event["audit"], item)
    if owner is None and other is not None:
        return (
            "raised_twice",
            event["event"],
            f"history event {event['event']} (action_raised): item {item} of audit "
            f"{event['audit']} already has another action here, raised when this copy was "
            "amended",
        )
    return None
