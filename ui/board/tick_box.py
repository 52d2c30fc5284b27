"""The Board chart's list of wards to compare: each with a large tick box in the theme's
colours, and the whole row a target for a finger."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.theme import colours, row_height
from ui.widgets.tables import draw_blank_cell


class TickBoxDelegate(QStyledItemDelegate):
    """A list item with a large tick box in the theme's colours (Fusion's own box vanishes
    on the high-contrast black)."""

    BOX = 24

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        checked = getattr(state, "value", state) == Qt.CheckState.Checked.value
        item.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        text = item.text
        draw_blank_cell(painter, item)
        c = colours()
        rect = item.rect
        box = QRectF(rect.left() + 8, rect.center().y() - self.BOX / 2 + 1, self.BOX, self.BOX)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(c.focus if checked else c.border), 2))
        painter.setBrush(QColor(c.highlight if checked else c.base))
        painter.drawRoundedRect(box, 4, 4)
        if checked:
            painter.setPen(QPen(QColor(c.highlighted_text), 3))
            x, y = box.left(), box.top()
            painter.drawPolyline(
                [QPointF(x + 5, y + 12.5), QPointF(x + 10, y + 17.5), QPointF(x + 19, y + 7)]
            )
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        painter.setPen(
            item.palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        painter.drawText(
            QRect(
                rect.left() + self.BOX + 18, rect.top(), rect.width() - self.BOX - 22, rect.height()
            ),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + self.BOX, max(size.height(), row_height()))
