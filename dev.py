"""Set up WardAudit in a local virtual environment, then run it or its tests.

    python dev.py app      set up and open the desktop app
    python dev.py test     set up and run the test suite (what CI runs)
    python dev.py lint     set up and run ruff and mypy
    python dev.py bench    set up and run the benchmarks (add --quick for a short run)

Needs only Python 3.11 or newer. The environment lives in ``.venv`` beside this file
and is reinstalled only when ``pyproject.toml`` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".wardaudit-installed"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_environment() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older Python
        sys.exit("WardAudit needs Python 3.11 or newer; this is " + sys.version.split()[0])
    python = venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing WardAudit and its dependencies ...", flush=True)
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "app"
    rest = argv[1:]
    python = str(ensure_environment())
    if command == "app":
        return subprocess.call([python, "-m", "wardaudit", *rest])
    if command == "test":
        return subprocess.call([python, "-m", "pytest", *rest], cwd=ROOT)
    if command == "lint":
        status = subprocess.call([python, "-m", "ruff", "check", "."], cwd=ROOT)
        status |= subprocess.call([python, "-m", "ruff", "format", "--check", "."], cwd=ROOT)
        return status | subprocess.call([python, "-m", "mypy"], cwd=ROOT)
    if command == "bench":
        return subprocess.call([python, "-m", "benchmarks", *rest], cwd=ROOT)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
