"""The history is append-only, in the database itself."""

from __future__ import annotations

import sqlite3

import pytest

from wardaudit.store import Store


def test_history_is_append_only(store: Store, engine: str, ward_and_audit: tuple[str, str]) -> None:
    """In a file the trigger refuses; on the trust database the quality login is not even
    granted it (and the trigger refuses its owner: tests/core/store/trustdb/test_privileges.py)."""
    conn = store._db.conn
    if engine == "sqlite":
        refused: type[Exception] = sqlite3.IntegrityError
        words = "append-only"
    else:
        import psycopg

        refused, words = psycopg.errors.InsufficientPrivilege, "permission denied"
        # as in the store's own write transactions: what refuses here is the missing grant
        conn.execute("SET default_transaction_read_only = off")
    with pytest.raises(refused, match=words):
        conn.execute("UPDATE events SET kind = 'edited'")
    with pytest.raises(refused, match=words):
        conn.execute("DELETE FROM events")
