"""The Wards screen's table: each ward with its latest score, rating and open actions.

The figures are the core's (:func:`wardaudit.views.ward_overview`, worked out off the UI
thread); the model shows them in words, sorts them on keys of their own and keeps the
rating's colour with its word.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QWidget

from ui.theme import meaning_colours
from ui.widgets.tables import (
    CENTRE,
    LEFT,
    RIGHT,
    RowsTableModel,
    bold_font,
    cell_colour,
    change_filter,
)
from wardaudit import clock
from wardaudit.scoring import display_score
from wardaudit.views import WardOverview
from wardaudit.words import NOT_AUDITED, rating_word

# --- the table model --------------------------------------------------------------------------


class WardTableModel(RowsTableModel):
    """Wards as table rows (each a :class:`WardOverview`); the proxy sorts on ``SORT_ROLE``,
    screens read ``ROW_ROLE``."""

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
    HEADER_LINES: ClassVar[dict[str, str]] = {
        "Last audit": "Last\naudit",
        "Critical breaches": "Critical\nbreaches",
        "Open actions": "Open\nactions",
        "Overdue actions": "Overdue\nactions",
    }
    _NUMBER_COLUMNS = frozenset({SCORE, CRITICAL, OPEN_ACTIONS, OVERDUE_ACTIONS, BEDS})

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1
    ROW_ROLE = Qt.ItemDataRole.UserRole + 2
    SITE_ROLE = Qt.ItemDataRole.UserRole + 3

    _rows: list[WardOverview]

    def row_for_ward(self, ward_id: str) -> int:
        return self.find_row(lambda row: row.ward.id == ward_id)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
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
                return RIGHT
            return CENTRE if column == self.RATING else LEFT
        if column == self.RATING and row.rating:
            colour = cell_colour(role, meaning_colours().rating(row.rating))
            if colour is not None:
                return colour
        if role == Qt.ItemDataRole.FontRole and (
            column == self.RATING
            or (column == self.CRITICAL and bool(row.critical_breaches))
            or (column == self.OVERDUE_ACTIONS and row.overdue_actions)
        ):
            return bold_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.SERVICE and row.ward.service:
                return row.ward.service  # the column may be too narrow to show it whole
            return self._tooltip(row)
        return None

    @staticmethod
    def _text(row: WardOverview, column: int) -> str:
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
            return clock.uk_date(row.last_audit_at) if row.last_audit_at else NOT_AUDITED
        if column == WardTableModel.SCORE:
            return display_score(row.score) if row.audited else ""
        if column == WardTableModel.RATING:
            return rating_word(row.rating)
        if column == WardTableModel.CRITICAL:
            return str(len(row.critical_breaches)) if row.audited else ""
        if column == WardTableModel.OPEN_ACTIONS:
            return str(row.open_actions)
        if column == WardTableModel.OVERDUE_ACTIONS:
            return str(row.overdue_actions)
        return ""

    @staticmethod
    def _sort_key(row: WardOverview, column: int) -> Any:
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
            return row.last_audit_at or ""
        if column == WardTableModel.SCORE:
            return -1.0 if row.score is None else row.score
        if column == WardTableModel.RATING:
            # Red, amber, green, then not rated; the lowest score first within each.
            rank = {"red": 0, "amber": 1, "green": 2}
            if row.rating is None:
                return 3000.0
            return rank[row.rating] * 1000.0 + (row.score or 0.0)
        if column == WardTableModel.CRITICAL:
            return len(row.critical_breaches) if row.audited else -1
        if column == WardTableModel.OPEN_ACTIONS:
            return row.open_actions
        if column == WardTableModel.OVERDUE_ACTIONS:
            return row.overdue_actions
        return ""

    @staticmethod
    def _tooltip(row: WardOverview) -> str:
        parts = [f"{row.ward.name}, {row.ward.site}"]
        if row.in_progress:
            parts.append(
                f"Audit in progress: {row.in_progress.answered} of "
                f"{row.in_progress.applicable} answered"
            )
        if not row.audited:
            parts.append("No completed audit yet")
        return "\n".join(parts)


class WardFilterModel(QSortFilterProxyModel):
    """Shows the wards of one site (or all), sorted on the model's sort role."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._site: str | None = None
        self.setSortRole(WardTableModel.SORT_ROLE)

    def set_site(self, site: str | None) -> None:
        def apply() -> None:
            self._site = site

        change_filter(self, apply)

    def site(self) -> str | None:
        return self._site

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._site is None:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return bool(index.data(WardTableModel.SITE_ROLE) == self._site)
