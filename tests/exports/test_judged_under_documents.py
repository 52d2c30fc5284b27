"""Documents say what an audit was judged under, why a rating is held at Amber, and, for a
board, every note a reader needs before comparing the figures. Read back with pypdf and
openpyxl."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from exports.documents import write_action_plan, write_board_report
from tests.exports.export_helpers import pdf_pages, squash
from wardaudit import words
from wardaudit.board import BoardChoice, figures_for
from wardaudit.checklist import Checklist, builtin_dir, load_file
from wardaudit.store import Store


def summary_rows(path: Path) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in load_workbook(path)["Summary"].iter_rows(values_only=True)
        if row and row[0] is not None
    ]


def audit_of(store: Store, ward: str, sex: str, checklist: Checklist, no: dict[str, str]) -> str:
    store.wards.add(site="Ashcombe Hospital", name=ward, sex=sex)  # type: ignore[arg-type]
    audit = store.audits.start(ward, checklist, by="A matron")
    for item in checklist.applicable_items(sex):
        store.audits.record_answer(audit.id, item.id, no.get(item.id, "yes"))  # type: ignore[arg-type]
    store.audits.complete(audit.id, by="A matron", role="Matron")
    return audit.id


def failing_sightlines(checklist: Checklist, sex: str) -> dict[str, str]:
    items = [i for i in checklist.section("sightlines").items if i.applies(sex) and not i.critical]
    return {item.id: "no" for item in items[:4]}


def test_an_action_plan_says_what_it_was_judged_under_and_why_it_is_amber(
    store: Store, checklist: Checklist, tmp_path: Path
) -> None:
    audit = audit_of(
        store, "Hawthorn Ward", "male", checklist, failing_sightlines(checklist, "male")
    )
    record = store.audits.get(audit)
    assert record.score.held_by_floor and record.score.rating == "amber"
    judged = words.judged_under_words(record.checklist.judged_under)
    held = words.floor_hold_words(record.score, record.checklist.thresholds)
    assert "Sightlines" in held

    pdf = write_action_plan(store, audit, tmp_path / "plan.pdf", "pdf")
    first = squash(pdf_pages(pdf)[0])
    assert squash(judged) in first
    assert squash(held) in first
    assert checklist.setting("sex_basis").label_of() in first

    book = write_action_plan(store, audit, tmp_path / "plan.xlsx", "xlsx")
    rows = {row[0]: row[1] for row in summary_rows(book)}
    assert rows[words.JUDGED_UNDER] == words.judging_words(record.checklist.judged_under)
    assert rows["Held at Amber"] == held
    assert rows["Rating"] == "Amber"


def test_a_version_1_plan_says_it_has_no_floor_and_holds_nothing(
    store: Store, tmp_path: Path
) -> None:
    v1 = load_file(builtin_dir() / "sexual-safety-environment-v1.toml")
    audit = audit_of(store, "Oak Ward", "male", v1, failing_sightlines(v1, "male"))
    record = store.audits.get(audit)
    assert record.score.rating == "green" and not record.score.held_by_floor

    first = squash(pdf_pages(write_action_plan(store, audit, tmp_path / "plan.pdf", "pdf"))[0])
    assert squash(words.judged_under_words(v1.judged_under)) in first
    assert "no section floor" in first and "must reach for Green" not in first
    rows = {
        row[0]: row[1]
        for row in summary_rows(write_action_plan(store, audit, tmp_path / "p.xlsx", "xlsx"))
    }
    assert "no section floor" in rows[words.JUDGED_UNDER]
    assert "Held at Amber" not in rows


def test_the_board_report_gives_its_notes_on_page_one_and_what_wards_were_judged_under(
    store: Store, checklist: Checklist, tmp_path: Path
) -> None:
    v1 = load_file(builtin_dir() / "sexual-safety-environment-v1.toml")
    audit_of(store, "Juniper Ward", "mixed", checklist, {})
    audit_of(store, "Birch Ward", "male", checklist, {})
    audit_of(store, "Oak Ward", "male", v1, {})
    board = figures_for(store, BoardChoice())
    assert board.versions_note and board.designations_note
    assert "Designation filter" in board.designations_note

    pdf = write_board_report(store, None, tmp_path / "board.pdf", "pdf")
    pages = [squash(page) for page in pdf_pages(pdf)]
    for note in board.notes:
        assert squash(note) in pages[0]
    text = " ".join(pages)
    for line in words.judged_under_lines(board):
        assert squash(line) in text
    assert "(1 ward)" in text and "(2 wards)" in text

    book = write_board_report(store, None, tmp_path / "board.xlsx", "xlsx")
    rows = summary_rows(book)
    by_label = {row[0]: row[1] for row in rows}
    assert by_label["Checklist versions"] == board.versions_note
    assert by_label["Designations"] == board.designations_note
    every = [tuple(r) for r in load_workbook(book)["Summary"].iter_rows(values_only=True)]
    start = [r[0] for r in every].index(words.JUDGED_UNDER)
    judged_rows = [every[start][1]]
    judged_rows += [r[1] for r in every[start + 1 : start + 3] if not r[0] and r[1]]
    assert judged_rows == words.judged_with_counts(board)
    assert [f"Judged under: {row}." for row in judged_rows] == words.judged_under_lines(board)

    # one designation chosen: like with like, and no note about designations
    male = write_board_report(store, BoardChoice(designation="male"), tmp_path / "m.pdf", "pdf")
    assert "Designation filter" not in squash(pdf_pages(male)[0])
