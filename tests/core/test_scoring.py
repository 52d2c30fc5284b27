"""Scoring exactly as DESIGN.md defines it, with properties checked by hypothesis."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from wardaudit.checklist import Checklist, Thresholds, from_canonical_json
from wardaudit.scoring import Packing, allowed_answers, display_score, rate, score_audit
from wardaudit.store import Store

ORDER = {"no": 0, "partial": 1, "yes": 2}


def small_checklist(
    weights: list[float], critical: list[bool], green: float = 90, amber: float = 75
) -> Checklist:
    items = [
        {
            "id": f"I{n:02d}",
            "question": f"Question {n}?",
            "guidance": "g",
            "weight": w,
            "critical": c,
            "risk": {"likelihood": 3, "consequence": 3},
            "owner": "Estates",
            "action": "Fix it.",
            "sources": ["s"],
        }
        for n, (w, c) in enumerate(zip(weights, critical, strict=True))
    ]
    half = len(items) // 2
    data = {
        "format": 1,
        "id": "t",
        "version": 1,
        "title": "T",
        "thresholds": {"green": green, "amber": amber},
        "sections": [
            {"id": "a", "title": "A", "items": items[:half] or items},
            *([{"id": "b", "title": "B", "items": items[half:]}] if half else []),
        ],
    }
    return from_canonical_json(json.dumps(data))


def test_worked_example() -> None:
    checklist = small_checklist([1, 1, 2, 1], [False, False, True, False])
    score = score_audit(
        checklist, "mixed", {"I00": "yes", "I01": "partial", "I02": "yes", "I03": "na"}
    )
    # section a: I00 yes (1) + I01 partial (0.5) of 2 -> 75; section b: I02 yes (2 of 2) -> 100, I03 na
    assert [s.score for s in score.sections] == [Fraction(75), Fraction(100)]
    assert score.overall == Fraction(350, 4)
    assert score.rating == "amber" and not score.critical_breach


def test_na_only_section_has_no_score_not_zero() -> None:
    checklist = small_checklist([1, 1], [False, False])
    score = score_audit(checklist, "male", {"I00": "na", "I01": "yes"})
    assert score.sections[0].score is None
    assert score.sections[1].score == 100


def test_nothing_answered_is_unrated() -> None:
    score = score_audit(small_checklist([1], [False]), "female", {})
    assert score.overall is None and score.rating is None and not score.critical_breach


def test_thresholds_compare_exact_values() -> None:
    thresholds = Thresholds(green=90, amber=75)
    just_below = Fraction(8995, 100)
    assert display_score(just_below) == "90.0"  # rounds half up for display...
    assert rate(just_below, False, thresholds) == "amber"  # ...but rates on the exact value
    assert rate(Fraction(90), False, thresholds) == "green"
    assert rate(Fraction(75), False, thresholds) == "amber"
    assert rate(Fraction(7499, 100), False, thresholds) == "red"
    assert display_score(Fraction(1, 3) * 100) == "33.3"
    assert display_score(Fraction(4, 6) * 100) == "66.7"
    assert display_score(None) == "–"


def test_critical_items_do_not_offer_partial() -> None:
    checklist = small_checklist([1, 1], [True, False])
    assert "partial" not in allowed_answers(checklist.item("I00"))
    assert "partial" in allowed_answers(checklist.item("I01"))


answers_st = st.sampled_from(["yes", "partial", "no", "na", None])


@st.composite
def audits(draw: st.DrawFn) -> tuple[Checklist, dict[str, str]]:
    n = draw(st.integers(min_value=1, max_value=12))
    weights = draw(st.lists(st.sampled_from([0.5, 1, 1.5, 2, 3, 0.25]), min_size=n, max_size=n))
    critical = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    checklist = small_checklist(weights, critical)
    answers = {}
    for item in checklist.items():
        value = draw(answers_st)
        if value == "partial" and item.critical:
            value = "yes"
        if value is not None:
            answers[item.id] = value
    return checklist, answers


@given(audits())
def test_scores_stay_within_0_and_100(case: tuple[Checklist, dict[str, str]]) -> None:
    checklist, answers = case
    score = score_audit(checklist, "mixed", answers)
    for value in [score.overall, *(s.score for s in score.sections)]:
        assert value is None or 0 <= value <= 100


@given(audits(), st.data())
def test_an_na_never_changes_a_score(
    case: tuple[Checklist, dict[str, str]], data: st.DataObject
) -> None:
    checklist, answers = case
    unanswered = [i.id for i in checklist.items() if i.id not in answers]
    if not unanswered:
        return
    before = score_audit(checklist, "mixed", answers)
    after = score_audit(
        checklist, "mixed", {**answers, data.draw(st.sampled_from(unanswered)): "na"}
    )
    assert after.overall == before.overall
    assert [s.score for s in after.sections] == [s.score for s in before.sections]
    assert after.rating == before.rating


@given(audits(), st.data())
def test_improving_an_answer_never_lowers_the_score(
    case: tuple[Checklist, dict[str, str]], data: st.DataObject
) -> None:
    checklist, answers = case
    improvable = [k for k, v in answers.items() if v in ("no", "partial")]
    if not improvable:
        return
    item_id = data.draw(st.sampled_from(improvable))
    options = [v for v in ("partial", "yes") if ORDER[v] > ORDER[answers[item_id]]]
    if checklist.item(item_id).critical:
        options = ["yes"]
    better = {**answers, item_id: data.draw(st.sampled_from(options))}
    before = score_audit(checklist, "mixed", answers)
    after = score_audit(checklist, "mixed", better)
    assert after.overall is not None and before.overall is not None
    assert after.overall >= before.overall
    rank = {"red": 0, "amber": 1, "green": 2}
    if not after.critical_breach:
        assert rank[after.rating or "red"] >= rank[before.rating or "red"] or before.critical_breach


@given(audits())
def test_a_critical_breach_is_always_red(case: tuple[Checklist, dict[str, str]]) -> None:
    checklist, answers = case
    score = score_audit(checklist, "mixed", answers)
    breached = any(checklist.item(k).critical and v == "no" for k, v in answers.items())
    assert score.critical_breach == breached
    if breached:
        assert score.rating == "red"


@given(audits())
def test_packed_bulk_scoring_matches_the_pure_rules(case: tuple[Checklist, dict[str, str]]) -> None:
    checklist, answers = case
    packing = Packing(checklist)
    packed = packing.blank()
    for item_id, value in answers.items():
        packed = packing.put(packed, item_id, value)
    assert packing.unpack(packed) == answers
    pure = score_audit(checklist, "mixed", answers)
    bulk = packing.score(packed)
    assert bulk.overall == pure.overall_float
    assert (bulk.rating, bulk.critical_breach, bulk.answered) == (
        pure.rating,
        pure.critical_breach,
        pure.answered,
    )


def test_bulk_scoring_matches_pure_scoring(demo_store: Store) -> None:
    """The board's bulk SQL path and the audit screen's pure path agree on every demo audit."""
    summaries = demo_store.audits.list()
    assert len(summaries) > 200
    for summary in summaries[:80]:
        record = demo_store.audits.get(summary.id)
        assert summary.overall == record.score.overall_float
        assert summary.rating == record.score.rating
        assert summary.critical_breach == record.score.critical_breach
        assert summary.answered == record.score.answered


def test_stored_audit_scores_with_its_pinned_checklist(
    store: Store, checklist: Checklist, tmp_path: Path
) -> None:
    store.wards.add(site="S", name="W", sex="male")
    audit = store.audits.start("W", checklist)
    for item in checklist.applicable_items("male"):
        store.audits.record_answer(audit.id, item.id, "yes")
    store.audits.record_answer(audit.id, checklist.applicable_items("male")[0].id, "no")
    record = store.audits.get(audit.id)
    assert record.score == score_audit(
        checklist, "male", {k: a.value for k, a in record.answers.items()}
    )
