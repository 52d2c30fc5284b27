"""What is wrong with a place on the disk, found by looking at it: full, read-only, not a file.

SQLite and the system say little ("unable to open database file", "disk I/O error"), and
the same words cover a full disk, a locked memory stick and a folder typed for a file. The
words a matron can act on come from looking at the place itself once something failed,
so a full disk is never reported as a damaged database, nor a read-only folder as full.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ProblemKind = Literal[
    "full",  # no room left on the disk (or the user's quota)
    "read_only_disk",  # the whole disk or share is mounted read-only
    "read_only_folder",  # the folder does not let this user create or change files
    "read_only_file",  # the file itself is marked read-only
    "others_file",  # the file belongs to another user account, and this one may not change it
    "no_access",  # a folder on the way may not even be opened
    "is_folder",  # a folder stands where the file was expected
    "not_a_file",  # a device, a pipe or another special file stands there
    "through_file",  # a file stands where the path needs a folder
    "missing_folder",  # the folder the file would go in does not exist
    "too_long",  # a name or the whole path is longer than the system allows
    "io",  # the disk reported an input/output error that none of the above explains
]


@dataclass(frozen=True)
class DiskProblem:
    """Why a file could not be used, with the file or folder at fault."""

    kind: ProblemKind
    place: Path
    detail: str = ""  # the system's own words, kept for IT and the log
    limit: int = 0  # for "too_long": the most the system allows


# Below this, an "input/output error" on the disk is taken to be the disk filling up.
_NEARLY_FULL_BYTES = 1024 * 1024
# Below this, WardAudit warns when a database opens: the next answers may not fit.
LOW_SPACE_BYTES = 20 * 1024 * 1024

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_PERMISSION_ERRNOS = {errno.EACCES, errno.EPERM}

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

WINDOWS_NAME_MAX = 255
WINDOWS_PATH_MAX = 260


def sqlite_code(error: BaseException) -> int | None:
    """SQLite's primary result code for an error it raised, None for any other error."""
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def free_bytes(folder: Path) -> int | None:
    """Room left on the disk holding ``folder`` for this user; None when it cannot be told."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def on_read_only_disk(folder: Path) -> bool:
    """Whether the disk or share holding ``folder`` is mounted read-only."""
    if sys.platform == "win32":
        return _windows_read_only_volume(folder)
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _windows_read_only_volume(folder: Path) -> bool:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        return False
    import ctypes

    read_only_volume = 0x00080000
    root = os.path.splitdrive(str(folder))[0] + "\\"
    flags = ctypes.c_ulong(0)
    ok = ctypes.windll.kernel32.GetVolumeInformationW(
        ctypes.c_wchar_p(root), None, 0, None, None, ctypes.byref(flags), None, 0
    )
    return bool(ok) and bool(flags.value & read_only_volume)


def _limits(folder: Path) -> tuple[int, int]:
    """The longest name and the longest path the system allows under ``folder``."""
    if sys.platform == "win32":
        return WINDOWS_NAME_MAX, WINDOWS_PATH_MAX
    name_max, path_max = 255, 4096
    for probe in (folder, *folder.parents):
        try:
            name_max = os.pathconf(probe, "PC_NAME_MAX")
            path_max = os.pathconf(probe, "PC_PATH_MAX")
            break
        except (OSError, ValueError):
            continue
    return name_max, path_max


def _too_long(path: Path) -> DiskProblem | None:
    name_max, path_max = _limits(path.parent)
    for part in path.parts[1:]:
        if len(os.fsencode(part)) > name_max:
            return DiskProblem("too_long", path, f"a name of {len(part)} characters", name_max)
    if len(os.fsencode(str(path))) >= path_max:
        return DiskProblem("too_long", path, f"{len(str(path))} characters", path_max - 1)
    return None


def path_problem(path: Path) -> DiskProblem | None:
    """Why no database file can be at ``path`` at all; looked at before anything is created.

    A folder typed for the file, a file standing where a folder should be, a folder that is
    not there, a name too long. None when a file can be at ``path`` (whether or not it is).
    """
    too_long = _too_long(path)
    if too_long is not None:
        return too_long
    folder = path.parent
    for ancestor in (folder, *folder.parents):
        try:
            is_dir = ancestor.is_dir()
            exists = is_dir or ancestor.exists()
        except PermissionError as error:
            return DiskProblem("no_access", ancestor, error.strerror or str(error))
        except OSError as error:
            if error.errno == errno.ENAMETOOLONG:
                return DiskProblem("too_long", path, error.strerror or "", _limits(folder)[1] - 1)
            continue
        if not exists:
            continue
        if not is_dir:
            return DiskProblem("through_file", ancestor)
        if ancestor != folder:
            return DiskProblem("missing_folder", folder)
        break
    try:
        if path.is_dir():
            return DiskProblem("is_folder", path)
        if path.exists() and not path.is_file():
            return DiskProblem("not_a_file", path)
    except PermissionError as error:
        return DiskProblem("no_access", folder, error.strerror or str(error))
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:
            return DiskProblem("too_long", path, error.strerror or "", _limits(folder)[1] - 1)
        return None
    return None


def _marked_read_only(path: Path) -> bool:
    """Not writable because of a mark on the file (its mode, an attribute), not its owner."""
    if os.name != "posix":
        return True  # Windows: the Read-only attribute
    try:
        info = path.stat()
    except OSError:
        return True
    return os.geteuid() in (0, info.st_uid) or not info.st_mode & 0o222


def write_problem(path: Path) -> DiskProblem | None:
    """Why this user cannot write the file at ``path`` (or create it), by looking at it.

    A read-only disk, then the file's own read-only mark, then the folder's permissions:
    WardAudit writes small files beside a database (its journal and its lock), so it needs
    the folder as well as the file.
    """
    folder = path.parent
    if on_read_only_disk(folder):
        return DiskProblem("read_only_disk", folder)
    if path.exists() and not os.access(path, os.W_OK):
        return DiskProblem("read_only_file" if _marked_read_only(path) else "others_file", path)
    if not os.access(folder, os.W_OK | os.X_OK):
        return DiskProblem("read_only_folder", folder)
    return None


def _errno_of(error: BaseException | None) -> int | None:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno is not None:
            return error.errno
        error = error.__cause__ or error.__context__
    return None


def _place_of(error: BaseException | None, default: Path) -> Path:
    name = getattr(error, "filename", None)
    if isinstance(name, str | bytes | os.PathLike) and name:
        return Path(os.fsdecode(name))
    return default


def diagnose(path: Path, error: BaseException | None = None) -> DiskProblem | None:
    """What kept WardAudit from opening or writing ``path``; None if the disk is not to blame.

    The error's own code says "full" or "read-only" when it can; the place is looked at
    for the rest (SQLite's "unable to open" and "disk I/O error" say nothing of why).
    ``path`` is the file being written; an OSError naming another file (a backup, a
    photo) is judged at the file it names.
    """
    path = _place_of(error, path)
    found = path_problem(path)
    if found is not None and found.kind != "missing_folder":
        return found
    number = _errno_of(error)
    code = sqlite_code(error) if error is not None else None
    detail = str(error) if error is not None else ""
    if code == SQLITE_FULL or number in _FULL_ERRNOS:
        return DiskProblem("full", path.parent, detail)
    read_only = (
        code in (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN)
        or number in _PERMISSION_ERRNOS
        or number == errno.EROFS
    )
    if read_only or error is None:
        found_write = write_problem(path)
        if found_write is not None:
            return found_write
    if found is not None:
        return found
    if code in (SQLITE_IOERR, SQLITE_CANTOPEN) or number in (errno.EIO, errno.ENOSPC):
        room = free_bytes(path.parent)
        if room is not None and room < _NEARLY_FULL_BYTES:
            return DiskProblem("full", path.parent, detail)
    if number == errno.EROFS:
        return DiskProblem("read_only_disk", path.parent, detail)
    if number in _PERMISSION_ERRNOS:
        # the place looks writable, yet the system said no: a file held open elsewhere (on
        # Windows, a document open in Excel), or a folder whose rules say more than its mode
        if path.exists():
            return DiskProblem("read_only_file", path, detail)
        return DiskProblem("read_only_folder", path.parent, detail)
    if code == SQLITE_READONLY:
        return DiskProblem("read_only_file", path, detail)
    if code == SQLITE_IOERR or number == errno.EIO:
        return DiskProblem("io", path, detail)
    if number == errno.ENAMETOOLONG:
        return DiskProblem("too_long", path, detail, _limits(path.parent)[1] - 1)
    return None


def shown(path: Path, limit: int = 120) -> str:
    """A path short enough to read in a message: its start and its end when it is long."""
    text = str(path)
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}…{text[-(limit // 2) :]}"
