"""The connection: a full disk loses nothing saved, a mistyped folder is refused, readers
beside the writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from wardaudit.checklist import Checklist
from wardaudit.errors import (
    DiskFull,
    StoreError,
)
from wardaudit.store import Store


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
