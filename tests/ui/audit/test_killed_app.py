"""A killed WardAudit loses no answer that the screen had shown as saved."""

from __future__ import annotations

import os
import selectors
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from wardaudit.checklist import Checklist
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("audit_child.py")
ANSWERS_BEFORE_KILL = 15
SAFETY_LIMIT_S = 120  # only so a broken child cannot hang the test run; nothing is timed


def read_lines(process: subprocess.Popen[str], wanted: int) -> list[str]:
    """Lines from the child until ``wanted`` item ids have been printed."""
    assert process.stdout is not None
    lines: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + SAFETY_LIMIT_S
    while len([line for line in lines if line != "ready"]) < wanted:
        if time.monotonic() > deadline or process.poll() is not None:
            break
        if selector.select(timeout=1):
            line = process.stdout.readline()
            if line:
                lines.append(line.strip())
    selector.close()
    return lines


def start_child(
    tmp_path: Path, checklist: Checklist, *mode: str
) -> tuple[Path, str, subprocess.Popen[str]]:
    """A database with one audit just started, and the child app answering it (``mode``:
    nothing to answer items, ``"draft"`` to type a note)."""
    database = tmp_path / "wardaudit.sqlite3"
    with Store.open(database) as store:
        ward = store.wards.add(site="Test site", name="Test Ward", sex="mixed")
        audit_id = store.audits.start(ward.id, checklist).id

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, str(CHILD), str(database), audit_id, *mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    return database, audit_id, process


def test_a_killed_app_loses_no_answer_shown_as_saved(tmp_path: Path, checklist: Checklist) -> None:
    database, audit_id, process = start_child(tmp_path, checklist)
    try:
        lines = read_lines(process, ANSWERS_BEFORE_KILL)
    finally:
        process.kill()  # SIGKILL: no clean-up, no backup, no closing of the database
        rest, errors = process.communicate()
    assert lines and lines[0] == "ready", errors
    saved_items = [line for line in lines[1:] + rest.split() if line]
    assert len(saved_items) >= ANSWERS_BEFORE_KILL, errors
    assert process.returncode != 0, errors  # it was killed, not finished

    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        connection.close()
    with Store.open(database) as store:
        record = store.audits.get(audit_id)
        missing = [item for item in saved_items if item not in record.answers]
        assert missing == [], f"shown as saved but lost: {missing}\n{errors}"
        raised = {action.item for action in record.actions}
        noes = {item for item, answer in record.answers.items() if answer.value == "no"}
        assert noes, errors
        assert noes <= raised, f"a No without its action: {sorted(noes - raised)}"


def test_a_killed_app_keeps_a_draft_shown_as_saved(tmp_path: Path, checklist: Checklist) -> None:
    """SIGKILL right after "Draft saved": the note typed before the answer is there next time."""
    database, audit_id, process = start_child(tmp_path, checklist, "draft")
    try:
        lines = read_lines(process, 1)
    finally:
        process.kill()
        _rest, errors = process.communicate()
    assert lines[:1] == ["ready"] and lines[1].startswith("draft "), errors
    item = lines[1].split()[1]
    with Store.open(database) as store:
        drafts = {(d.item, d.field): d.text for d in store.audits.drafts(audit_id)}
    assert drafts == {(item, "note"): "Anti-ligature door handle loose"}
