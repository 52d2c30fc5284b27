"""Helpers for building exchange files as a laptop would, and altering them as an attacker
would: change a member, then sign the manifest again so the digests all match."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wardaudit.checklist import Checklist
from wardaudit.store import Store


def jpeg(width: int = 10, height: int = 8, shade: int = 90) -> bytes:
    """A real JPEG picture, as the app stores after scaling a photo down."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (shade, 120, 160)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def png(width: int = 10, height: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def audit_ward(
    store: Store,
    checklist: Checklist,
    ward: str,
    sex: str,
    site: str = "Ashcombe",
    failing: int = 2,
) -> str:
    """Add a ward, answer every item (a few No), add a photo and sign the audit off."""
    store.wards.add(site=site, name=ward, sex=sex, areas=["Garden"])
    audit = store.audits.start(ward, checklist, by="A matron")
    items = checklist.applicable_items(sex)
    failing_ids = set(sorted(i.id for i in items if not i.critical)[:failing])
    for item in items:
        value = "no" if item.id in failing_ids else "yes"
        store.audits.record_answer(
            audit.id,
            item.id,
            value,
            note="seen" if value == "no" else None,
            location="Garden" if value == "no" else None,
        )
    if items:
        store.photos.add(
            audit.id,
            items[-1].id,
            jpeg(10, 8, shade=len(ward) % 200),
            filename="door.jpg",
            media_type="image/jpeg",
            width=10,
            height=8,
        )
    store.audits.complete(audit.id, by="A matron", role="Matron")
    return audit.id


@dataclass(frozen=True)
class Replaced:
    records: Any


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def write_signed(
    target: Path,
    files: dict[str, bytes],
    *,
    manifest: dict[str, Any] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Write ``files`` as an exchange file whose manifest lists each one's true digest."""
    manifest = dict(manifest or json.loads(files["manifest.json"]))
    body = {name: data for name, data in files.items() if name != "manifest.json"}
    manifest["files"] = {name: hashlib.sha256(data).hexdigest() for name, data in body.items()}
    with zipfile.ZipFile(target, "w", compression=compression) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, data in body.items():
            archive.writestr(name, data)
    return target


def resign_records(source: Path, target: Path, change: Callable[[dict[str, Any]], object]) -> Path:
    """Change the records of a real exchange file, then make every digest match again:
    each audit's record digest, the manifest's counts and file digests."""
    files = members(source)
    records = json.loads(files["records.json"])
    replaced = change(records)
    if isinstance(replaced, Replaced):  # the change gave records of its own (of any shape)
        records = replaced.records
    audits = records.get("audits") if isinstance(records, dict) else None
    for entry in audits if isinstance(audits, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("content"), str):
            entry["digest"] = hashlib.sha256(entry["content"].encode("utf-8")).hexdigest()
    files["records.json"] = canonical(records)
    manifest = json.loads(files["manifest.json"])
    # records an attack has broken keep the counts they had
    with contextlib.suppress(TypeError, KeyError, AttributeError):
        manifest["counts"].update(
            wards=len(records["wards"]),
            audits=len(records["audits"]),
            events=len(records["events"]),
        )
    return write_signed(target, files, manifest=manifest)


def edit_audit(
    records: dict[str, Any], change: Callable[[dict[str, Any]], object], n: int = 0
) -> None:
    """Change the signed-off record of the file's n-th audit (kept in canonical form)."""
    entry = records["audits"][n]
    content = json.loads(entry["content"])
    change(content)
    entry["content"] = canonical(content).decode()
