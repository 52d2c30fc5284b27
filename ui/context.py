"""What every screen shares: the open store, the checklists, and the user's defaults."""

from __future__ import annotations

from pathlib import Path

from wardaudit.checklist import ChecklistLibrary, load_library
from wardaudit.store import Store

SETTING_NAME = "auditor_name"
SETTING_ROLE = "auditor_role"


class AppContext:
    """The open database and the checklists; the checklists load on first use, so the
    wards appear without waiting for every checklist file to be read and checked."""

    def __init__(self, store: Store, library: ChecklistLibrary | None = None) -> None:
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
        return self.store.setting(SETTING_NAME)

    @property
    def auditor_role(self) -> str:
        return self.store.setting(SETTING_ROLE)

    def set_auditor(self, name: str, role: str) -> None:
        self.store.set_setting(SETTING_NAME, name.strip())
        self.store.set_setting(SETTING_ROLE, role.strip())
