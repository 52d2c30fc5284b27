"""The Actions screen's table: every action, sorted in one pass, and the filters over it.

``load_actions`` reads them off the UI thread; the model words each cell, colours the risk
band and overdue rows (always with words), and sorts on keys of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from ui.theme import meaning_colours
from ui.widgets.tables import (
    CENTRE,
    LEFT,
    RowsTableModel,
    bold_font,
    cell_colour,
    change_filter,
)
from wardaudit import clock
from wardaudit.actions import WorkListFilters, is_still_to_do, overdue_days
from wardaudit.model import ACTION_STATUSES, Action, Ward
from wardaudit.store import Store
from wardaudit.words import overdue_words

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

    def set_rows(self, actions: Iterable[Action], today: date | None = None) -> None:
        """Show these actions as they stand on ``today``, in the order chosen last."""
        self.today = today or clock.today()
        super().set_rows(self._sorted(list(actions)))

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
            colour = cell_colour(role, meaning_colours().band(action.risk.band))
        elif days:  # the word "Overdue" is always written too
            colour = cell_colour(role, meaning_colours().overdue)
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
            return late if is_still_to_do(action) else late - 1_000_000
        if column == self.RAISED:
            return clock.parse_iso(action.created_at).timestamp()
        return ""


# --- filtering ----------------------------------------------------------------------------


class ActionFilterModel(QSortFilterProxyModel):
    """Shows the actions the filters accept (the work list's own rule,
    :class:`wardaudit.actions.WorkListFilters`), in the order the table model sorted them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filters = WorkListFilters()
        self.setSortRole(ActionTableModel.SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The header's sort goes to the table model, which sorts in one pass."""
        self.sourceModel().sort(column, order)

    def filters(self) -> WorkListFilters:
        return self._filters

    def set_filters(self, filters: WorkListFilters) -> None:
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
