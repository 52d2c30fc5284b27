"""The code stays linted, formatted and (in the core and exporters) strictly typed."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None, reason="ruff is installed with .[dev]"
)
def test_ruff_lint_and_format() -> None:
    lint = run("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout
    formatted = run("ruff", "format", "--check", ".")
    assert formatted.returncode == 0, formatted.stdout


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None, reason="mypy is installed with .[dev]"
)
def test_mypy_strict_on_the_core_and_exporters() -> None:
    checked = run("mypy")
    assert checked.returncode == 0, checked.stdout
