"""The Actions table's column widths: measured from the words each column holds, once a
load; the action's own wording takes the room left over."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from operator import attrgetter

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableView

from ui.actions.models import ActionTableModel
from ui.theme import row_height
from wardaudit.actions import overdue_days
from wardaudit.model import Action


class ActionColumns:
    """Sizes ``table``'s columns from ``model``'s words (asking the view to size them made it
    ask every cell of a thousand rows, which froze the window for a second or more)."""

    def __init__(self, table: QTableView, model: ActionTableModel) -> None:
        self.table = table
        self.model = model
        self._widths: dict[int, int] = {}

    def measure(self) -> None:
        """Each column's width from its widest text over every action, then fit them."""
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
            texts = {
                ActionTableModel.text(a, column, overdue_days(a, today))
                for a in _one_per_text(actions, column, today)
            }
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            widths[column] = max(widest + 16, header_metrics.horizontalAdvance(title) + 18)
        self._widths = widths
        self.fit()

    def fit(self) -> None:
        """Columns at their measured widths; the action's wording takes the room left over."""
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        header = self.table.horizontalHeader()
        metrics = QFontMetrics(self.table.font())
        sorted_column = header.sortIndicatorSection()
        used = in_view = 0
        for column, measured in self._widths.items():
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


def _one_per_text(actions: list[Action], column: int, today: date) -> Iterable[Action]:
    """An action for each different thing ``column`` can say, found without writing every
    cell out: years of actions hold thousands with the same due date or day raised, and
    writing each date out was most of the time the screen took to show them."""
    key: Callable[[Action], object]
    if column == ActionTableModel.DUE:
        key = attrgetter("due")
    elif column == ActionTableModel.RAISED:
        key = lambda a: a.created_at[:10]  # noqa: E731 - the day it was raised, as written
    elif column == ActionTableModel.OVERDUE:
        key = lambda a: overdue_days(a, today)  # noqa: E731
    elif column == ActionTableModel.RISK:
        key = lambda a: (a.risk.score, a.risk.band)  # noqa: E731
    else:
        return actions
    return {key(a): a for a in actions}.values()
