"""The item card: one checklist item as she answers it, in large type with four big answer
buttons, then the note, the place on the ward, photos, and the action a No or Partly raises.

The card only shows; the audit screen decides what is saved and where to go next.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.audit.action_panel import ActionPanel
from ui.audit.keys import KEY_LETTERS
from ui.audit.photos import PhotoStrip
from ui.theme import MIN_TOUCH_PX, row_wrap, scaled_font, touch_sized
from ui.widgets.messages import announce
from wardaudit import clock
from wardaudit.checklist import Item
from wardaudit.model import Answer
from wardaudit.scoring import ANSWER_WORDS, allowed_answers


def time_of(iso: str) -> str:
    """hh:mm:ss of a stored timestamp, or nothing when the store did not give one."""
    try:
        return clock.parse_iso(iso).strftime("%H:%M:%S") if iso else ""
    except ValueError:
        return ""


class ItemCard(QFrame):
    """The item card; it takes focus so the answer keys work without touching the mouse."""

    answer_chosen = Signal(str)  # an answer value, from a button

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(
            "QFrame#itemCard { border: 3px solid transparent; border-radius: 6px; }"
            " QFrame#itemCard:focus { border: 3px solid palette(highlight); }"
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 6)
        layout.setSpacing(6)

        # What was just saved, with a way straight back (answers move on automatically).
        self.last_strip = QFrame(self)
        self.last_strip.setFrameShape(QFrame.Shape.StyledPanel)
        strip = QHBoxLayout(self.last_strip)
        strip.setContentsMargins(8, 2, 8, 2)
        self.last_label = QLabel(self.last_strip)
        self.last_label.setWordWrap(True)
        self.back_button = touch_sized(QPushButton(self.last_strip))
        strip.addWidget(self.last_label, 1)
        strip.addWidget(self.back_button)
        self.last_strip.setVisible(False)
        layout.addWidget(self.last_strip)

        place_row = QHBoxLayout()
        self.place_label = QLabel(self)
        self.place_label.setWordWrap(True)
        self.critical_badge = QLabel(
            "Critical item: a No makes the ward Red. Only Yes, No or N/A can be given.", self
        )
        self.critical_badge.setWordWrap(True)
        self.critical_badge.setStyleSheet(
            "QLabel { border: 2px solid palette(text); border-radius: 4px; padding: 2px 6px;"
            " font-weight: bold; }"
        )
        place_row.addWidget(self.place_label, 1)
        layout.addLayout(place_row)
        self._place_row = place_row
        layout.addWidget(self.critical_badge)

        self.question = QLabel(self)
        self.question.setWordWrap(True)
        self.question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.question.setFont(scaled_font(self.question, 1.6, bold=True))
        self.question.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.question)

        self.guidance_button = touch_sized(QPushButton("What good looks like and why (G)", self))
        self.guidance_button.setCheckable(True)
        self.guidance_button.setAccessibleName("What good looks like and why")
        self.guidance_button.toggled.connect(self._guidance_toggled)
        self.guidance = QLabel(self)
        self.guidance.setWordWrap(True)
        self.guidance.setTextFormat(Qt.TextFormat.RichText)
        self.guidance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guidance.setFrameShape(QFrame.Shape.StyledPanel)
        self.guidance.setMargin(8)
        self.guidance.setVisible(False)
        # Beside where the item is, so the question and the answers keep the room.
        self._place_row.addWidget(self.guidance_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.guidance)

        self.answer_grid = QGridLayout()
        self.answer_grid.setSpacing(10)
        self.answer_columns = 0
        self.answer_buttons: dict[str, QPushButton] = {}
        for value in ("yes", "partial", "no", "na"):
            button = QPushButton(f"{ANSWER_WORDS[value]} ({KEY_LETTERS[value]})", self)
            button.setCheckable(True)
            button.setMinimumSize(QSize(112, 64))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setFont(scaled_font(button, 1.3, bold=True))
            button.setAccessibleName(f"Answer {ANSWER_WORDS[value]}")
            button.setToolTip(
                f"Answer {ANSWER_WORDS[value]} and move on (key {KEY_LETTERS[value]})"
            )
            button.setStyleSheet(
                "QPushButton:checked { border: 4px solid palette(highlight);"
                " text-decoration: underline; }"
            )
            button.clicked.connect(lambda _=False, v=value: self.answer_chosen.emit(v))
            self.answer_buttons[value] = button
        self.place_answer_buttons(4)
        layout.addLayout(self.answer_grid)
        self.answer_state = QLabel(self)
        self.answer_state.setWordWrap(True)
        self.answer_state.setAccessibleName("Current answer")
        layout.addWidget(self.answer_state)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.setStyleSheet("QLabel { font-weight: bold; }")
        self.message.setVisible(False)
        layout.addWidget(self.message)

        # Where she is looking after a No or Partly: right under the answer buttons.
        self.action_panel = ActionPanel(self)
        self.action_panel.setVisible(False)
        layout.addWidget(self.action_panel)

        details = QFormLayout()
        details.setRowWrapPolicy(row_wrap(self))
        details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        note_box = QVBoxLayout()
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(
            "What you found, in a sentence. Describe the place, not a patient."
        )
        self.note.setAccessibleName("Note")
        self.note.setMinimumHeight(MIN_TOUCH_PX * 3 // 2)
        self.note.setMaximumHeight(MIN_TOUCH_PX * 2)
        note_box.addWidget(self.note)
        self.note_warning = QLabel(self)
        self.note_warning.setWordWrap(True)
        self.note_warning.setAccessibleName("Note warning")
        self.note_warning.setStyleSheet(
            "QLabel { border: 2px solid palette(text); padding: 4px; font-weight: bold; }"
        )
        self.note_warning.setVisible(False)
        note_box.addWidget(self.note_warning)
        self.note_hint = QLabel("", self)
        self.note_hint.setWordWrap(True)
        self.note_hint.setVisible(False)
        note_box.addWidget(self.note_hint)
        label = QLabel("Note", self)
        label.setBuddy(self.note)
        details.addRow(label, note_box)

        self.location = touch_sized(QComboBox(self))
        self.location.setEditable(True)
        self.location.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.location.setAccessibleName("Location on the ward")
        self.location_line.setPlaceholderText("Choose an area of the ward, or type one")
        label = QLabel("Where on the ward", self)
        label.setBuddy(self.location)
        details.addRow(label, self.location)

        photo_box = QHBoxLayout()
        self.add_photo_button = touch_sized(QPushButton("Add photo…", self))
        self.add_photo_button.setAccessibleName("Add photo from a file")
        self.photo_busy = QLabel("", self)
        photo_box.addWidget(self.add_photo_button, 0, Qt.AlignmentFlag.AlignTop)
        self.photo_strip = PhotoStrip(self)
        photo_box.addWidget(self.photo_strip, 1)
        photo_box.addWidget(self.photo_busy)
        details.addRow(QLabel("Photos", self), photo_box)
        layout.addLayout(details)

        nav = QHBoxLayout()
        self.previous_button = touch_sized(QPushButton("◀ Previous", self))
        self.previous_button.setAccessibleName("Previous item")
        self.previous_button.setToolTip("Previous item (Page Up or Left arrow)")
        self.next_button = touch_sized(QPushButton("Next ▶", self))
        self.next_button.setAccessibleName("Next item")
        self.next_button.setToolTip("Next item (Page Down or Right arrow)")
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        layout.addStretch(1)

    @property
    def location_line(self) -> QLineEdit:
        """The text field of the location box (she may type a place not in the list)."""
        line = self.location.lineEdit()
        assert line is not None  # the box is editable
        return line

    # --- laying out the answer buttons ------------------------------------------------------

    def place_answer_buttons(self, columns: int) -> None:
        """Four in a row; two by two when the text is large or the window narrow."""
        if columns == self.answer_columns:
            return
        self.answer_columns = columns
        for number, button in enumerate(self.answer_buttons.values()):
            self.answer_grid.removeWidget(button)
            self.answer_grid.addWidget(button, number // columns, number % columns)

    def fit_answer_buttons(self, width: int) -> None:
        """Four in a row if ``width`` (the room the card has) holds them, else two by two."""
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        room = width - margins.left() - margins.right()
        needed = (
            sum(max(b.sizeHint().width(), b.minimumWidth()) for b in self.answer_buttons.values())
            + 3 * self.answer_grid.horizontalSpacing()
        )
        self.place_answer_buttons(4 if room >= needed else 2)

    # --- showing ----------------------------------------------------------------------------

    def show_item(
        self,
        item: Item,
        place: str,
        answer: Answer | None,
        *,
        note: str,
        location: str,
        areas: tuple[str, ...] | list[str],
        first: bool,
        last: bool,
    ) -> None:
        """Fill the card for ``item`` (``place``: "Item 3 of 55 · A03 · Section")."""
        self.message.setVisible(False)
        self.place_label.setText(place)
        self.critical_badge.setVisible(item.critical)
        self.question.setText(item.question)
        sources = "".join(f"<li>{html.escape(source)}</li>" for source in item.sources)
        self.guidance.setText(
            f"<p>{html.escape(item.guidance)}</p>"
            + (f"<p><b>Sources</b></p><ul>{sources}</ul>" if sources else "")
        )
        allowed = allowed_answers(item)
        for value, button in self.answer_buttons.items():
            button.setVisible(value in allowed)
            button.setEnabled(value in allowed)
            button.setChecked(answer is not None and answer.value == value)
        if answer:
            at = time_of(answer.answered_at)
            self.answer_state.setText(
                f"Answer: {ANSWER_WORDS[answer.value]}"
                + (f" (saved {at})" if at else " (saved)")
                + ". Press another answer key to change it."
            )
        else:
            self.answer_state.setText("Not answered yet.")
        self.note.setPlainText(note)
        self.location.clear()
        self.location.addItems(list(areas))
        self.location.setCurrentIndex(-1)
        self.location.setEditText(location)
        self.previous_button.setEnabled(not first)
        self.next_button.setEnabled(not last)

    def describe_to_screen_readers(self, item: Item) -> None:
        self.setAccessibleName(f"Item {item.id}: {item.question}")
        self.setAccessibleDescription(self.answer_state.text())
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.NameChanged))

    def show_last(self, text: str, item_id: str) -> None:
        """Say what was just saved, since the card has already moved on."""
        self.last_label.setText(text)
        self.back_button.setText(f"Back to {item_id}")
        self.back_button.setAccessibleName(f"Back to item {item_id}")
        self.last_strip.setVisible(True)

    def say(self, text: str) -> None:
        """A message on the card, spoken by a screen reader too."""
        self.message.setText(text)
        self.message.setVisible(True)
        announce(self.message, text)

    def _guidance_toggled(self, shown: bool) -> None:
        self.guidance.setVisible(shown)
        self.guidance_button.setText(
            "Hide what good looks like (G)" if shown else "What good looks like and why (G)"
        )
