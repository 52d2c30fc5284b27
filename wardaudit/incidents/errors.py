"""The incident import's refusals, in WardAudit's one family of errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from wardaudit.errors import InvalidInput, WardAuditError


def size_words(size: int) -> str:
    """A file size as a person reads it: 900 bytes, 12 KB, 3.4 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")


class MappingError(WardAuditError):
    """A mapping file is malformed; ``problems`` lists every problem found, each with its place."""

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"the incident mapping {self.path} has {len(self.problems)} problem(s):\n{lines}"
        )


class IncidentsRefused(InvalidInput):
    """An incident export cannot be read at all; nothing from it is used.

    ``problems`` is bounded (the first few dozen); ``total`` counts them all.
    """

    def __init__(self, path: Path | str, problems: Sequence[str], total: int | None = None) -> None:
        self.path = str(path)
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        listed = "\n".join(f"  {p}" for p in self.problems)
        more = self.total - len(self.problems)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{Path(self.path).name} was not read and nothing has been imported. "
            f"{self.total} problem(s):\n{listed}{tail}"
        )


class ImportBlocked(InvalidInput):
    """An export was read but cannot be imported yet (rows with problems, rows that
    disagree); nothing has been imported. ``problems`` says why, a line each."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        listed = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: nothing has been imported.\n{listed}")
