"""The board's figures: each ward's latest score in a period, site and trust means, trends.

The rules are DESIGN.md's: a ward's score for a period is its latest completed audit in
that period; a site's or the trust's figure is the mean of its wards' scores, shown with
the number of wards; a ward with no audit in the period is not audited, never zero; and
when the wards compared were judged under different checklist versions or settings, or
answer different numbers of items by designation, the figures say so. Below the
figures: what screens and documents show of them (the ranking, the monthly means, which
actions a board report lists, how each ward changed since its previous audit and since the
previous period), worked out once for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from wardaudit import clock, words
from wardaudit.actions import band_rank, is_still_to_do
from wardaudit.checklist import DESIGNATIONS, Checklist, JudgedUnder
from wardaudit.errors import InvalidInput
from wardaudit.model import Action, ScoredAudit, Ward
from wardaudit.store import Store


@dataclass(frozen=True)
class WardChange:
    """How a ward moved between an earlier audit and the one the board counts."""

    points: float  # the counted score minus the earlier one
    before_score: float
    before_rating: str | None
    after_rating: str | None
    before_at: str  # when the earlier audit was signed off (ISO 8601 with its offset)


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
    # since the ward's audit before the counted one (any time before it), and since its
    # latest audit in the previous period of the same length; None when there is none
    since_audit: WardChange | None = None
    since_period: WardChange | None = None

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
class TrendJudging:
    """One set of rules the scores over time were judged under, and the months it covers."""

    judged: JudgedUnder
    first: str  # YYYY-MM
    last: str


@dataclass(frozen=True)
class DesignationItems:
    """How many items each designation on the board answers under one set of rules."""

    judged: JudgedUnder
    items: tuple[tuple[str, int], ...]  # (designation, items that apply), in DESIGNATIONS order


@dataclass(frozen=True)
class Board:
    start: str  # YYYY-MM
    end: str
    months: tuple[str, ...]
    wards: tuple[WardFigure, ...]
    sites: tuple[GroupFigure, ...]
    trust: GroupFigure
    sections: tuple[tuple[str, str], ...]  # (id, title) of the checklist most wards used
    versions_note: str | None  # the wards' counted audits were judged under different rules
    # what the wards' counted audits were judged under, with how many wards each
    judged: tuple[tuple[JudgedUnder, int], ...] = ()
    # the months of the scores over time judged under each set of rules
    trend_judged: tuple[TrendJudging, ...] = ()
    # items that apply to each designation on the board, under each set of rules
    designation_items: tuple[DesignationItems, ...] = ()
    trend_note: str | None = None  # the scores over time span versions or settings
    designations_note: str | None = None  # designations answer different numbers of items
    previous_start: str = ""  # the previous period of the same length (YYYY-MM)
    previous_end: str = ""

    @property
    def notes(self) -> tuple[str, ...]:
        """Everything a reader must know before comparing the figures, in the order to read it."""
        found = (self.versions_note, self.trend_note, self.designations_note)
        return tuple(note for note in found if note)


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


def previous_period(start: str, end: str) -> tuple[str, str]:
    """The period of the same length just before ``start``..``end`` (months, inclusive)."""
    first, last = _month(start), _month(end)
    length = (last[0] - first[0]) * 12 + (last[1] - first[1]) + 1
    index = first[0] * 12 + (first[1] - 1) - length
    before_end = first[0] * 12 + (first[1] - 1) - 1
    return (
        f"{index // 12:04d}-{index % 12 + 1:02d}",
        f"{before_end // 12:04d}-{before_end % 12 + 1:02d}",
    )


def _change(before: ScoredAudit | None, after: ScoredAudit) -> WardChange | None:
    if before is None or before.score.overall is None or after.score.overall is None:
        return None
    return WardChange(
        points=after.score.overall - before.score.overall,
        before_score=before.score.overall,
        before_rating=before.score.rating,
        after_rating=after.score.rating,
        before_at=before.completed_at,
    )


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
    """Every ward's figures for the period (months inclusive), with site and trust means.

    Read at one moment (a snapshot), so an import saving meanwhile on the trust database
    never gives a board half of it."""
    with store.snapshot():
        return _board_figures(
            store,
            start=start,
            end=end,
            site=site,
            service=service,
            designation=designation,
            today=today,
        )


def _board_figures(
    store: Store,
    *,
    start: str | None,
    end: str | None,
    site: str | None,
    service: str | None,
    designation: str | None,
    today: date | None,
) -> Board:
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
        for w in store.wards.list(site=site)
        if (service is None or w.service == service)
        and (designation is None or w.sex == designation)
    ]
    ward_ids = {w.id for w in wards}
    latest: dict[str, ScoredAudit] = {}
    trends: dict[str, list[float | None]] = {w: [None] * len(months) for w in ward_ids}
    trend_rules: dict[tuple[str, int], JudgedUnder] = {}
    rules_of: dict[str, JudgedUnder] = {}  # by content hash: worked out once per version
    before_start, before_end = previous_period(start, end)
    # Every signed-off audit up to the period's end, oldest first: the period's own give the
    # figures, the earlier ones each ward's change since its previous audit and period.
    history: dict[str, list[ScoredAudit]] = {}
    in_previous: dict[str, ScoredAudit] = {}
    for audit in store.audits.completed_in_period("0000-01", months[-1]):
        if audit.ward_id not in ward_ids:
            continue
        # completed_at is local time with its offset: its month is the ward's month
        month = audit.completed_at[:7]
        history.setdefault(audit.ward_id, []).append(audit)
        if before_start <= month <= before_end:
            if _later_or_same(audit, in_previous.get(audit.ward_id)):
                in_previous[audit.ward_id] = audit
            continue
        if month not in month_index:
            continue
        if _later_or_same(audit, latest.get(audit.ward_id)):
            latest[audit.ward_id] = audit
        trends[audit.ward_id][month_index[month]] = audit.score.overall
        rules = rules_of.get(audit.checklist.content_hash)
        if rules is None:
            rules = rules_of[audit.checklist.content_hash] = audit.checklist.judged_under
        trend_rules[(audit.ward_id, month_index[month])] = rules
    counts = store.actions.open_counts(today)
    figures = []
    judged: dict[JudgedUnder, int] = {}
    checklists: dict[JudgedUnder, Checklist] = {}
    section_titles: dict[str, tuple[tuple[str, str], ...]] = {}
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
        checklist, score = found.checklist, found.score
        earlier = _before(history[ward.id], found)
        label = f"{checklist.title} v{checklist.version}"
        rules = rules_of.get(checklist.content_hash) or checklist.judged_under
        judged[rules] = judged.get(rules, 0) + 1
        checklists.setdefault(rules, checklist)
        section_titles[checklist.content_hash] = tuple((s.id, s.title) for s in checklist.sections)
        figures.append(
            WardFigure(
                ward,
                found.id,
                found.completed_at,
                score.overall,
                score.rating,
                score.critical_breach,
                label,
                found.section_scores(),
                open_actions,
                overdue,
                tuple(trends[ward.id]),
                since_audit=_change(earlier[-1] if earlier else None, found),
                since_period=_change(in_previous.get(ward.id), found),
            )
        )
    sites = tuple(
        _group(name, [f for f in figures if f.ward.site == name])
        for name in sorted({f.ward.site for f in figures})
    )
    counted = tuple(sorted(judged.items(), key=lambda pair: _rules_order(pair[0])))
    trend = _trend_judgings(trend_rules, months)
    designations = _designation_items(counted, checklists, figures)
    most_used = max(section_titles.values(), key=len, default=())
    return Board(
        start,
        end,
        tuple(months),
        tuple(figures),
        sites,
        _group("Trust", figures),
        most_used,
        words.versions_note_words(counted),
        judged=counted,
        trend_judged=trend,
        designation_items=designations,
        trend_note=words.trend_note_words(trend),
        designations_note=words.designations_note_words(designations),
        previous_start=before_start,
        previous_end=before_end,
    )


def _before(audits: list[ScoredAudit], counted: ScoredAudit) -> list[ScoredAudit]:
    """The ward's audits signed off before the counted one, oldest first (stored order
    breaks a tie of sign-off times, as :func:`_later_or_same` does)."""
    order = sorted(range(len(audits)), key=lambda n: (clock.parse_iso(audits[n].completed_at), n))
    ordered = [audits[n] for n in order]
    return ordered[: next(n for n, a in enumerate(ordered) if a is counted)]


def _later_or_same(audit: ScoredAudit, than: ScoredAudit | None) -> bool:
    """Signed off at or after ``than`` (the later one stored wins a tie, as the list orders)."""
    return than is None or clock.parse_iso(audit.completed_at) >= clock.parse_iso(than.completed_at)


def _rules_order(rules: JudgedUnder) -> tuple[str, int, str, str]:
    """Oldest version first, by title; then by the words of the settings."""
    return (rules.title.casefold(), rules.version, rules.checklist_id, words.judging_words(rules))


def _trend_judgings(
    rules_by_month: dict[tuple[str, int], JudgedUnder], months: Sequence[str]
) -> tuple[TrendJudging, ...]:
    """The first and last month in which the scores over time were judged under each set."""
    spans: dict[JudgedUnder, tuple[int, int]] = {}
    for (_ward, index), rules in rules_by_month.items():
        first, last = spans.get(rules, (index, index))
        spans[rules] = (min(first, index), max(last, index))
    return tuple(
        TrendJudging(rules, months[first], months[last])
        for rules, (first, last) in sorted(
            spans.items(), key=lambda pair: (pair[1], _rules_order(pair[0]))
        )
    )


def _designation_items(
    counted: Sequence[tuple[JudgedUnder, int]],
    checklists: dict[JudgedUnder, Checklist],
    figures: Sequence[WardFigure],
) -> tuple[DesignationItems, ...]:
    """Under each set of rules used, how many items apply to each designation audited."""
    present = {f.ward.sex for f in figures if f.audited}
    result = []
    for rules, _n in counted:
        checklist = checklists[rules]
        result.append(
            DesignationItems(
                rules,
                tuple(
                    (sex, len(checklist.applicable_items(sex)))
                    for sex in DESIGNATIONS
                    if sex in present and sex in checklist.designations
                ),
            )
        )
    return tuple(result)


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


# --- what screens and documents show of a board ----------------------------------------------


@dataclass(frozen=True)
class BoardChoice:
    """Which board a screen shows or a report covers: months (YYYY-MM, inclusive) and filters.

    None is the default: the last twelve months, every site, service and designation.
    """

    start: str | None = None
    end: str | None = None
    site: str | None = None
    service: str | None = None
    designation: str | None = None

    @property
    def narrowed(self) -> bool:
        """A site, service or designation filter: the figures are not the whole trust's."""
        return bool(self.site or self.service or self.designation)


def figures_for(store: Store, choice: BoardChoice, *, today: date | None = None) -> Board:
    """The board a choice asks for (:func:`board_figures` with the choice's filters)."""
    return board_figures(
        store,
        start=choice.start,
        end=choice.end,
        site=choice.site,
        service=choice.service,
        designation=choice.designation,
        today=today,
    )


@dataclass(frozen=True)
class RankedWard:
    rank: int | None  # None for a ward not audited: it has no place in the ranking
    figure: WardFigure


def rating_rank(figure: WardFigure) -> int:
    """Where a ward's rating places it: Red with a critical breach, Red, Amber, Green."""
    if figure.critical_breach:
        return 0
    return {"red": 1, "amber": 2, "green": 3}.get(figure.rating or "", 4)


def ranked(wards: Iterable[WardFigure]) -> list[RankedWard]:
    """The board's ranking, the most serious first: by rating (Red with a critical breach,
    then Red, Amber, Green), then the lowest score; wards with the same rating and score
    share a rank (1, 2, 2, 4); wards not audited come last, with no rank.

    A rating says more than a score: a ward with a critical breach is Red whatever its
    score, so it never sits among Amber wards. Ranked on exact scores, so two wards that
    both show 89.9% may still rank apart. :data:`wardaudit.words.RANKING_RULE` says it.
    """
    wards = list(wards)

    def place(f: WardFigure) -> tuple[int, float]:
        return (rating_rank(f), f.score or 0.0)

    audited = sorted(
        (f for f in wards if f.score is not None),
        key=lambda f: (*place(f), f.ward.name.casefold()),
    )
    result: list[RankedWard] = []
    for position, figure in enumerate(audited, start=1):
        if result and place(result[-1].figure) == place(figure):
            result.append(RankedWard(result[-1].rank, figure))
        else:
            result.append(RankedWard(position, figure))
    not_audited = sorted(
        (f for f in wards if f.score is None),
        key=lambda f: (f.ward.site.casefold(), f.ward.name.casefold()),
    )
    return result + [RankedWard(None, f) for f in not_audited]


@dataclass(frozen=True)
class MonthFigure:
    """One month of a trend: the mean over the wards audited that month, and how many."""

    month: str
    mean: float | None
    audited: int


def monthly_means(board: Board, wards: Sequence[WardFigure]) -> list[MonthFigure]:
    """The mean in each month of the wards audited that month (their latest that month)."""
    result = []
    for index, month in enumerate(board.months):
        scores = [s for s in (f.trend[index] for f in wards) if s is not None]
        result.append(MonthFigure(month, fmean(scores) if scores else None, len(scores)))
    return result


def wards_of(board: Board, site: str) -> list[WardFigure]:
    return [f for f in board.wards if f.ward.site == site]


def open_actions(board: Board, actions: Iterable[Action], today: date) -> list[Action]:
    """The actions a board report lists: those still to do on the board's wards, overdue
    first, then by risk and due date — the ones the board's open and overdue counts cover."""
    wards = {f.ward.id for f in board.wards}
    names = {(f.ward.site, f.ward.name) for f in board.wards}
    still_open = [
        a
        for a in actions
        if is_still_to_do(a)
        and (a.ward_id in wards if a.ward_id else (a.site_name, a.ward_name) in names)
    ]
    return sorted(
        still_open,
        key=lambda a: (
            not a.is_overdue(today),
            band_rank(a.risk.band),
            a.due,
            -a.risk.score,
            a.site_name.casefold(),
            a.ward_name.casefold(),
            a.item,
            a.id,
        ),
    )


def board_actions(store: Store, board: Board, today: date | None = None) -> list[Action]:
    """The actions a board report lists, read from the store: :func:`open_actions` of the
    actions raised by signed-off audits (an audit in progress may still change its answers,
    and with them its actions, so the board counts none of its actions)."""
    in_progress = {a.id for a in store.audits.in_progress()}
    site = board.sites[0].name if len(board.sites) == 1 else None
    signed_off = [a for a in store.actions.list(site=site) if a.audit_id not in in_progress]
    return open_actions(board, signed_off, today or clock.today())


def audit_day(figure: WardFigure) -> date | None:
    """The day the ward's counted audit was signed off; None for a ward not audited."""
    return clock.parse_iso(figure.completed_at).date() if figure.completed_at else None
