"""Reading an exchange file and checking it whole before anything from it is used.

A bundle is a zip file holding ``records.json`` (sites, wards, the checklist versions
used, each completed audit's signed-off record, and the history events that came after)
and the audits' photos, with ``manifest.json`` listing a SHA-256 digest of every file. A
file that is damaged, cut short, altered or not WardAudit's is refused, naming why.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from wardaudit.errors import BundleRefused
from wardaudit.exchange import schema
from wardaudit.exchange.limits import (
    DEFAULT_LIMITS,
    MANIFEST,
    PHOTO_PREFIX,
    RECORDS,
    Limits,
    check_member_count,
    check_members,
    check_photo,
    read_member,
)
from wardaudit.exchange.schema import FORMAT, FORMAT_VERSION, CheckedRecords

__all__ = ["FORMAT", "FORMAT_VERSION", "MANIFEST", "RECORDS", "Bundle", "read_bundle"]


@dataclass(frozen=True)
class Bundle:
    """An exchange file read whole and checked: its manifest, records and photos."""

    path: Path
    manifest: dict[str, Any]
    records: dict[str, Any]
    photos: dict[str, bytes]
    checked: CheckedRecords = field(default_factory=CheckedRecords)


def read_bundle(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> Bundle:
    """Open and verify a bundle completely; raises BundleRefused naming what is wrong.

    The archive's directory is checked first (names, count, encryption, compression,
    sizes), then each member is read within its cap and matched to its digest, then every
    record against the schema, then each photo as a picture.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise BundleRefused(f"{path} does not exist") from None
    except OSError as error:
        raise BundleRefused(f"{path} cannot be read ({error.strerror or error})") from None
    with handle:
        return _read(path, handle, limits)


def _read(path: Path, handle: BinaryIO, limits: Limits) -> Bundle:
    name = path.name
    try:
        check_member_count(name, handle, limits)
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        raise BundleRefused(
            f"{name} is not a WardAudit exchange file, or it is damaged or cut short. "
            "Nothing was imported; ask for the file to be exported again."
        ) from None
    with archive:
        try:
            infos = {info.filename: info for info in archive.infolist()}
            check_members(name, archive.infolist(), limits)
            if MANIFEST not in infos:
                raise BundleRefused(f"{name} is not a WardAudit exchange file (it has no manifest)")
            manifest_bytes, _ = read_member(name, archive, infos[MANIFEST], limits)
            manifest = schema.check_manifest(
                name, schema.parse_json(name, MANIFEST, manifest_bytes)
            )
            listed: dict[str, str] = manifest["files"]
            extra = set(infos) - set(listed) - {MANIFEST}
            if extra:
                raise BundleRefused(
                    f"{name} holds files its manifest does not list: {sorted(extra)[:3]}"
                )
            contents: dict[str, bytes] = {}
            for member, digest in listed.items():
                if member not in infos:
                    raise BundleRefused(f"{name} is missing {member}: it is incomplete")
                data, found = read_member(name, archive, infos[member], limits)
                if found != digest:
                    raise BundleRefused(
                        f"{name} has been altered or damaged ({member} does not match its "
                        "digest). Nothing was imported."
                    )
                contents[member] = data
        except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError, ValueError):
            raise BundleRefused(
                f"{name} is damaged or cut short. Nothing was imported; ask for it again."
            ) from None
    records = schema.parse_json(name, RECORDS, contents.pop(RECORDS))
    checked = schema.check_records(name, records, manifest)
    photos: dict[str, bytes] = {}
    for member, data in contents.items():
        photo = member.removeprefix(PHOTO_PREFIX)
        expected = checked.expect_photo(name, photo, listed[member])
        check_photo(
            name,
            photo,
            data,
            media_type=expected.media_type,
            width=expected.width,
            height=expected.height,
            limits=limits,
        )
        photos[photo] = data
    missing = sorted(set(checked.photos) - set(photos))
    if missing:
        audit = checked.photos[missing[0]].audit
        raise BundleRefused(f"{name} is missing photos of audit {audit}: it is incomplete")
    return Bundle(path, manifest, records, photos, checked)
