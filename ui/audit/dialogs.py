"""The audit's dialogs: the question before sign-off locks the audit, and the amendment of
one answer of a signed-off audit (the new answer, a note and the reason)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from ui.theme import MIN_TOUCH_PX
from ui.widgets.layouts import wrapped_label
from wardaudit.identifiers import identifier_warning
from wardaudit.model import AuditRecord
from wardaudit.scoring import ANSWER_WORDS, allowed_answers
from wardaudit.words import answer_word


def confirm_sign_off(parent: QWidget | None, text: str) -> bool:
    """Ask before locking (a modal question: tests replace this function)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Sign off and lock",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QMessageBox.StandardButton.Yes).setText("Sign off and lock")
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    box.setAccessibleName("Sign off and lock")
    return box.exec() == QMessageBox.StandardButton.Yes


class AmendDialog(QDialog):
    """Correct one answer of a signed-off audit: the new answer, a note and the reason."""

    def __init__(self, record: AuditRecord, by: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Amend an answer")
        self.setAccessibleName("Amend an answer")
        self.setModal(True)
        self._record = record
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        intro = wrapped_label(
            "The audit stays locked. This change and its reason are added to the audit's "
            "history, and the score is worked out again.",
            self,
        )
        form.addRow(intro)

        self.item = QComboBox(self)
        self.item.setMinimumHeight(MIN_TOUCH_PX)
        self.item.setAccessibleName("Item to amend")
        for item in record.checklist.applicable_items(record.audit.ward.sex):
            answer = record.answers.get(item.id)
            now = answer_word(answer.value if answer else None, "not answered")
            question = item.question if len(item.question) <= 70 else item.question[:69] + "…"
            self.item.addItem(f"{item.id} ({now}): {question}", item.id)
        self.item.currentIndexChanged.connect(self._item_changed)
        form.addRow("Item", self.item)

        self.value = QComboBox(self)
        self.value.setMinimumHeight(MIN_TOUCH_PX)
        self.value.setAccessibleName("New answer")
        form.addRow("New answer", self.value)

        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName("Note")
        self.note.setMaximumHeight(100)
        self.note.textChanged.connect(self._check)
        form.addRow("Note", self.note)
        self.note_warning = wrapped_label("", self, bold=True)
        self.note_warning.setVisible(False)
        form.addRow(self.note_warning)

        self.reason = QLineEdit(self)
        self.reason.setMinimumHeight(MIN_TOUCH_PX)
        self.reason.setAccessibleName("Reason for the amendment (required)")
        self.reason.setPlaceholderText("Why the answer is being changed (required)")
        self.reason.textChanged.connect(self._check)
        form.addRow("Reason", self.reason)

        self.by = QLineEdit(by, self)
        self.by.setMinimumHeight(MIN_TOUCH_PX)
        self.by.setAccessibleName("Name of the person amending (required)")
        self.by.textChanged.connect(self._check)
        form.addRow("Amended by", self.by)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Amend")
        for button in self.buttons.buttons():
            button.setMinimumHeight(MIN_TOUCH_PX)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._item_changed()

    def _item_changed(self) -> None:
        item_id = self.item.currentData()
        item = self._record.checklist.item(item_id)
        answer = self._record.answers.get(item_id)
        self.value.clear()
        for value in allowed_answers(item):
            self.value.addItem(ANSWER_WORDS[value], value)
        if answer:
            self.value.setCurrentIndex(max(0, self.value.findData(answer.value)))
        self.note.setPlainText(answer.note if answer else "")
        self._check()

    def _check(self) -> None:
        warning = identifier_warning(self.note.toPlainText())
        self.note_warning.setVisible(warning is not None)
        if warning:
            self.note_warning.setText("⚠ " + warning[:1].upper() + warning[1:])
        ready = bool(self.reason.text().strip() and self.by.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def values(self) -> dict[str, str]:
        return {
            "item": self.item.currentData(),
            "value": self.value.currentData(),
            "note": self.note.toPlainText().strip(),
            "reason": self.reason.text().strip(),
            "by": self.by.text().strip(),
        }
