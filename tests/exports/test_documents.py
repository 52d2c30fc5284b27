"""The front door: one function per document, and the command line writes through it alone."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

import exports.pdf
import exports.xlsx
from exports import documents
from tests.exports.export_helpers import actions_header, pdf_pages, sheet_rows
from wardaudit import clock
from wardaudit.actions import STILL_TO_DO_FILTER, WorkListFilters
from wardaudit.board import BoardChoice
from wardaudit.cli import main
from wardaudit.errors import InvalidInput, NotFound
from wardaudit.store import TRUST_NAME_SETTING, Store

ROOT = Path(__file__).resolve().parents[2]


def _signed_off_audit(store: Store) -> str:
    return next(
        a.id for a in store.audits.list(status="completed") if store.audits.get(a.id).actions
    )


@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_each_document_is_written_whole_and_its_path_returned(
    demo_store: Store, tmp_path: Path, kind: str
) -> None:
    audit = _signed_off_audit(demo_store)
    record = demo_store.audits.get(audit)
    out = tmp_path / "out"
    out.mkdir()
    plan = documents.write_action_plan(demo_store, audit, out / f"plan.{kind}", kind)
    work = documents.write_work_list(demo_store, None, out / f"work.{kind}", kind)
    board = documents.write_board_report(demo_store, None, out / f"board.{kind}", kind)
    assert [plan, work, board] == [out / f"{name}.{kind}" for name in ("plan", "work", "board")]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{name}.{kind}" for name in ("board", "plan", "work")
    )  # and no temporary file left beside them
    if kind == "pdf":
        assert f"Action plan: {record.audit.ward.name}" in pdf_pages(plan)[0]
        assert "Estates work list" in pdf_pages(work)[0]
        assert "Board report" in pdf_pages(board)[0]
    else:
        assert len(sheet_rows(plan)) == len(record.actions)
        # by default, the work list holds what is still to do
        assert len(sheet_rows(work)) == len(
            [a for a in demo_store.actions.list() if a.status in ("open", "in_progress")]
        )
        assert load_workbook(board).sheetnames[0] == "Summary"


def test_the_trust_name_and_the_audits_photos_reach_the_action_plan(
    store: Store, small_audit: Any, tmp_path: Path
) -> None:
    store.settings.set(TRUST_NAME_SETTING, "Demo NHS Trust")
    plan = documents.write_action_plan(store, small_audit.id, tmp_path / "plan.pdf", "pdf")
    text = " ".join(pdf_pages(plan))
    assert "Demo NHS Trust" in text and "Photos" in text


def test_the_work_lists_filters_choose_its_actions_and_head_it(
    demo_store: Store, tmp_path: Path
) -> None:
    today = clock.today()
    filters = WorkListFilters(site="Fenwick House", status=STILL_TO_DO_FILTER, overdue_only=True)
    chosen = documents.work_list(demo_store, filters)
    expected = [
        a
        for a in demo_store.actions.list(site="Fenwick House")
        if a.status in ("open", "in_progress") and a.due < today
    ]
    assert chosen.actions and sorted(a.id for a in chosen.actions) == sorted(a.id for a in expected)
    assert chosen.filters == (
        "Status: Still to do (open or in progress); Site: Fenwick House; Overdue only"
    )
    path = documents.write_work_list(demo_store, filters, tmp_path / "work.xlsx", "xlsx")
    assert {row["Action ID"].value for row in sheet_rows(path)} == {a.id for a in expected}
    assert all(row["Overdue"].value == "Overdue" for row in sheet_rows(path))


def test_a_ward_is_named_in_the_heading_whether_given_by_id_or_name(demo_store: Store) -> None:
    ward = demo_store.wards.list()[0]
    by_id = documents.work_list(demo_store, WorkListFilters(ward=ward.id, status=None))
    by_name = documents.work_list(demo_store, WorkListFilters(ward=ward.name, status=None))
    assert by_id == by_name and by_id.filters == f"Status: Every status; Ward: {ward.name}"
    assert by_id.actions and {a.ward_name for a in by_id.actions} == {ward.name}


def test_the_board_report_follows_its_choice(demo_store: Store, tmp_path: Path) -> None:
    site = demo_store.wards.list()[0].site
    choice = BoardChoice(site=site, designation="male")
    path = documents.write_board_report(demo_store, choice, tmp_path / "board.xlsx", "xlsx")
    wards = [r for r in load_workbook(path)["Wards"].iter_rows(min_row=3, values_only=True) if r[1]]
    expected = {w.name for w in demo_store.wards.list(site=site) if w.sex == "male"}
    assert wards and {row[1] for row in wards} == expected
    # Only the actions of these wards, and only those still to do of signed-off audits.
    listed = list(load_workbook(path)["Actions"].iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in listed if row[0]} <= expected


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda s, p: documents.write_action_plan(s, "no-such-audit", p, "pdf"), NotFound, "no-such-audit"),
        (lambda s, p: documents.write_action_plan(s, _signed_off_audit(s), p, "docx"), InvalidInput, "pdf or xlsx"),
        (lambda s, p: documents.write_work_list(s, WorkListFilters(site="Nowhere"), p, "pdf"), NotFound, "no site called 'Nowhere'"),
        (lambda s, p: documents.write_work_list(s, WorkListFilters(ward="Nowhere"), p, "xlsx"), NotFound, "no ward"),
        (lambda s, p: documents.write_work_list(s, WorkListFilters(status="lost"), p, "xlsx"), InvalidInput, "status"),
        (lambda s, p: documents.write_board_report(s, BoardChoice(site="Nowhere"), p, "pdf"), NotFound, "no site called"),
        (lambda s, p: documents.write_board_report(s, BoardChoice(start="11/2026"), p, "xlsx"), InvalidInput, "YYYY-MM"),
    ],
)  # fmt: skip
def test_a_bad_choice_is_a_clear_error_and_writes_nothing(
    demo_store: Store, tmp_path: Path, call: Any, error: type[Exception], words: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(error, match=words):
        call(demo_store, out / "document")
    assert list(out.iterdir()) == []


def test_the_writers_are_reached_through_their_packages(
    demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So a caller (or a test) that replaces exports.pdf.write_work_list replaces it for
    every document written through the front door."""
    seen: list[tuple[str, int]] = []

    def recording(kind: str) -> Any:
        def write(actions: list[Any], path: Path, **_kwargs: Any) -> Path:
            seen.append((kind, len(actions)))
            return Path(path)

        return write

    monkeypatch.setattr(exports.pdf, "write_work_list", recording("pdf"))
    monkeypatch.setattr(exports.xlsx, "write_work_list", recording("xlsx"))
    for kind in ("pdf", "xlsx"):
        documents.write_work_list(demo_store, None, tmp_path / f"w.{kind}", kind)
    count = len([a for a in demo_store.actions.list() if a.status in ("open", "in_progress")])
    assert seen == [("pdf", count), ("xlsx", count)]


# --- the command line writes through the front door -----------------------------------------


def test_every_export_command_writes_through_the_front_door(
    demo_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    calls: list[tuple[str, str, str]] = []

    def recording(document: str) -> Any:
        def write(store: Store, choice: Any, path: Path | str, kind: str, **_: object) -> Path:
            calls.append((document, Path(path).name, kind))
            Path(path).write_bytes(b"written")
            return Path(path)

        return write

    for name in ("write_action_plan", "write_work_list", "write_board_report"):
        monkeypatch.setattr(documents, name, recording(name))
    with Store.open(demo_db, readonly=True) as store:
        audit = _signed_off_audit(store)
    db = ["--db", str(demo_db), "export"]
    both = ["--pdf", str(tmp_path / "a.pdf"), "--xlsx", str(tmp_path / "a.xlsx")]
    assert main([*db, "action-plan", audit, *both]) == 0
    assert main([*db, "actions", "--site", "Fenwick House", *both]) == 0
    assert main([*db, "board", "--xlsx", str(tmp_path / "b.xlsx")]) == 0
    assert calls == [
        ("write_action_plan", "a.pdf", "pdf"),
        ("write_action_plan", "a.xlsx", "xlsx"),
        ("write_work_list", "a.pdf", "pdf"),
        ("write_work_list", "a.xlsx", "xlsx"),
        ("write_board_report", "b.xlsx", "xlsx"),
    ]
    out = capsys.readouterr().out
    assert out.count("wrote ") == 5


def test_nothing_but_the_front_door_calls_a_writer() -> None:
    """The core and the command layer never import the writer packages; only the front door
    (and, until the screens switch, the two modules kept for them) reaches them."""
    allowed = {
        ROOT / "exports" / "documents.py",
        ROOT / "exports" / "board.py",  # kept for the screens until they call the front door
    }
    for folder in ("wardaudit", "exports"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path in allowed or path.parent.name in ("pdf", "xlsx"):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [f"{node.module}.{alias.name}" for alias in node.names]
                    names.append(node.module or "")
                for name in names:
                    assert not name.startswith(("exports.pdf", "exports.xlsx")), (path, name)


def test_the_returned_workbook_comes_back_through_the_front_door(
    store: Store, small_audit: Any, tmp_path: Path
) -> None:
    path = documents.write_action_plan(store, small_audit.id, tmp_path / "plan.xlsx", "xlsx")
    book = load_workbook(path)
    ws = book["Actions"]
    top, headers = actions_header(ws)
    ws.cell(row=top + 1, column=headers.index("Status") + 1).value = "Done"
    ws.cell(row=top + 1, column=headers.index("Completed on") + 1).value = clock.today()
    changed = ws.cell(row=top + 1, column=headers.index("Action ID") + 1).value
    book.save(path)
    plan = documents.read_updates(path, store)
    assert [update.action.id for update in plan.updates] == [changed]
    assert store.actions.get(changed).status != "done"  # reading changes nothing
    assert documents.apply_updates(store, plan, actor="Estates") == 1
    assert store.actions.get(changed).status == "done"
