"""The connection: a full disk loses nothing saved, a mistyped folder is refused, readers
beside the writer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wardaudit.checklist import Checklist
from wardaudit.errors import (
    DatabaseDamaged,
    DiskFull,
    StoreError,
)
from wardaudit.store import Store, backups

# The file itself: its lock, its integrity check, its backups, its upgrades.
pytestmark = pytest.mark.sqlite_only


def test_disk_full_is_reported_and_loses_nothing_saved(
    store: Store, checklist: Checklist, ward_and_audit: tuple[str, str]
) -> None:
    _, audit_id = ward_and_audit
    items = checklist.applicable_items("mixed")
    store.audits.record_answer(audit_id, items[0].id, "yes")
    pages = store._db.conn.execute("PRAGMA page_count").fetchone()[0]
    store._db.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull, match="NOT saved"):
        for n in range(400):
            store.audits.record_answer(audit_id, items[1 + n % 50].id, "yes", note="x" * 3000)
    store._db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.audits.get(audit_id).answers[items[0].id].value == "yes"
    assert store._db.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"


def test_missing_folder_is_an_error_not_a_new_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "typo" / "wardaudit.sqlite3")
    assert not (tmp_path / "typo").exists()


def test_readonly_open_beside_a_writer(
    db_path: Path, store: Store, ward_and_audit: tuple[str, str]
) -> None:
    reader = Store.open(db_path, readonly=True)
    try:
        assert [w.name for w in reader.wards.list()] == ["Juniper Ward"]
        with pytest.raises(StoreError, match="read-only"):
            reader.wards.add(site="S", name="X", sex="male")
    finally:
        reader.close()


def test_damage_found_after_opening_is_reported_as_damage_with_the_backup(
    db_path: Path, checklist: Checklist
) -> None:
    """A page that goes bad while the database is open (a failing disk sector) is found by
    the next read or write: reported as damage, the one case where a backup is offered."""
    with Store.open(db_path) as store:
        for n in range(60):
            store.wards.add(
                site="S",
                name=f"Ward {n}",
                sex="mixed",
                areas=[f"Area {k} " * 40 for k in range(30)],
            )
    [backup] = backups.list_backups(db_path)
    store = Store.open(db_path)
    try:
        store._db.conn.execute("PRAGMA cache_size = 1")  # read the disk, not a cached copy
        store._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db_path.stat().st_size
        with open(db_path, "r+b") as raw:
            for offset in range(3 * 4096, size - 4096, 4096):
                raw.seek(offset + 8)
                raw.write(os.urandom(100))
        for attempt in (
            store.wards.list,
            lambda: store.wards.add(site="S", name="New", sex="male"),
        ):
            with pytest.raises(DatabaseDamaged, match="is damaged") as found:
                attempt()
            assert found.value.newest_backup == backup
            assert f'backups restore "{backup}"' in str(found.value)
    finally:
        store.close(backup=False)
