"""Start-up of the desktop bundle against a run from source, measured side by side.

``bundle_startup_ratio``: median seconds from launching the bundled program to a usable
main window, over the median for the same from source, both in this run. "Usable" means
the main window is shown and its ward list has loaded (the demo trust's twelve wards):
the launcher's ``WARDAUDIT_EXIT_WHEN_READY=1`` prints a line from inside the app's event
loop at that moment, and the clock stops when the line arrives. The source run is
``python installer/launcher.py``, which is ``python -m wardaudit`` with that signal; the
bundle runs the same launcher frozen. Runs alternate, after one unmeasured run of each,
so both see the same warm disk cache. Measured only when ``dist/wardaudit`` has been built
(``python installer/build.py``); otherwise this group reports nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Result

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "wardaudit"
LAUNCHER = ROOT / "installer" / "launcher.py"
READY_LINE = "WardAudit ready after"
TIMEOUT_SECONDS = 120


def bundled_program() -> Path:
    if os.name == "nt":
        # The windowed wardaudit.exe has no stdout to report on; its console twin has.
        return BUNDLE / "wardaudit-cli.exe"
    return BUNDLE / "wardaudit"


def _environment(home: Path) -> dict[str, str]:
    """The same environment for both runs, away from the real user's folders."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "WARDAUDIT_DB", "WARDAUDIT_CHECKLISTS")
    }
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    if os.name == "nt":
        env["LOCALAPPDATA"] = str(home / "localappdata")
        env["APPDATA"] = str(home / "appdata")
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["WARDAUDIT_EXIT_WHEN_READY"] = "1"
    return env


def _time_to_ready(command: list[str], env: dict[str, str]) -> float:
    """Seconds from launch to the ready line; the process is then left to close normally."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None
    ready: float | None = None
    for line in process.stdout:
        if line.startswith(READY_LINE):
            ready = time.perf_counter() - started
            break
    process.stdout.close()
    status = process.wait(timeout=TIMEOUT_SECONDS)
    if ready is None or status != 0:
        raise RuntimeError(f"{command[0]} did not report a usable window (exit status {status})")
    return ready


def run(workdir: Path, cache: Path, quick: bool) -> list[Result]:
    program = bundled_program()
    if not program.is_file():
        print(
            f"bundle: {program} not built; skipping (build it with: python installer/build.py)",
            file=sys.stderr,
        )
        return []
    home = workdir / "home"
    home.mkdir()
    env = _environment(home)
    database = workdir / "startup.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "wardaudit", "--db", str(database), "demo"],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    bundled = [str(program), "--db", str(database)]
    source = [sys.executable, str(LAUNCHER), "--db", str(database)]
    _time_to_ready(bundled, env)  # unmeasured: warm the disk cache for both
    _time_to_ready(source, env)
    rounds = 3 if quick else 7
    bundle_times: list[float] = []
    source_times: list[float] = []
    for _ in range(rounds):
        bundle_times.append(_time_to_ready(bundled, env))
        source_times.append(_time_to_ready(source, env))
    bundle_median = statistics.median(bundle_times)
    source_median = statistics.median(source_times)
    print(
        f"bundle: start-up to a usable window, median of {rounds}: "
        f"bundle {bundle_median:.3f} s, source {source_median:.3f} s",
        file=sys.stderr,
    )
    return [
        Result("bundle_startup_ratio", bundle_median / source_median, "ratio", 1.5, source_median)
    ]
