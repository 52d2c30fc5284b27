"""What the row tables share: the table model over domain objects, the delegate that keeps
a cell's colour on a selected row, and a filter change that Qt 6.10 and older both take."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from wardaudit.palette import Swatch

ROOT = QModelIndex()  # the invisible root, as a default argument
_HORIZONTAL = Qt.Orientation.Horizontal
_DISPLAY = Qt.ItemDataRole.DisplayRole
# the roles a header answers: its words, and the whole title as tooltip and spoken name
_HEADER_ROLES = frozenset(
    {_DISPLAY, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole}
)
# How a cell's text sits (numbers to the right, chips centred, words to the left).
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)


def bold_font() -> QFont:
    """The font of a cell that must stand out (a rating, a breach, an overdue count)."""
    font = QFont()
    font.setBold(True)
    return font


def cell_colour(role: int, swatch: Swatch) -> QColor | None:
    """The background (the swatch's fill) or text colour a role asks for."""
    if role == Qt.ItemDataRole.BackgroundRole:
        return QColor(swatch.fill)
    if role == Qt.ItemDataRole.ForegroundRole:
        return QColor(swatch.text)
    return None


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

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Show these objects instead, one a row (views keep their place by a reset)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        """Every object shown, in the model's order."""
        return list(self._rows)

    def row_at(self, index: QModelIndex | QPersistentModelIndex) -> Any:
        """The domain object shown in ``index``'s row; None outside the table."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def find_row(self, matches: Callable[[Any], bool]) -> int:
        """The number of the first row whose object ``matches``; -1 if none does."""
        return next((number for number, row in enumerate(self._rows) if matches(row)), -1)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Asked a thousand times as the window is put together (each size, font and icon
        # of every column, again whenever the table moves into its place): kept short.
        if role not in _HEADER_ROLES or orientation != _HORIZONTAL:
            return None
        headers = self.HEADERS
        if not 0 <= section < len(headers):
            return None
        title = headers[section]
        if role == _DISPLAY:
            return self.HEADER_LINES.get(title, title)
        return title


class ColouredCellDelegate(QStyledItemDelegate):
    """Keeps a cell's colour (a rating, a risk band, a heatmap shade) on the selected row
    too; the word is always there, so the selection still shows on the rest of the row."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.data(Qt.ItemDataRole.BackgroundRole) is not None:
            option.state &= ~QStyle.StateFlag.State_Selected


def draw_blank_cell(painter: QPainter, item: QStyleOptionViewItem) -> None:
    """Draw a cell's background, selection and focus, but not its text: a delegate that
    draws its own content (a sparkline, a tick box) paints over this."""
    item.text = ""
    widget = item.widget
    style = widget.style() if widget is not None else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)


def change_filter(proxy: QSortFilterProxyModel, apply: Callable[[], None]) -> None:
    """Apply a new row filter to ``proxy`` (``apply`` sets it) and filter the rows again."""
    if hasattr(proxy, "beginFilterChange"):  # Qt 6.10 and later
        proxy.beginFilterChange()
        apply()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        apply()
        proxy.invalidateRowsFilter()


def row_table(
    model: QAbstractItemModel, name: str, description: str = "", *, several: bool = False
) -> QTableView:
    """A table of rows as the screens show them: whole rows chosen (``several`` at once if
    asked), read only, Tab moves on to the next control while the arrows move within it,
    no row numbers, and headers on the left whose columns she may resize."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    if description:
        table.setAccessibleDescription(description)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if several
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag(LEFT))
    header.setHighlightSections(False)
    return table
