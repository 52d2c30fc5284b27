"""Each ward's overview for the Wards screen, checked against figures worked out
independently from every audit loaded whole."""

from __future__ import annotations

from datetime import date

import pytest

from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.store import Store
from wardaudit.store.audits import Audits
from wardaudit.views import BreachedItem, WardOverview, ward_overview


def sign_off(store: Store, checklist: Checklist, ward: str, noes: set[str]) -> str:
    audit = store.audits.start(ward, checklist, by="A matron")
    for item in checklist.applicable_items(store.wards.get(ward).sex):
        store.audits.record_answer(audit.id, item.id, "no" if item.id in noes else "yes")
    store.audits.complete(audit.id, by="A matron", role="Matron")
    return audit.id


def expected(store: Store, today: date) -> dict[str, dict[str, object]]:
    """Each ward's figures from its audits loaded whole and its actions one by one."""
    figures: dict[str, dict[str, object]] = {}
    for ward in store.wards.list():
        completed = store.audits.list(ward=ward.id, status="completed")  # newest first
        in_progress = store.audits.list(ward=ward.id, status="in_progress")
        open_actions = [
            a for a in store.actions.list(ward=ward.id) if a.status in ("open", "in_progress")
        ]
        figure: dict[str, object] = {
            "audit": None,
            "at": None,
            "score": None,
            "rating": None,
            "breaches": (),
            "open": len(open_actions),
            "overdue": sum(1 for a in open_actions if a.is_overdue(today)),
            "in_progress": in_progress[0].id if in_progress else None,
        }
        if completed:
            record = store.audits.get(completed[0].id)
            sections = {s.id: s.title for s in record.checklist.sections}
            figure.update(
                audit=record.audit.id,
                at=record.audit.completed_at,
                score=record.score.overall_float,
                rating=record.score.rating,
                breaches=tuple(
                    (
                        i,
                        sections[record.checklist.item(i).section_id],
                        record.checklist.item(i).question,
                    )
                    for i in record.score.critical_items
                ),
            )
        figures[ward.id] = figure
    return figures


def as_figure(overview: WardOverview) -> dict[str, object]:
    return {
        "audit": overview.last_audit_id,
        "at": overview.last_audit_at,
        "score": overview.score,
        "rating": overview.rating,
        "breaches": tuple((b.item, b.section, b.question) for b in overview.critical_breaches),
        "open": overview.open_actions,
        "overdue": overview.overdue_actions,
        "in_progress": overview.in_progress.id if overview.in_progress else None,
    }


def test_every_wards_overview_matches_its_audits_loaded_whole(
    demo_store: Store, checklist: Checklist
) -> None:
    critical = [i.id for i in checklist.applicable_items("female") if i.critical]
    # a new audit with two critical breaches, and a latest audit amended into one
    sign_off(demo_store, checklist, "Rowan Ward", {critical[0], critical[1]})
    latest_elm = demo_store.audits.list(ward="Elm Ward", status="completed")[0]
    demo_store.audits.amend_answer(
        latest_elm.id, critical[2], "no", reason="Door found propped open", by="A matron"
    )
    demo_store.wards.add(site="Fenwick House", name="Poppy Ward", sex="female")  # never audited
    today = clock.today()

    overview = ward_overview(demo_store, today)
    wanted = expected(demo_store, today)
    assert [o.ward.id for o in overview] == [w.id for w in demo_store.wards.list()]
    for figure in overview:
        assert as_figure(figure) == wanted[figure.ward.id], figure.ward.name
    by_name = {o.ward.name: o for o in overview}
    assert [b.item for b in by_name["Rowan Ward"].critical_breaches] == critical[:2]
    assert by_name["Rowan Ward"].rating == "red"
    assert [b.item for b in by_name["Elm Ward"].critical_breaches] == [critical[2]]
    poppy = by_name["Poppy Ward"]
    assert not poppy.audited and poppy.score is None and poppy.critical_breaches == ()
    assert (poppy.open_actions, poppy.overdue_actions, poppy.last_audit_date) == (0, 0, None)
    juniper = by_name["Juniper Ward"]
    assert juniper.in_progress is not None and juniper.in_progress.answered > 0
    assert juniper.last_audit_date == clock.parse_iso(str(juniper.last_audit_at)).date()


def test_overdue_is_counted_against_the_day_given(demo_store: Store) -> None:
    """An action due today is not overdue today, and is tomorrow."""
    today = clock.today()
    tomorrow = date.fromordinal(today.toordinal() + 1)
    action = next(a for a in demo_store.actions.list() if a.status == "open")
    demo_store.actions.edit(action.id, due=today)
    due_today = sum(
        1
        for a in demo_store.actions.list(ward=action.ward_id)
        if a.status in ("open", "in_progress") and a.due == today
    )
    for day in (today, tomorrow):
        wanted = expected(demo_store, day)
        for figure in ward_overview(demo_store, day):
            assert figure.overdue_actions == wanted[figure.ward.id]["overdue"]
    now = {o.ward.id: o for o in ward_overview(demo_store, today)}[action.ward_id]
    later = {o.ward.id: o for o in ward_overview(demo_store, tomorrow)}[action.ward_id]
    assert later.overdue_actions == now.overdue_actions + due_today >= 1


def test_the_overview_loads_no_audit_whole(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Audits, audit_ref: str) -> None:
        raise AssertionError("the overview must not load an audit whole")

    monkeypatch.setattr(Audits, "get", refuse)
    overview = ward_overview(demo_store)
    assert len(overview) == 12 and all(o.audited for o in overview)


def test_breached_items_read_in_words(store: Store, checklist: Checklist) -> None:
    store.wards.add(site="Ashcombe", name="Birch Ward", sex="male")
    item = next(i for i in checklist.applicable_items("male") if i.critical)
    sign_off(store, checklist, "Birch Ward", {item.id})
    [birch] = ward_overview(store)
    section = checklist.section(item.section_id)
    assert birch.critical_breaches == (BreachedItem(item.id, section.title, item.question),)
