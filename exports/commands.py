"""What ``wardaudit export ...`` and ``wardaudit import action-updates`` print around the front door.

Every document is written by :mod:`exports.documents`, the same as in the app; this module
checks the command's targets, says what was written, and warns where a person should know
(a provisional plan, an empty work list). Loads neither reportlab nor openpyxl itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from exports import documents
from wardaudit.actions import WorkListFilters, status_filter
from wardaudit.board import BoardChoice, default_period
from wardaudit.errors import InvalidInput
from wardaudit.incidents.disclosure import DEFAULT_THRESHOLD
from wardaudit.store import Store
from wardaudit.words import period_words, plural


def _targets(pdf: str | None, xlsx: str | None, what: str) -> list[tuple[str, str]]:
    """The (kind, path) pairs to write, PDF first; at least one, never the same file twice."""
    if not pdf and not xlsx:
        raise InvalidInput(f"say where to write the {what}: --pdf FILE, --xlsx FILE or both")
    if pdf and xlsx and Path(pdf).expanduser().absolute() == Path(xlsx).expanduser().absolute():
        raise InvalidInput("--pdf and --xlsx name the same file; give each its own")
    return [(kind, path) for kind, path in (("pdf", pdf), ("xlsx", xlsx)) if path]


def _say(line: str) -> None:
    print(line)


def _warn(line: str) -> None:
    print(f"wardaudit: warning: {line}", file=sys.stderr)


def export_action_plan(
    store: Store, audit_ref: str, *, pdf: str | None = None, xlsx: str | None = None
) -> int:
    """Write one audit's action plan as PDF, Excel or both."""
    targets = _targets(pdf, xlsx, "action plan")
    record = store.audits.get(audit_ref)
    about = f"action plan for {record.audit.ward.name}, {plural(len(record.actions), 'action')}"
    if record.audit.status != "completed":
        _warn("this audit is still in progress; the plan is marked provisional")
    for kind, path in targets:
        written = documents.write_action_plan(store, record.audit.id, path, kind)
        _say(f"wrote {written}: {about}")
    return 0


def export_actions(
    store: Store,
    *,
    site: str | None = None,
    ward: str | None = None,
    status: str | None = None,
    pdf: str | None = None,
    xlsx: str | None = None,
) -> int:
    """Write the estates work list across audits, filtered by site, ward and status (a
    --status choice: still to do by default, all, or one status)."""
    targets = _targets(pdf, xlsx, "work list")
    filters = WorkListFilters(site=site, ward=ward, status=status_filter(status))
    chosen = documents.work_list(store, filters)
    about = f"work list, {plural(len(chosen.actions), 'action')} ({chosen.filters})"
    if not chosen.actions:
        _warn("no actions match; the work list says so")
    for kind, path in targets:
        written = documents.write_work_list(store, filters, path, kind)
        _say(f"wrote {written}: {about}")
    return 0


def export_board(
    store: Store,
    *,
    start: str | None = None,
    end: str | None = None,
    site: str | None = None,
    pdf: str | None = None,
    xlsx: str | None = None,
    suppress_below: int | None = DEFAULT_THRESHOLD,
) -> int:
    """Write the board report for a period (default: the last twelve months) as PDF, Excel or
    both; incident counts below ``suppress_below`` are suppressed (None: none are)."""
    targets = _targets(pdf, xlsx, "board report")
    choice = BoardChoice(start=start, end=end, site=site)
    if suppress_below is None and store.incidents.count():
        _warn("small incident counts are not suppressed: the report is not for publication")
    for kind, path in targets:
        written = documents.write_board_report(
            store, choice, path, kind, suppress_below=suppress_below
        )
        _say(f"wrote {written}: {_board_about(store, choice)}")
    return 0


def _board_about(store: Store, choice: BoardChoice) -> str:
    """What a board report covers, once the front door has checked the choice."""
    default_start, default_end = default_period()
    wards = plural(len(store.wards.list(site=choice.site)), "ward")
    period = period_words(choice.start or default_start, choice.end or default_end)
    return f"board report, {wards}{' at ' + choice.site if choice.site else ''}, {period}"


def import_action_updates(store: Store, path: Path, dry_run: bool) -> int:
    """Show what a returned workbook changes and every edit in it that is not taken back,
    then apply all of it (unless a dry run)."""
    plan = documents.read_updates(path, store)
    for warning in plan.warnings:
        _warn(warning)
    if plan.not_taken:
        total = plan.not_taken_total
        _warn(
            f"{plural(total, 'edit')} in {path.name} {'is' if total == 1 else 'are'} not "
            "taken back, each with what to do instead:"
        )
        for line in plan.not_taken:
            print(f"  not taken: {line}", file=sys.stderr)
    for line in plan.describe():
        _say(line)
    count = len(plan.changes)
    # Rows whose action was changed in WardAudit since the export: listed among the
    # warnings above (who, when, what it is now), never applied.
    held = (
        f"; {len(plan.conflicts)} row(s) not applied, changed in WardAudit since the export "
        "(see above)"
        if plan.conflicts
        else ""
    )
    if not count:
        if plan.conflicts:
            _say(f"nothing applied: {plan.rows_read} row(s) read{held}")
        else:
            _say(f"nothing to change: {plan.rows_read} row(s) read, all as in the database")
        return 0
    if dry_run:
        _say(f"dry run: {count} action(s) would change{held}; nothing has been changed")
        return 0
    changed = documents.apply_updates(store, plan, actor=f"Estates (returned workbook {path.name})")
    _say(f"updated {changed} action(s) from {path.name}{held}")
    return 0
