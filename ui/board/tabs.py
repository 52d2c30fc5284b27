"""The Board's three views, each a tab: the wards table with its sparklines, scores over
time with the wards to compare, and the wards × sections heatmap."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.board.chart import ScoreChart
from ui.board.heatmap import HeatmapModel, heatmap_key
from ui.board.models import BoardTableModel, NoValueLastProxy
from ui.board.sparkline import SparklineDelegate
from ui.board.tick_box import TickBoxDelegate
from ui.theme import row_height, touch_button
from ui.widgets.layouts import titled_column
from ui.widgets.tables import ColouredCellDelegate, row_table
from wardaudit.board import Board, WardFigure
from wardaudit.checklist import DESIGNATION_WORDS
from wardaudit.words import NOT_AUDITED, RANKING_RULE, ward_rating_words


class ViewTabs(QTabWidget):
    """The Board's views. They ask for no more height than they need, and take whatever
    the screen has left: the page then scrolls only when text is too large to fit."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())


def _bold_metrics(table: QTableView) -> QFontMetrics:
    bold = QFont(table.font())
    bold.setBold(True)
    return QFontMetrics(bold)


def _page(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 8, 0, 0)
    return layout


class WardsTab(QWidget):
    """Every ward's figure for the period; several may be selected to compare on the chart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = BoardTableModel(self)
        self.proxy = NoValueLastProxy(BoardTableModel.SORT_ROLE, self)
        self.proxy.setSourceModel(self.model)
        self.table = row_table(
            self.proxy,
            "Wards on the board",
            "Each ward's latest completed audit in the period. Press Enter to see the ward's "
            "audits. Select several wards to compare them in Scores over time.",
            several=True,
        )
        self.table.setAlternatingRowColors(True)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(row_height())
        self.table.setMinimumHeight(6 * row_height())  # the header and five wards, at any text size
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(BoardTableModel.RATING, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.rating_delegate = ColouredCellDelegate(self.table)
        self.table.setItemDelegateForColumn(BoardTableModel.RATING, self.rating_delegate)
        self.sparklines = SparklineDelegate(BoardTableModel.TREND_ROLE, self.table)
        self.table.setItemDelegateForColumn(BoardTableModel.TREND, self.sparklines)

        self.audits_button = touch_button(
            "Show the ward's audits…",
            "Show the selected ward's audits",
            tooltip="List every audit of the selected ward, and open one",
        )
        hint = QLabel(
            "Enter or double-click: a ward's audits. Ctrl+click or Shift+click: several wards "
            "to compare in Scores over time."
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.audits_button)
        row.addWidget(hint, 1)
        self.ranking_note = QLabel(f"{RANKING_RULE} Sorted by Rating, the table is in that order.")
        self.ranking_note.setObjectName("muted")
        self.ranking_note.setWordWrap(True)
        self.ranking_note.setAccessibleName("How the wards are ranked")
        layout = _page(self)
        layout.addLayout(row)
        layout.addWidget(self.ranking_note)
        layout.addWidget(self.table, 1)

    def fit_columns(self) -> None:
        """Widths from the words a column can hold, never by measuring every row."""
        header = self.table.horizontalHeader()
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        metrics = QFontMetrics(self.table.font())
        bold_metrics = _bold_metrics(self.table)
        figures = self.model.figures()
        samples = {
            BoardTableModel.WARD: [f.ward.name for f in figures],
            BoardTableModel.SITE: [f.ward.site for f in figures],
            BoardTableModel.DESIGNATION: list(DESIGNATION_WORDS.values()),
            BoardTableModel.SCORE: [NOT_AUDITED, "100.0"],
            # "Not audited" where a ward has no audit in the period, as the report says it
            BoardTableModel.RATING: ["Amber", "Green", *{ward_rating_words(f) for f in figures}],
            BoardTableModel.CRITICAL: ["Yes"],
            BoardTableModel.OPEN: ["0000"],
            BoardTableModel.OVERDUE: ["0000"],
            BoardTableModel.LAST_AUDIT: ["00/00/0000"],
            BoardTableModel.SINCE_AUDIT: ["▲ 00.0 points, Amber → Green"],
            BoardTableModel.SINCE_PERIOD: ["▲ 00.0 points, Amber → Green"],
        }
        sorted_column = header.sortIndicatorSection()
        for column, words in samples.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            head = max(bold_metrics.horizontalAdvance(line) for line in title.split("\n")) + 18
            if column == sorted_column:
                head += bold_metrics.height()  # room for the sort arrow
            body = max((bold_metrics.horizontalAdvance(w) for w in words), default=0) + 20
            header.resizeSection(column, max(head, body, metrics.height() * 2))


class ChartTab(QWidget):
    """Scores over time, beside the list of wards to draw (ticked by a tap anywhere on a row)."""

    needs_room = Signal()  # the wrapped note grew: the page must be laid out again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chooser = QListWidget()
        self.chooser.setAccessibleName("Wards to compare")
        self.chooser.setToolTip(
            "Tick the wards to draw (a tap or Space); the trust mean is always drawn"
        )
        self.chooser.setItemDelegate(TickBoxDelegate(self.chooser))
        self.chooser.viewport().installEventFilter(self)
        self.chart = ScoreChart()
        self.chart_note = QLabel()
        self.chart_note.setWordWrap(True)
        self.chart_note.setAccessibleName("What the chart shows")
        self.chart_note.installEventFilter(self)
        self.clear_button = touch_button("Clear", "Clear the wards chosen for the chart")
        left = titled_column("Wards to &compare", self.chooser, self.clear_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.chart_note)
        right_layout.addWidget(self.chart, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([240, 900])
        _page(self).addWidget(splitter, 1)

    def fill(self, board: Board) -> None:
        """The board's wards, none ticked."""
        self.chooser.clear()
        for figure in board.wards:
            item = QListWidgetItem(figure.ward.name)
            item.setData(Qt.ItemDataRole.UserRole, figure.ward.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(f"{figure.ward.name}, {figure.ward.site}")
            self.chooser.addItem(item)

    def _items(self) -> list[QListWidgetItem]:
        found = (self.chooser.item(number) for number in range(self.chooser.count()))
        return [item for item in found if item is not None]

    def tick(self, ward_ids: Sequence[str]) -> None:
        """Tick these wards, and only these."""
        for item in self._items():
            wanted = item.data(Qt.ItemDataRole.UserRole) in ward_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def ticked(self) -> list[str]:
        """The ward ids ticked, in the list's order."""
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_note(self, text: str) -> None:
        self.chart_note.setText(text)
        self.fit_note()

    def fit_note(self) -> None:
        """The splitter ignores a wrapped label's height: say it, so the chart keeps its room."""
        if self.chart_note.width() <= 50:
            return
        height = self.chart_note.heightForWidth(self.chart_note.width())
        if height != self.chart_note.minimumHeight():
            self.chart_note.setMinimumHeight(height)
            self.needs_room.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A tap anywhere on a ward in the chooser ticks it: the whole row is the target."""
        if watched is self.chart_note and event.type() == QEvent.Type.Resize:
            self.fit_note()
        if (
            watched is self.chooser.viewport()
            and event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
        ):
            item = self.chooser.itemAt(event.position().toPoint())
            if item is not None:
                ticked = item.checkState() == Qt.CheckState.Checked
                item.setCheckState(Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked)
                return True
        return super().eventFilter(watched, event)


class HeatmapTab(QWidget):
    """Wards down, sections across, each cell the section score from the counted audit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heatmap_model = HeatmapModel(self)
        self.heatmap_proxy = NoValueLastProxy(HeatmapModel.SORT_ROLE, self)
        self.heatmap_proxy.setSourceModel(self.heatmap_model)
        self.heatmap = QTableView()
        self.heatmap.setModel(self.heatmap_proxy)
        self.heatmap.setAccessibleName("Sections heatmap")
        self.heatmap.setAccessibleDescription(
            "Wards down, checklist sections across; each cell gives the section score from the "
            "ward's latest audit in the period. Press Enter to see the ward's audits."
        )
        self.heatmap.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.heatmap.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.heatmap.setTabKeyNavigation(False)
        self.heatmap.setWordWrap(False)
        # Site by site until she sorts on a section (a click on its heading).
        self.heatmap.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.heatmap.setSortingEnabled(True)
        self.heatmap.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.heatmap.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        vertical = self.heatmap.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(row_height())
        vertical.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # the shading stays when a cell is selected
        self.heatmap.setItemDelegate(ColouredCellDelegate(self.heatmap))
        layout = _page(self)
        layout.addLayout(heatmap_key())
        layout.addWidget(self.heatmap, 1)

    def fit_columns(self, figures: Sequence[WardFigure]) -> None:
        """Each section wide enough for its two-line title or "Not audited"; the ward names
        down the side as wide as the longest."""
        self.heatmap.verticalHeader().setDefaultSectionSize(row_height())
        bold_metrics = _bold_metrics(self.heatmap)
        heat_header = self.heatmap.horizontalHeader()
        for column in range(self.heatmap_model.columnCount()):
            title = str(self.heatmap_model.headerData(column, Qt.Orientation.Horizontal))
            head = max(bold_metrics.horizontalAdvance(line) for line in title.split("\n")) + 24
            heat_header.resizeSection(
                column, max(head, bold_metrics.horizontalAdvance(NOT_AUDITED) + 20)
            )
        names = [f.ward.name for f in figures] or ["Ward"]
        self.heatmap.verticalHeader().setFixedWidth(
            max(bold_metrics.horizontalAdvance(n) for n in names) + 28
        )
