"""The SQLite store: every user action is one transaction, durable when it returns.

WAL mode with ``synchronous=FULL`` and foreign keys on; the schema version lives in
``PRAGMA user_version`` and numbered migrations run after a backup. ``quick_check`` runs
at open, and a damaged file is reported, never replaced. One writer at a time: a second
copy of WardAudit on the same database is refused with a clear message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import filelock

from wardaudit import backups, clock, location
from wardaudit.checklist import DESIGNATIONS, Checklist, from_canonical_json
from wardaudit.errors import (
    AuditIncomplete,
    AuditLocked,
    DatabaseDamaged,
    DatabaseInUse,
    DatabaseTooNew,
    DiskFull,
    InvalidInput,
    NotFound,
    StoreError,
)
from wardaudit.model import (
    ACTION_STATUSES,
    Action,
    ActionChange,
    Answer,
    Audit,
    AuditRecord,
    AuditSummary,
    HistoryEvent,
    Photo,
    Site,
    TeamMember,
    Ward,
)
from wardaudit.risk import DEFAULT_MATRIX, RiskMatrix
from wardaudit.scoring import ANSWER_WORDS, BulkScore, Packing, allowed_answers, score_audit

log = logging.getLogger(__name__)

TRUST_NAME_SETTING = "trust_name"  # the trust's name, printed on documents
APPLICATION_ID = 0x57415244  # "WARD": marks a file as a WardAudit database

# Each migration is a list of statements run in one transaction with its version bump.
MIGRATIONS: list[list[str]] = [
    # 1: the first schema
    [
        """CREATE TABLE sites(
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE wards(
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            site_id INTEGER NOT NULL REFERENCES sites(id),
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            service TEXT NOT NULL DEFAULT '',
            sex TEXT NOT NULL CHECK (sex IN ('male', 'female', 'mixed')),
            beds INTEGER CHECK (beds IS NULL OR beds >= 0),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        """CREATE TABLE checklist_versions(
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            checklist_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            content TEXT NOT NULL,
            registered_at TEXT NOT NULL)""",
        """CREATE TABLE audits(
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            ward_id INTEGER NOT NULL REFERENCES wards(id),
            checklist_version_id INTEGER NOT NULL REFERENCES checklist_versions(id),
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
            started_at TEXT NOT NULL,
            started_by TEXT NOT NULL DEFAULT '',
            completed_at TEXT,
            signed_by TEXT,
            signed_role TEXT,
            team TEXT NOT NULL DEFAULT '[]',
            current_item TEXT,
            updated_at TEXT NOT NULL,
            ward_sex TEXT NOT NULL CHECK (ward_sex IN ('male', 'female', 'mixed')),
            answer_values TEXT NOT NULL)""",
        "CREATE INDEX audits_by_ward ON audits(ward_id, status, completed_at)",
        # Answers are packed one character per checklist item, in checklist order ('.' not
        # answered or not applicable, then y/p/n/a), in the audit's own row: saving an
        # answer rewrites one small row, and 50,000 audits stay a compact file that
        # quick_check reads in a moment. Notes and locations, where given, sit beside.
        """CREATE TABLE answer_notes(
            audit_id INTEGER NOT NULL REFERENCES audits(id),
            item_id TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            location TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (audit_id, item_id)) WITHOUT ROWID""",
        """CREATE TABLE actions(
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            audit_id INTEGER NOT NULL REFERENCES audits(id),
            item_id TEXT NOT NULL,
            description TEXT NOT NULL,
            owner TEXT NOT NULL,
            likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
            consequence INTEGER NOT NULL CHECK (consequence BETWEEN 1 AND 5),
            due TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('open', 'in_progress', 'done', 'verified', 'cannot_do')),
            status_note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (audit_id, item_id))""",
        "CREATE INDEX actions_by_status ON actions(status, due)",
        """CREATE TABLE events(
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            audit_id INTEGER REFERENCES audits(id),
            action_id INTEGER,  -- no foreign key: a withdrawn action's history outlives it
            detail TEXT NOT NULL DEFAULT '{}')""",
        "CREATE INDEX events_by_audit ON events(audit_id)",
        "CREATE INDEX events_by_action ON events(action_id)",
        """CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
           BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END""",
        """CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
           BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END""",
        "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ],
    # 2: the ward's areas (for answer locations) and photos stored with the audit
    [
        "ALTER TABLE wards ADD COLUMN areas TEXT NOT NULL DEFAULT '[]'",
        """CREATE TABLE photos(
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            audit_id INTEGER NOT NULL REFERENCES audits(id),
            item_id TEXT NOT NULL,
            filename TEXT NOT NULL,
            media_type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            data BLOB NOT NULL,
            added_at TEXT NOT NULL)""",
        "CREATE INDEX photos_by_audit ON photos(audit_id, item_id)",
    ],
    # 3: what estates send back: a comment and the date the work was completed
    [
        "ALTER TABLE actions ADD COLUMN comment TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE actions ADD COLUMN completed_on TEXT",
    ],
    # 4: the signed-off record of each audit, which never changes, and which history events
    # came after sign-off: laptops and the board merge records and events, then replay
    [
        """CREATE TABLE audit_records(
            audit_id INTEGER PRIMARY KEY REFERENCES audits(id),
            content TEXT NOT NULL,
            digest TEXT NOT NULL)""",
        "ALTER TABLE events ADD COLUMN after_signoff INTEGER NOT NULL DEFAULT 0",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)

_AUDIT_SELECT = """
    SELECT a.id, a.uuid, a.status, a.started_at, a.started_by, a.completed_at, a.signed_by,
           a.signed_role, a.team, a.current_item, a.checklist_version_id,
           cv.checklist_id, cv.version, cv.title,
           w.uuid, w.name, s.name, a.ward_sex, w.service, w.beds, w.areas
    FROM audits a
    JOIN wards w ON w.id = a.ward_id
    JOIN sites s ON s.id = w.site_id
    JOIN checklist_versions cv ON cv.id = a.checklist_version_id
"""

_ACTION_SELECT = """
    SELECT ac.uuid, a.uuid, ac.item_id, ac.description, ac.owner, ac.due, ac.status,
           ac.status_note, ac.likelihood, ac.consequence, ac.created_at, ac.updated_at,
           w.name, s.name, COALESCE(an.location, ''), COALESCE(an.note, ''), a.answer_values,
           ac.comment, ac.completed_on, w.uuid, a.checklist_version_id
    FROM actions ac
    JOIN audits a ON a.id = ac.audit_id
    JOIN wards w ON w.id = a.ward_id
    JOIN sites s ON s.id = w.site_id
    LEFT JOIN answer_notes an ON an.audit_id = ac.audit_id AND an.item_id = ac.item_id
"""


_ACTION_RECORD_FIELDS = (
    "action",
    "item",
    "description",
    "owner",
    "likelihood",
    "consequence",
    "due",
    "status",
    "status_note",
    "comment",
    "completed_on",
    "created_at",
)
_MUTABLE_ACTION_FIELDS = frozenset(_ACTION_RECORD_FIELDS) - {"action", "item", "created_at"}


def canonical_json(value: object) -> str:
    """One spelling of a value, so equal content always has the same digest."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# Events that make up the signed-off record itself rather than coming after it.
_RECORD_KINDS = frozenset({"audit_completed", "audit_imported"})


def new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class _AuditRow:
    rowid: int
    uuid: str
    status: str
    checklist_version_id: int
    ward_sex: str


class Store:
    """The WardAudit database. Open with :meth:`open`; use as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: filelock.BaseFileLock | None):
        self.path = path
        self._conn = conn
        self._closed = False
        self._lock = lock
        self._mutex = threading.RLock()
        self._checklists: dict[int, Checklist] = {}
        self._packings: dict[int, Packing] = {}
        self._changes_at_open = conn.total_changes
        self._changes_at_backup = conn.total_changes
        self._uncounted_changes = 0  # bookkeeping writes that are not the user's data
        self.readonly = lock is None
        self.warnings: list[str] = []
        self.risk_matrix: RiskMatrix = DEFAULT_MATRIX

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False, create: bool = True) -> Store:
        """Open (or create) the database at ``path`` for this process.

        Raises DatabaseInUse if another process has it open for writing, DatabaseDamaged
        if it fails its integrity check, DatabaseTooNew if a newer WardAudit wrote it.
        """
        path = Path(path).expanduser().absolute()
        if not path.parent.is_dir():
            raise StoreError(
                f"the folder {path.parent} does not exist; check the path "
                "(WardAudit will not create a database in a folder that is not there)"
            )
        exists = path.exists() and path.stat().st_size > 0
        if not exists and (readonly or not create):
            raise NotFound(f"there is no WardAudit database at {path}")
        lock = None
        if not readonly:
            lock = filelock.FileLock(
                str(path) + ".lock", timeout=0, is_singleton=False, thread_local=False
            )
            try:
                lock.acquire()
            except filelock.Timeout:
                raise DatabaseInUse(
                    f"the database {path} is already open in another copy of WardAudit. "
                    "Close the other copy (or wait for its command to finish), then try again."
                ) from None
        try:
            conn = cls._connect(path, readonly=readonly)
            store = cls(path, conn, lock)
            store.warnings = location.warnings_for(path)
            store._check_integrity(exists)
            if not readonly:
                store._migrate(existed=exists)
            elif store._user_version() != SCHEMA_VERSION:
                raise StoreError(
                    f"the database {path} needs upgrading; open it once without --readonly"
                )
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        log.info("opened %s (schema %s)", path, SCHEMA_VERSION)
        return store

    @staticmethod
    def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
        if readonly:
            conn = sqlite3.connect(
                f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
        else:
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout = 5000")
        return conn

    def _check_integrity(self, existed: bool) -> None:
        try:
            if existed:
                app_id = self._conn.execute("PRAGMA application_id").fetchone()[0]
                tables = self._conn.execute(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                ).fetchone()[0]
                if app_id != APPLICATION_ID and (app_id != 0 or tables > 0):
                    raise StoreError(
                        f"{self.path} is not a WardAudit database (it belongs to another "
                        "program). Nothing has been changed; choose a different file."
                    )
                rows = self._conn.execute("PRAGMA quick_check").fetchall()
                if [r[0] for r in rows] != ["ok"]:
                    detail = "; ".join(str(r[0]) for r in rows[:3])
                    raise DatabaseDamaged(self.path, detail, backups.newest_good(self.path))
            if not self.readonly:
                mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    self.warnings.append(f"the database could not use WAL mode (got {mode})")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            self._conn.close()
            if "locked" in str(error) or "busy" in str(error):
                raise DatabaseInUse(f"the database {self.path} is busy: {error}") from None
            raise DatabaseDamaged(self.path, str(error), backups.newest_good(self.path)) from None
        except StoreError:
            self._conn.close()
            raise

    def _user_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, *, existed: bool) -> None:
        current = self._user_version()
        if current > SCHEMA_VERSION:
            self._conn.close()
            raise DatabaseTooNew(
                f"the database {self.path} was written by a newer WardAudit (schema {current}; "
                f"this copy knows {SCHEMA_VERSION}). Install the newer WardAudit to open it."
            )
        if current == SCHEMA_VERSION:
            return
        if existed and current > 0:
            backups.make(self._conn, self.path, f"before-migration-{current}-to-{SCHEMA_VERSION}")
        for number in range(current + 1, SCHEMA_VERSION + 1):
            with self._transaction() as conn:
                for statement in MIGRATIONS[number - 1]:
                    conn.execute(statement)
                if number == 1:
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {number}")
            log.info("migrated %s to schema %s", self.path, number)

    def close(self, *, backup: bool = True, min_backup_age_s: float = 3600) -> None:
        """Close, making a backup first if this session changed anything.

        The command line closes after every command, so it asks for a backup only when the
        newest one is older than ``min_backup_age_s``; the app passes 0 when it quits.
        """
        with self._mutex:
            if self._closed:
                return
            try:
                changed = self.data_changed_since_open()
                if (
                    backup
                    and changed
                    and not self.readonly
                    and backups.age_of_newest(self.path) >= min_backup_age_s
                ):
                    backups.make(self._conn, self.path, "on-close")
                if not self.readonly:
                    self._conn.execute("PRAGMA optimize")
            finally:
                self._conn.close()
                self._closed = True
                if self._lock is not None:
                    self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backup_now(self, reason: str = "manual") -> Path:
        with self._mutex:
            made = backups.make(self._conn, self.path, reason)
            self._changes_at_backup = self._counted_changes()
            return made

    def _counted_changes(self) -> int:
        return int(self._conn.total_changes) - self._uncounted_changes

    def data_changed_since_open(self) -> bool:
        return self._counted_changes() != self._changes_at_open

    def data_changed_since_backup(self) -> bool:
        """Whether anything the user entered changed since the last backup this session."""
        return self._counted_changes() != self._changes_at_backup

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action: all of it committed durably, or none of it."""
        if self.readonly:
            raise StoreError("the database is open read-only; this change was not made")
        with self._mutex:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise self._translate(error) from None
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as error:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.OperationalError):
                    raise self._translate(error) from None
                raise

    def _translate(self, error: sqlite3.OperationalError) -> StoreError:
        text = str(error)
        if "full" in text:
            return DiskFull(
                f"the disk holding {self.path} is full, so the last change was NOT saved. "
                "Free some space, then try again; everything saved before is safe."
            )
        if "locked" in text or "busy" in text:
            return DatabaseInUse(f"the database {self.path} is busy in another program: {text}")
        return StoreError(f"the database could not be changed: {text}")

    def _event(
        self,
        conn: sqlite3.Connection,
        kind: str,
        *,
        actor: str = "",
        audit_rowid: int | None = None,
        action_rowid: int | None = None,
        details: dict[str, object] | None = None,
        at: str | None = None,
        **detail: object,
    ) -> None:
        """Append to the history. Events on a signed-off audit are marked as coming after
        sign-off: they are what a merge replays on top of the audit's record."""
        detail = {**(details or {}), **detail}
        if action_rowid is not None:
            found = conn.execute(
                "SELECT a.status, a.id FROM actions ac JOIN audits a ON a.id = ac.audit_id"
                " WHERE ac.id = ?",
                (action_rowid,),
            ).fetchone()
        elif audit_rowid is not None:
            found = conn.execute(
                "SELECT status, id FROM audits WHERE id = ?", (audit_rowid,)
            ).fetchone()
        else:
            found = None
        after = found is not None and found[0] == "completed" and kind not in _RECORD_KINDS
        if found is not None and audit_rowid is None:
            audit_rowid = int(found[1])
        conn.execute(
            "INSERT INTO events(uuid, at, kind, actor, audit_id, action_id, detail, after_signoff)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new_uuid(),
                at or clock.now_precise(),
                kind,
                actor,
                audit_rowid,
                action_rowid,
                json.dumps(detail, ensure_ascii=False, sort_keys=True),
                int(after),
            ),
        )

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._mutex:
            return self._conn.execute(sql, params).fetchall()

    # --- settings ------------------------------------------------------------------------

    def setting(self, key: str, default: str = "") -> str:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else default

    def set_setting(self, key: str, value: str, *, bookkeeping: bool = False) -> None:
        """Save a setting; ``bookkeeping`` ones (a session marker) do not call for a backup."""
        before = self._conn.total_changes
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        if bookkeeping:
            self._uncounted_changes += self._conn.total_changes - before

    def delete_setting(self, key: str, *, bookkeeping: bool = False) -> None:
        before = self._conn.total_changes
        with self._transaction() as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        if bookkeeping:
            self._uncounted_changes += self._conn.total_changes - before

    # --- sites and wards -----------------------------------------------------------------

    def sites(self) -> list[Site]:
        return [Site(r[0], r[1]) for r in self._query("SELECT uuid, name FROM sites ORDER BY name")]

    def site(self, name: str) -> Site:
        rows = self._query("SELECT uuid, name FROM sites WHERE name = ?", (name,))
        if not rows:
            known = ", ".join(s.name for s in self.sites()) or "none yet"
            raise NotFound(f"no site called '{name}' (sites: {known})")
        return Site(rows[0][0], rows[0][1])

    def _site_rowid(self, conn: sqlite3.Connection, name: str) -> int:
        name = name.strip()
        if not name:
            raise InvalidInput("a site needs a name")
        row = conn.execute("SELECT id FROM sites WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        cursor = conn.execute(
            "INSERT INTO sites(uuid, name, created_at) VALUES (?, ?, ?)",
            (new_uuid(), name, clock.now_iso()),
        )
        self._event(conn, "site_added", site=name)
        return int(cursor.lastrowid or 0)

    def add_ward(
        self,
        *,
        site: str,
        name: str,
        sex: str,
        service: str = "",
        beds: int | None = None,
        areas: Sequence[str] = (),
        actor: str = "",
    ) -> Ward:
        """Add a ward (and its site, if new). Ward names are unique within a database."""
        name = name.strip()
        self._check_ward_fields(name, sex, beds)
        clean_areas = _clean_areas(areas)
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM wards WHERE name = ?", (name,)).fetchone():
                raise InvalidInput(
                    f"there is already a ward called '{name}'; ward names must be unique"
                )
            site_rowid = self._site_rowid(conn, site)
            ward_uuid = new_uuid()
            now = clock.now_iso()
            conn.execute(
                "INSERT INTO wards(uuid, site_id, name, service, sex, beds, areas, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ward_uuid,
                    site_rowid,
                    name,
                    service.strip(),
                    sex,
                    beds,
                    json.dumps(clean_areas),
                    now,
                    now,
                ),
            )
            self._event(
                conn,
                "ward_added",
                actor=actor,
                ward=ward_uuid,
                name=name,
                site=site,
                sex=sex,
                service=service,
                beds=beds,
            )
        return self.ward(ward_uuid)

    def update_ward(
        self,
        ward_ref: str,
        *,
        site: str,
        name: str,
        sex: str,
        service: str = "",
        beds: int | None = None,
        areas: Sequence[str] = (),
        actor: str = "",
    ) -> Ward:
        ward = self.ward(ward_ref)
        name = name.strip()
        self._check_ward_fields(name, sex, beds)
        with self._transaction() as conn:
            clash = conn.execute(
                "SELECT 1 FROM wards WHERE name = ? AND uuid != ?", (name, ward.id)
            ).fetchone()
            if clash:
                raise InvalidInput(
                    f"there is already a ward called '{name}'; ward names must be unique"
                )
            if (
                sex != ward.sex
                and conn.execute(
                    "SELECT 1 FROM audits a JOIN wards w ON w.id = a.ward_id"
                    " WHERE w.uuid = ? AND a.status = 'in_progress'",
                    (ward.id,),
                ).fetchone()
            ):
                raise InvalidInput(
                    f"{ward.name} has an audit in progress; finish it before changing the "
                    "ward's designation (it decides which items apply)"
                )
            site_rowid = self._site_rowid(conn, site)
            conn.execute(
                "UPDATE wards SET site_id = ?, name = ?, service = ?, sex = ?, beds = ?, areas = ?,"
                " updated_at = ? WHERE uuid = ?",
                (
                    site_rowid,
                    name,
                    service.strip(),
                    sex,
                    beds,
                    json.dumps(_clean_areas(areas)),
                    clock.now_iso(),
                    ward.id,
                ),
            )
            self._event(
                conn,
                "ward_changed",
                actor=actor,
                ward=ward.id,
                name=name,
                site=site,
                sex=sex,
                service=service,
                beds=beds,
                areas=list(areas),
            )
        return self.ward(ward.id)

    @staticmethod
    def _check_ward_fields(name: str, sex: str, beds: int | None) -> None:
        if not name:
            raise InvalidInput("a ward needs a name")
        if sex not in DESIGNATIONS:
            raise InvalidInput(f"a ward's designation must be male, female or mixed (not '{sex}')")
        if beds is not None and (not isinstance(beds, int) or beds < 0 or beds > 500):
            raise InvalidInput(f"beds must be a whole number from 0 to 500 (not {beds})")

    _WARD_SELECT = (
        "SELECT w.uuid, w.name, s.name, w.sex, w.service, w.beds, w.areas"
        " FROM wards w JOIN sites s ON s.id = w.site_id"
    )

    def wards(self, site: str | None = None) -> list[Ward]:
        sql = self._WARD_SELECT
        params: tuple[Any, ...] = ()
        if site:
            sql += " WHERE s.name = ?"
            params = (site,)
        return [_ward(r) for r in self._query(sql + " ORDER BY s.name, w.name", params)]

    def ward(self, ref: str) -> Ward:
        """A ward by its id or its exact name."""
        rows = self._query(self._WARD_SELECT + " WHERE w.uuid = ? OR w.name = ?", (ref, ref))
        if not rows:
            raise NotFound(f"no ward with the id or name '{ref}' (see 'wardaudit wards list')")
        return _ward(rows[0])

    # --- checklists ----------------------------------------------------------------------

    def register_checklist(self, checklist: Checklist) -> int:
        """Keep the exact content of a checklist version so audits stay pinned to it."""
        row = self._query(
            "SELECT id FROM checklist_versions WHERE content_hash = ?", (checklist.content_hash,)
        )
        if row:
            return int(row[0][0])
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO checklist_versions(content_hash, checklist_id, version, title,"
                " content, registered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    checklist.content_hash,
                    checklist.id,
                    checklist.version,
                    checklist.title,
                    checklist.canonical_json,
                    clock.now_iso(),
                ),
            )
            return int(cursor.lastrowid or 0)

    def _checklist(self, version_rowid: int) -> Checklist:
        cached = self._checklists.get(version_rowid)
        if cached is None:
            rows = self._query(
                "SELECT content, checklist_id, version FROM checklist_versions WHERE id = ?",
                (version_rowid,),
            )
            content, checklist_id, version = rows[0]
            cached = from_canonical_json(content, f"{checklist_id} v{version} (stored)")
            self._checklists[version_rowid] = cached
        return cached

    def checklist_of(self, audit_ref: str) -> Checklist:
        return self._checklist(self._audit_row(audit_ref).checklist_version_id)

    # --- audits --------------------------------------------------------------------------

    def _packing(self, version_rowid: int) -> Packing:
        packing = self._packings.get(version_rowid)
        if packing is None:
            packing = Packing(self._checklist(version_rowid))
            self._packings[version_rowid] = packing
        return packing

    def _audit_row(self, ref: str, conn: sqlite3.Connection | None = None) -> _AuditRow:
        """An audit by its id, or by a unique beginning of it (at least 8 characters)."""
        ref = ref.strip()
        sql = "SELECT id, uuid, status, checklist_version_id, ward_sex FROM audits WHERE "
        executor = conn or self._conn
        with self._mutex:
            rows = executor.execute(sql + "uuid = ?", (ref,)).fetchall()
            if not rows and len(ref) >= 8:
                pattern = ref.replace("%", "").replace("_", "") + "%"
                rows = executor.execute(sql + "uuid LIKE ? LIMIT 2", (pattern,)).fetchall()
                if len(rows) > 1:
                    raise InvalidInput(f"'{ref}' matches more than one audit; give more of its id")
        if not rows:
            raise NotFound(f"no audit with the id '{ref}' (see 'wardaudit audits list')")
        r = rows[0]
        return _AuditRow(int(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4]))

    def start_audit(self, ward_ref: str, checklist: Checklist, *, by: str = "") -> Audit:
        """Start an audit of a ward, pinned to this exact checklist content."""
        ward = self.ward(ward_ref)
        if not checklist.applicable_items(ward.sex):
            raise InvalidInput(f"no item of {checklist.label} applies to a {ward.sex} ward")
        version_rowid = self.register_checklist(checklist)
        with self._transaction() as conn:
            existing = conn.execute(
                "SELECT a.uuid FROM audits a JOIN wards w ON w.id = a.ward_id"
                " WHERE w.uuid = ? AND a.status = 'in_progress'",
                (ward.id,),
            ).fetchone()
            if existing:
                raise InvalidInput(
                    f"{ward.name} already has an audit in progress ({existing[0]}); resume it "
                    "or finish it before starting another"
                )
            ward_rowid = conn.execute("SELECT id FROM wards WHERE uuid = ?", (ward.id,)).fetchone()[
                0
            ]
            audit_uuid = new_uuid()
            now = clock.now_iso()
            cursor = conn.execute(
                "INSERT INTO audits(uuid, ward_id, checklist_version_id, status, started_at,"
                " started_by, updated_at, ward_sex, answer_values)"
                " VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?, ?)",
                (
                    audit_uuid,
                    ward_rowid,
                    version_rowid,
                    now,
                    by.strip(),
                    now,
                    ward.sex,
                    self._packing(version_rowid).blank(),
                ),
            )
            self._event(
                conn,
                "audit_started",
                actor=by,
                audit_rowid=cursor.lastrowid,
                ward=ward.id,
                checklist=checklist.id,
                version=checklist.version,
                content_hash=checklist.content_hash,
            )
        return self.audit(audit_uuid).audit

    def record_answer(
        self,
        audit_ref: str,
        item_id: str,
        value: str,
        *,
        note: str | None = None,
        location: str | None = None,
        actor: str = "",
    ) -> Answer:
        """Record one answer durably; on No or Partly raise the item's action if not yet raised.

        Returns only after the answer is committed with ``synchronous=FULL``. A note or
        location left as None keeps what was there.
        """
        row = self._audit_row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(
                f"audit {row.uuid} is signed off and locked; record a change as an amendment "
                "with a reason"
            )
        return self._write_answer(row, item_id, value, note, location, actor, kind="answer")

    def _check_answer(self, row: _AuditRow, item_id: str, value: str | None) -> Any:
        checklist = self._checklist(row.checklist_version_id)
        item = checklist.item(item_id)
        if not item.applies(row.ward_sex):
            raise InvalidInput(f"item {item_id} does not apply to a {row.ward_sex} ward")
        if value is not None and value not in allowed_answers(item):
            allowed = ", ".join(allowed_answers(item))
            extra = " (critical items are met or not: no Partly)" if item.critical else ""
            raise InvalidInput(
                f"'{value}' is not an answer for item {item_id}; use {allowed}{extra}"
            )
        return item

    def _write_answer(
        self,
        row: _AuditRow,
        item_id: str,
        value: str,
        note: str | None,
        location: str | None,
        actor: str,
        *,
        kind: str,
        reason: str = "",
    ) -> Answer:
        item = self._check_answer(row, item_id, value)
        packing = self._packing(row.checklist_version_id)
        now = clock.now_precise()
        with self._transaction() as conn:
            status, packed = conn.execute(
                "SELECT status, answer_values FROM audits WHERE id = ?", (row.rowid,)
            ).fetchone()
            if kind == "answer" and status != "in_progress":
                raise AuditLocked(f"audit {row.uuid} is signed off and locked")
            previous = packing.value_of(packed, item_id)
            conn.execute(
                "UPDATE audits SET answer_values = ?, updated_at = ? WHERE id = ?",
                (packing.put(packed, item_id, value), now, row.rowid),
            )
            old_note, old_location, new_note, new_location = self._write_note(
                conn, row.rowid, item_id, note, location
            )
            # A first answer is its own record; the history keeps what replaced an earlier
            # answer, and every amendment with its reason.
            details_changed = (old_note, old_location) != (new_note, new_location)
            if kind != "answer" or (
                previous is not None and (previous != value or details_changed)
            ):
                detail: dict[str, object] = {"item": item_id, "value": value}
                if previous is not None:
                    detail["previous"] = previous
                if old_note != new_note:
                    detail["note"] = new_note
                    detail["previous_note"] = old_note
                if old_location != new_location:
                    detail["location"] = new_location
                if reason:
                    detail["reason"] = reason
                event_kind = kind
                if kind == "answer":
                    event_kind = "answer_changed" if previous != value else "answer_details"
                self._event(
                    conn, event_kind, actor=actor, audit_rowid=row.rowid, details=detail, at=now
                )
            if value in ("no", "partial") or previous in ("no", "partial"):
                self._sync_action(conn, row, status, item, value, actor, now)
        return Answer(item_id, item.section_id, value, new_note, new_location, now)

    def _write_note(
        self,
        conn: sqlite3.Connection,
        audit_rowid: int,
        item_id: str,
        note: str | None,
        location: str | None,
    ) -> tuple[str, str, str, str]:
        """Keep an answer's note and location; returns (old note, old location, new, new)."""
        if note is None and location is None:
            return "", "", "", ""
        found = conn.execute(
            "SELECT note, location FROM answer_notes WHERE audit_id = ? AND item_id = ?",
            (audit_rowid, item_id),
        ).fetchone()
        old_note, old_location = found if found else ("", "")
        new_note = old_note if note is None else note.strip()
        new_location = old_location if location is None else location.strip()
        if (new_note, new_location) == (old_note, old_location):
            return old_note, old_location, new_note, new_location
        if new_note or new_location:
            conn.execute(
                "INSERT INTO answer_notes(audit_id, item_id, note, location) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(audit_id, item_id) DO UPDATE SET note = excluded.note,"
                " location = excluded.location",
                (audit_rowid, item_id, new_note, new_location),
            )
        else:
            conn.execute(
                "DELETE FROM answer_notes WHERE audit_id = ? AND item_id = ?",
                (audit_rowid, item_id),
            )
        return old_note, old_location, new_note, new_location

    def _sync_action(
        self,
        conn: sqlite3.Connection,
        row: _AuditRow,
        status: str,
        item: Any,
        value: str | None,
        actor: str,
        now: str,
    ) -> None:
        existing = conn.execute(
            "SELECT id, uuid FROM actions WHERE audit_id = ? AND item_id = ?", (row.rowid, item.id)
        ).fetchone()
        if value in ("no", "partial"):
            if existing:
                return
            raised = self._withdrawn_fields(conn, row.rowid, item.id)
            if raised is None:
                rating = self.risk_matrix.rate(item.risk.likelihood, item.risk.consequence)
                raised = {
                    "item": item.id,
                    "description": item.action,
                    "owner": item.owner,
                    "likelihood": rating.likelihood,
                    "consequence": rating.consequence,
                    "due": self.risk_matrix.due_date(rating, clock.today()).isoformat(),
                }
            raised = {**raised, "action": new_uuid(), "status": "open"}
            band = self.risk_matrix.rate(raised["likelihood"], raised["consequence"]).band
            action_rowid = self._insert_action(conn, row.rowid, raised, now)
            self._event(
                conn,
                "action_raised",
                actor=actor,
                audit_rowid=row.rowid,
                action_rowid=action_rowid,
                details={**raised, "band": band},
                at=now,
            )
        elif existing and status == "in_progress":
            # The item is met (or N/A) after all, before sign-off: the action was never issued.
            # Its details go into the history, so an undo brings it back as she had left it.
            kept = conn.execute(
                "SELECT description, owner, likelihood, consequence, due FROM actions WHERE id = ?",
                (existing[0],),
            ).fetchone()
            self._event(
                conn,
                "action_withdrawn",
                actor=actor,
                audit_rowid=row.rowid,
                item=item.id,
                action=existing[1],
                fields=dict(
                    zip(
                        ("description", "owner", "likelihood", "consequence", "due"),
                        kept,
                        strict=True,
                    )
                ),
            )
            conn.execute("DELETE FROM actions WHERE id = ?", (existing[0],))
        elif existing and value is not None:
            self._event(
                conn,
                "action_note",
                actor=actor,
                audit_rowid=row.rowid,
                action_rowid=existing[0],
                note=f"the answer was amended to {ANSWER_WORDS[value]}",
            )

    @staticmethod
    def _withdrawn_fields(
        conn: sqlite3.Connection, audit_rowid: int, item_id: str
    ) -> dict[str, Any] | None:
        """The details of this item's last withdrawn action in this audit, if it had one."""
        found = conn.execute(
            "SELECT json_extract(detail, '$.fields') FROM events WHERE audit_id = ?"
            " AND kind = 'action_withdrawn' AND json_extract(detail, '$.item') = ?"
            " ORDER BY id DESC LIMIT 1",
            (audit_rowid, item_id),
        ).fetchone()
        if found is None or found[0] is None:
            return None
        fields: dict[str, Any] = json.loads(found[0])
        return {"item": item_id, **fields}

    @staticmethod
    def _insert_action(
        conn: sqlite3.Connection, audit_rowid: int, fields: dict[str, Any], now: str
    ) -> int:
        """Insert an action from its plain fields (as raised, or as a record carries it)."""
        cursor = conn.execute(
            "INSERT INTO actions(uuid, audit_id, item_id, description, owner, likelihood,"
            " consequence, due, status, status_note, comment, completed_on, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                fields["action"],
                audit_rowid,
                fields["item"],
                fields["description"],
                fields["owner"],
                fields["likelihood"],
                fields["consequence"],
                fields["due"],
                fields.get("status", "open"),
                fields.get("status_note", ""),
                fields.get("comment", ""),
                fields.get("completed_on"),
                fields.get("created_at", now),
                now,
            ),
        )
        return int(cursor.lastrowid or 0)

    @staticmethod
    def _set_action_fields(
        conn: sqlite3.Connection, action_uuid: str, fields: dict[str, Any], at: str
    ) -> None:
        changes = {k: v for k, v in fields.items() if k in _MUTABLE_ACTION_FIELDS}
        sets = "".join(f"{k} = ?, " for k in changes)
        conn.execute(
            f"UPDATE actions SET {sets}updated_at = ? WHERE uuid = ?",
            (*changes.values(), at, action_uuid),
        )

    def clear_answer(self, audit_ref: str, item_id: str, *, actor: str = "") -> None:
        """Take an answer back (undo), withdrawing its action if one was raised."""
        row = self._audit_row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is signed off and locked")
        item = self._check_answer(row, item_id, None)
        packing = self._packing(row.checklist_version_id)
        now = clock.now_iso()
        with self._transaction() as conn:
            status, packed = conn.execute(
                "SELECT status, answer_values FROM audits WHERE id = ?", (row.rowid,)
            ).fetchone()
            if status != "in_progress":
                raise AuditLocked(f"audit {row.uuid} is signed off and locked")
            previous = packing.value_of(packed, item_id)
            if previous is None:
                return
            conn.execute(
                "UPDATE audits SET answer_values = ?, updated_at = ?, current_item = ? WHERE id = ?",
                (packing.put(packed, item_id, None), now, item_id, row.rowid),
            )
            self._event(
                conn,
                "answer_cleared",
                actor=actor,
                audit_rowid=row.rowid,
                item=item_id,
                previous=previous,
            )
            self._sync_action(conn, row, status, item, None, actor, now)

    def set_current_item(self, audit_ref: str, item_id: str) -> None:
        """Remember where the auditor is, so a resumed audit reopens at the same item.

        This is a place in the list, not something she entered: it is written without
        waiting for the disk, so moving between items stays instant.
        """
        row = self._audit_row(audit_ref)
        if row.status != "in_progress":
            return
        with self._mutex:
            self._conn.execute("PRAGMA synchronous = NORMAL")
            try:
                with self._transaction() as conn:
                    conn.execute(
                        "UPDATE audits SET current_item = ? WHERE id = ?", (item_id, row.rowid)
                    )
            finally:
                self._conn.execute("PRAGMA synchronous = FULL")

    def complete_audit(
        self,
        audit_ref: str,
        *,
        by: str,
        role: str,
        team: Sequence[TeamMember] = (),
    ) -> AuditRecord:
        """Sign off and lock an audit; refused (naming them) while items are unanswered."""
        if not by.strip() or not role.strip():
            raise InvalidInput("sign-off needs the auditor's name and role")
        row = self._audit_row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is already signed off and locked")
        record = self.audit(row.uuid)
        record_packed = self._query("SELECT answer_values FROM audits WHERE id = ?", (row.rowid,))[
            0
        ][0]
        missing = record.unanswered()
        if missing:
            raise AuditIncomplete(
                f"{len(missing)} item(s) still need an answer before sign-off: "
                + ", ".join(missing),
                missing,
            )
        team_json = _team_json(team)
        now = clock.now_iso()
        with self._transaction() as conn:
            changed = conn.execute(
                "UPDATE audits SET status = 'completed', completed_at = ?, signed_by = ?,"
                " signed_role = ?, team = ?, updated_at = ?, current_item = NULL"
                " WHERE id = ? AND status = 'in_progress' AND answer_values = ?",
                (now, by.strip(), role.strip(), team_json, now, row.rowid, record_packed),
            ).rowcount
            if changed != 1:
                raise AuditLocked(
                    f"audit {row.uuid} changed while it was being signed off (or is already "
                    "locked); look at it again, then sign off"
                )
            self._write_record(conn, row.rowid)
            score = record.score
            self._event(
                conn,
                "audit_completed",
                actor=by,
                audit_rowid=row.rowid,
                role=role,
                team=json.loads(team_json),
                overall=score.overall_float,
                rating=score.rating,
                critical_breach=score.critical_breach,
            )
        return self.audit(row.uuid)

    def amend_answer(
        self,
        audit_ref: str,
        item_id: str,
        value: str,
        *,
        reason: str,
        by: str,
        note: str | None = None,
        location: str | None = None,
    ) -> Answer:
        """Correct a signed-off audit: the change and its reason join the history."""
        if not reason.strip():
            raise InvalidInput("an amendment needs a reason")
        if not by.strip():
            raise InvalidInput("an amendment needs the name of the person making it")
        row = self._audit_row(audit_ref)
        if row.status != "completed":
            raise InvalidInput("this audit is still in progress; change the answer directly")
        return self._write_answer(
            row, item_id, value, note, location, by, kind="amendment", reason=reason.strip()
        )

    def import_audit(
        self,
        ward_ref: str,
        checklist: Checklist,
        *,
        answers: dict[str, tuple[str, str, str]],
        started_at: str,
        completed_at: str,
        by: str,
        role: str,
        team: Sequence[TeamMember] = (),
    ) -> str:
        """Record a whole audit answered elsewhere (the demo trust's history) in one transaction.

        ``answers`` maps item id to (value, note, location); every applicable item must be
        answered. Actions are raised as they would have been, dated from ``completed_at``.
        """
        ward = self.ward(ward_ref)
        applicable = checklist.applicable_items(ward.sex)
        missing = [item.id for item in applicable if item.id not in answers]
        if missing:
            raise AuditIncomplete("unanswered: " + ", ".join(missing), missing)
        for item in applicable:
            if answers[item.id][0] not in allowed_answers(item):
                raise InvalidInput(f"'{answers[item.id][0]}' is not an answer for item {item.id}")
        version_rowid = self.register_checklist(checklist)
        packing = self._packing(version_rowid)
        packed = packing.blank()
        for item in applicable:
            packed = packing.put(packed, item.id, answers[item.id][0])
        raised_on = clock.parse_iso(completed_at).date()
        with self._transaction() as conn:
            ward_rowid = conn.execute("SELECT id FROM wards WHERE uuid = ?", (ward.id,)).fetchone()[
                0
            ]
            audit_uuid = new_uuid()
            cursor = conn.execute(
                "INSERT INTO audits(uuid, ward_id, checklist_version_id, status, started_at,"
                " started_by, completed_at, signed_by, signed_role, team, updated_at, ward_sex,"
                " answer_values) VALUES (?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    audit_uuid,
                    ward_rowid,
                    version_rowid,
                    started_at,
                    by,
                    completed_at,
                    by,
                    role,
                    _team_json(team),
                    completed_at,
                    ward.sex,
                    packed,
                ),
            )
            rowid = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO answer_notes(audit_id, item_id, note, location) VALUES (?, ?, ?, ?)",
                [
                    (rowid, item.id, answers[item.id][1], answers[item.id][2])
                    for item in applicable
                    if answers[item.id][1] or answers[item.id][2]
                ],
            )
            for item in applicable:
                if answers[item.id][0] in ("no", "partial"):
                    rating = self.risk_matrix.rate(item.risk.likelihood, item.risk.consequence)
                    conn.execute(
                        "INSERT INTO actions(uuid, audit_id, item_id, description, owner,"
                        " likelihood, consequence, due, status, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                        (
                            new_uuid(),
                            rowid,
                            item.id,
                            item.action,
                            item.owner,
                            rating.likelihood,
                            rating.consequence,
                            self.risk_matrix.due_date(rating, raised_on).isoformat(),
                            completed_at,
                            completed_at,
                        ),
                    )
            self._write_record(conn, rowid)
            self._event(
                conn,
                "audit_imported",
                actor=by,
                audit_rowid=rowid,
                answers=len(applicable),
                role=role,
                at=completed_at,
            )
        return audit_uuid

    # --- the signed-off record and what came after ------------------------------------------

    def _record_content(self, conn: sqlite3.Connection, audit_rowid: int) -> dict[str, Any]:
        """The audit as signed off, in plain data: what a bundle carries and a merge compares."""
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
            dict(zip(_ACTION_RECORD_FIELDS, r, strict=True))
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
                "sha256": hashlib.sha256(r[7]).hexdigest(),
            }
            for r in conn.execute(
                "SELECT uuid, item_id, filename, media_type, width, height, added_at, data"
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

    def _write_record(self, conn: sqlite3.Connection, audit_rowid: int) -> None:
        content = self._record_content(conn, audit_rowid)
        text = canonical_json(content)
        conn.execute(
            "INSERT INTO audit_records(audit_id, content, digest) VALUES (?, ?, ?)",
            (audit_rowid, text, hashlib.sha256(text.encode("utf-8")).hexdigest()),
        )

    def _replay(self, conn: sqlite3.Connection, audit_rowid: int) -> None:
        """Rebuild a signed-off audit's current state: its record, then every later event in
        time order. Whatever order laptops' files arrive in, every database ends the same."""
        content = json.loads(
            conn.execute(
                "SELECT content FROM audit_records WHERE audit_id = ?", (audit_rowid,)
            ).fetchone()[0]
        )
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
            self._set_action_fields(conn, action["action"], action, action["created_at"])
        events = conn.execute(
            "SELECT e.at, e.uuid, e.kind, e.detail, ac.uuid FROM events e"
            " LEFT JOIN actions ac ON ac.id = e.action_id"
            " WHERE e.audit_id = ? AND e.after_signoff = 1",
            (audit_rowid,),
        ).fetchall()
        events.sort(key=lambda e: (clock.parse_iso(e[0]), e[1]))
        version_rowid = conn.execute(
            "SELECT checklist_version_id FROM audits WHERE id = ?", (audit_rowid,)
        ).fetchone()[0]
        packing = self._packing(version_rowid)
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
                    self._write_note(
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
                    self._insert_action(conn, audit_rowid, detail, at)
                else:
                    fresh = {"status_note": "", "comment": "", "completed_on": None}
                    self._set_action_fields(conn, detail["action"], {**fresh, **detail}, at)
            elif action_uuid is not None:
                fields = {k: v for k, v in detail.items() if k in _MUTABLE_ACTION_FIELDS}
                if fields:
                    self._set_action_fields(conn, action_uuid, fields, at)

    def audit(self, audit_ref: str) -> AuditRecord:
        row = self._audit_row(audit_ref)
        rows = self._query(_AUDIT_SELECT + " WHERE a.id = ?", (row.rowid,))
        audit = _audit(rows[0])
        checklist = self._checklist(row.checklist_version_id)
        packed = self._query("SELECT answer_values FROM audits WHERE id = ?", (row.rowid,))[0][0]
        values = self._packing(row.checklist_version_id).unpack(packed)
        notes = {
            r[0]: (r[1], r[2])
            for r in self._query(
                "SELECT item_id, note, location FROM answer_notes WHERE audit_id = ?", (row.rowid,)
            )
        }
        answers = {}
        for item in checklist.items():
            if item.id in values:
                note, location = notes.get(item.id, ("", ""))
                answers[item.id] = Answer(
                    item.id, item.section_id, values[item.id], note, location, ""
                )
        score = score_audit(checklist, audit.ward.sex, values)
        order = {item.id: n for n, item in enumerate(checklist.items())}
        actions = sorted(
            self._actions(" WHERE ac.audit_id = ?", (row.rowid,)),
            key=lambda a: order.get(a.item, 0),
        )
        photos = tuple(
            Photo(r[0], r[1], r[2], r[3], r[4], r[5], r[6])
            for r in self._query(
                "SELECT uuid, item_id, filename, media_type, width, height, added_at FROM photos"
                " WHERE audit_id = ? ORDER BY id",
                (row.rowid,),
            )
        )
        return AuditRecord(audit, checklist, answers, tuple(actions), score, photos)

    def audits(
        self, *, ward: str | None = None, status: str | None = None, site: str | None = None
    ) -> list[AuditSummary]:
        """Audits, newest first, each scored in bulk from its stored answers."""
        where: list[str] = []
        params: list[Any] = []
        if ward:
            where.append("w.uuid = ?")
            params.append(self.ward(ward).id)
        if status:
            if status not in ("in_progress", "completed"):
                raise InvalidInput("status must be in_progress or completed")
            where.append("a.status = ?")
            params.append(status)
        if site:
            where.append("s.name = ?")
            params.append(site)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        rows = self._query(
            "SELECT a.id, a.uuid, w.uuid, w.name, s.name, a.ward_sex, a.status, a.started_at,"
            " a.completed_at, cv.checklist_id, cv.version, a.checklist_version_id, a.answer_values"
            " FROM audits a JOIN wards w ON w.id = a.ward_id JOIN sites s ON s.id = w.site_id"
            " JOIN checklist_versions cv ON cv.id = a.checklist_version_id"
            + clause
            + " ORDER BY COALESCE(a.completed_at, a.started_at) DESC, a.id DESC",
            params,
        )
        applicable: dict[tuple[int, str], int] = {}
        result = []
        for r in rows:
            version_id, sex = int(r[11]), str(r[5])
            score = self._packing(version_id).score(r[12])
            key = (version_id, sex)
            if key not in applicable:
                applicable[key] = len(self._checklist(version_id).applicable_items(sex))
            result.append(
                AuditSummary(
                    id=r[1],
                    ward_id=r[2],
                    ward=r[3],
                    site=r[4],
                    sex=sex,
                    status=r[6],
                    started_at=r[7],
                    completed_at=r[8],
                    checklist_id=r[9],
                    checklist_version=int(r[10]),
                    overall=score.overall,
                    rating=score.rating,
                    critical_breach=score.critical_breach,
                    answered=score.answered,
                    applicable=applicable[key],
                )
            )
        return result

    def score_audits(self, audit_rowids: Sequence[int] | None = None) -> dict[int, BulkScore]:
        """Score many audits at once from their stored answers: overall, rating and breach.

        Gives the same figures as :func:`scoring.score_audit` (tested). Section scores come
        from :meth:`audit` for the audits a screen actually shows.
        """
        sql = "SELECT id, checklist_version_id, answer_values FROM audits"
        params: list[Any] = []
        if audit_rowids is not None:
            sql += " WHERE id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(audit_rowids)))
        return {
            audit_id: self._packing(version_id).score(packed)
            for audit_id, version_id, packed in self._query(sql, params)
        }

    # --- actions -------------------------------------------------------------------------

    def _actions(self, clause: str, params: Sequence[Any]) -> list[Action]:
        return [self._action_from_row(r) for r in self._query(_ACTION_SELECT + clause, params)]

    def _action_from_row(self, r: Sequence[Any]) -> Action:
        return Action(
            id=r[0],
            audit_id=r[1],
            item=r[2],
            description=r[3],
            owner=r[4],
            due=date.fromisoformat(r[5]),
            status=r[6],
            status_note=r[7],
            risk=self.risk_matrix.rate(int(r[8]), int(r[9])),
            created_at=r[10],
            updated_at=r[11],
            ward=r[12],
            site=r[13],
            location=r[14],
            found=r[15],
            answer=self._packing(int(r[20])).value_of(r[16], r[2]) or "",
            critical=self._packing(int(r[20])).checklist.item(r[2]).critical,
            comment=r[17],
            completed_on=date.fromisoformat(r[18]) if r[18] else None,
            ward_id=r[19],
        )

    def actions(
        self,
        *,
        site: str | None = None,
        ward: str | None = None,
        status: str | None = None,
        audit: str | None = None,
    ) -> list[Action]:
        where: list[str] = []
        params: list[Any] = []
        if site:
            self.site(site)
            where.append("s.name = ?")
            params.append(site)
        if ward:
            where.append("w.uuid = ?")
            params.append(self.ward(ward).id)
        if status:
            if status not in ACTION_STATUSES:
                raise InvalidInput(f"status must be one of {', '.join(ACTION_STATUSES)}")
            where.append("ac.status = ?")
            params.append(status)
        if audit:
            where.append("ac.audit_id = ?")
            params.append(self._audit_row(audit).rowid)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        return self._actions(clause + " ORDER BY s.name, w.name, ac.due, ac.id", params)

    def open_action_counts(
        self, today: date, *, signed_off_only: bool = True
    ) -> dict[str, tuple[int, int]]:
        """Per ward id: (actions open or in progress, how many of those are overdue).

        Counted in SQL so the wards and board screens need not load every action.
        """
        clause = " AND a.status = 'completed'" if signed_off_only else ""
        return {
            r[0]: (int(r[1]), int(r[2]))
            for r in self._query(
                "SELECT w.uuid, count(*), sum(ac.due < ?) FROM actions ac"
                " JOIN audits a ON a.id = ac.audit_id JOIN wards w ON w.id = a.ward_id"
                " WHERE ac.status IN ('open', 'in_progress')" + clause + " GROUP BY w.uuid",
                (today.isoformat(),),
            )
        }

    def action(self, action_ref: str) -> Action:
        found = self._actions(" WHERE ac.uuid = ?", (action_ref,))
        if not found:
            raise NotFound(f"no action with the id '{action_ref}'")
        return found[0]

    def previous_open_actions(self, audit_ref: str) -> list[Action]:
        """Actions still open or in progress from the same ward's earlier signed-off audits.

        The auditor checks them on the next walk-round. An audit in progress follows every
        signed-off audit of its ward; a signed-off one follows those signed off before it.
        Newest audit first, then by due date and item.
        """
        row = self._audit_row(audit_ref)
        ward_rowid, completed_at = self._query(
            "SELECT ward_id, completed_at FROM audits WHERE id = ?", (row.rowid,)
        )[0]
        # Sign-off times are to the second: the order audits were stored in breaks a tie.
        this_signed = (clock.parse_iso(completed_at), row.rowid) if completed_at else None
        signed: dict[str, tuple[float, int]] = {}
        for audit_uuid, other_rowid, other_completed in self._query(
            "SELECT uuid, id, completed_at FROM audits"
            " WHERE ward_id = ? AND status = 'completed' AND id != ?",
            (ward_rowid, row.rowid),
        ):
            moment = (clock.parse_iso(other_completed), int(other_rowid))
            if this_signed is None or moment < this_signed:
                signed[audit_uuid] = (-moment[0].timestamp(), -moment[1])
        if not signed:
            return []
        found = self._actions(
            " WHERE a.ward_id = ? AND a.status = 'completed'"
            " AND ac.status IN ('open', 'in_progress')",
            (ward_rowid,),
        )
        earlier = [action for action in found if action.audit_id in signed]
        return sorted(earlier, key=lambda a: (signed[a.audit_id], a.due, a.item))

    def update_action(
        self,
        action_ref: str,
        *,
        description: str | None = None,
        owner: str | None = None,
        likelihood: int | None = None,
        consequence: int | None = None,
        due: date | None = None,
        actor: str = "",
    ) -> Action:
        """Edit an action's details (the auditor's changes to the item's defaults)."""
        action = self.action(action_ref)
        changes: dict[str, object] = {}
        if description is not None and description.strip() != action.description:
            if not description.strip():
                raise InvalidInput("an action needs a description")
            changes["description"] = description.strip()
        if owner is not None and owner.strip() != action.owner:
            changes["owner"] = owner.strip()
        new_l = likelihood if likelihood is not None else action.risk.likelihood
        new_c = consequence if consequence is not None else action.risk.consequence
        rating = self.risk_matrix.rate(new_l, new_c)
        if (new_l, new_c) != (action.risk.likelihood, action.risk.consequence):
            changes["likelihood"] = new_l
            changes["consequence"] = new_c
            if due is None and rating.band != action.risk.band:
                raised = clock.parse_iso(action.created_at).date()
                due = self.risk_matrix.due_date(rating, raised)
        if due is not None and due != action.due:
            changes["due"] = due.isoformat()
        if not changes:
            return action
        with self._transaction() as conn:
            self._change_action(conn, action.id, changes, "action_changed", actor)
        return self.action(action.id)

    def _change_action(
        self,
        conn: sqlite3.Connection,
        action_uuid: str,
        fields: dict[str, object],
        kind: str,
        actor: str,
        extra: dict[str, object] | None = None,
    ) -> None:
        """Change an action's row and record the same change, at the same moment, as an event."""
        now = clock.now_precise()
        self._set_action_fields(conn, action_uuid, fields, now)
        rowid = conn.execute("SELECT id FROM actions WHERE uuid = ?", (action_uuid,)).fetchone()[0]
        self._event(
            conn, kind, actor=actor, action_rowid=rowid, details={**fields, **(extra or {})}, at=now
        )

    def set_action_status(
        self, action_ref: str, status: str, *, note: str = "", actor: str = ""
    ) -> Action:
        """Move an action on: open → in progress → done → verified, or cannot do (with a reason)."""
        if status not in ACTION_STATUSES:
            raise InvalidInput(
                f"'{status}' is not an action status; use one of {', '.join(ACTION_STATUSES)}"
            )
        if status == "cannot_do" and not note.strip():
            raise InvalidInput("'cannot do' needs a reason")
        action = self.action(action_ref)
        with self._transaction() as conn:
            self._change_action(
                conn,
                action.id,
                {"status": status, "status_note": note.strip()},
                "action_status",
                actor,
                {"previous": action.status},
            )
        return self.action(action.id)

    def apply_action_updates(self, changes: Sequence[ActionChange], *, actor: str = "") -> int:
        """Apply estates' returned updates in one transaction: all of them or none.

        Every change is checked first (the action exists, the status is known, 'cannot do'
        has a reason); returns how many actions changed.
        """
        current = {
            a.id: a
            for a in self._actions(
                " WHERE ac.uuid IN (SELECT value FROM json_each(?))",
                (json.dumps([c.action_id for c in changes]),),
            )
        }
        problems = []
        for change in changes:
            if change.action_id not in current:
                problems.append(f"no action with the id '{change.action_id}'")
            elif change.status is not None and change.status not in ACTION_STATUSES:
                problems.append(f"action {change.action_id}: unknown status '{change.status}'")
            elif change.status == "cannot_do" and not (
                (change.comment or "").strip()
                or current[change.action_id].status_note
                or current[change.action_id].comment
            ):
                problems.append(
                    f"action {change.action_id}: 'cannot do' needs a reason in the comment"
                )
        if problems:
            raise InvalidInput("; ".join(problems))
        changed = 0
        with self._transaction() as conn:
            for change in changes:
                action = current[change.action_id]
                fields: dict[str, object] = {}
                if change.status is not None and change.status != action.status:
                    fields["status"] = change.status
                if change.comment is not None and change.comment.strip() != action.comment:
                    fields["comment"] = change.comment.strip()
                new_completed = change.completed_on.isoformat() if change.completed_on else None
                old_completed = action.completed_on.isoformat() if action.completed_on else None
                if change.completed_on is not None and new_completed != old_completed:
                    fields["completed_on"] = new_completed
                if not fields:
                    continue
                extra: dict[str, object] = {"previous": action.status} if "status" in fields else {}
                self._change_action(conn, action.id, fields, "action_update_imported", actor, extra)
                changed += 1
        return changed

    # --- photos --------------------------------------------------------------------------

    def add_photo(
        self,
        audit_ref: str,
        item_id: str,
        data: bytes,
        *,
        filename: str,
        media_type: str,
        width: int,
        height: int,
        actor: str = "",
    ) -> Photo:
        row = self._audit_row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is signed off and locked")
        self._checklist(row.checklist_version_id).item(item_id)
        photo_uuid = new_uuid()
        now = clock.now_iso()
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO photos(uuid, audit_id, item_id, filename, media_type, width, height,"
                " data, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (photo_uuid, row.rowid, item_id, filename, media_type, width, height, data, now),
            )
            self._event(
                conn,
                "photo_added",
                actor=actor,
                audit_rowid=row.rowid,
                item=item_id,
                photo=photo_uuid,
                filename=filename,
            )
        return Photo(photo_uuid, item_id, filename, media_type, width, height, now)

    def remove_photo(self, photo_ref: str, *, actor: str = "") -> None:
        rows = self._query(
            "SELECT p.id, a.status, a.id, p.item_id FROM photos p JOIN audits a ON a.id = p.audit_id"
            " WHERE p.uuid = ?",
            (photo_ref,),
        )
        if not rows:
            raise NotFound(f"no photo with the id '{photo_ref}'")
        if rows[0][1] != "in_progress":
            raise AuditLocked("the audit is signed off and locked")
        with self._transaction() as conn:
            conn.execute("DELETE FROM photos WHERE id = ?", (rows[0][0],))
            self._event(
                conn,
                "photo_removed",
                actor=actor,
                audit_rowid=rows[0][2],
                item=rows[0][3],
                photo=photo_ref,
            )

    def photo_data(self, photo_ref: str) -> bytes:
        rows = self._query("SELECT data FROM photos WHERE uuid = ?", (photo_ref,))
        if not rows:
            raise NotFound(f"no photo with the id '{photo_ref}'")
        return bytes(rows[0][0])

    # --- history -------------------------------------------------------------------------

    def history(self, *, audit: str | None = None, action: str | None = None) -> list[HistoryEvent]:
        """The append-only history, oldest first."""
        where, params = "", ()  # type: tuple[str, tuple[Any, ...]]
        if audit:
            rowid = self._audit_row(audit).rowid
            where = " WHERE e.audit_id = ? OR e.action_id IN (SELECT id FROM actions WHERE audit_id = ?)"
            params = (rowid, rowid)
        elif action:
            where, params = " WHERE ac.uuid = ?", (action,)
        rows = self._query(
            "SELECT e.uuid, e.at, e.kind, e.actor, a.uuid, ac.uuid, e.detail FROM events e"
            " LEFT JOIN audits a ON a.id = e.audit_id LEFT JOIN actions ac ON ac.id = e.action_id"
            + where
            + " ORDER BY e.id",
            params,
        )
        return [HistoryEvent(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]

    def in_progress_audits(self) -> list[AuditSummary]:
        return self.audits(status="in_progress")

    def is_empty(self) -> bool:
        return not self._query("SELECT 1 FROM wards LIMIT 1")


def _team_json(team: Sequence[TeamMember]) -> str:
    return json.dumps(
        [{"name": m.name, "role": m.role, "patient_or_peer": m.patient_or_peer} for m in team],
        ensure_ascii=False,
    )


def _clean_areas(areas: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for area in areas:
        area = area.strip()
        if area and area not in seen:
            seen.append(area)
    return seen


def _ward(r: Sequence[Any]) -> Ward:
    return Ward(
        id=r[0],
        name=r[1],
        site=r[2],
        sex=r[3],
        service=r[4],
        beds=r[5],
        areas=tuple(json.loads(r[6] or "[]")),
    )


def _audit(r: Sequence[Any]) -> Audit:
    team = tuple(
        TeamMember(m.get("name", ""), m.get("role", ""), bool(m.get("patient_or_peer")))
        for m in json.loads(r[8] or "[]")
    )
    ward = Ward(
        id=r[14],
        name=r[15],
        site=r[16],
        sex=r[17],
        service=r[18],
        beds=r[19],
        areas=tuple(json.loads(r[20] or "[]")),
    )
    return Audit(
        id=r[1],
        ward=ward,
        checklist_id=r[11],
        checklist_version=int(r[12]),
        checklist_title=r[13],
        status=r[2],
        started_at=r[3],
        started_by=r[4],
        completed_at=r[5],
        signed_by=r[6],
        signed_role=r[7],
        team=team,
        current_item=r[9],
    )
