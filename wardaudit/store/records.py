"""Signed-off records, and what travels between databases in exchange files.

A signed-off audit's record never changes; what happens to it later is an event in the
history. An audit's current state is therefore its record with every later event replayed
on top, in time order, so databases that hold the same records and events agree whatever
order laptops' files arrived in. The exchange rules (what is new, what conflicts) live in
``wardaudit.exchange``; this module reads what travels and writes what they decided.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.errors import InvalidInput
from wardaudit.store.actions import (
    ACTION_RECORD_FIELDS,
    MUTABLE_ACTION_FIELDS,
    insert_action,
    insert_actions,
    set_action_fields,
)
from wardaudit.store.audits import write_note
from wardaudit.store.checklists import version_rowid_in
from wardaudit.store.incidents import insert_snapshots, snapshot_held
from wardaudit.store.photo_files import PhotoBatch
from wardaudit.store.photos import IncomingPhoto, insert_photo
from wardaudit.store.wards import site_rowid_for

if TYPE_CHECKING:
    from wardaudit.store import Store
    from wardaudit.store.database import Executor
    from wardaudit.store.server_photos import ServerPhotoBatch


def canonical_json(value: object) -> str:
    """One spelling of a value, so equal content always has the same digest."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def event_detail_text(detail: object) -> str:
    """An event's detail as the history keeps it (and as two copies are compared)."""
    return json.dumps(detail, ensure_ascii=False, sort_keys=True)


InValues = Callable[[str, Iterable[Any]], tuple[str, Any]]  # the database's ``in_values``
# An event here as a merge compares it with the file's (its columns, in this order).
_EVENT_HERE = "e.at, e.kind, e.actor, a.uuid, e.detail, e.after_signoff"


@dataclass(frozen=True)
class TravellingPhoto:
    """A photo an exchange file carries: its id, and its file in the photo store."""

    photo: str
    sha256: str
    size: int


@dataclass(frozen=True)
class TravellingRecords:
    """Everything an exchange file carries, as plain data in the file's own shape; the
    photos by reference (their bytes are streamed from the photo store as the file is
    written, never held in memory)."""

    wards: list[dict[str, Any]]
    checklists: list[dict[str, Any]]
    audits: list[dict[str, Any]]  # {"content": the record as signed off, "digest": its SHA-256}
    events: list[dict[str, Any]]
    photos: list[TravellingPhoto]
    high_water: int = 0  # the newest history entry here when these were read
    incident_counts: list[dict[str, Any]] = field(default_factory=list)  # by ward and place


@dataclass(frozen=True)
class LocalWard:
    id: str
    name: str
    site: str
    sex: str


@dataclass(frozen=True)
class LocalAudit:
    id: str
    digest: str | None  # of its signed-off record; None while it is in progress


class LocalRecords:
    """What is here, read inside the merge's own transaction (so nothing moves meanwhile)."""

    def __init__(self, conn: Executor, in_values: InValues | None = None) -> None:
        self._conn = conn
        self._in_values = in_values
        # what look_up found (None: asked, and not here)
        self._audits: dict[str, LocalAudit | None] = {}
        self._events: dict[str, tuple[Any, ...] | None] = {}
        self._actions: dict[str, bool] = {}  # action id: held here
        self._photos: dict[str, str | None] = {}  # photo id: its audit here

    def look_up(
        self,
        *,
        audits: Sequence[str] = (),
        events: Sequence[str] = (),
        actions: Sequence[str] = (),
        photos: Sequence[str] = (),
    ) -> None:
        """Ask once for all of these audits, history events, actions and photos, where the
        trust database would otherwise be asked once for each; the methods below then answer
        from what was found. Nothing moves meanwhile: this is the merge's own transaction."""
        if self._in_values is None:
            return
        if actions:
            among, ids = self._in_values("uuid", actions)
            self._actions.update(dict.fromkeys(actions, False))
            for r in self._conn.execute(f"SELECT uuid FROM actions WHERE {among}", (ids,)):
                self._actions[str(r[0])] = True
        if photos:
            among, ids = self._in_values("p.uuid", photos)
            self._photos.update(dict.fromkeys(photos))
            for r in self._conn.execute(
                "SELECT p.uuid, a.uuid FROM photos p JOIN audits a ON a.id = p.audit_id"
                f" WHERE {among}",
                (ids,),
            ):
                self._photos[str(r[0])] = str(r[1])
        if audits:
            among, ids = self._in_values("a.uuid", audits)
            self._audits.update(dict.fromkeys(audits))
            for r in self._conn.execute(
                "SELECT a.uuid, ar.digest FROM audits a LEFT JOIN audit_records ar"
                f" ON ar.audit_id = a.id WHERE {among}",
                (ids,),
            ):
                self._audits[str(r[0])] = LocalAudit(r[0], r[1])
        if events:
            among, ids = self._in_values("e.uuid", events)
            self._events.update(dict.fromkeys(events))
            for r in self._conn.execute(
                f"SELECT e.uuid, {_EVENT_HERE} FROM events e"
                f" LEFT JOIN audits a ON a.id = e.audit_id WHERE {among}",
                (ids,),
            ):
                self._events[str(r[0])] = tuple(r[1:])

    def ward(self, ward_id: str) -> LocalWard | None:
        return self._ward("w.uuid", ward_id)

    def ward_named(self, name: str) -> LocalWard | None:
        """The ward with this name (names are unique here, whatever their case)."""
        return self._ward("w.name", name)

    def _ward(self, column: str, value: str) -> LocalWard | None:
        found = self._conn.execute(
            "SELECT w.uuid, w.name, s.name, w.sex FROM wards w JOIN sites s ON s.id = w.site_id"
            f" WHERE {column} = ?",
            (value,),
        ).fetchone()
        return None if found is None else LocalWard(*found)

    def audit(self, audit_id: str) -> LocalAudit | None:
        if audit_id in self._audits:
            return self._audits[audit_id]
        found = self._conn.execute(
            "SELECT a.uuid, ar.digest FROM audits a LEFT JOIN audit_records ar ON ar.audit_id = a.id"
            " WHERE a.uuid = ?",
            (audit_id,),
        ).fetchone()
        return None if found is None else LocalAudit(found[0], found[1])

    def checklist_held(self, content_hash: str) -> bool:
        return (
            self._conn.execute(
                "SELECT 1 FROM checklist_versions WHERE content_hash = ?", (content_hash,)
            ).fetchone()
            is not None
        )

    def checklist_versions(self, checklist_id: str, version: int) -> list[str]:
        """The content hashes held under a checklist's id and version (one, unless a
        database from before WardAudit refused a second holds more)."""
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT content_hash FROM checklist_versions WHERE checklist_id = ? AND"
                " version = ? ORDER BY id",
                (checklist_id, version),
            )
        ]

    def action_audit(self, action_id: str) -> str | None:
        """The id of the audit an action here belongs to."""
        found = self._conn.execute(
            "SELECT a.uuid FROM actions ac JOIN audits a ON a.id = ac.audit_id WHERE ac.uuid = ?",
            (action_id,),
        ).fetchone()
        return None if found is None else str(found[0])

    def actions_here(self, action_ids: Sequence[str]) -> set[str]:
        """Which of these action ids an action here already has (one question for them all,
        where the trust database would otherwise be asked once for each)."""
        if not action_ids:
            return set()
        if all(action_id in self._actions for action_id in action_ids):
            return {action_id for action_id in action_ids if self._actions[action_id]}
        marks = ", ".join("?" for _ in action_ids)
        return {
            str(r[0])
            for r in self._conn.execute(
                f"SELECT uuid FROM actions WHERE uuid IN ({marks})", tuple(action_ids)
            )
        }

    def action_for_item(self, audit_id: str, item_id: str) -> str | None:
        """The id of an audit's action for an item, if it has one here."""
        found = self._conn.execute(
            "SELECT ac.uuid FROM actions ac JOIN audits a ON a.id = ac.audit_id"
            " WHERE a.uuid = ? AND ac.item_id = ?",
            (audit_id, item_id),
        ).fetchone()
        return None if found is None else str(found[0])

    def photo_audit(self, photo_id: str) -> str | None:
        """The id of the audit a photo here belongs to."""
        if photo_id in self._photos:
            return self._photos[photo_id]
        found = self._conn.execute(
            "SELECT a.uuid FROM photos p JOIN audits a ON a.id = p.audit_id WHERE p.uuid = ?",
            (photo_id,),
        ).fetchone()
        return None if found is None else str(found[0])

    def incident_counts(self, snapshot_id: str) -> str | None:
        """The content of incident counts held here under this id, if any."""
        return snapshot_held(self._conn, snapshot_id)

    def event(self, event_id: str) -> tuple[Any, ...] | None:
        """(at, kind, actor, audit id, detail as text, after sign-off as 0 or 1)."""
        if event_id in self._events:
            return self._events[event_id]
        found = self._conn.execute(
            f"SELECT {_EVENT_HERE} FROM events e LEFT JOIN audits a ON a.id = e.audit_id"
            " WHERE e.uuid = ?",
            (event_id,),
        ).fetchone()
        return None if found is None else tuple(found)


@dataclass(frozen=True)
class _Sources:
    """What rebuilding an audit reads: its record as signed off, its checklist version, and
    its history after sign-off as (at, event id, kind, detail, action id)."""

    record: str
    version_rowid: int
    events: list[tuple[Any, ...]]


@dataclass(frozen=True)
class IncomingAudit:
    """A signed-off record from elsewhere: its text exactly as it came, and its digest."""

    content: dict[str, Any]
    text: str
    digest: str


@dataclass(frozen=True)
class MergeWork:
    """What a merge adds here, as the exchange rules decided it; the rest is left alone."""

    new_wards: tuple[dict[str, Any], ...] = ()
    ward_links: Mapping[str, str] = field(default_factory=dict)  # file's ward id → ward here
    checklists: tuple[Checklist, ...] = ()
    new_audits: tuple[IncomingAudit, ...] = ()
    audits_here: tuple[str, ...] = ()  # audits in the file already here, record for record
    new_events: tuple[dict[str, Any], ...] = ()  # in time order
    photos: Mapping[str, bytes | IncomingPhoto] = field(default_factory=dict)
    incident_counts: tuple[dict[str, Any], ...] = ()  # each naming its ward as it is here


class Records:
    """``store.records``: the signed-off records, and what exchange files carry and merge."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db

    def for_exchange(
        self,
        *,
        since: date | None = None,
        after_event: int | None = None,
        after_time: str | None = None,
    ) -> TravellingRecords:
        """The signed-off audits with their wards, checklist versions, history and photos:
        all of them, those signed off or changed since a date, or those with a history
        entry newer than ``after_event`` (what an earlier export's ``high_water`` did not
        reach: signed off or changed since).

        Where incidents are held, every ward's incident counts travel too, with the ward's
        record (a laptop needs its ward's counts whether or not its audits changed), unless
        ``after_time`` (when the earlier export was written) is newer than the latest
        incident import: then only the counts of the wards in the file, which the
        destination has had already unless they changed."""
        params: list[Any] = []
        where = "a.status = 'completed'"
        if since is not None:
            where += (
                " AND (a.completed_at >= ? OR EXISTS (SELECT 1 FROM events e WHERE"
                " e.audit_id = a.id AND e.after_signoff = 1 AND e.at >= ?))"
            )
            params = [since.isoformat(), since.isoformat()]
        if after_event is not None:
            where += " AND EXISTS (SELECT 1 FROM events e WHERE e.audit_id = a.id AND e.id > ?)"
            params.append(after_event)
        with self._db.snapshot() as conn:
            high_water = int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])
            audits = conn.execute(
                "SELECT a.id, a.uuid, ar.content, ar.digest FROM audits a"
                " JOIN audit_records ar ON ar.audit_id = a.id WHERE " + where + " ORDER BY a.id",
                params,
            ).fetchall()
            ids = [r[0] for r in audits]
            audit_in, ids_param = self._db.in_values("id", ids)
            event_in, _ = self._db.in_values("e.audit_id", ids)
            photo_in, _ = self._db.in_values("p.audit_id", ids)
            wards = conn.execute(
                "SELECT w.uuid, s.name, w.name, w.service, w.sex, w.beds, w.areas FROM wards w"
                " JOIN sites s ON s.id = w.site_id WHERE w.id IN (SELECT ward_id FROM audits"
                f" WHERE {audit_in}) ORDER BY w.uuid",
                (ids_param,),
            ).fetchall()
            checklists = conn.execute(
                "SELECT content_hash, checklist_id, version, title, content FROM checklist_versions"
                " WHERE id IN (SELECT checklist_version_id FROM audits WHERE"
                f" {audit_in}) ORDER BY content_hash",
                (ids_param,),
            ).fetchall()
            events = conn.execute(
                "SELECT e.uuid, e.at, e.kind, e.actor, a.uuid, ac.uuid, e.detail, e.after_signoff"
                " FROM events e JOIN audits a ON a.id = e.audit_id"
                " LEFT JOIN actions ac ON ac.id = e.action_id"
                f" WHERE {event_in} ORDER BY e.id",
                (ids_param,),
            ).fetchall()
            photos = conn.execute(
                f"SELECT p.uuid, p.sha256, p.size FROM photos p WHERE {photo_in} ORDER BY p.uuid",
                (ids_param,),
            ).fetchall()
        counts = self._store.incidents.snapshots_for_exchange(
            None if self._counts_changed_since(after_time) else [r[0] for r in wards]
        )
        more = sorted({c["ward"] for c in counts} - {r[0] for r in wards})
        if more:  # wards whose counts travel without an audit of theirs in the file
            more_in, more_param = self._db.in_values("w.uuid", more)
            wards = sorted(
                [
                    *wards,
                    *self._db.query(
                        "SELECT w.uuid, s.name, w.name, w.service, w.sex, w.beds, w.areas"
                        f" FROM wards w JOIN sites s ON s.id = w.site_id WHERE {more_in}",
                        (more_param,),
                    ),
                ],
                key=lambda r: str(r[0]),
            )
        return TravellingRecords(
            wards=[
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
            checklists=[
                {"content_hash": r[0], "id": r[1], "version": r[2], "title": r[3], "content": r[4]}
                for r in checklists
            ],
            audits=[{"content": r[2], "digest": r[3]} for r in audits],
            events=[
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
            photos=[TravellingPhoto(r[0], r[1], int(r[2])) for r in photos],
            high_water=high_water,
            incident_counts=counts,
        )

    def _counts_changed_since(self, after_time: str | None) -> bool:
        """Whether incidents were imported after ``after_time`` (always, without one)."""
        if after_time is None:
            return True
        last = self._store.incidents.last_import()
        return last is not None and clock.parse_iso(last.at) > clock.parse_iso(after_time)

    def merge(
        self, plan: Callable[[LocalRecords], MergeWork], *, dry_run: bool = False
    ) -> MergeWork:
        """Merge an exchange file in one transaction: all of what ``plan`` decides, or none.

        ``plan`` reads what is here through a :class:`LocalRecords` inside the same
        transaction and says what to add; it refuses a file by raising, and then nothing
        changes. With ``dry_run`` the plan is worked out and nothing is written. Every
        audit the file touches is then rebuilt from its record and history.
        """
        # Photo files are written and synced inside the transaction, before its commit; if
        # it fails, the files it wrote that nothing refers to go again.
        with self._db.photo_files.adding() as batch, self._db.transaction() as conn:
            work = plan(LocalRecords(conn, self._db.in_values))
            if not dry_run:
                self._apply(conn, work, batch)
                batch.sync()
        return work

    def replay(self, audit_ref: str) -> None:
        """Rebuild a signed-off audit's current state from its record and later history, in
        one transaction; nothing changes when they already agree (as they always should)."""
        row = self._store.audits._row(audit_ref)
        if row.status != "completed":
            raise InvalidInput("only a signed-off audit has a record to rebuild it from")
        with self._db.transaction() as conn:
            self._replay(conn, row.rowid)

    def fingerprint(self) -> str:
        """A digest of everything that travels (wards, audits, actions, history), ignoring local
        row numbers: two databases that have exchanged everything give the same fingerprint."""
        with self._db.snapshot() as conn:
            parts: list[Iterable[Any]] = [
                conn.execute(
                    "SELECT w.uuid, w.name, s.name, w.sex FROM wards w"
                    " JOIN sites s ON s.id = w.site_id ORDER BY w.uuid"
                ).fetchall(),
                conn.execute(
                    "SELECT a.uuid, a.status, w.uuid, a.answer_values, ar.digest FROM audits a"
                    " JOIN wards w ON w.id = a.ward_id"
                    " LEFT JOIN audit_records ar ON ar.audit_id = a.id"
                    " WHERE a.status = 'completed' ORDER BY a.uuid"
                ).fetchall(),
                conn.execute(
                    "SELECT a.uuid, n.item_id, n.note, n.location FROM answer_notes n"
                    " JOIN audits a ON a.id = n.audit_id WHERE a.status = 'completed'"
                    " ORDER BY a.uuid, n.item_id"
                ).fetchall(),
                conn.execute(
                    "SELECT ac.uuid, a.uuid, ac.item_id, ac.description, ac.owner, ac.likelihood,"
                    " ac.consequence, ac.due, ac.status, ac.status_note, ac.comment,"
                    " ac.completed_on, ac.updated_at FROM actions ac"
                    " JOIN audits a ON a.id = ac.audit_id"
                    " WHERE a.status = 'completed' ORDER BY ac.uuid"
                ).fetchall(),
                conn.execute(
                    "SELECT e.uuid, e.at, e.kind, e.actor, a.uuid, e.detail, e.after_signoff"
                    " FROM events e JOIN audits a ON a.id = e.audit_id"
                    " WHERE a.status = 'completed' ORDER BY e.uuid"
                ).fetchall(),
                conn.execute("SELECT uuid, sha256 FROM photos ORDER BY uuid").fetchall(),
            ]
        return _sha256(repr(parts).encode("utf-8"))

    # --- for the other repositories ---------------------------------------------------------

    def _write(self, conn: Executor, audit_rowid: int) -> None:
        """Keep the audit's record as signed off, with its digest, inside the sign-off."""
        text = canonical_json(_record_content(conn, audit_rowid))
        conn.execute(
            "INSERT INTO audit_records(audit_id, content, digest) VALUES (?, ?, ?)",
            (audit_rowid, text, _sha256(text.encode("utf-8"))),
        )

    def _apply(self, conn: Executor, work: MergeWork, batch: PhotoBatch | ServerPhotoBatch) -> None:
        ward_rowids: dict[str, int] = {}
        for ward in work.new_wards:
            site_rowid = site_rowid_for(conn, ward["site"])
            now = clock.now_iso()
            cursor = conn.execute(
                "INSERT INTO wards(uuid, site_id, name, service, sex, beds, areas, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
            ward_rowids[ward["ward"]] = int(cursor.fetchone()[0])
        for file_ward, ward_here in work.ward_links.items():
            if file_ward not in ward_rowids:
                ward_rowids[file_ward] = self._store.wards._rowid(conn, ward_here)
        version_rowids = {c.content_hash: version_rowid_in(conn, c) for c in work.checklists}

        # The new audits' rows all go at once, then one question gives every audit's row
        # number (new or here): on the trust database a wait for each would cost a round
        # trip an audit.
        conn.executemany(
            _INSERT_AUDIT,
            [
                _audit_row(
                    incoming.content,
                    ward_rowids[incoming.content["ward"]],
                    version_rowids[incoming.content["checklist"]],
                )
                for incoming in work.new_audits
            ],
        )
        wanted = [*work.audits_here, *(incoming.content["audit"] for incoming in work.new_audits)]
        audit_rowids = self._rowids(conn, "audits", "uuid", wanted)
        for incoming in work.new_audits:
            _insert_audit_parts(
                conn, audit_rowids[incoming.content["audit"]], incoming, work.photos, batch
            )
        touched = set(audit_rowids.values())
        # Every action of these audits, by (action id, audit): an event only ever names one of
        # its own audit's actions.
        among, ids = self._db.in_values("audit_id", sorted(touched))
        actions = {
            (str(r[0]), int(r[1])): int(r[2])
            for r in conn.execute(f"SELECT uuid, audit_id, id FROM actions WHERE {among}", (ids,))
        }
        # Actions raised after sign-off first: a change to one may come earlier in time (a
        # clock behind another laptop's), and must still find its action.
        for event in work.new_events:
            if event["kind"] == "action_raised" and event["after_signoff"] and event["action"]:
                key = (event["action"], audit_rowids[event["audit"]])
                if key not in actions:
                    actions[key] = insert_action(conn, key[1], event["detail"], event["at"])
        for event in work.new_events:
            audit_rowid = audit_rowids[event["audit"]]
            action_rowid = None
            if event["action"] is not None:
                action_rowid = actions.get((event["action"], audit_rowid))
            conn.execute(
                "INSERT INTO events(uuid, at, kind, actor, audit_id, action_id, detail,"
                " after_signoff) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    event["event"],
                    event["at"],
                    event["kind"],
                    event["actor"],
                    audit_rowid,
                    action_rowid,
                    event_detail_text(event["detail"]),
                    int(bool(event["after_signoff"])),
                ),
            )
            touched.add(audit_rowid)
        replaying = sorted(touched)
        sources = self._replay_sources(conn, replaying)
        for audit_rowid in replaying:
            self._replay(conn, audit_rowid, sources[audit_rowid])
        insert_snapshots(conn, work.incident_counts)

    def _rowids(
        self, conn: Executor, table: str, column: str, values: Sequence[str]
    ) -> dict[str, int]:
        """Row numbers by a unique column, asked once for all ``values``; every one must be
        there (they were just written or found)."""
        if not values:
            return {}
        among, param = self._db.in_values(column, values)
        found = {
            str(r[0]): int(r[1])
            for r in conn.execute(f"SELECT {column}, id FROM {table} WHERE {among}", (param,))
        }
        missing = [value for value in values if value not in found]
        if missing:
            raise InvalidInput(f"the {table} {', '.join(missing[:3])} went missing as they merged")
        return found

    def _replay_sources(self, conn: Executor, audit_rowids: Sequence[int]) -> dict[int, _Sources]:
        """What rebuilding these audits reads, asked once for them all (the trust database
        would otherwise be asked three times an audit). Rebuilding one audit changes none of
        this for another: its record, its checklist version and its later history."""
        among, ids = self._db.in_values("a.id", audit_rowids)
        sources = {
            int(r[0]): _Sources(str(r[1]), int(r[2]), [])
            for r in conn.execute(
                "SELECT a.id, ar.content, a.checklist_version_id FROM audits a"
                f" JOIN audit_records ar ON ar.audit_id = a.id WHERE {among}",
                (ids,),
            )
        }
        among, _ = self._db.in_values("e.audit_id", audit_rowids)
        for r in conn.execute(
            "SELECT e.audit_id, e.at, e.uuid, e.kind, e.detail, ac.uuid FROM events e"
            f" LEFT JOIN actions ac ON ac.id = e.action_id WHERE {among} AND e.after_signoff = 1",
            (ids,),
        ):
            sources[int(r[0])].events.append(tuple(r[1:]))
        return sources

    def _replay(self, conn: Executor, audit_rowid: int, sources: _Sources | None = None) -> None:
        """Rebuild a signed-off audit's current state: its record, then every later event in
        time order. Whatever order laptops' files arrive in, every database ends the same."""
        if sources is None:
            sources = self._replay_sources(conn, [audit_rowid])[audit_rowid]
        content = json.loads(sources.record)
        conn.execute(
            "UPDATE audits SET answer_values = ? WHERE id = ?", (content["answers"], audit_rowid)
        )
        conn.execute("DELETE FROM answer_notes WHERE audit_id = ?", (audit_rowid,))
        conn.executemany(
            "INSERT INTO answer_notes(audit_id, item_id, note, location) VALUES (?, ?, ?, ?)",
            [
                (audit_rowid, item, note, location)
                for item, (note, location) in content["notes"].items()
            ],
        )
        for action in content["actions"]:
            set_action_fields(conn, action["action"], action, action["created_at"])
        events = sorted(sources.events, key=lambda e: (clock.parse_iso(e[0]), e[1]))
        packing = self._store.checklists._packing(sources.version_rowid)
        for at, _, kind, detail_text, action_uuid in events:
            detail = json.loads(detail_text)
            if kind == "amendment":
                packed = conn.execute(
                    "SELECT answer_values FROM audits WHERE id = ?", (audit_rowid,)
                ).fetchone()[0]
                conn.execute(
                    "UPDATE audits SET answer_values = ? WHERE id = ?",
                    (packing.put(packed, detail["item"], detail["value"]), audit_rowid),
                )
                if "note" in detail or "location" in detail:
                    write_note(
                        conn,
                        audit_rowid,
                        detail["item"],
                        detail.get("note"),
                        detail.get("location"),
                    )
            elif kind == "action_raised":
                if not conn.execute(
                    "SELECT 1 FROM actions WHERE uuid = ?", (detail["action"],)
                ).fetchone():
                    insert_action(conn, audit_rowid, detail, at)
                else:
                    fresh = {"status_note": "", "comment": "", "completed_on": None}
                    set_action_fields(conn, detail["action"], {**fresh, **detail}, at)
            elif action_uuid is not None:
                fields = {k: v for k, v in detail.items() if k in MUTABLE_ACTION_FIELDS}
                if fields:
                    set_action_fields(conn, action_uuid, fields, at)


def _record_content(conn: Executor, audit_rowid: int) -> dict[str, Any]:
    """The audit as signed off, in plain data: what an exchange file carries and a merge
    compares."""
    a = conn.execute(
        "SELECT a.uuid, w.uuid, cv.content_hash, a.started_at, a.started_by, a.completed_at,"
        " a.signed_by, a.signed_role, a.team, a.ward_sex, a.answer_values"
        " FROM audits a JOIN wards w ON w.id = a.ward_id"
        " JOIN checklist_versions cv ON cv.id = a.checklist_version_id WHERE a.id = ?",
        (audit_rowid,),
    ).fetchone()
    notes = {
        r[0]: [r[1], r[2]]
        for r in conn.execute(
            "SELECT item_id, note, location FROM answer_notes WHERE audit_id = ? ORDER BY item_id",
            (audit_rowid,),
        )
    }
    actions = [
        dict(zip(ACTION_RECORD_FIELDS, r, strict=True))
        for r in conn.execute(
            "SELECT uuid, item_id, description, owner, likelihood, consequence, due, status,"
            " status_note, comment, completed_on, created_at FROM actions WHERE audit_id = ?"
            " ORDER BY item_id",
            (audit_rowid,),
        )
    ]
    photos = [
        {
            "photo": r[0],
            "item": r[1],
            "filename": r[2],
            "media_type": r[3],
            "width": r[4],
            "height": r[5],
            "added_at": r[6],
            "sha256": r[7],
        }
        for r in conn.execute(
            "SELECT uuid, item_id, filename, media_type, width, height, added_at, sha256"
            " FROM photos WHERE audit_id = ? ORDER BY uuid",
            (audit_rowid,),
        )
    ]
    return {
        "audit": a[0],
        "ward": a[1],
        "checklist": a[2],
        "started_at": a[3],
        "started_by": a[4],
        "completed_at": a[5],
        "signed_by": a[6],
        "signed_role": a[7],
        "team": json.loads(a[8]),
        "ward_sex": a[9],
        "answers": a[10],
        "notes": notes,
        "actions": actions,
        "photos": photos,
    }


_INSERT_AUDIT = (
    "INSERT INTO audits(uuid, ward_id, checklist_version_id, status, started_at, started_by,"
    " completed_at, signed_by, signed_role, team, updated_at, ward_sex, answer_values)"
    " VALUES (?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _audit_row(content: dict[str, Any], ward_rowid: int, version_rowid: int) -> tuple[Any, ...]:
    """An audit's row as its signed-off record says it."""
    return (
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
    )


def _insert_audit_parts(
    conn: Executor,
    rowid: int,
    incoming: IncomingAudit,
    photos: Mapping[str, bytes | IncomingPhoto],
    batch: PhotoBatch | ServerPhotoBatch,
) -> None:
    """What a new audit's row holds beside it: notes, actions, photos and its record."""
    content = incoming.content
    conn.executemany(
        "INSERT INTO answer_notes(audit_id, item_id, note, location) VALUES (?, ?, ?, ?)",
        [(rowid, item, note, location) for item, (note, location) in content["notes"].items()],
    )
    insert_actions(conn, rowid, content["actions"])
    for photo in content["photos"]:
        arriving = photos[photo["photo"]]
        if isinstance(arriving, IncomingPhoto):
            if arriving.temp is None:
                raise InvalidInput("a photo of the exchange file was checked but not kept")
            stored = batch.put_temp(arriving.temp, arriving.sha256, arriving.size)
        else:
            stored = batch.put(arriving)
        if stored.sha256 != photo["sha256"]:
            raise InvalidInput("a photo in the exchange file does not match its audit record")
        insert_photo(
            conn,
            photo["photo"],
            rowid,
            photo["item"],
            filename=photo["filename"],
            media_type=photo["media_type"],
            width=photo["width"],
            height=photo["height"],
            added_at=photo["added_at"],
            sha256=stored.sha256,
            size=stored.size,
            data=stored.data,
        )
    conn.execute(
        "INSERT INTO audit_records(audit_id, content, digest) VALUES (?, ?, ?)",
        (rowid, incoming.text, incoming.digest),
    )
