"""``python -m ui [--db PATH|TARGET]``: open the desktop app straight from a source checkout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ui.app import run_app
from wardaudit.store.trustdb import is_server_target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui", description="Open WardAudit.")
    parser.add_argument(
        "--db",
        help="the database file to open (default: your data folder), or the trust database: "
        "postgresql://HOST/DB?sslmode=verify-full or service=NAME",
    )
    args = parser.parse_args(argv)
    if args.db and is_server_target(args.db):
        return run_app(db_path=args.db)
    return run_app(db_path=Path(args.db) if args.db else None)


if __name__ == "__main__":
    sys.exit(main())
