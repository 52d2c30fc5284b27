"""A ward's recent incidents by place, as the matron starts its audit: counts only.

Where the database holds the incidents (the quality team's), they are counted here; on a
ward laptop the counts are those the latest exchange file from the quality team brought.
Places are named as the ward names its areas, so she can look harder where incidents
happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wardaudit import clock
from wardaudit.incidents.hotspots import NO_PLACE, PlaceNames, this_month, window
from wardaudit.incidents.words import PLACE_NOT_RECORDED
from wardaudit.model import Ward
from wardaudit.store import Store
from wardaudit.words import period_words, plural

RECENT_HINT = (
    "Look harder where incidents happen. Incidents are under-reported: a place with none "
    "recorded is not necessarily a place where none happen."
)


@dataclass(frozen=True)
class RecentPlace:
    place: str  # as the ward names its area; "" where the export gave no place
    count: int

    @property
    def words(self) -> str:
        return f"{self.place or PLACE_NOT_RECORDED}: {self.count}"


@dataclass(frozen=True)
class RecentIncidents:
    ward: Ward
    first_month: str
    last_month: str
    as_of: str | None  # when the counts were imported (an exchange file's), None when held
    places: tuple[RecentPlace, ...]  # most first

    @property
    def total(self) -> int:
        return sum(p.count for p in self.places)

    def heading(self) -> str:
        when = period_words(self.first_month, self.last_month)
        count = (
            plural(self.total, "sexual safety incident")
            if self.total
            else "No sexual safety incidents"
        )
        return f"{count} recorded on {self.ward.name}, {when}"

    def source_words(self) -> str:
        if self.as_of is None:
            return "Counted from the incidents held in this database."
        return (
            f"From the quality team's incident figures, as imported on "
            f"{clock.uk_date(self.as_of)} and brought by an exchange file."
        )


def _ordered(counts: dict[str, int], names: PlaceNames) -> tuple[RecentPlace, ...]:
    places = [
        RecentPlace("" if key == NO_PLACE else names.name(key), n) for key, n in counts.items()
    ]
    return tuple(sorted(places, key=lambda p: (not p.place, -p.count, p.place.casefold())))


def recent_incidents(
    store: Store, ward_ref: str, *, today: date | None = None
) -> RecentIncidents | None:
    """The ward's incidents by place over the last twelve months, or None when nothing is
    known of them (no incident held here at all, and no counts brought for the ward)."""
    ward = store.wards.get(ward_ref)
    names = PlaceNames(ward)
    counts: dict[str, int] = {}
    if store.incidents.count():
        first, last = window(this_month(today))
        for place, n in store.incidents.counts_by_place(ward.id, first, last).items():
            key = names.key(place, empty=NO_PLACE)
            counts[key] = counts.get(key, 0) + n
        return RecentIncidents(ward, first, last, None, _ordered(counts, names))
    snapshot = store.incidents.snapshot(ward.id)
    if snapshot is None:
        return None
    for place, _month, n in snapshot.counts:
        key = names.key(place, empty=NO_PLACE)
        counts[key] = counts.get(key, 0) + n
    return RecentIncidents(
        ward, snapshot.first_month, snapshot.last_month, snapshot.as_of, _ordered(counts, names)
    )
