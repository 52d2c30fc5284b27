"""Photos taken on the walk-round, kept with the audit item they show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wardaudit import clock
from wardaudit.errors import AuditLocked, NotFound
from wardaudit.model import Photo
from wardaudit.store.history import append_event, new_uuid

if TYPE_CHECKING:
    from wardaudit.store import Store


class Photos:
    """``store.photos``: added and removed while an audit is open, read back by id."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db

    def add(
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
        row = self._store.audits._row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is signed off and locked")
        self._store.checklists._checklist(row.checklist_version_id).item(item_id)
        photo_uuid = new_uuid()
        now = clock.now_iso()
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO photos(uuid, audit_id, item_id, filename, media_type, width, height,"
                " data, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (photo_uuid, row.rowid, item_id, filename, media_type, width, height, data, now),
            )
            append_event(
                conn,
                "photo_added",
                actor=actor,
                audit_rowid=row.rowid,
                item=item_id,
                photo=photo_uuid,
                filename=filename,
            )
        return Photo(photo_uuid, item_id, filename, media_type, width, height, now)

    def remove(self, photo_ref: str, *, actor: str = "") -> None:
        rows = self._db.query(
            "SELECT p.id, a.status, a.id, p.item_id FROM photos p JOIN audits a ON a.id = p.audit_id"
            " WHERE p.uuid = ?",
            (photo_ref,),
        )
        if not rows:
            raise NotFound(f"no photo with the id '{photo_ref}'")
        if rows[0][1] != "in_progress":
            raise AuditLocked("the audit is signed off and locked")
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM photos WHERE id = ?", (rows[0][0],))
            append_event(
                conn,
                "photo_removed",
                actor=actor,
                audit_rowid=rows[0][2],
                item=rows[0][3],
                photo=photo_ref,
            )

    def data(self, photo_ref: str) -> bytes:
        """The photo's bytes, as they were added."""
        rows = self._db.query("SELECT data FROM photos WHERE uuid = ?", (photo_ref,))
        if not rows:
            raise NotFound(f"no photo with the id '{photo_ref}'")
        return bytes(rows[0][0])
