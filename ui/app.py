"""The desktop app's entry point: logging, the theme, opening the database, the main window.

Only this module sets logging handlers and the excepthook. Problems opening the database
become dialogs she can act on: another copy open, a damaged file (with the newest good
backup offered, never restored silently), a database in a risky place. ``--db`` may name
the trust database instead (``postgresql://…`` or ``service=NAME``): its problems (the
server down, a login refused or lacking a role, a schema older or newer than this
WardAudit, no driver in this copy) are dialogs of the same kind.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from ui import errors as ui_errors
from ui import session
from ui.context import AppContext
from ui.mainwindow import LAST_DATABASE_SETTING, MainWindow
from ui.ops import busy_dialog
from ui.theme import apply_theme, display_settings, load_display
from ui.widgets.messages import choice
from wardaudit import __version__, paths
from wardaudit.checklist import ChecklistLibrary
from wardaudit.errors import DatabaseDamaged, DatabaseInUse, WardAuditError
from wardaudit.store import Store, backups
from wardaudit.store.trustdb import is_server_target
from wardaudit.words import checklist_notice_words, database_words, sentence

log = logging.getLogger(__name__)

LOG_FILE = "wardaudit.log"


LOG_BYTES, LOG_FILES_KEPT = 1_000_000, 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class LogFile(logging.Handler):
    """The log file: written from the first line, rotated (at a megabyte, five old files
    kept) once :meth:`rotate_from_now` is called, after the first screen is painted, so that
    the rotating handler's module (and the sockets, pickling and queues it brings) is not
    loaded while she waits for the window. The handler writing is swapped under this
    handler's lock, so no line is lost or written twice."""

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = target
        self._file: logging.FileHandler = self._formatted(
            logging.FileHandler(target, encoding="utf-8")
        )

    def _formatted(self, handler: logging.FileHandler) -> logging.FileHandler:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        return handler

    @property
    def file(self) -> logging.FileHandler:
        return self._file

    def emit(self, record: logging.LogRecord) -> None:
        self._file.emit(record)

    def flush(self) -> None:
        self._file.flush()

    def rotate_from_now(self) -> None:
        from logging.handlers import RotatingFileHandler

        if isinstance(self._file, RotatingFileHandler):
            return
        rotating = self._formatted(
            RotatingFileHandler(
                self.target, maxBytes=LOG_BYTES, backupCount=LOG_FILES_KEPT, encoding="utf-8"
            )
        )
        self.acquire()
        try:
            plain, self._file = self._file, rotating
        finally:
            self.release()
        plain.close()

    def close(self) -> None:
        self.acquire()
        try:
            self._file.close()
        finally:
            self.release()
        super().close()


def setup_logging() -> Path:
    """A rotating log in the user's log folder: enough history for IT, never filling the disk."""
    folder = paths.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / LOG_FILE
    root = logging.getLogger()
    root.addHandler(LogFile(target))
    root.setLevel(logging.INFO)
    return target


def rotate_logs_from_now() -> None:
    """The log file set up by :func:`setup_logging` rotates from now on (see :class:`LogFile`)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, LogFile):
            handler.rotate_from_now()


def _excepthook(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """Log anything unexpected with its traceback, then tell her in a dialog."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    log.critical("unhandled error", exc_info=(kind, error, trace))
    if QApplication.instance() is not None:
        ui_errors.show_error(QApplication.activeWindow(), error)


def install_excepthook() -> None:
    sys.excepthook = _excepthook


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    QCoreApplication.setApplicationName("WardAudit")
    QCoreApplication.setOrganizationName("WardAudit")
    QCoreApplication.setApplicationVersion(__version__)
    return app


def _message(
    icon: QMessageBox.Icon,
    text: str,
    informative: str = "",
    parent: QWidget | None = None,
) -> None:
    box = QMessageBox(icon, "WardAudit", text, QMessageBox.StandardButton.Ok, parent)
    box.setAccessibleName("WardAudit")
    if informative:
        box.setInformativeText(informative)
    box.exec()


def open_store(path: Path | str, parent: QWidget | None = None) -> Store | None:
    """Open the database (a file's path, or the trust database's target as text), turning
    each problem into a dialog; None means the app should stop.

    This runs before the main window exists, so the dialogs here may wait for her answer.
    """
    try:
        return open_with_progress(path, parent)
    except DatabaseInUse as error:
        _message(
            QMessageBox.Icon.Warning,
            "WardAudit is already open on this laptop.",
            f"{sentence(error)}\n\nSwitch to the WardAudit window that is already "
            "open. If you cannot find it, restart the laptop.",
            parent,
        )
        return None
    except DatabaseDamaged as error:
        return _offer_restore(error, parent)
    except WardAuditError as error:
        ui_errors.show_error(parent, error)
        return None


class _UpgradeRelay(QObject):
    """Carries the upgrade's progress and its end from the worker to the UI thread."""

    moved = Signal(str, int, int)
    ended = Signal()


CONNECT_DIALOG_AFTER_MS = 400
"""A connection that answers within this shows no dialog (none flashes on a quick start)."""


def open_with_progress(path: Path | str, parent: QWidget | None = None) -> Store | None:
    """Open the database away from the UI thread when that can take a while, with what is
    happening on screen: the trust database while the server is reached (up to its connect
    timeout when the network is down), which she can cancel (None); and an older file the
    first time its photos move into their own folder (minutes for years of photos)."""
    if isinstance(path, str) and is_server_target(path):
        where = database_words("postgresql", path)  # "Trust database (host/name)"
        return _open_in_worker(
            path,
            f"Connecting to the {where[:1].lower()}{where[1:]}… If the network is slow this "
            "can take a few seconds; Cancel stops WardAudit.",
            parent,
            cancellable=True,
            show_after_ms=CONNECT_DIALOG_AFTER_MS,
        )
    waiting = Store.photos_waiting_in(path)
    if not waiting:
        return Store.open(path)
    log.info("upgrading %s: %d photo(s) move into their own folder", path, waiting)
    text = (
        f"Upgrading the database: moving its {waiting:,} photos into a folder of their own "
        "beside it. This is done once; a backup was made first, and if it is interrupted "
        "it carries on the next time WardAudit opens."
    )
    return _open_in_worker(path, text, parent, total=waiting)


def _open_in_worker(
    path: Path | str,
    text: str,
    parent: QWidget | None,
    *,
    total: int = 0,
    cancellable: bool = False,
    show_after_ms: int = 0,
) -> Store | None:
    """``Store.open`` in a worker thread while the UI thread shows ``text`` (with progress
    when ``total``); a problem is raised again here. Cancelled (None): a store that opens
    after she cancelled is closed at once, as if never opened."""
    dialog = busy_dialog(parent, text) if parent is not None else QProgressDialog(text, "", 0, 0)
    dialog.setAccessibleName(text.split("…")[0].split(":")[0])
    dialog.setRange(0, total)
    if cancellable:
        dialog.setCancelButtonText("Cancel")
    else:
        dialog.setCancelButton(None)
    relay = _UpgradeRelay()
    outcome: dict[str, object] = {}
    cancelled = threading.Event()
    lock = threading.Lock()

    def progress(what: str, done: int, total: int) -> None:
        relay.moved.emit(what, done, total)

    def work() -> None:
        try:
            store = Store.open(path, progress=progress) if total else Store.open(path)
            with lock:
                if cancelled.is_set():
                    store.close(backup=False)
                else:
                    outcome["store"] = store
        except BaseException as error:  # raised again on the UI thread
            outcome["error"] = error
        finally:
            relay.ended.emit()

    def show(what: str, done: int, total: int) -> None:
        dialog.setRange(0, max(1, total))
        dialog.setValue(done)
        dialog.setLabelText(f"{text}\n\n{what}: {done:,} of {total:,}")

    loop = QEventLoop()

    def cancel() -> None:
        with lock:
            cancelled.set()
        log.info("opening %s cancelled while it was under way", path)
        loop.quit()

    relay.moved.connect(show)
    relay.ended.connect(loop.quit)
    dialog.canceled.connect(cancel)  # the Cancel button
    dialog.rejected.connect(cancel)  # Esc
    shown = QTimer()
    shown.setSingleShot(True)
    shown.timeout.connect(dialog.show)
    dialog.setMinimumDuration(show_after_ms)
    shown.start(show_after_ms)
    worker = threading.Thread(target=work, name="wardaudit-open", daemon=cancellable)
    worker.start()
    loop.exec()
    shown.stop()
    dialog.canceled.disconnect(cancel)  # closing the dialog says both, not meaning them
    dialog.rejected.disconnect(cancel)
    dialog.close()
    if cancelled.is_set():
        return None  # the worker gives up on its own when the connect timeout passes
    worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    store = outcome["store"]
    assert isinstance(store, Store)
    return store


def _offer_restore(error: DatabaseDamaged, parent: QWidget | None) -> Store | None:
    """Offer the newest good backup; restore only if she says so, keeping the damaged file."""
    log.error("damaged database %s: %s", error.path, error.detail)
    newest = error.newest_backup
    if newest is None:
        _message(
            QMessageBox.Icon.Critical,
            "The WardAudit database is damaged, and there is no backup to restore.",
            f"The file {error.path} has not been changed. Keep it, and ask IT for help.",
            parent,
        )
        return None
    from ui.settings.backups import backup_time_words

    stamp = backup_time_words(newest, "recently")
    box, restore, _close = choice(
        parent,
        QMessageBox.Icon.Critical,
        "WardAudit",
        "The WardAudit database is damaged.",
        f"WardAudit can restore the newest good backup, made on {stamp}. Anything entered "
        "after that will not be in it.\n\nThe damaged file is kept beside the database, "
        "so IT can look at it. Nothing has been changed yet.",
        ("Restore the backup", "Close WardAudit"),
        name="The database is damaged",
    )
    box.setDetailedText(f"{error.path}\n{error.detail}\nBackup: {newest}")
    box.exec()
    if box.clickedButton() is not restore:
        log.info("restore declined; the damaged database was left as it is")
        return None
    try:
        kept = backups.restore(Path(error.path), newest)
        store = Store.open(error.path)
    except WardAuditError as failure:
        ui_errors.show_error(parent, failure)
        return None
    log.info("restored %s from %s; damaged file kept as %s", error.path, newest, kept)
    _message(
        QMessageBox.Icon.Information,
        f"The backup from {stamp} has been restored.",
        f"The damaged file is kept as {kept}.",
        parent,
    )
    return store


def interrupted_elsewhere(home: Path) -> Path | None:
    """The database (the demo trust's, say) that was open when WardAudit last stopped without
    closing, if not her own: the next start opens it, so the interrupted audit is offered
    wherever she was."""
    last = display_settings().value(LAST_DATABASE_SETTING)
    if not last or is_server_target(str(last)):
        return None  # no audit is answered on the trust database, so none was interrupted
    other = Path(str(last))
    if other == home or not other.is_file():
        return None
    try:
        store = Store.open(other)
    except WardAuditError as error:  # her own database opens as usual
        log.warning("could not look at %s after an interruption: %s", other, error)
        return None
    try:
        interrupted = store.settings.get(session.SESSION_OPEN) == "1"
    finally:
        store.close(backup=False)
    if interrupted:
        log.info("the last session in %s was interrupted; opening it", other)
        return other
    return None


def create_main_window(ctx: AppContext) -> MainWindow:
    """The main window over an open context (used by the app, tests, self-check, screenshots)."""
    return MainWindow(ctx)


def start(db_path: Path | str | None = None) -> MainWindow | None:
    """Everything run_app does before the event loop: theme, database, window, session.

    ``db_path`` is a file's path, or the trust database's target (text)."""
    app = application()
    high_contrast, text_scale = load_display()
    apply_theme(app, high_contrast=high_contrast, text_scale=text_scale)
    if isinstance(db_path, str) and is_server_target(db_path):
        server = open_store(db_path)
        return None if server is None else _open_window(server, None)
    if db_path is None:
        path = paths.default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            ui_errors.show_error(
                None, WardAuditError(f"cannot create the folder {path.parent}: {error.strerror}")
            )
            return None
    else:
        path = Path(db_path).expanduser()
    home = path
    if db_path is None:
        path = interrupted_elsewhere(path) or path
    store = open_store(path)
    if store is None:
        return None
    return _open_window(store, home)


def _open_window(store: Store, home: Path | None) -> MainWindow:
    """The window over the opened store; ``home`` is her own file (None on the trust
    database, where there is no demo file to go to and back)."""
    ctx = AppContext(store=store)
    window = create_main_window(ctx)
    window.home_db_path = home
    window.place_on_screen()
    window.show_notices(list(store.warnings))
    window.begin_session()

    QTimer.singleShot(1500, lambda: show_checklist_problems(window, ctx.library))
    window.first_screen_ready.connect(settle_memory)  # after the first rows' paint
    window.first_screen_ready.connect(rotate_logs_from_now)
    return window


def show_checklist_problems(window: MainWindow, library: ChecklistLibrary) -> QMessageBox | None:
    """Once the wards are up: one notice naming every checklist file that could not be used
    (skipped, or in conflict with another), each with what to do; None when all loaded."""
    notice = checklist_notice_words(library)
    if notice is None:
        return None
    heading, lines = notice
    return window.show_notice(heading, "\n\n".join(lines), name="Checklist files not used")


def settle_memory() -> None:
    """What starting made (modules, widgets, the first screens) lives as long as the app:
    frozen out of the collector's full passes, so that a full pass, run by whichever thread
    happens to allocate (a backup's, in the worker), stays short and never holds the
    window up."""
    gc.collect()
    gc.freeze()


def run_app(db_path: Path | str | None = None) -> int:
    """``wardaudit`` with no command: the desktop app. Returns the exit status."""
    app = application()
    log_file = setup_logging()
    install_excepthook()
    log.info("WardAudit %s starting; log file %s", __version__, log_file)
    window = start(db_path)
    if window is None:
        return 1
    try:
        return int(app.exec())
    finally:
        for warning in window.shutdown():
            _message(
                QMessageBox.Icon.Warning,
                "Everything you entered is saved, but the backup made on closing failed.",
                sentence(warning),
            )
        log.info("WardAudit closed")
