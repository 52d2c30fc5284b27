"""Shared test setup: Qt offscreen, a fresh temporary database per test, the demo trust."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Qt tests run offscreen on every machine, CI included; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never read or write the real user's folders from tests.
os.environ.pop("WARDAUDIT_CHECKLISTS", None)

from wardaudit.checklist import Checklist, ChecklistLibrary, load_library
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parent.parent
CHECKLIST_ID = "sexual-safety-environment"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def external_program(name: str, debian_package: str) -> str:
    """The path of a program a test needs from outside Python (LibreOffice, poppler...).

    Missing on a developer's machine, the test is skipped with the package to install; in
    CI it fails instead, because ``.ci/run`` installs every one of them.
    """
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (Debian package {debian_package})"
    if IN_CI:
        pytest.fail(f"{message}: .ci/run installs it, so CI must have it")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the user's data, config and log folders at a temporary place."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.delenv("WARDAUDIT_DB", raising=False)


@pytest.fixture(scope="session")
def library() -> ChecklistLibrary:
    return load_library([])


@pytest.fixture(scope="session")
def checklist(library: ChecklistLibrary) -> Checklist:
    return library.latest(CHECKLIST_ID)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wardaudit.sqlite3"


# --- the two engines ----------------------------------------------------------------------
# Tests in these places that use the ``store`` or ``demo_store`` fixture (or ask for
# ``engine``) run twice: on a SQLite file and on the trust database (PostgreSQL, a
# throwaway server the tests start). A module or test marked ``sqlite_only`` runs once.
BOTH_ENGINES = (
    "tests/core/store/",
    "tests/core/exchange/",
    "tests/core/test_board",
    "tests/exports/xlsx/test_updates.py",
    "tests/core/incidents/test_incident_cli.py",
    "tests/exports/test_incident_report.py",
)
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs on the trust database (PostgreSQL)")
    config.addinivalue_line("markers", "sqlite_only: runs on a SQLite file only")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    where = Path(str(metafunc.definition.path)).relative_to(ROOT).as_posix()
    if where.startswith(BOTH_ENGINES) and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """Which engine this test's ``store`` runs on: ``sqlite`` unless parametrised."""
    return str(getattr(request, "param", "sqlite"))


PG_TEMPLATE = "wardaudit_template"
PG_DEMO_TEMPLATE = "wardaudit_demo_template"
PG_PASSWORD = "test-only-password"
PG_LOGINS = {  # test logins, and the group each is a member of
    "t_admin": "wardaudit_owner",
    "t_quality": "wardaudit_quality",
    "t_quality2": "wardaudit_quality",
    "t_reader": "wardaudit_reader",
    "t_nobody": None,
}


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """One throwaway PostgreSQL server for the run: skipped without server binaries on a
    developer's machine, a failure in CI (``.ci/run`` installs them)."""
    from tests.pgserver import NoServer, TempPostgres

    try:
        server = TempPostgres(tcp=True).start()
    except NoServer as error:
        if IN_CI:
            pytest.fail(f"CI must test the trust database (PostgreSQL), but: {error}")
        pytest.skip(f"trust database tests skipped: {error}")

    def interrupted(signum: int, frame: object) -> None:  # `kill` or a CI timeout: as Ctrl-C
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        with server.admin() as conn:
            for login in PG_LOGINS:
                conn.execute(f"CREATE ROLE {login} LOGIN PASSWORD '{PG_PASSWORD}'")
        yield server
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server: Any) -> str:
    """A database set up as ``wardaudit trustdb init`` does it (as the DBA), once per run."""
    from wardaudit.store import pg_migrations

    pg_server.create_database(PG_TEMPLATE)
    pg_migrations.init(pg_server.conninfo(PG_TEMPLATE))
    with pg_server.admin(PG_TEMPLATE) as conn:
        for login, group in PG_LOGINS.items():
            if group:
                conn.execute(f"GRANT {group} TO {login}")
    return PG_TEMPLATE


_pg_numbers = itertools.count()


@dataclass
class PgDatabase:
    """One test's own database on the throwaway server."""

    server: Any
    name: str

    def target(self, login: str = "t_quality") -> str:
        """The connection string a person with this login would give ``--db``."""
        return str(self.server.conninfo(self.name, login))

    def admin(self) -> Any:
        return self.server.admin(self.name)


def _pg_copy(server: Any, template: str) -> Iterator[PgDatabase]:
    name = f"t{os.getpid()}_{next(_pg_numbers)}"
    server.create_database(name, template=template)
    try:
        yield PgDatabase(server, name)
    finally:
        server.drop_database(name)


@pytest.fixture
def pg_database(pg_server: Any, pg_template: str) -> Iterator[PgDatabase]:
    """A fresh trust database at this WardAudit's schema, dropped after the test."""
    yield from _pg_copy(pg_server, pg_template)


@pytest.fixture
def store(engine: str, request: pytest.FixtureRequest, db_path: Path) -> Iterator[Store]:
    if engine == "postgresql":
        opened = Store.open(request.getfixturevalue("pg_database").target())
    else:
        opened = Store.open(db_path)
    yield opened
    opened.close(backup=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, library: ChecklistLibrary) -> Path:
    """The demo trust, built once per test run and copied for each test that needs it."""
    from wardaudit.demo import build_demo_trust

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with Store.open(path) as demo:
        build_demo_trust(demo, library, seed=7)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, target)
    return target


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: Any, pg_template: str, library: ChecklistLibrary) -> str:
    """The demo trust in the trust database, built once per run."""
    from wardaudit.demo import build_demo_trust

    pg_server.create_database(PG_DEMO_TEMPLATE, template=pg_template)
    with Store.open(pg_server.conninfo(PG_DEMO_TEMPLATE, "t_quality")) as demo:
        build_demo_trust(demo, library, seed=7)
    return PG_DEMO_TEMPLATE


@pytest.fixture
def pg_demo_database(pg_server: Any, pg_demo_template: str) -> Iterator[PgDatabase]:
    """A copy of the demo trust in the trust database, for opening with any test login."""
    yield from _pg_copy(pg_server, pg_demo_template)


@pytest.fixture
def demo_target(engine: str, request: pytest.FixtureRequest) -> str:
    """The demo trust as ``--db`` names it, for command-line tests: a database file, or (on
    the trust database) a connection string as the quality team's login gives it."""
    if engine == "postgresql":
        return str(request.getfixturevalue("pg_demo_database").target())
    return str(request.getfixturevalue("demo_db"))


@pytest.fixture
def demo_store(engine: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    if engine == "postgresql":
        server = request.getfixturevalue("pg_server")
        copies = _pg_copy(server, request.getfixturevalue("pg_demo_template"))
        opened = Store.open(next(copies).target())
    else:
        opened = Store.open(request.getfixturevalue("demo_db"))
    yield opened
    opened.close(backup=False)
    if engine == "postgresql":
        next(copies, None)
