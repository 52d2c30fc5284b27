"""``wardaudit trustdb copy``: a board's database file moved up to the trust database.

All of it, in one transaction, keeping every row's number (so the history keeps its
order), into a trust database that is set up and still empty. Before committing, the
fingerprint of everything that travels (the exchange files' fingerprint) is worked out on
both sides and must be equal, with every table's row count; otherwise nothing is kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wardaudit.errors import InvalidInput, StoreError
from wardaudit.store import trustdb
from wardaudit.store.database import Database
from wardaudit.store.migrations import SCHEMA_VERSION
from wardaudit.store.photo_files import PhotoFileError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]  # table: rows copied
    fingerprint: str  # the same on both sides


def _tables(source: Database) -> list[str]:
    """The file's tables in the order they were made, which the foreign keys follow."""
    return [
        str(r[0])
        for r in source.query(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY rowid"
        )
    ]


def _columns(source: Database, table: str) -> list[str]:
    return [str(r[1]) for r in source.query(f"PRAGMA table_info({table})")]


def copy_to_server(path: Path | str, target: str) -> CopyReport:
    """Copy the database file at ``path`` into the empty trust database at ``target``.

    Run by the database administrator or a member of wardaudit_owner (it keeps row
    numbers, which moves the tables' counters on).
    """
    import psycopg

    from wardaudit.store import Store
    from wardaudit.store.server import WRITER_LOCK, ServerDatabase

    source_db = Database.open(path, readonly=True)
    try:
        expected = Store(source_db).records.fingerprint()
        tables = _tables(source_db)
        raw, warnings = trustdb.connect(target)
        try:
            trustdb.identify(raw, SCHEMA_VERSION, target)
            try:
                raw.execute("SET ROLE wardaudit_owner")
            except psycopg.Error:
                raise StoreError(
                    "copying into the trust database needs the database administrator or a "
                    "member of wardaudit_owner; nothing was copied"
                ) from None
            rows: dict[str, int] = {}
            try:
                with raw.transaction():
                    # as every writer: ids are taken only under the one writer lock
                    raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
                    for table in tables:
                        held = raw.execute(f"SELECT count(*) FROM {table}").fetchone()
                        if held and held[0] and table != "settings":
                            raise InvalidInput(
                                f"the trust database already holds data ({table}): copy "
                                "only into a database just set up with 'trustdb init'. "
                                "To add a file's audits to it, export an exchange file "
                                "from it and import that instead. Nothing was copied."
                            )
                    raw.execute("DELETE FROM settings")
                    for table in tables:
                        rows[table] = _copy_table(source_db, raw, table)
                    board = Store(ServerDatabase(target, raw, warnings))
                    copied = board.records.fingerprint()
                    for table, count in rows.items():
                        found = raw.execute(f"SELECT count(*) FROM {table}").fetchone()
                        if not found or int(found[0]) != count:
                            raise StoreError(f"the copy of {table} is not complete; nothing kept")
                    if copied != expected:
                        raise StoreError(
                            "what arrived differs from the file (fingerprints "
                            f"{expected[:12]} and {copied[:12]}); nothing was copied"
                        )
                raw.execute("ANALYZE")  # the planner learns the tables' new sizes at once
            except psycopg.errors.UniqueViolation as error:
                raise InvalidInput(
                    "two names in the file are the same to the trust database, which ignores "
                    "case in every alphabet (the file only in A to Z): "
                    f"{error.diag.message_detail or error}. Rename one in the file, then copy "
                    "again; nothing was copied."
                ) from None
            except psycopg.Error as error:
                raise trustdb.store_error(error, target) from None
        finally:
            raw.close()
    finally:
        source_db.close(backup=False)
    log.info("copied %s to %s: %s", path, trustdb.redacted(target), rows)
    return CopyReport(rows=rows, fingerprint=expected)


def _copy_table(source: Database, raw: Any, table: str) -> int:
    columns = _columns(source, table)
    names = ", ".join(columns)
    # A file's photos are in its photo folder; on the server they go into their records.
    photo_bytes = table == "photos" and "data" not in columns
    into = f"{names}, data" if photo_bytes else names
    sha_at = columns.index("sha256") if photo_bytes else -1
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({into}) FROM STDIN") as copy:
        order = " ORDER BY id" if "id" in columns else ""
        for row in source.conn.execute(f"SELECT {names} FROM {table}{order}"):
            copy.write_row((*row, _photo_bytes(source, row[sha_at])) if photo_bytes else row)
            count += 1
    if "id" in columns:
        raw.execute(
            f"SELECT setval(pg_get_serial_sequence('wardaudit.{table}', 'id'),"
            f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )
    return count


def _photo_bytes(source: Database, sha256: str) -> bytes:
    """A photo of the file, checked against its digest: a missing or damaged one stops the
    copy (nothing kept), since the trust database would otherwise hold it wrong."""
    try:
        return source.photo_files.read(sha256)
    except PhotoFileError as error:
        state = "is missing from" if error.state == "missing" else "is damaged in"
        raise StoreError(
            f"a photo ({sha256[:12]}…) {state} {source.photo_files.where}; nothing was "
            "copied. Run 'wardaudit check --photos --repair' on the file, then copy again."
        ) from None
