"""The action a No or Partly raises, shown under the item card: pre-filled from the item and
edited in place. Typed text is saved when the field is left; a new risk or due date at once.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ui.theme import MIN_TOUCH_PX, row_wrap, touch_sized
from ui.widgets.chips import BandChip
from ui.widgets.layouts import FlowLayout
from wardaudit.model import Action
from wardaudit.risk import CONSEQUENCE, LIKELIHOOD


class ActionPanel(QGroupBox):
    """The action raised by a No or Partly, pre-filled from the item and editable in place."""

    changed = Signal(str, dict)  # action id, the fields to change

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Action to put this right (raised by this answer)", parent)
        self.setAccessibleName("Action raised by this answer")
        self._action: Action | None = None
        self._loading = False
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(row_wrap(self))

        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName("Action description")
        self.description.setMinimumHeight(72)
        self.description.setMaximumHeight(110)
        self.description.installEventFilter(self)
        label = QLabel("What will be done", self)
        label.setBuddy(self.description)
        form.addRow(label, self.description)

        self.owner = touch_sized(QLineEdit(self))
        self.owner.setAccessibleName("Action owner")
        self.owner.editingFinished.connect(self._owner_finished)
        label = QLabel("Owner", self)
        label.setBuddy(self.owner)
        form.addRow(label, self.owner)

        risk_row = FlowLayout(spacing=8)  # wraps at large text sizes instead of widening
        self.likelihood = touch_sized(QComboBox(self))
        self.likelihood.setAccessibleName("Likelihood")
        for number, word in LIKELIHOOD.items():
            self.likelihood.addItem(f"{number} {word}", number)
        self.consequence = touch_sized(QComboBox(self))
        self.consequence.setAccessibleName("Consequence")
        for number, word in CONSEQUENCE.items():
            self.consequence.addItem(f"{number} {word}", number)
        self.band = BandChip("low", self)
        self.band.setMinimumHeight(MIN_TOUCH_PX)
        times = QLabel("×", self)
        times.setAccessibleName("times")
        risk_row.addWidget(self.likelihood)
        risk_row.addWidget(times)
        risk_row.addWidget(self.consequence)
        risk_row.addWidget(QLabel("=", self))
        risk_row.addWidget(self.band)
        self.likelihood.currentIndexChanged.connect(self._risk_changed)
        self.consequence.currentIndexChanged.connect(self._risk_changed)
        label = QLabel("Risk (likelihood × consequence)", self)
        label.setBuddy(self.likelihood)
        form.addRow(label, risk_row)

        due_row = QHBoxLayout()
        self.due = touch_sized(QDateEdit(self))
        self.due.setDisplayFormat("dd/MM/yyyy")
        self.due.setCalendarPopup(True)
        self.due.setAccessibleName("Due date")
        self.due.dateChanged.connect(self._due_changed)
        self.due_hint = QLabel(self)
        self.due_hint.setWordWrap(True)
        due_row.addWidget(self.due)
        due_row.addWidget(self.due_hint, 1)
        label = QLabel("Due", self)
        label.setBuddy(self.due)
        form.addRow(label, due_row)

    @property
    def action(self) -> Action | None:
        return self._action

    def show_action(self, action: Action, due_days: int | None) -> None:
        """Fill the fields from the stored action (without saving anything back)."""
        self._loading = True
        try:
            self._action = action
            if self.description.toPlainText() != action.description:
                self.description.setPlainText(action.description)
            if self.owner.text() != action.owner:
                self.owner.setText(action.owner)
            self.likelihood.setCurrentIndex(action.risk.likelihood - 1)
            self.consequence.setCurrentIndex(action.risk.consequence - 1)
            self.band.set_band(action.risk.band, action.risk.score)
            self.band.setAccessibleName(
                f"Risk {action.risk.score}, {action.risk.band_word}: {action.risk.describe()}"
            )
            self.due.setDate(QDate(action.due.year, action.due.month, action.due.day))
            if due_days is not None:
                within = "the next day" if due_days == 1 else f"{due_days} days"
                self.due_hint.setText(
                    f"{action.risk.band_word} risks are due within {within} by default."
                )
            else:
                self.due_hint.setText("")
        finally:
            self._loading = False

    def clear(self) -> None:
        """No action for the item shown: nothing here may be saved against another item."""
        self._action = None

    def pending_changes(self) -> dict[str, object]:
        """Typed text not yet saved (the description and owner save when the field is left)."""
        if self._action is None:
            return {}
        changes: dict[str, object] = {}
        description = self.description.toPlainText().strip()
        if description and description != self._action.description:
            changes["description"] = description
        owner = self.owner.text().strip()
        if owner != self._action.owner:
            changes["owner"] = owner
        return changes

    def flush(self) -> None:
        changes = self.pending_changes()
        if changes and self._action is not None:
            self.changed.emit(self._action.id, changes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.description and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    def _owner_finished(self) -> None:
        if not self._loading:
            self.flush()

    def _risk_changed(self) -> None:
        if self._loading or self._action is None:
            return
        # Text typed but not yet saved goes with the change, so re-filling the panel keeps it.
        self.changed.emit(
            self._action.id,
            {
                **self.pending_changes(),
                "likelihood": int(self.likelihood.currentData()),
                "consequence": int(self.consequence.currentData()),
            },
        )

    def _due_changed(self, value: QDate) -> None:
        if self._loading or self._action is None:
            return
        chosen = date(value.year(), value.month(), value.day())
        if chosen != self._action.due:
            self.changed.emit(self._action.id, {**self.pending_changes(), "due": chosen})
