"""Reading WardAudit PDFs back: fonts, text by pypdf and by poppler, words by position."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from exports.pdf.base import BODY, Document, Furniture, build
from exports.pdf.text import TextStyle
from exports.pdf.typeset import Typesetter

# One sentence a patient or a member of staff might write in each script.
SAMPLES = {
    "Polish": "Pacjentka Zażółć Gęślą Jaźń, łóżko 4",
    "Romanian": "Pacientul Ștefan Țurcanu, salonul 2",
    "Turkish": "Hasta Işık Güneş, oda 3",  # noqa: RUF001 - Turkish dotless i
    "Vietnamese": "Bệnh nhân Nguyễn Thị Hương cần theo dõi",
    "Greek": "Ο ασθενής χρειάζεται παρακολούθηση",  # noqa: RUF001 - Greek
    "Cyrillic": "Пациенту нужно наблюдение",
    "Arabic": "المريض يحتاج إلى مراقبة مستمرة",
    "Urdu": "مریض کو نگرانی کی ضرورت ہے",
    "Bengali": "রোগীর পর্যবেক্ষণ প্রয়োজন",
    "Gujarati": "દર્દીને દેખરેખની જરૂર છે",
    "Punjabi": "ਮਰੀਜ਼ ਨੂੰ ਨਿਗਰਾਨੀ ਦੀ ਲੋੜ ਹੈ",
    "Chinese": "病人需要观察。病人需要觀察",
}
# The font file (PostScript name) each sample must print in.
FONT_OF = {
    "Polish": "NotoSans-Regular",
    "Romanian": "NotoSans-Regular",
    "Turkish": "NotoSans-Regular",
    "Vietnamese": "NotoSans-Regular",
    "Greek": "NotoSans-Regular",
    "Cyrillic": "NotoSans-Regular",
    "Arabic": "NotoNaskhArabic-Regular",
    "Urdu": "NotoNaskhArabic-Regular",
    "Bengali": "NotoSansBengali-Regular",
    "Gujarati": "NotoSansGujarati-Regular",
    "Punjabi": "NotoSansGurmukhi-Regular",
    "Chinese": "DroidSansFallback",
}
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def one_paragraph(path: Path, text: str, style: TextStyle = BODY, *, shipped: bool = True) -> Path:
    """A PDF holding one paragraph, written the way every WardAudit document is."""
    ts = Typesetter(shipped=shipped)
    story = [ts.para(text, style)]
    furniture = Furniture(ts, header_left="", header_right="", footer_left="", footer_right="")
    return build(path, Document(story, furniture, title="t", author="a", subject="s"))


def font_names(path: Path) -> set[str]:
    """The base font names a PDF's pages use, without their subset tags."""
    names: set[str] = set()
    for page in PdfReader(str(path)).pages:
        fonts: Any = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            name = str(ref.get_object()["/BaseFont"]).lstrip("/")
            names.add(name.split("+", 1)[-1])
    return names


def embedded(path: Path) -> bool:
    """True when any font of the PDF carries its own glyphs."""
    reader = PdfReader(str(path))
    for page in reader.pages:
        fonts: Any = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            descriptor = ref.get_object().get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                return True
    return False


def pypdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def poppler_text(path: Path, *args: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *args, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return BIDI_CONTROLS.sub("", result.stdout)


PAGE_NUMBER = re.compile(r"\bPage \d+ of \d+\b")


def words(text: str) -> str:
    """Whitespace made single spaces, Unicode normalised and page numbers left out, for
    comparing with what was written."""
    return unicodedata.normalize("NFC", " ".join(PAGE_NUMBER.sub(" ", text).split()))


def boxes(path: Path) -> list[tuple[int, float, float, float, float, str]]:
    """Every word poppler finds, with its page and box (x min, y min, x max, y max)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            page,
        ):
            found.append((number, float(x0), float(y0), float(x1), float(y1), word))
    return found


def page_sizes(path: Path) -> Sequence[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(str(path)).pages]
