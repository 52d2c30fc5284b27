"""Started as its own process by the start-up benchmark: prints 'ready' once usable.

``app``: WardAudit's main window on the demo trust, ready when the ward table is filled.
``bare``: a bare PySide6 QMainWindow, ready when shown: the floor any Qt app stands on.
"""

import os
import sys

# this file's folder is not a place to import from (benchmarks/ must not shadow the app)
sys.path[:] = [
    p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))
]


def main() -> None:
    mode = sys.argv[1]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([])
        window = QMainWindow()
        window.setWindowTitle("Bare")
        window.show()
        app.processEvents()
        print("ready", flush=True)
        os._exit(0)
    from pathlib import Path

    from PySide6.QtCore import QTimer

    from ui.app import application, start

    app = application()
    window = start(Path(sys.argv[2]))
    if window is None:
        sys.exit(1)

    def check() -> None:
        if window.wards.model.rowCount() > 0:
            print("ready", flush=True)
            os._exit(0)

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(2)
    app.exec()


if __name__ == "__main__":
    main()
