"""Views of the record for those who read it: the JSON the command line prints and files
carry, and each ward's overview as the Wards screen shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.model import Action, AuditRecord, AuditSummary, Ward
from wardaudit.store import Store


def ward_json(ward: Ward) -> dict[str, Any]:
    return {
        "id": ward.id,
        "name": ward.name,
        "site": ward.site,
        "sex": ward.sex,
        "service": ward.service,
        "beds": ward.beds,
        "areas": list(ward.areas),
    }


def checklist_summary_json(checklist: Checklist) -> dict[str, Any]:
    return {
        "id": checklist.id,
        "version": checklist.version,
        "title": checklist.title,
        "items": sum(1 for _ in checklist.items()),
        "source": checklist.source,
    }


def thresholds_json(checklist: Checklist) -> dict[str, Any]:
    """The rating rules, so that anyone outside can recompute a rating (null: no floor)."""
    thresholds = checklist.thresholds
    return {
        "green": thresholds.green,
        "amber": thresholds.amber,
        "section_floor": thresholds.section_floor,
    }


def checklist_json(checklist: Checklist) -> dict[str, Any]:
    return {
        "id": checklist.id,
        "version": checklist.version,
        "title": checklist.title,
        "description": checklist.description,
        "content_hash": checklist.content_hash,
        "thresholds": thresholds_json(checklist),
        "settings": {s.name: s.value for s in checklist.settings},
        "sections": [
            {
                "id": section.id,
                "title": section.title,
                "items": [
                    {
                        "id": item.id,
                        "question": item.question,
                        "guidance": item.guidance,
                        "weight": item.weight,
                        "critical": item.critical,
                        "applies_to": list(item.applies_to),
                        "risk": {
                            "likelihood": item.risk.likelihood,
                            "consequence": item.risk.consequence,
                        },
                        "owner": item.owner,
                        "action": item.action,
                        "sources": list(item.sources),
                    }
                    for item in section.items
                ],
            }
            for section in checklist.sections
        ],
    }


def action_json(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "audit": action.audit_id,
        "item": action.item,
        "description": action.description,
        "owner": action.owner,
        "due": action.due.isoformat(),
        "status": action.status,
        "status_note": action.status_note,
        "comment": action.comment,
        "completed_on": action.completed_on.isoformat() if action.completed_on else None,
        "updated_at": action.updated_at,
        "ward": action.ward_name,
        "site": action.site_name,
        "location": action.location,
        "risk": {
            "likelihood": action.risk.likelihood,
            "consequence": action.risk.consequence,
            "score": action.risk.score,
            "band": action.risk.band,
        },
    }


def audit_json(record: AuditRecord) -> dict[str, Any]:
    audit, checklist, score = record.audit, record.checklist, record.score
    answers = []
    for item in checklist.applicable_items(audit.ward.sex):
        answer = record.answers.get(item.id)
        answers.append(
            {
                "item": item.id,
                "section": item.section_id,
                "question": item.question,
                "value": answer.value if answer else None,
                "weight": item.weight,
                "critical": item.critical,
                "note": answer.note if answer else "",
                "location": answer.location if answer else "",
            }
        )
    return {
        "id": audit.id,
        "status": audit.status,
        "started_at": audit.started_at,
        "started_by": audit.started_by,
        "completed_at": audit.completed_at,
        "signed_by": audit.signed_by,
        "signed_role": audit.signed_role,
        "team": [
            {"name": m.name, "role": m.role, "patient_or_peer": m.patient_or_peer}
            for m in audit.team
        ],
        "ward": {
            "id": audit.ward.id,
            "name": audit.ward.name,
            "site": audit.ward.site,
            "sex": audit.ward.sex,
        },
        "checklist": {
            "id": checklist.id,
            "version": checklist.version,
            "title": checklist.title,
            "content_hash": checklist.content_hash,
            "thresholds": thresholds_json(checklist),
            "settings": {s.name: s.value for s in checklist.settings},
        },
        "score": {
            "overall": score.overall_float,
            "rating": score.rating,
            "critical_breach": score.critical_breach,
            "critical_items": list(score.critical_items),
            # the sections below the section floor, and whether they hold a Green at Amber
            "below_floor": list(score.below_floor),
            "held_by_floor": score.held_by_floor,
            "answered": score.answered,
            "applicable": score.applicable,
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "score": None if s.score is None else float(s.score),
                    "answered": s.answered,
                    "applicable": s.applicable,
                }
                for s in score.sections
            ],
        },
        "answers": answers,
        "actions": [action_json(a) for a in record.actions],
    }


def audit_summary_json(summary: AuditSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "ward": summary.ward_name,
        "ward_id": summary.ward_id,
        "site": summary.site_name,
        "status": summary.status,
        "started_at": summary.started_at,
        "completed_at": summary.completed_at,
        "checklist": {"id": summary.checklist_id, "version": summary.checklist_version},
        "overall": summary.overall,
        "rating": summary.rating,
        "critical_breach": summary.critical_breach,
        "answered": summary.answered,
        "applicable": summary.applicable,
    }


# --- each ward at a glance ----------------------------------------------------------------


@dataclass(frozen=True)
class BreachedItem:
    """A critical item answered No at the ward's latest audit, ready to be put in words."""

    item: str  # the item's id, such as "A03"
    section: str  # the title of the item's section
    question: str


@dataclass(frozen=True)
class WardOverview:
    """One ward's figures on the Wards screen: its latest signed-off audit and its actions.

    Open actions are those open or in progress across all the ward's audits, in progress
    ones included (they were raised on the walk-round); overdue ones are those of them
    past their due date.
    """

    ward: Ward
    last_audit_id: str | None  # the latest signed-off audit
    last_audit_at: str | None  # when it was signed off: ISO 8601 with its UTC offset
    score: float | None
    rating: str | None
    critical_breaches: tuple[BreachedItem, ...]
    open_actions: int
    overdue_actions: int
    in_progress: AuditSummary | None  # the audit being answered now, if there is one

    @property
    def audited(self) -> bool:
        return self.last_audit_id is not None

    @property
    def last_audit_date(self) -> date | None:
        """The day of the latest sign-off, in Europe/London time."""
        return None if self.last_audit_at is None else clock.parse_iso(self.last_audit_at).date()


def ward_overview(store: Store, today: date | None = None) -> list[WardOverview]:
    """Every ward's overview, in the register's order (by site, then name).

    Worked out from each ward's latest audit scored in bulk and action counts made in
    SQL: no audit is loaded whole, so it suits a worker thread and a large trust.
    """
    today = today or clock.today()
    latest = store.audits.latest_completed_by_ward()
    in_progress: dict[str, AuditSummary] = {}
    for summary in store.audits.in_progress():  # newest first
        in_progress.setdefault(summary.ward_id, summary)
    counts = store.actions.open_counts(today, signed_off_only=False)
    overview = []
    for ward in store.wards.list():
        last = latest.get(ward.id)
        breaches: tuple[BreachedItem, ...] = ()
        if last is not None:
            sections = {s.id: s.title for s in last.checklist.sections}
            breaches = tuple(
                BreachedItem(item.id, sections[item.section_id], item.question)
                for item in map(last.checklist.item, last.critical_items())
            )
        open_actions, overdue = counts.get(ward.id, (0, 0))
        overview.append(
            WardOverview(
                ward=ward,
                last_audit_id=None if last is None else last.id,
                last_audit_at=None if last is None else last.completed_at,
                score=None if last is None else last.score.overall,
                rating=None if last is None else last.score.rating,
                critical_breaches=breaches,
                open_actions=open_actions,
                overdue_actions=overdue,
                in_progress=in_progress.get(ward.id),
            )
        )
    return overview
