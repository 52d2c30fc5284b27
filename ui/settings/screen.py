"""Settings: her name and role, where the database lives, backups, and how the app looks.

Switching or restoring the database is the main window's job (it owns the open store);
this screen asks, warns, and hands over the chosen file. On the trust database there is
no folder, no file to switch and no backup to make or restore (IT backs the server up):
the screen says which database it is and who backs it up, and keeps her name and role on
this computer.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.context import AppContext
from ui.ops import Op
from ui.settings.backups import backup_label, backup_time_words
from ui.theme import (
    TEXT_SCALES,
    apply_theme,
    current_text_scale,
    is_high_contrast,
    save_display,
    touch_button,
)
from ui.widgets import trustdb as trustdb_words
from ui.widgets.layouts import buddy_label
from ui.widgets.messages import choice
from ui.widgets.screen import Screen
from wardaudit import clock
from wardaudit.errors import WardAuditError
from wardaudit.paths import backup_dir
from wardaudit.store import backups
from wardaudit.store.photos import PhotoCheck
from wardaudit.words import sentence

log = logging.getLogger(__name__)


class _ProgressRelay(QObject):
    """Carries progress from the worker to the dialog (a queued signal to the UI thread)."""

    moved = Signal(int, int)


def _megabytes(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


class SettingsScreen(Screen):
    """Her defaults, the database and its backups, and display choices."""

    open_database_requested = Signal(object)  # Path
    restore_requested = Signal(object)  # Path of the chosen backup
    display_changed = Signal()
    backup_finished = Signal(object)  # Path of the new backup, or the error
    photo_check_finished = Signal(object)  # the PhotoCheck, or the error

    # Read afresh each time it is shown: the store may have been switched or restored.
    REFRESH_ON_SHOW = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last_warning: QMessageBox | None = None
        self.backing_up = False

        heading = QLabel("Settings")
        heading.setObjectName("heading")

        # --- you
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("As it should appear on audits you sign off")
        self.role_edit = QLineEdit()
        self.role_edit.setAccessibleName("Your role")
        self.role_edit.setPlaceholderText("For example, Matron or Ward manager")
        self.role_edit.returnPressed.connect(self.save_auditor)
        self.name_edit.returnPressed.connect(self.save_auditor)
        self.save_auditor_button = touch_button(
            "Save name and role",
            tooltip="Used as the defaults when you start and sign off an audit",
            primary=True,
        )
        self.save_auditor_button.clicked.connect(self.save_auditor)
        self.auditor_status = QLabel()
        self.auditor_status.setAccessibleName("Name and role status")
        you_form = QFormLayout()
        you_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        you_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        you_form.addRow(buddy_label("Your &name", self.name_edit), self.name_edit)
        you_form.addRow(buddy_label("Your &role", self.role_edit), self.role_edit)
        you_row = QHBoxLayout()
        you_row.addWidget(self.save_auditor_button)
        you_row.addWidget(self.auditor_status, 1)
        you_box = QGroupBox("You")
        you_layout = QVBoxLayout(you_box)
        you_layout.addLayout(you_form)
        you_layout.addLayout(you_row)

        # --- the database
        self.db_label = QLabel()
        self.db_label.setWordWrap(True)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_label.setAccessibleName("Database location")
        self.location_warning = QLabel()
        self.location_warning.setObjectName("problem")
        self.location_warning.setWordWrap(True)
        self.location_warning.setAccessibleName("Database location warning")
        self.db_note = db_note = QLabel(
            "Keep the database on this laptop's own disk. A network drive or a synced folder "
            "(such as OneDrive) can damage it; share audits with exchange files instead. "
            "WardAudit opens its usual database the next time it starts."
        )
        db_note.setWordWrap(True)
        db_note.setObjectName("muted")
        self.open_db_button = touch_button(
            "Open a different database…",
            tooltip="Open another WardAudit database file, or create a new one",
        )
        self.open_db_button.clicked.connect(self.choose_database)
        # --- one folder holds the database, its photos and its backups
        self.folder_note = QLabel()
        self.folder_note.setWordWrap(True)
        self.folder_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_note.setAccessibleName("Where the database, its photos and backups are")
        self.photo_label = QLabel()
        self.photo_label.setWordWrap(True)
        self.photo_label.setAccessibleName("Photos")
        self.check_photos_button = touch_button(
            "Check photos",
            tooltip="Read every photo and check it is exactly as it was saved (takes a while)",
        )
        self.check_photos_button.clicked.connect(lambda: self.check_photos())
        self.photo_status = QLabel()
        self.photo_status.setWordWrap(True)
        self.photo_status.setAccessibleName("Photo check status")
        self.checking_photos = False
        self.last_photo_report: QMessageBox | None = None
        db_box = QGroupBox("Database")
        db_layout = QVBoxLayout(db_box)
        db_layout.addWidget(self.db_label)
        db_layout.addWidget(self.location_warning)
        db_layout.addWidget(db_note)
        db_layout.addWidget(self.folder_note)
        db_row = QHBoxLayout()
        db_row.addWidget(self.open_db_button)
        db_row.addStretch(1)
        db_layout.addLayout(db_row)
        db_layout.addWidget(self.photo_label)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.check_photos_button)
        photo_row.addWidget(self.photo_status, 1)
        db_layout.addLayout(photo_row)

        # --- backups
        self.backup_list = QListWidget()
        self.backup_list.setAccessibleName("Backups, newest first")
        self.backup_list.setMinimumHeight(200)
        self.backup_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.backup_folder_label = QLabel()
        self.backup_folder_label.setWordWrap(True)
        self.backup_folder_label.setObjectName("muted")
        self.backup_folder_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.backup_button = touch_button(
            "Make a backup now", tooltip="Copy the database to the backup folder now"
        )
        self.backup_button.clicked.connect(self.make_backup)
        self.restore_button = touch_button(
            "Restore this backup…",
            tooltip="Put the selected backup in place of the database (you are asked first)",
        )
        self.restore_button.clicked.connect(self.confirm_restore)
        self.backup_status = QLabel()
        self.backup_status.setWordWrap(True)
        self.backup_status.setAccessibleName("Backup status")
        self.backup_note = backup_note = QLabel()
        backup_note.setWordWrap(True)
        backup_note.setObjectName("muted")
        backup_box = QGroupBox("Backups")
        backup_layout = QVBoxLayout(backup_box)
        backup_layout.addWidget(backup_note)
        backup_layout.addWidget(self.backup_list, 1)
        backup_layout.addWidget(self.backup_folder_label)
        backup_row = QHBoxLayout()
        backup_row.addWidget(self.backup_button)
        backup_row.addWidget(self.restore_button)
        backup_row.addStretch(1)
        backup_layout.addLayout(backup_row)
        backup_layout.addWidget(self.backup_status)
        backup_layout.addStretch(0)  # the words at the top when there is no list (the server)

        # --- display
        self.text_size = QComboBox()
        self.text_size.setAccessibleName("Text size")
        self.text_size.setMaximumWidth(260)
        for scale in TEXT_SCALES:
            self.text_size.addItem(f"{round(scale * 100)}%", scale)
        self.high_contrast = QCheckBox("&High contrast (white and yellow on black)")
        self.high_contrast.setAccessibleName("High contrast")
        self._sync_display_controls()
        self.text_size.currentIndexChanged.connect(lambda _n: self.apply_display())
        self.high_contrast.toggled.connect(lambda _on: self.apply_display())
        display_box = QGroupBox("Display")
        display_form = QFormLayout(display_box)
        display_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        display_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        display_form.addRow(buddy_label("Te&xt size", self.text_size), self.text_size)
        display_form.addRow(self.high_contrast)

        self._boxes = (you_box, db_box, display_box, backup_box)
        self._two_columns: bool | None = None
        content = QWidget()
        self.grid = QGridLayout(content)
        self.grid.addWidget(heading, 0, 0, 1, 2)
        self._arrange(two_columns=True)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._file_only: tuple[QWidget, ...] = (
            self.folder_note,
            self.open_db_button,
            self.backup_list,
            self.backup_folder_label,
            self.backup_button,
            self.restore_button,
            self.backup_status,
        )
        self.refresh()

    # --- showing ------------------------------------------------------------------------------

    def _arrange(self, *, two_columns: bool) -> None:
        """Side by side on a wide screen; one column when large text needs the width."""
        if two_columns == self._two_columns:
            return
        self._two_columns = two_columns
        you_box, db_box, display_box, backup_box = self._boxes
        for box in self._boxes:
            self.grid.removeWidget(box)
        if two_columns:
            self.grid.addWidget(you_box, 1, 0)
            self.grid.addWidget(db_box, 2, 0)
            self.grid.addWidget(display_box, 3, 0)
            self.grid.addWidget(backup_box, 1, 1, 4, 1)
            self.grid.setColumnStretch(1, 1)
        else:
            for row, box in enumerate((you_box, backup_box, db_box, display_box), start=1):
                self.grid.addWidget(box, row, 0, 1, 2)
            self.grid.setColumnStretch(1, 0)
        self.grid.setColumnStretch(0, 1)
        self.grid.setRowStretch(4, 1)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._arrange(two_columns=self.width() >= 110 * self.fontMetrics().averageCharWidth())

    def refresh(self) -> None:
        """Read everything afresh: the store may have been switched or restored meanwhile."""
        store = self.ctx.store
        self.name_edit.setText(self.ctx.auditor_name)
        self.role_edit.setText(self.ctx.auditor_role)
        for widget in self._file_only:
            widget.setVisible(not self.ctx.on_server)
        warnings = [sentence(w) for w in store.warnings]
        self.location_warning.setText("\n".join(warnings))
        self.location_warning.setVisible(bool(warnings))
        self._sync_display_controls()
        if self.ctx.on_server:
            self._show_server()
            return
        self.save_auditor_button.setToolTip(
            "Used as the defaults when you start and sign off an audit"
        )
        self.db_label.setText(f"This database: {store.path}")
        self.db_note.setText(
            "Keep the database on this laptop's own disk. A network drive or a synced folder "
            "(such as OneDrive) can damage it; share audits with exchange files instead. "
            "WardAudit opens its usual database the next time it starts."
        )
        self.backup_note.setText(
            "WardAudit also makes a backup when it closes after a change, and every "
            "30 minutes while you work."
        )
        self.folder_note.setText(
            f"The database, its photos ({store.photo_folder.name}) and its backups "
            f"({backup_dir(store.path).name}) are together in one folder: "
            f"{store.path.parent}. To back up WardAudit or move it to another laptop, close "
            "WardAudit, then copy or move that whole folder."
        )
        self.refresh_photos()
        self.refresh_backups()

    def _show_server(self) -> None:
        """The trust database: which one, as which login, and that IT backs it up."""
        store = self.ctx.store
        reads = " Your login reads it only." if self.ctx.readonly else ""
        self.db_label.setText(
            f"This database: {self.ctx.database_name}, on the trust's PostgreSQL server "
            f"({store.target}).{reads}"
        )
        self.db_note.setText(
            "The quality team shares this database. Ward laptops send their audits to it in "
            "exchange files. Started without --db, WardAudit opens this laptop's own "
            "database file instead. Your name and role are kept on this computer, for you."
        )
        self.save_auditor_button.setToolTip(
            "Kept on this computer for you; used when you amend an audit or update an action"
        )
        self.backup_note.setText(trustdb_words.BACKUP_WORDS)
        self.refresh_photos()

    def refresh_backups(self, select: Path | None = None) -> None:
        if self.ctx.on_server:
            return  # the server's backups are IT's, not listed here
        path = self.ctx.store.path
        self.backup_list.clear()
        found = backups.list_backups(path)
        for backup in found:
            item = QListWidgetItem(backup_label(backup))
            item.setData(Qt.ItemDataRole.UserRole, str(backup))
            item.setToolTip(str(backup))
            self.backup_list.addItem(item)
            if select is not None and backup == select:
                self.backup_list.setCurrentItem(item)
        if not found:
            empty = QListWidgetItem("No backups yet")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.backup_list.addItem(empty)
        self.backup_folder_label.setText(f"Backup folder: {backup_dir(path)}")
        self._update_buttons()

    def backups_shown(self) -> list[Path]:
        items = (self.backup_list.item(n) for n in range(self.backup_list.count()))
        return [
            Path(i.data(Qt.ItemDataRole.UserRole))
            for i in items
            if i.data(Qt.ItemDataRole.UserRole)
        ]

    def selected_backup(self) -> Path | None:
        item = self.backup_list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        return Path(value) if value else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)
        self.backup_button.setEnabled(not self.backing_up)

    # --- you ----------------------------------------------------------------------------------

    def save_auditor(self) -> None:
        try:
            self.ctx.set_auditor(self.name_edit.text(), self.role_edit.text())
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return
        self.auditor_status.setText(f"Saved at {clock.now().strftime('%H:%M')}.")
        log.info("auditor defaults saved")

    # --- the database -------------------------------------------------------------------------

    def ask_database_path(self) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            "Open or create a WardAudit database",
            str(self.ctx.store.path.parent),
            "WardAudit databases (*.sqlite3);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return Path(chosen) if chosen else None

    def choose_database(self) -> None:
        path = self.ask_database_path()
        if path is not None:
            self.open_database_requested.emit(path)

    # --- backups ------------------------------------------------------------------------------

    def make_backup(self) -> None:
        """Copy the database in the worker: a large file takes longer than a UI frame."""
        if self.backing_up:
            return
        self.backing_up = True
        self._update_buttons()
        self.backup_status.setText("Making a backup…")
        store = self.ctx.store

        def done(path: Path) -> None:
            self.backup_status.setText(
                f"Backup made at {clock.now().strftime('%H:%M')}: {path.name}"
            )
            self.refresh_backups(select=path)
            self.backup_finished.emit(path)

        def failed(error: BaseException) -> None:
            self.backup_status.setText("The backup was not made.")
            self._update_buttons()
            self.backup_finished.emit(error)
            ui_errors.show_error(self, error)

        Op(self, lambda: store.backup_now("manual")).always(self._backup_ended).success(
            done
        ).failure(failed).run()

    def _backup_ended(self) -> None:
        self.backing_up = False

    def confirm_restore(self) -> QMessageBox | None:
        """Warn first, in plain words; the restore happens only if she confirms."""
        backup = self.selected_backup()
        if backup is None:
            return None
        stamp = backup_time_words(backup, "the chosen time")
        box, restore, _keep = choice(
            self,
            QMessageBox.Icon.Warning,
            "Restore a backup",
            f"Restore the backup made on {stamp}?",
            "The database will go back to how it was then: anything entered after that "
            "time will no longer show in WardAudit.\n\n"
            "Nothing is deleted. The current file is kept beside the database (its name "
            "ends in “.replaced-” and today's date), so IT can recover from it.\n\n"
            "WardAudit will close the database, restore the backup and reopen it.",
            ("Restore this backup", "Keep the current database"),
            role=QMessageBox.ButtonRole.DestructiveRole,
            default=1,
        )

        def chosen(button: Any) -> None:
            if button is restore:
                log.info("restore confirmed: %s", backup)
                self.restore_requested.emit(backup)

        box.buttonClicked.connect(chosen)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_warning = box
        box.open()
        return box

    # --- photos -------------------------------------------------------------------------------

    def refresh_photos(self) -> None:
        """How many photos, and their size, from their records (no photo is read)."""
        store = self.ctx.store
        count = store.photos.count()
        where = (
            "the trust database, with their records"
            if self.ctx.on_server
            else str(store.photo_folder)
        )
        self.photo_label.setText(
            f"Photos: {count:,} ({_megabytes(store.photos.bytes_stored())}), kept in {where}"
            if count
            else f"Photos: none yet (they will be kept in {where})"
        )
        self.check_photos_button.setEnabled(bool(count) and not self.checking_photos)

    def check_photos(self, *, repair: bool = False) -> Op[PhotoCheck] | None:
        """Read every photo in the worker, with progress; the result in words afterwards."""
        if self.checking_photos:
            return None
        self.checking_photos = True
        self.check_photos_button.setEnabled(False)
        self.photo_status.setText("Checking photos…")
        store = self.ctx.store
        relay = _ProgressRelay(self)

        def progress(what: str, done: int, total: int) -> None:  # on the worker thread
            relay.moved.emit(done, total)

        def ended() -> None:
            self.checking_photos = False
            self.refresh_photos()

        def failed(error: BaseException) -> None:
            self.photo_status.setText("The photos could not be checked.")
            self.photo_check_finished.emit(error)
            ui_errors.show_error(self, error)

        words = "Putting back photos from the backups…" if repair else "Checking every photo…"
        op = (
            Op(self, lambda: store.photos.check(progress=progress, repair=repair))
            .busy(words)
            .always(ended)
            .success(self._photos_checked)
            .failure(failed)
            .run()
        )
        dialog = op.dialog
        if dialog is not None:

            def show(done: int, total: int) -> None:
                if shiboken6.isValid(dialog):
                    dialog.setRange(0, max(1, total))
                    dialog.setValue(done)
                    dialog.setLabelText(f"{words[:-1]}: {done:,} of {total:,}")

            relay.moved.connect(show)
        return op

    def _photos_checked(self, report: PhotoCheck) -> None:
        when = clock.now().strftime("%H:%M")
        back = f" {len(report.repaired)} put back from the backups." if report.repaired else ""
        if not report.problems:
            self.photo_status.setText(
                f"Checked {report.checked:,} photos at {when}: every one is as it was saved.{back}"
            )
        else:
            self.photo_status.setText(
                f"Checked {report.checked:,} photos at {when}: {len(report.problems)} "
                f"damaged or missing.{back}"
            )
            self._report_photo_problems(report)
        self.photo_check_finished.emit(report)

    def _report_photo_problems(self, report: PhotoCheck) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Photos damaged or missing")
        box.setAccessibleName("Photos damaged or missing")
        box.setText(
            f"{len(report.problems)} photo(s) are damaged or missing. They are not shown; "
            "WardAudit shows a “damaged photo” mark in their place."
        )
        lines = [
            f"{p.ward}, item {p.item}: {p.filename} ({p.problem}, added "
            f"{clock.uk_date(p.added_at)})" + ("; a copy is in the backups" if p.in_backups else "")
            for p in report.problems[:20]
        ]
        if len(report.problems) > 20:
            lines.append(f"… and {len(report.problems) - 20} more")
        box.setInformativeText("\n".join(lines))
        repair = None
        if any(p.in_backups for p in report.problems):
            repair = box.addButton(
                "Put back copies from the backups", QMessageBox.ButtonRole.AcceptRole
            )
        close = box.addButton("Close", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(close)
        box.setEscapeButton(close)

        def chosen(button: Any) -> None:
            if repair is not None and button is repair:
                self.check_photos(repair=True)

        box.buttonClicked.connect(chosen)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_photo_report = box
        box.open()

    # --- display ------------------------------------------------------------------------------

    def _sync_display_controls(self) -> None:
        self.text_size.blockSignals(True)
        self.high_contrast.blockSignals(True)
        scale = current_text_scale()
        index = min(range(len(TEXT_SCALES)), key=lambda n: abs(TEXT_SCALES[n] - scale))
        self.text_size.setCurrentIndex(index)
        self.high_contrast.setChecked(is_high_contrast())
        self.text_size.blockSignals(False)
        self.high_contrast.blockSignals(False)

    def apply_display(self) -> None:
        scale = float(self.text_size.currentData() or 1.0)
        high_contrast = self.high_contrast.isChecked()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, high_contrast=high_contrast, text_scale=scale)
        save_display(high_contrast=high_contrast, text_scale=scale)
        self.display_changed.emit()
