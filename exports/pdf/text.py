"""Text in any shipped script, laid out and drawn: the :class:`Text` flowable.

For text the base font cannot print as it is (Arabic, Urdu, Bengali, Gujarati, Punjabi,
Chinese, combining marks, right-to-left marks), WardAudit does the layout itself rather
than through reportlab's Paragraph, whose shaping shapes a word that spans two fonts with
the first font only, skips right-to-left ordering for any paragraph with more than one
font, and maps shaped glyphs back to the wrong text. The steps, per paragraph (each line
break starts one):

1. each character gets the first shipped font that has it (combining marks, joiners and
   neutral punctuation stay with the run they follow when its font has them);
2. embedding levels from the Unicode Bidirectional Algorithm (:mod:`exports.pdf.bidi`);
3. each run of one font, weight and level is shaped by HarfBuzz, right to left at odd
   levels, so Arabic joins and Indic vowel signs and conjuncts take their places;
4. lines are broken at spaces, between Chinese characters, and inside a word only when the
   word alone is wider than the line (a pasted address), at a cluster boundary;
5. each line's runs are put in visual order (L2) and drawn as positioned glyphs through
   reportlab's own shaped-string path, each glyph under a code point that extracts as the
   text it stands for (:class:`exports.pdf.fonts.ShippedFont`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr  # type: ignore[import-untyped]
from reportlab.platypus import Flowable  # type: ignore[import-untyped]

from exports.pdf import bidi
from exports.pdf.fonts import Face, FontSet

Align = Literal["left", "right", "centre"]
ELLIPSIS = "…"

# --- cleaning -------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
_C1 = {
    code: (bytes([code]).decode("cp1252") if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else "")
    for code in range(0x80, 0xA0)
}
_TRANSLATE: dict[int, str | None] = {
    **{code: None for code in range(0x20) if code not in (0x09, 0x0A)},
    0x09: " ",
    0x0B: "\n",  # a manual line break from a word processor
    0x0C: "\n",
    0x7F: None,
    0x2028: "\n",
    0x2029: "\n",
    0xFFFE: None,
    0xFFFF: None,
    **_C1,
}


def clean_text(value: object) -> str:
    """Text as a PDF can hold it: any string, however it was made, prints and extracts.

    Line endings become ``\\n``, tabs spaces; other control characters go, except that C1
    controls (nearly always Windows-1252 text read as Latin-1: ``\\x92`` for ’) become the
    characters they were meant to be. A lone surrogate (from a file name or a broken
    paste) becomes U+FFFD, so the reader sees something was there. Then NFC, so that
    letters typed as a base and a combining accent print as one.
    """
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and (text.isprintable() or not _ASCII_CONTROL.search(text)):
        return text
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANSLATE)
    return unicodedata.normalize("NFC", text)


# --- styles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextStyle:
    """How a text prints: size and leading in points, weight, colour, alignment.

    ``direction``: "auto" takes each paragraph's direction from its first letter, as a
    note a person typed reads (an Arabic note runs right to left, set from the right);
    "ltr" is for a text WardAudit composes around a name or a note ("Ward X (mixed
    ward)", a page's footer), which is English and reads left to right whatever the name
    it starts with.
    """

    size: float
    leading: float
    bold: bool = False
    colour: str = "#1F2933"
    align: Align = "left"
    direction: Literal["auto", "ltr"] = "auto"

    def ltr(self) -> TextStyle:
        """The same style for a composed text, which reads left to right."""
        return replace(self, direction="ltr")


# --- layout ---------------------------------------------------------------------------------


@dataclass
class _Run:
    """A stretch of one paragraph in one face at one embedding level, shaped."""

    start: int
    end: int
    face: Face
    level: int
    codes: list[int] = field(default_factory=list)  # per glyph, in visual order
    data: list[Any] = field(default_factory=list)  # ShapeData per glyph; cluster = char index


@dataclass
class _Paragraph:
    text: str
    offset: int  # where it starts in the whole text
    base: int  # paragraph embedding level
    runs: list[_Run]
    advance: list[float]  # per character, in 1000ths of the em; a cluster's on its first
    cluster_start: list[bool]  # per character: the first of a HarfBuzz cluster


@dataclass(frozen=True)
class Line:
    """One laid-out line: a stretch of a paragraph, without its trailing spaces."""

    paragraph: _Paragraph
    start: int
    end: int
    width: float  # points

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start : self.end]


_SPACES = " \u3000"
# Chinese and Japanese punctuation that never starts a line, and that never ends one.
_CLOSING_CJK = frozenset(
    "、。，．・：；？！）」』】〕〉》〙〗｝］’”…ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"  # noqa: RUF001
)
_OPENING_CJK = frozenset("（「『【〔〈《〘〖｛［‘“")  # noqa: RUF001


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def _keeps_run(char: str) -> bool:
    """Characters that stay in the font of the run they follow when it has them: marks,
    joiners, spaces, punctuation and digits."""
    if unicodedata.category(char)[0] in "MZ" or unicodedata.category(char) == "Cf":
        return True
    return bidi.bidi_class(char) in ("WS", "ON", "CS", "ES", "ET", "EN", "AN", "BN", "S")


class Layout:
    """Fallback, shaping and line breaking with the shipped fonts."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts

    def paragraph(
        self, text: str, bold: Sequence[bool], offset: int = 0, base: int | None = None
    ) -> _Paragraph:
        """One paragraph (no line breaks), each character with its weight, shaped; its
        embedding level ``base``, or from its first letter when None."""
        base, levels = bidi.levels(text, base)
        families = self._families(text)
        runs: list[_Run] = []
        for i in range(len(text)):
            face = self.fonts.face(families[i], bold[i])
            if runs and runs[-1].face is face and runs[-1].level == levels[i]:
                runs[-1].end = i + 1
            else:
                runs.append(_Run(i, i + 1, face, levels[i]))
        advance = [0.0] * len(text)
        starts = [False] * len(text)
        for run in runs:
            _shape(text, run, advance, starts)
        return _Paragraph(text, offset, base, runs, advance, starts)

    def _families(self, text: str) -> list[int]:
        fonts = self.fonts
        families: list[int] = []
        current = -1
        for ch in text:
            if (
                current >= 0
                and _keeps_run(ch)
                and ord(ch) in fonts.face(current, False).font.coverage
            ):
                families.append(current)
                continue
            found = fonts.family_index(ch)
            if found < 0:
                # no shipped font has it: the run's font draws a box that still extracts
                found = max(current, 0)
            families.append(found)
            current = found
        return families

    def lines(self, paragraph: _Paragraph, width: float, size: float) -> list[Line]:
        """Greedy line breaking at ``width`` points."""
        text = paragraph.text
        if not text:
            return [Line(paragraph, 0, 0, 0.0)]
        scale = size / 1000
        advance = paragraph.advance
        limit = width / scale + 1e-6
        lines: list[Line] = []
        start = end = 0  # the current line so far: [start, end), without trailing spaces
        used = 0.0  # its width, in 1000ths of the em
        for word_start, word_end in _words(text):
            gap = sum(advance[end:word_start])
            word = sum(advance[word_start:word_end])
            if end > start and used + gap + word > limit:
                lines.append(Line(paragraph, start, end, used * scale))
                start = end = word_start
                used = gap = 0.0
            if gap + word <= limit:
                used += gap + word
                end = word_end
                continue
            # a word wider than a line on its own (a pasted address): cut between clusters
            used += gap
            i = word_start
            while i < word_end:
                j = i + 1
                while j < word_end and not paragraph.cluster_start[j]:
                    j += 1
                cluster = sum(advance[i:j])
                if used + cluster > limit and end > start:
                    lines.append(Line(paragraph, start, end, used * scale))
                    start = end = i
                    used = 0.0
                used += cluster
                end = j
                i = j
        lines.append(Line(paragraph, start, end, used * scale))
        return lines


def _shape(text: str, run: _Run, advance: list[float], starts: list[bool]) -> None:
    """Shape one run with HarfBuzz; each glyph gets a code point that extracts as the text
    of its cluster (the cluster's first glyph carries it, the others extract as nothing)."""
    import uharfbuzz  # type: ignore[import-untyped]

    font = run.face.font
    piece = text[run.start : run.end]
    buffer = uharfbuzz.Buffer()
    buffer.add_str(piece)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if run.level % 2 else "ltr"
    uharfbuzz.shape(font.harfbuzz, buffer, {"kern": True, "liga": True})
    infos = buffer.glyph_infos
    clusters = sorted({info.cluster for info in infos})
    ends = dict(zip(clusters, [*clusters[1:], len(piece)], strict=True))
    named: set[int] = set()
    widths = font.face.charWidths
    default = font.face.defaultWidth
    for info, position in zip(infos, buffer.glyph_positions, strict=True):
        cluster = info.cluster
        if cluster in named:
            source = ""
        else:
            named.add(cluster)
            source = piece[cluster : ends[cluster]]
            starts[run.start + cluster] = True
        code = font.code_for(info.codepoint, source)
        run.codes.append(code)
        run.data.append(
            ShapeData(
                run.start + cluster,
                position.x_advance,
                position.y_advance,
                position.x_offset,
                position.y_offset,
                widths.get(code, default),
            )
        )
        advance[run.start + cluster] += position.x_advance


def _words(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each word: the stretches between break opportunities, without the
    spaces after them."""
    n = len(text)
    start = i = 0
    while i < n:
        if text[i] in _SPACES:
            j = i
            while j < n and text[j] in _SPACES:
                j += 1
            yield start, i
            start = i = j
            continue
        if i + 1 < n and _cjk_break(text[i], text[i + 1]):
            yield start, i + 1
            start = i + 1
        i += 1
    if start < n:
        yield start, n


def _cjk_break(before: str, after: str) -> bool:
    """A line may break between two characters when either is Chinese, but never so that
    a line starts with closing punctuation or ends with opening punctuation."""
    if not (_is_cjk(before) or _is_cjk(after)):
        return False
    if after in _CLOSING_CJK or before in _OPENING_CJK or after in _SPACES:
        return False
    category = unicodedata.category(after)[0]
    return category not in "MP" or _is_cjk(after)


# --- drawing --------------------------------------------------------------------------------


def draw_line(canvas: Any, line: Line, x: float, y: float, size: float) -> None:
    """Draw one line with its left edge at ``x`` and its baseline at ``y``."""
    paragraph = line.paragraph
    if line.end <= line.start:
        return
    pieces: list[tuple[_Run, list[int], list[Any]]] = []
    for run in paragraph.runs:
        if run.end <= line.start or run.start >= line.end:
            continue
        if run.start >= line.start and run.end <= line.end:
            pieces.append((run, run.codes, run.data))
            continue
        codes, data = [], []
        for code, item in zip(run.codes, run.data, strict=True):
            if line.start <= item.cluster < line.end:
                codes.append(code)
                data.append(item)
        if codes:
            pieces.append((run, codes, data))
    levels = [run.level for run, _c, _d in pieces]
    scale = size / 1000
    cursor = x
    text = canvas.beginText()
    for index in bidi.visual_order(levels):
        run, codes, data = pieces[index]
        # Left-to-right shaped text (Indic) also carries its source as /ActualText, which
        # poppler reads in place of the glyphs; pypdf reads the ToUnicode map instead.
        # Never for right-to-left text: poppler would reverse it a second time.
        actual = run.face.font.shaped and run.level % 2 == 0
        if actual:
            canvas.drawText(text)
            first = min(item.cluster for item in data)
            last = max(item.cluster for item in data)
            source = paragraph.text[first : _cluster_end(paragraph, last, line.end)]
            canvas.addLiteral(f"/Span <</ActualText <FEFF{_utf16_hex(source)}>>> BDC")
            text = canvas.beginText()
        text.setFont(run.face.name, size)
        text.setTextOrigin(cursor, y)
        text.textOut(ShapedStr("".join(map(chr, codes)), data))
        cursor += sum(item.x_advance for item in data) * scale
        if actual:
            canvas.drawText(text)
            canvas.addLiteral("EMC")
            text = canvas.beginText()
    canvas.drawText(text)


def _cluster_end(paragraph: _Paragraph, cluster: int, limit: int) -> int:
    """Where the cluster that starts at ``cluster`` ends."""
    end = cluster + 1
    while end < limit and not paragraph.cluster_start[end]:
        end += 1
    return end


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


# --- the flowable ---------------------------------------------------------------------------


Spans = Sequence[tuple[str, bool]]  # (text, bold)


class Text(Flowable):  # type: ignore[misc]
    """Plain text, or runs of regular and bold, in any shipped script; splits between lines."""

    def __init__(
        self,
        spans: Spans,
        style: TextStyle,
        layout: Layout,
        *,
        lines: list[Line] | None = None,
        laid_width: float | None = None,
        fixed_width: float | None = None,
    ) -> None:
        """``fixed_width``: lay out at this width whatever the space offered (a caption
        that runs across the empty cells beside its own)."""
        super().__init__()
        self.fixed_width = fixed_width
        self.spans = [(clean_text(t), b) for t, b in spans]
        self.style = style
        self.layout = layout
        self._lines = lines
        self._laid_width = laid_width
        self.width = 0.0
        self.height = 0.0

    def __repr__(self) -> str:
        text = "".join(t for t, _ in self.spans)
        return f"Text({text[:40]!r}{'…' if len(text) > 40 else ''})"

    @property
    def laid_width(self) -> float | None:
        """The width the text was last laid out at, if it has been."""
        return self._laid_width

    @property
    def plain(self) -> str:
        return "".join(t for t, _ in self.spans)

    def lines_at(self, width: float) -> list[Line]:
        """The text's lines at ``width`` points (laid out once per width)."""
        if self._lines is None or self._laid_width != width:
            self._lines = _lay_out(self.spans, self.style, self.layout, width)
            self._laid_width = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        availWidth = self.fixed_width or availWidth
        lines = self.lines_at(availWidth)
        self.width = availWidth
        self.height = len(lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        availWidth = self.fixed_width or availWidth
        lines = self.lines_at(availWidth)
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit <= 0:
            return []
        if fit >= len(lines):
            return [self]
        return [self._part(lines[:fit], availWidth), self._part(lines[fit:], availWidth)]

    def _part(self, lines: list[Line], width: float) -> Text:
        first, last = lines[0], lines[-1]
        start = first.paragraph.offset + first.start
        end = last.paragraph.offset + last.end
        spans = _slice_spans(self.spans, start, end)
        shifted = [_shift(line, start) for line in lines]
        return Text(
            spans,
            self.style,
            self.layout,
            lines=shifted,
            laid_width=width,
            fixed_width=self.fixed_width,
        )

    def line_count(self, width: float) -> int:
        return len(self.lines_at(width))

    def draw(self) -> None:
        style = self.style
        canvas = self.canv
        lines = self.lines_at(self.width)
        canvas.saveState()
        canvas.setFillColor(style.colour)
        top = len(lines) * style.leading
        for number, line in enumerate(lines):
            y = top - style.size - number * style.leading
            draw_line(canvas, line, _left(line, self.width, style.align), y, style.size)
        canvas.restoreState()


def _left(line: Line, width: float, align: Align) -> float:
    """Where a line starts: right-to-left paragraphs set from the right."""
    if align == "centre":
        return (width - line.width) / 2
    rtl = line.paragraph.base % 2 == 1
    if (align == "right") != rtl:
        return width - line.width
    return 0.0


def _shift(line: Line, start: int) -> Line:
    """A line of a part that starts ``start`` characters into the whole text."""
    paragraph = line.paragraph
    moved = _Paragraph(
        paragraph.text,
        paragraph.offset - start,
        paragraph.base,
        paragraph.runs,
        paragraph.advance,
        paragraph.cluster_start,
    )
    return Line(moved, line.start, line.end, line.width)


def _weights(spans: Spans) -> tuple[str, list[bool]]:
    text = "".join(t for t, _ in spans)
    bold: list[bool] = []
    for piece, heavy in spans:
        bold.extend([heavy] * len(piece))
    return text, bold


def _lay_out(spans: Spans, style: TextStyle, layout: Layout, width: float) -> list[Line]:
    text, bold = _weights(spans)
    if style.bold:
        bold = [True] * len(text)
    base = 0 if style.direction == "ltr" else None
    lines: list[Line] = []
    offset = 0
    for piece in text.split("\n"):
        paragraph = layout.paragraph(piece, bold[offset : offset + len(piece)], offset, base)
        lines.extend(layout.lines(paragraph, width, style.size))
        offset += len(piece) + 1
    return lines


def _slice_spans(spans: Spans, start: int, end: int) -> list[tuple[str, bool]]:
    """The spans' text from ``start`` to ``end`` (offsets in the whole text)."""
    out: list[tuple[str, bool]] = []
    offset = 0
    for piece, bold in spans:
        a, b = max(start - offset, 0), min(end - offset, len(piece))
        if a < b:
            out.append((piece[a:b], bold))
        offset += len(piece)
    return out


def fit(spans: Spans, style: TextStyle, layout: Layout, width: float, max_lines: int) -> str:
    """The text cut to at most ``max_lines`` lines at ``width``, ending in an ellipsis when
    cut (for a heading repeated on every page, where a name of any length must not grow)."""
    text, _ = _weights(spans)
    if len(_lay_out([(text, False)], style, layout, width)) <= max_lines:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest start of the text that fits with its ellipsis
        middle = (low + high + 1) // 2
        candidate = [(text[:middle].rstrip() + ELLIPSIS, False)]
        if len(_lay_out(candidate, style, layout, width)) <= max_lines:
            low = middle
        else:
            high = middle - 1
    while 0 < low < len(text) and unicodedata.category(text[low])[0] == "M":
        low -= 1  # never part a letter from its marks
    return text[:low].rstrip() + ELLIPSIS
