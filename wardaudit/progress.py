"""Progress of long work, told to whoever shows it: a line on stderr, a dialog's bar.

Work that takes long calls ``progress(what, done, total)`` now and then, from whichever
thread it runs on; the one showing it must hand it over to its own thread. A progress
callback may raise :class:`wardaudit.errors.Cancelled` to stop the work: work that can be
cancelled undoes what it did, so nothing is left half done.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def no_progress(what: str, done: int, total: int) -> None:
    """For work nobody is watching."""
