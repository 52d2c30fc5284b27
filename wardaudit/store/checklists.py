"""Checklist versions as used: the exact content each audit is pinned to, kept for ever."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wardaudit import clock
from wardaudit.checklist import Checklist, from_canonical_json
from wardaudit.errors import ChecklistVersionClash
from wardaudit.scoring import Packing

if TYPE_CHECKING:
    from wardaudit.store import Store
    from wardaudit.store.database import Executor


class Checklists:
    """``store.checklists``: the checklist versions audits were answered under.

    A version is read from the database once and kept, with how its answers pack, for as
    long as the store is open: versions never change.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db
        self._pinned: dict[int, Checklist] = {}
        self._packings: dict[int, Packing] = {}

    def register(self, checklist: Checklist) -> None:
        """Keep the exact content of a checklist version so audits stay pinned to it.

        Raises ChecklistVersionClash when the database already holds this id and version
        with different content: a version, once used, means one content for ever.
        """
        self._version_rowid(checklist)

    def for_audit(self, audit_ref: str) -> Checklist:
        """The checklist version an audit was answered under, whatever the files say now."""
        return self._checklist(self._store.audits._row(audit_ref).checklist_version_id)

    # --- for the other repositories ---------------------------------------------------------

    def _version_rowid(self, checklist: Checklist) -> int:
        row = self._db.query(
            "SELECT id FROM checklist_versions WHERE content_hash = ?", (checklist.content_hash,)
        )
        if row:
            return int(row[0][0])
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT id FROM checklist_versions WHERE content_hash = ?",
                (checklist.content_hash,),
            ).fetchall()
            if row:  # registered by another process a moment ago
                return int(row[0][0])
            held = conn.execute(
                "SELECT registered_at FROM checklist_versions WHERE checklist_id = ? AND version = ?"
                " ORDER BY id LIMIT 1",
                (checklist.id, checklist.version),
            ).fetchone()
            if held is not None:
                raise ChecklistVersionClash(
                    checklist.id, checklist.version, checklist.source, clock.uk_date(held[0])
                )
            return version_rowid_in(conn, checklist)

    def _checklist(self, version_rowid: int) -> Checklist:
        cached = self._pinned.get(version_rowid)
        if cached is None:
            rows = self._db.query(
                "SELECT content, checklist_id, version FROM checklist_versions WHERE id = ?",
                (version_rowid,),
            )
            content, checklist_id, version = rows[0]
            cached = from_canonical_json(content, f"{checklist_id} v{version} (stored)")
            self._pinned[version_rowid] = cached
        return cached

    def _packing(self, version_rowid: int) -> Packing:
        packing = self._packings.get(version_rowid)
        if packing is None:
            packing = Packing(self._checklist(version_rowid))
            self._packings[version_rowid] = packing
        return packing


def version_rowid_in(conn: Executor, checklist: Checklist) -> int:
    """The version's row, registered inside the caller's transaction if new."""
    row = conn.execute(
        "SELECT id FROM checklist_versions WHERE content_hash = ?", (checklist.content_hash,)
    ).fetchone()
    if row is not None:
        return int(row[0])
    cursor = conn.execute(
        "INSERT INTO checklist_versions(content_hash, checklist_id, version, title,"
        " content, registered_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (
            checklist.content_hash,
            checklist.id,
            checklist.version,
            checklist.title,
            checklist.canonical_json,
            clock.now_iso(),
        ),
    )
    return int(cursor.fetchone()[0])
