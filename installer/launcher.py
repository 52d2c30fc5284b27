"""The desktop bundle's entry point: what ``wardaudit`` (``wardaudit.exe``) runs.

It does only what a frozen program needs before the ordinary ``wardaudit`` command takes
over: somewhere to print on Windows, the mutex the installer looks for, and an optional
ready signal for start-up measurements. Run from source (``python installer/launcher.py``)
it behaves exactly like ``python -m wardaudit``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from typing import Any

# The installer (wardaudit.iss, AppMutex) refuses to replace or remove the program while a
# process holds this name, so an update never swaps files under a running WardAudit.
RUNNING_MUTEX = "WardAudit.Running"

# Set to 1 to print "WardAudit ready after N s" once the main window is usable, then close.
# Used to compare the bundle's start-up with a run from source; the database named with
# --db is opened and closed as on any start.
EXIT_WHEN_READY_ENV = "WARDAUDIT_EXIT_WHEN_READY"
READY_TIMEOUT_SECONDS = 120

_kept: list[Any] = []  # handles that must live as long as the process


def _give_output_somewhere_to_go() -> None:
    """A windowed Windows build starts with no console: sys.stdout and sys.stderr are None.

    Started from a command prompt, attach to that console so ``--version`` and
    ``--self-check`` can be read there; otherwise write to nowhere rather than fail.
    ``wardaudit-cli.exe`` (a console build) is the one to use in scripts.
    """
    if sys.stdout is not None and sys.stderr is not None:
        return
    stream = None
    if sys.platform == "win32" and len(sys.argv) > 1:
        import ctypes

        attach_parent_process = -1
        if ctypes.windll.kernel32.AttachConsole(attach_parent_process):
            try:
                stream = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
            except OSError:
                stream = None
    if stream is None:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    _kept.append(stream)
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream


def _hold_running_mutex() -> None:
    if sys.platform != "win32":
        return
    import ctypes

    handle = ctypes.windll.kernel32.CreateMutexW(None, False, RUNNING_MUTEX)
    if handle:
        _kept.append(handle)  # released by Windows when the process ends


def _exit_when_ready(started: float) -> None:
    """Quit as soon as the main window is shown and its ward list has loaded.

    The check runs inside the app's own event loop, so it sees the window exactly as she
    would: shown, drawn and filled.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])

    def usable(window: QMainWindow) -> bool:
        if not window.isVisible():
            return False
        wards = getattr(window, "wards", None)
        return not getattr(wards, "loading", False)

    def check() -> None:
        windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow)]
        if any(usable(w) for w in windows):
            timer.stop()
            app.processEvents()
            print(f"WardAudit ready after {time.perf_counter() - started:.3f} s", flush=True)
            app.exit(0)
        elif time.perf_counter() - started > READY_TIMEOUT_SECONDS:
            timer.stop()
            print("WardAudit did not become ready in time", file=sys.stderr, flush=True)
            app.exit(3)

    timer = QTimer(app)
    timer.setInterval(5)
    timer.timeout.connect(check)
    timer.start()
    _kept.append(timer)


def main() -> int:
    started = time.perf_counter()
    multiprocessing.freeze_support()
    _give_output_somewhere_to_go()
    _hold_running_mutex()
    if os.environ.get(EXIT_WHEN_READY_ENV) == "1":
        _exit_when_ready(started)

    from wardaudit.cli import main as wardaudit_main

    return wardaudit_main()


if __name__ == "__main__":
    sys.exit(main())
