"""Backups that cost what changed, and a restore that checks first and never leaves her
without a database: each photo stored once, thinning, consistent pairs, every failure undone."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from wardaudit import clock
from wardaudit.checklist import Checklist
from wardaudit.errors import DatabaseInUse, DiskFull, StoreError
from wardaudit.paths import backup_photo_dir, photo_dir
from wardaudit.store import Store, backups
from wardaudit.store.photo_files import PhotoFiles


def picture(n: int, size: int = 20_000) -> bytes:
    seed = hashlib.sha256(f"backup photo {n}".encode()).digest()
    return b"\xff\xd8" + (seed * (size // len(seed) + 1))[:size]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(folder: Path) -> set[str]:
    return {s for s, _ in PhotoFiles(folder).scan()}


class Trust:
    """A ward with an audit in progress, on a database of its own."""

    def __init__(self, path: Path, checklist: Checklist) -> None:
        self.path = path
        self.items = [i.id for i in checklist.applicable_items("mixed")]
        with Store.open(path) as store:
            store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
            self.audit = store.audits.start("Juniper Ward", checklist).id

    def add_photos_in_no_backup(self, count: int) -> None:
        """Photos 0 to ``count`` - 1 added, the database closed without a backup."""
        store = Store.open(self.path)
        for n in range(count):
            self.add(store, n)
        store.close(backup=False)

    def add(self, store: Store, n: int) -> str:
        return store.photos.add(
            self.audit,
            self.items[n % len(self.items)],
            picture(n),
            filename=f"p{n}.jpg",
            media_type="image/jpeg",
            width=10,
            height=10,
        ).id


@pytest.fixture
def trust(db_path: Path, checklist: Checklist) -> Trust:
    return Trust(db_path, checklist)


def at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    moment = datetime.fromisoformat(when).replace(tzinfo=clock.LONDON)
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_each_photo_is_stored_once_however_many_backups_refer_to_it(trust: Trust) -> None:
    with Store.open(trust.path) as store:
        for n in range(5):
            trust.add(store, n)
        first = store.backup_now("manual")
        trust.add(store, 5)
        second = store.backup_now("manual")
        third = store.backup_now("manual")
    assert files(backup_photo_dir(trust.path)) == {sha(picture(n)) for n in range(6)}
    for copy in (first, second, third):
        # the records (with the checklist) are a few hundred KB; six photos would be more
        assert copy.stat().st_size - first.stat().st_size < 16_384, "no photo bytes in it"
    assert len(backups.photos_in(first) or {}) == 5
    assert len(backups.photos_in(third) or {}) == 6
    photo_bytes = sum(p.stat().st_size for _, p in PhotoFiles(backup_photo_dir(trust.path)).scan())
    assert photo_bytes == 6 * len(picture(0))


def test_thinning_removes_the_backup_photos_no_kept_copy_refers_to(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, "2024-01-10T12:00:00")
    with Store.open(trust.path) as store:
        gone = trust.add(store, 1)
        store.backup_now("manual")  # the only copy that refers to photo 1
        store.photos.remove(gone)
        trust.add(store, 2)
    kept_photo = sha(picture(2))
    for month in range(13):  # a backup a month for thirteen months, from 2025
        at(monkeypatch, f"{2025 + month // 12}-{month % 12 + 1:02d}-15T12:00:00")
        with Store.open(trust.path) as store:
            store.wards.add(site="Ashcombe", name=f"Ward {month}", sex="male")
            store.backup_now("manual")
    made = backups.list_backups(trust.path)
    assert len(made) == 12 and all("20240110" not in p.name for p in made), "thinned away"
    # The January 2024 copy was the only one needing photo 1.
    assert files(backup_photo_dir(trust.path)) == {kept_photo}


def test_photos_a_killed_backup_copied_go_at_the_next_backup(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(trust.path) as store:
        trust.add(store, 1)
        first = store.backup_now("manual")
        orphan = trust.add(store, 2)
        # A backup killed after copying photo 2 and before its records copy took its name.
        partial = first.with_name(first.name.replace("manual", "killed") + ".partial")
        partial.write_bytes(first.read_bytes())
        with backups.backup_photo_store(trust.path).adding() as batch:
            batch.put(picture(2))
            batch.sync()
        store.photos.remove(orphan)
        assert sha(picture(2)) in files(backup_photo_dir(trust.path))
        store.backup_now("manual")
    assert not partial.exists()
    assert files(backup_photo_dir(trust.path)) == {sha(picture(1))}, "no copy refers to it"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")
def test_a_full_backup_copies_each_photo_whole_in_worker_threads_synced_before_it_is_named(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust.add_photos_in_no_backup(12)
    happened: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        real_fsync(fd)
        happened.append((f"synced {name}", threading.current_thread().name))

    def replace(source: object, target: object) -> None:
        real_replace(source, target)  # type: ignore[arg-type]
        happened.append((f"named {target}", threading.current_thread().name))

    with Store.open(trust.path) as store:
        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        copy = store.backup_now("manual")
        monkeypatch.undo()
    folder = str(backup_photo_dir(trust.path))
    photo_syncs = [
        (n, thread)
        for n, (what, thread) in enumerate(happened)
        if what.startswith(f"synced {folder}") and ".incoming-" in what
    ]
    assert len(photo_syncs) == 12, "each photo synced once, by the thread that copied it"
    assert {thread for _, thread in photo_syncs} <= {
        f"wardaudit-backup_{n}" for n in range(backups.COPY_THREADS)
    }
    named_copy = next(n for n, (what, _) in enumerate(happened) if what == f"named {copy}")
    assert max(n for n, _ in photo_syncs) < named_copy, "its photos are durable before it is"
    assert files(backup_photo_dir(trust.path)) == {sha(picture(n)) for n in range(12)}
    assert backups.is_good(copy, trust.path)


def test_a_large_backup_holds_few_copies_at_once_and_hands_them_over_as_it_goes(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many photos, only a few copies are asked for ahead of the one being handed
    over, and copies are renamed into place a few at a time as the backup goes on (what it
    holds stays small); each folder is still synced once, before the records copy is named."""
    trust.add_photos_in_no_backup(40)
    monkeypatch.setattr(backups, "COPY_AHEAD", 3)
    monkeypatch.setattr(backups, "COPY_HANDOVER", 5)
    happened: list[str] = []
    lock = threading.Lock()
    real_copy, real_replace, real_fsync = backups._copy_whole, os.replace, os.fsync

    def copy_whole(*args: object) -> tuple[Path, int]:
        with lock:
            happened.append("asked")
        return real_copy(*args)  # type: ignore[arg-type]

    def replace(source: object, target: object) -> None:
        real_replace(source, target)  # type: ignore[arg-type]
        with lock:
            happened.append(f"named {target}")

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        real_fsync(fd)
        if os.path.isdir(name):
            with lock:
                happened.append(f"folder {name}")

    with Store.open(trust.path) as store:
        monkeypatch.setattr(backups, "_copy_whole", copy_whole)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "fsync", fsync)
        copy = store.backup_now("manual")
        monkeypatch.undo()
    folder = str(backup_photo_dir(trust.path))
    asked = renamed = most_held = 0
    for what in happened:
        asked += what == "asked"
        renamed += what.startswith(f"named {folder}")
        most_held = max(most_held, asked - renamed)
    assert asked == renamed == 40
    assert most_held <= 3 + 5 + 1, "copies are handed over as the backup goes"
    first_named = next(n for n, w in enumerate(happened) if w.startswith(f"named {folder}"))
    last_asked = max(n for n, w in enumerate(happened) if w == "asked")
    assert first_named < last_asked
    synced = [w for w in happened if w.startswith(f"folder {folder}")]
    assert len(synced) == len(set(synced)), "each folder synced once"
    named_copy = happened.index(f"named {copy}")
    last_photo = max(n for n, w in enumerate(happened) if w.startswith(f"named {folder}"))
    last_folder = max(n for n, w in enumerate(happened) if w.startswith(f"folder {folder}"))
    assert last_photo < named_copy and last_folder < named_copy
    assert files(backup_photo_dir(trust.path)) == {sha(picture(n)) for n in range(40)}
    assert backups.is_good(copy, trust.path)


def test_a_backup_that_fails_after_handing_some_photos_over_names_no_copy(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust.add_photos_in_no_backup(30)
    monkeypatch.setattr(backups, "COPY_HANDOVER", 4)
    real_write = PhotoFiles.write_temp
    written: list[int] = []
    lock = threading.Lock()

    def write_temp(self: PhotoFiles, sha256: str, data: bytes, *, sync: bool = False) -> Path:
        with lock:
            written.append(1)
            if len(written) == 20:
                raise OSError(28, "No space left on device")
        return real_write(self, sha256, data, sync=sync)

    before = backups.list_backups(trust.path)
    with Store.open(trust.path) as store:
        monkeypatch.setattr(PhotoFiles, "write_temp", write_temp)
        with pytest.raises(StoreError):
            store.backup_now("manual")
        monkeypatch.setattr(PhotoFiles, "write_temp", real_write)
        assert backups.list_backups(trust.path) == before
        left = [p for p in backup_photo_dir(trust.path).rglob("*") if p.is_file()]
        assert not [p for p in left if p.name.startswith(".incoming-")], "no half-made copy"
        copy = store.backup_now("manual")
    assert backups.is_good(copy, trust.path)
    assert files(backup_photo_dir(trust.path)) == {sha(picture(n)) for n in range(30)}


def test_a_photo_copy_that_fails_leaves_no_file_and_no_backup(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust.add_photos_in_no_backup(10)
    real_write = PhotoFiles.write_temp
    written: list[int] = []

    def write_temp(self: PhotoFiles, sha256: str, data: bytes, *, sync: bool = False) -> Path:
        with lock:
            written.append(1)
            if len(written) == 6:
                raise OSError(28, "No space left on device")
        return real_write(self, sha256, data, sync=sync)

    lock = threading.Lock()
    before = backups.list_backups(trust.path)
    with Store.open(trust.path) as store:
        monkeypatch.setattr(PhotoFiles, "write_temp", write_temp)
        with pytest.raises(StoreError):
            store.backup_now("manual")
        assert backups.list_backups(trust.path) == before
        left = [p for p in backup_photo_dir(trust.path).rglob("*") if p.is_file()]
        assert not [p for p in left if p.name.startswith(".incoming-")], "no half-made copy"
        monkeypatch.setattr(PhotoFiles, "write_temp", real_write)
        copy = store.backup_now("manual")
    assert backups.is_good(copy, trust.path)
    assert files(backup_photo_dir(trust.path)) == {sha(picture(n)) for n in range(10)}


def test_a_damaged_photo_is_left_out_of_the_backup_and_the_rest_copied(trust: Trust) -> None:
    trust.add_photos_in_no_backup(6)
    live = photo_dir(trust.path)
    damaged = sha(picture(2))
    (live / damaged[:2] / damaged).write_bytes(b"not what was saved")
    with Store.open(trust.path) as store:
        copy = store.backup_now("manual")
    assert files(backup_photo_dir(trust.path)) == {sha(picture(n)) for n in range(6)} - {damaged}
    assert backups.examine(copy, trust.path).missing == (damaged,), "said, never copied wrong"
    assert not list(backup_photo_dir(trust.path).rglob(".incoming-*"))


def test_a_backup_the_disk_refuses_says_so_and_keeps_its_error(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    before = backups.list_backups(trust.path)
    monkeypatch.setattr(backups, "_copy_records", no_room)
    with pytest.raises(StoreError, match="No space left on device") as refused:
        backups.make(trust.path, "manual")
    assert isinstance(refused.value.__cause__, OSError)
    assert backups.list_backups(trust.path) == before
    assert not list(backups.backup_dir(trust.path).glob("*.partial"))


def test_a_backup_never_makes_an_answer_wait(
    trust: Trust, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(trust.path)
    try:
        for n in range(3):
            trust.add(store, n)
        copying = threading.Event()
        release = threading.Event()
        real_copy = backups._copy_photos

        def slow_copy(*args: object, **kwargs: object) -> list[str]:
            copying.set()
            assert release.wait(10)
            return real_copy(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(backups, "_copy_photos", slow_copy)
        made: list[Path] = []
        worker = threading.Thread(target=lambda: made.append(store.backup_now("manual")))
        worker.start()
        assert copying.wait(10)
        # The backup is half way through; answers and photos still save meanwhile.
        item = trust.items[0]
        store.audits.record_answer(trust.audit, item, "no", note="while the backup runs")
        removed = trust.add(store, 9)
        store.photos.remove(removed)  # its file must wait for the backup to let go of it
        assert store._db.photo_files.has(sha(picture(9)))
        release.set()
        worker.join(10)
        assert made and not worker.is_alive()
        assert not store._db.photo_files.has(sha(picture(9))), "removed once the backup ended"
        assert store.audits.get(trust.audit).answers[item].note == "while the backup runs"
    finally:
        store.close(backup=False)


def test_restore_brings_back_a_consistent_pair_of_records_and_photos(trust: Trust) -> None:
    with Store.open(trust.path) as store:
        early = [trust.add(store, n) for n in range(3)]
        backup = store.backup_now("manual")
        store.photos.remove(early[0])
        late = trust.add(store, 7)
    # The live photo folder has lost one of the early photos meanwhile (the disk's fault).
    (photo_dir(trust.path) / sha(picture(1))[:2] / sha(picture(1))).unlink()
    kept = backups.restore(trust.path, backup)
    assert kept is not None and kept.exists()
    with Store.open(trust.path) as store:
        photos = store.audits.get(trust.audit).photos
        assert {p.id for p in photos} == set(early)
        assert [store.photos.data(p) for p in early] == [picture(n) for n in range(3)]
        assert store.photos.check().problems == ()
    # Nothing entered is lost: the set-aside database keeps its own photos, swept or not.
    with Store.open(trust.path) as store:
        store.photos.sweep()
    with Store.open(kept, readonly=True) as previous:
        assert previous.audits.get(trust.audit).photos[-1].id == late
    assert (photo_dir(trust.path) / sha(picture(7))[:2] / sha(picture(7))).exists()


def test_a_damaged_backup_or_one_without_its_photos_is_refused_with_nothing_changed(
    trust: Trust,
) -> None:
    with Store.open(trust.path) as store:
        trust.add(store, 1)
        backup = store.backup_now("manual")
        store.wards.add(site="Ashcombe", name="Later Ward", sex="male")
    before = digest(trust.path)
    shutil.rmtree(backup_photo_dir(trust.path))
    shutil.rmtree(photo_dir(trust.path))
    with pytest.raises(StoreError, match="lacks 1 of its photos"):
        backups.restore(trust.path, backup)
    assert digest(trust.path) == before
    assert not backups.is_good(backup, trust.path)
    damaged = backup.with_name(backup.name.replace("manual", "damaged"))
    data = bytearray(backup.read_bytes())
    for offset in range(4096, len(data) - 200, 4096):
        data[offset + 8 : offset + 200] = os.urandom(192)
    damaged.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged too"):
        backups.restore(trust.path, damaged)
    assert digest(trust.path) == before
    assert not list(trust.path.parent.glob("*.replaced-*"))
    assert not list(trust.path.parent.glob("*.restoring-*"))


def test_a_restore_with_no_room_is_refused_before_anything_moves(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(trust.path) as store:
        trust.add(store, 1)
        backup = store.backup_now("manual")
    before = digest(trust.path)
    monkeypatch.setattr(
        backups.shutil,
        "disk_usage",
        lambda where: shutil._ntuple_diskusage(10**12, 10**12 - 1000, 1000),
    )
    with pytest.raises(DiskFull, match="nothing has been changed"):
        backups.restore(trust.path, backup)
    assert digest(trust.path) == before
    assert not list(trust.path.parent.glob("*.replaced-*"))


def test_two_restores_in_the_same_second_keep_both_databases_they_replaced(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(trust.path) as store:
        backup = store.backup_now("manual")
        store.wards.add(site="Ashcombe", name="First Ward", sex="male")
    at(monkeypatch, "2026-11-27T14:03:12")
    first = backups.restore(trust.path, backup)
    with Store.open(trust.path) as store:
        store.wards.add(site="Ashcombe", name="Second Ward", sex="male")
    second = backups.restore(trust.path, backup)
    assert first is not None and second is not None and first != second
    with Store.open(first, readonly=True) as kept:
        assert "First Ward" in {w.name for w in kept.wards.list()}
    with Store.open(second, readonly=True) as kept:
        assert "Second Ward" in {w.name for w in kept.wards.list()}


@pytest.mark.parametrize("failing_step", ["photo copy", "set aside", "final rename"])
def test_a_restore_that_fails_part_way_leaves_the_original_where_it_was(
    trust: Trust, monkeypatch: pytest.MonkeyPatch, failing_step: str
) -> None:
    with Store.open(trust.path) as store:
        only_in_backup = trust.add(store, 1)
        backup = store.backup_now("manual")
        store.photos.remove(only_in_backup)  # so the restore has a photo to copy back
        trust.add(store, 2)
        store.wards.add(site="Ashcombe", name="Only Here Ward", sex="male")
    assert sha(picture(1)) not in files(photo_dir(trust.path))
    real_replace = os.replace

    def failing_replace(source: object, target: object) -> None:
        if failing_step == "final rename" and Path(str(target)) == trust.path:
            raise OSError(5, "Input/output error")
        real_replace(source, target)  # type: ignore[arg-type]

    def failing_copy(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    def failing_set_aside(*args: object, **kwargs: object) -> Path:
        raise OSError(13, "Permission denied")

    if failing_step == "photo copy":
        monkeypatch.setattr(backups, "_copy_verified", failing_copy)
    elif failing_step == "set aside":
        monkeypatch.setattr(backups, "_manifest_for", failing_set_aside)
    monkeypatch.setattr(backups.os, "replace", failing_replace)
    with pytest.raises(StoreError, match="is as it was") as refused:
        backups.restore(trust.path, backup)
    assert isinstance(refused.value.__cause__, OSError), "the disk's own error is kept"
    monkeypatch.undo()
    with Store.open(trust.path) as store:
        assert "Only Here Ward" in {w.name for w in store.wards.list()}
        assert len(store.audits.get(trust.audit).photos) == 1
        assert store.photos.check().problems == ()
    leftovers = [p.name for p in trust.path.parent.iterdir() if ".restoring-" in p.name]
    assert leftovers == []
    assert not list(trust.path.parent.glob("*.replaced-*")), "nothing set aside is left over"
    assert sha(picture(1)) not in files(photo_dir(trust.path)), "the copied photo went again"


def test_no_sequence_of_restores_leaves_no_database_at_her_path(
    trust: Trust, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(trust.path) as store:
        trust.add(store, 1)
        good = store.backup_now("manual")
    bad = good.with_name(good.name.replace("manual", "bad"))
    bad.write_bytes(b"not a database at all")

    def exists_and_opens() -> None:
        assert trust.path.exists()
        with Store.open(trust.path) as store:
            assert store.wards.list()

    for backup in (good, bad, good, good, bad):
        with contextlib.suppress(StoreError):  # the bad one is refused: that is the point
            backups.restore(trust.path, backup)
        exists_and_opens()
    # A restore while WardAudit has it open is refused and changes nothing.
    with Store.open(trust.path), pytest.raises(DatabaseInUse):
        backups.restore(trust.path, good)
    exists_and_opens()
    # With no database there at all (the file was deleted), a restore puts one there.
    for name in os.listdir(trust.path.parent):
        if name.startswith(trust.path.name) and not name.endswith(".lock"):
            os.remove(trust.path.parent / name)
    assert backups.restore(trust.path, good) is None
    exists_and_opens()


def test_a_journal_left_beside_a_missing_database_never_meets_the_restored_one(
    trust: Trust,
) -> None:
    with Store.open(trust.path) as store:
        backup = store.backup_now("manual")
    trust.path.unlink()
    Path(str(trust.path) + "-wal").write_bytes(os.urandom(8192))
    backups.restore(trust.path, backup)
    conn = sqlite3.connect(trust.path)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    conn.close()
