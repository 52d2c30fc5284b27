"""``python -m ui [--db PATH]``: open the desktop app straight from a source checkout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ui.app import run_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui", description="Open WardAudit.")
    parser.add_argument("--db", type=Path, help="the database to open (default: your data folder)")
    args = parser.parse_args(argv)
    return run_app(db_path=args.db)


if __name__ == "__main__":
    sys.exit(main())
