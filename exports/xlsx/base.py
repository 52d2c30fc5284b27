"""What every WardAudit workbook shares: sheets, columns, sanitised text, tables, key-value sheets.

tablib's habits: a bold header, a frozen first row, sanitised sheet titles, and text that
starts like a formula (=, +, - or @) stored as text, so a note can never run as a formula.
Every figure is written as a value. Written in openpyxl's write-only mode with one styled
cell reused per column, so a thousand rows take a fraction of a second.
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
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.filters import AutoFilter  # type: ignore[import-untyped]
from openpyxl.worksheet.table import (  # type: ignore[import-untyped]
    Table,
    TableColumn,
    TableStyleInfo,
)
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from exports.atomic import atomic_write
from exports.common import WORKBOOK_FORMAT, looks_like_formula, sheet_title
from wardaudit import clock
from wardaudit.palette import WORKBOOK
from wardaudit.risk import BAND_ORDER
from wardaudit.words import band_word

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
SCORE_FORMAT = "0.0"
HEADER_FILL = "DDE3EA"

_WRAP = Alignment(wrap_text=True)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_CELL_LIMIT = 32767
_BOLD = Font(bold=True)


def solid_fill(hex_rgb: str) -> Any:
    """A solid fill of ``RRGGBB`` (openpyxl's form, no ``#``)."""
    return PatternFill("solid", start_color=hex_rgb, end_color=hex_rgb)


class Column:
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
            self._style["fill"] = solid_fill(fill)
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
            value = clean(value)
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
            value = clean(value)
        return _set(self._make(quote=isinstance(value, str) and looks_like_formula(value)), value)


def _set(cell: Any, value: object) -> Any:
    cell.value = None if value == "" else value
    if isinstance(value, str) and looks_like_formula(value):
        cell.data_type = "s"  # never a formula, whatever it starts with
    return cell


def clean(text: str) -> str:
    """Text a workbook can hold: no control characters (pasted notes carry them), and no
    more than Excel's 32,767 characters in a cell."""
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text[:EXCEL_CELL_LIMIT]


@dataclass(frozen=True)
class Sheet:
    """A write-only sheet with one style per column and its header already written."""

    sheet: Any
    columns: tuple[Column, ...]
    headers: tuple[str, ...]

    def append(self, values: Sequence[object]) -> None:
        self.sheet.append([column(v) for column, v in zip(self.columns, values, strict=True)])


def new_sheet(
    book: Any,
    title: str,
    headers: Sequence[str],
    widths: Sequence[float],
    *,
    wrapped: Iterable[str] = (),
    formats: dict[str, str] | None = None,
) -> Sheet:
    sheet = book.create_sheet(sheet_title(title))
    # Everything that goes before the rows in the file must be set before the first row.
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "1:1"
    landscape_a4(sheet)
    wrapped = set(wrapped)
    formats = formats or {}
    columns = tuple(
        Column(sheet, wrap=name in wrapped, number_format=formats.get(name)) for name in headers
    )
    header = Column(sheet, wrap=True, bold=True, fill=HEADER_FILL)
    sheet.append([header.fresh(name) for name in headers])
    return Sheet(sheet, columns, tuple(headers))


def add_table(sheet: Sheet, name: str, rows: int) -> None:
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


def letter(sheet: Sheet, header: str) -> str:
    """The column letter of a header, for conditional formats and validations."""
    return str(get_column_letter(sheet.headers.index(header) + 1))


def landscape_a4(sheet: Any) -> None:
    """Print across one A4 landscape page; set before the sheet's first row is written."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def band_rules(sheet: Any, cells: str, column: str) -> None:
    """Each band's colour on ``cells`` (a range), by the band word in ``column`` of each row;
    the band's word is always in the cell as well."""
    for name in BAND_ORDER:
        swatch = WORKBOOK.band(name)
        sheet.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f'${column}2="{band_word(name)}"'],
                fill=solid_fill(swatch.fill_rgb),
                font=Font(color=swatch.text_rgb, bold=name in ("extreme", "high")),
                stopIfTrue=True,
            ),
        )


def key_values(book: Any, title: str, rows: Iterable[Sequence[object]]) -> None:
    """A two-or-more column sheet of labels and values (the Summary and About sheets)."""
    sheet = book.create_sheet(sheet_title(title))
    for index, width in enumerate((30, 22, 14, 14, 14, 14, 14, 14, 14, 14, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    label = Column(sheet, bold=True)
    value = Column(sheet, wrap=False)
    date_value = Column(sheet, number_format=DATE_FORMAT)
    datetime_value = Column(sheet, number_format=DATETIME_FORMAT)
    score_value = Column(sheet, number_format=SCORE_FORMAT)
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


def naive(moment: datetime) -> datetime:
    """Excel has no time zones: write London wall-clock time."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(clock.LONDON).replace(tzinfo=None)


def new_book(title: str, subject: str, author: str, keywords: str = WORKBOOK_FORMAT) -> Any:
    """A write-only workbook with its properties; ``keywords`` carries the workbook's mark."""
    book = Workbook(write_only=True)
    book.properties.title = title
    book.properties.subject = subject
    book.properties.creator = author
    book.properties.keywords = keywords
    return book


def save(book: Any, path: Path | str, write: Callable[[Any], None]) -> Path:
    """Fill the book with ``write`` and save it whole or not at all; returns the path."""
    with atomic_write(path) as temporary:
        try:
            write(book)
            book.save(temporary)
        except BaseException:
            discard(book)
            raise
    return Path(path)


def discard(book: Any) -> None:
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
