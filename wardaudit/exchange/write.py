"""Writing an exchange file: the signed-off audits, their history and photos, in one zip.

The file is written to a temporary name beside the target and renamed into place, so a
failed export never leaves half a file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from wardaudit import __version__, clock
from wardaudit.errors import InvalidInput, WardAuditError
from wardaudit.exchange.read import FORMAT, FORMAT_VERSION, MANIFEST, RECORDS
from wardaudit.store import Store
from wardaudit.store.records import canonical_json


def export_bundle(store: Store, path: Path | str, *, since: date | None = None) -> dict[str, int]:
    """Write the completed audits (or those completed or changed since a date) to ``path``.

    Returns the counts written: wards, audits, events and photos.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise InvalidInput(f"the folder {target.parent} does not exist")
    travelling = store.records.for_exchange(since=since)
    records = {
        "wards": travelling.wards,
        "checklists": travelling.checklists,
        "audits": travelling.audits,
        "events": travelling.events,
    }
    files: dict[str, bytes] = {RECORDS: canonical_json(records).encode("utf-8")}
    for photo_uuid, data in travelling.photos:
        files[f"photos/{photo_uuid}"] = data
    counts = {
        "wards": len(travelling.wards),
        "audits": len(travelling.audits),
        "events": len(travelling.events),
        "photos": len(travelling.photos),
    }
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": clock.now_iso(),
        "created_by": f"WardAudit {__version__}",
        "since": since.isoformat() if since else None,
        "counts": counts,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    fd, temp_name = tempfile.mkstemp(prefix=".wardaudit-", suffix=".partial", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            for name, data in files.items():
                bundle.writestr(name, data)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise WardAuditError(
            f"the exchange file could not be written to {target}: {error.strerror}"
        ) from None
    return counts
