"""The limits' interface as a reader streaming photos into a store calls it, member by
member: each check works on its own, from a file as well as from bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.core.exchange.bundles import jpeg, png
from wardaudit.errors import BundleRefused
from wardaudit.exchange.limits import (
    Limits,
    check_member_count,
    check_members,
    check_photo,
    member_name_problem,
    stream_member,
)
from wardaudit.exchange.schema import check_manifest, check_records, parse_json


def test_a_photo_is_checked_from_a_file_as_from_bytes(tmp_path: Path) -> None:
    path = tmp_path / "photo"
    path.write_bytes(jpeg(30, 20))
    with path.open("rb") as handle:
        check_photo("x.wabundle", "p", handle, media_type="image/jpeg", width=30, height=20)
        with pytest.raises(BundleRefused, match="more pixels than the 500 WardAudit accepts"):
            check_photo(
                "x.wabundle",
                "p",
                handle,
                media_type="image/jpeg",
                width=30,
                height=20,
                limits=Limits(max_photo_pixels=500),
            )
    check_photo("x.wabundle", "p", png(3, 2), media_type="image/png", width=3, height=2)
    with pytest.raises(BundleRefused, match="type WardAudit does not keep"):
        check_photo("x.wabundle", "p", png(3, 2), media_type="image/gif", width=3, height=2)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("manifest.json", None),
        ("photos/0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", None),
        ("photos/0B1E2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D", "never writes"),
        ("photos/", "never writes"),
        ("word/document.xml", "never writes"),
        ("../../etc/passwd", "points outside"),
        ("D:\\records.json", "points outside"),
        ("photos/./x", "points outside"),
        ("records.json\x00", "control characters"),
    ],
)
def test_member_names(name: str, problem: str | None) -> None:
    found = member_name_problem(name)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_each_member_is_checked_from_the_directory_and_streamed(
    tmp_path: Path, laptop_file: Path
) -> None:
    """What a streaming reader does, step by step, with the file the laptop wrote."""
    with laptop_file.open("rb") as handle:
        check_member_count("laptop.wabundle", handle)
        with zipfile.ZipFile(handle) as archive:
            check_members("laptop.wabundle", archive.infolist())
            manifest = check_manifest(
                "laptop.wabundle",
                parse_json("laptop.wabundle", "manifest.json", archive.read("manifest.json")),
            )
            records = parse_json("l", "records.json", archive.read("records.json"))
            checked = check_records("laptop.wabundle", records, manifest)
            photos = [i for i in archive.infolist() if i.filename.startswith("photos/")]
            assert len(photos) == len(checked.photos) == 2
            for info in photos:
                kept = io.BytesIO()
                digest = stream_member("laptop.wabundle", archive, info, kept.write)
                photo = info.filename.removeprefix("photos/")
                found = checked.expect_photo("laptop.wabundle", photo, digest)
                check_photo(
                    "laptop.wabundle",
                    photo,
                    kept,
                    media_type=found.media_type,
                    width=found.width,
                    height=found.height,
                )
                with pytest.raises(BundleRefused, match="not the picture its record describes"):
                    checked.expect_photo("laptop.wabundle", photo, "0" * 64)
