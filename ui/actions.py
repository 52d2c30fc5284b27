"""The Actions screen: every action across the wards, filtered, updated, exported and taken back.

Matrons and estates officers see what is open and overdue, update an action's status with
a note, read its history, export the estates work list or one audit's plan, and import
estates' returned workbook (shown first, then applied all or nothing). Loading, exports
and the import run off the UI thread, so the window never freezes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QDate,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exports.commands import TRUST_SETTING
from ui import errors as ui_errors
from ui.context import AppContext
from ui.theme import MIN_TOUCH_PX, is_high_contrast, row_height, touch_button
from ui.wards import RatingDelegate
from ui.widgets import BAND_COLOURS, FlowLayout, RowsTableModel, busy_dialog
from ui.worker import run_in_background
from wardaudit import clock
from wardaudit.model import ACTION_STATUS_WORDS, ACTION_STATUSES, Action, HistoryEvent, Ward
from wardaudit.risk import BAND_ORDER, BAND_WORDS
from wardaudit.scoring import ANSWER_WORDS
from wardaudit.store import Store

log = logging.getLogger(__name__)

WORK_LIST_TITLE = "Estates work list"
STILL_TO_DO = "still_to_do"  # the status filter's "Open or in progress"
STILL_TO_DO_WORDS = "Open or in progress"
NOTE_HINT = "What was done, or why it cannot be done"
STILL_TO_DO_STATUSES = frozenset({"open", "in_progress"})
# An overdue row's colours (background, text); the word "Overdue" is always written too.
OVERDUE_COLOURS = ("#fde2e1", "#111111")
OVERDUE_COLOURS_HIGH_CONTRAST = ("#4d0000", "#ffffff")
FORMATS = {
    "pdf": ("PDF", "PDF documents (*.pdf)"),
    "xlsx": ("Excel", "Excel workbooks (*.xlsx)"),
}


# --- words --------------------------------------------------------------------------------


def overdue_days(action: Action, today: date) -> int:
    """Days past the due date for an action still to do; 0 when it is not overdue."""
    return (today - action.due).days if action.is_overdue(today) else 0


def overdue_words(days: int) -> str:
    if days <= 0:
        return ""
    return f"Overdue {days} day{'s' if days != 1 else ''}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def _status_word(status: object) -> str:
    return ACTION_STATUS_WORDS.get(str(status), str(status))


def _date_text(value: object) -> str:
    try:
        return clock.uk_date(str(value)) if value else ""
    except ValueError:
        return str(value)


def describe_event(event: HistoryEvent) -> str:
    """What happened to an action, in words: "Status changed to Done", "Note: ..."."""
    detail = event.detail
    kind = event.kind
    if kind == "action_status":
        status = _status_word(detail.get("status"))
        previous = detail.get("previous")
        if previous == detail.get("status"):
            text = f"Note added (status stays {status})"
        else:
            text = f"Status changed to {status}"
            if previous:
                text += f" (was {_status_word(previous)})"
        note = str(detail.get("status_note") or "").strip()
        return text + (f"\nNote: {note}" if note else "")
    if kind == "action_update_imported":
        parts = []
        if "status" in detail:
            parts.append(f"status changed to {_status_word(detail['status'])}")
        if "completed_on" in detail:
            parts.append(f"completed on {_date_text(detail['completed_on'])}")
        if "comment" in detail:
            comment = str(detail["comment"] or "").strip()
            parts.append(f"comment “{comment}”" if comment else "comment removed")
        return "From estates' returned workbook: " + ("; ".join(parts) or "no change")
    if kind == "action_changed":
        parts = []
        if "description" in detail:
            parts.append("the action's wording changed")
        if "owner" in detail:
            parts.append(f"owner {detail['owner'] or 'not set'}")
        if "likelihood" in detail or "consequence" in detail:
            parts.append(f"risk {detail.get('likelihood')} × {detail.get('consequence')}")
        if "due" in detail:
            parts.append(f"due {_date_text(detail['due'])}")
        return "Details changed: " + ("; ".join(parts) or "no change")
    if kind == "action_raised":
        band = BAND_WORDS.get(str(detail.get("band")), str(detail.get("band") or ""))
        text = "Raised at the audit"
        if band:
            text += f": {band} risk"
        if detail.get("due"):
            text += f", due {_date_text(detail['due'])}"
        if detail.get("owner"):
            text += f", owner {detail['owner']}"
        return text
    if kind == "action_note":
        return "Note: " + _sentence(str(detail.get("note") or ""))
    return _sentence(kind.replace("_", " "))


def history_lines(action: Action, events: Sequence[HistoryEvent]) -> list[str]:
    """The action's history, newest first: when (dd/mm/yyyy hh:mm), who, and what, in words."""
    lines = []
    for event in reversed(events):
        who = f" · {event.actor}" if event.actor else ""
        lines.append(f"{clock.uk_datetime(event.at)}{who}\n{describe_event(event)}")
    if not any(event.kind == "action_raised" for event in events):
        # Actions from an audit recorded whole (imported) have no event of their own raising.
        lines.append(f"{clock.uk_datetime(action.created_at)}\nRaised at the audit")
    return lines


# --- loading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionList:
    """What the screen shows: every action, and the wards to filter by."""

    actions: list[Action]
    wards: list[Ward]
    today: date


def load_actions(store: Store) -> ActionList:
    """Read every action and the wards; runs in the worker, so it must not touch a widget."""
    return ActionList(store.actions(), store.wards(), clock.today())


# --- the table model ----------------------------------------------------------------------


class ActionTableModel(RowsTableModel):
    """Actions as table rows; screens read ``ACTION_ROLE``.

    The model sorts itself (on the keys ``SORT_ROLE`` gives) in one Python sort: a proxy
    comparing rows through ``data()`` took most of a second for two thousand actions.
    """

    # What estates act on comes first, so it stays in view beside the details at 1366 px;
    # who owns it, where it is and when it was raised follow.
    WARD, ITEM, ACTION, RISK, DUE, OVERDUE, STATUS, OWNER, SITE, RAISED = range(10)
    HEADERS = (
        "Ward",
        "Item",
        "Action",
        "Risk",
        "Due",
        "Overdue",
        "Status",
        "Owner",
        "Site",
        "Raised",
    )
    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    ACTION_ROLE = Qt.ItemDataRole.UserRole + 2
    OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3  # days overdue, 0 when not
    BOLD_COLUMNS = frozenset({RISK, DUE, OVERDUE})  # written in bold (Due and Overdue when late)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = clock.today()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    def set_rows(self, actions: Sequence[Action], today: date | None = None) -> None:
        self.beginResetModel()
        self.today = today or clock.today()
        self._rows = self._sorted(actions)
        self.endResetModel()

    def rows(self) -> list[Action]:
        """Every action, in the order shown."""
        return list(self._rows)

    def action_at(self, row: int) -> Action:
        return self._rows[row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old_ids = [action.id for action in self._rows]
        self._rows = self._sorted(self._rows)
        new_rows = {action.id: row for row, action in enumerate(self._rows)}
        old_indexes = self.persistentIndexList()
        new_indexes = [
            self.index(new_rows[old_ids[index.row()]], index.column())
            if index.isValid()
            else QModelIndex()
            for index in old_indexes
        ]
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()

    def _sorted(self, actions: Sequence[Action]) -> list[Action]:
        if self._sort_column < 0:
            return list(actions)
        column = self._sort_column
        return sorted(
            actions,
            key=lambda action: self._sort_key(action, column),
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )

    def row_for_action(self, action_id: str) -> int:
        for number, action in enumerate(self._rows):
            if action.id == action_id:
                return number
        return -1

    def replace_action(self, action: Action) -> None:
        """Show an action's new state (after an update) without reloading every row."""
        row = self.row_for_action(action.id)
        if row < 0:
            return
        self._rows[row] = action
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        action = self._rows[index.row()]
        column = index.column()
        days = overdue_days(action, self.today)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(action, column, days)
        if role == self.SORT_ROLE:
            return self._sort_key(action, column)
        if role == self.ACTION_ROLE:
            return action
        if role == self.OVERDUE_ROLE:
            return days
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.ACTION:
                return action.description  # the column may be too narrow to show it whole
            if column == self.RISK:
                return action.risk.describe()
            return f"{action.ward} {action.item}: {action.description}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == self.RISK:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if column == self.RISK:
            background, foreground = BAND_COLOURS.get(action.risk.band, ("#e0e0e0", "#000000"))
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(foreground)
        elif days:
            background, foreground = (
                OVERDUE_COLOURS_HIGH_CONTRAST if is_high_contrast() else OVERDUE_COLOURS
            )
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(foreground)
        if role == Qt.ItemDataRole.FontRole and (
            column == self.RISK or (days and column in (self.OVERDUE, self.DUE))
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None

    @staticmethod
    def text(action: Action, column: int, days: int) -> str:
        """What a cell says; ``days`` is how many days overdue the action is (0 if not)."""
        model = ActionTableModel
        if column == model.WARD:
            return action.ward
        if column == model.SITE:
            return action.site
        if column == model.ITEM:
            return action.item
        if column == model.ACTION:
            return action.description
        if column == model.OWNER:
            return action.owner or "Not set"
        if column == model.RISK:
            return f"{action.risk.score} {action.risk.band_word}"
        if column == model.DUE:
            return clock.uk_date(action.due)
        if column == model.STATUS:
            return action.status_word
        if column == model.OVERDUE:
            return overdue_words(days)
        if column == model.RAISED:
            return clock.uk_date(action.created_at)
        return ""

    def _sort_key(self, action: Action, column: int) -> Any:
        if column == self.WARD:
            return f"{action.ward.casefold()}\x00{action.item}"
        if column == self.SITE:
            return f"{action.site.casefold()}\x00{action.ward.casefold()}\x00{action.item}"
        if column == self.ITEM:
            return f"{action.item}\x00{action.ward.casefold()}"
        if column == self.ACTION:
            return action.description.casefold()
        if column == self.OWNER:
            return action.owner.casefold()
        if column == self.RISK:
            return action.risk.score
        if column == self.DUE:
            return action.due.isoformat()
        if column == self.STATUS:
            return ACTION_STATUSES.index(action.status) if action.status in ACTION_STATUSES else 9
        if column == self.OVERDUE:
            # How pressing: the most overdue first (descending), then those due soonest, then
            # the finished ones, most recently due first.
            late = (self.today - action.due).days
            return late if action.status in STILL_TO_DO_STATUSES else late - 1_000_000
        if column == self.RAISED:
            return clock.parse_iso(action.created_at).timestamp()
        return ""


# --- filtering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFilters:
    """What the filter boxes ask for; None is "All"."""

    site: str | None = None
    ward_id: str | None = None
    owner: str | None = None
    band: str | None = None
    status: str | None = None  # a status code, or STILL_TO_DO for open or in progress
    overdue_only: bool = False

    def accepts(self, action: Action, today: date) -> bool:
        if self.site is not None and action.site != self.site:
            return False
        if self.ward_id is not None and action.ward_id != self.ward_id:
            return False
        if self.owner is not None and action.owner != self.owner:
            return False
        if self.band is not None and action.risk.band != self.band:
            return False
        if self.status == STILL_TO_DO:
            if action.status not in STILL_TO_DO_STATUSES:
                return False
        elif self.status is not None and action.status != self.status:
            return False
        return not (self.overdue_only and not action.is_overdue(today))

    def words(self, ward_names: dict[str, str] | None = None) -> str:
        """The filters as the work list's heading says them: "Site: ...; Status: Open"."""
        parts = []
        if self.site:
            parts.append(f"Site: {self.site}")
        if self.ward_id:
            parts.append(f"Ward: {(ward_names or {}).get(self.ward_id, self.ward_id)}")
        if self.owner is not None:
            parts.append(f"Owner: {self.owner or 'not set'}")
        if self.band:
            parts.append(f"Band: {BAND_WORDS.get(self.band, self.band)}")
        if self.status == STILL_TO_DO:
            parts.append(f"Status: {STILL_TO_DO_WORDS}")
        elif self.status:
            parts.append(f"Status: {_status_word(self.status)}")
        if self.overdue_only:
            parts.append("Overdue only")
        return "; ".join(parts)


class ActionFilterModel(QSortFilterProxyModel):
    """Shows the actions the filters accept, in the order the table model sorted them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filters = ActionFilters()
        self.setSortRole(ActionTableModel.SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The header's sort goes to the table model, which sorts in one pass."""
        self.sourceModel().sort(column, order)

    def filters(self) -> ActionFilters:
        return self._filters

    def set_filters(self, filters: ActionFilters) -> None:
        if filters == self._filters:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            self._filters = filters
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._filters = filters
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        return self._filters.accepts(model.action_at(source_row), model.today)

    def actions(self) -> list[Action]:
        """The actions shown, in the order shown (worked out without asking every cell)."""
        model = self.sourceModel()
        return [a for a in model.rows() if self._filters.accepts(a, model.today)]


# --- the import preview -------------------------------------------------------------------


class ImportPreviewDialog(QDialog):
    """What estates' workbook will change, before anything does: apply all of it, or cancel."""

    def __init__(self, plan: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        count = len(plan.updates)
        self.setWindowTitle("Check the changes before applying them")
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)
        plural = "s" if count != 1 else ""
        intro = QLabel(
            f"<b>{_escape(plan.path.name)}</b>: {count} action{plural} will change "
            f"({plan.rows_read} row{'s' if plan.rows_read != 1 else ''} read). Nothing has "
            "changed yet. Apply all of them, or cancel and nothing changes."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("What the workbook will change")

        self.changes = QListWidget()
        self.changes.setAccessibleName(f"The {count} change{plural}")
        self.changes.setWordWrap(True)
        self.changes.addItems(plan.describe())
        changes_label = QLabel("&Changes")
        changes_label.setObjectName("subheading")
        changes_label.setBuddy(self.changes)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(changes_label)
        layout.addWidget(self.changes, 2)

        self.warnings = QListWidget()
        self.warnings.setAccessibleName("Warnings: read these before applying")
        self.warnings.setWordWrap(True)
        self.warnings.addItems([_sentence(w) for w in plan.warnings])
        if plan.warnings:
            warnings_label = QLabel("&Please read before applying")
            warnings_label.setObjectName("subheading")
            warnings_label.setBuddy(self.warnings)
            layout.addWidget(warnings_label)
            layout.addWidget(self.warnings, 1)
        else:
            self.warnings.hide()

        self.apply_button = touch_button(
            f"Apply all {count} change{plural}",
            tooltip="Change every action listed, all together (or none, if anything fails)",
            primary=True,
        )
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.accept)
        self.cancel_button = touch_button("Cancel", tooltip="Close this and change nothing")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.apply_button)
        layout.addLayout(buttons)
        for listing in (self.changes, self.warnings):
            listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            listing.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Sized to the text, within the window it belongs to, so 200% text reads easily.
        metrics = self.fontMetrics()
        room = parent.window().size() if parent is not None else QSize(1366, 768)
        self.resize(
            max(640, min(metrics.averageCharWidth() * 80, room.width() - 40)),
            max(420, min(metrics.height() * 26, room.height() - 40)),
        )
        self.apply_button.setFocus()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the screen ---------------------------------------------------------------------------


class _FitWidthScroll(QScrollArea):
    """Scrolls its content up and down only, giving it the height its wrapped text needs.

    A resizable QScrollArea sizes its widget from the size hint, which leaves out the extra
    lines wrapped labels take at the width they get: the update form came out squashed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def refit(self) -> None:
        widget = self.widget()
        if widget is None:
            return
        width = self.viewport().width()
        layout = widget.layout()
        needed = (
            layout.totalHeightForWidth(width)
            if layout is not None and layout.hasHeightForWidth()
            else widget.sizeHint().height()
        )
        height = max(needed, widget.minimumSizeHint().height(), self.viewport().height())
        if widget.size() != QSize(width, height):
            widget.resize(width, height)

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.installEventFilter(self)  # new text or a shown message asks for a new height

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.refit()
        return super().eventFilter(watched, event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.refit()
        return super().viewportEvent(event)


@dataclass
class _Combo:
    """A filter box and the label that names it."""

    box: QComboBox
    label: QLabel
    holder: QWidget = field(init=False)


class ActionsScreen(QWidget):
    """Filters, the action table, the selected action's details, history and update form."""

    open_audit_requested = Signal(str)
    data_changed = Signal()
    rows_loaded = Signal()
    export_finished = Signal(object)  # the path written
    import_finished = Signal(int)  # how many actions changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Actions")
        self.loading = False
        self.busy = False  # an export or import is running
        self._stale = True
        self._generation = 0
        self._wards: list[Ward] = []
        self._action: Action | None = None
        self._content_widths: dict[int, int] = {}
        self._filling = False
        self._keep_details = False
        self._folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        self.progress_dialog: QProgressDialog | None = None
        self.last_message: QMessageBox | None = None
        self.last_dialog: QDialog | None = None

        heading = QLabel("Actions")
        heading.setObjectName("heading")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Loading actions")
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Action list status")

        self.pdf_button = touch_button(
            "Export work list (PDF)…",
            tooltip="Save the actions shown in the table as a PDF work list for estates",
        )
        self.pdf_button.clicked.connect(lambda: self.export_work_list("pdf"))
        self.xlsx_button = touch_button(
            "Export work list (Excel)…",
            tooltip="Save the actions shown as an Excel workbook estates can fill in and return",
        )
        self.xlsx_button.clicked.connect(lambda: self.export_work_list("xlsx"))
        self.import_button = touch_button(
            "Import estates' workbook…",
            tooltip="Take back the workbook estates returned with statuses, comments and "
            "completion dates: you see every change before it is applied",
        )
        self.import_button.clicked.connect(lambda: self.import_workbook())

        top = FlowLayout(spacing=10)
        top.addWidget(heading)
        for button in (self.pdf_button, self.xlsx_button, self.import_button):
            top.addWidget(button)

        # --- filters
        self.site_box = self._combo("Site", "Show the actions of one site", 10)
        self.ward_box = self._combo("Ward", "Show the actions of one ward", 9)
        self.owner_box = self._combo("Owner", "Show the actions one team owns", 9)
        self.band_box = self._combo("Band", "Show the actions of one risk band", 6)
        self.status_box = self._combo("Status", "Show the actions with one status", 9)
        self.overdue_check = QCheckBox("&Overdue only")
        self.overdue_check.setAccessibleName("Overdue only")
        self.overdue_check.setToolTip("Show only actions past their due date and not yet done")
        self.overdue_check.setMinimumHeight(MIN_TOUCH_PX)
        self.overdue_check.toggled.connect(self._filters_changed)
        self.clear_button = touch_button("Clear filters", tooltip="Show every action again")
        self.clear_button.clicked.connect(self.clear_filters)
        self._fill_fixed_filters()

        filters = FlowLayout(spacing=10)
        for combo in (self.site_box, self.ward_box, self.owner_box, self.band_box):
            filters.addWidget(combo.holder)
        filters.addWidget(self.status_box.holder)

        # --- the table
        self.model = ActionTableModel(self)
        self.proxy = ActionFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Actions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        # The most pressing first: the most overdue, then those due soonest.
        self.table.sortByColumn(ActionTableModel.OVERDUE, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.sortIndicatorChanged.connect(lambda *_: self.fit_columns())
        # The band's colour stays on a selected row (its word is there too).
        self.risk_delegate = RatingDelegate(self.table)
        self.table.setItemDelegateForColumn(ActionTableModel.RISK, self.risk_delegate)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda _index: self.focus_update_form())

        self.table_message = QLabel("Loading…")
        self.table_message.setObjectName("subheading")
        self.table_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_message.setWordWrap(True)
        self.table_message.setAccessibleName("Action list")
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table_message)
        self.table_stack.addWidget(self.table)

        table_side = QWidget()
        table_layout = QVBoxLayout(table_side)
        table_layout.setContentsMargins(0, 0, 0, 0)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.overdue_check)
        status_row.addWidget(self.clear_button)
        table_layout.addLayout(status_row)
        table_layout.addWidget(self.table_stack, 1)

        self.details = self._build_details()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(table_side)
        self.splitter.addWidget(self.details)
        # The details keep their width; a wider window gives the table the room.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        # Wider at large text sizes, so the details and the form read without cramping.
        details_width = max(380, self.fontMetrics().averageCharWidth() * 30)
        self.splitter.setSizes([1220 - details_width, details_width])
        self.splitter.splitterMoved.connect(lambda *_: self.fit_columns())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        order = [
            self.pdf_button,
            self.xlsx_button,
            self.import_button,
            self.site_box.box,
            self.ward_box.box,
            self.owner_box.box,
            self.band_box.box,
            self.status_box.box,
            self.overdue_check,
            self.clear_button,
            self.table,
            self.status_edit,
            self.note_edit,
            self.owner_edit,
            self.due_edit,
            self.save_button,
            self.open_audit_button,
            self.plan_pdf_button,
            self.plan_xlsx_button,
            self.history_list,
        ]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.show_action(None)

    # --- building -----------------------------------------------------------------------------

    def _combo(self, name: str, tooltip: str, characters: int) -> _Combo:
        box = QComboBox()
        box.setAccessibleName(f"{name} filter")
        box.setToolTip(tooltip)
        box.setMinimumHeight(MIN_TOUCH_PX)
        # A steady width, so the row does not jump as names load; the list opens wider.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(characters)
        box.currentIndexChanged.connect(self._filters_changed)
        label = QLabel(f"{name}:")
        label.setBuddy(box)
        combo = _Combo(box, label)
        combo.holder = QWidget()
        row = QHBoxLayout(combo.holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(label)
        row.addWidget(box)
        return combo

    def _fill_fixed_filters(self) -> None:
        self._filling = True
        try:
            self.band_box.box.addItem("All bands", None)
            for band in BAND_ORDER:
                self.band_box.box.addItem(BAND_WORDS[band], band)
            self.status_box.box.addItem("All statuses", None)
            self.status_box.box.addItem(STILL_TO_DO_WORDS, STILL_TO_DO)
            for status in ACTION_STATUSES:
                self.status_box.box.addItem(ACTION_STATUS_WORDS[status], status)
            for combo, everything in (
                (self.site_box, "All sites"),
                (self.ward_box, "All wards"),
                (self.owner_box, "All owners"),
            ):
                combo.box.addItem(everything, None)
        finally:
            self._filling = False

    @staticmethod
    def _rich_label(name: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        return label

    def _build_details(self) -> _FitWidthScroll:
        """The selected action: what it is, the update form, the audit, the history."""
        panel = QWidget()
        panel.setAccessibleName("The selected action")
        column = QVBoxLayout(panel)
        column.setContentsMargins(8, 0, 8, 8)

        self.details_title = QLabel()
        self.details_title.setObjectName("subheading")
        self.details_title.setWordWrap(True)
        self.details_title.setAccessibleName("Selected action")
        self.details_summary = self._rich_label("The selected action and its status")
        self.details_text = self._rich_label("What was found, where, and the risk")
        column.addWidget(self.details_title)
        column.addWidget(self.details_summary)

        # --- the update form, straight after what the action is
        self.update_box = QWidget()
        self.update_box.setAccessibleName("Update this action")
        update_layout = QVBoxLayout(self.update_box)
        update_layout.setContentsMargins(0, 6, 0, 0)
        update_heading = QLabel("Update this action")
        update_heading.setObjectName("subheading")
        update_heading.setWordWrap(True)
        update_layout.addWidget(update_heading)
        form = QFormLayout()
        update_layout.addLayout(form)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.status_edit = QComboBox()
        self.status_edit.setAccessibleName("New status")
        self.status_edit.setMinimumHeight(MIN_TOUCH_PX)
        for status in ACTION_STATUSES:
            self.status_edit.addItem(ACTION_STATUS_WORDS[status], status)
        self.status_edit.currentIndexChanged.connect(self._status_chosen)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(NOTE_HINT)
        self.note_edit.setMinimumHeight(MIN_TOUCH_PX * 3 // 2)
        self.note_edit.setMaximumHeight(MIN_TOUCH_PX * 2)
        self.note_edit.textChanged.connect(self._note_typed)
        self.owner_edit = QComboBox()
        self.owner_edit.setEditable(True)
        self.owner_edit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.owner_edit.setAccessibleName("Owner")
        self.owner_edit.setMinimumHeight(MIN_TOUCH_PX)
        self.owner_edit.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.owner_edit.setMinimumContentsLength(8)
        self.due_edit = QDateEdit()
        self.due_edit.setDisplayFormat("dd/MM/yyyy")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setAccessibleName("Due date")
        self.due_edit.setMinimumHeight(MIN_TOUCH_PX)
        for text, widget in (("&Status", self.status_edit), ("&Note", self.note_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.due_edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        for text, widget in (("Own&er", self.owner_edit), ("&Due", self.due_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.form_message = QLabel()
        self.form_message.setWordWrap(True)
        self.form_message.setAccessibleName("Update message")
        self.form_message.hide()
        form.addRow(self.form_message)
        self.save_button = touch_button(
            "Save update",
            tooltip="Save the new status and note, and any change of owner or due date "
            "(Ctrl+Enter from any field of the form)",
            primary=True,
        )
        self.save_button.clicked.connect(self.save_update)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.update_box)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save_update)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        form.addRow(save_row)
        column.addWidget(self.update_box)
        column.addWidget(self.details_text)

        # --- the audit that raised it
        self.open_audit_button = touch_button(
            "Open the audit", tooltip="Show the audit that raised this action"
        )
        self.open_audit_button.clicked.connect(self.open_selected_audit)
        self.plan_pdf_button = touch_button(
            "PDF…",
            "Export this audit's plan (PDF)",
            tooltip="Save the action plan of the audit that raised this action, as a PDF",
        )
        self.plan_pdf_button.clicked.connect(lambda: self.export_audit_plan("pdf"))
        self.plan_xlsx_button = touch_button(
            "Excel…",
            "Export this audit's plan (Excel)",
            tooltip="Save the action plan of the audit that raised this action, as a workbook",
        )
        self.plan_xlsx_button.clicked.connect(lambda: self.export_audit_plan("xlsx"))
        plan_label = QLabel("Export this audit's plan:")
        plan_label.setWordWrap(True)
        links = FlowLayout(spacing=8)
        for widget in (self.open_audit_button, plan_label):
            links.addWidget(widget)
        links.addWidget(self.plan_pdf_button)
        links.addWidget(self.plan_xlsx_button)
        column.addLayout(links)

        # --- the history
        history_label = QLabel("&History (newest first)")
        history_label.setObjectName("subheading")
        history_label.setWordWrap(True)
        self.history_list = QListWidget()
        self.history_list.setAccessibleName("History of the selected action, newest first")
        self.history_list.setWordWrap(True)
        self.history_list.setMinimumHeight(MIN_TOUCH_PX * 3)
        history_label.setBuddy(self.history_list)
        column.addWidget(history_label)
        column.addWidget(self.history_list, 1)

        scroll = _FitWidthScroll()
        scroll.setWidget(panel)
        scroll.setMinimumWidth(320)
        return scroll

    # --- loading ------------------------------------------------------------------------------

    def mark_stale(self) -> None:
        """Something changed elsewhere: reload now if showing, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale and not self.loading:
            self.reload()

    def hideEvent(self, event: Any) -> None:
        # Audits answered or merged while she is elsewhere raise and move actions.
        self._stale = True
        super().hideEvent(event)

    def reload(self) -> None:
        """Fetch the actions in the worker; a later reload wins over an earlier one."""
        self._generation += 1
        generation = self._generation
        self._stale = False
        self.loading = True
        self.progress.show()
        self.status_label.setText("Loading…")
        if not self.model.rowCount():
            self.table_message.setText("Loading…")
            self.table_stack.setCurrentWidget(self.table_message)
        store = self.ctx.store

        def done(loaded: ActionList) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self._show_rows(loaded)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self.loading = False
                self.progress.hide()
                self.status_label.setText("The actions could not be loaded.")
                self.table_message.setText("The actions could not be loaded.")
                ui_errors.show_error(self, error)

        run_in_background(lambda: load_actions(store), done, failed)

    def _show_rows(self, loaded: ActionList) -> None:
        selected = self._action.id if self._action else None
        self._wards = loaded.wards
        self.model.set_rows(loaded.actions, loaded.today)
        self._fill_filters(loaded)
        self.loading = False
        self.progress.hide()
        self._filters_changed()
        if not (selected and self.select_action(selected)):
            self._select_first()
        self.measure_columns()
        self.rows_loaded.emit()

    def _fill_filters(self, loaded: ActionList) -> None:
        """Sites, wards and owners as they are now, keeping what she had chosen."""
        self._filling = True
        try:
            sites = sorted({ward.site for ward in loaded.wards}, key=str.casefold)
            self._refill(self.site_box.box, "All sites", [(site, site) for site in sites])
            self._fill_wards()
            owners = sorted({a.owner for a in loaded.actions}, key=str.casefold)
            self._refill(
                self.owner_box.box,
                "All owners",
                [(owner or "Not set", owner) for owner in owners],
            )
            current_owner = self.owner_edit.currentText()
            self.owner_edit.clear()
            self.owner_edit.addItems([owner for owner in owners if owner])
            self.owner_edit.setEditText(current_owner)
        finally:
            self._filling = False

    def _fill_wards(self) -> None:
        site = self.site_box.box.currentData()
        wards = sorted(
            (w for w in self._wards if site is None or w.site == site),
            key=lambda w: w.name.casefold(),
        )
        self._refill(self.ward_box.box, "All wards", [(w.name, w.id) for w in wards])

    @staticmethod
    def _refill(box: QComboBox, everything: str, choices: list[tuple[str, Any]]) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for text, value in choices:
            box.addItem(text, value)
        found = box.findData(chosen) if chosen is not None else 0
        box.setCurrentIndex(max(0, found))
        box.blockSignals(False)
        view = box.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * MIN_TOUCH_PX)

    # --- filters ------------------------------------------------------------------------------

    def current_filters(self) -> ActionFilters:
        return ActionFilters(
            site=self.site_box.box.currentData(),
            ward_id=self.ward_box.box.currentData(),
            owner=self.owner_box.box.currentData(),
            band=self.band_box.box.currentData(),
            status=self.status_box.box.currentData(),
            overdue_only=self.overdue_check.isChecked(),
        )

    def set_filters(
        self,
        *,
        site: str | None = None,
        ward: str | None = None,
        owner: str | None = None,
        band: str | None = None,
        status: str | None = None,
        overdue_only: bool = False,
    ) -> None:
        """Choose filters as she would in the boxes (a ward by its id or name)."""
        self._filling = True
        try:
            self.site_box.box.setCurrentIndex(max(0, self.site_box.box.findData(site)))
            self._fill_wards()
            ward_index = self.ward_box.box.findData(ward) if ward else 0
            if ward and ward_index < 0:
                ward_index = self.ward_box.box.findText(ward)
            self.ward_box.box.setCurrentIndex(max(0, ward_index))
            self.owner_box.box.setCurrentIndex(
                max(0, self.owner_box.box.findData(owner)) if owner is not None else 0
            )
            self.band_box.box.setCurrentIndex(max(0, self.band_box.box.findData(band)))
            self.status_box.box.setCurrentIndex(max(0, self.status_box.box.findData(status)))
            self.overdue_check.setChecked(overdue_only)
        finally:
            self._filling = False
        self._filters_changed()

    def clear_filters(self) -> None:
        self.set_filters()

    def _filters_changed(self, *_args: object) -> None:
        if self._filling:
            return
        if self.sender() is self.site_box.box:
            self._filling = True
            try:
                self._fill_wards()
            finally:
                self._filling = False
        selected = self._action.id if self._action else None
        self.proxy.set_filters(self.current_filters())
        single_site = self.proxy.filters().site is not None
        self.table.setColumnHidden(ActionTableModel.SITE, single_site)
        if not (selected and self.select_action(selected)):
            self._select_first()
        self._update_counts()
        self.fit_columns()

    def _update_counts(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if self.loading and not total:
            return
        today = self.model.today
        overdue = sum(1 for action in self.proxy.actions() if action.is_overdue(today))
        if not total:
            text = "No actions yet: an audit raises one for every No or Partly."
        else:
            text = f"{shown} of {total} actions shown"
            if overdue:
                text += f" · {overdue} overdue"
        self.status_label.setText(text)
        if shown:
            self.table_stack.setCurrentWidget(self.table)
        else:
            self.table_message.setText(
                "No actions match these filters. Choose others, or press Clear filters."
                if total
                else "No actions yet. An audit raises an action for every No or Partly answer."
            )
            self.table_stack.setCurrentWidget(self.table_message)
        has_rows = bool(shown)
        self.pdf_button.setEnabled(has_rows and not self.busy)
        self.xlsx_button.setEnabled(has_rows and not self.busy)
        self.import_button.setEnabled(not self.busy)

    def filtered_actions(self) -> list[Action]:
        return self.proxy.actions()

    def measure_columns(self) -> None:
        """Each column's width from its widest text over every action, measured once a load.

        Asking the view to size columns made it ask every cell of a thousand rows, which
        froze the window for a second or more.
        """
        plain = QFontMetrics(self.table.font())
        bold_font = QFont(self.table.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        header_metrics = QFontMetrics(bold_font)
        actions = self.model.rows()
        today = self.model.today
        widths: dict[int, int] = {}
        for column in range(self.model.columnCount()):
            if column == ActionTableModel.ACTION:
                continue
            metrics = bold if column in ActionTableModel.BOLD_COLUMNS else plain
            texts = {ActionTableModel.text(a, column, overdue_days(a, today)) for a in actions}
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            widths[column] = max(widest + 16, header_metrics.horizontalAdvance(title) + 18)
        self._content_widths = widths
        self.fit_columns()

    def fit_columns(self) -> None:
        """Columns at their measured widths; the action's wording takes the room left over."""
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        header = self.table.horizontalHeader()
        metrics = QFontMetrics(self.table.font())
        sorted_column = header.sortIndicatorSection()
        used = in_view = 0
        for column, measured in self._content_widths.items():
            if self.table.isColumnHidden(column):
                continue
            width = measured + (metrics.height() if column == sorted_column else 0)
            header.resizeSection(column, width)
            used += width
            if column <= ActionTableModel.STATUS:
                in_view += width
        least = metrics.averageCharWidth() * 16
        room = self.table.viewport().width() - used
        if room < least:
            # Too narrow for every column: keep Ward to Status in view, the rest to scroll to.
            room = self.table.viewport().width() - in_view
        header.resizeSection(ActionTableModel.ACTION, max(least, room))

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.measure_columns()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    # --- selection ----------------------------------------------------------------------------

    def _select_first(self) -> None:
        if self.proxy.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.proxy.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        elif not self._keep_details:
            self.show_action(None)

    def select_action(self, action_id: str) -> bool:
        """Select an action in the table; False when it is not shown (filtered out)."""
        source_row = self.model.row_for_action(action_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._keep_details:
            return
        action = current.data(ActionTableModel.ACTION_ROLE) if current.isValid() else None
        if isinstance(action, Action):
            if action != self._action:  # another action, or this one changed on reloading
                self.show_action(action)
        elif self.proxy.rowCount() == 0:
            self.show_action(None)

    def selected_action(self) -> Action | None:
        return self._action

    def show_action(self, action: Action | None) -> None:
        """Fill the details, the update form and the history for one action (or none)."""
        self._action = action
        has = action is not None
        for widget in (
            self.open_audit_button,
            self.plan_pdf_button,
            self.plan_xlsx_button,
            self.update_box,
        ):
            widget.setEnabled(has and not (self.busy and widget is not self.update_box))
        self.form_message.hide()
        self.note_edit.blockSignals(True)
        self.note_edit.clear()
        self.note_edit.blockSignals(False)
        self.history_list.clear()
        if action is None:
            self.details_title.setText("No action chosen")
            self.details_summary.setText(
                "Choose an action in the table to see what was found, its history, and to "
                "update it."
            )
            self.details_text.setText("")
            self.details.refit()
            return
        self.details_title.setText(f"{action.item} · {action.ward}, {action.site}")
        self.details_summary.setText(self._summary_html(action))
        self.details_text.setText(self._details_html(action))
        self.status_edit.setCurrentIndex(max(0, self.status_edit.findData(action.status)))
        self.owner_edit.setEditText(action.owner)
        self.due_edit.setDate(QDate(action.due.year, action.due.month, action.due.day))
        self._fill_history(action)
        self.details.refit()

    @staticmethod
    def _paragraphs(rows: Sequence[tuple[str, str]]) -> str:
        """Name: value lines; values are plain text, escaped here."""
        return "".join(
            f"<p style='margin:0 0 4px 0'><b>{_escape(name)}:</b> {_escape(value)}</p>"
            for name, value in rows
        )

    def _summary_html(self, action: Action) -> str:
        """What the action is and where it stands: read before updating it."""
        html = self._paragraphs([("Action", action.description)])
        days = overdue_days(action, self.model.today)
        status = _escape(action.status_word)
        status += f", due {clock.uk_date(action.due)}"
        if days:
            status += f" — <b>{overdue_words(days)}</b>"
        html += f"<p style='margin:0 0 4px 0'><b>Status:</b> {status}</p>"
        if action.status_note:
            html += self._paragraphs([("Latest note", action.status_note)])
        return html

    def _details_html(self, action: Action) -> str:
        """What was found and where, the risk, and what estates sent back."""
        rows: list[tuple[str, str]] = []
        if action.critical:
            rows.append(("Critical item", "a No here is a critical breach (rated Red)"))
        question = self._question(action)
        rows.append(("Item", f"{action.item}: {question}" if question else action.item))
        found = ANSWER_WORDS.get(action.answer, "")
        if action.found:
            found = f"{found}: {action.found}" if found else action.found
        rows.append(("What was found", found or "Not recorded"))
        rows.append(("Where", action.location or "Not recorded"))
        rows.append(("Risk", action.risk.describe()))
        rows.append(("Raised", clock.uk_date(action.created_at)))
        if action.comment:
            rows.append(("Estates comment", action.comment))
        if action.completed_on:
            rows.append(("Completed on", clock.uk_date(action.completed_on)))
        return self._paragraphs(rows)

    def _question(self, action: Action) -> str:
        try:
            return self.ctx.store.checklist_of(action.audit_id).item(action.item).question
        except Exception:  # the question is a help to read, not needed to update the action
            log.warning("no question found for %s", action.item, exc_info=True)
            return ""

    def _fill_history(self, action: Action) -> None:
        try:
            events = self.ctx.store.history(action=action.id)
        except Exception:  # the history is for reading; the action can still be updated
            log.exception("could not read the history of %s", action.id)
            events = []
        self.history_list.clear()
        self.history_list.addItems(history_lines(action, events))

    def history_texts(self) -> list[str]:
        return [self.history_list.item(row).text() for row in range(self.history_list.count())]

    def focus_update_form(self) -> None:
        if self._action is not None:
            self.status_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.details.ensureWidgetVisible(self.status_edit)

    def open_selected_audit(self) -> None:
        if self._action is not None:
            self.open_audit_requested.emit(self._action.audit_id)

    # --- updating an action -------------------------------------------------------------------

    def _status_chosen(self, _index: int) -> None:
        if self.status_edit.currentData() == "cannot_do":
            self.note_edit.setPlaceholderText("Why it cannot be done (needed for Cannot do)")
        else:
            self.note_edit.setPlaceholderText(NOTE_HINT)
        self.form_message.hide()
        self.details.refit()

    def _note_typed(self) -> None:
        if self.form_message.objectName() == "problem" and self.note_edit.toPlainText().strip():
            self.form_message.hide()
            self.details.refit()

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.form_message.setObjectName("problem" if problem else "")
        self.form_message.style().unpolish(self.form_message)  # restyled by its new name
        self.form_message.style().polish(self.form_message)
        self.form_message.setText(("⚠ " if problem else "") + text)
        self.form_message.show()
        self.details.refit()
        self.details.ensureWidgetVisible(self.form_message)

    def save_update(self) -> bool:
        """Save the form: a new status with its note, and any change of owner or due date."""
        action = self._action
        if action is None:
            return False
        status = str(self.status_edit.currentData())
        note = self.note_edit.toPlainText().strip()
        owner = self.owner_edit.currentText().strip()
        chosen = self.due_edit.date()
        due = date(chosen.year(), chosen.month(), chosen.day())
        if status == "cannot_do" and not note:
            self._say(
                "“Cannot do” needs a reason: write in the note why it cannot be done. "
                "Nothing was saved.",
                problem=True,
            )
            self.note_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        details_changed = owner != action.owner or due != action.due
        status_changed = status != action.status or bool(note)
        if not (details_changed or status_changed):
            self._say("Nothing to save: choose a new status, write a note, or change the owner.")
            return False
        actor = self.ctx.auditor_name
        try:
            if details_changed:
                self.ctx.store.update_action(action.id, owner=owner, due=due, actor=actor)
            if status_changed:
                self.ctx.store.set_action_status(action.id, status, note=note, actor=actor)
        except Exception as error:  # shown and logged; the form keeps what she typed
            ui_errors.show_error(self, error)
            self._refresh_action(action.id, keep_form=True)
            return False
        updated = self._refresh_action(action.id)
        if updated is not None:
            shown = self.select_action(updated.id)
            when = clock.now().strftime("%H:%M")
            text = f"Saved at {when}: {updated.status_word}."
            if not shown:
                text += " It no longer matches the filters, so it has left the table."
            self._say(text)
        self.data_changed.emit()
        return True

    def _refresh_action(self, action_id: str, *, keep_form: bool = False) -> Action | None:
        try:
            updated = self.ctx.store.action(action_id)
        except Exception:  # gone (merged away): the next reload tidies the table
            log.exception("could not read action %s again", action_id)
            return None
        self._keep_details = True
        try:
            self.model.replace_action(updated)
            self._update_counts()
        finally:
            self._keep_details = False
        if keep_form:
            self._action = updated
            self._fill_history(updated)
        else:
            self.show_action(updated)
        return updated

    # --- exports ------------------------------------------------------------------------------

    def _ask_save_path(self, caption: str, name: str, kind: str) -> Path | None:
        suffix = f".{kind}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, caption, str(Path(self._folder) / f"{name}{suffix}"), FORMATS[kind][1]
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.casefold() != suffix:
            path = path.with_name(path.name + suffix)
        self._folder = str(path.parent)
        return path

    def export_work_list(self, kind: str) -> None:
        """Save the actions shown (the filters applied) as the estates work list."""
        actions = self.filtered_actions()
        if not actions:
            self.status_label.setText(
                "No actions match the filters, so there is nothing to export."
            )
            return
        today = clock.today().strftime("%d-%m-%Y")
        path = self._ask_save_path(
            f"Export the work list ({FORMATS[kind][0]})", f"WardAudit work list {today}", kind
        )
        if path is None:
            return
        names = {ward.id: ward.name for ward in self._wards}
        filters = self.proxy.filters().words(names)
        matrix = self.ctx.store.risk_matrix
        count = len(actions)
        plural = "s" if count != 1 else ""

        def write() -> Path:
            if kind == "pdf":
                from exports import pdf as pdf_writer

                return Path(
                    pdf_writer.write_work_list(
                        actions, path, title=WORK_LIST_TITLE, filters=filters, matrix=matrix
                    )
                )
            from exports import xlsx as xlsx_writer

            return Path(
                xlsx_writer.write_work_list(actions, path, title=WORK_LIST_TITLE, filters=filters)
            )

        self._run(
            write,
            f"Writing the work list ({count} action{plural})…",
            lambda written: f"The work list ({count} action{plural}) is saved as:\n{written}",
        )

    def export_audit_plan(self, kind: str) -> None:
        """Save the action plan of the audit that raised the selected action."""
        action = self._action
        if action is None:
            return
        audit_id = action.audit_id
        raised = clock.uk_date(action.created_at).replace("/", "-")
        path = self._ask_save_path(
            f"Export this audit's plan ({FORMATS[kind][0]})",
            f"WardAudit action plan {action.ward} {raised}",
            kind,
        )
        if path is None:
            return
        store = self.ctx.store

        def write() -> Path:
            record = store.audit(audit_id)
            trust = store.setting(TRUST_SETTING)
            if kind == "pdf":
                from exports import pdf as pdf_writer

                return Path(
                    pdf_writer.write_action_plan(
                        record, path, photos=store.photo_data, trust=trust, matrix=store.risk_matrix
                    )
                )
            from exports import xlsx as xlsx_writer

            return Path(xlsx_writer.write_action_plan(record, path, trust=trust))

        self._run(
            write,
            f"Writing the action plan of {action.ward}'s audit…",
            lambda written: f"The action plan of {action.ward}'s audit is saved as:\n{written}",
        )

    def _run(
        self,
        work: Callable[[], Any],
        busy_text: str,
        success: Callable[[Any], str],
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        """Run slow work in the worker with a busy indicator; the window keeps responding."""
        progress = self._busy(busy_text)

        def done(result: Any) -> None:
            if not shiboken6.isValid(self):
                return
            self._idle(progress)
            message = success(result)
            self.status_label.setText(message.replace("\n", " "))
            self._inform(message)
            if on_done is not None:
                on_done(result)
            else:
                self.export_finished.emit(result)

        def failed(error: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            self._idle(progress)
            ui_errors.show_error(self, error)

        run_in_background(work, done, failed)

    def _busy(self, text: str) -> QProgressDialog:
        self.busy = True
        for button in self._slow_buttons():
            button.setEnabled(False)
        progress = busy_dialog(self, text)
        self.progress_dialog = progress
        return progress

    def _idle(self, progress: QProgressDialog) -> None:
        progress.close()
        self.busy = False
        self._update_counts()
        has = self._action is not None
        self.open_audit_button.setEnabled(has)
        self.plan_pdf_button.setEnabled(has)
        self.plan_xlsx_button.setEnabled(has)

    def _slow_buttons(self) -> list[QPushButton]:
        return [
            self.pdf_button,
            self.xlsx_button,
            self.import_button,
            self.plan_pdf_button,
            self.plan_xlsx_button,
        ]

    def _inform(self, text: str) -> QMessageBox:
        """A message she reads and closes; it does not stop the app while open."""
        box = QMessageBox(
            QMessageBox.Icon.Information, "WardAudit", text, QMessageBox.StandardButton.Ok, self
        )
        box.setAccessibleName("WardAudit")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_message = box
        box.open()
        return box

    # --- taking back estates' workbook --------------------------------------------------------

    def import_workbook(self, path: Path | str | None = None) -> None:
        """Read estates' returned workbook in the worker, then show what it would change."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self,
                "Import estates' returned workbook",
                self._folder,
                "Excel workbooks (*.xlsx);;All files (*)",
            )
            if not chosen:
                return
            path = chosen
        path = Path(path)
        self._folder = str(path.parent)
        store = self.ctx.store

        def read() -> Any:
            from exports.updates import read_updates

            return read_updates(path, store)

        progress = self._busy(f"Reading {path.name}…")

        def done(plan: Any) -> None:
            if shiboken6.isValid(self):
                self._idle(progress)
                self._preview(plan)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self._idle(progress)
                ui_errors.show_error(self, error)

        run_in_background(read, done, failed)

    def _preview(self, plan: Any) -> None:
        name = plan.path.name
        if not plan.updates:
            text = (
                f"Nothing to change: {plan.rows_read} row(s) read from {name}, all as "
                "WardAudit already has them."
            )
            if plan.warnings:
                text += "\n\n" + "\n".join(_sentence(w) for w in plan.warnings)
            self.status_label.setText(text.split("\n")[0])
            self._inform(text)
            self.import_finished.emit(0)
            return
        dialog = ImportPreviewDialog(plan, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._apply(plan))
        dialog.rejected.connect(
            lambda: self.status_label.setText(f"{name} was not imported: nothing changed.")
        )
        self.last_dialog = dialog
        dialog.open()

    def _apply(self, plan: Any) -> None:
        store = self.ctx.store
        name = plan.path.name
        count = len(plan.updates)

        def apply() -> int:
            from exports.updates import apply_updates

            return int(apply_updates(store, plan, actor=f"Estates (returned workbook {name})"))

        def applied(changed: int) -> None:
            self.reload()
            self.data_changed.emit()
            self.import_finished.emit(changed)

        self._run(
            apply,
            f"Applying {count} change{'s' if count != 1 else ''} from {name}…",
            lambda changed: f"{changed} action{'s' if changed != 1 else ''} updated from {name}.",
            applied,
        )
