"""The export and import commands, run as ``wardaudit`` would run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.exports.export_helpers import actions_header, pdf_pages, sheet_rows
from wardaudit.cli import main
from wardaudit.store import Store


def _completed_audit(db: Path) -> tuple[str, int]:
    with Store.open(db, readonly=True) as store:
        audit = next(
            a for a in store.audits.list(status="completed") if store.audits.get(a.id).actions
        )
        return audit.id, len(store.audits.get(audit.id).actions)


def test_export_action_plan_writes_pdf_and_workbook(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit_id, count = _completed_audit(demo_db)
    pdf, workbook = tmp_path / "plan.pdf", tmp_path / "plan.xlsx"
    code = main(
        [
            "--db",
            str(demo_db),
            "export",
            "action-plan",
            audit_id,
            "--pdf",
            str(pdf),
            "--xlsx",
            str(workbook),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert f"wrote {pdf}" in out and f"wrote {workbook}" in out
    assert "Page 1 of" in pdf_pages(pdf)[0]
    assert len(sheet_rows(workbook)) == count


def test_export_action_plan_needs_a_format(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit_id, _ = _completed_audit(demo_db)
    assert main(["--db", str(demo_db), "export", "action-plan", audit_id]) == 1
    assert "wardaudit: error: say where to write" in capsys.readouterr().err


def test_export_actions_filters_by_site(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook, pdf = tmp_path / "work.xlsx", tmp_path / "work.pdf"
    code = main(
        [
            "--db", str(demo_db), "export", "actions", "--site", "Fenwick House",
            "--status", "open", "--xlsx", str(workbook), "--pdf", str(pdf),
        ]
    )  # fmt: skip
    assert code == 0
    rows = sheet_rows(workbook)
    with Store.open(demo_db, readonly=True) as store:
        expected = store.actions.list(site="Fenwick House", status="open")
    assert rows and len(rows) == len(expected)
    assert {r["Site"].value for r in rows} == {"Fenwick House"}
    assert {r["Status"].value for r in rows} == {"Open"}
    assert "Status: Open; Site: Fenwick House" in " ".join(pdf_pages(pdf))


def test_export_actions_names_an_unknown_site(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "--db",
            str(demo_db),
            "export",
            "actions",
            "--site",
            "Nowhere",
            "--pdf",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert code == 1
    assert "no site called 'Nowhere'" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_import_dry_run_shows_changes_and_changes_nothing(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "work.xlsx"
    assert main(["--db", str(demo_db), "export", "actions", "--site", "Fenwick House",
                 "--status", "open", "--xlsx", str(workbook)]) == 0  # fmt: skip
    book = load_workbook(workbook)
    ws = book["Actions"]
    top, headers = actions_header(ws)
    ws.cell(row=top + 1, column=headers.index("Status") + 1).value = "Done"
    changed_id = ws.cell(row=top + 1, column=headers.index("Action ID") + 1).value
    book.save(workbook)
    capsys.readouterr()

    assert main(["--db", str(demo_db), "import", "action-updates", str(workbook), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"Row {top + 1}, " in out and "status Open → Done" in out
    assert "dry run: 1 action(s) would change" in out
    with Store.open(demo_db, readonly=True) as store:
        assert store.actions.get(changed_id).status == "open"

    assert main(["--db", str(demo_db), "import", "action-updates", str(workbook)]) == 0
    assert "updated 1 action(s)" in capsys.readouterr().out
    with Store.open(demo_db, readonly=True) as store:
        assert store.actions.get(changed_id).status == "done"


def test_import_refuses_a_bad_workbook_with_exit_status_1(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "returned.xlsx"
    path.write_text("not a workbook")
    assert main(["--db", str(demo_db), "import", "action-updates", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "wardaudit: error: returned.xlsx was not imported and nothing has changed"
    )


def test_exports_load_no_qt_and_commands_load_no_writers() -> None:
    """The commands module loads reportlab or openpyxl only for the format asked for."""
    code = (
        "import sys, exports.commands, exports.common, exports.atomic;"
        "bad = [m for m in ('reportlab', 'openpyxl', 'PySide6') if m in sys.modules];"
        "import exports.pdf, exports.xlsx, exports.xlsx.updates;"
        "bad += [m for m in ('PySide6',) if m in sys.modules];"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stdout.strip() == ""
