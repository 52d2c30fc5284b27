"""Write a file whole or not at all: into a temporary file beside it, then rename it into place.

A failed export (a full disk, a crash, a bug) leaves the previous file as it was and no
half-written file for estates to open by mistake.
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wardaudit.errors import ExportFailed

__all__ = ["atomic_write"]


def _cannot_write(target: Path, error: OSError) -> ExportFailed:
    folder = target.parent
    if error.errno == errno.ENOSPC or error.errno == getattr(errno, "EDQUOT", -1):
        return ExportFailed(
            f"the disk holding {folder} is full, so {target.name} was not written. "
            "Free some space or choose another folder, then export again."
        )
    if isinstance(error, PermissionError) or error.errno in (errno.EACCES, errno.EPERM):
        return ExportFailed(
            f"WardAudit may not write {target} (permission denied). If the file is open in "
            "Excel or a PDF reader, close it; otherwise choose a folder you can write to."
        )
    if error.errno == errno.EROFS:
        return ExportFailed(f"the folder {folder} is read-only; choose another folder")
    reason = error.strerror or str(error)
    return ExportFailed(f"{target} could not be written: {reason}")


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
    temporary = folder / f".{target.name}.{uuid.uuid4().hex[:12]}.part"
    try:
        # Created here (O_EXCL, the usual permissions) so the writer fills our own file.
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as error:
        raise _cannot_write(target, error) from None
    try:
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
    except BaseException as error:
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
