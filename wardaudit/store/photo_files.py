"""The photo store: each photo one file named by its SHA-256, in a fan-out folder.

A file's name is its content's digest, so a file is written once and never changed: to a
temporary name, synced, renamed into place and its folder synced, all before the record
that refers to it commits (an acknowledged photo survives a crash as an answer does).
It is verified against its name whenever it is read, and removed only when no record
refers to it, under the database's own lock so that a removal never races a commit.
The records database keeps only the digest, so it stays small whatever the photos weigh.

The same folder layout serves the live photos (``<database>-photos`` beside the database)
and the backups' photos (``<database>-backups/photos``): ``ab/abcdef…`` for a digest
``abcdef…``, 256 folders of a few hundred files each even after years.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

log = logging.getLogger(__name__)

CHUNK = 1 << 20
TEMP_PREFIX = ".incoming-"
MARKER_PREFIX = ".open-"  # one per writing session; a stale one means a session was killed
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_FOLDER = re.compile(r"^[0-9a-f]{2}$")

FileState = Literal["ok", "missing", "damaged"]
# Which of these digests does a record (or anything else worth keeping) still refer to?
ReferencedBy = Callable[[set[str]], set[str]]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_digest(text: str) -> bool:
    return bool(_DIGEST.match(text))


def sync_folder(path: Path) -> None:
    """Make a folder's entries (a file renamed into it) durable. Windows has no such call:
    NTFS journals the rename itself."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    new: bool  # written now, rather than found already there
    # the bytes for the record itself, where a store keeps them there (the trust database's)
    data: bytes | None = field(default=None, repr=False, compare=False)


class PhotoFileError(Exception):
    """A photo file could not be read as stored; the repository words it for a matron."""

    def __init__(self, sha256: str, state: FileState) -> None:
        super().__init__(f"photo file {sha256} is {state}")
        self.sha256 = sha256
        self.state = state


class PhotoFiles:
    """One content-addressed folder of photo files.

    ``lock`` is the database's own lock (the same object guards its connection): the
    bookkeeping here (which digests are being written, whether a backup is copying) is kept
    under it, so checking that nothing refers to a file and removing it is one step that no
    commit can fall between. Slow work (writing, syncing, hashing) happens outside it.
    """

    def __init__(
        self,
        root: Path,
        *,
        lock: threading.RLock | None = None,
        durable: bool = True,
        referenced: ReferencedBy | None = None,
        mark_sessions: bool = True,
    ) -> None:
        self.root = root
        self.durable = durable
        self.mark_sessions = mark_sessions
        self.lock = lock if lock is not None else threading.RLock()
        self.referenced: ReferencedBy = referenced or (lambda digests: set(digests))
        self._pending: Counter[str] = Counter()  # written, their records not yet committed
        self._temps: set[Path] = set()  # temporary files this process is writing
        self._adopted: set[Path] = set()  # ... of which a batch now has charge
        self._synced_temps: set[Path] = set()  # ... already made durable by their writer
        self._pins = 0  # backups copying from here: removals wait
        self._deferred: set[str] = set()
        self._marker: Path | None = None
        self.orphans_possible = False  # a file may have outlived a failed write

    # --- where -------------------------------------------------------------------------------

    @property
    def where(self) -> str:
        """Where the photos are, in words for a person."""
        return f"the photo folder {self.root}"

    def path_for(self, sha256: str) -> Path:
        if not is_digest(sha256):
            raise ValueError(f"not a photo digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str, size: int | None = None) -> bool:
        try:
            found = self.path_for(sha256).stat().st_size
        except OSError:
            return False
        return size is None or found == size

    # --- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def adding(self) -> Iterator[PhotoBatch]:
        """Write photos whose records commit afterwards, inside the ``with``.

        Call ``batch.sync()`` before the commit. Until the ``with`` ends the files are
        protected from every sweep; if it ends with an error, the files it wrote that no
        record refers to are removed again.
        """
        batch = PhotoBatch(self)
        try:
            yield batch
        except BaseException:
            batch.release(failed=True)
            raise
        batch.release(failed=False)

    def _hold(self, sha256: str) -> None:
        with self.lock:
            self._pending[sha256] += 1
            self._mark_session()

    def _let_go(self, sha256: str) -> None:
        with self.lock:
            self._pending[sha256] -= 1
            if self._pending[sha256] <= 0:
                del self._pending[sha256]

    def _mark_session(self) -> None:
        """Leave a mark while this session writes: if it is killed, the next clean close sees
        the mark and sweeps whatever files it left that no record refers to."""
        if self._marker is not None or not self.mark_sessions:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        marker = self.root / f"{MARKER_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        marker.touch()
        self._marker = marker

    def ensure_folder(self, folder: Path, batch: PhotoBatch | None = None) -> bool:
        """Create the fan-out folder (and the root) if needed; True when anything was made.

        With a ``batch``, the folders that hold the new entries are synced once, with the
        batch's files (a fresh store makes up to 256 fan-out folders: one sync of the root
        for them all, not one each)."""
        if folder.is_dir():
            return False
        made_root = not self.root.is_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if batch is not None:
            batch._folders.add(self.root)
            if made_root:
                batch._folders.add(self.root.parent)
        elif self.durable:
            if made_root:
                sync_folder(self.root.parent)
            sync_folder(self.root)
        return True

    def mark_synced(self, temps: list[Path]) -> None:
        """These temporary files were made durable by their writer: a batch that takes them
        need not sync them again."""
        with self.lock:
            self._synced_temps.update(temps)

    @contextlib.contextmanager
    def incoming(self, folder: Path | None = None) -> Iterator[tuple[Path, BinaryIO]]:
        """A temporary file inside the store (so the final move is a rename). Removed when
        the ``with`` ends, unless a batch has taken it (:meth:`PhotoBatch.put_temp`)."""
        where = folder or self.root
        where.mkdir(parents=True, exist_ok=True)
        temp = where / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        with self.lock:
            self._temps.add(temp)
        try:
            with open(temp, "xb") as handle:
                yield temp, handle
        finally:
            with self.lock:
                adopted = temp in self._adopted
                self._adopted.discard(temp)
                if not adopted:
                    self._temps.discard(temp)
            if not adopted:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()

    def _write_temp(self, sha256: str, data: bytes) -> Path:
        return self.write_temp(sha256, data)

    def write_temp(self, sha256: str, data: bytes, *, sync: bool = False) -> Path:
        """The bytes in a temporary file beside their final place (renamed there when a
        batch that takes it syncs), synced now with ``sync``: from any thread. Its folder
        must exist (:meth:`ensure_folder`)."""
        folder = self.path_for(sha256).parent
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        with self.lock:
            self._temps.add(temp)
        try:
            with open(temp, "xb") as handle:
                handle.write(data)
                if sync:
                    handle.flush()
                    os.fsync(handle.fileno())
        except BaseException:
            self._forget_temp(temp)
            raise
        if sync:
            self.mark_synced([temp])
        return temp

    def forget_temp(self, temp: Path) -> None:
        """Remove a temporary file from :meth:`write_temp` that no batch has taken."""
        self._forget_temp(temp)

    def _forget_temp(self, temp: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        with self.lock:
            self._temps.discard(temp)
            self._synced_temps.discard(temp)

    # --- reading -----------------------------------------------------------------------------

    def read(self, sha256: str) -> bytes:
        """The file's bytes, verified against its digest."""
        try:
            data = self.path_for(sha256).read_bytes()
        except FileNotFoundError:
            raise PhotoFileError(sha256, "missing") from None
        except IsADirectoryError:
            raise PhotoFileError(sha256, "damaged") from None
        if sha256_of(data) != sha256:
            raise PhotoFileError(sha256, "damaged")
        return data

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The file in pieces; the last step raises PhotoFileError if it does not match its
        digest, so a reader that streams it on must undo what it wrote on an error."""
        digest = hashlib.sha256()
        try:
            with open(self.path_for(sha256), "rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
                    yield chunk
        except FileNotFoundError:
            raise PhotoFileError(sha256, "missing") from None
        if digest.hexdigest() != sha256:
            raise PhotoFileError(sha256, "damaged")

    def verify(self, sha256: str) -> FileState:
        try:
            for _ in self.chunks(sha256):
                pass
        except PhotoFileError as error:
            return error.state
        except OSError:
            return "damaged"
        return "ok"

    def scan(self) -> Iterator[tuple[str, Path]]:
        """Every stored file as (digest, path), folder by folder."""
        for folder, names in self._listing():
            for name in names:
                yield name, folder / name

    def digests(self) -> set[str]:
        """The digest of every stored file, from the folders' listings alone (quick: no
        file is opened, nothing but names is made)."""
        return {name for _, names in self._listing() for name in names}

    def _listing(self) -> Iterator[tuple[Path, list[str]]]:
        try:
            folders = sorted(f for f in os.listdir(self.root) if _FOLDER.match(f))
        except (FileNotFoundError, NotADirectoryError):
            return
        for folder in folders:
            try:
                names = os.listdir(self.root / folder)
            except (FileNotFoundError, NotADirectoryError):
                continue
            yield self.root / folder, [n for n in names if n.startswith(folder) and is_digest(n)]

    def total_bytes(self) -> int:
        total = 0
        for _, path in self.scan():
            with contextlib.suppress(OSError):
                total += path.stat().st_size
        return total

    # --- removing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def pinned(self) -> Iterator[None]:
        """While a backup copies from here: nothing is removed (removals wait until after)."""
        with self.lock:
            self._pins += 1
        try:
            yield
        finally:
            with self.lock:
                self._pins -= 1
                deferred = set(self._deferred) if self._pins == 0 else set()
                self._deferred -= deferred
            if deferred:
                self.remove_unreferenced(deferred)

    def remove_unreferenced(self, digests: Iterable[str]) -> list[str]:
        """Remove those of ``digests`` that nothing refers to and nothing is writing."""
        wanted = {d for d in digests if is_digest(d)}
        if not wanted:
            return []
        removed: list[str] = []
        with self.lock:
            if self._pins:
                self._deferred |= wanted
                return []
            self._mark_session()
            keep = self.referenced(wanted) | set(self._pending)
            for sha256 in sorted(wanted - keep):
                try:
                    self.path_for(sha256).unlink()
                    removed.append(sha256)
                except FileNotFoundError:
                    continue
                except OSError as error:
                    self.orphans_possible = True
                    log.warning("could not remove the unused photo file %s: %s", sha256, error)
        return removed

    def discard(self, digests: set[str]) -> list[str]:
        """Remove these files, which the caller knows nothing refers to (the backups' own
        thinning, under the backup folder's lock)."""
        removed = []
        for sha256 in sorted(digests):
            with contextlib.suppress(FileNotFoundError):
                self.path_for(sha256).unlink()
                removed.append(sha256)
        return removed

    def sweep(self) -> list[str]:
        """Remove every file nothing refers to, and temporary files a killed session left.

        The folder is listed without the lock; the check and the removals are made under
        it, so a photo written meanwhile is either pending or referenced, never removed.
        """
        found = self.digests()
        stale_temps = [p for p in self._temp_files() if p not in self._temps]
        for temp in stale_temps:
            with self.lock:
                if temp in self._temps:
                    continue
                with contextlib.suppress(OSError):
                    temp.unlink()
        removed = self.remove_unreferenced(found)
        if removed:
            log.info("removed %d photo file(s) no record refers to", len(removed))
        return removed

    def _temp_files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        found = list(self.root.glob(f"{TEMP_PREFIX}*"))
        found += self.root.glob(f"??/{TEMP_PREFIX}*")
        return found

    def close_session(self) -> None:
        """A clean end: sweep if an earlier session was killed (its mark is still there) or
        this one may have left a stray file, then take this session's mark away."""
        if not self.root.is_dir():
            return
        stale = [p for p in self.root.glob(f"{MARKER_PREFIX}*") if p != self._marker]
        if stale or self.orphans_possible:
            self.sweep()
            for marker in stale:
                with contextlib.suppress(OSError):
                    marker.unlink()
        if self._marker is not None:
            with contextlib.suppress(OSError):
                self._marker.unlink()
            self._marker = None
        self.orphans_possible = False


SYNC_THREADS = 16


def _fsync_path(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_all(paths: list[Path], *, folders: bool = False) -> None:
    """Sync many files (or ``folders``): side by side, since a disk (and its journal) serves
    several syncs in the time of one; several times quicker for a batch of photos than one
    by one."""
    sync = sync_folder if folders else _fsync_path
    if len(paths) <= 2:
        for path in paths:
            sync(path)
        return
    from concurrent.futures import ThreadPoolExecutor  # loaded with the first batch of photos

    with ThreadPoolExecutor(min(SYNC_THREADS, len(paths)), "wardaudit-sync") as pool:
        for _ in pool.map(sync, paths):
            pass


@dataclass
class PhotoBatch:
    """Photos written in one go, for records that commit together once ``sync`` is done.

    Files are written to temporary names first; ``sync`` then makes them durable together
    (one pass of syncs after all the writing is far quicker than a sync after each file)
    and only then renames each into place, so a file under its digest is always whole.
    """

    files: PhotoFiles
    stored: list[StoredFile] = field(default_factory=list)
    _waiting: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, final)
    _folders: set[Path] = field(default_factory=set)
    _held: list[str] = field(default_factory=list)
    _in_batch: set[str] = field(default_factory=set)
    _synced: bool = True

    def put(self, data: bytes) -> StoredFile:
        """Store ``data`` under its digest (once: an intact copy already there is kept)."""
        sha256 = sha256_of(data)
        return self._store(sha256, len(data), lambda: self.files._write_temp(sha256, data))

    def put_temp(self, temp: Path, sha256: str, size: int) -> StoredFile:
        """Store a temporary file of this store, already checked against ``sha256`` and
        closed, as that photo: the batch takes charge of it (renamed into place on sync)."""
        with self.files.lock:
            self.files._adopted.add(temp)
        stored = self._store(sha256, size, lambda: temp)
        if not stored.new:
            self.files._forget_temp(temp)  # an intact copy is already there
        return stored

    def put_synced(self, temp: Path, sha256: str, size: int) -> StoredFile:
        """Store a temporary file from :meth:`PhotoFiles.write_temp`, already checked against
        ``sha256``, as that photo: the batch takes charge of it (renamed into place on
        sync, and synced then unless its writer synced it)."""
        stored = self._store(sha256, size, lambda: temp)
        if not stored.new:
            self.files._forget_temp(temp)  # an intact copy is already there
        return stored

    def _store(self, sha256: str, size: int, write: Callable[[], Path]) -> StoredFile:
        if sha256 in self._in_batch:
            stored = StoredFile(sha256, size, False)
            self.stored.append(stored)
            return stored
        self.files._hold(sha256)
        self._held.append(sha256)
        self._in_batch.add(sha256)
        target = self.files.path_for(sha256)
        new = self.files.verify(sha256) != "ok"  # not there, or there but damaged: afresh
        if new:
            self.files.ensure_folder(target.parent, self)
            self._waiting.append((write(), target))
            self._synced = False
        self._folders.add(target.parent)
        stored = StoredFile(sha256, size, new)
        self.stored.append(stored)
        return stored

    def sync(self, *, folders: bool = True) -> None:
        """Make every file of the batch durable under its name: call before the commit.

        ``folders=False`` syncs the files and renames them into place but leaves the
        folders' syncs (which make the new names durable) to a later ``sync()``: a long
        batch can then hand its files over as it goes, so what it holds stays small, and
        still sync each folder once."""
        waiting, self._waiting = self._waiting, []
        try:
            if self.files.durable:
                with self.files.lock:
                    synced = set(self.files._synced_temps)
                fsync_all([temp for temp, _ in waiting if temp not in synced])
            for temp, target in waiting:
                os.replace(temp, target)
                with self.files.lock:
                    self.files._temps.discard(temp)
                    self.files._synced_temps.discard(temp)
            if not folders:
                return
            if self.files.durable:
                # The fan-out folders (their new entries), then the root (new folders).
                roots = {self.files.root, self.files.root.parent}
                fsync_all(sorted(self._folders - roots), folders=True)
                fsync_all(sorted(self._folders & roots), folders=True)
        except BaseException:
            self._waiting = [w for w in waiting if w[0].exists()]
            raise
        self._folders.clear()
        self._synced = True

    def release(self, *, failed: bool) -> None:
        for temp, _ in self._waiting:
            self.files._forget_temp(temp)
        self._waiting = []
        if failed:
            new = {s.sha256 for s in self.stored if s.new}
            for sha256 in self._held:
                self.files._let_go(sha256)
            self._held = []
            try:
                self.files.remove_unreferenced(new)
            except Exception:  # the error that failed the batch matters more; swept later
                self.files.orphans_possible = True
                log.exception("could not tidy the photo files of a failed change")
            return
        if not self._synced:
            log.warning("photo files were written but never synced; they were not kept")
        for sha256 in self._held:
            self.files._let_go(sha256)
        self._held = []
