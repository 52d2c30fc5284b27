"""The history is append-only, in the database itself."""

from __future__ import annotations

import sqlite3

import pytest

from wardaudit.store import Store


def test_history_is_append_only(store: Store, ward_and_audit: tuple[str, str]) -> None:
    conn = store._db.conn
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET kind = 'edited'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")
