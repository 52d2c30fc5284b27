"""Data safety: migrations after a backup, damaged files refused, one writer, backups."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wardaudit.checklist import Checklist
from wardaudit.errors import DatabaseDamaged, DatabaseInUse, DatabaseTooNew, StoreError
from wardaudit.location import warnings_for
from wardaudit.scoring import Packing
from wardaudit.store import SCHEMA_VERSION, Store, backups
from wardaudit.store.migrations import APPLICATION_ID, MIGRATIONS

# The file itself: its lock, its integrity check, its backups, its upgrades.
pytestmark = pytest.mark.sqlite_only


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_v1_database(path: Path, checklist: Checklist) -> None:
    """A database as the first release left it: schema 1, one ward, one answered audit."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    now = "2025-03-01T10:00:00+00:00"
    conn.execute("INSERT INTO sites VALUES (1, 'site-uuid', 'Ashcombe', ?)", (now,))
    conn.execute(
        "INSERT INTO wards VALUES (1, 'ward-uuid', 1, 'Old Ward', 'Acute', 'male', 12, ?, ?)",
        (now, now),
    )
    conn.execute(
        "INSERT INTO checklist_versions VALUES (1, ?, ?, ?, ?, ?, ?)",
        (
            checklist.content_hash,
            checklist.id,
            checklist.version,
            checklist.title,
            checklist.canonical_json,
            now,
        ),
    )
    item = checklist.applicable_items("male")[0]
    packing = Packing(checklist)
    conn.execute(
        "INSERT INTO audits(id, uuid, ward_id, checklist_version_id, status, started_at, updated_at,"
        " ward_sex, answer_values) VALUES (1, 'audit-uuid', 1, 1, 'in_progress', ?, ?, 'male', ?)",
        (now, now, packing.put(packing.blank(), item.id, "yes")),
    )
    conn.execute("INSERT INTO answer_notes VALUES (1, ?, 'kept', '')", (item.id,))
    conn.execute("COMMIT")
    conn.close()


def test_migration_from_the_first_schema_keeps_everything(
    tmp_path: Path, checklist: Checklist
) -> None:
    path = tmp_path / "old.sqlite3"
    make_v1_database(path, checklist)
    with Store.open(path) as store:
        assert store._db.user_version() == SCHEMA_VERSION > 1
        ward = store.wards.get("Old Ward")
        assert ward.areas == ()
        record = store.audits.get("audit-uuid")
        first = checklist.applicable_items("male")[0].id
        assert record.answers[first].note == "kept"
        store.photos.add(
            "audit-uuid",
            first,
            b"jpeg",
            filename="a.jpg",
            media_type="image/jpeg",
            width=1,
            height=1,
        )
    made = backups.list_backups(path)
    assert any("before-migration-1-to" in p.name for p in made)
    with sqlite3.connect(made[-1]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1


def test_a_newer_database_is_refused(db_path: Path) -> None:
    Store.open(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = digest(db_path)
    with pytest.raises(DatabaseTooNew, match="newer WardAudit"):
        Store.open(db_path)
    assert digest(db_path) == before


def test_a_damaged_database_is_refused_with_nothing_overwritten(
    db_path: Path, checklist: Checklist
) -> None:
    with Store.open(db_path) as store:
        for n in range(40):
            store.wards.add(
                site=f"Site {n % 3}",
                name=f"Ward {n}",
                sex="mixed",
                areas=[f"Area {k}" for k in range(30)],
            )
        store.backup_now("test")
    # fold the WAL in so the damage lands in the main file, then scribble over table pages
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset + 8 : offset + 200] = os.urandom(192)
    db_path.write_bytes(bytes(data))
    before = digest(db_path)
    with pytest.raises(DatabaseDamaged) as refused:
        Store.open(db_path)
    assert digest(db_path) == before, "a damaged file is never changed"
    assert refused.value.newest_backup is not None
    assert "newest backup" in str(refused.value)
    # the backup offered really is good, and restoring it keeps the damaged file aside
    kept = backups.restore(db_path, refused.value.newest_backup)
    assert digest(kept) == before
    with Store.open(db_path) as store:
        assert len(store.wards.list()) == 40


def test_random_bytes_are_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "photo.sqlite3"
    path.write_bytes(os.urandom(8192))
    before = digest(path)
    with pytest.raises(DatabaseDamaged, match="Nothing has been changed"):
        Store.open(path)
    assert digest(path) == before


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE patients(id INTEGER)")
    before = digest(path)
    with pytest.raises(StoreError, match="not a WardAudit database"):
        Store.open(path)
    assert digest(path) == before


def test_a_second_process_is_refused_while_the_first_writes(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.wards.add(site="S", name="First Ward", sex="male")
        command = [sys.executable, "-m", "wardaudit", "--db", str(db_path)]
        second = subprocess.run(
            [*command, "wards", "add", "--site", "S", "--name", "Second", "--sex", "male"],
            capture_output=True,
            text=True,
        )
        assert second.returncode == 1
        assert second.stderr.startswith("wardaudit: error:")
        assert "already open in another copy of WardAudit" in second.stderr
        reader = subprocess.run(
            [*command, "wards", "list", "--json"], capture_output=True, text=True
        )
        assert reader.returncode == 0 and "First Ward" in reader.stdout
    with Store.open(db_path) as store:
        assert [w.name for w in store.wards.list()] == ["First Ward"]


def test_same_process_second_writer_is_refused(db_path: Path) -> None:
    first = Store.open(db_path)
    try:
        with pytest.raises(DatabaseInUse):
            Store.open(db_path)
    finally:
        first.close()
    Store.open(db_path).close()


def test_backups_on_close_and_thinning(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.wards.add(site="S", name="W", sex="male")
    assert len(backups.list_backups(db_path)) == 1, "a change means a backup on close"
    with Store.open(db_path) as store:
        store.wards.list()
    assert len(backups.list_backups(db_path)) == 1, "no change, no new backup"
    folder = backups.list_backups(db_path)[0].parent
    for month in range(1, 13):
        for day in (1, 2, 3):
            (folder / f"{db_path.stem}-2024{month:02d}{day:02d}-120000-old.sqlite3").write_bytes(
                b"x"
            )
    backups.thin(db_path)
    kept = backups.list_backups(db_path)
    beyond = kept[10:]
    months = [p.name[len(db_path.stem) + 1 : len(db_path.stem) + 7] for p in beyond]
    assert beyond and len(set(months)) == len(beyond), "older than the newest ten: one a month"
    assert all(p.name.endswith("03-120000-old.sqlite3") for p in beyond), "the newest of each month"
    assert "202401" not in months, "no more than a year of monthly backups"
    assert len(kept) < 37


def test_warnings_for_synced_folders(tmp_path: Path) -> None:
    synced = tmp_path / "OneDrive - NHS" / "WardAudit"
    synced.mkdir(parents=True)
    assert any("synced folder" in w for w in warnings_for(synced / "wardaudit.sqlite3"))
    assert warnings_for(tmp_path / "wardaudit.sqlite3") == []
    with Store.open(synced / "wardaudit.sqlite3") as store:
        assert store.warnings


def test_bookkeeping_settings_do_not_call_for_a_backup(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.settings.set("session_open", "1", bookkeeping=True)
        assert not store.data_changed_since_open()
        store.wards.add(site="S", name="W", sex="male")
        assert store.data_changed_since_open() and store.data_changed_since_backup()
        store.backup_now("manual")
        assert not store.data_changed_since_backup()
    made = backups.list_backups(db_path)
    assert len(made) == 1, "the manual backup is recent, so closing adds none"
    described = backups.describe(made[0])
    assert described is not None and described[1] == "manual"
