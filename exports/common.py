"""What the PDF and Excel writers share: the order of actions, the words, the fingerprint.

Kept free of reportlab and openpyxl so the import check and the re-import can use it
without loading either.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from wardaudit import clock
from wardaudit.model import ACTION_STATUS_WORDS, Action, AuditRecord
from wardaudit.risk import BAND_ORDER
from wardaudit.scoring import ANSWER_WORDS, RATING_WORDS, display_score

# The mark that says a workbook came from WardAudit, and the layout it follows. Bump the
# version when the Actions sheet changes in a way an older import would misread.
WORKBOOK_FORMAT = "wardaudit-action-workbook"
WORKBOOK_VERSION = 1

# The Actions sheet's columns, shared by the action plan and the work list so that the
# same import takes either back. Estates may change only the three in EDITABLE_COLUMNS.
COL_ID = "Action ID"
COL_STATUS = "Status"
COL_COMMENT = "Estates comment"
COL_COMPLETED = "Completed on"
EDITABLE_COLUMNS = (COL_STATUS, COL_COMMENT, COL_COMPLETED)
ACTION_COLUMNS = (
    "Site",
    "Ward",
    "Item",
    "Location",
    "What was found",
    "Action",
    "Owner",
    "Raised",
    "Due",
    "Likelihood",
    "Consequence",
    "Risk score",
    "Band",
    "Overdue",
    COL_STATUS,
    COL_COMMENT,
    COL_COMPLETED,
    COL_ID,
)

OVERDUE_WORD = "Overdue"

# Each band's fill and text colour (hex RGB), dark to light from Extreme to Low so the
# order survives a greyscale printer; the band's word is always written as well.
BAND_COLOURS = {
    "extreme": ("9C0006", "FFFFFF"),
    "high": ("F4A582", "000000"),
    "moderate": ("FDE49B", "000000"),
    "low": ("EDF4E8", "000000"),
}
STATUS_WORDS: tuple[str, ...] = tuple(ACTION_STATUS_WORDS.values())

_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def band_rank(band: str) -> int:
    """Extreme first; a band the defaults do not know sorts after Low."""
    try:
        return BAND_ORDER.index(band)
    except ValueError:
        return len(BAND_ORDER)


def by_risk(actions: Iterable[Action], critical: Iterable[str] = ()) -> list[Action]:
    """Critical breaches first, then by band (Extreme first), then the soonest due."""
    breaches = set(critical)
    return sorted(
        actions,
        key=lambda a: (
            a.item not in breaches,
            band_rank(a.risk.band),
            a.due,
            -a.risk.score,
            a.item,
            a.id,
        ),
    )


@dataclass(frozen=True)
class WardGroup:
    site: str
    ward: str
    actions: tuple[Action, ...]


def by_site_and_ward(actions: Iterable[Action]) -> list[WardGroup]:
    """The work list's grouping: site, then ward, each ward's actions by risk."""
    groups: dict[tuple[str, str], list[Action]] = {}
    for action in actions:
        groups.setdefault((action.site, action.ward), []).append(action)
    return [
        WardGroup(site, ward, tuple(by_risk(groups[(site, ward)])))
        for site, ward in sorted(groups, key=lambda k: (k[0].casefold(), k[1].casefold()))
    ]


def found_text(action: Action) -> str:
    """What the auditor found: the answer in words, then their note."""
    answer = ANSWER_WORDS.get(action.answer, "")
    if answer and action.found:
        return f"{answer}: {action.found}"
    return answer or action.found


def risk_text(action: Action) -> str:
    return f"{action.risk.likelihood} × {action.risk.consequence} = {action.risk.score}"


def raised_on(action: Action) -> date:
    return clock.parse_iso(action.created_at).date()


def status_word(status: str) -> str:
    return ACTION_STATUS_WORDS.get(status, status)


def rating_word(rating: str | None) -> str:
    return RATING_WORDS.get(rating or "", "Not rated")


def score_text(record: AuditRecord) -> str:
    score = record.score.overall
    return "Not scored" if score is None else f"{display_score(score)}%"


def audit_date(record: AuditRecord) -> str:
    """The day the audit was signed off, or started while it is still in progress."""
    return clock.uk_date(record.audit.completed_at or record.audit.started_at)


def fingerprint(record: AuditRecord) -> str:
    """A short digest of what the audit found and raised, printed on every page.

    Two printouts with the same fingerprint come from the same answers, sign-off and
    actions; estates' later status updates do not change it, an amendment does.
    """
    audit = record.audit
    payload = {
        "audit": audit.id,
        "ward": audit.ward.id,
        "checklist": record.checklist.content_hash,
        "status": audit.status,
        "completed_at": audit.completed_at,
        "signed": [audit.signed_by, audit.signed_role],
        "team": [[m.name, m.role, m.patient_or_peer] for m in audit.team],
        "answers": sorted([a.item, a.value, a.note, a.location] for a in record.answers.values()),
        "actions": sorted(
            [
                a.id,
                a.item,
                a.description,
                a.owner,
                a.due.isoformat(),
                a.risk.likelihood,
                a.risk.consequence,
            ]
            for a in record.actions
        ),
    }
    digest = hashlib.sha256(
        json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def sheet_title(text: str) -> str:
    """A title Excel accepts: no []:*?/\\, at most 31 characters, not blank."""
    cleaned = _SHEET_TITLE_BAD.sub(" ", text).strip().strip("'")
    cleaned = re.sub(r"\s+", " ", cleaned)[:31].rstrip()
    return cleaned or "Sheet"


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet could take for a formula: it must be kept as text."""
    return text[:1] in ("=", "+", "-", "@")


def band_counts(actions: Sequence[Action]) -> dict[str, int]:
    counts = {band: 0 for band in BAND_ORDER}
    for action in actions:
        counts[action.risk.band] = counts.get(action.risk.band, 0) + 1
    return counts


def status_counts(actions: Sequence[Action]) -> dict[str, int]:
    counts = dict.fromkeys(ACTION_STATUS_WORDS, 0)
    for action in actions:
        counts[action.status] = counts.get(action.status, 0) + 1
    return counts


def overdue_count(actions: Sequence[Action], today: date) -> int:
    return sum(1 for a in actions if a.is_overdue(today))
