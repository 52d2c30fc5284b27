"""Starting the app as she does: what the Wards screen loads, and the wheel guard's timing.

Each test starts WardAudit in its own process, as the start-up benchmark does, because the
modules loaded and the application-wide wheel guard are facts of a fresh process: in the
test process, earlier tests have loaded everything and put the guard on long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Started the way the benchmark's probe starts the app: start(), then the event loop.
PRELUDE = """
import json, os, sys, time
from pathlib import Path
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox
from ui.app import application, start

app = application()
window = start(Path(sys.argv[1]))
assert window is not None

def wait_until(ready, seconds=20.0):
    end = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < end, "timed out"
        app.processEvents()
        time.sleep(0.005)

def guarded():
    return bool(app.property("wardauditWheelGuard"))

def wheel(widget, notches):
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre, QPointF(widget.mapToGlobal(widget.rect().center())), QPoint(0, notches * 15),
        QPoint(0, notches * 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(widget, event)

def wheeled(boxes):
    \"\"\"Each drop-down's index before and after two turns of the wheel over it.\"\"\"
    found = []
    for box in boxes:
        box.clearFocus()
        before = box.currentIndex()
        wheel(box, -1)
        wheel(box, 2)
        found.append((box.accessibleName() or box.objectName(), before, box.currentIndex()))
    return found
"""

# Modules the Wards screen does not need: documents, the trust database's driver, incident
# exports and exchange files, and the screens made on first visit.
NOT_AT_START = (
    "reportlab",
    "openpyxl",
    "psycopg",
    "exports",
    "wardaudit.incidents",  # the reader, the mapping, the checks for patient details
    "wardaudit.store.incidents",
    "wardaudit.store.records",  # what exchange files carry
    "wardaudit.exchange",
    "ui.audit",
    "ui.actions",
    "ui.board",
    "ui.settings",
)


def run_app(db: Path, tmp_path: Path, script: str) -> dict[str, object]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    env.pop("WARDAUDIT_DB", None)
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + script, str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_wards_screen_shows_without_documents_incident_files_or_other_screens(
    demo_db: Path, tmp_path: Path
) -> None:
    found = run_app(
        demo_db,
        tmp_path,
        f"""
wait_until(lambda: window.wards.model.rowCount() > 0)
loaded = sorted(m for m in sys.modules if any(
    m == heavy or m.startswith(heavy + ".") for heavy in {NOT_AT_START!r}))
rows = window.wards.model.rowCount()
wait_until(guarded)
print(json.dumps({{"loaded": loaded, "rows": rows}}))
os._exit(0)
""",
    )
    assert found["rows"] > 0
    assert found["loaded"] == []


def test_a_ward_dialog_opened_before_the_first_rows_ignores_the_wheel(
    demo_db: Path, tmp_path: Path
) -> None:
    """The earliest she can open Add ward: straight after the window appears."""
    found = run_app(
        demo_db,
        tmp_path,
        """
window.wards.add_ward()
dialog = window.wards.last_dialog
boxes = [dialog.site_edit, dialog.designation_edit, dialog.service_edit]
print(json.dumps({"wheeled": wheeled(boxes)}))
os._exit(0)
""",
    )
    wheeled = found["wheeled"]
    assert isinstance(wheeled, list) and len(wheeled) == 3
    for name, before, after in wheeled:
        assert after == before, name


def test_the_first_screen_she_moves_to_ignores_the_wheel_even_before_the_first_rows(
    demo_db: Path, tmp_path: Path
) -> None:
    """Ctrl+3 pressed the moment the window appears: the Actions screen's drop-downs are
    guarded from the start, and by the time the Wards rows are up every screen is."""
    found = run_app(
        demo_db,
        tmp_path,
        """
window.show_page("actions")
boxes = [b for b in window.findChildren(QComboBox) if b.isVisible()]
early = wheeled(boxes)
window.show_page("wards")
wait_until(guarded)
print(json.dumps({"wheeled": early}))
os._exit(0)
""",
    )
    wheeled = found["wheeled"]
    assert isinstance(wheeled, list) and wheeled, "the Actions screen has drop-downs"
    for name, before, after in wheeled:
        assert after == before, name


def test_the_guard_is_on_once_the_wards_rows_are_shown(demo_db: Path, tmp_path: Path) -> None:
    found = run_app(
        demo_db,
        tmp_path,
        """
at_start = guarded()
wait_until(lambda: window.wards.model.rowCount() > 0)
wait_until(guarded)
print(json.dumps({"at_start": at_start}))
os._exit(0)
""",
    )
    assert found["at_start"] is False  # nothing is asked of every event while screens are built


def test_the_log_file_rotates_once_the_first_screen_is_shown(demo_db: Path, tmp_path: Path) -> None:
    """The log is written from the start, and rotates (at a megabyte) from the first paint."""
    found = run_app(
        demo_db,
        tmp_path,
        """
import logging
import ui.app as ui_app
target = ui_app.setup_logging()
(handler,) = [h for h in logging.getLogger().handlers if isinstance(h, ui_app.LogFile)]
before = type(handler.file).__name__
logging.getLogger("ui.test").info("a line before the first paint")
wait_until(guarded)  # the first screen is shown
wait_until(lambda: type(handler.file).__name__ != before)
logging.getLogger("ui.test").info("a line after it")
handler.flush()
print(json.dumps({"before": before, "after": type(handler.file).__name__,
                  "log": target.read_text(encoding="utf-8")}))
os._exit(0)
""",
    )
    assert found["before"] == "FileHandler"
    assert found["after"] == "RotatingFileHandler"
    log = str(found["log"])
    assert log.count("a line before the first paint") == 1
    assert log.count("a line after it") == 1
