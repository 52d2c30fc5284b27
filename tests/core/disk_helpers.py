"""Real disks in trouble for tests: a small disk filled up, made read-only, or a folder whose
owner is someone else. Mounting needs root (CI runs as root); elsewhere these tests skip."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534


def need_root(why: str = "to mount a small disk") -> None:
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip(f"needs root on Linux {why} (CI runs as root)")


@contextmanager
def small_disk(folder: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``folder`` for the length of the block."""
    need_root()
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], capture_output=True)
        subprocess.run(["chattr", "-R", "-i", str(folder)], capture_output=True)
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, *, leave: int = 0) -> Path:
    """Fill the disk holding ``folder`` to the last byte, then give back ``leave`` bytes."""
    filler = folder / "filler.bin"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 9):
            block = os.urandom(chunk)
            while True:
                try:
                    os.write(handle, block)
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
                    break
    finally:
        os.close(handle)
    if leave:
        os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def remount(folder: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)


def chattr(flag: str, *paths: Path) -> None:
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr is not supported here: {done.stderr.strip()}")


@contextmanager
def open_folder() -> Iterator[Path]:
    """A folder outside pytest's private one, which another user account can reach."""
    folder = Path(tempfile.mkdtemp(prefix="wardaudit-disk-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-R", "-i", str(folder)], capture_output=True)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def wardaudit_as(
    uid: int | None, args: Sequence[str | bytes], home: Path
) -> subprocess.CompletedProcess[str]:
    """Run the command line, as another user account when ``uid`` is given."""
    command: list[str | bytes] = [sys.executable, "-m", "wardaudit", *args]
    if uid is not None:
        command = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", *command]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=home)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
