"""Reaching the trust database: what --db means, TLS, and every refusal in words."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_PASSWORD, PgDatabase
from tests.core.store.trustdb import helpers
from wardaudit.checklist import Checklist
from wardaudit.cli import main
from wardaudit.errors import (
    ConnectionLost,
    DatabaseTooNew,
    DatabaseTooOld,
    ServerUnavailable,
    StoreError,
)
from wardaudit.exchange import export_bundle, import_bundle
from wardaudit.store import SCHEMA_VERSION, Store, pg_migrations, records, trustdb


@pytest.mark.parametrize(
    ("text", "server"),
    [
        ("postgresql://db.trust.nhs.uk/wardaudit?sslmode=verify-full", True),
        ("postgres://localhost/wardaudit", True),
        ("service=wardaudit", True),
        ("host=db.trust.nhs.uk dbname=wardaudit", True),
        ("board.sqlite3", False),
        ("/home/quality/board.sqlite3", False),
        (r"C:\Users\quality\board.sqlite3", False),
        ("my=board.sqlite3", False),
    ],
)
def test_what_db_opens(text: str, server: bool) -> None:
    assert trustdb.is_server_target(text) is server


def test_a_server_on_another_computer_needs_tls() -> None:
    conninfo, warnings = trustdb.prepare("host=db.trust.nhs.uk dbname=wardaudit")
    assert "sslmode=require" in conninfo
    assert any("verify-full" in w for w in warnings)
    for weak in ("disable", "allow", "prefer"):
        with pytest.raises(ServerUnavailable, match="verify-full"):
            trustdb.prepare(f"host=db.trust.nhs.uk dbname=wardaudit sslmode={weak}")
    checked, quiet = trustdb.prepare("host=db.trust.nhs.uk dbname=w sslmode=verify-full")
    assert "sslmode=verify-full" in checked and quiet == []
    local, none = trustdb.prepare("host=/var/run/postgresql dbname=wardaudit")
    assert "sslmode" not in local and none == []
    _, told = trustdb.prepare("host=localhost dbname=w password=secret")
    assert any("password file" in w for w in told)
    assert "secret" not in trustdb.redacted("host=localhost dbname=w password=secret")


def test_over_tls_with_the_servers_certificate_checked(
    pg_server: Any, pg_database: PgDatabase
) -> None:
    target = pg_server.tcp_conninfo(pg_database.name, "t_quality", password=PG_PASSWORD)
    with Store.open(target) as store:
        assert store._db.raw.pgconn.ssl_in_use
        assert store.wards.list() == []
        assert PG_PASSWORD not in store.target


def test_a_wrong_password_is_said_plainly(pg_server: Any, pg_database: PgDatabase) -> None:
    target = pg_server.tcp_conninfo(pg_database.name, "t_quality", password="wrong")
    with pytest.raises(ServerUnavailable, match="refused the password"):
        Store.open(target)


def test_a_server_that_is_down_is_said_plainly() -> None:
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ServerUnavailable, match="no database server is answering"):
        Store.open(f"host=127.0.0.1 port={port} dbname=wardaudit connect_timeout=3")


@pytest.fixture
def bare_database(pg_server: Any, pg_template: str) -> Iterator[str]:
    """An empty database on the server (the test logins exist and are in their groups)."""
    name = "bare_database"
    pg_server.create_database(name)
    try:
        yield name
    finally:
        pg_server.drop_database(name)


def test_a_database_of_something_else_is_left_alone(pg_server: Any, bare_database: str) -> None:
    target = pg_server.conninfo(bare_database)
    with pytest.raises(DatabaseTooOld, match="trustdb init"):
        Store.open(target)
    with pg_server.admin(bare_database) as conn:
        conn.execute("CREATE TABLE patients(id int)")
    with pytest.raises(StoreError, match="is not a WardAudit database"):
        Store.open(target)
    with pg_server.admin(bare_database) as conn:
        assert conn.execute("SELECT count(*) FROM patients").fetchone() == (0,)


def test_an_older_schema_waits_for_its_upgrade_and_a_newer_one_for_the_newer_app(
    pg_server: Any, bare_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_migrations, "SCHEMA_VERSION", SCHEMA_VERSION - 1)
    assert pg_migrations.init(pg_server.conninfo(bare_database)) == list(range(1, SCHEMA_VERSION))
    monkeypatch.undo()
    with pg_server.admin(bare_database) as conn:
        conn.execute("GRANT wardaudit_quality TO t_quality")
    quality = pg_server.conninfo(bare_database, "t_quality")
    with pytest.raises(DatabaseTooOld, match="trustdb upgrade"):
        Store.open(quality)
    assert pg_migrations.upgrade(pg_server.conninfo(bare_database, "t_admin")) == [SCHEMA_VERSION]
    with Store.open(quality) as store:
        assert store.wards.list() == []
    with pg_server.admin(bare_database) as conn:
        conn.execute(
            "INSERT INTO wardaudit.schema_version(version) VALUES (%s)", (SCHEMA_VERSION + 1,)
        )
    with pytest.raises(DatabaseTooNew, match="install the newer WardAudit"):
        Store.open(quality)
    with pytest.raises(DatabaseTooNew):
        pg_migrations.upgrade(pg_server.conninfo(bare_database, "t_admin"))


def test_a_connection_lost_mid_import_keeps_none_of_it(
    pg_server: Any,
    pg_database: PgDatabase,
    checklist: Checklist,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        helpers.audit_ward(laptop, checklist, "Juniper Ward")
        bundle = tmp_path / "juniper.wardaudit"
        export_bundle(laptop, bundle)
    original = records.Records._apply

    def cut_then_apply(self: Any, conn: Any, work: Any, batch: Any) -> None:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        conn.execute("INSERT INTO sites(uuid, name, created_at) VALUES ('x', 'Half', 'now')")
        with pg_server.admin(pg_database.name) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        original(self, conn, work, batch)

    target = pg_database.target()
    with Store.open(target) as board:
        before = helpers.counts(board)
        monkeypatch.setattr(records.Records, "_apply", cut_then_apply)
        with pytest.raises(ConnectionLost, match="none of it was kept; running it again is safe"):
            import_bundle(board, bundle)
    monkeypatch.undo()
    with Store.open(target) as board:
        assert helpers.counts(board) == before
        assert board._db.query("SELECT count(*) FROM sites")[0][0] == 0
        assert import_bundle(board, bundle).new_audits == 1


def test_the_command_line_on_the_trust_database(
    pg_database: PgDatabase,
    checklist: Checklist,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = pg_database.target()
    with Store.open(target) as store:
        audit = helpers.audit_ward(store, checklist, "Juniper Ward")
    assert main(["--db", target, "audits", "list", "--json"]) == 0
    assert [a["id"] for a in json.loads(capsys.readouterr().out)] == [audit]
    assert main(["--db", target, "audits", "show", audit, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == audit
    book = tmp_path / "board.xlsx"
    assert (
        main(["--db", pg_database.target("t_reader"), "export", "board", "--xlsx", str(book)]) == 0
    )
    assert book.stat().st_size > 0
    assert main(["--db", target, "backups", "make"]) == 1
    assert "backed up by the trust's database server" in capsys.readouterr().err
    assert main(["--db", pg_database.target("t_reader"), "wards", "list"]) == 0
    assert "Juniper Ward" in capsys.readouterr().out


def test_it_sets_the_trust_database_up_from_the_command_line(
    pg_server: Any, bare_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trustdb", "roles"]) == 0
    assert "CREATE ROLE wardaudit_reader NOLOGIN" in capsys.readouterr().out
    dba = pg_server.conninfo(bare_database)
    assert main(["--db", dba, "trustdb", "init"]) == 0
    assert f"schema steps {', '.join(map(str, range(1, SCHEMA_VERSION + 1)))}" in (
        capsys.readouterr().out
    )
    owner = pg_server.conninfo(bare_database, "t_admin")
    assert main(["--db", owner, "trustdb", "upgrade"]) == 0
    assert "already at this WardAudit's schema" in capsys.readouterr().out
    assert main(["trustdb", "upgrade"]) == 1
    assert "give the trust database as --db" in capsys.readouterr().err


def test_a_service_name_is_all_anyone_types(
    pg_server: Any, pg_database: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = tmp_path / "pg_service.conf"
    services.write_text(
        "[wardaudit]\n"
        f"host={pg_server.socket_dir}\nport={pg_server.port}\n"
        f"dbname={pg_database.name}\nuser=t_quality\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    with Store.open("service=wardaudit") as store:
        assert not store.readonly and store.wards.list() == []
    with pytest.raises(ServerUnavailable, match="service"):
        Store.open("service=nowhere")
