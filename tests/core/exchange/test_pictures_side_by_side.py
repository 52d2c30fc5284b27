"""Photos checked side by side while the archive streams on: a file with bad photos is
refused in the words of its first bad photo in file order, whatever finishes first, and
nothing of it is kept."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zipfile
from pathlib import Path

import pytest

from tests.core.exchange.bundles import canonical, jpeg, members, write_signed
from tests.core.exchange.test_streaming import signed_off_audit
from wardaudit.checklist import Checklist
from wardaudit.errors import BundleRefused
from wardaudit.exchange import export_bundle, import_bundle, limits, pictures
from wardaudit.store import Store

PHOTOS = 8


@pytest.fixture
def laptop_file(tmp_path: Path, checklist: Checklist) -> Path:
    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        signed_off_audit(laptop, checklist, "Juniper Ward", PHOTOS, side=64)
        export_bundle(laptop, tmp_path / "in.wabundle")
    return tmp_path / "in.wabundle"


def photo_members(path: Path) -> list[str]:
    """The file's photos, in file order."""
    return [name for name in json.loads(members(path)["manifest.json"])["files"] if "/" in name]


def with_photos_replaced(good: Path, replaced: dict[int, bytes]) -> Path:
    """The file with its n-th photos (in file order, from 0) replaced, their records'
    digests and the manifest made to match, so that only the picture is bad."""
    files = members(good)
    records = json.loads(files["records.json"])
    entry = records["audits"][0]
    content = json.loads(entry["content"])
    names = photo_members(good)
    for n, data in replaced.items():
        files[names[n]] = data
        photo = next(p for p in content["photos"] if f"photos/{p['photo']}" == names[n])
        photo["sha256"] = hashlib.sha256(data).hexdigest()
    entry["content"] = canonical(content).decode()
    entry["digest"] = hashlib.sha256(entry["content"].encode()).hexdigest()
    files["records.json"] = canonical(records)
    return write_signed(good.with_name("bad.wabundle"), files)


def nothing_kept(board: Store, before: str) -> None:
    assert board.records.fingerprint() == before
    assert board.audits.list() == []
    assert board.photos.count() == 0
    left = [
        p for p in board.photo_folder.rglob("*") if p.is_file() and not p.name.startswith(".open-")
    ]
    assert left == [], "no photo file of a refused file stays, to be counted as anyone's"
    assert board.photos.sweep() == 0


def refusal(board: Store, path: Path) -> str:
    with pytest.raises(BundleRefused) as caught:
        import_bundle(board, path)
    return str(caught.value)


def test_the_first_bad_photo_in_file_order_is_the_one_the_refusal_names(
    board: Store, laptop_file: Path
) -> None:
    names = photo_members(laptop_file)
    before = board.records.fingerprint()
    cut_short = jpeg(64, 64)[:-40]
    wrong_size = jpeg(12, 9)
    path = with_photos_replaced(laptop_file, {1: cut_short, 4: wrong_size})
    message = refusal(board, path)
    assert names[1].removeprefix("photos/") in message
    assert "not a readable JPEG" in message
    assert names[4].removeprefix("photos/") not in message
    nothing_kept(board, before)
    # Swapped round, the other photo is first and its own words are the refusal.
    path = with_photos_replaced(laptop_file, {1: wrong_size, 4: cut_short})
    message = refusal(board, path)
    assert names[1].removeprefix("photos/") in message
    assert "12 × 9 pixels, but its record says 64 × 64" in message
    nothing_kept(board, before)
    assert import_bundle(board, laptop_file).new_photos == PHOTOS


def test_an_earlier_bad_picture_comes_before_a_later_photo_that_does_not_match_its_digest(
    board: Store, laptop_file: Path
) -> None:
    names = photo_members(laptop_file)
    path = with_photos_replaced(laptop_file, {1: jpeg(64, 64)[:-40]})
    files = members(path)
    files[names[4]] = b"altered after the file was signed"  # its digest no longer matches
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    before = board.records.fingerprint()
    message = refusal(board, path)
    assert names[1].removeprefix("photos/") in message
    assert "not a readable JPEG" in message
    nothing_kept(board, before)
    # The altered photo alone: its own refusal.
    files = members(laptop_file)
    files[names[4]] = b"altered after the file was signed"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert f"{names[4]} does not match its digest" in refusal(board, path)
    nothing_kept(board, before)


def test_a_slow_check_of_an_early_photo_still_decides_the_refusal(
    board: Store, laptop_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 2nd photo's check finishes long after the 5th's: the 2nd is still the one named."""
    names = photo_members(laptop_file)
    second = names[1].removeprefix("photos/")
    real = limits.check_photo
    fifth_checked = threading.Event()

    def check_photo(file: str, photo: str, *args: object, **kwargs: object) -> None:
        if photo == second:
            fifth_checked.wait(timeout=10)  # the 5th is refused first
        try:
            real(file, photo, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            if photo == names[4].removeprefix("photos/"):
                fifth_checked.set()

    monkeypatch.setattr("wardaudit.exchange.check.check_photo", check_photo)
    before = board.records.fingerprint()
    path = with_photos_replaced(laptop_file, {1: jpeg(64, 64)[:-40], 4: jpeg(12, 9)})
    message = refusal(board, path)
    assert fifth_checked.is_set(), "the 5th photo was checked while the 2nd was"
    assert second in message and "not a readable JPEG" in message
    nothing_kept(board, before)


def test_photos_are_checked_side_by_side(
    board: Store, laptop_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = limits.check_photo
    lock = threading.Lock()
    running = [0, 0]  # now, most at once

    def check_photo(*args: object, **kwargs: object) -> None:
        with lock:
            running[0] += 1
            running[1] = max(running)
        time.sleep(0.05)  # a decode long enough for the next photos to start beside it
        try:
            real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr("wardaudit.exchange.check.check_photo", check_photo)
    assert import_bundle(board, laptop_file).new_photos == PHOTOS
    assert 1 < running[1] <= pictures.PHOTO_THREADS
    assert board.photos.check().problems == ()
