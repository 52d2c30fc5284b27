"""The Settings screen: her name and role, the database and its backups, the display.

- ``screen``: :class:`SettingsScreen`, the one name the main window uses
- ``backups``: backups described in words (also used when a damaged database is opened)
"""

from ui.settings.screen import SettingsScreen

__all__ = ["SettingsScreen"]
