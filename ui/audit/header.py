"""The audit's header: the ward and checklist, progress ("34 / 58 answered"), the
provisional score and rating chip, any critical breach, and whether every answer is saved."""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.theme import scaled_font, touch_sized
from ui.widgets.chips import RatingChip
from ui.widgets.layouts import FlowLayout, OneLineLabel
from wardaudit import clock
from wardaudit.model import AuditRecord
from wardaudit.words import NONE_MARK, critical_breaches_words, floor_hold_words, score_words

SaveState = Literal["none", "saved", "failed"]


class AuditHeader(QFrame):
    """Two rows that fit 1366 px at double text size: who and what, then where she stands."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 4)
        # One line each (cut with "…", the whole in the tooltip): at 200% text the item keeps
        # the room, and the answer buttons stay in view.
        self.ward_label = OneLineLabel()
        self.ward_label.setParent(self)
        self.ward_label.setFont(scaled_font(self.ward_label, 1.3, bold=True))
        self.checklist_label = OneLineLabel()
        self.checklist_label.setParent(self)
        self.leave_button = touch_sized(QPushButton("Leave audit", self))
        self.leave_button.setAccessibleName("Leave audit (everything is saved)")
        self.leave_button.setToolTip("Every answer is already saved; you can resume later.")

        self.progress_label = QLabel(self)
        self.progress_label.setFont(scaled_font(self.progress_label, 1.15, bold=True))
        self.score_label = QLabel(self)
        self.score_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.rating_chip = RatingChip(None, self)
        self.rating_chip.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.breach_label = QLabel(self)
        self.floor_label = QLabel(self)  # a Green held at Amber by the section floor, and why
        self.floor_label.setWordWrap(True)
        self.floor_label.setAccessibleName("Why the rating is Amber")
        self.floor_label.hide()
        self.saved_label = QLabel(self)
        self.saved_label.setFont(scaled_font(self.saved_label, 1.0, bold=True))
        self.saved_label.setAccessibleName("Save status")
        self.items_button = touch_sized(QPushButton("Item list (Ctrl+L)", self))
        self.items_button.setCheckable(True)
        self.items_button.setAccessibleName("Show the item list")
        self.items_button.setToolTip("Show or hide the sections and items (Ctrl+L)")
        self.items_button.setVisible(False)
        self.summary_button = touch_sized(QPushButton("Summary (Ctrl+Enter)", self))
        self.summary_button.setAccessibleName("Summary and sign-off")
        self.summary_button.setToolTip("The summary, any unanswered items and sign-off")

        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.ward_label)
        names.addWidget(self.checklist_label)
        top = QHBoxLayout()
        top.addLayout(names, 1)
        top.addWidget(self.items_button)
        top.addWidget(self.summary_button)
        top.addWidget(self.leave_button)
        bottom = FlowLayout(spacing=12)
        for widget in (
            self.progress_label,
            self.score_label,
            self.rating_chip,
            self.breach_label,
            self.saved_label,
        ):
            bottom.addWidget(widget)
        grid.addLayout(top, 0, 0)
        grid.addLayout(bottom, 1, 0)
        grid.addWidget(self.floor_label, 2, 0)

    def show_record(self, record: AuditRecord, save_state: SaveState) -> None:
        """Where the audit stands; "Saved" is the screen's to say, after each commit."""
        ward = record.audit.ward
        self.ward_label.setText(f"{ward.name} · {ward.site} ({ward.designation.lower()} ward)")
        self.checklist_label.setText(record.checklist.label)
        score = record.score
        self.progress_label.setText(f"{score.answered} / {score.applicable} answered")
        self.progress_label.setAccessibleName(
            f"{score.answered} of {score.applicable} items answered"
        )
        word = "Provisional score" if record.audit.status == "in_progress" else "Score"
        self.score_label.setText(f"{word}: {score_words(score.overall, NONE_MARK)}")
        self.rating_chip.set_rating(score.rating)
        held = floor_hold_words(score, record.checklist.thresholds)
        self.floor_label.setText(held)
        self.floor_label.setVisible(bool(held))
        if score.critical_breach:
            breaches = score.critical_items
            self.breach_label.setText(
                "⚠ Critical breach: " + ", ".join(breaches) + " (rated Red)"
                if len(breaches) <= 3
                else f"⚠ {critical_breaches_words(len(breaches))} (rated Red)"
            )
            questions = [record.checklist.item(i).question for i in score.critical_items]
            self.breach_label.setToolTip("\n".join(questions))
        else:
            self.breach_label.setText("No critical breach")
            self.breach_label.setToolTip("")
        if record.audit.status != "in_progress":
            self.saved_label.setText(
                f"Signed off {clock.uk_date(record.audit.completed_at)}: locked"
            )
        elif save_state == "none":
            self.saved_label.setText("All answers saved")

    def show_saved(self, text: str) -> None:
        self.saved_label.setText(text)
        if self.saved_label.styleSheet():  # only after "Not saved": restyling costs each answer
            self.saved_label.setStyleSheet("")

    def show_not_saved(self) -> None:
        self.saved_label.setText("⚠ Not saved")
        self.saved_label.setStyleSheet(
            "QLabel { border: 2px solid palette(text); padding: 2px 6px; }"
        )
