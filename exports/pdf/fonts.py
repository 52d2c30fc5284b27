"""The fonts WardAudit ships for its PDFs, and which of them prints each character.

A document whose every character is in Helvetica's Windows-1252 repertoire prints in
Helvetica and embeds nothing, as it always has. Any other document prints in the shipped
fonts (``exports/fonts/``, described in its README): Noto Sans for Latin, Greek and
Cyrillic, and for each other script the first font that has the character. Each font is
embedded as a subset of the glyphs the document uses.

:class:`ShippedFont` is reportlab's ``TTFont`` with one addition: a glyph can be drawn
under a code point of our choosing that extracts as any text. Shaping turns text into
glyphs the font's character map does not name (a Bengali conjunct, an Arabic letter's
joined form, a ligature); reportlab names those glyphs by the first character the glyph
stands for, or by a private-use code point, and a reader copying the text gets the wrong
letters back. Here every such glyph gets a code point in a private-use plane whose entry
in the subset's ToUnicode map is the text the glyph stands for.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import registerFontFamily  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

# Helvetica's own repertoire: a document all of whose text encodes in it needs no font file.
STANDARD_ENCODING = "cp1252"
STANDARD_REGULAR = "Helvetica"
STANDARD_BOLD = "Helvetica-Bold"

# Code points handed out for shaped glyphs: Supplementary Private Use Area-A, which no
# shipped font maps and reportlab's own private-use code points (U+E000 up) never reach.
_PRIVATE_FIRST = 0xF0000
_PRIVATE_LAST = 0xFFFFD


@dataclass(frozen=True)
class Family:
    """One shipped typeface: its regular and bold files, and whether it needs shaping."""

    name: str
    regular: str
    bold: str | None  # None: bold text prints in the regular face
    shaped: bool  # joins, reorders or forms conjuncts: drawn through HarfBuzz


BASE = Family("Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", shaped=False)
# The order a character's font is looked for in, after the base font.
FALLBACKS = (
    Family("Arabic", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", shaped=True),
    Family("Bengali", "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", shaped=True),
    Family("Gujarati", "NotoSansGujarati-Regular.ttf", "NotoSansGujarati-Bold.ttf", shaped=True),
    Family("Gurmukhi", "NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf", shaped=True),
    Family("Chinese", "DroidSansFallback-GB2312-Big5L1.ttf", None, shaped=False),
)


class ShippedFont(TTFont):  # type: ignore[misc]
    """A TrueType font whose glyphs can be drawn under code points that extract as given text."""

    def __init__(self, name: str, path: Path, *, shaped: bool) -> None:
        super().__init__(name, str(path))
        self.path = path
        self.shaped = shaped
        self.coverage: frozenset[int] = frozenset(self.face.charToGlyph)
        self._codes: dict[tuple[int, str], int] = {}
        self._texts: dict[int, str] = {}
        self._next = _PRIVATE_FIRST
        self._lock = threading.Lock()
        self._harfbuzz: Any = None

    @property
    def harfbuzz(self) -> Any:
        """The font as HarfBuzz sees it, at 1,000 units to the em (made on first use)."""
        if self._harfbuzz is None:
            import uharfbuzz  # type: ignore[import-untyped]

            font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(self.path.read_bytes())))
            font.scale = (1000, 1000)
            self._harfbuzz = font
        return self._harfbuzz

    def code_for(self, glyph: int, text: str) -> int:
        """A code point that draws ``glyph`` and extracts as ``text`` (which may be empty)."""
        if len(text) == 1:
            code = ord(text)
            if self.face.charToGlyph.get(code) == glyph:
                return code
        key = (glyph, text)
        code = self._codes.get(key, 0)
        if code:
            return code
        with self._lock:
            code = self._codes.get(key, 0)
            if code:
                return code
            if self._next > _PRIVATE_LAST:  # a quarter of a million distinct glyph uses
                log.warning("font %s: no private code point left for a shaped glyph", self.fontName)
                chars = self.face.glyphToChar.get(glyph)
                return chars[0] if chars else 0
            code = self._next
            self._next += 1
            face = self.face
            face.charToGlyph[code] = glyph
            face.glyphToChar.setdefault(glyph, []).append(code)
            face.charWidths[code] = face._pdfScale(face.hmetrics[glyph][0])
            self._texts[code] = text
            self._codes[key] = code
        return code

    def extracts_as(self, code: int) -> str:
        """The text a reader gets back for ``code``."""
        return self._texts.get(code, chr(code))

    def addObjects(self, doc: Any) -> None:
        """reportlab's subsets, with ToUnicode maps that name our code points' text."""
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            reference = fonts[name].ToUnicode
            stream = doc.idToObject[reference.name]
            stream.content = to_unicode_cmap(fonts[name].BaseFont, subset, self.extracts_as)


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


def to_unicode_cmap(name: str, subset: Iterable[int], text_of: Any) -> str:
    """A ToUnicode CMap for one 256-glyph subset: each code's text, in UTF-16 (astral
    characters as surrogate pairs, which reportlab's own map writes wrongly)."""
    entries = [f"<{index:02X}> <{_utf16_hex(text_of(code))}>" for index, code in enumerate(subset)]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({name})",
        f"/Ordering ({name})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(entries) - 1:02X}>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):  # at most 100 entries a block (PDF 1.7, 9.10.3)
        block = entries[start : start + 100]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


@dataclass(frozen=True)
class Face:
    """A registered face: the font and the name reportlab knows it by."""

    font: ShippedFont
    family: Family
    bold: bool

    @property
    def name(self) -> str:
        return str(self.font.fontName)


def _register(family: Family, bold: bool) -> Face:
    file = (family.bold if bold else None) or family.regular
    name = f"WardAudit-{family.name}{'-Bold' if bold and family.bold else ''}"
    # not getFont: for a name not yet registered it searches every AFM file first
    registered = name in pdfmetrics.getRegisteredFontNames()
    font = pdfmetrics.getFont(name) if registered else None
    if not isinstance(font, ShippedFont):
        font = ShippedFont(name, FONT_DIR / file, shaped=family.shaped)
        pdfmetrics.registerFont(font)
    return Face(font, family, bold)


class FontSet:
    """The shipped faces, in the order a character's font is looked for.

    The base family (Noto Sans) is loaded at once; the others on the first character the
    base font lacks, so a document in Polish or Greek never loads Chinese.
    """

    def __init__(self) -> None:
        started = time.perf_counter()
        self.regular = _register(BASE, bold=False)
        self.bold = _register(BASE, bold=True)
        # so that <b> in a reportlab Paragraph set in the base font turns to its bold face
        registerFontFamily(
            self.regular.name,
            normal=self.regular.name,
            bold=self.bold.name,
            italic=self.regular.name,
            boldItalic=self.bold.name,
        )
        self._fallbacks: tuple[tuple[Face, Face], ...] | None = None
        self._lock = threading.Lock()
        base = self.regular.font.coverage
        # What the base font prints unshaped, left to right: the fast path's repertoire,
        # with the line break, which separates lines and is never drawn.
        self.simple = frozenset(c for c in base if _plain(chr(c))) | {ord("\n")}
        log.debug("base fonts registered in %.0f ms", (time.perf_counter() - started) * 1000)

    @property
    def fallbacks(self) -> tuple[tuple[Face, Face], ...]:
        """(regular, bold) of each fallback family, registered on first use."""
        if self._fallbacks is None:
            with self._lock:
                if self._fallbacks is None:
                    started = time.perf_counter()
                    self._fallbacks = tuple(
                        (_register(f, bold=False), _register(f, bold=True)) for f in FALLBACKS
                    )
                    log.debug(
                        "fallback fonts registered in %.0f ms",
                        (time.perf_counter() - started) * 1000,
                    )
        return self._fallbacks

    def is_simple(self, text: str) -> bool:
        """True when the base font prints ``text`` as it is: no shaping, no fallback, no
        right-to-left (the fast path)."""
        return text.isascii() or self.simple.issuperset(map(ord, text))

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one FontSet lives as long as the process
    def family_index(self, char: str) -> int:
        """0 for the base family, 1… for the fallbacks in order; -1 when none has it."""
        code = ord(char)
        if code in self.regular.font.coverage:
            return 0
        for index, (regular, _bold) in enumerate(self.fallbacks, start=1):
            if code in regular.font.coverage:
                return index
        return -1

    def face(self, index: int, bold: bool) -> Face:
        if index <= 0:
            return self.bold if bold else self.regular
        regular, heavy = self.fallbacks[index - 1]
        return heavy if bold else regular


def _plain(char: str) -> bool:
    category = unicodedata.category(char)
    if category[0] == "M" or category in ("Cf", "Cc", "Co", "Cs", "Cn"):
        return False
    return unicodedata.bidirectional(char) not in ("R", "AL", "AN")


@functools.cache
def shipped_fonts() -> FontSet:
    """The process's one FontSet, registered with reportlab on first use."""
    return FontSet()
