"""The selected action beside the Actions table: what it is and where it stands, the form
to update it, the audit that raised it, and its history (newest first)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.theme import MIN_TOUCH_PX, touch_button
from ui.widgets.identifiers import IdentifierWarning
from ui.widgets.layouts import FlowLayout, buddy_label
from ui.widgets.trustdb import READER_WORDS, allow_change
from wardaudit import clock
from wardaudit.actions import overdue_days
from wardaudit.model import ACTION_STATUSES, Action
from wardaudit.words import found_words, overdue_words, status_word

NOTE_HINT = "What was done, or why it cannot be done"


class FitWidthScroll(QScrollArea):
    """Scrolls its content up and down only, giving it the height its wrapped text needs.

    A resizable QScrollArea sizes its widget from the size hint, which leaves out the extra
    lines wrapped labels take at the width they get: the update form came out squashed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def refit(self) -> None:
        widget = self.widget()
        if widget is None:
            return
        width = self.viewport().width()
        layout = widget.layout()
        needed = (
            layout.totalHeightForWidth(width)
            if layout is not None and layout.hasHeightForWidth()
            else widget.sizeHint().height()
        )
        height = max(needed, widget.minimumSizeHint().height(), self.viewport().height())
        if widget.size() != QSize(width, height):
            widget.resize(width, height)

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)  # new text or a shown message asks for a new height

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.refit()
        return super().eventFilter(watched, event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.refit()
        return super().viewportEvent(event)


def _rich_label(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(name)
    return label


def _paragraphs(rows: Sequence[tuple[str, str]]) -> str:
    """Name: value lines; values are plain text, escaped here."""
    return "".join(
        f"<p style='margin:0 0 4px 0'><b>{html.escape(name, quote=False)}:</b> "
        f"{html.escape(value, quote=False)}</p>"
        for name, value in rows
    )


class ActionDetails(FitWidthScroll):
    """The selected action's details and update form; the screen saves what she enters."""

    save_requested = Signal()  # Ctrl+Enter in the form (the Save button is the screen's too)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        panel = QWidget()
        panel.setAccessibleName("The selected action")
        column = QVBoxLayout(panel)
        column.setContentsMargins(8, 0, 8, 8)

        self.details_title = QLabel()
        self.details_title.setObjectName("subheading")
        self.details_title.setWordWrap(True)
        self.details_title.setAccessibleName("Selected action")
        self.details_summary = _rich_label("The selected action and its status")
        self.details_text = _rich_label("What was found, where, and the risk")
        column.addWidget(self.details_title)
        column.addWidget(self.details_summary)

        # --- the update form, straight after what the action is
        self.update_box = QWidget()
        self.update_box.setAccessibleName("Update this action")
        update_layout = QVBoxLayout(self.update_box)
        update_layout.setContentsMargins(0, 6, 0, 0)
        update_heading = QLabel("Update this action")
        update_heading.setObjectName("subheading")
        update_heading.setWordWrap(True)
        update_layout.addWidget(update_heading)
        form = QFormLayout()
        update_layout.addLayout(form)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.status_edit = QComboBox()
        self.status_edit.setAccessibleName("New status")
        self.status_edit.setMinimumHeight(MIN_TOUCH_PX)
        for status in ACTION_STATUSES:
            self.status_edit.addItem(status_word(status), status)
        self.status_edit.currentIndexChanged.connect(self._status_chosen)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(NOTE_HINT)
        self.note_edit.setMinimumHeight(MIN_TOUCH_PX * 3 // 2)
        self.note_edit.setMaximumHeight(MIN_TOUCH_PX * 2)
        self.note_edit.textChanged.connect(self._note_typed)
        self.owner_edit = QComboBox()
        self.owner_edit.setEditable(True)
        self.owner_edit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.owner_edit.setAccessibleName("Owner")
        self.owner_edit.setMinimumHeight(MIN_TOUCH_PX)
        self.owner_edit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.owner_edit.setMinimumContentsLength(8)
        self.due_edit = QDateEdit()
        self.due_edit.setDisplayFormat("dd/MM/yyyy")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setAccessibleName("Due date")
        self.due_edit.setMinimumHeight(MIN_TOUCH_PX)
        for text, widget in (("&Status", self.status_edit), ("&Note", self.note_edit)):
            form.addRow(buddy_label(text, widget), widget)
        self.note_warning = IdentifierWarning("Note warning")
        form.addRow(self.note_warning)
        self.due_edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        for text, field in (("Own&er", self.owner_edit), ("&Due", self.due_edit)):
            form.addRow(buddy_label(text, field), field)
        self.form_message = QLabel()
        self.form_message.setWordWrap(True)
        self.form_message.setAccessibleName("Update message")
        self.form_message.hide()
        form.addRow(self.form_message)
        self.save_button = touch_button(
            "Save update",
            tooltip="Save the new status and note, and any change of owner or due date "
            "(Ctrl+Enter from any field of the form)",
            primary=True,
        )
        self.readonly = False  # a reader's login on the trust database: the form is shown, held
        self.reader_note = QLabel(READER_WORDS)
        self.reader_note.setWordWrap(True)
        self.reader_note.setObjectName("muted")
        self.reader_note.setAccessibleName("Why this action cannot be updated")
        self.reader_note.hide()
        form.addRow(self.reader_note)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.update_box)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save_requested)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        form.addRow(save_row)
        column.addWidget(self.update_box)
        column.addWidget(self.details_text)

        # --- the audit that raised it
        self.open_audit_button = touch_button(
            "Open the audit", tooltip="Show the audit that raised this action"
        )
        self.plan_pdf_button = touch_button(
            "PDF…",
            "Export this audit's plan (PDF)",
            tooltip="Save the action plan of the audit that raised this action, as a PDF",
        )
        self.plan_xlsx_button = touch_button(
            "Excel…",
            "Export this audit's plan (Excel)",
            tooltip="Save the action plan of the audit that raised this action, as a workbook",
        )
        plan_label = QLabel("Export this audit's plan:")
        plan_label.setWordWrap(True)
        links = FlowLayout(spacing=8)
        for part in (self.open_audit_button, plan_label):
            links.addWidget(part)
        links.addWidget(self.plan_pdf_button)
        links.addWidget(self.plan_xlsx_button)
        column.addLayout(links)

        # --- the history
        history_label = QLabel("&History (newest first)")
        history_label.setObjectName("subheading")
        history_label.setWordWrap(True)
        self.history_list = QListWidget()
        self.history_list.setAccessibleName("History of the selected action, newest first")
        self.history_list.setWordWrap(True)
        self.history_list.setMinimumHeight(MIN_TOUCH_PX * 3)
        history_label.setBuddy(self.history_list)
        column.addWidget(history_label)
        column.addWidget(self.history_list, 1)

        self.setWidget(panel)
        self.setMinimumWidth(320)

    # --- showing ----------------------------------------------------------------------------

    def show_action(self, action: Action | None, *, today: date, question: str, busy: bool) -> None:
        """Fill the details and the form for one action (or none); the history comes apart."""
        has = action is not None
        for widget in (self.open_audit_button, self.plan_pdf_button, self.plan_xlsx_button):
            widget.setEnabled(has and not busy)
        self.update_box.setEnabled(has and not self.readonly)
        for field in (
            self.status_edit,
            self.note_edit,
            self.owner_edit,
            self.due_edit,
            self.save_button,
        ):
            allow_change(field, True, readonly=self.readonly)
        self.reader_note.setVisible(self.readonly)
        self.form_message.hide()
        self.note_edit.blockSignals(True)
        self.note_edit.clear()
        self.note_edit.blockSignals(False)
        self.history_list.clear()
        if action is None:
            self.details_title.setText("No action chosen")
            self.details_summary.setText(
                "Choose an action in the table to see what was found, its history, and to "
                "update it."
            )
            self.details_text.setText("")
            self.refit()
            return
        self.details_title.setText(f"{action.item} · {action.ward_name}, {action.site_name}")
        self.details_summary.setText(self._summary_html(action, today))
        self.details_text.setText(self._details_html(action, question))
        self.status_edit.setCurrentIndex(max(0, self.status_edit.findData(action.status)))
        self.owner_edit.setEditText(action.owner)
        self.due_edit.setDate(QDate(action.due.year, action.due.month, action.due.day))
        self.refit()

    def show_history(self, lines: Sequence[str]) -> None:
        self.history_list.clear()
        self.history_list.addItems(list(lines))

    def history_texts(self) -> list[str]:
        found = (self.history_list.item(row) for row in range(self.history_list.count()))
        return [item.text() for item in found if item is not None]

    def set_links_enabled(self, enabled: bool) -> None:
        """The audit's buttons: off while a document is being written, or with no action."""
        for widget in (self.open_audit_button, self.plan_pdf_button, self.plan_xlsx_button):
            widget.setEnabled(enabled)

    def focus_form(self) -> None:
        self.status_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.ensureWidgetVisible(self.status_edit)

    def say(self, text: str, *, problem: bool = False) -> None:
        """A message in the form: what was saved, or (as a problem) why nothing was."""
        self.form_message.setObjectName("problem" if problem else "")
        self.form_message.style().unpolish(self.form_message)  # restyled by its new name
        self.form_message.style().polish(self.form_message)
        self.form_message.setText(("⚠ " if problem else "") + text)
        self.form_message.show()
        self.refit()
        self.ensureWidgetVisible(self.form_message)

    def _summary_html(self, action: Action, today: date) -> str:
        """What the action is and where it stands: read before updating it."""
        text = _paragraphs([("Action", action.description)])
        days = overdue_days(action, today)
        status = html.escape(action.status_word, quote=False)
        status += f", due {clock.uk_date(action.due)}"
        if days:
            status += f" — <b>{overdue_words(days)}</b>"
        text += f"<p style='margin:0 0 4px 0'><b>Status:</b> {status}</p>"
        if action.status_note:
            text += _paragraphs([("Latest note", action.status_note)])
        return text

    @staticmethod
    def _details_html(action: Action, question: str) -> str:
        """What was found and where, the risk, and what estates sent back."""
        rows: list[tuple[str, str]] = []
        if action.critical:
            rows.append(("Critical item", "a No here is a critical breach (rated Red)"))
        rows.append(("Item", f"{action.item}: {question}" if question else action.item))
        rows.append(("What was found", found_words(action) or "Not recorded"))
        rows.append(("Where", action.location or "Not recorded"))
        rows.append(("Risk", action.risk.describe()))
        rows.append(("Raised", clock.uk_date(action.created_at)))
        if action.comment:
            rows.append(("Estates comment", action.comment))
        if action.completed_on:
            rows.append(("Completed on", clock.uk_date(action.completed_on)))
        return _paragraphs(rows)

    # --- the form ---------------------------------------------------------------------------

    def _status_chosen(self, _index: int) -> None:
        if self.status_edit.currentData() == "cannot_do":
            self.note_edit.setPlaceholderText("Why it cannot be done (needed for Cannot do)")
        else:
            self.note_edit.setPlaceholderText(NOTE_HINT)
        self.form_message.hide()
        self.refit()

    def _note_typed(self) -> None:
        self.note_warning.check({"status_note": self.note_edit.toPlainText()})
        if self.form_message.objectName() == "problem" and self.note_edit.toPlainText().strip():
            self.form_message.hide()
            self.refit()
