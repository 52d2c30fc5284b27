"""The wards × sections heatmap: each cell writes the section score and is shaded by it
(darker the lower, in the report's steps), with a key that says what each shade means."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui.board.models import BoardTableModel
from ui.theme import meaning_colours
from ui.widgets.layouts import FlowLayout
from ui.widgets.tables import CENTRE, ROOT, bold_font, cell_colour
from wardaudit.board import Board, WardFigure
from wardaudit.scoring import display_score
from wardaudit.words import NONE_MARK, NOT_AUDITED, heat_range_words, rating_word


def two_lines(title: str, longest: int = 14) -> str:
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

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self._figures)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
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
            return two_lines(title)
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
            if score is not None and column == self.OVERALL:
                return f"{where}: {display_score(score)}%, rated {rating_word(figure.rating)}"
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
            return CENTRE
        colour = self._colour(figure, column, score, role)
        if colour is not None:
            return colour
        if role == Qt.ItemDataRole.FontRole and column == self.OVERALL:
            return bold_font()
        return None

    def _colour(self, figure: WardFigure, column: int, score: float | None, role: int) -> Any:
        """The overall score wears the ward's rating colour, as every view of the ward does
        (a Red ward with a critical breach is never shaded Amber for its score); a section
        score its heatmap step."""
        if column == self.OVERALL:
            swatch = meaning_colours().rating(figure.rating) if figure.rating else None
        else:
            swatch = meaning_colours().heat_step(score) if score is not None else None
        return cell_colour(role, swatch) if swatch is not None else None


def heatmap_key() -> FlowLayout:
    """What each shade means, in words beside a sample of it."""
    key = FlowLayout(spacing=6)
    intro = QLabel("Section scores (%) from each ward's latest audit; shading:")
    key.addWidget(intro)
    for lowest, upper, swatch in meaning_colours().heat_ranges():
        words = heat_range_words(lowest, upper)
        chip = QLabel(words)
        chip.setStyleSheet(
            f"QLabel {{ background: {swatch.fill}; color: {swatch.text}; border: 1px solid"
            " #000000; border-radius: 4px; padding: 2px 8px; }"
        )
        chip.setAccessibleName(f"Shading for {words}")
        key.addWidget(chip)
    key.addWidget(QLabel(f"{NONE_MARK} no score. Overall: shaded by the ward's rating."))
    return key
