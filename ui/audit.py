"""The audit screen: answer a ward's checklist fast, by keyboard or touch, saving every answer.

A matron walks the ward with a laptop and is interrupted every few minutes, so every
answer is committed durably the moment it is given, "Saved hh:mm:ss" appears only after
the commit returns, and a resumed audit reopens at the item where it was left.
"""

from __future__ import annotations

import html
import logging
from datetime import date

from PySide6 import QtGui
from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAccessible, QAccessibleEvent, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui import photos as photo_files
from ui.context import AppContext
from ui.summary import SummaryPage
from ui.widgets import BandChip, FlowLayout, RatingChip
from ui.worker import run_in_background
from wardaudit import clock
from wardaudit.checklist import Item, Section
from wardaudit.identifiers import identifier_warning
from wardaudit.model import Action, Answer, AuditRecord
from wardaudit.risk import CONSEQUENCE, LIKELIHOOD
from wardaudit.scoring import ANSWER_WORDS, allowed_answers, display_score

log = logging.getLogger(__name__)
_ROOT = QModelIndex()  # the invisible root, as a default argument

# The answer marks in the item list: a symbol and a word, never colour alone.
MARKS = {"yes": "✓ Yes", "partial": "½ Partly", "no": "✗ No", "na": "– N/A"}
UNANSWERED_MARK = "○"
ANSWER_KEYS = {
    Qt.Key.Key_Y: "yes",
    Qt.Key.Key_P: "partial",
    Qt.Key.Key_N: "no",
    Qt.Key.Key_A: "na",
}
KEY_LETTERS = {"yes": "Y", "partial": "P", "no": "N", "na": "A"}
TOUCH = 44  # the smallest comfortable touch target, in pixels
DETAIL_SAVE_DELAY_MS = 1500  # a note is saved this long after typing stops


def _touch(widget: QWidget, height: int = TOUCH) -> QWidget:
    widget.setMinimumHeight(height)
    return widget


def _time_of(iso: str) -> str:
    """hh:mm:ss of a stored timestamp, or nothing when the store did not give one."""
    try:
        return clock.parse_iso(iso).strftime("%H:%M:%S") if iso else ""
    except ValueError:
        return ""


LARGE_TEXT_POINTS = 14.0  # from about 150% text, labels go above their fields


def _row_wrap(widget: QWidget) -> QFormLayout.RowWrapPolicy:
    """Labels beside fields at normal sizes; above them at large text, so nothing is cut."""
    if widget.font().pointSizeF() >= LARGE_TEXT_POINTS:
        return QFormLayout.RowWrapPolicy.WrapAllRows
    return QFormLayout.RowWrapPolicy.DontWrapRows


def _scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    if bold:
        font.setBold(True)
    return font


# --- the item list --------------------------------------------------------------------------


class AuditItemsModel(QAbstractItemModel):
    """Sections (with answered of applicable) and their items (with a mark for each answer).

    Two levels: a section row's internal id is 0; an item row's is its section's row + 1.
    """

    COLUMN_ITEM, COLUMN_ANSWER = 0, 1
    HEADERS = ("Item", "Answer")
    ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
    SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
    VALUE_ROLE = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._audit_id: str | None = None
        self._sections: list[tuple[Section, list[Item]]] = []
        self._answers: dict[str, Answer] = {}
        self._places: dict[str, tuple[int, int]] = {}

    # building ----------------------------------------------------------------------------

    def set_record(self, record: AuditRecord) -> None:
        """Show ``record``; the same audit again only refreshes marks and progress."""
        sex = record.audit.ward.sex
        if record.audit.id == self._audit_id:
            # Only the rows whose answer changed (and their sections' progress) are redrawn:
            # refreshing every row made the list re-measure itself on every key press.
            before = self._answers
            self._answers = dict(record.answers)
            changed = {
                item_id
                for item_id in before.keys() | self._answers.keys()
                if before.get(item_id) != self._answers.get(item_id)
            }
            sections: set[int] = set()
            for item_id in changed:
                place = self._places.get(item_id)
                if place is None:
                    continue
                sections.add(place[0])
                parent = self.index(place[0], 0)
                self.dataChanged.emit(
                    self.index(place[1], 0, parent), self.index(place[1], 1, parent)
                )
            for row in sections:
                self.dataChanged.emit(self.index(row, 0), self.index(row, 1))
            return
        self.beginResetModel()
        self._audit_id = record.audit.id
        self._answers = dict(record.answers)
        self._sections = []
        self._places = {}
        for section in record.checklist.sections:
            items = [item for item in section.items if item.applies(sex)]
            if items:
                for number, item in enumerate(items):
                    self._places[item.id] = (len(self._sections), number)
                self._sections.append((section, items))
        self.endResetModel()

    def item_ids(self) -> list[str]:
        return [item.id for _, items in self._sections for item in items]

    def item_index(self, item_id: str, column: int = 0) -> QModelIndex:
        place = self._places.get(item_id)
        if place is None:
            return QModelIndex()
        return self.index(place[1], column, self.index(place[0], 0))

    def section_progress(self, row: int) -> tuple[int, int]:
        _, items = self._sections[row]
        return sum(1 for item in items if item.id in self._answers), len(items)

    # the model interface -----------------------------------------------------------------

    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _ROOT
    ) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex | QPersistentModelIndex = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self._sections)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._sections[parent.row()][1])
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._section_data(index.row(), index.column(), role)
        section, items = self._sections[int(index.internalId()) - 1]
        return self._item_data(items[index.row()], section, index.column(), role)

    def _section_data(self, row: int, column: int, role: int) -> object:
        section, _ = self._sections[row]
        answered, applicable = self.section_progress(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COLUMN_ITEM:
                return section.title
            return f"{answered} / {applicable}" + (" ✓" if answered == applicable else "")
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return f"{section.title}: {answered} of {applicable} answered"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == self.SEARCH_ROLE:
            return section.title
        return None

    def _item_data(self, item: Item, section: Section, column: int, role: int) -> object:
        answer = self._answers.get(item.id)
        value = answer.value if answer else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COLUMN_ITEM:
                return f"{item.id}  {item.question}"
            return MARKS[value] if value else UNANSWERED_MARK
        if role == Qt.ItemDataRole.AccessibleTextRole:
            word = ANSWER_WORDS[value] if value else "not answered"
            return f"{item.id}, {word}: {item.question}"
        if role == Qt.ItemDataRole.ToolTipRole:
            word = ANSWER_WORDS[value] if value else "Not answered"
            critical = " (critical)" if item.critical else ""
            return f"{item.id}{critical}: {item.question}\n{word}"
        if role == self.ITEM_ID_ROLE:
            return item.id
        if role == self.VALUE_ROLE:
            return value
        if role == self.SEARCH_ROLE:
            location = answer.location if answer else ""
            note = answer.note if answer else ""
            return f"{item.id} {item.question} {location} {note}"
        return None


class _ItemSearch(QSortFilterProxyModel):
    """Filters the item list by what a matron types: item id, question, note or location."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(AuditItemsModel.SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)


class _TallRows(QStyledItemDelegate):
    """Rows at least 44 px high so a finger can pick an item on a touch screen."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), TOUCH))


class _ItemTree(QTreeView):
    """The item list; answer keys pass through it to the audit screen instead of searching."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_plain_letter(event) and (event.key() in ANSWER_KEYS or event.key() == Qt.Key.Key_G):
            event.ignore()
            return
        super().keyPressEvent(event)


def _announce(widget: QWidget, text: str) -> None:
    """Have a screen reader speak ``text`` (Qt 6.8 announces; older Qt reports a new name)."""
    announcement = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if announcement is not None:
        QAccessible.updateAccessibility(announcement(widget, text))
    else:
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))


def _is_plain_letter(event: QKeyEvent) -> bool:
    allowed = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    return not (event.modifiers() & ~allowed)


class _Card(QFrame):
    """The item card; it takes focus so the answer keys work without touching the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemCard")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(
            "QFrame#itemCard { border: 3px solid transparent; border-radius: 6px; }"
            " QFrame#itemCard:focus { border: 3px solid palette(highlight); }"
        )


# --- the action panel -----------------------------------------------------------------------


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
        form.setRowWrapPolicy(_row_wrap(self))

        self.description = QPlainTextEdit(self)
        self.description.setTabChangesFocus(True)
        self.description.setAccessibleName("Action description")
        self.description.setMinimumHeight(72)
        self.description.setMaximumHeight(110)
        self.description.installEventFilter(self)
        label = QLabel("What will be done", self)
        label.setBuddy(self.description)
        form.addRow(label, self.description)

        self.owner = _touch(QLineEdit(self))
        self.owner.setAccessibleName("Action owner")
        self.owner.editingFinished.connect(self._owner_finished)
        label = QLabel("Owner", self)
        label.setBuddy(self.owner)
        form.addRow(label, self.owner)

        risk_row = FlowLayout(spacing=8)  # wraps at large text sizes instead of widening
        self.likelihood = _touch(QComboBox(self))
        self.likelihood.setAccessibleName("Likelihood")
        for number, word in LIKELIHOOD.items():
            self.likelihood.addItem(f"{number} {word}", number)
        self.consequence = _touch(QComboBox(self))
        self.consequence.setAccessibleName("Consequence")
        for number, word in CONSEQUENCE.items():
            self.consequence.addItem(f"{number} {word}", number)
        self.band = BandChip("low", self)
        self.band.setMinimumHeight(TOUCH)
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
        self.due = _touch(QDateEdit(self))
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


# --- actions left open at earlier audits ----------------------------------------------------


class PreviousActionsPanel(QFrame):
    """Actions still open from the ward's earlier audits, to verify on this walk-round.

    Folded to its headline at first so the question card keeps its room; opened, it lists each
    action with "Verified now" and "Still not done".
    """

    verify_requested = Signal(str)  # action id
    still_open_requested = Signal(str)  # action id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        outer.setContentsMargins(8, 4, 8, 4)
        outer.setSpacing(4)
        top = QHBoxLayout()
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setFont(_scaled_font(self.headline, 1.0, bold=True))
        self.headline.setAccessibleName("Actions left open at earlier audits")
        self.toggle_button = _touch(QPushButton("Show them", self))
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
        self.body.setMaximumHeight(max(TOUCH + 8, min(11 * line, room)))
        self.body.setVisible(shown)
        self.toggle_button.setText("Hide them" if shown else "Show them")
        self.toggle_button.setAccessibleName(
            ("Hide" if shown else "Show") + " the actions left open at earlier audits"
        )

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
            if child.widget() is not None:
                child.widget().deleteLater()
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
        verify = _touch(QPushButton("Verified now", row))
        verify.setAutoDefault(True)
        verify.setToolTip("It is put right: mark it Verified, checked at this audit")
        verify.clicked.connect(lambda _=False, a=action.id: self.verify_requested.emit(a))
        still = _touch(QPushButton("Still not done", row))
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
            late = ""
            if state != "verified" and action.due < today:
                days = (today - action.due).days
                late = f"overdue {days} day{'s' if days != 1 else ''}"
            where = f" · at {html.escape(action.location)}" if action.location else ""
            audit = self._signed_on.get(action.audit_id, "")
            raised = f" · from the audit of {audit}" if audit else ""
            if state == "verified":
                status = "✓ Verified at this audit"
            elif state == "noted":
                status = f"{action.status_word}: noted as still not done at this audit"
            else:
                status = action.status_word
            shown_due = f"{due}, <b>{late}</b>" if late else due
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


# --- the screen -----------------------------------------------------------------------------


class AuditScreen(QWidget):
    """One audit: the header, the item list, the item card, and the summary and sign-off."""

    progress_changed = Signal(str)
    audit_completed = Signal(str)
    leave_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("auditScreen")
        self.setAccessibleName("Audit")
        self._record: AuditRecord | None = None
        self._item_id: str | None = None
        self._order: list[str] = []
        self._undo: list[tuple[str, Answer | None]] = []
        self._drafts: dict[str, tuple[str, str]] = {}
        self._loading = False
        self._syncing_tree = False
        self._last_saved_item: str | None = None
        self._save_state = "none"  # none | saved | failed

        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_SAVE_DELAY_MS)
        self._detail_timer.timeout.connect(self._save_details)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)
        outer.addWidget(self._build_header())
        self._stack = QStackedWidget(self)
        outer.addWidget(self._stack, 1)

        self._empty = QLabel(
            "No audit is open. Choose a ward on the Wards screen, then start or resume its audit.",
            self,
        )
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack.addWidget(self._empty)
        self._work = self._build_work_page()
        self._stack.addWidget(self._work)
        self.summary = SummaryPage(ctx, self)
        self._stack.addWidget(self.summary)
        self.summary.item_requested.connect(self._summary_item_requested)
        self.summary.back_requested.connect(self.show_items)
        self.summary.completed.connect(self._on_completed)
        self.summary.amended.connect(self._on_amended)
        self._make_shortcuts()
        self._header.setVisible(False)
        self._search.installEventFilter(self)
        self.note.installEventFilter(self)
        self._scroll.viewport().installEventFilter(self)

    # building ----------------------------------------------------------------------------

    def _build_header(self) -> QWidget:
        self._header = QFrame(self)
        self._header.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self._header)
        grid.setContentsMargins(8, 4, 8, 4)
        self._ward_label = QLabel(self._header)
        self._ward_label.setFont(_scaled_font(self._ward_label, 1.3, bold=True))
        self._ward_label.setWordWrap(True)
        self._checklist_label = QLabel(self._header)
        self._checklist_label.setWordWrap(True)
        self._leave_button = _touch(QPushButton("Leave audit", self._header))
        self._leave_button.setAccessibleName("Leave audit (everything is saved)")
        self._leave_button.setToolTip("Every answer is already saved; you can resume later.")
        self._leave_button.clicked.connect(self._leave)

        self._progress_label = QLabel(self._header)
        self._progress_label.setFont(_scaled_font(self._progress_label, 1.15, bold=True))
        self._score_label = QLabel(self._header)
        self._score_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self._rating_chip = RatingChip(None, self._header)
        self._rating_chip.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self._breach_label = QLabel(self._header)
        self._saved_label = QLabel(self._header)
        self._saved_label.setFont(_scaled_font(self._saved_label, 1.0, bold=True))
        self._saved_label.setAccessibleName("Save status")
        self._summary_button = _touch(QPushButton("Summary (Ctrl+Enter)", self._header))
        self._summary_button.setAccessibleName("Summary and sign-off")
        self._summary_button.setToolTip("The summary, any unanswered items and sign-off")
        self._summary_button.clicked.connect(self.show_summary)

        # Two rows that fit 1366 px at double text size: who and what, then where she stands.
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self._ward_label)
        names.addWidget(self._checklist_label)
        top = QHBoxLayout()
        top.addLayout(names, 1)
        top.addWidget(self._summary_button)
        top.addWidget(self._leave_button)
        bottom = FlowLayout(spacing=12)
        for widget in (
            self._progress_label,
            self._score_label,
            self._rating_chip,
            self._breach_label,
            self._saved_label,
        ):
            bottom.addWidget(widget)
        grid.addLayout(top, 0, 0)
        grid.addLayout(bottom, 1, 0)
        return self._header

    def _build_work_page(self) -> QWidget:
        page = QWidget(self)
        row = QVBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        # Made first, so Tab reaches it before the item list; hidden unless there are any.
        self.previous_panel = PreviousActionsPanel(page)
        self.previous_panel.verify_requested.connect(self._verify_previous)
        self.previous_panel.still_open_requested.connect(self._still_open_previous)
        row.addWidget(self.previous_panel)
        splitter = QSplitter(Qt.Orientation.Horizontal, page)
        splitter.setChildrenCollapsible(False)
        row.addWidget(splitter, 1)

        left = QWidget(splitter)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self._search = _touch(QLineEdit(left))
        self._search.setPlaceholderText("Find an item (Ctrl+F)")
        self._search.setAccessibleName("Find an item")
        self._search.setClearButtonEnabled(True)
        self._search.textChanged.connect(self._filter_items)
        self._search.returnPressed.connect(self._jump_to_first_match)
        column.addWidget(self._search)
        self.items_model = AuditItemsModel(self)
        self._proxy = _ItemSearch(self)
        self._proxy.setSourceModel(self.items_model)
        self.tree = _ItemTree(left)
        self.tree.setModel(self._proxy)
        self.tree.setItemDelegate(_TallRows(self.tree))
        self.tree.setAccessibleName("Sections and items")
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # A fixed answer column sized from the font: sizing it to its contents made the list
        # measure every row on every answer.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self._size_answer_column()
        self.tree.selectionModel().currentChanged.connect(self._tree_current_changed)
        self.tree.activated.connect(lambda _index: self.focus_card())
        column.addWidget(self.tree, 1)
        self._no_match = QLabel("No item matches.", left)
        self._no_match.setVisible(False)
        column.addWidget(self._no_match)

        self._scroll = QScrollArea(splitter)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._card = _Card()
        self._build_card(self._card)
        self._scroll.setWidget(self._card)
        splitter.addWidget(left)
        splitter.addWidget(self._scroll)
        # Both sides give way in a narrow window, the card more than the list.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        # The list gets room for about 30 characters of question at any text size.
        left_width = max(340, min(460, left.fontMetrics().averageCharWidth() * 40))
        splitter.setSizes([left_width, max(600, 1340 - left_width)])
        return page

    def _build_card(self, card: QWidget) -> None:
        layout = QVBoxLayout(card)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)

        # What was just saved, with a way straight back (answers move on automatically).
        self._last_strip = QFrame(card)
        self._last_strip.setFrameShape(QFrame.Shape.StyledPanel)
        strip = QHBoxLayout(self._last_strip)
        strip.setContentsMargins(8, 2, 8, 2)
        self._last_label = QLabel(self._last_strip)
        self._last_label.setWordWrap(True)
        self._back_button = _touch(QPushButton(self._last_strip))
        self._back_button.clicked.connect(self._back_to_last)
        strip.addWidget(self._last_label, 1)
        strip.addWidget(self._back_button)
        self._last_strip.setVisible(False)
        layout.addWidget(self._last_strip)

        place_row = QHBoxLayout()
        self._place_label = QLabel(card)
        self._place_label.setWordWrap(True)
        self._critical_badge = QLabel(
            "Critical item: a No rates the ward Red. No Partly: it is met or it is not.", card
        )
        self._critical_badge.setWordWrap(True)
        self._critical_badge.setStyleSheet(
            "QLabel { border: 2px solid palette(text); border-radius: 4px; padding: 2px 6px;"
            " font-weight: bold; }"
        )
        place_row.addWidget(self._place_label, 1)
        place_row.addWidget(self._critical_badge, 2)
        layout.addLayout(place_row)

        self._question = QLabel(card)
        self._question.setWordWrap(True)
        self._question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._question.setFont(_scaled_font(self._question, 1.6, bold=True))
        self._question.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self._question)

        self._guidance_button = _touch(QPushButton("What good looks like and why (G)", card))
        self._guidance_button.setCheckable(True)
        self._guidance_button.setAccessibleName("What good looks like and why")
        self._guidance_button.toggled.connect(self._guidance_toggled)
        self._guidance = QLabel(card)
        self._guidance.setWordWrap(True)
        self._guidance.setTextFormat(Qt.TextFormat.RichText)
        self._guidance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._guidance.setFrameShape(QFrame.Shape.StyledPanel)
        self._guidance.setMargin(8)
        self._guidance.setVisible(False)
        guidance_row = QHBoxLayout()
        guidance_row.addWidget(self._guidance_button)
        guidance_row.addStretch(1)
        layout.addLayout(guidance_row)
        layout.addWidget(self._guidance)

        self._answer_grid = QGridLayout()
        self._answer_grid.setSpacing(10)
        self._answer_columns = 0
        self.answer_buttons: dict[str, QPushButton] = {}
        for value in ("yes", "partial", "no", "na"):
            button = QPushButton(f"{ANSWER_WORDS[value]} ({KEY_LETTERS[value]})", card)
            button.setCheckable(True)
            button.setMinimumSize(QSize(112, 64))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setFont(_scaled_font(button, 1.3, bold=True))
            button.setAccessibleName(f"Answer {ANSWER_WORDS[value]}")
            button.setToolTip(
                f"Answer {ANSWER_WORDS[value]} and move on (key {KEY_LETTERS[value]})"
            )
            button.setStyleSheet(
                "QPushButton:checked { border: 4px solid palette(highlight);"
                " text-decoration: underline; }"
            )
            button.clicked.connect(lambda _=False, v=value: self.answer(v))
            self.answer_buttons[value] = button
        self._place_answer_buttons(4)
        layout.addLayout(self._answer_grid)
        self._answer_state = QLabel(card)
        self._answer_state.setWordWrap(True)
        self._answer_state.setAccessibleName("Current answer")
        layout.addWidget(self._answer_state)
        self._message = QLabel(card)
        self._message.setWordWrap(True)
        self._message.setAccessibleName("Message")
        self._message.setStyleSheet("QLabel { font-weight: bold; }")
        self._message.setVisible(False)
        layout.addWidget(self._message)

        details = QFormLayout()
        details.setRowWrapPolicy(_row_wrap(card))
        details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        note_box = QVBoxLayout()
        self.note = QPlainTextEdit(card)
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(
            "What you found, in a sentence. Describe the place, not a patient."
        )
        self.note.setAccessibleName("Note")
        self.note.setMinimumHeight(TOUCH * 3 // 2)
        self.note.setMaximumHeight(TOUCH * 2)
        self.note.textChanged.connect(self._note_changed)
        note_box.addWidget(self.note)
        self._note_warning = QLabel(card)
        self._note_warning.setWordWrap(True)
        self._note_warning.setAccessibleName("Note warning")
        self._note_warning.setStyleSheet(
            "QLabel { border: 2px solid palette(text); padding: 4px; font-weight: bold; }"
        )
        self._note_warning.setVisible(False)
        note_box.addWidget(self._note_warning)
        self._note_hint = QLabel("The note and location are saved with the answer.", card)
        self._note_hint.setWordWrap(True)
        self._note_hint.setVisible(False)
        note_box.addWidget(self._note_hint)
        label = QLabel("Note", card)
        label.setBuddy(self.note)
        details.addRow(label, note_box)

        self.location = _touch(QComboBox(card))
        self.location.setEditable(True)
        self.location.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.location.setAccessibleName("Location on the ward")
        self.location.lineEdit().setPlaceholderText("Choose an area of the ward, or type one")
        self.location.lineEdit().editingFinished.connect(self._location_finished)
        self.location.activated.connect(lambda _index: self._location_finished())
        self.location.editTextChanged.connect(self._location_edited)
        label = QLabel("Where on the ward", card)
        label.setBuddy(self.location)
        details.addRow(label, self.location)

        photo_box = QHBoxLayout()
        self._add_photo_button = _touch(QPushButton("Add photo…", card))
        self._add_photo_button.setAccessibleName("Add photo from a file")
        self._add_photo_button.clicked.connect(self.add_photos)
        self._photo_busy = QLabel("", card)
        photo_box.addWidget(self._add_photo_button, 0, Qt.AlignmentFlag.AlignTop)
        self.photo_strip = photo_files.PhotoStrip(card)
        self.photo_strip.remove_requested.connect(self._remove_photo)
        photo_box.addWidget(self.photo_strip, 1)
        photo_box.addWidget(self._photo_busy)
        details.addRow(QLabel("Photos", card), photo_box)
        layout.addLayout(details)

        self.action_panel = ActionPanel(card)
        self.action_panel.changed.connect(self._action_changed)
        self.action_panel.setVisible(False)
        layout.addWidget(self.action_panel)

        nav = QHBoxLayout()
        self._previous_button = _touch(QPushButton("◀ Previous", card))
        self._previous_button.setAccessibleName("Previous item")
        self._previous_button.setToolTip("Previous item (Page Up or Left arrow)")
        self._previous_button.clicked.connect(self.previous_item)
        self._next_button = _touch(QPushButton("Next ▶", card))
        self._next_button.setAccessibleName("Next item")
        self._next_button.setToolTip("Next item (Page Down or Right arrow)")
        self._next_button.clicked.connect(self.next_item)
        nav.addWidget(self._previous_button)
        nav.addStretch(1)
        nav.addWidget(self._next_button)
        layout.addLayout(nav)
        layout.addStretch(1)

    def _place_answer_buttons(self, columns: int) -> None:
        """Four in a row; two by two when the text is large or the window narrow."""
        if columns == self._answer_columns:
            return
        self._answer_columns = columns
        for number, button in enumerate(self.answer_buttons.values()):
            self._answer_grid.removeWidget(button)
            self._answer_grid.addWidget(button, number // columns, number % columns)

    def _fit_answer_buttons(self) -> None:
        margins = self._card.layout().contentsMargins()
        room = self._scroll.viewport().width() - margins.left() - margins.right()
        needed = (
            sum(max(b.sizeHint().width(), b.minimumWidth()) for b in self.answer_buttons.values())
            + 3 * self._answer_grid.horizontalSpacing()
        )
        self._place_answer_buttons(4 if room >= needed else 2)

    def _make_shortcuts(self) -> None:
        """Keys for the item page; Y/P/N/A/G come through keyPressEvent so text fields keep them."""

        def bind(keys: tuple[str | QKeySequence.StandardKey, ...], slot: object) -> None:
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self._work)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

        bind(("PgDown",), self.next_item)
        bind(("PgUp",), self.previous_item)
        bind(("Right",), lambda: self._arrow(self.next_item))
        bind(("Left",), lambda: self._arrow(self.previous_item))
        bind(("Ctrl+F",), self.focus_search)
        bind(("Ctrl+Z",), self.undo)
        bind(("Ctrl+Return", "Ctrl+Enter"), self.show_summary)
        bind(("Ctrl+S",), self.save_now)
        bind(("Escape",), self._escape)

    # the contract with the main window ------------------------------------------------------

    @property
    def audit_id(self) -> str | None:
        return self._record.audit.id if self._record else None

    @property
    def record(self) -> AuditRecord | None:
        return self._record

    @property
    def current_item(self) -> str | None:
        return self._item_id

    @property
    def last_saved_item(self) -> str | None:
        """The item whose answer was last committed (set only after the commit returned)."""
        return self._last_saved_item

    @property
    def saved_text(self) -> str:
        return self._saved_label.text()

    def _size_answer_column(self) -> None:
        metrics = self.tree.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(text)
            for text in ("½ Partly", "○ Not yet", "14 / 14 ✓", "✗ No")
        )
        self.tree.header().resizeSection(1, widest + 3 * metrics.averageCharWidth())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._size_answer_column()
        super().changeEvent(event)

    def open_audit(self, audit_id: str) -> None:
        """Show an audit where it was left; a completed audit opens on its summary."""
        if self._record is not None and self._record.audit.status == "in_progress":
            self._save_details()
            self.action_panel.flush()
        try:
            record = self.ctx.store.audit(audit_id)
        except Exception as error:  # shown to the matron and logged
            ui_errors.show_error(self, error)
            return
        self._record = record
        self._undo.clear()
        self._drafts.clear()
        self._item_id = None
        self._last_saved_item = None
        self._save_state = "none"
        self._search.clear()
        self._last_strip.setVisible(False)
        self.items_model.set_record(record)
        self.tree.expandAll()
        self._order = self.items_model.item_ids()
        self._header.setVisible(True)
        self._refresh_header()
        if record.audit.status == "completed":
            self._show_summary_page()
            self.summary.focus_first()
            return
        self._show_previous_actions()
        start = record.audit.current_item
        if start not in self._order:
            unanswered = record.unanswered()
            start = unanswered[0] if unanswered else self._order[0]
        self._set_page(self._work)
        self._show_item(start)
        self.focus_card()

    # actions left open at earlier audits ---------------------------------------------------

    def _audit_day(self) -> str:
        assert self._record is not None
        return clock.uk_date(self._record.audit.started_at)

    def _show_previous_actions(self) -> None:
        """At the next audit, what the ward's earlier audits left open, to check on the walk."""
        record = self._record
        assert record is not None
        try:
            actions = self.ctx.store.previous_open_actions(record.audit.id)
            signed = self.ctx.store.audits(ward=record.audit.ward.id, status="completed")
        except Exception:  # a reminder only: the audit itself goes on without it
            log.exception("could not read the actions left open at earlier audits")
            actions, signed = [], []
        self.previous_panel.show_actions(
            actions,
            {audit.id: clock.uk_date(audit.completed_at) for audit in signed},
            signed[0].id if signed else None,
            self._still_open_note(),
        )

    def _still_open_note(self) -> str:
        return f"Still not done at the audit of {self._audit_day()}"

    def _verify_previous(self, action_id: str) -> None:
        """Seen put right on this walk-round: the earlier action is verified."""
        if self._record is None:
            return
        try:
            action = self.ctx.store.set_action_status(
                action_id,
                "verified",
                note=f"Checked at the audit of {self._audit_day()}",
                actor=self.ctx.auditor_name,
            )
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return
        self._previous_saved(action_id, "verified", f"{action.item} verified.")

    def _still_open_previous(self, action_id: str) -> None:
        """Still not put right: the status stays, with a note that it was seen at this audit."""
        if self._record is None:
            return
        try:
            action = self.ctx.store.action(action_id)
            self.ctx.store.set_action_status(
                action_id, action.status, note=self._still_open_note(), actor=self.ctx.auditor_name
            )
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return
        self._previous_saved(action_id, "noted", f"{action.item} noted as still not done.")

    def _previous_saved(self, action_id: str, state: str, text: str) -> None:
        assert self._record is not None
        self.previous_panel.mark(action_id, state)
        self._after_save(None)
        _announce(self.previous_panel, text)
        self.progress_changed.emit(self._record.audit.id)  # the ward's open actions changed

    # answering -----------------------------------------------------------------------------

    def answer(self, value: str) -> bool:
        """Save ``value`` for the item shown, then move on; False if nothing was saved."""
        record = self._record
        if record is None or self._item_id is None or record.audit.status != "in_progress":
            return False
        if self._stack.currentWidget() is not self._work:
            return False
        item = record.checklist.item(self._item_id)
        if value not in allowed_answers(item):
            self._say(
                f"{item.id} is a critical item: it is met or it is not, so Partly is not "
                "offered. Nothing was saved."
            )
            return False
        item_id = item.id
        previous = record.answers.get(item_id)
        note, location = self._typed_details()
        try:
            self.ctx.store.record_answer(
                record.audit.id,
                item_id,
                value,
                note=note,
                location=location,
                actor=self.ctx.auditor_name,
            )
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return False
        self._undo.append((item_id, previous))
        self._drafts.pop(item_id, None)
        self._after_save(item_id)
        self._show_last(item_id)
        self.progress_changed.emit(record.audit.id)
        self._advance_from(item_id)
        return True

    def undo(self) -> None:
        """Take back the last answer: the previous value (or none) is restored in the store."""
        record = self._record
        if record is None or record.audit.status != "in_progress":
            return
        if not self._undo:
            self._say("There is no answer to undo.")
            return
        self._save_details()
        item_id, previous = self._undo[-1]
        try:
            if previous is None:
                self.ctx.store.clear_answer(record.audit.id, item_id, actor=self.ctx.auditor_name)
            else:
                self.ctx.store.record_answer(
                    record.audit.id,
                    item_id,
                    previous.value,
                    note=previous.note,
                    location=previous.location,
                    actor=self.ctx.auditor_name,
                )
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return
        self._undo.pop()
        self._after_save(item_id)
        self.progress_changed.emit(record.audit.id)
        self._last_strip.setVisible(False)
        self._go_to(item_id, save_first=False)
        restored = ANSWER_WORDS[previous.value] if previous else "not answered"
        self._say(f"Undone: {item_id} is {restored} again.")
        self.focus_card()

    def save_now(self) -> None:
        """Ctrl+S: save the typed note, location and action text without waiting."""
        self._save_details()
        self.action_panel.flush()

    # moving about --------------------------------------------------------------------------

    def next_item(self) -> None:
        self._step(1)

    def previous_item(self) -> None:
        self._step(-1)

    def go_to_item(self, item_id: str) -> None:
        """Show one item (from the list, the search or the summary) and remember the place."""
        if self._record is None or item_id not in self._order:
            return
        if self._stack.currentWidget() is not self._work:
            self._set_page(self._work)
        self._go_to(item_id)

    def focus_card(self) -> None:
        self._card.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def show_items(self) -> None:
        """Back from the summary to the item card (in-progress audits only)."""
        if self._record is None or self._record.audit.status != "in_progress":
            return
        self._set_page(self._work)
        if self._item_id:
            self._show_item(self._item_id)
        self.focus_card()

    def show_summary(self) -> None:
        """Ctrl+Enter: the summary, with any unanswered items and the sign-off form."""
        if self._record is None:
            return
        self._save_details()
        self.action_panel.flush()
        self._show_summary_page()
        self.summary.focus_first()

    def _show_summary_page(self) -> None:
        assert self._record is not None
        history = self._history()
        self.summary.show_record(self._record, history)
        self._set_page(self.summary)

    def _history(self) -> list:
        assert self._record is not None
        try:
            return self.ctx.store.history(audit=self._record.audit.id)
        except Exception:  # the history is shown for information; the summary still opens
            log.exception("could not read the audit's history")
            return []

    def _set_page(self, page: QWidget) -> None:
        self._stack.setCurrentWidget(page)
        in_progress = self._record is not None and self._record.audit.status == "in_progress"
        self._summary_button.setVisible(in_progress and page is self._work)

    def _step(self, direction: int) -> None:
        if self._item_id is None or not self._order:
            return
        position = self._order.index(self._item_id) + direction
        if 0 <= position < len(self._order):
            self._go_to(self._order[position])
        else:
            self._say("This is the last item." if direction > 0 else "This is the first item.")
        self.focus_card()

    def _arrow(self, move: object) -> None:
        # A drop-down list keeps its arrow keys; everywhere else they turn the page.
        if isinstance(self.focusWidget(), QComboBox):
            return
        move()  # type: ignore[operator]

    def _advance_from(self, item_id: str) -> None:
        """Move to the next unanswered item after this one (wrapping), else the next item."""
        assert self._record is not None
        answers = self._record.answers
        position = self._order.index(item_id)
        ahead = self._order[position + 1 :] + self._order[: position + 1]
        target = next((other for other in ahead if other not in answers), None)
        if target is None:
            following = self._order[position + 1] if position + 1 < len(self._order) else item_id
            self._go_to(following, after_answer=True)
            self._say(
                f"All {len(self._order)} items are answered. Press Ctrl+Enter for the summary "
                "and sign-off."
            )
        else:
            self._go_to(target, after_answer=True)
        self.focus_card()

    def _go_to(self, item_id: str, *, save_first: bool = True, after_answer: bool = False) -> None:
        if not after_answer:
            self._last_strip.setVisible(False)  # it describes the step just taken, nothing older
        if save_first:
            self._save_details()
            self.action_panel.flush()
        self._show_item(item_id)
        assert self._record is not None
        try:
            self.ctx.store.set_current_item(self._record.audit.id, item_id)
        except Exception:  # only the resume position; every answer is saved on its own
            log.warning("could not remember the current item %s", item_id, exc_info=True)

    def _back_to_last(self) -> None:
        if self._last_saved_item:
            self.go_to_item(self._last_saved_item)
            self.focus_card()

    def _summary_item_requested(self, item_id: str) -> None:
        self.go_to_item(item_id)
        self.focus_card()

    # showing one item ----------------------------------------------------------------------

    def _show_item(self, item_id: str) -> None:
        record = self._record
        assert record is not None
        item = record.checklist.item(item_id)
        section = record.checklist.section(item.section_id)
        answer = record.answers.get(item_id)
        self._item_id = item_id
        self._message.setVisible(False)
        self._loading = True
        try:
            position = self._order.index(item_id) + 1
            self._place_label.setText(
                f"Item {position} of {len(self._order)} · {item.id} · {section.title}"
            )
            self._critical_badge.setVisible(item.critical)
            self._question.setText(item.question)
            sources = "".join(f"<li>{html.escape(source)}</li>" for source in item.sources)
            self._guidance.setText(
                f"<p>{html.escape(item.guidance)}</p>"
                + (f"<p><b>Sources</b></p><ul>{sources}</ul>" if sources else "")
            )
            allowed = allowed_answers(item)
            for value, button in self.answer_buttons.items():
                button.setVisible(value in allowed)
                button.setEnabled(value in allowed)
                button.setChecked(bool(answer) and answer.value == value)
            if answer:
                at = _time_of(answer.answered_at)
                self._answer_state.setText(
                    f"Answer: {ANSWER_WORDS[answer.value]}"
                    + (f" (saved {at})" if at else " (saved)")
                    + ". Press another answer key to change it."
                )
                note, location = answer.note, answer.location
            else:
                self._answer_state.setText("Not answered yet.")
                note, location = self._drafts.get(item_id, ("", ""))
            self.note.setPlainText(note)
            self.location.clear()
            self.location.addItems(list(record.audit.ward.areas))
            self.location.setCurrentIndex(-1)
            self.location.setEditText(location)
            self._update_note_warning()
            self._show_photos()
            self._show_action(answer)
            self._previous_button.setEnabled(position > 1)
            self._next_button.setEnabled(position < len(self._order))
        finally:
            self._loading = False
        self._select_in_tree(item_id)
        self._card.setAccessibleName(f"Item {item.id}: {item.question}")
        self._card.setAccessibleDescription(self._answer_state.text())
        QAccessible.updateAccessibility(QAccessibleEvent(self._card, QAccessible.Event.NameChanged))
        self._scroll.verticalScrollBar().setValue(0)

    def _show_action(self, answer: Answer | None) -> None:
        record = self._record
        assert record is not None
        action = None
        if answer and answer.value in ("no", "partial"):
            action = next((a for a in record.actions if a.item == answer.item), None)
        if action is None:
            self.action_panel.setVisible(False)
            self.action_panel.clear()
            return
        try:
            due_days = self.ctx.store.risk_matrix.band(action.risk.band).due_days
        except Exception:  # a band from another matrix: the hint is left out
            due_days = None
        self.action_panel.show_action(action, due_days)
        self.action_panel.setVisible(True)

    def _show_photos(self) -> None:
        record = self._record
        assert record is not None
        photos = [photo for photo in record.photos if photo.item == self._item_id]
        self.photo_strip.set_photos(
            photos, self.ctx.store.photo_data, editable=record.audit.status == "in_progress"
        )

    def _show_last(self, item_id: str) -> None:
        """Say what was just saved, since the card has already moved on."""
        record = self._record
        assert record is not None
        answer = record.answers[item_id]
        text = f"{item_id} saved as {ANSWER_WORDS[answer.value]}."
        action = next((a for a in record.actions if a.item == item_id), None)
        if action is not None:
            text += (
                f" Action raised: {action.risk.score} {action.risk.band_word}, "
                f"due {clock.uk_date(action.due)}, owner {action.owner or 'not set'}."
            )
        self._last_label.setText(text)
        self._back_button.setText(f"Back to {item_id}")
        self._back_button.setAccessibleName(f"Back to item {item_id}")
        self._last_strip.setVisible(True)

    def _select_in_tree(self, item_id: str) -> None:
        index = self._proxy.mapFromSource(self.items_model.item_index(item_id))
        self._syncing_tree = True
        try:
            if index.isValid():
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)
            else:
                self.tree.clearSelection()
        finally:
            self._syncing_tree = False

    def _tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing_tree or not current.isValid():
            return
        item_id = current.data(AuditItemsModel.ITEM_ID_ROLE)
        if item_id and item_id != self._item_id:
            self._go_to(item_id)

    # search --------------------------------------------------------------------------------

    def _filter_items(self, text: str) -> None:
        self._syncing_tree = True
        try:
            self._proxy.setFilterFixedString(text.strip())
            self.tree.expandAll()
        finally:
            self._syncing_tree = False
        self._no_match.setVisible(bool(text.strip()) and self._proxy.rowCount() == 0)
        if self._item_id:
            self._select_in_tree(self._item_id)

    def _first_match(self) -> str | None:
        for row in range(self._proxy.rowCount()):
            section = self._proxy.index(row, 0)
            if self._proxy.rowCount(section):
                return self._proxy.index(0, 0, section).data(AuditItemsModel.ITEM_ID_ROLE)
        return None

    def _jump_to_first_match(self) -> None:
        item_id = self._first_match()
        if item_id:
            self.go_to_item(item_id)
            self.focus_card()

    def _escape(self) -> None:
        if self._search.hasFocus() and self._search.text():
            self._search.clear()
        self.focus_card()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_answer_buttons()
        elif watched is self.note and event.type() == QEvent.Type.FocusOut and not self._loading:
            self._save_details()
        elif (
            watched is self._search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    # keys ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Y/P/N/A answer and G shows guidance, when no text field has taken the key."""
        if (
            self._stack.currentWidget() is self._work
            and _is_plain_letter(event)
            and not event.isAutoRepeat()
        ):
            value = ANSWER_KEYS.get(Qt.Key(event.key()))
            if value is not None:
                self.answer(value)
                event.accept()
                return
            if event.key() == Qt.Key.Key_G:
                self._guidance_button.toggle()
                event.accept()
                return
        super().keyPressEvent(event)

    def _guidance_toggled(self, shown: bool) -> None:
        self._guidance.setVisible(shown)
        self._guidance_button.setText(
            "Hide what good looks like (G)" if shown else "What good looks like and why (G)"
        )

    # notes, location, photos and the action -------------------------------------------------

    def _typed_details(self) -> tuple[str, str]:
        return self.note.toPlainText().strip(), self.location.currentText().strip()

    def _note_changed(self) -> None:
        if self._loading:
            return
        self._update_note_warning()
        self._detail_timer.start()

    def _location_edited(self, _text: str) -> None:
        if not self._loading:
            self._detail_timer.start()

    def _location_finished(self) -> None:
        if not self._loading:
            self._save_details()

    def _update_note_warning(self) -> None:
        warning = identifier_warning(self.note.toPlainText())
        self._note_warning.setVisible(warning is not None)
        if warning:
            self._note_warning.setText("⚠ " + warning[:1].upper() + warning[1:])
        record = self._record
        unanswered = (
            record is not None and self._item_id is not None and self._item_id not in record.answers
        )
        note, location = self._typed_details()
        self._note_hint.setVisible(bool(unanswered and (note or location)))
        if unanswered and (note or location):
            self._note_hint.setText(
                "Not saved yet: the note and location are saved when you answer this item."
            )

    def _save_details(self) -> bool:
        """Save the typed note and location with the item's answer (which they belong to)."""
        self._detail_timer.stop()
        record = self._record
        if record is None or self._item_id is None or record.audit.status != "in_progress":
            return True
        note, location = self._typed_details()
        answer = record.answers.get(self._item_id)
        if answer is None:
            if note or location:
                self._drafts[self._item_id] = (note, location)
            self._update_note_warning()
            return True
        if note == answer.note and location == answer.location:
            return True
        try:
            self.ctx.store.record_answer(
                record.audit.id,
                self._item_id,
                answer.value,
                note=note,
                location=location,
                actor=self.ctx.auditor_name,
            )
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return False
        self._after_save(self._item_id)
        self.progress_changed.emit(record.audit.id)
        return True

    def _action_changed(self, action_id: str, changes: dict) -> None:
        record = self._record
        if record is None or record.audit.status != "in_progress":
            return
        try:
            self.ctx.store.update_action(action_id, actor=self.ctx.auditor_name, **changes)
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            self._reload()
            self._show_action(self._record.answers.get(self._item_id or ""))  # type: ignore[union-attr]
            return
        self._after_save(None)
        self._show_action(self._record.answers.get(self._item_id or ""))  # type: ignore[union-attr]

    def add_photos(self) -> None:
        """Choose picture files; each is resized off the UI thread, then stored with the item."""
        record = self._record
        if record is None or self._item_id is None or record.audit.status != "in_progress":
            return
        paths = photo_files.choose_photo_files(self)
        if not paths:
            return
        item_id, audit_id = self._item_id, record.audit.id
        self._photo_busy.setText(f"Adding {len(paths)} photo(s)…")
        self._add_photo_button.setEnabled(False)
        pending = {"left": len(paths)}

        def finished() -> None:
            pending["left"] -= 1
            if pending["left"] == 0:
                self._photo_busy.setText("")
                self._add_photo_button.setEnabled(True)

        def store_photo(prepared: photo_files.PreparedPhoto) -> None:
            try:
                self.ctx.store.add_photo(
                    audit_id,
                    item_id,
                    prepared.data,
                    filename=prepared.filename,
                    media_type=prepared.media_type,
                    width=prepared.width,
                    height=prepared.height,
                    actor=self.ctx.auditor_name,
                )
            except Exception as error:  # marked "Not saved", shown and logged
                finished()
                self._not_saved(error)
                return
            finished()
            if self.audit_id == audit_id:
                self._after_save(None)
                if self._item_id == item_id:
                    self._show_photos()

        def failed(error: BaseException) -> None:
            finished()
            ui_errors.show_error(self, error)

        for path in paths:
            run_in_background(lambda p=path: photo_files.prepare_photo(p), store_photo, failed)

    def _remove_photo(self, photo_id: str) -> None:
        try:
            self.ctx.store.remove_photo(photo_id, actor=self.ctx.auditor_name)
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return
        self._after_save(None)
        self._show_photos()
        self.focus_card()

    # saved, not saved ----------------------------------------------------------------------

    def _reload(self) -> None:
        assert self._record is not None
        self._record = self.ctx.store.audit(self._record.audit.id)
        self.items_model.set_record(self._record)

    def _after_save(self, item_id: str | None) -> None:
        """Only called once the store has committed: now "Saved" may be shown."""
        self._reload()
        if item_id is not None:
            self._last_saved_item = item_id
        self._save_state = "saved"
        self._saved_label.setText(f"Saved {clock.now():%H:%M:%S}")
        self._saved_label.setStyleSheet("")
        self._refresh_header()

    def _not_saved(self, error: BaseException) -> None:
        self._save_state = "failed"
        self._saved_label.setText("⚠ Not saved")
        self._saved_label.setStyleSheet(
            "QLabel { border: 2px solid palette(text); padding: 2px 6px; }"
        )
        self._say("The last change was NOT saved. Read the message, then try again.")
        ui_errors.show_error(self, error)

    def _refresh_header(self) -> None:
        record = self._record
        if record is None:
            return
        ward = record.audit.ward
        self._ward_label.setText(f"{ward.name} · {ward.site} ({ward.designation.lower()} ward)")
        self._checklist_label.setText(record.checklist.label)
        score = record.score
        self._progress_label.setText(f"{score.answered} / {score.applicable} answered")
        self._progress_label.setAccessibleName(
            f"{score.answered} of {score.applicable} items answered"
        )
        word = "Provisional score" if record.audit.status == "in_progress" else "Score"
        shown = display_score(score.overall)
        self._score_label.setText(
            f"{word}: {shown}%" if score.overall is not None else f"{word}: –"
        )
        self._rating_chip.set_rating(score.rating)
        if score.critical_breach:
            breaches = score.critical_items
            self._breach_label.setText(
                "⚠ Critical breach: " + ", ".join(breaches) + " (rated Red)"
                if len(breaches) <= 3
                else f"⚠ {len(breaches)} critical breaches (rated Red)"
            )
            questions = [record.checklist.item(i).question for i in score.critical_items]
            self._breach_label.setToolTip("\n".join(questions))
        else:
            self._breach_label.setText("No critical breach")
            self._breach_label.setToolTip("")
        in_progress = record.audit.status == "in_progress"
        if not in_progress:
            self._saved_label.setText(
                f"Signed off {clock.uk_date(record.audit.completed_at)}: locked"
            )
        elif self._save_state == "none":
            self._saved_label.setText("All answers saved")
        self._summary_button.setVisible(in_progress and self._stack.currentWidget() is self._work)

    def _say(self, text: str) -> None:
        self._message.setText(text)
        self._message.setVisible(True)
        _announce(self._message, text)

    # leaving -------------------------------------------------------------------------------

    def _leave(self) -> None:
        self._flush_all()
        self.leave_requested.emit()

    def _flush_all(self) -> None:
        if self._record is not None and self._record.audit.status == "in_progress":
            self._save_details()
            self.action_panel.flush()

    def hideEvent(self, event: QEvent) -> None:  # type: ignore[override]
        # Switching screens or closing the window must not lose a half-typed note.
        self._flush_all()
        super().hideEvent(event)

    def _on_completed(self, audit_id: str) -> None:
        self._record = self.ctx.store.audit(audit_id)
        self.items_model.set_record(self._record)
        self._undo.clear()
        self._refresh_header()
        self._show_summary_page()
        self.summary.focus_first()
        self.audit_completed.emit(audit_id)

    def _on_amended(self, audit_id: str) -> None:
        self._record = self.ctx.store.audit(audit_id)
        self.items_model.set_record(self._record)
        self._save_state = "saved"
        self._saved_label.setText(f"Saved {clock.now():%H:%M:%S}")
        self._refresh_header()
        self._show_summary_page()
