"""The board's figures: each ward's latest score in a period, site and trust means, trends.

The rules are DESIGN.md's: a ward's score for a period is its latest completed audit in
that period; a site's or the trust's figure is the mean of its wards' scores, shown with
the number of wards; a ward with no audit in the period is not audited, never zero; and
when the wards compared used different checklist versions, the figures say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import fmean

from wardaudit import clock
from wardaudit.errors import InvalidInput
from wardaudit.model import Ward
from wardaudit.store import Store


@dataclass(frozen=True)
class WardFigure:
    ward: Ward
    audit_id: str | None
    completed_at: str | None
    score: float | None
    rating: str | None
    critical_breach: bool
    checklist: str | None  # "title v1" of the audit counted
    sections: dict[str, float | None]
    open_actions: int
    overdue_actions: int
    trend: tuple[float | None, ...]  # the latest score in each month of the period

    @property
    def audited(self) -> bool:
        return self.audit_id is not None


@dataclass(frozen=True)
class GroupFigure:
    """A site's or the trust's figure: the mean of its audited wards' scores, with n."""

    name: str
    mean: float | None
    audited: int
    wards: int
    red: int
    critical_breaches: int
    open_actions: int
    overdue_actions: int


@dataclass(frozen=True)
class Board:
    start: str  # YYYY-MM
    end: str
    months: tuple[str, ...]
    wards: tuple[WardFigure, ...]
    sites: tuple[GroupFigure, ...]
    trust: GroupFigure
    sections: tuple[tuple[str, str], ...]  # (id, title) of the checklist most wards used
    versions_note: str | None


def _month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except ValueError:
        raise InvalidInput(
            f"a month must be written YYYY-MM, such as 2026-11 (not '{text}')"
        ) from None
    return year, month


def _months(start: tuple[int, int], end: tuple[int, int]) -> list[str]:
    months = []
    year, month = start
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def default_period(today: date | None = None) -> tuple[str, str]:
    """The last twelve months, this one included."""
    today = today or clock.today()
    start_year, start_month = (
        (today.year - 1, today.month + 1) if today.month < 12 else (today.year, 1)
    )
    return f"{start_year:04d}-{start_month:02d}", f"{today.year:04d}-{today.month:02d}"


def board_figures(
    store: Store,
    *,
    start: str | None = None,
    end: str | None = None,
    site: str | None = None,
    service: str | None = None,
    designation: str | None = None,
    today: date | None = None,
) -> Board:
    """Every ward's figures for the period (months inclusive), with site and trust means."""
    default_start, default_end = default_period(today)
    start, end = start or default_start, end or default_end
    first, last = _month(start), _month(end)
    if first > last:
        raise InvalidInput(f"the period starts ({start}) after it ends ({end})")
    months = _months(first, last)
    month_index = {m: n for n, m in enumerate(months)}
    today = today or clock.today()

    wards = [
        w
        for w in store.wards(site=site)
        if (service is None or w.service == service)
        and (designation is None or w.sex == designation)
    ]
    ward_ids = {w.id for w in wards}
    rows = store._query(
        "SELECT a.uuid, w.uuid, a.completed_at, a.checklist_version_id, a.answer_values"
        " FROM audits a JOIN wards w ON w.id = a.ward_id WHERE a.status = 'completed'"
        " AND substr(a.completed_at, 1, 7) BETWEEN ? AND ? ORDER BY a.completed_at",
        (months[0], months[-1]),
    )
    latest: dict[str, tuple[str, str, int, str]] = {}
    trends: dict[str, list[float | None]] = {w: [None] * len(months) for w in ward_ids}
    for audit_id, ward_id, completed_at, version_id, packed in rows:
        if ward_id not in ward_ids:
            continue
        # completed_at is local time with its offset: its month is the ward's month
        month = completed_at[:7]
        previous = latest.get(ward_id)
        if previous is None or clock.parse_iso(completed_at) >= clock.parse_iso(previous[1]):
            latest[ward_id] = (audit_id, completed_at, version_id, packed)
        trends[ward_id][month_index[month]] = store._packing(version_id).score(packed).overall
    counts = store.open_action_counts(today)
    figures = []
    versions: dict[str, int] = {}
    section_titles: dict[int, tuple[tuple[str, str], ...]] = {}
    for ward in wards:
        open_actions, overdue = counts.get(ward.id, (0, 0))
        found = latest.get(ward.id)
        if found is None:
            figures.append(
                WardFigure(
                    ward,
                    None,
                    None,
                    None,
                    None,
                    False,
                    None,
                    {},
                    open_actions,
                    overdue,
                    tuple(trends[ward.id]),
                )
            )
            continue
        audit_id, completed_at, version_id, packed = found
        packing = store._packing(version_id)
        score = packing.score(packed)
        label = f"{packing.checklist.title} v{packing.checklist.version}"
        versions[label] = versions.get(label, 0) + 1
        section_titles[version_id] = tuple((s.id, s.title) for s in packing.checklist.sections)
        figures.append(
            WardFigure(
                ward,
                audit_id,
                completed_at,
                score.overall,
                score.rating,
                score.critical_breach,
                label,
                packing.section_scores(packed),
                open_actions,
                overdue,
                tuple(trends[ward.id]),
            )
        )
    sites = tuple(
        _group(name, [f for f in figures if f.ward.site == name])
        for name in sorted({f.ward.site for f in figures})
    )
    note = None
    if len(versions) > 1:
        note = "Wards were audited against different checklist versions: " + "; ".join(
            f"{label} ({n} ward{'s' if n != 1 else ''})" for label, n in sorted(versions.items())
        )
    most_used = max(section_titles.values(), key=len, default=())
    return Board(
        start, end, tuple(months), tuple(figures), sites, _group("Trust", figures), most_used, note
    )


def _group(name: str, figures: list[WardFigure]) -> GroupFigure:
    scores = [f.score for f in figures if f.score is not None]
    return GroupFigure(
        name=name,
        mean=fmean(scores) if scores else None,
        audited=len(scores),
        wards=len(figures),
        red=sum(1 for f in figures if f.rating == "red"),
        critical_breaches=sum(1 for f in figures if f.critical_breach),
        open_actions=sum(f.open_actions for f in figures),
        overdue_actions=sum(f.overdue_actions for f in figures),
    )
