"""The audit summary: where the ward stands before she signs, and the lock after.

A matron reads this before she signs: critical breaches first, in words; each section's
score; the actions by band; any unanswered item one click away. Then the sign-off form,
or for a locked audit who signed and the amendments (:mod:`ui.audit.signoff`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.audit import plan
from ui.audit.signoff import LockedPanel, SignOffForm
from ui.context import AppContext
from ui.theme import MIN_TOUCH_PX, is_high_contrast, scaled_font, touch_button
from ui.widgets.chips import BandChip, RatingChip
from ui.widgets.layouts import FlowLayout, clear_layout, heading_label, wrapped_label
from wardaudit import clock, palette, words
from wardaudit.model import AuditRecord, HistoryEvent
from wardaudit.risk import BAND_ORDER
from wardaudit.scoring import rate
from wardaudit.words import (
    NOT_SCORED,
    band_word,
    floor_hold_words,
    judged_under_words,
    score_words,
)

COMPACT_UNANSWERED = 8  # more gaps than this are shown as rows of buttons


class SummaryPage(QWidget):
    """Scores, breaches, actions and gaps; then sign-off, or for a locked audit, amendments."""

    item_requested = Signal(str)
    back_requested = Signal()
    completed = Signal(str)
    amended = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Audit summary")
        self._record: AuditRecord | None = None
        self.unanswered_buttons: dict[str, QPushButton] = {}
        self.held_label: QLabel | None = None  # why a Green is held at Amber, when it is
        self.judged_label: QLabel | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self._scroll)
        self._page = content = QWidget()
        self._scroll.setWidget(content)
        self._content = QVBoxLayout(content)
        self._content.setContentsMargins(16, 12, 16, 16)
        self._content.setSpacing(14)

        top = QHBoxLayout()
        self._title = heading_label("Summary", content)
        self._title.setFont(scaled_font(self._title, 1.5, bold=True))
        self.back_button = QPushButton("◀ Back to the items (Esc)", content)
        self.back_button.setMinimumHeight(MIN_TOUCH_PX)
        self.back_button.setAccessibleName("Back to the items")
        self.back_button.clicked.connect(self.back_requested)
        top.addWidget(self._title, 1)
        top.addWidget(self.back_button)
        self._content.addLayout(top)

        # After sign-off: the action plan in one click each, and printed.
        self.plan_bar = QFrame(content)
        bar = FlowLayout(self.plan_bar, spacing=8)
        bar.setContentsMargins(0, 0, 0, 0)
        self.plan_pdf_button = touch_button(
            "Action plan as PDF", tooltip="Save the action plan in your Documents folder as PDF"
        )
        self.plan_xlsx_button = touch_button(
            "Action plan as Excel",
            tooltip="Save the action plan in your Documents folder as an Excel workbook",
        )
        self.print_button = touch_button("Print the action plan…", tooltip="Print it")
        for button in (self.plan_pdf_button, self.plan_xlsx_button, self.print_button):
            button.setParent(self.plan_bar)
            bar.addWidget(button)
        self.plan_pdf_button.clicked.connect(lambda: self.save_plan("pdf"))
        self.plan_xlsx_button.clicked.connect(lambda: self.save_plan("xlsx"))
        self.print_button.clicked.connect(self.print_plan)
        self.plan_bar.setVisible(False)
        self.last_message: object = None
        self.last_op: object = None
        self._content.addWidget(self.plan_bar)

        self._report = QVBoxLayout()
        self._report.setSpacing(14)
        self._content.addLayout(self._report)

        self.signoff = SignOffForm(ctx, content)
        self.signoff.completed.connect(self.completed)
        self._content.addWidget(self.signoff)
        self.locked = LockedPanel(ctx, content)
        self.locked.amended.connect(self.amended)
        self._content.addWidget(self.locked)
        self._content.addStretch(1)

        escape = QShortcut(QKeySequence("Escape"), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._escape)

    def show_record(self, record: AuditRecord, history: list[HistoryEvent]) -> None:
        """Rebuild the report for ``record``; the sign-off form keeps what was typed."""
        first_time = self._record is None or self._record.audit.id != record.audit.id
        self._record = record
        in_progress = record.audit.status == "in_progress"
        self.back_button.setVisible(in_progress)
        self._title.setText(f"Summary: {record.audit.ward.name}")
        clear_layout(self._report)
        self.unanswered_buttons = {}
        parent = self._page
        self._report.addWidget(self._score_block(record, parent))
        self._report.addWidget(self._judged_block(record, parent))
        self._report.addWidget(self._breach_block(record, parent))
        self._report.addWidget(self._section_block(record, parent))
        self._report.addWidget(self._action_block(record, parent))
        missing = record.unanswered()
        if missing:
            self._report.addWidget(self._unanswered_block(record, missing, parent))
        self.signoff.setVisible(in_progress)
        self.locked.setVisible(not in_progress)
        self.plan_bar.setVisible(not in_progress)
        if in_progress:
            self.signoff.show_record(record, first_time=first_time)
        else:
            self.locked.show_record(record, history)

    def focus_first(self) -> None:
        """Put the keyboard where the matron will want it next."""
        record = self._record
        if record is None:
            return
        if record.audit.status != "in_progress":
            target: QWidget = self.locked.amend_button
        elif self.unanswered_buttons:
            target = next(iter(self.unanswered_buttons.values()))
        elif not self.signoff.name.text().strip():
            target = self.signoff.name
        elif not self.signoff.role.text().strip():
            target = self.signoff.role
        else:
            target = self.signoff.sign_off_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        # The summary opens at its top, on the score, the rating and the breaches: she reads
        # those before she signs; the form is a Tab (or a scroll) away.
        self.scroll_to_top()
        QTimer.singleShot(0, self.scroll_to_top)

    def scroll_to_top(self) -> None:
        self._scroll.verticalScrollBar().setValue(0)

    @property
    def scroll_position(self) -> int:
        return self._scroll.verticalScrollBar().value()

    # --- the action plan --------------------------------------------------------------------

    def save_plan(self, kind: str) -> None:
        if self._record is None or self._record.audit.status != "completed":
            return
        self.last_op = plan.save_plan(self, self.ctx, self._record, kind)

    def print_plan(self) -> None:
        if self._record is None or self._record.audit.status != "completed":
            return
        try:
            plan.print_plan(self, self._record)
        except Exception as error:  # shown to the matron and logged; nothing was changed
            ui_errors.show_error(self, error)

    def _escape(self) -> None:
        if self._record is not None and self._record.audit.status == "in_progress":
            self.back_requested.emit()

    def _score_block(self, record: AuditRecord, parent: QWidget) -> QWidget:
        box = QFrame(parent)
        box.setFrameShape(QFrame.Shape.StyledPanel)
        row = FlowLayout(box, spacing=16)  # wraps rather than widening the page at large text
        row.setContentsMargins(10, 8, 10, 8)
        score = record.score
        in_progress = record.audit.status == "in_progress"
        word = "Provisional score" if in_progress else "Score"
        shown = score_words(score.overall, NOT_SCORED)
        big = QLabel(f"{word}: {shown}", box)
        big.setFont(scaled_font(big, 1.8, bold=True))
        big.setAccessibleName(f"{word} {shown}")
        chip = RatingChip(score.rating, box)
        chip.setFont(scaled_font(chip, 1.6, bold=True))
        chip.setMinimumHeight(56)
        answered = QLabel(f"{score.answered} of {score.applicable} items answered", box)
        answered.setFont(scaled_font(answered, 1.2))
        row.addWidget(big)
        row.addWidget(chip)
        row.addWidget(answered)
        return box

    def _judged_block(self, record: AuditRecord, parent: QWidget) -> QWidget:
        """Why a Green is held at Amber, if the section floor does it; then the version,
        settings and rating rules the audit is judged under, as the action plan says them."""
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        held = floor_hold_words(record.score, record.checklist.thresholds)
        self.held_label = None
        if held:
            self.held_label = wrapped_label(held, box, bold=True)
            self.held_label.setAccessibleName("Why the rating is Amber")
            column.addWidget(self.held_label)
        self.judged_label = wrapped_label(judged_under_words(record.checklist.judged_under), box)
        self.judged_label.setAccessibleName("What the audit is judged under")
        column.addWidget(self.judged_label)
        return box

    def _breach_block(self, record: AuditRecord, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        breaches = record.score.critical_items
        if not breaches:
            column.addWidget(heading_label("Critical breaches: none", box))
            return box
        column.addWidget(
            heading_label(
                f"⚠ Critical breaches ({len(breaches)}): the ward is rated Red whatever the score",
                box,
            )
        )
        for item_id in breaches:
            item = record.checklist.item(item_id)
            label = wrapped_label(f"{item_id}: {item.question} Answered No.", box, bold=True)
            label.setStyleSheet(
                "QLabel { border-left: 6px solid palette(text); padding-left: 8px; }"
            )
            column.addWidget(label)
        return box

    def _unanswered_block(
        self, record: AuditRecord, missing: list[str], parent: QWidget
    ) -> QWidget:
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(heading_label(f"Unanswered ({len(missing)}): these block sign-off", box))
        # A few gaps are listed with their questions; many are shown as rows of buttons.
        compact = len(missing) > COMPACT_UNANSWERED
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        flow = FlowLayout(spacing=8)
        for number, item_id in enumerate(missing):
            item = record.checklist.item(item_id)
            button = QPushButton(f"Go to {item_id}", box)
            button.setMinimumHeight(MIN_TOUCH_PX)
            button.setAccessibleName(f"Go to unanswered item {item_id}")
            button.setAccessibleDescription(item.question)
            button.setToolTip(item.question)
            button.clicked.connect(lambda _=False, i=item_id: self.item_requested.emit(i))
            if compact:
                flow.addWidget(button)
            else:
                grid.addWidget(button, number, 0)
                grid.addWidget(wrapped_label(item.question, box), number, 1)
            self.unanswered_buttons[item_id] = button
        column.addLayout(flow if compact else grid)
        return box

    def _section_block(self, record: AuditRecord, parent: QWidget) -> QWidget:
        """Each section's bar in the colour of the rating its score would earn, with the word."""
        box = QWidget(parent)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(heading_label("Sections", box), 0, 0, 1, 5)
        colours = palette.screen(is_high_contrast())
        thresholds = record.checklist.thresholds
        breached = set(record.score.critical_items)
        self.section_ratings: dict[str, str | None] = {}
        for row, section in enumerate(record.score.sections, start=1):
            grid.addWidget(wrapped_label(section.title, box), row, 0)
            items = {i.id for i in record.checklist.section(section.id).items}
            rating = rate(section.score, bool(items & breached), thresholds)
            self.section_ratings[section.id] = rating
            swatch = colours.rating(rating)
            bar = QProgressBar(box)
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setMinimumWidth(160)
            bar.setStyleSheet(f"QProgressBar::chunk {{ background: {swatch.fill}; }}")
            number = words.section_score_words(section)
            bar.setValue(0 if section.score is None else round(float(section.score) * 10))
            word = words.rating_word(rating)
            bar.setAccessibleName(f"{section.title}: {number}, {word}")
            grid.addWidget(bar, row, 1)
            value = QLabel(number, box)
            value.setFont(scaled_font(value, 1.0, bold=True))
            grid.addWidget(value, row, 2)
            chip = RatingChip(rating, box)
            grid.addWidget(chip, row, 3)
            grid.addWidget(
                QLabel(f"{section.answered} of {section.applicable} answered", box), row, 4
            )
        grid.setColumnStretch(1, 1)
        return box

    def _action_block(self, record: AuditRecord, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(heading_label(f"Actions ({len(record.actions)})", box))
        if not record.actions:
            column.addWidget(wrapped_label("No actions: nothing was answered No or Partly.", box))
            return box
        for band in BAND_ORDER:
            in_band = [a for a in record.actions if a.risk.band == band]
            if not in_band:
                continue
            chip = BandChip(band, box)
            chip.setText(f"{band_word(band)} ({len(in_band)})")
            head = QHBoxLayout()
            head.addWidget(chip)
            head.addStretch(1)
            column.addLayout(head)
            for action in in_band:
                text = (
                    f"{action.item} · risk {action.risk.score} · due {clock.uk_date(action.due)}"
                    f" · {action.owner or 'owner not set'}: {action.description}"
                )
                if action.location:
                    text += f" (at {action.location})"
                column.addWidget(wrapped_label(text, box))
        return box
