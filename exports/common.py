"""What the PDF and workbook writers share and the import reads back, free of both libraries.

The action workbook's mark and columns (so one import takes back the plan and the work list
alike), the fingerprint printed on every page of an action plan, and the rules a workbook's
text must keep. Loads neither reportlab nor openpyxl, so the import check can use it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import date

from wardaudit.actions import raised_on
from wardaudit.model import ACTION_STATUS_WORDS, Action, AuditRecord
from wardaudit.words import OVERDUE_WORD, found_words, status_word

# The mark that says a workbook came from WardAudit, and the layout it follows. Bump the
# version when the Actions sheet changes in a way an older import would misread. Version 2:
# the header row sits below a title and the "How to send this back" lines, the columns are
# in a planner's order and estates' own columns say so in their header. Version 3: the
# hidden "Rows as exported" sheet also holds each action's version and estates' columns as
# exported, so the import can tell a row estates changed from an action changed meanwhile.
WORKBOOK_FORMAT = "wardaudit-action-workbook"
WORKBOOK_VERSION = 3

# The mark that says a workbook is WardAudit's board report. It is not an action workbook:
# the action import refuses it rather than misreading its Actions sheet.
BOARD_FORMAT = "wardaudit-board-workbook"
BOARD_FORMAT_VERSION = 1

# The Actions sheet's columns, shared by the action plan and the work list so that the
# same import takes either back. Estates may change only the three in EDITABLE_COLUMNS;
# the header says so ("Status (estates: choose)"), and the import reads either form.
COL_ID = "Action ID"
COL_STATUS = "Status"
COL_COMMENT = "Estates comment"
COL_COMPLETED = "Completed on"
EDITABLE_COLUMNS = (COL_STATUS, COL_COMMENT, COL_COMPLETED)
EDITABLE_HEADERS = {
    COL_STATUS: "Status (estates: choose)",
    COL_COMMENT: "Estates comment (estates: type)",
    COL_COMPLETED: "Completed on (estates: dd/mm/yyyy)",
}
ESTATES_MARK = " (estates:"
# In a planner's order: where and what first, then what estates fill in, then the rest.
# Printed two pages across: Ward and Item repeat on the second, which starts at Status.
ACTION_COLUMNS = (
    "Ward",
    "Item",
    "Site",
    "Location",
    "What was found",
    "Action",
    "Band",
    "Due",
    "Overdue",
    COL_STATUS,
    COL_COMMENT,
    COL_COMPLETED,
    "Owner",
    "Raised",
    "Risk score",
    "Likelihood",
    "Consequence",
    COL_ID,
)
# What a printout holds: up to Risk score (the likelihood, consequence and id are for the
# import and for filtering; the score says the risk on paper).
PRINTED_ACTION_COLUMNS = ACTION_COLUMNS.index("Risk score") + 1
# What estates should do instead when they change a column the import does not take.
NOT_TAKEN_ADVICE = {
    "Ward": "the ward and site belong to the audit; nothing to change here",
    "Site": "the ward and site belong to the audit; nothing to change here",
    "Item": "the item is the checklist question that raised the action; nothing to change",
    "Location": "ask the ward to correct the location in WardAudit",
    "What was found": "ask the ward: what was found is the auditor's record of the walk-round",
    "Action": "ask the ward to reword the action in WardAudit, or say what you did in "
    f"{COL_COMMENT}",
    "Band": "ask the ward to change the risk: the band follows the likelihood and "
    "consequence the auditor set",
    "Due": "ask the ward to change the due date: the due date follows the risk the auditor set",
    "Overdue": "WardAudit works out Overdue from the due date and the status: set the "
    "status instead",
    "Owner": "ask the ward to change the owner in WardAudit",
    "Raised": "the day the action was raised is part of the audit; nothing to change",
    "Likelihood": "ask the ward to change the risk in WardAudit",
    "Consequence": "ask the ward to change the risk in WardAudit",
    "Risk score": "the score is likelihood × consequence: ask the ward to change the risk",
}
STATUS_WORDS: tuple[str, ...] = tuple(ACTION_STATUS_WORDS.values())


def action_values(action: Action, today: date) -> dict[str, object]:
    """An action's cells on the Actions sheet, by column: what the export writes and what
    the import compares a returned row with."""
    return {
        "Ward": action.ward_name,
        "Item": action.item,
        "Site": action.site_name,
        "Location": action.location,
        "What was found": found_words(action),
        "Action": action.description,
        "Band": action.risk.band_word,
        "Due": action.due,
        "Overdue": OVERDUE_WORD if action.is_overdue(today) else "",
        COL_STATUS: status_word(action.status),
        COL_COMMENT: action.comment,
        COL_COMPLETED: action.completed_on,
        "Owner": action.owner,
        "Raised": raised_on(action),
        "Risk score": action.risk.score,
        "Likelihood": action.risk.likelihood,
        "Consequence": action.risk.consequence,
        COL_ID: action.id,
    }


_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")

# --- text XML can hold ---------------------------------------------------------------------
#
# openpyxl refuses C0 controls only in cell values; it writes them, and U+FFFE, U+FFFF and
# lone surrogates, unchanged into sheet titles, document properties, comments, validation
# texts, defined names and headers, where they make the file's XML invalid (Excel offers to
# "repair" it; LibreOffice silently drops the cell and every later cell of the sheet).
# Every string that reaches openpyxl goes through :func:`xml_text` first.

_SURROGATE = re.compile("[\ud800-\udfff]")
_RUN_OF_SPACE = re.compile(r"[\t\n\r ]+")


def _translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in (*range(0x09), *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF):
        table[code] = None  # what XML 1.0 forbids, and DEL
    for code in (0x0B, 0x0C, 0x2028, 0x2029):
        table[code] = "\n"  # Word's manual line break, form feed, Unicode's separators
    for code in range(0x80, 0xA0):
        # C1 controls in pasted text are nearly always cp1252 read as Latin-1 (\x92 is ’)
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            table[code] = None  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: nothing in cp1252
    for code in range(0xFDD0, 0xFDF0):
        table[code] = None  # noncharacters
    for plane in range(1, 17):
        table[plane * 0x10000 + 0xFFFE] = None
        table[plane * 0x10000 + 0xFFFF] = None
    return table


_XML_TABLE = _translation()


def xml_text(text: object, *, multiline: bool = True, limit: int | None = None) -> str:
    """Text that XML 1.0 can hold, whatever was pasted: for every string a workbook writes.

    Lone surrogates become U+FFFD (a visible mark that something was there) and a valid
    surrogate pair its character; line breaks of every kind become "\n" (with
    ``multiline=False``, for titles, properties and headers, every run of spaces and breaks
    one space); control characters and noncharacters go; C1 controls become the cp1252
    characters they nearly always were. RTL marks and ZWJ/ZWNJ are kept. ``limit`` cuts
    the result to that many characters.
    """
    value = text if isinstance(text, str) else str(text)
    if value.isascii() and value.isprintable():
        return value if limit is None else value[:limit]
    if _SURROGATE.search(value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    value = value.replace("\r\n", "\n").replace("\r", "\n").translate(_XML_TABLE)
    if not multiline:
        value = _RUN_OF_SPACE.sub(" ", value).strip()
    return value if limit is None else value[:limit]


def xml_safe(text: str) -> bool:
    """Whether every character of ``text`` is one XML 1.0 allows (and not discouraged)."""
    return xml_text(text) == text.replace("\r\n", "\n").replace("\r", "\n")


def header_text(text: object, limit: int = 80) -> str:
    """Text for a printed header or footer: one line, ``&`` doubled (it starts a code)."""
    return xml_text(text, multiline=False, limit=limit).replace("&", "&&")


def normal_form(text: str) -> str:
    """Text compared as a person reads it: NFC, spaces and breaks as one space, trimmed."""
    return _RUN_OF_SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def comment_digest(comment: str) -> str:
    """A short digest of an estates comment as a person reads it: the hidden sheet keeps the
    comment as exported this way (never the text, which a spreadsheet could take for a
    formula or cut short), and the import tells from it whether estates changed the comment."""
    return hashlib.sha256(normal_form(xml_text(comment)).encode("utf-8")).hexdigest()[:20]


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
    # surrogatepass: a lone surrogate pasted into a note must not stop the document
    digest = hashlib.sha256(
        json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
    ).hexdigest()
    return f"{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def sheet_title(text: str) -> str:
    """A title Excel accepts: XML-safe, no []:*?/\\, at most 31 characters, not blank and
    not "History" (a name Excel keeps for itself)."""
    cleaned = _SHEET_TITLE_BAD.sub(" ", xml_text(text, multiline=False)).strip().strip("'")
    cleaned = re.sub(r"\s+", " ", cleaned)[:31].rstrip().strip("'")
    if cleaned.casefold() == "history":
        cleaned = "History (sheet)"
    return cleaned or "Sheet"


def column_name(header: object) -> str:
    """The column a header names, as the import knows it: "Status (estates: choose)" is
    Status; case and spacing aside."""
    text = " ".join(str(header).split()) if header is not None else ""
    cut = text.casefold().find(ESTATES_MARK.strip().casefold())
    if cut > 0:
        text = text[:cut].rstrip(" (")
    return text.casefold()


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet could take for a formula: it must be kept as text."""
    return text[:1] in ("=", "+", "-", "@")
