"""What the row tables share: the table model over domain objects, the delegate that keeps
a cell's colour on a selected row, and a filter change that Qt 6.10 and older both take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

ROOT = QModelIndex()  # the invisible root, as a default argument


class RowsTableModel(QAbstractTableModel):
    """A table over a list of domain objects, one a row, under named column headers.

    A header may wrap onto two lines (``HEADER_LINES``) so narrow number columns fit a
    1366 px screen, while its tooltip and screen-reader text keep the plain title.
    """

    HEADERS: ClassVar[tuple[str, ...]] = ()
    HEADER_LINES: ClassVar[dict[str, str]] = {}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        title = self.HEADERS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADER_LINES.get(title, title)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return title
        return None


class ColouredCellDelegate(QStyledItemDelegate):
    """Keeps a cell's colour (a rating, a risk band, a heatmap shade) on the selected row
    too; the word is always there, so the selection still shows on the rest of the row."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.data(Qt.ItemDataRole.BackgroundRole) is not None:
            option.state &= ~QStyle.StateFlag.State_Selected  # type: ignore[attr-defined]


def change_filter(proxy: QSortFilterProxyModel, apply: Callable[[], None]) -> None:
    """Apply a new row filter to ``proxy`` (``apply`` sets it) and filter the rows again."""
    if hasattr(proxy, "beginFilterChange"):  # Qt 6.10 and later
        proxy.beginFilterChange()
        apply()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        apply()
        proxy.invalidateRowsFilter()
