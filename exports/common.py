"""What the PDF and workbook writers share and the import reads back, free of both libraries.

The action workbook's mark and columns (so one import takes back the plan and the work list
alike), the fingerprint printed on every page of an action plan, and the rules a workbook's
text must keep. Loads neither reportlab nor openpyxl, so the import check can use it.
"""

from __future__ import annotations

import hashlib
import json
import re

from wardaudit.model import ACTION_STATUS_WORDS, AuditRecord

# The mark that says a workbook came from WardAudit, and the layout it follows. Bump the
# version when the Actions sheet changes in a way an older import would misread.
WORKBOOK_FORMAT = "wardaudit-action-workbook"
WORKBOOK_VERSION = 1

# The mark that says a workbook is WardAudit's board report. It is not an action workbook:
# the action import refuses it rather than misreading its Actions sheet.
BOARD_FORMAT = "wardaudit-board-workbook"
BOARD_FORMAT_VERSION = 1

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
STATUS_WORDS: tuple[str, ...] = tuple(ACTION_STATUS_WORDS.values())

_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


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
