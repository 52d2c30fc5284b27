"""What every WardAudit PDF shares: the page, fonts and styles, furniture, tables and colours.

A4 landscape, so a table reads across one line per row. The colours that carry meaning come
from :mod:`wardaudit.palette` (``PRINT``), chosen to hold in greyscale print; the word is
always written beside them. Table text is wrapped here into plain lines rather than laid
out as reportlab Paragraphs, so a thousand-row table stays quick; text that needs the
shipped fonts' shaping is a :class:`~exports.pdf.text.Text` (see :mod:`exports.pdf.typeset`).
Every text goes through the document's :class:`~exports.pdf.typeset.Typesetter`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import Flowable, SimpleDocTemplate  # type: ignore[import-untyped]

from exports.atomic import atomic_write
from exports.pdf.text import ELLIPSIS, Text, TextStyle, clean_text
from exports.pdf.typeset import PAD as PAD
from exports.pdf.typeset import NeedsShippedFonts, Typesetter
from wardaudit import __version__
from wardaudit.palette import PRINT, Swatch

# Page streams are compressed either way; wrapping them in ASCII85 as well (reportlab's
# default) only keeps the file 7-bit clean, makes it a quarter larger and, without
# reportlab's optional C accelerator, costs a large share of a long work list's time.
# The setting is process-wide; nothing else in WardAudit depends on it.
rl_config.useA85 = 0

PAGE = landscape(A4)
MARGIN = 12 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
PAGE_HEIGHT = PAGE[1]

SIZE = 8
LEADING = 9.6
CELL_TOP = 3  # reportlab's default cell padding above and below the text
CELL_BOTTOM = 3


def colour(hex_rgb: str) -> Any:
    """A reportlab colour from ``#RRGGBB``."""
    return colors.HexColor(hex_rgb)


def fill_and_text(swatch: Swatch) -> tuple[Any, Any]:
    """A palette swatch as reportlab's (fill, text) colours."""
    return colour(swatch.fill), colour(swatch.text)


INK_HEX = "#1F2933"
INK = colour(INK_HEX)
GRID = colour("#8A949E")
HEADER_FILL = colour("#DDE3EA")
BAR = colour("#3E4C59")
TRACK = colour("#EEF1F4")
BAND_FILLS = {band: fill_and_text(swatch) for band, swatch in PRINT.bands.items()}
UNKNOWN_BAND_FILL = fill_and_text(PRINT.unknown_band)
RATING_FILLS = {rating: fill_and_text(swatch) for rating, swatch in PRINT.ratings.items()}
NOT_RATED_FILL = fill_and_text(PRINT.not_rated)
# An overdue date, an answer of No or Partly, a count that needs attention: grey, with the
# word or the number written, so it prints the same in black and white.
OVERDUE_FILL = colour(PRINT.overdue.fill)


def style(
    _name: str,
    size: float,
    *,
    bold: bool = False,
    leading: float | None = None,
    colour: str = INK_HEX,
) -> TextStyle:
    """A text style (the name is for the reader of the code only)."""
    return TextStyle(size, leading or size * 1.25, bold=bold, colour=colour)


TITLE = style("title", 20, bold=True)
SUBTITLE = style("subtitle", 13)
HEADING = style("heading", 12, bold=True, leading=16)
BODY = style("body", 9)
SMALL = style("small", 7.5)
# Table text is black, as reportlab draws a plain string cell.
CELL = style("cell", SIZE, leading=LEADING, colour="#000000")
CELL_BOLD = style("cell-bold", SIZE, bold=True, leading=LEADING, colour="#000000")
# Every header and footer is composed by WardAudit: English, left to right, whatever the
# ward's or trust's name in it.
FURNITURE = style("furniture", 7.5).ltr()


# --- pages: headers, footers, "page X of Y" -------------------------------------------------


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds every page until the end so each footer can say "page X of Y"."""

    def __init__(self, *args: Any, font: str = "Helvetica", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._number_font = font

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(self._number_font, FURNITURE.size)
            self.setFillColor(INK)
            self.drawCentredString(PAGE[0] / 2, MARGIN - 5 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


class Furniture:
    """The text around every page: header left and right, footer left and right.

    Each is one line: a name of any length is cut with an ellipsis rather than run into
    the other or off the page (the full text is in the document's body).
    """

    def __init__(
        self,
        ts: Typesetter,
        *,
        header_left: str,
        header_right: str,
        footer_left: str,
        footer_right: str,
    ) -> None:
        self.ts = ts
        # checked now, while the story is made, so the fonts are known before the build
        self.header_left = ts.text(header_left)
        self.header_right = ts.text(header_right)
        self.footer_left = ts.text(footer_left)
        self.footer_right = ts.text(footer_right)

    def draw(self, canvas: Any, _doc: Any) -> None:
        ts = self.ts
        canvas.saveState()
        canvas.setFillColor(INK)
        top = PAGE[1] - MARGIN + 4 * mm
        # the left text takes what it needs up to three fifths; the right the rest
        gap = 6 * mm
        for left, right, y in (
            (self.header_left, self.header_right, top),
            (self.footer_left, self.footer_right, MARGIN - 5 * mm),
        ):
            right_width = ts.width(right, FURNITURE, FRAME_WIDTH * 0.4 - 1) + 1
            left_width = FRAME_WIDTH - right_width - gap
            ts.draw_line(canvas, left, MARGIN, y, FURNITURE, width=left_width)
            ts.draw_line(
                canvas, right, PAGE[0] - MARGIN, y, FURNITURE, width=right_width, align="right"
            )
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, top - 1.5 * mm, PAGE[0] - MARGIN, top - 1.5 * mm)
        bottom = MARGIN - 5 * mm
        canvas.line(MARGIN, bottom + 3.5 * mm, PAGE[0] - MARGIN, bottom + 3.5 * mm)
        canvas.restoreState()


@dataclass(frozen=True)
class Document:
    """What a writer composes: the story, its page furniture and the file's properties."""

    story: list[Any]
    furniture: Furniture
    title: str
    author: str
    subject: str
    keywords: Sequence[str] = ()


def write(path: Path | str, compose: Callable[[Typesetter], Document]) -> Path:
    """Compose the document in Helvetica, or in the shipped fonts when any of its text
    needs them, and lay it out on A4 landscape pages, whole or not at all."""
    try:
        document = compose(Typesetter(shipped=False))
    except NeedsShippedFonts:
        document = compose(Typesetter(shipped=True))
    return build(path, document)


def build(path: Path | str, document: Document) -> Path:
    """Lay the story out with its furniture and properties, whole or not at all."""
    with atomic_write(path) as temporary:
        template = SimpleDocTemplate(
            str(temporary),
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 4 * mm,
            bottomMargin=MARGIN,
            title=metadata_text(document.title),
            author=metadata_text(document.author),
            subject=metadata_text(document.subject),
            creator=f"WardAudit {__version__}",
            keywords=[metadata_text(k, limit=200) for k in document.keywords],
            # the document's own font from the first page on, so that a document in the
            # shipped fonts names no Helvetica at all
            initialFontName=document.furniture.ts.font,
        )
        furniture = document.furniture
        template.build(
            document.story,
            onFirstPage=furniture.draw,
            onLaterPages=furniture.draw,
            canvasmaker=functools.partial(NumberedCanvas, font=furniture.ts.font),
        )
    return Path(path)


METADATA_LIMIT = 1000  # characters: a title or author longer than this is cut


def metadata_text(value: object, *, limit: int = METADATA_LIMIT) -> str:
    """A document property as PDF readers show it: one line, no control characters, no
    lone surrogates (which make reportlab fail the whole file), at most ``limit``
    characters."""
    text = " ".join(clean_text(value).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return text


class Chart(Flowable):  # type: ignore[misc]
    """A reportlab Drawing with labels set by the document's typesetter: a drawing's own
    strings can neither shape nor run right to left, so text from a checklist or a
    person is drawn here, each label cut to one line of its width."""

    def __init__(self, ts: Typesetter, drawing: Any) -> None:
        super().__init__()
        self.ts = ts
        self.drawing = drawing
        # the renderer starts each drawing in this font (Helvetica unless told)
        drawing.initialFontName = ts.font
        self.labels: list[tuple[str, float, float, TextStyle, float]] = []

    def label(self, value: object, x: float, y: float, style: TextStyle, *, width: float) -> None:
        self.labels.append((self.ts.text(value), x, y, style, width))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return float(self.drawing.width), float(self.drawing.height)

    def draw(self) -> None:
        self.drawing.drawOn(self.canv, 0, 0)
        self.canv.setFillColor(INK)
        for text, x, y, style, width in self.labels:
            self.ts.draw_line(self.canv, text, x, y, style, width=width)


# --- tables ---------------------------------------------------------------------------------


def table_base(ts: Typesetter, header_row: int = 0) -> list[tuple[Any, ...]]:
    """The plain table look. Each command walks every cell it covers, so a long table
    gets as few as will do."""
    return [
        ("FONT", (0, 0), (-1, -1), ts.font, SIZE, LEADING),
        ("FONT", (0, header_row), (-1, header_row), ts.bold, SIZE, LEADING),
        ("BACKGROUND", (0, header_row), (-1, header_row), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, header_row), (-1, -1), 0.4, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]


def runs(keys: Sequence[str]) -> Iterable[tuple[int, int, str]]:
    """Consecutive rows with the same key, as (first, last, key): one style command each."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            yield start, index - 1, keys[start]
            start = index


def text_height(row: Sequence[Any]) -> float | None:
    """A row's height from its lines, so reportlab need not measure it again at every
    page break; None (let reportlab measure) for a row holding pictures."""
    lines = LEADING
    for cell in row:
        if isinstance(cell, str):
            lines = max(lines, (cell.count("\n") + 1) * LEADING)
        elif isinstance(cell, Text) and cell.laid_width is not None:
            lines = max(lines, cell.line_count(cell.laid_width) * cell.style.leading)
        else:
            return None
    return lines + CELL_TOP + CELL_BOTTOM


# The tallest a table row grows: a longer text continues in the rows after it, so that no
# row is ever taller than a page and every row keeps a height known in advance.
CHUNK_LINES = 15
CHUNK_HEIGHT = CHUNK_LINES * LEADING


def chunk_row(
    cells: Sequence[Any],
    widths: Sequence[float],
    *,
    continued: Callable[[], Sequence[Any]] | None = None,
    height: float = CHUNK_HEIGHT,
) -> list[list[Any]]:
    """One row of a table as one or more rows, each at most ``height`` points of text.

    A text cell continues in the same column of the rows after; a column whose text has
    run out shows its cell from ``continued()`` there (the item, "(continued)"), or
    nothing; ``continued`` is called only for a row that does continue. Pictures stay in
    the first row.
    """
    per = max(1, int(height // LEADING))
    parts: list[list[Any]] = []
    longest = 1
    for cell, width in zip(cells, widths, strict=True):
        if isinstance(cell, str):
            if cell.count("\n") < per:
                parts.append([cell])
                continue
            lines = cell.split("\n")
            parts.append(["\n".join(lines[i : i + per]) for i in range(0, len(lines), per)])
        elif isinstance(cell, Flowable):
            parts.append(_split_flowable(cell, width - 2 * PAD, height))
        else:
            parts.append([cell])
        longest = max(longest, len(parts[-1]))
    if longest == 1:
        return [list(cells)]
    rest = continued() if continued is not None else [""] * len(parts)
    rows: list[list[Any]] = []
    for k in range(longest):
        rows.append(
            [part[k] if k < len(part) else rest[column] for column, part in enumerate(parts)]
        )
    return rows


def _split_flowable(cell: Any, width: float, height: float) -> list[Any]:
    pieces: list[Any] = []
    rest = cell
    while True:
        _w, needed = rest.wrap(width, height)
        if needed <= height + 1e-6:
            pieces.append(rest)
            return pieces
        split = rest.split(width, height)
        if len(split) < 2:
            pieces.append(rest)  # cannot split: left whole (a picture)
            return pieces
        pieces.append(split[0])
        rest = split[1]
