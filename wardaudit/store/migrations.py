"""The migration ladder: numbered steps, each one transaction with its version bump.

Every step's number and SQL stay exactly as released, so a database any WardAudit wrote
opens unchanged: a newer step is only ever added at the end. Before a ladder is climbed
on an existing database, a backup is made. The trust database climbs the same ladder,
each step in its own words (``pg_migrations``), by ``wardaudit trustdb init|upgrade``.

Step 6 moves photos out of the database into the photo store beside it. The schema step
is quick; the photos then move in batches (each batch's files synced, then one
transaction pointing its records at them), so an interrupted move resumes where it
stopped the next time the database opens, and the space is given back at the end.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from wardaudit.errors import DatabaseTooNew, DiskFull
from wardaudit.progress import Progress, no_progress
from wardaudit.store import backups

if TYPE_CHECKING:
    from wardaudit.store.database import Database

log = logging.getLogger(__name__)

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
    # 5: what she typed before answering or moving on (a draft note, location or action
    # detail of an audit in progress, kept as durably as an answer and never part of the
    # signed-off record), and a finding linked to an action the ward already has open
    [
        """CREATE TABLE drafts(
            audit_id INTEGER NOT NULL REFERENCES audits(id),
            item_id TEXT NOT NULL,
            field TEXT NOT NULL
                CHECK (field IN ('note', 'location', 'action_description', 'action_owner')),
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (audit_id, item_id, field)) WITHOUT ROWID""",
        """CREATE TABLE finding_links(
            audit_id INTEGER NOT NULL REFERENCES audits(id),
            item_id TEXT NOT NULL,
            action_id INTEGER NOT NULL REFERENCES actions(id),
            linked_at TEXT NOT NULL,
            PRIMARY KEY (audit_id, item_id)) WITHOUT ROWID""",
    ],
    # 6: photos in their own store beside the database, named by their SHA-256; the
    # records keep the digest and size (the bytes move out after this step: see
    # move_photos_out, which then drops the old column)
    [
        "ALTER TABLE photos ADD COLUMN sha256 TEXT",
        "ALTER TABLE photos ADD COLUMN size INTEGER",
        "CREATE INDEX photos_by_sha256 ON photos(sha256)",
    ],
    # 7: sexual safety incidents from the trust's risk-management export (six facts each,
    # nothing about the people involved), each import and each regrading in an append-only
    # history of its own, the ward and place names users mapped, and on ward laptops the
    # counts by place that exchange files bring (never an incident itself)
    [
        """CREATE TABLE incident_imports(
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            mapping TEXT NOT NULL DEFAULT '',
            new INTEGER NOT NULL CHECK (new >= 0),
            regraded INTEGER NOT NULL CHECK (regraded >= 0),
            unchanged INTEGER NOT NULL CHECK (unchanged >= 0))""",
        """CREATE TABLE incidents(
            id INTEGER PRIMARY KEY,
            reference TEXT NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 64),
            ward_id INTEGER NOT NULL REFERENCES wards(id),
            occurred_on TEXT NOT NULL
                CHECK (occurred_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
            place TEXT NOT NULL DEFAULT '' CHECK (length(place) <= 120),
            category TEXT NOT NULL CHECK (category IN ('rape', 'sexual_assault',
                'sexual_harassment', 'exposure', 'sexual_activity', 'staff_misconduct', 'other')),
            harm TEXT CHECK (harm IS NULL
                OR harm IN ('none', 'low', 'moderate', 'severe', 'fatal')),
            import_id INTEGER NOT NULL REFERENCES incident_imports(id),
            updated_import_id INTEGER NOT NULL REFERENCES incident_imports(id))""",
        "CREATE INDEX incidents_by_ward ON incidents(ward_id, occurred_on)",
        "CREATE INDEX incidents_by_date ON incidents(occurred_on)",
        """CREATE TABLE incident_events(
            id INTEGER PRIMARY KEY,
            incident_id INTEGER NOT NULL REFERENCES incidents(id),
            import_id INTEGER NOT NULL REFERENCES incident_imports(id),
            kind TEXT NOT NULL CHECK (kind IN ('imported', 'regraded')),
            detail TEXT NOT NULL)""",
        "CREATE INDEX incident_events_by_incident ON incident_events(incident_id)",
        """CREATE TRIGGER incident_events_are_append_only_update BEFORE UPDATE ON incident_events
           BEGIN SELECT RAISE(ABORT, 'the incident history is append-only'); END""",
        """CREATE TRIGGER incident_events_are_append_only_delete BEFORE DELETE ON incident_events
           BEGIN SELECT RAISE(ABORT, 'the incident history is append-only'); END""",
        """CREATE TRIGGER incident_imports_are_append_only_update BEFORE UPDATE ON incident_imports
           BEGIN SELECT RAISE(ABORT, 'the incident history is append-only'); END""",
        """CREATE TRIGGER incident_imports_are_append_only_delete BEFORE DELETE ON incident_imports
           BEGIN SELECT RAISE(ABORT, 'the incident history is append-only'); END""",
        """CREATE TABLE incident_ward_aliases(
            name_key TEXT PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            ward_id INTEGER NOT NULL REFERENCES wards(id),
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL DEFAULT '') WITHOUT ROWID""",
        """CREATE TABLE incident_place_aliases(
            name_key TEXT PRIMARY KEY,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            place TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 120),
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL DEFAULT '') WITHOUT ROWID""",
        """CREATE TABLE incident_count_snapshots(
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            ward_id INTEGER NOT NULL REFERENCES wards(id),
            as_of TEXT NOT NULL,
            content TEXT NOT NULL,
            digest TEXT NOT NULL)""",
        "CREATE INDEX incident_count_snapshots_by_ward ON incident_count_snapshots(ward_id, as_of)",
    ],
    # 8: an action's version: a change made from what someone saw is saved only if nobody
    # changed the action meanwhile (several people share the trust database)
    ["ALTER TABLE actions ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1"],
]
SCHEMA_VERSION = len(MIGRATIONS)
PHOTO_STORE_VERSION = 6

MOVE_BATCH_PHOTOS = 64
MOVE_BATCH_BYTES = 32 * 1024 * 1024
SPACE_MARGIN = 64 * 1024 * 1024
MOVING_WORDS = "Moving photos out of the database into their own folder"
VACUUM_WORDS = "Giving the space the photos took back to the disk"
VACUUM_PENDING = "photos_moved_out_vacuum_pending"


def migrate(db: Database, *, existed: bool, progress: Progress = no_progress) -> None:
    """Bring the file up to this WardAudit's schema, one numbered step at a time, then
    finish moving photos out (which resumes here if an earlier open was interrupted)."""
    current = db.user_version()
    if current > SCHEMA_VERSION:
        db.conn.close()
        raise DatabaseTooNew(
            f"the database {db.path} was written by a newer WardAudit (schema {current}; "
            f"this copy knows {SCHEMA_VERSION}). Install the newer WardAudit to open it."
        )
    if current == SCHEMA_VERSION:
        move_photos_out(db, progress)
        return
    if existed and current > 0:
        if current < PHOTO_STORE_VERSION:
            _check_room_to_move_photos(db, with_backup=True)
        backups.make(
            db.path,
            f"before-migration-{current}-to-{SCHEMA_VERSION}",
            photos=db.photo_files,
            durable=db.synchronous != "OFF",
        )
    for number in range(current + 1, SCHEMA_VERSION + 1):
        with db.transaction() as conn:
            for statement in MIGRATIONS[number - 1]:
                conn.execute(statement)
            if number == 1:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {number}")
        log.info("migrated %s to schema %s", db.path, number)
    move_photos_out(db, progress)


# --- step 6: photos out of the database ------------------------------------------------------


def _columns(db: Database, table: str) -> set[str]:
    return {r[1] for r in db.query(f"PRAGMA table_info({table})")}


def _gigabytes(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e8 else f"{max(1, round(size / 1e6))} MB"


def _check_room_to_move_photos(db: Database, *, with_backup: bool) -> None:
    """Refuse to start (nothing changed) unless the disk holds what the move needs: a
    backup copy of the file as it is, the photos once more as files, and some room over."""
    if "photos" not in {r[0] for r in db.query("SELECT name FROM sqlite_schema")}:
        return
    if "data" not in _columns(db, "photos"):
        return
    where = "sha256 IS NULL" if "sha256" in _columns(db, "photos") else "1"
    photo_bytes = int(
        db.query(f"SELECT coalesce(sum(length(data)), 0) FROM photos WHERE {where}")[0][0]
    )
    if photo_bytes == 0:
        return
    need = photo_bytes + SPACE_MARGIN
    if with_backup:
        need += db.path.stat().st_size
        wal = db.path.with_name(db.path.name + "-wal")
        if wal.exists():
            need += wal.stat().st_size
    free = shutil.disk_usage(db.path.parent).free
    if free < need:
        raise DiskFull(
            f"upgrading the database {db.path} needs about {_gigabytes(need)} of free disk "
            f"space (a backup of it first, then its photos moved into a folder of their own), "
            f"and the disk has {_gigabytes(free)} free. Nothing has been changed: free some "
            "space, then open WardAudit again."
        )


def photos_waiting_in(path: Path) -> int:
    """How many photos opening the file at ``path`` would move out (read-only, quick): so
    the app can show the move's progress rather than seem to hang."""
    if not path.is_file():
        return 0
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return 0
    try:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(photos)")}
        if "data" not in columns:
            return 0
        where = "sha256 IS NULL" if "sha256" in columns else "1"
        return int(conn.execute(f"SELECT count(*) FROM photos WHERE {where}").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def photos_to_move(db: Database) -> int:
    """How many photos are still held inside the database (0 once step 6 is complete)."""
    if "data" not in _columns(db, "photos"):
        return 0
    return int(db.query("SELECT count(*) FROM photos WHERE sha256 IS NULL")[0][0])


def move_photos_out(db: Database, progress: Progress = no_progress) -> None:
    """Move every photo still held in the database into the photo store, batch by batch.

    Each batch's files are written and synced before the one transaction that points its
    records at them and empties their old bytes, so a crash at any moment leaves every
    record pointing at bytes that are there. Once none are left the old column goes and
    VACUUM gives the freed pages back to the disk.
    """
    if "data" not in _columns(db, "photos"):
        if db.query("SELECT 1 FROM settings WHERE key = ?", (VACUUM_PENDING,)):
            _give_space_back(db, progress)  # an earlier open stopped before it was done
        return
    total = photos_to_move(db)
    done = 0
    if total:
        _check_room_to_move_photos(db, with_backup=False)
        log.info("moving %d photo(s) of %s into %s", total, db.path, db.photo_files.root)
        progress(MOVING_WORDS, done, total)
    while True:
        batch_rows: list[tuple[int, bytes]] = []
        size = 0
        for rowid, length in db.query(
            "SELECT id, length(data) FROM photos WHERE sha256 IS NULL ORDER BY id LIMIT ?",
            (MOVE_BATCH_PHOTOS,),
        ):
            if batch_rows and size + length > MOVE_BATCH_BYTES:
                break
            data = db.query("SELECT data FROM photos WHERE id = ?", (rowid,))[0][0]
            batch_rows.append((int(rowid), bytes(data)))
            size += int(length)
        if not batch_rows:
            break
        with db.photo_files.adding() as batch:
            moved = [(batch.put(data), rowid) for rowid, data in batch_rows]
            batch.sync()
            with db.transaction(bookkeeping=True) as conn:
                conn.executemany(
                    "UPDATE photos SET sha256 = ?, size = ?, data = X'' WHERE id = ?",
                    [(stored.sha256, stored.size, rowid) for stored, rowid in moved],
                )
        done += len(batch_rows)
        progress(MOVING_WORDS, done, total)
    with db.transaction(bookkeeping=True) as conn:
        conn.execute("ALTER TABLE photos DROP COLUMN data")
        if total:
            conn.execute(
                "INSERT OR REPLACE INTO settings(key, value) VALUES (?, '1')", (VACUUM_PENDING,)
            )
    if total:
        _give_space_back(db, progress)


def _give_space_back(db: Database, progress: Progress) -> None:
    """VACUUM: the photos' old pages go back to the disk (the file shrinks to its records)."""
    progress(VACUUM_WORDS, 0, 1)
    with db.mutex:
        try:
            db.conn.execute("VACUUM")
            db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as error:
            # The photos are out and safe; the space comes back at a later open.
            log.warning("VACUUM of %s after moving its photos out failed: %s", db.path, error)
            return
    with db.transaction(bookkeeping=True) as conn:
        conn.execute("DELETE FROM settings WHERE key = ?", (VACUUM_PENDING,))
    progress(VACUUM_WORDS, 1, 1)
