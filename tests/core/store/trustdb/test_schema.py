"""The two ladders: every step in both engines' words, the same tables and columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PgDatabase
from wardaudit.store import SCHEMA_VERSION, Store, pg_migrations
from wardaudit.store.migrations import MIGRATIONS


def test_every_step_has_its_trust_database_form() -> None:
    assert sorted(pg_migrations.PG_MIGRATIONS) == list(range(1, len(MIGRATIONS) + 1))
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_the_roles_script_ships_inside_wardaudit() -> None:
    script = pg_migrations.roles_script()
    for role in ("wardaudit_owner", "wardaudit_quality", "wardaudit_reader"):
        assert f"CREATE ROLE {role} NOLOGIN" in script


@pytest.mark.postgresql
def test_both_engines_hold_the_same_tables_and_columns(
    pg_database: PgDatabase, tmp_path: Path
) -> None:
    with Store.open(tmp_path / "file.sqlite3") as file:
        tables = [
            r[0]
            for r in file._db.query(
                "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
            )
        ]
        in_file = {t: [r[1] for r in file._db.query(f"PRAGMA table_info({t})")] for t in tables}
    with pg_database.admin() as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'wardaudit' AND table_name <> 'schema_version'"
            " ORDER BY table_name, ordinal_position"
        ).fetchall()
    on_server: dict[str, list[str]] = {}
    for table, column in rows:
        on_server.setdefault(table, []).append(column)
    # The one deliberate difference: a file's photos move out into their folder (step 6
    # then drops the column), the server's stay in their records.
    assert "data" not in in_file["photos"]
    assert "data" in on_server["photos"]
    on_server["photos"].remove("data")
    assert on_server == in_file
