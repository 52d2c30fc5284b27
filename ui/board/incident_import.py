"""Import incidents: choose the trust's mapping, then the export, see what would change,
map the ward names WardAudit does not know, then import.

The mapping's title and the columns it reads are shown as soon as it is chosen, so the
quality team can see it is the right one. Reading the export and importing it run off the
UI thread (:class:`ui.ops.Op`); nothing is written until she presses Import, and then all
of it in one step (:meth:`store.incidents.import_plan`), with the ward names she mapped
saved for next time. Every screen that shows incidents hears of it through the change hook.
"""

from __future__ import annotations

import contextlib
import html
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from exports.incidents import read_export
from ui.context import AppContext
from ui.ops import Op
from ui.theme import touch_button, touch_sized
from ui.widgets.files import FileChooser
from wardaudit.errors import WardAuditError
from wardaudit.incidents import IncidentMapping, load_mapping_file
from wardaudit.incidents.importing import read_and_plan
from wardaudit.incidents.plan import ImportPlan
from wardaudit.incidents.words import alias_advice, plan_headline
from wardaudit.store.incidents import ImportResult
from wardaudit.words import plural

MAPPING_SETTING = "incidents_mapping"  # the mapping file chosen last, offered next time
MAPPING_FILTER = "Incident mappings (*.toml);;All files (*)"
EXPORT_FILTER = "Incident exports (*.csv *.xlsx *.txt);;All files (*)"
LEAVE_OUT = "Leave out for now"


def mapping_words(mapping: IncidentMapping) -> str:
    """The mapping as she checks it: its title, what it is for, and the columns it reads."""
    columns = ", ".join(f"{role}: '{column}'" for role, column in mapping.columns.named())
    about = " ".join(mapping.description.split())
    return f"{mapping.title}. {about + ' ' if about else ''}It reads only these columns: {columns}."


class IncidentImportDialog(QDialog):
    """The mapping, the export, the preview and the wards to map, then Import."""

    previewed = Signal(object)  # the ImportPlan, or the error
    imported = Signal(object)  # the ImportResult, or the error

    def __init__(self, ctx: AppContext, files: FileChooser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.files = files
        self.mapping: IncidentMapping | None = None
        self.mapping_path: Path | None = None
        self.export_path: Path | None = None
        self.plan: ImportPlan | None = None
        self.op: Op[Any] | None = None
        self.ward_choices: dict[str, QComboBox] = {}
        self._changed_ward: str | None = None
        self.setWindowTitle("Import incidents")
        self.setAccessibleName("Import sexual safety incidents")

        intro = QLabel(
            "WardAudit keeps six facts of each incident (reference, date, ward, place, category "
            "and harm) and nothing about the people involved. Nothing is imported until you "
            "press Import."
        )
        intro.setWordWrap(True)
        self.mapping_button = touch_button(
            "Choose the &mapping…",
            "Choose the mapping file",
            tooltip="The trust's mapping file (.toml): which columns of the export to read",
        )
        self.mapping_button.clicked.connect(self.choose_mapping)
        self.mapping_label = QLabel("No mapping chosen.")
        self.mapping_label.setWordWrap(True)
        self.mapping_label.setAccessibleName("The mapping")
        self.export_button = touch_button(
            "Choose the &export…",
            "Choose the incident export",
            tooltip="The export from the risk-management system (.csv or .xlsx)",
        )
        self.export_button.clicked.connect(self.choose_export)
        self.export_label = QLabel("No export chosen.")
        self.export_label.setWordWrap(True)
        self.export_label.setAccessibleName("The export")
        steps = QGridLayout()
        steps.addWidget(QLabel("<b>1.</b>"), 0, 0, Qt.AlignmentFlag.AlignTop)
        steps.addWidget(self.mapping_button, 0, 1, Qt.AlignmentFlag.AlignTop)
        steps.addWidget(self.mapping_label, 0, 2)
        steps.addWidget(QLabel("<b>2.</b>"), 1, 0, Qt.AlignmentFlag.AlignTop)
        steps.addWidget(self.export_button, 1, 1, Qt.AlignmentFlag.AlignTop)
        steps.addWidget(self.export_label, 1, 2)
        steps.setColumnStretch(2, 1)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What importing would change")
        self.details = QTextBrowser()
        self.details.setAccessibleName("The preview in detail")
        self.details.setOpenLinks(False)
        self.wards_box = QWidget()
        self.wards_form = QFormLayout(self.wards_box)
        self.wards_form.setContentsMargins(0, 0, 0, 0)
        self.wards_heading = QLabel()
        self.wards_heading.setWordWrap(True)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setAccessibleName("Import")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_now)
        self.cancel_button = self.buttons.addButton(
            "Cancel", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.import_button, self.cancel_button):
            touch_sized(button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(steps)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.wards_heading)
        layout.addWidget(self.wards_box)
        layout.addWidget(self.buttons)
        screen = self.screen() or QApplication.primaryScreen()
        room = screen.availableGeometry() if screen else QRect(0, 0, 1366, 768)
        self.resize(min(980, room.width() - 40), min(700, room.height() - 60))
        self._offer_last_mapping()

    # --- the mapping and the export --------------------------------------------------------

    def _offer_last_mapping(self) -> None:
        last = self.ctx.own_setting(MAPPING_SETTING)  # a path on her computer
        if last and Path(last).is_file():
            self.use_mapping(Path(last))

    def choose_mapping(self) -> None:
        chosen = self.files.open_path("Choose the incident mapping", MAPPING_FILTER)
        if chosen is not None:
            self.use_mapping(chosen)

    def use_mapping(self, path: Path) -> bool:
        """Read and check the mapping; show its title and columns, or every problem in it."""
        try:
            mapping = load_mapping_file(path)
        except WardAuditError as error:
            self.mapping, self.mapping_path = None, None
            self.mapping_label.setText(
                f"<b>{html.escape(path.name, quote=False)} cannot be used.</b> "
                + html.escape(str(error), quote=False).replace("\n", "<br>")
            )
            self._forget_plan()
            return False
        self.mapping, self.mapping_path = mapping, path
        title, _, rest = mapping_words(mapping).partition(". ")
        self.mapping_label.setText(
            f"<b>{html.escape(title, quote=False)}</b> ({html.escape(path.name, quote=False)}). "
            f"{html.escape(rest, quote=False)}"
        )
        self.mapping_label.setAccessibleDescription(f"{title} ({path.name}). {rest}")
        with contextlib.suppress(WardAuditError):  # only a convenience for next time
            self.ctx.set_own_setting(MAPPING_SETTING, str(path))
        self._forget_plan()
        self.preview()
        return True

    def choose_export(self) -> None:
        chosen = self.files.open_path("Choose the incident export", EXPORT_FILTER)
        if chosen is not None:
            self.use_export(chosen)

    def use_export(self, path: Path) -> None:
        self.export_path = path
        self.export_label.setText(str(path))
        self._forget_plan()
        self.preview()

    # --- the preview -----------------------------------------------------------------------

    def chosen_aliases(self) -> dict[str, str]:
        """The export's ward names she has mapped to a WardAudit ward in this dialog."""
        return {
            name: str(box.currentData())
            for name, box in self.ward_choices.items()
            if box.currentData() is not None
        }

    def preview(self) -> None:
        """Read the export to its end and plan the import, off the UI thread; writes nothing."""
        if self.mapping is None or self.export_path is None or (self.op and self.op.running):
            return
        store, mapping, path = self.ctx.store, self.mapping, self.export_path
        aliases = self.chosen_aliases()
        self.summary.setText("Reading the export…")
        self.import_button.setEnabled(False)
        op: Op[ImportPlan] = Op(
            self, lambda: read_and_plan(store, path, mapping, read_export, extra_aliases=aliases)
        )
        self.op = (
            op.busy(f"Reading {path.name}…").success(self._show_plan).failure(self._refused).run()
        )

    def _forget_plan(self) -> None:
        self.plan = None
        self.import_button.setEnabled(False)

    def _refused(self, error: BaseException) -> None:
        self.plan = None
        self.summary.setText("<b>This export cannot be imported.</b> Nothing has been changed.")
        self.details.setPlainText(str(error))
        self.import_button.setEnabled(False)
        self.previewed.emit(error)

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        headline = html.escape(plan_headline(plan), quote=False)
        if plan.blocked:
            self.summary.setText(f"<b>Nothing can be imported yet.</b> {headline}.")
        elif plan.changes or self.chosen_aliases():
            self.summary.setText(f"<b>Ready to import.</b> {headline}.")
        else:
            self.summary.setText(f"<b>Nothing to change.</b> {headline}.")
        self.details.setHtml(self.details_html(plan))
        self._offer_wards(plan)
        self.import_button.setEnabled(
            not plan.blocked and bool(plan.changes or self.chosen_aliases())
        )
        if self.import_button.isEnabled():
            self.import_button.setDefault(True)
        self.previewed.emit(plan)

    @staticmethod
    def details_html(plan: ImportPlan) -> str:
        parts = ["<ul>"]
        parts += [
            f"<li>New incidents: {len(plan.new)}</li>",
            f"<li>Regraded (the same reference, something changed): {len(plan.regraded)}</li>",
            f"<li>Unchanged: {len(plan.unchanged)}</li>",
        ]
        if plan.held_back:
            parts.append(f"<li>Held back until their ward is mapped: {plan.held_back}</li>")
        parts.append("</ul>")
        for line in plan.blockers():
            parts.append(f"<p>{html.escape(line, quote=False)}</p>")
        lines = plan.describe()[1:]
        if lines:
            parts.append(
                "<p>" + "<br>".join(html.escape(line, quote=False) for line in lines) + "</p>"
            )
        return "".join(parts)

    def _offer_wards(self, plan: ImportPlan) -> None:
        """A choice of ward for each name the export uses that WardAudit does not know."""
        chosen = self.chosen_aliases()
        while self.wards_form.rowCount():
            self.wards_form.removeRow(0)
        self.ward_choices = {}
        names = [w.name for w in plan.unmatched_wards] + [
            name for name in chosen if name not in {w.name for w in plan.unmatched_wards}
        ]
        advice = alias_advice(plan.unmatched_wards, command=False)
        self.wards_heading.setText(
            advice[0] if advice else ("Wards you mapped here:" if names else "")
        )
        wards = self.ctx.store.wards.list()
        by_name = {w.name: w for w in plan.unmatched_wards}
        for name in names:
            box = QComboBox()
            box.addItem(LEAVE_OUT, None)
            for ward in wards:
                box.addItem(f"{ward.name} ({ward.site})", ward.name)
            if name in chosen:
                box.setCurrentIndex(box.findData(chosen[name]))
            box.setAccessibleName(f"The WardAudit ward for '{name}'")
            box.currentIndexChanged.connect(lambda _index, n=name: self._ward_changed(n))
            found = by_name.get(name)
            label = f"'{name}' ({plural(found.incidents, 'incident')})" if found else f"'{name}'"
            self.wards_form.addRow(label, box)
            self.ward_choices[name] = box
        self.wards_box.setVisible(bool(names))
        focus = self.ward_choices.get(self._changed_ward or "")
        if focus is not None:  # she goes on where she was, the preview brought up to date
            # once the busy dialog has closed and given the focus back
            QTimer.singleShot(0, lambda: focus.setFocus() if shiboken6.isValid(focus) else None)
        self._changed_ward = None

    def _ward_changed(self, name: str) -> None:
        self._changed_ward = name
        self.preview()

    # --- importing -------------------------------------------------------------------------

    def import_now(self) -> None:
        """All of the plan in one step, with the wards she mapped saved for next time."""
        plan = self.plan
        if plan is None or plan.blocked or (self.op and self.op.running):
            return
        store, actor, aliases = self.ctx.store, self.ctx.actor, self.chosen_aliases()
        self.import_button.setEnabled(False)
        op: Op[ImportResult] = Op(
            self, lambda: store.incidents.import_plan(plan, actor, ward_aliases=aliases)
        )
        self.op = (
            op.busy("Importing the incidents…")
            .changes(self.ctx, "incidents", only_if=lambda result: result.record is not None)
            .success(self._imported)
            .failure(self._import_failed)
            .run()
        )

    def _imported(self, result: ImportResult) -> None:
        self.imported.emit(result)
        self.accept()

    def _import_failed(self, error: BaseException) -> None:
        self.summary.setText("<b>Nothing was imported.</b>")
        self.details.setPlainText(str(error))
        self.imported.emit(error)
