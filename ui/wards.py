"""The home screen: sites and wards, each with its latest score, rating and open actions.

From here a matron starts or resumes an audit, opens a ward's latest one, and adds or
edits wards. The table's figures are gathered off the UI thread (``load_ward_rows``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.context import AppContext
from ui.theme import current_text_scale, row_height, touch_button
from ui.widgets import RATING_COLOURS, RowsTableModel
from ui.worker import run_in_background
from wardaudit import clock
from wardaudit.checklist import DESIGNATION_WORDS, DESIGNATIONS, Checklist, builtin_dir
from wardaudit.errors import InvalidInput, WardAuditError
from wardaudit.model import AuditSummary, Ward
from wardaudit.scoring import RATING_WORDS, display_score
from wardaudit.store import Store

log = logging.getLogger(__name__)

ALL_SITES = "All sites"
# Ways of naming a ward's service, offered as suggestions (she can type her own).
SERVICE_SUGGESTIONS = (
    "Acute adult",
    "Psychiatric intensive care",
    "Older adult",
    "Rehabilitation",
    "Forensic low secure",
    "Forensic medium secure",
    "Eating disorders",
    "Mother and baby",
)


# --- what a row shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class WardRow:
    """One ward with what the home screen says about it."""

    ward: Ward
    latest: AuditSummary | None  # the latest completed audit
    in_progress: AuditSummary | None
    critical_breaches: int  # in the latest completed audit
    open_actions: int  # open or in progress, across the ward's audits
    overdue_actions: int


def load_ward_rows(store: Store, today: date | None = None) -> list[WardRow]:
    """Gather every ward's figures; runs in the worker, so it must not touch a widget."""
    today = today or clock.today()
    latest: dict[str, AuditSummary] = {}
    in_progress: dict[str, AuditSummary] = {}
    for summary in store.audits():  # newest first
        target = latest if summary.status == "completed" else in_progress
        target.setdefault(summary.ward_id, summary)
    counts = store.open_action_counts(today, signed_off_only=False)
    rows = []
    for ward in store.wards():
        last = latest.get(ward.id)
        breaches = 0
        if last is not None and last.critical_breach:
            breaches = len(store.audit(last.id).score.critical_items)
        rows.append(
            WardRow(
                ward=ward,
                latest=last,
                in_progress=in_progress.get(ward.id),
                critical_breaches=breaches,
                open_actions=counts.get(ward.id, (0, 0))[0],
                overdue_actions=counts.get(ward.id, (0, 0))[1],
            )
        )
    return rows


# --- the table model --------------------------------------------------------------------------


class WardTableModel(RowsTableModel):
    """Wards as table rows; the proxy sorts on ``SORT_ROLE``, screens read ``ROW_ROLE``."""

    # How the ward is doing comes straight after its name, so it stays in view at 200% text;
    # where the ward is and what it is (site, designation, beds, service) follow.
    WARD, RATING, SCORE, LAST_AUDIT, CRITICAL, OPEN_ACTIONS, OVERDUE_ACTIONS = range(7)
    SITE, DESIGNATION, BEDS, SERVICE = range(7, 11)
    HEADERS = (
        "Ward",
        "Rating",
        "Score",
        "Last audit",
        "Critical breaches",
        "Open actions",
        "Overdue actions",
        "Site",
        "Designation",
        "Beds",
        "Service",
    )
    # Two-word headers of narrow number columns wrap, so the table fits a 1366 px screen.
    HEADER_LINES = {
        "Last audit": "Last\naudit",
        "Critical breaches": "Critical\nbreaches",
        "Open actions": "Open\nactions",
        "Overdue actions": "Overdue\nactions",
    }
    _NUMBER_COLUMNS = frozenset({SCORE, CRITICAL, OPEN_ACTIONS, OVERDUE_ACTIONS, BEDS})

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    ROW_ROLE = Qt.ItemDataRole.UserRole + 2
    SITE_ROLE = Qt.ItemDataRole.UserRole + 3

    def set_rows(self, rows: Sequence[WardRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[WardRow]:
        return list(self._rows)

    def row_for_ward(self, ward_id: str) -> int:
        for number, row in enumerate(self._rows):
            if row.ward.id == ward_id:
                return number
        return -1

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == self.SORT_ROLE:
            return self._sort_key(row, column)
        if role == self.ROW_ROLE:
            return row
        if role == self.SITE_ROLE:
            return row.ward.site
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in self._NUMBER_COLUMNS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == self.RATING:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if column == self.RATING and row.latest is not None and row.latest.rating:
            background, foreground = RATING_COLOURS[row.latest.rating]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(foreground)
        if role == Qt.ItemDataRole.FontRole and (
            column == self.RATING
            or (column == self.CRITICAL and row.critical_breaches)
            or (column == self.OVERDUE_ACTIONS and row.overdue_actions)
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.SERVICE and row.ward.service:
                return row.ward.service  # the column may be too narrow to show it whole
            return self._tooltip(row)
        return None

    @staticmethod
    def _text(row: WardRow, column: int) -> str:
        latest = row.latest
        if column == WardTableModel.WARD:
            return row.ward.name
        if column == WardTableModel.SITE:
            return row.ward.site
        if column == WardTableModel.DESIGNATION:
            return row.ward.designation
        if column == WardTableModel.SERVICE:
            return row.ward.service
        if column == WardTableModel.BEDS:
            return "" if row.ward.beds is None else str(row.ward.beds)
        if column == WardTableModel.LAST_AUDIT:
            return clock.uk_date(latest.completed_at) if latest else "Not audited"
        if column == WardTableModel.SCORE:
            return display_score(latest.overall) if latest else ""
        if column == WardTableModel.RATING:
            if latest is None or latest.rating is None:
                return "Not rated"
            return RATING_WORDS[latest.rating]
        if column == WardTableModel.CRITICAL:
            return str(row.critical_breaches) if latest else ""
        if column == WardTableModel.OPEN_ACTIONS:
            return str(row.open_actions)
        if column == WardTableModel.OVERDUE_ACTIONS:
            return str(row.overdue_actions)
        return ""

    @staticmethod
    def _sort_key(row: WardRow, column: int) -> Any:
        latest = row.latest
        name = row.ward.name.casefold()
        if column == WardTableModel.WARD:
            return name
        if column == WardTableModel.SITE:
            return f"{row.ward.site.casefold()}\x00{name}"
        if column == WardTableModel.DESIGNATION:
            return row.ward.designation
        if column == WardTableModel.SERVICE:
            return row.ward.service.casefold()
        if column == WardTableModel.BEDS:
            return -1 if row.ward.beds is None else row.ward.beds
        if column == WardTableModel.LAST_AUDIT:
            return (latest.completed_at or "") if latest else ""
        if column == WardTableModel.SCORE:
            return -1.0 if latest is None or latest.overall is None else latest.overall
        if column == WardTableModel.RATING:
            # Red, amber, green, then not rated; the lowest score first within each.
            rank = {"red": 0, "amber": 1, "green": 2}
            if latest is None or latest.rating is None:
                return 3000.0
            return rank[latest.rating] * 1000.0 + (latest.overall or 0.0)
        if column == WardTableModel.CRITICAL:
            return row.critical_breaches if latest else -1
        if column == WardTableModel.OPEN_ACTIONS:
            return row.open_actions
        if column == WardTableModel.OVERDUE_ACTIONS:
            return row.overdue_actions
        return ""

    @staticmethod
    def _tooltip(row: WardRow) -> str:
        parts = [f"{row.ward.name}, {row.ward.site}"]
        if row.in_progress:
            parts.append(
                f"Audit in progress: {row.in_progress.answered} of "
                f"{row.in_progress.applicable} answered"
            )
        if row.latest is None:
            parts.append("No completed audit yet")
        return "\n".join(parts)


class RatingDelegate(QStyledItemDelegate):
    """Keeps the rating's colour on the selected row too (the word is always there)."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.data(Qt.ItemDataRole.BackgroundRole) is not None:
            option.state &= ~QStyle.StateFlag.State_Selected


class WardFilterModel(QSortFilterProxyModel):
    """Shows the wards of one site (or all), sorted on the model's sort role."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._site: str | None = None
        self.setSortRole(WardTableModel.SORT_ROLE)

    def set_site(self, site: str | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            self._site = site
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._site = site
            self.invalidateRowsFilter()

    def site(self) -> str | None:
        return self._site

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._site is None:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return bool(index.data(WardTableModel.SITE_ROLE) == self._site)


# --- adding and editing a ward ----------------------------------------------------------------


class WardDialog(QDialog):
    """Add or edit a ward; problems are shown inside the dialog, which stays open to fix them."""

    saved = Signal(object)  # the saved Ward

    def __init__(
        self,
        ctx: AppContext,
        ward: Ward | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ward = ward
        self.setWindowTitle("Edit ward" if ward else "Add a ward")
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)

        self.site_edit = QComboBox()
        self.site_edit.setEditable(True)
        self.site_edit.addItems([site.name for site in ctx.store.sites()])
        self.site_edit.setCurrentIndex(-1)
        self.site_edit.setAccessibleName("Site")
        self.site_edit.lineEdit().setPlaceholderText("For example, the hospital's name")

        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Ward name")
        self.name_edit.setPlaceholderText("For example, Juniper Ward")

        self.designation_edit = QComboBox()
        self.designation_edit.setAccessibleName("Designation")
        for sex in DESIGNATIONS:
            self.designation_edit.addItem(DESIGNATION_WORDS[sex], sex)
        self.designation_edit.setPlaceholderText("Choose male, female or mixed")
        self.designation_edit.setCurrentIndex(-1)
        self.designation_edit.setToolTip(
            "Who the ward is for. It decides which checklist items apply."
        )

        self.service_edit = QComboBox()
        self.service_edit.setEditable(True)
        self.service_edit.setAccessibleName("Service type")
        known = sorted(
            {w.service for w in ctx.store.wards() if w.service} | set(SERVICE_SUGGESTIONS)
        )
        self.service_edit.addItems(known)
        self.service_edit.setCurrentIndex(-1)
        self.service_edit.lineEdit().setPlaceholderText("For example, Acute adult")

        self.beds_edit = QLineEdit()
        self.beds_edit.setValidator(QIntValidator(0, 500, self.beds_edit))
        self.beds_edit.setAccessibleName("Beds")
        self.beds_edit.setPlaceholderText("Number of beds; leave empty if not known")

        self.areas_list = QListWidget()
        self.areas_list.setAccessibleName("Areas of the ward")
        self.areas_list.setToolTip(
            "Bays, corridors, lounges, bathrooms: offered as locations when answering. "
            "Double-click or press F2 to rename one."
        )
        self.areas_list.setMinimumHeight(150)
        self.area_edit = QLineEdit()
        self.area_edit.setAccessibleName("New area")
        self.area_edit.setPlaceholderText("New area, for example Female lounge")
        self.area_edit.installEventFilter(self)  # Enter adds the area; it must not save the ward
        self.add_area_button = touch_button("Add area", tooltip="Add the area typed beside it")
        self.add_area_button.setAutoDefault(False)
        self.add_area_button.clicked.connect(self.add_area)
        self.remove_area_button = touch_button("Remove area", tooltip="Remove the selected area")
        self.remove_area_button.setAutoDefault(False)
        self.remove_area_button.clicked.connect(self.remove_area)
        self.typical_areas_button = touch_button(
            "Add typical areas",
            tooltip="Add the usual areas for the ward's designation; edit them afterwards",
        )
        self.typical_areas_button.setAutoDefault(False)
        self.typical_areas_button.clicked.connect(self.add_typical_areas)

        self.problem_label = QLabel()
        self.problem_label.setObjectName("problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.hide()

        large_text = current_text_scale() >= 1.5
        form = QFormLayout()
        form.setRowWrapPolicy(
            QFormLayout.RowWrapPolicy.WrapAllRows  # labels above fields: the width is for text
            if large_text
            else QFormLayout.RowWrapPolicy.WrapLongRows
        )
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self._label("&Site", self.site_edit), self.site_edit)
        form.addRow(self._label("Ward &name", self.name_edit), self.name_edit)
        form.addRow(self._label("&Designation", self.designation_edit), self.designation_edit)
        form.addRow(self._label("Ser&vice", self.service_edit), self.service_edit)
        form.addRow(self._label("&Beds", self.beds_edit), self.beds_edit)

        area_entry = QHBoxLayout()
        area_entry.addWidget(self.area_edit, 1)
        area_entry.addWidget(self.add_area_button)
        area_buttons = QHBoxLayout()
        area_buttons.addWidget(self.remove_area_button)
        area_buttons.addWidget(self.typical_areas_button)
        area_buttons.addStretch(1)
        areas_box = QVBoxLayout()
        areas_box.addWidget(self.areas_list, 1)
        areas_box.addLayout(area_entry)
        areas_box.addLayout(area_buttons)
        form.addRow(self._label("&Areas", self.areas_list), areas_box)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save ward", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setAccessibleName("Save ward")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        # The form scrolls, so at 200% text on a 768 px screen nothing is squeezed or hidden;
        # the problem and the Save button stay in view below it.
        fields = QWidget()
        fields.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(fields)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._fit_to_screen(620 if not large_text else 760, 660)

        if ward is not None:
            self.site_edit.setCurrentText(ward.site)
            self.name_edit.setText(ward.name)
            self.designation_edit.setCurrentIndex(DESIGNATIONS.index(ward.sex))
            self.service_edit.setCurrentText(ward.service)
            self.beds_edit.setText("" if ward.beds is None else str(ward.beds))
            for area in ward.areas:
                self._append_area(area)
        self.site_edit.setFocus()

    def _fit_to_screen(self, width: int, height: int) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.area_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add_area()
            return True
        return super().eventFilter(watched, event)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _append_area(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.areas_list.addItem(item)

    def areas(self) -> list[str]:
        found = (self.areas_list.item(n).text().strip() for n in range(self.areas_list.count()))
        return [area for area in found if area]

    def add_area(self) -> None:
        text = self.area_edit.text().strip()
        if not text:
            self.area_edit.setFocus()
            return
        if text.casefold() not in {a.casefold() for a in self.areas()}:
            self._append_area(text)
            self.areas_list.setCurrentRow(self.areas_list.count() - 1)
        self.area_edit.clear()
        self.area_edit.setFocus()

    def remove_area(self) -> None:
        row = self.areas_list.currentRow()
        if row >= 0:
            self.areas_list.takeItem(row)

    def add_typical_areas(self) -> None:
        from wardaudit.demo import AREAS  # the usual areas of a ward of each designation

        sex = self.designation_edit.currentData()
        if sex is None:
            self.show_problem("Choose the ward's designation first: the usual areas depend on it.")
            return
        have = {a.casefold() for a in self.areas()}
        for area in AREAS[sex]:
            if area.casefold() not in have:
                self._append_area(area)

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()

    def problems(self) -> list[str]:
        """What must be fixed before the ward can be saved, in her words."""
        found = []
        if not self.site_edit.currentText().strip():
            found.append("Enter the site (the hospital or unit the ward belongs to).")
        if not self.name_edit.text().strip():
            found.append("Enter the ward's name.")
        if self.designation_edit.currentData() is None:
            found.append("Choose whether the ward is male, female or mixed.")
        beds = self.beds_edit.text().strip()
        if beds and not (beds.isdigit() and int(beds) <= 500):
            found.append("Beds must be a whole number from 0 to 500, or left empty.")
        return found

    def save(self) -> None:
        problems = self.problems()
        if problems:
            self.show_problem("\n".join(problems))
            return
        beds_text = self.beds_edit.text().strip()
        beds = int(beds_text) if beds_text else None
        fields = dict(
            site=self.site_edit.currentText().strip(),
            name=self.name_edit.text().strip(),
            sex=self.designation_edit.currentData(),
            service=self.service_edit.currentText().strip(),
            beds=beds,
            areas=self.areas(),
            actor=self.ctx.auditor_name,
        )
        try:
            if self.ward is None:
                saved = self.ctx.store.add_ward(**fields)
            else:
                saved = self.ctx.store.update_ward(self.ward.id, **fields)
        except InvalidInput as error:
            text = str(error)
            self.show_problem(text[:1].upper() + text[1:] + ".")
            return
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return
        log.info("ward saved: %s", saved.name)
        self.saved.emit(saved)
        self.accept()


class ChecklistDialog(QDialog):
    """Choose which checklist to audit against when the trust has more than one."""

    def __init__(
        self, checklists: Sequence[Checklist], default: Checklist, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a checklist")
        self.setAccessibleName("Choose a checklist")
        self.checklists = list(checklists)
        self.list = QListWidget()
        self.list.setAccessibleName("Checklists")
        for checklist in self.checklists:
            self.list.addItem(checklist.label)
        self.list.setCurrentRow(self.checklists.index(default))
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox()
        start = buttons.addButton("Start audit", QDialogButtonBox.ButtonRole.AcceptRole)
        start.setAccessibleName("Start audit")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        prompt = QLabel("Which checklist should this audit use?")
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def chosen(self) -> Checklist:
        return self.checklists[max(0, self.list.currentRow())]


def default_checklist(checklists: Sequence[Checklist]) -> Checklist:
    """The latest built-in checklist if there is one, else the first the trust has."""
    folder = builtin_dir().resolve()
    for checklist in checklists:
        if checklist.source and folder in _parents(checklist.source):
            return checklist
    return checklists[0]


def _parents(source: str) -> list[Path]:
    try:
        return list(Path(source).resolve().parents)
    except OSError:
        return []


# --- the screen -------------------------------------------------------------------------------


class WardsScreen(QWidget):
    """Sites down the side, the ward table, and what she can do with the selected ward."""

    open_audit_requested = Signal(str)  # an audit id
    rows_loaded = Signal()
    wards_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0
        self._stale = True
        self.loading = False
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
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Wards")
        self.table.setAccessibleDescription(
            "Each ward's latest audit. Press Enter to open the audit in progress or the latest one."
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab moves on to the buttons, as elsewhere
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        # Red wards first, then amber: what needs her attention is in view without scrolling.
        self.table.sortByColumn(WardTableModel.RATING, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the service takes what room is left
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        self.rating_delegate = RatingDelegate(self.table)
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

        self.selected_label = QLabel()
        self.selected_label.setWordWrap(True)
        self.selected_label.setAccessibleName("Selected ward")
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setAccessibleName("Ward list status")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Loading wards")
        self.progress.hide()

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.progress)
        top.addWidget(self.status_label)

        buttons = QHBoxLayout()
        for button in (self.start_button, self.latest_button, self.add_button, self.edit_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.selected_label)
        right_layout.addWidget(self.table, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        sites_label = QLabel("&Sites")
        sites_label.setObjectName("subheading")
        sites_label.setBuddy(self.sites)
        left_layout.addWidget(sites_label)
        left_layout.addWidget(self.sites, 1)

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

    def mark_stale(self) -> None:
        """Something changed elsewhere: reload now if showing, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale and not self.loading:
            self.reload()

    def reload(self) -> None:
        """Fetch the rows in the worker; a later reload wins over an earlier one."""
        self._generation += 1
        generation = self._generation
        self._stale = False
        self.loading = True
        self.progress.show()
        self.status_label.setText("Loading wards…")
        store = self.ctx.store

        def done(rows: list[WardRow]) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self._show_rows(rows)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self.loading = False
                self.progress.hide()
                self.status_label.setText("The wards could not be loaded.")
                ui_errors.show_error(self, error)

        run_in_background(lambda: load_ward_rows(store), done, failed)

    def _show_rows(self, rows: list[WardRow]) -> None:
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

    def _fill_sites(self, rows: Sequence[WardRow]) -> None:
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

    def selected_row(self) -> WardRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = index.data(WardTableModel.ROW_ROLE)
        return row if isinstance(row, WardRow) else None

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
        self.latest_button.setEnabled(bool(row and row.latest))
        self.edit_button.setEnabled(row is not None)
        self.selected_label.setText(self._describe(row))

    @staticmethod
    def _describe(row: WardRow | None) -> str:
        if row is None:
            return "Choose a ward in the table, or add one."
        parts = [f"<b>{_escape(row.ward.name)}</b>"]
        if row.in_progress:
            parts.append(
                f"audit in progress, {row.in_progress.answered} of "
                f"{row.in_progress.applicable} answered"
            )
        if row.latest:
            rating = RATING_WORDS.get(row.latest.rating or "", "not rated")
            parts.append(
                f"last audit {clock.uk_date(row.latest.completed_at)}: "
                f"{display_score(row.latest.overall)}, {rating}"
            )
            if row.critical_breaches:
                plural = "es" if row.critical_breaches > 1 else ""
                parts.append(f"{row.critical_breaches} critical breach{plural}")
        else:
            parts.append("not audited yet")
        if row.overdue_actions:
            parts.append(
                f"{row.overdue_actions} overdue action{'s' if row.overdue_actions > 1 else ''}"
            )
        return " — ".join(parts)

    # --- what she can do ----------------------------------------------------------------------

    def _row_activated(self, index: QModelIndex) -> None:
        row = index.data(WardTableModel.ROW_ROLE)
        if not isinstance(row, WardRow):
            return
        if row.in_progress:
            self.open_audit_requested.emit(row.in_progress.id)
        elif row.latest:
            self.open_audit_requested.emit(row.latest.id)
        else:
            self.selected_label.setText(
                f"<b>{_escape(row.ward.name)}</b> has no audit yet: press Start audit to begin one."
            )

    def start_or_resume(self) -> None:
        row = self.selected_row()
        if row is None:
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
        dialog = ChecklistDialog(checklists, default, self)
        dialog.accepted.connect(lambda: self._start(row.ward, dialog.chosen()))
        self._show_dialog(dialog)

    def _start(self, ward: Ward, checklist: Checklist) -> None:
        try:
            audit = self.ctx.store.start_audit(ward.id, checklist, by=self.ctx.auditor_name)
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return
        log.info("audit %s started on %s", audit.id, ward.name)
        self.mark_stale()
        self.open_audit_requested.emit(audit.id)

    def open_latest(self) -> None:
        row = self.selected_row()
        if row and row.latest:
            self.open_audit_requested.emit(row.latest.id)

    def add_ward(self) -> WardDialog:
        dialog = WardDialog(self.ctx, None, self)
        dialog.saved.connect(self._ward_saved)
        self._show_dialog(dialog)
        return dialog

    def edit_ward(self) -> WardDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        dialog = WardDialog(self.ctx, row.ward, self)
        dialog.saved.connect(self._ward_saved)
        self._show_dialog(dialog)
        return dialog

    def _ward_saved(self, ward: Ward) -> None:
        self._select_after_load(ward.id)
        self.wards_changed.emit()
        self.mark_stale()
        if not self.isVisible():
            self.reload()

    def _select_after_load(self, ward_id: str) -> None:
        def select() -> None:
            self.rows_loaded.disconnect(select)
            self.select_ward(ward_id)

        self.rows_loaded.connect(select)

    def _show_dialog(self, dialog: QDialog) -> None:
        """Dialogs open without a nested event loop, so the app (and tests) keep running."""
        self.last_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
