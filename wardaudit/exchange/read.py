"""Reading an exchange file and checking it whole before anything from it is used.

A bundle is a zip file holding ``records.json`` (sites, wards, the checklist versions
used, each completed audit's signed-off record, and the history events that came after)
and the audits' photos, with ``manifest.json`` listing a SHA-256 digest of every file. A
file that is damaged, cut short, altered or not WardAudit's is refused, naming why.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wardaudit.checklist import DESIGNATIONS
from wardaudit.errors import BundleRefused
from wardaudit.model import EVENT_KINDS

FORMAT = "wardaudit-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.json"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Bundle:
    """An exchange file read whole and checked: its manifest, records and photos."""

    path: Path
    manifest: dict[str, Any]
    records: dict[str, Any]
    photos: dict[str, bytes]


def read_bundle(path: Path | str) -> Bundle:
    """Open and verify a bundle completely; raises BundleRefused naming what is wrong."""
    path = Path(path)
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleRefused(f"{path} does not exist") from None
    except (zipfile.BadZipFile, OSError):
        raise BundleRefused(
            f"{name} is not a WardAudit exchange file, or it is damaged or cut short. "
            "Nothing was imported; ask for the file to be exported again."
        ) from None
    with archive:
        try:
            names = set(archive.namelist())
            if MANIFEST not in names:
                raise BundleRefused(f"{name} is not a WardAudit exchange file (it has no manifest)")
            manifest = json.loads(archive.read(MANIFEST))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BundleRefused(f"{name} is not a WardAudit exchange file")
            if manifest.get("version") != FORMAT_VERSION:
                raise BundleRefused(
                    f"{name} was written by a different WardAudit (exchange format "
                    f"{manifest.get('version')}); update WardAudit on both laptops"
                )
            listed = manifest.get("files")
            if not isinstance(listed, dict) or RECORDS not in listed:
                raise BundleRefused(f"{name} has a damaged manifest")
            extra = names - set(listed) - {MANIFEST}
            if extra:
                raise BundleRefused(
                    f"{name} holds files its manifest does not list: {sorted(extra)[:3]}"
                )
            contents: dict[str, bytes] = {}
            for member, digest in listed.items():
                if member not in names:
                    raise BundleRefused(f"{name} is missing {member}: it is incomplete")
                data = archive.read(member)
                if _sha256(data) != digest:
                    raise BundleRefused(
                        f"{name} has been altered or damaged ({member} does not match its "
                        "digest). Nothing was imported."
                    )
                contents[member] = data
            records = json.loads(contents[RECORDS])
        except (
            zipfile.BadZipFile,
            zlib.error,
            json.JSONDecodeError,
            KeyError,
            EOFError,
            UnicodeDecodeError,
        ):
            raise BundleRefused(
                f"{name} is damaged or cut short. Nothing was imported; ask for it again."
            ) from None
    _check_records(name, records)
    photos = {
        member.split("/", 1)[1]: data
        for member, data in contents.items()
        if member.startswith("photos/")
    }
    return Bundle(path, manifest, records, photos)


def _check_records(name: str, records: Any) -> None:
    problem = f"{name} has records WardAudit cannot read"
    if not isinstance(records, dict):
        raise BundleRefused(problem)
    for key in ("wards", "checklists", "audits", "events"):
        if not isinstance(records.get(key), list):
            raise BundleRefused(f"{problem} (no '{key}')")
    for ward in records["wards"]:
        if (
            not isinstance(ward, dict)
            or ward.get("sex") not in DESIGNATIONS
            or not ward.get("name")
        ):
            raise BundleRefused(f"{problem} (a ward)")
    for checklist in records["checklists"]:
        content = checklist.get("content", "")
        if _sha256(content.encode("utf-8")) != checklist.get("content_hash"):
            raise BundleRefused(f"{name} has an altered checklist ({checklist.get('id')})")
    for audit in records["audits"]:
        content = audit.get("content")
        if not isinstance(content, str) or _sha256(content.encode("utf-8")) != audit.get("digest"):
            raise BundleRefused(f"{name} has an altered audit record")
    for event in records["events"]:
        if (
            not isinstance(event, dict)
            or not event.get("event")
            or not event.get("audit")
            or event.get("kind") not in EVENT_KINDS
        ):
            raise BundleRefused(f"{problem} (a history event)")
