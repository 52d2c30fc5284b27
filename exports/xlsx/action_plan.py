"""One audit's action plan as a workbook: Actions, Summary, Answers and About sheets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from exports.common import fingerprint
from exports.xlsx.action_sheet import ActionSheet, about_sheet, count_rows, write_actions
from exports.xlsx.base import (
    DATETIME_FORMAT,
    Printing,
    add_table,
    key_values,
    naive,
    new_book,
    new_sheet,
    save,
)
from wardaudit import clock
from wardaudit.actions import by_risk
from wardaudit.model import AuditRecord
from wardaudit.words import (
    JUDGED_UNDER,
    answer_word,
    audit_day_words,
    floor_hold_words,
    judging_words,
    person_words,
    rating_word,
    team_words,
)


def write_action_plan(record: AuditRecord, path: Path | str, *, trust: str = "") -> Path:
    """One audit's action plan: Actions, Summary, Answers and About sheets."""
    audit, score = record.audit, record.score
    ward = audit.ward
    today = clock.today()
    exported = clock.now()
    actions = by_risk(record.actions, score.critical_items)
    title = f"Action plan: {ward.name}, {ward.site}, {audit_day_words(record.audit)}"
    book = new_book(
        title,
        f"{audit.checklist_title} (version {audit.checklist_version}): actions by risk",
        audit.signed_by or audit.started_by or "WardAudit",
    )

    printing = Printing(title, exported)
    scope = (
        f"{audit.checklist_title} (version {audit.checklist_version}); critical breaches first, "
        "then by risk band and due date"
    )
    if audit.status != "completed":
        scope = "Provisional: the audit is still in progress. " + scope

    def write(book: Any) -> None:
        write_actions(book, actions, today, ActionSheet(title, scope, exported))
        _plan_summary(book, record, trust, today, printing)
        _answers(book, record, printing)
        about_sheet(
            book,
            "Action plan for one audit",
            exported,
            [("Audit", audit.id), ("Fingerprint", fingerprint(record))],
            printing,
            actions,
        )

    return save(book, path, write)


def _plan_summary(
    book: Any, record: AuditRecord, trust: str, today: date, printing: Printing
) -> None:
    audit, score = record.audit, record.score
    ward = audit.ward
    team = team_words(audit.team)
    breaches = [
        (f"Critical breach {item}", record.checklist.item(item).question)
        for item in score.critical_items
    ]
    held = floor_hold_words(score, record.checklist.thresholds)
    sections = [
        (
            section.title,
            None if section.score is None else round(float(section.score), 1),
            f"{section.answered} of {section.applicable} answered",
        )
        for section in score.sections
    ]
    rows: list[Sequence[object]] = [
        ("Action plan",),
        *((("Trust", trust),) if trust else ()),
        ("Site", ward.site),
        ("Ward", ward.name),
        ("Designation", ward.designation),
        ("Service", ward.service),
        ("Checklist", f"{audit.checklist_title} (version {audit.checklist_version})"),
        (JUDGED_UNDER, judging_words(record.checklist.judged_under)),
        ("Audit status", "Signed off" if audit.status == "completed" else "In progress"),
        ("Started", _iso_date(audit.started_at)),
        ("Signed off", _iso_date(audit.completed_at)),
        ("Signed off by", person_words(audit.signed_by, audit.signed_role)),
        ("Audit team", team),
        (
            "Overall score (%)",
            None if score.overall is None else round(float(score.overall), 1),
        ),
        ("Rating", rating_word(score.rating)),
        *((("Held at Amber", held),) if held else ()),
        ("Critical breaches", len(score.critical_items)),
        *breaches,
        ("Answered", f"{score.answered} of {score.applicable}"),
        ("Fingerprint", fingerprint(record)),
        ("Counted on", today),
        (),
        ("Section", "Score (%)", "Answered"),
        *sections,
        (),
        *count_rows(record.actions, today),
    ]
    key_values(book, "Summary", rows, printing)


def _iso_date(text: str | None) -> date | None:
    return clock.parse_iso(text).date() if text else None


def _answers(book: Any, record: AuditRecord, printing: Printing) -> None:
    """Every item that applies, with its answer; the time column only when times are kept."""
    timed = any(answer.answered_at for answer in record.answers.values())
    headers = ["Section", "Item", "Question", "Critical", "Answer", "Location", "Note"]
    widths = [22, 7, 60, 9, 12, 20, 40]
    if timed:
        headers.append("Answered at")
        widths.append(17)
    sheet = new_sheet(
        book,
        "Answers",
        headers,
        widths,
        printing,
        wrapped=("Section", "Question", "Location", "Note"),
        formats={"Answered at": DATETIME_FORMAT},
    )
    for section in record.checklist.sections:
        for item in section.items:
            if not item.applies(record.audit.ward.sex):
                continue
            answer = record.answers.get(item.id)
            values: list[object] = [
                section.title,
                item.id,
                item.question,
                "Critical" if item.critical else "",
                answer_word(answer.value) if answer else "Not answered",
                answer.location if answer else "",
                answer.note if answer else "",
            ]
            if timed:
                values.append(
                    naive(clock.parse_iso(answer.answered_at))
                    if answer and answer.answered_at
                    else None
                )
            sheet.append(values)
    add_table(sheet, "Answers")
