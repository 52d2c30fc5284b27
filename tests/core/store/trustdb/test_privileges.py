"""Who may do what on the trust database, enforced by the server itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import PgDatabase
from tests.core.store.trustdb import helpers
from wardaudit.checklist import Checklist
from wardaudit.errors import NotPermitted, StoreError
from wardaudit.store import Store, pg_migrations

pytestmark = pytest.mark.postgresql

TABLES = (
    "sites",
    "wards",
    "checklist_versions",
    "audits",
    "answer_notes",
    "actions",
    "events",
    "settings",
    "photos",
    "audit_records",
    "drafts",
    "finding_links",
    "incident_imports",
    "incidents",
    "incident_events",
    "incident_ward_aliases",
    "incident_place_aliases",
    "incident_count_snapshots",
)


@pytest.fixture
def filled(pg_database: PgDatabase, checklist: Checklist) -> Iterator[PgDatabase]:
    with Store.open(pg_database.target()) as store:
        helpers.audit_ward(store, checklist, "Juniper Ward")
        store.settings.set("trust_name", "A trust")
    yield pg_database


def _raw(database: PgDatabase, login: str) -> Any:
    import psycopg

    conn = psycopg.connect(database.target(login), autocommit=True)
    conn.execute("SET search_path = wardaudit, public")
    return conn


def test_a_reader_sees_everything_and_can_change_nothing(filled: PgDatabase) -> None:
    import psycopg

    with Store.open(filled.target("t_reader")) as store:
        assert store.readonly
        assert [w.name for w in store.wards.list()] == ["Juniper Ward"]
        with pytest.raises(StoreError, match="may only read"):
            store.wards.add(site="Ashcombe", name="Rowan Ward", sex="female")
    with _raw(filled, "t_reader") as conn:
        for table in TABLES:
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            for statement in (
                f"UPDATE {table} SET {_a_column(conn, table)} = {_a_column(conn, table)}",
                f"DELETE FROM {table}",
                f"TRUNCATE {table} CASCADE",
                f"INSERT INTO {table} DEFAULT VALUES",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(statement)


def _a_column(conn: Any, table: str) -> str:
    row = conn.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = 'wardaudit' AND table_name = %s ORDER BY ordinal_position",
        (table,),
    ).fetchone()
    return str(row[0])


@pytest.mark.parametrize("login", ["t_quality", "t_admin", "postgres"])
def test_nobody_can_change_or_remove_history(filled: PgDatabase, login: str) -> None:
    """The quality role is not granted it; the owner and even a superuser meet the trigger."""
    import psycopg

    with _raw(filled, login) as conn:
        if login == "t_admin":
            conn.execute("SET ROLE wardaudit_owner")
        before = conn.execute("SELECT count(*), max(kind) FROM events").fetchone()
        refused = (
            psycopg.errors.InsufficientPrivilege
            if login == "t_quality"
            else psycopg.errors.RestrictViolation
        )
        for statement in (
            "UPDATE events SET kind = 'edited'",
            "DELETE FROM events",
            "TRUNCATE events CASCADE",
        ):
            with pytest.raises(refused):
                conn.execute(statement)
        assert conn.execute("SELECT count(*), max(kind) FROM events").fetchone() == before
        if login == "t_quality":
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("ALTER TABLE events DISABLE TRIGGER events_are_append_only")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SET ROLE wardaudit_owner")


@pytest.mark.parametrize("table", ["incident_events", "incident_imports"])
def test_the_quality_role_cannot_change_or_remove_the_incident_history(
    filled: PgDatabase, table: str
) -> None:
    import psycopg

    with _raw(filled, "t_quality") as conn:
        for statement in (
            f"UPDATE {table} SET import_id = import_id"
            if table == "incident_events"
            else f"UPDATE {table} SET actor = ''",
            f"DELETE FROM {table}",
            f"TRUNCATE {table} CASCADE",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_the_quality_role_cannot_change_the_schema(filled: PgDatabase) -> None:
    with pytest.raises(NotPermitted, match="wardaudit_owner"):
        pg_migrations.upgrade(filled.target("t_quality"))
    with Store.open(filled.target("t_quality")) as store:
        assert not store.readonly  # and the app itself works without the owner role
        assert store.actions.list()


def test_a_login_in_no_group_is_told_to_ask_for_one(filled: PgDatabase) -> None:
    with pytest.raises(NotPermitted, match="wardaudit_quality"):
        Store.open(filled.target("t_nobody"))


def test_the_roles_script_can_run_again_and_the_owner_member_upgrades(
    pg_database: PgDatabase,
) -> None:
    """``trustdb init`` twice changes nothing; ``trustdb upgrade`` by a member of the owner
    role (not a superuser) finds nothing to do on a database at this schema."""
    assert pg_migrations.init(pg_database.target("postgres")) == []
    assert pg_migrations.upgrade(pg_database.target("t_admin")) == []
