"""The store's incidents: one transaction per import, idempotent by reference, with history."""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tests.core.incidents.helpers import EXAMPLES, SMALL_HEADER, csv_text, good_row, small_mapping
from wardaudit.errors import InvalidInput, StoreError
from wardaudit.incidents import Incident, RowIncident, load_mapping_file, plan_import, read_csv
from wardaudit.incidents.errors import ImportBlocked, IncidentsRefused
from wardaudit.incidents.importing import read_and_plan
from wardaudit.store import Store

MAPPING = EXAMPLES / "generic-mapping.toml"
EXPORT = EXAMPLES / "generic-export.csv"


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: list[list[str]], *, name: str = "export.csv") -> Path:
        path = tmp_path / name
        path.write_text(csv_text(rows), encoding="utf-8")
        return path

    return write


def example_rows() -> list[dict[str, str]]:
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fingerprint(store: Store) -> tuple[object, ...]:
    """Everything about the incidents held, compared as plain rows."""
    conn = store._db.conn
    return tuple(
        tuple(conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall())
        for table in (
            "incidents",
            "incident_events",
            "incident_imports",
            "incident_ward_aliases",
            "incident_place_aliases",
        )
    )


@pytest.mark.sqlite_only  # reads the file's own table layout and journal
def test_importing_the_example_keeps_its_sexual_safety_incidents(demo_store: Store) -> None:
    mapping = load_mapping_file(MAPPING)
    plan = read_and_plan(demo_store, EXPORT, mapping, read_csv)
    assert not plan.blocked and plan.source == "generic-export.csv"
    result = demo_store.incidents.import_plan(plan, "Quality lead")
    assert result.record is not None and result.record.actor == "Quality lead"
    assert result.new == len(plan.new) > 300

    # Counted from the CSV itself, apart from the reader: one incident per reference of a
    # sexual safety row on a ward the demo trust has.
    wanted = {
        row["Incident ID"]
        for row in example_rows()
        if row["Incident type"] == "Sexual safety" and row["Ward"] != "Poplar Ward"
    }
    held = demo_store.incidents.list()
    assert {i.reference for i in held} == wanted
    assert demo_store.incidents.count() == len(wanted)
    # nothing but the six facts is in the database, and no patient's detail anywhere in it
    columns = [r[1] for r in demo_store._db.query("PRAGMA table_info(incidents)")]
    assert set(columns) == {
        "id",
        "reference",
        "ward_id",
        "occurred_on",
        "place",
        "category",
        "harm",
        "import_id",
        "updated_import_id",
    }
    demo_store._db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    raw = demo_store.path.read_bytes()
    for row in example_rows()[:50]:
        assert row["Patient NHS number"].encode() not in raw
        assert row["Description"][:40].encode() not in raw
    poplar = [w for w in plan.unmatched_wards if w.name == "Poplar Ward"]
    assert poplar and result.held_back == poplar[0].incidents


@pytest.mark.sqlite_only  # counts changes through SQLite's own counter
def test_importing_the_same_export_again_changes_nothing(demo_store: Store) -> None:
    mapping = load_mapping_file(MAPPING)
    demo_store.incidents.import_plan(read_and_plan(demo_store, EXPORT, mapping, read_csv))
    before = fingerprint(demo_store)
    changes_before = demo_store._db.conn.total_changes
    again = read_and_plan(demo_store, EXPORT, mapping, read_csv)
    assert again.new == () and again.regraded == () and len(again.unchanged) > 300
    result = demo_store.incidents.import_plan(again, "Quality lead")
    assert result.record is None and result.unchanged == len(again.unchanged)
    assert fingerprint(demo_store) == before
    assert demo_store._db.conn.total_changes == changes_before


def test_an_updated_export_is_applied_with_its_history(demo_store: Store, tmp_path: Path) -> None:
    mapping = load_mapping_file(MAPPING)
    demo_store.incidents.import_plan(
        read_and_plan(demo_store, EXPORT, mapping, read_csv), "Quality lead"
    )
    rows = example_rows()
    header = list(rows[0])
    ungraded = next(
        r
        for r in rows
        if r["Incident type"] == "Sexual safety"
        and r["Physical harm"] == ""
        and r["Ward"] != "Poplar Ward"
    )
    ungraded["Physical harm"] = "Severe physical harm"
    moved = next(
        r
        for r in rows
        if r["Incident type"] == "Sexual safety"
        and r["Exact location"] == "Dining room"
        and r["Ward"] == "Rowan Ward"
    )
    moved["Exact location"] = "Garden"
    later = tmp_path / "export-a-month-later.csv"
    with later.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)

    plan = read_and_plan(demo_store, later, mapping, read_csv)
    assert {r.after.reference for r in plan.regraded} == {
        ungraded["Incident ID"],
        moved["Incident ID"],
    }
    result = demo_store.incidents.import_plan(plan, "Patient safety manager")
    assert result.regraded == 2 and result.new == 0

    [graded] = [i for i in demo_store.incidents.list() if i.reference == ungraded["Incident ID"]]
    assert graded.harm == "severe"
    history = demo_store.incidents.history(ungraded["Incident ID"])
    assert [e.kind for e in history] == ["imported", "regraded"]
    assert history[0].actor == "Quality lead" and history[0].detail["harm"] is None
    assert history[1].actor == "Patient safety manager"
    assert history[1].source == "export-a-month-later.csv"
    assert history[1].detail == {"changes": [{"field": "harm", "before": None, "after": "severe"}]}
    assert history[1].at >= history[0].at
    [place] = demo_store.incidents.history(moved["Incident ID"])[1].detail["changes"]
    assert place == {"field": "place", "before": "Dining room", "after": "Garden"}
    # and the same later export again: nothing more
    assert (
        demo_store.incidents.import_plan(read_and_plan(demo_store, later, mapping, read_csv)).record
        is None
    )


@pytest.mark.sqlite_only  # the file's triggers; on the trust database the quality role holds no UPDATE or DELETE on the incident history, and the same trigger as the audit history stands behind it
def test_the_history_cannot_be_changed_or_deleted(demo_store: Store) -> None:
    mapping = load_mapping_file(MAPPING)
    demo_store.incidents.import_plan(read_and_plan(demo_store, EXPORT, mapping, read_csv))
    conn = demo_store._db.conn
    for statement in (
        "UPDATE incident_events SET detail = '{}'",
        "DELETE FROM incident_events",
        "UPDATE incident_imports SET actor = 'someone else'",
        "DELETE FROM incident_imports",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(statement)


def test_an_unknown_ward_mapped_through_an_alias_then_matches(demo_store: Store) -> None:
    mapping = load_mapping_file(MAPPING)
    first = read_and_plan(demo_store, EXPORT, mapping, read_csv)
    [poplar] = [w for w in first.unmatched_wards if w.name == "Poplar Ward"]
    demo_store.incidents.import_plan(first)
    held = demo_store.incidents.count()

    # The user says the export's "Poplar Ward" is Elm Ward (renamed, say), with the import.
    plan = read_and_plan(
        demo_store, EXPORT, mapping, read_csv, extra_aliases={"poplar ward": "Elm Ward"}
    )
    assert plan.unmatched_wards == () and len(plan.new) == poplar.incidents
    assert {r.incident.ward for r in plan.new} == {"Elm Ward"}
    result = demo_store.incidents.import_plan(
        plan, "Quality lead", ward_aliases={"poplar ward": "Elm Ward"}
    )
    assert result.aliases_saved == 1 and result.new == poplar.incidents
    assert demo_store.incidents.count() == held + poplar.incidents
    assert demo_store.incidents.ward_aliases() == {"poplar ward": "Elm Ward"}

    # Next time the saved alias matches by itself, and nothing is left over.
    again = read_and_plan(demo_store, EXPORT, mapping, read_csv)
    assert again.unmatched_wards == () and again.new == () and again.regraded == ()


def test_an_alias_to_a_ward_that_does_not_exist_writes_nothing(demo_store: Store) -> None:
    mapping = load_mapping_file(MAPPING)
    plan = read_and_plan(demo_store, EXPORT, mapping, read_csv)
    with pytest.raises(InvalidInput, match="'Oak Ward' is not a ward"):
        demo_store.incidents.import_plan(plan, ward_aliases={"Poplar Ward": "Oak Ward"})
    assert demo_store.incidents.count() == 0 and demo_store.incidents.ward_aliases() == {}
    with pytest.raises(InvalidInput, match="'Oak' is not a ward"):
        read_and_plan(demo_store, EXPORT, mapping, read_csv, extra_aliases={"Poplar Ward": "Oak"})


def test_rows_with_problems_or_that_disagree_block_the_whole_import(
    demo_store: Store, write_csv: Callable[..., Path]
) -> None:
    bad_date = [*good_row(2)[:1], "31/02/2026", *good_row(2)[2:]]
    path = write_csv([SMALL_HEADER, good_row(1), bad_date, good_row(3)])
    plan = read_and_plan(demo_store, path, small_mapping(), read_csv)
    assert plan.blocked and len(plan.new) == 2 and plan.problem_count == 1
    with pytest.raises(ImportBlocked, match="Row 3") as refused:
        demo_store.incidents.import_plan(plan)
    assert "nothing has been imported" in str(refused.value)
    assert demo_store.incidents.count() == 0 and demo_store.incidents.last_import() is None

    disagree = good_row(1, place="Laundry")
    path = write_csv([SMALL_HEADER, good_row(1), disagree, good_row(3)], name="two.csv")
    plan = read_and_plan(demo_store, path, small_mapping(), read_csv)
    assert plan.conflicting and not plan.problem_count
    with pytest.raises(ImportBlocked, match="disagree"):
        demo_store.incidents.import_plan(plan)
    assert demo_store.incidents.count() == 0


def test_a_column_of_nhs_numbers_found_on_the_last_row_writes_nothing(
    demo_store: Store, write_csv: Callable[..., Path]
) -> None:
    """The refusal comes only once every row is read: no plan, so nothing to write."""
    rows = [SMALL_HEADER, *(good_row(n) for n in range(1, 40))]
    rows[-1] = [*rows[-1][:3], "943 476 5919", *rows[-1][4:]]  # a valid NHS number as the place
    path = write_csv(rows)
    with pytest.raises(IncidentsRefused, match="NHS numbers"):
        read_and_plan(demo_store, path, small_mapping(), read_csv)
    assert demo_store.incidents.count() == 0


def test_a_plan_made_before_another_import_is_refused(demo_store: Store) -> None:
    mapping = load_mapping_file(MAPPING)
    early = read_and_plan(demo_store, EXPORT, mapping, read_csv)
    demo_store.incidents.import_plan(read_and_plan(demo_store, EXPORT, mapping, read_csv))
    with pytest.raises(StoreError, match="Preview the import again"):
        demo_store.incidents.import_plan(early)
    assert demo_store.incidents.imports()[0].new == len(early.new)
    assert len(demo_store.incidents.imports()) == 1


def test_listing_and_counting(store: Store) -> None:
    store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed", beds=20)
    store.wards.add(site="Ashcombe", name="Rowan Ward", sex="female", beds=18)
    made = [
        Incident("A1", date(2026, 1, 5), "Juniper Ward", "Garden", "exposure", "low"),
        Incident("A2", date(2026, 1, 20), "Juniper Ward", "Garden", "sexual_assault", None),
        Incident("A3", date(2026, 2, 2), "Juniper Ward", "", "sexual_harassment", "none"),
        Incident("B1", date(2026, 2, 9), "Rowan Ward", "Main lounge", "exposure", "none"),
        Incident("B2", date(2025, 6, 9), "Rowan Ward", "Laundry", "other", "moderate"),
    ]
    plan = plan_import(
        [RowIncident(n, i) for n, i in enumerate(made, 2)],
        store.incidents.existing(),
        ["Juniper Ward", "Rowan Ward"],
    )
    store.incidents.import_plan(plan, "Quality lead")
    assert [i.reference for i in store.incidents.list()] == ["B2", "A1", "A2", "A3", "B1"]
    assert [i.reference for i in store.incidents.list(ward="Rowan Ward")] == ["B2", "B1"]
    assert [i.reference for i in store.incidents.list(since=date(2026, 1, 20))] == [
        "A2",
        "A3",
        "B1",
    ]
    assert store.incidents.existing()["A2"] == made[1]
    juniper = store.wards.get("Juniper Ward").id
    rowan = store.wards.get("Rowan Ward").id
    assert store.incidents.counts_by_ward_month("2026-01", "2026-12") == {
        (juniper, "2026-01"): 2,
        (juniper, "2026-02"): 1,
        (rowan, "2026-02"): 1,
    }
    assert store.incidents.counts_by_place("Juniper Ward", "2025-01", "2026-12") == {
        "Garden": 2,
        "": 1,
    }
    assert Counter(store.incidents.counts_by_place("Rowan Ward", "2025-06", "2025-06")) == {
        "Laundry": 1
    }
    assert store.incidents.latest_date() == date(2026, 2, 9)
    with pytest.raises(InvalidInput, match="is empty"):
        store.incidents.save_place_alias("  ", "Garden")
