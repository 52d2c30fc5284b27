"""Build WardAudit's desktop bundle: ``python installer/build.py``.

Runs PyInstaller on installer/wardaudit.spec and leaves the program in dist/wardaudit/
(PyInstaller's working files go under build/). It installs nothing itself: run it with the
Python environment that has WardAudit's dependencies and PyInstaller
(``pip install .[installer]``). On Windows, ``--installer`` then compiles the Inno Setup
script into dist/WardAudit-Setup-VERSION.exe.

    python installer/build.py                 build dist/wardaudit/
    python installer/build.py --clean         start from nothing (clears PyInstaller's cache)
    python installer/build.py --installer     and the Windows installer (needs Inno Setup 6)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "wardaudit.spec"
ISS = ROOT / "installer" / "wardaudit.iss"
DIST = ROOT / "dist"
BUNDLE = DIST / "wardaudit"
WORK = ROOT / "build" / "pyinstaller"
SIZE_TARGET_MB = 150  # the one-folder bundle on Linux
CHECKLISTS_IN_BUNDLE = Path("_internal") / "wardaudit" / "builtin_checklists"


def version() -> str:
    text = (ROOT / "wardaudit" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not found:
        raise SystemExit("build: cannot find __version__ in wardaudit/__init__.py")
    return found.group(1)


def version_numbers(text: str) -> str:
    """Windows file versions are four numbers: "1.2.0rc1" becomes "1.2.0.0"."""
    release = re.match(r"\d+(?:\.\d+)*", text)
    numbers = [int(n) for n in release.group(0).split(".")] if release else []
    return ".".join(str(n) for n in [*numbers, 0, 0, 0, 0][:4])


def executable(bundle: Path = BUNDLE) -> Path:
    return bundle / ("wardaudit.exe" if os.name == "nt" else "wardaudit")


def folder_size(folder: Path) -> int:
    """Bytes on disk of every file in the folder (symbolic links counted once, as links)."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_symlink():
            total += path.lstat().st_size
        elif path.is_file():
            total += path.stat().st_size
    return total


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def check_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        raise SystemExit(
            "build: PyInstaller is not installed in this Python environment "
            f"({sys.executable}).\n"
            "Install it with WardAudit's installer extras, from the project folder:\n"
            '    pip install ".[installer]"\n'
            '(or, for a development checkout: pip install -e ".[installer]")'
        )
    for module in ("PySide6", "reportlab", "openpyxl", "platformdirs"):
        if importlib.util.find_spec(module) is None:
            raise SystemExit(
                f"build: {module} is not installed in this Python environment; "
                'install WardAudit first: pip install ".[installer]"'
            )


def build(*, clean: bool) -> Path:
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
    ]
    if clean:
        command.append("--clean")
    command.append(str(SPEC))
    print("build: running PyInstaller (about a minute) ...", flush=True)
    done = subprocess.run(command, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"build: PyInstaller failed (exit status {done.returncode})")
    program = executable()
    if not program.is_file():
        raise SystemExit(f"build: PyInstaller finished but {program} is missing")
    checklists = sorted((BUNDLE / CHECKLISTS_IN_BUNDLE).glob("*.toml"))
    if not checklists:
        raise SystemExit(f"build: no built-in checklist in {BUNDLE / CHECKLISTS_IN_BUNDLE}")
    return program


def find_iscc() -> Path | None:
    on_path = shutil.which("ISCC") or shutil.which("iscc")
    if on_path:
        return Path(on_path)
    for base in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"):
        root = os.environ.get(base)
        if not root:
            continue
        for candidate in (
            Path(root) / "Inno Setup 6" / "ISCC.exe",
            Path(root) / "Programs" / "Inno Setup 6" / "ISCC.exe",
        ):
            if candidate.is_file():
                return candidate
    return None


def require_iscc() -> Path:
    """Checked before building, so a missing Inno Setup is known in seconds, not minutes."""
    if os.name != "nt":
        raise SystemExit("build: the Windows installer can be compiled only on Windows")
    iscc = find_iscc()
    if iscc is None:
        raise SystemExit(
            "build: Inno Setup 6 is not installed (ISCC.exe not found); "
            "get it from https://jrsoftware.org/isinfo.php"
        )
    return iscc


def build_installer(iscc: Path, app_version: str) -> Path:
    done = subprocess.run(
        [
            str(iscc),
            f"/DAppVersion={app_version}",
            f"/DAppVersionNumbers={version_numbers(app_version)}",
            f"/O{DIST}",
            str(ISS),
        ],
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"build: Inno Setup failed (exit status {done.returncode})")
    return DIST / f"WardAudit-Setup-{app_version}.exe"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python installer/build.py", description="Build WardAudit's desktop bundle."
    )
    parser.add_argument("--clean", action="store_true", help="clear PyInstaller's cache first")
    parser.add_argument(
        "--installer", action="store_true", help="also compile the Windows installer"
    )
    args = parser.parse_args(argv)
    check_pyinstaller()
    iscc = require_iscc() if args.installer else None
    app_version = version()
    started = time.monotonic()
    program = build(clean=args.clean)
    elapsed = time.monotonic() - started
    size = folder_size(BUNDLE)
    print(f"build: WardAudit {app_version} built in {elapsed:.0f} s")
    print(f"build: bundle     {BUNDLE}  ({megabytes(size)})")
    print(f"build: program    {program}")
    if sys.platform.startswith("linux") and size > SIZE_TARGET_MB * 1_000_000:
        print(f"build: warning: the bundle is over {SIZE_TARGET_MB} MB", file=sys.stderr)
    if iscc is not None:
        setup = build_installer(iscc, app_version)
        print(f"build: installer  {setup}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
