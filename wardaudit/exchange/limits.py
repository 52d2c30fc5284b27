"""Limits on what an exchange file may make WardAudit do, and the readers that keep to them.

An exchange file comes from outside: it may be damaged, or built to exhaust a laptop (a
member that inflates to gigabytes, a million members, a photo of a billion pixels). Each
check here is cheap and runs before the work it guards: a member's name, compression and
declared size are checked from the archive's directory, and a member is then read in
chunks, hashed as it streams, and abandoned the moment it passes its cap, whatever its
header claimed. A reader opens an archive after :func:`check_member_count`, checks its
directory with :func:`check_members`, and then, member by member, reads each with
:func:`stream_member` (a photo into its store as it streams) and checks a photo with
:func:`check_photo`.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from wardaudit.errors import BundleRefused

MANIFEST = "manifest.json"
RECORDS = "records.json"
PHOTO_PREFIX = "photos/"
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PHOTO_MEMBER = re.compile(rf"photos/({_UUID})")
CHUNK = 1024 * 1024

# The compression methods WardAudit writes (and stored, which any zip tool may choose).
COMPRESSION_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
# The picture formats a photo may be, by the media type its record gives.
PHOTO_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


@dataclass(frozen=True)
class Limits:
    """Caps on an exchange file. The app's own files use a small part of each: a photo is
    scaled to 1,600 pixels on its long side (2.6 megapixels), a year of a 60-ward trust is
    about 15,000 photos."""

    max_members: int = 200_000
    max_manifest_bytes: int = 32 * 1024 * 1024
    max_records_bytes: int = 512 * 1024 * 1024
    max_photo_bytes: int = 40 * 1024 * 1024
    max_total_bytes: int = 64 * 1024 * 1024 * 1024
    max_photo_pixels: int = 50_000_000
    max_photo_side: int = 20_000


DEFAULT_LIMITS = Limits()


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def cap_for(member: str, limits: Limits = DEFAULT_LIMITS) -> int:
    """How many bytes a member may hold once decompressed."""
    if member == MANIFEST:
        return limits.max_manifest_bytes
    if member == RECORDS:
        return limits.max_records_bytes
    return limits.max_photo_bytes


def member_name_problem(member: str) -> str | None:
    """Why a member's name is not one WardAudit writes, or None when it is one."""
    if member in (MANIFEST, RECORDS) or PHOTO_MEMBER.fullmatch(member):
        return None
    if (
        "\\" in member
        or member.startswith("/")
        or re.match(r"^[A-Za-z]:", member)
        or any(part in ("..", ".") for part in member.replace("\\", "/").split("/"))
    ):
        return f"it holds a file named {member[:80]!r}, a path that points outside the file"
    if any(ord(c) < 32 for c in member):
        return "it holds a file whose name has control characters"
    return f"it holds a file named {member[:80]!r}, which WardAudit never writes"


def declared_members(handle: BinaryIO) -> int | None:
    """How many members an archive's end record says it holds, read from its last bytes
    before the directory itself is parsed (which takes memory for each member); None when
    there is no end record to read (the archive is then refused as damaged)."""
    handle.seek(0, io.SEEK_END)
    size = handle.tell()
    tail_size = min(size, 22 + 65_535)  # the end record and the longest comment
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = int(struct.unpack_from("<H", tail, at + 10)[0])
    if count != 0xFFFF:
        return count
    locator = at - 20  # a zip64 archive: its own end record holds the count
    if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        return None
    offset = int(struct.unpack_from("<Q", tail, locator + 8)[0])
    handle.seek(offset)
    record = handle.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        return None
    return int(struct.unpack_from("<Q", record, 32)[0])


def check_member_count(file: str, handle: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an archive that says it holds more members than any exchange file does,
    before its directory is read."""
    count = declared_members(handle)
    handle.seek(0)
    if count is not None and count > limits.max_members:
        raise BundleRefused(
            f"{file} is not a WardAudit exchange file: it holds more than "
            f"{limits.max_members:,} files ({count:,}). Nothing was imported."
        )


def check_members(
    file: str, infos: Iterable[zipfile.ZipInfo], limits: Limits = DEFAULT_LIMITS
) -> None:
    """Check an archive's directory before any member is read: how many members, their
    names (no duplicates, no paths), encryption, compression and declared sizes."""
    seen: set[str] = set()
    total = 0
    for count, info in enumerate(infos, start=1):
        if count > limits.max_members:
            raise BundleRefused(
                f"{file} is not a WardAudit exchange file: it holds more than "
                f"{limits.max_members:,} files. Nothing was imported."
            )
        if info.filename in seen:
            raise BundleRefused(
                f"{file} is not a WardAudit exchange file: it holds two files named "
                f"{info.filename[:80]!r}. Nothing was imported."
            )
        seen.add(info.filename)
        check_member(file, info, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise BundleRefused(
                f"{file} is not a WardAudit exchange file: its files would take more than "
                f"{_mb(limits.max_total_bytes)} once unpacked. Nothing was imported."
            )


def check_member(file: str, info: zipfile.ZipInfo, limits: Limits = DEFAULT_LIMITS) -> None:
    """One member's name, encryption, compression and declared size, from the directory."""
    problem = member_name_problem(info.filename)
    if problem is not None:
        raise BundleRefused(
            f"{file} is not a WardAudit exchange file: {problem}. Nothing was imported."
        )
    if info.flag_bits & 0x1:
        raise BundleRefused(
            f"{file} is not a WardAudit exchange file: {info.filename} is encrypted, and "
            "WardAudit never encrypts a member. Nothing was imported."
        )
    if info.compress_type not in COMPRESSION_METHODS:
        raise BundleRefused(
            f"{file} is not a WardAudit exchange file: {info.filename} is compressed with a "
            f"method WardAudit does not use (method {info.compress_type}). Nothing was imported."
        )
    cap = cap_for(info.filename, limits)
    if info.file_size > cap:
        raise BundleRefused(_too_big(file, info.filename, cap))


def _too_big(file: str, member: str, cap: int) -> str:
    return (
        f"{file} is not a WardAudit exchange file: {member} unpacks to more than {_mb(cap)}, "
        "more than WardAudit ever writes. Nothing was imported."
    )


def stream_member(
    file: str,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    sink: Callable[[bytes], object] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Read a member in chunks, handing each to ``sink``, and return its SHA-256.

    Stops the moment the member passes its cap, whatever its header declared, so a member
    that inflates without end costs one chunk past the cap and no more.
    """
    cap = cap_for(info.filename, limits)
    digest = hashlib.sha256()
    read = 0
    with archive.open(info) as member:
        while True:
            chunk = member.read(CHUNK)
            if not chunk:
                break
            read += len(chunk)
            if read > cap:
                raise BundleRefused(_too_big(file, info.filename, cap))
            digest.update(chunk)
            if sink is not None:
                sink(chunk)
    return digest.hexdigest()


def read_member(
    file: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits = DEFAULT_LIMITS
) -> tuple[bytes, str]:
    """A member's bytes and SHA-256, read within its cap (see :func:`stream_member`)."""
    buffer = io.BytesIO()
    digest = stream_member(file, archive, info, buffer.write, limits)
    return buffer.getvalue(), digest


def check_photo(
    file: str,
    photo: str,
    data: bytes | BinaryIO,
    *,
    media_type: str,
    width: int,
    height: int,
    limits: Limits = DEFAULT_LIMITS,
) -> None:
    """A photo must be a real picture of the type and size its record says, within the
    pixel limit. The size is read from its header before any pixel is decoded; a JPEG is
    then decoded at an eighth of its size (enough to find one cut short), a PNG's every
    chunk checked against its checksum. ``data`` is the photo's bytes, or a seekable file
    holding them (as a reader streaming photos into a store has written)."""
    import warnings

    from PIL import Image, UnidentifiedImageError  # only when a file is read

    where = f"{file} was not imported: photo {photo}"
    expected = PHOTO_FORMATS.get(media_type)
    if expected is None:
        raise BundleRefused(f"{where} is of a type WardAudit does not keep ({media_type[:40]!r})")
    too_many = (
        f"{where} has more pixels than the {limits.max_photo_pixels:,} WardAudit accepts "
        "(its own photos are at most 1,600 pixels on their long side)"
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own guard warns (or raises) by a limit of its own; ours is checked
            # from the header first, and its warning is taken as the refusal it means.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(_reopen(data), formats=[expected]) as image:
                found_width, found_height = image.size
                if (
                    found_width > limits.max_photo_side
                    or found_height > limits.max_photo_side
                    or found_width * found_height > limits.max_photo_pixels
                ):
                    raise BundleRefused(
                        f"{too_many}: it is {found_width:,} × {found_height:,} pixels"
                    )
                if (found_width, found_height) != (width, height):
                    raise BundleRefused(
                        f"{where} is {found_width} × {found_height} pixels, but its record "
                        f"says {width} × {height}"
                    )
                image.verify()
            if expected == "JPEG":
                with Image.open(_reopen(data), formats=[expected]) as image:
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    image.load()
    except BundleRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BundleRefused(too_many) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError):
        raise BundleRefused(f"{where} is not a readable {expected} picture") from None


def _reopen(data: bytes | BinaryIO) -> BinaryIO:
    if isinstance(data, bytes):
        return io.BytesIO(data)
    data.seek(0)
    return data
