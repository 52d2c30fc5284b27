"""The home screen: sites and wards, each with its latest score, rating and open actions.

From here a matron starts or resumes an audit, opens a ward's latest one, and adds or
edits wards (on the trust database audits are opened, not started: they are done on the
ward laptops and arrive in exchange files). The table's figures are the core's ward
overview, gathered off the UI thread (:func:`wardaudit.views.ward_overview`: no audit is
loaded whole to fill the table).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.context import AppContext, Change
from ui.theme import loading_bar, row_height, touch_button
from ui.wards.models import WardFilterModel, WardTableModel
from ui.widgets import trustdb as trustdb_words
from ui.widgets.layouts import titled_column
from ui.widgets.messages import open_dialog
from ui.widgets.screen import Screen
from ui.widgets.tables import ColouredCellDelegate, row_table
from ui.widgets.trustdb import allow_change
from wardaudit import clock
from wardaudit.checklist import Checklist, default_checklist
from wardaudit.errors import WardAuditError
from wardaudit.model import Ward
from wardaudit.scoring import display_score
from wardaudit.views import WardOverview, ward_overview
from wardaudit.words import critical_breaches_words, plural, rating_word

if TYPE_CHECKING:  # the dialogs are loaded when first opened, not at start-up
    from ui.wards.dialogs import WardDialog

log = logging.getLogger(__name__)

ALL_SITES = "All sites"


class WardsScreen(Screen):
    """Sites down the side, the ward table, and what she can do with the selected ward."""

    # a ward's latest audit, its audit in progress and its open actions are in the table
    LISTENS_TO: ClassVar[frozenset[Change]] = frozenset({"wards", "audits", "actions"})

    rows_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last_dialog: QDialog | None = None

        heading = QLabel("Wards")
        heading.setObjectName("heading")
        heading.setAccessibleName("Wards")

        self.sites = QListWidget()
        self.sites.setAccessibleName("Sites")
        self.sites.setToolTip("Choose a site to show only its wards")
        self.sites.currentItemChanged.connect(self._site_chosen)
        self.sites.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sites.setWordWrap(True)  # long site names wrap rather than widen the panel
        self.sites.setResizeMode(QListWidget.ResizeMode.Adjust)

        self.model = WardTableModel(self)
        self.proxy = WardFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = row_table(
            self.proxy,
            "Wards",
            "Each ward's latest audit. Press Enter to open the audit in progress or the latest one.",
        )
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        # Red wards first, then amber: what needs her attention is in view without scrolling.
        self.table.sortByColumn(WardTableModel.RATING, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)  # the service takes what room is left
        self.rating_delegate = ColouredCellDelegate(self.table)
        self.table.setItemDelegateForColumn(WardTableModel.RATING, self.rating_delegate)
        header.sortIndicatorChanged.connect(lambda *_: self.fit_columns())
        self.table.activated.connect(self._row_activated)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        self.start_button = touch_button(
            "Start audit",
            tooltip="Start an audit of the selected ward, or resume the one in progress",
            primary=True,
        )
        self.start_button.clicked.connect(self.start_or_resume)
        self.latest_button = touch_button(
            "Open latest audit", tooltip="Show the selected ward's latest signed-off audit"
        )
        self.latest_button.clicked.connect(self.open_latest)
        self.add_button = touch_button("Add ward", tooltip="Add a ward to the register")
        self.add_button.clicked.connect(self.add_ward)
        self.edit_button = touch_button(
            "Edit ward", tooltip="Change the selected ward's details and areas"
        )
        self.edit_button.clicked.connect(self.edit_ward)

        self.no_audits_note = QLabel(trustdb_words.NO_AUDITS_WORDS)
        self.no_audits_note.setWordWrap(True)
        self.no_audits_note.setObjectName("muted")
        self.no_audits_note.setAccessibleName("Why audits are not started here")
        self.no_audits_note.hide()

        self.selected_label = QLabel()
        self.selected_label.setWordWrap(True)
        self.selected_label.setAccessibleName("Selected ward")
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setAccessibleName("Ward list status")
        self.progress = loading_bar("Loading wards")

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.status_label)

        buttons = QHBoxLayout()
        for button in (self.start_button, self.latest_button, self.add_button, self.edit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        # on the trust database the words take the place of "Start audit"
        buttons.insertWidget(0, self.no_audits_note, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.selected_label)
        right_layout.addWidget(self.table, 1)

        left = titled_column("&Sites", self.sites)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 1000])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.setTabOrder(self.start_button, self.latest_button)
        self.setTabOrder(self.latest_button, self.add_button)
        self.setTabOrder(self.add_button, self.edit_button)
        self.setTabOrder(self.edit_button, self.table)
        self.setTabOrder(self.table, self.sites)
        self._update_buttons()

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Fetch the rows in the worker; a later load wins over an earlier one."""
        self.progress.show()
        self.status_label.setText("Loading wards…")
        store = self.ctx.store
        self.load(lambda: ward_overview(store), self._show_rows, self._not_loaded)

    def _not_loaded(self, error: BaseException) -> None:
        self.progress.hide()
        self.status_label.setText("The wards could not be loaded.")
        ui_errors.show_error(self, error)

    def _show_rows(self, rows: list[WardOverview]) -> None:
        selected = self.selected_row()
        selected_id = selected.ward.id if selected else None
        self.model.set_rows(rows)
        self._fill_sites(rows)
        self.fit_columns()
        self.loading = False
        self.progress.hide()
        shown = self.proxy.rowCount()
        self.status_label.setText("No wards yet" if not rows else f"{shown} of {len(rows)} wards")
        if selected_id:
            self.select_ward(selected_id)
        elif rows and self.proxy.rowCount():
            self.table.selectRow(0)
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self._update_buttons()
        self.rows_loaded.emit()

    def _fill_sites(self, rows: Sequence[WardOverview]) -> None:
        current = self.proxy.site()
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.ward.site] = counts.get(row.ward.site, 0) + 1
        self.sites.blockSignals(True)
        self.sites.clear()
        everything = QListWidgetItem(f"{ALL_SITES}\u00a0({len(rows)})")
        everything.setData(Qt.ItemDataRole.UserRole, None)
        self.sites.addItem(everything)
        for site in sorted(counts, key=str.casefold):
            item = QListWidgetItem(f"{site}\u00a0({counts[site]})")  # the count stays with the name
            item.setData(Qt.ItemDataRole.UserRole, site)
            item.setToolTip(site)
            self.sites.addItem(item)
            if site == current:
                self.sites.setCurrentItem(item)
        if current not in counts:
            self.sites.setCurrentRow(0)
            self.proxy.set_site(None)
        self.sites.blockSignals(False)
        self.table.setColumnHidden(WardTableModel.SITE, self.proxy.site() is not None)
        sizes = self.splitter.sizes()
        left = 14 * self.sites.fontMetrics().averageCharWidth() + 40
        self.splitter.setSizes([left, max(1, sum(sizes) - left)])

    def _site_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        site = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.proxy.set_site(site)
        self.table.setColumnHidden(WardTableModel.SITE, site is not None)
        self.fit_columns()
        total = self.model.rowCount()
        self.status_label.setText(f"{self.proxy.rowCount()} of {total} wards")
        if self.proxy.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self._update_buttons()

    def fit_columns(self) -> None:
        """Size columns to their contents; Qt would add room for a sort arrow to every header."""
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        header = self.table.horizontalHeader()
        bold = QFont(self.table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        sorted_column = header.sortIndicatorSection()
        for column in range(self.model.columnCount() - 1):
            if self.table.isColumnHidden(column):
                continue
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            head = max(metrics.horizontalAdvance(line) for line in title.split("\n")) + 18
            if column == sorted_column:
                head += metrics.height()  # room for the sort arrow
            header.resizeSection(column, max(head, self._widest_text(column, metrics) + 16))

    def _widest_text(self, column: int, metrics: QFontMetrics) -> int:
        """The widest cell text in a column, measured from the font (asking the view for its
        size hints styles every cell, which slowed start-up)."""
        model = self.model
        texts = (model.data(model.index(row, column)) for row in range(model.rowCount()))
        return max((metrics.horizontalAdvance(str(text)) for text in texts if text), default=0)

    # --- selection ----------------------------------------------------------------------------

    def selected_row(self) -> WardOverview | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = index.data(WardTableModel.ROW_ROLE)
        return row if isinstance(row, WardOverview) else None

    def select_ward(self, ward_id: str) -> bool:
        source_row = self.model.row_for_ward(ward_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            self.sites.setCurrentRow(0)
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._update_buttons()
        return True

    def _update_buttons(self) -> None:
        row = self.selected_row()
        resume = bool(row and row.in_progress)
        self.start_button.setText("Resume audit" if resume else "Start audit")
        ward_name = row.ward.name if row else "the selected ward"
        self.start_button.setAccessibleName(
            f"Resume the audit of {ward_name}" if resume else f"Start an audit of {ward_name}"
        )
        self.start_button.setEnabled(row is not None)
        on_server = self.ctx.on_server
        self.start_button.setVisible(not on_server)
        self.no_audits_note.setVisible(on_server)
        self.latest_button.setEnabled(bool(row and row.audited))
        readonly = self.ctx.readonly
        allow_change(self.add_button, True, readonly=readonly)
        allow_change(self.edit_button, row is not None, readonly=readonly)
        self.selected_label.setText(self._describe(row))

    @staticmethod
    def _describe(row: WardOverview | None) -> str:
        if row is None:
            return "Choose a ward in the table, or add one."
        parts = [f"<b>{html.escape(row.ward.name, quote=False)}</b>"]
        if row.in_progress:
            parts.append(
                f"audit in progress, {row.in_progress.answered} of "
                f"{row.in_progress.applicable} answered"
            )
        if row.audited:
            parts.append(
                f"last audit {clock.uk_date(row.last_audit_at)}: "
                f"{display_score(row.score)}, {rating_word(row.rating)}"
            )
            if row.critical_breaches:
                parts.append(critical_breaches_words(len(row.critical_breaches)))
        else:
            parts.append("not audited yet")
        if row.overdue_actions:
            parts.append(plural(row.overdue_actions, "overdue action"))
        return " — ".join(parts)

    # --- what she can do ----------------------------------------------------------------------

    def _row_activated(self, index: QModelIndex) -> None:
        row = index.data(WardTableModel.ROW_ROLE)
        if not isinstance(row, WardOverview):
            return
        if self.ctx.on_server:  # audits are not answered here: the latest signed-off one
            if row.last_audit_id:
                self.open_audit_requested.emit(row.last_audit_id)
            else:
                self.selected_label.setText(
                    f"<b>{html.escape(row.ward.name, quote=False)}</b> has no signed-off "
                    "audit in the trust database yet: it arrives in an exchange file from "
                    "the ward laptop."
                )
            return
        if row.in_progress:
            self.open_audit_requested.emit(row.in_progress.id)
        elif row.last_audit_id:
            self.open_audit_requested.emit(row.last_audit_id)
        else:
            self.selected_label.setText(
                f"<b>{html.escape(row.ward.name, quote=False)}</b> has no audit yet: press Start audit to begin one."
            )

    def start_or_resume(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx.on_server:
            return
        if row.in_progress:
            self.open_audit_requested.emit(row.in_progress.id)
            return
        checklists = self.ctx.library.all_latest()
        if not checklists:
            ui_errors.show_error(
                self,
                WardAuditError(
                    "no checklist is available, so an audit cannot start. Reinstall "
                    "WardAudit or ask IT to check the trust's checklist folder."
                ),
            )
            return
        default = default_checklist(checklists)
        if len(checklists) == 1:
            self._start(row.ward, default)
            return
        from ui.wards.dialogs import ChecklistDialog

        dialog = ChecklistDialog(checklists, default, self)
        dialog.accepted.connect(lambda: self._start(row.ward, dialog.chosen()))
        self._show_dialog(dialog)

    def _start(self, ward: Ward, checklist: Checklist) -> None:
        try:
            audit = self.ctx.store.audits.start(ward.id, checklist, by=self.ctx.auditor_name)
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return
        log.info("audit %s started on %s", audit.id, ward.name)
        self.ctx.notify("audits", origin=self)
        self.mark_stale()
        self.open_audit_requested.emit(audit.id)

    def open_latest(self) -> None:
        row = self.selected_row()
        if row and row.last_audit_id:
            self.open_audit_requested.emit(row.last_audit_id)

    def add_ward(self) -> WardDialog | None:
        if self.ctx.readonly:
            return None
        from ui.wards.dialogs import WardDialog

        dialog = WardDialog(self.ctx, None, self)
        dialog.saved.connect(self._ward_saved)
        self._show_dialog(dialog)
        return dialog

    def edit_ward(self) -> WardDialog | None:
        row = self.selected_row()
        if row is None or self.ctx.readonly:
            return None
        from ui.wards.dialogs import WardDialog

        dialog = WardDialog(self.ctx, row.ward, self)
        dialog.saved.connect(self._ward_saved)
        self._show_dialog(dialog)
        return dialog

    def _ward_saved(self, ward: Ward) -> None:
        self._select_after_load(ward.id)
        self.ctx.notify("wards", origin=self)
        self.refresh()  # even when hidden: the new ward is selected once its row is in

    def _select_after_load(self, ward_id: str) -> None:
        def select() -> None:
            self.rows_loaded.disconnect(select)
            self.select_ward(ward_id)

        self.rows_loaded.connect(select)

    def _show_dialog(self, dialog: QDialog) -> None:
        """Dialogs open without a nested event loop, so the app (and tests) keep running."""
        self.last_dialog = open_dialog(dialog)
