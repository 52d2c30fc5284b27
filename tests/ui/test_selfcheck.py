"""``wardaudit --self-check``: every step reported, exit 0 only when all passed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.ui.selfcheck_steps import SELF_CHECK_STEPS
from ui.selfcheck import run_self_check

ROOT = Path(__file__).resolve().parents[2]


def test_self_check_passes_and_reports_each_step(qapp, capsys) -> None:
    assert run_self_check() == 0
    lines = capsys.readouterr().out.splitlines()
    for step in SELF_CHECK_STEPS:
        assert any(line.startswith(f"ok: {step}") for line in lines), (step, lines)
    assert not any(line.startswith("FAILED") for line in lines)
    assert "WardAudit" in next(line for line in lines if "main window" in line)


def test_a_failing_export_fails_the_check_but_the_other_steps_still_run(
    qapp, capsys, monkeypatch
) -> None:
    import exports.pdf

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(exports.pdf, "write_action_plan", broken)
    assert run_self_check() == 1
    out = capsys.readouterr().out
    assert "FAILED: action plan written as PDF: OSError: no space left on device" in out
    assert "ok: action plan written as a workbook" in out
    assert "self-check FAILED: 1 of 9 steps failed" in out


def test_a_missing_built_in_checklist_fails_the_check(qapp, capsys, monkeypatch, tmp_path) -> None:
    import wardaudit.checklist

    monkeypatch.setattr(wardaudit.checklist, "builtin_dir", lambda: tmp_path / "nothing-here")
    assert run_self_check() == 1
    out = capsys.readouterr().out
    assert "FAILED: built-in checklist loaded" in out
    assert "FAILED: ward added (not run: an earlier step failed)" in out


def test_wardaudit_self_check_from_the_command_line(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "wardaudit", "--self-check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("ok: ") == len(SELF_CHECK_STEPS)
