"""Rules about actions that screens and documents share: still to do, overdue, order, filters.

"Overdue" has one definition, :meth:`wardaudit.model.Action.is_overdue`: an action still to
do (open or in progress) whose due date has passed. How many days overdue, how many are
overdue, the order documents list actions in (an action plan: critical breaches, then the
band, then the soonest due; the estates work list as a planner works: site, ward, overdue
first, band, due date) and which actions a work list holds (by default those still to do)
are worked out here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from wardaudit import clock
from wardaudit.model import ACTION_STATUS_WORDS, ACTION_STATUSES, Action
from wardaudit.model import STILL_TO_DO as STILL_TO_DO  # the model's one list, named here too
from wardaudit.risk import BAND_ORDER

# The status filter's choice for "open or in progress", beside the status codes.
STILL_TO_DO_FILTER = "still_to_do"
# The command line's --status choices: still-to-do (the default), all, or one status.
STATUS_CHOICE_STILL_TO_DO = "still-to-do"
STATUS_CHOICE_ALL = "all"
STATUS_CHOICES: tuple[str, ...] = (STATUS_CHOICE_STILL_TO_DO, STATUS_CHOICE_ALL, *ACTION_STATUSES)


def status_filter(choice: str | None) -> str | None:
    """A --status choice as the filter holds it: still to do by default, None for all."""
    if choice is None or choice in (STATUS_CHOICE_STILL_TO_DO, STILL_TO_DO_FILTER):
        return STILL_TO_DO_FILTER
    if choice == STATUS_CHOICE_ALL:
        return None
    return choice


def is_still_to_do(action: Action) -> bool:
    return action.status in STILL_TO_DO


def overdue_days(action: Action, today: date) -> int:
    """Days past the due date for an overdue action; 0 when it is not overdue."""
    return (today - action.due).days if action.is_overdue(today) else 0


def overdue_count(actions: Iterable[Action], today: date) -> int:
    return sum(1 for action in actions if action.is_overdue(today))


def raised_on(action: Action) -> date:
    """The day the action was raised (at the audit, in the ward's local time)."""
    return clock.parse_iso(action.created_at).date()


def band_rank(band: str) -> int:
    """Extreme first; a band the defaults do not know sorts after Low."""
    try:
        return BAND_ORDER.index(band)
    except ValueError:
        return len(BAND_ORDER)


def by_risk(actions: Iterable[Action], critical: Iterable[str] = ()) -> list[Action]:
    """Critical breaches first, then by band (Extreme first), then the soonest due."""
    breaches = set(critical)
    return sorted(
        actions,
        key=lambda a: (
            a.item not in breaches,
            band_rank(a.risk.band),
            a.due,
            -a.risk.score,
            a.item,
            a.id,
        ),
    )


@dataclass(frozen=True)
class WardGroup:
    """One ward's actions in a work list, most serious first."""

    site: str
    ward: str
    actions: tuple[Action, ...]


def for_planner(actions: Iterable[Action], today: date) -> list[Action]:
    """One ward's actions as an estates planner takes them: overdue first, then by band
    (Extreme first), then the soonest due."""
    return sorted(
        actions,
        key=lambda a: (
            not a.is_overdue(today),
            band_rank(a.risk.band),
            a.due,
            -a.risk.score,
            a.item,
            a.id,
        ),
    )


def by_site_and_ward(actions: Iterable[Action], today: date | None = None) -> list[WardGroup]:
    """The work list's grouping: site, then ward; each ward's actions overdue first, then by
    band and due date (:func:`for_planner`)."""
    today = today or clock.today()
    groups: dict[tuple[str, str], list[Action]] = {}
    for action in actions:
        groups.setdefault((action.site_name, action.ward_name), []).append(action)
    return [
        WardGroup(site, ward, tuple(for_planner(groups[(site, ward)], today)))
        for site, ward in sorted(groups, key=lambda k: (k[0].casefold(), k[1].casefold()))
    ]


def work_list_order(actions: Iterable[Action], today: date | None = None) -> list[Action]:
    """Every action of a work list in its printed order (site, ward, overdue, band, due)."""
    return [action for group in by_site_and_ward(actions, today) for action in group.actions]


def band_counts(actions: Sequence[Action]) -> dict[str, int]:
    """Actions per band, every default band present (Extreme first)."""
    counts = dict.fromkeys(BAND_ORDER, 0)
    for action in actions:
        counts[action.risk.band] = counts.get(action.risk.band, 0) + 1
    return counts


def status_counts(actions: Sequence[Action]) -> dict[str, int]:
    """Actions per status, every status present (Open first)."""
    counts = dict.fromkeys(ACTION_STATUS_WORDS, 0)
    for action in actions:
        counts[action.status] = counts.get(action.status, 0) + 1
    return counts


@dataclass(frozen=True)
class WorkListFilters:
    """Which actions a work list holds (the Actions screen's filters too); None is "all".

    ``ward`` is a ward's id or its exact name (names are unique); ``status`` a status code,
    ``STILL_TO_DO_FILTER`` for open or in progress (the default: what estates have to do),
    or None for every status; ``owner`` "" means no owner set.
    """

    site: str | None = None
    ward: str | None = None
    owner: str | None = None
    band: str | None = None
    status: str | None = STILL_TO_DO_FILTER
    overdue_only: bool = False

    def accepts(self, action: Action, today: date) -> bool:
        if self.site is not None and action.site_name != self.site:
            return False
        if self.ward is not None and self.ward not in (action.ward_id, action.ward_name):
            return False
        if self.owner is not None and action.owner != self.owner:
            return False
        if self.band is not None and action.risk.band != self.band:
            return False
        if self.status == STILL_TO_DO_FILTER:
            if action.status not in STILL_TO_DO:
                return False
        elif self.status is not None and action.status != self.status:
            return False
        return not (self.overdue_only and not action.is_overdue(today))
