"""Take back estates' returned workbook: read it whole, check every row, then change all or nothing.

Only Status, Estates comment and Completed on are taken back; the other columns are for
reading, and edits to them are reported as warnings, never applied. A workbook that is
not ours, or has any bad row, is refused with every problem listed by row number.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from exports.common import (
    COL_COMMENT,
    COL_COMPLETED,
    COL_ID,
    COL_STATUS,
    EDITABLE_COLUMNS,
    STATUS_WORDS,
    WORKBOOK_FORMAT,
    WORKBOOK_VERSION,
)
from wardaudit import clock
from wardaudit.actions import raised_on
from wardaudit.errors import InvalidInput, NotFound, UpdatesRefused
from wardaudit.model import ACTION_STATUS_WORDS, ACTION_STATUSES, Action, ActionChange
from wardaudit.store import Store
from wardaudit.words import status_word

# Words and codes, case and spacing aside: "In progress", "in_progress", "IN-PROGRESS".
_STATUS_LOOKUP = {
    **{code.replace("_", " "): code for code in ACTION_STATUSES},
    **{word.casefold(): code for code, word in ACTION_STATUS_WORDS.items()},
}
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class RowUpdate:
    """One row of the workbook that changes its action."""

    row: int
    action: Action
    change: ActionChange

    def describe(self) -> str:
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
        return f"Row {self.row}, {action.ward_name} {action.item}: " + "; ".join(parts)


@dataclass(frozen=True)
class UpdatePlan:
    """What a returned workbook would change, checked against the database."""

    path: Path
    updates: tuple[RowUpdate, ...]
    rows_read: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def changes(self) -> list[ActionChange]:
        return [update.change for update in self.updates]

    def describe(self) -> list[str]:
        """One line per action that changes, in the workbook's row order."""
        return [update.describe() for update in self.updates]


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header(value: object) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _open(path: Path) -> Any:
    """The workbook, or a refusal a person can act on when it is not one we can read."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    if not path.exists():
        raise NotFound(f"there is no file {path}")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give the returned workbook (.xlsx)")
    if path.stat().st_size == 0:
        raise UpdatesRefused(path, [f"{path.name} is empty (0 bytes): it is not a workbook"])
    if path.suffix.casefold() in (".xls", ".csv", ".ods", ".numbers"):
        raise UpdatesRefused(
            path,
            [
                f"{path.name} is not an Excel workbook (.xlsx); open it in Excel, save it as "
                "'Excel Workbook (.xlsx)' and import that file",
            ],
        )
    try:
        content = io.BytesIO(path.read_bytes())  # read whole: the reader keeps it open
    except OSError as error:
        raise InvalidInput(f"{path} could not be read: {error.strerror or error}") from None
    try:
        return load_workbook(content, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ParseError, ValueError):
        raise UpdatesRefused(
            path,
            [
                f"{path.name} is not an Excel workbook (.xlsx) or is damaged; import the "
                "workbook WardAudit exported, with estates' changes saved in Excel",
            ],
        ) from None


@dataclass(frozen=True)
class _Mark:
    """What says a workbook is ours: its format version, and when it was exported."""

    version: int
    exported: datetime | None


def _mark(book: Any) -> _Mark | None:
    """The workbook's mark if WardAudit wrote it (its properties, or its About sheet)."""
    properties = {p.name: p.value for p in book.custom_doc_props}
    about: dict[str, object] = {}
    if "About" in book.sheetnames:
        about = {
            str(row[0]): row[1]
            for row in book["About"].iter_rows(min_row=1, max_row=12, values_only=True)
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
    number = int(version) if isinstance(version, int | float) else WORKBOOK_VERSION
    return _Mark(number, exported)


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
    return str(value).strip()


def _date(value: object) -> date | str | None:
    """A date, None when blank, or a message saying why it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return f"'{text}' is not a real date; write it as dd/mm/yyyy"
    return f"{value!r} is not a date; write it as dd/mm/yyyy"


def read_updates(path: Path | str, store: Store) -> UpdatePlan:
    """Read a returned workbook and check every row against the database; change nothing.

    Raises UpdatesRefused listing every problem (with its row number) when the workbook is
    not one of ours, lacks the Action ID column, or has any row that cannot be taken back.
    """
    path = Path(path)
    book = _open(path)
    try:
        return _read(path, book, store)
    finally:
        book.close()


def _read(path: Path, book: Any, store: Store) -> UpdatePlan:  # noqa: C901 - each column of each returned row is checked in turn
    mark = _mark(book)
    if mark is None:
        raise UpdatesRefused(
            path,
            [
                f"{path.name} is not an action workbook exported by WardAudit; import the "
                "workbook from 'wardaudit export action-plan' or 'export actions' that estates "
                "returned",
            ],
        )
    if mark.version > WORKBOOK_VERSION:
        raise UpdatesRefused(
            path,
            [
                f"{path.name} was made by a newer WardAudit (format {mark.version}); "
                "update WardAudit to import it"
            ],
        )
    if "Actions" not in book.sheetnames:
        raise UpdatesRefused(path, [f"{path.name} has no Actions sheet"])
    rows = book["Actions"].iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = {_header(name): index for index, name in enumerate(header) if name is not None}
    if _header(COL_ID) not in columns:
        raise UpdatesRefused(
            path,
            [
                f"the Actions sheet has no '{COL_ID}' column, so its rows cannot be matched to "
                "actions; put the column back as exported (or export again and copy the "
                "changes across)",
            ],
        )
    present = [name for name in EDITABLE_COLUMNS if _header(name) in columns]
    if not present:
        raise UpdatesRefused(
            path,
            [f"the Actions sheet has none of the columns {', '.join(EDITABLE_COLUMNS)}"],
        )
    warnings = [
        f"the Actions sheet has no '{name}' column; that field is left as it is"
        for name in EDITABLE_COLUMNS
        if name not in present
    ]

    known = {action.id: action for action in store.actions.list()}
    today = clock.today()
    problems: list[str] = []
    updates: list[RowUpdate] = []
    seen: dict[str, int] = {}
    rows_read = unknown = 0

    def cell(values: Sequence[object], name: str) -> object:
        index = columns.get(_header(name))
        return values[index] if index is not None and index < len(values) else None

    for number, values in enumerate(rows, start=2):
        if not any(v is not None and str(v).strip() for v in values):
            continue
        rows_read += 1
        row_problems: list[str] = []
        action_id = _text(cell(values, COL_ID))
        if not action_id:
            problems.append(f"Row {number}: no {COL_ID}; every row must keep its action's id")
            continue
        action = known.get(action_id)
        if action is None:
            problems.append(f"Row {number}: no action with the id '{action_id}' in this database")
            unknown += 1
            continue
        if action_id in seen:
            problems.append(
                f"Row {number}: the action {action_id} is also on row {seen[action_id]}"
            )
            continue
        seen[action_id] = number
        where = f"Row {number} ({action.ward_name} {action.item})"

        status: str = action.status
        if COL_STATUS in present:
            raw = cell(values, COL_STATUS)
            parsed = _status(raw)
            if parsed is None:
                shown = "empty" if raw is None or not str(raw).strip() else f"'{_text(raw)}'"
                row_problems.append(
                    f"{where}: Status is {shown}; use one of {', '.join(STATUS_WORDS)}"
                )
            else:
                status = parsed

        comment = action.comment
        if COL_COMMENT in present:
            comment = _text(cell(values, COL_COMMENT))

        completed: date | None = None
        if COL_COMPLETED in present:
            parsed_date = _date(cell(values, COL_COMPLETED))
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
            elif action.completed_on is not None:
                warnings.append(
                    f"{where}: Completed on was cleared; a completion date can be corrected but "
                    f"not removed, so {clock.uk_date(action.completed_on)} is kept"
                )

        if status == "cannot_do" and action.status != "cannot_do" and not comment:
            row_problems.append(f"{where}: 'Cannot do' needs a reason in {COL_COMMENT}")

        exported = {"Item": action.item, "Action": action.description, "Owner": action.owner}
        for name, value in exported.items():
            if _header(name) in columns and _text(cell(values, name)) != value.strip():
                warnings.append(
                    f"{where}: {name} was changed in the workbook; only "
                    f"{', '.join(EDITABLE_COLUMNS)} are taken back, so it stays as it was"
                )

        if row_problems:
            problems.extend(row_problems)
            continue
        change = ActionChange(
            action_id=action.id,
            status=status if status != action.status else None,
            comment=comment if comment != action.comment else None,
            completed_on=completed
            if completed is not None and completed != action.completed_on
            else None,
        )
        if change.status is not None or change.comment is not None or change.completed_on:
            updates.append(RowUpdate(number, action, change))
            if mark.exported is not None and clock.parse_iso(action.updated_at) > mark.exported:
                warnings.append(
                    f"{where}: the action was changed in WardAudit after this workbook was "
                    f"exported ({clock.uk_datetime(mark.exported)}); the workbook's values will "
                    "replace those changes"
                )

    if problems:
        if unknown and unknown == rows_read:
            problems.insert(
                0,
                "none of the workbook's actions are in this database: was it exported from "
                "another WardAudit database?",
            )
        raise UpdatesRefused(path, problems)
    return UpdatePlan(path, tuple(updates), rows_read, tuple(warnings))


def apply_updates(store: Store, plan: UpdatePlan, actor: str = "") -> int:
    """Apply the whole plan in one transaction (all or nothing); returns actions changed."""
    if not plan.updates:
        return 0
    return store.actions.apply_updates(plan.changes, actor=actor)
