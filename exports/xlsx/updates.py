"""Take back estates' returned workbook: check it, read it in a stream, then change all or nothing.

Only Status, Estates comment and Completed on are taken back. Every other edit — to any
column of any row, a row added, deleted or given another id, a column added — is listed
with what to do instead, never dropped in silence. A workbook that is not ours, is not a
workbook at all (a CSV renamed, a password-protected file, an old .xls), is larger than any
of ours could be, or has any row that cannot be taken back is refused with a bounded list of
problems: the first few dozen, then how many more. Whatever a spreadsheet tool put in a
cell, the answer is a refusal in words, never a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from exports.common import (
    ACTION_COLUMNS,
    COL_COMMENT,
    COL_COMPLETED,
    COL_ID,
    COL_STATUS,
    EDITABLE_COLUMNS,
    NOT_TAKEN_ADVICE,
    STATUS_WORDS,
    WORKBOOK_FORMAT,
    WORKBOOK_VERSION,
    action_values,
    column_name,
    comment_digest,
    normal_form,
    xml_text,
)
from wardaudit import clock
from wardaudit.actions import raised_on
from wardaudit.errors import (
    ChangedMeanwhile,
    InvalidInput,
    NotFound,
    UpdatesRefused,
    WardAuditError,
)
from wardaudit.identifiers import identifier_warning
from wardaudit.model import ACTION_STATUS_WORDS, ACTION_STATUSES, Action, ActionChange
from wardaudit.store import Store
from wardaudit.words import OVERDUE_WORD, changed_by_words, plural, status_word

log = logging.getLogger(__name__)

# --- limits: no returned workbook of ours comes near them ---------------------------------
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # one part once decompressed
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_ROWS = 50_000  # rows of the Actions sheet read; a column filled down stops here
MAX_COLUMNS = 64
MAX_COMMENT = 20_000  # characters: what an exchange file carries of a comment
MAX_LISTED = 40  # problems and notices listed one by one; the rest are counted
HEADER_SEARCH_ROWS = 12  # the header row sits below the title and the send-back lines

_STATUS_LOOKUP = {
    **{code.replace("_", " "): code for code in ACTION_STATUSES},
    **{word.casefold(): code for code, word in ACTION_STATUS_WORDS.items()},
}
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ROWS_SHEET = "Rows as exported"
_TEXT_COLUMNS = {"Ward", "Item", "Site", "Location", "What was found", "Action", "Band", "Owner"}
_DATE_COLUMNS = {"Due", "Raised"}
_NUMBER_COLUMNS = {"Likelihood", "Consequence", "Risk score"}


@dataclass(frozen=True)
class RowUpdate:
    """One row of the workbook that changes its action."""

    row: int
    action: Action
    change: ActionChange

    def describe(self) -> str:
        return f"Row {self.row}, {self.action.ward_name} {self.action.item}: " + self.what()

    def what(self) -> str:
        """What the row changes: "status In progress → Done; comment "Closer fixed""."""
        action, change = self.action, self.change
        parts = []
        if change.status is not None:
            parts.append(f"status {action.status_word} → {status_word(change.status)}")
        if change.completed_on is not None:
            before = f"{clock.uk_date(action.completed_on)} → " if action.completed_on else ""
            parts.append(f"completed on {before}{clock.uk_date(change.completed_on)}")
        if change.comment is not None:
            parts.append(
                f'comment "{_short(change.comment)}"' if change.comment else "comment removed"
            )
        return "; ".join(parts)

    def conflict(self, by: str, at: str) -> str:
        """Why this row is not applied, in the Actions screen's words: who changed the action
        since the export and when, what it is now, and what the row would have done."""
        action = self.action
        return (
            f"Row {self.row} ({action.ward_name} {action.item}): {changed_by_words(by, at)} "
            f"after this workbook was exported; it is now {action.status_word}. This row was "
            f"not applied (it would have changed {self.what()}): look at the action again, "
            "then make the change again if it is still needed"
        )


@dataclass(frozen=True)
class UpdatePlan:
    """What a returned workbook would change, checked against the database, and every edit
    in it that will not be taken back (``not_taken``, each with what to do instead)."""

    path: Path
    updates: tuple[RowUpdate, ...]
    rows_read: int
    warnings: tuple[str, ...] = field(default=())  # the conflicts first
    not_taken: tuple[str, ...] = field(default=())  # the first few dozen, then a count
    not_taken_total: int = 0
    # Rows estates changed whose action someone changed in WardAudit after the export: not
    # applied, each saying who changed it, when, and what it is now (also among the warnings).
    conflicts: tuple[RowUpdate, ...] = field(default=())

    @property
    def changes(self) -> list[ActionChange]:
        return [update.change for update in self.updates]

    def describe(self) -> list[str]:
        """One line per action that changes, in the workbook's row order."""
        return [update.describe() for update in self.updates]


def bounded(lines: Sequence[str], what: str, limit: int = MAX_LISTED) -> list[str]:
    """The first ``limit`` lines, then one that counts the rest: never a flood."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], f"and {len(lines) - limit} more {what}"]


def _refuse(path: Path, problems: Sequence[str]) -> UpdatesRefused:
    shown = list(problems[:MAX_LISTED])
    return UpdatesRefused(path, shown, more=len(problems) - len(shown))


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- is it a workbook we can read at all? -----------------------------------------------------


def _check_file(path: Path) -> None:
    """Refuse what is not an .xlsx before openpyxl opens it: a CSV renamed, a file with a
    password, an old .xls, an OpenDocument file, a zip too large or not a workbook's."""
    if not path.exists():
        raise NotFound(f"there is no file {path}")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give the returned workbook (.xlsx)")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            start = handle.read(4096)
    except OSError as error:
        raise InvalidInput(f"{path} could not be read: {error.strerror or error}") from None
    name = path.name
    save_as = "open it in Excel, save it as 'Excel Workbook (.xlsx)' and import that file"
    if size == 0:
        raise UpdatesRefused(path, [f"{name} is empty (0 bytes): it is not a workbook"])
    if size > MAX_FILE_BYTES:
        raise UpdatesRefused(
            path,
            [
                f"{name} is {size / 1024 / 1024:.0f} MB, larger than any workbook WardAudit "
                f"exports could become ({MAX_FILE_BYTES // 1024 // 1024} MB); was something "
                "pasted into it, or a column filled down to the bottom of the sheet? Clear "
                "what was added and save it again",
            ],
        )
    if start.startswith(_OLE_SIGNATURE):
        if _ENCRYPTED in _read_capped(path):
            raise UpdatesRefused(
                path,
                [
                    f"{name} is protected with a password, so WardAudit cannot read it; open "
                    "it in Excel, remove the password (File, Info, Protect Workbook, Encrypt "
                    "with Password: clear it), save it and import that file",
                ],
            )
        raise UpdatesRefused(path, [f"{name} is an old Excel 97-2003 workbook (.xls); {save_as}"])
    if path.suffix.casefold() in (".xls", ".csv", ".ods", ".numbers"):
        raise UpdatesRefused(path, [f"{name} is not an Excel workbook (.xlsx); {save_as}"])
    if not start.startswith(b"PK"):
        if _looks_like_text(start):
            raise UpdatesRefused(
                path,
                [
                    f"{name} is a text file (CSV or similar) with a workbook's name, not a "
                    f"workbook: the colours, lists and ids are gone. Import the workbook "
                    "WardAudit exported, with estates' changes saved in it as .xlsx",
                ],
            )
        raise UpdatesRefused(path, [f"{name} is not an Excel workbook (.xlsx); {save_as}"])
    _check_zip(path, save_as)


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_FILE_BYTES)


def _looks_like_text(start: bytes) -> bool:
    try:
        text = start.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = start.decode("cp1252", errors="replace")
    return bool(text) and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) / len(text) > 0.95


def _check_zip(path: Path, save_as: str) -> None:
    name = path.name
    damaged = UpdatesRefused(
        path,
        [
            f"{name} is not an Excel workbook (.xlsx) or is damaged; import the workbook "
            "WardAudit exported, with estates' changes saved in it",
        ],
    )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise _refuse(path, [f"{name} holds {len(members)} parts: no workbook does"])
            names = [m.filename for m in members]
            problems = []
            if len(set(names)) != len(names):
                problems.append(f"{name} holds two parts of one name: it is not a sound workbook")
            if any(m.flag_bits & 0x1 for m in members):
                problems.append(f"{name} has encrypted parts; {save_as}")
            if any(
                m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for m in members
            ):
                problems.append(f"{name} is compressed in a way Excel does not write; {save_as}")
            if any(m.file_size > MAX_MEMBER_BYTES for m in members) or (
                sum(m.file_size for m in members) > MAX_TOTAL_BYTES
            ):
                problems.append(
                    f"{name} unpacks to more than any workbook WardAudit exports could "
                    "become; was a column filled down to the bottom of the sheet? Clear what "
                    "was added and save it again"
                )
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:200]:
                problems.append(f"{name} is an OpenDocument spreadsheet (.ods); {save_as}")
            elif "xl/workbook.xml" not in names:
                problems.append(f"{name} is a zip file but not an Excel workbook; {save_as}")
            if problems:
                raise _refuse(path, problems)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        raise damaged from None


def _open(path: Path) -> Any:
    """The workbook in openpyxl's streaming mode, or a refusal a person can act on."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    _check_file(path)
    try:
        # Read-only streams each sheet's rows; formulas are read as formulas, so that one
        # in estates' columns is refused rather than taken for its last value.
        return load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises anything on a damaged part
        log.info("could not open %s as a workbook", path, exc_info=True)
        raise UpdatesRefused(
            path,
            [
                f"{path.name} could not be read as a workbook ({_reason(error)}); open it in "
                "Excel or LibreOffice, save it again as an Excel workbook (.xlsx) and import "
                "that file",
            ],
        ) from None


def _reason(error: BaseException) -> str:
    text = xml_text(str(error), multiline=False, limit=120) or type(error).__name__
    return f"{type(error).__name__}: {text}" if text != type(error).__name__ else text


# --- the mark, the rows as exported ---------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """What says a workbook is ours: its format version, and when it was exported."""

    version: int
    exported: datetime | None


def _properties(book: Any) -> dict[str, object]:
    try:
        return {str(p.name): p.value for p in book.custom_doc_props}
    except Exception:  # odd custom properties from another tool: the About sheet still says
        log.info("unreadable custom properties", exc_info=True)
        return {}


def _mark(book: Any) -> _Mark | None:
    """The workbook's mark if WardAudit wrote it (its properties, or its About sheet)."""
    properties = _properties(book)
    about: dict[str, object] = {}
    if "About" in book.sheetnames:
        about = {
            str(row[0]): row[1]
            for row in book["About"].iter_rows(min_row=1, max_row=12, max_col=2, values_only=True)
            if row and row[0] is not None and len(row) > 1
        }
    if properties.get("WardAudit format") == WORKBOOK_FORMAT:
        version = properties.get("WardAudit format version")
    elif about.get("Format") == WORKBOOK_FORMAT:
        version = about.get("Format version")
    else:
        return None
    exported: datetime | None = None
    stamp = properties.get("WardAudit exported")
    if isinstance(stamp, str):
        try:
            exported = clock.parse_iso(stamp)
        except ValueError:
            exported = None
    elif isinstance(written := about.get("Exported"), datetime):
        exported = written.replace(tzinfo=clock.LONDON)  # written as London wall-clock time
    try:
        number = int(version) if isinstance(version, int | float | str) else WORKBOOK_VERSION
    except ValueError:
        number = WORKBOOK_VERSION
    return _Mark(number, exported)


@dataclass(frozen=True)
class _AsExported:
    """An action as the workbook was written (format 3 on): its version and estates' columns."""

    version: int
    status: str
    completed_on: date | None
    comment: str  # its digest


@dataclass(frozen=True)
class _Exported:
    """A row as the workbook was written: its place, what it named, and (format 3 on) the
    action as it was then."""

    row: int
    ward: str
    item: str
    then: _AsExported | None = None


def _rows_as_exported(book: Any, mark: _Mark) -> dict[str, _Exported] | None:
    """The hidden sheet's ids in their exported order; None for a workbook without it."""
    if _ROWS_SHEET not in book.sheetnames:
        return None
    found: dict[str, _Exported] = {}
    columns = 8 if mark.version >= 3 else 4
    rows = book[_ROWS_SHEET].iter_rows(min_row=2, max_col=columns, values_only=True)
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            break
        if not row or not isinstance(row[1], str):
            continue
        ward = row[2] if len(row) > 2 and isinstance(row[2], str) else ""
        item = row[3] if len(row) > 3 and isinstance(row[3], str) else ""
        then = _as_exported(row[4:8]) if columns == 8 else None
        found.setdefault(row[1].strip(), _Exported(number, ward, item, then))
    return found


def _as_exported(cells: Sequence[object]) -> _AsExported | None:
    """The action as exported, from its hidden row; None when the row does not say (the
    workbook's rows are then compared with WardAudit's copy, as for a format 2 workbook)."""
    if len(cells) < 4:
        return None
    version, status, completed, comment = cells[:4]
    if isinstance(version, float) and version.is_integer():
        version = int(version)  # a spreadsheet program that keeps every number as a float
    elif isinstance(version, str) and version.strip().isdigit():
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return None
    if not isinstance(status, str) or status not in ACTION_STATUSES:
        return None
    if not isinstance(comment, str) or not comment:
        return None
    completed_on: date | None
    if completed is None or completed == "":
        completed_on = None
    elif isinstance(completed, datetime):
        completed_on = completed.date()
    elif isinstance(completed, date):
        completed_on = completed
    elif isinstance(completed, str):
        try:
            completed_on = date.fromisoformat(completed.strip())
        except ValueError:
            return None
    else:
        return None
    return _AsExported(version, status, completed_on, comment.strip())


# --- reading cells --------------------------------------------------------------------------


def _status(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s_-]+", " ", value).strip().casefold()
    return _STATUS_LOOKUP.get(key)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return clock.uk_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return xml_text(str(value)).strip()


def _date(value: object) -> date | str | None:
    """A date, None when blank, or a message saying why it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = " ".join(value.split())
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if us and int(us.group(2)) > 12 and int(us.group(1)) <= 12:
            return (
                f"'{_short(text, 30)}' looks like a US date (month first); write it day first "
                f"as dd/mm/yyyy ({int(us.group(2)):02d}/{int(us.group(1)):02d}/{us.group(3)})"
            )
        return f"'{_short(text, 30)}' is not a date; write it as dd/mm/yyyy"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g} is a number, not a date; write it as dd/mm/yyyy"
    return "is not a date; write it as dd/mm/yyyy"


def _same(name: str, value: object, expected: object) -> bool:
    """Whether a read-only cell still says what the export wrote (as a person reads it)."""
    if name == "Overdue":
        # Worked out on the day: an action may have become overdue since the export.
        return normal_form(_text(value)).casefold() in ("", OVERDUE_WORD.casefold())
    if name in _DATE_COLUMNS:
        got = _date(value)
        return got == expected or (got is None and expected is None)
    if name in _NUMBER_COLUMNS:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value) == float(expected)  # type: ignore[arg-type]
        return _text(value) == _text(expected)
    expected_text = normal_form(xml_text(str(expected))) if expected is not None else ""
    return normal_form(_text(value)) == expected_text


def _shown(name: str, value: object) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "emptied"
    if name in _DATE_COLUMNS and isinstance(value, datetime | date):
        return f"changed to {clock.uk_date(value)}"
    return f"changed to '{_short(_text(value), 40)}'"


@dataclass
class _Reading:
    """What the rows of a returned workbook say, gathered as they stream past."""

    problems: list[str] = field(default_factory=list)
    not_taken: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    updates: list[RowUpdate] = field(default_factory=list)
    conflicts: list[RowUpdate] = field(default_factory=list)
    rows_read: int = 0
    unknown: int = 0
    without_id: list[tuple[int, str, str, str]] = field(default_factory=list)


# --- the import -----------------------------------------------------------------------------


def read_updates(path: Path | str, store: Store) -> UpdatePlan:
    """Read a returned workbook and check every row against the database; change nothing.

    Raises UpdatesRefused listing the problems (the first few dozen, then how many more)
    when the workbook is not one of ours, is not a workbook, lacks the Action ID column, or
    has any row that cannot be taken back.
    """
    path = Path(path)
    book = _open(path)
    try:
        return _read(path, book, store)
    except WardAuditError:
        raise
    except Exception as error:  # a part openpyxl could not parse as it streamed past
        log.info("could not read %s", path, exc_info=True)
        raise UpdatesRefused(
            path,
            [
                f"{path.name} could not be read to the end ({_reason(error)}); open it in "
                "Excel or LibreOffice, save it again as an Excel workbook (.xlsx) and import "
                "that file",
            ],
        ) from None
    finally:
        book.close()


def _header(rows: Iterator[tuple[Any, ...]]) -> tuple[int, list[str]] | None:
    """The header row's number and its column names, from the first rows of the sheet."""
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        row = next(rows, None)
        if row is None:
            return None
        names = [column_name(getattr(cell, "value", None)) for cell in row]
        if column_name(COL_ID) in names:
            return number, names
    return None


def _read(path: Path, book: Any, store: Store) -> UpdatePlan:  # noqa: C901 - the workbook's checks in the order a person would fix them
    mark = _mark(book)
    name = path.name
    if mark is None:
        raise UpdatesRefused(
            path,
            [
                f"{name} is not an action workbook exported by WardAudit; import the "
                "workbook from 'wardaudit export action-plan' or 'export actions' that estates "
                "returned",
            ],
        )
    if mark.version > WORKBOOK_VERSION:
        raise UpdatesRefused(
            path,
            [
                f"{name} was made by a newer WardAudit (format {mark.version}); "
                "update WardAudit to import it"
            ],
        )
    if "Actions" not in book.sheetnames:
        sheets = ", ".join(xml_text(s, multiline=False) for s in book.sheetnames[:10])
        raise UpdatesRefused(
            path,
            [f"{name} has no sheet called Actions (its sheets: {sheets}); rename it back"],
        )
    sheet = book["Actions"]
    declared = _declared_rows(sheet)
    if declared is not None and declared > MAX_ROWS:
        raise _filled_down(path, declared)
    # closed on every way out, so a refusal part-way leaves no file open (on Windows an
    # open file could not be moved or deleted until WardAudit closed)
    with contextlib.closing(sheet.iter_rows(max_col=MAX_COLUMNS)) as rows:
        found = _header(rows)
        if found is None:
            raise UpdatesRefused(
                path,
                [
                    f"the Actions sheet has no '{COL_ID}' column, so its rows cannot be matched to "
                    "actions; put the column back as exported (or export again and copy the "
                    "changes across)",
                ],
            )
        header_row, names = found
        columns = {n: i for i, n in reversed(list(enumerate(names))) if n}
        present = [c for c in EDITABLE_COLUMNS if column_name(c) in columns]
        if not present:
            raise UpdatesRefused(
                path, [f"the Actions sheet has none of the columns {', '.join(EDITABLE_COLUMNS)}"]
            )
        reading = _Reading()
        reading.warnings.extend(
            f"the Actions sheet has no '{c}' column; that field is left as it is"
            for c in EDITABLE_COLUMNS
            if c not in present
        )
        known_names = {column_name(c) for c in ACTION_COLUMNS}
        for index, header in enumerate(names):
            if header and header not in known_names:
                reading.not_taken.append(
                    f"A column was added to the Actions sheet ('{_short(header, 40)}', column "
                    f"{index + 1}): nothing in it is taken back; put what estates need to say in "
                    f"{COL_COMMENT}"
                )
        checked = [
            c
            for c in ACTION_COLUMNS
            if c not in EDITABLE_COLUMNS and c != COL_ID and column_name(c) in columns
        ]
        known = {action.id: action for action in store.actions.list()}
        exported = _rows_as_exported(book, mark)
        seen: dict[str, int] = {}
        order: list[str] = []
        today = clock.today()
        row_number = header_row
        for cells in rows:
            row_number += 1
            if row_number - header_row > MAX_ROWS:
                raise _filled_down(path, row_number)
            values = [cell.value for cell in cells]
            if not any(v is not None and str(v).strip() for v in values):
                continue
            formulas = {i for i, cell in enumerate(cells) if getattr(cell, "data_type", "") == "f"}

            def cell(column: str, values: list[Any] = values) -> object:
                index = columns.get(column_name(column))
                return values[index] if index is not None and index < len(values) else None

            def formula(column: str, formulas: set[int] = formulas) -> bool:
                return columns.get(column_name(column)) in formulas

            reading.rows_read += 1
            _read_row(
                reading,
                row_number,
                cell,
                formula,
                present=present,
                checked=checked,
                known=known,
                exported=exported,
                seen=seen,
                mark=mark,
                today=today,
            )
            if (action_id := _text(cell(COL_ID))) in known and action_id not in order:
                order.append(action_id)

        accounted = _without_id(reading, exported, order, known)
        if exported is not None:
            _missing_and_moved(reading, exported, order, known, accounted)
        if reading.problems:
            if reading.unknown and reading.unknown == reading.rows_read:
                reading.problems.insert(
                    0,
                    "none of the workbook's actions are in this database: was it exported from "
                    "another WardAudit database?",
                )
            raise _refuse(path, reading.problems)
        last = store.actions.last_changes([c.action.id for c in reading.conflicts])
        conflicts = [
            c.conflict(*last.get(c.action.id, ("", c.action.updated_at))) for c in reading.conflicts
        ]
        return UpdatePlan(
            path,
            tuple(reading.updates),
            reading.rows_read,
            tuple(bounded([*conflicts, *reading.warnings], "warnings")),
            tuple(bounded(reading.not_taken, "edits not taken back")),
            len(reading.not_taken),
            tuple(reading.conflicts),
        )


def _declared_rows(sheet: Any) -> int | None:
    """The rows the sheet says it has (its dimension), when it says."""
    try:
        rows = sheet.max_row
    except Exception:  # a dimension openpyxl cannot parse: the rows are counted as read
        return None
    return rows if isinstance(rows, int) else None


def _filled_down(path: Path, rows: int) -> UpdatesRefused:
    return UpdatesRefused(
        path,
        [
            f"the Actions sheet runs to row {rows:,}, more than any work list holds "
            f"({MAX_ROWS:,} rows are read at most): was a column filled down to the bottom "
            "of the sheet? Delete the rows below the last action, save and import again",
        ],
    )


def _read_row(  # noqa: C901 - each column of one returned row is checked in turn
    reading: _Reading,
    number: int,
    cell: Any,
    formula: Any,
    *,
    present: list[str],
    checked: list[str],
    known: dict[str, Action],
    exported: dict[str, _Exported] | None,
    seen: dict[str, int],
    mark: _Mark,
    today: date,
) -> None:
    action_id = _text(cell(COL_ID))
    if not action_id:
        reading.without_id.append(
            (
                number,
                normal_form(_text(cell("Ward"))),
                normal_form(_text(cell("Item"))),
                _short(_text(cell("Action")), 30),
            )
        )
        return
    action = known.get(action_id)
    if action is None:
        reading.problems.append(
            f"Row {number}: no action with the id '{_short(action_id, 40)}' in this database; "
            "put back the id the row was exported with"
        )
        reading.unknown += 1
        return
    if action_id in seen:
        reading.problems.append(
            f"Row {number}: the action {action_id} is also on row {seen[action_id]}; keep one"
        )
        return
    seen[action_id] = number
    where = f"Row {number} ({action.ward_name} {action.item})"
    ward, item = _text(cell("Ward")), _text(cell("Item"))
    if (
        item
        and normal_form(item) != normal_form(action.item)
        and (not ward or normal_form(ward) != normal_form(action.ward_name))
    ):
        reading.problems.append(
            f"Row {number}: its {COL_ID} is {action.ward_name} {action.item}'s, but the row "
            f"says {ward or '?'} {item}: was the id typed over or the row pasted from another "
            "workbook? Put back the id it was exported with"
        )
        return
    if exported is not None and action_id not in exported:
        reading.not_taken.append(
            f"{where} was not in this workbook when it was exported (a row pasted in); its "
            "estates' columns are read as for any other row"
        )
    then = exported[action_id].then if exported is not None and action_id in exported else None
    row_problems: list[str] = []
    for column in present:
        if formula(column):
            row_problems.append(
                f"{where}: {column} holds a formula; type the value itself (WardAudit takes "
                "back values, not formulas)"
            )
    if row_problems:
        reading.problems.extend(row_problems)
        return

    status: str = action.status
    if COL_STATUS in present:
        raw = cell(COL_STATUS)
        parsed = _status(raw)
        if parsed is None:
            shown = (
                "empty" if raw is None or not str(raw).strip() else f"'{_short(_text(raw), 30)}'"
            )
            row_problems.append(f"{where}: Status is {shown}; use one of {', '.join(STATUS_WORDS)}")
        else:
            status = parsed

    comment = action.comment
    if COL_COMMENT in present:
        raw_comment = cell(COL_COMMENT)
        comment = _text(raw_comment)
        if len(comment) > MAX_COMMENT:
            row_problems.append(
                f"{where}: the Estates comment is {len(comment):,} characters; keep it under "
                f"{MAX_COMMENT:,}"
            )
        elif comment != action.comment and (warning := identifier_warning(comment)):
            reading.warnings.append(f"{where}: the Estates comment: {warning}")

    completed: date | None = None
    if COL_COMPLETED in present:
        parsed_date = _date(cell(COL_COMPLETED))
        if isinstance(parsed_date, str):
            row_problems.append(f"{where}: Completed on {parsed_date}")
        elif parsed_date is not None:
            raised = raised_on(action)
            if parsed_date > today:
                row_problems.append(
                    f"{where}: Completed on {clock.uk_date(parsed_date)} is in the future"
                )
            elif parsed_date < raised:
                row_problems.append(
                    f"{where}: Completed on {clock.uk_date(parsed_date)} is before the "
                    f"action was raised ({clock.uk_date(raised)})"
                )
            elif status in ("open", "in_progress"):
                row_problems.append(
                    f"{where}: Completed on is filled in but the status is "
                    f"{status_word(status)}; set the status to Done (or clear the date)"
                )
            completed = parsed_date
        elif action.completed_on is not None and (then is None or then.completed_on is not None):
            reading.not_taken.append(
                f"{where}: Completed on was cleared; a completion date can be corrected but "
                f"not removed, so {clock.uk_date(action.completed_on)} is kept"
            )

    if status == "cannot_do" and action.status != "cannot_do" and not comment:
        row_problems.append(f"{where}: 'Cannot do' needs a reason in {COL_COMMENT}")

    if then is not None:
        changed_since = action.version != then.version
    else:  # a format 2 workbook: only the time of the action's last change tells
        changed_since = (
            mark.exported is not None and clock.parse_iso(action.updated_at) > mark.exported
        )
    expected = action_values(action, today)
    for column in checked:
        value = cell(column)
        if formula(column) or not _same(column, value, expected[column]):
            shown = "now holds a formula" if formula(column) else _shown(column, value)
            since = (
                "; WardAudit's copy may have changed since the workbook was exported"
                if changed_since
                else ""
            )
            reading.not_taken.append(
                f"{where}: {column} {shown} — not taken back{since}: "
                f"{NOT_TAKEN_ADVICE.get(column, 'change it in WardAudit')}"
            )

    if row_problems:
        reading.problems.extend(row_problems)
        return
    if then is not None:
        # Only what estates changed in the row is taken back: a column left as exported
        # never undoes a change made in WardAudit since.
        if COL_STATUS not in present or status == then.status:
            status = action.status
        if COL_COMMENT not in present or comment_digest(comment) == then.comment:
            comment = action.comment
        if completed == then.completed_on:
            completed = None
    change = ActionChange(
        action_id=action.id,
        status=status if status != action.status else None,
        comment=comment if comment != action.comment else None,
        completed_on=completed
        if completed is not None and completed != action.completed_on
        else None,
        seen=action.version,
    )
    if change.status is not None or change.comment is not None or change.completed_on:
        if then is not None and changed_since:
            # Changed in WardAudit since the export and by this row too: one of the two
            # would be lost, so the row is not applied and the person is told who and when.
            reading.conflicts.append(RowUpdate(number, action, change))
            return
        reading.updates.append(RowUpdate(number, action, change))
        if changed_since and mark.exported is not None:
            reading.warnings.append(
                f"{where}: the action was changed in WardAudit after this workbook was "
                f"exported ({clock.uk_datetime(mark.exported)}); the workbook's values will "
                "replace those changes"
            )


def _without_id(
    reading: _Reading,
    exported: dict[str, _Exported] | None,
    order: list[str],
    known: dict[str, Action],
) -> set[str]:
    """Rows with no Action ID: one whose id was cleared (it names a row missing since the
    export) is told apart from one added in the workbook. Returns the ids accounted for."""
    present = set(order)
    accounted: set[str] = set()
    missing: dict[tuple[str, str], list[str]] = {}
    for action_id, place in (exported or {}).items():
        if action_id not in present:
            action = known.get(action_id)
            ward, item = (action.ward_name, action.item) if action else (place.ward, place.item)
            missing.setdefault((normal_form(ward), normal_form(item)), []).append(action_id)
    for number, ward, item, what in reading.without_id:
        matches = missing.get((ward, item))
        if matches:
            action_id = matches.pop(0)
            accounted.add(action_id)  # not listed again as deleted
            reading.not_taken.append(
                f"Row {number} ({ward} {item}) has lost its {COL_ID}, so nothing on it is "
                f"taken back; put back its id ({action_id}, from the hidden sheet "
                f"'{_ROWS_SHEET}') and import again"
            )
            continue
        named = " ".join(part for part in (ward, item, what) if part)
        reading.not_taken.append(
            f"Row {number} has no {COL_ID}{f' ({named})' if named else ''}: a row added in the "
            "workbook is not taken back; new actions are raised by an audit, so ask the ward "
            "to record it at their next audit (or put it in a comment on a related action)"
        )
    return accounted


def _missing_and_moved(
    reading: _Reading,
    exported: dict[str, _Exported],
    order: list[str],
    known: dict[str, Action],
    accounted: set[str],
) -> None:
    """Rows deleted since the export, and rows re-sorted (which is fine: said once)."""
    present = set(order) | accounted
    for action_id, place in exported.items():
        if action_id in present:
            continue
        action = known.get(action_id)
        what = f"{action.ward_name} {action.item}" if action else f"{place.ward} {place.item}"
        reading.not_taken.append(
            f"{what} (row {place.row} of the actions as exported) is not in the workbook: a "
            "deleted row is not taken back, so the action stays as it is in WardAudit; if its "
            "work is done, put the row back or export again and set its status"
        )
    in_export = [action_id for action_id in order if action_id in exported]
    expected = sorted(in_export, key=lambda action_id: exported[action_id].row)
    moved = sum(1 for a, b in zip(in_export, expected, strict=True) if a != b)
    if moved:
        reading.not_taken.append(
            f"{plural(moved, 'row')} {'is' if moved == 1 else 'are'} not in the place "
            "exported (the sheet was sorted or rows moved): that is fine, each row is "
            f"matched to its action by its {COL_ID}"
        )


def apply_updates(store: Store, plan: UpdatePlan, actor: str = "") -> int:
    """Apply the whole plan in one transaction (all or nothing); returns actions changed.

    Each change is made only from the version of its action the plan was read against, so
    a change made in WardAudit between reading and applying is never overwritten: then
    nothing is applied, and reading the workbook again shows that row as not applied.
    """
    if not plan.updates:
        return 0
    try:
        return store.actions.apply_updates(plan.changes, actor=actor)
    except ChangedMeanwhile as error:
        raise ChangedMeanwhile(
            f"nothing from {plan.path.name} was applied: {changed_by_words(error.by, error.at)} "
            "after the workbook was read. Import it again to see what it would change now.",
            by=error.by,
            at=error.at,
        ) from None
