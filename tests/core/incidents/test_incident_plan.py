"""The import plan: new, unchanged, regraded by reference; unknown wards listed, never guessed."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

from tests.core.incidents.helpers import DEMO_WARDS, EXAMPLES
from wardaudit.incidents import Incident, RowIncident, load_mapping_file, plan_import, read_csv


def incident(reference: str, **changes: object) -> Incident:
    base = Incident(reference, date(2026, 2, 3), "Juniper Ward", "Garden", "exposure", "low")
    return replace(base, **changes)  # type: ignore[arg-type]


def rows(*incidents: Incident) -> list[RowIncident]:
    return [RowIncident(n, item) for n, item in enumerate(incidents, start=2)]


def held(plan_rows: tuple[RowIncident, ...]) -> dict[str, Incident]:
    return {r.incident.reference: r.incident for r in plan_rows}


def test_new_unchanged_and_regraded_by_reference() -> None:
    existing = {
        "A": incident("A"),
        "B": incident("B"),
        "OLD": incident("OLD"),  # not in this export: left as it is
    }
    export = rows(incident("A"), incident("B", harm="moderate", place="Zone door"), incident("C"))
    plan = plan_import(export, existing, DEMO_WARDS)
    assert [r.incident.reference for r in plan.new] == ["C"]
    assert [r.incident.reference for r in plan.unchanged] == ["A"]
    [regrade] = plan.regraded
    assert regrade.before == existing["B"] and regrade.after.harm == "moderate"
    assert [(c.field, c.before, c.after) for c in regrade.changes] == [
        ("place", "Garden", "Zone door"),
        ("harm", "low", "moderate"),
    ]
    assert plan.changes == 2
    assert (
        "Row 3, B: place 'Garden' → 'Zone door'; harm Low harm → Moderate harm" in plan.describe()
    )


def test_planning_again_after_importing_changes_nothing() -> None:
    export = rows(incident("A"), incident("B", ward="JUNIPER  WARD"), incident("C", harm=None))
    first = plan_import(export, {}, DEMO_WARDS)
    after = held(first.new)
    second = plan_import(export, after, DEMO_WARDS)
    assert second.new == () and second.regraded == ()
    assert held(second.unchanged) == after
    assert plan_import(export, after, DEMO_WARDS) == second  # a pure function


def test_wards_matched_through_aliases_and_case_but_never_guessed() -> None:
    export = rows(
        incident("A", ward="cedar ward"),
        incident("B", ward="Cedar"),
        incident("C", ward="ASH-JUN"),
        incident("D", ward="Oak Ward"),
        incident("E", ward="Oak Ward"),
        incident("F", ward="Closed ward"),
    )
    aliases = {"ash-jun": "Juniper Ward", "Closed ward": "Poplar Ward"}
    plan = plan_import(export, {}, DEMO_WARDS, aliases)
    assert {r.incident.reference: r.incident.ward for r in plan.new} == {
        "A": "Cedar Ward",
        "C": "Juniper Ward",
    }
    unmatched = {w.name: w for w in plan.unmatched_wards}
    assert set(unmatched) == {"Cedar", "Closed ward", "Oak Ward"}
    assert unmatched["Oak Ward"].incidents == 2 and unmatched["Oak Ward"].rows == (5, 6)
    assert unmatched["Closed ward"].alias_target == "Poplar Ward"
    assert "which is not a ward in WardAudit" in unmatched["Closed ward"].describe()
    assert plan.held_back == 4
    # the user maps the names, and the same export then goes in
    more = {**aliases, "Cedar": "Cedar Ward", "Oak Ward": "Birch Ward", "Closed ward": "Elm Ward"}
    again = plan_import(export, {}, DEMO_WARDS, more)
    assert again.unmatched_wards == () and len(again.new) == 6


def test_a_name_that_could_be_two_wards_is_not_matched() -> None:
    plan = plan_import(rows(incident("A", ward="rowan ward")), {}, ["Rowan Ward", "ROWAN WARD"])
    assert plan.new == () and plan.unmatched_wards[0].name == "rowan ward"


def test_one_incident_on_several_rows_counts_once_at_its_worst_harm() -> None:
    export = rows(
        incident("A", harm="low"),
        incident("A", harm="severe"),
        incident("A", harm=None),
        incident("B", harm="none"),
    )
    plan = plan_import(export, {}, DEMO_WARDS)
    assert {r.incident.reference: r.incident.harm for r in plan.new} == {
        "A": "severe",
        "B": "none",
    }
    assert plan.folded_rows == 2 and plan.conflicting == ()


def test_rows_that_disagree_about_more_than_harm_are_left_out_and_listed() -> None:
    export = rows(incident("A"), incident("A", place="Laundry"), incident("B"))
    plan = plan_import(export, {}, DEMO_WARDS)
    assert [r.incident.reference for r in plan.new] == ["B"]
    assert [(c.reference, c.rows) for c in plan.conflicting] == [("A", (2, 3))]
    assert plan.folded_rows == 0
    assert any("A is on rows 2, 3 with different details" in line for line in plan.describe())


def test_an_updated_export_is_seen_as_regraded(tmp_path: Path) -> None:
    """The example exported again a month later: some incidents graded, one moved."""
    mapping = load_mapping_file(EXAMPLES / "generic-mapping.toml")
    source = EXAMPLES / "generic-export.csv"
    first_read = read_csv(source, mapping)
    first = plan_import(first_read.incidents, {}, DEMO_WARDS, mapping.ward_alias_map)
    stored = held(first.new)

    with source.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, body = table[0], table[1:]
    col = {name: header.index(name) for name in header}
    ungraded = [
        row
        for row in body
        if row[col["Incident type"]] == "Sexual safety"
        and row[col["Physical harm"]] == ""
        and row[col["Ward"]] != "Poplar Ward"
    ][:3]
    assert len(ungraded) == 3
    for row in ungraded:
        row[col["Physical harm"]] = "No physical harm"
        row[col["Psychological harm"]] = "Moderate psychological harm"
    moved = next(
        row
        for row in body
        if row[col["Incident type"]] == "Sexual safety"
        and row[col["Exact location"]] == "Dining room"
        and row[col["Incident ID"]] in stored
    )
    moved[col["Exact location"]] = "Garden"
    updated = tmp_path / "generic-export-later.csv"
    with updated.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])

    second_read = read_csv(updated, mapping)
    second = plan_import(second_read.incidents, stored, DEMO_WARDS, mapping.ward_alias_map)
    regraded = {r.after.reference: r for r in second.regraded}
    assert set(regraded) == {row[col["Incident ID"]] for row in [*ungraded, moved]}
    for row in ungraded:
        change = regraded[row[col["Incident ID"]]]
        assert [(c.field, c.before, c.after) for c in change.changes] == [
            ("harm", None, "moderate")
        ]
    assert [c.field for c in regraded[moved[col["Incident ID"]]].changes] == ["place"]
    assert second.new == ()
    assert len(second.unchanged) == len(first.new) - 4
