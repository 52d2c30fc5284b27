"""The rules screens and documents share: still to do and overdue, the order actions are listed
in, the work list's filters, the board's ranking, monthly means and the actions a board report
lists, and the checklist offered first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from statistics import fmean

import pytest

from wardaudit import clock
from wardaudit.actions import (
    STATUS_CHOICES,
    STILL_TO_DO,
    STILL_TO_DO_FILTER,
    WorkListFilters,
    band_counts,
    band_rank,
    by_risk,
    by_site_and_ward,
    for_planner,
    is_still_to_do,
    overdue_count,
    overdue_days,
    raised_on,
    status_counts,
    status_filter,
    work_list_order,
)
from wardaudit.board import (
    Board,
    BoardChoice,
    GroupFigure,
    WardFigure,
    audit_day,
    board_actions,
    board_figures,
    figures_for,
    monthly_means,
    open_actions,
    ranked,
    wards_of,
)
from wardaudit.checklist import Checklist, ChecklistLibrary, builtin_dir, default_checklist
from wardaudit.errors import NotFound
from wardaudit.model import ACTION_STATUSES, Action, Ward
from wardaudit.risk import DEFAULT_MATRIX
from wardaudit.store import Store

TODAY = date(2026, 11, 27)


def _action(number: int, **changes: object) -> Action:
    values: dict[str, object] = {
        "id": f"action-{number:03d}",
        "audit_id": "audit-1",
        "item": f"A{number:02d}",
        "description": "Put it right",
        "owner": "Estates",
        "due": TODAY,
        "status": "open",
        "status_note": "",
        "risk": DEFAULT_MATRIX.rate(2, 2),
        "created_at": "2026-10-01T23:30:00+00:00",  # 02/10/2026 in London (BST)
        "updated_at": "2026-10-01T23:30:00+00:00",
        "ward_name": "Juniper Ward",
        "site_name": "Ashcombe",
        "ward_id": "ward-juniper",
    }
    values.update(changes)
    return Action(**values)  # type: ignore[arg-type]


# --- still to do and overdue: one definition --------------------------------------------------


@pytest.mark.parametrize("status", ACTION_STATUSES)
def test_overdue_is_past_due_and_still_to_do(status: str) -> None:
    late = _action(1, status=status, due=TODAY - timedelta(days=3))
    on_time = _action(2, status=status, due=TODAY)
    still_to_do = status in ("open", "in_progress")
    assert is_still_to_do(late) is still_to_do and (status in STILL_TO_DO) is still_to_do
    assert late.is_overdue(TODAY) is still_to_do
    assert overdue_days(late, TODAY) == (3 if still_to_do else 0)
    assert overdue_days(on_time, TODAY) == 0  # due today is not overdue
    assert overdue_count([late, on_time], TODAY) == (1 if still_to_do else 0)


def test_an_action_is_raised_on_the_wards_day() -> None:
    assert raised_on(_action(1)) == date(2026, 10, 2)


# --- the order documents list actions in ------------------------------------------------------


def test_critical_breaches_first_then_band_then_soonest_due() -> None:
    low_soon = _action(1, risk=DEFAULT_MATRIX.rate(1, 1), due=TODAY)
    extreme_later = _action(2, risk=DEFAULT_MATRIX.rate(5, 5), due=TODAY + timedelta(days=9))
    extreme_sooner = _action(3, risk=DEFAULT_MATRIX.rate(4, 4), due=TODAY + timedelta(days=1))
    breach = _action(4, risk=DEFAULT_MATRIX.rate(1, 2), item="C01")
    ordered = by_risk([low_soon, extreme_later, breach, extreme_sooner], critical=["C01"])
    assert [a.id for a in ordered] == [breach.id, extreme_sooner.id, extreme_later.id, low_soon.id]
    assert band_rank("extreme") == 0 and band_rank("low") == 3 and band_rank("severe") == 4


def test_a_wards_work_list_is_overdue_first_then_band_then_due_date() -> None:
    low_overdue = _action(1, due=TODAY - timedelta(days=3), risk=DEFAULT_MATRIX.rate(1, 2))
    extreme_soon = _action(2, due=TODAY + timedelta(days=1), risk=DEFAULT_MATRIX.rate(5, 5))
    extreme_overdue = _action(3, due=TODAY - timedelta(days=1), risk=DEFAULT_MATRIX.rate(5, 5))
    moderate_later = _action(4, due=TODAY + timedelta(days=20), risk=DEFAULT_MATRIX.rate(2, 3))
    moderate_sooner = _action(5, due=TODAY + timedelta(days=2), risk=DEFAULT_MATRIX.rate(2, 3))
    done_overdue = _action(
        6, due=TODAY - timedelta(days=9), status="done", risk=DEFAULT_MATRIX.rate(1, 1)
    )
    ordered = for_planner(
        [low_overdue, moderate_later, done_overdue, extreme_soon, moderate_sooner, extreme_overdue],
        TODAY,
    )
    assert [a.id for a in ordered] == [
        extreme_overdue.id,  # overdue, Extreme
        low_overdue.id,  # overdue, Low
        extreme_soon.id,  # then by band ...
        moderate_sooner.id,  # ... and the soonest due
        moderate_later.id,
        done_overdue.id,  # done is never overdue: a Low band, due long ago
    ]
    late_elsewhere = _action(7, ward_name="Ash Ward", due=TODAY - timedelta(days=30))
    assert [a.id for a in work_list_order([*ordered, late_elsewhere], TODAY)] == [
        late_elsewhere.id,  # site, then ward come first: Ash Ward before Juniper Ward
        *(a.id for a in ordered),
    ]


def test_the_work_list_groups_by_site_then_ward_each_by_risk() -> None:
    actions = [
        _action(1, site_name="fenwick", ward_name="Elm"),
        _action(2, site_name="Ashcombe", ward_name="oak"),
        _action(3, site_name="Ashcombe", ward_name="Birch", risk=DEFAULT_MATRIX.rate(5, 5)),
        _action(4, site_name="Ashcombe", ward_name="Birch"),
    ]
    groups = by_site_and_ward(actions)
    assert [(g.site, g.ward) for g in groups] == [
        ("Ashcombe", "Birch"),
        ("Ashcombe", "oak"),
        ("fenwick", "Elm"),
    ]
    assert [a.id for a in groups[0].actions] == ["action-003", "action-004"]


def test_counts_hold_every_band_and_status_even_when_none() -> None:
    actions = [_action(1, status="done"), _action(2, risk=DEFAULT_MATRIX.rate(5, 5))]
    assert band_counts(actions) == {"extreme": 1, "high": 0, "moderate": 1, "low": 0}
    assert list(status_counts(actions)) == list(ACTION_STATUSES)
    assert status_counts(actions)["done"] == 1 and status_counts(actions)["open"] == 1


# --- the work list's filters ------------------------------------------------------------------


def test_work_list_filters_choose_what_they_say() -> None:
    late = _action(1, due=TODAY - timedelta(days=1), owner="")
    done = _action(
        2, status="done", site_name="Fenwick House", ward_name="Elm Ward", ward_id="ward-elm"
    )
    high = _action(3, status="in_progress", risk=DEFAULT_MATRIX.rate(3, 3))
    everything = [late, done, high]

    def chosen(filters: WorkListFilters) -> list[str]:
        return [a.id for a in everything if filters.accepts(a, TODAY)]

    # By default a work list holds what estates still have to do; None is every status.
    assert chosen(WorkListFilters()) == [late.id, high.id]
    assert WorkListFilters().status == STILL_TO_DO_FILTER
    assert chosen(WorkListFilters(status=None)) == [late.id, done.id, high.id]
    assert chosen(WorkListFilters(site="Fenwick House")) == []
    assert chosen(WorkListFilters(site="Fenwick House", status=None)) == [done.id]
    assert chosen(WorkListFilters(ward="ward-elm", status=None)) == [done.id]  # by id (screen)
    assert chosen(WorkListFilters(ward="Elm Ward", status=None)) == [done.id]  # by name
    assert chosen(WorkListFilters(owner="")) == [late.id]
    assert chosen(WorkListFilters(band="high")) == [high.id]
    assert chosen(WorkListFilters(status="done")) == [done.id]
    assert chosen(WorkListFilters(status=STILL_TO_DO_FILTER)) == [late.id, high.id]
    assert chosen(WorkListFilters(overdue_only=True)) == [late.id]


@pytest.mark.parametrize(
    ("choice", "held"),
    [
        (None, STILL_TO_DO_FILTER),
        ("still-to-do", STILL_TO_DO_FILTER),
        ("all", None),
        *((status, status) for status in ACTION_STATUSES),
    ],
)
def test_each_status_choice_of_the_command_line_is_one_filter(
    choice: str | None, held: str | None
) -> None:
    assert status_filter(choice) == held
    assert choice is None or choice in STATUS_CHOICES


# --- the board --------------------------------------------------------------------------------


def _ward(name: str, site: str = "Ashcombe") -> Ward:
    return Ward(id=f"ward-{name}", name=name, site=site, sex="mixed", service="", beds=None)


def _figure(
    name: str,
    score: float | None,
    trend: tuple[float | None, ...] = (),
    rating: str | None = None,
    breach: bool = False,
) -> WardFigure:
    audited = score is not None
    if audited and rating is None:
        rating = "red" if breach else "green" if score >= 90 else "amber" if score >= 75 else "red"
    return WardFigure(
        _ward(name, "Fenwick House" if name.startswith("F") else "Ashcombe"),
        f"audit-{name}" if audited else None,
        "2026-10-01T23:30:00+00:00" if audited else None,
        score,
        rating,
        breach,
        None,
        {},
        0,
        0,
        trend,
    )


def _board(*figures: WardFigure, months: tuple[str, ...] = ()) -> Board:
    trust = GroupFigure("Trust", None, 0, len(figures), 0, 0, 0, 0)
    return Board("2026-09", "2026-11", months, figures, (), trust, (), None)


def test_ranking_shares_ties_and_puts_wards_not_audited_last_by_site() -> None:
    order = ranked(
        [
            _figure("Oak", 80.0),
            _figure("Fir", None),
            _figure("Ash", 91.0),
            _figure("Bay", None),
            _figure("Elm", 91.0),
        ]
    )
    assert [(r.rank, r.figure.ward.name) for r in order] == [
        (1, "Oak"),  # Amber: the most serious rating first
        (2, "Ash"),  # Green, the same score: one rank
        (2, "Elm"),
        (None, "Bay"),  # Ashcombe before Fenwick House
        (None, "Fir"),
    ]


def test_wards_rank_by_rating_first_so_a_critical_breach_is_never_among_amber_wards() -> None:
    order = ranked(
        [
            _figure("Breach", 84.4, breach=True),  # Red for its critical breach
            _figure("Amber low", 76.0),
            _figure("Red on score", 70.0),
            _figure("Green", 92.0),
            _figure("Amber high", 88.0),
            _figure("Held at Amber", 95.0, rating="amber"),  # a section floor holds it
            _figure("Breach too", 84.4, breach=True),
            _figure("Not audited", None),
        ]
    )
    # The most serious first: Red with a critical breach, Red, Amber, Green; within a
    # rating the lowest score first.
    assert [(r.rank, r.figure.ward.name) for r in order] == [
        (1, "Breach"),  # the same rating and score share a rank
        (1, "Breach too"),
        (3, "Red on score"),  # a lower score than the breaches, but no critical breach
        (4, "Amber low"),
        (5, "Amber high"),
        (6, "Held at Amber"),  # Amber, however high its score
        (7, "Green"),
        (None, "Not audited"),
    ]


def test_monthly_means_count_only_the_wards_audited_that_month() -> None:
    months = ("2026-09", "2026-10", "2026-11")
    board = _board(
        _figure("Ash", 90.0, (80.0, None, 90.0)),
        _figure("Elm", 70.0, (60.0, None, None)),
        _figure("Oak", None, (None, None, None)),
        months=months,
    )
    means = monthly_means(board, board.wards)
    assert [(m.month, m.mean, m.audited) for m in means] == [
        ("2026-09", fmean([80.0, 60.0]), 2),
        ("2026-10", None, 0),
        ("2026-11", 90.0, 1),
    ]
    assert [f.ward.name for f in wards_of(board, "Ashcombe")] == ["Ash", "Elm", "Oak"]


def test_a_wards_audit_day_is_its_day_in_london() -> None:
    assert audit_day(_figure("Ash", 90.0)) == date(2026, 10, 2)
    assert audit_day(_figure("Bay", None)) is None


def test_a_board_report_lists_the_still_to_do_actions_of_its_wards_overdue_first() -> None:
    board = _board(_figure("Ash", 90.0), _figure("Elm", 80.0))
    mine = {"ward_name": "Ash", "ward_id": "ward-Ash"}
    overdue_low = _action(1, due=TODAY - timedelta(days=1), risk=DEFAULT_MATRIX.rate(1, 1), **mine)
    due_extreme = _action(2, due=TODAY, risk=DEFAULT_MATRIX.rate(5, 5), **mine)
    done = _action(3, status="done", due=TODAY - timedelta(days=9), **mine)
    elsewhere = _action(4, ward_name="Oak", ward_id="ward-Oak")
    by_name = _action(
        5, ward_name="Elm", ward_id="", site_name="Ashcombe"
    )  # an old record with no id
    listed = open_actions(board, [due_extreme, done, elsewhere, overdue_low, by_name], TODAY)
    assert [a.id for a in listed] == [overdue_low.id, due_extreme.id, by_name.id]


def test_board_actions_leave_out_audits_still_in_progress(demo_store: Store) -> None:
    board = board_figures(demo_store)
    listed = board_actions(demo_store, board)
    in_progress = {a.id for a in demo_store.audits.in_progress()}
    assert in_progress and listed
    assert not {a.audit_id for a in listed} & in_progress
    signed_off = [a for a in demo_store.actions.list() if a.audit_id not in in_progress]
    assert listed == open_actions(board, signed_off, clock.today())
    assert sum(f.open_actions for f in board.wards) == len(listed)


def test_a_board_choice_gives_the_board_its_filters_ask_for(demo_store: Store) -> None:
    site = demo_store.wards.list()[0].site
    choice = BoardChoice(site=site, designation="female")
    board = figures_for(demo_store, choice)
    assert board == board_figures(demo_store, site=site, designation="female")
    assert board.wards and all(f.ward.site == site and f.ward.sex == "female" for f in board.wards)
    assert choice.narrowed and not BoardChoice(start="2026-01").narrowed


# --- the checklist offered first --------------------------------------------------------------


def test_the_built_in_checklist_is_offered_before_a_trusts_own(
    library: ChecklistLibrary, checklist: Checklist, tmp_path: Path
) -> None:
    built_in = library.all_latest()
    assert default_checklist(built_in) in built_in
    assert Path(default_checklist(built_in).source).resolve().is_relative_to(builtin_dir())
    trusts = replace(checklist, id="trust-own", source=str(tmp_path / "trust-own.toml"))
    assert default_checklist([trusts, *built_in]) == built_in[0]
    assert default_checklist([trusts]) == trusts
    with pytest.raises(NotFound, match="no checklist to offer"):
        default_checklist([])
