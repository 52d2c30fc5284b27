"""Which fonts a PDF prints in: Helvetica and nothing embedded for English, the shipped
fonts for anything else; the fast path for text the base font prints as it is; clean
document properties; the shipped font files themselves."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from exports import pdf
from exports.pdf.base import BODY, CELL, Document, Furniture, build, metadata_text
from exports.pdf.fonts import FONT_DIR, shipped_fonts
from exports.pdf.text import Text, clean_text
from exports.pdf.typeset import NeedsShippedFonts, Typesetter
from tests.exports.pdf.pdf_checks import (
    SAMPLES,
    embedded,
    font_names,
    one_paragraph,
    pypdf_text,
    words,
)
from wardaudit.model import AuditRecord
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parents[3]


def test_an_english_work_list_prints_in_helvetica_and_embeds_no_font(
    tmp_path: Path, demo_store: Store
) -> None:
    actions = demo_store.actions.list()[:50]
    path = pdf.write_work_list(actions, tmp_path / "w.pdf", title="Estates work list")
    assert font_names(path) == {"Helvetica", "Helvetica-Bold"}
    assert not embedded(path)


def test_one_polish_name_prints_the_whole_document_in_noto_sans(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    """One design per document: not Helvetica with Noto Sans for the odd letter."""
    audit = dataclasses.replace(small_record.audit, signed_by="Zażółć Gęślą")
    record = dataclasses.replace(small_record, audit=audit)
    path = pdf.write_action_plan(record, tmp_path / "plan.pdf")
    names = font_names(path)
    assert {"NotoSans-Regular", "NotoSans-Bold"} <= names
    assert not {"Helvetica", "Helvetica-Bold"} & names
    assert "Zażółć Gęślą" in words(pypdf_text(path))


def test_helvetica_takes_windows_1252_and_refuses_the_rest() -> None:
    ts = Typesetter(shipped=False)
    assert ts.text("Café – naïve “quoted” €5 × 3") == "Café – naïve “quoted” €5 × 3"
    with pytest.raises(NeedsShippedFonts):
        ts.text("Łukasz")


def test_latin_greek_and_cyrillic_cells_stay_plain_strings() -> None:
    """The fast path: no shaping and no flowable for what the base font prints as it is."""
    ts = Typesetter(shipped=True)
    for script in ("Polish", "Romanian", "Turkish", "Vietnamese", "Greek", "Cyrillic"):
        assert isinstance(ts.cell(SAMPLES[script], 200, CELL), str), script
        assert isinstance(ts.cell(f"{SAMPLES[script]}\n× – ’", 200, CELL), str), script
        assert not isinstance(ts.para(SAMPLES[script], BODY), Text), script
    for script in ("Arabic", "Urdu", "Bengali", "Gujarati", "Punjabi", "Chinese"):
        assert isinstance(ts.cell(SAMPLES[script], 200, CELL), Text), script


def test_the_fallback_fonts_load_only_when_a_text_needs_them() -> None:
    fonts = shipped_fonts()
    assert fonts.is_simple("Zażółć Ψ Ж")
    assert not fonts.is_simple("مریض")
    assert not fonts.is_simple("e\u0301")  # a combining accent NFC could not fold away


def test_a_combining_accent_folds_into_its_letter() -> None:
    assert clean_text("Nguye\u0302\u0303n") == "Nguyễn"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("tab\there", "tab here"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("Word\x0bbreak", "Word\nbreak"),
        ("it\x92s \x96 done\x85", "it’s – done…"),
        ("lone \udc80 surrogate", "lone \ufffd surrogate"),
        ("not\ufffea char\uffff", "nota char"),
    ],
)
def test_text_is_cleaned_before_it_prints(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "awkward",
    [
        "Ward \udc80 with a lone surrogate",
        "Control\x00\x01\x1b characters",
        "A title " * 2000,
        "Line\nbreaks\r\nand\ttabs",
        "مریض کو نگرانی",
    ],
)
def test_document_properties_never_break_a_pdf(tmp_path: Path, awkward: str) -> None:
    ts = Typesetter(shipped=True)
    furniture = Furniture(ts, header_left="", header_right="", footer_left="", footer_right="")
    document = Document(
        [ts.para("Body", BODY)],
        furniture,
        title=awkward,
        author=awkward,
        subject=awkward,
        keywords=[awkward, "WardAudit"],
    )
    path = build(tmp_path / "meta.pdf", document)
    meta = PdfReader(str(path)).metadata
    assert meta is not None
    expected = metadata_text(awkward)
    assert meta.title == meta.author == meta.subject == expected
    assert len(expected) <= 1000
    assert not re.search("[\x00-\x1f\ud800-\udfff]", expected)


def test_a_lone_surrogate_in_a_ward_name_still_exports(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    ward = dataclasses.replace(small_record.audit.ward, name="Juniper \udc80 Ward")
    record = dataclasses.replace(
        small_record, audit=dataclasses.replace(small_record.audit, ward=ward)
    )
    path = pdf.write_action_plan(record, tmp_path / "plan.pdf")
    meta = PdfReader(str(path)).metadata
    assert meta is not None and meta.title is not None
    assert "Juniper \ufffd Ward" in meta.title
    assert "Juniper \ufffd Ward" in words(pypdf_text(path))


def _readme_digests() -> dict[str, str]:
    text = (FONT_DIR / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"\| `([^`]+\.ttf)` \|.*\| `([0-9a-f]{64})` \|", text))


def test_every_shipped_font_is_the_file_its_readme_names() -> None:
    digests = _readme_digests()
    files = sorted(p.name for p in FONT_DIR.glob("*.ttf"))
    assert sorted(digests) == files
    for name, digest in digests.items():
        assert hashlib.sha256((FONT_DIR / name).read_bytes()).hexdigest() == digest, name


def test_the_fonts_ship_with_their_licences_in_the_wheel_and_the_bundle() -> None:
    for licence in ("OFL.txt", "LICENSE-Apache-2.0.txt", "NOTICE.txt"):
        assert (FONT_DIR / licence).stat().st_size > 0
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = project["tool"]["setuptools"]["package-data"]["exports"]
    assert "fonts/*.ttf" in data and "fonts/*.txt" in data
    spec = (ROOT / "installer" / "wardaudit.spec").read_text(encoding="utf-8")
    assert '"exports" / "fonts" / "*.ttf"' in spec and '"uharfbuzz"' in spec


def test_an_english_paragraph_in_the_shipped_fonts_extracts_as_written(tmp_path: Path) -> None:
    text = "Door wedged open (B02): fix the closer; 3 × 4 = 12 – office file"
    path = one_paragraph(tmp_path / "en.pdf", text)
    assert words(pypdf_text(path)) == text


def test_the_work_list_and_the_board_report_print_in_one_design(
    tmp_path: Path, demo_store: Store
) -> None:
    from wardaudit.board import board_figures

    actions = demo_store.actions.list()[:30]
    renamed = [dataclasses.replace(actions[0], ward_name="Oddział Łąka"), *actions[1:]]
    work = pdf.write_work_list(renamed, tmp_path / "w.pdf", title="Estates work list")
    board = pdf.write_board_report(
        board_figures(demo_store, start=None, end=None), tmp_path / "b.pdf", trust="Łódź Trust"
    )
    for path in (work, board):
        names = font_names(path)
        assert "NotoSans-Regular" in names
        assert not {"Helvetica", "Helvetica-Bold"} & names, path.name


@pytest.mark.parametrize("shipped", [False, True])
def test_bold_runs_in_a_paragraph_print_bold(shipped: bool) -> None:
    """A critical breach's item and answer are bold in either design."""
    ts = Typesetter(shipped=shipped)
    paragraph = ts.rich([("SS01", True), (" Answered No.", False)], BODY)
    paragraph.wrap(400, 100)
    faces = [(frag.fontName, frag.text.strip()) for frag in paragraph.blPara.lines[0].words]
    assert faces == [(ts.bold, "SS01"), (ts.font, "Answered No.")]
