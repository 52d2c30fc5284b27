"""Every text a WardAudit PDF prints passes through one :class:`Typesetter`.

A document is first laid out in Helvetica, which embeds nothing: that is the fast path,
and all an English-only document ever needs. The first text Helvetica cannot print (a
character outside Windows-1252) raises :class:`NeedsShippedFonts`, and the writer lays
the whole document out again in the shipped fonts, so one document never mixes the two
designs. In the shipped fonts, text the base font prints as it is (Latin, Greek,
Cyrillic) still takes the fast path: a table cell stays a plain pre-wrapped string and a
paragraph a reportlab Paragraph. Only text that needs another font, shaping or
right-to-left order becomes a :class:`~exports.pdf.text.Text` flowable.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.platypus import Paragraph  # type: ignore[import-untyped]

from exports.pdf.fonts import (
    STANDARD_BOLD,
    STANDARD_ENCODING,
    STANDARD_REGULAR,
    FontSet,
    shipped_fonts,
)
from exports.pdf.text import ELLIPSIS, Layout, Spans, Text, TextStyle, clean_text, draw_line, fit

PAD = 3  # a table cell's padding left and right

_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "centre": TA_CENTER}


class NeedsShippedFonts(Exception):
    """A text Helvetica cannot print: lay the document out again in the shipped fonts."""


class Typesetter:
    """The fonts of one document, and the way each of its texts is set."""

    def __init__(self, *, shipped: bool) -> None:
        self.shipped = shipped
        self.fonts: FontSet | None = shipped_fonts() if shipped else None
        if self.fonts is not None:
            self.font = self.fonts.regular.name
            self.bold = self.fonts.bold.name
            self.layout: Layout | None = Layout(self.fonts)
        else:
            self.font, self.bold, self.layout = STANDARD_REGULAR, STANDARD_BOLD, None
        self._styles: dict[TextStyle, Any] = {}
        self._fits: dict[tuple[str, float, TextStyle, int], str] = {}
        self._widths: dict[tuple[str, float, TextStyle, int], float] = {}
        self._lines: dict[tuple[str, float, TextStyle], Any] = {}

    def face(self, bold: bool) -> str:
        return self.bold if bold else self.font

    # --- checking ---

    def text(self, value: object) -> str:
        """A text cleaned for print; in Helvetica, only if Helvetica can print it."""
        text = clean_text(value)
        if self.fonts is None and not text.isascii():
            try:
                text.encode(STANDARD_ENCODING)
            except UnicodeEncodeError:
                raise NeedsShippedFonts from None
        return text

    def is_simple(self, text: str) -> bool:
        """True when the text takes the fast path (checked text only)."""
        return self.fonts is None or self.fonts.is_simple(text)

    # --- paragraphs ---

    def paragraph_style(self, style: TextStyle) -> Any:
        found = self._styles.get(style)
        if found is None:
            found = self._styles[style] = ParagraphStyle(
                f"wardaudit-{len(self._styles)}",
                fontName=self.face(style.bold),
                fontSize=style.size,
                leading=style.leading,
                textColor=style.colour,
                alignment=_ALIGN[style.align],
            )
        return found

    def para(self, value: object, style: TextStyle) -> Any:
        """Plain text (never markup) as a paragraph that flows across pages."""
        return self.rich([(value, False)], style)

    def rich(self, spans: Sequence[tuple[object, bool]], style: TextStyle) -> Any:
        """Runs of regular and bold text as one paragraph."""
        checked = [(self.text(t), bold) for t, bold in spans]
        if self.layout is not None and not all(self.is_simple(t) for t, _ in checked):
            return Text(checked, style, self.layout)
        markup = "".join(
            (f"<b>{_markup(t)}</b>" if bold and not style.bold else _markup(t))
            for t, bold in checked
        )
        return Paragraph(markup, self.paragraph_style(style))

    # --- table cells ---

    def cell(
        self,
        value: object,
        width: float,
        style: TextStyle,
        *,
        bold: bool = False,
        fixed: bool = False,
    ) -> Any:
        """A table cell ``width`` points wide (padding included): a pre-wrapped string on
        the fast path, else a Text laid out at the cell's inner width (at that width
        whatever the column's when ``fixed``: a caption running across empty cells)."""
        text = self.text(value)
        face_bold = bold or style.bold
        if self.is_simple(text):
            return wrap(text, width - 2 * PAD, self.face(face_bold), style.size)
        assert self.layout is not None
        inner = width - 2 * PAD
        flowable = Text(
            [(text, face_bold)], style, self.layout, fixed_width=inner if fixed else None
        )
        flowable.lines_at(inner)
        return flowable

    def fit(self, value: object, width: float, style: TextStyle, max_lines: int = 1) -> str:
        """The text cut to ``max_lines`` lines of ``width`` points (padding excluded), with
        an ellipsis when cut: for headings repeated on every page and for page furniture."""
        text = self.text(value)
        key = (text, width, style, max_lines)
        found = self._fits.get(key)  # page furniture asks again on every page
        if found is None:
            # no glyph is narrower than 0.15 of the size: what lies beyond cannot fit
            longest = int(max_lines * width / (0.15 * style.size)) + 1
            if self.is_simple(text):
                found = fit_plain(text, width, self.face(style.bold), style.size, max_lines)
            else:
                assert self.layout is not None
                found = fit([(text[:longest], style.bold)], style, self.layout, width, max_lines)
                if len(text) > longest and not found.endswith(ELLIPSIS):
                    found = fit(
                        [(found + ELLIPSIS, style.bold)], style, self.layout, width, max_lines
                    )
            self._fits[key] = found
        return found

    def width(self, value: object, style: TextStyle, limit: float | None = None) -> float:
        """The natural width of a text set on one line (its widest line if it has
        several), or ``limit`` if that is less."""
        text = self.text(value)
        if limit is not None:
            text = text[: int(limit / (0.15 * style.size)) + 1]
        key = (text, -1.0, style, 0)
        cached = self._widths.get(key)
        if cached is not None:
            return cached
        if self.is_simple(text):
            found = max(
                float(stringWidth(line, self.face(style.bold), style.size))
                for line in text.split("\n")
            )
        else:
            assert self.layout is not None
            lines = Text([(text, style.bold)], style, self.layout).lines_at(1e9)
            found = max(line.width for line in lines)
        if limit is not None:
            found = min(found, limit)
        self._widths[key] = found
        return found

    def draw_line(
        self,
        canvas: Any,
        value: object,
        x: float,
        y: float,
        style: TextStyle,
        *,
        width: float,
        align: str = "left",
    ) -> None:
        """One line of text at baseline ``y``, cut to ``width``: ``x`` is its left edge,
        its centre or its right edge as ``align`` says."""
        text = self.fit(value, width, style)
        left = {"left": x, "centre": x - width / 2, "right": x - width}[align]
        if self.is_simple(text):
            canvas.setFont(self.face(style.bold), style.size)
            if align == "left":
                canvas.drawString(x, y, text)
            elif align == "right":
                canvas.drawRightString(x, y, text)
            else:
                canvas.drawCentredString(x, y, text)
            return
        assert self.layout is not None
        line = self._lines.get((text, width, style))
        if line is None:  # page furniture draws the same line on every page
            line = Text([(text, style.bold)], style, self.layout).lines_at(width)[0]
            self._lines[(text, width, style)] = line
        offset = {"left": 0.0, "centre": (width - line.width) / 2, "right": width - line.width}
        draw_line(canvas, line, left + offset[align], y, style.size)


def _markup(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


@functools.lru_cache(maxsize=4096)
def wrap(text: str, width: float, font: str, size: float) -> str:
    """Plain text broken into lines that fit ``width`` points, for a fast table cell.

    Words longer than a line (a pasted address, an id) are cut by characters, so nothing
    runs off the page. Cached: a work list repeats its action texts and owners many times.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        for line in simpleSplit(paragraph, font, size, width) or [""]:
            # simpleSplit leaves a word wider than the line whole, on a line of its own;
            # no glyph is narrower than 0.15 of the size, so shorter lines need no check
            if len(line) * size * 0.15 > width and stringWidth(line, font, size) > width:
                lines.extend(_cut(line, width, font, size))
            else:
                lines.append(line)
    return "\n".join(lines)


def _cut(line: str, width: float, font: str, size: float) -> list[str]:
    """A line with a word too long for it, cut by characters at word ends where it can."""
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        for ch in word:
            if current and stringWidth(current + ch, font, size) > width:
                pieces.append(current)
                current = ""
            current += ch
    pieces.append(current)
    return pieces


def fit_plain(text: str, width: float, font: str, size: float, max_lines: int) -> str:
    """:func:`fit` for the fast path, measured in one font."""
    lines = wrap(text, width, font, size).split("\n")
    if len(lines) <= max_lines:
        return text
    kept = " ".join([*lines[: max_lines - 1], ""])
    last = lines[max_lines - 1]
    while last and stringWidth(last + ELLIPSIS, font, size) > width:
        last = last[:-1]
    return (kept + last).rstrip() + ELLIPSIS


def spans_text(spans: Spans) -> str:
    return "".join(t for t, _ in spans)
