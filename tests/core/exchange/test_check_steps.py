"""The checks of an exchange file as a reader that streams calls them: one BundleCheck per
file, step by step, with each photo streamed into a file of its own (as into the photo
store), and the records fed one at a time. Each step refuses what it guards on its own,
and the steps together accept exactly what ``read_bundle`` accepts."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.core.exchange.bundles import jpeg, members, resign_records, write_signed
from wardaudit.errors import BundleInvalid, BundleRefused
from wardaudit.exchange import read_bundle
from wardaudit.exchange.check import BundleCheck
from wardaudit.exchange.limits import Limits, read_member, stream_member
from wardaudit.exchange.schema import RecordsCheck, check_records


def stream(path: Path, folder: Path, limits: Limits | None = None) -> BundleCheck:
    """Read ``path`` as a streaming reader would: records first, then each photo into a
    file of its own, checked from that file. Returns the finished check."""
    check = BundleCheck(path.name, limits or Limits())
    with path.open("rb") as handle:
        check.archive(handle)
        with zipfile.ZipFile(handle) as archive:
            check.directory(archive.infolist())
            data, _ = read_member(path.name, archive, archive.getinfo("manifest.json"))
            check.manifest(data)
            data, digest = read_member(path.name, archive, archive.getinfo("records.json"))
            check.member("records.json", digest)
            check.records(data)
            for member in check.members():
                if member == "records.json":
                    continue
                kept = folder / member.replace("/", "-")
                with kept.open("w+b") as sink:
                    digest = stream_member(path.name, archive, archive.getinfo(member), sink.write)
                    check.member(member, digest)
                    check.photo(member, sink)
    check.finish()
    return check


def test_streaming_step_by_step_accepts_the_file_read_bundle_accepts(
    laptop_file: Path, tmp_path: Path
) -> None:
    checked = stream(laptop_file, tmp_path).finish()
    whole = read_bundle(laptop_file).checked
    assert [a.digest for a in checked.audits] == [a.digest for a in whole.audits]
    assert checked.photos == whole.photos and len(checked.photos) == 2
    assert set(checked.checklists) == set(whole.checklists)


def _photo_member(path: Path) -> str:
    return next(name for name in members(path) if name.startswith("photos/"))


def test_a_streamed_photo_that_is_not_its_records_picture_is_refused(
    good: Path, tmp_path: Path
) -> None:
    files = members(good)
    files[_photo_member(good)] = jpeg(12, 8)  # re-signed: its digest is the manifest's
    swapped = write_signed(tmp_path / "swapped.wabundle", files)
    with pytest.raises(BundleInvalid, match="not the picture its record describes"):
        stream(swapped, tmp_path)


def test_a_streamed_photo_past_the_pixel_limit_is_refused_from_its_file(
    good: Path, tmp_path: Path
) -> None:
    with pytest.raises(BundleRefused, match="more pixels than the 50 WardAudit accepts"):
        stream(good, tmp_path, Limits(max_photo_pixels=50))


def test_a_member_whose_digest_is_not_the_manifests_is_refused(good: Path) -> None:
    check = BundleCheck("good.wabundle")
    with zipfile.ZipFile(good) as archive:
        check.directory(archive.infolist())
        check.manifest(archive.read("manifest.json"))
    with pytest.raises(BundleRefused, match=r"altered or damaged \(records.json"):
        check.member("records.json", "0" * 64)


def test_a_photo_the_records_name_that_never_arrives_is_refused(good: Path, tmp_path: Path) -> None:
    files = members(good)
    del files[_photo_member(good)]
    short = write_signed(tmp_path / "short.wabundle", files)
    with pytest.raises(BundleRefused, match="is missing photos of audit"):
        stream(short, tmp_path)


def test_a_member_the_manifest_does_not_list_is_refused_with_the_manifest(
    good: Path, tmp_path: Path
) -> None:
    files = members(good)
    extra = tmp_path / "extra.wabundle"
    write_signed(extra, files)
    with zipfile.ZipFile(extra, "a") as archive:
        archive.writestr("photos/0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", jpeg())
    check = BundleCheck(extra.name)
    with zipfile.ZipFile(extra) as archive:
        check.directory(archive.infolist())
        with pytest.raises(BundleRefused, match="files its manifest does not list"):
            check.manifest(archive.read("manifest.json"))


def test_steps_taken_out_of_order_are_the_readers_mistake(laptop_file: Path) -> None:
    check = BundleCheck(laptop_file.name)
    with zipfile.ZipFile(laptop_file) as archive:
        check.directory(archive.infolist())
        check.manifest(archive.read("manifest.json"))
        records = archive.read("records.json")
        photo = _photo_member(laptop_file)
    with pytest.raises(ValueError, match="digest"):
        check.records(records)  # before its digest was matched
    with pytest.raises(ValueError, match="after the records"):
        check.photo(photo, b"")
    with pytest.raises(ValueError, match="not been checked"):
        check.finish()


def _records(path: Path) -> dict[str, Any]:
    return json.loads(members(path)["records.json"])


def test_records_fed_one_at_a_time_are_checked_as_the_whole_file_is(laptop_file: Path) -> None:
    records = _records(laptop_file)
    manifest = json.loads(members(laptop_file)["manifest.json"])
    check = RecordsCheck("laptop.wabundle")
    for ward in records["wards"]:
        check.ward(ward)
    for entry in records["checklists"]:
        assert check.checklist(entry).content_hash == entry["content_hash"]
    for entry in records["audits"]:
        assert check.audit(entry).digest == entry["digest"]
    # an action's later change may come before the event that raised it
    for event in reversed(records["events"]):
        check.event(event)
    one_by_one = check.finish(manifest)
    whole = check_records("laptop.wabundle", records, manifest)
    assert [a.digest for a in one_by_one.audits] == [a.digest for a in whole.audits]
    assert one_by_one.photos == whole.photos


def test_a_record_fed_after_those_that_depend_on_it_is_the_readers_mistake(
    laptop_file: Path,
) -> None:
    records = _records(laptop_file)
    check = RecordsCheck("laptop.wabundle")
    for ward in records["wards"]:
        check.ward(ward)
    check.checklist(records["checklists"][0])
    check.audit(records["audits"][0])
    with pytest.raises(ValueError, match="a ward was fed after the audits"):
        check.ward(records["wards"][0])
    check.finish()
    with pytest.raises(ValueError, match="fed after"):
        check.event(records["events"][0])


def test_each_record_fed_alone_names_itself_when_it_is_wrong(laptop_file: Path) -> None:
    records = _records(laptop_file)
    check = RecordsCheck("laptop.wabundle")
    ward = dict(records["wards"][0], beds=-1)
    with pytest.raises(BundleInvalid) as caught:
        check.ward(ward)
    assert (caught.value.kind, caught.value.record, caught.value.field) == (
        "ward",
        ward["ward"],
        "beds",
    )
    check = RecordsCheck("laptop.wabundle")
    for entry in records["wards"]:
        check.ward(entry)
    check.checklist(records["checklists"][0])
    for entry in records["audits"]:
        check.audit(entry)
    event = next(e for e in records["events"] if e["kind"] == "action_status")
    with pytest.raises(BundleInvalid, match=r"action_status.*must be one of"):
        check.event({**event, "detail": {**event["detail"], "status": "finished"}})


def test_a_change_to_an_action_its_audit_lacks_is_refused_at_finish(
    good: Path, tmp_path: Path
) -> None:
    def retarget(records: dict[str, Any]) -> None:
        event = next(e for e in records["events"] if e["kind"] == "action_status")
        event["action"] = "0b1e2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

    path = resign_records(good, tmp_path / "retarget.wabundle", retarget)
    records = _records(path)
    check = RecordsCheck(path.name)
    for kind, feed in (
        ("wards", check.ward),
        ("checklists", check.checklist),
        ("audits", check.audit),
        ("events", check.event),
    ):
        for entry in records[kind]:
            feed(entry)
    with pytest.raises(BundleInvalid, match="names an action its audit does not have"):
        check.finish()
