"""Step 5 of the ladder: photos held inside an older database move out into the photo store,
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

from wardaudit.checklist import Checklist
from wardaudit.errors import DiskFull
from wardaudit.paths import photo_dir
from wardaudit.store import SCHEMA_VERSION, Store, backups, migrations
from wardaudit.store.migrations import MIGRATIONS
from wardaudit.store.photo_files import PhotoBatch, PhotoFiles
from wardaudit.store.photos import NewPhoto

ROOT = Path(__file__).resolve().parents[3]


def picture(n: int, size: int = 40_000) -> bytes:
    seed = hashlib.sha256(f"photo {n}".encode()).digest()
    return b"\xff\xd8" + (seed * (size // len(seed) + 1))[:size]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_v4_with_photos(path: Path, checklist: Checklist, photos: int = 12) -> dict[str, bytes]:
    """A database as WardAudit 4 left it: photo bytes in BLOBs, in a signed-off audit (whose
    record names their digests) and in one still in progress. Returns photo id → bytes."""
    items = [i.id for i in checklist.applicable_items("mixed")]
    with Store.open(path) as store:
        store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
        answers = {item: ("yes", "", "") for item in items}
        answers[items[0]] = ("no", "Door propped open", "Zone door")
        store.audits.import_completed(
            "Juniper Ward",
            checklist,
            answers=answers,  # type: ignore[arg-type]
            started_at="2026-10-01T09:00:00+01:00",
            completed_at="2026-10-01T10:00:00+01:00",
            by="A matron",
            role="Matron",
            photos=[
                NewPhoto(items[0], picture(n), f"p{n}.jpg", 1600, 1200) for n in range(photos // 2)
            ],
        )
        open_audit = store.audits.start("Juniper Ward", checklist).id
        for n in range(photos // 2, photos):
            store.photos.add(
                open_audit,
                items[n % 5],
                picture(n),
                filename=f"p{n}.jpg",
                media_type="image/jpeg",
                width=1600,
                height=1200,
            )
    downgrade_to_v4(path)
    conn = sqlite3.connect(path)
    try:
        return {r[0]: bytes(r[1]) for r in conn.execute("SELECT uuid, data FROM photos")}
    finally:
        conn.close()


def downgrade_to_v4(path: Path) -> None:
    """Put the photos back inside the file, exactly in WardAudit 4's schema, and remove the
    photo folder and backups: the file is then what an older WardAudit wrote."""
    folder = photo_dir(path)
    conn = sqlite3.connect(path, isolation_level=None)
    rows = conn.execute(
        "SELECT id, uuid, audit_id, item_id, filename, media_type, width, height, added_at,"
        " sha256 FROM photos"
    ).fetchall()
    conn.execute("BEGIN")
    conn.execute("DROP INDEX photos_by_sha256")
    conn.execute("DROP INDEX photos_by_audit")
    conn.execute("DROP TABLE photos")
    for statement in MIGRATIONS[1][1:]:
        conn.execute(statement)
    for *fields, sha256 in rows:
        data = (folder / sha256[:2] / sha256).read_bytes()
        conn.execute(
            "INSERT INTO photos(id, uuid, audit_id, item_id, filename, media_type, width, height,"
            " added_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*fields, data),
        )
    conn.execute("PRAGMA user_version = 4")
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.rmtree(folder)
    shutil.rmtree(backups.backup_dir(path), ignore_errors=True)


def assert_all_moved(path: Path, expected: dict[str, bytes]) -> None:
    with Store.open(path) as store:
        assert store._db.user_version() == SCHEMA_VERSION
        assert "data" not in {r[1] for r in store._db.query("PRAGMA table_info(photos)")}
        for photo_id, data in expected.items():
            assert store.photos.data(photo_id) == data
        files = {sha for sha, _ in store._db.photo_files.scan()}
        assert files == {hashlib.sha256(d).hexdigest() for d in expected.values()}
        assert store.photos.check().problems == ()


def test_photos_move_out_after_a_backup_and_the_space_comes_back(
    tmp_path: Path, checklist: Checklist
) -> None:
    path = tmp_path / "old.sqlite3"
    expected = build_v4_with_photos(path, checklist, photos=40)
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
    assert len(made) == 1 and "before-migration-4-to" in made[0].name
    old = sqlite3.connect(made[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 4
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
