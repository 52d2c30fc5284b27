"""The Board: every ward's latest score in a period, site and trust means with their n,
trends, a wards × sections heatmap, the board report, and exchange files in and out.

The figures are :func:`wardaudit.board.board_figures`, worked out off the UI thread; this
screen only shows them. Exchange files are checked in a dry run first, so she sees what
is new, what is already here and what conflicts before anything changes.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QDate,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from exports.board import HEAT_STEPS, heat_step, monthly_means, write_board_pdf, write_board_xlsx
from ui import errors as ui_errors
from ui.charts import (
    MAX_LINES,
    Line,
    ScoreChart,
    SparklineDelegate,
    line_colour,
    line_marker,
    month_words,
    trend_words,
)
from ui.context import AppContext
from ui.theme import colours, row_height, touch_button
from ui.wards import RatingDelegate, default_checklist
from ui.widgets import RATING_COLOURS, FlowLayout, RowsTableModel, busy_dialog
from ui.worker import run_in_background
from wardaudit import clock
from wardaudit.board import Board, GroupFigure, WardFigure, board_figures, default_period
from wardaudit.bundles import (
    BundleConflicts,
    BundleRefused,
    Conflict,
    ImportPlan,
    export_bundle,
    import_bundle,
)
from wardaudit.checklist import DESIGNATION_WORDS, DESIGNATIONS
from wardaudit.errors import WardAuditError
from wardaudit.model import AUDIT_STATUS_WORDS, Action, AuditSummary
from wardaudit.scoring import RATING_WORDS, display_score
from wardaudit.store import TRUST_NAME_SETTING, Store

log = logging.getLogger(__name__)

EXCHANGE_SUFFIX = ".wardaudit"
EXCHANGE_FILTER = "WardAudit exchange files (*.wardaudit);;All files (*)"
LAST_EXPORT_SETTING = "exchange_last_export"  # the day of the last exchange export, for "since"
NOT_AUDITED = "Not audited"
NONE_MARK = "–"
MONTHS_OFFERED = 6 * 12  # the period pickers reach back six years

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


# --- words --------------------------------------------------------------------------------------


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def join_words(parts: Sequence[str]) -> str:
    """ "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def score_words(score: float | None) -> str:
    return NOT_AUDITED if score is None else f"{display_score(score)}%"


def group_words(group: GroupFigure) -> str:
    """ "90.1% (4 of 4 wards audited)"."""
    return f"{score_words(group.mean)} ({group.audited} of {plural(group.wards, 'ward')} audited)"


def new_words(plan: ImportPlan) -> str:
    """What a plan brings in: "3 new audits, 40 new history events and 2 photos"."""
    parts = []
    if plan.new_audits:
        parts.append(plural(plan.new_audits, "new audit"))
    if plan.new_events:
        parts.append(plural(plan.new_events, "new history event"))
    if plan.new_wards:
        parts.append(plural(plan.new_wards, "new ward"))
    if plan.new_photos:
        parts.append(plural(plan.new_photos, "photo"))
    return join_words(parts) if parts else "nothing new"


def new_count(plan: ImportPlan) -> int:
    return plan.new_audits + plan.new_events + plan.new_wards + plan.new_photos


_EVENT_WORDS = {
    "action_raised": "an action raised",
    "action_note": "a note on an action",
    "action_withdrawn": "an action withdrawn",
    "answer": "an answer",
    "amendment": "an amendment",
    "audit_completed": "a sign-off",
    "audit_imported": "an imported audit",
    "photo_added": "a photo added",
    "photo_removed": "a photo removed",
}


def conflict_words(store: Store, conflict: Conflict) -> str:
    """A conflict the core reports (with record ids) as a sentence a matron can follow.

    Runs in the worker: it may read the store to name the ward and date of an audit.
    """
    if conflict.kind == "audit":
        try:
            record = store.audit(conflict.record)
        except WardAuditError:
            return (
                "A signed-off audit in the file differs from the copy here; the copy here is kept."
            )
        audit = record.audit
        return (
            f"The audit of {audit.ward.name} ({audit.ward.site}) signed off on "
            f"{clock.uk_date(audit.completed_at)} differs from the copy here: the copy here is "
            "kept as it is."
        )
    if conflict.kind == "audit_without_ward":
        return (
            "An audit in the file belongs to a ward that conflicts (see above), so that audit "
            "is left out."
        )
    if conflict.kind == "ward":
        details = conflict.details
        return (
            f"Ward {details.get('name', '')} has the same record id as a ward here with other "
            f"details (here: {details.get('here', '')}; in the file: {details.get('file', '')}). "
            "The ward here is kept as it is and the file's audits of it are left out."
        )
    if conflict.kind == "event":
        event_kind = conflict.details.get("event_kind", "")
        kind = _EVENT_WORDS.get(event_kind, event_kind.replace("_", " "))
        return (
            f"A history entry ({kind}) differs from the one here with the same id: the one "
            "here is kept as it is."
        )
    if conflict.kind == "event_without_audit":
        return "A history entry belongs to an audit that is neither here nor in the file; it is left out."
    text = re.sub(rf"\s*\(?{_UUID}\)?", "", conflict.message).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# --- work done off the UI thread -------------------------------------------------------------


@dataclass(frozen=True)
class BoardLoad:
    """What the screen shows: the board's figures and the choices its filters offer."""

    board: Board
    sites: tuple[str, ...]
    services: tuple[str, ...]
    narrowed: bool = False  # a site, service or designation filter: not the whole trust


def load_board(
    store: Store,
    *,
    start: str,
    end: str,
    site: str | None = None,
    service: str | None = None,
    designation: str | None = None,
) -> BoardLoad:
    """Runs in the worker: it must not touch a widget."""
    board = board_figures(
        store, start=start, end=end, site=site, service=service, designation=designation
    )
    sites = tuple(s.name for s in store.sites())
    services = tuple(sorted({w.service for w in store.wards() if w.service}, key=str.casefold))
    return BoardLoad(board, sites, services, bool(site or service or designation))


def board_actions(store: Store, board: Board) -> list[Action]:
    """The actions the board report lists, as the command line's export does: open or in
    progress, raised by signed-off audits, on the board's wards."""
    in_progress = {a.id for a in store.in_progress_audits()}
    wards = {f.ward.id for f in board.wards}
    return [
        a
        for a in store.actions()
        if a.audit_id not in in_progress
        and a.status in ("open", "in_progress")
        and a.ward_id in wards
    ]


def write_board_report(store: Store, board: Board, path: Path, kind: str) -> Path:
    """Write the board report as "pdf" or "xlsx" (in the worker; reportlab or openpyxl load
    only now)."""
    actions = board_actions(store, board)
    trust = store.setting(TRUST_NAME_SETTING)
    writer = write_board_pdf if kind == "pdf" else write_board_xlsx
    return writer(board, path, actions=actions, trust=trust)


@dataclass(frozen=True)
class FilePreview:
    """What importing one exchange file would do, or why it is refused."""

    path: Path
    plan: ImportPlan | None
    conflicts: tuple[str, ...] = ()  # in words
    refused: str = ""

    @property
    def new(self) -> int:
        return new_count(self.plan) if self.plan else 0


@dataclass(frozen=True)
class FileResult:
    path: Path
    plan: ImportPlan | None
    problem: str = ""


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text[:1].upper() + text[1:]


def preview_exchange_files(store: Store, paths: Sequence[Path]) -> list[FilePreview]:
    """A dry run of each file (in the worker): nothing is changed."""
    previews = []
    for path in paths:
        try:
            plan = import_bundle(store, path, dry_run=True, skip_conflicts=True)
        except BundleRefused as error:
            previews.append(FilePreview(Path(path), None, refused=_sentence(error)))
            continue
        conflicts = tuple(conflict_words(store, c) for c in plan.conflict_records)
        previews.append(FilePreview(Path(path), plan, conflicts))
    return previews


def import_exchange_files_now(
    store: Store, paths: Sequence[Path], *, skip_conflicts: bool
) -> list[FileResult]:
    """Import each file in one transaction of its own (in the worker)."""
    results = []
    for path in paths:
        try:
            plan = import_bundle(store, path, skip_conflicts=skip_conflicts)
        except BundleConflicts as error:
            results.append(
                FileResult(
                    Path(path),
                    None,
                    f"not imported: {plural(len(error.conflicts), 'record')} conflict with the "
                    "records here, which are kept as they are",
                )
            )
        except BundleRefused as error:
            results.append(FileResult(Path(path), None, f"refused: {error}"))
        else:
            results.append(FileResult(Path(path), plan))
    return results


# --- the ward table ------------------------------------------------------------------------------


class BoardTableModel(RowsTableModel):
    """Every ward's figure for the period; the proxy sorts on ``SORT_ROLE`` (None is "no value"
    and always sorts last), screens read the figure under ``FIGURE_ROLE``."""

    WARD, SITE, DESIGNATION, SCORE, RATING, CRITICAL, OPEN, OVERDUE, LAST_AUDIT, TREND = range(10)
    HEADERS = (
        "Ward",
        "Site",
        "Designation",
        "Score (%)",
        "Rating",
        "Critical breach",
        "Open actions",
        "Overdue actions",
        "Last audit",
        "Trend",
    )
    HEADER_LINES = {
        "Score (%)": "Score\n(%)",
        "Critical breach": "Critical\nbreach",
        "Open actions": "Open\nactions",
        "Overdue actions": "Overdue\nactions",
        "Last audit": "Last\naudit",
    }
    _NUMBER_COLUMNS = frozenset({SCORE, OPEN, OVERDUE})
    _CENTRED_COLUMNS = frozenset({RATING, CRITICAL})

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    FIGURE_ROLE = Qt.ItemDataRole.UserRole + 2
    TREND_ROLE = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._months: tuple[str, ...] = ()

    def set_board(self, board: Board | None) -> None:
        self.beginResetModel()
        self._rows = list(board.wards) if board else []
        self._months = board.months if board else ()
        self.endResetModel()

    def figures(self) -> list[WardFigure]:
        return list(self._rows)

    def row_for_ward(self, ward_id: str) -> int:
        for number, figure in enumerate(self._rows):
            if figure.ward.id == ward_id:
                return number
        return -1

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        figure = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(figure, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.spoken(figure, column)
        if role == self.SORT_ROLE:
            return self.sort_key(figure, column)
        if role == self.FIGURE_ROLE:
            return figure
        if role == self.TREND_ROLE:
            return figure.trend if column == self.TREND else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in self._NUMBER_COLUMNS and (figure.audited or column != self.SCORE):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column in self._CENTRED_COLUMNS:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if column == self.RATING and figure.rating:
            background, foreground = RATING_COLOURS[figure.rating]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(foreground)
        if role == Qt.ItemDataRole.FontRole and (
            column == self.RATING
            or (column == self.CRITICAL and figure.critical_breach)
            or (column == self.OVERDUE and figure.overdue_actions)
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == self.SCORE and not figure.audited:
            return QColor(colours().muted)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(figure, column)
        return None

    @classmethod
    def text(cls, figure: WardFigure, column: int) -> str:
        if column == cls.WARD:
            return figure.ward.name
        if column == cls.SITE:
            return figure.ward.site
        if column == cls.DESIGNATION:
            return figure.ward.designation
        if column == cls.SCORE:
            return display_score(figure.score) if figure.audited else NOT_AUDITED
        if column == cls.RATING:
            return RATING_WORDS.get(figure.rating or "", NONE_MARK)
        if column == cls.CRITICAL:
            return "Yes" if figure.critical_breach else NONE_MARK
        if column == cls.OPEN:
            return str(figure.open_actions)
        if column == cls.OVERDUE:
            return str(figure.overdue_actions)
        if column == cls.LAST_AUDIT:
            return clock.uk_date(figure.completed_at) if figure.completed_at else NONE_MARK
        if column == cls.TREND:
            return trend_words(figure.trend)
        return ""

    @classmethod
    def spoken(cls, figure: WardFigure, column: int) -> str:
        """What a screen reader says: words for every dash."""
        if not figure.audited and column in (cls.SCORE, cls.RATING, cls.LAST_AUDIT):
            return "Not audited in the period"
        if column == cls.CRITICAL:
            return "Critical breach" if figure.critical_breach else "No critical breach"
        if column == cls.TREND:
            return f"Trend: {trend_words(figure.trend)}"
        return cls.text(figure, column)

    @classmethod
    def sort_key(cls, figure: WardFigure, column: int) -> Any:
        name = figure.ward.name.casefold()
        if column == cls.WARD:
            return name
        if column == cls.SITE:
            return f"{figure.ward.site.casefold()}\x00{name}"
        if column == cls.DESIGNATION:
            return f"{figure.ward.designation}\x00{name}"
        if column == cls.SCORE:
            return figure.score
        if column == cls.RATING:
            # Red, amber, green; the lowest score first within each
            if figure.rating is None:
                return None
            rank = {"red": 0, "amber": 1, "green": 2}[figure.rating]
            return rank * 1000.0 + (figure.score or 0.0)
        if column == cls.CRITICAL:
            return (0 if figure.critical_breach else 1) if figure.audited else None
        if column == cls.OPEN:
            return figure.open_actions
        if column == cls.OVERDUE:
            return figure.overdue_actions
        if column == cls.LAST_AUDIT:
            return clock.to_epoch(figure.completed_at) if figure.completed_at else None
        if column == cls.TREND:
            # the change over the period; one audit is no change; none at all sorts last
            present = [v for v in figure.trend if v is not None]
            return present[-1] - present[0] if present else None
        return None

    def tooltip(self, figure: WardFigure, column: int) -> str:
        if column == self.TREND:
            lines = [f"{figure.ward.name}: {trend_words(figure.trend)}"]
            for month, value in zip(self._months, figure.trend, strict=False):
                lines.append(
                    f"{month_words(month)}: {score_words(value) if value is not None else 'no audit'}"
                )
            return "\n".join(lines)
        parts = [f"{figure.ward.name}, {figure.ward.site} ({figure.ward.designation})"]
        if figure.ward.service:
            parts.append(figure.ward.service)
        if figure.audited:
            parts.append(f"Counted: the audit signed off on {clock.uk_date(figure.completed_at)}")
            if figure.checklist:
                parts.append(f"Checklist: {figure.checklist}")
        else:
            parts.append("No audit completed in the period (not counted as zero)")
        parts.append("Enter or double-click: the ward's audits")
        return "\n".join(parts)


class NoValueLastProxy(QSortFilterProxyModel):
    """Sorts on the model's sort role; a ward with no value (not audited) stays last whichever
    way the column is sorted, never as a zero.

    The keys of the sorted column are read once per model reset, not at every comparison.
    """

    def __init__(self, sort_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(sort_role)
        self._keys: tuple[int, list[Any]] | None = None

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        super().setSourceModel(model)
        for signal in (model.modelAboutToBeReset, model.modelReset, model.layoutChanged):
            signal.connect(self._forget_keys)
        model.dataChanged.connect(self._forget_keys)

    def _forget_keys(self, *_args: object) -> None:
        self._keys = None

    def _column_keys(self, column: int) -> list[Any]:
        if self._keys is None or self._keys[0] != column:
            model = self.sourceModel()
            role = self.sortRole()
            self._keys = (
                column,
                [model.index(r, column).data(role) for r in range(model.rowCount())],
            )
        return self._keys[1]

    def lessThan(
        self,
        left: QModelIndex | QPersistentModelIndex,
        right: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        keys = self._column_keys(left.column())
        a, b = keys[left.row()], keys[right.row()]
        if a is None or b is None:
            if a is None and b is None:
                return False
            # Qt reverses the order for a descending sort: answer so None ends up last.
            if self.sortOrder() == Qt.SortOrder.AscendingOrder:
                return b is None
            return a is None
        return bool(a < b)


# --- the heatmap -------------------------------------------------------------------------------


def _two_lines(title: str, longest: int = 14) -> str:
    """A section title split over two lines at the space nearest its middle."""
    if len(title) <= longest or " " not in title:
        return title
    middle = len(title) / 2
    spaces = [n for n, ch in enumerate(title) if ch == " "]
    cut = min(spaces, key=lambda n: abs(n - middle))
    return title[:cut] + "\n" + title[cut + 1 :]


class HeatmapModel(QAbstractTableModel):
    """Wards down, sections across: each cell WRITES the section score and is shaded by it
    (darker the lower, the report's steps); "–" where there is no score."""

    OVERALL = 0
    SORT_ROLE = BoardTableModel.SORT_ROLE
    FIGURE_ROLE = BoardTableModel.FIGURE_ROLE  # so a click in either view finds the ward

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._figures: list[WardFigure] = []
        self._sections: tuple[tuple[str, str], ...] = ()

    def set_board(self, board: Board | None) -> None:
        self.beginResetModel()
        self._figures = list(board.wards) if board else []
        self._sections = board.sections if board else ()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._figures)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(self._sections)

    def section_title(self, column: int) -> str:
        return "Overall" if column == self.OVERALL else self._sections[column - 1][1]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self._figures):
                return None
            figure = self._figures[section]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return figure.ward.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{figure.ward.name}, {figure.ward.site}"
            return None
        if not 0 <= section < self.columnCount():
            return None
        title = self.section_title(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _two_lines(title)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return title
        return None

    def score(self, figure: WardFigure, column: int) -> float | None:
        if column == self.OVERALL:
            return figure.score
        return figure.sections.get(self._sections[column - 1][0])

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._figures):
            return None
        figure = self._figures[index.row()]
        column = index.column()
        score = self.score(figure, column)
        if role == Qt.ItemDataRole.DisplayRole:
            if score is not None:
                return display_score(score)
            return NOT_AUDITED if column == self.OVERALL and not figure.audited else NONE_MARK
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            where = f"{figure.ward.name}, {self.section_title(column)}"
            if score is not None:
                return f"{where}: {display_score(score)}%"
            if not figure.audited:
                return f"{where}: not audited in the period"
            return f"{where}: no score (nothing in this section applied or was answered)"
        if role == self.SORT_ROLE:
            return score
        if role == self.FIGURE_ROLE:
            return figure
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if score is not None and role in (
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            fill, text = heat_step(score)
            return QColor(f"#{fill if role == Qt.ItemDataRole.BackgroundRole else text}")
        if role == Qt.ItemDataRole.FontRole and column == self.OVERALL:
            font = QFont()
            font.setBold(True)
            return font
        return None


# --- the audits of one ward -------------------------------------------------------------------


class AuditListModel(QAbstractTableModel):
    """One ward's audits, newest first, marking the one the board counts."""

    DATE, STATUS, SCORE, RATING, CRITICAL, COUNTED, CHECKLIST = range(7)
    HEADERS = (
        "Date",
        "Status",
        "Score (%)",
        "Rating",
        "Critical breach",
        "On the board",
        "Checklist",
    )
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self,
        audits: Sequence[AuditSummary],
        counted: str | None,
        checklist_titles: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.audits = list(audits)
        self.counted = counted
        self.titles = checklist_titles

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.audits)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return self.HEADERS[section]
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        audit = self.audits[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.DATE:
                return clock.uk_date(audit.completed_at or audit.started_at)
            if column == self.STATUS:
                word = AUDIT_STATUS_WORDS.get(audit.status, audit.status)
                if audit.status == "in_progress":
                    word += f" ({audit.answered} of {audit.applicable} answered)"
                return word
            if column == self.SCORE:
                return display_score(audit.overall)
            if column == self.RATING:
                return RATING_WORDS.get(audit.rating or "", NONE_MARK)
            if column == self.CRITICAL:
                return "Yes" if audit.critical_breach else NONE_MARK
            if column == self.CHECKLIST:
                title = self.titles.get(audit.checklist_id, audit.checklist_id)
                return f"{title} v{audit.checklist_version}"
            if column == self.COUNTED:
                return "Yes" if audit.id == self.counted else ""
        if role == self.ID_ROLE:
            return audit.id
        if column == self.RATING and audit.rating:
            background, foreground = RATING_COLOURS[audit.rating]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QColor(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(foreground)
        if role == Qt.ItemDataRole.FontRole and (audit.id == self.counted or column == self.RATING):
            font = QFont()
            font.setBold(True)
            return font
        return None


class WardAuditsDialog(QDialog):
    """A ward and its audits; Open shows the chosen one on the Audit screen."""

    open_requested = Signal(str)

    def __init__(
        self,
        figure: WardFigure,
        audits: Sequence[AuditSummary],
        period: str,
        checklist_titles: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        ward = figure.ward
        self.figure = figure
        self.setWindowTitle(f"{ward.name}: audits")
        self.setAccessibleName(f"Audits of {ward.name}")
        facts = [ward.site, ward.designation]
        if ward.service:
            facts.append(ward.service)
        if ward.beds is not None:
            facts.append(plural(ward.beds, "bed"))
        heading = QLabel(f"<b>{html.escape(ward.name)}</b> — {html.escape(' · '.join(facts))}")
        heading.setObjectName("subheading")
        heading.setWordWrap(True)
        heading.setAccessibleName(f"{ward.name}, {', '.join(facts)}")
        if figure.audited:
            counted = (
                f"On the board for {period}: {score_words(figure.score)}, "
                f"{RATING_WORDS.get(figure.rating or '', 'not rated')}"
                f"{', with a critical breach' if figure.critical_breach else ''}, from the audit "
                f"signed off on {clock.uk_date(figure.completed_at)}."
            )
        else:
            counted = f"Not audited in {period}: the board shows it as not audited, never as zero."
        summary = QLabel(counted)
        summary.setWordWrap(True)
        summary.setAccessibleName(counted)

        self.model = AuditListModel(audits, figure.audit_id, checklist_titles, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(f"Audits of {ward.name}")
        self.table.setAccessibleDescription("Press Enter to open the selected audit.")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        self.table.setItemDelegateForColumn(AuditListModel.RATING, RatingDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.resizeColumnsToContents()  # a ward has a few dozen audits at most
        self.table.activated.connect(lambda _index: self.open_selected())
        empty = QLabel("This ward has no audits yet.")
        empty.setVisible(not audits)

        self.buttons = QDialogButtonBox()
        self.open_button = self.buttons.addButton("&Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button.setAccessibleName("Open the selected audit")
        self.open_button.setToolTip("Show the selected audit on the Audit screen")
        self.open_button.setEnabled(bool(audits))
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close")
        for button in (self.open_button, self.close_button):
            button.setMinimumHeight(44)  # the width follows its words
        self.buttons.accepted.connect(self.open_selected)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addWidget(empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        screen = self.screen() or QApplication.primaryScreen()
        room = screen.availableGeometry() if screen else QRect(0, 0, 1366, 768)
        self.resize(min(900, room.width() - 40), min(520, room.height() - 60))

        row = next((n for n, a in enumerate(audits) if a.id == figure.audit_id), 0)
        if audits:
            self.table.selectRow(row)
        self.table.setFocus()

    def selected_audit(self) -> str | None:
        index = self.table.currentIndex()
        value = index.data(AuditListModel.ID_ROLE) if index.isValid() else None
        return str(value) if value else None

    def open_selected(self) -> None:
        audit_id = self.selected_audit()
        if audit_id:
            self.open_requested.emit(audit_id)
            self.accept()


# --- exchange file dialogs --------------------------------------------------------------------


class ExportExchangeDialog(QDialog):
    """Which audits go into the exchange file: all signed-off ones, or those since a day."""

    def __init__(self, last_export: date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export an exchange file")
        self.setAccessibleName("Export an exchange file")
        intro = QLabel(
            "An exchange file carries signed-off audits, with their actions, history and "
            "photos, to another laptop or to the quality team's database. Audits in progress "
            "stay here."
        )
        intro.setWordWrap(True)
        self.all_audits = QRadioButton("&All signed-off audits")
        self.all_audits.setAccessibleName("All signed-off audits")
        self.since_option = QRadioButton("Only audits signed off or changed on or &after")
        self.since_option.setAccessibleName("Only audits signed off or changed on or after a day")
        group = QButtonGroup(self)
        group.addButton(self.all_audits)
        group.addButton(self.since_option)
        self.all_audits.setChecked(True)
        self.since_date = QDateEdit()
        self.since_date.setDisplayFormat("dd/MM/yyyy")
        self.since_date.setCalendarPopup(True)
        self.since_date.setAccessibleName("Day to export from")
        self.since_date.setMinimumHeight(36)
        default = last_export or (clock.today() - timedelta(days=30))
        self.since_date.setDate(QDate(default.year, default.month, default.day))
        self.since_date.setEnabled(False)
        self.since_option.toggled.connect(self.since_date.setEnabled)
        note = QLabel(
            f"The last exchange file from this database was exported on {clock.uk_date(last_export)}."
            if last_export
            else "No exchange file has been exported from this database yet."
        )
        note.setObjectName("muted")
        note.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            "Choose where to save…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setAccessibleName("Choose where to save the exchange file")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        for button in (self.save_button, cancel):
            button.setMinimumHeight(44)  # the width follows its words
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        since_row = QHBoxLayout()
        since_row.addWidget(self.since_option)
        since_row.addWidget(self.since_date)
        since_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.all_audits)
        layout.addLayout(since_row)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(620, 320)

    def since(self) -> date | None:
        if not self.since_option.isChecked():
            return None
        chosen = self.since_date.date()
        return date(chosen.year(), chosen.month(), chosen.day())


class ImportPreviewDialog(QDialog):
    """What the files would bring in, before anything changes; she chooses how to go on."""

    import_chosen = Signal(bool)  # skip_conflicts

    def __init__(self, previews: Sequence[FilePreview], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previews = list(previews)
        self.setWindowTitle("Import exchange files")
        self.setAccessibleName("Import exchange files: preview")
        usable = [p for p in self.previews if p.plan is not None]
        refused = [p for p in self.previews if p.plan is None]
        conflicted = [p for p in usable if p.conflicts]
        self.new_total = sum(p.new for p in usable)
        self.new_without_conflicts = sum(p.new for p in usable if not p.conflicts)
        self.summary_text = self.summarise(usable, refused, conflicted)
        headline, _, rest = self.summary_text.partition(". ")
        self.summary = QLabel(
            f"<b>{html.escape(headline)}{'.' if rest else ''}</b> {html.escape(rest)}"
        )
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import summary")
        self.summary.setAccessibleDescription(self.summary_text)

        self.details = QTextBrowser()
        self.details.setAccessibleName("What each file holds")
        self.details.setOpenLinks(False)
        self.details.setHtml(self.details_html())

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setAccessibleName("Import")
        self.import_button.setToolTip(
            "Import the files without conflicts; a file with conflicts is left out whole"
            if conflicted
            else "Import what is new; nothing already here changes"
        )
        self.import_button.setEnabled(self.new_without_conflicts > 0)
        self.skip_button = self.buttons.addButton(
            "Import, &leaving conflicts as they are", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.skip_button.setAccessibleName("Import, leaving conflicts as they are")
        self.skip_button.setToolTip(
            "Import everything new, including from files with conflicts; the conflicting "
            "records here stay exactly as they are"
        )
        self.skip_button.setVisible(bool(conflicted))
        self.skip_button.setEnabled(bool(conflicted) and self.new_total > 0)
        self.cancel_button = self.buttons.addButton(
            "Cancel" if self.new_total else "Close", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setAccessibleName(self.cancel_button.text())
        for button in (self.import_button, self.skip_button, self.cancel_button):
            button.setMinimumHeight(44)  # the width follows its words
        self.import_button.clicked.connect(lambda: self._choose(False))
        self.skip_button.clicked.connect(lambda: self._choose(True))
        self.cancel_button.clicked.connect(self.reject)
        if self.import_button.isEnabled():
            self.import_button.setDefault(True)
        else:
            self.cancel_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)
        screen = self.screen() or QApplication.primaryScreen()
        room = screen.availableGeometry() if screen else QRect(0, 0, 1366, 768)
        self.resize(min(900, room.width() - 40), min(560, room.height() - 60))

    def summarise(
        self,
        usable: list[FilePreview],
        refused: list[FilePreview],
        conflicted: list[FilePreview],
    ) -> str:
        files = "this file" if len(self.previews) == 1 else "these files"
        sentences = []
        if not usable:
            sentences.append(
                "Nothing can be imported: "
                + ("the file was refused." if len(refused) == 1 else "every file was refused.")
            )
        elif self.new_total == 0:
            sentences.append(f"Nothing new: everything in {files} is already here.")
        else:
            totals = ImportPlan(
                "",
                new_wards=sum(p.plan.new_wards for p in usable if p.plan),
                new_audits=sum(p.plan.new_audits for p in usable if p.plan),
                new_events=sum(p.plan.new_events for p in usable if p.plan),
                new_photos=sum(p.plan.new_photos for p in usable if p.plan),
            )
            sentences.append(f"Ready to import {new_words(totals)}.")
        conflicts = sum(len(p.conflicts) for p in conflicted)
        if conflicts:
            sentences.append(
                f"{plural(conflicts, 'record')} in the file{'s' if len(self.previews) > 1 else ''} "
                f"{'conflicts' if conflicts == 1 else 'conflict'} with the records here (the same "
                "id, different content). The records here are never overwritten."
            )
        if refused and usable:
            sentences.append(
                f"{plural(len(refused), 'file')} refused: nothing from "
                f"{'it' if len(refused) == 1 else 'them'} will be imported."
            )
        return " ".join(sentences)

    def details_html(self) -> str:
        parts = []
        for preview in self.previews:
            name = html.escape(preview.path.name)
            parts.append(f"<h3>{name}</h3>")
            if preview.plan is None:
                parts.append(
                    f"<p><b>Refused.</b> {html.escape(preview.refused)}</p>"
                    "<p>Nothing from this file will be imported.</p>"
                )
                continue
            plan = preview.plan
            rows = (
                ("New audits", plan.new_audits),
                ("New history events", plan.new_events),
                ("New wards", plan.new_wards),
                ("Photos", plan.new_photos),
                ("Already here (records of any kind)", plan.present),
            )
            parts.append("<ul>")
            parts.extend(f"<li>{label}: {count}</li>" for label, count in rows)
            parts.append("</ul>")
            if preview.new == 0 and not preview.conflicts:
                parts.append("<p>Nothing new in this file.</p>")
            if preview.conflicts:
                parts.append(
                    f"<p><b>{plural(len(preview.conflicts), 'conflict')}</b>: the same id as a "
                    "record here with different content. The record here is kept; with "
                    "<i>Import</i> this file is left out whole, with <i>Import, leaving "
                    "conflicts as they are</i> the rest of it is imported.</p><ul>"
                )
                parts.extend(f"<li>{html.escape(c)}</li>" for c in preview.conflicts)
                parts.append("</ul>")
        if len(self.previews) > 1:
            parts.append(
                "<p>Each file is imported in one step of its own, so a damaged file never "
                "leaves half its records behind; a record in two files is imported once.</p>"
            )
        return "".join(parts)

    def _choose(self, skip_conflicts: bool) -> None:
        self.import_chosen.emit(skip_conflicts)
        self.accept()


class TickBoxDelegate(QStyledItemDelegate):
    """A list item with a large tick box in the theme's colours (Fusion's own box vanishes
    on the high-contrast black)."""

    BOX = 24

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        state = index.data(Qt.ItemDataRole.CheckStateRole)
        checked = getattr(state, "value", state) == Qt.CheckState.Checked.value
        item.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        text = item.text
        item.text = ""
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        c = colours()
        rect = item.rect
        box = QRectF(rect.left() + 8, rect.center().y() - self.BOX / 2 + 1, self.BOX, self.BOX)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(c.focus if checked else c.border), 2))
        painter.setBrush(QColor(c.highlight if checked else c.base))
        painter.drawRoundedRect(box, 4, 4)
        if checked:
            painter.setPen(QPen(QColor(c.highlighted_text), 3))
            x, y = box.left(), box.top()
            painter.drawPolyline(
                [QPointF(x + 5, y + 12.5), QPointF(x + 10, y + 17.5), QPointF(x + 19, y + 7)]
            )
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        painter.setPen(
            item.palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        painter.drawText(
            QRect(
                rect.left() + self.BOX + 18, rect.top(), rect.width() - self.BOX - 22, rect.height()
            ),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + self.BOX, max(size.height(), row_height()))


# --- a layout that wraps, so controls stay whole at 200% text ---------------------------------


class ViewTabs(QTabWidget):
    """The Board's views. They ask for no more height than they need, and take whatever
    the screen has left: the page then scrolls only when text is too large to fit."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())


def _labelled(text: str, control: QWidget) -> QWidget:
    """A label and its control kept together when the filters wrap."""
    holder = QWidget()
    label = QLabel(text)
    label.setBuddy(control)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    row.addWidget(label)
    row.addWidget(control)
    return holder


def _month_range(months: int) -> list[str]:
    today = clock.today()
    year, month = today.year, today.month
    found = []
    for _ in range(months):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(found))


# --- the screen ----------------------------------------------------------------------------------


class BoardScreen(QWidget):
    """Filters, summary tiles, and the wards as a table, a chart over time and a heatmap."""

    open_audit_requested = Signal(str)
    data_changed = Signal()
    loaded = Signal()
    report_written = Signal(object)  # the path written, or the error
    exchange_exported = Signal(object)  # the export's counts, or the error
    preview_ready = Signal(object)  # the list of FilePreview
    import_finished = Signal(object)  # the list of FileResult, or the error

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.board: Board | None = None
        self.current: BoardLoad | None = None
        self.loading = False
        self.busy = False  # a report, an export or an import is running
        self._generation = 0
        self._chosen: list[str] = []  # ward ids chosen for the chart, in the table's order
        self._syncing = False
        self._folder: Path | None = None
        self.last_dialog: QDialog | None = None
        self.last_message: QMessageBox | None = None
        self.progress_dialog: QProgressDialog | None = None
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
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedWidth(120)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Loading the board")
        self.progress.hide()
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
            self.progress,
            self.status_label,
        ):
            top.addWidget(widget)

        # --- filters
        months = _month_range(MONTHS_OFFERED)
        start, end = default_period()
        self.from_month = self._month_picker("Period from", months, start)
        self.to_month = self._month_picker("Period to", months, end)
        self.site_filter = self._choice("Site", "All sites")
        self.service_filter = self._choice("Service type", "All services")
        self.designation_filter = self._choice("Designation", "All designations")
        for sex in DESIGNATIONS:
            self.designation_filter.addItem(DESIGNATION_WORDS[sex], sex)
        self.from_month.currentIndexChanged.connect(
            lambda _n: self._period_changed(self.from_month)
        )
        self.to_month.currentIndexChanged.connect(lambda _n: self._period_changed(self.to_month))
        for combo in (self.site_filter, self.service_filter, self.designation_filter):
            combo.currentIndexChanged.connect(lambda _n: self.reload())
        filters = FlowLayout(spacing=14)
        filters.addWidget(_labelled("&From", self.from_month))
        filters.addWidget(_labelled("t&o", self.to_month))
        filters.addWidget(_labelled("&Site", self.site_filter))
        filters.addWidget(_labelled("Ser&vice", self.service_filter))
        filters.addWidget(_labelled("&Designation", self.designation_filter))

        # --- summary tiles
        self.tiles = {
            key: self._tile(name)
            for key, name in (
                ("mean", "Trust mean"),
                ("red", "Red wards"),
                ("breaches", "Critical breaches"),
                ("overdue", "Overdue actions"),
            )
        }
        tiles = FlowLayout(spacing=10)
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        self.sites_label = QLabel()
        self.sites_label.setWordWrap(True)
        self.sites_label.setAccessibleName("Figures by site")
        self.sites_label.setTextFormat(Qt.TextFormat.RichText)
        self.versions_note = QLabel()
        self.versions_note.setWordWrap(True)
        self.versions_note.setAccessibleName("Checklist versions")
        self.versions_note.hide()

        # --- the tabs
        self.tabs = ViewTabs()
        self.tabs.setAccessibleName("Board views")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._make_wards_tab(), "Wards")
        self.tabs.addTab(self._make_chart_tab(), "Scores over time")
        self.tabs.addTab(self._make_heatmap_tab(), "Sections heatmap")
        self.tabs.currentChanged.connect(lambda _index: self._relayout())

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(tiles)
        layout.addWidget(self.sites_label)
        layout.addWidget(self.versions_note)
        layout.addWidget(self.tabs, 1)
        # At 200% text the page scrolls as a whole rather than squeezing the table away.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        self.setTabOrder(self.pdf_button, self.xlsx_button)
        self.setTabOrder(self.xlsx_button, self.export_button)
        self.setTabOrder(self.export_button, self.import_button)
        self.setTabOrder(self.import_button, self.from_month)
        self.setTabOrder(self.from_month, self.to_month)
        self.setTabOrder(self.to_month, self.site_filter)
        self.setTabOrder(self.site_filter, self.service_filter)
        self.setTabOrder(self.service_filter, self.designation_filter)
        self.setTabOrder(self.designation_filter, self.tabs)
        self._show_summary()
        self._update_buttons()

    # --- building -----------------------------------------------------------------------------

    def _thresholds(self) -> tuple[float, float]:
        """The chart's green and amber lines: the trust's usual checklist's thresholds."""
        checklists = self.ctx.library.all_latest()
        if not checklists:
            return 90.0, 75.0
        thresholds = default_checklist(checklists).thresholds
        return float(thresholds.green), float(thresholds.amber)

    def _month_picker(self, name: str, months: list[str], chosen: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for month in months:
            combo.addItem(month_words(month), month)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.setMaxVisibleItems(14)
        return combo

    @staticmethod
    def _choice(name: str, everything: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.addItem(everything, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    @staticmethod
    def _tile(name: str) -> QLabel:
        tile = QLabel()
        tile.setObjectName("tile")
        tile.setTextFormat(Qt.TextFormat.RichText)
        tile.setAccessibleName(name)
        return tile

    def _make_wards_tab(self) -> QWidget:
        self.model = BoardTableModel(self)
        self.proxy = NoValueLastProxy(BoardTableModel.SORT_ROLE, self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Wards on the board")
        self.table.setAccessibleDescription(
            "Each ward's latest completed audit in the period. Press Enter to see the ward's "
            "audits. Select several wards to compare them in Scores over time."
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(row_height())
        self.table.setMinimumHeight(6 * row_height())  # the header and five wards, at any text size
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(BoardTableModel.RATING, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.sortIndicatorChanged.connect(lambda *_: self._fit_columns())
        self.rating_delegate = RatingDelegate(self.table)
        self.table.setItemDelegateForColumn(BoardTableModel.RATING, self.rating_delegate)
        self.sparklines = SparklineDelegate(BoardTableModel.TREND_ROLE, self.table)
        self.table.setItemDelegateForColumn(BoardTableModel.TREND, self.sparklines)
        self.table.activated.connect(self.show_ward_audits)  # Enter, and double-click
        self.table.selectionModel().selectionChanged.connect(self._table_selection_changed)

        self.audits_button = touch_button(
            "Show the ward's audits…",
            "Show the selected ward's audits",
            tooltip="List every audit of the selected ward, and open one",
        )
        self.audits_button.clicked.connect(lambda: self.show_ward_audits(self.table.currentIndex()))
        hint = QLabel(
            "Enter or double-click: a ward's audits. Ctrl+click or Shift+click: several wards "
            "to compare in Scores over time."
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.audits_button)
        row.addWidget(hint, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        return page

    def _make_chart_tab(self) -> QWidget:
        self.chooser = QListWidget()
        self.chooser.setAccessibleName("Wards to compare")
        self.chooser.setToolTip(
            "Tick the wards to draw (a tap or Space); the trust mean is always drawn"
        )
        self.chooser.setItemDelegate(TickBoxDelegate(self.chooser))
        self.chooser.viewport().installEventFilter(self)
        self.chooser.itemChanged.connect(self._chooser_changed)
        self.chart = ScoreChart()
        self.chart_note = QLabel()
        self.chart_note.setWordWrap(True)
        self.chart_note.setAccessibleName("What the chart shows")
        self.chart_note.installEventFilter(self)
        self.clear_button = touch_button("Clear", "Clear the wards chosen for the chart")
        self.clear_button.clicked.connect(lambda: self.choose_wards([]))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Wards to &compare")
        label.setObjectName("subheading")
        label.setBuddy(self.chooser)
        left_layout.addWidget(label)
        left_layout.addWidget(self.chooser, 1)
        left_layout.addWidget(self.clear_button)
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
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(splitter, 1)
        return page

    def _make_heatmap_tab(self) -> QWidget:
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
        self.heatmap.setItemDelegate(RatingDelegate(self.heatmap))  # shading stays when selected
        self.heatmap.activated.connect(self.show_ward_audits)

        key = FlowLayout(spacing=6)
        intro = QLabel("Section scores (%) from each ward's latest audit; shading:")
        key.addWidget(intro)
        uppers = [None] + [step[0] for step in HEAT_STEPS[:-1]]
        for (lowest, fill, text), upper in zip(HEAT_STEPS, uppers, strict=True):
            if upper is None:
                words = f"{lowest:g} and above"
            elif lowest == 0:
                words = f"under {upper:g}"
            else:
                words = f"{lowest:g} to under {upper:g}"
            chip = QLabel(words)
            chip.setStyleSheet(
                f"QLabel {{ background: #{fill}; color: #{text}; border: 1px solid #000000;"
                " border-radius: 4px; padding: 2px 8px; }"
            )
            chip.setAccessibleName(f"Shading for {words}")
            key.addWidget(chip)
        key.addWidget(QLabel(f"{NONE_MARK} no score"))
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(key)
        layout.addWidget(self.heatmap, 1)
        return page

    # --- loading --------------------------------------------------------------------------------

    def _fit_note(self) -> None:
        """The splitter ignores a wrapped label's height: say it, so the chart keeps its room."""
        if self.chart_note.width() <= 50:
            return
        height = self.chart_note.heightForWidth(self.chart_note.width())
        if height != self.chart_note.minimumHeight():
            self.chart_note.setMinimumHeight(height)
            self._relayout()

    def _relayout(self) -> None:
        """The scroll area hears only of its page's resizes, not of a part needing more room
        (a wrapped note, a tab with a taller chart): ask it to lay the page out again."""
        QApplication.postEvent(self.scroll, QEvent(QEvent.Type.LayoutRequest))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A tap anywhere on a ward in the chooser ticks it: the whole row is the target."""
        if watched is self.chart_note and event.type() == QEvent.Type.Resize:
            self._fit_note()
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

    def filters(self) -> dict[str, str | None]:
        return {
            "start": self.from_month.currentData(),
            "end": self.to_month.currentData(),
            "site": self.site_filter.currentData(),
            "service": self.service_filter.currentData(),
            "designation": self.designation_filter.currentData(),
        }

    def showEvent(self, event: Any) -> None:
        """Figures are worked out afresh each time the Board is shown: audits signed off or
        actions moved elsewhere show at once (it takes milliseconds, off the UI thread)."""
        super().showEvent(event)
        self._style()
        self.reload()

    def mark_stale(self) -> None:
        if self.isVisible():
            self.reload()

    def _period_changed(self, changed: QComboBox) -> None:
        """The period never runs backwards: moving one end past the other moves both."""
        start, end = self.from_month.currentIndex(), self.to_month.currentIndex()
        if start > end:
            other = self.to_month if changed is self.from_month else self.from_month
            other.blockSignals(True)
            other.setCurrentIndex(changed.currentIndex())
            other.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        """Work the figures out in the worker; a later reload wins over an earlier one."""
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.progress.show()
        self.status_label.setText("Loading…")
        self._update_buttons()
        store = self.ctx.store
        chosen = self.filters()

        def work() -> BoardLoad:
            return load_board(
                store,
                start=str(chosen["start"]),
                end=str(chosen["end"]),
                site=chosen["site"],
                service=chosen["service"],
                designation=chosen["designation"],
            )

        def done(result: BoardLoad) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self._show_load(result)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self.loading = False
                self.progress.hide()
                self.status_label.setText("The board could not be worked out.")
                self._update_buttons()
                ui_errors.show_error(self, error)

        run_in_background(work, done, failed)

    def _show_load(self, result: BoardLoad) -> None:
        self.loading = False
        self.progress.hide()
        unchanged = self.current is not None and result == self.current
        self.current = result
        self.board = result.board
        self._fill_choices(self.site_filter, result.sites)
        self._fill_choices(self.service_filter, result.services)
        if not unchanged:  # nothing moved since last shown: keep her place in the table
            self._show_board(result.board)
        self._show_summary()
        self._update_buttons()
        self.loaded.emit()

    def _fill_choices(self, combo: QComboBox, names: Sequence[str]) -> None:
        current = combo.currentData()
        have = [combo.itemData(n) for n in range(1, combo.count())]
        wanted = list(names)
        if current is not None and current not in wanted:
            wanted.append(current)
        if have == wanted:
            return
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for name in wanted:
            combo.addItem(name, name)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        combo.blockSignals(False)

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
            for tile in self.tiles.values():
                tile.setText("")
            self.sites_label.setText("")
            self.versions_note.hide()
            return
        trust = board.trust
        mean_name = self.mean_name()
        audited = f"{trust.audited} of {plural(trust.wards, 'ward')} audited"
        self._set_tile(
            "mean",
            score_words(trust.mean) if trust.audited else "None audited",
            f"{mean_name} · {audited}",
            f"{mean_name}: {score_words(trust.mean)}, {audited}",
        )
        self._set_tile(
            "red",
            str(trust.red),
            f"{'ward' if trust.red == 1 else 'wards'} rated Red (of {trust.audited} audited)",
            f"Red wards: {trust.red} of {trust.audited} audited",
        )
        self._set_tile(
            "breaches",
            str(trust.critical_breaches),
            f"{'ward' if trust.critical_breaches == 1 else 'wards'} with a critical breach",
            f"Critical breaches: {plural(trust.critical_breaches, 'ward')} with a critical breach",
        )
        self._set_tile(
            "overdue",
            str(trust.overdue_actions),
            f"overdue action{'s' if trust.overdue_actions != 1 else ''} of {trust.open_actions} open",
            f"Overdue actions: {trust.overdue_actions} of {trust.open_actions} open",
        )
        if len(board.sites) > 1:
            words = " · ".join(
                f"<b>{html.escape(site.name)}</b> {html.escape(group_words(site))}"
                for site in board.sites
            )
            self.sites_label.setText(f"By site: {words}")
            self.sites_label.setAccessibleDescription(
                "; ".join(f"{site.name}: {group_words(site)}" for site in board.sites)
            )
        else:
            self.sites_label.setText("")
        period = self.period_words()
        self.status_label.setText(f"{plural(len(board.wards), 'ward')} · {period}")
        if board.versions_note:
            self.versions_note.setText(f"Note: {board.versions_note}.")
            self.versions_note.setAccessibleDescription(board.versions_note)
            self.versions_note.show()
        else:
            self.versions_note.hide()
        self._style()
        self._update_chart()
        self._relayout()

    def mean_name(self) -> str:
        narrowed = self.current is not None and self.current.narrowed
        return "Mean of the wards shown" if narrowed else "Trust mean"

    def period_words(self) -> str:
        return period_of(self.board) if self.board else ""

    def _set_tile(self, key: str, value: str, caption: str, spoken: str) -> None:
        size = QApplication.font().pointSizeF() * 1.6
        self.tiles[key].setText(
            f"<span style='font-size:{size:.1f}pt; font-weight:700'>{html.escape(value)}</span>"
            f"<br>{html.escape(caption)}"
        )
        self.tiles[key].setAccessibleName(spoken)

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
        for tile in self.tiles.values():
            tile.setStyleSheet(
                f"QLabel#tile {{ background: {c.base}; color: {c.text}; border: 2px solid "
                f"{c.border}; border-radius: 6px; padding: 6px 14px; }}"
            )
        self.versions_note.setStyleSheet(
            f"QLabel {{ background: {c.banner}; color: {c.banner_text}; border: 2px solid "
            f"{c.banner_border}; border-radius: 6px; padding: 4px 10px; }}"
        )

    def _fit_columns(self) -> None:
        """Widths from the words a column can hold, never by measuring every row."""
        header = self.table.horizontalHeader()
        self.table.verticalHeader().setDefaultSectionSize(row_height())
        self.heatmap.verticalHeader().setDefaultSectionSize(row_height())
        metrics = QFontMetrics(self.table.font())
        bold = QFont(self.table.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        figures = self.model.figures()
        samples = {
            BoardTableModel.WARD: [f.ward.name for f in figures],
            BoardTableModel.SITE: [f.ward.site for f in figures],
            BoardTableModel.DESIGNATION: list(DESIGNATION_WORDS.values()),
            BoardTableModel.SCORE: [NOT_AUDITED, "100.0"],
            BoardTableModel.RATING: ["Amber", "Green"],
            BoardTableModel.CRITICAL: ["Yes"],
            BoardTableModel.OPEN: ["0000"],
            BoardTableModel.OVERDUE: ["0000"],
            BoardTableModel.LAST_AUDIT: ["00/00/0000"],
        }
        sorted_column = header.sortIndicatorSection()
        for column, words in samples.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            head = max(bold_metrics.horizontalAdvance(line) for line in title.split("\n")) + 18
            if column == sorted_column:
                head += bold_metrics.height()  # room for the sort arrow
            body = max((bold_metrics.horizontalAdvance(w) for w in words), default=0) + 20
            header.resizeSection(column, max(head, body, metrics.height() * 2))
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

    # --- choosing wards for the chart -----------------------------------------------------------

    def _fill_chooser(self, board: Board) -> None:
        self._syncing = True
        self.chooser.clear()
        for figure in board.wards:
            item = QListWidgetItem(figure.ward.name)
            item.setData(Qt.ItemDataRole.UserRole, figure.ward.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(f"{figure.ward.name}, {figure.ward.site}")
            self.chooser.addItem(item)
        self._syncing = False

    def choose_wards(self, ward_ids: Sequence[str]) -> None:
        """The wards drawn on the chart; the table's selection and the list follow."""
        self._chosen = list(dict.fromkeys(ward_ids))
        self._syncing = True
        try:
            for number in range(self.chooser.count()):
                item = self.chooser.item(number)
                wanted = item.data(Qt.ItemDataRole.UserRole) in self._chosen
                item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
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
        for number in range(self.chooser.count()):
            item = self.chooser.item(number)
            wanted = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
        self._syncing = False
        self._update_chart()
        self._update_buttons()

    def _chooser_changed(self, _item: QListWidgetItem) -> None:
        if self._syncing:
            return
        ticked = [
            self.chooser.item(n).data(Qt.ItemDataRole.UserRole)
            for n in range(self.chooser.count())
            if self.chooser.item(n).checkState() == Qt.CheckState.Checked
        ]
        keep = [w for w in self._chosen if w in ticked]
        self.choose_wards(keep + [w for w in ticked if w not in keep])

    def chart_lines(self) -> list[Line]:
        board = self.board
        if board is None:
            return []
        by_id = {f.ward.id: f for f in board.wards}
        lines = [
            Line(
                by_id[ward_id].ward.name,
                by_id[ward_id].trend,
                line_colour(number),
                line_marker(number),
            )
            for number, ward_id in enumerate(w for w in self._chosen[:MAX_LINES] if w in by_id)
        ]
        name = self.mean_name()
        means = tuple(m.mean for m in monthly_means(board, board.wards))
        lines.append(Line(f"{name} (wards audited that month)", means, colours().text, "ring", 3.5))
        return lines

    def _update_chart(self) -> None:
        board = self.board
        if board is None:
            return
        self.chart.set_data(board.months, self.chart_lines(), green=self.green, amber=self.amber)
        names = [
            f.ward.name for w in self._chosen[:MAX_LINES] for f in board.wards if f.ward.id == w
        ]
        if not names:
            note = "Tick wards in the list, or select them on the Wards tab, to compare them."

        else:
            note = f"Comparing {join_words(names)} with the mean of the wards audited each month."
            if len(self._chosen) > MAX_LINES:
                note += f" The chart draws the first {MAX_LINES} of the {len(self._chosen)} wards chosen."
        self.chart_note.setText(note)
        self._fit_note()

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
            audits = self.ctx.store.audits(ward=figure.ward.id)  # one ward's: a few dozen at most
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
        self.last_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _update_buttons(self) -> None:
        ready = self.board is not None and not self.loading and not self.busy
        self.pdf_button.setEnabled(ready)
        self.xlsx_button.setEnabled(ready)
        self.export_button.setEnabled(not self.busy)
        self.import_button.setEnabled(not self.busy)
        self.audits_button.setEnabled(self.table.currentIndex().isValid())

    # --- files ----------------------------------------------------------------------------------

    def _start_folder(self) -> Path:
        if self._folder and self._folder.is_dir():
            return self._folder
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def ask_save_path(self, title: str, name: str, file_filter: str, suffix: str) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, title, str(self._start_folder() / name), file_filter
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self._folder = path.parent
        return path

    def _busy(self, text: str) -> QProgressDialog:
        progress = busy_dialog(self, text)
        self.progress_dialog = progress
        self.busy = True
        self._update_buttons()
        return progress

    def _run(
        self,
        text: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        signal: Any,
    ) -> None:
        """Slow work in the worker with a progress dialog; errors in the one dialog."""
        progress = self._busy(text)

        def finish() -> bool:
            if not shiboken6.isValid(self):  # the database was switched meanwhile
                return False
            progress.close()
            self.busy = False
            self._update_buttons()
            return True

        def done(result: Any) -> None:
            if finish():
                on_done(result)
                signal.emit(result)

        def failed(error: BaseException) -> None:
            if finish():
                signal.emit(error)
                ui_errors.show_error(self, error)

        run_in_background(work, done, failed)

    def tell(self, title: str, text: str, details: str = "") -> QMessageBox:
        """A result she should read; it does not stop the app while open."""
        box = QMessageBox(
            QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setAccessibleName(title)
        if details:
            box.setInformativeText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_message = box
        box.open()
        return box

    # --- the board report -------------------------------------------------------------------

    def save_report(self, kind: str) -> None:
        board = self.board
        if board is None or self.busy:
            return
        suffix, words, file_filter = {
            "pdf": (".pdf", "PDF", "PDF files (*.pdf)"),
            "xlsx": (".xlsx", "Excel workbook", "Excel workbooks (*.xlsx)"),
        }[kind]
        name = f"WardAudit board report {clock.today():%d-%m-%Y}{suffix}"
        path = self.ask_save_path(f"Save the board report ({words})", name, file_filter, suffix)
        if path is None:
            return
        store = self.ctx.store

        def shown(written: Path) -> None:
            self.status_label.setText(f"Board report saved: {written}")
            self.tell(
                "Board report saved",
                f"The board report for {period_of(board)} was saved as {written.name}.",
                f"It is in {written.parent}.",
            )

        self._run(
            f"Writing the board report ({words})…",
            lambda: write_board_report(store, board, path, kind),
            shown,
            self.report_written,
        )

    # --- exchange files out -----------------------------------------------------------------

    def export_exchange_file(self) -> ExportExchangeDialog | None:
        if self.busy:
            return None
        try:
            last = date.fromisoformat(self.ctx.store.setting(LAST_EXPORT_SETTING))
        except ValueError:
            last = None
        dialog = ExportExchangeDialog(last, self)
        dialog.accepted.connect(lambda: self._export_exchange_since(dialog.since()))
        self._show_dialog(dialog)
        return dialog

    def _export_exchange_since(self, since: date | None) -> None:
        name = f"WardAudit exchange {clock.today():%d-%m-%Y}{EXCHANGE_SUFFIX}"
        path = self.ask_save_path("Save the exchange file", name, EXCHANGE_FILTER, EXCHANGE_SUFFIX)
        if path is None:
            return
        store = self.ctx.store

        def shown(counts: dict[str, int]) -> None:
            try:
                store.set_setting(LAST_EXPORT_SETTING, clock.today().isoformat(), bookkeeping=True)
            except WardAuditError as error:
                log.warning("could not note the export day: %s", error)
            held = join_words(
                [
                    plural(counts.get("audits", 0), "signed-off audit"),
                    plural(counts.get("events", 0), "history event"),
                    plural(counts.get("wards", 0), "ward"),
                    plural(counts.get("photos", 0), "photo"),
                ]
            )
            since_words = f" signed off or changed since {clock.uk_date(since)}" if since else ""
            self.status_label.setText(f"Exchange file saved: {path}")
            self.tell(
                "Exchange file saved",
                f"The exchange file {path.name} holds {held}{since_words}.",
                f"It is in {path.parent}. Import it on the other laptop or in the quality "
                "team's database.",
            )

        self._run(
            "Writing the exchange file…",
            lambda: export_bundle(store, path, since=since),
            shown,
            self.exchange_exported,
        )

    # --- exchange files in ------------------------------------------------------------------

    def choose_exchange_files(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(
            self, "Import exchange files", str(self._start_folder()), EXCHANGE_FILTER
        )
        if chosen:
            self._folder = Path(chosen[0]).parent
            self.import_exchange_files([Path(p) for p in chosen])

    def import_exchange_files(self, paths: list[Path]) -> None:
        """Check each file in a dry run (nothing changes), then show what it would bring in.

        Called by the Import button and when files are dropped on the window.
        """
        paths = [Path(p) for p in paths]
        if not paths:
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
            f"Checking {files}…",
            lambda: preview_exchange_files(store, paths),
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
        self._run(
            "Importing…",
            lambda: import_exchange_files_now(store, paths, skip_conflicts=skip_conflicts),
            lambda results: self._imported(previews, results),
            self.import_finished,
        )

    def _imported(self, previews: list[FilePreview], results: list[FileResult]) -> None:
        lines = []
        changed = False
        for result in results:
            if result.plan is None:
                lines.append(f"{result.path.name}: {result.problem}.")
                continue
            if new_count(result.plan):
                changed = True
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
        headline = "The import is finished." if changed else "Nothing new was imported."
        self.status_label.setText(f"{headline} {clock.now():%H:%M}")
        self.tell("Import finished", headline, "\n".join(lines))
        if changed:
            self.data_changed.emit()
            self.reload()


def period_of(board: Board) -> str:
    if board.start == board.end:
        return month_words(board.start)
    return f"{month_words(board.start)} to {month_words(board.end)}"
