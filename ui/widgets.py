"""Small shared widgets: rating and risk chips that carry a word as well as a colour, and a
row layout that wraps so screens still fit at 200% text size."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QProgressDialog, QWidget

from wardaudit.risk import BAND_WORDS
from wardaudit.scoring import RATING_WORDS

# Colours chosen to hold in greyscale and high contrast: the word always goes with them.
RATING_COLOURS = {
    "green": ("#1b5e20", "#ffffff"),
    "amber": ("#ffb300", "#000000"),
    "red": ("#b71c1c", "#ffffff"),
    None: ("#e0e0e0", "#000000"),
}
BAND_COLOURS = {
    "low": ("#2e7d32", "#ffffff"),
    "moderate": ("#fdd835", "#000000"),
    "high": ("#ef6c00", "#000000"),
    "extreme": ("#b71c1c", "#ffffff"),
}


def _chip_style(background: str, foreground: str) -> str:
    return (
        f"QLabel {{ background: {background}; color: {foreground}; border-radius: 6px;"
        " padding: 4px 10px; font-weight: bold; border: 2px solid #000000; }"
    )


class RatingChip(QLabel):
    """A red/amber/green rating shown as colour and word ("Red"), never colour alone."""

    def __init__(self, rating: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_rating(rating)

    def set_rating(self, rating: str | None, prefix: str = "") -> None:
        word = RATING_WORDS.get(rating or "", "Not rated")
        self.setText(f"{prefix}{word}")
        self.setStyleSheet(_chip_style(*RATING_COLOURS.get(rating, RATING_COLOURS[None])))
        self.setAccessibleName(f"Rating: {word}")


class BandChip(QLabel):
    """A risk band shown as colour and word ("High")."""

    def __init__(self, band: str = "low", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_band(band)

    def set_band(self, band: str, score: int | None = None) -> None:
        word = BAND_WORDS.get(band, band.title())
        self.setText(word if score is None else f"{score} {word}")
        self.setStyleSheet(_chip_style(*BAND_COLOURS.get(band, ("#e0e0e0", "#000000"))))
        self.setAccessibleName(f"Risk band: {word}")


class FlowLayout(QLayout):
    """Lays widgets out in a row that wraps, so the header fits at 200% text size."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = area.x()
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if lines[-1] and x + hint.width() > area.right() + 1:
                lines.append([])
                x = area.x()
            lines[-1].append((item, hint))
            x += hint.width() + self._gap
        y = area.y()
        for line in lines:
            height = max((hint.height() for _, hint in line), default=0)
            x = area.x()
            for item, hint in line:
                if move:  # each widget centred in its line, so labels sit level with a chip
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), hint))
                x += hint.width() + self._gap
            y += height + self._gap
        return max(0, y - self._gap - area.y()) + margins.top() + margins.bottom()


class RowsTableModel(QAbstractTableModel):
    """A table over a list of domain objects, one a row, under named column headers.

    A header may wrap onto two lines (``HEADER_LINES``) so narrow number columns fit a
    1366 px screen, while its tooltip and screen-reader text keep the plain title.
    """

    HEADERS: ClassVar[tuple[str, ...]] = ()
    HEADER_LINES: ClassVar[dict[str, str]] = {}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        title = self.HEADERS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADER_LINES.get(title, title)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return title
        return None


def busy_dialog(parent: QWidget, text: str) -> QProgressDialog:
    """A busy indicator while work runs in the background: window-modal, so the rest of the
    app still paints, with no Cancel (the work is one transaction or one file write)."""
    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setCancelButton(None)
    progress.setWindowTitle("WardAudit")
    progress.setAccessibleName(text)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumWidth(480)
    progress.show()
    return progress
