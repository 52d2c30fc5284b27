"""Photos on the trust database: in their records, checked when read, gone with their record."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PgDatabase
from tests.core.store.test_photos import add, item_of, picture
from wardaudit.checklist import Checklist
from wardaudit.cli import main
from wardaudit.errors import PhotoUnreadable, StoreError
from wardaudit.store import Store
from wardaudit.store.copy import copy_to_server

pytestmark = pytest.mark.postgresql


@pytest.fixture
def board(pg_database: PgDatabase, checklist: Checklist) -> Iterator[tuple[Store, str]]:
    opened = Store.open(pg_database.target())
    opened.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
    audit = opened.audits.start("Juniper Ward", checklist, by="A matron")
    yield opened, audit.id
    opened.close(backup=False)


def _stored(pg_database: PgDatabase, photo_id: str) -> tuple[bytes, str, int]:
    with pg_database.admin() as admin:
        row = admin.execute(
            "SELECT data, sha256, size FROM wardaudit.photos WHERE uuid = %s", (photo_id,)
        ).fetchone()
    return bytes(row[0]), row[1], row[2]


def test_a_photo_is_kept_in_its_record_with_its_digest_and_no_folder_is_made(
    board: tuple[Store, str], checklist: Checklist, pg_database: PgDatabase, tmp_path: Path
) -> None:
    store, audit_id = board
    data = picture(1, 200_000)
    photo_id = add(store, audit_id, item_of(checklist), data)
    assert _stored(pg_database, photo_id) == (data, hashlib.sha256(data).hexdigest(), len(data))
    assert store.photos.data(photo_id) == data
    assert b"".join(store.photos.chunks(photo_id)) == data
    assert store.photos.check().problems == ()
    with pytest.raises(StoreError, match="keeps its photos inside it"):
        _ = store.photo_folder


def test_a_damaged_photo_on_the_server_is_reported_never_shown_wrong(
    board: tuple[Store, str], checklist: Checklist, pg_database: PgDatabase
) -> None:
    store, audit_id = board
    damaged = add(store, audit_id, item_of(checklist), picture(3), "door.jpg")
    intact = add(store, audit_id, item_of(checklist, 1), picture(4), "corridor.jpg")
    data = bytearray(picture(3))
    data[100] ^= 0x01  # one bit flipped in the server's copy
    with pg_database.admin() as admin:
        admin.execute(
            "UPDATE wardaudit.photos SET data = %s WHERE uuid = %s", (bytes(data), damaged)
        )
    with pytest.raises(PhotoUnreadable) as refused:
        store.photos.data(damaged)
    assert refused.value.problem == "damaged" and "the trust database" in str(refused.value)
    with pytest.raises(PhotoUnreadable):
        b"".join(store.photos.chunks(damaged))
    assert store.photos.data(intact) == picture(4)
    report = store.photos.check(repair=True)
    assert [(p.filename, p.problem, p.in_backups) for p in report.problems] == [
        ("door.jpg", "damaged", False)
    ]
    assert report.repaired == ()


def test_removing_a_photo_takes_its_bytes_and_a_failed_change_keeps_none(
    board: tuple[Store, str], checklist: Checklist, pg_database: PgDatabase, monkeypatch
) -> None:
    store, audit_id = board
    first = add(store, audit_id, item_of(checklist), picture(5))
    twin = add(store, audit_id, item_of(checklist, 1), picture(5))
    store.photos.remove(first)
    assert store.photos.data(twin) == picture(5), "the same picture in another record stays"
    assert store.photos.sweep() == 0

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the connection went away")

    monkeypatch.setattr("wardaudit.store.photos.append_event", broken)
    with pytest.raises(RuntimeError):
        add(store, audit_id, item_of(checklist), picture(9))
    with pg_database.admin() as admin:
        assert admin.execute("SELECT count(*) FROM wardaudit.photos").fetchone()[0] == 1


def test_a_file_copied_up_takes_its_photos_into_their_records(
    db_path: Path, checklist: Checklist, pg_database: PgDatabase
) -> None:
    with Store.open(db_path) as file:
        file.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
        audit_id = file.audits.start("Juniper Ward", checklist).id
        photo_id = add(file, audit_id, item_of(checklist), picture(6, 50_000))
        expected = file.records.fingerprint()
    assert main(["trustdb", "copy", str(db_path), pg_database.target("t_admin")]) == 0
    with Store.open(pg_database.target()) as board:
        assert board.records.fingerprint() == expected
        assert board.photos.data(photo_id) == picture(6, 50_000)


def test_a_copy_refuses_a_file_whose_photo_is_damaged(
    db_path: Path, checklist: Checklist, pg_database: PgDatabase
) -> None:
    with Store.open(db_path) as file:
        file.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
        audit_id = file.audits.start("Juniper Ward", checklist).id
        photo_id = add(file, audit_id, item_of(checklist), picture(7))
        sha256, _ = file.photos.digest(photo_id)
        (file.photo_folder / sha256[:2] / sha256).write_bytes(b"scrambled")
    with pytest.raises(StoreError, match="is damaged in the photo folder"):
        copy_to_server(db_path, pg_database.target("t_admin"))
    with Store.open(pg_database.target()) as board:
        assert board.is_empty(), "nothing was copied"
