"""The Actions screen's table: every action, sorted in one pass, and the filters over it.

``load_actions`` reads them off the UI thread; the model words each cell, colours the risk
band and overdue rows (always with words), and sorts on keys of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from ui.actions.words import overdue_days, overdue_words, status_word
from ui.theme import is_high_contrast
from ui.widgets.chips import BAND_COLOURS, NO_COLOUR
from ui.widgets.tables import (
    CENTRE,
    LEFT,
    RowsTableModel,
    bold_font,
    cell_colour,
    change_filter,
)
from wardaudit import clock
from wardaudit.model import ACTION_STATUSES, Action, Ward
from wardaudit.risk import BAND_WORDS
from wardaudit.store import Store

STILL_TO_DO = "still_to_do"  # the status filter's "Open or in progress"
STILL_TO_DO_WORDS = "Open or in progress"
STILL_TO_DO_STATUSES = frozenset({"open", "in_progress"})
# An overdue row's colours (background, text); the word "Overdue" is always written too.
OVERDUE_COLOURS = ("#fde2e1", "#111111")
OVERDUE_COLOURS_HIGH_CONTRAST = ("#4d0000", "#ffffff")


# --- loading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionList:
    """What the screen shows: every action, and the wards to filter by."""

    actions: list[Action]
    wards: list[Ward]
    today: date


def load_actions(store: Store) -> ActionList:
    """Read every action and the wards; runs in the worker, so it must not touch a widget."""
    return ActionList(store.actions.list(), store.wards.list(), clock.today())


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

    _rows: list[Action]

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
        return self.find_row(lambda action: action.id == action_id)

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
        action = self.row_at(index)
        if action is None:
            return None
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
            return f"{action.ward_name} {action.item}: {action.description}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTRE if column == self.RISK else LEFT
        colour = None
        if column == self.RISK:
            colour = cell_colour(role, BAND_COLOURS.get(action.risk.band, NO_COLOUR))
        elif days:
            late = OVERDUE_COLOURS_HIGH_CONTRAST if is_high_contrast() else OVERDUE_COLOURS
            colour = cell_colour(role, late)
        if colour is not None:
            return colour
        if role == Qt.ItemDataRole.FontRole and (
            column == self.RISK or (days and column in (self.OVERDUE, self.DUE))
        ):
            return bold_font()
        return None

    @staticmethod
    def text(action: Action, column: int, days: int) -> str:
        """What a cell says; ``days`` is how many days overdue the action is (0 if not)."""
        model = ActionTableModel
        if column == model.WARD:
            return action.ward_name
        if column == model.SITE:
            return action.site_name
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
            return f"{action.ward_name.casefold()}\x00{action.item}"
        if column == self.SITE:
            return (
                f"{action.site_name.casefold()}\x00{action.ward_name.casefold()}\x00{action.item}"
            )
        if column == self.ITEM:
            return f"{action.item}\x00{action.ward_name.casefold()}"
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
        if self.site is not None and action.site_name != self.site:
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
            parts.append(f"Status: {status_word(self.status)}")
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

        def apply() -> None:
            self._filters = filters

        change_filter(self, apply)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.table()
        return self._filters.accepts(model.action_at(source_row), model.today)

    def actions(self) -> list[Action]:
        """The actions shown, in the order shown (worked out without asking every cell)."""
        model = self.table()
        return [a for a in model.rows() if self._filters.accepts(a, model.today)]

    def table(self) -> ActionTableModel:
        model = self.sourceModel()
        assert isinstance(model, ActionTableModel)
        return model
