"""Photos taken on the walk-round, kept with the audit item they show.

The bytes live in the photo store beside the database (one file per photo, named by its
SHA-256); the record keeps the digest. A photo's file is written and synced before the
record that refers to it commits, checked against the digest whenever it is read, and
removed only once no record refers to it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from wardaudit import clock
from wardaudit.errors import AuditLocked, DiskFull, NotFound, PhotoUnreadable, StoreError
from wardaudit.model import Photo
from wardaudit.progress import Progress, no_progress
from wardaudit.store.backups import backup_photo_store
from wardaudit.store.history import append_event, new_uuid
from wardaudit.store.photo_files import PhotoFileError, PhotoFiles, fsync_all

if TYPE_CHECKING:
    from wardaudit.store import Store
    from wardaudit.store.database import Executor
    from wardaudit.store.server_photos import ServerPhotos

PhotoProblemKind = Literal["missing", "damaged"]
CHECKING_WORDS = "Checking photos"


@dataclass(frozen=True)
class NewPhoto:
    """A picture for an audit item, ready for the store (already scaled and encoded)."""

    item: str
    data: bytes
    filename: str
    width: int
    height: int
    media_type: str = "image/jpeg"


@dataclass(frozen=True)
class PhotoProblem:
    """A photo whose file is missing or no longer matches the digest its record keeps."""

    photo: str
    problem: PhotoProblemKind
    audit: str
    ward: str
    item: str
    filename: str
    added_at: str
    in_backups: bool  # an intact copy is in the backup folder, so it can be put back


@dataclass(frozen=True)
class PhotoCheck:
    """What ``check --photos`` found: every photo read and checked against its digest."""

    checked: int
    bytes_checked: int
    problems: tuple[PhotoProblem, ...]
    repaired: tuple[str, ...] = ()


@dataclass(frozen=True)
class IncomingPhoto:
    """A photo from an exchange file, checked and written into a temporary file of the photo
    store; the merge renames it into place."""

    temp: Path | None  # None when it was only hashed (a dry run)
    sha256: str
    size: int


class PhotoReceiver:
    """Photos arriving from outside (an exchange file), each written into a temporary file
    of the photo store, so that keeping it is a rename; see :meth:`Photos.receiving`."""

    def __init__(self, files: PhotoFiles | ServerPhotos, stack: contextlib.ExitStack) -> None:
        self._files = files
        self._undo = stack
        self._lock = threading.Lock()
        self._temps: list[Path] = []
        self._synced: set[Path] = set()

    def keep(self, data: bytes, sha256: str) -> IncomingPhoto:
        """A photo, read whole and checked, into a temporary file, synced there now where the
        store syncs its files: from any thread, so that photos are written and synced side
        by side as they arrive and the records' commit waits for none of them. The disk's
        refusal is said as such (DiskFull or StoreError), never as a bad file."""
        with self._lock:
            temp, handle = self._undo.enter_context(self._files.incoming())
        try:
            handle.write(data)
            if self._files.durable:
                handle.flush()
                os.fsync(handle.fileno())
            handle.close()
        except OSError as error:
            raise _not_saved(self._files.where, error) from error
        with self._lock:
            self._temps.append(temp)
            if self._files.durable:
                self._synced.add(temp)
        if self._files.durable:
            self._files.mark_synced([temp])
        return IncomingPhoto(temp, sha256, len(data))

    def sync(self) -> None:
        """Make every received file durable now (those not synced as they arrived), before
        the records' transaction begins (so that the transaction itself stays short)."""
        if self._files.durable:
            with self._lock:
                temps = [t for t in self._temps if t not in self._synced and t.exists()]
            fsync_all(temps)
            self._files.mark_synced(temps)
            with self._lock:
                self._synced.update(temps)


def _not_saved(where: str, error: OSError) -> StoreError:
    words = (
        f"the photos of the exchange file could not be saved in {where} "
        f"({error.strerror or error}). Nothing was imported."
    )
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFull(f"{words} Free some space on the laptop's disk, then import again.")
    return StoreError(words)


class Photos:
    """``store.photos``: added and removed while an audit is open, read back by id."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._db = store._db
        self._files = store._db.photo_files

    def add(
        self,
        audit_ref: str,
        item_id: str,
        data: bytes,
        *,
        filename: str,
        media_type: str,
        width: int,
        height: int,
        actor: str = "",
    ) -> Photo:
        """Keep a photo with an item: its file is durable before its record commits."""
        row = self._store.audits._row(audit_ref)
        if row.status != "in_progress":
            raise AuditLocked(f"audit {row.uuid} is signed off and locked")
        self._store.checklists._checklist(row.checklist_version_id).item(item_id)
        photo_uuid = new_uuid()
        now = clock.now_iso()
        with self._files.adding() as batch:
            stored = batch.put(data)
            batch.sync()
            with self._db.transaction() as conn:
                if conn.execute(
                    "SELECT status FROM audits WHERE id = ?", (row.rowid,)
                ).fetchone() != ("in_progress",):
                    raise AuditLocked(f"audit {row.uuid} is signed off and locked")
                insert_photo(
                    conn,
                    photo_uuid,
                    row.rowid,
                    item_id,
                    filename=filename,
                    media_type=media_type,
                    width=width,
                    height=height,
                    added_at=now,
                    sha256=stored.sha256,
                    size=stored.size,
                    data=stored.data,
                )
                append_event(
                    conn,
                    "photo_added",
                    actor=actor,
                    audit_rowid=row.rowid,
                    item=item_id,
                    photo=photo_uuid,
                    filename=filename,
                )
        return Photo(photo_uuid, item_id, filename, media_type, width, height, now)

    def remove(self, photo_ref: str, *, actor: str = "") -> None:
        rows = self._db.query(
            "SELECT p.id, a.status, a.id, p.item_id, p.sha256 FROM photos p"
            " JOIN audits a ON a.id = p.audit_id WHERE p.uuid = ?",
            (photo_ref,),
        )
        if not rows:
            raise NotFound(f"no photo with the id '{photo_ref}'")
        if rows[0][1] != "in_progress":
            raise AuditLocked("the audit is signed off and locked")
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM photos WHERE id = ?", (rows[0][0],))
            append_event(
                conn,
                "photo_removed",
                actor=actor,
                audit_rowid=rows[0][2],
                item=rows[0][3],
                photo=photo_ref,
            )
        # After the commit, and only if no other record refers to the same picture.
        self._files.remove_unreferenced({rows[0][4]})

    def data(self, photo_ref: str) -> bytes:
        """The photo's bytes, checked against its digest: a damaged or missing file raises
        PhotoUnreadable (the screens show a "damaged photo" placeholder), never wrong bytes."""
        sha256 = self._digest(photo_ref)
        try:
            return self._files.read(sha256)
        except PhotoFileError as error:
            raise self._unreadable(photo_ref, error.state) from None

    @contextlib.contextmanager
    def receiving(self) -> Iterator[PhotoReceiver]:
        """Photos arriving from an exchange file, streamed into the photo store's own folder
        (so the final move is a rename) before the merge that keeps them; whatever the merge
        has not taken is removed when the ``with`` ends, however it ends."""
        with contextlib.ExitStack() as stack:
            yield PhotoReceiver(self._files, stack)

    def chunks(self, photo_ref: str) -> Iterator[bytes]:
        """The photo's bytes in pieces, for streaming it on without holding it whole; the
        last step raises PhotoUnreadable if they do not match its digest (the reader then
        undoes what it wrote)."""
        sha256 = self._digest(photo_ref)
        try:
            yield from self._files.chunks(sha256)
        except PhotoFileError as error:
            raise self._unreadable(photo_ref, error.state) from None

    def digest(self, photo_ref: str) -> tuple[str, int]:
        """The photo's SHA-256 and size in bytes, as its record keeps them."""
        rows = self._db.query("SELECT sha256, size FROM photos WHERE uuid = ?", (photo_ref,))
        if not rows:
            raise NotFound(f"no photo with the id '{photo_ref}'")
        return str(rows[0][0]), int(rows[0][1])

    def _digest(self, photo_ref: str) -> str:
        return self.digest(photo_ref)[0]

    def _unreadable(self, photo_ref: str, state: str) -> PhotoUnreadable:
        found = self._db.query(
            "SELECT p.filename, p.item_id, w.name FROM photos p JOIN audits a ON a.id = p.audit_id"
            " JOIN wards w ON w.id = a.ward_id WHERE p.uuid = ?",
            (photo_ref,),
        )
        filename, item, ward = found[0] if found else ("?", "?", "?")
        what = "is missing from" if state == "missing" else "no longer matches what was saved in"
        return PhotoUnreadable(
            f"the photo {filename} of item {item} ({ward}) {what} "
            f"{self._files.where}. It is not shown. Run 'wardaudit check --photos' to list "
            "every such photo and put back intact copies from the backups.",
            photo=photo_ref,
            problem="missing" if state == "missing" else "damaged",
        )

    # --- checking ------------------------------------------------------------------------------

    def check(self, *, progress: Progress = no_progress, repair: bool = False) -> PhotoCheck:
        """Read every photo and check it against its digest (off the UI thread: it reads
        every byte). With ``repair``, a damaged or missing photo with an intact copy in the
        backup folder is put back from it."""
        rows = self._db.query(
            "SELECT p.uuid, p.sha256, p.size, a.uuid, w.name, p.item_id, p.filename, p.added_at"
            " FROM photos p JOIN audits a ON a.id = p.audit_id JOIN wards w ON w.id = a.ward_id"
            " ORDER BY p.sha256"
        )
        # the trust database's photos are backed up by the server, not in a folder here
        spare = backup_photo_store(self._store.path) if self._store.engine == "sqlite" else None
        total = len(rows)
        problems: list[PhotoProblem] = []
        repaired: list[str] = []
        states: dict[str, str] = {}
        done = checked_bytes = 0
        progress(CHECKING_WORDS, 0, total)
        for photo, sha256, size, audit, ward, item, filename, added_at in rows:
            state = states.get(sha256)
            if state is None:
                state = self._files.verify(sha256)
                checked_bytes += int(size or 0)
                if state != "ok" and repair and spare and spare.verify(sha256) == "ok":
                    self._put_back(sha256, spare.read(sha256))
                    if self._files.verify(sha256) == "ok":
                        repaired.append(sha256)
                        state = "ok"
                states[sha256] = state
            if state != "ok":
                problems.append(
                    PhotoProblem(
                        photo,
                        "missing" if state == "missing" else "damaged",
                        audit,
                        ward,
                        item,
                        filename,
                        added_at,
                        bool(spare and spare.has(sha256, int(size or 0))),
                    )
                )
            done += 1
            if done % 25 == 0 or done == total:
                progress(CHECKING_WORDS, done, total)
        return PhotoCheck(done, checked_bytes, tuple(problems), tuple(repaired))

    def _put_back(self, sha256: str, data: bytes) -> None:
        with self._files.adding() as batch:
            batch.put(data)
            batch.sync()

    def sweep(self) -> int:
        """Remove photo files no record refers to (left by a change that was killed before it
        committed); returns how many went."""
        return len(self._files.sweep())

    def count(self) -> int:
        return int(self._db.query("SELECT count(*) FROM photos")[0][0])

    def bytes_stored(self) -> int:
        """The photos' bytes, from their records (no file is read)."""
        return int(self._db.query("SELECT coalesce(sum(size), 0) FROM photos")[0][0])


def insert_photo(
    conn: Executor,
    photo_uuid: str,
    audit_rowid: int,
    item_id: str,
    *,
    filename: str,
    media_type: str,
    width: int,
    height: int,
    added_at: str,
    sha256: str,
    size: int,
    data: bytes | None = None,
) -> None:
    """A photo's record, pointing at a file already synced in the photo store, or holding
    its bytes in ``data`` where the store keeps them in the record (the trust database)."""
    in_record = ", data" if data is not None else ""
    conn.execute(
        "INSERT INTO photos(uuid, audit_id, item_id, filename, media_type, width, height,"
        f" added_at, sha256, size{in_record}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
        f"{', ?' if data is not None else ''})",
        (
            photo_uuid,
            audit_rowid,
            item_id,
            filename,
            media_type,
            width,
            height,
            added_at,
            sha256,
            size,
            *((data,) if data is not None else ()),
        ),
    )
