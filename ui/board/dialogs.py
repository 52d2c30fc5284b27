"""The Board's dialogs: one ward and its audits (Open shows one on the Audit screen), and
which audits go into an exchange file."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate, QRect, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.board.models import AuditListModel
from ui.theme import row_height, touch_sized
from ui.widgets.tables import ColouredCellDelegate
from wardaudit import clock
from wardaudit.board import WardFigure
from wardaudit.model import AuditSummary
from wardaudit.words import plural, score_words, ward_rating_words


class WardAuditsDialog(QDialog):
    """A ward and its audits; Open shows the chosen one on the Audit screen."""

    open_requested = Signal(str)

    def __init__(
        self,
        figure: WardFigure,
        audits: Sequence[AuditSummary],
        period: str,
        checklist_titles: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        ward = figure.ward
        self.figure = figure
        self.setWindowTitle(f"{ward.name}: audits")
        self.setAccessibleName(f"Audits of {ward.name}")
        facts = [ward.site, ward.designation]
        if ward.service:
            facts.append(ward.service)
        if ward.beds is not None:
            facts.append(plural(ward.beds, "bed"))
        heading = QLabel(f"<b>{html.escape(ward.name)}</b> — {html.escape(' · '.join(facts))}")
        heading.setObjectName("subheading")
        heading.setWordWrap(True)
        heading.setAccessibleName(f"{ward.name}, {', '.join(facts)}")
        if figure.audited:
            counted = (
                f"On the board for {period}: {score_words(figure.score)}, "
                f"{ward_rating_words(figure)}"
                f"{', with a critical breach' if figure.critical_breach else ''}, from the audit "
                f"signed off on {clock.uk_date(figure.completed_at)}."
            )
        else:
            counted = f"Not audited in {period}: the board shows it as not audited, never as zero."
        summary = QLabel(counted)
        summary.setWordWrap(True)
        summary.setAccessibleName(counted)

        self.model = AuditListModel(audits, figure.audit_id, checklist_titles, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(f"Audits of {ward.name}")
        self.table.setAccessibleDescription("Press Enter to open the selected audit.")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        self.table.setItemDelegateForColumn(AuditListModel.RATING, ColouredCellDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.resizeColumnsToContents()  # a ward has a few dozen audits at most
        self.table.activated.connect(lambda _index: self.open_selected())
        empty = QLabel("This ward has no audits yet.")
        empty.setVisible(not audits)

        self.buttons = QDialogButtonBox()
        self.open_button = self.buttons.addButton("&Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setAccessibleName("Open the selected audit")
        self.open_button.setToolTip("Show the selected audit on the Audit screen")
        self.open_button.setEnabled(bool(audits))
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close")
        for button in (self.open_button, self.close_button):
            touch_sized(button)  # the width follows its words
        self.buttons.accepted.connect(self.open_selected)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addWidget(empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        screen = self.screen() or QApplication.primaryScreen()
        room = screen.availableGeometry() if screen else QRect(0, 0, 1366, 768)
        self.resize(min(900, room.width() - 40), min(520, room.height() - 60))

        row = next((n for n, a in enumerate(audits) if a.id == figure.audit_id), 0)
        if audits:
            self.table.selectRow(row)
        self.table.setFocus()

    def selected_audit(self) -> str | None:
        index = self.table.currentIndex()
        value = index.data(AuditListModel.ID_ROLE) if index.isValid() else None
        return str(value) if value else None

    def open_selected(self) -> None:
        audit_id = self.selected_audit()
        if audit_id:
            self.open_requested.emit(audit_id)
            self.accept()


# --- exchange file dialogs --------------------------------------------------------------------


DEFAULT_DESTINATION = "Quality team"


class ExportExchangeDialog(QDialog):
    """Which audits go into the exchange file: by default what its destination has not had
    from here yet; or everything; or those signed off or changed since a day."""

    def __init__(
        self,
        last_export: date | None,
        parent: QWidget | None = None,
        *,
        sent: Sequence[tuple[str, str]] = (),
    ) -> None:
        """``sent`` is (destination, when last sent, ISO) for each destination, newest first."""
        super().__init__(parent)
        self._sent = {name.casefold(): when for name, when in sent}
        self.setWindowTitle("Export an exchange file")
        self.setAccessibleName("Export an exchange file")
        intro = QLabel(
            "An exchange file carries signed-off audits, with their actions, history and "
            "photos, to another laptop or to the quality team's database. Audits in progress "
            "stay here."
        )
        intro.setWordWrap(True)
        self.destination = QComboBox()
        self.destination.setEditable(True)
        self.destination.setAccessibleName("Where the exchange file is going")
        self.destination.setMinimumHeight(36)
        for name, _when in sent:
            self.destination.addItem(name)
        if not sent:
            self.destination.addItem(DEFAULT_DESTINATION)
        self.new_only = QRadioButton("&What it has not had from this database yet")
        self.new_only.setAccessibleName("Only what the destination has not had from here yet")
        self.all_audits = QRadioButton("&Everything: all signed-off audits")
        self.all_audits.setAccessibleName("All signed-off audits")
        self.since_option = QRadioButton("Only audits signed off or changed on or &after")
        self.since_option.setAccessibleName("Only audits signed off or changed on or after a day")
        group = QButtonGroup(self)
        for option in (self.new_only, self.all_audits, self.since_option):
            group.addButton(option)
        self.new_only.setChecked(True)
        self.since_date = QDateEdit()
        self.since_date.setDisplayFormat("dd/MM/yyyy")
        self.since_date.setCalendarPopup(True)
        self.since_date.setAccessibleName("Day to export from")
        self.since_date.setMinimumHeight(36)
        default = last_export or (clock.today() - timedelta(days=30))
        self.since_date.setDate(QDate(default.year, default.month, default.day))
        self.since_date.setEnabled(False)
        self.since_option.toggled.connect(self.since_date.setEnabled)
        self.sent_note = QLabel()
        self.sent_note.setObjectName("muted")
        self.sent_note.setWordWrap(True)
        self.sent_note.setAccessibleName("What was sent there before")
        self.destination.currentTextChanged.connect(lambda _text: self._say_what_was_sent())
        self._say_what_was_sent()
        note = QLabel(
            f"The last exchange file from this database was exported on {clock.uk_date(last_export)}."
            if last_export
            else "No exchange file has been exported from this database yet."
        )
        note.setObjectName("muted")
        note.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            "Choose where to save…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setAccessibleName("Choose where to save the exchange file")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        for button in (self.save_button, cancel):
            touch_sized(button)  # the width follows its words
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        going = QLabel("&Going to")
        going.setBuddy(self.destination)
        going_row = QHBoxLayout()
        going_row.addWidget(going)
        going_row.addWidget(self.destination, 1)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since_option)
        since_row.addWidget(self.since_date)
        since_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(going_row)
        layout.addWidget(self.new_only)
        layout.addWidget(self.sent_note)
        layout.addWidget(self.all_audits)
        layout.addLayout(since_row)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(640, 380)

    def _say_what_was_sent(self) -> None:
        when = self._sent.get(self.destination_name().casefold())
        self.sent_note.setText(
            f"Audits signed off or changed since the export to it on {clock.uk_datetime(when)}."
            if when
            else "Nothing has been exported there yet, so this is everything."
        )

    def destination_name(self) -> str:
        return self.destination.currentText().strip() or DEFAULT_DESTINATION

    def everything(self) -> bool:
        return self.all_audits.isChecked()

    def since(self) -> date | None:
        if not self.since_option.isChecked():
            return None
        chosen = self.since_date.date()
        return date(chosen.year(), chosen.month(), chosen.day())
