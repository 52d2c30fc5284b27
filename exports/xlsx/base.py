"""What every WardAudit workbook shares: sheets, columns, XML-safe text, tables, printing.

tablib's habits: a bold header, a frozen header row, sanitised sheet titles, and text that
starts like a formula (=, +, - or @) stored as text, so a note can never run as a formula.
Every string goes through :func:`exports.common.xml_text` before openpyxl sees it, so no
character XML forbids reaches the file (cells, titles, properties, validations, headers).
Every figure is written as a value. Every sheet prints as a person would set it up: A4,
the header row repeated, a header and footer naming the document, the date and the page,
and wrapped rows given their height (LibreOffice does not work it out for rows openpyxl
wrote). Written in openpyxl's write-only mode with one styled cell reused per column, so a
thousand rows take a fraction of a second.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.formatting.rule import FormulaRule  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill, Protection  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.filters import AutoFilter  # type: ignore[import-untyped]
from openpyxl.worksheet.pagebreak import Break  # type: ignore[import-untyped]
from openpyxl.worksheet.table import (  # type: ignore[import-untyped]
    Table,
    TableColumn,
    TableStyleInfo,
)
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from exports.atomic import atomic_write
from exports.common import (
    WORKBOOK_FORMAT,
    header_text,
    looks_like_formula,
    sheet_title,
    xml_text,
)
from wardaudit import clock
from wardaudit.palette import WORKBOOK
from wardaudit.risk import BAND_ORDER
from wardaudit.words import band_word

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
SCORE_FORMAT = "0.0"
HEADER_FILL = "DDE3EA"
# The columns estates fill in: a pale yellow a printout keeps, with their header words.
EDITABLE_FILL = "FFF2CC"
EDITABLE_HEADER_FILL = "FFE699"

EXCEL_CELL_LIMIT = 32767
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_BOLD = Font(bold=True)
_UNLOCKED = Protection(locked=False)

# Printing. Column widths are in characters of the default font; rows in points. Excel
# prints a character of width as 7 pixels (5.25 points) plus 5 pixels a column; LibreOffice
# without Calibri lays the same width out in a wider font, about 6.9 points a character.
# Pages are planned for the wider of the two, so a sheet fits in either.
MARGIN_INCHES = 0.4
PAGE_POINTS = {
    "landscape": 842.0 - 2 * 72 * MARGIN_INCHES,
    "portrait": 595.0 - 2 * 72 * MARGIN_INCHES,
}
SMALLEST_SCALE = 70  # below this a printed cell is hard to read: print more pages across
UNFITTED_SCALE = SMALLEST_SCALE + 5  # a sheet too wide for one page prints at this, across
LINE_POINTS = 15.0  # one wrapped line of 11 pt text, in Excel and in LibreOffice's fonts
ROW_PAD_POINTS = 3.0
MAX_ROW_POINTS = 409.0  # Excel's tallest row
# Characters of wrapped text a column holds per line, for its width in characters: Excel's
# Calibri fits about one a width unit; kept a little below, as words wrap short of the edge.
CHARACTERS_PER_WIDTH = 0.97


def solid_fill(hex_rgb: str) -> Any:
    """A solid fill of ``RRGGBB`` (openpyxl's form, no ``#``)."""
    return PatternFill("solid", start_color=hex_rgb, end_color=hex_rgb)


def clean(text: str) -> str:
    """Text a workbook can hold: only characters XML allows (pasted notes carry control
    characters, lone surrogates and the like), at most Excel's 32,767 in a cell."""
    return xml_text(text, limit=EXCEL_CELL_LIMIT)


def line_count(value: object, width: float) -> int:
    """How many lines a wrapped cell of ``width`` characters takes for ``value``."""
    if value is None or value == "":
        return 1
    text = clock.uk_date(value) if isinstance(value, date) else str(value)
    per_line = max(1, int(width * CHARACTERS_PER_WIDTH))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_points(lines: int) -> float:
    return min(MAX_ROW_POINTS, lines * LINE_POINTS + ROW_PAD_POINTS)


class Column:
    """One column's cell style, set once and reused for every row.

    The write-only sheet writes each row as it is appended, so one cell object per
    column can carry the style from row to row. Only columns that need a style (wrapped
    text, dates, estates' own columns) get one: a styled cell costs openpyxl about twice a
    plain one.
    """

    def __init__(
        self,
        sheet: Any,
        *,
        number_format: str | None = None,
        wrap: bool = False,
        bold: bool = False,
        fill: str | None = None,
        unlocked: bool = False,
        size: float | None = None,
        top: bool = False,
    ) -> None:
        self._sheet = sheet
        self._style: dict[str, Any] = {}
        if wrap or top:
            self._style["alignment"] = _WRAP if wrap else _TOP
        if number_format:
            self._style["number_format"] = number_format
        if bold or size:
            self._style["font"] = Font(bold=bold, size=size) if size else _BOLD
        if fill:
            self._style["fill"] = solid_fill(fill)
        if unlocked:
            self._style["protection"] = _UNLOCKED
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


@dataclass(frozen=True)
class Printing:
    """How a sheet prints: what it is (the header's left), when (its centre), the page
    (its right), the orientation, and the rows and columns repeated on every page."""

    document: str
    exported: datetime
    portrait: bool = False
    title_columns: int = 0  # the first N columns repeat on every page across
    break_after: int | None = None  # a page break after this column (1-based)
    scale: int | None = None  # a fixed scale; else fit the width, no smaller than legible
    print_columns: int | None = None  # print only the first N columns (else all)


def column_points(width: float) -> float:
    """A column's printed width at 100%, from its width in characters, in the wider of
    Excel's and LibreOffice's layouts."""
    return max(width * 5.25 + 3.75, width * 6.9)


def widest_scale(widths: Iterable[float], portrait: bool = False) -> int:
    """The largest whole percentage at which these columns fit across one page."""
    page = PAGE_POINTS["portrait" if portrait else "landscape"]
    return min(100, int(100 * page / sum(column_points(w) for w in widths)))


def print_setup(
    ws: Any, widths: Sequence[float], printing: Printing, *, title_rows: str | None = None
) -> None:
    """Set the sheet up to print: A4, margins, header and footer, repeated titles, and a
    scale that keeps the text legible (fit to one page wide only when that is no smaller
    than :data:`SMALLEST_SCALE` percent; else wider pages run across, titles repeated)."""
    setup = ws.page_setup
    setup.orientation = "portrait" if printing.portrait else "landscape"
    setup.paperSize = Worksheet.PAPERSIZE_A4
    margins = ws.page_margins
    margins.left = margins.right = MARGIN_INCHES
    margins.top = margins.bottom = 0.6
    margins.header = margins.footer = 0.25
    ws.print_options.gridLines = False
    fits = widest_scale(widths[: printing.print_columns or len(widths)], printing.portrait)
    if printing.scale is not None:
        setup.scale = printing.scale
    elif fits >= SMALLEST_SCALE:
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        setup.scale = UNFITTED_SCALE
    if not ws.sheet_properties.pageSetUpPr.fitToPage:
        setup.pageOrder = "overThenDown"  # each band of rows, left page then right
    if printing.break_after is not None:
        ws.col_breaks.append(Break(id=printing.break_after))
    if title_rows:
        ws.print_title_rows = title_rows
    if printing.title_columns:
        ws.print_title_cols = f"A:{get_column_letter(printing.title_columns)}"
    ws.oddHeader.left.text = header_text(printing.document)
    ws.oddHeader.left.size = 9
    ws.oddHeader.right.text = header_text(
        f"Exported {clock.uk_datetime(printing.exported)} · dates dd/mm/yyyy"
    )
    ws.oddHeader.right.size = 9
    ws.oddFooter.left.text = header_text(f"WardAudit · {printing.document}")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 8


@dataclass
class Sheet:
    """A write-only sheet with one style per column and its header already written.

    Rows are appended in order; a row with wrapped text gets a height worked out from its
    longest wrapped cell, set before it is written.
    """

    sheet: Any
    columns: tuple[Column, ...]
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    header_row: int = 1
    wrapped: tuple[int, ...] = ()
    print_columns: int | None = None
    rows: int = field(default=0)

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        """The last row of the body (the first, for a sheet with no rows yet)."""
        return self.header_row + max(self.rows, 1)

    def append(self, values: Sequence[object]) -> None:
        row = self.header_row + self.rows + 1
        if self.wrapped:
            lines = max(line_count(values[i], self.widths[i]) for i in self.wrapped)
            if lines > 1:
                self.sheet.row_dimensions[row].height = row_points(lines)
        self.sheet.append([column(v) for column, v in zip(self.columns, values, strict=True)])
        self.rows += 1


def new_sheet(
    book: Any,
    title: str,
    headers: Sequence[str],
    widths: Sequence[float],
    printing: Printing,
    *,
    wrapped: Iterable[str] = (),
    formats: dict[str, str] | None = None,
    editable: Iterable[str] = (),
    above: Sequence[tuple[str, str]] = (),
    shown_headers: Sequence[str] | None = None,
) -> Sheet:
    """A sheet of one table: ``above`` are (label, text) lines before the header row (see
    :func:`_write_above`), ``editable`` the columns estates fill in (coloured and, once
    :func:`protect` is called, the only cells that can be changed); ``shown_headers`` the
    header words when they differ from the names the columns are known by."""
    sheet = book.create_sheet(sheet_title(title))
    header_row = len(above) + 1
    # Everything that goes before the rows in the file must be set before the first row.
    sheet.freeze_panes = f"{get_column_letter(printing.title_columns + 1)}{header_row + 1}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet, widths, printing, title_rows=f"{header_row}:{header_row}")
    wrapped = set(wrapped)
    editable = set(editable)
    formats = formats or {}
    columns = tuple(
        Column(
            sheet,
            wrap=name in wrapped,
            number_format=formats.get(name),
            fill=EDITABLE_FILL if name in editable else None,
            unlocked=name in editable,
            top=bool(wrapped),  # beside wrapped cells, every cell reads from the top
        )
        for name in headers
    )
    _write_above(sheet, above, widths, printing, len(headers))
    shown = list(shown_headers or headers)
    header = Column(sheet, wrap=True, bold=True, fill=HEADER_FILL)
    marked = Column(sheet, wrap=True, bold=True, fill=EDITABLE_HEADER_FILL)
    sheet.row_dimensions[header_row].height = row_points(
        max(line_count(text, width) for text, width in zip(shown, widths, strict=True))
    )
    sheet.append(
        [
            (marked if name in editable else header).fresh(text)
            for name, text in zip(headers, shown, strict=True)
        ]
    )
    return Sheet(
        sheet,
        columns,
        tuple(shown),
        tuple(widths),
        header_row=header_row,
        wrapped=tuple(i for i, name in enumerate(headers) if name in wrapped),
        print_columns=printing.print_columns,
    )


def _spans(widths: Sequence[float], printing: Printing, columns: int) -> list[tuple[int, int]]:
    """The columns (first, last; 1-based) an above line's text spans on each printed page
    across: after the repeated title columns, up to the page break, then the rest."""
    printed = printing.print_columns or columns
    first = printing.title_columns + 1
    if printing.break_after is not None and printing.break_after < printed:
        return [(first, printing.break_after), (printing.break_after + 1, printed)]
    return [(first, _first_page_columns(widths[:printed], printing))] if first <= printed else []


def _first_page_columns(widths: Sequence[float], printing: Printing) -> int:
    """How many columns print on the first page across, in Excel and in LibreOffice alike
    (:func:`column_points` is the wider of the two): all when the sheet fits the width."""
    portrait = printing.portrait
    if printing.scale is None and widest_scale(widths, portrait) >= SMALLEST_SCALE:
        return len(widths)
    scale = printing.scale or UNFITTED_SCALE
    page = PAGE_POINTS["portrait" if portrait else "landscape"] * 100 / scale
    used, count = 0.0, 0
    for width in widths:
        used += column_points(width)
        if used > page:
            break
        count += 1
    return max(count, printing.title_columns + 1)


def _write_above(
    sheet: Any,
    above: Sequence[tuple[str, str]],
    widths: Sequence[float],
    printing: Printing,
    columns: int,
) -> None:
    """The lines above a table, each a label and its text, laid out so every printed page
    shows them whole (LibreOffice and Excel clip a merged cell at a page's edge).

    With title columns (repeated on every page across), the label sits in them and the text
    beside it, on the first page's columns and again on the next page's when a break is
    set, so each page reads "How to send this back | change only ...". Without, the line is
    "label: text" across the printed width.
    """
    spans = _spans(widths, printing, columns) if printing.title_columns else []
    for number, (label, text) in enumerate(above, start=1):
        first = number == 1
        style = Column(sheet, wrap=True, bold=first, size=12 if first else None)
        # a heading at 12 pt takes about a fifth more width a character than body text, and
        # its lines are taller
        per = 1.2 if first else 1.0
        tall = 1.15 if first else 1.0
        if not spans:
            line = f"{label}: {text}" if text else label
            last = printing.print_columns or columns
            sheet.merged_cells.add(f"A{number}:{get_column_letter(last)}{number}")
            sheet.row_dimensions[number].height = tall * row_points(
                line_count(line, sum(widths[:last]) / per)
            )
            sheet.append([style.fresh(line)])
            continue
        label_style = Column(sheet, wrap=True, bold=True, size=12 if first else None)
        cells: list[Any] = [None] * spans[-1][1]
        cells[0] = label_style.fresh(label)
        lines = line_count(label, sum(widths[: printing.title_columns]) / 1.2)
        if printing.title_columns > 1:
            sheet.merged_cells.add(f"A{number}:{get_column_letter(printing.title_columns)}{number}")
        for start, end in spans if text else ():
            cells[start - 1] = style.fresh(text)
            lines = max(lines, line_count(text, sum(widths[start - 1 : end]) / per))
            if end > start:
                sheet.merged_cells.add(
                    f"{get_column_letter(start)}{number}:{get_column_letter(end)}{number}"
                )
        sheet.row_dimensions[number].height = tall * row_points(lines)
        sheet.append(cells)


def protect(sheet: Sheet) -> None:
    """Lock every cell but estates' own columns, without a password: the sheet guards
    against slips, not against a person who means to change it (the import checks
    everything whatever the sheet allows). Filtering, sorting and widening columns and
    rows stay allowed."""
    protection = sheet.sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.autoFilter = False
    protection.sort = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


def validation(
    kind: str | None,
    *,
    title: str,
    prompt: str,
    error: str | None = None,
    formula1: str | None = None,
    formula2: str | None = None,
    operator: str | None = None,
    allow_blank: bool = True,
) -> Any:
    """A data validation with its input message, every text XML-safe and within Excel's
    lengths (titles 32, a prompt 255, an error 225 characters)."""
    rule = DataValidation(
        type=kind,
        operator=operator,
        formula1=formula1,
        formula2=formula2,
        allow_blank=allow_blank,
        showInputMessage=True,
        promptTitle=xml_text(title, multiline=False, limit=32),
        prompt=xml_text(prompt, limit=255),
        showErrorMessage=error is not None,
    )
    if error is not None:
        rule.errorTitle = xml_text(title, multiline=False, limit=32)
        rule.error = xml_text(error, limit=225)
    return rule


def add_table(sheet: Sheet, name: str) -> None:
    """Make the written rows an Excel table, with filters on every column."""
    last_column = get_column_letter(len(sheet.headers))
    ref = f"A{sheet.header_row}:{last_column}{sheet.last_row}"
    table = Table(displayName=name, ref=ref)
    # Named here: a write-only sheet cannot be read back for its header.
    table.tableColumns = [
        TableColumn(id=index, name=xml_text(header, multiline=False))
        for index, header in enumerate(sheet.headers, start=1)
    ]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(
        name="TableStyleLight1", showRowStripes=True, showColumnStripes=False
    )
    # Straight into the sheet's tables: add_table would warn that the columns need naming,
    # which they are, above.
    sheet.sheet.tables.add(table)
    if sheet.print_columns is not None:
        sheet.sheet.print_area = f"A1:{get_column_letter(sheet.print_columns)}{sheet.last_row}"


def letter(sheet: Sheet, header: str) -> str:
    """The column letter of a header, for conditional formats and validations."""
    return str(get_column_letter(sheet.headers.index(header) + 1))


def body(sheet: Sheet, header: str) -> str:
    """The range of a column's body cells, such as "H4:H170"."""
    column = letter(sheet, header)
    return f"{column}{sheet.first_row}:{column}{sheet.last_row}"


def band_rules(sheet: Any, cells: str, column: str, first_row: int = 2) -> None:
    """Each band's colour on ``cells`` (a range), by the band word in ``column`` of each row;
    the band's word is always in the cell as well."""
    for name in BAND_ORDER:
        swatch = WORKBOOK.band(name)
        sheet.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f'${column}{first_row}="{band_word(name)}"'],
                fill=solid_fill(swatch.fill_rgb),
                font=Font(color=swatch.text_rgb, bold=name in ("extreme", "high")),
                stopIfTrue=True,
            ),
        )


KEY_WIDTHS = (30, 22, 14, 14, 14, 14, 14, 14, 14, 14, 14)


def key_values(book: Any, title: str, rows: Iterable[Sequence[object]], printing: Printing) -> None:
    """A sheet of labels and values (the Summary and About sheets), and the small tables
    under them. A lone long value spans the columns to its right and wraps, with the row's
    height set, so it prints on the page instead of running off its edge."""
    rows = [tuple(row) for row in rows]
    used = max((len(row) for row in rows), default=2)
    count = max(used, 2)
    if any(len(row) == 2 and isinstance(row[1], str) for row in rows):
        count = max(count, 5)  # room for a sentence
    widths = KEY_WIDTHS[:count]
    sheet = book.create_sheet(sheet_title(title))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet, widths, printing)
    label = Column(sheet, bold=True, wrap=True)
    value = Column(sheet)
    long_value = Column(sheet, wrap=True)
    date_value = Column(sheet, number_format=DATE_FORMAT)
    datetime_value = Column(sheet, number_format=DATETIME_FORMAT)
    score_value = Column(sheet, number_format=SCORE_FORMAT)
    spread = sum(widths[1:])
    last = get_column_letter(count)
    for number, row in enumerate(rows, start=1):
        cells: list[Any] = []
        lines = 1
        for position, item in enumerate(row):
            if position == 0:
                cells.append(label.fresh(item))
                lines = max(lines, line_count(item, widths[0]))
            elif isinstance(item, datetime):
                cells.append(datetime_value.fresh(item))
            elif isinstance(item, date):
                cells.append(date_value.fresh(item))
            elif isinstance(item, float):
                cells.append(score_value.fresh(item))
            elif len(row) == 2 and isinstance(item, str) and len(item) > widths[1]:
                cells.append(long_value.fresh(item))
                sheet.merged_cells.add(f"B{number}:{last}{number}")
                lines = max(lines, line_count(item, spread))
            elif isinstance(item, str) and len(item) > widths[position]:
                cells.append(long_value.fresh(item))  # a table's text cell: wrapped in place
                lines = max(lines, line_count(item, widths[position]))
            else:
                cells.append(value.fresh(item))
        if lines > 1:
            sheet.row_dimensions[number].height = row_points(lines)
        sheet.append(cells)


def naive(moment: datetime) -> datetime:
    """Excel has no time zones: write London wall-clock time."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(clock.LONDON).replace(tzinfo=None)


def new_book(title: str, subject: str, author: str, keywords: str = WORKBOOK_FORMAT) -> Any:
    """A write-only workbook with its properties; ``keywords`` carries the workbook's mark."""
    book = Workbook(write_only=True)
    book.properties.title = xml_text(title, multiline=False, limit=255)
    book.properties.subject = xml_text(subject, multiline=False, limit=255)
    book.properties.creator = xml_text(author, multiline=False, limit=255)
    book.properties.keywords = xml_text(keywords, multiline=False, limit=255)
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
