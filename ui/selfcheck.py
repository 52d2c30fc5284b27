"""``wardaudit --self-check``: prove an installation works, headless, without touching her data.

IT runs it after installing on a ward laptop: a temporary database, the built-in
checklist, a whole audit signed off, the main window drawn offscreen, and the action plan
written as PDF and workbook. One line per step; exit status 0 only if every step passed.
"""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class _Steps:
    """Runs steps in order; once one fails, the steps that need it are reported as not run."""

    def __init__(self) -> None:
        self.failed = 0
        self.passed = 0
        self.blocked = False

    def run(
        self, label: str, step: Callable[[], str | None], *, needs_earlier: bool = True
    ) -> bool:
        if self.blocked and needs_earlier:
            self._line(f"FAILED: {label} (not run: an earlier step failed)")
            self.failed += 1
            return False
        try:
            detail = step()
        except Exception as error:  # every failure is reported as a line, never a traceback
            log.exception("self-check step failed: %s", label)
            self._line(f"FAILED: {label}: {type(error).__name__}: {error}")
            self.failed += 1
            if needs_earlier:
                self.blocked = True
            return False
        self._line(f"ok: {label}" + (f" ({detail})" if detail else ""))
        self.passed += 1
        return True

    @staticmethod
    def _line(text: str) -> None:
        print(text, flush=True)


def run_self_check() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    steps = _Steps()
    state: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="wardaudit-self-check-") as tmp:
        folder = Path(tmp)
        try:
            _run_steps(steps, state, folder)
        finally:
            store = state.get("store")
            if store is not None:
                store.close(backup=False)
    total = steps.passed + steps.failed
    if steps.failed:
        print(f"WardAudit self-check FAILED: {steps.failed} of {total} steps failed", flush=True)
        return 1
    print(f"WardAudit self-check passed: {total} steps", flush=True)
    return 0


def _run_steps(steps: _Steps, state: dict[str, Any], folder: Path) -> None:  # noqa: C901 - the self-check runs its steps in order
    from wardaudit import __version__
    from wardaudit.checklist import builtin_dir, load_library
    from wardaudit.scoring import allowed_answers, display_score
    from wardaudit.store import Store
    from wardaudit.words import rating_word

    def open_database() -> str:
        state["store"] = Store.open(folder / "self-check.sqlite3")
        return f"WardAudit {__version__}, temporary database in {folder}"

    def load_checklist() -> str:
        library = load_library([])  # the built-in checklists only: trust folders may be absent
        built_in = [
            c
            for c in library.all_latest()
            if Path(c.source).resolve().parent == builtin_dir().resolve()
        ]
        if not built_in:
            problems = "; ".join(str(p) for p in library.problems) or "none found"
            raise RuntimeError(f"no built-in checklist in {builtin_dir()} ({problems})")
        state["library"] = library
        state["checklist"] = built_in[0]
        count = sum(1 for _ in built_in[0].items())
        return f"{built_in[0].label}, {count} items"

    def add_ward() -> str:
        ward = state["store"].wards.add(
            site="Self-check site",
            name="Self-check Ward",
            sex="mixed",
            service="Acute adult",
            beds=12,
            areas=["Female bedroom corridor", "Main lounge", "Male bathrooms"],
        )
        state["ward"] = ward
        return str(ward.name)

    def start_audit() -> str:
        audit = state["store"].audits.start(state["ward"].id, state["checklist"], by="Self-check")
        state["audit_id"] = audit.id
        return str(audit.id)

    def answer_items() -> str:
        store, checklist = state["store"], state["checklist"]
        items = checklist.applicable_items(state["ward"].sex)
        noes = 0
        for number, item in enumerate(items):
            value = "yes"
            if not item.critical and number % 7 == 3:
                value = "no"
                noes += 1
            elif "partial" in allowed_answers(item) and number % 11 == 5:
                value = "partial"
            store.audits.record_answer(state["audit_id"], item.id, value, location="Main lounge")
        record = store.audits.get(state["audit_id"])
        if record.unanswered():
            raise RuntimeError(f"still unanswered: {', '.join(record.unanswered())}")
        if not record.actions:
            raise RuntimeError("answers of No raised no actions")
        return f"{len(items)} answered, {noes} No, {len(record.actions)} actions raised"

    def sign_off() -> str:
        record = state["store"].audits.complete(state["audit_id"], by="Self-check", role="Matron")
        if record.audit.status != "completed":
            raise RuntimeError(f"the audit is {record.audit.status} after sign-off")
        state["record"] = record
        return f"score {display_score(record.score.overall)}, {rating_word(record.score.rating)}"

    def main_window() -> str:
        return _show_main_window(state)

    def pdf() -> str:
        target = folder / "action-plan.pdf"
        _write_plan(state, target, "pdf")
        data = _written(target)
        if not data.startswith(b"%PDF"):
            raise RuntimeError(f"{target.name} does not start with %PDF")
        return f"{len(data):,} bytes"

    def workbook() -> str:
        target = folder / "action-plan.xlsx"
        _write_plan(state, target, "xlsx")
        data = _written(target)
        if not zipfile.is_zipfile(target):
            raise RuntimeError(f"{target.name} is not a workbook (not a zip file)")
        return f"{len(data):,} bytes"

    steps.run("database created", open_database)
    steps.run("built-in checklist loaded", load_checklist)
    steps.run("ward added", add_ward)
    steps.run("audit started", start_audit)
    steps.run("every applicable item answered", answer_items)
    steps.run("audit signed off", sign_off)
    steps.run("main window shown offscreen", main_window, needs_earlier=False)
    blocked = steps.blocked
    steps.run("action plan written as PDF", pdf)
    steps.blocked = blocked  # the workbook does not depend on the PDF
    steps.run("action plan written as a workbook", workbook)


def _write_plan(state: dict[str, Any], target: Path, kind: str) -> None:
    """The signed-off audit's action plan through the documents' front door, as the app and
    the command line write it."""
    from exports import documents

    documents.write_action_plan(state["store"], state["record"].audit.id, target, kind)


def _written(target: Path) -> bytes:
    if not target.is_file():
        raise RuntimeError(f"{target.name} was not written")
    data = target.read_bytes()
    if not data:
        raise RuntimeError(f"{target.name} is empty")
    return data


def _show_main_window(state: dict[str, Any]) -> str:
    """Draw the real main window offscreen and wait for its ward table to fill."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QThread

    from ui.app import application, create_main_window
    from ui.context import AppContext

    if "store" not in state or "library" not in state:
        raise RuntimeError("no database or checklist to show")
    app = application()
    ctx = AppContext(store=state["store"], library=state["library"])
    window = create_main_window(ctx)
    try:
        window.resize(1366, 768)
        window.show()
        deadline = QDeadlineTimer(20_000)
        while window.wards.loading or window.wards.model.rowCount() == 0:
            if deadline.hasExpired():
                raise RuntimeError("the ward table did not load within 20 seconds")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(5)
        title = window.windowTitle()
        if "WardAudit" not in title:
            raise RuntimeError(f"the window title is {title!r}")
        if window.grab().isNull():
            raise RuntimeError("the window could not be drawn")
        return f"title {title!r}, {window.wards.model.rowCount()} ward listed"
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
