"""Backups in words: when one was made and why, from its file name (or its file time)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from wardaudit.store import backups
from wardaudit.words import sentence

# Backup files are named <database>-YYYYmmdd-HHMMSS[-n]-<reason>.sqlite3 by wardaudit.store.backups.
_REASONS = {
    "manual": "made from Settings",
    "on-close": "made when WardAudit closed",
    "periodic": "made automatically",
}


def describe_backup(path: Path) -> tuple[datetime | None, str]:
    """When a backup was made and why, in words; from its file name, else its file time."""
    described = backups.describe(path)
    when: datetime | None
    if described is not None:
        when, reason = described
    else:
        reason = ""
        try:
            when = datetime.fromtimestamp(path.stat().st_mtime)
        except OSError:
            when = None
    if reason.startswith("before-migration"):
        words = "made before an upgrade"
    else:
        words = _REASONS.get(reason, reason.replace("-", " "))
    return when, words


def backup_time_words(path: Path, unknown: str) -> str:
    """When a backup was made, as a question about it says it: "27/11/2026 at 14:03"."""
    when, _words = describe_backup(path)
    return when.strftime("%d/%m/%Y at %H:%M") if when else unknown


def _size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def backup_label(path: Path) -> str:
    when, words = describe_backup(path)
    stamp = when.strftime("%d/%m/%Y %H:%M") if when else "Unknown time"
    size = _size(path)
    words = sentence(words)
    return f"{stamp} — {words}" + (f" ({size})" if size else "")
