"""The domain's values: sites, wards, audits, answers and actions, as frozen dataclasses.

The closed sets (answers, statuses, designations, history event kinds) are
``Literal`` types here, so a misspelt status is a type error before it is a bad row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal, cast, get_args

from wardaudit.checklist import DESIGNATION_WORDS, Checklist
from wardaudit.errors import InvalidInput
from wardaudit.risk import RiskRating
from wardaudit.scoring import AuditScore, BulkScore, Packing, score_audit

AnswerValue = Literal["yes", "partial", "no", "na"]
Designation = Literal["male", "female", "mixed"]
AuditStatus = Literal["in_progress", "completed"]
ActionStatus = Literal["open", "in_progress", "done", "verified", "cannot_do"]
EventKind = Literal[
    "site_added",
    "ward_added",
    "ward_changed",
    "audit_started",
    "answer_changed",
    "answer_details",
    "answer_cleared",
    "amendment",
    "audit_completed",
    "audit_imported",
    "action_raised",
    "action_withdrawn",
    "action_note",
    "action_changed",
    "action_status",
    "action_update_imported",
    "action_linked",
    "photo_added",
    "photo_removed",
]

ACTION_STATUSES: tuple[ActionStatus, ...] = get_args(ActionStatus)
AUDIT_STATUSES: tuple[AuditStatus, ...] = get_args(AuditStatus)
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
# An action still to do: open or in progress. The one list of them, so "overdue", the work
# list's "Open or in progress" and the store's counts in SQL all mean the same actions.
STILL_TO_DO: frozenset[ActionStatus] = frozenset({"open", "in_progress"})


def answer_value(text: str) -> AnswerValue:
    """An answer as a form or a file gives it, checked: refused unless it is one of the four."""
    answers: tuple[AnswerValue, ...] = get_args(AnswerValue)
    for value in answers:
        if text == value:
            return value
    raise InvalidInput(f"'{text}' is not an answer; use {', '.join(answers)}")


def action_status(text: str) -> ActionStatus:
    """An action status as a form or a file gives it, checked against the five there are."""
    for status in ACTION_STATUSES:
        if text == status:
            return status
    raise InvalidInput(f"'{text}' is not an action status; use one of {', '.join(ACTION_STATUSES)}")


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
    site: str  # the site's name
    sex: Designation
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
    status: AuditStatus
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
    value: AnswerValue
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
    status: ActionStatus
    status_note: str
    risk: RiskRating
    created_at: str
    updated_at: str
    ward_name: str = ""
    site_name: str = ""
    location: str = ""
    found: str = ""  # the auditor's note on the answer
    answer: str = ""  # the answer that raised it: no or partial
    comment: str = ""  # estates' comment, from a returned workbook
    completed_on: date | None = None
    ward_id: str = ""
    critical: bool = False  # raised by a critical item: a No here is a critical breach
    # moves on with every change here (a change made from an older one is refused); local
    # bookkeeping, not part of what the action says, so two copies of one action are equal
    version: int = field(default=1, compare=False)

    def is_overdue(self, today: date) -> bool:
        """Still to do (open or in progress) and past its due date: the one definition."""
        return self.status in STILL_TO_DO and self.due < today

    @property
    def status_word(self) -> str:
        return ACTION_STATUS_WORDS[self.status]


@dataclass(frozen=True)
class ActionChange:
    """One returned update for an action; None leaves that field as it is."""

    action_id: str
    status: str | None = None  # as read from a returned workbook: checked when applied
    comment: str | None = None
    completed_on: date | None = None
    seen: int | None = None  # the action's version the update was checked against


DraftField = Literal["note", "location", "action_description", "action_owner"]
DRAFT_FIELDS: tuple[DraftField, ...] = get_args(DraftField)


@dataclass(frozen=True)
class Draft:
    """Text she typed for an item of an audit in progress, kept until it joins its answer or
    action; never part of a signed-off record."""

    item: str
    field: DraftField
    text: str
    updated_at: str


@dataclass(frozen=True)
class FindingLink:
    """A No or Partly of this audit recorded against an action the ward already has open from
    an earlier audit, so estates get no second action for the same fault."""

    item: str
    action_id: str
    linked_at: str


@dataclass(frozen=True)
class AuditRecord:
    """Everything about one audit: what was asked, what was answered, score and actions."""

    audit: Audit
    checklist: Checklist
    answers: dict[str, Answer]
    actions: tuple[Action, ...]
    score: AuditScore
    photos: tuple[Photo, ...] = field(default=())
    links: tuple[FindingLink, ...] = field(default=())
    """Findings of this audit linked to an action the ward already had open (no new action)."""

    def unanswered(self) -> list[str]:
        return [
            item.id
            for item in self.checklist.applicable_items(self.audit.ward.sex)
            if item.id not in self.answers
        ]

    def with_answer(self, answer: Answer) -> AuditRecord:
        """The record once ``answer`` (as the store returned it, committed) is in, rescored:
        what reading the audit again would give when the answer raised, withdrew or linked
        no action, so a Yes or N/A is shown without reading the whole audit back."""
        answers = {**self.answers, answer.item: answer}
        values = {item: given.value for item, given in answers.items()}
        score = score_audit(self.checklist, self.audit.ward.sex, values)
        return replace(self, answers=answers, score=score)


@dataclass(frozen=True)
class AuditSummary:
    """One line of the audit list: enough for a table, scored in bulk."""

    id: str
    ward_id: str
    ward_name: str
    site_name: str
    sex: Designation
    status: AuditStatus
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
    kind: EventKind
    actor: str
    audit_id: str | None
    action_id: str | None
    detail: dict[str, object]


@dataclass(frozen=True)
class ScoredAudit:
    """A signed-off audit's headline figures, scored from its stored answers in bulk.

    What the board and the Wards screen need of many audits at once, without loading each
    audit whole; section scores and the items breached are worked out only when asked.
    """

    id: str
    ward_id: str
    completed_at: str
    checklist: Checklist  # the version it was answered under
    score: BulkScore
    _packing: Packing = field(repr=False, compare=False)
    _answers: str = field(repr=False, compare=False)

    def answer_values(self) -> dict[str, AnswerValue]:
        """Each answered item's answer, by item id."""
        return cast(dict[str, AnswerValue], self._packing.unpack(self._answers))

    def section_scores(self) -> dict[str, float | None]:
        """Each section's score by id (None where nothing was available)."""
        return self._packing.section_scores(self._answers)

    def critical_items(self) -> tuple[str, ...]:
        """The critical items answered No (the critical breaches), in checklist order."""
        if not self.score.critical_breach:
            return ()
        return tuple(
            item.id
            for item in self.checklist.items()
            if item.critical and self._packing.value_of(self._answers, item.id) == "no"
        )
