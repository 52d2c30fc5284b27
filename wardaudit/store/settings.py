"""Settings kept in the database itself: the trust's name, the auditor's defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wardaudit.store import Store

TRUST_NAME_SETTING = "trust_name"  # the trust's name, printed on documents


class Settings:
    """``store.settings``: named text values, each saved in its own transaction."""

    def __init__(self, store: Store) -> None:
        self._db = store._db

    def get(self, key: str, default: str = "") -> str:
        rows = self._db.query("SELECT value FROM settings WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else default

    def keys_starting(self, prefix: str) -> list[str]:
        rows = self._db.query(
            "SELECT key FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key",
            (len(prefix), prefix),
        )
        return [str(r[0]) for r in rows]

    def set(self, key: str, value: str, *, bookkeeping: bool = False) -> None:
        """Save a setting; ``bookkeeping`` ones (a session marker) do not call for a backup."""
        with self._db.transaction(bookkeeping=bookkeeping) as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def delete(self, key: str, *, bookkeeping: bool = False) -> None:
        with self._db.transaction(bookkeeping=bookkeeping) as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))
