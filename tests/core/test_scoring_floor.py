"""The section floor (DESIGN.md, Scoring): a ward with a section below it cannot be Green."""

from __future__ import annotations

import json
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from tests.core.checklist_helpers import packed
from wardaudit.checklist import Checklist, Thresholds, from_canonical_json
from wardaudit.scoring import Packing, rate, score_audit

RANK = {None: -1, "red": 0, "amber": 1, "green": 2}


def floored_checklist(
    sections: list[list[tuple[float, bool]]],
    floor: float | None,
    green: float = 90,
    amber: float = 75,
) -> Checklist:
    """A checklist of the given sections, each a list of (weight, critical) items."""
    thresholds: dict[str, float] = {"green": green, "amber": amber}
    if floor is not None:
        thresholds["section_floor"] = floor
    data = {
        "format": 1,
        "id": "floor",
        "version": 1,
        "title": "Floor",
        "thresholds": thresholds,
        "sections": [
            {
                "id": f"s{s}",
                "title": f"Section {s}",
                "items": [
                    {
                        "id": f"S{s}I{n}",
                        "question": "Is it so?",
                        "guidance": "g",
                        "weight": weight,
                        "critical": critical,
                        "risk": {"likelihood": 3, "consequence": 3},
                        "owner": "Estates",
                        "action": "Fix it.",
                        "sources": ["s"],
                    }
                    for n, (weight, critical) in enumerate(items)
                ],
            }
            for s, items in enumerate(sections)
        ],
    }
    return from_canonical_json(json.dumps(data))


@st.composite
def floored_audits(draw: st.DrawFn) -> tuple[Checklist, Checklist, dict[str, str]]:
    """The same content with and without a floor, and answers to it."""
    shape = draw(
        st.lists(
            st.lists(
                st.tuples(st.sampled_from([0.5, 1, 1.5, 2, 3, 0.25]), st.booleans()),
                min_size=1,
                max_size=6,
            ),
            min_size=1,
            max_size=5,
        )
    )
    floor = draw(st.sampled_from([0, 50, 60, 74.99, 75, 80, 82.5, 90, 100]))
    green = draw(st.sampled_from([80, 90, 95]))
    with_floor = floored_checklist(shape, floor, green=green)
    without = floored_checklist(shape, None, green=green)
    answers = {}
    for item in with_floor.items():
        value = draw(st.sampled_from(["yes", "yes", "yes", "partial", "no", "na", None]))
        if value == "partial" and item.critical:
            value = "yes"
        if value is not None:
            answers[item.id] = value
    return with_floor, without, answers


@given(floored_audits())
def test_a_section_below_the_floor_never_leaves_the_ward_green(
    case: tuple[Checklist, Checklist, dict[str, str]],
) -> None:
    checklist, _, answers = case
    score = score_audit(checklist, "mixed", answers)
    floor = Fraction(str(checklist.thresholds.section_floor))
    below = [s.id for s in score.sections if s.score is not None and s.score < floor]
    assert list(score.below_floor) == below
    if below:
        assert score.rating != "green"


@given(floored_audits())
def test_the_floor_never_raises_a_rating_and_only_caps_green_at_amber(
    case: tuple[Checklist, Checklist, dict[str, str]],
) -> None:
    with_floor, without, answers = case
    floored = score_audit(with_floor, "mixed", answers)
    plain = score_audit(without, "mixed", answers)
    assert floored.overall == plain.overall and floored.sections == plain.sections
    assert RANK[floored.rating] <= RANK[plain.rating]
    if floored.rating != plain.rating:
        assert (plain.rating, floored.rating) == ("green", "amber") and floored.held_by_floor
        assert floored.below_floor
    else:
        assert not floored.held_by_floor
    if not floored.below_floor:
        assert floored.rating == plain.rating


@given(floored_audits())
def test_without_a_floor_nothing_changes(case: tuple[Checklist, Checklist, dict[str, str]]) -> None:
    _, without, answers = case
    score = score_audit(without, "mixed", answers)
    assert score.below_floor == () and not score.held_by_floor
    # the rating is exactly the rule without floors: red on a breach, else by the thresholds
    assert score.rating == rate(score.overall, score.critical_breach, without.thresholds)


@given(floored_audits())
def test_bulk_scoring_applies_the_same_floor(
    case: tuple[Checklist, Checklist, dict[str, str]],
) -> None:
    for checklist in case[:2]:
        answers = case[2]
        pure = score_audit(checklist, "mixed", answers)
        bulk = Packing(checklist).score(packed(checklist, answers))
        assert (bulk.rating, bulk.critical_breach, bulk.overall) == (
            pure.rating,
            pure.critical_breach,
            pure.overall_float,
        )


def test_a_section_exactly_at_the_floor_is_not_below_it() -> None:
    checklist = floored_checklist([[(1, False)] * 4, [(1, False)] * 36], 75)
    answers = {item.id: "yes" for item in checklist.items()}
    answers["S0I0"] = "no"  # section 0: 3 of 4 = 75 exactly; overall 39 of 40 = 97.5
    score = score_audit(checklist, "mixed", answers)
    assert score.sections[0].score == 75 and score.rating == "green" and not score.below_floor
    answers["S0I1"] = "partial"  # 2.5 of 4 = 62.5: below
    score = score_audit(checklist, "mixed", answers)
    assert score.overall is not None and score.overall >= 90
    assert score.rating == "amber" and score.below_floor == ("s0",)
    assert Packing(checklist).score(packed(checklist, answers)).rating == "amber"


def test_the_floor_is_compared_exactly() -> None:
    """82.5 is 165/2 exactly, not the nearest binary fraction."""
    checklist = floored_checklist([[(1, False)] * 40, [(1, False)] * 400], 82.5, green=80)
    answers = {item.id: "yes" for item in checklist.items()}
    for n in range(7):
        answers[f"S0I{n}"] = "no"  # 33 of 40 = 82.5 exactly
    assert score_audit(checklist, "mixed", answers).rating == "green"
    answers["S0I7"] = "partial"  # 32.5 of 40 = 81.25
    assert score_audit(checklist, "mixed", answers).rating == "amber"


def test_a_section_with_nothing_to_score_does_not_count() -> None:
    checklist = floored_checklist([[(1, False)] * 2, [(1, False)] * 10], 75)
    answers = {item.id: "yes" for item in checklist.items()}
    answers.update({"S0I0": "na", "S0I1": "na"})
    score = score_audit(checklist, "mixed", answers)
    assert score.sections[0].score is None and score.rating == "green"


def test_red_stays_red_and_a_breach_is_red_whatever_the_floor() -> None:
    thresholds = Thresholds(90, 75, section_floor=75)
    assert rate(Fraction(60), False, thresholds, [Fraction(10)]) == "red"
    assert rate(Fraction(100), True, thresholds, [Fraction(100)]) == "red"
    assert rate(Fraction(80), False, thresholds, [Fraction(10)]) == "amber"
    assert rate(Fraction(95), False, thresholds, [Fraction(10), None]) == "amber"
    assert rate(Fraction(95), False, thresholds, [None, Fraction(75)]) == "green"
    assert rate(Fraction(95), False, Thresholds(90, 75), [Fraction(10)]) == "green"


def test_the_canonical_content_names_the_floor_only_when_set() -> None:
    plain = floored_checklist([[(1, False)]], None)
    floored = floored_checklist([[(1, False)]], 80)
    assert "section_floor" not in plain.canonical_json and plain.thresholds.section_floor is None
    assert '"section_floor":80' in floored.canonical_json and floored.thresholds.section_floor == 80
    assert plain.content_hash != floored.content_hash
