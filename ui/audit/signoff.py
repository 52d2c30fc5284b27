"""Signing off and what follows: the sign-off form (the team on the walk-round, her name
and role, what still blocks it) and, once locked, who signed and the amendments since.

Signing off locks the audit; a later correction is an amendment with a reason, kept in
the history. The team typed so far is kept as a draft, so a crash before sign-off loses
nothing.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.audit import dialogs as audit_dialogs
from ui.audit.dialogs import AmendDialog
from ui.audit.models import TeamTableModel
from ui.context import AppContext
from ui.theme import MIN_TOUCH_PX, scaled_font
from ui.widgets.layouts import clear_layout, heading_label, wrapped_label
from ui.widgets.trustdb import allow_change
from wardaudit import clock
from wardaudit.model import AuditRecord, HistoryEvent, TeamMember, answer_value
from wardaudit.words import answer_word, person_words, team_words

log = logging.getLogger(__name__)

TEAM_DRAFT_KEY = "team_draft:{audit_id}"


class SignOffForm(QGroupBox):
    """The team, her name and role, and "Sign off and lock" (enabled once nothing blocks it)."""

    completed = Signal(str)  # the audit id, once signed off and locked

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Sign off and lock", parent)
        self.ctx = ctx
        self._record: AuditRecord | None = None
        self._draft_for: str | None = None
        box = self
        column = QVBoxLayout(box)
        column.addWidget(
            wrapped_label(
                "Signing off locks the audit. A later correction is an amendment with a "
                "reason, kept in the audit's history.",
                box,
            )
        )
        column.addWidget(
            wrapped_label(
                "Team on the walk-round (optional), including any patient or peer assessors:",
                box,
                bold=True,
            )
        )
        self.team_model = TeamTableModel(self)
        self.team_table = QTableView(box)
        self.team_table.setModel(self.team_model)
        self.team_table.setAccessibleName("Team members")
        self.team_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.team_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.team_table.verticalHeader().setVisible(False)
        self.team_table.verticalHeader().setDefaultSectionSize(MIN_TOUCH_PX)
        self.team_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.team_table.setMinimumHeight(MIN_TOUCH_PX * 3)
        self.team_table.setMaximumHeight(MIN_TOUCH_PX * 5)
        column.addWidget(self.team_table)
        self.team_model.dataChanged.connect(self._save_team_draft)
        self.team_model.rowsInserted.connect(self._save_team_draft)
        self.team_model.rowsRemoved.connect(self._save_team_draft)
        buttons = QHBoxLayout()
        self.add_member_button = QPushButton("Add team member", box)
        self.add_member_button.setMinimumHeight(MIN_TOUCH_PX)
        self.add_member_button.clicked.connect(self.add_team_member)
        self.remove_member_button = QPushButton("Remove selected member", box)
        self.remove_member_button.setMinimumHeight(MIN_TOUCH_PX)
        self.remove_member_button.clicked.connect(self._remove_team_member)
        buttons.addWidget(self.add_member_button)
        buttons.addWidget(self.remove_member_button)
        buttons.addStretch(1)
        column.addLayout(buttons)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.name = QLineEdit(box)
        self.name.setMinimumHeight(MIN_TOUCH_PX)
        self.name.setAccessibleName("Auditor's name")
        self.name.textChanged.connect(self._update_blocker)
        self.name.returnPressed.connect(self._name_entered)
        self.role = QLineEdit(box)
        self.role.setMinimumHeight(MIN_TOUCH_PX)
        self.role.setAccessibleName("Auditor's role")
        self.role.setPlaceholderText("For example: Matron, Ward manager")
        self.role.textChanged.connect(self._update_blocker)
        self.role.returnPressed.connect(self._role_entered)
        name_label = QLabel("Your name", box)
        name_label.setBuddy(self.name)
        role_label = QLabel("Your role", box)
        role_label.setBuddy(self.role)
        form.addRow(name_label, self.name)
        form.addRow(role_label, self.role)
        column.addLayout(form)

        self.blocker = wrapped_label("", box, bold=True)
        self.blocker.setAccessibleName("Why sign-off is not available")
        column.addWidget(self.blocker)
        self.sign_off_button = QPushButton("Sign off and lock", box)
        self.sign_off_button.setMinimumHeight(56)
        self.sign_off_button.setFont(scaled_font(self.sign_off_button, 1.2, bold=True))
        self.sign_off_button.setAutoDefault(True)  # Enter signs off when the button has focus
        self.sign_off_button.setAccessibleName("Sign off and lock")
        self.sign_off_button.clicked.connect(self.sign_off)
        row = QHBoxLayout()
        row.addWidget(self.sign_off_button)
        row.addStretch(1)
        column.addLayout(row)
        QWidget.setTabOrder(self.name, self.role)
        QWidget.setTabOrder(self.role, self.sign_off_button)

    def show_record(self, record: AuditRecord, *, first_time: bool) -> None:
        """The form for ``record``; what was typed stays, unless this is another audit."""
        self._record = record
        if first_time:
            self.name.setText(self.ctx.auditor_name)
            self.role.setText(self.ctx.auditor_role)
            self._load_team_draft(record.audit.id)
        self._update_blocker()

    def add_team_member(self) -> None:
        row = self.team_model.add_member()
        index = self.team_model.index(row, TeamTableModel.NAME)
        self.team_table.setCurrentIndex(index)
        self.team_table.setFocus()
        self.team_table.edit(index)

    def _remove_team_member(self) -> None:
        index = self.team_table.currentIndex()
        if index.isValid():
            self.team_model.remove_member(index.row())

    def _name_entered(self) -> None:
        self.role.setFocus()

    def _role_entered(self) -> None:
        if self.sign_off_button.isEnabled():
            self.sign_off_button.setFocus()

    def _save_team_draft(self, *_args: object) -> None:
        """Keep the team typed so far, so a crash before sign-off does not lose it."""
        if self._draft_for is None:
            return
        members = [
            {"name": m.name, "role": m.role, "patient_or_peer": m.patient_or_peer}
            for m in self.team_model.members()
        ]
        try:
            self.ctx.store.settings.set(
                TEAM_DRAFT_KEY.format(audit_id=self._draft_for),
                json.dumps(members, ensure_ascii=False) if members else "",
            )
        except Exception:  # the team is also on screen; sign-off saves it for good
            log.warning("could not keep the team draft", exc_info=True)

    def _load_team_draft(self, audit_id: str) -> None:
        self._draft_for = None
        raw = self.ctx.store.settings.get(TEAM_DRAFT_KEY.format(audit_id=audit_id))
        members: list[TeamMember] = []
        if raw:
            try:
                members = [
                    TeamMember(
                        str(m["name"]), str(m.get("role", "")), bool(m.get("patient_or_peer"))
                    )
                    for m in json.loads(raw)
                ]
            except (ValueError, KeyError, TypeError):
                log.warning("ignoring an unreadable team draft for %s", audit_id)
        self.team_model.set_rows(members)
        self._draft_for = audit_id

    def _update_blocker(self) -> None:
        record = self._record
        if record is None:
            return
        missing = record.unanswered()
        if missing:
            reason = (
                f"Sign-off is blocked: {len(missing)} item(s) still need an answer "
                "(listed above; choose one to go to it)."
            )
        elif not self.name.text().strip() or not self.role.text().strip():
            reason = "Enter your name and role to sign off."
        else:
            reason = ""
        self.blocker.setText(reason)
        self.blocker.setVisible(bool(reason))
        self.sign_off_button.setEnabled(not reason)
        self.sign_off_button.setAccessibleDescription(reason)

    def sign_off(self) -> None:
        """Lock the audit with the auditor's name, role and team."""
        record = self._record
        if record is None or record.audit.status != "in_progress":
            return
        self._update_blocker()
        if not self.sign_off_button.isEnabled():
            return
        name, role = self.name.text().strip(), self.role.text().strip()
        team = self.team_model.members()
        text = (
            f"Sign off the audit of {record.audit.ward.name} as {name} ({role})"
            + (f" with a team of {len(team)}" if team else "")
            + "? The audit will be locked; later corrections are amendments with a reason."
        )
        if not audit_dialogs.confirm_sign_off(self, text):
            return
        try:
            self.ctx.store.audits.complete(record.audit.id, by=name, role=role, team=team)
        except Exception as error:  # shown to the matron and logged; nothing was locked
            ui_errors.show_error(self, error)
            return
        self._draft_for = None
        try:
            self.ctx.store.settings.delete(TEAM_DRAFT_KEY.format(audit_id=record.audit.id))
            if not self.ctx.auditor_name:
                self.ctx.set_auditor(name, role)
        except Exception:  # remembering defaults is a convenience; the sign-off is saved
            log.warning("could not remember the auditor's name", exc_info=True)
        self.completed.emit(record.audit.id)


class LockedPanel(QGroupBox):
    """A signed-off audit: who signed, the team, and every amendment since, with "Amend"."""

    amended = Signal(str)  # the audit id, once an answer was amended
    amend_button: QPushButton  # made afresh with the rest of the panel for each record

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Signed off and locked", parent)
        self.ctx = ctx
        self._record: AuditRecord | None = None
        self._layout = QVBoxLayout(self)
        self.history_lines: list[str] = []

    def show_record(self, record: AuditRecord, history: list[HistoryEvent]) -> None:
        self._record = record
        clear_layout(self._layout)
        audit = record.audit
        box = self
        when = (
            clock.parse_iso(audit.completed_at).strftime("%d/%m/%Y at %H:%M")
            if audit.completed_at
            else ""
        )
        signed = person_words(audit.signed_by, audit.signed_role)  # as the action plan says it
        self._layout.addWidget(wrapped_label(f"Signed off by {signed} on {when}.", box, bold=True))
        if audit.team:
            self._layout.addWidget(wrapped_label("Team:", box, bold=True))
            for member in audit.team:  # one a line, each as the action plan's team says it
                self._layout.addWidget(wrapped_label(team_words([member]), box))
        else:
            self._layout.addWidget(wrapped_label("No team members were recorded.", box))
        self.amend_button = QPushButton("Amend an answer…", box)
        self.amend_button.setMinimumHeight(MIN_TOUCH_PX)
        self.amend_button.setAccessibleName("Amend an answer")
        self.amend_button.clicked.connect(self.amend)
        allow_change(self.amend_button, True, readonly=self.ctx.readonly)
        row = QHBoxLayout()
        row.addWidget(self.amend_button)
        row.addStretch(1)
        self._layout.addLayout(row)
        self._layout.addWidget(heading_label("Amendments", box))
        self.history_lines = [
            self._describe(event) for event in history if event.kind == "amendment"
        ]
        if not self.history_lines:
            self._layout.addWidget(wrapped_label("No amendments.", box))
        for line in self.history_lines:
            self._layout.addWidget(wrapped_label(line, box))

    @staticmethod
    def _describe(event: HistoryEvent) -> str:
        detail = event.detail
        value = answer_word(str(detail.get("value")), str(detail.get("value")))
        previous = detail.get("previous")
        was = f" from {answer_word(str(previous), str(previous))}" if previous else ""
        text = (
            f"{clock.uk_datetime(event.at)}: {detail.get('item')} amended{was} to {value} "
            f"by {event.actor}. Reason: {detail.get('reason', '')}"
        )
        if detail.get("note"):
            text += f" Note: {detail['note']}"
        return text

    def amend(self) -> None:
        """Open the amendment dialog; the store keeps the change and its reason."""
        record = self._record
        if record is None or record.audit.status != "completed" or self.ctx.readonly:
            return
        dialog = AmendDialog(record, self.ctx.auditor_name, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        finally:
            dialog.deleteLater()
        try:
            self.ctx.store.audits.amend_answer(
                record.audit.id,
                values["item"],
                answer_value(values["value"]),
                reason=values["reason"],
                by=values["by"],
                note=values["note"],
            )
        except Exception as error:  # shown to the matron and logged; nothing was changed
            ui_errors.show_error(self, error)
            return
        self.amended.emit(record.audit.id)
