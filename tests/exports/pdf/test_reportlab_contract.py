"""What WardAudit's text layout relies on in reportlab's internals.

exports/pdf/fonts.py and exports/pdf/text.py reach past reportlab's documented API in
three places. If a reportlab release changes any of them, these tests fail first, and the
range pinned in pyproject.toml must not be widened until they pass again.
"""

from __future__ import annotations

from pathlib import Path

import reportlab
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr
from reportlab.pdfgen.canvas import Canvas

from exports.pdf.fonts import shipped_fonts


def _canvas(path: Path) -> Canvas:
    canvas = Canvas(str(path))
    canvas.setPageCompression(0)
    return canvas


def test_a_glyph_under_our_own_code_point_extracts_as_our_text(tmp_path: Path) -> None:
    """ShippedFont gives a glyph a private code point (by adding it to the face's
    character maps) and rewrites the ToUnicode stream reportlab's addObjects made for
    the subset (found through the font dictionary's ToUnicode reference)."""
    font = shipped_fonts().regular.font
    glyph = font.face.charToGlyph[ord("A")]
    code = font.code_for(glyph, "not an A")
    assert code >= 0xF0000
    assert font.face.charWidths[code] == font.face.charWidths[ord("A")]
    path = tmp_path / "private.pdf"
    canvas = _canvas(path)
    text = canvas.beginText(72, 720)
    text.setFont(font.fontName, 12)
    text.textOut(ShapedStr(chr(code), [ShapeData(0, 722, 0, 0, 0, 722)]))
    canvas.drawText(text)
    canvas.save()
    assert PdfReader(str(path)).pages[0].extract_text().strip() == "not an A"


def test_shaped_strings_are_drawn_at_harfbuzz_positions(tmp_path: Path) -> None:
    """A ShapedStr's offsets become a text rise (Ts) and kerning in a TJ array, as the
    layout in exports/pdf/text.py expects of PDFTextObject."""
    font = shipped_fonts().regular.font
    a = font.face.charToGlyph[ord("a")]
    code = font.code_for(a, "a")
    width = font.face.charWidths[code]
    data = [ShapeData(0, width, 0, 0, 0, width), ShapeData(1, width + 50, 0, 30, 120, width)]
    path = tmp_path / "shaped.pdf"
    canvas = _canvas(path)
    text = canvas.beginText(72, 720)
    text.setFont(font.fontName, 10)
    text.textOut(ShapedStr(chr(code) * 2, data))
    canvas.drawText(text)
    canvas.save()
    content = PdfReader(str(path)).pages[0].get_contents()
    assert content is not None
    stream = content.get_data().decode("latin-1")
    assert "1.2 Ts" in stream  # 120/1000 of the 10-point size, raised
    assert "TJ" in stream and "-30" in stream  # moved right by its x offset


def test_a_literal_marked_content_span_reaches_the_page(tmp_path: Path) -> None:
    """/ActualText spans are written with Canvas.addLiteral around a text object."""
    path = tmp_path / "span.pdf"
    canvas = _canvas(path)
    canvas.addLiteral("/Span <</ActualText <FEFF0041>>> BDC")
    canvas.drawString(72, 720, "A")
    canvas.addLiteral("EMC")
    canvas.save()
    content = PdfReader(str(path)).pages[0].get_contents()
    assert content is not None
    stream = content.get_data().decode("latin-1")
    assert stream.index("BDC") < stream.index("(A) Tj") < stream.index("EMC")


def test_the_version_is_the_one_checked() -> None:
    major, minor = (int(n) for n in reportlab.Version.split(".")[:2])
    assert (major, minor) == (5, 1), "check the tests above, then widen pyproject.toml's range"
