"""Write a file whole or not at all: into a temporary file beside it, then rename it into place.

A failed export (a full disk, a crash, a bug) leaves the previous file as it was and no
half-written file for estates to open by mistake. An export killed outright cannot tidy up
after itself, so every export first removes the temporaries of earlier ones in its folder:
only files of WardAudit's own naming, only old ones, and never one that a running export
still holds.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from wardaudit import disk
from wardaudit.errors import ExportFailed

__all__ = ["STALE_AFTER_S", "atomic_write", "remove_stale_temporaries"]

log = logging.getLogger(__name__)

# A temporary this old, held by no running export, was left by one that was killed.
STALE_AFTER_S = 10 * 60
# ".plan.pdf.0123456789ab.part": a dot, the target's name, twelve hex digits, ".part".
_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.part$")


def _temporary_for(target: Path) -> Path:
    return target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.part"


def _cannot_write(target: Path, error: OSError) -> ExportFailed:
    folder = target.parent
    name = target.name
    problem = disk.diagnose(target, error)
    kind = problem.kind if problem is not None else None
    if kind == "full":
        return ExportFailed(
            f"the disk holding {folder} is full, so {name} was not written. Free some space on "
            "the laptop's disk or choose another folder, then export again."
        )
    if kind == "read_only_disk":
        return ExportFailed(
            f"WardAudit cannot write to this folder: {folder} is on a read-only disk, so "
            f"{name} was not written. Choose another folder, then export again."
        )
    if kind == "read_only_folder" or kind == "no_access":
        return ExportFailed(
            f"WardAudit cannot write to this folder: {folder} does not let you create files "
            f"(permission denied), so {name} was not written. Choose a folder you can write "
            "to, then export again."
        )
    if kind in ("read_only_file", "others_file") or error.errno in (errno.EACCES, errno.EPERM):
        return ExportFailed(
            f"WardAudit may not write {target} (permission denied). If the file is open in "
            "Excel or a PDF reader, close it; otherwise choose a folder you can write to."
        )
    if error.errno == errno.EROFS:
        return ExportFailed(f"the folder {folder} is read-only; choose another folder")
    reason = error.strerror or str(error)
    return ExportFailed(f"{target} could not be written: {reason}")


def _hold(handle: int) -> None:
    """Mark the temporary as being written, so no other export takes it for a stray."""
    if os.name != "posix":
        return  # on Windows an open file cannot be removed: holding it open is enough
    import fcntl

    with suppress(OSError):
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _held_by_a_running_export(path: Path) -> bool:
    if os.name != "posix":
        return False
    import fcntl

    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True  # cannot look: leave it
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(handle)  # closing drops the lock taken just now
    return False


def remove_stale_temporaries(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove what killed exports left in ``folder``; returns what was removed.

    Only WardAudit's own naming (``.NAME.<12 hex digits>.part``), only plain files older
    than :data:`STALE_AFTER_S`, and never one that a running export holds. Problems are
    logged, never raised: tidying up must not stop an export.
    """
    removed: list[Path] = []
    cutoff = (time.time() if now is None else now) - STALE_AFTER_S
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        log.info("could not look for old temporaries in %s: %s", folder, error)
        return removed
    for entry in entries:
        if not _TEMPORARY.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if entry.stat(follow_symlinks=False).st_mtime > cutoff:
                continue  # fresh: perhaps another export is writing it right now
            path = Path(entry.path)
            if _held_by_a_running_export(path):
                continue
            path.unlink()
        except OSError as error:
            log.info("left %s in place: %s", entry.path, error)
            continue
        log.info("removed a temporary an interrupted export left: %s", path)
        removed.append(path)
    return removed


@contextmanager
def atomic_write(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it into place on success.

    On any failure the temporary file is removed and the target is left as it was. File
    system problems (a missing folder, no permission, a full disk) become ExportFailed.
    """
    target = Path(path).expanduser().absolute()
    folder = target.parent
    if not folder.is_dir():
        raise ExportFailed(
            f"the folder {folder} does not exist; check the path (WardAudit does not create "
            "folders for exports)"
        )
    if target.is_dir():
        raise ExportFailed(f"{target} is a folder; give a file name to write")
    remove_stale_temporaries(folder)
    temporary = _temporary_for(target)
    try:
        # Created here (O_EXCL, the usual permissions) so the writer fills our own file,
        # and held open while it does, so that no other export removes it.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise _cannot_write(target, error) from None
    _hold(handle)
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.close(handle)
        handle = -1  # closed before the rename: Windows renames no file that is open
        os.replace(temporary, target)
    except BaseException as error:
        if handle >= 0:
            os.close(handle)
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _cannot_write(target, error) from error
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows it (not on Windows)."""
    if os.name != "posix":
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
