"""The ladder climbs through step 6 (photos out of the database), step 7 (incidents) and
step 8 (the actions' version).

A database at 5 holds its photos inside: it must reach 7 with every photo moved out into
the photo store and its drafts kept. A database at 6 must take the incident tables and
keep what it had. Either way a backup comes first and incidents can then be imported.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.core.store.old_schemas import (
    DRAFT_NOTE,
    build_v5_with_photos,
    picture,
    tables_added_after,
)
from tests.core.store.test_incidents import EXPORT, MAPPING
from wardaudit.checklist import Checklist
from wardaudit.demo import AREAS, WARDS
from wardaudit.errors import StoreError
from wardaudit.incidents import load_mapping_file, read_csv
from wardaudit.incidents.importing import read_and_plan
from wardaudit.paths import photo_dir
from wardaudit.store import Store, backups, migrations
from wardaudit.store.photo_files import PhotoFiles

INCIDENT_TABLES = {
    "incident_imports",
    "incidents",
    "incident_events",
    "incident_ward_aliases",
    "incident_place_aliases",
    "incident_count_snapshots",
}


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}


def photo_columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(photos)")}


def version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def add_demo_wards(store: Store) -> None:
    """The demo trust's wards, which the example incident export names (beside any held)."""
    held = {w.name for w in store.wards.list()}
    for ward in (w for w in WARDS if w.name not in held):
        store.wards.add(
            site=ward.site,
            name=ward.name,
            sex=ward.sex,
            service=ward.service,
            beds=ward.beds,
            areas=AREAS[ward.sex],
        )


def import_example(store: Store) -> int:
    plan = read_and_plan(store, EXPORT, load_mapping_file(MAPPING), read_csv)
    assert not plan.blocked, plan.blockers()
    return store.incidents.import_plan(plan, "Quality lead").new


def test_incidents_are_step_seven_after_the_photo_store() -> None:
    assert migrations.SCHEMA_VERSION == len(migrations.MIGRATIONS) == 8
    assert migrations.PHOTO_STORE_VERSION == 6
    assert migrations.MIGRATIONS[7] == [
        "ALTER TABLE actions ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1"
    ], "the actions' version came after the incidents"
    assert "ALTER TABLE photos ADD COLUMN sha256 TEXT" in migrations.MIGRATIONS[5]
    assert any("CREATE TABLE incidents(" in s for s in migrations.MIGRATIONS[6])
    assert not any("incident" in s for step in migrations.MIGRATIONS[:6] for s in step)


def test_a_database_at_5_climbs_through_6_and_7_with_photos_moved_out_and_drafts_kept(
    tmp_path: Path, checklist: Checklist
) -> None:
    path = tmp_path / "five.sqlite3"
    expected = build_v5_with_photos(path, checklist, photos=8)
    assert version(path) == 5 and "data" in photo_columns(path)
    assert not INCIDENT_TABLES & tables(path)
    with pytest.raises(StoreError, match="needs upgrading"):
        Store.open(path, readonly=True)
    assert version(path) == 5 and "data" in photo_columns(path), "a read-only open changes nothing"

    with Store.open(path) as store:
        assert store._db.user_version() == migrations.SCHEMA_VERSION
        for photo_id, data in expected.items():
            assert store.photos.data(photo_id) == data
        assert store.photos.check().problems == ()
        in_progress = store.audits.list(status="in_progress")
        assert [d.text for d in store.audits.drafts(in_progress[0].id)] == [DRAFT_NOTE]
        add_demo_wards(store)
        imported = import_example(store)
        assert imported > 0
    assert "data" not in photo_columns(path)
    assert tables(path) >= INCIDENT_TABLES
    stored = {sha for sha, _ in PhotoFiles(photo_dir(path)).scan()}
    assert stored == {hashlib.sha256(d).hexdigest() for d in expected.values()}

    made = [b for b in backups.list_backups(path) if "before-migration" in b.name]
    assert len(made) == 1 and f"before-migration-5-to-{migrations.SCHEMA_VERSION}" in made[0].name
    with sqlite3.connect(made[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 5
        assert {r[0]: bytes(r[1]) for r in old.execute("SELECT uuid, data FROM photos")} == expected
    with Store.open(path, readonly=True) as store:
        assert store.incidents.count() == imported


def database_at_6(
    path: Path, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, bytes]:
    """A database made by a WardAudit whose ladder ends at step 6: the demo trust's wards,
    an audit in progress with a photo (in the photo store) and a draft note. Returns the
    photo's id and bytes."""
    with Store.open(path) as store:
        add_demo_wards(store)
        ward = WARDS[0]
        audit = store.audits.start(ward.name, checklist).id
        item = checklist.applicable_items(ward.sex)[0].id
        photo = store.photos.add(
            audit,
            item,
            picture(1),
            filename="door.jpg",
            media_type="image/jpeg",
            width=1600,
            height=1200,
        )
        store.audits.save_draft(audit, item, "note", DRAFT_NOTE)
    # then back to what that WardAudit wrote: no later table, no later column
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for table in tables_added_after(6):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("ALTER TABLE actions DROP COLUMN row_version")  # step 8's
    conn.execute("PRAGMA user_version = 6")
    conn.execute("COMMIT")
    conn.close()
    assert version(path) == 6
    return photo.id, picture(1)


def test_a_database_at_6_climbs_to_7_and_keeps_its_photos_and_drafts(
    tmp_path: Path, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "six.sqlite3"
    photo_id, data = database_at_6(path, checklist, monkeypatch)
    assert not INCIDENT_TABLES & tables(path)
    assert "data" not in photo_columns(path)
    with pytest.raises(StoreError, match="needs upgrading"):
        Store.open(path, readonly=True)
    assert version(path) == 6

    with Store.open(path) as store:
        assert store._db.user_version() == migrations.SCHEMA_VERSION
        assert {w.name for w in store.wards.list()} == {w.name for w in WARDS}
        audit = store.audits.list(status="in_progress")[0]
        assert [d.text for d in store.audits.drafts(audit.id)] == [DRAFT_NOTE]
        assert store.photos.data(photo_id) == data
        assert store.photos.check().problems == ()
        imported = import_example(store)
        assert imported > 0
    assert tables(path) >= INCIDENT_TABLES
    made = [b for b in backups.list_backups(path) if "before-migration" in b.name]
    assert len(made) == 1 and f"before-migration-6-to-{migrations.SCHEMA_VERSION}" in made[0].name
    with Store.open(path, readonly=True) as store:
        assert store.incidents.count() == imported


def test_a_fresh_database_is_made_with_every_step(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    Store.open(path).close(backup=False)
    assert version(path) == migrations.SCHEMA_VERSION
    assert {"drafts", "finding_links"} | INCIDENT_TABLES <= tables(path)
    assert {"sha256", "size"} <= photo_columns(path) and "data" not in photo_columns(path)
