"""The Actions screen's filters: site, ward, owner, band, status and "Overdue only".

The status starts at "Still to do" (open or in progress), as the estates work list does;
every other status, and all of them, are one choice away. The boxes keep what she chose
when the actions are loaded again; choosing a site narrows the wards offered to that site's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from ui.theme import MIN_TOUCH_PX, touch_button
from ui.widgets.layouts import labelled
from wardaudit.actions import STILL_TO_DO_FILTER, WorkListFilters
from wardaudit.model import ACTION_STATUSES, Action, Ward
from wardaudit.risk import BAND_ORDER
from wardaudit.words import STILL_TO_DO_WORDS, band_word, status_word


@dataclass(frozen=True)
class FilterBox:
    """A filter box and the holder that keeps its label with it when the row wraps."""

    box: QComboBox
    holder: QWidget


class ActionFilterControls(QObject):
    """The filter boxes, the "Overdue only" tick and "Clear filters"; ``changed`` says when
    she chose something (not when the boxes are refilled)."""

    changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._filling = False
        self._wards: list[Ward] = []
        self.site_box = self._combo("Site", "Show the actions of one site", 10)
        self.ward_box = self._combo("Ward", "Show the actions of one ward", 9)
        self.owner_box = self._combo("Owner", "Show the actions one team owns", 9)
        self.band_box = self._combo("Band", "Show the actions of one risk band", 6)
        self.status_box = self._combo("Status", "Show the actions with one status", 9)
        self.overdue_check = QCheckBox("&Overdue only")
        self.overdue_check.setAccessibleName("Overdue only")
        self.overdue_check.setToolTip("Show only actions past their due date and not yet done")
        self.overdue_check.setMinimumHeight(MIN_TOUCH_PX)
        self.overdue_check.toggled.connect(self._chosen)
        self.clear_button = touch_button(
            "Clear filters", tooltip="Show every action still to do again, on every ward"
        )
        self.clear_button.clicked.connect(self.clear)
        self._fill_fixed()

    def wards(self) -> list[Ward]:
        """The wards the boxes were last filled with."""
        return list(self._wards)

    def boxes(self) -> list[FilterBox]:
        return [self.site_box, self.ward_box, self.owner_box, self.band_box, self.status_box]

    def _combo(self, name: str, tooltip: str, characters: int) -> FilterBox:
        box = QComboBox()
        box.setAccessibleName(f"{name} filter")
        box.setToolTip(tooltip)
        box.setMinimumHeight(MIN_TOUCH_PX)
        # A steady width, so the row does not jump as names load; the list opens wider.
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(characters)
        box.currentIndexChanged.connect(self._chosen)
        return FilterBox(box, labelled(f"{name}:", box))

    def _fill_fixed(self) -> None:
        self._filling = True
        try:
            self.band_box.box.addItem("All bands", None)
            for band in BAND_ORDER:
                self.band_box.box.addItem(band_word(band), band)
            self.status_box.box.addItem(STILL_TO_DO_WORDS, STILL_TO_DO_FILTER)
            self.status_box.box.addItem("All statuses", None)
            for status in ACTION_STATUSES:
                self.status_box.box.addItem(status_word(status), status)
            self.status_box.box.setCurrentIndex(0)
            for combo, everything in (
                (self.site_box, "All sites"),
                (self.ward_box, "All wards"),
                (self.owner_box, "All owners"),
            ):
                combo.box.addItem(everything, None)
        finally:
            self._filling = False

    def fill(self, wards: list[Ward], actions: list[Action]) -> list[str]:
        """Sites, wards and owners as they are now, keeping what she had chosen; returns
        the owners named (for the update form's suggestions)."""
        self._wards = wards
        self._filling = True
        try:
            sites = sorted({ward.site for ward in wards}, key=str.casefold)
            self._refill(self.site_box.box, "All sites", [(site, site) for site in sites])
            self._fill_wards()
            owners = sorted({a.owner for a in actions}, key=str.casefold)
            self._refill(
                self.owner_box.box,
                "All owners",
                [(owner or "Not set", owner) for owner in owners],
            )
        finally:
            self._filling = False
        return owners

    def _fill_wards(self) -> None:
        site = self.site_box.box.currentData()
        wards = sorted(
            (w for w in self._wards if site is None or w.site == site),
            key=lambda w: w.name.casefold(),
        )
        self._refill(self.ward_box.box, "All wards", [(w.name, w.id) for w in wards])

    @staticmethod
    def _refill(box: QComboBox, everything: str, choices: list[tuple[str, Any]]) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for text, value in choices:
            box.addItem(text, value)
        found = box.findData(chosen) if chosen is not None else 0
        box.setCurrentIndex(max(0, found))
        box.blockSignals(False)
        view = box.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * MIN_TOUCH_PX)

    def current(self) -> WorkListFilters:
        """The filters chosen, as a work list takes them (its ward by id)."""
        return WorkListFilters(
            site=self.site_box.box.currentData(),
            ward=self.ward_box.box.currentData(),
            owner=self.owner_box.box.currentData(),
            band=self.band_box.box.currentData(),
            status=self.status_box.box.currentData(),
            overdue_only=self.overdue_check.isChecked(),
        )

    def choose(
        self,
        *,
        site: str | None = None,
        ward: str | None = None,
        owner: str | None = None,
        band: str | None = None,
        status: str | None = STILL_TO_DO_FILTER,
        overdue_only: bool = False,
    ) -> None:
        """Choose filters as she would in the boxes (a ward by its id or name); the status
        is still to do unless another (or None, for all) is chosen."""
        self._filling = True
        try:
            self.site_box.box.setCurrentIndex(max(0, self.site_box.box.findData(site)))
            self._fill_wards()
            ward_index = self.ward_box.box.findData(ward) if ward else 0
            if ward and ward_index < 0:
                ward_index = self.ward_box.box.findText(ward)
            self.ward_box.box.setCurrentIndex(max(0, ward_index))
            self.owner_box.box.setCurrentIndex(
                max(0, self.owner_box.box.findData(owner)) if owner is not None else 0
            )
            self.band_box.box.setCurrentIndex(max(0, self.band_box.box.findData(band)))
            self.status_box.box.setCurrentIndex(max(0, self.status_box.box.findData(status)))
            self.overdue_check.setChecked(overdue_only)
        finally:
            self._filling = False
        self.changed.emit()

    def clear(self) -> None:
        self.choose()

    def _chosen(self, *_args: object) -> None:
        if self._filling:
            return
        if self.sender() is self.site_box.box:
            self._filling = True
            try:
                self._fill_wards()
            finally:
                self._filling = False
        self.changed.emit()
