"""The Board's drawings: a trend sparkline in a table cell and a chart of scores over time.

Both are drawn with QPainter (the app ships without QtCharts). Neither carries meaning by
colour alone: lines differ in marker shape too, the legend names each one, and both
give a screen reader the same figures in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from ui.theme import colours, is_high_contrast, row_height
from wardaudit.scoring import display_score

_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_words(month: str) -> str:
    """2026-11 as "Nov 2026", in English whatever the laptop's locale."""
    year, number = month.split("-")
    return f"{_SHORT_MONTHS[int(number) - 1]} {year}"


def trend_words(values: Sequence[float | None]) -> str:
    """A trend as a sentence: "rising from 81.0 to 92.5 (10 months audited)"."""
    present = [v for v in values if v is not None]
    if not present:
        return "no audits in the period"
    if len(present) == 1:
        return f"one month audited, at {display_score(present[0])}"
    first, last = display_score(present[0]), display_score(present[-1])
    months = f"({len(present)} months audited)"
    if first == last:
        return f"steady at {last} {months}"
    direction = "rising" if present[-1] > present[0] else "falling"
    return f"{direction} from {first} to {last} {months}"


def _point_y(value: float, low: float, high: float, rect: QRectF) -> float:
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
        return QPointF(x, _point_y(value, low, high, rect))

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


# --- the sparkline in the ward table ----------------------------------------------------------


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
        item.text = ""
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
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


# --- scores over time -------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the chart: a ward's latest score in each month, or the trust's mean."""

    name: str
    values: tuple[float | None, ...]
    colour: str
    marker: str = "circle"
    width: float = 2.5


# Colour-blind-safe colours (Okabe and Ito), with brighter ones for the high-contrast theme.
LINE_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#7A5195",
    "#8C510A",
    "#56B4E9",
    "#E69F00",
)
LINE_COLOURS_CONTRAST = (
    "#56B4E9",
    "#FFB000",
    "#00E5A0",
    "#FF8AD8",
    "#C7A0FF",
    "#FF6E40",
    "#B8FF5C",
    "#FFFF00",
)
MARKERS = ("circle", "square", "triangle", "diamond", "down", "cross")
MAX_LINES = 8
GAP_WORDS = "dotted: months with no audit"


def line_colour(number: int) -> str:
    palette = LINE_COLOURS_CONTRAST if is_high_contrast() else LINE_COLOURS
    return palette[number % len(palette)]


def line_marker(number: int) -> str:
    return MARKERS[number % len(MARKERS)]


def threshold_colours() -> tuple[str, str]:
    """(green, amber) for the dashed threshold lines, readable on the theme's background."""
    return ("#00E676", "#FFC400") if is_high_contrast() else ("#1B5E20", "#9A5B00")


class ScoreChart(QWidget):
    """Scores over time: one line per chosen ward plus the trust mean, 0–100 with the amber
    and green thresholds dashed, months along the bottom and a legend naming every line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: tuple[str, ...] = ()
        self.lines: tuple[Line, ...] = ()
        self.green = 90.0
        self.amber = 75.0
        self.setAccessibleName("Scores over time")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a screen reader can reach it by Tab
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setToolTip("Hover over a point for its score")
        self._points: list[tuple[QPointF, Line, int]] = []

    def set_data(
        self,
        months: Sequence[str],
        lines: Sequence[Line],
        *,
        green: float = 90.0,
        amber: float = 75.0,
    ) -> None:
        self.months = tuple(months)
        self.lines = tuple(lines)
        self.green, self.amber = float(green), float(amber)
        self.setAccessibleDescription(self.describe())
        self.updateGeometry()
        self.update()

    def describe(self) -> str:
        """The chart in words, line by line, for a screen reader and the tooltip."""
        if not self.months:
            return "No period chosen."
        parts = []
        for line in self.lines:
            shown = [
                f"{month_words(m)} {display_score(v)}"
                for m, v in zip(self.months, line.values, strict=False)
                if v is not None
            ]
            if shown:
                parts.append(f"{line.name}, {trend_words(line.values)}: " + ", ".join(shown))
            else:
                parts.append(f"{line.name}: no audits in the period")
        parts.append("A dotted line crosses months with no audit")
        parts.append(f"Dashed lines: green from {self.green:g}, amber from {self.amber:g}.")
        return ". ".join(parts)

    def sizeHint(self) -> QSize:
        return QSize(760, 420)

    def minimumSizeHint(self) -> QSize:
        """Room for the axis title, the month labels and the legend at the present width,
        and a plot at least five lines of text tall (so the 0–100 labels never crowd)."""
        metrics = self.fontMetrics()
        line = metrics.height()
        rows = len(self._legend_rows(max(self.width(), 600) - 28, metrics))
        return QSize(320, rows * (line + 10) + 2 * line + 56 + max(120, 5 * line))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the legend may take more or fewer rows

    # --- drawing ----------------------------------------------------------------------------

    def _legend_rows(self, width: float, metrics: QFontMetrics) -> list[list[tuple[Line, float]]]:
        rows: list[list[tuple[Line, float]]] = [[]]
        used = 0.0
        gap = Line(GAP_WORDS, (), colours().muted, "gap", 1.5)
        for line in (*self.lines, gap):
            entry = 44 + metrics.horizontalAdvance(line.name) + 24
            if rows[-1] and used + entry > width:
                rows.append([])
                used = 0.0
            rows[-1].append((line, entry))
            used += entry
        return [row for row in rows if row]

    def paintEvent(self, _event: object) -> None:
        c = colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(c.base))
        text = QColor(c.text)
        muted = QColor(c.muted)
        metrics = QFontMetrics(self.font())
        line_height = metrics.height()
        bounds = QRectF(self.rect()).adjusted(12, 10, -16, -10)

        legend = self._legend_rows(bounds.width(), metrics)
        legend_height = len(legend) * (line_height + 10)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        small_metrics = QFontMetrics(small)
        green, amber = threshold_colours()
        thresholds = (
            (self.green, green, f"Green {self.green:g}"),
            (self.amber, amber, f"Amber {self.amber:g}"),
        )
        # the thresholds are named at the right, outside the plot, where no line runs
        right = max(small_metrics.horizontalAdvance(label) for _v, _c, label in thresholds) + 12
        left = bounds.left() + metrics.horizontalAdvance("100") + 14
        top = bounds.top() + line_height + 10
        bottom = bounds.bottom() - legend_height - line_height - 16
        plot = QRectF(left, top, max(10.0, bounds.right() - right - left), max(10.0, bottom - top))

        # axis title and horizontal grid, 0 to 100
        painter.setPen(text)
        painter.drawText(
            QRectF(bounds.left(), bounds.top(), bounds.width(), line_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Score (%)",
        )
        labelled = next(
            (s for s in (20, 25, 50) if plot.height() * s / 100 >= line_height * 1.2), 100
        )
        for value in range(0, 101, 10):
            y = _point_y(value, 0.0, 100.0, plot)
            if value % 20 == 0 or value == 0:
                painter.setPen(QPen(QColor(c.alternate if value else c.border), 1))
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            if value % labelled:
                continue
            painter.setPen(text)
            painter.drawText(
                QRectF(bounds.left(), y - line_height / 2, left - bounds.left() - 8, line_height),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        painter.setPen(QPen(QColor(c.border), 1.5))
        painter.drawLine(plot.bottomLeft(), plot.topLeft())

        # months along the bottom, labelled as often as they fit
        count = len(self.months)
        inner = plot.adjusted(14, 0, -14, 0)
        step = inner.width() / (count - 1) if count > 1 else 0.0
        if count:
            widest = max(metrics.horizontalAdvance(month_words(m)) for m in self.months) + 14
            every = max(1, math.ceil(widest / step)) if step else 1
            for index, month in enumerate(self.months):
                x = inner.left() + index * step if count > 1 else inner.center().x()
                painter.setPen(QPen(QColor(c.border), 1))
                painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 5))
                if (count - 1 - index) % every:
                    continue
                painter.setPen(text)
                painter.drawText(
                    QRectF(x - widest / 2, plot.bottom() + 7, widest, line_height),
                    Qt.AlignmentFlag.AlignCenter,
                    month_words(month),
                )

        # the thresholds, dashed and named in words
        painter.setFont(small)
        for value, colour, label in thresholds:
            y = _point_y(value, 0.0, 100.0, plot)
            painter.setPen(QPen(QColor(colour), 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(colour))
            painter.drawText(
                QRectF(
                    plot.right() + 6, y - small_metrics.height() / 2, right, small_metrics.height()
                ),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        painter.setFont(self.font())

        # the lines
        self._points = []
        has_values = any(v is not None for line in self.lines for v in line.values)
        for line in self.lines:
            colour = QColor(line.colour)
            draw_trend(
                painter,
                inner,
                line.values,
                colour,
                low=0.0,
                width=line.width,
                marker=line.marker,
                marker_size=4.0 if line.marker != "ring" else 4.5,
            )
            for index, value in enumerate(line.values):
                if value is not None:
                    x = inner.left() + index * step if count > 1 else inner.center().x()
                    self._points.append(
                        (QPointF(x, _point_y(value, 0.0, 100.0, inner)), line, index)
                    )
        if count and not has_values:
            painter.setPen(muted)
            painter.drawText(
                plot,
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                "No audits were completed in this period.",
            )

        # the legend, naming every line beside a sample of it
        y = bounds.bottom() - legend_height + 6
        for row in legend:
            x = bounds.left()
            for line, entry in row:
                colour = QColor(line.colour)
                middle = y + line_height / 2
                if line.marker == "gap":  # the key to the dotted lines: months with no audit
                    painter.setPen(QPen(colour, 1.5, Qt.PenStyle.DotLine))
                    painter.drawLine(QPointF(x, middle), QPointF(x + 36, middle))
                else:
                    painter.setPen(QPen(colour, line.width))
                    painter.drawLine(QPointF(x, middle), QPointF(x + 36, middle))
                    painter.setPen(QPen(colour, 1.2))
                    painter.setBrush(QBrush(colour))
                    draw_marker(painter, QPointF(x + 18, middle), line.marker, 4.0)
                painter.setPen(text)
                painter.drawText(
                    QRectF(x + 44, y, entry - 44, line_height),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    line.name,
                )
                x += entry
            y += line_height + 10
        if self.hasFocus():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(c.focus), 3))
            painter.drawRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5))
        painter.end()

    def point_near(self, position: QPointF, reach: float = 12.0) -> tuple[Line, int] | None:
        """The line and month of the point nearest ``position``, if one is within reach."""
        best: tuple[float, Line, int] | None = None
        for point, line, index in self._points:
            distance = math.hypot(point.x() - position.x(), point.y() - position.y())
            if distance <= reach and (best is None or distance < best[0]):
                best = (distance, line, index)
        return (best[1], best[2]) if best else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.point_near(QPointF(event.pos()))
            if found is None:
                QToolTip.hideText()
            else:
                line, index = found
                value = line.values[index]
                QToolTip.showText(
                    event.globalPos(),
                    f"{line.name}, {month_words(self.months[index])}: {display_score(value)}%",
                    self,
                )
            return True
        return super().event(event)
