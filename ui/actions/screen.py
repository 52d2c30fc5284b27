"""The Actions screen: every action across the wards, filtered, updated, exported and taken back.

Matrons and estates officers see what is open and overdue, update an action's status with
a note, read its history, export the estates work list or one audit's plan, and import
estates' returned workbook (shown first, then applied all or nothing). Loading, exports
and the import run off the UI thread (:class:`ui.ops.Op`), so the window never freezes.

About 600 lines: the table, the filters and the selected action stay in step here (a
reload keeps her filters and her selection; an update keeps the form if it failed), while
the parts live beside it: the filters (``filters``), the details and update form
(``details``), the column widths (``columns``) and the import preview (``dialogs``).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from exports import documents
from exports.documents import Kind
from ui import errors as ui_errors
from ui.actions.columns import ActionColumns
from ui.actions.details import ActionDetails
from ui.actions.dialogs import ImportPreviewDialog
from ui.actions.filters import ActionFilterControls
from ui.actions.models import (
    ActionFilterModel,
    ActionList,
    ActionTableModel,
    load_actions,
)
from ui.context import AppContext, Change
from ui.ops import Op
from ui.theme import loading_bar, row_height, touch_button
from ui.widgets.files import WORKBOOK_FILTER, FileChooser, kind_words, tell_saved
from ui.widgets.layouts import FlowLayout
from ui.widgets.messages import open_dialog, tell
from ui.widgets.screen import Screen
from ui.widgets.tables import ColouredCellDelegate, row_table
from ui.widgets.trustdb import allow_change
from wardaudit import clock
from wardaudit.actions import WorkListFilters
from wardaudit.model import Action, action_status
from wardaudit.words import history_lines, plural, sentence

if TYPE_CHECKING:
    from exports.xlsx.updates import UpdatePlan

log = logging.getLogger(__name__)


class ActionsScreen(Screen):
    """Filters, the action table, the selected action's details, history and update form."""

    LISTENS_TO: ClassVar[frozenset[Change]] = frozenset({"wards", "audits", "actions"})
    # Due dates pass while she is elsewhere: the overdue figures are worked out when shown.
    REFRESH_ON_SHOW = True

    rows_loaded = Signal()
    export_finished = Signal(object)  # the path written
    import_finished = Signal(int)  # how many actions changed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setAccessibleName("Actions")
        self._action: Action | None = None
        self._keep_details = False
        self.files = FileChooser(self)
        self.last_message: QMessageBox | None = None
        self.last_dialog: QDialog | None = None

        heading = QLabel("Actions")
        heading.setObjectName("heading")
        self.progress = loading_bar("Loading actions")
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Action list status")

        self.pdf_button = touch_button(
            "Export work list (PDF)…",
            tooltip="Save the actions shown in the table as a PDF work list for estates",
        )
        self.pdf_button.clicked.connect(lambda: self.export_work_list("pdf"))
        self.xlsx_button = touch_button(
            "Export work list (Excel)…",
            tooltip="Save the actions shown as an Excel workbook estates can fill in and return",
        )
        self.xlsx_button.clicked.connect(lambda: self.export_work_list("xlsx"))
        self.import_button = touch_button(
            "Import estates' workbook…",
            tooltip="Take back the workbook estates returned with statuses, comments and "
            "completion dates: you see every change before it is applied",
        )
        self.import_button.clicked.connect(lambda: self.import_workbook())

        top = FlowLayout(spacing=10)
        top.addWidget(heading)
        for button in (self.pdf_button, self.xlsx_button, self.import_button):
            top.addWidget(button)

        # --- filters
        self.filter_bar = ActionFilterControls(self)
        self.filter_bar.changed.connect(self._filters_changed)
        filters = FlowLayout(spacing=10)
        for combo in self.filter_bar.boxes():
            filters.addWidget(combo.holder)

        # --- the table
        self.model = ActionTableModel(self)
        self.proxy = ActionFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = row_table(self.proxy, "Actions")
        self.table.setSortingEnabled(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        # The most pressing first: the most overdue, then those due soonest.
        self.table.sortByColumn(ActionTableModel.OVERDUE, Qt.SortOrder.DescendingOrder)
        self.columns = ActionColumns(self.table, self.model)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.sortIndicatorChanged.connect(lambda *_: self.fit_columns())
        # The band's colour stays on a selected row (its word is there too).
        self.risk_delegate = ColouredCellDelegate(self.table)
        self.table.setItemDelegateForColumn(ActionTableModel.RISK, self.risk_delegate)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda _index: self.focus_update_form())

        self.table_message = QLabel("Loading…")
        self.table_message.setObjectName("subheading")
        self.table_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_message.setWordWrap(True)
        self.table_message.setAccessibleName("Action list")
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table_message)
        self.table_stack.addWidget(self.table)

        table_side = QWidget()
        table_layout = QVBoxLayout(table_side)
        table_layout.setContentsMargins(0, 0, 0, 0)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.filter_bar.overdue_check)
        status_row.addWidget(self.filter_bar.clear_button)
        table_layout.addLayout(status_row)
        table_layout.addWidget(self.table_stack, 1)

        self.details = details = ActionDetails()
        details.readonly = ctx.readonly
        details.save_button.clicked.connect(self.save_update)
        details.save_requested.connect(self.save_update)
        details.open_audit_button.clicked.connect(self.open_selected_audit)
        details.plan_pdf_button.clicked.connect(lambda: self.export_audit_plan("pdf"))
        details.plan_xlsx_button.clicked.connect(lambda: self.export_audit_plan("xlsx"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(table_side)
        self.splitter.addWidget(details)
        # The details keep their width; a wider window gives the table the room.
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        # Wider at large text sizes, so the details and the form read without cramping.
        details_width = max(380, self.fontMetrics().averageCharWidth() * 30)
        self.splitter.setSizes([1220 - details_width, details_width])
        self.splitter.splitterMoved.connect(lambda *_: self.fit_columns())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        order: list[QWidget] = [
            self.pdf_button,
            self.xlsx_button,
            self.import_button,
            *(combo.box for combo in self.filter_bar.boxes()),
            self.filter_bar.overdue_check,
            self.filter_bar.clear_button,
            self.table,
            details.status_edit,
            details.note_edit,
            details.owner_edit,
            details.due_edit,
            details.save_button,
            details.open_audit_button,
            details.plan_pdf_button,
            details.plan_xlsx_button,
            details.history_list,
        ]
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.show_action(None)

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Fetch the actions in the worker; a later load wins over an earlier one."""
        self.progress.show()
        self.status_label.setText("Loading…")
        if not self.model.rowCount():
            self.table_message.setText("Loading…")
            self.table_stack.setCurrentWidget(self.table_message)
        store = self.ctx.store
        self.load(lambda: load_actions(store), self._show_rows, self._not_loaded)

    def _not_loaded(self, error: BaseException) -> None:
        self.progress.hide()
        self.status_label.setText("The actions could not be loaded.")
        self.table_message.setText("The actions could not be loaded.")
        ui_errors.show_error(self, error)

    def _show_rows(self, loaded: ActionList) -> None:
        selected = self._action.id if self._action else None
        self.model.set_rows(loaded.actions, loaded.today)
        self._fill_filters(loaded)
        self.loading = False
        self.progress.hide()
        self._filters_changed()
        if not (selected and self.select_action(selected)):
            self._select_first()
        self.measure_columns()
        self.rows_loaded.emit()

    def _fill_filters(self, loaded: ActionList) -> None:
        """Sites, wards and owners as they are now, keeping what she had chosen."""
        owners = self.filter_bar.fill(loaded.wards, loaded.actions)
        owner_edit = self.details.owner_edit
        current_owner = owner_edit.currentText()
        owner_edit.clear()
        owner_edit.addItems([owner for owner in owners if owner])
        owner_edit.setEditText(current_owner)

    # --- filters ------------------------------------------------------------------------------

    def current_filters(self) -> WorkListFilters:
        return self.filter_bar.current()

    def clear_filters(self) -> None:
        self.filter_bar.clear()

    def _filters_changed(self) -> None:
        selected = self._action.id if self._action else None
        self.proxy.set_filters(self.current_filters())
        single_site = self.proxy.filters().site is not None
        self.table.setColumnHidden(ActionTableModel.SITE, single_site)
        if not (selected and self.select_action(selected)):
            self._select_first()
        self._update_counts()
        self.fit_columns()

    def _update_counts(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if self.loading and not total:
            return
        today = self.model.today
        overdue = sum(1 for action in self.proxy.actions() if action.is_overdue(today))
        if not total:
            text = "No actions yet: an audit raises one for every No or Partly."
        else:
            text = f"{shown} of {total} actions shown"
            if overdue:
                text += f" · {overdue} overdue"
        self.status_label.setText(text)
        if shown:
            self.table_stack.setCurrentWidget(self.table)
        else:
            self.table_message.setText(
                "No actions match these filters. Choose others, or press Clear filters."
                if total
                else "No actions yet. An audit raises an action for every No or Partly answer."
            )
            self.table_stack.setCurrentWidget(self.table_message)
        has_rows = bool(shown)
        self.pdf_button.setEnabled(has_rows and not self.busy)
        self.xlsx_button.setEnabled(has_rows and not self.busy)
        allow_change(self.import_button, not self.busy, readonly=self.ctx.readonly)

    def filtered_actions(self) -> list[Action]:
        return self.proxy.actions()

    def measure_columns(self) -> None:
        self.columns.measure()

    def fit_columns(self) -> None:
        self.columns.fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.measure_columns()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    # --- selection ----------------------------------------------------------------------------

    def _select_first(self) -> None:
        if self.proxy.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.proxy.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        elif not self._keep_details:
            self.show_action(None)

    def select_action(self, action_id: str) -> bool:
        """Select an action in the table; False when it is not shown (filtered out)."""
        source_row = self.model.row_for_action(action_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._keep_details:
            return
        action = current.data(ActionTableModel.ACTION_ROLE) if current.isValid() else None
        if isinstance(action, Action):
            if action != self._action:  # another action, or this one changed on reloading
                self.show_action(action)
        elif self.proxy.rowCount() == 0:
            self.show_action(None)

    def selected_action(self) -> Action | None:
        return self._action

    def show_action(self, action: Action | None) -> None:
        """Fill the details, the update form and the history for one action (or none)."""
        self._action = action
        question = self._question(action) if action is not None else ""
        self.details.show_action(action, today=self.model.today, question=question, busy=self.busy)
        if action is not None:
            self._fill_history(action)
            self.details.refit()

    def _question(self, action: Action) -> str:
        try:
            return self.ctx.store.checklists.for_audit(action.audit_id).item(action.item).question
        except Exception:  # the question is a help to read, not needed to update the action
            log.warning("no question found for %s", action.item, exc_info=True)
            return ""

    def _fill_history(self, action: Action) -> None:
        try:
            events = self.ctx.store.history.list(action=action.id)
        except Exception:  # the history is for reading; the action can still be updated
            log.exception("could not read the history of %s", action.id)
            events = []
        self.details.show_history(history_lines(action, events))

    def focus_update_form(self) -> None:
        if self._action is not None:
            self.details.focus_form()

    def open_selected_audit(self) -> None:
        if self._action is not None:
            self.open_audit_requested.emit(self._action.audit_id)

    # --- updating an action -------------------------------------------------------------------

    def save_update(self) -> bool:
        """Save the form: a new status with its note, and any change of owner or due date."""
        action = self._action
        if action is None or self.ctx.readonly:
            return False
        form = self.details
        status = str(form.status_edit.currentData())
        note = form.note_edit.toPlainText().strip()
        owner = form.owner_edit.currentText().strip()
        chosen = form.due_edit.date()
        due = date(chosen.year(), chosen.month(), chosen.day())
        if status == "cannot_do" and not note:
            form.say(
                "“Cannot do” needs a reason: write in the note why it cannot be done. "
                "Nothing was saved.",
                problem=True,
            )
            form.note_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        details_changed = owner != action.owner or due != action.due
        status_changed = status != action.status or bool(note)
        if not (details_changed or status_changed):
            form.say("Nothing to save: choose a new status, write a note, or change the owner.")
            return False
        actor = self.ctx.actor
        try:
            seen = action.version  # someone else's change meanwhile is never overwritten
            if details_changed:
                seen = self.ctx.store.actions.edit(
                    action.id, owner=owner, due=due, actor=actor, seen=seen
                ).version
            if status_changed:
                self.ctx.store.actions.set_status(
                    action.id, action_status(status), note=note, actor=actor, seen=seen
                )
        except Exception as error:  # shown and logged; the form keeps what she typed
            ui_errors.show_error(self, error)
            self._refresh_action(action.id, keep_form=True)
            return False
        updated = self._refresh_action(action.id)
        if updated is not None:
            shown = self.select_action(updated.id)
            when = clock.now().strftime("%H:%M")
            text = f"Saved at {when}: {updated.status_word}."
            if not shown:
                text += " It no longer matches the filters, so it has left the table."
            form.say(text)
        self.ctx.notify("actions", origin=self)
        return True

    def _refresh_action(self, action_id: str, *, keep_form: bool = False) -> Action | None:
        try:
            updated = self.ctx.store.actions.get(action_id)
        except Exception:  # gone (merged away): the next reload tidies the table
            log.exception("could not read action %s again", action_id)
            return None
        self._keep_details = True
        try:
            self.model.replace_action(updated)
            self._update_counts()
        finally:
            self._keep_details = False
        if keep_form:
            self._action = updated
            self._fill_history(updated)
        else:
            self.show_action(updated)
        return updated

    # --- exports ------------------------------------------------------------------------------

    def export_work_list(self, kind: Kind) -> None:
        """Save the actions shown (the filters applied) as the estates work list, through the
        documents' front door: the same filters choose the same actions there."""
        shown = len(self.filtered_actions())
        if not shown:
            self.status_label.setText(
                "No actions match the filters, so there is nothing to export."
            )
            return
        today = clock.today().strftime("%d-%m-%Y")
        path = self.files.save_path(
            f"Export the work list ({kind_words(kind)})", f"WardAudit work list {today}", kind
        )
        if path is None:
            return
        store = self.ctx.store
        filters = self.proxy.filters()
        count = plural(shown, "action")

        self._write(
            Op(self, lambda: documents.write_work_list(store, filters, path, kind)).busy(
                f"Writing the work list ({count})…"
            ),
            lambda written: f"The work list ({count}) is saved as:\n{written}",
        )

    def export_audit_plan(self, kind: Kind) -> None:
        """Save the action plan of the audit that raised the selected action."""
        action = self._action
        if action is None:
            return
        audit_id = action.audit_id
        raised = clock.uk_date(action.created_at).replace("/", "-")
        path = self.files.save_path(
            f"Export this audit's plan ({kind_words(kind)})",
            f"WardAudit action plan {action.ward_name} {raised}",
            kind,
        )
        if path is None:
            return
        store = self.ctx.store

        self._write(
            Op(self, lambda: documents.write_action_plan(store, audit_id, path, kind)).busy(
                f"Writing the action plan of {action.ward_name}'s audit…"
            ),
            lambda written: (
                f"The action plan of {action.ward_name}'s audit is saved as:\n{written}"
            ),
        )

    def _write(self, op: Op[Path], saved: Callable[[Path], str]) -> None:
        """A document written in the worker: say where it went once it is there."""

        def done(written: Path) -> None:
            message = saved(written)
            self.status_label.setText(message.replace("\n", " "))
            self.last_message = tell_saved(self, "WardAudit", message, written)
            self.export_finished.emit(written)

        self.run_busy(op.success(done))

    def _tell_done(self, message: str) -> None:
        self.status_label.setText(message.replace("\n", " "))
        self.last_message = tell(self, "WardAudit", message)

    def busy_changed(self) -> None:
        """While a document is written or a workbook read, its buttons wait."""
        if self.busy:
            for button in self._slow_buttons():
                button.setEnabled(False)
            return
        self._update_counts()
        self.details.set_links_enabled(self._action is not None)

    def _slow_buttons(self) -> list[QPushButton]:
        return [
            self.pdf_button,
            self.xlsx_button,
            self.import_button,
            self.details.plan_pdf_button,
            self.details.plan_xlsx_button,
        ]

    # --- taking back estates' workbook --------------------------------------------------------

    def import_workbook(self, path: Path | str | None = None) -> None:
        """Read estates' returned workbook in the worker, then show what it would change."""
        if self.ctx.readonly:
            return
        if path is None:
            path = self.files.open_path("Import estates' returned workbook", WORKBOOK_FILTER)
            if path is None:
                return
        path = Path(path)
        self.files.remember(path)
        store = self.ctx.store

        self.run_busy(
            Op(self, lambda: documents.read_updates(path, store))
            .busy(f"Reading {path.name}…")
            .success(self._preview)
        )

    def _preview(self, plan: UpdatePlan) -> None:
        name = plan.path.name
        if not plan.updates:
            text = (
                f"Nothing applied from {name}: {plan.rows_read} row(s) read; "
                f"{len(plan.conflicts)} of them changed in WardAudit since the export."
                if plan.conflicts
                else f"Nothing to change: {plan.rows_read} row(s) read from {name}, all as "
                "WardAudit already has them."
            )
            if plan.warnings:
                text += "\n\n" + "\n".join(sentence(w) for w in plan.warnings)
            if plan.not_taken:
                text += (
                    f"\n\nNot taken back ({plan.not_taken_total}), each with what to do "
                    "instead:\n" + "\n".join(sentence(line) for line in plan.not_taken)
                )
            self.status_label.setText(text.split("\n")[0])
            self.last_message = tell(self, "WardAudit", text)
            self.import_finished.emit(0)
            return
        dialog = ImportPreviewDialog(plan, self)
        dialog.accepted.connect(lambda: self._apply(plan))
        dialog.rejected.connect(
            lambda: self.status_label.setText(f"{name} was not imported: nothing changed.")
        )
        self.last_dialog = open_dialog(dialog)

    def _apply(self, plan: UpdatePlan) -> None:
        store = self.ctx.store
        name = plan.path.name
        count = len(plan.updates)

        def apply() -> int:
            return documents.apply_updates(store, plan, actor=f"Estates (returned workbook {name})")

        def applied(changed: int) -> None:
            self._tell_done(f"{plural(changed, 'action')} updated from {name}.")
            self.refresh()
            self.import_finished.emit(changed)

        self.run_busy(
            Op(self, apply)
            .busy(f"Applying {plural(count, 'change')} from {name}…")
            .success(applied)
            .changes(self.ctx, "actions")
        )
