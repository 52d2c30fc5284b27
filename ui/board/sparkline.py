"""The trend sparkline drawn in the Board table's last column."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ui.board.drawing import draw_trend
from ui.theme import row_height
from ui.widgets.tables import draw_blank_cell


class SparklineDelegate(QStyledItemDelegate):
    """Draws a row's trend (the latest score in each month of the period) as a small line.

    The model gives the values under ``role`` and the same trend in words as its display
    and accessible text; the words are not painted, the line is.
    """

    def __init__(self, role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        draw_blank_cell(painter, item)
        values = index.data(self.role)
        if not values or all(v is None for v in values):
            return
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        colour = item.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        present = [v for v in values if v is not None]
        low = min(60.0, math.floor(min(present) / 10.0) * 10.0)
        area = QRectF(item.rect).adjusted(10, 9, -12, -9)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        draw_trend(painter, area, values, colour, low=low, marker_size=1.8, last_size=3.2)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(160, row_height())
