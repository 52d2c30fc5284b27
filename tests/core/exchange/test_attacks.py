"""Exchange files built the way an attacker would: take a real exported file, change it,
sign the manifest again so every digest matches. Each class of failure is refused whole,
naming the file, the record and the field, with nothing changed here; a malformed
record is never a conflict, so ``skip_conflicts`` never lets it in."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import uuid
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.core.exchange.bundles import (
    audit_ward,
    canonical,
    edit_audit,
    jpeg,
    members,
    png,
    resign_records,
    write_signed,
)
from wardaudit.checklist import Checklist, from_canonical_json
from wardaudit.cli import main
from wardaudit.errors import BundleConflicts, BundleInvalid, BundleRefused, ChecklistVersionClash
from wardaudit.exchange import export_bundle, import_bundle, read_bundle
from wardaudit.exchange.limits import CHUNK, Limits, stream_member
from wardaudit.store import Store
from wardaudit.words import conflict_words

Records = dict[str, Any]


def refused(board: Store, path: Path, *parts: str) -> BundleRefused:
    """Import ``path`` with and without skip_conflicts: refused each time, nothing changed."""
    before = board.records.fingerprint()
    for skip in (False, True):
        with pytest.raises(BundleRefused) as caught:
            import_bundle(board, path, skip_conflicts=skip)
        message = str(caught.value)
        assert path.name in message
        for part in parts:
            assert part in message, (part, message)
    assert board.records.fingerprint() == before
    assert board.audits.list() == []
    return caught.value


def invalid(board: Store, path: Path, kind: str, field: str, *parts: str) -> BundleInvalid:
    error = refused(board, path, *parts)
    assert isinstance(error, BundleInvalid), error
    assert (error.kind, error.field) == (kind, field), (error.kind, error.field, str(error))
    return error


def altered(good: Path, change: Callable[[Records], object]) -> Path:
    return resign_records(good, good.with_name("altered.wabundle"), change)


def audit_change(change: Callable[[dict[str, Any]], object]) -> Callable[[Records], None]:
    return lambda records: edit_audit(records, change)


def first_event(records: Records, kind: str, after: bool | None = None) -> dict[str, Any]:
    return next(
        e
        for e in records["events"]
        if e["kind"] == kind and (after is None or e["after_signoff"] == after)
    )


# --- the records: types, fields, dates, closed sets, ranges, references, lengths -----------


def test_a_good_file_passes(board: Store, good: Path) -> None:
    """The file every attack starts from imports cleanly, so each refusal below is the
    attack's doing."""
    plan = import_bundle(board, good)
    assert (plan.new_audits, plan.conflicts) == (2, [])
    resigned = resign_records(good, good.with_name("same.wabundle"), lambda records: None)
    with Store.open(board.path.with_name("again.sqlite3")) as other:
        assert import_bundle(other, resigned).new_audits == 2


def test_wrong_types_are_refused(board: Store, good: Path) -> None:
    def change(content: dict[str, Any]) -> None:
        content["actions"][0]["likelihood"] = "5"

    error = invalid(
        board, altered(good, audit_change(change)), "audit", "actions[0].likelihood", "whole number"
    )
    assert error.record in str(error) and len(error.record) == 36


def test_missing_fields_are_refused(board: Store, good: Path) -> None:
    invalid(
        board,
        altered(good, audit_change(lambda c: c.pop("signed_by"))),
        "audit",
        "signed_by",
        "is missing",
    )
    invalid(
        board,
        altered(good, lambda r: r["events"][0].pop("after_signoff")),
        "history event",
        "after_signoff",
        "is missing",
    )


def test_unknown_fields_are_refused(board: Store, good: Path) -> None:
    """An extra field in an action event's detail would be replayed onto the action."""

    def change(records: Records) -> None:
        first_event(records, "action_status", after=True)["detail"]["owner"] = "Nobody"

    invalid(board, altered(good, change), "history event", "detail.owner", "not a field")


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("completed_at", "2026-13-45T10:00:00+00:00", "not a real date"),
        ("completed_at", "2026-11-27T10:00:00", "UTC offset"),
        ("started_at", "27/11/2026 10:00", "UTC offset"),
        ("completed_at", "1969-12-31T23:59:59+00:00", "from 1970-01-01"),
    ],
)
def test_bad_dates_are_refused(
    board: Store, good: Path, field: str, value: str, problem: str
) -> None:
    def change(content: dict[str, Any]) -> None:
        content[field] = value

    invalid(board, altered(good, audit_change(change)), "audit", field, problem)


def test_a_due_date_that_is_not_a_date_is_refused(board: Store, good: Path) -> None:
    def change(content: dict[str, Any]) -> None:
        content["actions"][0]["due"] = "27/11/2026"

    invalid(board, altered(good, audit_change(change)), "audit", "actions[0].due", "2026-11-27")


@pytest.mark.parametrize(
    ("where", "value"),
    [("status", "closed"), ("sex", "other"), ("band", "severe"), ("answer", "maybe")],
)
def test_bad_enumerations_are_refused(board: Store, good: Path, where: str, value: str) -> None:
    def change(records: Records) -> None:
        if where == "status":
            edit_audit(records, lambda c: c["actions"][0].update(status=value))
        elif where == "sex":
            records["wards"][0]["sex"] = value
        elif where == "band":
            first_event(records, "action_raised")["detail"]["band"] = value
        else:
            first_event(records, "amendment")["detail"]["value"] = value

    error = refused(board, altered(good, change), repr(value))
    assert isinstance(error, BundleInvalid)


def test_an_answer_that_is_not_one_of_the_four_is_refused(board: Store, good: Path) -> None:
    def change(content: dict[str, Any]) -> None:
        content["answers"] = "x" + content["answers"][1:]

    invalid(board, altered(good, audit_change(change)), "audit", "answers", "one letter per item")


@pytest.mark.parametrize("value", [0, 6, -1, 10**30, True, 2.5])
def test_out_of_range_risk_is_refused(board: Store, good: Path, value: object) -> None:
    def change(content: dict[str, Any]) -> None:
        content["actions"][0]["consequence"] = value

    invalid(board, altered(good, audit_change(change)), "audit", "actions[0].consequence")


def test_unknown_item_ids_are_refused(board: Store, good: Path) -> None:
    def note(content: dict[str, Any]) -> None:
        content["notes"]["ZZ9"] = ["made up", ""]

    invalid(board, altered(good, audit_change(note)), "audit", "notes.ZZ9", "has no item 'ZZ9'")

    def amendment(records: Records) -> None:
        first_event(records, "amendment")["detail"]["item"] = "ZZ9"

    invalid(board, altered(good, amendment), "history event", "detail.item", "has no item")


def test_an_item_that_does_not_apply_to_the_ward_is_refused(
    board: Store, good: Path, checklist: Checklist
) -> None:
    """An answer for an item that does not apply to the ward's designation."""
    only_mixed = next(i for i in checklist.items() if "female" not in i.applies_to)

    def change(records: Records) -> None:  # the second audit is of a female ward
        edit_audit(records, lambda c: c["notes"].update({only_mixed.id: ["a note", ""]}), 1)

    invalid(board, altered(good, change), "audit", f"notes.{only_mixed.id}", "does not apply")


def test_partly_on_a_critical_item_is_refused(
    board: Store, good: Path, checklist: Checklist
) -> None:
    items = list(checklist.items())
    critical = next(n for n, i in enumerate(items) if i.critical and i.applies("mixed"))

    def change(content: dict[str, Any]) -> None:
        packed = content["answers"]
        content["answers"] = packed[:critical] + "p" + packed[critical + 1 :]

    invalid(board, altered(good, audit_change(change)), "audit", "answers", "critical")


def test_over_long_text_is_refused(board: Store, good: Path) -> None:
    def change(content: dict[str, Any]) -> None:
        content["notes"]["A04"] = ["x" * 20_001, ""]

    invalid(
        board, altered(good, audit_change(change)), "audit", "notes.A04[0]", "20,001 characters"
    )


def test_characters_that_are_not_text_are_refused(board: Store, good: Path) -> None:
    def change(records: Records) -> None:
        records["wards"][0]["name"] = "Juniper\x00Ward"

    invalid(board, altered(good, change), "ward", "name", "not text")


def test_deep_nesting_is_refused(board: Store, good: Path) -> None:
    files = members(good)
    records = json.loads(files["records.json"])
    records["events"][0]["detail"]["note"] = "NEST"
    deep = canonical(records).replace(b'"NEST"', b"[" * 100_000 + b"]" * 100_000)
    files["records.json"] = deep
    path = write_signed(good.with_name("deep.wabundle"), files)
    refused(board, path, "nested too deeply")

    def shallow(records: Records) -> None:  # nested a little: the detail must be text
        first_event(records, "action_status")["detail"]["status_note"] = {"a": {"b": []}}

    invalid(board, altered(good, shallow), "history event", "detail.status_note", "must be text")


def test_numbers_json_does_not_allow_are_refused(board: Store, good: Path) -> None:
    files = members(good)
    text = files["records.json"].replace(b'"beds":null', b'"beds":NaN', 1)
    assert text != files["records.json"]
    files["records.json"] = text
    refused(board, write_signed(good.with_name("nan.wabundle"), files), "NaN")


def test_a_record_not_in_canonical_form_is_refused(board: Store, good: Path) -> None:
    """Two spellings of one record would give it two digests; duplicated keys hide one."""

    def change(records: Records) -> None:
        entry = records["audits"][0]
        entry["content"] = entry["content"].replace('{"actions"', '{"actions":[],"actions"', 1)

    invalid(board, altered(good, change), "audit", "", "not written the way WardAudit writes")


# --- references between records -----------------------------------------------------------


def test_an_event_referring_to_an_action_that_does_not_exist_is_refused(
    board: Store, good: Path
) -> None:
    def change(records: Records) -> None:
        first_event(records, "action_status", after=True)["action"] = str(uuid.uuid4())

    invalid(board, altered(good, change), "history event", "action", "its audit does not have")


def test_an_event_changing_another_audits_action_is_refused(board: Store, good: Path) -> None:
    def change(records: Records) -> None:
        other = json.loads(records["audits"][1]["content"])["actions"][0]["action"]
        first_event(records, "action_status", after=True)["action"] = other

    invalid(board, altered(good, change), "history event", "action", "its audit does not have")


def test_an_event_for_an_audit_in_another_file_is_refused(board: Store, good: Path) -> None:
    def change(records: Records) -> None:
        records["events"][0]["audit"] = str(uuid.uuid4())

    invalid(board, altered(good, change), "history event", "audit", "does not carry")


def test_an_audit_of_a_ward_the_file_does_not_carry_is_refused(board: Store, good: Path) -> None:
    def change(content: dict[str, Any]) -> None:
        content["ward"] = str(uuid.uuid4())

    invalid(board, altered(good, audit_change(change)), "audit", "ward", "does not carry")


@pytest.mark.parametrize("forgery", ["answer_changed_after", "amendment_before", "signoff_after"])
def test_a_forged_after_signoff_history_is_refused(board: Store, good: Path, forgery: str) -> None:
    """Events after sign-off are replayed on top of the record: only the kinds that can
    come after sign-off may say so, and an amendment always does."""

    def change(records: Records) -> None:
        if forgery == "answer_changed_after":
            event = first_event(records, "amendment")
            event["kind"] = "answer_changed"
            event["detail"].pop("reason")
        elif forgery == "amendment_before":
            first_event(records, "amendment")["after_signoff"] = False
        else:
            first_event(records, "audit_completed")["after_signoff"] = True

    invalid(board, altered(good, change), "history event", "after_signoff", "sign-off")


def test_an_action_raised_after_signoff_for_an_item_that_has_one_is_refused(
    board: Store, good: Path
) -> None:
    """Two actions for one item would break the database's rule of one per item."""

    def change(records: Records) -> None:
        audit = json.loads(records["audits"][0]["content"])
        event = first_event(records, "action_raised", after=True)
        event["detail"]["item"] = audit["actions"][0]["item"]

    invalid(board, altered(good, change), "history event", "detail.item", "already has an action")


def test_a_record_id_given_twice_is_refused(board: Store, good: Path) -> None:
    def change(records: Records) -> None:
        records["events"].append(dict(records["events"][0]))

    invalid(board, altered(good, change), "history event", "event", "twice")


def test_manifest_counts_that_do_not_match_are_refused(board: Store, good: Path) -> None:
    files = members(good)
    manifest = json.loads(files["manifest.json"])
    manifest["counts"]["audits"] = 7
    invalid(
        board,
        write_signed(good.with_name("counts.wabundle"), files, manifest=manifest),
        "manifest",
        "counts.audits",
        "says 7",
    )


def test_a_checklist_that_is_not_valid_is_refused(board: Store, good: Path) -> None:
    """Checklist content from a file is held to every rule a checklist file meets."""

    def change(records: Records) -> None:
        entry = records["checklists"][0]
        data = json.loads(entry["content"])
        data["sections"][0]["items"][0]["risk"]["likelihood"] = 9
        _swap_checklist(records, entry, data)

    invalid(board, altered(good, change), "checklist", "content", "not a valid checklist")


def _swap_checklist(records: Records, entry: dict[str, Any], data: dict[str, Any]) -> None:
    """Put new content in a checklist entry, re-hashed, and point the audits at it."""
    old = entry["content_hash"]
    entry["content"] = canonical(data).decode()
    entry["content_hash"] = hashlib.sha256(entry["content"].encode()).hexdigest()
    for n in range(len(records["audits"])):
        edit_audit(records, lambda c: c.update(checklist=entry["content_hash"]), n)
    assert old != entry["content_hash"]


# --- the archive: sizes, counts, names, encryption, compression, pictures -------------------


def test_a_huge_member_is_refused_before_it_is_read(board: Store, good: Path) -> None:
    """A zip bomb: a photo that would inflate to 2 GB from a few megabytes."""
    files = members(good)
    photo = next(name for name in files if name.startswith("photos/"))
    path = good.with_name("bomb.wabundle")
    write_signed(path, {**files, photo: b""})
    # replace the photo with a member of 2 GB of zeros, written in pieces
    with zipfile.ZipFile(path) as source:
        kept = {n: source.read(n) for n in source.namelist() if n != photo}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in kept.items():
            archive.writestr(name, data)
        with archive.open(zipfile.ZipInfo(photo), "w", force_zip64=True) as member:
            block = bytes(64 * 1024 * 1024)
            for _ in range(2):
                member.write(block)
    refused(board, path, "unpacks to more than")


def test_a_member_is_read_in_chunks_and_abandoned_past_its_cap(tmp_path: Path) -> None:
    """Whatever a member's header says, reading stops one chunk past the cap."""
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"photos/{uuid.uuid4()}", bytes(10 * CHUNK))
    seen: list[int] = []
    with zipfile.ZipFile(path) as archive:
        [info] = archive.infolist()
        with pytest.raises(BundleRefused, match="unpacks to more than"):
            stream_member(
                "big.zip",
                archive,
                info,
                lambda chunk: seen.append(len(chunk)),
                Limits(max_photo_bytes=2 * CHUNK),
            )
    assert sum(seen) <= 2 * CHUNK


def test_many_members_are_refused(board: Store, good: Path) -> None:
    files = members(good)
    for n in range(30):
        files[f"photos/{uuid.UUID(int=n)}"] = b""
    path = write_signed(good.with_name("many.wabundle"), files)
    with pytest.raises(BundleRefused, match="more than 20 files"):
        read_bundle(path, Limits(max_members=20))
    # within the limit, a member no audit has is refused all the same
    refused(board, path, "which no audit in it has")


def test_an_archive_saying_it_holds_too_many_members_is_refused_before_they_are_read(
    good: Path,
) -> None:
    """The count is read from the archive's end record, before its directory is parsed."""
    data = bytearray(good.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 0xFFFE, 0xFFFE)  # this disk's and all
    good.write_bytes(bytes(data))
    with pytest.raises(BundleRefused, match=r"more than 1,000 files \(65,534\)"):
        read_bundle(good, Limits(max_members=1000))


def _photo_swap(good: Path, data: bytes, **record: object) -> Path:
    """Replace the first photo's bytes (and its record's digest and fields), re-signed."""
    files = members(good)
    records = json.loads(files["records.json"])
    content = json.loads(records["audits"][0]["content"])
    photo = content["photos"][0]
    photo.update(record, sha256=hashlib.sha256(data).hexdigest())
    records["audits"][0]["content"] = canonical(content).decode()
    records["audits"][0]["digest"] = hashlib.sha256(
        records["audits"][0]["content"].encode()
    ).hexdigest()
    files["records.json"] = canonical(records)
    files[f"photos/{photo['photo']}"] = data
    return write_signed(good.with_name("photo.wabundle"), files)


def _huge_png(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels."""
    data = bytearray(png(1, 1))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def test_a_huge_pixel_photo_is_refused(board: Store, good: Path) -> None:
    path = _photo_swap(good, _huge_png(9000, 9000), media_type="image/png", width=9000, height=9000)
    refused(board, path, "more pixels than the 50,000,000 WardAudit accepts")


def test_a_photo_that_is_not_a_picture_is_refused(board: Store, good: Path) -> None:
    refused(board, _photo_swap(good, b"\xff\xd8 not a picture at all"), "not a readable JPEG")
    refused(board, _photo_swap(good, jpeg(10, 8)[:-40]), "not a readable JPEG")
    refused(board, _photo_swap(good, png(10, 8)), "not a readable JPEG")


def test_a_photo_of_another_size_than_its_record_is_refused(board: Store, good: Path) -> None:
    refused(board, _photo_swap(good, jpeg(12, 9)), "12 × 9 pixels, but its record says 10 × 8")


def test_a_png_photo_passes(board: Store, good: Path) -> None:
    plan = import_bundle(board, _photo_swap(good, png(10, 8), media_type="image/png"))
    assert plan.new_photos == 2


def _set_flag(path: Path, member: str, bit: int) -> None:
    """Set a general-purpose flag bit of one member, in its local and central headers."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at : start + name_at + len(name)] == name:
                flags = struct.unpack_from("<H", data, start + flag_at)[0]
                struct.pack_into("<H", data, start + flag_at, flags | bit)
            start += 4
    path.write_bytes(bytes(data))


def test_an_encrypted_member_is_refused(board: Store, good: Path) -> None:
    _set_flag(good, "records.json", 0x1)
    refused(board, good, "records.json is encrypted")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_an_unsupported_compression_is_refused(board: Store, good: Path, method: int) -> None:
    path = write_signed(good.with_name("packed.wabundle"), members(good), compression=method)
    refused(board, path, f"method {method}")


def test_duplicate_member_names_are_refused(board: Store, good: Path) -> None:
    files = members(good)
    path = write_signed(good.with_name("twice.wabundle"), files)
    with zipfile.ZipFile(path, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns, and writes it anyway
        archive.writestr("records.json", files["records.json"])
    refused(board, path, "two files named 'records.json'")


@pytest.mark.parametrize(
    "name", ["../evil.json", "/etc/passwd", "photos\\x", "C:/x", "photos/../a"]
)
def test_path_like_member_names_are_refused(board: Store, good: Path, name: str) -> None:
    files = members(good)
    files[name] = b"{}"
    refused(board, write_signed(good.with_name("paths.wabundle"), files), "points outside")


# --- what clashes with the records here: conflicts, said in words -------------------------------


def test_a_checklist_version_with_other_content_is_a_conflict(board: Store, good: Path) -> None:
    import_bundle(board, good)
    before = board.records.fingerprint()

    def change(records: Records) -> None:
        entry = records["checklists"][0]
        data = json.loads(entry["content"])
        data["sections"][0]["items"][0]["question"] = "A reworded question, same version?"
        _swap_checklist(records, entry, data)
        for n in range(len(records["audits"])):  # and the audits are new ones
            edit_audit(records, lambda c: c.update(audit=str(uuid.uuid4()), actions=[]), n)
            edit_audit(records, lambda c: c.update(photos=[], notes={}), n)
        records["events"] = []

    path = altered(good, change)
    files = members(path)
    manifest = json.loads(files["manifest.json"])
    manifest["counts"].update(events=0, photos=0)
    path = write_signed(
        path, {k: v for k, v in files.items() if not k.startswith("photos/")}, manifest=manifest
    )
    with pytest.raises(BundleConflicts) as caught:
        import_bundle(board, path)
    assert "differs from the version of that id and number here" in str(caught.value)
    plan = import_bundle(board, path, skip_conflicts=True)
    [conflict] = plan.conflict_records
    assert conflict.kind == "checklist" and plan.new_audits == 0
    assert "new version number" in conflict_words(conflict)
    assert board.records.fingerprint() == before


def test_registering_a_checklist_version_with_other_content_is_refused(
    store: Store, checklist: Checklist
) -> None:
    store.checklists.register(checklist)
    data = json.loads(checklist.canonical_json)
    data["title"] = "The same id and version, other content"
    other = from_canonical_json(json.dumps(data), "changed.toml")
    with pytest.raises(ChecklistVersionClash, match=r"changed\.toml") as caught:
        store.checklists.register(other)
    assert "increase its 'version'" in str(caught.value)
    store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
    with pytest.raises(ChecklistVersionClash):
        store.audits.start("Juniper Ward", other)
    assert store.audits.list() == []


def test_a_ward_name_held_here_on_another_site_is_a_named_clash(
    board: Store, good: Path, checklist: Checklist
) -> None:
    """Not "altered data": two different wards share a name, or one ward moved site."""
    board.wards.add(site="Fenwick House", name="Juniper Ward", sex="mixed")
    with pytest.raises(BundleConflicts) as caught:
        import_bundle(board, good)
    [line] = caught.value.conflicts
    assert "at Ashcombe" in line and "at Fenwick House" in line and "rename one" in line
    assert "altered" not in str(caught.value)
    plan = import_bundle(board, good, skip_conflicts=True)
    [conflict] = plan.conflict_records
    assert conflict.kind == "ward_name"
    assert (conflict.details["here_site"], conflict.details["file_site"]) == (
        "Fenwick House",
        "Ashcombe",
    )
    words = conflict_words(conflict)
    assert (
        "different ward here" in words and "rename one" in words and "same record id" not in words
    )
    assert {a.ward_name for a in board.audits.list()} == {"Rowan Ward"}


def test_a_ward_name_held_here_with_another_designation_is_a_named_clash(
    board: Store, good: Path
) -> None:
    board.wards.add(site="Ashcombe", name="Juniper Ward", sex="female")
    plan = import_bundle(board, good, skip_conflicts=True)
    [conflict] = plan.conflict_records
    assert conflict.kind == "ward_name"
    assert "female ward" in conflict_words(conflict) and "mixed ward" in conflict_words(conflict)


def test_an_action_id_held_here_by_another_audit_is_a_conflict_not_a_crash(
    tmp_path: Path, board: Store, good: Path, checklist: Checklist
) -> None:
    audit_ward(board, checklist, "Birch Ward", "male", failing=1)
    mine = board.actions.list()[0]

    def change(records: Records) -> None:  # the second audit's actions have no later history
        edit_audit(records, lambda c: c["actions"][0].update(action=mine.id), 1)

    path = altered(good, change)
    with pytest.raises(BundleConflicts):
        import_bundle(board, path)
    plan = import_bundle(board, path, skip_conflicts=True)
    [conflict] = plan.conflict_records
    assert conflict.kind == "record_id" and "action" in conflict_words(conflict)
    assert board.actions.get(mine.id) == mine, "the action here is left as it was"
    assert {a.ward_name for a in board.audits.list()} == {"Birch Ward", "Juniper Ward"}


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_names_the_file_the_record_and_the_field(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.sqlite3"
    Store.open(db).close(backup=False)

    def change(content: dict[str, Any]) -> None:
        content["actions"][0]["likelihood"] = 9

    path = altered(good, audit_change(change))
    audit_id = json.loads(json.loads(members(path)["records.json"])["audits"][0]["content"])[
        "audit"
    ]
    for extra in ([], ["--skip-conflicts"]):
        assert main(["--db", str(db), "bundle", "import", str(path), *extra]) == 1
        err = capsys.readouterr().err
        assert err.startswith("wardaudit: error:")
        assert "altered.wabundle" in err and f"audit {audit_id}" in err
        assert "actions[0].likelihood: must be from 1 to 5 (found 9)" in err
    assert main(["--db", str(db), "audits", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_exporting_again_after_a_merge_passes_the_check(
    tmp_path: Path, board: Store, good: Path
) -> None:
    """What one laptop accepted, the next accepts: the check never refuses WardAudit's own."""
    import_bundle(board, good)
    again = tmp_path / "again.wabundle"
    export_bundle(board, again)
    read_bundle(again)


def test_one_item_amended_to_no_in_both_places_is_a_conflict_not_a_crash(
    tmp_path: Path, board: Store, checklist: Checklist
) -> None:
    """Both copies of an audit amended the same item to No after sign-off: each raised an
    action of its own for the item, which may have only one."""
    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        audit = audit_ward(laptop, checklist, "Juniper Ward", "mixed", failing=1)
        first = tmp_path / "first.wabundle"
        export_bundle(laptop, first)
        import_bundle(board, first)
        with_action = {a.item for a in laptop.audits.get(audit).actions}
        item = next(
            i.id
            for i in checklist.applicable_items("mixed")
            if not i.critical and i.id not in with_action
        )
        for copy in (laptop, board):
            copy.audits.amend_answer(audit, item, "no", reason="Broken", by="A matron")
        second = tmp_path / "second.wabundle"
        export_bundle(laptop, second)
    mine = next(a for a in board.audits.get(audit).actions if a.item == item)
    with pytest.raises(BundleConflicts):
        import_bundle(board, second)
    plan = import_bundle(board, second, skip_conflicts=True)
    assert [c.kind for c in plan.conflict_records] == ["raised_twice"]
    assert "amended in both places" in conflict_words(plan.conflict_records[0])
    assert next(a for a in board.audits.get(audit).actions if a.item == item) == mine


# --- a finding linked to an earlier audit's open action ------------------------------------


def _linked(records: Records) -> dict[str, Any]:
    return first_event(records, "action_linked")


def test_a_linked_finding_passes_and_joins_its_actions_history(
    board: Store, linked_file: Path
) -> None:
    records = read_bundle(linked_file).records
    event = _linked(records)
    assert event["after_signoff"] is True and event["detail"]["note"] == "Still wedged open"
    plan = import_bundle(board, linked_file)
    assert plan.conflicts == [] and plan.new_audits == 2
    kinds = [e.kind for e in board.history.list(action=event["action"])]
    assert "action_linked" in kinds
    assert board.actions.get(event["action"]).status == "open"


@pytest.mark.parametrize(
    ("forgery", "field", "words"),
    [
        ("before_signoff", "after_signoff", "always comes after sign-off"),
        ("another_item", "detail.item", "not the item of the action"),
        ("no_action", "action", "names no action"),
        ("status_smuggled", "detail.status", "not a field WardAudit writes"),
        ("bad_answer", "detail.answer", "must be one of"),
        ("bad_day", "detail.found_on", "not a real date"),
    ],
)
def test_a_forged_link_is_refused(
    board: Store, linked_file: Path, tmp_path: Path, forgery: str, field: str, words: str
) -> None:
    """A link's event is replayed on the action it names: it must be that action's, of its
    item, after sign-off, and carry nothing that could change the action."""

    def change(records: Records) -> None:
        event = _linked(records)
        if forgery == "before_signoff":
            event["after_signoff"] = False
        elif forgery == "another_item":
            event["detail"]["item"] = next(
                i.id
                for i in from_canonical_json(records["checklists"][0]["content"]).items()
                if i.applies("mixed") and i.id != event["detail"]["item"]
            )
        elif forgery == "no_action":
            event["action"] = None
        elif forgery == "status_smuggled":
            event["detail"]["status"] = "done"
        elif forgery == "bad_answer":
            event["detail"]["answer"] = "maybe"
        else:
            event["detail"]["found_on"] = "2026-02-30"

    source = Path(shutil.copy(linked_file, tmp_path / "linked.wabundle"))
    invalid(board, altered(source, change), "history event", field, words)
