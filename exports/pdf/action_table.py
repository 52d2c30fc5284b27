"""The action table and its keys, shared by the action plan and the estates work list.

One row per action, most serious first, its heading repeated on every page; the band's cell
coloured and its word written; an overdue date shaded and marked OVERDUE.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import LongTable, Table, TableStyle  # type: ignore[import-untyped]

from exports.pdf.base import (
    BAND_FILLS,
    BODY,
    CELL,
    FRAME_WIDTH,
    GRID,
    LEADING,
    OVERDUE_FILL,
    PAD,
    SIZE,
    SMALL,
    UNKNOWN_BAND_FILL,
    chunk_row,
    runs,
    style,
    table_base,
    text_height,
)
from exports.pdf.typeset import Typesetter
from wardaudit import clock
from wardaudit.actions import band_counts, band_rank, overdue_count
from wardaudit.model import Action
from wardaudit.risk import BAND_ORDER, CONSEQUENCE, LIKELIHOOD, RiskMatrix
from wardaudit.words import (
    NONE_MARK,
    OVERDUE_WORD,
    band_word,
    due_in_words,
    found_words,
    risk_words,
    status_word,
)

# "Ward, Site: 12 actions": composed around the names, so left to right whatever they are
CAPTION = style("caption", 9.5, bold=True, leading=12, colour="#000000").ltr()
CAPTION_PAD = 4
CAPTION_LINES = 3  # a longer caption is cut here, and printed whole above the table
PHOTO_WIDTH = 30 * mm


@dataclass(frozen=True)
class _Column:
    header: str
    width: float  # points


def _columns(*, photos: bool, questions: bool) -> list[_Column]:
    widths: list[tuple[str, float]] = [
        ("Risk\nL × C", 22),
        ("Item", 20),
        ("Location", 27),
        ("What was found", 50 if questions else 46),
        ("Action", 60),
        ("Owner", 24),
        ("Due", 20),
        ("Status", 21),
    ]
    if photos:
        widths.append(("Photos", PHOTO_WIDTH / mm))
    spare = FRAME_WIDTH / mm - sum(w for _, w in widths)
    grow = {"What was found": 0.45, "Action": 0.55}
    return [_Column(name, (w + spare * grow.get(name, 0)) * mm) for name, w in widths]


def _row(
    ts: Typesetter,
    action: Action,
    columns: Sequence[_Column],
    today: date,
    *,
    critical: bool,
    question: str,
    photo_cell: Any,
) -> tuple[list[list[Any]], bool]:
    """One action as table rows (more than one when its text is long), and whether it is
    overdue."""
    overdue = action.is_overdue(today)
    width = [c.width for c in columns]
    item = ts.text(action.item)
    reference = f"ref {action.id[:8]}"
    found = found_words(action) or NONE_MARK
    if question:
        found = f"{question}\nFound: {found}"
    what = action.description
    if action.comment:
        what += f"\nEstates: {action.comment}"
    status = status_word(action.status)
    if action.completed_on:
        status += f"\n{clock.uk_date(action.completed_on)}"
    due = clock.uk_date(action.due) + (f"\n{OVERDUE_WORD.upper()}" if overdue else "")
    band = f"{action.risk.band_word}\n{risk_words(action)}"
    cells: list[Any] = [
        ts.cell(band, width[0], CELL, bold=True),
        ts.cell(
            item + ("\nCritical\nbreach" if critical else "") + f"\n{reference}",
            width[1],
            CELL,
            bold=critical,
        ),
        ts.cell(action.location or NONE_MARK, width[2], CELL),
        ts.cell(found, width[3], CELL),
        ts.cell(what, width[4], CELL),
        ts.cell(action.owner, width[5], CELL),
        due,
        ts.cell(status, width[7], CELL),
    ]
    if len(columns) > 8:
        cells.append(photo_cell if photo_cell is not None else "")

    def continued() -> list[Any]:
        """A continued row names its action, so a reader landing on the next page knows it."""
        marks: list[Any] = [""] * len(cells)
        marks[0] = ts.cell(action.risk.band_word, width[0], CELL, bold=True)
        marks[1] = ts.cell(f"{item}\n{reference}\n(continued)", width[1], CELL)
        return marks

    return chunk_row(cells, width, continued=continued), overdue


def action_table(
    ts: Typesetter,
    actions: Sequence[Action],
    today: date,
    *,
    caption: str = "",
    critical: Iterable[str] = (),
    questions: dict[str, str] | None = None,
    photo_cells: dict[str, Any] | None = None,
) -> list[Any]:
    """The action table: one row per action, its heading repeated on every page.

    A ``caption`` (the ward, in the work list) spans the top and repeats with the column
    headers, so a page that continues a ward still says which ward it is; a caption too
    long to repeat is cut there and printed whole above the table. A long text continues
    in the rows below its action's (:func:`~exports.pdf.base.chunk_row`), so no row is
    ever taller than a page.
    """
    breaches = set(critical)
    columns = _columns(photos=bool(photo_cells), questions=bool(questions))
    story: list[Any] = []
    data: list[list[Any]] = []
    caption_height = 0.0
    if caption:
        shown = ts.fit(caption, FRAME_WIDTH - 2 * PAD, CAPTION, CAPTION_LINES)
        if shown != ts.text(caption):
            story.append(ts.para(caption, BODY.ltr()))
        cell = ts.cell(shown, FRAME_WIDTH, CAPTION, fixed=True)
        caption_height = _lines(cell) * CAPTION.leading + 2 * CAPTION_PAD
        data.append([cell] + [""] * (len(columns) - 1))
    head = len(data)
    data.append([c.header for c in columns])
    first_body = head + 1
    overdue_rows: list[int] = []
    spans: list[tuple[int, int]] = []  # each action's first and last row
    for action in actions:
        rows, overdue = _row(
            ts,
            action,
            columns,
            today,
            critical=action.item in breaches,
            question=(questions or {}).get(action.item, ""),
            photo_cell=(photo_cells or {}).get(action.item),
        )
        first = len(data)
        data.extend(rows)
        spans.append((first, len(data) - 1))
        if overdue:
            overdue_rows.append(first)
    commands: list[tuple[Any, ...]] = [
        *table_base(ts, head),
        ("FONT", (0, first_body), (0, -1), ts.bold, SIZE, LEADING),
    ]
    if caption:
        # The caption runs across the empty cells beside it, boxed but not ruled: a SPAN
        # would do the same but costs reportlab a pass over every cell at each page break.
        commands += [
            ("BOX", (0, 0), (-1, 0), 0.4, GRID),
            ("FONT", (0, 0), (-1, 0), ts.bold, CAPTION.size, CAPTION.leading),
            ("TOPPADDING", (0, 0), (-1, 0), CAPTION_PAD),
            ("BOTTOMPADDING", (0, 0), (-1, 0), CAPTION_PAD),
        ]
    for first, last, band in runs([a.risk.band for a in actions]):
        top, bottom = spans[first][0], spans[last][1]
        fill, text = BAND_FILLS.get(band, UNKNOWN_BAND_FILL)
        commands.append(("BACKGROUND", (0, top), (0, bottom), fill))
        commands.append(("TEXTCOLOR", (0, top), (0, bottom), text))
    for row in overdue_rows:
        commands.append(("BACKGROUND", (6, row), (6, row), OVERDUE_FILL))
        commands.append(("FONT", (6, row), (6, row), ts.bold, SIZE, LEADING))
    for action, (first, _last) in zip(actions, spans, strict=True):
        if action.item in breaches:
            commands.append(("FONT", (1, first), (1, first), ts.bold, SIZE, LEADING))
    heights: list[float | None] = [text_height(row) for row in data]
    if caption:
        heights[0] = caption_height
    story.append(
        LongTable(
            data,
            colWidths=[c.width for c in columns],
            rowHeights=heights,
            repeatRows=head + 1,
            style=TableStyle(commands),
        )
    )
    return story


def _lines(cell: Any) -> int:
    if isinstance(cell, str):
        return cell.count("\n") + 1
    return int(cell.line_count(cell.laid_width))


def risk_key(ts: Typesetter, matrix: RiskMatrix) -> Any:
    """How to read the Risk column, printed above the table."""
    bands = "; ".join(
        f"{band.word} {band.low}–{band.high} ({due_in_words(band.due_days)})"
        for band in sorted(matrix.bands, key=lambda b: band_rank(b.name))
    )
    likelihood = ", ".join(f"{n} {w}" for n, w in LIKELIHOOD.items())
    consequence = ", ".join(f"{n} {w}" for n, w in CONSEQUENCE.items())
    return ts.para(
        f"Risk = likelihood (L) × consequence (C). Likelihood: {likelihood}. Consequence: "
        f"{consequence}. Bands: {bands}. Dates are dd/mm/yyyy; OVERDUE means past its due "
        "date and not yet done.",
        SMALL,
    )


def band_summary(ts: Typesetter, actions: Sequence[Action], today: date) -> Any:
    """Counts by band as a row of chips: the colour and the word, then the number."""
    counts = band_counts(actions)
    row = [f"{band_word(b)}: {counts.get(b, 0)}" for b in BAND_ORDER]
    row.append(f"Overdue: {overdue_count(actions, today)}")
    table = Table([row], colWidths=[30 * mm] * len(row), hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), ts.bold, 9),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("BOX", (0, 0), (-1, -1), 0.4, GRID),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, GRID),
    ]
    for index, band in enumerate(BAND_ORDER):
        fill, text = BAND_FILLS[band]
        commands += [
            ("BACKGROUND", (index, 0), (index, 0), fill),
            ("TEXTCOLOR", (index, 0), (index, 0), text),
        ]
    commands.append(("BACKGROUND", (-1, 0), (-1, 0), OVERDUE_FILL))
    table.setStyle(TableStyle(commands))
    return table
