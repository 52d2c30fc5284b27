"""Text that looks like reportlab's paragraph markup prints as typed, in every PDF and in
both designs: a person's note is never read as tags, entities or a broken paragraph."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from exports import pdf
from tests.exports.pdf.pdf_checks import one_paragraph, pypdf_text, words
from wardaudit.board import board_figures
from wardaudit.model import Action, AuditRecord
from wardaudit.store import Store

# Each is markup to reportlab's Paragraph, or would break its parser, if passed on as it is.
MARKUP = [
    "<b>not bold</b>",
    '<font name="Courier" color="red">x</font>',
    "<para alignment='right'>",
    "<br/> then <br>",
    "&amp; &nbsp; &#169; &#x41; &bogus;",
    "a < b && c > d",
    "</i> unclosed <u>",
    "<![CDATA[ raw ]]>",
    "<img src='/etc/passwd'/>",
    '<a href="https://example.invalid">link</a>',
    "<onDraw name=x/>",
]
NOTE = " ".join(MARKUP)
# The same with a Polish name, so that the document prints in the shipped fonts.
SHIPPED_NOTE = f"Zażółć {NOTE}"
DESIGNS = {"helvetica": NOTE, "shipped": SHIPPED_NOTE}


def _each_piece_printed(path: Path, note: str) -> None:
    text = words(pypdf_text(path))
    for piece in MARKUP:
        assert words(piece) in text, piece
    assert note.split()[0] in text


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_markup_in_a_paragraph_prints_as_typed(tmp_path: Path, design: str) -> None:
    note = DESIGNS[design]
    path = one_paragraph(tmp_path / "p.pdf", note, shipped=design == "shipped")
    assert words(pypdf_text(path)) == words(note)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_the_action_plan_prints_markup_as_typed(
    tmp_path: Path, small_record: AuditRecord, design: str
) -> None:
    note = DESIGNS[design]
    answers = dict(small_record.answers)
    first = sorted(answers)[0]
    answers[first] = dataclasses.replace(answers[first], note=note, location=note)
    # the critical breach's note is set as runs of bold and regular text
    for item in small_record.score.critical_items:
        answers[item] = dataclasses.replace(answers[item], note=note)
    actions = [dataclasses.replace(small_record.actions[0], description=note, owner=note)]
    ward = dataclasses.replace(small_record.audit.ward, name=MARKUP[0], site=MARKUP[4])
    audit = dataclasses.replace(small_record.audit, ward=ward, signed_by=MARKUP[1])
    record = dataclasses.replace(
        small_record, answers=answers, actions=[*actions, *small_record.actions[1:]], audit=audit
    )
    path = pdf.write_action_plan(record, tmp_path / "plan.pdf", trust=MARKUP[5])
    _each_piece_printed(path, note)


def _with_note(actions: list[Action], note: str) -> list[Action]:
    first = dataclasses.replace(
        actions[0], description=note, comment=note, owner=MARKUP[3], location=MARKUP[6]
    )
    second = dataclasses.replace(actions[1], ward_name=MARKUP[0], site_name=MARKUP[4])
    return [first, second, *actions[2:]]


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_the_work_list_prints_markup_as_typed(
    tmp_path: Path, demo_store: Store, design: str
) -> None:
    note = DESIGNS[design]
    actions = _with_note(demo_store.actions.list(ward="Cedar Ward"), note)
    path = pdf.write_work_list(actions, tmp_path / "w.pdf", title=MARKUP[2], filters=MARKUP[7])
    _each_piece_printed(path, note)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_the_board_report_prints_markup_as_typed(
    tmp_path: Path, demo_store: Store, design: str
) -> None:
    note = DESIGNS[design]
    board = board_figures(demo_store, start=None, end=None)
    site = board.sites[0].name
    renamed = dataclasses.replace(
        board,
        sites=tuple(
            dataclasses.replace(s, name=MARKUP[8]) if s.name == site else s for s in board.sites
        ),
        wards=tuple(
            dataclasses.replace(
                f,
                ward=dataclasses.replace(f.ward, name=f"{f.ward.name} {MARKUP[9]}", site=MARKUP[8]),
            )
            if f.ward.site == site
            else f
            for f in board.wards
        ),
    )
    still_open = [a for a in demo_store.actions.list() if a.status in ("open", "in_progress")]
    # the two most overdue, so that the overdue table lists them first
    listed = [dataclasses.replace(a, due=date(2020, 1, 1)) for a in still_open[:2]]
    actions = _with_note([*listed, *still_open[2:]], note)
    path = pdf.write_board_report(renamed, tmp_path / "b.pdf", actions=actions, trust=MARKUP[10])
    _each_piece_printed(path, note)
