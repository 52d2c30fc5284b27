"""The export and import commands behind ``wardaudit export ...`` and ``wardaudit import ...``.

The PDF and Excel writers are imported only when their format is asked for, so an
Excel-only export never loads reportlab and the reverse.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wardaudit.errors import InvalidInput, NotFound
from wardaudit.model import ACTION_STATUS_WORDS
from wardaudit.store import TRUST_NAME_SETTING, Store

TRUST_SETTING = TRUST_NAME_SETTING  # shown on documents when the trust has set it


def _targets(pdf: str | None, xlsx: str | None, what: str) -> None:
    if not pdf and not xlsx:
        raise InvalidInput(f"say where to write the {what}: --pdf FILE, --xlsx FILE or both")
    if pdf and xlsx and Path(pdf).expanduser().absolute() == Path(xlsx).expanduser().absolute():
        raise InvalidInput("--pdf and --xlsx name the same file; give each its own")


def _say(line: str) -> None:
    print(line)


def _warn(line: str) -> None:
    print(f"wardaudit: warning: {line}", file=sys.stderr)


def export_action_plan(
    store: Store, audit_ref: str, *, pdf: str | None = None, xlsx: str | None = None
) -> int:
    """Write one audit's action plan as PDF, Excel or both."""
    _targets(pdf, xlsx, "action plan")
    record = store.audit(audit_ref)
    trust = store.setting(TRUST_SETTING)
    count = len(record.actions)
    about = f"action plan for {record.audit.ward.name}, {count} action{'s' if count != 1 else ''}"
    if record.audit.status != "completed":
        _warn("this audit is still in progress; the plan is marked provisional")
    if pdf:
        from exports import pdf as pdf_writer

        written = pdf_writer.write_action_plan(
            record, pdf, photos=store.photo_data, trust=trust, matrix=store.risk_matrix
        )
        _say(f"wrote {written}: {about}")
    if xlsx:
        from exports import xlsx as xlsx_writer

        written = xlsx_writer.write_action_plan(record, xlsx, trust=trust)
        _say(f"wrote {written}: {about}")
    return 0


def work_list_filters(store: Store, site: str | None, ward: str | None, status: str | None) -> str:
    """The filters in words, for the document's heading; checks the site and ward exist."""
    parts = []
    if site:
        sites = [s.name for s in store.sites()]
        if site not in sites:
            raise NotFound(f"no site called '{site}' (sites: {', '.join(sites) or 'none yet'})")
        parts.append(f"Site: {site}")
    if ward:
        parts.append(f"Ward: {store.ward(ward).name}")
    if status:
        parts.append(f"Status: {ACTION_STATUS_WORDS.get(status, status)}")
    return "; ".join(parts)


def export_actions(
    store: Store,
    *,
    site: str | None = None,
    ward: str | None = None,
    status: str | None = None,
    pdf: str | None = None,
    xlsx: str | None = None,
) -> int:
    """Write the estates work list across audits, filtered by site, ward and status."""
    _targets(pdf, xlsx, "work list")
    filters = work_list_filters(store, site, ward, status)
    actions = store.actions(site=site, ward=ward, status=status)
    title = "Estates work list"
    count = len(actions)
    about = f"work list, {count} action{'s' if count != 1 else ''}"
    if filters:
        about += f" ({filters})"
    if not actions:
        _warn("no actions match; the work list says so")
    if pdf:
        from exports import pdf as pdf_writer

        written = pdf_writer.write_work_list(
            actions, pdf, title=title, filters=filters, matrix=store.risk_matrix
        )
        _say(f"wrote {written}: {about}")
    if xlsx:
        from exports import xlsx as xlsx_writer

        written = xlsx_writer.write_work_list(actions, xlsx, title=title, filters=filters)
        _say(f"wrote {written}: {about}")
    return 0


def import_action_updates(store: Store, path: Path, dry_run: bool) -> int:
    """Show what a returned workbook changes, then apply all of it (unless a dry run)."""
    from exports.updates import apply_updates, read_updates

    plan = read_updates(path, store)
    for warning in plan.warnings:
        _warn(warning)
    for line in plan.describe():
        _say(line)
    count = len(plan.changes)
    if not count:
        _say(f"nothing to change: {plan.rows_read} row(s) read, all as in the database")
        return 0
    if dry_run:
        _say(f"dry run: {count} action(s) would change; nothing has been changed")
        return 0
    changed = apply_updates(store, plan, actor=f"Estates (returned workbook {path.name})")
    _say(f"updated {changed} action(s) from {path.name}")
    return 0
