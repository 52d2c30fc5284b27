"""Every script staff and patients in England write prints in its font and reads back exactly."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from exports import pdf
from exports.pdf.base import BODY, HEADING
from exports.pdf.fonts import shipped_fonts
from exports.pdf.text import Layout, Text
from tests.exports.pdf.pdf_checks import (
    FONT_OF,
    SAMPLES,
    boxes,
    embedded,
    font_names,
    needs_poppler,
    one_paragraph,
    poppler_text,
    pypdf_text,
    words,
)
from wardaudit.model import AuditRecord, TeamMember


def _glyphs(text: str, bold: bool = False) -> list[int]:
    """The glyph ids the text is drawn with."""
    layout = Layout(shipped_fonts())
    paragraph = layout.paragraph(text, [bold] * len(text))
    return [run.face.font.face.charToGlyph[code] for run in paragraph.runs for code in run.codes]


@pytest.mark.parametrize("script", sorted(SAMPLES))
def test_each_script_prints_in_its_font_with_no_missing_glyph(tmp_path: Path, script: str) -> None:
    text = SAMPLES[script]
    path = one_paragraph(tmp_path / f"{script}.pdf", text)
    assert FONT_OF[script] in font_names(path)
    assert embedded(path)
    assert 0 not in _glyphs(text), "a glyph is the font's empty box (.notdef)"


@pytest.mark.parametrize("script", sorted(SAMPLES))
def test_each_script_extracts_as_written_with_pypdf(tmp_path: Path, script: str) -> None:
    text = SAMPLES[script]
    path = one_paragraph(tmp_path / f"{script}.pdf", text)
    assert words(pypdf_text(path)) == text


@needs_poppler
@pytest.mark.parametrize("script", sorted(SAMPLES))
def test_each_script_extracts_as_written_with_poppler(tmp_path: Path, script: str) -> None:
    text = SAMPLES[script]
    path = one_paragraph(tmp_path / f"{script}.pdf", text)
    assert words(poppler_text(path)) == text


@pytest.mark.parametrize(
    ("script", "bold_font"),
    [
        ("Polish", "NotoSans-Bold"),
        ("Arabic", "NotoNaskhArabic-Bold"),
        ("Bengali", "NotoSansBengali-Bold"),
        ("Gujarati", "NotoSansGujarati-Bold"),
        ("Punjabi", "NotoSansGurmukhi-Bold"),
    ],
)
def test_bold_headings_print_in_each_scripts_bold_face(
    tmp_path: Path, script: str, bold_font: str
) -> None:
    path = one_paragraph(tmp_path / "bold.pdf", SAMPLES[script], HEADING)
    assert bold_font in font_names(path)
    assert words(pypdf_text(path)) == SAMPLES[script]


def test_shaping_forms_conjuncts_and_joins_letters() -> None:
    """HarfBuzz, not one glyph per character: Bengali ক্ষ is one conjunct glyph, and
    Arabic letters take their joined forms."""
    assert len(_glyphs("ক্ষ")) < len("ক্ষ")
    alone = {_glyphs(letter)[0] for letter in "م"}
    joined = _glyphs("ممم")
    assert len(set(joined)) == 3 and not alone & {joined[0], joined[2]}


def test_a_word_spanning_two_fonts_prints_every_letter(tmp_path: Path) -> None:
    """A bracket from the Latin font against Arabic letters (reportlab's own shaping
    draws the letters as boxes here)."""
    text = "Mr Ahmed (أحمد خان), 王小明."
    assert 0 not in _glyphs(text)
    assert "NotoNaskhArabic-Regular" in font_names(one_paragraph(tmp_path / "m.pdf", text))


@needs_poppler
def test_arabic_runs_right_to_left_with_numbers_left_to_right(tmp_path: Path) -> None:
    path = one_paragraph(tmp_path / "rtl.pdf", "Room 12: المريض في الغرفة 12 منذ 3 أيام, seen")
    found = boxes(path)
    line = next(b for b in found if b[5] == "Room")[2]
    on_page = [b[5] for b in sorted((b for b in found if b[2] == line), key=lambda b: b[1])]
    # poppler gives each word's letters in the order they are drawn, left to right: the
    # Arabic words read backwards here, and run from the right, with the numbers in them
    # left to right and the comma after the Arabic at its end, as a reader expects
    drawn = ["Room", "12:", "أيام"[::-1], "3", "منذ"[::-1], "12", "الغرفة"[::-1], "في"[::-1]]
    assert on_page == [*drawn, "المريض"[::-1] + ", seen"]


@needs_poppler
def test_a_note_in_urdu_is_set_from_the_right(tmp_path: Path) -> None:
    """A paragraph whose first letter is right to left is right-aligned, as on screen; an
    English name inside it stays left to right."""
    text = "مریض کو نگرانی کی ضرورت ہے اور ڈاکٹر Smith کو بتائیں"
    path = one_paragraph(tmp_path / "urdu.pdf", text)
    found = boxes(path)
    right_edge = max(b[3] for b in found)
    assert right_edge > 500  # set against the right margin of an A4 landscape page
    smith = next(b for b in found if b[5] == "Smith")
    assert words(pypdf_text(path)).count("Smith") == 1
    assert smith[1] < right_edge


def test_characters_no_shipped_font_has_still_extract(tmp_path: Path) -> None:
    """Devanagari and emoji print as boxes, but the PDF still holds what was written."""
    text = "Hindi नमस्ते and 👍 done"
    path = one_paragraph(tmp_path / "missing.pdf", text)
    assert words(pypdf_text(path)) == text


def test_the_action_plan_prints_notes_in_every_script(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    """Notes, locations, descriptions, owners, questions and names in every script, in the
    real document: each one reads back, each in its font."""
    samples = list(SAMPLES.values())
    answers = dict(small_record.answers)
    for index, (item, answer) in enumerate(sorted(answers.items())):
        answers[item] = dataclasses.replace(
            answer,
            note=samples[index % len(samples)],
            location=samples[(index + 3) % len(samples)],
        )
    actions = [
        dataclasses.replace(
            action,
            description=samples[(index + 5) % len(samples)],
            owner=samples[(index + 7) % len(samples)],
            found=samples[index % len(samples)],
        )
        for index, action in enumerate(small_record.actions)
    ]
    ward = dataclasses.replace(small_record.audit.ward, name="Ward " + SAMPLES["Bengali"])
    audit = dataclasses.replace(small_record.audit, ward=ward, signed_by=SAMPLES["Urdu"])
    record = dataclasses.replace(small_record, answers=answers, actions=actions, audit=audit)
    path = pdf.write_action_plan(record, tmp_path / "plan.pdf", trust=SAMPLES["Chinese"])
    text = words(pypdf_text(path))
    for sample in samples:
        assert sample in text, sample
    assert set(FONT_OF.values()) <= font_names(path)
    assert "NotoSans-Bold" in font_names(path)


def test_a_text_cell_keeps_its_layout_width() -> None:
    """A cell laid out once at its column's width is not laid out again."""
    cell = Text([(SAMPLES["Arabic"], False)], BODY, Layout(shipped_fonts()))
    lines = cell.lines_at(100)
    assert cell.lines_at(100) is lines
    assert cell.wrap(100, 1000) == (100, len(lines) * BODY.leading)


@needs_poppler
def test_text_composed_around_an_arabic_name_reads_left_to_right(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    """A subtitle, a detail, a team list and a footer that start with a name in Arabic are
    English sentences: they run left to right from the left margin, the name first,
    whereas the name alone (the Site detail) is set from the right of its cell."""
    site, person = "مستشفى النور", "محمد أحمد"
    ward = dataclasses.replace(small_record.audit.ward, name="جناح الأمل", site=site)
    team = (TeamMember(person, "Matron", False), *small_record.audit.team)
    audit = dataclasses.replace(small_record.audit, ward=ward, team=team)
    path = pdf.write_action_plan(dataclasses.replace(small_record, audit=audit), tmp_path / "p.pdf")
    first_page = [b for b in boxes(path) if b[0] == 1]

    def after_the_name(english: str, name: str) -> None:
        """``english`` follows ``name`` on one line, to its right."""
        mark = name.split()[-1][::-1]  # poppler gives Arabic letters in drawn order
        checked = 0
        for _page, x0, y0, _x1, _y1, word in first_page:
            if word.rstrip(";,.") == english:
                on_line = [b for b in first_page if abs(b[2] - y0) < 1 and mark in b[5]]
                assert all(b[3] < x0 for b in on_line), (english, name)
                checked += len(on_line)
        assert checked, f"{english!r} not found on a line with {name!r}"

    after_the_name("of", site)  # "<site>. Audit of 02/12/2026"
    after_the_name("(Matron)", person)  # the audit team
    after_the_name("(mixed", "الأمل")  # "<ward> (mixed ward, ...)"
    after_the_name("audit", "الأمل")  # the footer: "<ward> · audit 02/12/2026 · ..."
    subtitle = next(b for b in first_page if b[5] == "of")
    assert min(b[1] for b in first_page if abs(b[2] - subtitle[2]) < 1) < 50  # from the left
    # the Site detail: the name alone, set against the right of its cell
    site_detail = next(b for b in first_page if b[5] == "Site")
    alone = [b for b in first_page if abs(b[2] - site_detail[2]) < 3 and b[5] != "Site"]
    assert alone and min(b[1] for b in alone) > 300
