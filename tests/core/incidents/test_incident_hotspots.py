"""Hotspots and the board's incident figures, checked against counts made by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wardaudit import clock
from wardaudit.board import BoardChoice, figures_for
from wardaudit.checklist import Checklist
from wardaudit.incidents import Incident, RowIncident, plan_import
from wardaudit.incidents.figures import incident_board
from wardaudit.incidents.hotspots import NO_PLACE, ward_hotspots, window
from wardaudit.incidents.words import per_bed_words
from wardaudit.model import AnswerValue
from wardaudit.store import Store


def import_incidents(store: Store, incidents: list[Incident]) -> None:
    wards = [w.name for w in store.wards.list()]
    plan = plan_import([RowIncident(n, i) for n, i in enumerate(incidents, 2)], {}, wards)
    store.incidents.import_plan(plan, "Quality lead")


@pytest.fixture
def ward_with_findings(store: Store, checklist: Checklist) -> str:
    """A ward whose latest audit found a No in the garden and a Partly at the zone door."""
    ward = store.wards.add(
        site="Ashcombe",
        name="Juniper Ward",
        sex="mixed",
        beds=20,
        areas=["Garden", "Zone door", "Main lounge"],
    )
    items = [i for i in checklist.applicable_items("mixed") if not i.critical]
    answers: dict[str, tuple[AnswerValue, str, str]] = {
        item.id: ("yes", "", "") for item in checklist.applicable_items("mixed")
    }
    answers[items[0].id] = ("no", "Blind spot behind the shed", "garden")  # another spelling
    answers[items[1].id] = ("partial", "Door left open", "Zone door")
    answers[items[2].id] = ("no", "", "")  # no location given
    when = clock.now() - timedelta(days=10)
    earlier = when - timedelta(days=40)
    # an older audit of the same checklist, which the hotspots do not use
    store.audits.import_completed(
        ward.name,
        checklist,
        answers={**answers, items[3].id: ("no", "", "Main lounge")},
        started_at=earlier.isoformat(timespec="seconds"),
        completed_at=(earlier + timedelta(hours=1)).isoformat(timespec="seconds"),
        by="A matron",
        role="Matron",
    )
    audit_id = store.audits.import_completed(
        ward.name,
        checklist,
        answers=answers,
        started_at=when.isoformat(timespec="seconds"),
        completed_at=(when + timedelta(hours=1)).isoformat(timespec="seconds"),
        by="A matron",
        role="Matron",
    )
    garden_action = next(a for a in store.actions.list(audit=audit_id) if a.item == items[0].id)
    store.actions.set_status(garden_action.id, "in_progress", note="Booked", actor="Estates")
    return ward.id


def test_places_where_both_occur_come_first(store: Store, ward_with_findings: str) -> None:
    today = clock.today()
    recent = today - timedelta(days=20)
    import_incidents(
        store,
        [
            Incident("A1", recent, "Juniper Ward", "Garden", "sexual_assault", "low"),
            Incident("A2", recent, "Juniper Ward", "GARDEN", "exposure", None),
            Incident("A3", recent, "Juniper Ward", "Laundry", "exposure", "none"),
            Incident("A4", recent, "Juniper Ward", "Laundry", "exposure", "none"),
            Incident("A5", recent, "Juniper Ward", "Laundry", "exposure", "none"),
            Incident("A6", recent, "Juniper Ward", "", "sexual_harassment", "none"),
            Incident(
                "OLD", today - timedelta(days=500), "Juniper Ward", "Zone door", "other", "low"
            ),
        ],
    )
    spots = ward_hotspots(store, "Juniper Ward")
    assert (spots.first_month, spots.last_month) == window(f"{today:%Y-%m}")
    names = [h.words for h in spots.places]
    assert names == [
        "Garden",
        "Laundry",
        "Zone door",
        "Place not recorded",
        "Location not recorded",
    ]
    garden = spots.places[0]
    assert garden.both and garden.incidents == 2 and len(garden.findings) == 1
    assert garden.findings[0].answer == "no" and garden.findings[0].action_status == "in_progress"
    zone = spots.places[2]
    assert zone.incidents == 0 and not zone.both  # the old incident is outside the window
    assert zone.findings[0].answer == "partial" and zone.findings[0].action_status == "open"
    assert [h.key == NO_PLACE for h in spots.places].count(True) == 1
    assert spots.incidents == 6 and spots.findings == 3
    assert [h.both for h in spots.places] == [True, False, False, False, False]
    # Only the latest audit's findings: the older one's Main lounge finding is not here.
    assert "Main lounge" not in names and len(spots.audits) == 1


def test_the_board_beside_the_incidents(store: Store, ward_with_findings: str) -> None:
    store.wards.add(site="Fenwick", name="Hazel Ward", sex="male", beds=None)
    today = clock.today()
    this_month = date(today.year, today.month, 1)
    last_month = this_month - timedelta(days=1)
    incidents = [
        Incident(f"J{n}", this_month, "Juniper Ward", "Garden", "exposure", "low") for n in range(3)
    ]
    incidents += [
        Incident(f"K{n}", last_month, "Juniper Ward", "Zone door", "exposure", "low")
        for n in range(9)
    ]
    incidents.append(Incident("H1", last_month, "Hazel Ward", "", "other", None))
    import_incidents(store, incidents)
    board = figures_for(store, BoardChoice())
    figures = incident_board(store, board)
    juniper = next(w for w in figures.wards if w.ward.name == "Juniper Ward")
    hazel = next(w for w in figures.wards if w.ward.name == "Hazel Ward")
    # counted by hand: 3 this month, 9 last month, on 20 beds
    assert juniper.months[-1] == 3 and juniper.months[-2] == 9 and juniper.total == 12
    assert juniper.per_bed_words == "0.6 per bed (12 incidents, 20 beds)"
    assert juniper.figure.score is not None  # beside its audit score
    assert hazel.total == 1 and hazel.per_bed is None
    assert "beds are not recorded" in hazel.per_bed_words
    assert figures.total == 13 and figures.months[-2] == 10
    assert figures.wards_without_beds == ("Hazel Ward",)


def test_per_bed_words() -> None:
    assert per_bed_words(12, 15) == "0.8 per bed (12 incidents, 15 beds)"
    assert per_bed_words(1, 1) == "1.0 per bed (1 incident, 1 bed)"
    assert per_bed_words(0, 12) == "0.0 per bed (0 incidents, 12 beds)"
    assert per_bed_words(3, 0).startswith("no rate (3 incidents")
