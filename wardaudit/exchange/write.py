"""Writing an exchange file: the signed-off audits, their history and photos, in one zip.

Photos are streamed from the photo store straight into the archive, checked against their
digests on the way and stored as they are (a JPEG does not compress again), so memory
stays the same whatever the file weighs. The file is written to a temporary name beside
the target and renamed into place once whole and synced: a failed or cancelled export
leaves nothing behind.

By default an export carries what its destination has not had from this database: the
audits signed off or changed since the last export to that destination (named by the
file's name unless one is given), recorded here once the file is whole. ``everything``
carries all of them; ``since`` those signed off or changed since a day.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from wardaudit import __version__, clock
from wardaudit.errors import Cancelled, InvalidInput, WardAuditError
from wardaudit.exchange.read import FORMAT, FORMAT_VERSION, MANIFEST, RECORDS
from wardaudit.progress import Progress, no_progress
from wardaudit.store import Store
from wardaudit.store.records import canonical_json

EXPORT_WORDS = "Writing the exchange file"
SENT_SETTING = "exchange_sent_to:"  # + the destination: what the last export to it reached
PARTIAL_PREFIX = ".wardaudit-"
PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_S = 24 * 3600


@dataclass(frozen=True)
class ExportMark:
    """What the last export to a destination carried: history up to ``event``, at ``at``."""

    destination: str
    event: int
    at: str
    file: str


def destination_of(path: Path | str) -> str:
    """The destination an exchange file goes to, when none is named: its file's name."""
    return Path(path).stem


def last_export_to(store: Store, destination: str) -> ExportMark | None:
    text = store.settings.get(SENT_SETTING + destination.casefold())
    try:
        found = json.loads(text)
        name = str(found.get("name") or destination)
        return ExportMark(name, int(found["event"]), str(found["at"]), str(found["file"]))
    except (ValueError, KeyError, TypeError):
        return None


def destinations(store: Store) -> list[ExportMark]:
    """Every destination exported to, newest first (for the app to offer)."""
    marks = []
    for key in store.settings.keys_starting(SENT_SETTING):
        mark = last_export_to(store, key.removeprefix(SENT_SETTING))
        if mark is not None:
            marks.append(mark)
    return sorted(marks, key=lambda m: m.at, reverse=True)


def export_bundle(
    store: Store,
    path: Path | str,
    *,
    since: date | None = None,
    everything: bool = False,
    destination: str | None = None,
    progress: Progress = no_progress,
) -> dict[str, int]:
    """Write an exchange file to ``path``: what ``destination`` has not had from here (by
    default), everything, or what was signed off or changed since a day.

    Returns the counts written: wards, audits, events and photos, and the wards whose
    incident counts the file carries (only a database that holds incidents has any).
    ``progress`` hears (EXPORT_WORDS, bytes written, bytes to write) and may raise
    Cancelled: nothing is then left behind, and nothing recorded.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise InvalidInput(f"the folder {target.parent} does not exist")
    if since is not None and everything:
        raise InvalidInput("choose either everything or a day to export from, not both")
    name = (destination or destination_of(target)).strip() or destination_of(target)
    mark = None if (everything or since is not None) else last_export_to(store, name)
    travelling = store.records.for_exchange(
        since=since,
        after_event=mark.event if mark is not None else None,
        after_time=mark.at if mark is not None else None,
    )
    content: dict[str, Any] = {
        "wards": travelling.wards,
        "checklists": travelling.checklists,
        "audits": travelling.audits,
        "events": travelling.events,
    }
    if travelling.incident_counts:  # only a database that holds incidents writes them
        content["incident_counts"] = travelling.incident_counts
    records = canonical_json(content).encode("utf-8")
    counts = {
        "wards": len(travelling.wards),
        "audits": len(travelling.audits),
        "events": len(travelling.events),
        "photos": len(travelling.photos),
    }
    total = len(records) + sum(p.size for p in travelling.photos)
    _remove_stale_partials(target.parent)
    fd, temp_name = tempfile.mkstemp(
        prefix=PARTIAL_PREFIX, suffix=PARTIAL_SUFFIX, dir=target.parent
    )
    temp = Path(temp_name)
    stamp = clock.now().timetuple()[:6]
    try:
        with os.fdopen(fd, "wb") as raw:
            with zipfile.ZipFile(raw, "w", allowZip64=True) as bundle:
                digests = {RECORDS: _member(bundle, RECORDS, [records], stamp, compress=True)}
                done = len(records)
                progress(EXPORT_WORDS, done, total)
                for photo in travelling.photos:
                    member = f"photos/{photo.photo}"
                    # Its store checks the file against its digest as it streams (raising
                    # at the end if it differs), so that digest is the manifest's.
                    _member(
                        bundle,
                        member,
                        store.photos.chunks(photo.photo),
                        stamp,
                        compress=False,
                        known=photo.sha256,
                    )
                    digests[member] = photo.sha256
                    done += photo.size
                    progress(EXPORT_WORDS, done, total)
                manifest = {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created_at": clock.now_iso(),
                    "created_by": f"WardAudit {__version__}",
                    "since": since.isoformat() if since else None,
                    "counts": counts,
                    "files": digests,
                }
                text = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
                _member(bundle, MANIFEST, [text], stamp, compress=True)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, target)
        with contextlib.suppress(OSError):
            _sync_folder(target.parent)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise WardAuditError(
                f"the exchange file could not be written to {target}: "
                f"{error.strerror or error}. Nothing was left half written."
            ) from None
        if isinstance(error, Cancelled):
            raise Cancelled("the export was cancelled; no exchange file was written") from None
        raise
    if since is None and not store.readonly:
        _record(store, name, travelling.high_water, target)
    if travelling.incident_counts:  # not in the manifest, whose counts every file has
        return {**counts, "incident_counts": len(travelling.incident_counts)}
    return counts


def _member(
    bundle: zipfile.ZipFile,
    name: str,
    pieces: Iterable[bytes],
    stamp: tuple[int, ...],
    *,
    compress: bool,
    known: str | None = None,
) -> str:
    """One member written piece by piece; returns the SHA-256 of what was written (or
    ``known``, when ``pieces`` check themselves against it)."""
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    digest = None if known is not None else hashlib.sha256()
    with bundle.open(info, "w", force_zip64=name == RECORDS) as out:
        for piece in pieces:
            if digest is not None:
                digest.update(piece)
            out.write(piece)
    return digest.hexdigest() if digest is not None else str(known)


def _record(store: Store, destination: str, high_water: int, target: Path) -> None:
    value = json.dumps(
        {"name": destination, "event": high_water, "at": clock.now_precise(), "file": target.name},
        ensure_ascii=False,
    )
    store.settings.set(SENT_SETTING + destination.casefold(), value, bookkeeping=True)


def _remove_stale_partials(folder: Path) -> None:
    """Temporary files of this naming a day old or more: an export killed part way."""
    now = time.time()
    for stale in folder.glob(f"{PARTIAL_PREFIX}*{PARTIAL_SUFFIX}"):
        with contextlib.suppress(OSError):
            if now - stale.stat().st_mtime > STALE_PARTIAL_S:
                stale.unlink()


def _sync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
