"""What every screen shares: the open store, the checklists, the user's defaults, and the
one way screens hear that data changed.

Whoever changes data (an :class:`ui.ops.Op` with ``.changes(...)``, or a screen after a
store action on the UI thread) calls :meth:`AppContext.notify` with what changed; every
screen listening to one of those kinds hears it through ``changed`` and refreshes, now if
it is showing, else when it is next shown (:class:`ui.widgets.screen.Screen`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, Signal

from wardaudit.checklist import ChecklistLibrary, load_library
from wardaudit.store import Store

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
        return self.store.path

    @property
    def auditor_name(self) -> str:
        return self.store.settings.get(SETTING_NAME)

    @property
    def auditor_role(self) -> str:
        return self.store.settings.get(SETTING_ROLE)

    def set_auditor(self, name: str, role: str) -> None:
        self.store.settings.set(SETTING_NAME, name.strip())
        self.store.settings.set(SETTING_ROLE, role.strip())

    def notify(self, *kinds: Change, origin: object | None = None) -> None:
        """Tell every screen that data of these kinds changed (Anki's operation_did_execute)."""
        if kinds:
            self.changed.emit(Changes(frozenset(kinds), origin))
