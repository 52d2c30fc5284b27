"""Audits and their answers: started, answered item by item, signed off, amended.

Answers are packed one character per checklist item in the audit's own row (see
``scoring.Packing``), so saving an answer rewrites one small row and 50,000 audits stay a
compact file; notes and locations, where given, sit beside them in ``answer_notes``.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from wardaudit import clock
from wardaudit.checklist import DESIGNATION_WORDS, Checklist, Item
from wardaudit.errors import AuditIncomplete, AuditLocked, InvalidInput, NotFound
from wardaudit.model import (
    AUDIT_STATUSES,
    DRAFT_FIELDS,
    Answer,
    AnswerValue,
    Audit,
    AuditRecord,
    AuditSummary,
    Draft,
    DraftField,
    EventKind,
    FindingLink,
    Photo,
    ScoredAudit,
    TeamMember,
    Ward,
)
from wardaudit.scoring import BulkScore, Packing, allowed_answers, score_audit
from wardaudit.store.history import append_event, new_uuid
from wardaudit.store.photos import NewPhoto, insert_photo

if TYPE_CHECKING:
    from wardaudit.store import Store
    from wardaudit.store.database import Executor

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


def _check_designation(checklist: Checklist, ward: Ward) -> None:
    """A checklist is answered only on the wards it is written for: its ``designations``."""
    if ward.sex not in checklist.designations:
        names = [DESIGNATION_WORDS[d].lower() for d in checklist.designations]
        written_for = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        raise InvalidInput(
            f"{checklist.label} is written for {written_for} wards only, and {ward.name} is a "
            f"{ward.designation.lower()} ward, so it cannot be audited with it. Choose a "
            f"checklist written for {ward.designation.lower()} wards, or correct the ward's "
            "designation if it is wrong"
        )
    if not checklist.applicable_items(ward.sex):
        raise InvalidInput(f"no item of {checklist.label} applies to a {ward.sex} ward")


@dataclass(frozen=True)
class AuditRow:
    """What the other repositories need to know of an audit to change it."""

    rowid: int
    uuid: str
    status: str
    checklist_version_id: int
    ward_sex: str


@dataclass(frozen=True)
class _AnswerContext:
    """What saving an answer reads of its audit, in one statement inside its transaction."""

    row: AuditRow
    packed: str
    details: tuple[str, str] | None  # the item's stored note and location, if any
    has_draft: bool  # a draft note or location is kept for the item


class Audits:
    """``store.audits``: each audit from its start to its sign-off, and what was answered."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db

    # --- a walk-round ------------------------------------------------------------------------

    def start(self, ward_ref: str, checklist: Checklist, *, by: str = "") -> Audit:
        """Start an audit of a ward, pinned to this exact checklist content."""
        ward = self._store.wards.get(ward_ref)
        _check_designation(checklist, ward)
        version_rowid = self._store.checklists._version_rowid(checklist)
        with self._db.transaction() as conn:
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
            ward_rowid = self._store.wards._rowid(conn, ward.id)
            audit_uuid = new_uuid()
            now = clock.now_iso()
            cursor = conn.execute(
                "INSERT INTO audits(uuid, ward_id, checklist_version_id, status, started_at,"
                " started_by, updated_at, ward_sex, answer_values)"
                " VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?, ?) RETURNING id",
                (
                    audit_uuid,
                    ward_rowid,
                    version_rowid,
                    now,
                    by.strip(),
                    now,
                    ward.sex,
                    self._store.checklists._packing(version_rowid).blank(),
                ),
            )
            audit_rowid = int(cursor.fetchone()[0])
            append_event(
                conn,
                "audit_started",
                actor=by,
                audit_rowid=audit_rowid,
                ward=ward.id,
                checklist=checklist.id,
                version=checklist.version,
                content_hash=checklist.content_hash,
            )
        return self.get(audit_uuid).audit

    def record_answer(
        self,
        audit_ref: str,
        item_id: str,
        value: AnswerValue,
        *,
        note: str | None = None,
        location: str | None = None,
        actor: str = "",
        link_to: str | None = None,
    ) -> Answer:
        """Record one answer durably; on No or Partly raise the item's action if not yet raised.

        Returns only after the answer is committed with ``synchronous=FULL``. A note or
        location left as None keeps what was there. The item's draft note and location go
        in the same transaction: the answer now holds what she typed. With ``link_to`` (an
        action the ward still has open for this item from an earlier audit) a No or Partly
        is linked to that action instead of raising a second one.
        """
        return self._write_answer(
            audit_ref, item_id, value, note, location, actor, kind=None, link_to=link_to
        )

    # --- drafts: typed, not yet part of an answer -----------------------------------------

    def save_draft(self, audit_ref: str, item_id: str, field: DraftField, text: str) -> str:
        """Keep what she typed for an item (a note or location before the answer, an action's
        wording or owner before she moves on), committed as durably as an answer.

        Empty text removes the draft. Returns the time it was saved. Drafts belong to the
        audit in progress only: an answer takes its item's note and location drafts, an
        accepted action its own, and sign-off discards whatever is left.
        """
        if field not in DRAFT_FIELDS:
            raise InvalidInput(f"'{field}' is not a draft field; use {', '.join(DRAFT_FIELDS)}")
        row = self._row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is signed off and locked; nothing was saved")
        self._check_answer(row, item_id, None)
        now = clock.now_precise()
        with self._db.transaction() as conn:
            if text.strip():
                conn.execute(
                    "INSERT INTO drafts(audit_id, item_id, field, text, updated_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT(audit_id, item_id, field)"
                    " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                    (row.rowid, item_id, field, text, now),
                )
            else:
                conn.execute(
                    "DELETE FROM drafts WHERE audit_id = ? AND item_id = ? AND field = ?",
                    (row.rowid, item_id, field),
                )
        return now

    def drafts(self, audit_ref: str) -> builtins.list[Draft]:
        """The drafts of an audit, read back when it opens (item order as stored)."""
        row = self._row(audit_ref)
        return [
            Draft(r[0], r[1], r[2], r[3])
            for r in self._db.query(
                "SELECT item_id, field, text, updated_at FROM drafts WHERE audit_id = ?"
                " ORDER BY item_id, field",
                (row.rowid,),
            )
        ]

    def discard_drafts(
        self, audit_ref: str, item_id: str, fields: Sequence[DraftField] = DRAFT_FIELDS
    ) -> None:
        """Drop an item's drafts once what they held is saved where it belongs."""
        row = self._row(audit_ref)
        with self._db.transaction() as conn:
            conn.executemany(
                "DELETE FROM drafts WHERE audit_id = ? AND item_id = ? AND field = ?",
                [(row.rowid, item_id, field) for field in fields],
            )

    # --- a finding and the ward's action already open -------------------------------------

    def link_finding(
        self, audit_ref: str, item_id: str, action_ref: str, *, actor: str = ""
    ) -> None:
        """Record this audit's No or Partly against an action the ward already has open for
        the same item (from an earlier audit), withdrawing any action this audit raised for
        it: estates get no duplicate. The earlier action stays open; at sign-off its history
        gains the new finding."""
        row = self._row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is signed off and locked; nothing was saved")
        item = self._check_answer(row, item_id, None)
        now = clock.now_precise()
        with self._db.transaction() as conn:
            packing = self._store.checklists._packing(row.checklist_version_id)
            packed = conn.execute(
                "SELECT answer_values FROM audits WHERE id = ?", (row.rowid,)
            ).fetchone()[0]
            if packing.value_of(packed, item_id) not in ("no", "partial"):
                raise InvalidInput(
                    f"{item_id} is not answered No or Partly, so there is no finding to link"
                )
            self._store.actions._link(conn, row, item, action_ref, actor, now)

    def raise_own_action(self, audit_ref: str, item_id: str, *, actor: str = "") -> None:
        """Take back a link to an earlier action and raise this audit's own action instead."""
        row = self._row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is signed off and locked; nothing was saved")
        item = self._check_answer(row, item_id, None)
        now = clock.now_precise()
        with self._db.transaction() as conn:
            packing = self._store.checklists._packing(row.checklist_version_id)
            status, packed = conn.execute(
                "SELECT status, answer_values FROM audits WHERE id = ?", (row.rowid,)
            ).fetchone()
            value = packing.value_of(packed, item_id)
            if value not in ("no", "partial"):
                raise InvalidInput(f"{item_id} is not answered No or Partly; no action is needed")
            conn.execute(
                "DELETE FROM finding_links WHERE audit_id = ? AND item_id = ?",
                (row.rowid, item_id),
            )
            self._store.actions._sync_with_answer(
                conn, row, status, item, cast(AnswerValue, value), actor, now
            )

    def clear_answer(self, audit_ref: str, item_id: str, *, actor: str = "") -> None:
        """Take an answer back (undo), withdrawing its action if one was raised."""
        row = self._row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is signed off and locked")
        item = self._check_answer(row, item_id, None)
        packing = self._store.checklists._packing(row.checklist_version_id)
        now = clock.now_iso()
        with self._db.transaction() as conn:
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
            append_event(
                conn,
                "answer_cleared",
                actor=actor,
                audit_rowid=row.rowid,
                item=item_id,
                previous=previous,
            )
            self._store.actions._sync_with_answer(conn, row, status, item, None, actor, now)

    def set_current_item(self, audit_ref: str, item_id: str) -> None:
        """Remember where the auditor is, so a resumed audit reopens at the same item.

        This is a place in the list, not something she entered: it is written without
        waiting for the disk, so moving between items stays instant.
        """
        row = self._row(audit_ref)
        if row.status != "in_progress":
            return
        with self._db.transaction(wait_for_disk=False) as conn:
            conn.execute("UPDATE audits SET current_item = ? WHERE id = ?", (item_id, row.rowid))

    def complete(
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
        row = self._row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is already signed off and locked")
        record = self.get(row.uuid)
        record_packed = self._db.query(
            "SELECT answer_values FROM audits WHERE id = ?", (row.rowid,)
        )[0][0]
        missing = record.unanswered()
        if missing:
            raise AuditIncomplete(
                f"{len(missing)} item(s) still need an answer before sign-off: "
                + ", ".join(missing),
                missing,
            )
        team_json = _team_json(team)
        now = clock.now_iso()
        with self._db.transaction() as conn:
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
            # The rule for drafts at sign-off: they are discarded, in this transaction. Every
            # item is answered by now, so its note and location are in the answer; typed
            # action text was saved to its action before sign-off was offered. A draft is
            # never part of the signed-off record.
            conn.execute("DELETE FROM drafts WHERE audit_id = ?", (row.rowid,))
            self._store.actions._record_links(conn, row, record, by, now)
            self._store.records._write(conn, row.rowid)
            score = record.score
            append_event(
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
        return self.get(row.uuid)

    def amend_answer(
        self,
        audit_ref: str,
        item_id: str,
        value: AnswerValue,
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
        row = self._row(audit_ref)
        if row.status != "completed":
            raise InvalidInput("this audit is still in progress; change the answer directly")
        return self._write_answer(
            row, item_id, value, note, location, by, kind="amendment", reason=reason.strip()
        )

    def import_completed(
        self,
        ward_ref: str,
        checklist: Checklist,
        *,
        answers: dict[str, tuple[AnswerValue, str, str]],
        started_at: str,
        completed_at: str,
        by: str,
        role: str,
        team: Sequence[TeamMember] = (),
        photos: Sequence[NewPhoto] = (),
    ) -> str:
        """Record a whole audit answered elsewhere (the demo trust's history) in one transaction.

        ``answers`` maps item id to (value, note, location); every applicable item must be
        answered. Actions are raised as they would have been, dated from ``completed_at``.
        ``photos`` are written to the photo store and synced before the transaction commits.
        """
        matrix = self._store.risk_matrix
        ward = self._store.wards.get(ward_ref)
        _check_designation(checklist, ward)
        applicable = checklist.applicable_items(ward.sex)
        missing = [item.id for item in applicable if item.id not in answers]
        if missing:
            raise AuditIncomplete("unanswered: " + ", ".join(missing), missing)
        for item in applicable:
            if answers[item.id][0] not in allowed_answers(item):
                raise InvalidInput(f"'{answers[item.id][0]}' is not an answer for item {item.id}")
        version_rowid = self._store.checklists._version_rowid(checklist)
        packing = self._store.checklists._packing(version_rowid)
        packed = packing.blank()
        for item in applicable:
            packed = packing.put(packed, item.id, answers[item.id][0])
        raised_on = clock.parse_iso(completed_at).date()
        applicable_ids = {item.id for item in applicable}
        for photo in photos:
            if photo.item not in applicable_ids:
                raise InvalidInput(f"a photo is for item {photo.item}, which this ward has not")
        with self._db.photo_files.adding() as batch, self._db.transaction() as conn:
            stored = [batch.put(photo.data) for photo in photos]
            batch.sync()
            ward_rowid = self._store.wards._rowid(conn, ward.id)
            audit_uuid = new_uuid()
            cursor = conn.execute(
                "INSERT INTO audits(uuid, ward_id, checklist_version_id, status, started_at,"
                " started_by, completed_at, signed_by, signed_role, team, updated_at, ward_sex,"
                " answer_values) VALUES (?, ?, ?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " RETURNING id",
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
            rowid = int(cursor.fetchone()[0])
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
                    rating = matrix.rate(item.risk.likelihood, item.risk.consequence)
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
                            matrix.due_date(rating, raised_on).isoformat(),
                            completed_at,
                            completed_at,
                        ),
                    )
            for photo, file in zip(photos, stored, strict=True):
                insert_photo(
                    conn,
                    new_uuid(),
                    rowid,
                    photo.item,
                    filename=photo.filename,
                    media_type=photo.media_type,
                    width=photo.width,
                    height=photo.height,
                    added_at=completed_at,
                    sha256=file.sha256,
                    size=file.size,
                    data=file.data,
                )
            self._store.records._write(conn, rowid)
            append_event(
                conn,
                "audit_imported",
                actor=by,
                audit_rowid=rowid,
                answers=len(applicable),
                role=role,
                at=completed_at,
            )
        return audit_uuid

    # --- reading -----------------------------------------------------------------------------

    def get(self, audit_ref: str) -> AuditRecord:
        """One audit whole: its checklist, answers, score, actions and photos."""
        row = self._row(audit_ref)
        checklists = self._store.checklists
        rows = self._db.query(_AUDIT_SELECT + " WHERE a.id = ?", (row.rowid,))
        audit = _audit_from_row(rows[0])
        checklist = checklists._checklist(row.checklist_version_id)
        packed = self._db.query("SELECT answer_values FROM audits WHERE id = ?", (row.rowid,))[0][0]
        values = checklists._packing(row.checklist_version_id).unpack(packed)
        notes = {
            r[0]: (r[1], r[2])
            for r in self._db.query(
                "SELECT item_id, note, location FROM answer_notes WHERE audit_id = ?", (row.rowid,)
            )
        }
        answers = {}
        for item in checklist.items():
            if item.id in values:
                note, location = notes.get(item.id, ("", ""))
                # the packing holds only the four answers
                value = cast(AnswerValue, values[item.id])
                answers[item.id] = Answer(item.id, item.section_id, value, note, location, "")
        score = score_audit(checklist, audit.ward.sex, values)
        order = {item.id: n for n, item in enumerate(checklist.items())}
        actions = sorted(
            self._store.actions._select(" WHERE ac.audit_id = ?", (row.rowid,)),
            key=lambda a: order.get(a.item, 0),
        )
        photos = tuple(
            Photo(r[0], r[1], r[2], r[3], r[4], r[5], r[6])
            for r in self._db.query(
                "SELECT uuid, item_id, filename, media_type, width, height, added_at FROM photos"
                " WHERE audit_id = ? ORDER BY id",
                (row.rowid,),
            )
        )
        links = tuple(
            FindingLink(r[0], r[1], r[2])
            for r in self._db.query(
                "SELECT fl.item_id, ac.uuid, fl.linked_at FROM finding_links fl"
                " JOIN actions ac ON ac.id = fl.action_id WHERE fl.audit_id = ?"
                " ORDER BY fl.item_id",
                (row.rowid,),
            )
        )
        return AuditRecord(audit, checklist, answers, tuple(actions), score, photos, links)

    def list(
        self,
        *,
        ward: str | None = None,
        status: str | None = None,
        site: str | None = None,
    ) -> list[AuditSummary]:
        """Audits, newest first, each scored in bulk from its stored answers.

        Filters: a ward's id or name, a status (checked: in_progress or completed), a site.
        """
        where: list[str] = []
        params: list[Any] = []
        if ward:
            where.append("w.uuid = ?")
            params.append(self._store.wards.get(ward).id)
        if status:
            if status not in AUDIT_STATUSES:
                raise InvalidInput("status must be in_progress or completed")
            where.append("a.status = ?")
            params.append(status)
        if site:
            where.append("s.name = ?")
            params.append(site)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        rows = self._db.query(
            "SELECT a.id, a.uuid, w.uuid, w.name, s.name, a.ward_sex, a.status, a.started_at,"
            " a.completed_at, cv.checklist_id, cv.version, a.checklist_version_id, a.answer_values"
            " FROM audits a JOIN wards w ON w.id = a.ward_id JOIN sites s ON s.id = w.site_id"
            " JOIN checklist_versions cv ON cv.id = a.checklist_version_id"
            + clause
            + " ORDER BY COALESCE(a.completed_at, a.started_at) DESC, a.id DESC",
            params,
        )
        checklists = self._store.checklists
        applicable: dict[tuple[int, str], int] = {}
        result = []
        for r in rows:
            version_id, sex = int(r[11]), str(r[5])
            score = checklists._packing(version_id).score(r[12])
            key = (version_id, sex)
            if key not in applicable:
                applicable[key] = len(checklists._checklist(version_id).applicable_items(sex))
            result.append(
                AuditSummary(
                    id=r[1],
                    ward_id=r[2],
                    ward_name=r[3],
                    site_name=r[4],
                    sex=r[5],
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

    def in_progress(self) -> builtins.list[AuditSummary]:
        """The audits not yet signed off, newest first (the app offers to resume them)."""
        return self.list(status="in_progress")

    def score_all(self) -> dict[str, BulkScore]:
        """Every audit's overall score, rating and breach by audit id, scored in bulk.

        Gives the same figures as :func:`scoring.score_audit` (tested). Section scores come
        from :meth:`get` for the audits a screen actually shows.
        """
        packings: dict[int, Packing] = {}
        scores = {}
        for audit_uuid, version_id, packed in self._db.query(
            "SELECT uuid, checklist_version_id, answer_values FROM audits"
        ):
            packing = packings.get(version_id)
            if packing is None:
                packing = packings[version_id] = self._store.checklists._packing(version_id)
            scores[audit_uuid] = packing.score(packed)
        return scores

    def completed_in_period(self, first_month: str, last_month: str) -> builtins.list[ScoredAudit]:
        """The audits signed off in these months (YYYY-MM, both included), oldest first,
        scored in bulk: what the board's figures are made of.

        ``completed_at`` is local time with its offset, so its month is the ward's month.
        """
        return self._scored(
            "SELECT a.uuid, w.uuid, a.completed_at, a.checklist_version_id, a.answer_values"
            " FROM audits a JOIN wards w ON w.id = a.ward_id WHERE a.status = 'completed'"
            " AND substr(a.completed_at, 1, 7) BETWEEN ? AND ? ORDER BY a.completed_at",
            (first_month, last_month),
        )

    def latest_completed_by_ward(self) -> dict[str, ScoredAudit]:
        """Each audited ward's latest signed-off audit, by ward id, scored in bulk.

        "Latest" is as :meth:`list` orders them: the newest sign-off, then the audit stored
        last.
        """
        found = self._scored(
            "SELECT uuid, ward_uuid, completed_at, checklist_version_id, answer_values FROM ("
            " SELECT a.uuid, w.uuid AS ward_uuid, a.completed_at, a.checklist_version_id,"
            " a.answer_values, row_number() OVER (PARTITION BY a.ward_id"
            " ORDER BY a.completed_at DESC, a.id DESC) AS newest"
            " FROM audits a JOIN wards w ON w.id = a.ward_id WHERE a.status = 'completed')"
            " AS ranked WHERE newest = 1",
            (),
        )
        return {audit.ward_id: audit for audit in found}

    # --- for the other repositories ---------------------------------------------------------

    def _scored(self, sql: str, params: Sequence[Any]) -> builtins.list[ScoredAudit]:
        checklists = self._store.checklists
        result = []
        for audit_uuid, ward_uuid, completed_at, version_id, packed in self._db.query(sql, params):
            packing = checklists._packing(version_id)
            result.append(
                ScoredAudit(
                    audit_uuid,
                    ward_uuid,
                    completed_at,
                    packing.checklist,
                    packing.score(packed),
                    packing,
                    packed,
                )
            )
        return result

    def _row(self, ref: str, conn: Executor | None = None) -> AuditRow:
        """An audit by its id, or by a unique beginning of it (at least 8 characters)."""
        ref = ref.strip()
        sql = "SELECT id, uuid, status, checklist_version_id, ward_sex FROM audits WHERE "
        executor = conn or self._db.conn
        with self._db.mutex:
            rows = executor.execute(sql + "uuid = ?", (ref,)).fetchall()
            if not rows and len(ref) >= 8:
                pattern = ref.replace("%", "").replace("_", "") + "%"
                rows = executor.execute(sql + "uuid LIKE lower(?) LIMIT 2", (pattern,)).fetchall()
                if len(rows) > 1:
                    raise InvalidInput(f"'{ref}' matches more than one audit; give more of its id")
        if not rows:
            raise NotFound(f"no audit with the id '{ref}' (see 'wardaudit audits list')")
        r = rows[0]
        return AuditRow(int(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4]))

    def _check_answer(self, row: AuditRow, item_id: str, value: str | None) -> Item:
        checklist = self._store.checklists._checklist(row.checklist_version_id)
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

    def _answer_context(self, conn: Executor, ref: AuditRow | str, item_id: str) -> _AnswerContext:
        """The audit as it stands in this transaction, with its packed answers, the item's
        note and location and whether a draft of them is kept: one statement for an audit
        given by its full id (as the audit screen gives it) or by its row."""
        sql = (
            "SELECT a.id, a.uuid, a.status, a.checklist_version_id, a.ward_sex, a.answer_values,"
            " n.note, n.location, EXISTS (SELECT 1 FROM drafts d WHERE d.audit_id = a.id"
            "  AND d.item_id = ? AND d.field IN ('note', 'location'))"
            " FROM audits a LEFT JOIN answer_notes n ON n.audit_id = a.id AND n.item_id = ?"
            " WHERE "
        )
        if isinstance(ref, AuditRow):
            found = conn.execute(sql + "a.id = ?", (item_id, item_id, ref.rowid)).fetchone()
        else:
            found = conn.execute(sql + "a.uuid = ?", (item_id, item_id, ref.strip())).fetchone()
            if found is None:  # a unique beginning of the id
                rowid = self._row(ref, conn).rowid
                found = conn.execute(sql + "a.id = ?", (item_id, item_id, rowid)).fetchone()
        if found is None:
            raise NotFound(f"no audit with the id '{ref}' (see 'wardaudit audits list')")
        r = found
        return _AnswerContext(
            AuditRow(int(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4])),
            str(r[5]),
            None if r[6] is None else (str(r[6]), str(r[7])),
            bool(r[8]),
        )

    def _write_answer(
        self,
        ref: AuditRow | str,
        item_id: str,
        value: AnswerValue,
        note: str | None,
        location: str | None,
        actor: str,
        *,
        kind: EventKind | None,
        reason: str = "",
        link_to: str | None = None,
    ) -> Answer:
        """Save an answer (``kind`` None) or an amendment, with its action, in one transaction.

        The audit is read inside the transaction, checked, and its packed answers rewritten
        only if this answer changed them.
        """
        now = clock.now_precise()
        with self._db.transaction() as conn:
            context = self._answer_context(conn, ref, item_id)
            row, packed, status = context.row, context.packed, context.row.status
            if kind is None and status != "in_progress":
                raise AuditLocked(
                    f"audit {row.uuid} is signed off and locked; record a change as an "
                    "amendment with a reason"
                )
            item = self._check_answer(row, item_id, value)
            packing = self._store.checklists._packing(row.checklist_version_id)
            previous = packing.value_of(packed, item_id)
            if previous != value:
                conn.execute(
                    "UPDATE audits SET answer_values = ?, updated_at = ? WHERE id = ?",
                    (packing.put(packed, item_id, value), now, row.rowid),
                )
            old_note, old_location, new_note, new_location = write_note(
                conn, row.rowid, item_id, note, location, stored=context.details
            )
            # A first answer is its own record; the history keeps what replaced an earlier
            # answer, and every amendment with its reason.
            details_changed = (old_note, old_location) != (new_note, new_location)
            if kind is not None or (
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
                event_kind: EventKind
                if kind is not None:
                    event_kind = kind
                else:
                    event_kind = "answer_changed" if previous != value else "answer_details"
                append_event(
                    conn,
                    event_kind,
                    actor=actor,
                    audit_rowid=row.rowid,
                    audit_status=status,
                    details=detail,
                    at=now,
                )
            if kind is None and context.has_draft and (note is not None or location is not None):
                conn.execute(
                    "DELETE FROM drafts WHERE audit_id = ? AND item_id = ?"
                    " AND field IN ('note', 'location')",
                    (row.rowid, item_id),
                )
            if kind is None and link_to is not None and value in ("no", "partial"):
                self._store.actions._link(conn, row, item, link_to, actor, now)
            elif value in ("no", "partial") or previous in ("no", "partial"):
                self._store.actions._sync_with_answer(conn, row, status, item, value, actor, now)
        return Answer(item_id, item.section_id, value, new_note, new_location, now)


def write_note(
    conn: Executor,
    audit_rowid: int,
    item_id: str,
    note: str | None,
    location: str | None,
    *,
    stored: tuple[str, str] | Literal["unread"] | None = "unread",
) -> tuple[str, str, str, str]:
    """Keep an answer's note and location; returns (old note, old location, new, new).

    ``stored`` is the note and location already read in this transaction (None: none kept).
    """
    if note is None and location is None:
        return "", "", "", ""
    found = (
        conn.execute(
            "SELECT note, location FROM answer_notes WHERE audit_id = ? AND item_id = ?",
            (audit_rowid, item_id),
        ).fetchone()
        if stored == "unread"
        else stored
    )
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


def _team_json(team: Sequence[TeamMember]) -> str:
    return json.dumps(
        [{"name": m.name, "role": m.role, "patient_or_peer": m.patient_or_peer} for m in team],
        ensure_ascii=False,
    )


def _audit_from_row(r: Sequence[Any]) -> Audit:
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
