"""Board figures follow DESIGN.md's rules, checked against figures worked out independently."""

from __future__ import annotations

import json
from statistics import fmean

import pytest

from wardaudit import clock
from wardaudit.board import board_figures, default_period
from wardaudit.checklist import Checklist, from_canonical_json
from wardaudit.errors import InvalidInput
from wardaudit.store import Store


def independent_latest(store: Store, start: str, end: str) -> dict[str, dict[str, object]]:
    """Each ward's latest completed audit in the period, from the command line's JSON."""
    latest: dict[str, dict[str, object]] = {}
    for summary in store.audits.list(status="completed"):
        month = str(summary.completed_at)[:7]
        if not start <= month <= end:
            continue
        current = latest.get(summary.ward_name)
        if current is None or clock.parse_iso(str(summary.completed_at)) > clock.parse_iso(
            str(current["completed_at"])
        ):
            latest[summary.ward_name] = {
                "completed_at": summary.completed_at,
                "overall": summary.overall,
                "rating": summary.rating,
                "breach": summary.critical_breach,
                "site": summary.site_name,
                "id": summary.id,
            }
    return latest


@pytest.mark.parametrize("months_back", [1, 3, 12])
def test_board_matches_independent_figures(demo_store: Store, months_back: int) -> None:
    today = clock.today()
    end = f"{today.year:04d}-{today.month:02d}"
    year, month = today.year, today.month - months_back + 1
    while month < 1:
        year, month = year - 1, month + 12
    start = f"{year:04d}-{month:02d}"
    board = board_figures(demo_store, start=start, end=end)
    expected = independent_latest(demo_store, start, end)
    assert len(board.wards) == 12
    for figure in board.wards:
        found = expected.get(figure.ward.name)
        if found is None:
            assert not figure.audited and figure.score is None and figure.rating is None
            continue
        assert figure.audit_id == found["id"]
        assert figure.score == found["overall"]
        assert figure.rating == found["rating"]
        assert figure.critical_breach == found["breach"]
        record = demo_store.audits.get(figure.audit_id)
        for section in record.score.sections:
            assert figure.sections[section.id] == (
                None if section.score is None else float(section.score)
            )
    scores = [f["overall"] for f in expected.values()]
    assert board.trust.audited == len(scores)
    if scores:
        assert board.trust.mean == pytest.approx(fmean(scores))  # type: ignore[arg-type]
    else:
        assert board.trust.mean is None
    for site in board.sites:
        site_scores = [f["overall"] for f in expected.values() if f["site"] == site.name]
        assert site.audited == len(site_scores) and site.wards == 4
        assert site.mean == (pytest.approx(fmean(site_scores)) if site_scores else None)  # type: ignore[arg-type]


def test_a_ward_not_audited_is_never_zero(store: Store, checklist: Checklist) -> None:
    store.wards.add(site="Ashcombe", name="Audited Ward", sex="male")
    store.wards.add(site="Ashcombe", name="Quiet Ward", sex="male")
    audit = store.audits.start("Audited Ward", checklist)
    for item in checklist.applicable_items("male"):
        store.audits.record_answer(audit.id, item.id, "yes")
    store.audits.complete(audit.id, by="A matron", role="Matron")
    board = board_figures(store)
    quiet = next(f for f in board.wards if f.ward.name == "Quiet Ward")
    assert not quiet.audited and quiet.score is None
    assert board.trust.mean == 100.0 and board.trust.audited == 1 and board.trust.wards == 2
    assert board.versions_note is None


def test_different_checklist_versions_are_noted(store: Store, checklist: Checklist) -> None:
    data = json.loads(checklist.canonical_json)
    data["version"] = checklist.version + 1
    newer = from_canonical_json(json.dumps(data))
    for name, used in (("Old Ward", checklist), ("New Ward", newer)):
        store.wards.add(site="Ashcombe", name=name, sex="female")
        audit = store.audits.start(name, used)
        for item in used.applicable_items("female"):
            store.audits.record_answer(audit.id, item.id, "yes")
        store.audits.complete(audit.id, by="A matron", role="Matron")
    note = board_figures(store).versions_note
    old, new = f"v{checklist.version} (1 ward)", f"v{checklist.version + 1} (1 ward)"
    assert note is not None and old in note and new in note


def test_trend_has_one_point_per_month(demo_store: Store) -> None:
    start, end = default_period()
    board = board_figures(demo_store, start=start, end=end)
    assert len(board.months) == 12 and board.months[-1] == end
    for figure in board.wards:
        assert len(figure.trend) == 12
        if figure.audited:
            assert figure.score in figure.trend


def test_filters_and_bad_periods(demo_store: Store) -> None:
    board = board_figures(demo_store, site="Fenwick House", designation="mixed")
    assert [f.ward.name for f in board.wards] == ["Linden Ward"]
    with pytest.raises(InvalidInput, match="YYYY-MM"):
        board_figures(demo_store, start="11/2026")
    with pytest.raises(InvalidInput, match="after it ends"):
        board_figures(demo_store, start="2026-10", end="2026-01")
