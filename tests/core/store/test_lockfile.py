"""The one-writer lock: taken at once or refused, gone with its process, and the same lock a
copy of WardAudit from before (which locked through filelock) takes."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import filelock
import pytest

from wardaudit.errors import DatabaseInUse, StoreError
from wardaudit.store import Store, lockfile
from wardaudit.store.lockfile import FileLock, LockHeld

HOLD = textwrap.dedent(
    """
    import sys, time
    from wardaudit.store.lockfile import FileLock
    lock = FileLock(sys.argv[1]); lock.acquire()
    print("held", flush=True)
    time.sleep(60)
    """
)


def _holder(path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def _kill(holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert holder.stdout is not None
    holder.stdout.close()


def test_a_second_lock_is_refused_at_once_and_taken_after_release(tmp_path: Path) -> None:
    path = tmp_path / "audits.sqlite3.lock"
    first, second = FileLock(path), FileLock(path)
    first.acquire()
    assert first.is_locked
    with pytest.raises(LockHeld):
        second.acquire()
    assert not second.is_locked
    first.release()
    second.acquire()
    assert second.is_locked
    second.release()
    assert path.exists(), "the lock file stays, so two copies never lock two files"


def test_a_killed_holder_leaves_no_lock(tmp_path: Path) -> None:
    path = tmp_path / "audits.sqlite3.lock"
    holder = _holder(path)
    try:
        with pytest.raises(LockHeld):
            FileLock(path).acquire()
    finally:
        _kill(holder)
    lock = FileLock(path)
    lock.acquire()
    lock.release()


def test_it_and_filelock_keep_each_other_out(tmp_path: Path) -> None:
    """An older WardAudit locked ``<database>.lock`` with filelock: while either copy holds
    it, the other is refused, so a copy from before and one from now never share a database."""
    path = tmp_path / "audits.sqlite3.lock"
    older = filelock.FileLock(str(path), timeout=0, is_singleton=False, thread_local=False)
    older.acquire()
    try:
        with pytest.raises(LockHeld):
            FileLock(path).acquire()
    finally:
        older.release()
    ours = FileLock(path)
    ours.acquire()
    try:
        with pytest.raises(filelock.Timeout):
            filelock.FileLock(
                str(path), timeout=0, is_singleton=False, thread_local=False
            ).acquire()
    finally:
        ours.release()


def test_a_store_open_in_another_process_is_refused_in_words(tmp_path: Path) -> None:
    db = tmp_path / "audits.sqlite3"
    Store.open(db).close()
    holder = _holder(Path(f"{db}.lock"))
    try:
        with pytest.raises(DatabaseInUse, match="already open in another copy of WardAudit"):
            Store.open(db)
    finally:
        _kill(holder)
    Store.open(db).close()


def test_the_lock_file_is_not_handed_to_child_processes(tmp_path: Path) -> None:
    """A program the app starts (a PDF viewer, say) must not keep the lock once the app has
    gone: the lock file's descriptor is closed in children."""
    path = tmp_path / "audits.sqlite3.lock"
    lock = FileLock(path)
    lock.acquire()
    try:
        assert lock._fd is not None
        assert not os.get_inheritable(lock._fd)
    finally:
        lock.release()


def test_a_disk_that_cannot_lock_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(lockfile.fcntl, "flock", no_locks)
    with pytest.raises(StoreError, match="cannot lock files") as raised:
        lockfile.take(tmp_path / "audits.sqlite3")
    assert "computer's own disk" in str(raised.value)
    assert not isinstance(raised.value, DatabaseInUse)
