"""Backups that cost what changed: the records through SQLite's backup API, each photo once.

A backup is a copy of the records database (small, as photos live beside it), made through
SQLite's backup API from a snapshot on a connection of its own, so nobody waits for it.
The photos the copies refer to sit once each in the backup folder's own photo store
(``<database>-backups/photos``), however many copies refer to them: a backup copies only
the photos that folder lacks. A copy gets its final name only once its photos are synced,
so every backup listed is a consistent pair of records and photos. Thinning keeps the
newest ten, one a day for a fortnight and one a month for a year, then removes the backup
photos no kept copy refers to.

Restore checks first (the copy passes ``quick_check``, its photos are there, the disk has
room), brings the photos back into the live photo store, sets the current database aside
under a name never used before, then renames the copy into place: at every moment there is
a database at her path, and if anything fails the original is where it was.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from wardaudit import clock
from wardaudit.errors import DiskFull, StoreError
from wardaudit.paths import backup_dir, backup_photo_dir, photo_dir
from wardaudit.store import lockfile
from wardaudit.store.photo_files import (
    CHUNK,
    PhotoBatch,
    PhotoFileError,
    PhotoFiles,
    is_digest,
    sync_folder,
)

log = logging.getLogger(__name__)

_NAME_RE = re.compile(r"-(\d{8}-\d{6})(?:-\d+)?-([a-z0-9-]+)\.sqlite3$")
KEEP_NEWEST = 10
KEEP_DAILY_DAYS = 14
KEEP_MONTHLY = 12
RESTORE_MARGIN = 16 * 1024 * 1024
_KEPT_ASIDE = ".replaced-"
_KEPT_FOLDER = ".kept-aside"

_folder_locks: dict[Path, threading.Lock] = {}
_folder_locks_guard = threading.Lock()


def _lock_for(folder: Path) -> threading.Lock:
    """One backup at a time per folder in this process (other processes cannot write to
    it: they would need the database's own lock)."""
    with _folder_locks_guard:
        return _folder_locks.setdefault(folder.absolute(), threading.Lock())


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


# --- what a copy refers to -----------------------------------------------------------------


def photos_in(path: Path, *, immutable: bool = False) -> dict[str, int] | None:
    """The photos a records file refers to (digest → size); empty for a file from before
    photos had their own store (they are inside it); None when it cannot be read.
    ``immutable`` reads a file with no journal to fold in without leaving one beside it."""
    mode = "ro&immutable=1" if immutable else "ro"
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode={mode}", uri=True)
    except sqlite3.Error:
        return None
    try:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(photos)")}
        if "sha256" not in columns:
            return {}
        return {
            str(sha): int(size or 0)
            for sha, size in conn.execute(
                "SELECT sha256, max(size) FROM photos WHERE sha256 IS NOT NULL GROUP BY sha256"
            )
        }
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def backup_photo_store(db_path: Path, *, durable: bool = True) -> PhotoFiles:
    """The backups' photo store; what it may keep is what any listed copy refers to."""

    def referenced(digests: set[str]) -> set[str]:
        wanted: set[str] = set()
        for copy in list_backups(db_path):
            found = photos_in(copy)
            if found is None:
                return set(digests)  # a copy we cannot read: keep everything
            wanted.update(found)
        return digests & wanted

    return PhotoFiles(
        backup_photo_dir(db_path), durable=durable, referenced=referenced, mark_sessions=False
    )


def _copy_verified(source: PhotoFiles, sha256: str, target: PhotoFiles, batch: PhotoBatch) -> int:
    """Copy one photo file into ``target``, checking it against its digest on the way;
    raises PhotoFileError (and leaves nothing) when the source is missing or damaged."""
    folder = target.path_for(sha256).parent
    target.ensure_folder(folder, batch)
    with target.incoming(folder) as (temp, handle):
        size = 0
        for piece in source.chunks(sha256):
            handle.write(piece)
            size += len(piece)
        handle.close()
        batch.put_temp(temp, sha256, size)  # synced with the rest of the batch
    return size


# --- making --------------------------------------------------------------------------------


def make(
    db_path: Path, reason: str, *, photos: PhotoFiles | None = None, durable: bool = True
) -> Path:
    """Back the database up: a copy of its records, and the photos the backups lack.

    ``photos`` is the open database's photo store; it is pinned meanwhile, so a photo
    removed while the backup runs is removed only once the backup has its copy.
    """
    db_path = Path(db_path).absolute()
    folder = backup_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"cannot create the backup folder {folder}: {error.strerror}") from error
    with _lock_for(folder):
        killed = False
        for stale in folder.glob(f"{db_path.stem}-*.sqlite3.partial"):
            killed = True  # a backup was killed part way: its photos may be nobody's
            with contextlib.suppress(OSError):
                stale.unlink()  # of our own naming
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        safe_reason = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "backup"
        target = folder / f"{db_path.stem}-{stamp}-{safe_reason}.sqlite3"
        counter = 1
        while target.exists():
            target = folder / f"{db_path.stem}-{stamp}-{counter}-{safe_reason}.sqlite3"
            counter += 1
        partial = target.with_name(target.name + ".partial")
        pin = photos.pinned() if photos is not None else contextlib.nullcontext()
        try:
            with pin:
                _copy_records(db_path, partial, durable=durable)
                wanted = photos_in(partial) or {}
                missing = _copy_photos(db_path, wanted, photos, durable=durable)
            os.replace(partial, target)
            if durable:
                sync_folder(folder)
        except (OSError, sqlite3.Error) as error:
            with contextlib.suppress(OSError):
                partial.unlink()
            detail = getattr(error, "strerror", None) or str(error)
            raise StoreError(f"the backup to {folder} failed: {detail}") from error
        if missing:
            log.warning(
                "backup %s lacks %d photo(s) that were missing or damaged in the photo folder: %s",
                target,
                len(missing),
                ", ".join(missing[:5]),
            )
        log.info("backup written: %s", target)
        thin(db_path, sweep=killed)
    return target


def _copy_records(db_path: Path, partial: Path, *, durable: bool) -> None:
    """The records, from a snapshot of a connection of their own: in WAL mode a writer
    carries on meanwhile, so saving an answer never waits for a backup."""
    source = sqlite3.connect(str(db_path), isolation_level=None)
    try:
        dest = sqlite3.connect(str(partial))
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    finally:
        source.close()
    if durable:
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())


def _copy_photos(
    db_path: Path, wanted: dict[str, int], source: PhotoFiles | None, *, durable: bool
) -> list[str]:
    """Copy into the backups' photo store what it lacks of ``wanted``; returns the digests
    that could not be copied (missing or damaged at the source)."""
    if not wanted:
        return []
    store = backup_photo_store(db_path, durable=durable)
    held = store.digests()  # names only: a backup photo is checked when it is restored
    lacking = sorted(set(wanted) - held)
    problems: list[str] = []
    if not lacking:
        return problems
    with store.adding() as batch:
        if source is None:
            problems.extend(lacking)
        else:
            problems.extend(_copy_side_by_side(source, lacking, store, batch, durable=durable))
        batch.sync()
    return problems


COPY_THREADS = 4  # photos copied at once: enough to keep the disk busy, few enough that the
# thread saving answers is never kept waiting long for Python's lock
COPY_AHEAD = 4 * COPY_THREADS  # copies asked for ahead of the one being handed over
COPY_HANDOVER = 256  # copies renamed into place at a time (their folders synced at the end)


def _copy_side_by_side(
    source: PhotoFiles, lacking: list[str], target: PhotoFiles, batch: PhotoBatch, *, durable: bool
) -> list[str]:
    """Copy each of ``lacking`` whole (read and checked against its digest, written and
    synced under a temporary name) as one task of a few worker threads, then hand each to
    ``batch`` in order, renamed into place a few hundred at a time (the folders are synced
    once, by the caller's last ``batch.sync()``); returns those missing or damaged at the
    source. Nothing is left behind if a copy fails.

    Only a few copies are asked for ahead of the one being handed over, and handed-over
    files are renamed as the copy goes on, so the objects the backup holds stay few however
    many photos there are: with tens of thousands at once, Python's full collections of
    them held the window up for tens of milliseconds at a time.
    """
    from concurrent.futures import Future, ThreadPoolExecutor, wait  # with the first backup

    for sha256 in lacking:
        target.ensure_folder(target.path_for(sha256).parent, batch)
    problems: list[str] = []
    waiting: deque[tuple[str, Future[tuple[Path, int]]]] = deque()
    still = iter(lacking)
    with ThreadPoolExecutor(COPY_THREADS, "wardaudit-backup") as pool:

        def ask_ahead() -> None:
            while len(waiting) < COPY_AHEAD:
                sha256 = next(still, None)
                if sha256 is None:
                    return
                waiting.append((sha256, pool.submit(_copy_whole, source, sha256, target, durable)))

        try:
            ask_ahead()
            handed = 0
            while waiting:
                sha256, copy = waiting.popleft()  # from here on, the batch's or nobody's
                ask_ahead()
                try:
                    temp, size = copy.result()
                except PhotoFileError:
                    problems.append(sha256)
                    continue
                batch.put_synced(temp, sha256, size)
                handed += 1
                if handed % COPY_HANDOVER == 0:
                    batch.sync(folders=False)
        except BaseException:
            for _, copy in waiting:
                copy.cancel()
            wait([copy for _, copy in waiting])
            for _, copy in waiting:
                if not copy.cancelled() and copy.exception() is None:
                    temp, _ = copy.result()
                    target.forget_temp(temp)
            raise
    return problems


def _copy_whole(
    source: PhotoFiles, sha256: str, target: PhotoFiles, durable: bool
) -> tuple[Path, int]:
    """One photo read whole and verified, written to a temporary name in ``target`` and
    synced there (a worker's task); raises PhotoFileError, leaving nothing, when the
    source is missing or damaged."""
    data = source.read(sha256)
    temp = target.write_temp(sha256, data, sync=durable)
    return temp, len(data)


def thin(db_path: Path, *, sweep: bool = False) -> list[Path]:
    """Remove older backups beyond the newest ten, one a day and one a month; then the
    backup photos that only the removed copies referred to.

    Only those copies' photos are candidates, and each is looked for in the copies kept
    (newest first, where nearly all are found at once), so thinning reads two or three
    small files rather than every copy. ``sweep`` looks at every photo in the folder
    instead (after a backup was killed part way, whose photos no copy may refer to).
    """
    all_backups = list_backups(db_path)
    keep: set[Path] = set(all_backups[:KEEP_NEWEST])
    days: set[str] = set()
    months: set[str] = set()
    now = clock.now().replace(tzinfo=None)
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
    candidates: set[str] = set()
    for path in all_backups:
        if path not in keep:
            found = photos_in(path)
            if found is None:
                sweep = True  # a copy we cannot read: look at every photo instead
            else:
                candidates.update(found)
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    if not backup_photo_dir(db_path).is_dir():
        return removed
    store = backup_photo_store(db_path)
    if sweep:
        store.sweep()
        return removed
    for copy in list_backups(db_path):
        if not candidates:
            break
        candidates -= _referred_among(copy, candidates)
    gone = store.discard(candidates)
    if gone:
        log.info("thinning removed %d backup photo(s) no kept backup refers to", len(gone))
    return removed


def _referred_among(copy: Path, digests: set[str]) -> set[str]:
    """Those of ``digests`` a records copy refers to (all of them if it cannot be read)."""
    try:
        conn = sqlite3.connect(f"{copy.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return set(digests)
    try:
        if "sha256" not in {r[1] for r in conn.execute("PRAGMA table_info(photos)")}:
            return set()
        return {
            str(r[0])
            for r in conn.execute(
                "SELECT DISTINCT sha256 FROM photos WHERE sha256 IN"
                " (SELECT value FROM json_each(?))",
                (json.dumps(sorted(digests)),),
            )
        }
    except sqlite3.Error:
        return set(digests)
    finally:
        conn.close()


def age_of_newest(db_path: Path) -> float:
    """Seconds since the newest backup was written (infinite when there is none)."""
    found = list_backups(db_path)
    if not found:
        return float("inf")
    return max(0.0, time.time() - found[0].stat().st_mtime)


# --- checking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupCheck:
    """What a restore would find: whether the records pass ``quick_check``, where each of
    their photos is, and which are nowhere to be found."""

    records_ok: bool
    photos: dict[str, tuple[PhotoFiles, int]]  # digest → (the photo store holding it, size)
    missing: tuple[str, ...]

    @property
    def sound(self) -> bool:
        return self.records_ok and not self.missing


def _quick_check(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            return [r[0] for r in rows] == ["ok"]
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def examine(backup: Path, db_path: Path | None = None) -> BackupCheck:
    """Check a backup as a restore would, changing nothing."""
    backup = backup.absolute()
    if not _quick_check(backup):
        return BackupCheck(False, {}, ())
    wanted = photos_in(backup)
    if wanted is None:
        return BackupCheck(False, {}, ())
    places: list[Path] = [backup.parent / "photos"]
    if db_path is not None:
        places += [backup_photo_dir(db_path), photo_dir(db_path)]
    stores = [PhotoFiles(p, mark_sessions=False) for p in dict.fromkeys(places)]
    found: dict[str, tuple[PhotoFiles, int]] = {}
    missing: list[str] = []
    for sha256, size in sorted(wanted.items()):
        where = next((s for s in stores if s.has(sha256, size)), None)
        if where is None:
            missing.append(sha256)
        else:
            found[sha256] = (where, size)
    return BackupCheck(True, found, tuple(missing))


def is_good(path: Path, db_path: Path | None = None) -> bool:
    """The copy passes ``quick_check`` and every photo it refers to is there."""
    return examine(path, db_path).sound


def newest_good(db_path: Path) -> Path | None:
    for path in list_backups(db_path):
        if is_good(path, db_path):
            return path
    return None


# --- restoring -----------------------------------------------------------------------------


def _manifest_for(db_path: Path, kept: Path) -> Path:
    """Where the list of a set-aside database's photos is kept: in the photo folder's own
    bookkeeping, so that only the set-aside file itself sits beside the database."""
    return photo_dir(db_path) / _KEPT_FOLDER / kept.name


def photos_kept_aside(db_path: Path) -> set[str]:
    """Photos that a database set aside by a restore refers to: kept while it is kept."""
    kept: set[str] = set()
    folder = photo_dir(db_path) / _KEPT_FOLDER
    if not folder.is_dir():
        return kept
    for manifest in folder.iterdir():
        if not (db_path.parent / manifest.name).exists():
            continue  # its database was deleted: its photos need not be kept for it
        with contextlib.suppress(OSError, UnicodeDecodeError):
            kept.update(
                line for line in manifest.read_text(encoding="ascii").split() if is_digest(line)
            )
    return kept


def _gigabytes(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e8 else f"{max(1, round(size / 1e6))} MB"


def restore(db_path: Path, backup: Path) -> Path | None:
    """Put a backup in place of the database; the current one is kept beside it.

    Returns where the replaced database now is (None if there was none). Refused, with
    nothing changed, while WardAudit has the database open, when the backup fails its
    check or lacks photos, and when the disk has no room for it.
    """
    db_path = Path(db_path).absolute()
    backup = Path(backup).absolute()
    if not backup.is_file():
        raise StoreError(f"there is no backup file at {backup}")
    if backup == db_path:
        raise StoreError(f"{backup} is the database itself, not a backup of it")
    lock = lockfile.take(
        db_path, f"close every copy of WardAudit using {db_path} before restoring a backup"
    )
    try:
        return _restore_locked(db_path, backup)
    finally:
        lock.release()


def _restore_locked(db_path: Path, backup: Path) -> Path | None:
    check = examine(backup, db_path)
    if not check.records_ok:
        raise StoreError(
            f"the backup {backup} is damaged too (it fails its check); nothing has been "
            "changed. Choose an older backup."
        )
    if check.missing:
        raise StoreError(
            f"the backup {backup} lacks {len(check.missing)} of its photos (they are not in "
            "the backup folder); nothing has been changed. Choose another backup."
        )
    live = PhotoFiles(
        photo_dir(db_path), referenced=lambda digests: _still_wanted(db_path, digests)
    )
    to_copy = {  # what the live photo folder lacks
        sha: (where, size) for sha, (where, size) in check.photos.items() if where.root != live.root
    }
    need = backup.stat().st_size + sum(size for _, size in to_copy.values()) + RESTORE_MARGIN
    free = shutil.disk_usage(db_path.parent).free
    if free < need:
        raise DiskFull(
            f"restoring {backup.name} needs about {_gigabytes(need)} of free disk space and "
            f"the disk has {_gigabytes(free)}; nothing has been changed. Free some space, "
            "then restore again."
        )
    restoring = db_path.with_name(f"{db_path.name}.restoring-{secrets.token_hex(4)}")
    try:
        for stale in db_path.parent.glob(f"{db_path.name}.restoring-*"):
            if stale != restoring:
                with contextlib.suppress(OSError):
                    stale.unlink()  # of our own naming, from a restore that was killed
        _copy_records(backup, restoring, durable=True)
        with live.adding() as batch:
            for sha256, (where, _size) in to_copy.items():
                try:
                    _copy_verified(where, sha256, live, batch)
                except PhotoFileError as error:
                    raise StoreError(
                        f"a photo in the backup is {error.state} ({sha256[:12]}…); nothing "
                        "has been changed. Choose another backup."
                    ) from None
            batch.sync()
            kept = _set_aside(db_path, live)
            try:
                os.replace(restoring, db_path)
                sync_folder(db_path.parent)
            except BaseException:
                _put_back(db_path, kept)
                raise
    except OSError as error:
        raise StoreError(
            f"the backup could not be restored ({error.strerror or error}); the database "
            f"{db_path} is as it was."
        ) from error
    except sqlite3.Error as error:
        raise StoreError(
            f"the backup could not be restored ({error}); the database {db_path} is as it was."
        ) from error
    finally:
        with contextlib.suppress(OSError):
            restoring.unlink()
    live.close_session()
    log.info("restored %s from %s (previous file kept as %s)", db_path, backup, kept)
    return kept


def _still_wanted(db_path: Path, digests: set[str]) -> set[str]:
    """Photos the database at ``db_path`` or one set aside beside it refers to."""
    here = photos_in(db_path) if db_path.exists() else {}
    if here is None:
        return set(digests)  # cannot tell: keep them all
    return digests & (set(here) | photos_kept_aside(db_path))


def _set_aside(db_path: Path, live: PhotoFiles) -> Path | None:
    """Keep the current database under a new name beside it, while it stays at its own name
    too (a hard link, or a copy where links are not possible), with a list of its photos
    so that they are kept as long as it is."""
    side_wal = Path(str(db_path) + "-wal")
    if not db_path.exists():
        if side_wal.exists():
            side_wal.unlink()  # a journal with no database: it must not meet the restored one
        return None
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(str(db_path))
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # its journal folded in
        finally:
            conn.close()
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    number = 1
    while True:
        name = f"{db_path.name}{_KEPT_ASIDE}{stamp}" + (f"-{number}" if number > 1 else "")
        kept = db_path.with_name(name)
        number += 1
        taken = (
            kept,
            Path(str(kept) + "-wal"),
            Path(str(kept) + "-shm"),
            _manifest_for(db_path, kept),
        )
        if any(p.exists() for p in taken):
            continue
        try:
            os.link(db_path, kept)  # never replaces: fails if the name is taken
        except FileExistsError:
            continue
        except OSError:
            try:
                with open(db_path, "rb") as source, open(kept, "xb") as copy:
                    shutil.copyfileobj(source, copy, CHUNK)
                    copy.flush()
                    os.fsync(copy.fileno())
            except FileExistsError:
                continue
        break
    try:
        folded = not (side_wal.exists() and side_wal.stat().st_size > 0)
        referred = photos_in(kept, immutable=True) if folded else None
        # When it cannot be read whole, every photo here is kept for it.
        digests = set(referred) if referred is not None else live.digests()
        manifest = _manifest_for(db_path, kept)
        manifest.parent.mkdir(parents=True, exist_ok=True)
        with open(manifest, "x", encoding="ascii") as handle:
            handle.write("".join(f"{d}\n" for d in sorted(digests)))
            handle.flush()
            os.fsync(handle.fileno())
        sync_folder(manifest.parent)
        side_shm = Path(str(db_path) + "-shm")
        if side_wal.exists() and side_wal.stat().st_size > 0:
            # Its journal could not be folded in (a damaged file): it goes with it.
            os.replace(side_wal, Path(str(kept) + "-wal"))
            if side_shm.exists():
                os.replace(side_shm, Path(str(kept) + "-shm"))
        else:
            for side in (side_wal, side_shm):
                with contextlib.suppress(FileNotFoundError):
                    side.unlink()
        sync_folder(db_path.parent)
    except BaseException:
        _put_back(db_path, kept)
        raise
    return kept


def _put_back(db_path: Path, kept: Path | None) -> None:
    """Undo :func:`_set_aside`: the original never left its name; its journal comes back."""
    if kept is None:
        return
    for suffix in ("-wal", "-shm"):
        side = Path(str(kept) + suffix)
        if side.exists() and not Path(str(db_path) + suffix).exists():
            with contextlib.suppress(OSError):
                os.replace(side, Path(str(db_path) + suffix))
    if db_path.exists():
        for leftover in (kept, _manifest_for(db_path, kept)):
            with contextlib.suppress(OSError):
                leftover.unlink()
