"""Scores over time on the Board: one line per chosen ward and the mean of the wards audited
each month, with the amber and green thresholds dashed and a legend naming every line.
The chart gives a screen reader the same figures in words."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ui.board.drawing import (
    GAP_WORDS,
    MAX_LINES,
    Line,
    draw_marker,
    draw_trend,
    line_colour,
    line_marker,
    point_y,
    threshold_colours,
)
from ui.theme import colours
from wardaudit.board import Board, monthly_means
from wardaudit.scoring import display_score
from wardaudit.words import join_words, month_words, trend_words


def chart_lines(board: Board, chosen: Sequence[str], mean_name: str) -> list[Line]:
    """A line for each chosen ward (the first ``MAX_LINES``), then the monthly mean."""
    by_id = {f.ward.id: f for f in board.wards}
    lines = [
        Line(
            by_id[ward_id].ward.name,
            by_id[ward_id].trend,
            line_colour(number),
            line_marker(number),
        )
        for number, ward_id in enumerate(w for w in chosen[:MAX_LINES] if w in by_id)
    ]
    means = tuple(m.mean for m in monthly_means(board, board.wards))
    lines.append(
        Line(f"{mean_name} (wards audited that month)", means, colours().text, "ring", 3.5)
    )
    return lines


def chart_note(board: Board, chosen: Sequence[str]) -> str:
    """What the chart compares, in a sentence above it."""
    names = [f.ward.name for w in chosen[:MAX_LINES] for f in board.wards if f.ward.id == w]
    if not names:
        return "Tick wards in the list, or select them on the Wards tab, to compare them."
    note = f"Comparing {join_words(names)} with the mean of the wards audited each month."
    if len(chosen) > MAX_LINES:
        note += f" The chart draws the first {MAX_LINES} of the {len(chosen)} wards chosen."
    return note


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
                f"{month_words(m, short=True)} {display_score(v)}"
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

    def paintEvent(self, _event: object) -> None:  # noqa: C901 - the chart is drawn in one pass, part by part
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
        for grid in range(0, 101, 10):
            y = point_y(grid, 0.0, 100.0, plot)
            if grid % 20 == 0 or grid == 0:
                painter.setPen(QPen(QColor(c.alternate if grid else c.border), 1))
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            if grid % labelled:
                continue
            painter.setPen(text)
            painter.drawText(
                QRectF(bounds.left(), y - line_height / 2, left - bounds.left() - 8, line_height),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(grid),
            )
        painter.setPen(QPen(QColor(c.border), 1.5))
        painter.drawLine(plot.bottomLeft(), plot.topLeft())

        # months along the bottom, labelled as often as they fit
        count = len(self.months)
        inner = plot.adjusted(14, 0, -14, 0)
        step = inner.width() / (count - 1) if count > 1 else 0.0
        if count:
            widest = (
                max(metrics.horizontalAdvance(month_words(m, short=True)) for m in self.months) + 14
            )
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
                    month_words(month, short=True),
                )

        # the thresholds, dashed and named in words
        painter.setFont(small)
        for level, shade, label in thresholds:
            y = point_y(level, 0.0, 100.0, plot)
            painter.setPen(QPen(QColor(shade), 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(shade))
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
                        (QPointF(x, point_y(value, 0.0, 100.0, inner)), line, index)
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
                    f"{line.name}, {month_words(self.months[index], short=True)}: {display_score(value)}%",
                    self,
                )
            return True
        return super().event(event)
