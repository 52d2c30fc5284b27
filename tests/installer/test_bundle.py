"""The desktop bundle, built and then run as on a ward laptop: no Python, a bare environment.

Building takes about a minute. The tests run with the rest whenever PyInstaller is
installed (``python dev.py test`` installs it); set WARDAUDIT_SKIP_BUNDLE=1 to leave them
out, or run them alone with ``sh installer/smoke.sh``.
The program runs with nothing but PATH, HOME and QT_QPA_PLATFORM in its environment and
from a folder outside the source tree, so it can only use what the bundle carries.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.selfcheck_steps import SELF_CHECK_STEPS
from wardaudit import __version__

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "wardaudit"
PROGRAM = BUNDLE / "wardaudit"
SIZE_LIMIT = 150_000_000  # bytes: the one-folder bundle on Linux

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("PyInstaller") is None,
        reason="PyInstaller is not installed (pip install -e '.[installer]')",
    ),
    pytest.mark.skipif(
        os.environ.get("WARDAUDIT_SKIP_BUNDLE") == "1", reason="WARDAUDIT_SKIP_BUNDLE=1 is set"
    ),
    pytest.mark.skipif(
        not sys.platform.startswith("linux"), reason="the bundle smoke test runs on Linux"
    ),
]


@pytest.fixture(scope="module")
def bundle() -> Iterator[Path]:
    built = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "build.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert PROGRAM.is_file(), built.stdout
    yield BUNDLE


def bare_environment(home: Path, **extra: str) -> dict[str, str]:
    """What a locked-down laptop gives the program: no Python, no virtualenv, no PYTHONPATH."""
    home.mkdir(parents=True, exist_ok=True)
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra}


def run_bundled(
    *args: str, home: Path, timeout: float = 300, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PROGRAM), *args],
        cwd=home.parent,
        env=bare_environment(home, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_version(bundle: Path, tmp_path: Path) -> None:
    done = run_bundled("--version", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"WardAudit {__version__}"


def test_self_check_passes_every_step(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = run_bundled("--self-check", home=home)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    lines = done.stdout.splitlines()
    for step in SELF_CHECK_STEPS:
        assert any(line.startswith(f"ok: {step}") for line in lines), (step, report)
    assert not any(line.startswith("FAILED") for line in lines), report
    assert f"WardAudit self-check passed: {len(SELF_CHECK_STEPS)} steps" in lines
    # The self-check works in a temporary folder; the user's data folder stays untouched.
    assert not (home / ".local" / "share" / "WardAudit" / "wardaudit.sqlite3").exists()


def test_the_app_opens_a_usable_window(bundle: Path, tmp_path: Path) -> None:
    database = tmp_path / "ward-laptop.sqlite3"
    home = tmp_path / "home"
    ward = ["wards", "add", "--site", "Ashcombe", "--name", "Juniper Ward", "--sex", "female"]
    added = run_bundled("--db", str(database), *ward, home=home)
    assert added.returncode == 0, added.stderr
    done = run_bundled("--db", str(database), home=home, WARDAUDIT_EXIT_WHEN_READY="1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^WardAudit ready after \d+\.\d+ s$", done.stdout, re.MULTILINE)


def test_trust_checklists_are_found_through_the_environment(bundle: Path, tmp_path: Path) -> None:
    trust = tmp_path / "trust-checklists"
    trust.mkdir()
    built_in = (ROOT / "checklists" / "sexual-safety-environment.toml").read_text("utf-8")
    own = built_in.replace(
        'id = "sexual-safety-environment"', 'id = "sexual-safety-environment-ourtrust"', 1
    )
    (trust / "ourtrust.toml").write_text(own, encoding="utf-8")
    home = tmp_path / "home"
    valid = run_bundled("checklists", "validate", str(trust / "ourtrust.toml"), home=home)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    listed = run_bundled("checklists", "list", "--json", home=home, WARDAUDIT_CHECKLISTS=str(trust))
    assert listed.returncode == 0, listed.stderr
    assert '"sexual-safety-environment-ourtrust"' in listed.stdout
    assert '"sexual-safety-environment"' in listed.stdout


def test_the_built_in_checklists_are_bundled(bundle: Path) -> None:
    inside = bundle / "_internal" / "wardaudit" / "builtin_checklists"
    expected = {p.name for p in (ROOT / "checklists").glob("*.toml")}
    expected |= {p.name for p in (ROOT / "checklists").glob("*.md")}  # the guide and its changes
    assert {"README.md", "CHANGES-v2.md"} <= expected
    assert expected <= {p.name for p in inside.iterdir()}


def test_the_bundle_is_lean(bundle: Path) -> None:
    size = sum(
        p.lstat().st_size if p.is_symlink() else p.stat().st_size
        for p in bundle.rglob("*")
        if p.is_symlink() or p.is_file()
    )
    assert size <= SIZE_LIMIT, f"the bundle is {size / 1e6:.1f} MB"
    unwanted = re.compile(
        r"Qt6(Qml|Quick|WebEngine|Multimedia|Network|Pdf|Svg|Sql|Test|3D|Charts)|tcl|tk8",
        re.IGNORECASE,
    )
    found = sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if unwanted.search(p.name))
    assert not found, found
    assert not list(bundle.rglob("translations/*.qm"))
