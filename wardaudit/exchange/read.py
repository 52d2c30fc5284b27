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
from wardaudit.exchange.check import BundleCheck
from wardaudit.exchange.limits import (
    DEFAULT_LIMITS,
    MANIFEST,
    PHOTO_PREFIX,
    RECORDS,
    Limits,
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
    record against the schema, then each photo as a picture: each step by the file's
    :class:`~wardaudit.exchange.check.BundleCheck`.
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
    check = BundleCheck(name, limits)
    try:
        check.archive(handle)
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        raise BundleRefused(
            f"{name} is not a WardAudit exchange file, or it is damaged or cut short. "
            "Nothing was imported; ask for the file to be exported again."
        ) from None
    with archive:
        try:
            infos = {info.filename: info for info in archive.infolist()}
            check.directory(archive.infolist())
            manifest_bytes, _ = read_member(name, archive, infos[MANIFEST], limits)
            manifest = check.manifest(manifest_bytes)
            contents: dict[str, bytes] = {}
            for member in check.members():
                data, found = read_member(name, archive, infos[member], limits)
                check.member(member, found)
                contents[member] = data
        except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError, ValueError):
            raise BundleRefused(
                f"{name} is damaged or cut short. Nothing was imported; ask for it again."
            ) from None
    records, checked = check.records(contents.pop(RECORDS))
    photos: dict[str, bytes] = {}
    for member, data in contents.items():
        check.photo(member, data)
        photos[member.removeprefix(PHOTO_PREFIX)] = data
    check.finish()
    return Bundle(path, manifest, records, photos, checked)
