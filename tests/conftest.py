"""Shared test setup: Qt offscreen, a fresh temporary database per test, the demo trust."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
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


@pytest.fixture
def demo_store(demo_db: Path) -> Iterator[Store]:
    opened = Store.open(demo_db)
    yield opened
    opened.close(backup=False)
