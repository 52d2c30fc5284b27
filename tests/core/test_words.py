"""The words screens and documents share: each figure said one way, whatever reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

import pytest

from wardaudit import words
from wardaudit.actions import STILL_TO_DO_FILTER, WorkListFilters
from wardaudit.board import Board, GroupFigure, WardChange, WardFigure
from wardaudit.model import Action, Audit, HistoryEvent, TeamMember, Ward
from wardaudit.palette import PRINT
from wardaudit.risk import DEFAULT_MATRIX
from wardaudit.scoring import SectionScore

UUID = "0f8e2c4a-1b3d-4e5f-8a9b-0c1d2e3f4a5b"


def _ward(name: str = "Juniper Ward", site: str = "Ashcombe") -> Ward:
    return Ward(id=f"id-{name}", name=name, site=site, sex="mixed", service="", beds=None)


def _figure(
    name: str, score: float | None, *, rating: str | None = None, breach: bool = False
) -> WardFigure:
    audited = score is not None
    return WardFigure(
        _ward(name),
        f"audit-{name}" if audited else None,
        "2026-10-01T10:00:00+01:00" if audited else None,
        score,
        rating if audited else None,
        breach,
        "Sexual safety v1" if audited else None,
        {},
        0,
        0,
        (),
    )


def _group(mean: float | None, audited: int, wards: int) -> GroupFigure:
    return GroupFigure("Trust", mean, audited, wards, 0, 0, 0, 0)


def _board(*figures: WardFigure, note: str | None = None) -> Board:
    return Board(
        "2026-01",
        "2026-12",
        (),
        figures,
        (),
        _group(None, 0, len(figures)),
        (),
        note,
    )


def _action(**changes: object) -> Action:
    values: dict[str, object] = {
        "id": "a1",
        "audit_id": "au1",
        "item": "A10",
        "description": "Fit a closer to the zone door",
        "owner": "Estates",
        "due": date(2026, 11, 1),
        "status": "open",
        "status_note": "",
        "risk": DEFAULT_MATRIX.rate(4, 5),
        "created_at": "2026-10-01T10:00:00+01:00",
        "updated_at": "2026-10-01T10:00:00+01:00",
        "answer": "no",
        "found": "Door wedged open",
    }
    values.update(changes)
    return Action(**values)  # type: ignore[arg-type]


def _event(
    kind: str, actor: str = "", at: str = "2026-11-03T09:15:00+00:00", **detail: object
) -> HistoryEvent:
    return HistoryEvent(f"e-{kind}", at, kind, actor, "au1", "a1", dict(detail))


# --- plain words ------------------------------------------------------------------------------


def test_plurals_and_lists() -> None:
    assert words.plural(1, "ward") == "1 ward"
    assert words.plural(0, "ward") == "0 wards"
    assert words.plural(2, "critical breach", "critical breaches") == "2 critical breaches"
    assert words.join_words([]) == ""
    assert words.join_words(["a"]) == "a"
    assert words.join_words(["a", "b", "c"]) == "a, b and c"
    assert words.sentence("  the file was refused") == "The file was refused"


def test_dates_are_day_month_year_and_text_that_is_not_a_date_is_kept() -> None:
    assert words.date_words("2026-11-27") == "27/11/2026"
    assert words.date_words("next Tuesday") == "next Tuesday"
    assert words.date_words(None) == ""


# --- scores, ratings, bands, statuses ---------------------------------------------------------


def test_scores_round_half_up_and_a_missing_score_is_never_a_zero() -> None:
    assert words.score_words(84.25) == "84.3%"
    assert words.score_words(Fraction(1799, 20)) == "90.0%"  # 89.95 shows as 90.0
    assert words.score_words(None) == "Not audited"
    assert words.score_words(None, words.NOT_SCORED) == "Not scored"


def test_ratings_bands_answers_and_statuses_in_words() -> None:
    assert [words.rating_word(r) for r in ("red", "amber", "green", None)] == [
        "Red",
        "Amber",
        "Green",
        "Not rated",
    ]
    assert words.band_word("extreme") == "Extreme"
    assert words.band_word("severe") == "Severe"  # a trust's own band keeps its name
    assert [words.status_word(s) for s in ("open", "in_progress", "cannot_do")] == [
        "Open",
        "In progress",
        "Cannot do",
    ]
    assert words.status_word("archived") == "archived"
    assert words.answer_word("partial") == "Partly" and words.answer_word(None) == "Not answered"
    assert words.audit_status_word("completed") == "Completed"


def test_section_scores_say_why_there_is_none() -> None:
    assert words.section_score_words(SectionScore("s", "S", Fraction(175, 2), 4, 4)) == "87.5%"
    assert words.section_score_words(SectionScore("s", "S", None, 0, 4)) == "not answered yet"
    assert words.section_score_words(SectionScore("s", "S", None, 3, 3)) == "not scored (all N/A)"


def test_people_and_teams() -> None:
    assert words.person_words("A. Okafor", "Matron") == "A. Okafor (Matron)"
    assert words.person_words("Matron", "Matron") == "Matron"
    assert words.person_words(None, "Matron") == "Matron"
    assert words.person_words(None, None) == ""
    team = (TeamMember("B. Shah", "Ward manager"), TeamMember("C. Doe", "Peer", True))
    assert words.team_words(team) == (
        "B. Shah (Ward manager); C. Doe (Peer, patient or peer assessor)"
    )


def test_an_audit_is_dated_by_its_sign_off_or_else_its_start() -> None:
    audit = Audit(
        "au1", _ward(), "c", 1, "C", "in_progress", "2026-11-20T09:00:00+00:00", "M",
        None, None, None, (), None,
    )  # fmt: skip
    assert words.audit_day_words(audit) == "20/11/2026"
    signed = Audit(
        "au1", _ward(), "c", 1, "C", "completed", "2026-11-20T09:00:00+00:00", "M",
        "2026-11-21T23:30:00+00:00", "M", "Matron", (), None,
    )  # fmt: skip
    assert words.audit_day_words(signed) == "21/11/2026"


# --- actions ----------------------------------------------------------------------------------


def test_overdue_days_and_due_dates_in_words() -> None:
    assert words.overdue_words(0) == ""
    assert words.overdue_words(-3) == ""
    assert words.overdue_words(1) == "Overdue 1 day"
    assert words.overdue_words(12) == "Overdue 12 days"
    assert words.due_in_words(1) == "due next day"
    assert words.due_in_words(30) == "due in 30 days"


def test_what_was_found_and_the_risk() -> None:
    assert words.found_words(_action()) == "No: Door wedged open"
    assert words.found_words(_action(found="")) == "No"
    assert words.found_words(_action(answer="", found="Seen on the walk")) == "Seen on the walk"
    assert words.risk_words(_action()) == "4 × 5 = 20"


def test_work_list_filters_in_words() -> None:
    # The status is always said: a work list holds what is still to do unless asked.
    assert words.filter_words(WorkListFilters()) == "Status: Still to do (open or in progress)"
    assert words.filter_words(WorkListFilters(status=None)) == "Status: Every status"
    everything = WorkListFilters(
        site="Ashcombe",
        ward="id-Juniper Ward",
        owner="",
        band="high",
        status=STILL_TO_DO_FILTER,
        overdue_only=True,
    )
    assert words.filter_words(everything, {"id-Juniper Ward": "Juniper Ward"}) == (
        "Status: Still to do (open or in progress); Site: Ashcombe; Ward: Juniper Ward; "
        "Owner: not set; Band: High; Overdue only"
    )
    assert words.filter_words(WorkListFilters(site="Fenwick House", status="open")) == (
        "Status: Open; Site: Fenwick House"
    )


def _change(points: float, before: str, after: str) -> WardChange:
    return WardChange(points, 80.0, before, after, "2026-01-05T10:00:00+00:00")


def test_a_wards_change_reads_in_points_and_rating_with_an_arrow_and_words() -> None:
    assert words.change_words(_change(4.24, "amber", "green")) == "▲ 4.2 points, Amber → Green"
    assert words.change_words(_change(-1.5, "green", "green")) == "▼ 1.5 points, still Green"
    assert words.change_words(_change(0.04, "amber", "amber")) == "No change in score, still Amber"
    assert words.change_words(_change(-0.05, "green", "red")) == "▼ 0.1 points, Green → Red"
    assert words.change_words(None) == "No earlier audit"
    assert words.change_words(None, words.NOT_IN_PREVIOUS_PERIOD) == (
        "Not audited in the previous period"
    )
    # For a document whose font has no arrows, the direction in words.
    assert words.change_words(_change(4.24, "amber", "green"), arrow=False) == (
        "Up 4.2 points, Amber to Green"
    )
    assert words.change_words(_change(-2.0, "red", "red"), arrow=False) == (
        "Down 2.0 points, still Red"
    )
    assert "Red with a critical breach, then Red, Amber, Green" in words.RANKING_RULE


def test_what_happened_to_an_action() -> None:
    changed = _event("action_status", status="done", previous="open", status_note="Closer fitted")
    assert words.describe_event(changed) == "Status changed to Done (was Open)\nNote: Closer fitted"
    kept = _event("action_status", status="in_progress", previous="in_progress")
    assert words.describe_event(kept) == "Note added (status stays In progress)"
    returned = _event(
        "action_update_imported", status="done", completed_on="2026-11-02", comment=""
    )
    assert words.describe_event(returned) == (
        "From estates' returned workbook: status changed to Done; completed on 02/11/2026; "
        "comment removed"
    )
    raised = _event("action_raised", band="extreme", due="2026-11-02", owner="Estates")
    assert words.describe_event(raised) == (
        "Raised at the audit: Extreme risk, due 02/11/2026, owner Estates"
    )
    details = _event("action_changed", owner="", likelihood=2, consequence=3, due="2026-12-01")
    assert words.describe_event(details) == (
        "Details changed: owner not set; risk 2 × 3; due 01/12/2026"
    )
    assert words.describe_event(_event("action_note", note="called estates")) == (
        "Note: Called estates"
    )
    assert words.describe_event(_event("action_withdrawn")) == "Action withdrawn"


def test_history_is_newest_first_and_always_says_when_it_was_raised() -> None:
    action = _action(created_at="2026-10-01T10:00:00+01:00")
    events = [
        _event("action_note", "Ward manager", "2026-11-01T09:00:00+00:00", note="chased"),
        _event("action_status", "Estates", "2026-11-02T09:00:00+00:00", status="done"),
    ]
    lines = words.history_lines(action, events)
    assert lines[0].startswith("02/11/2026 09:00 · Estates\nStatus changed to Done")
    assert lines[1] == "01/11/2026 09:00 · Ward manager\nNote: Chased"
    assert lines[2] == "01/10/2026 10:00\nRaised at the audit"
    raised = _event("action_raised", at="2026-10-01T09:00:00+00:00")
    assert len(words.history_lines(action, [raised])) == 1


# --- months, periods and trends ---------------------------------------------------------------


def test_months_are_written_in_english_by_their_own_names() -> None:
    # Never strftime, whose month names follow the laptop's locale.
    assert words.month_words("2026-01") == "January 2026"
    assert words.month_words("2026-11") == "November 2026"
    assert words.month_words("2026-12") == "December 2026"
    assert words.month_words("2026-09", short=True) == "Sep 2026"


def test_periods() -> None:
    assert words.period_words("2026-11", "2026-11") == "November 2026"
    assert words.period_words("2025-12", "2026-11") == "December 2025 to November 2026"
    assert words.period_words("2025-12", "2026-11", short=True) == "Dec 2025 to Nov 2026"


def test_trends_in_words() -> None:
    assert words.trend_words([None, None]) == "no audits in the period"
    assert words.trend_words([None, 81.04]) == "one month audited, at 81.0"
    assert words.trend_words([81.0, None, 92.5]) == "rising from 81.0 to 92.5 (2 months audited)"
    assert words.trend_words([92.5, 81.0]) == "falling from 92.5 to 81.0 (2 months audited)"
    assert words.trend_words([90.01, 89.99]) == "steady at 90.0 (2 months audited)"


# --- the board --------------------------------------------------------------------------------


def test_a_group_is_said_with_its_n_on_screen_and_in_the_report() -> None:
    assert words.group_words(_group(84.2, 4, 4)) == "84.2% (n = 4 of 4 wards audited)"
    assert words.group_words(_group(100.0, 1, 1)) == "100.0% (n = 1 of 1 ward audited)"
    assert words.group_words(_group(None, 0, 3)) == "Not audited (n = 0 of 3 wards audited)"
    assert words.n_words(_group(90.0, 2, 5)) == "n = 2 of 5 wards audited"


def test_a_ward_not_audited_says_so() -> None:
    audited = _figure("Ash Ward", 91.0, rating="green", breach=True)
    missing = _figure("Bay Ward", None)
    assert words.ward_rating_words(audited) == "Green"
    assert words.ward_rating_words(missing) == "Not audited"
    assert words.breach_words(audited) == "Yes"
    assert words.breach_words(missing) == words.NONE_MARK


def test_attention_lines_name_breaches_then_red_then_wards_not_audited() -> None:
    board = _board(
        _figure("Ash Ward", 70.0, rating="red", breach=True),
        _figure("Elm Ward", 60.0, rating="red"),
        _figure("Oak Ward", 95.0, rating="green"),
        _figure("Bay Ward", None),
    )
    assert words.attention_lines(board) == [
        "Critical breach (rated Red): Ash Ward (Ashcombe).",
        "Rated Red on score: Elm Ward (Ashcombe).",
        "Not audited in the period: Bay Ward (Ashcombe).",
    ]
    calm = _board(_figure("Oak Ward", 95.0, rating="green"))
    assert words.attention_lines(calm) == [
        "No ward audited in the period is rated Red or has a critical breach."
    ]
    many = [_figure(f"Ward {n:02d}", None) for n in range(10)]
    assert words.ward_names_words(many).endswith("Ward 07 (Ashcombe), and 2 more")


def test_the_checklist_note() -> None:
    board = _board(_figure("Oak Ward", 95.0, rating="green"))
    assert words.checklist_words(board) == "All wards audited in the period used Sexual safety v1."
    noted = _board(_figure("Oak Ward", 95.0), note="Wards were audited against different")
    assert words.checklist_words(noted) == "Wards were audited against different"
    assert words.checklist_words(_board(_figure("Bay Ward", None))) == ""


def test_the_heatmap_key_comes_from_the_palettes_steps() -> None:
    assert [words.heat_range_words(lo, up) for lo, up, _ in PRINT.heat_ranges()] == [
        "90 and above",
        "75 to under 90",
        "50 to under 75",
        "under 50",
    ]
    assert words.heat_key_words(PRINT) == (
        "Section scores (%) from each ward's latest audit in the period, shaded darker the "
        "lower the score: 90 and above palest, then 75 to under 90, 50 to under 75, and "
        "under 50 darkest."
    )


# --- exchange files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Conflict:
    kind: str
    record: str
    message: str
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Plan:
    new_audits: int = 0
    new_events: int = 0
    new_wards: int = 0
    new_photos: int = 0


def test_conflicts_are_worded_from_their_kind_and_details() -> None:
    audit = Audit(
        UUID, _ward(), "c", 1, "C", "completed", "2026-11-20T09:00:00+00:00", "M",
        "2026-11-21T10:00:00+00:00", "M", "Matron", (), None,
    )  # fmt: skip
    named = words.conflict_words(_Conflict("audit", UUID, f"audit {UUID}: differs"), audit)
    assert named.startswith("The audit of Juniper Ward (Ashcombe) signed off on 21/11/2026")
    unnamed = words.conflict_words(_Conflict("audit", UUID, f"audit {UUID}: differs"))
    assert unnamed.startswith("A signed-off audit in the file differs")
    ward = _Conflict(
        "ward", UUID, "ward ...", {"name": "Elm", "here": "Elm, A, male", "file": "Elm, B, male"}
    )
    assert "(here: Elm, A, male; in the file: Elm, B, male)" in words.conflict_words(ward)
    event = _Conflict("event", UUID, "history event differs", {"event_kind": "amendment"})
    assert words.conflict_words(event).startswith("A history entry (an amendment) differs")
    orphan = words.conflict_words(_Conflict("audit_without_ward", UUID, "its ward is not here"))
    assert "ward the file does not carry" in orphan


@pytest.mark.parametrize(
    "kind",
    [
        "audit",
        "audit_without_ward",
        "ward",
        "ward_name",
        "checklist",
        "record_id",
        "raised_twice",
        "event",
        "event_without_audit",
        "new_kind",
    ],
)
def test_a_conflict_never_shows_its_record_id_or_message(kind: str) -> None:
    message = f"{kind} {UUID}: the record in the file is different"
    text = words.conflict_words(_Conflict(kind, UUID, message))
    assert UUID not in text and "the record in the file is different" not in text
    assert text[:1].isupper() and text.endswith(".")


def test_what_an_import_brings_in() -> None:
    assert words.new_words(_Plan()) == "nothing new"
    assert words.new_words(_Plan(new_audits=3, new_events=1, new_photos=2)) == (
        "3 new audits, 1 new history event and 2 photos"
    )
    assert words.new_records_words(wards=1) == "1 new ward"
    assert words.new_count(_Plan(2, 3, 4, 5)) == 14


def test_a_finding_linked_to_an_open_action_is_said() -> None:
    linked = _event(
        "action_linked", answer="no", found_on="2026-11-27", note="Still wedged open", item="A07"
    )
    assert words.describe_event(linked) == (
        "Found again at the audit of 27/11/2026 (answered No): linked to this action, "
        "no new action raised\nNote: Still wedged open"
    )


@pytest.mark.parametrize(
    ("engine", "target", "expected"),
    [
        ("sqlite", "/home/matron/WardAudit/wardaudit.sqlite3", "wardaudit.sqlite3"),
        (
            "postgresql",
            "host=db.trust.nhs.uk port=5432 dbname=wardaudit user=quality.lead "
            "sslmode=verify-full password=********",
            "Trust database (db.trust.nhs.uk/wardaudit)",
        ),
        ("postgresql", "service=wardaudit", "Trust database (service wardaudit)"),
        (
            "postgresql",
            "host=/var/run/postgresql dbname='board copy'",
            "Trust database (this computer/board copy)",
        ),
        ("postgresql", "host=db.trust.nhs.uk", "Trust database (db.trust.nhs.uk)"),
    ],
)
def test_the_database_is_named_by_its_file_or_as_the_trust_database(
    engine: str, target: str, expected: str
) -> None:
    assert words.database_words(engine, target) == expected
