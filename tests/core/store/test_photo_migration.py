"""Step 6 of the ladder: photos held inside an older database move out into the photo store,
after a backup, in batches that resume where they stopped, and the space comes back."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.core.store.old_schemas import (
    DRAFT_NOTE,
    build_v4_with_photos,
    build_with_photos_inside,
)
from wardaudit.checklist import Checklist
from wardaudit.errors import DiskFull
from wardaudit.paths import photo_dir
from wardaudit.store import SCHEMA_VERSION, Store, backups, migrations
from wardaudit.store.photo_files import PhotoBatch, PhotoFiles

ROOT = Path(__file__).resolve().parents[3]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_all_moved(path: Path, expected: dict[str, bytes]) -> None:
    with Store.open(path) as store:
        assert store._db.user_version() == SCHEMA_VERSION
        assert "data" not in {r[1] for r in store._db.query("PRAGMA table_info(photos)")}
        for photo_id, data in expected.items():
            assert store.photos.data(photo_id) == data
        files = {sha for sha, _ in store._db.photo_files.scan()}
        assert files == {hashlib.sha256(d).hexdigest() for d in expected.values()}
        assert store.photos.check().problems == ()


@pytest.mark.parametrize("version", [4, 5])
def test_photos_move_out_after_a_backup_and_the_space_comes_back(
    tmp_path: Path, checklist: Checklist, version: int
) -> None:
    path = tmp_path / "old.sqlite3"
    expected = build_with_photos_inside(path, checklist, 40, version=version)
    conn = sqlite3.connect(path)
    records_before = conn.execute("SELECT digest FROM audit_records").fetchall()
    conn.close()
    size_before = path.stat().st_size
    assert size_before > 40 * 40_000
    seen: list[tuple[str, int, int]] = []
    store = Store.open(path, progress=lambda what, done, total: seen.append((what, done, total)))
    store.close(backup=False)
    assert (migrations.MOVING_WORDS, 40, 40) in seen
    assert any(what == migrations.VACUUM_WORDS for what, _, _ in seen)
    assert path.stat().st_size < size_before / 4, "VACUUM gave the photos' space back"
    assert_all_moved(path, expected)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT digest FROM audit_records").fetchall() == records_before
    conn.close()
    made = backups.list_backups(path)
    assert len(made) == 1 and f"before-migration-{version}-to-{SCHEMA_VERSION}" in made[0].name
    with Store.open(path) as store:
        in_progress = store.audits.list(status="in_progress")
        kept = [d.text for d in store.audits.drafts(in_progress[0].id)]
        assert kept == ([DRAFT_NOTE] if version == 5 else []), "schema 5's drafts are kept"
    old = sqlite3.connect(made[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == version
    assert {r[0]: bytes(r[1]) for r in old.execute("SELECT uuid, data FROM photos")} == expected
    old.close()


def test_an_interrupted_move_resumes_at_the_next_open(
    tmp_path: Path, checklist: Checklist, monkeypatch
) -> None:
    path = tmp_path / "old.sqlite3"
    expected = build_v4_with_photos(path, checklist, photos=12)
    monkeypatch.setattr(migrations, "MOVE_BATCH_PHOTOS", 3)

    def stop_after_two_batches(what: str, done: int, total: int) -> None:
        if what == migrations.MOVING_WORDS and done >= 6:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Store.open(path, progress=stop_after_two_batches)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM photos WHERE sha256 IS NULL").fetchone()[0] == 6
    conn.close()

    # Now a crash between a batch's files and its commit: the files it wrote are undone.
    real_sync = PhotoBatch.sync

    def failing_sync(self: PhotoBatch) -> None:
        real_sync(self)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(PhotoBatch, "sync", failing_sync)
    with pytest.raises(OSError):
        Store.open(path)
    monkeypatch.setattr(PhotoBatch, "sync", real_sync)
    assert len(list(files_in_store(path))) == 6, "the failed batch left no file behind"
    assert_all_moved(path, expected)
    assert len(backups.list_backups(path)) == 1, "one backup, made before the ladder"


def files_in_store(path: Path) -> list[str]:
    return [sha for sha, _ in PhotoFiles(photo_dir(path)).scan()]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_move_killed_at_any_moment_loses_no_photo(tmp_path: Path, checklist: Checklist) -> None:
    path = tmp_path / "old.sqlite3"
    expected = build_v4_with_photos(path, checklist, photos=30)
    child = textwrap.dedent(
        f"""
        import sys
        from wardaudit.store import Store, migrations
        migrations.MOVE_BATCH_PHOTOS = 1
        def said(what, done, total):
            print(what[:6], done, flush=True)
        Store.open({str(path)!r}, progress=said).close()
        print("finished", flush=True)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for kill_after in (2, 9, 17):
        mover = subprocess.Popen(
            [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, env=env
        )
        assert mover.stdout is not None
        for lines, _line in enumerate(mover.stdout, start=1):
            if lines >= kill_after:
                mover.send_signal(signal.SIGKILL)
                break
        mover.wait()
        mover.stdout.close()
        # Every record the killed move had pointed at its file has its file.
        conn = sqlite3.connect(path)
        moved = conn.execute("SELECT sha256 FROM photos WHERE sha256 IS NOT NULL").fetchall()
        conn.close()
        on_disk = set(files_in_store(path))
        assert {r[0] for r in moved} <= on_disk
    assert_all_moved(path, expected)


def test_no_room_to_move_the_photos_changes_nothing(
    tmp_path: Path, checklist: Checklist, monkeypatch
) -> None:
    path = tmp_path / "old.sqlite3"
    build_v4_with_photos(path, checklist, photos=6)
    before = digest(path)

    def nearly_full(where: object) -> shutil._ntuple_diskusage:
        return shutil._ntuple_diskusage(10**12, 10**12 - 100_000, 100_000)

    monkeypatch.setattr(migrations.shutil, "disk_usage", nearly_full)
    with pytest.raises(DiskFull) as refused:
        Store.open(path)
    assert "Nothing has been changed" in str(refused.value)
    assert "free" in str(refused.value)
    assert digest(path) == before
    assert backups.list_backups(path) == []
    assert not photo_dir(path).exists()
