"""Excel workbooks for estates: an audit's action plan and the work list across audits.

Every workbook has the same Actions sheet, so one import takes either back: an Excel
table with a frozen header and filters, real dates, the band coloured *and* written,
Status as a drop-down, and each row's action id. Every figure is written as a value,
and text that starts like a formula (=, +, - or @) is stored as text.

Written in openpyxl's write-only mode with one styled cell reused per column, so a
thousand actions take a fraction of a second.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.formatting.rule import FormulaRule  # type: ignore[import-untyped]
from openpyxl.packaging.custom import (  # type: ignore[import-untyped]
    IntProperty,
    StringProperty,
)
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.filters import AutoFilter  # type: ignore[import-untyped]
from openpyxl.worksheet.table import (  # type: ignore[import-untyped]
    Table,
    TableColumn,
    TableStyleInfo,
)
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from exports.atomic import atomic_write
from exports.common import (
    ACTION_COLUMNS,
    BAND_COLOURS,
    COL_COMMENT,
    COL_COMPLETED,
    COL_ID,
    COL_STATUS,
    OVERDUE_WORD,
    STATUS_WORDS,
    WORKBOOK_FORMAT,
    WORKBOOK_VERSION,
    audit_date,
    band_counts,
    by_risk,
    by_site_and_ward,
    fingerprint,
    found_text,
    looks_like_formula,
    overdue_count,
    raised_on,
    rating_word,
    sheet_title,
    status_counts,
    status_word,
)
from wardaudit import __version__, clock
from wardaudit.model import ACTION_STATUS_WORDS, Action, AuditRecord
from wardaudit.risk import BAND_ORDER, BAND_WORDS
from wardaudit.scoring import ANSWER_WORDS

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
SCORE_FORMAT = "0.0"

OVERDUE_FILL = ("FFC7CE", "9C0006")
HEADER_FILL = "DDE3EA"

ACTION_WIDTHS = {
    "Site": 18,
    "Ward": 16,
    "Item": 7,
    "Location": 20,
    "What was found": 34,
    "Action": 48,
    "Owner": 16,
    "Raised": 11,
    "Due": 11,
    "Likelihood": 10,
    "Consequence": 12,
    "Risk score": 9,
    "Band": 10,
    "Overdue": 9,
    COL_STATUS: 12,
    COL_COMMENT: 36,
    COL_COMPLETED: 13,
    COL_ID: 38,
}
WRAPPED_ACTION_COLUMNS = {"Location", "What was found", "Action", COL_COMMENT}
DATE_ACTION_COLUMNS = {"Raised", "Due", COL_COMPLETED}

_WRAP = Alignment(wrap_text=True)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_CELL_LIMIT = 32767
_BOLD = Font(bold=True)


class _Column:
    """One column's cell style, set once and reused for every row.

    The write-only sheet writes each row as it is appended, so one cell object per
    column can carry the style from row to row. Only columns that need a style (wrapped
    text, dates) get one: a styled cell costs openpyxl about twice a plain one, which is
    why the cells keep Excel's default bottom alignment rather than all being top-aligned.
    """

    def __init__(
        self,
        sheet: Any,
        *,
        number_format: str | None = None,
        wrap: bool = False,
        bold: bool = False,
        fill: str | None = None,
    ) -> None:
        self._sheet = sheet
        self._style: dict[str, Any] = {"alignment": _WRAP} if wrap else {}
        if number_format:
            self._style["number_format"] = number_format
        if bold:
            self._style["font"] = _BOLD
        if fill:
            self._style["fill"] = PatternFill("solid", start_color=fill, end_color=fill)
        self._plain = self._make(quote=False) if self._style else None
        self._quoted: Any = None

    def _make(self, *, quote: bool) -> Any:
        cell = WriteOnlyCell(self._sheet)
        for name, value in self._style.items():
            setattr(cell, name, value)
        if quote:
            cell.quotePrefix = True
        return cell

    def __call__(self, value: object) -> Any:
        """This column's cell for the next row (the same object each time)."""
        if isinstance(value, str):
            value = _clean(value)
            if looks_like_formula(value):
                if self._quoted is None:
                    self._quoted = self._make(quote=True)
                return _set(self._quoted, value)
        if self._plain is None:
            return None if value == "" else value
        return _set(self._plain, value)

    def fresh(self, value: object) -> Any:
        """A cell of its own, for rows that use one style in more than one place."""
        if isinstance(value, str):
            value = _clean(value)
        return _set(self._make(quote=isinstance(value, str) and looks_like_formula(value)), value)


def _set(cell: Any, value: object) -> Any:
    cell.value = None if value == "" else value
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type = "s"  # never a formula, whatever it starts with
    return cell


def _clean(text: str) -> str:
    """Text a workbook can hold: no control characters (pasted notes carry them), and no
    more than Excel's 32,767 characters in a cell."""
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text[:EXCEL_CELL_LIMIT]


@dataclass(frozen=True)
class _Sheet:
    """A write-only sheet with one style per column and its header already written."""

    sheet: Any
    columns: tuple[_Column, ...]
    headers: tuple[str, ...]

    def append(self, values: Sequence[object]) -> None:
        self.sheet.append([column(v) for column, v in zip(self.columns, values, strict=True)])


def _new_sheet(
    book: Any,
    title: str,
    headers: Sequence[str],
    widths: Sequence[float],
    *,
    wrapped: Iterable[str] = (),
    formats: dict[str, str] | None = None,
) -> _Sheet:
    sheet = book.create_sheet(sheet_title(title))
    # Everything that goes before the rows in the file must be set before the first row.
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    wrapped = set(wrapped)
    formats = formats or {}
    columns = tuple(
        _Column(sheet, wrap=name in wrapped, number_format=formats.get(name)) for name in headers
    )
    header = _Column(sheet, wrap=True, bold=True, fill=HEADER_FILL)
    sheet.append([header.fresh(name) for name in headers])
    return _Sheet(sheet, columns, tuple(headers))


def _add_table(sheet: _Sheet, name: str, rows: int) -> None:
    """Make the written rows an Excel table, with filters on every column."""
    last_column = get_column_letter(len(sheet.headers))
    last_row = max(rows, 1) + 1  # an empty table still needs one body row
    ref = f"A1:{last_column}{last_row}"
    table = Table(displayName=name, ref=ref)
    # Named here: a write-only sheet cannot be read back for its header.
    table.tableColumns = [
        TableColumn(id=index, name=header) for index, header in enumerate(sheet.headers, start=1)
    ]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(
        name="TableStyleLight1", showRowStripes=True, showColumnStripes=False
    )
    # Straight into the sheet's tables: add_table would warn that the columns need naming,
    # which they are, above.
    sheet.sheet.tables.add(table)


def _letter(sheet: _Sheet, header: str) -> str:
    return str(get_column_letter(sheet.headers.index(header) + 1))


# --- the Actions sheet, shared by both exports ---------------------------------------------


def _action_row(action: Action, today: date) -> tuple[object, ...]:
    return (
        action.site,
        action.ward,
        action.item,
        action.location,
        found_text(action),
        action.description,
        action.owner,
        raised_on(action),
        action.due,
        action.risk.likelihood,
        action.risk.consequence,
        action.risk.score,
        action.risk.band_word,
        OVERDUE_WORD if action.is_overdue(today) else "",
        status_word(action.status),
        action.comment,
        action.completed_on,
        action.id,
    )


def _write_actions(book: Any, actions: Sequence[Action], today: date) -> None:
    sheet = _new_sheet(
        book,
        "Actions",
        ACTION_COLUMNS,
        [ACTION_WIDTHS[name] for name in ACTION_COLUMNS],
        wrapped=WRAPPED_ACTION_COLUMNS,
        formats=dict.fromkeys(DATE_ACTION_COLUMNS, DATE_FORMAT),
    )
    for action in actions:
        sheet.append(_action_row(action, today))
    _add_table(sheet, "Actions", len(actions))
    last = max(len(actions), 1) + 1
    ws = sheet.sheet

    band = _letter(sheet, "Band")
    score = _letter(sheet, "Risk score")
    for name in BAND_ORDER:
        background, text = BAND_COLOURS[name]
        ws.conditional_formatting.add(
            f"{band}2:{band}{last} {score}2:{score}{last}",
            FormulaRule(
                formula=[f'${band}2="{BAND_WORDS[name]}"'],
                fill=PatternFill("solid", start_color=background, end_color=background),
                font=Font(color=text, bold=name in ("extreme", "high")),
                stopIfTrue=True,
            ),
        )
    overdue = _letter(sheet, "Overdue")
    due = _letter(sheet, "Due")
    background, text = OVERDUE_FILL
    ws.conditional_formatting.add(
        f"{due}2:{due}{last} {overdue}2:{overdue}{last}",
        FormulaRule(
            formula=[f'${overdue}2="{OVERDUE_WORD}"'],
            fill=PatternFill("solid", start_color=background, end_color=background),
            font=Font(color=text, bold=True),
        ),
    )

    status = _letter(sheet, COL_STATUS)
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_WORDS) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose one of: " + ", ".join(STATUS_WORDS) + ".",
        showInputMessage=True,
        promptTitle="Status",
        prompt="Choose from the list. 'Cannot do' needs a reason in Estates comment.",
    )
    choices.add(f"{status}2:{status}{last}")
    ws.data_validations.append(choices)

    completed = _letter(sheet, COL_COMPLETED)
    dates = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="TODAY()",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Completed on",
        error="Enter the date the work was completed, as dd/mm/yyyy, not in the future.",
    )
    dates.add(f"{completed}2:{completed}{last}")
    ws.data_validations.append(dates)


# --- the other sheets -----------------------------------------------------------------------


def _key_values(book: Any, title: str, rows: Iterable[Sequence[object]]) -> None:
    """A two-or-more column sheet of labels and values (the Summary and About sheets)."""
    sheet = book.create_sheet(sheet_title(title))
    for index, width in enumerate((30, 22, 14, 14, 14, 14, 14, 14, 14, 14, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    label = _Column(sheet, bold=True)
    value = _Column(sheet, wrap=False)
    date_value = _Column(sheet, number_format=DATE_FORMAT)
    datetime_value = _Column(sheet, number_format=DATETIME_FORMAT)
    score_value = _Column(sheet, number_format=SCORE_FORMAT)
    for row in rows:
        cells: list[Any] = []
        for position, item in enumerate(row):
            if position == 0:
                cells.append(label.fresh(item))
            elif isinstance(item, datetime):
                cells.append(datetime_value.fresh(item))
            elif isinstance(item, date):
                cells.append(date_value.fresh(item))
            elif isinstance(item, float):
                cells.append(score_value.fresh(item))
            else:
                cells.append(value.fresh(item))
        sheet.append(cells)


def _naive(moment: datetime) -> datetime:
    """Excel has no time zones: write London wall-clock time."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(clock.LONDON).replace(tzinfo=None)


def _about(book: Any, contents: str, exported: datetime, extra: Iterable[Sequence[object]]) -> None:
    _key_values(
        book,
        "About",
        [
            ("WardAudit action workbook",),
            ("Format", WORKBOOK_FORMAT),
            ("Format version", WORKBOOK_VERSION),
            ("Contents", contents),
            ("Exported", _naive(exported).replace(microsecond=0)),
            ("WardAudit version", __version__),
            *extra,
            (),
            ("Returning this workbook",),
            (
                "What to change",
                f"On the Actions sheet change only {COL_STATUS} (from the list), {COL_COMMENT} "
                f"and {COL_COMPLETED} (dd/mm/yyyy). Other columns are for information: "
                "changes to them are not taken back.",
            ),
            (
                "Keep",
                f"the {COL_ID} column and this sheet as they are; WardAudit uses them to match "
                "each row to its action.",
            ),
            (
                "Cannot do",
                f"needs a reason in {COL_COMMENT}.",
            ),
        ],
    )
    props = book.custom_doc_props
    props.append(StringProperty(name="WardAudit format", value=WORKBOOK_FORMAT))
    props.append(IntProperty(name="WardAudit format version", value=WORKBOOK_VERSION))
    props.append(
        StringProperty(name="WardAudit exported", value=exported.isoformat(timespec="seconds"))
    )


def _count_rows(actions: Sequence[Action], today: date) -> list[tuple[object, ...]]:
    bands = band_counts(actions)
    statuses = status_counts(actions)
    return [
        ("Actions", len(actions)),
        ("Overdue", overdue_count(actions, today)),
        *((f"Band: {BAND_WORDS[b]}", bands.get(b, 0)) for b in BAND_ORDER),
        *((f"Status: {ACTION_STATUS_WORDS[s]}", n) for s, n in statuses.items()),
    ]


def _new_book(title: str, subject: str, author: str) -> Any:
    book = Workbook(write_only=True)
    book.properties.title = title
    book.properties.subject = subject
    book.properties.creator = author
    book.properties.keywords = WORKBOOK_FORMAT
    return book


def _save(book: Any, path: Path | str, write: Callable[[Any], None]) -> Path:
    with atomic_write(path) as temporary:
        try:
            write(book)
            book.save(temporary)
        except BaseException:
            _discard(book)
            raise
    return Path(path)


def _discard(book: Any) -> None:
    """After a failed export, finish each sheet and delete its temporary file.

    A write-only sheet streams its rows to a file in the system's temporary folder until
    the workbook is saved; left alone, that file would stay until WardAudit quits.
    """
    for sheet in book.worksheets:
        try:
            if not sheet.closed:
                sheet.close()
        except (OSError, ValueError):
            pass  # the sheet's stream is already broken; its file is removed below
        writer = getattr(sheet, "_writer", None)
        if writer is not None and Path(writer.out).exists():
            writer.cleanup()


# --- public API -----------------------------------------------------------------------------


def write_action_plan(record: AuditRecord, path: Path | str, *, trust: str = "") -> Path:
    """One audit's action plan: Actions, Summary, Answers and About sheets."""
    audit, score = record.audit, record.score
    ward = audit.ward
    today = clock.today()
    exported = clock.now()
    actions = by_risk(record.actions, score.critical_items)
    title = f"Action plan: {ward.name}, {ward.site}, {audit_date(record)}"
    book = _new_book(
        title,
        f"{audit.checklist_title} (version {audit.checklist_version}): actions by risk",
        audit.signed_by or audit.started_by or "WardAudit",
    )

    def write(book: Any) -> None:
        _write_actions(book, actions, today)
        _plan_summary(book, record, trust, today)
        _answers(book, record)
        _about(
            book,
            "Action plan for one audit",
            exported,
            [("Audit", audit.id), ("Fingerprint", fingerprint(record))],
        )

    return _save(book, path, write)


def _plan_summary(book: Any, record: AuditRecord, trust: str, today: date) -> None:
    audit, score = record.audit, record.score
    ward = audit.ward
    team = "; ".join(
        f"{m.name} ({m.role}{', patient or peer assessor' if m.patient_or_peer else ''})"
        for m in audit.team
    )
    breaches = [
        (f"Critical breach {item}", record.checklist.item(item).question)
        for item in score.critical_items
    ]
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
        ("Audit status", "Signed off" if audit.status == "completed" else "In progress"),
        ("Started", _iso_date(audit.started_at)),
        ("Signed off", _iso_date(audit.completed_at)),
        ("Signed off by", _person(audit.signed_by, audit.signed_role)),
        ("Audit team", team),
        (
            "Overall score (%)",
            None if score.overall is None else round(float(score.overall), 1),
        ),
        ("Rating", rating_word(score.rating)),
        ("Critical breaches", len(score.critical_items)),
        *breaches,
        ("Answered", f"{score.answered} of {score.applicable}"),
        ("Fingerprint", fingerprint(record)),
        ("Counted on", today),
        (),
        ("Section", "Score (%)", "Answered"),
        *sections,
        (),
        *_count_rows(record.actions, today),
    ]
    _key_values(book, "Summary", rows)


def _person(name: str | None, role: str | None) -> str:
    if name and role and role != name:
        return f"{name} ({role})"
    return name or role or ""


def _iso_date(text: str | None) -> date | None:
    return clock.parse_iso(text).date() if text else None


def _answers(book: Any, record: AuditRecord) -> None:
    """Every item that applies, with its answer; the time column only when times are kept."""
    timed = any(answer.answered_at for answer in record.answers.values())
    headers = ["Section", "Item", "Question", "Critical", "Answer", "Location", "Note"]
    widths = [22, 7, 60, 9, 12, 20, 40]
    if timed:
        headers.append("Answered at")
        widths.append(17)
    sheet = _new_sheet(
        book,
        "Answers",
        headers,
        widths,
        wrapped=("Section", "Question", "Location", "Note"),
        formats={"Answered at": DATETIME_FORMAT},
    )
    rows = 0
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
                ANSWER_WORDS[answer.value] if answer else "Not answered",
                answer.location if answer else "",
                answer.note if answer else "",
            ]
            if timed:
                values.append(
                    _naive(clock.parse_iso(answer.answered_at))
                    if answer and answer.answered_at
                    else None
                )
            sheet.append(values)
            rows += 1
    _add_table(sheet, "Answers", rows)


def write_work_list(
    actions: list[Action], path: Path | str, *, title: str, filters: str = ""
) -> Path:
    """The estates work list across audits: Actions (by site, ward, risk), Summary, About."""
    today = clock.today()
    exported = clock.now()
    groups = by_site_and_ward(actions)
    ordered = [action for group in groups for action in group.actions]
    book = _new_book(title, f"Estates work list{': ' + filters if filters else ''}", "WardAudit")

    def write(book: Any) -> None:
        _write_actions(book, ordered, today)
        rows: list[Sequence[object]] = [
            (title,),
            ("Filters", filters or "None: every action"),
            ("Counted on", today),
            *_count_rows(ordered, today),
            (),
            ("Site", "Ward", "Actions", "Overdue", *(BAND_WORDS[b] for b in BAND_ORDER)),
        ]
        for group in groups:
            bands = band_counts(group.actions)
            rows.append(
                (
                    group.site,
                    group.ward,
                    len(group.actions),
                    overdue_count(group.actions, today),
                    *(bands.get(b, 0) for b in BAND_ORDER),
                )
            )
        _key_values(book, "Summary", rows)
        _about(book, "Estates work list", exported, [("Filters", filters or "None")])

    return _save(book, path, write)
