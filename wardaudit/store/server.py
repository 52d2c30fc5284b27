"""The trust database: the same store on the trust's PostgreSQL server.

The repositories write their SQL once, with ``?`` placeholders; :class:`ServerDatabase`
hands them a connection that turns those into psycopg's own, and keeps the promises the
SQLite file keeps:

* one writer at a time: every write transaction takes one advisory lock
  (``pg_advisory_xact_lock``), so the store's read-then-write code means on the server
  what ``BEGIN IMMEDIATE`` means in a file, and readers are never blocked. Nothing writes
  without it: the session is read-only by default and only :meth:`ServerDatabase.transaction`
  makes its transaction read-write, after taking the lock (see :data:`WRITER_LOCK` for why
  that keeps an incremental export's high-water mark sound);
* "saved" means on the server's disk (``synchronous_commit = on`` in every transaction
  that holds the user's data, whatever the server's default);
* several reads that must agree (a board, an export) share one ``REPEATABLE READ READ
  ONLY`` snapshot;
* the schema is never changed from here: ``wardaudit trustdb init|upgrade`` do that as the
  owner role, which the app never needs. A schema older or newer than this WardAudit, or
  a database that is not a WardAudit one, is refused at open with what to do.

Backups are the server's job (the trust's usual PostgreSQL backups), so this class makes
none; the psycopg and server errors become sentences here (:mod:`wardaudit.store.trustdb`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from wardaudit.errors import StoreError
from wardaudit.store import trustdb
from wardaudit.store.server_photos import ServerPhotos

if TYPE_CHECKING:
    import psycopg

    from wardaudit.store.database import Cursor, Engine, Executor

log = logging.getLogger(__name__)

WRITER_LOCK = 0x5741524400000002  # pg_advisory_xact_lock key: "one WardAudit writer"
"""The one writer lock, and why an incremental export never misses a history entry.

An export records the largest history id it read (``high_water``) and the next one sends
entries with a larger id; on the server ids come from a sequence, handed out at INSERT, not
at commit. What makes "a larger id" mean "committed later":

1. every statement that can take an id (an INSERT, or ``nextval``) runs inside
   :meth:`ServerDatabase.transaction`, after this lock: the session is
   ``default_transaction_read_only``, which refuses both anywhere else, and ``trustdb copy``
   takes the lock too;
2. the lock is held until the transaction has ended: PostgreSQL makes a commit visible
   before it releases a transaction's locks, so the next writer starts after the previous
   one's rows can be seen, and the sequence (cache 1, never cycling) gives it larger ids;
3. an export reads the largest id and the entries in one snapshot (``REPEATABLE READ``).

So the writers' transactions commit one after another in the order of their ids, and any
snapshot sees every committed entry up to its largest id and none above: an entry committed
after an export has a larger id than that export's mark, and the next export sends it.
"""
LOCK_TIMEOUT_MS = 15_000  # how long a change waits for another person's import


@lru_cache(maxsize=4096)
def qmark_to_format(sql: str) -> str:
    """``?`` becomes ``%s`` outside string literals, and ``%`` becomes ``%%`` (psycopg's)."""
    out: list[str] = []
    quoted = False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        if ch == "%":
            out.append("%%")
        elif ch == "?" and not quoted:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


class ServerConnection:
    """The psycopg connection as the repositories use SQLite's: ``execute`` and
    ``executemany`` with ``?`` placeholders, cursors with ``fetchone``/``fetchall``."""

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw
        self.pipeline: psycopg.Pipeline | None = None  # while a write transaction runs

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        cursor = self.raw.execute(qmark_to_format(sql), tuple(parameters))
        if self.pipeline is not None:
            return _PipelinedCursor(cursor, self.pipeline)
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(qmark_to_format(sql), [tuple(p) for p in parameters])


class _PipelinedCursor:
    """A statement sent without waiting: its rows are waited for when read (psycopg does
    that), and its count of changed rows too (here)."""

    def __init__(self, cursor: psycopg.Cursor[Any], pipeline: psycopg.Pipeline) -> None:
        self._cursor = cursor
        self._pipeline = pipeline

    @property
    def rowcount(self) -> int:
        self._pipeline.sync()
        return self._cursor.rowcount

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


class ServerDatabase:
    """The trust database, opened by a person's own login (never the owner role).

    Offers what the repositories use of :class:`wardaudit.store.database.Database`.
    """

    engine: ClassVar[Engine] = "postgresql"

    def __init__(self, target: str, raw: psycopg.Connection[Any], warnings: list[str]) -> None:
        self.target = trustdb.redacted(target)
        self.raw = raw
        self.conn = ServerConnection(raw)
        self.mutex = threading.RLock()
        self.closed = False
        self.warnings = warnings
        self.readonly = False
        self.login = str(raw.info.user)
        self._in_one_action = False
        self.photo_files = ServerPhotos(self)  # the photos' bytes stay in their records

    @classmethod
    def open(cls, target: str, *, readonly: bool = False) -> ServerDatabase:
        """Connect as the person's own login, check this is a WardAudit database at this
        WardAudit's schema, and note whether the login may change anything."""
        from wardaudit.store.migrations import SCHEMA_VERSION

        raw, warnings = trustdb.connect(target)
        try:
            trustdb.identify(raw, SCHEMA_VERSION, target)
            db = cls(target, raw, warnings)
            # Outside a write transaction nothing may change anything (nor take an id), so
            # no write can slip past the writer lock: see WRITER_LOCK.
            raw.execute("SET default_transaction_read_only = on")
            may_write = raw.execute(
                "SELECT has_table_privilege('wardaudit.events', 'INSERT')"
            ).fetchone()
            db.readonly = readonly or not (may_write and may_write[0])
        except trustdb.psycopg_errors() as error:
            raw.close()
            raise trustdb.store_error(error, target) from None
        except BaseException:
            raw.close()
            raise
        log.info("opened the trust database %s as %s", db.target, db.login)
        return db

    # --- what the store asks of a database -----------------------------------------------

    @property
    def path(self) -> Path:
        raise StoreError(
            f"the trust database ({self.target}) is on a server, not in a file; "
            "this works only with a database file"
        )

    @property
    def location(self) -> str:
        return f"the trust database {self.target}"

    def close(self, *, backup: bool = True, min_backup_age_s: float = 3600) -> list[str]:
        """Close the connection. No backup: the server's own backups keep the data."""
        with self.mutex:
            if not self.closed:
                self.raw.close()
                self.closed = True
        return []

    def backup(self, reason: str) -> Path:
        raise StoreError(
            "the trust database is backed up by the trust's database server (its own "
            "backups, such as pg_dump or pgBackRest, run by IT); WardAudit makes no copy of it"
        )

    def integrity_problems(self) -> list[str]:
        """None to find from here: the server checks its own pages (data checksums, its
        backups' verification), which a person's login cannot run; ``check`` says so."""
        return []

    def data_changed_since_open(self) -> bool:
        return False  # nothing for the app to back up: the server does that

    def data_changed_since_backup(self) -> bool:
        return False

    def in_values(self, column: str, values: Iterable[Any]) -> tuple[str, Any]:
        return f"{column} = ANY(?)", list(values)

    def json_value(self, column: str, key: str) -> str:
        return f"({column}::json ->> '{key}')"

    def json_object(self, fields: Sequence[tuple[str, str]]) -> str:
        pairs = ", ".join(f"'{key}'::text, ({column})::text" for key, column in fields)
        return f"json_build_object({pairs})::text"

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.mutex:
            try:
                return self.conn.execute(sql, params).fetchall()
            except trustdb.psycopg_errors() as error:
                raise trustdb.store_error(error, self.target) from None

    @contextmanager
    def snapshot(self) -> Iterator[Executor]:
        """Several reads that agree with each other, whatever is being imported meanwhile."""
        from psycopg.pq import TransactionStatus

        with self.mutex:
            if self.raw.info.transaction_status != TransactionStatus.IDLE:
                yield self.conn  # already inside a transaction: it is the snapshot
                return
            try:
                with self.raw.transaction():
                    self.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    yield self.conn
            except trustdb.psycopg_errors() as error:
                raise trustdb.store_error(error, self.target) from None

    @contextmanager
    def transaction(
        self, *, bookkeeping: bool = False, wait_for_disk: bool = True
    ) -> Iterator[Executor]:
        """One user action: committed to the server's disk, or none of it.

        Waits up to 15 seconds for another person's change (an import) to finish.
        ``wait_for_disk=False`` is for a place in the list, as in the file.
        """
        if self.readonly:
            raise StoreError(
                f"your login ({self.login}) may only read the trust database; this change "
                "was not made. Changing it needs membership of wardaudit_quality."
            )
        with self.mutex:
            if self._in_one_action:  # a savepoint inside the one action around it
                with self.raw.transaction():
                    yield self.conn
                return
            finished = False
            try:
                # pipelined: statements whose results are not read go without waiting
                # for the server, which makes an import's thousands of them affordable
                with self.raw.pipeline() as pipeline, self.raw.transaction():
                    # read-write only here, and only once the writer lock is ours (below)
                    self.raw.execute("SET TRANSACTION READ WRITE")
                    self.raw.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")
                    commit = "on" if wait_for_disk else "off"
                    self.raw.execute(f"SET LOCAL synchronous_commit = {commit}")
                    self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
                    self.conn.pipeline = pipeline
                    try:
                        yield self.conn
                    finally:
                        self.conn.pipeline = None
                    finished = True
            except trustdb.psycopg_errors() as error:
                raise trustdb.store_error(error, self.target, at_commit=finished) from None

    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """Many actions as one transaction (the demo trust): all of them, or none."""
        with self.mutex:
            if self._in_one_action:
                yield
                return
            with self.transaction():
                self._in_one_action = True
                try:
                    yield
                finally:
                    self._in_one_action = False
