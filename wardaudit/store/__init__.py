"""The WardAudit database: one :class:`Store` to open, one repository per part of the record.

In the manner of a collection with its managers: ``store.wards``, ``store.checklists``,
``store.audits``, ``store.actions``, ``store.history``, ``store.records``, ``store.photos``,
``store.incidents`` and ``store.settings`` each hold one part of the record, with methods
named after what a user does (``store.audits.record_answer``, ``store.actions.set_status``,
``store.incidents.import_plan``). Every such
method is one transaction, committed durably before it returns; an answer that raises or
withdraws an action is one transaction with it. Nothing outside this package writes SQL.

The modules: ``database`` (the connection, the one-writer lock, the integrity check at
open, transactions and SQLite's errors in plain words), ``migrations`` (the numbered
schema ladder), ``backups``, and one module per repository. The same store runs on the
trust's PostgreSQL server: ``server`` (its connection, the writer lock and snapshots),
``trustdb`` (reaching it: TLS, errors in words), ``pg_migrations`` (the ladder in its
words, ``trustdb init|upgrade``) and ``copy`` (a file's database moved up to it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from wardaudit.progress import Progress, no_progress
from wardaudit.risk import DEFAULT_MATRIX, RiskMatrix
from wardaudit.store import migrations
from wardaudit.store.actions import Actions
from wardaudit.store.audits import Audits
from wardaudit.store.checklists import Checklists
from wardaudit.store.database import Database, Executor
from wardaudit.store.history import History
from wardaudit.store.migrations import SCHEMA_VERSION
from wardaudit.store.photos import Photos
from wardaudit.store.settings import TRUST_NAME_SETTING, Settings
from wardaudit.store.trustdb import is_server_target
from wardaudit.store.wards import Wards

if TYPE_CHECKING:
    from wardaudit.store.incidents import Incidents
    from wardaudit.store.records import Records
    from wardaudit.store.server import ServerDatabase

__all__ = ["SCHEMA_VERSION", "TRUST_NAME_SETTING", "Store"]

log = logging.getLogger(__name__)


class Store:
    """The WardAudit database. Open with :meth:`open`; use as a context manager."""

    def __init__(self, db: Database | ServerDatabase) -> None:
        self._db = db
        self.risk_matrix: RiskMatrix = DEFAULT_MATRIX
        self.settings = Settings(self)
        self.wards = Wards(self)
        self.checklists = Checklists(self)
        self.audits = Audits(self)
        self.actions = Actions(self)
        self.history = History(self)
        self.photos = Photos(self)

    # Made when first used: the Wards screen and an audit never need them, so their modules
    # (the exchange files' records, the incidents kept) are not loaded when the app starts.

    @cached_property
    def records(self) -> Records:
        from wardaudit.store.records import Records

        return Records(self)

    @cached_property
    def incidents(self) -> Incidents:
        from wardaudit.store.incidents import Incidents

        return Incidents(self)

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        readonly: bool = False,
        create: bool = True,
        durable: bool = True,
        progress: Progress = no_progress,
    ) -> Store:
        """Open (or create) the database at ``path`` for this process.

        A ``postgresql://`` address or a libpq ``key=value`` string (``service=wardaudit``)
        opens the trust database on the server instead, as the person's own login.

        Raises DatabaseInUse if another process has it open for writing, DatabaseDamaged
        if it fails its integrity check, DatabaseTooNew if a newer WardAudit wrote it.
        ``durable=False`` is for throwaway files (a benchmark's): writes do not wait for
        the disk, so a crash may lose them. A user's database is always opened durable.
        ``progress`` hears how an upgrade that takes long goes (photos moved out of an older
        database into their own folder), as ``progress(what, done, total)``.
        """
        if isinstance(path, str) and is_server_target(path):
            from wardaudit.store.server import ServerDatabase

            return cls(ServerDatabase.open(path, readonly=readonly))
        return cls(
            Database.open(
                path, readonly=readonly, create=create, durable=durable, progress=progress
            )
        )

    @staticmethod
    def photos_waiting_in(path: Path | str) -> int:
        """How many photos opening an older database at ``path`` will move out of it into
        their own folder (0 for a database already upgraded, or none at all, or the trust
        database, whose photos stay in it)."""
        if isinstance(path, str) and is_server_target(path):
            return 0
        return migrations.photos_waiting_in(Path(path))

    @property
    def engine(self) -> str:
        """``sqlite`` (a file) or ``postgresql`` (the trust database)."""
        return self._db.engine

    @property
    def target(self) -> str:
        """What opens this database again (``--db``): a path, or the trust database's
        connection string without any password."""
        return self._db.target

    @property
    def location(self) -> str:
        """Where the data is, in words: the file's path, or the trust database."""
        return self._db.location

    @contextmanager
    def snapshot(self) -> Iterator[Executor]:
        """Reads that must agree with each other (a board, an export) see one moment,
        whatever is being imported meanwhile."""
        with self._db.snapshot() as conn:
            yield conn

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def readonly(self) -> bool:
        return self._db.readonly

    @property
    def login(self) -> str:
        """The person's own login on the trust database ("" for a file, which has none)."""
        return str(getattr(self._db, "login", "") or "")

    @property
    def photo_folder(self) -> Path:
        """Where this database's photos are kept (beside it, one folder with it). The trust
        database has no such folder (its photos are in it): StoreError there."""
        return self._db.photo_files.root

    @property
    def warnings(self) -> list[str]:
        """Why this database's place is risky (a network share, a synced folder), if it is."""
        return self._db.warnings

    def close(self, *, backup: bool = True, min_backup_age_s: float = 3600) -> list[str]:
        """Close, making a backup first if this session changed anything.

        The command line closes after every command, so it asks for a backup only when the
        newest one is older than ``min_backup_age_s``; the app passes 0 when it quits.
        Returns warnings (a backup that failed): everything was saved before, so a failed
        backup is never an error that would make saved work look lost.
        """
        return self._db.close(backup=backup, min_backup_age_s=min_backup_age_s)

    @contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """Many user actions as one transaction: killed or failed halfway, none of them stays.

        For building a whole trust at once (the demo): whatever is written inside, by any
        repository, is committed together at the end or not at all.
        """
        with self._db.all_or_nothing():
            yield

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backup_now(self, reason: str = "manual") -> Path:
        return self._db.backup(reason)

    def data_changed_since_open(self) -> bool:
        return self._db.data_changed_since_open()

    def data_changed_since_backup(self) -> bool:
        """Whether anything the user entered changed since the last backup this session."""
        return self._db.data_changed_since_backup()

    def check_records(self) -> list[str]:
        """SQLite's full integrity check of the records (small: photos are checked apart)."""
        return self._db.integrity_problems()

    def is_empty(self) -> bool:
        """No ward registered yet: a first run, which the app offers the demo trust for."""
        return not self._db.query("SELECT 1 FROM wards LIMIT 1")
