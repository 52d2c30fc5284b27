"""Run every benchmark, print the table and write benchmarks/results.json.

python -m benchmarks            the full run
python -m benchmarks --quick    fewer samples, same figures
python -m benchmarks --only NAME[,NAME]   just those groups (core, board, desktop, exports, bundle, incidents, scale, trustdb)

The scale group (a photo-heavy trust of 60 wards × 12 months, built once into .cache) takes
a quarter of an hour and several GB of disk: --quick leaves it out unless --only asks for it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness import NOTES, Result, table, write_json

HERE = Path(__file__).resolve().parent


def groups() -> dict[str, Callable[[Path, Path, bool], list[Result]]]:
    from benchmarks import core

    found: dict[str, Callable[[Path, Path, bool], list[Result]]] = {
        "core": lambda work, cache, quick: [
            *core.answer_save(work, quick),
            *core.score_and_open_50k(work, cache, quick),
        ],
    }
    for name in ("board", "desktop", "exports", "bundle", "incidents", "scale", "trustdb"):
        module_path = HERE / f"{name}.py"
        if module_path.exists():
            module = __import__(f"benchmarks.{name}", fromlist=["run"])
            found[name] = module.run
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="comma-separated groups")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    cache = HERE / ".cache"
    cache.mkdir(exist_ok=True)
    wanted = set(args.only.split(",")) if args.only else None
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="wardaudit-bench-", dir=cache) as tmp:
        for name, run in groups().items():
            if wanted and name not in wanted:
                continue
            if name == "scale" and args.quick and not wanted:
                NOTES.append(
                    "scale: left out by --quick (it builds a 1.5 GB trust and runs for minutes);"
                    " run python -m benchmarks --only scale"
                )
                continue
            print(f"running {name} ...", file=sys.stderr, flush=True)
            work = Path(tmp) / name
            work.mkdir()
            results.extend(run(work, cache, args.quick))
    print(table(results))
    write_json(results, HERE / "results.json")
    sys.stdout.flush()
    sys.stderr.flush()
    # Qt objects made by the desktop figures can crash the interpreter's final clean-up;
    # every result is written by now, so leave without it.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
