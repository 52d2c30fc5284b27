"""Actions: raised by No and Partly answers, moved on by estates, each change in the history."""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from wardaudit import clock
from wardaudit.checklist import Item
from wardaudit.errors import ChangedMeanwhile, InvalidInput, NotFound
from wardaudit.model import (
    ACTION_STATUS_WORDS,
    ACTION_STATUSES,
    STILL_TO_DO,
    Action,
    ActionChange,
    ActionStatus,
    AnswerValue,
    AuditRecord,
    EventKind,
)
from wardaudit.scoring import ANSWER_WORDS
from wardaudit.store.history import append_event, new_uuid
from wardaudit.words import changed_by_words

if TYPE_CHECKING:
    from wardaudit.store import Store
    from wardaudit.store.audits import AuditRow
    from wardaudit.store.database import Executor

# "Still to do" in SQL, written from the model's one list of statuses (never typed again here):
# ``ac.status IN ('in_progress', 'open')``. The statuses are the model's own literals.
_STILL_TO_DO_CODES = ", ".join(f"'{status}'" for status in sorted(STILL_TO_DO))
STILL_TO_DO_SQL = f"ac.status IN ({_STILL_TO_DO_CODES})"

_ACTION_SELECT = """
    SELECT ac.uuid, a.uuid, ac.item_id, ac.description, ac.owner, ac.due, ac.status,
           ac.status_note, ac.likelihood, ac.consequence, ac.created_at, ac.updated_at,
           w.name, s.name, COALESCE(an.location, ''), COALESCE(an.note, ''), a.answer_values,
           ac.comment, ac.completed_on, w.uuid, a.checklist_version_id, ac.row_version
    FROM actions ac
    JOIN audits a ON a.id = ac.audit_id
    JOIN wards w ON w.id = a.ward_id
    JOIN sites s ON s.id = w.site_id
    LEFT JOIN answer_notes an ON an.audit_id = ac.audit_id AND an.item_id = ac.item_id
"""

# An action as a signed-off record carries it (the order is the record's, and a digest's).
ACTION_RECORD_FIELDS = (
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
MUTABLE_ACTION_FIELDS = frozenset(ACTION_RECORD_FIELDS) - {"action", "item", "created_at"}


class Actions:
    """``store.actions``: every action across audits, and the changes people make to them."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db

    def get(self, action_ref: str) -> Action:
        found = self._select(" WHERE ac.uuid = ?", (action_ref,))
        if not found:
            raise NotFound(f"no action with the id '{action_ref}'")
        return found[0]

    def list(
        self,
        *,
        site: str | None = None,
        ward: str | None = None,
        status: str | None = None,
        audit: str | None = None,
    ) -> list[Action]:
        """Actions by site, ward and due date. Filters: a site's name, a ward's id or name, a
        status (checked against the known ones), an audit's id."""
        where: list[str] = []
        params: list[Any] = []
        if site:
            self._store.wards.site(site)
            where.append("s.name = ?")
            params.append(site)
        if ward:
            where.append("w.uuid = ?")
            params.append(self._store.wards.get(ward).id)
        if status:
            if status not in ACTION_STATUSES:
                raise InvalidInput(f"status must be one of {', '.join(ACTION_STATUSES)}")
            where.append("ac.status = ?")
            params.append(status)
        if audit:
            where.append("ac.audit_id = ?")
            params.append(self._store.audits._row(audit).rowid)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        return self._select(clause + " ORDER BY s.name, w.name, ac.due, ac.id", params)

    def open_counts(
        self, today: date, *, signed_off_only: bool = True
    ) -> dict[str, tuple[int, int]]:
        """Per ward id: (actions open or in progress, how many of those are overdue).

        Counted in SQL so the wards and board screens need not load every action.
        """
        clause = " AND a.status = 'completed'" if signed_off_only else ""
        return {
            r[0]: (int(r[1]), int(r[2]))
            for r in self._db.query(
                "SELECT w.uuid, count(*), count(*) FILTER (WHERE ac.due < ?) FROM actions ac"
                " JOIN audits a ON a.id = ac.audit_id JOIN wards w ON w.id = a.ward_id"
                " WHERE " + STILL_TO_DO_SQL + clause + " GROUP BY w.uuid",
                (today.isoformat(),),
            )
        }

    def previous_open(self, audit_ref: str) -> builtins.list[Action]:
        """Actions still open or in progress from the same ward's earlier signed-off audits.

        The auditor checks them on the next walk-round. An audit in progress follows every
        signed-off audit of its ward; a signed-off one follows those signed off before it.
        Newest audit first, then by due date and item.
        """
        row = self._store.audits._row(audit_ref)
        ward_rowid, completed_at = self._db.query(
            "SELECT ward_id, completed_at FROM audits WHERE id = ?", (row.rowid,)
        )[0]
        # Sign-off times are to the second: the order audits were stored in breaks a tie.
        this_signed = (clock.parse_iso(completed_at), row.rowid) if completed_at else None
        signed: dict[str, tuple[float, int]] = {}
        for audit_uuid, other_rowid, other_completed in self._db.query(
            "SELECT uuid, id, completed_at FROM audits"
            " WHERE ward_id = ? AND status = 'completed' AND id != ?",
            (ward_rowid, row.rowid),
        ):
            moment = (clock.parse_iso(other_completed), int(other_rowid))
            if this_signed is None or moment < this_signed:
                signed[audit_uuid] = (-moment[0].timestamp(), -moment[1])
        if not signed:
            return []
        found = self._select(
            " WHERE a.ward_id = ? AND a.status = 'completed' AND " + STILL_TO_DO_SQL,
            (ward_rowid,),
        )
        earlier = [action for action in found if action.audit_id in signed]
        return sorted(earlier, key=lambda a: (signed[a.audit_id], a.due, a.item))

    def edit(
        self,
        action_ref: str,
        *,
        description: str | None = None,
        owner: str | None = None,
        likelihood: int | None = None,
        consequence: int | None = None,
        due: date | None = None,
        actor: str = "",
        seen: int | None = None,
    ) -> Action:
        """Edit an action's details (the auditor's changes to the item's defaults).

        ``seen`` is the action's version the person was shown: if someone changed it since,
        nothing is saved and :class:`ChangedMeanwhile` says who and when.
        """
        action = self.get(action_ref)
        matrix = self._store.risk_matrix
        changes: dict[str, object] = {}
        if description is not None and description.strip() != action.description:
            if not description.strip():
                raise InvalidInput("an action needs a description")
            changes["description"] = description.strip()
        if owner is not None and owner.strip() != action.owner:
            changes["owner"] = owner.strip()
        new_l = likelihood if likelihood is not None else action.risk.likelihood
        new_c = consequence if consequence is not None else action.risk.consequence
        rating = matrix.rate(new_l, new_c)
        if (new_l, new_c) != (action.risk.likelihood, action.risk.consequence):
            changes["likelihood"] = new_l
            changes["consequence"] = new_c
            if due is None and rating.band != action.risk.band:
                raised = clock.parse_iso(action.created_at).date()
                due = matrix.due_date(rating, raised)
        if due is not None and due != action.due:
            changes["due"] = due.isoformat()
        if not changes:
            return action
        with self._db.transaction() as conn:
            _change(conn, action.id, changes, "action_changed", actor, seen=_seen(seen, action))
        return self.get(action.id)

    def set_status(
        self,
        action_ref: str,
        status: ActionStatus,
        *,
        note: str = "",
        actor: str = "",
        seen: int | None = None,
    ) -> Action:
        """Move an action on: open → in progress → done → verified, or cannot do (with a reason).

        ``seen`` as for :meth:`edit`: a change made from an older version is refused.
        """
        if status not in ACTION_STATUSES:
            raise InvalidInput(
                f"'{status}' is not an action status; use one of {', '.join(ACTION_STATUSES)}"
            )
        if status == "cannot_do" and not note.strip():
            raise InvalidInput("'cannot do' needs a reason")
        action = self.get(action_ref)
        with self._db.transaction() as conn:
            _change(
                conn,
                action.id,
                {"status": status, "status_note": note.strip()},
                "action_status",
                actor,
                {"previous": action.status},
                seen=_seen(seen, action),
            )
        return self.get(action.id)

    def apply_updates(self, changes: Sequence[ActionChange], *, actor: str = "") -> int:
        """Apply estates' returned updates in one transaction: all of them or none.

        Every change is checked first (the action exists, the status is known, 'cannot do'
        has a reason); returns how many actions changed. A change that says which version of
        its action it was read against (``seen``) is made only from that version: if someone
        changed the action since, nothing is saved and :class:`ChangedMeanwhile` says who.
        """
        among, uuids = self._db.in_values("ac.uuid", [c.action_id for c in changes])
        current = {a.id: a for a in self._select(f" WHERE {among}", (uuids,))}
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
        with self._db.transaction() as conn:
            for change in changes:
                action = current[change.action_id]
                fields: dict[str, object] = {}
                if change.status is not None and change.status != action.status:
                    fields["status"] = change.status
                    # The note goes with the status it explains: estates' comment, not a
                    # note written for the status the action had before.
                    note = change.comment if change.comment is not None else action.comment
                    if note.strip() != action.status_note:
                        fields["status_note"] = note.strip()
                if change.comment is not None and change.comment.strip() != action.comment:
                    fields["comment"] = change.comment.strip()
                new_completed = change.completed_on.isoformat() if change.completed_on else None
                old_completed = action.completed_on.isoformat() if action.completed_on else None
                if change.completed_on is not None and new_completed != old_completed:
                    fields["completed_on"] = new_completed
                if not fields:
                    continue
                extra: dict[str, object] = {"previous": action.status} if "status" in fields else {}
                _change(
                    conn,
                    action.id,
                    fields,
                    "action_update_imported",
                    actor,
                    extra,
                    seen=action.version if change.seen is None else change.seen,
                )
                changed += 1
        return changed

    def last_changes(self, action_refs: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Per action id: who last changed it and when (its newest history entry), for telling
        a person whose change met someone else's; an action never changed is left out."""
        if not action_refs:
            return {}
        among, uuids = self._db.in_values("ac.uuid", action_refs)
        return {
            str(r[0]): (str(r[1] or ""), str(r[2] or ""))
            for r in self._db.query(
                "SELECT ac.uuid, e.actor, e.at FROM actions ac JOIN events e ON e.action_id = ac.id"
                f" WHERE {among} AND e.id = (SELECT max(id) FROM events WHERE action_id = ac.id)",
                (uuids,),
            )
        }

    # --- for the other repositories ---------------------------------------------------------

    def _select(self, clause: str, params: Sequence[Any]) -> builtins.list[Action]:
        return [self._from_row(r) for r in self._db.query(_ACTION_SELECT + clause, params)]

    def _from_row(self, r: Sequence[Any]) -> Action:
        packing = self._store.checklists._packing(int(r[20]))
        return Action(
            id=r[0],
            audit_id=r[1],
            item=r[2],
            description=r[3],
            owner=r[4],
            due=date.fromisoformat(r[5]),
            status=r[6],
            status_note=r[7],
            risk=self._store.risk_matrix.rate(int(r[8]), int(r[9])),
            created_at=r[10],
            updated_at=r[11],
            ward_name=r[12],
            site_name=r[13],
            location=r[14],
            found=r[15],
            answer=packing.value_of(r[16], r[2]) or "",
            critical=packing.checklist.item(r[2]).critical,
            comment=r[17],
            completed_on=date.fromisoformat(r[18]) if r[18] else None,
            ward_id=r[19],
            version=int(r[21]),
        )

    def _sync_with_answer(
        self,
        conn: Executor,
        row: AuditRow,
        status: str,
        item: Item,
        value: AnswerValue | None,
        actor: str,
        now: str,
    ) -> None:
        """Raise, withdraw or annotate the item's action after its answer changed, inside the
        answer's own transaction: the answer and its action are one user action."""
        matrix = self._store.risk_matrix
        # One statement reads all the answer's action depends on: the item's action in this
        # audit, whether the finding is linked to an earlier one, and what a withdrawn action
        # for the item last said (an undo brings it back as she had left it).
        action_id, action_uuid, linked, withdrawn = conn.execute(
            "SELECT (SELECT id FROM actions WHERE audit_id = ? AND item_id = ?),"
            " (SELECT uuid FROM actions WHERE audit_id = ? AND item_id = ?),"
            " EXISTS (SELECT 1 FROM finding_links WHERE audit_id = ? AND item_id = ?),"
            f" (SELECT {self._db.json_value('detail', 'fields')} FROM events WHERE audit_id = ?"
            f"  AND kind = 'action_withdrawn' AND {self._db.json_value('detail', 'item')} = ?"
            "  ORDER BY id DESC LIMIT 1)",
            (row.rowid, item.id) * 4,
        ).fetchone()
        existing = None if action_id is None else (action_id, action_uuid)
        if linked and value not in ("no", "partial"):
            # Met after all (or taken back): the finding no longer belongs to the earlier action.
            conn.execute(
                "DELETE FROM finding_links WHERE audit_id = ? AND item_id = ?",
                (row.rowid, item.id),
            )
        if value in ("no", "partial"):
            if existing or linked:
                return
            raised = None if withdrawn is None else {"item": item.id, **json.loads(withdrawn)}
            if raised is None:
                rating = matrix.rate(item.risk.likelihood, item.risk.consequence)
                raised = {
                    "item": item.id,
                    "description": item.action,
                    "owner": item.owner,
                    "likelihood": rating.likelihood,
                    "consequence": rating.consequence,
                    "due": matrix.due_date(rating, clock.today()).isoformat(),
                }
            raised = {**raised, "action": new_uuid(), "status": "open"}
            band = matrix.rate(raised["likelihood"], raised["consequence"]).band
            action_rowid = insert_action(conn, row.rowid, raised, now)
            append_event(
                conn,
                "action_raised",
                actor=actor,
                audit_rowid=row.rowid,
                audit_status=status,
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
            append_event(
                conn,
                "action_withdrawn",
                actor=actor,
                audit_rowid=row.rowid,
                audit_status=status,
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
            append_event(
                conn,
                "action_note",
                actor=actor,
                audit_rowid=row.rowid,
                audit_status=status,
                action_rowid=existing[0],
                note=f"the answer was amended to {ANSWER_WORDS[value]}",
            )

    def _link(
        self,
        conn: Executor,
        row: AuditRow,
        item: Item,
        action_ref: str,
        actor: str,
        now: str,
    ) -> None:
        """Link this audit's finding to the ward's open action for the same item, inside the
        caller's transaction, withdrawing this audit's own action for it if one was raised."""
        found = conn.execute(
            "SELECT ac.id, ac.item_id, ac.status, a.ward_id, a.status, a.id FROM actions ac"
            " JOIN audits a ON a.id = ac.audit_id WHERE ac.uuid = ?",
            (action_ref,),
        ).fetchone()
        ward_rowid = conn.execute(
            "SELECT ward_id FROM audits WHERE id = ?", (row.rowid,)
        ).fetchone()[0]
        if (
            found is None
            or found[1] != item.id
            or found[3] != ward_rowid
            or found[4] != "completed"
            or found[5] == row.rowid
        ):
            raise InvalidInput(
                f"the action {action_ref} is not one the ward still has open for {item.id} "
                "from an earlier audit; raise a new action instead"
            )
        if found[2] not in STILL_TO_DO:
            raise InvalidInput(
                f"the earlier action for {item.id} is no longer open; raise a new action instead"
            )
        self._sync_with_answer(conn, row, "in_progress", item, None, actor, now)
        conn.execute(
            "INSERT INTO finding_links(audit_id, item_id, action_id, linked_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(audit_id, item_id) DO UPDATE SET action_id = excluded.action_id,"
            " linked_at = excluded.linked_at",
            (row.rowid, item.id, int(found[0]), now),
        )

    def _record_links(
        self, conn: Executor, row: AuditRow, record: AuditRecord, actor: str, now: str
    ) -> None:
        """At sign-off, each linked finding joins the earlier action's history, as an event
        that travels in exchange files with that action's audit."""
        for link in record.links:
            answer = record.answers.get(link.item)
            action_rowid = conn.execute(
                "SELECT id FROM actions WHERE uuid = ?", (link.action_id,)
            ).fetchone()[0]
            append_event(
                conn,
                "action_linked",
                actor=actor,
                action_rowid=int(action_rowid),
                at=now,
                finding_audit=row.uuid,
                item=link.item,
                answer=answer.value if answer else "",
                note=answer.note if answer else "",
                location=answer.location if answer else "",
                found_on=clock.parse_iso(now).date().isoformat(),
            )


_INSERT_ACTION = (
    "INSERT INTO actions(uuid, audit_id, item_id, description, owner, likelihood,"
    " consequence, due, status, status_note, comment, completed_on, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _action_row(audit_rowid: int, fields: dict[str, Any], now: str) -> tuple[Any, ...]:
    return (
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
    )


def insert_action(conn: Executor, audit_rowid: int, fields: dict[str, Any], now: str) -> int:
    """Insert an action from its plain fields (as raised, or as a record carries it)."""
    cursor = conn.execute(_INSERT_ACTION + " RETURNING id", _action_row(audit_rowid, fields, now))
    return int(cursor.fetchone()[0])


def insert_actions(conn: Executor, audit_rowid: int, actions: Sequence[dict[str, Any]]) -> None:
    """An audit's actions as its record carries them, in one go (on the trust database
    without waiting for each: an import of a thousand audits holds several thousand)."""
    conn.executemany(
        _INSERT_ACTION, [_action_row(audit_rowid, a, a["created_at"]) for a in actions]
    )


def set_action_fields(
    conn: Executor, action_uuid: str, fields: dict[str, Any], at: str, seen: int | None = None
) -> None:
    """Write the changeable fields among ``fields``; the rest (ids, item) never change.

    Every change moves the action's version on. With ``seen``, the change is made only if
    the action is still at that version; otherwise :class:`ChangedMeanwhile` says who
    changed it and when (and the caller's transaction saves nothing).
    """
    changes = {k: v for k, v in fields.items() if k in MUTABLE_ACTION_FIELDS}
    sets = "".join(f"{k} = ?, " for k in changes)
    check = "" if seen is None else " AND row_version = ?"
    cursor = conn.execute(
        f"UPDATE actions SET {sets}updated_at = ?, row_version = row_version + 1"
        f" WHERE uuid = ?{check}",
        (*changes.values(), at, action_uuid, *(() if seen is None else (seen,))),
    )
    if seen is not None and cursor.rowcount == 0:  # (read only when asked: it waits)
        raise _changed_meanwhile(conn, action_uuid)


def _seen(seen: int | None, action: Action) -> int:
    """The version a change is made from: the one shown to the person, else the one just read."""
    return action.version if seen is None else seen


def _changed_meanwhile(conn: Executor, action_uuid: str) -> ChangedMeanwhile:
    found = conn.execute(
        "SELECT e.actor, e.at, ac.status FROM actions ac"
        " LEFT JOIN events e ON e.action_id = ac.id WHERE ac.uuid = ?"
        " ORDER BY e.id DESC LIMIT 1",
        (action_uuid,),
    ).fetchone()
    by = (found[0] or "someone") if found else "someone"
    at = (found[1] or "") if found else ""
    now = f"; it is now {ACTION_STATUS_WORDS[found[2]]}" if found else ""
    return ChangedMeanwhile(
        f"{changed_by_words(by, at)} while you had it open{now}. Your change was not "
        "saved: look at it again, then make your change again if it is still needed.",
        by=by,
        at=at,
    )


def _change(
    conn: Executor,
    action_uuid: str,
    fields: dict[str, object],
    kind: EventKind,
    actor: str,
    extra: dict[str, object] | None = None,
    *,
    seen: int | None = None,
) -> None:
    """Change an action's row and record the same change, at the same moment, as an event."""
    now = clock.now_precise()
    set_action_fields(conn, action_uuid, fields, now, seen)
    rowid = conn.execute("SELECT id FROM actions WHERE uuid = ?", (action_uuid,)).fetchone()[0]
    append_event(
        conn, kind, actor=actor, action_rowid=rowid, details={**fields, **(extra or {})}, at=now
    )
