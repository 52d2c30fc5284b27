"""Incidents beside the board's audit figures: each ward's incidents by month, per bed.

Worked out from the store's counts by ward, month and place for the board's own wards and
months, so the Board screen and the board report show the same figures. A ward's rate is
its incidents over the period divided by its beds, always given with both counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wardaudit.board import Board, WardFigure
from wardaudit.incidents.words import per_bed, per_bed_words
from wardaudit.model import Ward
from wardaudit.store import Store
from wardaudit.store.incidents import ImportRecord, PlaceCount


@dataclass(frozen=True)
class WardIncidents:
    """One ward's sexual safety incidents in the board's months, beside its audit figures."""

    figure: WardFigure  # the ward's audit figures for the same period
    months: tuple[int, ...]  # incidents in each month of the period
    total: int

    @property
    def ward(self) -> Ward:
        return self.figure.ward

    @property
    def beds(self) -> int | None:
        return self.ward.beds

    @property
    def per_bed(self) -> float | None:
        return per_bed(self.total, self.beds)

    @property
    def per_bed_words(self) -> str:
        return per_bed_words(self.total, self.beds)


@dataclass(frozen=True)
class IncidentBoard:
    """The board's wards and months with their incidents; the trust's totals beside them."""

    board: Board
    wards: tuple[WardIncidents, ...]  # in the board's order
    months: tuple[int, ...]  # every ward of the board together, by month
    total: int
    counts: tuple[PlaceCount, ...]  # what the figures are made of (ward, month, place)
    held: int  # incidents held at all, whatever the period
    last_import: ImportRecord | None
    latest: date | None  # the date of the latest incident held

    @property
    def beds(self) -> int:
        """The beds of the wards whose beds are recorded."""
        return sum(w.beds or 0 for w in self.wards)

    @property
    def wards_without_beds(self) -> tuple[str, ...]:
        return tuple(w.ward.name for w in self.wards if not w.beds)

    @property
    def per_bed(self) -> float | None:
        counted = sum(w.total for w in self.wards if w.beds)
        return per_bed(counted, self.beds)

    def ward(self, ward_id: str) -> WardIncidents | None:
        return next((w for w in self.wards if w.ward.id == ward_id), None)


def incident_board(store: Store, board: Board) -> IncidentBoard:
    """The incidents on the board's wards in its months, by ward and month."""
    counts = tuple(store.incidents.counts(board.start, board.end))
    index = {month: n for n, month in enumerate(board.months)}
    ids = {f.ward.id for f in board.wards}
    by_ward: dict[str, list[int]] = {ward_id: [0] * len(board.months) for ward_id in ids}
    for found in counts:
        if found.ward_id in ids:
            by_ward[found.ward_id][index[found.month]] += found.count
    wards = tuple(
        WardIncidents(f, tuple(by_ward[f.ward.id]), sum(by_ward[f.ward.id])) for f in board.wards
    )
    months = tuple(sum(w.months[n] for w in wards) for n in range(len(board.months)))
    return IncidentBoard(
        board=board,
        wards=wards,
        months=months,
        total=sum(months),
        counts=tuple(c for c in counts if c.ward_id in ids),
        held=store.incidents.count(),
        last_import=store.incidents.last_import(),
        latest=store.incidents.latest_date(),
    )
