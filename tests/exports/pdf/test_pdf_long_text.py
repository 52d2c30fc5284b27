"""A note, name or comment of any length prints in every PDF: it flows across lines, rows
and pages, stays on the page, and is all there."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from exports import pdf
from tests.exports.export_helpers import pdf_pages
from tests.exports.pdf.pdf_checks import boxes, needs_poppler, page_sizes, pypdf_text
from wardaudit.board import Board, board_figures
from wardaudit.model import Action, AuditRecord, TeamMember
from wardaudit.store import Store

# 35,000 characters of numbered words, so that what comes back can be counted in order.
LONG_NOTE = " ".join(f"w{n:05d}" for n in range(5000))
# One word of 2,000 characters (a pasted address), with no space to break at.
LONG_WORD = "https://example.invalid/" + "x" * 2000
# 500 line breaks.
BREAKS = "\n".join(f"line{n:03d}" for n in range(501))
# 8,000 characters of English, Arabic, Bengali and Chinese, which take the shaped path.
LONG_SHAPED = " ".join(f"w{n:05d} রোগীর مريض 病人" for n in range(400))

KINDS = {"note": LONG_NOTE, "word": LONG_WORD, "breaks": BREAKS, "shaped": LONG_SHAPED}


def _all_there(text: str, long: str) -> None:
    """Every piece of the long text is in the PDF's text, in order."""
    flat = re.sub(r"\s+", " ", text)
    if long is LONG_WORD:
        assert flat.count("x") >= 2000
        return
    if long is LONG_SHAPED:
        for word in ("রোগীর", "مريض", "病人"):
            assert flat.count(word) >= 400, word
    tokens = re.findall(r"w\d{5}|line\d{3}", long)
    positions = []
    start = 0
    for token in tokens:
        found = flat.find(token, start)
        assert found >= 0, token
        positions.append(found)
        start = found + len(token)
    assert positions == sorted(positions)


def _on_the_page(path: Path) -> None:
    """No word runs off its page."""
    sizes = page_sizes(path)
    for page, x0, y0, x1, y1, word in boxes(path):
        width, height = sizes[page - 1]
        assert x0 >= 0 and x1 <= width + 0.5, (page, word[:30], x0, x1)
        assert y0 >= 0 and y1 <= height + 0.5, (page, word[:30], y0, y1)


def _record_with(record: AuditRecord, long: str) -> AuditRecord:
    """The audit with ``long`` in a text of every table: a critical breach's note, an
    answer's note and location, an action's description, finding, owner and estates
    comment, the ward's and site's names, who signed off, a team member."""
    answers = dict(record.answers)
    for item in {*record.score.critical_items[:1], sorted(answers)[0]}:
        answers[item] = dataclasses.replace(answers[item], note=long, location=long[:3000])
    first = dataclasses.replace(
        record.actions[0], description=long, found=long, owner=long[:2500], comment=long[:3000]
    )
    ward = dataclasses.replace(record.audit.ward, name=long[:3000], site=long[:2500])
    audit = dataclasses.replace(
        record.audit,
        ward=ward,
        signed_by=long[:2000],
        team=(TeamMember(long[:2000], long[:500], False), *record.audit.team),
    )
    actions = [first, *record.actions[1:]]
    return dataclasses.replace(record, answers=answers, actions=actions, audit=audit)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_action_plan_prints_text_of_any_length(
    tmp_path: Path, small_record: AuditRecord, kind: str
) -> None:
    long = KINDS[kind]
    record = _record_with(small_record, long)
    path = pdf.write_action_plan(record, tmp_path / "plan.pdf", trust=long[:2000])
    text = pypdf_text(path)
    _all_there(text, long)
    assert "(continued)" in text or kind == "word"


@needs_poppler
@pytest.mark.parametrize("kind", ["note", "word", "shaped"])
def test_the_action_plan_keeps_long_text_on_the_page(
    tmp_path: Path, small_record: AuditRecord, kind: str
) -> None:
    path = pdf.write_action_plan(_record_with(small_record, KINDS[kind]), tmp_path / "p.pdf")
    _on_the_page(path)


def _actions_with(actions: list[Action], long: str) -> list[Action]:
    """``long`` in every text of one action, and as the ward and site of another."""
    first = dataclasses.replace(
        actions[0],
        description=long,
        owner=long[:2000],
        comment=long[:3000],
        found=long[:3000],
        location=long[:3000],
    )
    second = dataclasses.replace(actions[1], ward_name=long[:2000], site_name=long[:1500])
    return [first, second, *actions[2:]]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_work_list_prints_text_of_any_length(
    tmp_path: Path, demo_store: Store, kind: str
) -> None:
    long = KINDS[kind]
    actions = _actions_with(demo_store.actions.list(ward="Cedar Ward"), long)
    path = pdf.write_work_list(actions, tmp_path / "w.pdf", title=long[:3000], filters=long[:500])
    text = pypdf_text(path)
    _all_there(text, long)


@needs_poppler
@pytest.mark.parametrize("kind", ["note", "word", "shaped"])
def test_the_work_list_keeps_long_text_on_the_page(
    tmp_path: Path, demo_store: Store, kind: str
) -> None:
    actions = _actions_with(demo_store.actions.list(ward="Cedar Ward"), KINDS[kind])
    _on_the_page(pdf.write_work_list(actions, tmp_path / "w.pdf", title="Work"))


def _board_with(board: Board, long: str) -> Board:
    """Every site and ward renamed to a long name (each still its own)."""
    site_names = {s.name: f"{long[:1500]} {i}" for i, s in enumerate(board.sites)}
    wards = tuple(
        dataclasses.replace(
            figure,
            ward=dataclasses.replace(
                figure.ward, name=f"{long[:2000]} {i}", site=site_names[figure.ward.site]
            ),
        )
        for i, figure in enumerate(board.wards)
    )
    sites = tuple(dataclasses.replace(s, name=site_names[s.name]) for s in board.sites)
    sections = tuple((sid, f"{title} {long[:400]}") for sid, title in board.sections)
    return dataclasses.replace(board, wards=wards, sites=sites, sections=sections)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_board_report_prints_names_of_any_length(
    tmp_path: Path, demo_store: Store, kind: str
) -> None:
    long = KINDS[kind]
    board = _board_with(board_figures(demo_store, start=None, end=None), long)
    actions = _actions_with(
        [a for a in demo_store.actions.list() if a.status in ("open", "in_progress")], long
    )
    path = pdf.write_board_report(board, tmp_path / "b.pdf", actions=actions, trust=long[:3000])
    text = pypdf_text(path)
    _all_there(text, long[:1500])


@needs_poppler
@pytest.mark.parametrize("kind", ["note", "word", "shaped"])
def test_the_board_report_keeps_long_names_on_the_page(
    tmp_path: Path, demo_store: Store, kind: str
) -> None:
    board = _board_with(board_figures(demo_store, start=None, end=None), KINDS[kind])
    _on_the_page(pdf.write_board_report(board, tmp_path / "b.pdf", trust=KINDS[kind][:3000]))


def test_a_long_overdue_action_names_itself_on_every_page_it_runs_on(
    tmp_path: Path, demo_store: Store
) -> None:
    """The board's overdue table continues a long action in the rows below, each saying
    which action it continues: band, site, ward, item."""
    board = board_figures(demo_store, start=None, end=None)
    still_open = [a for a in demo_store.actions.list() if a.status in ("open", "in_progress")]
    # the most overdue, so that the table lists it first
    long = dataclasses.replace(still_open[0], description=LONG_NOTE, due=date(2020, 1, 1))
    path = pdf.write_board_report(board, tmp_path / "b.pdf", actions=[long, *still_open[1:]])
    pages = [re.sub(r"\s+", " ", page) for page in pdf_pages(path)]
    continued = [page for page in pages if "(continued)" in page]
    assert len(continued) >= 3  # 35,000 characters run over several pages
    for page in continued:
        assert long.ward_name in page and long.site_name in page and long.item in page
        assert long.risk.band_word in page
    _all_there("\n".join(pages), LONG_NOTE)
