"""The audit summary and sign-off: where the ward stands, what blocks sign-off, and the lock.

A matron reads this before she signs: critical breaches first, in words; each section's
score; the actions by band; any unanswered item one click away. Signing off locks the
audit; a later correction is an amendment with a reason, kept in the history.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.context import AppContext
from ui.widgets import BandChip, FlowLayout, RatingChip
from wardaudit import clock
from wardaudit.identifiers import identifier_warning
from wardaudit.model import AuditRecord, HistoryEvent, TeamMember
from wardaudit.risk import BAND_ORDER, BAND_WORDS
from wardaudit.scoring import ANSWER_WORDS, allowed_answers, display_score

log = logging.getLogger(__name__)
_ROOT = QModelIndex()  # the invisible root, as a default argument

TOUCH = 44
TEAM_DRAFT_KEY = "team_draft:{audit_id}"
COMPACT_UNANSWERED = 8  # more gaps than this are shown as rows of buttons


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


def _font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def _clear(layout: QLayout) -> None:
    while layout.count():
        child = layout.takeAt(0)
        widget, inner = child.widget(), child.layout()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif inner is not None:
            _clear(inner)


def _wrapped(text: str, parent: QWidget, *, bold: bool = False) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        label.setFont(_font(label, 1.0, bold=True))
    return label


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setFont(_font(label, 1.25, bold=True))
    label.setWordWrap(True)
    return label


# --- the team on the walk-round ---------------------------------------------------------


class TeamTableModel(QAbstractTableModel):
    """The people who audited with the matron, including patient or peer assessors."""

    NAME, ROLE, PEER = 0, 1, 2
    HEADERS = ("Name", "Role", "Patient or peer assessor")
    MEMBER_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[TeamMember] = []

    def set_rows(self, members: list[TeamMember] | tuple[TeamMember, ...]) -> None:
        self.beginResetModel()
        self._rows = list(members)
        self.endResetModel()

    def members(self) -> list[TeamMember]:
        """The team as entered, leaving out rows with no name."""
        return [
            TeamMember(m.name.strip(), m.role.strip(), m.patient_or_peer)
            for m in self._rows
            if m.name.strip()
        ]

    def add_member(self) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(TeamMember("", ""))
        self.endInsertRows()
        return row

    def remove_member(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.PEER:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        member = self._rows[index.row()]
        column = index.column()
        if role == self.MEMBER_ROLE:
            return member
        if column == self.PEER:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if member.patient_or_peer else Qt.CheckState.Unchecked
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return "Yes" if member.patient_or_peer else "No"
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return member.name if column == self.NAME else member.role
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: object,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid():
            return False
        member = self._rows[index.row()]
        column = index.column()
        if column == self.PEER and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
            member = TeamMember(member.name, member.role, checked)
        elif column in (self.NAME, self.ROLE) and role == Qt.ItemDataRole.EditRole:
            text = str(value or "")
            if column == self.NAME:
                member = TeamMember(text, member.role, member.patient_or_peer)
            else:
                member = TeamMember(member.name, text, member.patient_or_peer)
        else:
            return False
        self._rows[index.row()] = member
        self.dataChanged.emit(index, index, [role])
        return True


# --- amending a signed-off audit --------------------------------------------------------


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
        intro = _wrapped(
            "The audit stays locked. This change and its reason are added to the audit's "
            "history, and the score is worked out again.",
            self,
        )
        form.addRow(intro)

        self.item = QComboBox(self)
        self.item.setMinimumHeight(TOUCH)
        self.item.setAccessibleName("Item to amend")
        for item in record.checklist.applicable_items(record.audit.ward.sex):
            answer = record.answers.get(item.id)
            now = ANSWER_WORDS[answer.value] if answer else "not answered"
            question = item.question if len(item.question) <= 70 else item.question[:69] + "…"
            self.item.addItem(f"{item.id} ({now}): {question}", item.id)
        self.item.currentIndexChanged.connect(self._item_changed)
        form.addRow("Item", self.item)

        self.value = QComboBox(self)
        self.value.setMinimumHeight(TOUCH)
        self.value.setAccessibleName("New answer")
        form.addRow("New answer", self.value)

        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName("Note")
        self.note.setMaximumHeight(100)
        self.note.textChanged.connect(self._check)
        form.addRow("Note", self.note)
        self.note_warning = _wrapped("", self, bold=True)
        self.note_warning.setVisible(False)
        form.addRow(self.note_warning)

        self.reason = QLineEdit(self)
        self.reason.setMinimumHeight(TOUCH)
        self.reason.setAccessibleName("Reason for the amendment (required)")
        self.reason.setPlaceholderText("Why the answer is being changed (required)")
        self.reason.textChanged.connect(self._check)
        form.addRow("Reason", self.reason)

        self.by = QLineEdit(by, self)
        self.by.setMinimumHeight(TOUCH)
        self.by.setAccessibleName("Name of the person amending (required)")
        self.by.textChanged.connect(self._check)
        form.addRow("Amended by", self.by)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Amend")
        for button in self.buttons.buttons():
            button.setMinimumHeight(TOUCH)
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


# --- the page ---------------------------------------------------------------------------


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
        self._draft_for: str | None = None
        self.unanswered_buttons: dict[str, QPushButton] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self._scroll)
        content = QWidget()
        self._scroll.setWidget(content)
        self._content = QVBoxLayout(content)
        self._content.setContentsMargins(16, 12, 16, 16)
        self._content.setSpacing(14)

        top = QHBoxLayout()
        self._title = _heading("Summary", content)
        self._title.setFont(_font(self._title, 1.5, bold=True))
        self.back_button = QPushButton("◀ Back to the items (Esc)", content)
        self.back_button.setMinimumHeight(TOUCH)
        self.back_button.setAccessibleName("Back to the items")
        self.back_button.clicked.connect(self.back_requested)
        top.addWidget(self._title, 1)
        top.addWidget(self.back_button)
        self._content.addLayout(top)

        self._report = QVBoxLayout()
        self._report.setSpacing(14)
        self._content.addLayout(self._report)

        self._signoff = self._build_signoff(content)
        self._content.addWidget(self._signoff)
        self._locked = QGroupBox("Signed off and locked", content)
        self._locked_layout = QVBoxLayout(self._locked)
        self._content.addWidget(self._locked)
        self._content.addStretch(1)

        escape = QShortcut(QKeySequence("Escape"), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._escape)

    # the sign-off form ---------------------------------------------------------------------

    def _build_signoff(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox("Sign off and lock", parent)
        column = QVBoxLayout(box)
        column.addWidget(
            _wrapped(
                "Signing off locks the audit. A later correction is an amendment with a "
                "reason, kept in the audit's history.",
                box,
            )
        )
        column.addWidget(
            _wrapped(
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
        self.team_table.verticalHeader().setDefaultSectionSize(TOUCH)
        self.team_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.team_table.setMinimumHeight(TOUCH * 3)
        self.team_table.setMaximumHeight(TOUCH * 5)
        column.addWidget(self.team_table)
        self.team_model.dataChanged.connect(self._save_team_draft)
        self.team_model.rowsInserted.connect(self._save_team_draft)
        self.team_model.rowsRemoved.connect(self._save_team_draft)
        buttons = QHBoxLayout()
        self.add_member_button = QPushButton("Add team member", box)
        self.add_member_button.setMinimumHeight(TOUCH)
        self.add_member_button.clicked.connect(self.add_team_member)
        self.remove_member_button = QPushButton("Remove selected member", box)
        self.remove_member_button.setMinimumHeight(TOUCH)
        self.remove_member_button.clicked.connect(self._remove_team_member)
        buttons.addWidget(self.add_member_button)
        buttons.addWidget(self.remove_member_button)
        buttons.addStretch(1)
        column.addLayout(buttons)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.name = QLineEdit(box)
        self.name.setMinimumHeight(TOUCH)
        self.name.setAccessibleName("Auditor's name")
        self.name.textChanged.connect(self._update_blocker)
        self.name.returnPressed.connect(lambda: self.role.setFocus())
        self.role = QLineEdit(box)
        self.role.setMinimumHeight(TOUCH)
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

        self.blocker = _wrapped("", box, bold=True)
        self.blocker.setAccessibleName("Why sign-off is not available")
        column.addWidget(self.blocker)
        self.sign_off_button = QPushButton("Sign off and lock", box)
        self.sign_off_button.setMinimumHeight(56)
        self.sign_off_button.setFont(_font(self.sign_off_button, 1.2, bold=True))
        self.sign_off_button.setAutoDefault(True)  # Enter signs off when the button has focus
        self.sign_off_button.setAccessibleName("Sign off and lock")
        self.sign_off_button.clicked.connect(self.sign_off)
        row = QHBoxLayout()
        row.addWidget(self.sign_off_button)
        row.addStretch(1)
        column.addLayout(row)
        QWidget.setTabOrder(self.name, self.role)
        QWidget.setTabOrder(self.role, self.sign_off_button)
        return box

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
            self.ctx.store.set_setting(
                TEAM_DRAFT_KEY.format(audit_id=self._draft_for),
                json.dumps(members, ensure_ascii=False) if members else "",
            )
        except Exception:  # the team is also on screen; sign-off saves it for good
            log.warning("could not keep the team draft", exc_info=True)

    def _load_team_draft(self, audit_id: str) -> None:
        self._draft_for = None
        raw = self.ctx.store.setting(TEAM_DRAFT_KEY.format(audit_id=audit_id))
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
        if not confirm_sign_off(self, text):
            return
        try:
            self.ctx.store.complete_audit(record.audit.id, by=name, role=role, team=team)
        except Exception as error:  # shown to the matron and logged; nothing was locked
            ui_errors.show_error(self, error)
            return
        self._draft_for = None
        try:
            self.ctx.store.delete_setting(TEAM_DRAFT_KEY.format(audit_id=record.audit.id))
            if not self.ctx.auditor_name:
                self.ctx.set_auditor(name, role)
        except Exception:  # remembering defaults is a convenience; the sign-off is saved
            log.warning("could not remember the auditor's name", exc_info=True)
        self.completed.emit(record.audit.id)

    # showing the record --------------------------------------------------------------------

    def show_record(self, record: AuditRecord, history: list[HistoryEvent]) -> None:
        """Rebuild the report for ``record``; the sign-off form keeps what was typed."""
        first_time = self._record is None or self._record.audit.id != record.audit.id
        self._record = record
        in_progress = record.audit.status == "in_progress"
        self.back_button.setVisible(in_progress)
        self._title.setText(f"Summary: {record.audit.ward.name}")
        _clear(self._report)
        self.unanswered_buttons = {}
        parent = self._scroll.widget()
        self._report.addWidget(self._score_block(record, parent))
        self._report.addWidget(self._breach_block(record, parent))
        self._report.addWidget(self._section_block(record, parent))
        self._report.addWidget(self._action_block(record, parent))
        missing = record.unanswered()
        if missing:
            self._report.addWidget(self._unanswered_block(record, missing, parent))
        self._signoff.setVisible(in_progress)
        self._locked.setVisible(not in_progress)
        if in_progress:
            if first_time:
                self.name.setText(self.ctx.auditor_name)
                self.role.setText(self.ctx.auditor_role)
                self._load_team_draft(record.audit.id)
            self._update_blocker()
        else:
            self._fill_locked(record, history)

    def focus_first(self) -> None:
        """Put the keyboard where the matron will want it next."""
        record = self._record
        if record is None:
            return
        if record.audit.status != "in_progress":
            target: QWidget = self.amend_button
        elif self.unanswered_buttons:
            target = next(iter(self.unanswered_buttons.values()))
        elif not self.name.text().strip():
            target = self.name
        elif not self.role.text().strip():
            target = self.role
        else:
            target = self.sign_off_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        if record.audit.status == "in_progress":
            self._scroll.ensureWidgetVisible(target)
        else:
            # a locked audit opens on its score and breaches; Amend is a Tab away
            self._scroll.verticalScrollBar().setValue(0)

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
        shown = f"{display_score(score.overall)}%" if score.overall is not None else "not scored"
        big = QLabel(f"{word}: {shown}", box)
        big.setFont(_font(big, 1.8, bold=True))
        big.setAccessibleName(f"{word} {shown}")
        chip = RatingChip(score.rating, box)
        chip.setFont(_font(chip, 1.6, bold=True))
        chip.setMinimumHeight(56)
        answered = QLabel(f"{score.answered} of {score.applicable} items answered", box)
        answered.setFont(_font(answered, 1.2))
        row.addWidget(big)
        row.addWidget(chip)
        row.addWidget(answered)
        return box

    def _breach_block(self, record: AuditRecord, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        breaches = record.score.critical_items
        if not breaches:
            column.addWidget(_heading("Critical breaches: none", box))
            return box
        column.addWidget(
            _heading(
                f"⚠ Critical breaches ({len(breaches)}): the ward is rated Red whatever the score",
                box,
            )
        )
        for item_id in breaches:
            item = record.checklist.item(item_id)
            label = _wrapped(f"{item_id}: {item.question} Answer: No.", box, bold=True)
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
        column.addWidget(_heading(f"Unanswered ({len(missing)}): these block sign-off", box))
        # A few gaps are listed with their questions; many are shown as rows of buttons.
        compact = len(missing) > COMPACT_UNANSWERED
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        flow = FlowLayout(spacing=8)
        for number, item_id in enumerate(missing):
            item = record.checklist.item(item_id)
            button = QPushButton(f"Go to {item_id}", box)
            button.setMinimumHeight(TOUCH)
            button.setAccessibleName(f"Go to unanswered item {item_id}")
            button.setAccessibleDescription(item.question)
            button.setToolTip(item.question)
            button.clicked.connect(lambda _=False, i=item_id: self.item_requested.emit(i))
            if compact:
                flow.addWidget(button)
            else:
                grid.addWidget(button, number, 0)
                grid.addWidget(_wrapped(item.question, box), number, 1)
            self.unanswered_buttons[item_id] = button
        column.addLayout(flow if compact else grid)
        return box

    def _section_block(self, record: AuditRecord, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(_heading("Sections", box), 0, 0, 1, 4)
        for row, section in enumerate(record.score.sections, start=1):
            grid.addWidget(_wrapped(section.title, box), row, 0)
            bar = QProgressBar(box)
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setMinimumWidth(160)
            if section.score is None:
                bar.setValue(0)
                bar.setEnabled(False)
                number = "not scored"
            else:
                bar.setValue(round(float(section.score) * 10))
                number = f"{display_score(section.score)}%"
            bar.setAccessibleName(f"{section.title}: {number}")
            grid.addWidget(bar, row, 1)
            value = QLabel(number, box)
            value.setFont(_font(value, 1.0, bold=True))
            grid.addWidget(value, row, 2)
            grid.addWidget(
                QLabel(f"{section.answered} of {section.applicable} answered", box), row, 3
            )
        grid.setColumnStretch(1, 1)
        return box

    def _action_block(self, record: AuditRecord, parent: QWidget) -> QWidget:
        box = QWidget(parent)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_heading(f"Actions ({len(record.actions)})", box))
        if not record.actions:
            column.addWidget(_wrapped("No actions: nothing was answered No or Partly.", box))
            return box
        for band in BAND_ORDER:
            in_band = [a for a in record.actions if a.risk.band == band]
            if not in_band:
                continue
            chip = BandChip(band, box)
            chip.setText(f"{BAND_WORDS[band]} ({len(in_band)})")
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
                column.addWidget(_wrapped(text, box))
        return box

    def _fill_locked(self, record: AuditRecord, history: list[HistoryEvent]) -> None:
        _clear(self._locked_layout)
        audit = record.audit
        box = self._locked
        when = (
            clock.parse_iso(audit.completed_at).strftime("%d/%m/%Y at %H:%M")
            if audit.completed_at
            else ""
        )
        self._locked_layout.addWidget(
            _wrapped(
                f"Signed off by {audit.signed_by} ({audit.signed_role}) on {when}.", box, bold=True
            )
        )
        if audit.team:
            self._locked_layout.addWidget(_wrapped("Team:", box, bold=True))
            for member in audit.team:
                peer = " (patient or peer assessor)" if member.patient_or_peer else ""
                self._locked_layout.addWidget(_wrapped(f"{member.name}, {member.role}{peer}", box))
        else:
            self._locked_layout.addWidget(_wrapped("No team members were recorded.", box))
        self.amend_button = QPushButton("Amend an answer…", box)
        self.amend_button.setMinimumHeight(TOUCH)
        self.amend_button.setAccessibleName("Amend an answer")
        self.amend_button.clicked.connect(self.amend)
        row = QHBoxLayout()
        row.addWidget(self.amend_button)
        row.addStretch(1)
        self._locked_layout.addLayout(row)
        self._locked_layout.addWidget(_heading("Amendments", box))
        self.history_lines = [
            self._describe(event) for event in history if event.kind == "amendment"
        ]
        if not self.history_lines:
            self._locked_layout.addWidget(_wrapped("No amendments.", box))
        for line in self.history_lines:
            self._locked_layout.addWidget(_wrapped(line, box))

    @staticmethod
    def _describe(event: HistoryEvent) -> str:
        detail = event.detail
        value = ANSWER_WORDS.get(str(detail.get("value")), str(detail.get("value")))
        previous = detail.get("previous")
        was = f" from {ANSWER_WORDS.get(str(previous), str(previous))}" if previous else ""
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
        if record is None or record.audit.status != "completed":
            return
        dialog = AmendDialog(record, self.ctx.auditor_name, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        finally:
            dialog.deleteLater()
        try:
            self.ctx.store.amend_answer(
                record.audit.id,
                values["item"],
                values["value"],
                reason=values["reason"],
                by=values["by"],
                note=values["note"],
            )
        except Exception as error:  # shown to the matron and logged; nothing was changed
            ui_errors.show_error(self, error)
            return
        self.amended.emit(record.audit.id)
