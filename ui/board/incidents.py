"""The Board's incidents tab: each ward's sexual safety incidents beside its audit scores,
incidents per bed with their n, and one ward's hotspots.

The figures are the core's (:mod:`wardaudit.incidents.figures`, worked out with the board;
:mod:`wardaudit.incidents.hotspots`, for the ward chosen, off the UI thread); this tab only
shows them. It is for the quality team's own use, so counts are shown as they are; the
board report is where small numbers are suppressed for publication.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui.board.incident_chart import IncidentChart
from ui.ops import Op
from ui.theme import row_height, touch_button
from ui.widgets.tables import LEFT, RIGHT, RowsTableModel, bold_font, row_table
from wardaudit import clock
from wardaudit.board import Board, monthly_means
from wardaudit.incidents.figures import IncidentBoard, WardIncidents
from wardaudit.incidents.hotspots import NO_LOCATION, Hotspot, WardHotspots, ward_hotspots
from wardaudit.incidents.words import (
    NO_CORRELATION,
    NOT_APPLICABLE,
    UNDER_REPORTING,
    actions_words,
)
from wardaudit.store import Store
from wardaudit.words import NOT_AUDITED, period_words, plural, score_words

NOTHING_IMPORTED = (
    "No sexual safety incidents have been imported yet. Use Import incidents… (above) to "
    "bring in the trust's export from its risk-management system, through the trust's "
    "mapping file."
)


class IncidentWardsModel(RowsTableModel):
    """One row per ward: its incidents over the period beside its score, and per bed."""

    HEADERS = ("Ward", "Score", "Incidents per bed (n)")
    WARD, SCORE, PER_BED = range(3)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        ward = self.row_at(index)
        if not isinstance(ward, WardIncidents):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column == self.SCORE else LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{ward.ward.name}, {ward.ward.site}: {ward.per_bed_words}"
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        figure = ward.figure
        return {
            self.WARD: ward.ward.name,
            self.SCORE: NOT_AUDITED if figure.score is None else score_words(figure.score),
            self.PER_BED: ward.per_bed_words,
        }.get(column)


class HotspotsModel(RowsTableModel):
    """A ward's places: incidents over twelve months beside its latest audits' findings."""

    HEADERS = ("Place on the ward", "Incidents", "No", "Partly", "Their actions", "Both here")
    HEADER_LINES: ClassVar[dict[str, str]] = {"Incidents": "Incidents\n(12 months)"}
    PLACE, INCIDENTS, NO, PARTLY, ACTIONS, BOTH = range(6)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        spot = self.row_at(index)
        if not isinstance(spot, Hotspot):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.FontRole and spot.both:
            return bold_font()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column in (self.INCIDENTS, self.NO, self.PARTLY) else LEFT
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        no = sum(1 for f in spot.findings if f.answer == "no")
        partly = len(spot.findings) - no
        found = bool(spot.findings)
        return {
            self.PLACE: spot.words,
            self.INCIDENTS: NOT_APPLICABLE if spot.key == NO_LOCATION else str(spot.incidents),
            self.NO: str(no) if found else NOT_APPLICABLE,
            self.PARTLY: str(partly) if found else NOT_APPLICABLE,
            self.ACTIONS: actions_words(f.action_status for f in spot.findings),
            self.BOTH: "Yes, both" if spot.both else "",
        }.get(column)


class IncidentsTab(QWidget):
    """The board's wards with their incidents; the chart and hotspots of the ward chosen."""

    hotspots_shown = Signal(object)  # the WardHotspots shown, or the error

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board: Board | None = None
        self.figures: IncidentBoard | None = None
        self.store: Store | None = None
        self.hotspots: WardHotspots | None = None
        self._op: Op[Any] | None = None
        self.summary = QLabel(NOTHING_IMPORTED)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Incidents held")
        self.caveat = QLabel(f"{UNDER_REPORTING} {NO_CORRELATION}")
        self.caveat.setWordWrap(True)
        self.caveat.setObjectName("muted")
        self.caveat.setAccessibleName("About these figures")

        self.model = IncidentWardsModel(self)
        self.table = row_table(
            self.model,
            "Wards with their incidents",
            "Each ward's sexual safety incidents over the period beside its latest audit score, "
            "and incidents per bed with the counts. Choose a ward to see its chart and hotspots.",
        )
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._ward_chosen)
        self.all_button = touch_button(
            "&All wards",
            "Show all wards in the chart",
            tooltip="Chart the incidents of every ward shown beside their mean score",
        )
        self.all_button.clicked.connect(self.show_all_wards)

        self.chart = IncidentChart()
        self.chart_title = QLabel()
        self.chart_title.setObjectName("subheading")
        self.chart_title.setWordWrap(True)
        self.hotspots_title = QLabel("Choose a ward to see its hotspots.")
        self.hotspots_title.setWordWrap(True)
        self.hotspots_title.setAccessibleName("Hotspots")
        self.hotspots_model = HotspotsModel(self)
        self.hotspots_table = row_table(
            self.hotspots_model,
            "Hotspots: places on the ward",
            "The ward's places: incidents over twelve months, and the No and Partly answers "
            "located there in its latest audits with their actions' status. Places where both "
            "occur come first, in bold.",
        )
        self.hotspots_table.verticalHeader().setDefaultSectionSize(row_height())
        self.hotspots_table.horizontalHeader().setStretchLastSection(False)
        self.hotspots_table.horizontalHeader().setSectionResizeMode(
            HotspotsModel.ACTIONS, QHeaderView.ResizeMode.Stretch
        )

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.all_button, 0, Qt.AlignmentFlag.AlignLeft)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.chart_title)
        right_layout.addWidget(self.chart, 1)
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(left)
        upper.addWidget(right)
        upper.setStretchFactor(1, 1)
        upper.setChildrenCollapsible(False)
        upper.setSizes([470, 800])
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.hotspots_title)
        lower_layout.addWidget(self.hotspots_table, 1)
        # the ward and its chart above, its hotspots across the whole width below
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([380, 300])
        lines = self.fontMetrics().height()
        self.setMinimumHeight(32 * lines)  # the page scrolls rather than squeeze the chart

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.caveat)
        layout.addWidget(splitter, 1)

    # --- showing the board -----------------------------------------------------------------

    def show_board(self, store: Store, board: Board, figures: IncidentBoard | None) -> None:
        chosen = self.chosen_ward()
        self.store, self.board, self.figures = store, board, figures
        if figures is None or figures.held == 0:
            self.summary.setText(NOTHING_IMPORTED)
            self.model.set_rows([])
            self.hotspots_model.set_rows([])
            self.chart.set_data(
                "", board.months, [0] * len(board.months), [None] * len(board.months)
            )
            self.chart_title.setText("")
            return
        self.summary.setText(self.summary_words(figures))
        self.model.set_rows(figures.wards)
        for column in (IncidentWardsModel.WARD, IncidentWardsModel.SCORE):
            self.table.resizeColumnToContents(column)
        row = self.model.find_row(lambda w: w.ward.id == chosen) if chosen else -1
        if row >= 0:  # the model was reset: making the row current shows the ward again
            self.table.setCurrentIndex(self.model.index(row, 0))
        else:
            self.show_all_wards()

    @staticmethod
    def summary_words(figures: IncidentBoard) -> str:
        period = period_words(figures.board.start, figures.board.end)
        parts = [f"{plural(figures.total, 'sexual safety incident')} on these wards, {period}"]
        if figures.per_bed is not None and not figures.wards_without_beds:
            parts[0] += (
                f" ({figures.per_bed:.1f} per bed: {figures.total} incidents, {figures.beds} beds)"
            )
        last = figures.last_import
        if last is not None:
            parts.append(f"last imported {clock.uk_date(last.at)} from {last.source}")
        if figures.latest is not None:
            parts.append(f"latest incident dated {clock.uk_date(figures.latest)}")
        return "; ".join(parts) + "."

    def chosen_ward(self) -> str | None:
        ward = self.model.row_at(self.table.currentIndex())
        return ward.ward.id if isinstance(ward, WardIncidents) else None

    def show_all_wards(self) -> None:
        self.table.clearSelection()
        self.table.setCurrentIndex(QModelIndex())
        board, figures = self.board, self.figures
        if board is None or figures is None:
            return
        means = [m.mean for m in monthly_means(board, board.wards)]
        subject = "All wards shown: incidents by month beside the mean score of the wards audited"
        self.chart_title.setText(subject)
        self.chart.set_data(subject, board.months, figures.months, means)
        self.hotspots = None
        self.hotspots_model.set_rows([])
        self.hotspots_title.setText("Choose a ward to see its hotspots.")

    def _ward_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ward = self.model.row_at(current)
        if isinstance(ward, WardIncidents):
            self._show_ward(ward)

    def _show_ward(self, ward: WardIncidents) -> None:
        board, store = self.board, self.store
        if board is None or store is None:
            return
        subject = f"{ward.ward.name}: incidents by month beside its audit score"
        self.chart_title.setText(subject)
        self.chart.set_data(subject, board.months, ward.months, ward.figure.trend)
        self.hotspots_title.setText(f"Hotspots on {ward.ward.name}: working them out…")
        ward_id, last_month = ward.ward.id, board.end
        op: Op[WardHotspots] = Op(
            self, lambda: ward_hotspots(store, ward_id, last_month=last_month)
        )
        self._op = op.success(self._show_hotspots).failure(self._hotspots_failed).run()

    def _show_hotspots(self, spots: WardHotspots) -> None:
        if self.chosen_ward() != spots.ward.id:
            return  # she has chosen another ward meanwhile
        self.hotspots = spots
        self.hotspots_model.set_rows(spots.places)
        for column in range(HotspotsModel.ACTIONS):
            self.hotspots_table.resizeColumnToContents(column)
        audits = (
            "; ".join(f"{a.checklist}, signed off {clock.uk_date(a.day)}" for a in spots.audits)
            or "no signed-off audit"
        )
        both = len(spots.both)
        lead = (
            f"{plural(both, 'place')} with both incidents and findings, first in bold. "
            if both
            else "No place has both incidents and findings. "
        )
        self.hotspots_title.setText(
            f"Hotspots on {spots.ward.name}: incidents by place, "
            f"{period_words(spots.first_month, spots.last_month)}, beside the findings of its "
            f"latest audits ({audits}). {lead}"
        )
        self.hotspots_shown.emit(spots)

    def _hotspots_failed(self, error: BaseException) -> None:
        self.hotspots_title.setText(f"The hotspots could not be worked out: {error}")
        self.hotspots_shown.emit(error)
