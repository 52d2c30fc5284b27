"""Databases as older WardAudits left them, for the tests of the migration ladder."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

from wardaudit.checklist import Checklist
from wardaudit.paths import photo_dir
from wardaudit.store import Store, backups
from wardaudit.store.migrations import MIGRATIONS
from wardaudit.store.photos import NewPhoto


def picture(n: int, size: int = 40_000) -> bytes:
    seed = hashlib.sha256(f"photo {n}".encode()).digest()
    return b"\xff\xd8" + (seed * (size // len(seed) + 1))[:size]


DRAFT_NOTE = "Door wedged again, estates told"


def build_v4_with_photos(path: Path, checklist: Checklist, photos: int = 12) -> dict[str, bytes]:
    """A database as schema 4 left it: photo bytes in BLOBs, in a signed-off audit (whose
    record names their digests) and in one still in progress. Returns photo id → bytes."""
    return build_with_photos_inside(path, checklist, photos, version=4)


def build_v5_with_photos(path: Path, checklist: Checklist, photos: int = 12) -> dict[str, bytes]:
    """The same as schema 5 left it (drafts and finding links, photos still in BLOBs), with
    a draft note on the audit in progress."""
    return build_with_photos_inside(path, checklist, photos, version=5)


def build_with_photos_inside(
    path: Path, checklist: Checklist, photos: int, *, version: int
) -> dict[str, bytes]:
    items = [i.id for i in checklist.applicable_items("mixed")]
    with Store.open(path) as store:
        store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
        answers = dict.fromkeys(items, ("yes", "", ""))
        answers[items[0]] = ("no", "Door propped open", "Zone door")
        store.audits.import_completed(
            "Juniper Ward",
            checklist,
            answers=answers,  # type: ignore[arg-type]
            started_at="2026-10-01T09:00:00+01:00",
            completed_at="2026-10-01T10:00:00+01:00",
            by="A matron",
            role="Matron",
            photos=[
                NewPhoto(items[0], picture(n), f"p{n}.jpg", 1600, 1200) for n in range(photos // 2)
            ],
        )
        open_audit = store.audits.start("Juniper Ward", checklist).id
        for n in range(photos // 2, photos):
            store.photos.add(
                open_audit,
                items[n % 5],
                picture(n),
                filename=f"p{n}.jpg",
                media_type="image/jpeg",
                width=1600,
                height=1200,
            )
        store.audits.save_draft(open_audit, items[1], "note", DRAFT_NOTE)
    downgrade(path, version)
    conn = sqlite3.connect(path)
    try:
        return {r[0]: bytes(r[1]) for r in conn.execute("SELECT uuid, data FROM photos")}
    finally:
        conn.close()


def tables_added_after(version: int) -> list[str]:
    """The tables the steps after ``version`` create, newest first."""
    return [
        found.group(1)
        for step in reversed(MIGRATIONS[version:])
        for statement in reversed(step)
        if (found := re.match(r"\s*CREATE TABLE (\w+)", statement))
    ]


def downgrade(path: Path, version: int) -> None:
    """Put the photos back inside the file, exactly in schema 4's or 5's form (5 added only
    drafts and finding links; the actions' version came after both), drop the tables of later
    steps, and remove the photo folder and backups: the file is then what an older WardAudit
    wrote."""
    assert version in (4, 5)
    folder = photo_dir(path)
    conn = sqlite3.connect(path, isolation_level=None)
    rows = conn.execute(
        "SELECT id, uuid, audit_id, item_id, filename, media_type, width, height, added_at,"
        " sha256 FROM photos"
    ).fetchall()
    conn.execute("BEGIN")
    for table in tables_added_after(6):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP INDEX photos_by_sha256")
    conn.execute("DROP INDEX photos_by_audit")
    conn.execute("DROP TABLE photos")
    for statement in MIGRATIONS[1][1:]:
        conn.execute(statement)
    for *fields, sha256 in rows:
        data = (folder / sha256[:2] / sha256).read_bytes()
        conn.execute(
            "INSERT INTO photos(id, uuid, audit_id, item_id, filename, media_type, width, height,"
            " added_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*fields, data),
        )
    conn.execute("ALTER TABLE actions DROP COLUMN row_version")  # step 8's
    if version == 4:
        conn.execute("DROP TABLE drafts")
        conn.execute("DROP TABLE finding_links")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.rmtree(folder)
    shutil.rmtree(backups.backup_dir(path), ignore_errors=True)
