"""One family of errors, each carrying a message a matron or an IT officer can act on.

The desktop app turns these into dialogs in one place; the command line prints them as
``wardaudit: error: ...`` and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path


class WardAuditError(Exception):
    """Something the user can understand and act on went wrong."""


class NotFound(WardAuditError):
    """A ward, audit, checklist or action named by the user does not exist."""


class InvalidInput(WardAuditError):
    """A value given by the user is not acceptable (an unknown answer, a bad date...)."""


class AuditLocked(WardAuditError):
    """The audit is signed off and locked; changes are amendments with a reason."""


class AuditIncomplete(WardAuditError):
    """Sign-off refused while applicable items are unanswered."""

    def __init__(self, message: str, unanswered: list[str]) -> None:
        super().__init__(message)
        self.unanswered = unanswered


class ChecklistError(WardAuditError):
    """A checklist file is malformed; ``problems`` lists every problem found."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"the checklist file {self.path} has {len(problems)} problem(s):\n{lines}")


class ChecklistConflict(ChecklistError):
    """Two checklist files give one checklist id and version different content.

    Neither file is used: which one an audit ran on must never depend on which was read last.
    """

    def __init__(self, checklist_id: str, version: int, paths: list[str]) -> None:
        self.checklist_id = checklist_id
        self.version = version
        self.paths = list(paths)
        names = " and ".join(self.paths)
        message = (
            f"the checklist '{checklist_id}' version {version} is given by more than one file "
            f"with different content ({names}); neither is used until one is removed or given "
            "its own id or a new version. Audits already started keep the content they were "
            "answered against"
        )
        super().__init__(self.paths[0] if self.paths else "", [message])
        self.args = (message,)

    def __str__(self) -> str:
        return self.problems[0]


class StoreError(WardAuditError):
    """The database cannot be used as asked."""


class ChecklistVersionClash(StoreError):
    """The database already holds this checklist id and version with different content.

    Audits are pinned to the content they were answered against; two contents under one
    version would make "version 2" mean two things in the same record.
    """

    def __init__(self, checklist_id: str, version: int, source: str, held_since: str) -> None:
        self.checklist_id = checklist_id
        self.version = version
        self.source = source
        where = f" in {source}" if source else ""
        super().__init__(
            f"the checklist '{checklist_id}' version {version}{where} differs from the "
            f"version {version} this database already holds (in use since {held_since}), so it "
            "was not used: audits keep the content they were answered against, and one version "
            "cannot mean two things. If the file was changed on purpose, increase its "
            "'version' (or give it its own 'id') and try again; otherwise put back the file "
            "as it was"
        )


class DatabaseDamaged(StoreError):
    """The database file failed its integrity check or is not a WardAudit database."""

    def __init__(self, path: Path, detail: str, newest_backup: Path | None) -> None:
        self.path = path
        self.detail = detail
        self.newest_backup = newest_backup
        if newest_backup is not None:
            advice = (
                f"The newest backup is {newest_backup}. Restore it with "
                f'\'wardaudit --db "{path}" backups restore "{newest_backup}"\' '
                "(the damaged file is kept beside it), or ask IT for help."
            )
        else:
            advice = (
                "No backup was found. Keep the file and ask IT for help; it has not been changed."
            )
        super().__init__(
            f"the database {path} is damaged ({detail}). Nothing has been changed. {advice}"
        )


class DatabaseInUse(StoreError):
    """Another WardAudit (the app or a command) already has this database open for writing."""


class DatabaseTooNew(StoreError):
    """The database was written by a newer WardAudit than this one."""


class DatabaseNeedsUpgrade(StoreError):
    """Opened read-only, the database is at an older schema; one writable open upgrades it."""


class DatabaseMissing(NotFound):
    """There is no database at the path, and a command that only reads made none."""


class JournalWithoutDatabase(StoreError):
    """A database's journal (its ``-wal`` file, holding its latest changes) is there without it.

    Nothing is created over it: a new database beside an old journal could take in pages
    of the old one, and the journal may be all that is left of someone's latest answers.
    """


class DiskFull(StoreError):
    """The disk is full: what was being saved was not saved; nothing saved before is lost."""


class DatabaseReadOnly(StoreError):
    """WardAudit may not write here: a read-only disk, a folder it may not write, a read-only file."""


class DatabasePathUnusable(StoreError):
    """No database can be at this path: a folder or a file is in the way, or a name is too long."""


class DiskError(StoreError):
    """The disk reported an input/output error that a full or read-only disk does not explain."""


class BackupFailed(StoreError):
    """A backup could not be made; everything already saved in the database is still saved."""


class PhotoUnreadable(StoreError):
    """A photo's file is missing or its bytes no longer match the digest kept with its record.

    Never shown wrong: the screens show a "damaged photo" placeholder in its place, and
    ``wardaudit check --photos`` lists every such photo.
    """

    def __init__(self, message: str, *, photo: str, problem: str) -> None:
        super().__init__(message)
        self.photo = photo
        self.problem = problem  # "missing" or "damaged"


class Cancelled(WardAuditError):
    """She stopped long work before it ended; what it had done was undone."""


class ServerUnavailable(StoreError):
    """The trust database server cannot be reached, or it refused this login."""


class NotPermitted(StoreError):
    """The login may not do this on the trust database (a role it lacks); nothing changed."""


class ConnectionLost(StoreError):
    """The connection to the trust database broke mid-change; the server undid the change."""


class DatabaseTooOld(StoreError):
    """The trust database's schema is older than this WardAudit: its owner upgrades it."""


class ChangedMeanwhile(StoreError):
    """Someone else changed this record after it was shown; the change was not saved.

    ``by`` and ``at`` say who changed it and when, so the person can look again.
    """

    def __init__(self, message: str, *, by: str, at: str) -> None:
        super().__init__(message)
        self.by = by
        self.at = at


class ExportFailed(WardAuditError):
    """A document could not be written; nothing was left behind."""


class UpdatesRefused(InvalidInput):
    """A returned workbook cannot be taken back; ``problems`` lists each one (the first few
    dozen when there are more: ``more`` counts the rest, so the message never floods)."""

    def __init__(self, path: Path, problems: list[str], more: int = 0) -> None:
        self.path = path
        self.problems = list(problems)
        self.more = more
        listed = "\n".join(f"  {p}" for p in self.problems)
        total = len(self.problems) + more
        if more:
            listed += f"\n  and {more} more problem{'s' if more != 1 else ''}"
        super().__init__(
            f"{path.name} was not imported and nothing has changed. "
            f"{total} problem(s){', the first ' + str(len(self.problems)) if more else ''}:"
            f"\n{listed}"
        )


class BundleRefused(WardAuditError):
    """The file is damaged, cut short, altered or not a WardAudit exchange file."""


class BundleInvalid(BundleRefused):
    """A record or event in an exchange file breaks the exchange schema: the file is
    refused whole, never imported in part (a malformed record is not a conflict)."""

    def __init__(self, file: str, kind: str, record: str, field: str, problem: str) -> None:
        self.file = file
        self.kind = kind  # "ward", "checklist", "audit", "history event", "manifest", "records"
        self.record = record  # its id, or its place in the file when it has none
        self.field = field  # the path inside the record, such as "actions[0].likelihood"
        self.problem = problem
        what = f"{kind} {record}".strip()
        where = f"{what}, {field}" if field else what
        super().__init__(
            f"{file} was not imported: {where}: {problem}. Nothing was changed. WardAudit "
            "never writes such a record, so the file was altered or damaged after it was "
            "written; ask for it to be exported again."
        )


class BundleConflicts(WardAuditError):
    """Records in the file have the same id as records here but different content."""

    def __init__(self, message: str, conflicts: list[str]) -> None:
        super().__init__(message)
        self.conflicts = conflicts
