"""Answer an audit by key presses until killed, printing each item once "Saved" is shown.

Run by test_killed_app.py as ``python audit_child.py DATABASE AUDIT_ID``: the test kills
this process with SIGKILL part-way through and checks that every item printed here is
answered in the database. With ``draft`` after the audit id it types a note on the first
item instead, prints ``draft ITEM`` once "Draft saved" is shown, and waits to be killed.
"""

from __future__ import annotations

import itertools
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import ui.errors
from ui.audit import AuditScreen
from ui.context import AppContext
from wardaudit.checklist import load_library
from wardaudit.store import Store

MOST_PRESSES = 5000  # stop on its own if nobody kills it


DRAFT_TEXT = "Anti-ligature door handle loose"


def type_a_draft(app: QApplication, screen: AuditScreen) -> int:
    item = screen.current_item
    screen.note.setFocus()
    QTest.keyClicks(screen.note, DRAFT_TEXT)
    while not screen.saved_text.startswith("Draft saved"):
        app.processEvents()
        time.sleep(0.01)
    print(f"draft {item}", flush=True)
    while True:  # nothing more: the test kills this process now
        time.sleep(0.1)


def main(database: str, audit_id: str, mode: str = "answers") -> int:
    app = QApplication([])

    def error(_parent: object, problem: BaseException, title: str = "") -> None:
        print(f"error {problem}", file=sys.stderr, flush=True)

    ui.errors.show_error = error  # no dialog may wait for a click here
    store = Store.open(database)
    screen = AuditScreen(AppContext(store=store, library=load_library([])))
    screen.resize(1366, 768)
    screen.show()
    screen.activateWindow()
    app.processEvents()
    screen.open_audit(audit_id)
    saves: list[str] = []
    screen.progress_changed.connect(saves.append)
    print("ready", flush=True)
    if mode == "draft":
        return type_a_draft(app, screen)
    keys = itertools.cycle([Qt.Key.Key_Y, Qt.Key.Key_N, Qt.Key.Key_Y, Qt.Key.Key_A])
    for _ in range(MOST_PRESSES):
        item = screen.current_item
        before = len(saves)
        key = next(keys)
        QTest.keyClick(QApplication.focusWidget() or screen, key)
        while screen.answer_pending:  # one key at a time, as she answers
            app.processEvents()
            time.sleep(0.01)
        if key == Qt.Key.Key_N:
            QTest.keyClick(QApplication.focusWidget() or screen, Qt.Key.Key_Return)
        if (
            len(saves) > before
            and screen.last_saved_item == item
            and screen.saved_text.startswith("Saved ")
        ):
            print(item, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
