"""The Board's tables: every ward's figure for the period, one ward's audits, and the proxy
that keeps wards not audited last whichever way a column is sorted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from ui.theme import colours, meaning_colours
from ui.widgets.tables import (
    CENTRE,
    LEFT,
    RIGHT,
    RowsTableModel,
    bold_font,
    cell_colour,
)
from wardaudit import clock
from wardaudit.board import Board, WardFigure, rating_rank
from wardaudit.model import AuditSummary
from wardaudit.scoring import display_score
from wardaudit.words import (
    NONE_MARK,
    NOT_AUDITED,
    NOT_IN_PREVIOUS_PERIOD,
    audit_status_word,
    breach_words,
    change_words,
    date_words,
    month_words,
    rating_word,
    score_words,
    trend_words,
    ward_rating_words,
)


class BoardTableModel(RowsTableModel):
    """Every ward's figure for the period; the proxy sorts on ``SORT_ROLE`` (None is "no value"
    and always sorts last), screens read the figure under ``FIGURE_ROLE``."""

    (
        WARD,
        SITE,
        DESIGNATION,
        SCORE,
        RATING,
        CRITICAL,
        OPEN,
        OVERDUE,
        LAST_AUDIT,
        SINCE_AUDIT,
        SINCE_PERIOD,
        TREND,
    ) = range(12)
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
        "Since previous audit",
        "Since previous period",
        "Trend",
    )
    HEADER_LINES: ClassVar[dict[str, str]] = {
        "Score (%)": "Score\n(%)",
        "Critical breach": "Critical\nbreach",
        "Open actions": "Open\nactions",
        "Overdue actions": "Overdue\nactions",
        "Last audit": "Last\naudit",
        "Since previous audit": "Since previous\naudit",
        "Since previous period": "Since previous\nperiod",
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
        self._months = board.months if board else ()
        self.set_rows(board.wards if board else ())

    def figures(self) -> list[WardFigure]:
        return self.rows()

    def row_for_ward(self, ward_id: str) -> int:
        return self.find_row(lambda figure: figure.ward.id == ward_id)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        figure = self.row_at(index)
        if figure is None:
            return None
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
                return RIGHT
            return CENTRE if column in self._CENTRED_COLUMNS else LEFT
        if column == self.RATING and figure.rating:
            colour = cell_colour(role, meaning_colours().rating(figure.rating))
            if colour is not None:
                return colour
        if role == Qt.ItemDataRole.FontRole and (
            (column == self.RATING and figure.audited)
            or (column == self.CRITICAL and figure.critical_breach)
            or (column == self.OVERDUE and figure.overdue_actions)
        ):
            return bold_font()
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column in (self.SCORE, self.RATING)
            and not figure.audited
        ):
            return QColor(colours().muted)  # "Not audited", never a figure
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
            return ward_rating_words(figure)
        if column == cls.CRITICAL:
            return breach_words(figure)
        if column == cls.OPEN:
            return str(figure.open_actions)
        if column == cls.OVERDUE:
            return str(figure.overdue_actions)
        if column == cls.LAST_AUDIT:
            return date_words(figure.completed_at) or NONE_MARK
        if column == cls.SINCE_AUDIT:
            return change_words(figure.since_audit) if figure.audited else NONE_MARK
        if column == cls.SINCE_PERIOD:
            if not figure.audited:
                return NONE_MARK
            return change_words(figure.since_period, NOT_IN_PREVIOUS_PERIOD)
        if column == cls.TREND:
            return trend_words(figure.trend)
        return ""

    @classmethod
    def spoken(cls, figure: WardFigure, column: int) -> str:
        """What a screen reader says: words for every dash."""
        if not figure.audited and column in (
            cls.SCORE,
            cls.RATING,
            cls.LAST_AUDIT,
            cls.SINCE_AUDIT,
            cls.SINCE_PERIOD,
        ):
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
            # The board's ranking: Red with a critical breach, Red, Amber, Green; the lowest
            # score first within each (wardaudit.board.ranked)
            if figure.rating is None:
                return None
            return rating_rank(figure) * 1000.0 + (figure.score or 0.0)
        if column == cls.SINCE_AUDIT:
            return figure.since_audit.points if figure.since_audit else None
        if column == cls.SINCE_PERIOD:
            return figure.since_period.points if figure.since_period else None
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
                lines.append(f"{month_words(month, short=True)}: {score_words(value, 'no audit')}")
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


class AuditListModel(RowsTableModel):
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
        self._rows = list(audits)
        self.counted = counted
        self.titles = checklist_titles

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        audit = self.row_at(index)
        if audit is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.DATE:
                return clock.uk_date(audit.completed_at or audit.started_at)
            if column == self.STATUS:
                word = audit_status_word(audit.status)
                if audit.status == "in_progress":
                    word += f" ({audit.answered} of {audit.applicable} answered)"
                return word
            if column == self.SCORE:
                return display_score(audit.overall)
            if column == self.RATING:
                return rating_word(audit.rating) if audit.rating else NONE_MARK
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
            colour = cell_colour(role, meaning_colours().rating(audit.rating))
            if colour is not None:
                return colour
        if role == Qt.ItemDataRole.FontRole and (audit.id == self.counted or column == self.RATING):
            return bold_font()
        return None
