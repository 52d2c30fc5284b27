"""Backups through SQLite's backup API: made before migrations, on close and on demand.

Backups sit in a folder beside the database, are written to a temporary name and renamed
into place (so a half-written backup never looks like a good one), and are thinned so
the folder stays small: the newest ten, one a day for a fortnight, one a month for a year.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import filelock

from wardaudit import clock
from wardaudit.errors import DatabaseInUse, StoreError
from wardaudit.paths import backup_dir

log = logging.getLogger(__name__)

_NAME_RE = re.compile(r"-(\d{8}-\d{6})(?:-\d+)?-([a-z0-9-]+)\.sqlite3$")
KEEP_NEWEST = 10
KEEP_DAILY_DAYS = 14
KEEP_MONTHLY = 12


def _stamp_of(path: Path) -> datetime | None:
    match = _NAME_RE.search(path.name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")


def describe(path: Path) -> tuple[datetime, str] | None:
    """When a backup was made (local time) and why ("manual", "on-close", ...)."""
    match = _NAME_RE.search(path.name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S"), match.group(2)


def list_backups(db_path: Path) -> list[Path]:
    """This database's backups, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{db_path.stem}-*.sqlite3") if _stamp_of(p) is not None]
    return sorted(found, key=lambda p: (_stamp_of(p), p.name), reverse=True)


def make(conn: sqlite3.Connection, db_path: Path, reason: str) -> Path:
    """Copy the open database to a new backup file; returns its path."""
    folder = backup_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the backup folder {folder}: {error.strerror}") from None
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    safe_reason = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "backup"
    target = folder / f"{db_path.stem}-{stamp}-{safe_reason}.sqlite3"
    counter = 1
    while target.exists():
        target = folder / f"{db_path.stem}-{stamp}-{counter}-{safe_reason}.sqlite3"
        counter += 1
    partial = target.with_name(target.name + ".partial")
    try:
        dest = sqlite3.connect(str(partial))
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        detail = getattr(error, "strerror", None) or str(error)
        raise StoreError(f"the backup to {folder} failed: {detail}") from None
    log.info("backup written: %s", target)
    thin(db_path)
    return target


def thin(db_path: Path) -> list[Path]:
    """Remove older backups beyond the newest ten, one a day and one a month."""
    all_backups = list_backups(db_path)
    keep: set[Path] = set(all_backups[:KEEP_NEWEST])
    days: set[str] = set()
    months: set[str] = set()
    now = datetime.now()
    for path in all_backups:
        stamp = _stamp_of(path)
        assert stamp is not None
        day, month = stamp.strftime("%Y%m%d"), stamp.strftime("%Y%m")
        if (now - stamp).days < KEEP_DAILY_DAYS and day not in days:
            days.add(day)
            keep.add(path)
        if month not in months and len(months) < KEEP_MONTHLY:
            months.add(month)
            keep.add(path)
    removed = []
    for path in all_backups:
        if path not in keep:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def age_of_newest(db_path: Path) -> float:
    """Seconds since the newest backup was written (infinite when there is none)."""
    found = list_backups(db_path)
    if not found:
        return float("inf")
    return max(0.0, time.time() - found[0].stat().st_mtime)


def is_good(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            return [r[0] for r in rows] == ["ok"]
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def newest_good(db_path: Path) -> Path | None:
    for path in list_backups(db_path):
        if is_good(path):
            return path
    return None


def restore(db_path: Path, backup: Path) -> Path:
    """Put a backup in place of the database; the current file is kept beside it.

    Returns where the replaced database was moved. Refused while WardAudit has the
    database open, and refused if the backup itself fails its check.
    """
    db_path = db_path.absolute()
    backup = backup.absolute()
    if not backup.is_file():
        raise StoreError(f"there is no backup file at {backup}")
    if not is_good(backup):
        raise StoreError(f"the backup {backup} is damaged too; choose an older one")
    lock = filelock.FileLock(str(db_path) + ".lock", timeout=0, is_singleton=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise DatabaseInUse(
            f"close every copy of WardAudit using {db_path} before restoring a backup"
        ) from None
    try:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        kept = db_path.with_name(f"{db_path.name}.replaced-{stamp}")
        if db_path.exists():
            os.replace(db_path, kept)
        for suffix in ("-wal", "-shm"):
            side = Path(str(db_path) + suffix)
            if side.exists():
                os.replace(side, Path(str(kept) + suffix))
        partial = db_path.with_name(db_path.name + ".restoring")
        source = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(str(partial))
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        os.replace(partial, db_path)
        log.info("restored %s from %s (previous file kept as %s)", db_path, backup, kept)
        return kept
    finally:
        lock.release()
