"""Drawing the Board's trends with QPainter (the app ships without QtCharts): a line over
the months, solid where months follow each other and dotted across months with no audit,
with markers whose shape, not only colour, tells the lines apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF

from ui.theme import colours, is_high_contrast
from wardaudit import palette


def point_y(value: float, low: float, high: float, rect: QRectF) -> float:
    """Where a score sits between ``low`` and ``high`` in ``rect`` (clamped to it)."""
    value = min(high, max(low, value))
    return rect.bottom() - (value - low) / (high - low) * rect.height()


def draw_trend(
    painter: QPainter,
    rect: QRectF,
    values: Sequence[float | None],
    colour: QColor,
    *,
    low: float,
    high: float = 100.0,
    width: float = 1.6,
    marker: str = "circle",
    marker_size: float = 2.0,
    last_size: float | None = None,
) -> None:
    """One line over the months: solid between months next to each other, dotted across
    months with no audit (a gap is never drawn as a score), a marker at every audit."""
    count = len(values)
    if count == 0:
        return
    step = rect.width() / (count - 1) if count > 1 else 0.0

    def at(index: int, value: float) -> QPointF:
        x = rect.left() + index * step if count > 1 else rect.center().x()
        return QPointF(x, point_y(value, low, high, rect))

    solid = QPen(colour, width)
    solid.setCapStyle(Qt.PenCapStyle.RoundCap)
    dotted = QPen(colour, max(1.0, width * 0.6), Qt.PenStyle.DotLine)
    previous: tuple[int, float] | None = None
    for index, value in enumerate(values):
        if value is None:
            continue
        if previous is not None:
            painter.setPen(solid if index - previous[0] == 1 else dotted)
            painter.drawLine(at(*previous), at(index, value))
        previous = (index, value)
    painter.setPen(QPen(colour, 1.2))
    painter.setBrush(QBrush(colour))
    points = [(index, value) for index, value in enumerate(values) if value is not None]
    for number, (index, value) in enumerate(points):
        size = last_size if (last_size and number == len(points) - 1) else marker_size
        draw_marker(painter, at(index, value), marker, size)


def draw_marker(painter: QPainter, centre: QPointF, shape: str, size: float) -> None:
    """A marker of a given shape: lines in a chart differ in shape as well as colour."""
    x, y, s = centre.x(), centre.y(), size
    if shape == "square":
        painter.drawRect(QRectF(x - s, y - s, 2 * s, 2 * s))
    elif shape == "triangle":
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(x, y - s * 1.2),
                    QPointF(x + s * 1.15, y + s),
                    QPointF(x - s * 1.15, y + s),
                ]
            )
        )
    elif shape == "down":
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(x, y + s * 1.2),
                    QPointF(x + s * 1.15, y - s),
                    QPointF(x - s * 1.15, y - s),
                ]
            )
        )
    elif shape == "diamond":
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(x, y - s * 1.3),
                    QPointF(x + s * 1.3, y),
                    QPointF(x, y + s * 1.3),
                    QPointF(x - s * 1.3, y),
                ]
            )
        )
    elif shape == "cross":
        pen = painter.pen()
        painter.setPen(QPen(pen.color(), max(2.0, pen.widthF() * 1.6)))
        painter.drawLine(QPointF(x - s, y - s), QPointF(x + s, y + s))
        painter.drawLine(QPointF(x - s, y + s), QPointF(x + s, y - s))
        painter.setPen(pen)
    elif shape == "ring":
        brush = painter.brush()
        painter.setBrush(QBrush(QColor(colours().base)))
        painter.drawEllipse(centre, s, s)
        painter.setBrush(brush)
    else:
        painter.drawEllipse(centre, s, s)


@dataclass(frozen=True)
class Line:
    """One line of the chart: a ward's latest score in each month, or the trust's mean."""

    name: str
    values: tuple[float | None, ...]
    colour: str
    marker: str = "circle"
    width: float = 2.5


MARKERS = ("circle", "square", "triangle", "diamond", "down", "cross")
MAX_LINES = 8
GAP_WORDS = "dotted: months with no audit"


def line_colour(number: int) -> str:
    """The ``number``-th line's colour in the theme in use (the core's chart colours)."""
    return palette.line_colour(number, is_high_contrast())


def line_marker(number: int) -> str:
    return MARKERS[number % len(MARKERS)]


def threshold_colours() -> tuple[str, str]:
    """(green, amber) for the dashed threshold lines, readable on the theme's background."""
    return palette.threshold_colours(is_high_contrast())
