"""The Board: every ward's latest score in a period, site and trust means with their n,
trends, a wards × sections heatmap, the board report, and exchange files in and out.

The figures are :func:`wardaudit.board.board_figures`, worked out off the UI thread; this
screen only shows them. Exchange files are checked in a dry run first, so she sees what
is new, what is already here and what conflicts before anything changes.

About 600 lines: the period and filters, the three views and the wards chosen for the
chart stay in step here, with the report and the exchange files in and out; the views,
the tiles, the filters, the dialogs and the work done off the UI thread live beside it.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from exports.documents import KIND_WORDS, Kind, write_board_report
from ui import errors as ui_errors
from ui.board.chart import chart_lines, chart_note
from ui.board.dialogs import ExportExchangeDialog, WardAuditsDialog
from ui.board.drawing import Line
from ui.board.exchange import (
    LAST_EXPORT_SETTING,
    FilePreview,
    FileResult,
    import_exchange_files_now,
    preview_exchange_files,
)
from ui.board.filters import BoardFilters
from ui.board.import_preview import ImportPreviewDialog
from ui.board.incident_import import IncidentImportDialog
from ui.board.incidents import IncidentsTab
from ui.board.models import BoardTableModel
from ui.board.tabs import ChartTab, HeatmapTab, ViewTabs, WardsTab
from ui.board.tiles import SummaryTiles
from ui.context import AppContext, Change
from ui.ops import Op
from ui.theme import colours, loading_bar, touch_button
from ui.widgets.files import FORMATS, FileChooser, tell_saved
from ui.widgets.layouts import FlowLayout
from ui.widgets.messages import open_dialog, tell
from ui.widgets.progress import OpProgress
from ui.widgets.screen import Screen
from ui.widgets.trustdb import READER_WORDS, allow_change
from wardaudit import clock
from wardaudit.board import Board, BoardChoice, WardFigure, figures_for
from wardaudit.checklist import default_checklist
from wardaudit.errors import Cancelled, WardAuditError
from wardaudit.exchange import export_bundle
from wardaudit.exchange.write import destinations
from wardaudit.incidents.figures import IncidentBoard, incident_board
from wardaudit.store import Store
from wardaudit.words import (
    board_period_words,
    join_words,
    new_count,
    new_words,
    plural,
    sentence,
)

log = logging.getLogger(__name__)

EXCHANGE_FILTER = FORMATS["wardaudit"].filter


@dataclass(frozen=True)
class BoardLoad:
    """What the screen shows: the board a choice asks for and what the filters offer."""

    board: Board
    choice: BoardChoice
    sites: tuple[str, ...]
    services: tuple[str, ...]
    incidents: IncidentBoard | None = None  # the incidents beside it, once any are held


def load_board(store: Store, choice: BoardChoice) -> BoardLoad:
    """The board's figures (the core's) and the sites and services to filter by.

    Runs in the worker: it must not touch a widget.
    """
    sites = tuple(s.name for s in store.wards.sites())
    services = tuple(sorted({w.service for w in store.wards.list() if w.service}, key=str.casefold))
    board = figures_for(store, choice)
    incidents = incident_board(store, board) if store.incidents.count() else None
    return BoardLoad(board, choice, sites, services, incidents)


class BoardScreen(Screen):
    """Filters, summary tiles, and the wards as a table, a chart over time and a heatmap."""

    LISTENS_TO: ClassVar[frozenset[Change]] = frozenset({"wards", "audits", "actions", "incidents"})
    # Figures are worked out afresh each time the Board is shown: audits signed off or
    # actions moved elsewhere show at once (it takes milliseconds, off the UI thread).
    REFRESH_ON_SHOW = True

    loaded = Signal()
    report_written = Signal(object)  # the path written, or the error
    exchange_exported = Signal(object)  # the export's counts, or the error
    preview_ready = Signal(object)  # the list of FilePreview
    import_finished = Signal(object)  # the list of FileResult, or the error

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.board: Board | None = None
        self.current: BoardLoad | None = None
        self._chosen: list[str] = []  # ward ids chosen for the chart, in the table's order
        self._syncing = False
        self.files = FileChooser(self)
        self.last_dialog: QDialog | None = None
        self.last_message: QMessageBox | None = None
        self.green, self.amber = self._thresholds()
        self._styled_for: object = None  # the theme colours the style sheets were made from

        heading = QLabel("Board")
        heading.setObjectName("heading")
        heading.setAccessibleName("Board")

        # --- what she can do
        self.pdf_button = touch_button(
            "Board report (&PDF)…",
            "Board report as PDF",
            tooltip="Save the board report for the period and filters shown, as a PDF",
        )
        self.pdf_button.clicked.connect(lambda: self.save_report("pdf"))
        self.xlsx_button = touch_button(
            "Board report (E&xcel)…",
            "Board report as an Excel workbook",
            tooltip="Save the same figures as an Excel workbook",
        )
        self.xlsx_button.clicked.connect(lambda: self.save_report("xlsx"))
        self.export_button = touch_button(
            "&Export exchange file…",
            "Export exchange file",
            tooltip="Save signed-off audits to a file for another laptop or the quality team",
        )
        self.export_button.clicked.connect(self.export_exchange_file)
        self.import_button = touch_button(
            "&Import exchange files…",
            "Import exchange files",
            tooltip="Bring in audits from exchange files; you see what is new before anything "
            "changes. You can also drop the files onto the window.",
        )
        self.import_button.clicked.connect(self.choose_exchange_files)
        self.incidents_button = touch_button(
            "Import i&ncidents…",
            "Import incidents",
            tooltip="Bring in the trust's sexual safety incidents from its risk-management "
            "export, through the trust's mapping file; you see what changes first",
        )
        self.incidents_button.clicked.connect(self.import_incidents)
        self.progress = loading_bar("Loading the board", 120, fixed=True)
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setAccessibleName("Board status")
        top = FlowLayout(spacing=10)
        for widget in (
            heading,
            self.pdf_button,
            self.xlsx_button,
            self.export_button,
            self.import_button,
            self.incidents_button,
            self.progress,
            self.status_label,
        ):
            top.addWidget(widget)

        # --- filters
        self.filter_bar = BoardFilters(self)
        self.filter_bar.changed.connect(self.refresh)
        self.from_month, self.to_month = self.filter_bar.from_month, self.filter_bar.to_month
        self.site_filter = self.filter_bar.site_filter
        self.service_filter = self.filter_bar.service_filter
        self.designation_filter = self.filter_bar.designation_filter
        filters = self.filter_bar.row()

        # --- summary tiles
        self.summary_tiles = SummaryTiles()
        self.tiles = self.summary_tiles.tiles
        self.sites_label, self.versions_note = (
            self.summary_tiles.sites_label,
            self.summary_tiles.versions_note,
        )
        tiles = self.summary_tiles.row()

        # --- the tabs, and their parts by the names the screen's logic uses
        self.wards_tab = WardsTab()
        self.model, self.proxy, self.table = (
            self.wards_tab.model,
            self.wards_tab.proxy,
            self.wards_tab.table,
        )
        self.audits_button = self.wards_tab.audits_button
        self.table.horizontalHeader().sortIndicatorChanged.connect(lambda *_: self._fit_columns())
        self.table.activated.connect(self.show_ward_audits)  # Enter, and double-click
        self.table.selectionModel().selectionChanged.connect(self._table_selection_changed)
        self.audits_button.clicked.connect(lambda: self.show_ward_audits(self.table.currentIndex()))
        self.chart_tab = ChartTab()
        self.chooser, self.chart = self.chart_tab.chooser, self.chart_tab.chart
        self.chart_note, self.clear_button = self.chart_tab.chart_note, self.chart_tab.clear_button
        self.chooser.itemChanged.connect(self._chooser_changed)
        self.clear_button.clicked.connect(lambda: self.choose_wards([]))
        self.chart_tab.needs_room.connect(self._relayout)
        self.heatmap_tab = HeatmapTab()
        self.heatmap = self.heatmap_tab.heatmap
        self.heatmap_model, self.heatmap_proxy = (
            self.heatmap_tab.heatmap_model,
            self.heatmap_tab.heatmap_proxy,
        )
        self.heatmap.activated.connect(self.show_ward_audits)
        self.tabs = ViewTabs()
        self.tabs.setAccessibleName("Board views")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.wards_tab, "Wards")
        self.tabs.addTab(self.chart_tab, "Scores over time")
        self.tabs.addTab(self.heatmap_tab, "Sections heatmap")
        self.incidents_tab = IncidentsTab()
        self.tabs.addTab(self.incidents_tab, "Incidents beside scores")
        self.tabs.currentChanged.connect(lambda _index: self._relayout())

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(tiles)
        layout.addWidget(self.sites_label)
        for note in self.summary_tiles.notes():
            layout.addWidget(note)
        layout.addWidget(self.tabs, 1)
        # At 200% text the page scrolls as a whole rather than squeezing the table away.
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page_scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page_scroll)

        order: list[QWidget] = [
            self.pdf_button,
            self.xlsx_button,
            self.export_button,
            self.import_button,
            self.incidents_button,
            *self.filter_bar.controls(),
            self.tabs,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self._show_summary()
        self._update_buttons()

    def _thresholds(self) -> tuple[float, float]:
        """The chart's green and amber lines: the trust's usual checklist's thresholds."""
        checklists = self.ctx.library.all_latest()
        if not checklists:
            return 90.0, 75.0
        thresholds = default_checklist(checklists).thresholds
        return float(thresholds.green), float(thresholds.amber)

    # --- loading --------------------------------------------------------------------------------

    def _relayout(self) -> None:
        """The scroll area hears only of its page's resizes, not of a part needing more room
        (a wrapped note, a tab with a taller chart): ask it to lay the page out again."""
        QApplication.postEvent(self.page_scroll, QEvent(QEvent.Type.LayoutRequest))

    def choice(self) -> BoardChoice:
        return self.filter_bar.choice()

    def showEvent(self, event: QShowEvent) -> None:
        self._style()
        super().showEvent(event)

    def refresh(self) -> None:
        """Work the figures out in the worker; a later load wins over an earlier one."""
        self.loading = True
        self.progress.show()
        self.status_label.setText("Loading…")
        self._update_buttons()
        store = self.ctx.store
        choice = self.choice()
        self.load(lambda: load_board(store, choice), self._show_load, self._not_loaded)

    def _not_loaded(self, error: BaseException) -> None:
        self.progress.hide()
        self.status_label.setText("The board could not be worked out.")
        self._update_buttons()
        ui_errors.show_error(self, error)

    def _show_load(self, result: BoardLoad) -> None:
        self.loading = False
        self.progress.hide()
        unchanged = self.current is not None and result == self.current
        self.current = result
        self.board = result.board
        BoardFilters.offer(self.site_filter, result.sites)
        BoardFilters.offer(self.service_filter, result.services)
        if not unchanged:  # nothing moved since last shown: keep her place in the table
            self._show_board(result.board)
            self.incidents_tab.show_board(self.ctx.store, result.board, result.incidents)
        self._show_summary()
        self._update_buttons()
        self.loaded.emit()

    def _show_board(self, board: Board) -> None:
        chosen = list(self._chosen)
        current = self.table.currentIndex().data(BoardTableModel.FIGURE_ROLE)
        self.model.set_board(board)
        self.heatmap_model.set_board(board)
        self.table.setColumnHidden(BoardTableModel.SITE, bool(self.site_filter.currentData()))
        self._fit_columns()
        self._fill_chooser(board)
        present = {f.ward.id for f in board.wards}
        self.choose_wards([w for w in chosen if w in present])
        if isinstance(current, WardFigure) and current.ward.id in present:
            self._set_current(current.ward.id)
        elif self.proxy.rowCount() and not self._chosen:
            self.table.setCurrentIndex(self.proxy.index(0, 0))

    def _show_summary(self) -> None:
        board = self.board
        if board is None:
            self.summary_tiles.clear()
            return
        self.summary_tiles.show_board(board, self.mean_name())
        self.status_label.setText(f"{plural(len(board.wards), 'ward')} · {self.period_words()}")
        self._style()
        self._update_chart()
        self._relayout()

    def mean_name(self) -> str:
        narrowed = self.current is not None and self.current.choice.narrowed
        return "Mean of the wards shown" if narrowed else "Trust mean"

    def period_words(self) -> str:
        return board_period_words(self.board) if self.board else ""

    def _style(self) -> None:
        """Styles drawn from the theme in use (a switch to high contrast applies when shown)."""
        c = colours()
        if c is self._styled_for:
            return
        self._styled_for = c
        self.tabs.setStyleSheet(
            f"QTabBar::tab {{ min-height: 40px; padding: 2px 18px; margin-right: 4px;"
            f" background: {c.alternate}; color: {c.text}; border: 2px solid {c.border};"
            " border-bottom: none; border-top-left-radius: 6px; border-top-right-radius: 6px; }"
            f" QTabBar::tab:selected {{ background: {c.base}; font-weight: bold;"
            f" border-top: 4px solid {c.focus}; }}"
            f" QTabBar::tab:focus {{ border: 3px solid {c.focus}; border-bottom: none; }}"
            f" QTabWidget::pane {{ border-top: 2px solid {c.border}; }}"
        )
        self.summary_tiles.style(c)

    def _fit_columns(self) -> None:
        """Widths from the words a column can hold, never by measuring every row."""
        self.wards_tab.fit_columns()
        self.heatmap_tab.fit_columns(self.model.figures())

    # --- choosing wards for the chart -----------------------------------------------------------

    def _fill_chooser(self, board: Board) -> None:
        self._syncing = True
        self.chart_tab.fill(board)
        self._syncing = False

    def _tick_chosen(self) -> None:
        self.chart_tab.tick(self._chosen)

    def choose_wards(self, ward_ids: Sequence[str]) -> None:
        """The wards drawn on the chart; the table's selection and the list follow."""
        self._chosen = list(dict.fromkeys(ward_ids))
        self._syncing = True
        try:
            self._tick_chosen()
            selection = QItemSelection()
            for ward_id in self._chosen:
                source = self.model.row_for_ward(ward_id)
                if source < 0:
                    continue
                index = self.proxy.mapFromSource(self.model.index(source, 0))
                last = self.proxy.index(index.row(), self.proxy.columnCount() - 1)
                selection.select(index, last)
            self.table.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            self._syncing = False
        self._update_chart()

    def _table_selection_changed(self, *_args: object) -> None:
        if self._syncing:
            return
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = []
        for row in rows:
            figure = self.proxy.index(row, 0).data(BoardTableModel.FIGURE_ROLE)
            if isinstance(figure, WardFigure):
                ids.append(figure.ward.id)
        self._chosen = ids
        self._syncing = True
        self._tick_chosen()
        self._syncing = False
        self._update_chart()
        self._update_buttons()

    def _chooser_changed(self, _item: QListWidgetItem) -> None:
        if self._syncing:
            return
        ticked = self.chart_tab.ticked()
        keep = [w for w in self._chosen if w in ticked]
        self.choose_wards(keep + [w for w in ticked if w not in keep])

    def chart_lines(self) -> list[Line]:
        if self.board is None:
            return []
        return chart_lines(self.board, self._chosen, self.mean_name())

    def _update_chart(self) -> None:
        board = self.board
        if board is None:
            return
        self.chart.set_data(board.months, self.chart_lines(), green=self.green, amber=self.amber)
        self.chart_tab.set_note(chart_note(board, self._chosen))

    def chosen_wards(self) -> list[str]:
        return list(self._chosen)

    # --- a ward and its audits ------------------------------------------------------------------

    def _set_current(self, ward_id: str) -> None:
        source = self.model.row_for_ward(ward_id)
        if source >= 0:
            index = self.proxy.mapFromSource(self.model.index(source, 0))
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def show_ward_audits(self, index: QModelIndex | None = None) -> WardAuditsDialog | None:
        if index is None or not index.isValid():
            index = self.table.currentIndex()
        figure = index.data(BoardTableModel.FIGURE_ROLE) if index.isValid() else None
        if not isinstance(figure, WardFigure):
            return None
        try:
            audits = self.ctx.store.audits.list(
                ward=figure.ward.id
            )  # one ward's: a few dozen at most
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return None
        titles = {c.id: c.title for c in self.ctx.library.all_latest()}
        dialog = WardAuditsDialog(figure, audits, self.period_words(), titles, self)
        dialog.open_requested.connect(self.open_audit_requested)
        self._show_dialog(dialog)
        return dialog

    def _show_dialog(self, dialog: QDialog) -> None:
        """Dialogs open without a nested event loop, so the app (and tests) keep running."""
        self.last_dialog = open_dialog(dialog)

    def _update_buttons(self) -> None:
        ready = self.board is not None and not self.loading and not self.busy
        self.pdf_button.setEnabled(ready)
        self.xlsx_button.setEnabled(ready)
        # an exchange export notes what each destination was sent: a change, as imports are
        readonly = self.ctx.readonly
        allow_change(self.export_button, not self.busy, readonly=readonly)
        allow_change(self.import_button, not self.busy, readonly=readonly)
        allow_change(self.incidents_button, not self.busy, readonly=readonly)
        self.audits_button.setEnabled(self.table.currentIndex().isValid())

    # --- slow work: reports and exchange files --------------------------------------------------

    def busy_changed(self) -> None:
        self._update_buttons()

    def _run(self, op: Op[Any], done: Callable[[Any], object], signal: Any) -> None:
        """Slow work in the worker with a busy dialog; ``signal`` carries the result or the
        error (after the error dialog is asked for)."""

        def failed(error: BaseException) -> None:
            signal.emit(error)
            if isinstance(error, Cancelled):  # her choice: said calmly, not as an error
                self.status_label.setText(f"{sentence(error)} Nothing was changed.")
                return
            ui_errors.show_error(self, error)

        self.run_busy(op.success(done).success(signal.emit).failure(failed))

    def tell(self, title: str, text: str, details: str = "") -> QMessageBox:
        """A result she should read; it does not stop the app while open."""
        self.last_message = tell(self, title, text, details)
        return self.last_message

    def save_report(self, kind: Kind) -> None:
        """The board report for the board shown (its period and filters), through the
        documents' front door, as the command line writes it."""
        board, current = self.board, self.current
        if board is None or current is None or self.busy:
            return
        words = KIND_WORDS[kind][0]
        name = f"WardAudit board report {clock.today():%d-%m-%Y}"
        path = self.files.save_path(f"Save the board report ({words})", name, kind)
        if path is None:
            return
        store = self.ctx.store

        def shown(written: Path) -> None:
            self.status_label.setText(f"Board report saved: {written}")
            self.last_message = tell_saved(
                self,
                "Board report saved",
                f"The board report for {board_period_words(board)} was saved as {written.name}.",
                written,
                f"It is in {written.parent}.",
            )

        self._run(
            Op(self, lambda: write_board_report(store, current.choice, path, kind)).busy(
                f"Writing the board report ({words})…"
            ),
            shown,
            self.report_written,
        )

    def export_exchange_file(self) -> ExportExchangeDialog | None:
        if self.busy or self.ctx.readonly:
            return None
        try:
            last: date | None = date.fromisoformat(self.ctx.own_setting(LAST_EXPORT_SETTING))
        except ValueError:
            last = None
        sent = [(mark.destination, mark.at) for mark in destinations(self.ctx.store)]
        dialog = ExportExchangeDialog(last, self, sent=sent)
        dialog.accepted.connect(
            lambda: self._export_exchange_since(
                dialog.since(), everything=dialog.everything(), to=dialog.destination_name()
            )
        )
        self._show_dialog(dialog)
        return dialog

    def _export_exchange_since(
        self, since: date | None, *, everything: bool = True, to: str | None = None
    ) -> None:
        name = f"WardAudit exchange {clock.today():%d-%m-%Y}"
        path = self.files.save_path("Save the exchange file", name, "wardaudit")
        if path is None:
            return
        store = self.ctx.store
        progress = OpProgress(cancellable=True, unit="bytes")

        def shown(counts: dict[str, int]) -> None:
            try:
                self.ctx.set_own_setting(LAST_EXPORT_SETTING, clock.today().isoformat())
            except WardAuditError as error:
                log.warning("could not note the export day: %s", error)
            held = join_words(
                [
                    plural(counts.get("audits", 0), "signed-off audit"),
                    plural(counts.get("events", 0), "history event"),
                    plural(counts.get("wards", 0), "ward"),
                    plural(counts.get("photos", 0), "photo"),
                    *(
                        [
                            f"incident counts by place for {plural(counts['incident_counts'], 'ward')}"
                        ]
                        if counts.get("incident_counts")
                        else []
                    ),
                ]
            )
            if since:
                since_words = f" signed off or changed since {clock.uk_date(since)}"
            elif not everything and to:
                since_words = f": what {to} had not had from this database"
            else:
                since_words = ""
            self.status_label.setText(f"Exchange file saved: {path}")
            self.last_message = tell_saved(
                self,
                "Exchange file saved",
                f"The exchange file {path.name} holds {held}{since_words}.",
                path,
                f"It is in {path.parent}. Import it on the other laptop or in the quality "
                "team's database.",
            )

        self._run(
            Op(
                self,
                lambda: export_bundle(
                    store,
                    path,
                    since=since,
                    everything=everything and since is None,
                    destination=to,
                    progress=progress,
                ),
            ).busy("Writing the exchange file…"),
            shown,
            self.exchange_exported,
        )
        if self._busy_op is not None:
            progress.attach(self._busy_op)

    def import_incidents(self) -> IncidentImportDialog | None:
        """The trust's incident export in, through its mapping, after a preview."""
        if self.busy or self.ctx.readonly:
            return None
        dialog = IncidentImportDialog(self.ctx, self.files, self)
        dialog.imported.connect(self._incidents_imported)
        self._show_dialog(dialog)
        return dialog

    def _incidents_imported(self, result: object) -> None:
        if isinstance(result, BaseException):
            return
        words = getattr(result, "new", 0), getattr(result, "regraded", 0)
        self.status_label.setText(
            f"Incidents imported: {words[0]} new, {words[1]} regraded. {clock.now():%H:%M}"
        )
        self.tabs.setCurrentWidget(self.incidents_tab)
        self.refresh()

    def choose_exchange_files(self) -> None:
        chosen = self.files.open_paths("Import exchange files", EXCHANGE_FILTER)
        if chosen:
            self.import_exchange_files(chosen)

    def import_exchange_files(self, paths: list[Path]) -> None:
        """Check each file in a dry run (nothing changes), then show what it would bring in.

        Called by the Import button and when files are dropped on the window.
        """
        paths = [Path(p) for p in paths]
        if not paths:
            return
        if self.ctx.readonly:
            self.tell("Nothing was imported", READER_WORDS)
            return
        if self.busy:
            self.tell(
                "Please wait",
                "WardAudit is still busy with the last report, export or import. Try again "
                "when it has finished.",
            )
            return
        store = self.ctx.store
        files = "the exchange file" if len(paths) == 1 else f"{len(paths)} exchange files"
        self._run(
            Op(self, lambda: preview_exchange_files(store, paths)).busy(f"Checking {files}…"),
            self._show_preview,
            self.preview_ready,
        )

    def _show_preview(self, previews: list[FilePreview]) -> None:
        dialog = ImportPreviewDialog(previews, self)
        dialog.import_chosen.connect(lambda skip: self._import(previews, skip))
        self._show_dialog(dialog)

    def _import(self, previews: list[FilePreview], skip_conflicts: bool) -> None:
        paths = [p.path for p in previews if p.plan is not None]
        store = self.ctx.store
        progress = OpProgress(cancellable=True, unit="bytes")
        op = Op(
            self,
            lambda: import_exchange_files_now(
                store, paths, skip_conflicts=skip_conflicts, progress=progress
            ),
        )
        self._run(
            op.busy("Importing…").changes(
                self.ctx, "wards", "audits", "actions", "incidents", only_if=_any_new
            ),
            lambda results: self._imported(previews, results),
            self.import_finished,
        )
        progress.attach(op)

    def _imported(self, previews: list[FilePreview], results: list[FileResult]) -> None:
        lines = []
        for result in results:
            if result.plan is None:
                lines.append(f"{result.path.name}: {result.problem}.")
                continue
            lines.append(
                f"{result.path.name}: {new_words(result.plan)} imported."
                if new_count(result.plan)
                else f"{result.path.name}: nothing new."
            )
            if result.plan.conflicts:
                lines.append(
                    f"  {plural(len(result.plan.conflicts), 'conflicting record')} left as "
                    f"{'it was' if len(result.plan.conflicts) == 1 else 'they were'} here."
                )
        for preview in previews:
            if preview.plan is None:
                lines.append(f"{preview.path.name}: refused. {preview.refused}")
        changed = _any_new(results)
        headline = "The import is finished." if changed else "Nothing new was imported."
        self.status_label.setText(f"{headline} {clock.now():%H:%M}")
        self.tell("Import finished", headline, "\n".join(lines))
        if changed:
            self.refresh()


def _any_new(results: list[FileResult]) -> bool:
    """Whether any file brought in a record (the screens then have figures to refresh)."""
    return any(result.plan is not None and new_count(result.plan) for result in results)
