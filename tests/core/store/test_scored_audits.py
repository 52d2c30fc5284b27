"""Audits scored in bulk (what the board and the Wards screen read) agree with each audit
loaded whole."""

from __future__ import annotations

import pytest

from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.model import ScoredAudit
from wardaudit.store import Store


def month_of(completed_at: str) -> str:
    return completed_at[:7]


def assert_same_as_loaded(store: Store, scored: ScoredAudit) -> None:
    record = store.audits.get(scored.id)
    assert scored.ward_id == record.audit.ward.id
    assert scored.completed_at == record.audit.completed_at
    assert scored.checklist.content_hash == record.checklist.content_hash
    assert scored.score.overall == record.score.overall_float
    assert scored.score.rating == record.score.rating
    assert scored.score.critical_breach == record.score.critical_breach
    assert scored.critical_items() == record.score.critical_items
    assert scored.answer_values() == {i: a.value for i, a in record.answers.items()}
    sections = {s.id: None if s.score is None else float(s.score) for s in record.score.sections}
    assert {k: v for k, v in scored.section_scores().items() if k in sections} == sections


@pytest.mark.parametrize("months", [2, 6, 24])
def test_the_audits_of_a_period_are_those_signed_off_in_it(demo_store: Store, months: int) -> None:
    today = clock.today()
    year, month = today.year, today.month - months + 1
    while month < 1:
        year, month = year - 1, month + 12
    first, last = f"{year:04d}-{month:02d}", f"{today.year:04d}-{today.month:02d}"
    found = demo_store.audits.completed_in_period(first, last)
    wanted = {
        s.id
        for s in demo_store.audits.list(status="completed")
        if first <= month_of(str(s.completed_at)) <= last
    }
    assert {a.id for a in found} == wanted and len(found) == len(wanted) > 0
    assert [a.completed_at for a in found] == sorted(a.completed_at for a in found)
    for scored in found[:: max(1, len(found) // 15)]:
        assert_same_as_loaded(demo_store, scored)


def test_a_breach_amended_in_after_sign_off_counts(demo_store: Store, checklist: Checklist) -> None:
    latest = demo_store.audits.list(ward="Rowan Ward", status="completed")[0]
    critical = next(i for i in checklist.applicable_items("female") if i.critical)
    demo_store.audits.amend_answer(latest.id, critical.id, "no", reason="Found open", by="A matron")
    scored = demo_store.audits.latest_completed_by_ward()[latest.ward_id]
    assert scored.id == latest.id and scored.critical_items() == (critical.id,)
    assert_same_as_loaded(demo_store, scored)


def test_each_wards_latest_audit_is_the_newest_signed_off(demo_store: Store) -> None:
    latest = demo_store.audits.latest_completed_by_ward()
    for ward in demo_store.wards.list():
        newest_first = demo_store.audits.list(ward=ward.id, status="completed")
        assert latest[ward.id].id == newest_first[0].id
        assert_same_as_loaded(demo_store, latest[ward.id])
    assert len(latest) == 12


def test_a_ward_without_a_signed_off_audit_has_no_latest(
    store: Store, checklist: Checklist
) -> None:
    store.wards.add(site="Ashcombe", name="Quiet Ward", sex="male")
    store.audits.start("Quiet Ward", checklist)
    assert store.audits.latest_completed_by_ward() == {}
    assert store.audits.completed_in_period("2000-01", "2999-12") == []


def test_every_audit_scored_in_bulk_matches_the_list(demo_store: Store) -> None:
    scores = demo_store.audits.score_all()
    summaries = demo_store.audits.list()
    assert set(scores) == {s.id for s in summaries}
    for summary in summaries:
        score = scores[summary.id]
        assert (score.overall, score.rating, score.critical_breach, score.answered) == (
            summary.overall,
            summary.rating,
            summary.critical_breach,
            summary.answered,
        )
