"""The lock that keeps a second copy of WardAudit off a database one copy has open.

It is the operating system's own lock on a small file beside the database
(``<database>.lock``): ``flock`` on Linux and macOS, ``msvcrt.locking`` (a lock on the file's
first byte, which Windows keeps with ``LockFileEx``) on Windows. These are the calls the
filelock library makes, which WardAudit used before, on the same file: a copy of WardAudit
from before and one from now keep each other out. The lock belongs to the open file, so a
copy that is killed or loses power leaves the file behind but never the lock; the file is
not removed on release (removing it could let two copies lock two different files).

Made here rather than taken from filelock, whose fourth version imports about 11 ms of
machinery at every start (settings, fork handling, soft locks) for these two calls.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from wardaudit.errors import DatabaseInUse, StoreError

# What the locking call fails with when another process holds the lock.
_HELD = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, getattr(errno, "EDEADLOCK", errno.EDEADLK)}


class LockHeld(Exception):
    """Another process holds the lock."""


class LockUnsupported(OSError):
    """The file system holding the lock file cannot lock files (some network shares)."""


def take(database: Path, in_use: str | None = None) -> FileLock:
    """The lock beside ``database``, taken. Raises :class:`DatabaseInUse` (in the words
    ``in_use``, or that the database is open in another copy) when another copy holds it,
    and a :class:`StoreError` saying what to do when its disk cannot lock files. Other
    failures to open the file are raised as they are, for the caller to explain."""
    lock = FileLock(f"{database}.lock")
    try:
        lock.acquire()
    except LockHeld:
        raise DatabaseInUse(
            in_use
            or f"the database {database} is already open in another copy of WardAudit. "
            "Close the other copy (or wait for its command to finish), then try again."
        ) from None
    except LockUnsupported:
        raise StoreError(
            f"the disk holding {database} cannot lock files, which WardAudit needs to keep "
            "a second copy of itself from writing to the same database (some network "
            "shares cannot). Keep the database on the computer's own disk, or ask IT for "
            "a share that supports file locking."
        ) from None
    return lock


class FileLock:
    """A lock on ``path`` that is taken at once or not at all: :meth:`acquire` raises
    :class:`LockHeld` rather than wait. Not re-entrant; one holder per object."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._fd: int | None = None

    @property
    def is_locked(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already locked by this object")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except PermissionError:
            if sys.platform == "win32" and Path(self.path).exists():
                raise LockHeld(self.path) from None  # Windows: held open for removal
            raise
        try:
            _lock(fd, self.path)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int, path: str) -> None:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            if error.errno in _HELD:
                raise LockHeld(path) from None
            raise

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int, path: str) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in _HELD:
                raise LockHeld(path) from None
            if error.errno in {errno.ENOSYS, errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL}:
                raise LockUnsupported(error.errno, error.strerror, path) from None
            raise

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
