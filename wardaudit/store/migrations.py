"""The migration ladder: numbered steps, each one transaction with its version bump.

Every step's number and SQL stay exactly as released, so a database any WardAudit wrote
opens unchanged: a newer step is only ever added at the end. Before a ladder is climbed
on an existing database, a backup is made.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from wardaudit.errors import DatabaseTooNew
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
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database, *, existed: bool) -> None:
    """Bring the file up to this WardAudit's schema, one numbered step at a time."""
    current = db.user_version()
    if current > SCHEMA_VERSION:
        db.conn.close()
        raise DatabaseTooNew(
            f"the database {db.path} was written by a newer WardAudit (schema {current}; "
            f"this copy knows {SCHEMA_VERSION}). Install the newer WardAudit to open it."
        )
    if current == SCHEMA_VERSION:
        return
    if existed and current > 0:
        backups.make(db.conn, db.path, f"before-migration-{current}-to-{SCHEMA_VERSION}")
    for number in range(current + 1, SCHEMA_VERSION + 1):
        with db.transaction() as conn:
            for statement in MIGRATIONS[number - 1]:
                conn.execute(statement)
            if number == 1:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {number}")
        log.info("migrated %s to schema %s", db.path, number)
