"""The demo trust with photos: as many and as heavy as real audits carry, and a larger trust
of the same kind; a killed demo leaves no photo that no record refers to."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from wardaudit.checklist import ChecklistLibrary
from wardaudit.demo import build_demo_trust, demo_wards
from wardaudit.demo_photos import photo_like_jpeg
from wardaudit.errors import InvalidInput
from wardaudit.paths import photo_dir
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_photo_like_pictures_weigh_what_a_ward_photo_weighs() -> None:
    sizes = []
    for seed in range(12):
        picture = photo_like_jpeg(seed)
        with Image.open(io.BytesIO(picture.data)) as image:
            assert image.format == "JPEG"
            assert max(image.size) == 1600 and min(image.size) == 1200
            assert image.size == (picture.width, picture.height)
        sizes.append(len(picture.data))
    assert all(150_000 <= size <= 400_000 for size in sizes), sizes
    assert len({photo_like_jpeg(s).data for s in range(6)}) == 6, "no two alike"


def test_demo_with_photos_puts_six_to_ten_on_each_audit_with_findings(
    tmp_path: Path, library: ChecklistLibrary
) -> None:
    path = tmp_path / "demo.sqlite3"
    with Store.open(path) as store:
        summary = build_demo_trust(store, library, wards=3, months=2, photos=True)
        completed = store.audits.list(status="completed")
        assert len(completed) == 6 and "photos (" in summary
        for audit in completed:
            record = store.audits.get(audit.id)
            findings = {a.item for a in record.actions}
            if findings:
                assert 6 <= len(record.photos) <= 10
                assert {p.item for p in record.photos} <= findings
            else:
                assert record.photos == ()
        report = store.photos.check()
        assert report.problems == () and report.checked > 0
        assert 150_000 * report.checked <= report.bytes_checked <= 400_000 * report.checked


def test_the_demo_is_the_same_trust_with_or_without_photos(
    tmp_path: Path, library: ChecklistLibrary
) -> None:
    def scores(photos: bool) -> list[tuple[str, float | None]]:
        with Store.open(tmp_path / f"demo-{photos}.sqlite3") as store:
            build_demo_trust(store, library, wards=2, months=3, photos=photos)
            return [(a.ward_name, a.overall) for a in store.audits.list()]

    assert scores(True) == scores(False)


def test_a_larger_trust_of_the_same_kind() -> None:
    wards = demo_wards(60)
    assert len(wards) == 60 and len({w.name for w in wards}) == 60
    assert len({w.site for w in wards}) == 3 + 4, "the three sites, then four more of twelve"
    assert wards[:12] == demo_wards(12)
    assert {w.sex for w in wards[12:]} == {"male", "female", "mixed"}
    with pytest.raises(InvalidInput):
        demo_wards(0)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_photos_of_a_killed_demo_are_swept_never_left_unreferenced(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    Store.open(path).close()  # an empty database: the demo is built in it, photos beside it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    demo = subprocess.Popen(
        [sys.executable, "-m", "wardaudit", "--db", str(path), "demo", "--photos", "--wards", "3"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(photo_dir(path).glob("??/*"))) < 20:
        time.sleep(0.05)
    demo.send_signal(signal.SIGKILL)
    demo.wait()
    assert len(list(photo_dir(path).glob("??/*"))) >= 20, "the demo was killed while writing"
    with Store.open(path) as store:  # the next clean close sweeps what the kill left
        store.settings.get("anything")
    with Store.open(path, readonly=True) as store:
        assert store.audits.list() == [], "the demo is all or nothing"
        referenced = {
            store.photos.digest(p.id)[0]
            for a in store.audits.list()
            for p in store.audits.get(a.id).photos
        }
        on_disk = {f.name for f in photo_dir(path).glob("??/*")}
        assert on_disk == referenced, "every photo file is one a record refers to"
        assert store.photos.check().problems == ()


def test_a_demo_that_fails_part_way_keeps_no_photo(
    tmp_path: Path, library: ChecklistLibrary
) -> None:
    from wardaudit.demo import create_demo

    path = tmp_path / "failed.sqlite3"
    Store.open(path).close()

    def build_then_fail(store: Store) -> str:
        build_demo_trust(store, library, wards=2, months=1, photos=True)
        assert list(photo_dir(path).glob("??/*")), "photos were written"
        raise RuntimeError("the builder broke")

    with pytest.raises(RuntimeError):
        create_demo(path, build_then_fail)
    assert not list(photo_dir(path).glob("??/*")), "none outlives the records undone"
    with Store.open(path, readonly=True) as store:
        assert store.audits.list() == []
