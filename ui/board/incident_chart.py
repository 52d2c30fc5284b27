"""One chart with two scales: a ward's sexual safety incidents by month beside its audit score.

Incidents are hatched bars against the right axis (a count); the audit score is a solid line
with square markers against the left axis (%). Each axis is titled at its top, and the key
names both in words, so the chart reads in greyscale and in high contrast, never by colour
alone. A screen reader gets the same figures month by month.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import colours
from wardaudit.scoring import display_score
from wardaudit.words import month_words

BARS_WORDS = "Bars: sexual safety incidents (right axis, count)"
LINE_WORDS = "Line: audit score (left axis, %)"


def count_axis(top: int) -> tuple[int, int]:
    """(the axis's top, its step): whole numbers, at most six steps."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if max(top, 1) / step <= 6:
            return max(step, math.ceil(max(top, 1) / step) * step), step
    return top, max(1, top // 6)


class IncidentChart(QWidget):
    """Incidents per month (bars, right axis) beside scores per month (line, left axis)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: tuple[str, ...] = ()
        self.incidents: tuple[int, ...] = ()
        self.scores: tuple[float | None, ...] = ()
        self.subject = ""
        self.setAccessibleName("Incidents and audit scores by month")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a screen reader reaches it by Tab
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(
        self,
        subject: str,
        months: Sequence[str],
        incidents: Sequence[int],
        scores: Sequence[float | None],
    ) -> None:
        self.subject = subject
        self.months, self.incidents, self.scores = tuple(months), tuple(incidents), tuple(scores)
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        if not self.months:
            return "No period chosen."
        parts = []
        for month, count, score in zip(self.months, self.incidents, self.scores, strict=True):
            shown = "not audited" if score is None else f"score {display_score(score)}%"
            parts.append(f"{month_words(month, short=True)}: {count} incidents, {shown}")
        return f"{self.subject}. " + "; ".join(parts) + "."

    def sizeHint(self) -> QSize:
        return QSize(720, 340)

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(360, 6 * line + 160)

    def paintEvent(self, _event: object) -> None:
        c = colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(c.base))
        ink = QColor(c.text)
        grid = QColor(c.alternate)
        metrics = QFontMetrics(self.font())
        line_height = metrics.height()
        bounds = QRectF(self.rect()).adjusted(10, 8, -10, -8)
        count_top, step = count_axis(max(self.incidents, default=0))
        left_room = metrics.horizontalAdvance("100") + 14
        right_room = metrics.horizontalAdvance(str(count_top)) + 14
        key_height = 2 * (line_height + 6)
        plot = QRectF(
            bounds.left() + left_room,
            bounds.top() + line_height + 8,
            max(10.0, bounds.width() - left_room - right_room),
            max(10.0, bounds.height() - 2 * line_height - 20 - key_height),
        )
        painter.setPen(ink)
        painter.drawText(
            QRectF(bounds.left(), bounds.top(), bounds.width() / 2, line_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Score (%)",
        )
        painter.drawText(
            QRectF(bounds.center().x(), bounds.top(), bounds.width() / 2, line_height),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            "Incidents (count)",
        )
        # the left axis, 0 to 100 %, with its grid
        for value in range(0, 101, 20):
            y = plot.bottom() - plot.height() * value / 100
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(ink)
            painter.drawText(
                QRectF(bounds.left(), y - line_height / 2, left_room - 8, line_height),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        # the right axis, whole numbers of incidents
        for value in range(0, count_top + 1, step):
            y = plot.bottom() - plot.height() * value / count_top
            painter.setPen(QPen(ink, 1))
            painter.drawLine(QPointF(plot.right(), y), QPointF(plot.right() + 4, y))
            painter.drawText(
                QRectF(plot.right() + 6, y - line_height / 2, right_room - 6, line_height),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        painter.setPen(QPen(ink, 1.5))
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.drawLine(plot.bottomRight(), plot.topRight())
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())

        count = len(self.months)
        slot = plot.width() / count if count else plot.width()
        hatch = QBrush(ink, Qt.BrushStyle.BDiagPattern)
        every = max(1, math.ceil((metrics.horizontalAdvance("Mmm 00") + 10) / max(slot, 1)))
        points: list[QPointF] = []
        for index, month in enumerate(self.months):
            x = plot.left() + slot * index
            incidents = self.incidents[index] if index < len(self.incidents) else 0
            if incidents:
                height = plot.height() * incidents / count_top
                bar = QRectF(x + slot * 0.2, plot.bottom() - height, slot * 0.6, height)
                painter.setPen(QPen(ink, 1.2))
                painter.setBrush(hatch)
                painter.drawRect(bar)
            score = self.scores[index] if index < len(self.scores) else None
            if score is not None:
                points.append(QPointF(x + slot / 2, plot.bottom() - plot.height() * score / 100))
            if (count - 1 - index) % every == 0:
                name = month_words(month, short=True).split()
                painter.setPen(ink)
                painter.drawText(
                    QRectF(x - slot, plot.bottom() + 4, slot * 3, line_height),
                    Qt.AlignmentFlag.AlignCenter,
                    f"{name[0]} {name[1][2:]}",
                )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if len(points) > 1:
            path = QPainterPath(points[0])
            for point in points[1:]:
                path.lineTo(point)
            painter.setPen(QPen(ink, 3))
            painter.drawPath(path)
        painter.setBrush(QBrush(ink))
        for point in points:
            painter.drawRect(QRectF(point.x() - 4, point.y() - 4, 8, 8))
        painter.setBrush(Qt.BrushStyle.NoBrush)

        # the key, in words
        y = bounds.bottom() - key_height + 4
        sample = QRectF(bounds.left(), y + 2, 26, line_height - 4)
        painter.setPen(QPen(ink, 1.2))
        painter.setBrush(hatch)
        painter.drawRect(sample)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(ink)
        painter.drawText(
            QRectF(bounds.left() + 34, y, bounds.width() - 34, line_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            BARS_WORDS,
        )
        y += line_height + 6
        middle = y + line_height / 2
        painter.setPen(QPen(ink, 3))
        painter.drawLine(QPointF(bounds.left(), middle), QPointF(bounds.left() + 26, middle))
        painter.setBrush(QBrush(ink))
        painter.drawRect(QRectF(bounds.left() + 9, middle - 4, 8, 8))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(ink)
        painter.drawText(
            QRectF(bounds.left() + 34, y, bounds.width() - 34, line_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            LINE_WORDS,
        )
        if self.hasFocus():
            painter.setPen(QPen(QColor(c.focus), 3))
            painter.drawRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5))
        painter.end()
