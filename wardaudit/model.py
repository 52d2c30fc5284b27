"""The domain's values: sites, wards, audits, answers and actions, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from wardaudit.checklist import DESIGNATION_WORDS, Checklist
from wardaudit.risk import RiskRating
from wardaudit.scoring import AuditScore

ACTION_STATUSES = ("open", "in_progress", "done", "verified", "cannot_do")
ACTION_STATUS_WORDS = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "verified": "Verified",
    "cannot_do": "Cannot do",
}
AUDIT_STATUS_WORDS = {"in_progress": "In progress", "completed": "Completed"}


@dataclass(frozen=True)
class Site:
    id: str
    name: str


@dataclass(frozen=True)
class Ward:
    id: str
    name: str
    site: str
    sex: str
    service: str
    beds: int | None
    areas: tuple[str, ...] = ()

    @property
    def designation(self) -> str:
        return DESIGNATION_WORDS[self.sex]


@dataclass(frozen=True)
class TeamMember:
    name: str
    role: str
    patient_or_peer: bool = False


@dataclass(frozen=True)
class Audit:
    id: str
    ward: Ward
    checklist_id: str
    checklist_version: int
    checklist_title: str
    status: str
    started_at: str
    started_by: str
    completed_at: str | None
    signed_by: str | None
    signed_role: str | None
    team: tuple[TeamMember, ...]
    current_item: str | None


@dataclass(frozen=True)
class Answer:
    item: str
    section: str
    value: str
    note: str
    location: str
    answered_at: str  # when it was just recorded; answers read back from the store carry ""


@dataclass(frozen=True)
class Photo:
    id: str
    item: str
    filename: str
    media_type: str
    width: int
    height: int
    added_at: str


@dataclass(frozen=True)
class Action:
    id: str
    audit_id: str
    item: str
    description: str
    owner: str
    due: date
    status: str
    status_note: str
    risk: RiskRating
    created_at: str
    updated_at: str
    ward: str = ""
    site: str = ""
    location: str = ""
    found: str = ""  # the auditor's note on the answer
    answer: str = ""  # the answer that raised it: no or partial
    comment: str = ""  # estates' comment, from a returned workbook
    completed_on: date | None = None
    ward_id: str = ""
    critical: bool = False  # raised by a critical item: a No here is a critical breach

    def is_overdue(self, today: date) -> bool:
        return self.status in ("open", "in_progress") and self.due < today

    @property
    def status_word(self) -> str:
        return ACTION_STATUS_WORDS[self.status]


@dataclass(frozen=True)
class ActionChange:
    """One returned update for an action; None leaves that field as it is."""

    action_id: str
    status: str | None = None
    comment: str | None = None
    completed_on: date | None = None


@dataclass(frozen=True)
class AuditRecord:
    """Everything about one audit: what was asked, what was answered, score and actions."""

    audit: Audit
    checklist: Checklist
    answers: dict[str, Answer]
    actions: tuple[Action, ...]
    score: AuditScore
    photos: tuple[Photo, ...] = field(default=())

    def unanswered(self) -> list[str]:
        return [
            item.id
            for item in self.checklist.applicable_items(self.audit.ward.sex)
            if item.id not in self.answers
        ]


@dataclass(frozen=True)
class AuditSummary:
    """One line of the audit list: enough for a table, scored in bulk."""

    id: str
    ward_id: str
    ward: str
    site: str
    sex: str
    status: str
    started_at: str
    completed_at: str | None
    checklist_id: str
    checklist_version: int
    overall: float | None
    rating: str | None
    critical_breach: bool
    answered: int
    applicable: int


@dataclass(frozen=True)
class HistoryEvent:
    id: str
    at: str
    kind: str
    actor: str
    audit_id: str | None
    action_id: str | None
    detail: dict[str, object]
