"""What every WardAudit PDF shares: the page, fonts and styles, furniture, tables and colours.

A4 landscape, so a table reads across one line per row. The colours that carry meaning come
from :mod:`wardaudit.palette` (``PRINT``), chosen to hold in greyscale print; the word is
always written beside them. Table text is wrapped here into plain lines rather than laid
out as reportlab Paragraphs, so a thousand-row table stays quick.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_LEFT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph, SimpleDocTemplate  # type: ignore[import-untyped]

from exports.atomic import atomic_write
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

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
SIZE = 8
LEADING = 9.6
PAD = 3
CELL_TOP = 3  # reportlab's default cell padding above and below the text
CELL_BOTTOM = 3


def colour(hex_rgb: str) -> Any:
    """A reportlab colour from ``#RRGGBB``."""
    return colors.HexColor(hex_rgb)


def fill_and_text(swatch: Swatch) -> tuple[Any, Any]:
    """A palette swatch as reportlab's (fill, text) colours."""
    return colour(swatch.fill), colour(swatch.text)


INK = colour("#1F2933")
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


def style(name: str, size: float, *, bold: bool = False, leading: float | None = None) -> Any:
    return ParagraphStyle(
        name,
        fontName=BOLD if bold else FONT,
        fontSize=size,
        leading=leading or size * 1.25,
        textColor=INK,
        alignment=TA_LEFT,
    )


TITLE = style("title", 20, bold=True)
SUBTITLE = style("subtitle", 13)
HEADING = style("heading", 12, bold=True, leading=16)
BODY = style("body", 9)
SMALL = style("small", 7.5)


def para(text: str, paragraph_style: Any = BODY) -> Any:
    """Plain text (never markup) as a paragraph."""
    return Paragraph(escape(text), paragraph_style)


@functools.lru_cache(maxsize=4096)
def wrap(text: str, width: float, font: str = FONT, size: float = SIZE) -> str:
    """Plain text broken into lines that fit ``width`` points, for a fast table cell.

    Cached: a work list repeats the checklist's action texts and owners many times over.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(simpleSplit(paragraph, font, size, width - 2 * PAD) or [""])
    return "\n".join(lines)


# --- pages: headers, footers, "page X of Y" -------------------------------------------------


class NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds every page until the end so each footer can say "page X of Y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(INK)
            self.drawCentredString(PAGE[0] / 2, MARGIN - 5 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


@dataclass(frozen=True)
class Furniture:
    """The text around every page: header left and right, footer left and right."""

    header_left: str
    header_right: str
    footer_left: str
    footer_right: str

    def draw(self, canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(INK)
        top = PAGE[1] - MARGIN + 4 * mm
        canvas.drawString(MARGIN, top, self.header_left)
        canvas.drawRightString(PAGE[0] - MARGIN, top, self.header_right)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, top - 1.5 * mm, PAGE[0] - MARGIN, top - 1.5 * mm)
        bottom = MARGIN - 5 * mm
        canvas.line(MARGIN, bottom + 3.5 * mm, PAGE[0] - MARGIN, bottom + 3.5 * mm)
        canvas.drawString(MARGIN, bottom, self.footer_left)
        canvas.drawRightString(PAGE[0] - MARGIN, bottom, self.footer_right)
        canvas.restoreState()


def build(
    path: Path | str,
    story: list[Any],
    furniture: Furniture,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: Sequence[str] = (),
) -> Path:
    """Lay the story out on A4 landscape pages with their furniture, whole or not at all."""
    with atomic_write(path) as temporary:
        document = SimpleDocTemplate(
            str(temporary),
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 4 * mm,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=subject,
            creator=f"WardAudit {__version__}",
            keywords=list(keywords),
        )
        document.build(
            story,
            onFirstPage=furniture.draw,
            onLaterPages=furniture.draw,
            canvasmaker=NumberedCanvas,
        )
    return Path(path)


# --- tables ---------------------------------------------------------------------------------


def table_base(header_row: int = 0) -> list[tuple[Any, ...]]:
    """The plain table look. Each command walks every cell it covers, so a long table
    gets as few as will do."""
    return [
        ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
        ("FONT", (0, header_row), (-1, header_row), BOLD, SIZE, LEADING),
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
    lines = 1
    for cell in row:
        if not isinstance(cell, str):
            return None
        lines = max(lines, cell.count("\n") + 1)
    return lines * LEADING + CELL_TOP + CELL_BOTTOM
