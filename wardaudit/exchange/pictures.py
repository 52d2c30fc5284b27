"""An exchange file's photos checked side by side while the archive streams on.

Checking a photo as a picture (its header, its pixel limits, a decode) costs far more than
reading it from the archive, and the decoder works outside Python's lock; so up to
``PHOTO_THREADS`` photos are checked at once in worker threads while the reader goes on
to the next member. What comes out is what checking one photo after another finds: the
photos in file order and, for a file with bad photos, the refusal of the first bad one in
file order, so the same file is always refused in the same words.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

PHOTO_THREADS = 4
# Photos read ahead of their checks: at most this many, holding at most this many bytes
# (and one photo more), so memory stays small whatever the file weighs.
AHEAD_PHOTOS = 2 * PHOTO_THREADS
AHEAD_BYTES = 32 * 1024 * 1024


class SideBySide(Generic[T]):
    """Work on each photo of a file in worker threads, its results taken in file order.

    ``submit`` each photo's work as the reader meets it; ``finish`` waits for the rest and
    returns (photo, result) in the order submitted, raising the first failure in that
    order. Leaving the ``with`` waits for work already running and drops what has not
    started, so nothing is still being written once the reader has gone.
    """

    def __init__(self, threads: int = PHOTO_THREADS) -> None:
        self._pool = ThreadPoolExecutor(threads, "wardaudit-photo")
        self._waiting: deque[tuple[str, Future[T], int]] = deque()
        self._bytes = 0
        self._failed = False
        self._done: list[tuple[str, T]] = []

    def __enter__(self) -> SideBySide[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, photo: str, size: int, work: Callable[[], T]) -> None:
        """Start ``work`` for ``photo`` (of ``size`` bytes held meanwhile), first waiting for
        the oldest photos while too many are ahead."""
        while self._waiting and (
            len(self._waiting) >= AHEAD_PHOTOS or self._bytes + size > AHEAD_BYTES
        ):
            self._take_oldest()
        self._waiting.append((photo, self._pool.submit(work), size))
        self._bytes += size

    def finish(self) -> list[tuple[str, T]]:
        """Every photo's result, in file order, once all are done."""
        while self._waiting:
            self._take_oldest()
        return self._done

    def refuse_as_one_by_one(self) -> None:
        """The reader has met a problem with the member after those still being checked:
        an earlier photo's own refusal, if there is one, is the file's (as checking one by
        one would have found it first). Raises it; returns if the earlier photos pass."""
        if not self._failed:
            self.finish()

    def _take_oldest(self) -> None:
        photo, future, size = self._waiting.popleft()
        self._bytes -= size
        try:
            result = future.result()
        except BaseException:
            self._failed = True  # the first failure in file order: later ones do not count
            raise
        self._done.append((photo, result))
