"""Render screenshots of the real app over the demo trust, offscreen, at 1366×768.

    python -m ui.screenshots DIR [--text-scale 2.0] [--high-contrast]

Used for the README and to look at screens the way a matron would see them. Everything
happens in a temporary database; nothing of the user's is read or written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1366, 768


def _wait(app: object, condition: Callable[[], bool], timeout_s: float = 20.0) -> bool:
    """Let the event loop run until ``condition`` holds (background loads finish)."""
    from PySide6.QtCore import QDeadlineTimer, QEventLoop, QThread

    deadline = QDeadlineTimer(int(timeout_s * 1000))
    while not condition():
        if deadline.hasExpired():
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)  # type: ignore[attr-defined]
        QThread.msleep(10)
    return True


def render(out_dir: Path, *, text_scale: float = 1.0, high_contrast: bool = False) -> list[str]:
    """Write the PNGs; returns one line per shot (written, or skipped and why)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.actions import ActionsScreen
    from ui.app import application, create_main_window
    from ui.board import BoardScreen
    from ui.context import AppContext
    from ui.theme import apply_theme
    from wardaudit.checklist import load_library
    from wardaudit.demo import build_demo_trust
    from wardaudit.store import Store

    out_dir.mkdir(parents=True, exist_ok=True)
    report: list[str] = []
    app = application()
    apply_theme(app, high_contrast=high_contrast, text_scale=text_scale)
    with tempfile.TemporaryDirectory(prefix="wardaudit-shots-") as tmp:
        library = load_library([])
        store = Store.open(Path(tmp) / "demo-trust.sqlite3")
        build_demo_trust(store, library, seed=2018)
        ctx = AppContext(store=store, library=library)
        ctx.set_auditor("Modern matron", "Matron")
        window = create_main_window(ctx)
        window.resize(WIDTH, HEIGHT)
        window.show()
        window.activateWindow()
        window.refresh_banner()
        _wait(app, lambda: not window.wards.loading and window.wards.model.rowCount() > 0)

        def shot(name: str) -> None:
            app.processEvents()
            window.grab().save(str(out_dir / name))
            report.append(f"wrote {out_dir / name}")

        shot("home.png")

        in_progress = store.audits.in_progress()
        try:
            screen = window.ensure_audit_screen()
            problem = "ui/audit is missing"
        except ImportError as error:
            screen, problem = None, f"the audit screen could not be imported ({error})"
        if screen is None or not in_progress:
            report.append(
                "skipped audit-in-progress.png, no-answer-action.png and summary.png: "
                + (problem if screen is None else "the demo has no audit in progress")
            )
        else:
            audit = in_progress[0]
            record = store.audits.get(audit.id)
            # Open at the first unanswered item that offers every answer, so No raises an action.
            target = next(
                item.id
                for item in record.checklist.applicable_items(record.audit.ward.sex)
                if item.id not in record.answers and not item.critical
            )
            store.audits.set_current_item(audit.id, target)
            window.open_audit(audit.id)
            _wait(app, lambda: screen.current_item == target, 5)
            shot("audit-in-progress.png")

            screen.focus_card()
            QTest.keyClick(screen.card, Qt.Key.Key_N)
            _wait(app, lambda: not screen.answer_pending, 5)
            _wait(app, lambda: screen.action_panel.isVisible(), 5)
            shot("no-answer-action.png")  # the action in place, Enter to accept it
            QTest.keyClick(app.focusWidget() or screen, Qt.Key.Key_Return)

            # A sentence typed on the card goes into the note, and answers nothing.
            screen.focus_card()
            QTest.keyClicks(screen.card, "Patient bay has no risk assessment")
            _wait(app, lambda: not screen.answer_pending, 5)
            shot("typing-goes-to-the-note.png")

            completed = [a for a in store.audits.list(status="completed") if a.critical_breach]
            latest = completed[0] if completed else store.audits.list(status="completed")[0]
            window.open_audit(latest.id)
            _wait(app, lambda: screen.summary.scroll_position == 0, 2)
            shot("summary.png")

        window.show_page("actions")
        actions = window.ensure_screen("actions")
        assert isinstance(actions, ActionsScreen)
        _wait(app, lambda: actions.model.rowCount() > 0)
        actions.table.selectRow(0)
        shot("actions.png")

        window.show_page("board")
        board = window.ensure_screen("board")
        assert isinstance(board, BoardScreen)
        _wait(app, lambda: board.model.rowCount() > 0)
        shot("board.png")
        _incidents(app, window, board, out_dir, report, shot)

        window.show_page("settings")
        store.backup_now("manual")
        window.settings.refresh()
        shot("settings.png")

        window.close()
        window.deleteLater()
        app.processEvents()
        store.close(backup=False)
    return report


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "incidents"


def _incidents(
    app: object,
    window: Any,
    board: Any,
    out_dir: Path,
    report: list[str],
    shot: Callable[[str], None],
) -> None:
    """The example incident export imported into the demo trust through the app's own
    dialog (its preview shot first), then the Board's incidents beside scores for a ward
    with hotspots, and the recent incidents shown on the audit in progress."""
    mapping, export = EXAMPLES / "generic-mapping.toml", EXAMPLES / "generic-export.csv"
    if not mapping.is_file() or not export.is_file():
        report.append("skipped incident-import.png and board-incidents.png: no examples folder")
        return
    dialog = board.import_incidents()
    dialog.resize(1040, 700)
    dialog.use_mapping(mapping)
    dialog.use_export(export)
    _wait(app, lambda: dialog.plan is not None and not dialog.op.running)
    app.processEvents()  # type: ignore[attr-defined]
    dialog.grab().save(str(out_dir / "incident-import.png"))
    report.append(f"wrote {out_dir / 'incident-import.png'}")
    dialog.import_now()
    _wait(app, lambda: board.incidents_tab.figures is not None and not board.loading)
    tab = board.incidents_tab
    board.tabs.setCurrentWidget(tab)
    row = tab.model.find_row(lambda w: w.ward.name == "Hawthorn Ward")
    tab.table.setCurrentIndex(tab.model.index(max(row, 0), 0))
    _wait(app, lambda: tab.hotspots is not None)
    bar = board.page_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())  # the tab whole: its chart and the ward's hotspots
    shot("board-incidents.png")
    bar.setValue(0)
    # the ward's recent incidents by place, as the matron resumes its audit
    in_progress = board.ctx.store.audits.in_progress()
    if in_progress:
        window.open_audit(in_progress[0].id)
        shot("audit-recent-incidents.png")
        window.show_page("board")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots", description=__doc__)
    parser.add_argument("out_dir", type=Path, help="the folder to write the PNG files to")
    parser.add_argument("--text-scale", type=float, default=1.0, help="1.0 to 2.0")
    parser.add_argument("--high-contrast", action="store_true")
    args = parser.parse_args(argv)
    for line in render(args.out_dir, text_scale=args.text_scale, high_contrast=args.high_contrast):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
