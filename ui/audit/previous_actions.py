"""Actions still open from the ward's earlier audits, shown above the item card so she can
verify them on this walk-round ("Verified now") or note that they are still not done.

Each is one store action (the action's new status, or a note that it was seen), saved
here; the audit screen hears ``saved`` and shows "Saved" as it does for an answer.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.theme import MIN_TOUCH_PX, scaled_font, touch_sized
from ui.widgets.layouts import OneLineLabel
from wardaudit import clock
from wardaudit.actions import overdue_days
from wardaudit.model import Action, AuditRecord
from wardaudit.words import overdue_words

log = logging.getLogger(__name__)


class PreviousActionsPanel(QFrame):
    """Actions still open from the ward's earlier audits, to verify on this walk-round.

    Folded to its headline at first so the question card keeps its room; opened, it lists each
    action with "Verified now" and "Still not done".
    """

    verify_requested = Signal(str)  # action id
    still_open_requested = Signal(str)  # action id
    saved = Signal(str)  # what was saved, in words (a screen reader speaks it)
    save_failed = Signal(object)  # the error; nothing was saved

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._record: AuditRecord | None = None
        self.verify_requested.connect(self._verify)
        self.still_open_requested.connect(self._still_open)
        self.setObjectName("previousActions")
        self.setAccessibleName("Actions left open at earlier audits")
        self.setStyleSheet(
            "QFrame#previousActions { border: 2px solid palette(text); border-radius: 6px; }"
        )
        self._actions: list[Action] = []
        self._states: dict[str, str] = {}  # action id: "verified" or "noted"
        self._signed_on: dict[str, str] = {}  # audit id: dd/mm/yyyy
        self._last_audit: str | None = None
        self.rows: dict[str, tuple[QLabel, QPushButton, QPushButton]] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 0, 4, 0)
        outer.setSpacing(4)
        top = QHBoxLayout()
        self.headline = OneLineLabel()
        self.headline.setParent(self)
        self.headline.setFont(scaled_font(self.headline, 1.0, bold=True))
        self.headline.setAccessibleName("Actions left open at earlier audits")
        self.toggle_button = touch_sized(QPushButton("Show them", self))
        self.toggle_button.setAutoDefault(True)
        self.toggle_button.setCheckable(True)
        self.toggle_button.setAccessibleName("Show the actions left open at earlier audits")
        self.toggle_button.toggled.connect(self.set_expanded)
        top.addWidget(self.headline, 1)
        top.addWidget(self.toggle_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        self.body = QScrollArea(self)
        self.body.setWidgetResizable(True)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list = QWidget(self.body)
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(0, 0, 0, 0)
        self._list_layout.setSpacing(4)
        self.body.setWidget(self._list)
        self.body.setVisible(False)
        outer.addWidget(self.body)
        self.setVisible(False)

    @property
    def expanded(self) -> bool:
        return self.body.isVisibleTo(self)

    def set_expanded(self, shown: bool) -> None:
        if self.toggle_button.isChecked() != shown:
            self.toggle_button.setChecked(shown)  # comes back here through toggled
            return
        # Opened, it takes at most a quarter of the window, so the question stays in view.
        line = self.fontMetrics().height()
        room = (self.window().height() or 768) // 4
        self.body.setMaximumHeight(max(MIN_TOUCH_PX + 8, min(11 * line, room)))
        self.body.setVisible(shown)
        self.toggle_button.setText("Hide them" if shown else "Show them")
        self.toggle_button.setAccessibleName(
            ("Hide" if shown else "Show") + " the actions left open at earlier audits"
        )

    # --- what the ward's earlier audits left open -------------------------------------------

    def show_for(self, record: AuditRecord) -> None:
        """At the next audit, what the ward's earlier audits left open, to check on the walk."""
        self._record = record
        try:
            actions = self.ctx.store.actions.previous_open(record.audit.id)
            signed = self.ctx.store.audits.list(ward=record.audit.ward.id, status="completed")
        except Exception:  # a reminder only: the audit itself goes on without it
            log.exception("could not read the actions left open at earlier audits")
            actions, signed = [], []
        self.show_actions(
            actions,
            {audit.id: clock.uk_date(audit.completed_at) for audit in signed},
            signed[0].id if signed else None,
            self._still_open_note(),
        )

    def _audit_day(self) -> str:
        assert self._record is not None
        return clock.uk_date(self._record.audit.started_at)

    def _still_open_note(self) -> str:
        return f"Still not done at the audit of {self._audit_day()}"

    def _verify(self, action_id: str) -> None:
        """Seen put right on this walk-round: the earlier action is verified."""
        if self._record is None:
            return
        try:
            action = self.ctx.store.actions.set_status(
                action_id,
                "verified",
                note=f"Checked at the audit of {self._audit_day()}",
                actor=self.ctx.auditor_name,
            )
        except Exception as error:  # marked "Not saved" by the screen, shown and logged
            self.save_failed.emit(error)
            return
        self.mark(action_id, "verified")
        self.saved.emit(f"{action.item} verified.")

    def _still_open(self, action_id: str) -> None:
        """Still not put right: the status stays, with a note that it was seen at this audit."""
        if self._record is None:
            return
        try:
            action = self.ctx.store.actions.get(action_id)
            self.ctx.store.actions.set_status(
                action_id, action.status, note=self._still_open_note(), actor=self.ctx.auditor_name
            )
        except Exception as error:  # marked "Not saved" by the screen, shown and logged
            self.save_failed.emit(error)
            return
        self.mark(action_id, "noted")
        self.saved.emit(f"{action.item} noted as still not done.")

    # --- showing ----------------------------------------------------------------------------

    def show_actions(
        self,
        actions: list[Action],
        signed_on: dict[str, str],
        last_audit: str | None,
        noted_text: str,
    ) -> None:
        """List ``actions`` (newest audit first); an empty list hides the panel."""
        self._actions = list(actions)
        self._signed_on = dict(signed_on)
        self._last_audit = last_audit
        self._states = {a.id: "noted" for a in actions if a.status_note == noted_text}
        while self._list_layout.count():
            child = self._list_layout.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows.clear()
        for action in self._actions:
            self._list_layout.addWidget(self._row(action))
        self._list_layout.addStretch(1)
        self.set_expanded(False)
        self.setVisible(bool(self._actions))
        self._refresh()

    def _row(self, action: Action) -> QWidget:
        row = QFrame(self._list)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 2, 0, 2)
        label = QLabel(row)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        verify = touch_sized(QPushButton("Verified now", row))
        verify.setAutoDefault(True)
        verify.setToolTip("It is put right: mark it Verified, checked at this audit")
        verify.clicked.connect(lambda _=False, a=action.id: self.verify_requested.emit(a))
        still = touch_sized(QPushButton("Still not done", row))
        still.setAutoDefault(True)
        still.setToolTip("It is not put right yet: note that it was seen at this audit")
        still.clicked.connect(lambda _=False, a=action.id: self.still_open_requested.emit(a))
        layout.addWidget(label, 1)
        layout.addWidget(verify, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(still, 0, Qt.AlignmentFlag.AlignTop)
        self.rows[action.id] = (label, verify, still)
        return row

    def mark(self, action_id: str, state: str) -> None:
        """Show that an action was verified, or noted as still not done, at this audit."""
        self._states[action_id] = state
        self._refresh()

    def state(self, action_id: str) -> str | None:
        return self._states.get(action_id)

    def headline_text(self) -> str:
        return self.headline.text()

    def _refresh(self) -> None:
        today = clock.today()
        for action in self._actions:
            label, verify, still = self.rows[action.id]
            state = self._states.get(action.id)
            due = f"due {clock.uk_date(action.due)}"
            # "Overdue 3 days", as the Actions screen and the documents say it
            late = "" if state == "verified" else overdue_words(overdue_days(action, today))
            where = f" · at {html.escape(action.location)}" if action.location else ""
            audit = self._signed_on.get(action.audit_id, "")
            raised = f" · from the audit of {audit}" if audit else ""
            if state == "verified":
                status = "✓ Verified at this audit"
            elif state == "noted":
                status = f"{action.status_word}: noted as still not done at this audit"
            else:
                status = action.status_word
            shown_due = f"{due} · <b>{late}</b>" if late else due
            label.setText(
                f"<b>{html.escape(action.item)}</b> · {status} · {shown_due}{where}{raised}"
                f"<br>{html.escape(action.description)}"
            )
            plain_due = f"{due}, {late}" if late else due
            label.setAccessibleName(f"{action.item}, {status}, {plain_due}: {action.description}")
            verify.setVisible(state != "verified")
            still.setVisible(state is None)
            verify.setAccessibleName(f"Verified now: {action.item}, {action.description}")
            still.setAccessibleName(f"Still not done: {action.item}, {action.description}")
        self.headline.setText(self._headline())
        self.setAccessibleDescription(self.headline.text())

    def _headline(self) -> str:
        total = len(self._actions)
        left = sum(1 for a in self._actions if a.id not in self._states)
        if total and not left:
            return (
                f"✓ All {total} actions left open at earlier audits are checked on this walk-round."
            )
        audits = {a.audit_id for a in self._actions}
        verb = "is" if total == 1 else "are"
        noun = f"{total} action{'s' if total != 1 else ''}"
        if len(audits) == 1:
            audit_id = next(iter(audits))
            which = "the last audit" if audit_id == self._last_audit else "the audit"
            text = f"⚠ {noun} from {which} ({self._signed_on.get(audit_id, '')}) {verb} still open"
        else:
            # Each row says which audit it came from; the headline stays short.
            text = f"⚠ {noun} from earlier audits {verb} still open"
        text += ": verify them on this walk-round."
        if left != total:
            text += f" {total - left} checked, {left} to go."
        return text
