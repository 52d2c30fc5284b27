"""Exchange files on the Board: what a file would bring in (a dry run), importing each file
in a transaction of its own, and the records in conflict, in words (no record ids).

The functions here run in the worker: they read the store, never a widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wardaudit.errors import BundleConflicts, BundleRefused, Cancelled, WardAuditError
from wardaudit.exchange import Conflict, ImportPlan, import_bundle
from wardaudit.model import Audit
from wardaudit.progress import Progress, no_progress
from wardaudit.store import Store
from wardaudit.words import conflict_words, new_count, plural, sentence

LAST_EXPORT_SETTING = "exchange_last_export"  # the day of the last exchange export, for "since"


def conflict_sentence(store: Store, conflict: Conflict) -> str:
    """A conflict in the core's words; for an audit, the copy here names its ward and day.

    Runs in the worker: it reads the store, never a widget.
    """
    audit: Audit | None = None
    if conflict.kind == "audit":
        try:
            audit = store.audits.get(conflict.record).audit
        except WardAuditError:
            audit = None  # the sentence then speaks of "a signed-off audit"
    return conflict_words(conflict, audit)


@dataclass(frozen=True)
class FilePreview:
    """What importing one exchange file would do, or why it is refused."""

    path: Path
    plan: ImportPlan | None
    conflicts: tuple[str, ...] = ()  # in words
    refused: str = ""

    @property
    def new(self) -> int:
        return new_count(self.plan) if self.plan else 0


@dataclass(frozen=True)
class FileResult:
    path: Path
    plan: ImportPlan | None
    problem: str = ""


def preview_exchange_files(store: Store, paths: Sequence[Path]) -> list[FilePreview]:
    """A dry run of each file (in the worker): nothing is changed."""
    previews = []
    for path in paths:
        try:
            plan = import_bundle(store, path, dry_run=True, skip_conflicts=True)
        except BundleRefused as error:
            previews.append(FilePreview(Path(path), None, refused=sentence(error)))
            continue
        conflicts = tuple(conflict_sentence(store, c) for c in plan.conflict_records)
        previews.append(FilePreview(Path(path), plan, conflicts))
    return previews


def import_exchange_files_now(
    store: Store,
    paths: Sequence[Path],
    *,
    skip_conflicts: bool,
    progress: Progress = no_progress,
) -> list[FileResult]:
    """Import each file in one transaction of its own (in the worker). After a Cancel, the
    file being read is left out whole, as are those after it; those before are kept."""
    results: list[FileResult] = []
    for n, path in enumerate(paths):
        try:
            plan = import_bundle(store, path, skip_conflicts=skip_conflicts, progress=progress)
        except Cancelled:
            results += [
                FileResult(Path(p), None, "not imported: the import was cancelled")
                for p in paths[n:]
            ]
            break
        except BundleConflicts as error:
            results.append(
                FileResult(
                    Path(path),
                    None,
                    f"not imported: {plural(len(error.conflicts), 'record')} conflict with the "
                    "records here, which are kept as they are",
                )
            )
        except BundleRefused as error:
            results.append(FileResult(Path(path), None, f"refused: {error}"))
        else:
            results.append(FileResult(Path(path), plan))
    return results
