"""The Board's filters: the period (from and to, a month each) and the site, service and
designation of the wards compared. The period never runs backwards."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from ui.widgets.layouts import FlowLayout, labelled
from wardaudit import clock
from wardaudit.board import BoardChoice, default_period
from wardaudit.checklist import DESIGNATION_WORDS, DESIGNATIONS
from wardaudit.words import month_words

MONTHS_OFFERED = 6 * 12  # the period pickers reach back six years


def month_range(months: int) -> list[str]:
    """The last ``months`` months, oldest first, as "YYYY-MM"."""
    today = clock.today()
    year, month = today.year, today.month
    found = []
    for _ in range(months):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(found))


def _month_picker(name: str, months: list[str], chosen: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for month in months:
        combo.addItem(month_words(month, short=True), month)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.setMaxVisibleItems(14)
    return combo


def _choice(name: str, everything: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(everything, None)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class BoardFilters(QObject):
    """The filter boxes; ``changed`` says she chose another period or group of wards."""

    changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        months = month_range(MONTHS_OFFERED)
        start, end = default_period()
        self.from_month = _month_picker("Period from", months, start)
        self.to_month = _month_picker("Period to", months, end)
        self.site_filter = _choice("Site", "All sites")
        self.service_filter = _choice("Service type", "All services")
        self.designation_filter = _choice("Designation", "All designations")
        for sex in DESIGNATIONS:
            self.designation_filter.addItem(DESIGNATION_WORDS[sex], sex)
        self.from_month.currentIndexChanged.connect(
            lambda _n: self._period_changed(self.from_month)
        )
        self.to_month.currentIndexChanged.connect(lambda _n: self._period_changed(self.to_month))
        for combo in (self.site_filter, self.service_filter, self.designation_filter):
            combo.currentIndexChanged.connect(lambda _n: self.changed.emit())

    def row(self) -> FlowLayout:
        filters = FlowLayout(spacing=14)
        filters.addWidget(labelled("&From", self.from_month))
        filters.addWidget(labelled("t&o", self.to_month))
        filters.addWidget(labelled("&Site", self.site_filter))
        filters.addWidget(labelled("Ser&vice", self.service_filter))
        filters.addWidget(labelled("&Designation", self.designation_filter))
        return filters

    def controls(self) -> list[QComboBox]:
        """In the order Tab reaches them."""
        return [
            self.from_month,
            self.to_month,
            self.site_filter,
            self.service_filter,
            self.designation_filter,
        ]

    def choice(self) -> BoardChoice:
        """The board the boxes ask for: its months and the wards compared."""
        return BoardChoice(
            start=self.from_month.currentData(),
            end=self.to_month.currentData(),
            site=self.site_filter.currentData(),
            service=self.service_filter.currentData(),
            designation=self.designation_filter.currentData(),
        )

    def _period_changed(self, changed: QComboBox) -> None:
        """The period never runs backwards: moving one end past the other moves both."""
        start, end = self.from_month.currentIndex(), self.to_month.currentIndex()
        if start > end:
            other = self.to_month if changed is self.from_month else self.from_month
            other.blockSignals(True)
            other.setCurrentIndex(changed.currentIndex())
            other.blockSignals(False)
        self.changed.emit()

    @staticmethod
    def offer(combo: QComboBox, names: Sequence[str]) -> None:
        """Offer ``names`` after "All ...", keeping her choice (even one no longer there)."""
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
