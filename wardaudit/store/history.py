"""The append-only history: every change anyone made, as an event with its own id.

The database itself refuses to change or delete an event (triggers in the first
migration). Events on a signed-off audit are marked as coming after sign-off: they are
what a merge replays on top of the audit's record.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from wardaudit import clock
from wardaudit.model import EventKind, HistoryEvent

if TYPE_CHECKING:
    from wardaudit.store import Store
    from wardaudit.store.database import Executor

# Events that make up the signed-off record itself rather than coming after it.
_RECORD_KINDS = frozenset({"audit_completed", "audit_imported"})


def new_uuid() -> str:
    return str(uuid.uuid4())


def append_event(
    conn: Executor,
    kind: EventKind,
    *,
    actor: str = "",
    audit_rowid: int | None = None,
    action_rowid: int | None = None,
    details: dict[str, object] | None = None,
    at: str | None = None,
    audit_status: str | None = None,
    **detail: object,
) -> None:
    """Append to the history, inside the caller's transaction.

    A caller that has just read the audit's status in this transaction passes it with
    ``audit_rowid`` as ``audit_status``, which spares a statement on every answer.
    """
    detail = {**(details or {}), **detail}
    found: tuple[Any, ...] | None
    if audit_rowid is not None and audit_status is not None:
        found = (audit_status, audit_rowid)
    elif action_rowid is not None:
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


class History:
    """``store.history``: what happened to an audit or an action, oldest first."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db

    def list(self, *, audit: str | None = None, action: str | None = None) -> list[HistoryEvent]:
        """The append-only history, oldest first: all of it, one audit's or one action's."""
        where: str = ""
        params: tuple[Any, ...] = ()
        if audit:
            rowid = self._store.audits._row(audit).rowid
            where = " WHERE e.audit_id = ? OR e.action_id IN (SELECT id FROM actions WHERE audit_id = ?)"
            params = (rowid, rowid)
        elif action:
            where, params = " WHERE ac.uuid = ?", (action,)
        rows = self._db.query(
            "SELECT e.uuid, e.at, e.kind, e.actor, a.uuid, ac.uuid, e.detail FROM events e"
            " LEFT JOIN audits a ON a.id = e.audit_id LEFT JOIN actions ac ON ac.id = e.action_id"
            + where
            + " ORDER BY e.id",
            params,
        )
        return [HistoryEvent(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]
