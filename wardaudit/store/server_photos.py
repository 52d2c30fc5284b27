"""The photo store of the trust database: each photo's bytes in its record's ``data``.

On a laptop the photos live as files beside the database (:mod:`photo_files`); on the
server they stay in ``photos.data`` (bytea), so the server's backups hold them with their
records and every quality-team computer reaches them through its one connection. This
class offers the repositories the same calls as :class:`PhotoFiles`, with the meaning
each has here: ``put`` only hashes (the bytes go into the record's INSERT, in the same
transaction, through :attr:`StoredFile.data`), a read is checked against the digest the
record keeps, and there is never a stray file to sweep.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from wardaudit.errors import StoreError
from wardaudit.store.photo_files import CHUNK, FileState, PhotoFileError, StoredFile, sha256_of

if TYPE_CHECKING:
    from wardaudit.store.server import ServerDatabase

log = logging.getLogger(__name__)


class ServerPhotos:
    """``db.photo_files`` of the trust database, backed by the ``photos.data`` column."""

    durable = False  # nothing to sync here: the server's commit makes the bytes durable
    orphans_possible = False  # bytes go and come with their record, never on their own

    def __init__(self, db: ServerDatabase) -> None:
        self._db = db
        self.where = "the trust database"

    # --- where -------------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        """No folder: refused, so that nothing shows or copies a folder that is not there."""
        raise StoreError(
            "the trust database keeps its photos inside it (backed up with their records by "
            "the server's own backups), not in a folder; this works only with a database file"
        )

    def path_for(self, sha256: str) -> Path:
        """No file per photo on the server: refused, for the same reason as :attr:`root`."""
        return self.root / sha256

    def has(self, sha256: str, size: int | None = None) -> bool:
        rows = self._db.query(
            "SELECT size FROM photos WHERE sha256 = ? AND data IS NOT NULL LIMIT 1", (sha256,)
        )
        return bool(rows) and (size is None or int(rows[0][0] or 0) == size)

    # --- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def adding(self) -> Iterator[ServerPhotoBatch]:
        """Photos whose records commit inside the ``with``; the bytes travel in the records'
        own INSERT, so a failed change leaves nothing behind to tidy."""
        yield ServerPhotoBatch()

    @contextlib.contextmanager
    def incoming(self, folder: Path | None = None) -> Iterator[tuple[Path, BinaryIO]]:
        """A photo streamed from an exchange file into a private temporary file on this
        computer (never held whole in memory); the merge reads it into its record. Removed
        when the ``with`` ends, however it ends."""
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by its reader, removed here
            prefix="wardaudit-incoming-", dir=folder, delete=False
        )
        temp = Path(handle.name)
        try:
            yield temp, handle  # type: ignore[misc]
        finally:
            handle.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)

    def mark_synced(self, temps: list[Path]) -> None:
        """Nothing to note: a temporary file here is only read into its record."""

    # --- reading -----------------------------------------------------------------------------

    def read(self, sha256: str) -> bytes:
        """The photo's bytes from a record that holds them, checked against the digest."""
        with self._db.mutex:
            cursor = self._db.conn.execute(
                "SELECT data FROM photos WHERE sha256 = ? AND data IS NOT NULL", (sha256,)
            )
            found = False
            for (data,) in cursor:
                found = True
                data = bytes(data)
                if sha256_of(data) == sha256:
                    return data
        if not found:
            raise PhotoFileError(sha256, "missing")
        raise PhotoFileError(sha256, "damaged")

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The photo in pieces (it is read whole from the server, then checked, so a damaged
        one raises before any piece is handed on)."""
        data = memoryview(self.read(sha256))
        for start in range(0, len(data), CHUNK):
            yield bytes(data[start : start + CHUNK])

    def verify(self, sha256: str) -> FileState:
        try:
            self.read(sha256)
        except PhotoFileError as error:
            return error.state
        return "ok"

    def scan(self) -> Iterator[tuple[str, Path]]:
        """No files to list on the server: refused (a caller would take none for all lost)."""
        raise StoreError(
            "the trust database keeps its photos inside it, not as files; "
            "use 'wardaudit check --photos' to read and check every one"
        )

    def digests(self) -> set[str]:
        return {str(r[0]) for r in self._db.query("SELECT DISTINCT sha256 FROM photos")}

    def total_bytes(self) -> int:
        return int(self._db.query("SELECT coalesce(sum(length(data)), 0) FROM photos")[0][0])

    # --- removing ----------------------------------------------------------------------------

    def remove_unreferenced(self, digests: Iterable[str]) -> list[str]:
        """Nothing to remove: a photo's bytes went with the record deleted in its change."""
        return []

    def sweep(self) -> list[str]:
        """Nothing to sweep: no bytes outlive their record on the server."""
        return []

    def close_session(self) -> None:
        """No session marker on the server: a killed change is undone by the server."""


@dataclass
class ServerPhotoBatch:
    """Photos of one change: each hashed, its bytes handed to the INSERT of its record."""

    stored: list[StoredFile] = field(default_factory=list)

    def put(self, data: bytes) -> StoredFile:
        stored = StoredFile(sha256_of(data), len(data), True, data=bytes(data))
        self.stored.append(stored)
        return stored

    def put_temp(self, temp: Path, sha256: str, size: int) -> StoredFile:
        """A received photo, read back from its temporary file and checked once more (the
        file sat on this computer's disk since it was hashed)."""
        data = temp.read_bytes()
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(
                "a photo of the exchange file changed on this computer's disk while it was "
                "being imported; nothing was imported. Import the file again."
            )
        stored = StoredFile(sha256, size, True, data=data)
        self.stored.append(stored)
        return stored

    def sync(self) -> None:
        """Nothing to sync: the server makes the bytes durable with their record's commit."""
