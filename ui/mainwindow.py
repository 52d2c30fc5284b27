"""The main window: navigation, the audit-in-progress banner, and the open database's lifecycle.

It owns the session: a flag in the store says the app is open, so after a crash or a
killed process the next start names the interrupted audit and reopens it at its item.
It also switches and restores databases, because every screen reads the store through it.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.context import AppContext
from ui.theme import row_height, touch_button
from ui.wards import WardsScreen
from ui.widgets import busy_dialog
from ui.worker import run_in_background
from wardaudit import backups, clock
from wardaudit.errors import NotFound, WardAuditError
from wardaudit.model import AuditRecord, AuditSummary
from wardaudit.store import Store

log = logging.getLogger(__name__)

SESSION_OPEN = "session_open"  # "1" while the app has this database open
SESSION_AUDIT = "session_audit"  # the audit last opened on the audit screen
DEMO_SETTING = "demo_trust"  # "1" in a database holding the made-up demo trust
BACKUP_INTERVAL_MS = 30 * 60 * 1000
PAGES = ("wards", "audit", "actions", "board", "settings")
# Screens made on first use (module, class): the app starts without loading them.
LAZY_SCREENS = {"actions": ("ui.actions", "ActionsScreen"), "board": ("ui.board", "BoardScreen")}


def demo_path_for(db_path: Path) -> Path:
    """The demo trust lives in its own file beside her database, never mixed into it."""
    return db_path.with_name(f"{db_path.stem}-demo{db_path.suffix or '.sqlite3'}")


def build_demo(store: Store, library: Any) -> str:
    """Fill the demo file (runs in the worker) and mark it as the demo."""
    from wardaudit.demo import build_demo_trust

    summary = build_demo_trust(store, library)
    store.set_setting(DEMO_SETTING, "1")
    return summary


def resume_item(record: AuditRecord) -> str | None:
    """Where a resumed audit opens: the item she was on, else the first unanswered one."""
    order = [item.id for item in record.checklist.applicable_items(record.audit.ward.sex)]
    if record.audit.current_item in order:
        return record.audit.current_item
    unanswered = record.unanswered()
    if unanswered:
        return unanswered[0]
    return order[0] if order else None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


class MainWindow(QMainWindow):
    """Wards, Audit and Settings, with a banner whenever an audit is in progress."""

    store_replaced = Signal()
    demo_ready = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.home_db_path = ctx.db_path
        self.audit_screen: Any = None
        self.last_prompt: QMessageBox | None = None
        self.progress_dialog: QProgressDialog | None = None
        self._notices: list[QMessageBox] = []
        self._banner_audit: AuditSummary | None = None
        self._store_ready = True
        self._update_title()
        self.setMinimumSize(960, 600)
        self.resize(1366, 768)

        # --- navigation
        self.nav_buttons: dict[str, QPushButton] = {}
        # No exclusive QButtonGroup: it would let Tab reach only the checked button.
        nav = QFrame()
        nav.setObjectName("navigation")
        nav_layout = QVBoxLayout(nav)
        nav_layout.setContentsMargins(10, 12, 10, 12)
        nav_layout.setSpacing(10)
        for number, (page, text) in enumerate(
            (
                ("wards", "&Wards"),
                ("audit", "&Audit"),
                ("actions", "A&ctions"),
                ("board", "&Board"),
                ("settings", "Se&ttings"),
            ),
            start=1,
        ):
            button = touch_button(
                text,
                f"{text.replace('&', '')} screen",
                tooltip=f"Show the {text.replace('&', '')} screen (Ctrl+{number})",
            )
            button.setObjectName("nav")
            button.setCheckable(True)
            button.clicked.connect(lambda _checked=False, p=page: self.show_page(p))
            nav_layout.addWidget(button)
            self.nav_buttons[page] = button
            action = QAction(self)
            action.setShortcuts([QKeySequence(f"Ctrl+{number}"), QKeySequence(f"Alt+{number}")])
            action.triggered.connect(lambda _checked=False, p=page: self.show_page(p))
            self.addAction(action)
        nav_layout.addStretch(1)

        # --- the audit-in-progress banner
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner.setAccessibleName("Audit in progress")
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setAccessibleName("Audit in progress")
        self.resume_button = touch_button(
            "Resume", tooltip="Carry on with this audit", primary=True
        )
        self.resume_button.clicked.connect(self.resume_banner_audit)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(14, 6, 8, 6)
        banner_layout.addWidget(self.banner_label, 1)
        banner_layout.addWidget(self.resume_button)
        self.banner.hide()

        # --- the demo note
        self.demo_note = QFrame()
        self.demo_note.setObjectName("banner")
        self.demo_label = QLabel(
            "This is the demo trust: every ward, audit and action in it is made up."
        )
        self.demo_label.setWordWrap(True)
        self.leave_demo_button = touch_button(
            "Use my own wards",
            tooltip="Close the demo trust and go back to your own database",
        )
        self.leave_demo_button.clicked.connect(self.leave_demo)
        demo_layout = QHBoxLayout(self.demo_note)
        demo_layout.setContentsMargins(14, 6, 8, 6)
        demo_layout.addWidget(self.demo_label, 1)
        demo_layout.addWidget(self.leave_demo_button)
        self.demo_note.hide()

        # --- pages
        self.wards = WardsScreen(ctx)
        self.wards.open_audit_requested.connect(self.open_audit)
        self.wards.wards_changed.connect(self.refresh_banner)
        self._settings: Any = None  # made on first use: most starts never open Settings
        self.settings_page = QStackedWidget()

        self.audit_page = QStackedWidget()
        self.audit_empty = self._make_audit_empty_page()
        self.audit_page.addWidget(self.audit_empty)

        self.lazy_pages: dict[str, QStackedWidget] = {}
        self.lazy_screens: dict[str, Any] = {}
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
        outer.addWidget(nav)
        outer.addLayout(right, 1)
        self.setCentralWidget(central)

        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_INTERVAL_MS)
        self.backup_timer.timeout.connect(self.periodic_backup)

        self.setAcceptDrops(True)
        self.show_page("wards")
        self.refresh_banner()

    # --- exchange files dropped on the window ------------------------------------------------

    def dragEnterEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: Any) -> None:
        """Exchange files dropped anywhere on the window open the Board's import preview."""
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not files:
            return
        event.acceptProposedAction()
        self.show_page("board")
        self.ensure_screen("board").import_exchange_files(files)

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

    def _mark_nav(self, page: str) -> None:
        for name, button in self.nav_buttons.items():
            button.setChecked(name == page)
            button.setAccessibleDescription("Showing" if name == page else "")

    def current_page(self) -> str:
        return PAGES[self.pages.currentIndex()]

    def show_page(self, page: str) -> None:
        if page == "audit" and self.audit_page.currentWidget() is self.audit_empty:
            audit = self._banner_audit
            if audit is not None and self.open_audit(audit.id):
                return
            self.audit_empty_label.setText(
                "No audit is open. On the Wards screen, choose a ward and press Start audit."
            )
        if page in LAZY_SCREENS:
            self.ensure_screen(page)
        elif page == "settings":
            _ = self.settings
        self.pages.setCurrentIndex(PAGES.index(page))
        self._mark_nav(page)
        if page == "wards":
            self.wards.table.setFocus()
        self._update_banner_visibility()

    @property
    def settings(self) -> Any:
        """The Settings screen, made the first time it is wanted."""
        if self._settings is None:
            from ui.settings import SettingsScreen

            screen = SettingsScreen(self.ctx)
            screen.open_database_requested.connect(self.switch_database)
            screen.restore_requested.connect(self.restore_backup)
            screen.display_changed.connect(self._display_changed)
            self.settings_page.addWidget(screen)
            self._settings = screen
        return self._settings

    def ensure_screen(self, page: str) -> Any:
        """Make the Actions or Board screen on first use, over the current database."""
        screen = self.lazy_screens.get(page)
        if screen is None:
            module_name, class_name = LAZY_SCREENS[page]
            module = importlib.import_module(module_name)
            screen = getattr(module, class_name)(self.ctx)
            if hasattr(screen, "open_audit_requested"):
                screen.open_audit_requested.connect(self.open_audit)
            if hasattr(screen, "data_changed"):
                screen.data_changed.connect(self._data_changed_elsewhere)
            self.lazy_pages[page].addWidget(screen)
            self.lazy_screens[page] = screen
        return screen

    def _data_changed_elsewhere(self) -> None:
        """Actions updated or audits merged on another screen: the wards' figures moved."""
        self.wards.mark_stale()
        self.refresh_banner()

    def _drop_lazy_screens(self) -> None:
        for page, screen in list(self.lazy_screens.items()):
            self.lazy_pages[page].removeWidget(screen)
            screen.deleteLater()
        self.lazy_screens.clear()

    # --- audits -------------------------------------------------------------------------------

    def ensure_audit_screen(self) -> Any:
        """The audit screen is made on first use, so the rest of the app starts quickly."""
        if self.audit_screen is not None:
            return self.audit_screen
        try:
            from ui.audit import AuditScreen
        except ModuleNotFoundError as error:
            if error.name != "ui.audit":
                raise
            log.error("the audit screen is missing from this installation")
            return None
        screen = AuditScreen(self.ctx, self)
        screen.progress_changed.connect(self._audit_progress)
        screen.audit_completed.connect(self._audit_completed)
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
            self._mark_nav("audit")
            return False
        try:
            screen.open_audit(audit_id)
            if screen.audit_id != audit_id:
                return False  # the audit screen has already told her why
            self.ctx.store.set_setting(SESSION_AUDIT, audit_id, bookkeeping=True)
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return False
        self.audit_page.setCurrentWidget(screen)
        self.pages.setCurrentWidget(self.audit_page)
        self._mark_nav("audit")
        self.refresh_banner()
        return True

    def resume_banner_audit(self) -> None:
        if self._banner_audit is not None:
            self.open_audit(self._banner_audit.id)

    def _audit_progress(self, _audit_id: str) -> None:
        self.refresh_banner()
        self.wards.mark_stale()

    def _audit_completed(self, _audit_id: str) -> None:
        self.refresh_banner()
        self.wards.mark_stale()

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
        wanted = self.ctx.store.setting(SESSION_AUDIT)
        for summary in in_progress:
            if summary.id == wanted:
                return summary
        return in_progress[0] if in_progress else None

    def refresh_banner(self) -> None:
        """Quick enough for the UI thread: only the audits in progress are read and scored."""
        if not self._store_ready:
            return
        in_progress = self.ctx.store.in_progress_audits()
        audit = self._pick_banner_audit(in_progress)
        self._banner_audit = audit
        if audit is None:
            self.banner_label.setText("")
        else:
            text = f"{audit.ward} — {audit.answered} of {audit.applicable} answered"
            others = len(in_progress) - 1
            if others:
                text += f" (and {others} more audit{'s' if others > 1 else ''} in progress)"
            self.banner_label.setText(text)
            self.resume_button.setAccessibleName(f"Resume the audit of {audit.ward}")
            self.banner.setAccessibleDescription(text)
        self._update_banner_visibility()
        self.demo_note.setVisible(
            self.ctx.store.setting(DEMO_SETTING) == "1" and self.ctx.db_path != self.home_db_path
        )

    def banner_text(self) -> str:
        """What the banner says, with its button, as a matron reads it."""
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
        offer the demo trust."""
        store = self.ctx.store
        interrupted = check_interrupted and store.setting(SESSION_OPEN) == "1"
        store.set_setting(SESSION_OPEN, "1", bookkeeping=True)
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
        if store.readonly:
            return
        try:
            store.set_setting(SESSION_OPEN, "0", bookkeeping=True)
        except WardAuditError as error:
            log.warning("could not clear the session flag: %s", error)

    def offer_interrupted(self, audit: AuditSummary) -> QMessageBox:
        record = self.ctx.store.audit(audit.id)
        item_id = resume_item(record)
        question = ""
        if item_id:
            try:
                question = record.checklist.item(item_id).question
            except NotFound:
                item_id = None
        where = f"item {item_id}" if item_id else "its first item"
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Audit interrupted")
        box.setAccessibleName("Audit interrupted")
        box.setText(f"The audit of {audit.ward} was interrupted. Reopen it at {where}?")
        details = f"“{question}”\n\n" if question else ""
        box.setInformativeText(
            f"{details}{audit.answered} of {audit.applicable} items are answered. Every "
            "answer given before WardAudit closed is saved."
        )
        reopen = box.addButton("Reopen the audit", QMessageBox.ButtonRole.AcceptRole)
        later = box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reopen)
        box.setEscapeButton(later)

        def chosen(button: Any) -> None:
            if button is reopen:
                self.open_audit(audit.id)

        box.buttonClicked.connect(chosen)
        self._prompt(box)
        return box

    def offer_first_run(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Welcome to WardAudit")
        box.setAccessibleName("Welcome to WardAudit")
        box.setText("There are no wards in this database yet.")
        box.setInformativeText(
            "Open the demo trust to try WardAudit: a made-up trust with three sites, twelve "
            "wards and two years of audits, kept in a separate file so it never mixes with "
            "your own.\n\nOr start with your own wards: add your first ward now."
        )
        demo = box.addButton("Open the demo trust", QMessageBox.ButtonRole.AcceptRole)
        own = box.addButton("Start with my own wards", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(own)
        box.setEscapeButton(own)

        def chosen(button: Any) -> None:
            if button is demo:
                self.open_demo_trust()
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

    def open_demo_trust(self) -> None:
        """Open the demo file, building it in the worker the first time (it takes seconds)."""
        demo_path = demo_path_for(self.home_db_path)
        try:
            demo_store = Store.open(demo_path)  # opened here: its file lock belongs to this thread
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return
        if not demo_store.is_empty():
            self.use_store(demo_store)
            self.demo_ready.emit()
            return
        progress = self._busy(
            "Building the demo trust: three sites, twelve wards and two years of audits…"
        )
        library = self.ctx.library

        def done(summary: str) -> None:
            progress.close()
            log.info("%s", summary)
            if shiboken6.isValid(self):
                self.use_store(demo_store)
                self.statusBar().showMessage("The demo trust is ready.", 10000)
                self.demo_ready.emit()

        def failed(error: BaseException) -> None:
            progress.close()
            demo_store.close(backup=False)
            if shiboken6.isValid(self):
                ui_errors.show_error(self, error)

        run_in_background(lambda: build_demo(demo_store, library), done, failed)

    def leave_demo(self) -> None:
        if self.switch_database(self.home_db_path, offer_first_run=False):
            self.start_own_wards()

    def _busy(self, text: str) -> QProgressDialog:
        progress = busy_dialog(self, text)
        self.progress_dialog = progress
        return progress

    # --- switching and restoring the database -------------------------------------------------

    def use_store(self, store: Store, *, offer_first_run: bool = True) -> None:
        """Put another open store in place of the current one, closing the old one cleanly."""
        old = self.ctx.store
        self._close_audit_screen()
        QThreadPool.globalInstance().waitForDone()
        self.end_session()
        try:
            old.close(min_backup_age_s=0)
        except WardAuditError as error:
            log.warning("closing %s: %s", old.path, error)
        self.ctx.store = store
        self._after_store_change()
        self.show_notices(store.warnings)
        self.begin_session(offer_first_run=offer_first_run)

    def switch_database(self, path: Path, *, offer_first_run: bool = True) -> bool:
        path = Path(path).expanduser().absolute()
        if path == self.ctx.store.path:
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
        progress = self._busy("Restoring the backup…")

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

        def done(kept: Path) -> None:
            progress.close()
            if reopen():
                when = clock.now().strftime("%H:%M")
                self.statusBar().showMessage(
                    f"Backup restored at {when}. The file it replaced is kept as {kept.name}.",
                    20000,
                )
                self.settings.backup_status.setText(
                    f"Backup restored at {when}. The file it replaced is kept as {kept}."
                )

        def failed(error: BaseException) -> None:
            progress.close()
            if reopen():
                ui_errors.show_error(self, error)

        run_in_background(lambda: backups.restore(path, backup), done, failed)

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
        self.setWindowTitle(f"WardAudit — {self.ctx.db_path.name}")

    def show_notices(self, messages: list[str]) -> None:
        """Warnings she should read but need not answer (say, a database on a network drive)."""
        for message in messages:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "WardAudit",
                _sentence(message),
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setAccessibleName("Warning")
            box.setModal(False)
            self._notices.append(box)
            box.finished.connect(lambda _result, b=box: self._notices.remove(b))
            box.show()

    # --- backups and shutting down ------------------------------------------------------------

    def periodic_backup(self) -> None:
        """Every 30 minutes: a backup if anything changed and the newest is older than that."""
        store = self.ctx.store
        if not self._store_ready or not store.data_changed_since_backup():
            return
        if backups.age_of_newest(store.path) < BACKUP_INTERVAL_MS / 1000:
            return

        def failed(error: BaseException) -> None:
            log.warning("the periodic backup failed: %s", error)
            if shiboken6.isValid(self):
                self.statusBar().showMessage(f"The automatic backup failed: {error}", 20000)

        run_in_background(
            lambda: store.backup_now("periodic"),
            lambda path: log.info("periodic backup %s", path),
            failed,
        )

    def shutdown(self) -> None:
        """Quit cleanly: wait for background work, clear the session flag, back up if changed."""
        self.backup_timer.stop()
        QThreadPool.globalInstance().waitForDone()
        if not self._store_ready:
            return
        self.end_session()
        try:
            self.ctx.store.close(min_backup_age_s=0)
        except WardAuditError as error:
            log.error("closing the database: %s", error)

    def _display_changed(self) -> None:
        self.wards.table.verticalHeader().setDefaultSectionSize(row_height())

    def closeEvent(self, event: QCloseEvent) -> None:
        busy = self.progress_dialog
        if busy is not None and shiboken6.isValid(busy) and busy.isVisible():
            event.ignore()  # the demo build or a restore is still running
            return
        super().closeEvent(event)
