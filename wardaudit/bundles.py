"""Exchange files: signed-off audits travel between laptops and the board's database.

A bundle is a zip file holding ``records.json`` (sites, wards, the checklist versions
used, each completed audit's signed-off record, and the history events that came after)
and the audits' photos, with ``manifest.json`` listing a SHA-256 digest of every file.
Records never change once signed off; later changes are events with their own ids. So
merging is a union: a record or event already present is skipped, and the same id with
different content is a conflict, reported and never overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from wardaudit import __version__, clock
from wardaudit.checklist import DESIGNATIONS, from_canonical_json
from wardaudit.errors import InvalidInput, WardAuditError
from wardaudit.store import Store, canonical_json

FORMAT = "wardaudit-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.json"


class BundleRefused(WardAuditError):
    """The file is damaged, cut short, altered or not a WardAudit exchange file."""


class BundleConflicts(WardAuditError):
    """Records in the file have the same id as records here but different content."""

    def __init__(self, message: str, conflicts: list[str]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- export --------------------------------------------------------------------------------


def export_bundle(store: Store, path: Path | str, *, since: date | None = None) -> dict[str, int]:
    """Write the completed audits (or those completed or changed since a date) to ``path``.

    The file is written to a temporary name beside the target and renamed into place, so a
    failed export never leaves half a file. Returns the counts written.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise InvalidInput(f"the folder {target.parent} does not exist")
    conn = store._conn
    with store._mutex:
        params: list[Any] = []
        where = "a.status = 'completed'"
        if since is not None:
            where += (
                " AND (a.completed_at >= ? OR EXISTS (SELECT 1 FROM events e WHERE"
                " e.audit_id = a.id AND e.after_signoff = 1 AND e.at >= ?))"
            )
            params = [since.isoformat(), since.isoformat()]
        audits = conn.execute(
            "SELECT a.id, a.uuid, ar.content, ar.digest FROM audits a"
            " JOIN audit_records ar ON ar.audit_id = a.id WHERE " + where + " ORDER BY a.id",
            params,
        ).fetchall()
        audit_rowids = [r[0] for r in audits]
        ids_json = json.dumps(audit_rowids)
        wards = conn.execute(
            "SELECT w.uuid, s.name, w.name, w.service, w.sex, w.beds, w.areas FROM wards w"
            " JOIN sites s ON s.id = w.site_id WHERE w.id IN (SELECT ward_id FROM audits"
            " WHERE id IN (SELECT value FROM json_each(?))) ORDER BY w.uuid",
            (ids_json,),
        ).fetchall()
        checklists = conn.execute(
            "SELECT content_hash, checklist_id, version, title, content FROM checklist_versions"
            " WHERE id IN (SELECT checklist_version_id FROM audits WHERE id IN"
            " (SELECT value FROM json_each(?))) ORDER BY content_hash",
            (ids_json,),
        ).fetchall()
        events = conn.execute(
            "SELECT e.uuid, e.at, e.kind, e.actor, a.uuid, ac.uuid, e.detail, e.after_signoff"
            " FROM events e JOIN audits a ON a.id = e.audit_id"
            " LEFT JOIN actions ac ON ac.id = e.action_id"
            " WHERE e.audit_id IN (SELECT value FROM json_each(?)) ORDER BY e.id",
            (ids_json,),
        ).fetchall()
        photos = conn.execute(
            "SELECT p.uuid, p.data FROM photos p WHERE p.audit_id IN"
            " (SELECT value FROM json_each(?)) ORDER BY p.uuid",
            (ids_json,),
        ).fetchall()
    records = {
        "wards": [
            {
                "ward": r[0],
                "site": r[1],
                "name": r[2],
                "service": r[3],
                "sex": r[4],
                "beds": r[5],
                "areas": json.loads(r[6]),
            }
            for r in wards
        ],
        "checklists": [
            {"content_hash": r[0], "id": r[1], "version": r[2], "title": r[3], "content": r[4]}
            for r in checklists
        ],
        "audits": [{"content": r[2], "digest": r[3]} for r in audits],
        "events": [
            {
                "event": r[0],
                "at": r[1],
                "kind": r[2],
                "actor": r[3],
                "audit": r[4],
                "action": r[5],
                "detail": json.loads(r[6]),
                "after_signoff": bool(r[7]),
            }
            for r in events
        ],
    }
    files: dict[str, bytes] = {RECORDS: canonical_json(records).encode("utf-8")}
    for photo_uuid, data in photos:
        files[f"photos/{photo_uuid}"] = bytes(data)
    counts = {
        "wards": len(wards),
        "audits": len(audits),
        "events": len(events),
        "photos": len(photos),
    }
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": clock.now_iso(),
        "created_by": f"WardAudit {__version__}",
        "since": since.isoformat() if since else None,
        "counts": counts,
        "files": {name: _sha256(data) for name, data in files.items()},
    }
    fd, temp_name = tempfile.mkstemp(prefix=".wardaudit-", suffix=".partial", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            for name, data in files.items():
                bundle.writestr(name, data)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise WardAuditError(
            f"the exchange file could not be written to {target}: {error.strerror}"
        ) from None
    return counts


# --- reading and checking ------------------------------------------------------------------


@dataclass
class Bundle:
    path: Path
    manifest: dict[str, Any]
    records: dict[str, Any]
    photos: dict[str, bytes]


def read_bundle(path: Path | str) -> Bundle:
    """Open and verify a bundle completely; raises BundleRefused naming what is wrong."""
    path = Path(path)
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleRefused(f"{path} does not exist") from None
    except (zipfile.BadZipFile, OSError):
        raise BundleRefused(
            f"{name} is not a WardAudit exchange file, or it is damaged or cut short. "
            "Nothing was imported; ask for the file to be exported again."
        ) from None
    with archive:
        try:
            names = set(archive.namelist())
            if MANIFEST not in names:
                raise BundleRefused(f"{name} is not a WardAudit exchange file (it has no manifest)")
            manifest = json.loads(archive.read(MANIFEST))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BundleRefused(f"{name} is not a WardAudit exchange file")
            if manifest.get("version") != FORMAT_VERSION:
                raise BundleRefused(
                    f"{name} was written by a different WardAudit (exchange format "
                    f"{manifest.get('version')}); update WardAudit on both laptops"
                )
            listed = manifest.get("files")
            if not isinstance(listed, dict) or RECORDS not in listed:
                raise BundleRefused(f"{name} has a damaged manifest")
            extra = names - set(listed) - {MANIFEST}
            if extra:
                raise BundleRefused(
                    f"{name} holds files its manifest does not list: {sorted(extra)[:3]}"
                )
            contents: dict[str, bytes] = {}
            for member, digest in listed.items():
                if member not in names:
                    raise BundleRefused(f"{name} is missing {member}: it is incomplete")
                data = archive.read(member)
                if _sha256(data) != digest:
                    raise BundleRefused(
                        f"{name} has been altered or damaged ({member} does not match its "
                        "digest). Nothing was imported."
                    )
                contents[member] = data
            records = json.loads(contents[RECORDS])
        except (
            zipfile.BadZipFile,
            zlib_errors(),
            json.JSONDecodeError,
            KeyError,
            EOFError,
            UnicodeDecodeError,
        ):
            raise BundleRefused(
                f"{name} is damaged or cut short. Nothing was imported; ask for it again."
            ) from None
    _check_records(name, records)
    photos = {
        member.split("/", 1)[1]: data
        for member, data in contents.items()
        if member.startswith("photos/")
    }
    return Bundle(path, manifest, records, photos)


def zlib_errors() -> type[Exception]:
    import zlib

    return zlib.error


def _check_records(name: str, records: Any) -> None:
    problem = f"{name} has records WardAudit cannot read"
    if not isinstance(records, dict):
        raise BundleRefused(problem)
    for key in ("wards", "checklists", "audits", "events"):
        if not isinstance(records.get(key), list):
            raise BundleRefused(f"{problem} (no '{key}')")
    for ward in records["wards"]:
        if (
            not isinstance(ward, dict)
            or ward.get("sex") not in DESIGNATIONS
            or not ward.get("name")
        ):
            raise BundleRefused(f"{problem} (a ward)")
    for checklist in records["checklists"]:
        content = checklist.get("content", "")
        if _sha256(content.encode("utf-8")) != checklist.get("content_hash"):
            raise BundleRefused(f"{name} has an altered checklist ({checklist.get('id')})")
    for audit in records["audits"]:
        content = audit.get("content")
        if not isinstance(content, str) or _sha256(content.encode("utf-8")) != audit.get("digest"):
            raise BundleRefused(f"{name} has an altered audit record")
    for event in records["events"]:
        if not isinstance(event, dict) or not event.get("event") or not event.get("audit"):
            raise BundleRefused(f"{problem} (a history event)")


# --- import --------------------------------------------------------------------------------


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
    try:
        with store._transaction() as conn:
            plan = _merge(store, conn, bundle)
            if plan.conflicts and not skip_conflicts:
                raise BundleConflicts(
                    f"{bundle.path.name} was not imported: {len(plan.conflicts)} record(s) have "
                    "the same id as records here but different content (altered data):\n  "
                    + "\n  ".join(plan.conflicts)
                    + "\nNothing was changed. Use --skip-conflicts to import the rest.",
                    plan.conflicts,
                )
            if dry_run:
                raise _DryRun(plan)
    except _DryRun as done:
        return done.plan
    return plan


class _DryRun(Exception):
    """Rolls the transaction back after working out the plan."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan


def _merge(store: Store, conn: sqlite3.Connection, bundle: Bundle) -> ImportPlan:
    records = bundle.records
    plan = ImportPlan(bundle.path.name)
    skipped_wards: set[str] = set()
    ward_rowids: dict[str, int] = {}
    for ward in records["wards"]:
        local = conn.execute(
            "SELECT w.id, w.name, s.name, w.sex FROM wards w JOIN sites s ON s.id = w.site_id"
            " WHERE w.uuid = ?",
            (ward["ward"],),
        ).fetchone()
        if local is None:
            local = conn.execute(
                "SELECT w.id, w.name, s.name, w.sex FROM wards w JOIN sites s ON s.id = w.site_id"
                " WHERE w.name = ?",
                (ward["name"],),
            ).fetchone()
            if local is None:
                site_rowid = store._site_rowid(conn, ward["site"])
                now = clock.now_iso()
                cursor = conn.execute(
                    "INSERT INTO wards(uuid, site_id, name, service, sex, beds, areas, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        ward["ward"],
                        site_rowid,
                        ward["name"],
                        ward.get("service") or "",
                        ward["sex"],
                        ward.get("beds"),
                        json.dumps(ward.get("areas") or []),
                        now,
                        now,
                    ),
                )
                ward_rowids[ward["ward"]] = int(cursor.lastrowid or 0)
                plan.new_wards += 1
                continue
        if (local[1].casefold(), local[2].casefold(), local[3]) != (
            ward["name"].casefold(),
            ward["site"].casefold(),
            ward["sex"],
        ):
            here = f"{local[1]}, {local[2]}, {local[3]}"
            there = f"{ward['name']}, {ward['site']}, {ward['sex']}"
            plan.conflict(
                "ward",
                ward["ward"],
                f"ward {ward['name']} ({ward['ward']}): here it is {here}; in the file {there}",
                name=ward["name"],
                here=here,
                file=there,
            )
            skipped_wards.add(ward["ward"])
            continue
        ward_rowids[ward["ward"]] = int(local[0])
        plan.present += 1

    version_rowids: dict[str, int] = {}
    for checklist in records["checklists"]:
        pinned = from_canonical_json(checklist["content"], f"{checklist['id']} (exchange file)")
        if pinned.content_hash != checklist["content_hash"]:
            raise BundleRefused(f"{bundle.path.name} has an altered checklist ({checklist['id']})")
        row = conn.execute(
            "SELECT id FROM checklist_versions WHERE content_hash = ?", (pinned.content_hash,)
        ).fetchone()
        if row is None:
            cursor = conn.execute(
                "INSERT INTO checklist_versions(content_hash, checklist_id, version, title,"
                " content, registered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    pinned.content_hash,
                    pinned.id,
                    pinned.version,
                    pinned.title,
                    pinned.canonical_json,
                    clock.now_iso(),
                ),
            )
            row = (cursor.lastrowid,)
        version_rowids[pinned.content_hash] = int(row[0])

    audit_rowids: dict[str, int] = {}
    skipped_audits: set[str] = set()
    for entry in records["audits"]:
        content = json.loads(entry["content"])
        audit_uuid = content["audit"]
        local = conn.execute(
            "SELECT a.id, ar.digest FROM audits a LEFT JOIN audit_records ar ON ar.audit_id = a.id"
            " WHERE a.uuid = ?",
            (audit_uuid,),
        ).fetchone()
        if local is not None:
            if local[1] != entry["digest"]:
                plan.conflict(
                    "audit",
                    audit_uuid,
                    f"audit {audit_uuid}: the signed-off record differs from the one here",
                )
                skipped_audits.add(audit_uuid)
            else:
                audit_rowids[audit_uuid] = int(local[0])
                plan.present += 1
            continue
        if content["ward"] in skipped_wards or content["ward"] not in ward_rowids:
            skipped_audits.add(audit_uuid)
            if content["ward"] not in skipped_wards:
                plan.conflict(
                    "audit_without_ward",
                    audit_uuid,
                    f"audit {audit_uuid}: its ward is not in the file",
                )
            continue
        if content["checklist"] not in version_rowids:
            raise BundleRefused(f"{bundle.path.name} lacks the checklist an audit used")
        missing_photos = [p["photo"] for p in content["photos"] if p["photo"] not in bundle.photos]
        if missing_photos:
            raise BundleRefused(f"{bundle.path.name} is missing photos of audit {audit_uuid}")
        audit_rowids[audit_uuid] = _insert_audit(
            conn,
            content,
            entry,
            ward_rowids[content["ward"]],
            version_rowids[content["checklist"]],
            bundle.photos,
        )
        plan.new_audits += 1
        plan.new_photos += len(content["photos"])

    touched: set[int] = {audit_rowids[a] for a in audit_rowids}
    events = sorted(records["events"], key=lambda e: (clock.parse_iso(e["at"]), e["event"]))
    for event in events:
        if event["audit"] in skipped_audits:
            continue
        detail_text = json.dumps(event["detail"], ensure_ascii=False, sort_keys=True)
        local = conn.execute(
            "SELECT e.at, e.kind, e.actor, a.uuid, e.detail, e.after_signoff FROM events e"
            " LEFT JOIN audits a ON a.id = e.audit_id WHERE e.uuid = ?",
            (event["event"],),
        ).fetchone()
        incoming = (
            event["at"],
            event["kind"],
            event["actor"],
            event["audit"],
            detail_text,
            int(bool(event["after_signoff"])),
        )
        if local is not None:
            if tuple(local) != incoming:
                plan.conflict(
                    "event",
                    event["event"],
                    f"history event {event['event']} ({event['kind']}) differs",
                    event_kind=event["kind"],
                )
            else:
                plan.present += 1
            continue
        audit_rowid = audit_rowids.get(event["audit"])
        if audit_rowid is None:
            plan.conflict(
                "event_without_audit",
                event["event"],
                f"history event {event['event']}: its audit {event['audit']} is neither here nor "
                "in the file",
            )
            continue
        action_rowid = None
        if event["action"] is not None:
            found = conn.execute(
                "SELECT id FROM actions WHERE uuid = ?", (event["action"],)
            ).fetchone()
            if found is None and event["kind"] == "action_raised" and event["after_signoff"]:
                found = (store._insert_action(conn, audit_rowid, event["detail"], event["at"]),)
            action_rowid = int(found[0]) if found else None
        conn.execute(
            "INSERT INTO events(uuid, at, kind, actor, audit_id, action_id, detail, after_signoff)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event["event"],
                event["at"],
                event["kind"],
                event["actor"],
                audit_rowid,
                action_rowid,
                detail_text,
                int(bool(event["after_signoff"])),
            ),
        )
        plan.new_events += 1
        touched.add(audit_rowid)
    for audit_rowid in sorted(touched):
        store._replay(conn, audit_rowid)
    return plan


def _insert_audit(
    conn: sqlite3.Connection,
    content: dict[str, Any],
    entry: dict[str, Any],
    ward_rowid: int,
    version_rowid: int,
    photos: dict[str, bytes],
) -> int:
    cursor = conn.execute(
        "INSERT INTO audits(uuid, ward_id, checklist_version_id, status, started_at, started_by,"
        " completed_at, signed_by, signed_role, team, updated_at, ward_sex, answer_values)"
        " VALUES (?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            content["audit"],
            ward_rowid,
            version_rowid,
            content["started_at"],
            content["started_by"],
            content["completed_at"],
            content["signed_by"],
            content["signed_role"],
            json.dumps(content["team"], ensure_ascii=False),
            content["completed_at"],
            content["ward_sex"],
            content["answers"],
        ),
    )
    rowid = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT INTO answer_notes(audit_id, item_id, note, location) VALUES (?, ?, ?, ?)",
        [(rowid, item, note, location) for item, (note, location) in content["notes"].items()],
    )
    for action in content["actions"]:
        Store._insert_action(conn, rowid, action, action["created_at"])
    for photo in content["photos"]:
        data = photos[photo["photo"]]
        if _sha256(data) != photo["sha256"]:
            raise BundleRefused("a photo in the exchange file does not match its audit record")
        conn.execute(
            "INSERT INTO photos(uuid, audit_id, item_id, filename, media_type, width, height, data,"
            " added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                photo["photo"],
                rowid,
                photo["item"],
                photo["filename"],
                photo["media_type"],
                photo["width"],
                photo["height"],
                data,
                photo["added_at"],
            ),
        )
    conn.execute(
        "INSERT INTO audit_records(audit_id, content, digest) VALUES (?, ?, ?)",
        (rowid, entry["content"], entry["digest"]),
    )
    return rowid


def content_fingerprint(store: Store) -> str:
    """A digest of everything that travels (wards, audits, actions, history), ignoring local
    row numbers: two databases that have exchanged everything give the same fingerprint."""
    conn = store._conn
    with store._mutex:
        parts: list[Iterable[Any]] = [
            conn.execute(
                "SELECT w.uuid, w.name, s.name, w.sex FROM wards w JOIN sites s ON s.id = w.site_id"
                " ORDER BY w.uuid"
            ).fetchall(),
            conn.execute(
                "SELECT a.uuid, a.status, w.uuid, a.answer_values, ar.digest FROM audits a"
                " JOIN wards w ON w.id = a.ward_id LEFT JOIN audit_records ar ON ar.audit_id = a.id"
                " WHERE a.status = 'completed' ORDER BY a.uuid"
            ).fetchall(),
            conn.execute(
                "SELECT a.uuid, n.item_id, n.note, n.location FROM answer_notes n"
                " JOIN audits a ON a.id = n.audit_id WHERE a.status = 'completed'"
                " ORDER BY a.uuid, n.item_id"
            ).fetchall(),
            conn.execute(
                "SELECT ac.uuid, a.uuid, ac.item_id, ac.description, ac.owner, ac.likelihood,"
                " ac.consequence, ac.due, ac.status, ac.status_note, ac.comment, ac.completed_on,"
                " ac.updated_at FROM actions ac JOIN audits a ON a.id = ac.audit_id"
                " WHERE a.status = 'completed' ORDER BY ac.uuid"
            ).fetchall(),
            conn.execute(
                "SELECT e.uuid, e.at, e.kind, e.actor, a.uuid, e.detail, e.after_signoff"
                " FROM events e JOIN audits a ON a.id = e.audit_id WHERE a.status = 'completed'"
                " ORDER BY e.uuid"
            ).fetchall(),
            conn.execute("SELECT uuid, data FROM photos ORDER BY uuid").fetchall(),
        ]
    return _sha256(repr(parts).encode("utf-8"))
