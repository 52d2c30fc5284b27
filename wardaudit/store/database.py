"""The one connection to the database: one writer, checked at open, one transaction per action.

WAL mode with ``synchronous=FULL`` and foreign keys on. ``quick_check`` runs at open, and
a damaged file is reported, never replaced. One writer at a time: a second copy of
WardAudit on the same database is refused with a clear message. What goes wrong with the
disk or the file, at open and at every write, is told apart here and put in words a matron
can act on: a full disk, a read-only disk, folder or file, a folder or a file in the way, a
damaged file (the only one for which restoring a backup is advised).
"""

from __future__ import annotations

import errno
import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

from wardaudit import disk, location
from wardaudit.disk import DiskProblem
from wardaudit.errors import (
    BackupFailed,
    DatabaseDamaged,
    DatabaseInUse,
    DatabaseMissing,
    DatabaseNeedsUpgrade,
    DatabasePathUnusable,
    DatabaseReadOnly,
    DiskError,
    DiskFull,
    JournalWithoutDatabase,
    StoreError,
)
from wardaudit.paths import DEFAULT_DB_NAME, backup_dir, photo_dir
from wardaudit.progress import Progress, no_progress
from wardaudit.store import backups, migrations
from wardaudit.store.lockfile import FileLock, take
from wardaudit.store.photo_files import PhotoFiles

log = logging.getLogger(__name__)

# What SQLite raises, for the entry point's last line of defence (it writes no SQL itself).
SQLiteError = sqlite3.DatabaseError

# What WardAudit was doing when the disk failed; the message says what became of the data.
Doing = Literal["open", "create", "save", "upgrade"]

_WAL_HEADER_BYTES = 32  # a journal no longer than its header holds no changes
# SQLite errors that are about the disk or the file, never about WardAudit's own SQL.
_TRANSLATED_CODES = frozenset(
    {
        disk.SQLITE_PERM,
        disk.SQLITE_BUSY,
        disk.SQLITE_LOCKED,
        disk.SQLITE_READONLY,
        disk.SQLITE_IOERR,
        disk.SQLITE_CORRUPT,
        disk.SQLITE_FULL,
        disk.SQLITE_CANTOPEN,
        disk.SQLITE_NOTADB,
    }
)
_DISK_ERRNOS = frozenset(
    {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EROFS, errno.EACCES}
    | {errno.EPERM, errno.EIO}
)

Engine = Literal["sqlite", "postgresql"]


class Cursor(Protocol):
    """What the repositories read back from a statement, on either engine."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Executor(Protocol):
    """A connection inside a transaction: SQLite's own, or the trust database's adapter.

    Statements are written once with ``?`` placeholders; the server's adapter turns them
    into its own. New rows give their id with ``RETURNING id``, which both engines run.
    """

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any: ...


class Database:
    """The open file, its lock and its connection, shared by every repository of a store.

    The connection is used from the UI thread and from background work alike, so every
    use holds ``mutex``; writes go through :meth:`transaction` and nowhere else.
    """

    engine: ClassVar[Engine] = "sqlite"

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        lock: FileLock | None,
        *,
        durable: bool = True,
    ) -> None:
        self.path = path
        self.conn = conn
        self.lock = lock
        self.readonly = lock is None
        self.mutex = threading.RLock()
        self.closed = False
        self.warnings: list[str] = []
        # A throwaway file (a benchmark's) may skip waiting for the disk; a user's never does.
        self.synchronous = "FULL" if durable else "OFF"
        self._changes_at_open = conn.total_changes
        self._changes_at_backup = conn.total_changes
        self._uncounted_changes = 0  # bookkeeping writes that are not the user's data
        self._savepoints = 0  # inside all_or_nothing(): each action is a savepoint in it
        self._in_one_action = False
        self._doing: Doing = "save"  # "create" or "upgrade" while open() builds the schema
        # The photos beside it, under the same lock: a removal never falls between a photo
        # written and the commit of the record that refers to it.
        self.photo_files = PhotoFiles(
            photo_dir(path), lock=self.mutex, durable=durable, referenced=self._photos_referenced
        )

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        readonly: bool = False,
        create: bool = True,
        durable: bool = True,
        progress: Progress = no_progress,
    ) -> Database:
        """Open (or create) the database at ``path`` for this process.

        Raises DatabaseInUse if another process has it open for writing, DatabaseDamaged
        if it fails its integrity check, DatabaseTooNew if a newer WardAudit wrote it, and
        DiskFull, DatabaseReadOnly, DatabasePathUnusable or DiskError when the disk or the
        path is to blame. Opened ``readonly`` (or with ``create=False``), a path with no
        database raises DatabaseMissing, and nothing at all is created.
        ``progress`` hears about an upgrade that takes long (photos moved out).
        """
        path = Path(path).expanduser().absolute()
        problem = disk.path_problem(path)
        if problem is not None:
            raise disk_error(problem, path, "open")
        exists = _check_what_is_there(path)
        if not exists and (readonly or not create):
            raise DatabaseMissing(missing_message(path))
        doing: Doing = "open" if exists else "create"
        if not readonly:
            problem = disk.write_problem(path)
            if problem is not None:
                raise disk_error(problem, path, doing)
        lock = None if readonly else _lock(path, doing)
        created: list[Path] = []
        if not exists:
            created = [p for p in _file_and_journals(path) if not p.exists()]
        try:
            conn = _connect(path, readonly=readonly)
            db = cls(path, conn, lock, durable=durable)
            db.warnings = location.warnings_for(path)
            db._check_integrity(exists)  # the records only: constant time whatever the photos weigh
            if not readonly:
                db._migrate(exists, progress)
            elif db.user_version() != migrations.SCHEMA_VERSION:
                conn.close()
                raise DatabaseNeedsUpgrade(
                    f"the database {path} needs upgrading; open it once without --readonly"
                )
            db.warnings.extend(_space_warnings(path))
        except BaseException:
            # A database this open was making is taken away again: a failed first open
            # (a full disk, say) leaves no half-made file to be mistaken for a database.
            for made in created:
                with suppress(OSError):
                    made.unlink()
            if lock is not None:
                lock.release()
            raise
        log.info("opened %s (schema %s)", path, migrations.SCHEMA_VERSION)
        return db

    def _check_integrity(self, existed: bool) -> None:
        doing: Doing = "open" if existed else "create"
        try:
            if existed:
                app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
                tables = self.conn.execute(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                ).fetchone()[0]
                if app_id != migrations.APPLICATION_ID and (app_id != 0 or tables > 0):
                    raise StoreError(
                        f"{self.path} is not a WardAudit database (it belongs to another "
                        "program). Nothing has been changed; choose a different file."
                    )
                rows = self.conn.execute("PRAGMA quick_check").fetchall()
                if [r[0] for r in rows] != ["ok"]:
                    detail = "; ".join(str(r[0]) for r in rows[:3])
                    raise DatabaseDamaged(self.path, detail, backups.newest_good(self.path))
            if not self.readonly:
                mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if mode.lower() != "wal":
                    self.warnings.append(f"the database could not use WAL mode (got {mode})")
            self.conn.execute(f"PRAGMA synchronous = {self.synchronous}")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            self.conn.close()
            raise self.translate(error, doing) from None
        except StoreError:
            self.conn.close()
            raise

    def _migrate(self, existed: bool, progress: Progress = no_progress) -> None:
        self._doing = "upgrade" if existed else "create"
        try:
            migrations.migrate(self, existed=existed, progress=progress)
        except BaseException as error:
            with suppress(sqlite3.Error):
                self.conn.close()
            if type(error) is StoreError and (error.__cause__ or error.__context__):
                # the backup made before an upgrade failed: said as a refused upgrade
                raise upgrade_error(self.path, error) from None
            raise
        finally:
            self._doing = "save"

    def integrity_problems(self) -> list[str]:
        with self.mutex:
            rows = self.conn.execute("PRAGMA integrity_check").fetchall()
        found = [str(r[0]) for r in rows]
        return [] if found == ["ok"] else found

    def user_version(self) -> int:
        """The schema version the file is at (``PRAGMA user_version``)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self, *, backup: bool = True, min_backup_age_s: float = 3600) -> list[str]:
        """Close, backing up first if asked and data changed; returns what did not work.

        Everything was committed before this runs, so a backup that fails (a full disk, a
        read-only backups folder) loses nothing: it is a warning, returned (and logged) for
        the caller to show, never an error that would make a saved answer look unsaved.
        """
        warnings: list[str] = []
        with self.mutex:
            if self.closed:
                return warnings
            try:
                changed = self.data_changed_since_open()
                if (
                    backup
                    and changed
                    and not self.readonly
                    and backups.age_of_newest(self.path) >= min_backup_age_s
                ):
                    try:
                        self.backup("on-close")
                    except StoreError as error:
                        warnings.append(str(error))
                    except OSError as error:  # the backups folder could not even be listed
                        failure = StoreError(error.strerror or str(error))
                        failure.__cause__ = error
                        warnings.append(str(backup_error(self.path, failure)))
                if not self.readonly:
                    with suppress(OSError):
                        self.photo_files.close_session()
                if changed and not self.readonly:
                    with suppress(sqlite3.Error):
                        self.conn.execute("PRAGMA optimize")
            finally:
                with suppress(sqlite3.Error):
                    self.conn.close()
                self.closed = True
                if self.lock is not None:
                    self.lock.release()
        for warning in warnings:
            log.warning("closing %s: %s", self.path, warning)
        return warnings

    # --- backups and what changed ----------------------------------------------------------

    def backup(self, reason: str) -> Path:
        """Back up the records (from a snapshot of their own, so saving an answer never waits
        for it) and whatever photos the backups lack. Safe from any thread. BackupFailed, in
        words that say nothing saved was lost, if it cannot be made."""
        with self.mutex:
            changes = self._counted_changes()
        try:
            made = backups.make(
                self.path, reason, photos=self.photo_files, durable=self.synchronous != "OFF"
            )
        except StoreError as error:
            raise backup_error(self.path, error) from None
        with self.mutex:
            self._changes_at_backup = changes
        return made

    def _photos_referenced(self, digests: set[str]) -> set[str]:
        """Those of ``digests`` a photo record refers to, here or in a database a restore
        set aside beside it (kept whole for IT, photos and all)."""
        found: set[str] = set()
        wanted = sorted(digests)
        with self.mutex:
            for start in range(0, len(wanted), 5000):
                found.update(
                    r[0]
                    for r in self.conn.execute(
                        "SELECT DISTINCT sha256 FROM photos WHERE sha256 IN"
                        " (SELECT value FROM json_each(?))",
                        (json.dumps(wanted[start : start + 5000]),),
                    )
                )
        return found | (digests & backups.photos_kept_aside(self.path))

    def _counted_changes(self) -> int:
        return int(self.conn.total_changes) - self._uncounted_changes

    def data_changed_since_open(self) -> bool:
        return self._counted_changes() != self._changes_at_open

    def data_changed_since_backup(self) -> bool:
        return self._counted_changes() != self._changes_at_backup

    # --- reading and writing ---------------------------------------------------------------

    @property
    def target(self) -> str:
        """What opens this database again (``--db``): the file's path."""
        return str(self.path)

    @property
    def location(self) -> str:
        """Where the data is, in words for a person (the database at its path)."""
        return f"the database {self.path}"

    def in_values(self, column: str, values: Iterable[Any]) -> tuple[str, Any]:
        """``column IN (the values)`` as one parameter, however many values there are."""
        return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(list(values))

    def json_value(self, column: str, key: str) -> str:
        """The SQL for one key of a JSON text column, as text (an object as its JSON)."""
        return f"json_extract({column}, '$.{key}')"

    def json_object(self, fields: Sequence[tuple[str, str]]) -> str:
        """The SQL for a JSON object text of (key, column) pairs, the values as text."""
        pairs = ", ".join(f"'{key}', {column}" for key, column in fields)
        return f"json_object({pairs})"

    @contextmanager
    def snapshot(self) -> Iterator[Executor]:
        """Several reads that must agree (a board, an export): one read transaction."""
        with self.mutex:
            if self.conn.in_transaction:
                yield self.conn
                return
            self.conn.execute("BEGIN")
            try:
                yield self.conn
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.mutex:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as error:
                if disk.sqlite_code(error) not in _TRANSLATED_CODES:
                    raise
                raise self.translate(error, "open") from None

    @contextmanager
    def transaction(
        self, *, bookkeeping: bool = False, wait_for_disk: bool = True
    ) -> Iterator[sqlite3.Connection]:
        """One user action: all of it committed durably, or none of it.

        ``bookkeeping`` writes (a session marker) do not count as changed data, so they
        call for no backup. ``wait_for_disk=False`` is for what is not the user's data (a
        place in the list): it commits without waiting for the disk, so it stays instant.
        Inside :meth:`all_or_nothing` the action is a savepoint of the one transaction.
        """
        if self.readonly:
            raise StoreError("the database is open read-only; this change was not made")
        with self.mutex:
            relaxed = not wait_for_disk and not self._in_one_action
            if relaxed:
                self.conn.execute("PRAGMA synchronous = NORMAL")
            try:
                with self._counted(bookkeeping=bookkeeping):
                    if self._in_one_action:
                        with self._savepoint() as conn:
                            yield conn
                    else:
                        with self._begin_commit() as conn:
                            yield conn
            finally:
                if relaxed:
                    with suppress(sqlite3.Error):
                        self.conn.execute(f"PRAGMA synchronous = {self.synchronous}")

    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """Many actions as one transaction: a crash or an error anywhere keeps none of them.

        For building a whole trust at once (the demo): a process killed halfway leaves the
        database exactly as it was. Every action inside becomes a savepoint.
        """
        if self.readonly:
            raise StoreError("the database is open read-only; this change was not made")
        with self.mutex:
            if self._in_one_action:
                yield
                return
            try:
                with self._counted(bookkeeping=False), self._begin_commit():
                    self._in_one_action = True
                    try:
                        yield
                    finally:
                        self._in_one_action = False
            except BaseException:
                # Photos written for the actions inside were kept by their savepoints; undone
                # with the records (or never committed), they are swept when it closes.
                self.photo_files.orphans_possible = True
                raise

    @contextmanager
    def _counted(self, *, bookkeeping: bool) -> Iterator[None]:
        """Keep the count of changed data true: undone changes and bookkeeping are not data,
        so neither calls for a backup (nor for the statistics refreshed on closing)."""
        before = self.conn.total_changes
        uncounted = self._uncounted_changes
        committed = False
        try:
            yield
            committed = True
        finally:
            if bookkeeping or not committed:
                self._uncounted_changes = uncounted + self.conn.total_changes - before

    @contextmanager
    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        self._savepoints += 1
        name = f"action_{self._savepoints}"
        try:
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            self.conn.execute(f"RELEASE {name}")
        except sqlite3.DatabaseError as error:
            if disk.sqlite_code(error) not in _TRANSLATED_CODES:
                raise
            raise self.translate(error) from None
        finally:
            self._savepoints -= 1

    @contextmanager
    def _begin_commit(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise self.translate(error) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as error:
            if self.conn.in_transaction:
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.DatabaseError) and (
                disk.sqlite_code(error) in _TRANSLATED_CODES
            ):
                raise self.translate(error) from None
            if isinstance(error, OSError) and error.errno in _DISK_ERRNOS:
                # a file written beside the records (a photo) as part of the same action
                raise self.translate(error) from error
            raise

    def translate(self, error: BaseException, doing: Doing | None = None) -> StoreError:
        """SQLite's (or the system's) words for a failure, in words a matron can act on."""
        return explain(self.path, error, doing or self._doing)


# --- what went wrong, in words ---------------------------------------------------------------


def is_about_the_file(error: BaseException) -> bool:
    """Whether a SQLite error is about the disk or the file (full, read-only, damaged...)
    rather than about WardAudit's own statements."""
    return disk.sqlite_code(error) in _TRANSLATED_CODES


def explain(path: Path, error: BaseException, doing: Doing) -> StoreError:
    """The error for a failure while ``doing`` something with the database at ``path``."""
    code = disk.sqlite_code(error)
    text = str(error)
    if code in (disk.SQLITE_CORRUPT, disk.SQLITE_NOTADB):
        return DatabaseDamaged(path, text, backups.newest_good(path))
    if code in (disk.SQLITE_BUSY, disk.SQLITE_LOCKED):
        return DatabaseInUse(
            f"the database {path} is busy in another program ({text}). Nothing was changed; "
            "close the other program (or wait for it to finish), then try again."
        )
    problem = disk.diagnose(path, error)
    if problem is not None:
        return disk_error(problem, path, doing)
    if doing == "save":
        return StoreError(f"the database could not be changed ({text}); this change was NOT saved")
    return StoreError(f"the database {path} could not be opened ({text}). Nothing was changed.")


def _consequence(doing: Doing) -> str:
    return {
        "open": "Nothing was changed.",
        "create": "No database was made.",
        "save": "This change was NOT saved; everything saved before is safe.",
        "upgrade": "The database was not upgraded, and nothing in it was changed.",
    }[doing]


def disk_error(problem: DiskProblem, path: Path, doing: Doing) -> StoreError:
    """The message for one kind of disk problem, saying what became of the data."""
    place = disk.shown(problem.place)
    folder = disk.shown(path.parent)
    then = _consequence(doing)
    kind = problem.kind
    if kind == "full":
        if doing == "save":
            return DiskFull(
                f"the disk holding {place} is full, so this change was NOT saved. Free some "
                "space on the laptop's disk, then try again: nothing saved before was lost."
            )
        if doing == "upgrade":
            return DiskFull(
                f"the disk holding {place} is full, so the database {path} could not be "
                "upgraded for this version of WardAudit (a backup is made first, and there is "
                "no room for it). Free some space on the laptop's disk, then try again: nothing "
                "was changed and nothing was lost."
            )
        if doing == "create":
            return DiskFull(
                f"the disk holding {place} is full, so no database could be made at {path}. "
                "Free some space on the laptop's disk, then try again."
            )
        return DiskFull(
            f"the disk holding {place} is full, so WardAudit cannot open the database {path}. "
            "Free some space on the laptop's disk, then try again: nothing was lost."
        )
    if kind == "read_only_disk":
        return DatabaseReadOnly(
            f"WardAudit cannot write to this folder: {place} is on a disk that is read-only (a "
            "locked memory stick, a read-only network share, or a disk the computer made "
            f"read-only after an error). {then} Copy the database to a folder on the laptop's "
            "own disk and open it there, or ask IT."
        )
    if kind == "read_only_folder":
        return DatabaseReadOnly(
            f"WardAudit cannot write to this folder: {place} does not let you create or "
            f"change files there. {then} Choose a folder you can write to (such as the default "
            "one), or ask IT for permission."
        )
    if kind == "read_only_file":
        return DatabaseReadOnly(
            f"WardAudit cannot write to the database file {place}: it is marked read-only. "
            f"{then} Clear the read-only mark (on Windows: right-click the file, choose "
            "Properties and untick Read-only), or ask IT."
        )
    if kind == "others_file":
        return DatabaseReadOnly(
            f"WardAudit cannot write to the database file {place}: it belongs to another user "
            f"account, and yours may not change it. {then} Ask IT to give your account "
            "permission, or use a database in a folder of your own."
        )
    if kind == "no_access":
        return DatabaseReadOnly(
            f"WardAudit may not open the folder {place} (permission denied). Nothing was "
            "changed. Choose a folder you can use, or ask IT for permission."
        )
    if kind == "is_folder":
        return DatabasePathUnusable(
            f"{place} is a folder, not a database file. Nothing was changed. Give the path of "
            f"the database file itself, such as {disk.shown(path / DEFAULT_DB_NAME)}."
        )
    if kind == "not_a_file":
        return DatabasePathUnusable(
            f"{place} is not an ordinary file (it is a device or another special file), so it "
            "cannot be a database. Nothing was changed. Give the path of a database file."
        )
    if kind == "through_file":
        return DatabasePathUnusable(
            f"{place} is a file, not a folder, so there can be no database at "
            f"{disk.shown(path)}. Nothing was changed. Check the path."
        )
    if kind == "too_long":
        return DatabasePathUnusable(
            f"the path {place} is too long for this computer ({problem.detail}; at most "
            f"{problem.limit}). Nothing was changed. Choose a shorter folder or file name."
        )
    if kind == "missing_folder":
        return StoreError(
            f"the folder {place} does not exist; check the path "
            "(WardAudit will not create a database in a folder that is not there)"
        )
    detail = f" ({problem.detail})" if problem.detail else ""
    return DiskError(
        f"the disk holding {folder} reported an error{detail}. {then} The disk may be "
        "failing, or a memory stick or network drive may have been taken out: check that it "
        "is connected, then try again. If it keeps happening, ask IT to check the disk."
    )


def backup_error(path: Path, error: StoreError) -> BackupFailed:
    """Why a backup of ``path`` failed, saying that what was saved is still saved."""
    cause = error.__cause__ or error.__context__
    folder = backup_dir(path)
    if folder.exists() and not folder.is_dir():
        problem: DiskProblem | None = DiskProblem("through_file", folder)
    else:
        problem = disk.diagnose(folder / "backup", cause) if cause is not None else None
    kept = "Everything already entered is saved in the database."
    if problem is None:
        return BackupFailed(f"the backup of {path.name} was not made ({error}). {kept}")
    where = disk.shown(problem.place)
    if problem.kind == "full":
        why = f"the disk holding {where} is full"
        todo = "Free some space on the laptop's disk so that backups can be made again."
    elif problem.kind in (
        "read_only_disk",
        "read_only_folder",
        "read_only_file",
        "others_file",
        "no_access",
    ):
        why = f"WardAudit cannot write to the backups folder {disk.shown(folder)}"
        todo = "Make the folder writable again (or ask IT), so that backups can be made."
    elif problem.kind in ("is_folder", "not_a_file", "through_file"):
        why = (
            f"{where} is a file, where the backups folder should be"
            if problem.place == folder
            else f"{where} is in the way of the backups folder {disk.shown(folder)}"
        )
        todo = "Move it aside so that backups can be made again."
    else:
        why = f"the disk reported an error ({problem.detail or error})"
        todo = "If it keeps happening, ask IT to check the disk."
    return BackupFailed(f"the backup of {path.name} was not made: {why}. {kept} {todo}")


def upgrade_error(path: Path, error: StoreError) -> StoreError:
    """The backup an upgrade makes first failed, so the upgrade was refused untouched."""
    cause = error.__cause__ or error.__context__
    problem = disk.diagnose(backup_dir(path) / "backup", cause)
    if problem is None:
        return StoreError(
            f"the database {path} needs upgrading for this version of WardAudit, and the "
            f"backup made first failed ({error}). The database was not upgraded, and nothing "
            "in it was changed."
        )
    return disk_error(problem, path, "upgrade")


def missing_message(path: Path) -> str:
    """There is no database here: which path, that nothing was made, and how to make one."""
    empty = path.is_file()
    where = (
        f"the file {disk.shown(path)} is empty"
        if empty
        else (f"there is no WardAudit database at {disk.shown(path)}")
    )
    return (
        f"{where}; nothing was created. To make "
        f"one, open the WardAudit app on it, or try WardAudit with a fictional trust: "
        f'wardaudit --db "{path}" demo'
    )


# --- what is at the path -----------------------------------------------------------------------


def _file_and_journals(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def _check_what_is_there(path: Path) -> bool:
    """Whether a database is at ``path``; refuses what must not be taken for a new one.

    An empty (zero-byte) file is taken as new when nothing says a database was ever there;
    with backups of it, or with a journal holding changes beside it, it is a database that
    lost its contents, reported as damaged. A journal with changes and no database beside
    it is never built over.
    """
    try:
        size = path.stat().st_size if path.exists() else None
        wal = Path(f"{path}-wal")
        wal_bytes = wal.stat().st_size if wal.exists() else 0
    except OSError as error:
        problem = disk.diagnose(path, error)
        if problem is None:
            raise
        raise disk_error(problem, path, "open") from None
    if size is None:
        if wal_bytes > _WAL_HEADER_BYTES:
            raise JournalWithoutDatabase(
                f"there is no database at {path}, but its journal {wal.name} ({wal_bytes:,} "
                "bytes) is there: it may hold the latest changes of a database that was moved, "
                "renamed or deleted. Nothing was changed. If the database was moved, put it "
                "back beside its journal (or move the journal with it); to start a new "
                f"database here, first move {wal.name} somewhere else."
            )
        return False
    if size > 0:
        return True
    if wal_bytes > _WAL_HEADER_BYTES:
        raise DatabaseDamaged(
            path,
            f"the file is empty (0 bytes) while its journal {wal.name} holds changes",
            backups.newest_good(path),
        )
    if backups.list_backups(path):
        raise DatabaseDamaged(
            path,
            "the file is empty (0 bytes), yet there are backups of it, so it held a database",
            backups.newest_good(path),
        )
    return False


def _lock(path: Path, doing: Doing) -> FileLock:
    try:
        return take(path)
    except OSError as error:
        problem = disk.diagnose(path, error)
        if problem is None:
            raise
        raise disk_error(problem, path, doing) from None


def _space_warnings(path: Path) -> list[str]:
    room = disk.free_bytes(path.parent)
    if room is None or room >= disk.LOW_SPACE_BYTES:
        return []
    return [
        f"the disk holding {path.parent} is nearly full ({room // (1024 * 1024)} MB left). "
        "Free some space on the laptop's disk soon: when it is full, answers cannot be saved."
    ]


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        # On a read-only disk nobody can be writing, and SQLite could not make the small
        # shared-memory file a reader needs beside the database: read it as it stands.
        fixed = "&immutable=1" if disk.on_read_only_disk(path.parent) else ""
        conn = sqlite3.connect(
            f"{path.as_uri()}?mode=ro{fixed}",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn
