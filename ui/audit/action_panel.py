"""The action a No or Partly raises, shown right under the answer buttons: pre-filled from
the item, edited in place, and accepted with one key (Enter) before the card moves on.

Typed text is kept as a draft while she types and saved to the action when the field is
left or the action accepted; a new risk or due date is saved at once. When the ward still
has an action open for the same item from an earlier audit, the panel shows that action:
the finding is linked to it (no duplicate for estates) unless she raises a new one.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from ui.theme import MIN_TOUCH_PX, row_wrap, touch_sized
from ui.widgets.chips import BandChip
from ui.widgets.identifiers import IdentifierWarning
from ui.widgets.layouts import FlowLayout
from wardaudit import clock
from wardaudit.model import Action
from wardaudit.risk import CONSEQUENCE, LIKELIHOOD


class ActionPanel(QGroupBox):
    """The action raised by a No or Partly, pre-filled from the item and editable in place."""

    changed = Signal(str, dict)  # action id, the fields to change
    typed = Signal(str, str)  # draft field ("action_description", "action_owner"), its text
    accepted = Signal()  # Enter on "Accept and go on": the card moves on
    raise_new_requested = Signal()  # raise this audit's own action instead of the link
    link_requested = Signal(str)  # link to the ward's open action (its id) instead

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Action to put this right", parent)
        self.setAccessibleName("Action raised by this answer")
        self._action: Action | None = None
        self._earlier: Action | None = None
        self._loading = False
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(row_wrap(self))
        form.setVerticalSpacing(6)
        self.form = form

        # The earlier action still open for this item, when there is one.
        self.earlier_label = QLabel(self)
        self.earlier_label.setWordWrap(True)
        self.earlier_label.setTextFormat(Qt.TextFormat.PlainText)
        self.earlier_label.setAccessibleName("Action already open for this item")
        self.earlier_label.setVisible(False)
        form.addRow(self.earlier_label)

        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName("Action description")
        self.description.setMinimumHeight(MIN_TOUCH_PX + 8)
        self.description.setMaximumHeight(MIN_TOUCH_PX * 2)
        self.description.installEventFilter(self)
        self.description.textChanged.connect(self._description_typed)
        self.description_label = QLabel("What will be done", self)
        self.description_label.setBuddy(self.description)
        form.addRow(self.description_label, self.description)
        self.description_warning = IdentifierWarning("Action description warning", self)
        form.addRow(self.description_warning)
        self.description.textChanged.connect(
            lambda: self.description_warning.check({"description": self.description.toPlainText()})
        )

        self.owner = touch_sized(QLineEdit(self))
        self.owner.setAccessibleName("Action owner")
        self.owner.editingFinished.connect(self._owner_finished)
        self.owner.textEdited.connect(lambda text: self._typed("action_owner", text))
        self.owner_label = QLabel("Owner", self)
        self.owner_label.setBuddy(self.owner)
        form.addRow(self.owner_label, self.owner)

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
        times.setObjectName("riskSign")
        times.setAccessibleName("times")
        risk_row.addWidget(self.likelihood)
        risk_row.addWidget(times)
        risk_row.addWidget(self.consequence)
        equals = QLabel("=", self)
        equals.setObjectName("riskSign")
        risk_row.addWidget(equals)
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
        self.due_label = QLabel("Due", self)
        self.due_label.setBuddy(self.due)
        form.addRow(self.due_label, due_row)
        self.risk_label = label_for_risk = form.labelForField(risk_row)
        assert label_for_risk is not None

        buttons = FlowLayout(spacing=8)
        self.accept_button = touch_sized(QPushButton("Accept and go on (Enter)", self))
        self.accept_button.setObjectName("primary")
        self.accept_button.setAutoDefault(True)
        self.accept_button.setAccessibleName("Accept the action and go on to the next item")
        self.accept_button.clicked.connect(self._accept)
        self.new_button = touch_sized(QPushButton("Raise a new action instead", self))
        self.new_button.setAutoDefault(True)
        self.new_button.setAccessibleName("Raise a new action instead of the link")
        self.new_button.clicked.connect(self.raise_new_requested)
        self.link_button = touch_sized(QPushButton("Link to the open action instead", self))
        self.link_button.setAutoDefault(True)
        self.link_button.setAccessibleName("Link this finding to the action already open")
        self.link_button.clicked.connect(self._link)
        for button in (self.accept_button, self.new_button, self.link_button):
            buttons.addWidget(button)
        form.addRow(buttons)

    @property
    def action(self) -> Action | None:
        return self._action

    def show_action(
        self,
        action: Action,
        due_days: int | None,
        *,
        drafts: dict[str, str] | None = None,
        earlier: Action | None = None,
        earlier_from: str = "",
    ) -> None:
        """Fill the fields from the stored action, or from her drafts of its wording and owner
        (without saving anything back). ``earlier``: the ward's action still open for this
        item, which she may link the finding to instead."""
        drafts = drafts or {}
        self._loading = True
        try:
            self._action = action
            self._earlier = earlier
            self._show_fields(True)
            self.setTitle(f"Action for {action.item}: check it, then press Enter to go on")
            description = drafts.get("action_description", action.description)
            owner = drafts.get("action_owner", action.owner)
            if self.description.toPlainText() != description:
                self.description.setPlainText(description)
            if self.owner.text() != owner:
                self.owner.setText(owner)
            self.earlier_label.setVisible(earlier is not None)
            if earlier is not None:
                self.earlier_label.setText(
                    f"The ward already has an action open for {earlier.item}{earlier_from}: "
                    f"“{earlier.description}”, due {clock.uk_date(earlier.due)}. Link this "
                    "finding to it instead, so estates get one action, not two?"
                )
            self.link_button.setVisible(earlier is not None)
            self.new_button.setVisible(False)
            self.accept_button.setText("Accept this action and go on (Enter)")
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

    def show_link(self, earlier: Action, earlier_from: str) -> None:
        """The finding is linked to the ward's open action: it is shown, with the way out."""
        self._loading = True
        try:
            self._action = None
            self._earlier = earlier
            self.setTitle(f"{earlier.item} is linked to the action already open")
            self.earlier_label.setText(
                f"This finding is added to the action already open for {earlier.item}"
                f"{earlier_from}: “{earlier.description}”, owner {earlier.owner or 'not set'}, "
                f"{earlier.risk.score} {earlier.risk.band_word}, due "
                f"{clock.uk_date(earlier.due)}. Estates get no second action."
            )
            self.earlier_label.setVisible(True)
            self._show_fields(False)
            self.link_button.setVisible(False)
            self.new_button.setVisible(True)
            self.accept_button.setText("Keep it linked and go on (Enter)")
        finally:
            self._loading = False

    def _show_fields(self, shown: bool) -> None:
        for widget in (
            self.description,
            self.description_label,
            self.owner,
            self.owner_label,
            self.risk_label,
            self.likelihood,
            self.consequence,
            self.band,
            self.due,
            self.due_label,
            self.due_hint,
        ):
            widget.setVisible(shown)
        for times in self.findChildren(QLabel, "riskSign"):
            times.setVisible(shown)

    def clear(self) -> None:
        """No action for the item shown: nothing here may be saved against another item."""
        self._action = None
        self._earlier = None

    @property
    def earlier(self) -> Action | None:
        return self._earlier

    def _accept(self) -> None:
        self.flush()
        self.accepted.emit()

    def _link(self) -> None:
        if self._earlier is not None:
            self.link_requested.emit(self._earlier.id)

    def _typed(self, field: str, text: str) -> None:
        if not self._loading and self._action is not None:
            self.typed.emit(field, text)

    def _description_typed(self) -> None:
        self._typed("action_description", self.description.toPlainText())

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
