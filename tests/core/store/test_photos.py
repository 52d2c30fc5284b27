"""Photos in their own store: durable before their record, checked when read, swept only when
nothing refers to them, and checked whole by ``wardaudit check --photos``."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from pathlib import Path

import pytest

from wardaudit.checklist import Checklist
from wardaudit.cli import main
from wardaudit.errors import PhotoUnreadable
from wardaudit.paths import backup_photo_dir, photo_dir
from wardaudit.store import Store, photo_files
from wardaudit.store.photo_files import MARKER_PREFIX, PhotoFiles


def picture(n: int, size: int = 3000) -> bytes:
    """Bytes standing in for a JPEG: unique per ``n``."""
    seed = hashlib.sha256(str(n).encode()).digest()
    return b"\xff\xd8" + (seed * (size // len(seed) + 1))[:size]


def item_of(checklist: Checklist, n: int = 0) -> str:
    return checklist.applicable_items("mixed")[n].id


def add(store: Store, audit_id: str, item: str, data: bytes, name: str = "a.jpg") -> str:
    return store.photos.add(
        audit_id, item, data, filename=name, media_type="image/jpeg", width=10, height=10
    ).id


def file_of(store: Store, photo_id: str) -> Path:
    sha256, _ = store.photos.digest(photo_id)
    return photo_dir(store.path) / sha256[:2] / sha256


@pytest.mark.sqlite_only(
    reason="a file's photo folder; the trust database keeps photos in their records"
)
def test_a_photo_is_a_file_named_by_its_digest_beside_the_database_not_a_blob(
    store: Store, ward_and_audit: tuple[str, str], checklist: Checklist
) -> None:
    _, audit_id = ward_and_audit
    data = picture(1, 200_000)
    photo_id = add(store, audit_id, item_of(checklist), data)
    path = file_of(store, photo_id)
    assert path.read_bytes() == data
    assert path.name == hashlib.sha256(data).hexdigest()
    assert path.parent.parent == store.path.parent / f"{store.path.stem}-photos"
    assert store.photos.data(photo_id) == data
    assert os.path.getsize(store.path) < 200_000, "the bytes are not in the records database"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")
@pytest.mark.sqlite_only(reason="syncing photo files; the server's commit makes photos durable")
def test_the_file_and_its_folder_are_synced_before_the_record_commits(
    store: Store, ward_and_audit: tuple[str, str], checklist: Checklist, monkeypatch
) -> None:
    _, audit_id = ward_and_audit
    happened: list[str] = []
    real_fsync, real_sync_folder = os.fsync, photo_files.sync_folder

    def fsync(fd: int) -> None:
        happened.append(f"fsync {os.readlink(f'/proc/self/fd/{fd}')}")
        real_fsync(fd)

    def sync_folder(path: Path) -> None:
        happened.append(f"folder {path}")
        real_sync_folder(path)

    monkeypatch.setattr(photo_files.os, "fsync", fsync)
    monkeypatch.setattr(photo_files, "sync_folder", sync_folder)
    store._db.conn.set_trace_callback(lambda sql: happened.append(sql.strip().split()[0]))
    try:
        photo_id = add(store, audit_id, item_of(checklist), picture(2))
    finally:
        store._db.conn.set_trace_callback(None)
    path = file_of(store, photo_id)
    commit = happened.index("COMMIT")
    synced_file = [n for n, e in enumerate(happened) if e.startswith("fsync") and ".incoming-" in e]
    synced_folder = [n for n, e in enumerate(happened) if e == f"folder {path.parent}"]
    assert synced_file and synced_file[0] < commit, happened
    assert synced_folder and synced_folder[0] < commit, happened
    assert happened.index("BEGIN") > synced_folder[0], "the transaction starts once all is synced"


def test_a_batch_into_a_fresh_store_syncs_each_folder_once_and_every_file_before_its_name(
    tmp_path: Path, monkeypatch
) -> None:
    files = PhotoFiles(tmp_path / "photos", mark_sessions=False)
    synced: list[Path] = []
    files_synced: list[str] = []
    real_sync_folder, real_fsync = photo_files.sync_folder, os.fsync

    def sync_folder(path: Path) -> None:
        synced.append(path)
        real_sync_folder(path)

    def fsync(fd: int) -> None:
        files_synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(photo_files, "sync_folder", sync_folder)
    monkeypatch.setattr(photo_files.os, "fsync", fsync)
    pictures = [picture(n) for n in range(60)]
    with files.adding() as batch:
        for data in pictures:
            batch.put(data)
        assert synced == [], "nothing is synced until the batch is"
        batch.sync()
    folders = {files.path_for(hashlib.sha256(d).hexdigest()).parent for d in pictures}
    assert sorted(synced.count(f) for f in folders) == [1] * len(folders)
    assert synced.count(files.root) == 1, "one sync of the root for all its new folders"
    assert synced.count(files.root.parent) == 1, "and one of the folder it was made in"
    assert len([p for p in files_synced if ".incoming-" in p]) == len(pictures)
    assert {sha for sha, _ in files.scan()} == {hashlib.sha256(d).hexdigest() for d in pictures}


@pytest.mark.sqlite_only(
    reason="damages files of the photo folder; trustdb/test_photos.py damages the server's"
)
def test_a_damaged_or_missing_photo_is_reported_never_shown_wrong(
    store: Store, ward_and_audit: tuple[str, str], checklist: Checklist
) -> None:
    _, audit_id = ward_and_audit
    damaged = add(store, audit_id, item_of(checklist), picture(3), "door.jpg")
    missing = add(store, audit_id, item_of(checklist, 1), picture(4), "corridor.jpg")
    path = file_of(store, damaged)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01  # one bit flipped on the disk
    path.write_bytes(bytes(data))
    file_of(store, missing).unlink()
    with pytest.raises(PhotoUnreadable) as refused:
        store.photos.data(damaged)
    assert refused.value.problem == "damaged" and "door.jpg" in str(refused.value)
    assert "Juniper Ward" in str(refused.value) and "check --photos" in str(refused.value)
    with pytest.raises(PhotoUnreadable) as gone:
        store.photos.data(missing)
    assert gone.value.problem == "missing" and "corridor.jpg" in str(gone.value)
    report = store.photos.check()
    assert report.checked == 2
    assert {(p.filename, p.problem) for p in report.problems} == {
        ("door.jpg", "damaged"),
        ("corridor.jpg", "missing"),
    }


@pytest.mark.sqlite_only(
    reason="files of the photo folder; on the server the bytes go with their record"
)
def test_removing_a_photo_removes_its_file_unless_another_record_shows_the_same_picture(
    store: Store, ward_and_audit: tuple[str, str], checklist: Checklist
) -> None:
    _, audit_id = ward_and_audit
    first = add(store, audit_id, item_of(checklist), picture(5))
    twin = add(store, audit_id, item_of(checklist, 1), picture(5))
    path = file_of(store, first)
    assert file_of(store, twin) == path, "the same picture is stored once"
    store.photos.remove(first)
    assert path.exists() and store.photos.data(twin) == picture(5)
    store.photos.remove(twin)
    assert not path.exists()


@pytest.mark.sqlite_only(reason="stray files of the photo folder; the server has none")
def test_sweeping_removes_files_nothing_refers_to_and_never_one_that_is_referred_to(
    store: Store, ward_and_audit: tuple[str, str], checklist: Checklist
) -> None:
    _, audit_id = ward_and_audit
    kept = add(store, audit_id, item_of(checklist), picture(6))
    files = store._db.photo_files
    with files.adding() as batch:
        stray = batch.put(picture(7))  # as if killed before its record committed
        batch.sync()
    with files.adding() as writing:
        pending = writing.put(picture(8))  # a photo whose record is about to commit
        writing.sync()
        assert store.photos.sweep() == 1
        assert files.has(pending.sha256), "a photo on its way to its record is never swept"
    assert not files.has(stray.sha256)
    assert store.photos.data(kept) == picture(6)
    assert store.photos.sweep() == 1, "once its write ended with no record, it goes too"
    assert store.photos.data(kept) == picture(6)


@pytest.mark.sqlite_only(
    reason="files of the photo folder; trustdb/test_photos.py checks the server's undo"
)
def test_a_change_that_fails_after_writing_its_photo_leaves_no_file(
    store: Store, ward_and_audit: tuple[str, str], checklist: Checklist, monkeypatch
) -> None:
    _, audit_id = ward_and_audit

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("wardaudit.store.photos.append_event", broken)
    with pytest.raises(RuntimeError):
        add(store, audit_id, item_of(checklist), picture(9))
    assert list(store._db.photo_files.scan()) == []
    assert store.audits.get(audit_id).photos == ()


def test_photos_a_killed_session_left_behind_are_swept_at_the_next_clean_close(
    db_path: Path, checklist: Checklist
) -> None:
    with Store.open(db_path) as store:
        store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
        audit_id = store.audits.start("Juniper Ward", checklist).id
        kept = add(store, audit_id, item_of(checklist), picture(10))
    root = photo_dir(db_path)
    # A killed session: its mark is still there, with a file it wrote and never referred
    # to, and half a temporary file.
    (root / f"{MARKER_PREFIX}999-dead").touch()
    orphan = PhotoFiles(root)
    with orphan.adding() as batch:
        stray = batch.put(picture(11))
        batch.sync()
    (root / "ab").mkdir(exist_ok=True)
    (root / "ab" / ".incoming-0123456789abcdef").write_bytes(b"half a pic")
    with Store.open(db_path) as store:
        assert store.photos.data(kept) == picture(10)
    assert not orphan.has(stray.sha256)
    assert not list(root.glob("??/.incoming-*"))
    assert not list(root.glob(f"{MARKER_PREFIX}*"))
    with Store.open(db_path) as store:
        assert store.photos.data(kept) == picture(10)


def test_check_photos_lists_every_damaged_photo_and_exits_1(
    db_path: Path, checklist: Checklist, capsys
) -> None:
    with Store.open(db_path) as store:
        store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
        audit_id = store.audits.start("Juniper Ward", checklist).id
        good = add(store, audit_id, item_of(checklist), picture(12), "good.jpg")
        bad = add(store, audit_id, item_of(checklist, 1), picture(13), "bad.jpg")
        store.backup_now("manual")
        file_of(store, bad).write_bytes(b"not what was saved")
    assert main(["--db", str(db_path), "check"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "check", "--photos"]) == 1
    out, err = capsys.readouterr()
    assert "bad.jpg" in out and "damaged" in out and "good.jpg" not in out
    assert "Juniper Ward" in out and "--repair" in out
    assert "2 of 2" in err, "progress goes to stderr"
    assert main(["--db", str(db_path), "check", "--photos", "--repair"]) == 0
    out, _ = capsys.readouterr()
    assert "put back" in out
    with Store.open(db_path) as store:
        assert store.photos.data(bad) == picture(13)
        assert store.photos.data(good) == picture(12)
    assert backup_photo_dir(db_path).is_dir()


def test_each_photo_streamed_in_is_synced_once_before_the_records_commit(
    tmp_path: Path, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.core.exchange import test_streaming as exchange
    from wardaudit.exchange import export_bundle, import_bundle

    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        exchange.signed_off_audit(laptop, checklist, "Juniper Ward", 5)
        export_bundle(laptop, tmp_path / "in.wabundle")
    with Store.open(tmp_path / "board.sqlite3") as board:
        happened: list[str] = []
        threads: set[str] = set()
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            name = os.readlink(f"/proc/self/fd/{fd}")
            real_fsync(fd)
            happened.append(name)  # once the sync has returned
            if ".incoming-" in name:
                threads.add(threading.current_thread().name)
                one_synced.set()

        one_synced = threading.Event()
        waited: list[bool] = []

        def reading(what: str, done: int, total: int) -> None:
            if what.startswith("Reading") and done == total:  # the last photo read
                waited.append(one_synced.wait(timeout=30))

        monkeypatch.setattr(photo_files.os, "fsync", fsync)
        board._db.conn.set_trace_callback(lambda sql: happened.append(sql.strip().split()[0]))
        try:
            import_bundle(board, tmp_path / "in.wabundle", progress=reading)
        finally:
            board._db.conn.set_trace_callback(None)
        assert waited == [True], "photos are synced as they arrive, while the file is read on"
        commit = happened.index("COMMIT")
        photos = [n for n, e in enumerate(happened) if ".incoming-" in e]
        assert len(photos) == 5, "each once: not again when the merge renames it into place"
        assert max(photos) < commit, "every photo synced before the records that refer to it"
        assert max(photos) < happened.index("BEGIN"), "and before their transaction starts"
        assert threading.main_thread().name not in threads, "beside the reading, not on it"
        assert board.photos.check().problems == ()
