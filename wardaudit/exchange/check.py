"""Every check of one exchange file, in the order a reader meets its parts.

A reader, whether it holds members in memory or streams photos into the photo store,
makes one :class:`BundleCheck` per file and calls it at each step; each call raises
BundleRefused (BundleInvalid for a record that breaks the schema) naming the file and
what is wrong, before the reader does the work the check guards:

1. :meth:`BundleCheck.archive` with the open file, before the zip directory is parsed;
2. :meth:`BundleCheck.directory` with the directory's entries, before any member is read;
3. :meth:`BundleCheck.manifest` with the manifest's bytes: the members it lists, and
   their digests, are then what the reader reads (:meth:`BundleCheck.members`);
4. :meth:`BundleCheck.member` with each member's digest, as the reader found it while
   streaming the member within :func:`~wardaudit.exchange.limits.cap_for` (see
   :func:`~wardaudit.exchange.limits.stream_member`);
5. :meth:`BundleCheck.records` with ``records.json``'s bytes, read before any photo;
6. :meth:`BundleCheck.photo` with each photo's bytes, or the file it was streamed into
   (or its three parts, :meth:`~BundleCheck.expect`, :meth:`~BundleCheck.picture` in any
   thread and :meth:`~BundleCheck.passed`, for photos checked side by side);
7. :meth:`BundleCheck.finish`: every photo the records name has arrived.

The rules themselves are in ``limits`` (the archive and the pictures) and ``schema`` (the
records); this module only keeps a file's checks in order.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
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
)
from wardaudit.exchange.schema import CheckedRecords, PhotoRecord


class BundleCheck:
    """The checks of one exchange file, called by its reader step by step (see above)."""

    def __init__(self, file: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.file = file  # the file's name, as every message gives it
        self.limits = limits
        self._names: frozenset[str] = frozenset()
        self._manifest: dict[str, Any] | None = None
        self._listed: dict[str, str] = {}
        self._arrived: set[str] = set()
        self._checked: CheckedRecords | None = None
        self._photos: set[str] = set()

    def archive(self, handle: BinaryIO) -> None:
        """Before the zip directory is parsed: the number of members it says it holds.
        Leaves ``handle`` at its start."""
        check_member_count(self.file, handle, self.limits)

    def directory(self, infos: Iterable[zipfile.ZipInfo]) -> None:
        """Before any member is read: the members' number, names (no duplicates, no
        paths), encryption, compression and declared sizes."""
        infos = list(infos)
        check_members(self.file, infos, self.limits)
        self._names = frozenset(info.filename for info in infos)
        if MANIFEST not in self._names:
            raise BundleRefused(
                f"{self.file} is not a WardAudit exchange file (it has no manifest)"
            )

    def manifest(self, data: bytes) -> dict[str, Any]:
        """The manifest: its schema, and the members it lists matched to the directory."""
        manifest = schema.check_manifest(self.file, schema.parse_json(self.file, MANIFEST, data))
        listed: dict[str, str] = manifest["files"]
        extra = self._names - set(listed) - {MANIFEST}
        if extra:
            raise BundleRefused(
                f"{self.file} holds files its manifest does not list: {sorted(extra)[:3]}"
            )
        for member in listed:
            if member not in self._names:
                raise BundleRefused(f"{self.file} is missing {member}: it is incomplete")
        self._manifest, self._listed = manifest, listed
        return manifest

    def members(self) -> Mapping[str, str]:
        """The members the manifest lists, each with its digest: what the reader reads."""
        return self._listed

    def member(self, member: str, digest: str) -> None:
        """A member as read: its SHA-256, found while streaming it, is the manifest's."""
        if self._listed.get(member) != digest:
            raise BundleRefused(
                f"{self.file} has been altered or damaged ({member} does not match its "
                "digest). Nothing was imported."
            )
        self._arrived.add(member)

    def records(self, data: bytes) -> tuple[dict[str, Any], CheckedRecords]:
        """``records.json``: every record and event against the schema. Call it after its
        digest has been matched (:meth:`member`) and before any photo."""
        if RECORDS not in self._arrived:
            raise ValueError("records.json is checked once its digest has been matched")
        records = schema.parse_json(self.file, RECORDS, data)
        self._checked = schema.check_records(self.file, records, self._manifest)
        return records, self._checked

    def photo(self, member: str, data: bytes | BinaryIO) -> PhotoRecord:
        """One photo, once its digest has been matched: an audit in the file has it, and
        it is a real picture of the type and size its record says, within the pixel
        limit. ``data`` is its bytes or a seekable file holding them (as streamed into
        the photo store). The same as :meth:`expect`, :meth:`picture` and :meth:`passed`
        in turn."""
        expected = self.expect(member)
        self.picture(member, expected, data)
        self.passed(member)
        return expected

    def expect(self, member: str) -> PhotoRecord:
        """A photo's record, once its digest has been matched: an audit in the file has it
        and describes this picture."""
        if self._checked is None or member not in self._arrived:
            raise ValueError("a photo is checked after the records and its own digest")
        photo = member.removeprefix(PHOTO_PREFIX)
        return self._checked.expect_photo(self.file, photo, self._listed[member])

    def picture(self, member: str, expected: PhotoRecord, data: bytes | BinaryIO) -> None:
        """The photo is a real picture of the type and size ``expected`` says, within the
        pixel limit. Changes nothing here, so photos may be checked side by side in
        worker threads (see :mod:`wardaudit.exchange.pictures`)."""
        check_photo(
            self.file,
            member.removeprefix(PHOTO_PREFIX),
            data,
            media_type=expected.media_type,
            width=expected.width,
            height=expected.height,
            limits=self.limits,
        )

    def passed(self, member: str) -> None:
        """The photo passed :meth:`picture`: it counts as arrived whole."""
        self._photos.add(member.removeprefix(PHOTO_PREFIX))

    def finish(self) -> CheckedRecords:
        """Once every member is read: each the manifest lists, and each photo the records
        name, has arrived and been checked."""
        if self._checked is None:
            raise ValueError("the file's records have not been checked")
        unread = sorted(set(self._listed) - self._arrived)
        if unread:
            raise ValueError(f"the reader has not read {unread[0]}, which the manifest lists")
        missing = sorted(set(self._checked.photos) - self._photos)
        if missing:
            audit = self._checked.photos[missing[0]].audit
            raise BundleRefused(f"{self.file} is missing photos of audit {audit}: it is incomplete")
        return self._checked
