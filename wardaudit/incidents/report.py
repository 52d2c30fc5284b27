"""The board report's page of incidents beside the environment, as it may be published.

One page (a sheet in the workbook) with the same figures as the Board: the trust's
incidents by month beside its mean audit score, each ward's incidents over the period
beside its score with incidents per bed, and each ward's hotspots (incidents by place over
the twelve months to the end of the period, beside the findings by location in its latest
audits). Board papers are often public, so small counts are suppressed by default
(``wardaudit.incidents.disclosure``): every figure here is a cell of one protected page,
so no suppressed count can be worked out from the totals printed beside it. The PDF and
the workbook print this, and nothing else, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wardaudit import clock
from wardaudit.board import Board, MonthFigure, WardFigure, monthly_means
from wardaudit.incidents.disclosure import DEFAULT_THRESHOLD, Protected, protect
from wardaudit.incidents.figures import IncidentBoard, incident_board
from wardaudit.incidents.hotspots import (
    NO_LOCATION,
    NO_PLACE,
    Hotspot,
    PlaceNames,
    WardHotspots,
    hotspots_from,
    latest_audits,
    window,
)
from wardaudit.incidents.words import (
    NO_CORRELATION,
    NOT_APPLICABLE,
    PER_BED_RULE,
    UNDER_REPORTING,
    actions_words,
    per_bed,
    per_bed_words,
)
from wardaudit.model import Ward
from wardaudit.store import Store
from wardaudit.words import month_words, period_words, plural

OTHER = "\x00elsewhere"  # a ward's places not listed one by one, and incidents with no place
OTHER_WORDS = "Elsewhere on the ward, or place not recorded"


@dataclass(frozen=True)
class ReportMonth:
    month: str
    incidents: int | None  # None where suppressed or withheld
    incidents_words: str
    score: MonthFigure


@dataclass(frozen=True)
class ReportWard:
    figure: WardFigure
    incidents: int | None
    incidents_words: str
    per_bed_words: str

    @property
    def per_bed(self) -> float | None:
        """Incidents per bed, only where the count is shown and the beds are known."""
        return None if self.incidents is None else per_bed(self.incidents, self.ward.beds)

    @property
    def ward(self) -> Ward:
        return self.figure.ward


@dataclass(frozen=True)
class ReportPlace:
    place: str
    incidents: int | None  # None where suppressed, withheld, or not a place incidents have
    incidents_words: str
    no: int  # findings answered No
    partly: int
    actions_words: str  # the findings' actions by status: "2 open, 1 done"
    both: bool  # incidents (shown) and findings in the same place


@dataclass(frozen=True)
class ReportHotspots:
    ward: Ward
    audits_words: str  # which audits the findings come from
    places: tuple[ReportPlace, ...]


@dataclass(frozen=True)
class IncidentPage:
    """Everything the page prints, as text and values, suppression applied."""

    period: str
    window_words: str  # the twelve months of the hotspots
    source_words: str
    months: tuple[ReportMonth, ...]
    wards: tuple[ReportWard, ...]
    trust_words: str  # the trust's (or the wards shown) incidents and rate per bed
    hotspots: tuple[ReportHotspots, ...]
    statements: tuple[str, ...]  # under-reporting, no correlation, per bed, suppression
    threshold: int | None
    protected: Protected
    figures: IncidentBoard

    @property
    def suppressed(self) -> bool:
        return self.threshold is not None


def suppression_words(threshold: int | None) -> str:
    """What the page says about small numbers."""
    if threshold is None:
        return (
            "Small numbers are not suppressed in this report: it is not for publication as it "
            "stands."
        )
    return (
        f"Small numbers are suppressed so that this report may be published: every incident "
        f"count below {threshold}, nought included, is shown as 'fewer than {threshold}', and "
        f"where a total or another count beside it would let a suppressed count be worked "
        f"out by subtraction, that figure is withheld too (a withheld figure is {threshold} "
        f"or more). Rates are shown only for counts that are shown."
    )


class _Layout:
    """Which rows each ward's hotspots print, and the atom each incident count falls in."""

    def __init__(self, hotspots: dict[str, WardHotspots], threshold: int | None) -> None:
        self.rows: dict[str, list[Hotspot]] = {}
        self.group: dict[tuple[str, str], str] = {}  # (ward id, place key) → row key
        for ward_id, spots in hotspots.items():
            listed = []
            for spot in spots.places:
                if spot.key == NO_LOCATION:
                    listed.append(spot)
                    continue
                # What decides a row is public: findings, or a count that will be printed.
                one_by_one = threshold is None or (
                    spot.key != NO_PLACE and (spot.findings or spot.incidents >= threshold)
                )
                if one_by_one:
                    listed.append(spot)
                    self.group[(ward_id, spot.key)] = spot.key
                else:
                    self.group[(ward_id, spot.key)] = OTHER
            self.rows[ward_id] = listed

    def group_of(self, ward_id: str, key: str) -> str:
        return self.group.get((ward_id, key), OTHER)


def incident_page(
    store: Store,
    board: Board,
    *,
    threshold: int | None = DEFAULT_THRESHOLD,
    today: date | None = None,
) -> IncidentPage | None:
    """The page for the board's period and wards; None when no incident is held at all."""
    figures = incident_board(store, board)
    if figures.held == 0:
        return None
    first, last = window(board.end)
    counts = list(store.incidents.counts(min(first, board.start), board.end))
    ward_ids = [f.ward.id for f in board.wards]
    hotspots: dict[str, WardHotspots] = {}
    for figure in board.wards:
        spots = hotspots_from(figure.ward, counts, latest_audits(store, figure.ward), first, last)
        if spots.places:
            hotspots[figure.ward.id] = spots
    layout = _Layout(hotspots, threshold)
    names = {f.ward.id: PlaceNames(f.ward) for f in board.wards}
    atoms: dict[tuple[str, str, str], int] = {}
    for found in counts:
        if found.ward_id not in names:
            continue
        key = names[found.ward_id].key(found.place, empty=NO_PLACE)
        atom = (found.ward_id, found.month, layout.group_of(found.ward_id, key))
        atoms[atom] = atoms.get(atom, 0) + found.count
    period = set(board.months)
    months = sorted(period | set(_months_between(first, last)))

    def cells_of(atom: tuple[str, str, str]) -> list[tuple[str, ...]]:
        ward_id, month, group = atom
        found: list[tuple[str, ...]] = []
        if month in period:
            found += [("ward", ward_id), ("month", month), ("trust",)]
        if first <= month <= last:
            found.append(("place", ward_id, group))
        return found

    cells: list[tuple[str, ...]] = [("trust",), *(("month", m) for m in board.months)]
    cells += [("ward", w) for w in ward_ids]
    groups: dict[str, list[str]] = {}
    for ward_id, rows in layout.rows.items():
        keys = [row.key for row in rows if row.key != NO_LOCATION]
        if threshold is not None:
            keys.append(OTHER)
        groups[ward_id] = keys
        cells += [("place", ward_id, key) for key in keys]
    possible = [
        (ward_id, month, group)
        for ward_id in ward_ids
        for month in months
        for group in groups.get(ward_id, [OTHER])
    ]
    protected = protect(atoms, cells, cells_of, threshold=threshold, possible=possible)

    def value(cell: tuple[str, ...]) -> tuple[int | None, str]:
        return protected.shown(cell), protected.words(cell)

    scores = monthly_means(board, board.wards)
    report_months = tuple(
        ReportMonth(month, *value(("month", month)), score)
        for month, score in zip(board.months, scores, strict=True)
    )
    report_wards = []
    for figure in board.wards:
        shown, words = value(("ward", figure.ward.id))
        report_wards.append(
            ReportWard(figure, shown, words, _rate_words(shown, words, figure.ward.beds))
        )
    trust_shown, trust_words = value(("trust",))
    report_hotspots = tuple(
        _hotspots_rows(hotspots[ward_id], layout.rows[ward_id], groups[ward_id], protected)
        for ward_id in ward_ids
        if ward_id in hotspots
    )
    return IncidentPage(
        period=period_words(board.start, board.end),
        window_words=period_words(first, last),
        source_words=_source_words(figures, today or clock.today()),
        months=report_months,
        wards=tuple(report_wards),
        trust_words=_trust_words(figures, trust_shown, trust_words),
        hotspots=report_hotspots,
        statements=(UNDER_REPORTING, NO_CORRELATION, PER_BED_RULE, suppression_words(threshold)),
        threshold=threshold,
        protected=protected,
        figures=figures,
    )


def _months_between(first: str, last: str) -> list[str]:
    found = []
    year, month = (int(p) for p in first.split("-"))
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _rate_words(shown: int | None, words: str, beds: int | None) -> str:
    if shown is not None:
        return per_bed_words(shown, beds)
    beds_words = plural(beds, "bed") if beds else "beds not recorded"
    return f"not shown ({words} incidents; {beds_words})"


def _trust_words(figures: IncidentBoard, shown: int | None, words: str) -> str:
    wards = plural(len(figures.wards), "ward")
    if shown is None:
        return f"{words.capitalize()} incidents on the {wards} over the period; no rate shown."
    if figures.wards_without_beds:
        return (
            f"{plural(shown, 'incident')} on the {wards} over the period; no rate for them all, "
            f"as {plural(len(figures.wards_without_beds), 'ward')} have no beds recorded."
        )
    return f"{per_bed_words(shown, figures.beds)} on the {wards} over the period."


def _source_words(figures: IncidentBoard, today: date) -> str:
    last = figures.last_import
    parts = []
    if last is not None:
        parts.append(
            f"Incidents as imported from the trust's risk-management system on "
            f"{clock.uk_date(last.at)} ({last.source})"
        )
    if figures.latest is not None:
        parts.append(f"the latest incident held is dated {clock.uk_date(figures.latest)}")
    board_end = figures.board.end
    if figures.latest is not None and figures.latest.strftime("%Y-%m") < board_end:
        parts.append(
            f"months after {month_words(figures.latest.strftime('%Y-%m'))} may not yet be complete"
        )
    return "; ".join(parts) + "." if parts else ""


def _hotspots_rows(
    spots: WardHotspots, rows: list[Hotspot], keys: list[str], protected: Protected
) -> ReportHotspots:
    found: list[ReportPlace] = []
    for row in rows:
        if row.key == NO_LOCATION:
            incidents, words = None, NOT_APPLICABLE
        else:
            cell = ("place", spots.ward.id, row.key)
            incidents, words = protected.shown(cell), protected.words(cell)
        found.append(
            ReportPlace(
                place=row.words,
                incidents=incidents,
                incidents_words=words,
                no=sum(1 for f in row.findings if f.answer == "no"),
                partly=sum(1 for f in row.findings if f.answer == "partial"),
                actions_words=actions_words(f.action_status for f in row.findings),
                both=bool(incidents) and bool(row.findings),
            )
        )
    if OTHER in keys:
        cell = ("place", spots.ward.id, OTHER)
        found.append(
            ReportPlace(
                OTHER_WORDS,
                protected.shown(cell),
                protected.words(cell),
                0,
                0,
                NOT_APPLICABLE,
                False,
            )
        )
    # Ordered by what the page prints, never by a count it does not: places where both
    # occur, then places with findings, then by the incidents shown; the rest last.
    ordered = sorted(
        found,
        key=lambda p: (
            p.place == OTHER_WORDS or (p.incidents_words == NOT_APPLICABLE and not p.no + p.partly),
            not p.both,
            not (p.no + p.partly),
            -(p.incidents or 0),
            -(p.no + p.partly),
            p.place.casefold(),
        ),
    )
    audits = "; ".join(f"{a.checklist}, signed off {clock.uk_date(a.day)}" for a in spots.audits)
    return ReportHotspots(spots.ward, audits or "no signed-off audit", tuple(ordered))
