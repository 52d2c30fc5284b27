"""What every screen shares: the open store, the checklists, and the user's defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wardaudit.checklist import ChecklistLibrary, load_library
from wardaudit.store import Store

SETTING_NAME = "auditor_name"
SETTING_ROLE = "auditor_role"


@dataclass
class AppContext:
    store: Store
    library: ChecklistLibrary = field(default_factory=load_library)

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
