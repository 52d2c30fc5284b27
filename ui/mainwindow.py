"""The main window: navigation, the audit-in-progress banner, and the open database's lifecycle.

It owns the session: a flag in the store says the app is open, so after a crash or a
killed process the next start names the interrupted audit and reopens it at its item
(the rules and questions are in :mod:`ui.session`). It also switches and restores
databases, because every screen reads the store through it. Screens other than Wards are
made on first use, from their own packages, so the app starts without loading them.
About 700 lines: the pages, the banner and the database's lifecycle (session, demo trust,
switching, restoring, backups) belong to the one window that owns the open store; its
frame (:mod:`ui.banner`) and the session's rules and questions (:mod:`ui.session`) are
apart.

On the trust database there is no session marker, no backup and no demo offer: the
database is the quality team's, backed up by IT, audits arrive in exchange files, and
what is hers alone (the audit she had open) stays on this computer
(:meth:`ui.context.AppContext.own_setting`).
"""

from __future__ import annotations

import importlib
import logging
import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QRect, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui import session
from ui.banner import PAGES, AuditBanner, DemoNote, NavigationBar
from ui.context import AppContext, Changes
from ui.ops import Op
from ui.theme import display_settings, row_height, touch_button
from ui.wards import WardsScreen
from ui.widgets import trustdb as trustdb_words
from ui.widgets.screen import Screen
from ui.widgets.wheel import install_wheel_guard
from wardaudit import clock
from wardaudit.errors import WardAuditError
from wardaudit.model import AuditSummary
from wardaudit.store import Store, backups
from wardaudit.words import sentence

if TYPE_CHECKING:
    from ui.audit import AuditScreen
    from ui.settings import SettingsScreen

log = logging.getLogger(__name__)

PAGE_NAMES = tuple(page for page, _text in PAGES)
GEOMETRY_SETTING = "window/geometry"
LAST_DATABASE_SETTING = "session/database"  # the database open when the app last ran
REDACTED_PASSWORD = re.compile(r"\s*\bpassword=\S*")  # as Store.target shows one: ********
LARGEST_MAXIMISED = (1920, 1080)  # up to this the window opens maximised; above, a sensible size
SENSIBLE_SIZE = (1600, 1000)
# Screens made on first use (module, class): the app starts without loading them.
# The wheel guard goes on after the Wards screen's first rows, or after this long at most.
FIRST_SCREEN_FALLBACK_MS = 1000
LAZY_SCREENS = {"actions": ("ui.actions", "ActionsScreen"), "board": ("ui.board", "BoardScreen")}


class MainWindow(QMainWindow):
    """Wards, Audit, Actions, Board and Settings, with a banner while an audit is in progress."""

    store_replaced = Signal()
    demo_ready = Signal()
    first_screen_ready = Signal()  # the first rows are on screen: work that can wait, now

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.home_db_path: Path | None = None if ctx.on_server else ctx.db_path
        self.audit_screen: AuditScreen | None = None
        self.last_prompt: QMessageBox | None = None
        self._busy_op: Op[Any] | None = None
        self._notices: list[QMessageBox] = []
        self._banner_audit: AuditSummary | None = None
        self._banner_stale = False  # data changed; the banner is read again after the paint
        self._store_ready = True
        self._update_title()
        self.setMinimumSize(960, 600)
        self.resize(1366, 768)
        # The wheel guard goes on once the first rows are painted: an application-wide filter
        # in place while the screens are built would be asked about every one of their events.
        self._first_screen_done = False

        self.navigation = NavigationBar(self)
        self.navigation.page_chosen.connect(self.show_page)
        self.nav_buttons = self.navigation.buttons
        self.banner = AuditBanner()
        self.banner_label, self.resume_button = self.banner.label, self.banner.resume_button
        self.resume_button.clicked.connect(self.resume_banner_audit)
        self.demo_note = DemoNote()
        self.demo_note.leave_button.clicked.connect(self.leave_demo)

        # --- pages
        self.wards = WardsScreen(ctx)
        self.wards.open_audit_requested.connect(self.open_audit)
        self.wards.refresh_now()  # its rows are read while the rest of the window is made
        # The Wards screen has nothing a wheel could change: the guard goes on once its first
        # rows are painted (or a moment later should they fail to load), and at once before
        # anything else with a drop-down or a number is made.
        self.wards.rows_loaded.connect(self._first_rows_shown)
        QTimer.singleShot(FIRST_SCREEN_FALLBACK_MS, self, self._first_screen_settled)
        self._settings: SettingsScreen | None = None  # made on first use: most starts never
        self.settings_page = QStackedWidget()

        self.audit_page = QStackedWidget()
        self.audit_empty = self._make_audit_empty_page()
        self.audit_page.addWidget(self.audit_empty)

        self.lazy_pages: dict[str, QStackedWidget] = {}
        self.lazy_screens: dict[str, Screen] = {}
        self.pages = QStackedWidget()
        self.pages.addWidget(self.wards)
        self.pages.addWidget(self.audit_page)
        for name in LAZY_SCREENS:
            holder = QStackedWidget()
            self.lazy_pages[name] = holder
            self.pages.addWidget(holder)
        self.pages.addWidget(self.settings_page)

        right = QVBoxLayout()
        right.setContentsMargins(12, 10, 12, 6)
        right.addWidget(self.banner)
        right.addWidget(self.demo_note)
        right.addWidget(self.pages, 1)
        central = QWidget()
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.navigation)
        outer.addLayout(right, 1)
        self.setCentralWidget(central)

        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(session.BACKUP_INTERVAL_MS)
        self.backup_timer.timeout.connect(self.periodic_backup)

        # Whatever changed, wherever: the banner's count of answers may have moved.
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.setInterval(0)
        self._banner_timer.timeout.connect(self._refresh_stale_banner)
        ctx.changed.connect(self._data_changed)
        self.setAcceptDrops(True)
        help_key = QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), self)
        help_key.setContext(Qt.ShortcutContext.WindowShortcut)
        help_key.activated.connect(self.show_help)
        self.navigation.help_button.clicked.connect(self.show_help)
        self.show_page("wards")
        self.refresh_banner()

    # --- where the window sits ---------------------------------------------------------------

    def place_on_screen(self) -> None:
        """As she left it; the first time, maximised on a laptop-sized screen (so nothing is
        below the taskbar), and a sensible size on anything larger."""
        saved = display_settings().value(GEOMETRY_SETTING)
        if isinstance(saved, QByteArray) and not saved.isEmpty() and self.restoreGeometry(saved):
            self.show()
            return
        screen = self.screen()
        room: QRect = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)
        if room.width() <= LARGEST_MAXIMISED[0] and room.height() <= LARGEST_MAXIMISED[1]:
            self.showMaximized()
            return
        width, height = SENSIBLE_SIZE
        self.resize(width, height)
        self.move(room.center().x() - width // 2, room.center().y() - height // 2)
        self.show()

    def remember_geometry(self) -> None:
        settings = display_settings()
        settings.setValue(GEOMETRY_SETTING, self.saveGeometry())
        settings.sync()

    def show_help(self) -> None:
        """F1: the keys and a short guide to the screen she is on."""
        page = self.current_page()
        if page == "audit" and self.audit_screen is not None:
            page = self.audit_screen.help_topic()
        from ui.widgets.help import show_help  # loaded when first asked for

        self.last_help = show_help(self, page)

    # --- exchange files dropped on the window ------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Exchange files dropped anywhere on the window open the Board's import preview."""
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not files:
            return
        event.acceptProposedAction()
        self.show_page("board")
        from ui.board import BoardScreen  # loaded by now: the Board was made to show it

        board = self.ensure_screen("board")
        assert isinstance(board, BoardScreen)
        board.import_exchange_files(files)

    # --- pages --------------------------------------------------------------------------------

    def _make_audit_empty_page(self) -> QWidget:
        page = QWidget()
        heading = QLabel("Audit")
        heading.setObjectName("heading")
        self.audit_empty_label = QLabel()
        self.audit_empty_label.setWordWrap(True)
        self.audit_empty_label.setAccessibleName("No audit open")
        go = touch_button("Go to wards", tooltip="Choose a ward to audit")
        go.clicked.connect(lambda: self.show_page("wards"))
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(self.audit_empty_label)
        row = QHBoxLayout()
        row.addWidget(go)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def current_page(self) -> str:
        return PAGE_NAMES[self.pages.currentIndex()]

    def show_page(self, page: str) -> None:
        self._refresh_stale_banner()
        if page == "audit" and self.audit_page.currentWidget() is self.audit_empty:
            audit = self._banner_audit
            if audit is not None and self.open_audit(audit.id):
                return
            self.audit_empty_label.setText(
                "No audit is open. On the Wards screen, choose a ward and press Enter to "
                f"open its latest audit. {trustdb_words.NO_AUDITS_WORDS}"
                if self.ctx.on_server
                else "No audit is open. On the Wards screen, choose a ward and press Start audit."
            )
        if page != "wards":
            install_wheel_guard()  # before any drop-down or number can reach her
        if page in LAZY_SCREENS:
            self.ensure_screen(page)
        elif page == "settings":
            _ = self.settings
        self.pages.setCurrentIndex(PAGE_NAMES.index(page))
        self.navigation.mark(page)
        if page == "wards":
            self.wards.table.setFocus()
        self._update_banner_visibility()

    @property
    def settings(self) -> SettingsScreen:
        """The Settings screen, made the first time it is wanted."""
        if self._settings is None:
            install_wheel_guard()
            from ui.settings import SettingsScreen

            screen = SettingsScreen(self.ctx)
            screen.open_database_requested.connect(self.switch_database)
            screen.restore_requested.connect(self.restore_backup)
            screen.display_changed.connect(self._display_changed)
            self.settings_page.addWidget(screen)
            self._settings = screen
        return self._settings

    def ensure_screen(self, page: str) -> Screen:
        """Make the Actions or Board screen on first use, over the current database."""
        screen = self.lazy_screens.get(page)
        if screen is None:
            install_wheel_guard()
            module_name, class_name = LAZY_SCREENS[page]
            module = importlib.import_module(module_name)
            screen = getattr(module, class_name)(self.ctx)
            assert isinstance(screen, Screen)
            screen.open_audit_requested.connect(self.open_audit)
            self.lazy_pages[page].addWidget(screen)
            self.lazy_screens[page] = screen
        return screen

    def _data_changed(self, _changes: Changes) -> None:
        """The banner is read again once the change is on screen, not before: an answer's
        "Saved" does not wait for every audit in progress to be scored."""
        if not self._banner_stale:
            self._banner_stale = True
            self._banner_timer.start()

    def _refresh_stale_banner(self) -> None:
        if self._banner_stale:
            self.refresh_banner()

    def _drop_lazy_screens(self) -> None:
        for page, screen in list(self.lazy_screens.items()):
            self.lazy_pages[page].removeWidget(screen)
            screen.deleteLater()
        self.lazy_screens.clear()

    # --- audits -------------------------------------------------------------------------------

    def ensure_audit_screen(self) -> AuditScreen | None:
        """The audit screen is made on first use, so the rest of the app starts quickly."""
        if self.audit_screen is not None:
            return self.audit_screen
        install_wheel_guard()
        try:
            from ui.audit import AuditScreen
        except ModuleNotFoundError as error:
            if error.name is None or not error.name.startswith("ui.audit"):
                raise
            log.error("the audit screen is missing from this installation")
            return None
        screen = AuditScreen(self.ctx, self)
        screen.leave_requested.connect(lambda: self.show_page("wards"))
        self.audit_page.addWidget(screen)
        self.audit_screen = screen
        return screen

    def open_audit(self, audit_id: str) -> bool:
        """Show an audit: in progress at the item where it was left, completed as its summary."""
        screen = self.ensure_audit_screen()
        if screen is None:
            self.audit_empty_label.setText(
                "The audit screen is missing from this installation of WardAudit, so the "
                "audit cannot be shown. Every answer already given is safe. Ask IT to "
                "reinstall WardAudit."
            )
            self.audit_page.setCurrentWidget(self.audit_empty)
            self.pages.setCurrentWidget(self.audit_page)
            self.navigation.mark("audit")
            return False
        try:
            if self.ctx.on_server and self._in_progress(audit_id):
                self.audit_empty_label.setText(trustdb_words.IN_PROGRESS_WORDS)
                self.audit_page.setCurrentWidget(self.audit_empty)
                self.pages.setCurrentWidget(self.audit_page)
                self.navigation.mark("audit")
                return False
            screen.open_audit(audit_id)
            if screen.audit_id != audit_id:
                return False  # the audit screen has already told her why
            self.ctx.set_own_setting(session.SESSION_AUDIT, audit_id)
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return False
        self.audit_page.setCurrentWidget(screen)
        self.pages.setCurrentWidget(self.audit_page)
        self.navigation.mark("audit")
        self.refresh_banner()
        return True

    def _in_progress(self, audit_id: str) -> bool:
        """Whether an audit is still being answered (one entered from the command line, or
        copied up with a file's database): not answered from the app on the trust database."""
        return any(a.id == audit_id for a in self.ctx.store.audits.in_progress())

    def resume_banner_audit(self) -> None:
        if self._banner_audit is not None:
            self.open_audit(self._banner_audit.id)

    def _close_audit_screen(self) -> None:
        """Before the store changes under it, the audit screen goes (made again on next use)."""
        if self.audit_screen is not None:
            self.audit_page.setCurrentWidget(self.audit_empty)
            self.audit_page.removeWidget(self.audit_screen)
            self.audit_screen.deleteLater()
            self.audit_screen = None

    # --- the banner ---------------------------------------------------------------------------

    def _pick_banner_audit(self, in_progress: list[AuditSummary]) -> AuditSummary | None:
        """The audit the banner offers: the one last open here, else the newest in progress."""
        wanted = self.ctx.own_setting(session.SESSION_AUDIT)
        for summary in in_progress:
            if summary.id == wanted:
                return summary
        return in_progress[0] if in_progress else None

    def refresh_banner(self) -> None:
        """Quick enough for the UI thread: only the audits in progress are read and scored."""
        if not self._store_ready:
            return
        self._banner_stale = False
        # audits are not answered on the trust database, so none is offered to resume there
        in_progress = [] if self.ctx.on_server else self.ctx.store.audits.in_progress()
        audit = self._pick_banner_audit(in_progress)
        self._banner_audit = audit
        self.banner.show_audit(audit, len(in_progress) - 1)
        self._update_banner_visibility()
        self.demo_note.setVisible(
            not self.ctx.on_server
            and self.ctx.store.settings.get(session.DEMO_SETTING) == "1"
            and self.ctx.db_path != self.home_db_path
        )

    def banner_text(self) -> str:
        """What the banner says, with its button, as a matron reads it."""
        self._refresh_stale_banner()
        if not self.banner.isVisibleTo(self):
            return ""
        return f"{self.banner_label.text()} — {self.resume_button.text()}"

    def _update_banner_visibility(self) -> None:
        audit = self._banner_audit
        showing_it = (
            audit is not None
            and self.current_page() == "audit"
            and self.audit_screen is not None
            and self.audit_page.currentWidget() is self.audit_screen
            and self.audit_screen.audit_id == audit.id
        )
        self.banner.setVisible(audit is not None and not showing_it)

    # --- the session --------------------------------------------------------------------------

    def begin_session(
        self, *, check_interrupted: bool = True, offer_first_run: bool = True
    ) -> None:
        """Mark the database open; after a crash, offer the interrupted audit; on a first run,
        offer the demo trust. The trust database is only remembered (its target, which
        holds no password), and said to be empty if it is."""
        store = self.ctx.store
        if self.ctx.on_server:
            remembered = display_settings()
            # a password given in it is not kept: the next start finds hers in pgpass
            remembered.setValue(
                LAST_DATABASE_SETTING, REDACTED_PASSWORD.sub("", store.target).strip()
            )
            remembered.sync()
            self.refresh_banner()
            if offer_first_run and store.is_empty():
                self.say_server_empty()
            return
        interrupted = check_interrupted and store.settings.get(session.SESSION_OPEN) == "1"
        store.settings.set(session.SESSION_OPEN, "1", bookkeeping=True)
        remembered = display_settings()
        remembered.setValue(LAST_DATABASE_SETTING, str(store.path))
        remembered.sync()
        self.refresh_banner()
        self.backup_timer.start()
        if interrupted and self._banner_audit is not None:
            self.offer_interrupted(self._banner_audit)
        elif offer_first_run and store.is_empty():
            self.offer_first_run()

    def end_session(self) -> None:
        """A clean close: clear the flag so the next start knows nothing was interrupted."""
        self.backup_timer.stop()
        store = self.ctx.store
        if store.readonly or self.ctx.on_server:  # no marker is kept on the trust database
            return
        try:
            store.settings.set(session.SESSION_OPEN, "0", bookkeeping=True)
        except WardAuditError as error:
            log.warning("could not clear the session flag: %s", error)

    def offer_interrupted(self, audit: AuditSummary) -> QMessageBox:
        record = self.ctx.store.audits.get(audit.id)
        box, reopen = session.interrupted_question(self, audit, record)

        def chosen(button: QAbstractButton) -> None:
            if button is reopen:
                self.open_audit(audit.id)

        box.buttonClicked.connect(chosen)
        self._prompt(box)
        return box

    def say_server_empty(self) -> QMessageBox:
        """An empty trust database: no demo is offered (it would mix with the trust's own
        records); imports fill it."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "WardAudit",
            "The trust database is empty.",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAccessibleName("The trust database is empty")
        box.setInformativeText(trustdb_words.EMPTY_WORDS)
        self._prompt(box)
        return box

    def offer_first_run(self) -> QMessageBox:
        box, demo = session.first_run_question(self)

        def chosen(button: QAbstractButton) -> None:
            if button is demo:
                with_photos = box.checkBox()
                self.open_demo_trust(photos=with_photos is not None and with_photos.isChecked())
            else:
                self.start_own_wards()

        box.buttonClicked.connect(chosen)
        self._prompt(box)
        return box

    def _prompt(self, box: QMessageBox) -> None:
        """Questions open without a nested event loop; tests and the app keep running."""
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_prompt = box
        box.open()

    def start_own_wards(self) -> None:
        self.show_page("wards")
        self.wards.add_ward()

    # --- the demo trust -----------------------------------------------------------------------

    def open_demo_trust(self, *, photos: bool = False) -> None:
        """Open the demo file, building it in the worker the first time (it takes seconds,
        or minutes with photos)."""
        if self.home_db_path is None:
            return  # the trust database has no demo beside it
        demo_path = session.demo_path_for(self.home_db_path)
        try:
            demo_store = Store.open(demo_path)  # opened here: its file lock belongs to this thread
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return
        if not demo_store.is_empty():
            self.use_store(demo_store)
            self.demo_ready.emit()
            return
        library = self.ctx.library

        def done(summary: str) -> None:
            log.info("%s", summary)
            self.use_store(demo_store)
            self.statusBar().showMessage("The demo trust is ready.", 10000)
            self.demo_ready.emit()

        def failed(error: BaseException) -> None:
            demo_store.close(backup=False)
            ui_errors.show_error(self, error)

        if photos:
            build = partial(session.build_demo, demo_store, library, photos=True)
            words = (
                "Building the demo trust with photos: three sites, twelve wards, two years of "
                "audits and their photos (a few minutes)…"
            )
        else:
            build = partial(session.build_demo, demo_store, library)
            words = "Building the demo trust: three sites, twelve wards and two years of audits…"
        self._run_busy(Op(self, build).busy(words).success(done).failure(failed))

    def leave_demo(self) -> None:
        if self.home_db_path is not None and self.switch_database(
            self.home_db_path, offer_first_run=False
        ):
            self.start_own_wards()

    def _run_busy(self, op: Op[Any]) -> None:
        """The demo built or a backup restored: the window waits, and will not close meanwhile."""
        self._busy_op = op
        op.run()

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        return self._busy_op.dialog if self._busy_op is not None else None

    # --- switching and restoring the database -------------------------------------------------

    def use_store(self, store: Store, *, offer_first_run: bool = True) -> None:
        """Put another open store in place of the current one, closing the old one cleanly."""
        old = self.ctx.store
        self._close_audit_screen()
        QThreadPool.globalInstance().waitForDone()
        self.end_session()
        try:
            self.show_notices(old.close(min_backup_age_s=0))  # a backup that failed: saved anyway
        except WardAuditError as error:
            log.warning("closing %s: %s", old.location, error)
        self.ctx.store = store
        self._after_store_change()
        self.show_notices(store.warnings)
        self.begin_session(offer_first_run=offer_first_run)

    def switch_database(self, path: Path, *, offer_first_run: bool = True) -> bool:
        path = Path(path).expanduser().absolute()
        if not self.ctx.on_server and path == self.ctx.store.path:
            self.statusBar().showMessage(f"{path.name} is already open.", 10000)
            return True
        try:
            store = Store.open(path)
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return False
        self.use_store(store, offer_first_run=offer_first_run)
        self.statusBar().showMessage(f"Opened {path}", 10000)
        return True

    def restore_backup(self, backup: Path) -> None:
        """Close the store, restore in the worker, reopen; the replaced file is kept beside it."""
        path = self.ctx.store.path
        self._close_audit_screen()
        QThreadPool.globalInstance().waitForDone()
        self.end_session()
        self._store_ready = False
        self.ctx.store.close(backup=False)

        def reopen() -> bool:
            try:
                self.ctx.store = Store.open(path)
            except WardAuditError as error:
                ui_errors.show_error(self, error)
                self.close()
                return False
            self._store_ready = True
            self._after_store_change()
            self.begin_session(check_interrupted=False)
            return True

        def done(kept: Path | None) -> None:
            if reopen():
                when = clock.now().strftime("%H:%M")
                aside = f" The file it replaced is kept as {kept.name}." if kept else ""
                self.statusBar().showMessage(f"Backup restored at {when}.{aside}", 20000)
                self.settings.backup_status.setText(
                    f"Backup restored at {when}."
                    + (f" The file it replaced is kept as {kept}." if kept else "")
                )

        def failed(error: BaseException) -> None:
            if reopen():
                ui_errors.show_error(self, error)

        self._run_busy(
            Op(self, lambda: backups.restore(path, backup))
            .busy("Restoring the backup…")
            .success(done)
            .failure(failed)
        )

    def _after_store_change(self) -> None:
        self._drop_lazy_screens()
        self._update_title()
        self.wards.mark_stale()
        if self._settings is not None:
            self._settings.refresh()
        self.refresh_banner()
        self.show_page("wards")
        self.store_replaced.emit()

    def _update_title(self) -> None:
        self.setWindowTitle(f"WardAudit — {self.ctx.database_name}")

    def show_notices(self, messages: list[str]) -> None:
        """Warnings she should read but need not answer (say, a database on a network drive)."""
        for message in messages:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "WardAudit",
                sentence(message),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setAccessibleName("Warning")
            box.setModal(False)
            self._notices.append(box)
            box.finished.connect(lambda _result, b=box: self._notices.remove(b))
            box.show()

    def show_notice(self, text: str, more: str, name: str) -> QMessageBox:
        """One warning with its details beneath, left open while she carries on working."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, "WardAudit", text, QMessageBox.StandardButton.Ok, self
        )
        box.setAccessibleName(name)
        box.setInformativeText(more)
        box.setModal(False)
        self._notices.append(box)
        box.finished.connect(lambda _result, b=box: self._notices.remove(b))
        box.show()
        return box

    # --- backups and shutting down ------------------------------------------------------------

    def periodic_backup(self) -> None:
        """Every 30 minutes: a backup if anything changed and the newest is older than that."""
        store = self.ctx.store
        if not self._store_ready or self.ctx.on_server or not store.data_changed_since_backup():
            return  # the trust database is backed up by the server
        if backups.age_of_newest(store.path) < session.BACKUP_INTERVAL_MS / 1000:
            return

        def failed(error: BaseException) -> None:
            log.warning("the periodic backup failed: %s", error)
            self.statusBar().showMessage(f"The automatic backup failed: {error}", 20000)

        Op(self, lambda: store.backup_now("periodic")).success(
            lambda path: log.info("periodic backup %s", path)
        ).failure(failed).run()

    def shutdown(self) -> list[str]:
        """Quit cleanly: wait for background work, clear the session flag, back up if changed.

        Returns what did not work on closing (a backup that failed): warnings, since
        everything she entered was saved before.
        """
        self.backup_timer.stop()
        QThreadPool.globalInstance().waitForDone()
        if not self._store_ready:
            return []
        self.end_session()
        try:
            return self.ctx.store.close(min_backup_age_s=0)
        except WardAuditError as error:
            log.error("closing the database: %s", error)
            return [str(error)]

    def _display_changed(self) -> None:
        self.wards.table.verticalHeader().setDefaultSectionSize(row_height())

    def _first_rows_shown(self) -> None:
        self.wards.rows_loaded.disconnect(self._first_rows_shown)
        QTimer.singleShot(0, self, self._first_screen_settled)  # after the rows' paint

    def _first_screen_settled(self) -> None:
        if self._first_screen_done:
            return
        self._first_screen_done = True
        install_wheel_guard()
        self.first_screen_ready.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy_op is not None and self._busy_op.running:
            event.ignore()  # the demo build or a restore is still running
            return
        self.remember_geometry()
        super().closeEvent(event)
