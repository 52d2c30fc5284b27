"""Plain-data views of domain objects: the JSON the command line prints and files carry."""

from __future__ import annotations

from typing import Any

from wardaudit.checklist import Checklist
from wardaudit.model import Action, AuditRecord, AuditSummary, Ward


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
        "ward": action.ward,
        "site": action.site,
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
        "ward": summary.ward,
        "ward_id": summary.ward_id,
        "site": summary.site,
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
