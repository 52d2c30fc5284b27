"""Where WardAudit keeps its files: the database, its photos, backups, logs and trust checklists.

One place decides, so tests and portable installs can point everything elsewhere with
``--db`` or the ``WARDAUDIT_DB`` environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "WardAudit"
DB_ENV = "WARDAUDIT_DB"
CHECKLISTS_ENV = "WARDAUDIT_CHECKLISTS"
DEFAULT_DB_NAME = "wardaudit.sqlite3"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The database used when neither ``--db`` nor ``WARDAUDIT_DB`` names one."""
    override = os.environ.get(DB_ENV)
    if override:
        return Path(override).expanduser()
    return data_dir() / DEFAULT_DB_NAME


def backup_dir(db_path: Path) -> Path:
    """Backups sit in a folder beside the database they protect."""
    return db_path.parent / f"{db_path.stem}-backups"


def photo_dir(db_path: Path) -> Path:
    """Photos sit in a folder beside the database that refers to them, so the database,
    its photos and its backups are one folder to back up or move (WardAudit's own folder,
    unless ``--db`` puts the database elsewhere)."""
    return db_path.parent / f"{db_path.stem}-photos"


def backup_photo_dir(db_path: Path) -> Path:
    """The backups' photos: each stored once, shared by every backup copy of the records."""
    return backup_dir(db_path) / "photos"


def trust_checklist_dirs() -> list[Path]:
    """Folders of a trust's own checklists: the environment variable, then the user's folder."""
    dirs: list[Path] = []
    env = os.environ.get(CHECKLISTS_ENV)
    if env:
        dirs.extend(Path(p).expanduser() for p in env.split(os.pathsep) if p)
    dirs.append(data_dir() / "checklists")
    return dirs
