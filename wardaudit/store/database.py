"""The one connection to the database: one writer, checked at open, one transaction per action.

WAL mode with ``synchronous=FULL`` and foreign keys on. ``quick_check`` runs at open, and
a damaged file is reported, never replaced. One writer at a time: a second copy of
WardAudit on the same database is refused with a clear message. SQLite's own errors are
turned here into the messages a matron can act on.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import filelock

from wardaudit import location
from wardaudit.errors import DatabaseDamaged, DatabaseInUse, DiskFull, NotFound, StoreError
from wardaudit.store import backups, migrations

log = logging.getLogger(__name__)


class Database:
    """The open file, its lock and its connection, shared by every repository of a store.

    The connection is used from the UI thread and from background work alike, so every
    use holds ``mutex``; writes go through :meth:`transaction` and nowhere else.
    """

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        lock: filelock.BaseFileLock | None,
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

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | str, *, readonly: bool = False, create: bool = True, durable: bool = True
    ) -> Database:
        """Open (or create) the database at ``path`` for this process.

        Raises DatabaseInUse if another process has it open for writing, DatabaseDamaged
        if it fails its integrity check, DatabaseTooNew if a newer WardAudit wrote it.
        """
        path = Path(path).expanduser().absolute()
        if not path.parent.is_dir():
            raise StoreError(
                f"the folder {path.parent} does not exist; check the path "
                "(WardAudit will not create a database in a folder that is not there)"
            )
        exists = path.exists() and path.stat().st_size > 0
        if not exists and (readonly or not create):
            raise NotFound(f"there is no WardAudit database at {path}")
        lock = None
        if not readonly:
            lock = filelock.FileLock(
                str(path) + ".lock", timeout=0, is_singleton=False, thread_local=False
            )
            try:
                lock.acquire()
            except filelock.Timeout:
                raise DatabaseInUse(
                    f"the database {path} is already open in another copy of WardAudit. "
                    "Close the other copy (or wait for its command to finish), then try again."
                ) from None
        try:
            conn = _connect(path, readonly=readonly)
            db = cls(path, conn, lock, durable=durable)
            db.warnings = location.warnings_for(path)
            db._check_integrity(exists)
            if not readonly:
                migrations.migrate(db, existed=exists)
            elif db.user_version() != migrations.SCHEMA_VERSION:
                conn.close()
                raise StoreError(
                    f"the database {path} needs upgrading; open it once without --readonly"
                )
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        log.info("opened %s (schema %s)", path, migrations.SCHEMA_VERSION)
        return db

    def _check_integrity(self, existed: bool) -> None:
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
            if "locked" in str(error) or "busy" in str(error):
                raise DatabaseInUse(f"the database {self.path} is busy: {error}") from None
            raise DatabaseDamaged(self.path, str(error), backups.newest_good(self.path)) from None
        except StoreError:
            self.conn.close()
            raise

    def user_version(self) -> int:
        """The schema version the file is at (``PRAGMA user_version``)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self, *, backup: bool = True, min_backup_age_s: float = 3600) -> None:
        with self.mutex:
            if self.closed:
                return
            try:
                changed = self.data_changed_since_open()
                if (
                    backup
                    and changed
                    and not self.readonly
                    and backups.age_of_newest(self.path) >= min_backup_age_s
                ):
                    backups.make(self.conn, self.path, "on-close")
                if not self.readonly:
                    self.conn.execute("PRAGMA optimize")
            finally:
                self.conn.close()
                self.closed = True
                if self.lock is not None:
                    self.lock.release()

    # --- backups and what changed ----------------------------------------------------------

    def backup(self, reason: str) -> Path:
        with self.mutex:
            made = backups.make(self.conn, self.path, reason)
            self._changes_at_backup = self._counted_changes()
            return made

    def _counted_changes(self) -> int:
        return int(self.conn.total_changes) - self._uncounted_changes

    def data_changed_since_open(self) -> bool:
        return self._counted_changes() != self._changes_at_open

    def data_changed_since_backup(self) -> bool:
        return self._counted_changes() != self._changes_at_backup

    # --- reading and writing ---------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.mutex:
            return self.conn.execute(sql, params).fetchall()

    @contextmanager
    def transaction(
        self, *, bookkeeping: bool = False, wait_for_disk: bool = True
    ) -> Iterator[sqlite3.Connection]:
        """One user action: all of it committed durably, or none of it.

        ``bookkeeping`` writes (a session marker) do not count as changed data, so they
        call for no backup. ``wait_for_disk=False`` is for what is not the user's data (a
        place in the list): it commits without waiting for the disk, so it stays instant.
        """
        if self.readonly:
            raise StoreError("the database is open read-only; this change was not made")
        with self.mutex:
            before = self.conn.total_changes
            if not wait_for_disk:
                self.conn.execute("PRAGMA synchronous = NORMAL")
            try:
                with self._begin_commit() as conn:
                    yield conn
            finally:
                if not wait_for_disk:
                    self.conn.execute(f"PRAGMA synchronous = {self.synchronous}")
                if bookkeeping:
                    self._uncounted_changes += self.conn.total_changes - before

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
                self.conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError):
                raise self.translate(error) from None
            raise

    def translate(self, error: sqlite3.OperationalError) -> StoreError:
        """SQLite's words for a failed write, in words a matron can act on."""
        text = str(error)
        if "full" in text:
            return DiskFull(
                f"the disk holding {self.path} is full, so the last change was NOT saved. "
                "Free some space, then try again; everything saved before is safe."
            )
        if "locked" in text or "busy" in text:
            return DatabaseInUse(f"the database {self.path} is busy in another program: {text}")
        return StoreError(f"the database could not be changed: {text}")


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(
            f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn
