"""Reading an exchange file and checking it whole before anything from it is used.

A bundle is a zip file holding ``records.json`` (sites, wards, the checklist versions
used, each completed audit's signed-off record, and the history events that came after)
and the audits' photos, with ``manifest.json`` listing a SHA-256 digest of every file. A
file that is damaged, cut short, altered or not WardAudit's is refused, naming why.

Photos are read one at a time and handed to worker threads while the next is read
(:mod:`~wardaudit.exchange.pictures`): each is checked as a picture there and, for an
import, written into the photo store's folder and synced. Only a few photos are ahead of
their checks at once, so memory does not grow with the file's size.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from wardaudit.errors import BundleRefused, StoreError
from wardaudit.exchange.check import BundleCheck
from wardaudit.exchange.limits import (
    DEFAULT_LIMITS,
    MANIFEST,
    PHOTO_PREFIX,
    RECORDS,
    Limits,
    read_member,
    stream_member,
)
from wardaudit.exchange.pictures import SideBySide
from wardaudit.exchange.schema import FORMAT, FORMAT_VERSION, CheckedRecords
from wardaudit.progress import Progress, no_progress
from wardaudit.store.photos import IncomingPhoto, PhotoReceiver

__all__ = ["FORMAT", "FORMAT_VERSION", "MANIFEST", "RECORDS", "Bundle", "read_bundle"]

READING_WORDS = "Reading the exchange file"
# What a damaged or cut-short archive raises as its members are read.
_DAMAGED = (zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError, ValueError)


@dataclass(frozen=True)
class Bundle:
    """An exchange file read and checked whole: its manifest, its records, and what arrived
    of each photo (streamed into the photo store's folder, or in a dry run only checked)."""

    path: Path
    manifest: dict[str, Any]
    records: dict[str, Any]
    photos: Mapping[str, IncomingPhoto]
    checked: CheckedRecords = field(default_factory=CheckedRecords)


def read_bundle(
    path: Path | str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    receiver: PhotoReceiver | None = None,
    progress: Progress = no_progress,
) -> Bundle:
    """Open and verify a bundle completely; raises BundleRefused naming what is wrong.

    The archive's directory is checked first (names, count, encryption, compression,
    sizes), then the manifest, then ``records.json`` within its cap, matched to its digest
    and every record checked against the schema, before any photo is read; then each photo,
    read within its cap and hashed on the way, matched to its digest and, in a worker
    thread, checked as a picture and (through ``receiver``, whose ``with`` removes it again
    unless a merge keeps it) written into the photo store's folder and synced; with no
    receiver, a dry run, only checked: each step by the file's
    :class:`~wardaudit.exchange.check.BundleCheck`. Memory holds the records and a few
    photos, whatever the file weighs. ``progress`` hears
    (READING_WORDS, bytes read, bytes in the file) and may raise Cancelled.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise BundleRefused(f"{path} does not exist") from None
    except OSError as error:
        raise BundleRefused(f"{path} cannot be read ({error.strerror or error})") from None
    with handle:
        return _read(path, handle, limits, receiver, progress)


def _read(
    path: Path,
    handle: BinaryIO,
    limits: Limits,
    receiver: PhotoReceiver | None,
    progress: Progress,
) -> Bundle:
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
            listed = check.members()
            total = sum(infos[member].file_size for member in listed)
            records_bytes, found = read_member(name, archive, infos[RECORDS], limits)
            check.member(RECORDS, found)
            done = len(records_bytes)
            records, checked = check.records(records_bytes)  # every record, before any photo
            del records_bytes
            progress(READING_WORDS, done, total)
            photos: dict[str, IncomingPhoto] = {}
            with SideBySide[IncomingPhoto]() as pictures:
                try:
                    for member in listed:
                        if member == RECORDS:
                            continue
                        size, work = _photo(check, archive, infos[member], receiver)
                        pictures.submit(member, size, work)
                        done += size
                        progress(READING_WORDS, done, total)
                    arrived = pictures.finish()
                except (BundleRefused, StoreError, *_DAMAGED):
                    pictures.refuse_as_one_by_one()
                    raise
            for member, photo in arrived:
                check.passed(member)
                photos[member.removeprefix(PHOTO_PREFIX)] = photo
        except _DAMAGED:
            raise BundleRefused(
                f"{name} is damaged or cut short. Nothing was imported; ask for it again."
            ) from None
    check.finish()
    return Bundle(path, manifest, records, photos, checked)


def _photo(
    check: BundleCheck,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    receiver: PhotoReceiver | None,
) -> tuple[int, Callable[[], IncomingPhoto]]:
    """One photo read within its cap and matched to its digest, here; returns its size and
    the work left for a worker thread: checking it as a picture and, for an import,
    writing it into the photo store's folder, synced."""
    member = info.filename
    pieces: list[bytes] = []
    sha256 = stream_member(check.file, archive, info, pieces.append, check.limits)
    check.member(member, sha256)
    expected = check.expect(member)
    data = b"".join(pieces)
    del pieces

    def picture() -> IncomingPhoto:
        check.picture(member, expected, data)
        if receiver is None:  # a dry run
            return IncomingPhoto(None, sha256, len(data))
        return receiver.keep(data, sha256)

    return len(data), picture
