"""What every screen shares: the open store, the checklists, the user's defaults, and the
one way screens hear that data changed.

On a file the user's own choices (her name and role, the audit she had open) are kept in
the database with everything else: the file is hers. The trust database is shared by the
whole quality team, so there they stay on this computer, for this user and this database
(:meth:`AppContext.own_setting`), and never pass from one person to another.

Whoever changes data (an :class:`ui.ops.Op` with ``.changes(...)``, or a screen after a
store action on the UI thread) calls :meth:`AppContext.notify` with what changed; every
screen listening to one of those kinds hears it through ``changed`` and refreshes, now if
it is showing, else when it is next shown (:class:`ui.widgets.screen.Screen`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, Signal

from ui.theme import display_settings
from wardaudit.checklist import ChecklistLibrary, load_library
from wardaudit.store import Store
from wardaudit.words import database_words

SETTING_NAME = "auditor_name"
SETTING_ROLE = "auditor_role"

Change = Literal["wards", "audits", "actions", "incidents"]
"""What a change touched: the ward register; audits (started, answered, signed off,
amended, merged, their photos); actions (raised, updated, imported); incidents (imported,
regraded, or counts brought by an exchange file)."""


@dataclass(frozen=True)
class Changes:
    """What one user action changed, and who made it (a screen does not hear its own)."""

    kinds: frozenset[Change]
    origin: object | None = None

    def touch(self, kinds: frozenset[Change]) -> bool:
        return bool(self.kinds & kinds)


class AppContext(QObject):
    """The open database and the checklists; the checklists load on first use, so the
    wards appear without waiting for every checklist file to be read and checked."""

    changed = Signal(object)  # Changes

    def __init__(self, store: Store, library: ChecklistLibrary | None = None) -> None:
        super().__init__()
        self.store = store
        self._library = library

    @property
    def library(self) -> ChecklistLibrary:
        if self._library is None:
            self._library = load_library()
        return self._library

    @library.setter
    def library(self, value: ChecklistLibrary) -> None:
        self._library = value

    @property
    def db_path(self) -> Path:
        """The database file (StoreError on the trust database, which is not a file)."""
        return self.store.path

    @property
    def on_server(self) -> bool:
        """The trust database (PostgreSQL), shared by the quality team, rather than a file."""
        return self.store.engine == "postgresql"

    @property
    def readonly(self) -> bool:
        """The login may only read (a board member's on the trust database)."""
        return self.store.readonly

    @property
    def database_name(self) -> str:
        """Which database is open, for the title: the file's name or the trust database's."""
        return database_words(self.store.engine, self.store.target)

    def own_setting(self, key: str) -> str:
        """One of her own choices for this database: in a file, in it; on the trust
        database, on this computer (the database's settings are everyone's there)."""
        if not self.on_server:
            return self.store.settings.get(key)
        value = display_settings().value(f"{self._own_group()}/{key}", "")
        return str(value or "")

    def set_own_setting(self, key: str, value: str, *, bookkeeping: bool = True) -> None:
        """Keep one of her own choices (a bookkeeping one calls for no backup of a file)."""
        if not self.on_server:
            self.store.settings.set(key, value, bookkeeping=bookkeeping)
            return
        settings = display_settings()
        settings.setValue(f"{self._own_group()}/{key}", value)
        settings.sync()

    def _own_group(self) -> str:
        """The trust database's group of her settings: its target (login included, no
        password) hashed, since a connection string makes no QSettings key."""
        return "trustdb-" + hashlib.sha256(self.store.target.encode()).hexdigest()[:16]

    @property
    def auditor_name(self) -> str:
        return self.own_setting(SETTING_NAME)

    @property
    def actor(self) -> str:
        """Who a change is recorded as made by: her name from Settings; on the trust
        database, with no name set, her login, so a conflict or the history still says who
        (on a file, which one person has open at a time, no name is recorded as none)."""
        name = self.auditor_name
        if name or not self.on_server or not self.store.login:
            return name
        return f"{self.store.login} (login)"

    @property
    def auditor_role(self) -> str:
        return self.own_setting(SETTING_ROLE)

    def set_auditor(self, name: str, role: str) -> None:
        self.set_own_setting(SETTING_NAME, name.strip(), bookkeeping=False)
        self.set_own_setting(SETTING_ROLE, role.strip(), bookkeeping=False)

    def notify(self, *kinds: Change, origin: object | None = None) -> None:
        """Tell every screen that data of these kinds changed (Anki's operation_did_execute)."""
        if kinds:
            self.changed.emit(Changes(frozenset(kinds), origin))
