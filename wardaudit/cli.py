"""The ``wardaudit`` command: the desktop app with no command, scriptable commands otherwise.

This is where the layers are wired together. Qt, the exporters, reportlab and openpyxl
are imported only inside the commands that need them, so ``wardaudit audits list``
starts quickly and never loads a GUI toolkit.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wardaudit import __version__, clock, paths, views
from wardaudit.actions import STATUS_CHOICE_STILL_TO_DO, STATUS_CHOICES
from wardaudit.checklist import DESIGNATIONS, ChecklistLibrary, load_library, validate_file
from wardaudit.errors import (
    AuditIncomplete,
    DatabaseMissing,
    DatabaseNeedsUpgrade,
    InvalidInput,
    WardAuditError,
)
from wardaudit.identifiers import identifier_warnings
from wardaudit.model import AUDIT_STATUS_WORDS
from wardaudit.progress import no_progress
from wardaudit.scoring import ANSWER_VALUES, ANSWER_WORDS, RATING_WORDS, display_score
from wardaudit.store import Store, backups
from wardaudit.store.database import SQLiteError
from wardaudit.store.trustdb import is_server_target

PROG = "wardaudit"


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with the contract's prefix."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG}: error: {message}\n")


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _db_path(args: argparse.Namespace, *, write: bool = True) -> Path:
    """The database named by --db or the default one; only a command that writes makes the
    default folder (one that only reads creates nothing anywhere)."""
    if args.db and is_server_target(args.db):
        raise InvalidInput(
            "the trust database is backed up by its own server (IT's PostgreSQL backups); "
            "WardAudit's backups are for database files"
        )
    if args.db:
        return Path(args.db).expanduser()
    path = paths.default_db_path()
    if write and not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WardAuditError(
                f"cannot create the folder {path.parent} for WardAudit's database: "
                f"{error.strerror or error}"
            ) from None
    return path


class _StderrProgress:
    """Progress of long work as a line on stderr now and then (each 5%, or every 2 s)."""

    def __init__(self, noun: str) -> None:
        self.noun = noun
        self.shown: tuple[str, int] = ("", -1)
        self.at = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        import time

        if self.noun == "bytes" and total < 64 * 1024 * 1024:
            return  # a small file is done before progress would help
        step = 20 * done // total if total else 20
        now = time.monotonic()
        if (what, step) == self.shown and now - self.at < 2 and done != total:
            return
        self.shown, self.at = (what, step), now
        amount = (
            f"{done / 1e6:,.0f} of {total / 1e6:,.0f} MB"
            if self.noun == "bytes"
            else f"{done} of {total} {self.noun}"
        )
        print(f"{PROG}: {what.lower()}: {amount}", file=sys.stderr, flush=True)


@contextmanager
def _open(args: argparse.Namespace, *, write: bool, create: bool | None = None) -> Iterator[Store]:
    """The store for one command, closed after it; a backup that fails on closing is a
    warning, because everything the command did was committed before. ``create=False``
    is for a command that writes only its own bookkeeping (an export noting what it
    sent): where there is no database it makes none."""
    if args.db and is_server_target(args.db):  # the trust database, as this login
        with Store.open(args.db, readonly=not write) as server:
            for warning in server.warnings:
                _warn(warning)
            yield server
        return
    create = write if create is None else create
    path = _db_path(args, write=create)
    upgrade = _StderrProgress("photos")  # an older database's photos moving out, if any
    if not create and not args.db and not path.parent.is_dir():
        from wardaudit.store.database import missing_message

        raise DatabaseMissing(missing_message(path.absolute()))  # not even the folder yet
    if write:
        store = Store.open(path, create=create, progress=upgrade)
    else:
        try:
            store = Store.open(path, readonly=True)
        except DatabaseNeedsUpgrade:
            store = Store.open(path, progress=upgrade)
    for warning in store.warnings:
        _warn(warning)
    try:
        yield store
    finally:
        for warning in store.close():
            _warn(warning)


def _warn_identifiers(fields: Mapping[str, str | None]) -> None:
    """One warning per field that looks like it holds an NHS number (it is saved as typed)."""
    for found in identifier_warnings(fields):
        _warn(found.message)


def _library() -> ChecklistLibrary:
    library = load_library()
    for warning in library.warnings:
        _warn(warning)
    return library


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


# --- commands ------------------------------------------------------------------------------


def cmd_checklists_list(args: argparse.Namespace) -> int:
    library = _library()
    latest = library.all_latest()
    if args.json:
        _print_json([views.checklist_summary_json(c) for c in latest])
    else:
        _table(
            [(c.id, str(c.version), c.title, str(sum(1 for _ in c.items()))) for c in latest],
            ("ID", "VERSION", "TITLE", "ITEMS"),
        )
    return 0


def cmd_checklists_show(args: argparse.Namespace) -> int:
    checklist = _library().latest(args.id)
    if args.json:
        _print_json(views.checklist_json(checklist))
        return 0
    print(f"{checklist.title} — {checklist.id} version {checklist.version}")
    thresholds = checklist.thresholds
    print(f"Green at {thresholds.green:g} or more, amber at {thresholds.amber:g} or more")
    if thresholds.section_floor is not None:
        print(f"No ward is rated green while a section scores below {thresholds.section_floor:g}")
    for setting in checklist.settings:
        print(f"Setting {setting.name}: {setting.label_of()}")
    for section in checklist.sections:
        print(f"\n{section.title} ({len(section.items)} items)")
        for item in section.items:
            flag = " [critical]" if item.critical else ""
            applies = "" if len(item.applies_to) == 3 else f" ({', '.join(item.applies_to)} wards)"
            print(f"  {item.id}  {item.question}{flag}{applies}")
    return 0


def cmd_checklists_validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        problems = validate_file(name)
        if problems:
            status = 1
            for problem in problems:
                print(problem)
        else:
            print(f"{name}: valid")
    return status


def cmd_wards_list(args: argparse.Namespace) -> int:
    with _open(args, write=False) as store:
        wards = store.wards.list()
    if args.json:
        _print_json([views.ward_json(w) for w in wards])
    else:
        _table(
            [
                (
                    w.name,
                    w.site,
                    w.designation,
                    w.service,
                    "" if w.beds is None else str(w.beds),
                    w.id,
                )
                for w in wards
            ],
            ("WARD", "SITE", "DESIGNATION", "SERVICE", "BEDS", "ID"),
        )
    return 0


def cmd_wards_add(args: argparse.Namespace) -> int:
    areas = [a for a in (args.areas or "").split(",") if a.strip()]
    with _open(args, write=True) as store:
        ward = store.wards.add(
            site=args.site,
            name=args.name,
            sex=args.sex,
            service=args.service or "",
            beds=args.beds,
            areas=areas,
        )
    print(ward.id)
    return 0


def cmd_audit_start(args: argparse.Namespace) -> int:
    checklist = _library().latest(args.checklist)
    with _open(args, write=True) as store:
        audit = store.audits.start(args.ward, checklist, by=args.by or "")
    _warn_identifiers({"auditor": args.by})
    print(audit.id)
    return 0


def cmd_audit_answer(args: argparse.Namespace) -> int:
    with _open(args, write=True) as store:
        answer = store.audits.record_answer(
            args.audit, args.item, args.value, note=args.note, location=args.location
        )
        record = store.audits.get(args.audit)
    _warn_identifiers({"note": args.note, "location": args.location})
    action = next((a for a in record.actions if a.item == answer.item), None)
    line = f"saved: {answer.item} {ANSWER_WORDS[answer.value]}"
    if action is not None and answer.value in ("no", "partial"):
        line += (
            f"; action {action.risk.band_word} risk, due {clock.uk_date(action.due)}"
            f" ({action.owner})"
        )
    print(line)
    return 0


def cmd_audit_complete(args: argparse.Namespace) -> int:
    with _open(args, write=True) as store:
        try:
            record = store.audits.complete(args.audit, by=args.by, role=args.role)
        except AuditIncomplete as error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return 1
    _warn_identifiers({"signed_by": args.by, "role": args.role})
    score = record.score
    breach = " — CRITICAL BREACH" if score.critical_breach else ""
    print(
        f"signed off: {record.audit.ward.name} {display_score(score.overall)}% "
        f"{RATING_WORDS.get(score.rating or '', '')}{breach}; {len(record.actions)} action(s)"
    )
    return 0


def cmd_audit_amend(args: argparse.Namespace) -> int:
    with _open(args, write=True) as store:
        answer = store.audits.amend_answer(
            args.audit,
            args.item,
            args.value,
            reason=args.reason,
            by=args.by,
            note=args.note,
            location=args.location,
        )
    _warn_identifiers(
        {"reason": args.reason, "amended_by": args.by, "note": args.note, "location": args.location}
    )
    print(f"amended: {answer.item} {ANSWER_WORDS[answer.value]}")
    return 0


def cmd_audits_list(args: argparse.Namespace) -> int:
    with _open(args, write=False) as store:
        audits = store.audits.list(ward=args.ward, status=args.status)
    if args.json:
        _print_json([views.audit_summary_json(a) for a in audits])
        return 0
    _table(
        [
            (
                a.ward_name,
                a.site_name,
                AUDIT_STATUS_WORDS[a.status],
                clock.uk_date(a.completed_at or a.started_at),
                display_score(a.overall),
                RATING_WORDS.get(a.rating or "", "–"),
                "yes" if a.critical_breach else "",
                f"{a.answered}/{a.applicable}",
                a.id,
            )
            for a in audits
        ],
        ("WARD", "SITE", "STATUS", "DATE", "SCORE", "RATING", "BREACH", "ANSWERED", "ID"),
    )
    return 0


def cmd_audits_show(args: argparse.Namespace) -> int:
    with _open(args, write=False) as store:
        record = store.audits.get(args.audit)
    data = views.audit_json(record)
    if args.json:
        _print_json(data)
        return 0
    audit, score = record.audit, record.score
    print(
        f"{audit.ward.name}, {audit.ward.site} — {audit.checklist_title} v{audit.checklist_version}"
    )
    print(
        f"{AUDIT_STATUS_WORDS[audit.status]}; started {clock.uk_datetime(audit.started_at)}"
        + (
            f", signed off {clock.uk_datetime(audit.completed_at)} by {audit.signed_by}"
            f" ({audit.signed_role})"
            if audit.completed_at
            else ""
        )
    )
    print(
        f"Score {display_score(score.overall)}% — {RATING_WORDS.get(score.rating or '', 'not rated')}"
        f"; {score.answered} of {score.applicable} answered"
    )
    if score.critical_breach:
        print("CRITICAL BREACH: " + ", ".join(score.critical_items))
    for section in score.sections:
        print(
            f"  {section.title}: {display_score(section.score)}% ({section.answered}/{section.applicable})"
        )
    for action in record.actions:
        print(
            f"  action {action.item}: {action.risk.band_word} ({action.risk.score}), due "
            f"{clock.uk_date(action.due)}, {action.owner}, {action.status_word}"
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from wardaudit.demo import build_demo_trust, create_demo

    library = _library()
    # All or nothing at the entry point: whatever the builder writes is one transaction.
    summary, warnings = create_demo(
        _db_path(args),
        lambda store: build_demo_trust(
            store,
            library,
            seed=args.seed,
            wards=args.wards,
            months=args.months,
            photos=args.photos,
            progress=_StderrProgress("ward-months") if args.photos else no_progress,
        ),
    )
    for warning in warnings:
        _warn(warning)
    print(summary)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """The records' integrity and, with --photos, every photo against its digest."""
    status = 0
    with _open(args, write=args.repair) as store:
        problems = store.check_records()
        if store.engine == "postgresql":
            print("records database: the trust database (its server checks and backs it up)")
        elif problems:
            status = 1
            print(f"records database: DAMAGED ({'; '.join(problems[:3])})")
        else:
            print("records database: sound")
        if not args.photos:
            return status
        report = store.photos.check(progress=_StderrProgress("photos"), repair=args.repair)
    size = report.bytes_checked / 1e6
    for sha in report.repaired:
        print(f"put back from the backups: photo file {sha[:12]}…")
    if not report.problems:
        print(f"photos: {report.checked} checked ({size:,.0f} MB), every one intact")
        return status
    print(
        f"photos: {report.checked} checked ({size:,.0f} MB); {len(report.problems)} "
        "missing or damaged:"
    )
    for problem in report.problems:
        state = "missing" if problem.problem == "missing" else "damaged"
        spare = "; an intact copy is in the backups" if problem.in_backups else ""
        print(
            f"  {state}: {problem.filename} — item {problem.item}, {problem.ward}, audit "
            f"{problem.audit}, added {clock.uk_datetime(problem.added_at)}{spare}"
        )
    if any(p.in_backups for p in report.problems) and not args.repair:
        print("Run 'wardaudit check --photos --repair' to put back the intact copies.")
    return 1


def _trust_target(args: argparse.Namespace) -> str:
    target = getattr(args, "target", None) or args.db
    if not target or not is_server_target(target):
        raise InvalidInput(
            "give the trust database as --db (a postgresql:// address or service=NAME), "
            "for example: wardaudit --db service=wardaudit trustdb upgrade"
        )
    return str(target)


def cmd_trustdb_roles(args: argparse.Namespace) -> int:
    from wardaudit.store import pg_migrations

    print(pg_migrations.roles_script(), end="")
    return 0


def cmd_trustdb_init(args: argparse.Namespace) -> int:
    from wardaudit.store import pg_migrations

    done = pg_migrations.init(_trust_target(args))
    steps = ", ".join(map(str, done)) if done else "none needed"
    print(f"the trust database is set up: roles created or checked; schema steps {steps}")
    return 0


def cmd_trustdb_upgrade(args: argparse.Namespace) -> int:
    from wardaudit.store import pg_migrations

    done = pg_migrations.upgrade(_trust_target(args))
    if done:
        print(f"the trust database is upgraded: schema steps {', '.join(map(str, done))}")
    else:
        print("the trust database is already at this WardAudit's schema")
    return 0


def cmd_trustdb_copy(args: argparse.Namespace) -> int:
    from wardaudit.store.copy import copy_to_server

    source = Path(args.source).expanduser()
    if not source.is_file():
        raise InvalidInput(f"there is no database file at {source}")
    report = copy_to_server(source, _trust_target(args))
    counted = ", ".join(f"{n} {t}" for t, n in report.rows.items() if n)
    print(f"copied {source} to the trust database ({counted})")
    print(f"verified: the fingerprint of everything that travels is {report.fingerprint} on both")
    return 0


def cmd_backups_list(args: argparse.Namespace) -> int:
    from wardaudit.store.database import missing_message

    path = _db_path(args, write=False).absolute()
    found = backups.list_backups(path)
    if not path.is_file() or path.stat().st_size == 0:
        if not found:
            raise DatabaseMissing(missing_message(path))
        _warn(
            f"there is no database at {path}; these are backups of it. Put one back with "
            f"'wardaudit --db \"{path}\" backups restore FILE'"
        )
    if not found:
        print(f"no backups of {path} yet")
    for backup in found:
        print(backup)
    return 0


def cmd_backups_make(args: argparse.Namespace) -> int:
    with _open(args, write=True) as store:
        print(store.backup_now("manual"))
    return 0


def cmd_backups_restore(args: argparse.Namespace) -> int:
    kept = backups.restore(_db_path(args).absolute(), Path(args.file))
    if kept is None:
        print("restored (there was no database there before)")
    else:
        print(f"restored; the previous database was kept as {kept}")
    return 0


def cmd_export_action_plan(args: argparse.Namespace) -> int:
    from exports.commands import export_action_plan

    with _open(args, write=False) as store:
        return int(export_action_plan(store, args.audit, pdf=args.pdf, xlsx=args.xlsx))


def cmd_export_actions(args: argparse.Namespace) -> int:
    from exports.commands import export_actions

    with _open(args, write=False) as store:
        return int(
            export_actions(
                store,
                site=args.site,
                ward=args.ward,
                status=args.status,
                pdf=args.pdf,
                xlsx=args.xlsx,
            )
        )


def cmd_export_board(args: argparse.Namespace) -> int:
    from exports.commands import export_board

    suppress_below = None if args.no_suppression else args.suppress_below
    with _open(args, write=False) as store:
        return int(
            export_board(
                store,
                start=args.start,
                end=args.end,
                site=args.site,
                pdf=args.pdf,
                xlsx=args.xlsx,
                suppress_below=suppress_below,
            )
        )


def cmd_import_action_updates(args: argparse.Namespace) -> int:
    from exports.commands import import_action_updates

    with _open(args, write=not args.dry_run) as store:
        return int(import_action_updates(store, Path(args.file), dry_run=args.dry_run))


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from datetime import date

    from wardaudit.exchange import export_bundle
    from wardaudit.exchange.write import destination_of, last_export_to

    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise InvalidInput(
                f"--since must be a date such as 2026-11-01 (not '{args.since}')"
            ) from None
    if since is not None and args.all:
        raise InvalidInput("give --since or --all, not both")
    destination = args.to or destination_of(Path(args.file))
    with _open(args, write=True, create=False) as store:
        mark = None if (since or args.all) else last_export_to(store, destination)
        counts = export_bundle(
            store,
            args.file,
            since=since,
            everything=args.all,
            destination=destination,
            progress=_StderrProgress("bytes"),
        )
    if args.all:
        what = "everything"
    elif since is not None:
        what = f"what was signed off or changed since {clock.uk_date(since)}"
    elif mark is not None:
        what = (
            f"what '{destination}' has not had from here (since the export of "
            f"{clock.uk_datetime(mark.at)}; --all for everything)"
        )
    else:
        what = f"everything (the first export to '{destination}')"
    incidents = counts.get("incident_counts", 0)
    carried = f", with incident counts for {incidents} ward(s)," if incidents else ""
    print(
        f"exported {counts['audits']} audit(s), {counts['events']} history event(s), "
        f"{counts['wards']} ward(s) and {counts['photos']} photo(s){carried} to {args.file}: "
        f"{what}"
    )
    return 0


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from wardaudit.errors import BundleConflicts
    from wardaudit.exchange import import_bundle

    status = 0
    with _open(args, write=True) as store:
        for name in args.files:
            try:
                plan = import_bundle(
                    store,
                    name,
                    dry_run=args.dry_run,
                    skip_conflicts=args.skip_conflicts,
                    progress=_StderrProgress("bytes"),
                )
            except BundleConflicts as error:
                print(f"{PROG}: error: {error}", file=sys.stderr)
                status = 1
                continue
            except WardAuditError as error:
                print(f"{PROG}: error: {name}: {error}", file=sys.stderr)
                status = 1
                continue
            prefix = "would import" if args.dry_run else "imported"
            print(f"{prefix} {plan.describe()}")
            for conflict in plan.conflicts:
                print(f"  left as it was (conflict): {conflict}")
    return status


def cmd_incidents_import(args: argparse.Namespace) -> int:
    from exports.incidents import read_export
    from wardaudit.incidents import load_mapping_file
    from wardaudit.incidents.importing import parse_ward_alias, read_and_plan
    from wardaudit.incidents.words import alias_advice, plan_headline

    mapping = load_mapping_file(args.mapping)
    aliases = dict(parse_ward_alias(text) for text in args.ward_alias or ())
    with _open(args, write=not args.dry_run) as store:
        plan = read_and_plan(store, args.file, mapping, read_export, extra_aliases=aliases)
        print(plan_headline(plan))
        for line in plan.describe()[1:]:
            print(line)
        for line in alias_advice(plan.unmatched_wards, command=True):
            print(line)
        if plan.blocked:
            for line in plan.blockers():
                print(line)
            print(f"{PROG}: error: {plan.source}: nothing has been imported", file=sys.stderr)
            return 1
        if args.dry_run:
            print("dry run: nothing has been changed")
            return 0
        result = store.incidents.import_plan(plan, args.by or "", ward_aliases=aliases)
    if result.record is None:
        print("nothing to change: every incident in the export is already held as it is")
        return 0
    saved = f"; {result.aliases_saved} ward name(s) mapped for next time" if aliases else ""
    print(
        f"imported {result.new} new incident(s) and {result.regraded} regraded from "
        f"{plan.source}{saved}"
    )
    return 0


def cmd_incidents_list(args: argparse.Namespace) -> int:
    from datetime import date

    from wardaudit.incidents.words import place_words

    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            raise InvalidInput(
                f"--since must be a date such as 2026-11-01 (not '{args.since}')"
            ) from None
    with _open(args, write=False) as store:
        incidents = store.incidents.list(ward=args.ward, since=since)
    if args.json:
        _print_json([incident.as_json() for incident in incidents])
        return 0
    _table(
        [
            (
                clock.uk_date(i.date),
                i.reference,
                i.ward,
                place_words(i.place),
                i.category_word,
                i.harm_word,
            )
            for i in incidents
        ],
        ("DATE", "REFERENCE", "WARD", "PLACE", "CATEGORY", "HARM"),
    )
    return 0


def cmd_incidents_mapping_validate(args: argparse.Namespace) -> int:
    from wardaudit.incidents import load_mapping_file
    from wardaudit.incidents.errors import MappingError

    status = 0
    for name in args.files:
        try:
            mapping = load_mapping_file(name)
        except MappingError as error:
            status = 1
            for problem in error.problems:
                print(problem)
            continue
        columns = ", ".join(f"{role} '{column}'" for role, column in mapping.columns.named())
        print(f"{name}: valid: {mapping.title} (reads {columns})")
    return status


def cmd_app(args: argparse.Namespace) -> int:
    """The desktop app, on a file or on the trust database (given as its target)."""
    from ui.app import run_app

    if args.db and is_server_target(args.db):
        return int(run_app(db_path=args.db))
    return int(run_app(db_path=Path(args.db).expanduser() if args.db else None))


def cmd_self_check(args: argparse.Namespace) -> int:
    from ui.selfcheck import run_self_check

    return int(run_self_check())


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG, description="WardAudit: ward environment audits for mental health wards."
    )
    parser.add_argument("--version", action="version", version=f"WardAudit {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the database file to use (default: your data folder), or the trust database: "
        "postgresql://HOST/DB?sslmode=verify-full or service=NAME",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check this installation headless (temporary database) and exit",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    def command(
        group: Any, name: str, func: Callable[[argparse.Namespace], int], help_text: str
    ) -> Any:
        p = group.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    demo = command(sub, "demo", cmd_demo, "fill an empty database with a fictional trust")
    demo.add_argument("--seed", type=int, default=2018)
    demo.add_argument(
        "--photos",
        action="store_true",
        help="add photo-like pictures to the findings, 6 to 10 an audit (about 600 MB for the "
        "usual trust; a few minutes)",
    )
    demo.add_argument("--wards", type=int, default=12, help="how many wards (default 12)")
    demo.add_argument("--months", type=int, default=24, help="how many months (default 24)")

    checklists = sub.add_parser("checklists", help="list, show and validate checklists")
    csub = checklists.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    p = command(csub, "list", cmd_checklists_list, "the checklists available")
    p.add_argument("--json", action="store_true")
    p = command(
        csub, "show", cmd_checklists_show, "sections and items of a checklist's latest version"
    )
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p = command(
        csub, "validate", cmd_checklists_validate, "check checklist files; one line per problem"
    )
    p.add_argument("files", nargs="+", metavar="FILE")

    wards = sub.add_parser("wards", help="the register of sites and wards")
    wsub = wards.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    p = command(wsub, "list", cmd_wards_list, "list the wards")
    p.add_argument("--json", action="store_true")
    p = command(wsub, "add", cmd_wards_add, "add a ward (and its site if new)")
    p.add_argument("--site", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--sex", required=True, choices=DESIGNATIONS)
    p.add_argument("--service", default="")
    p.add_argument("--beds", type=int)
    p.add_argument("--areas", help="the ward's areas, separated by commas")

    audit = sub.add_parser("audit", help="run an audit")
    asub = audit.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    p = command(asub, "start", cmd_audit_start, "start an audit; prints its id")
    p.add_argument("--ward", required=True)
    p.add_argument("--checklist", required=True)
    p.add_argument("--by", default="")
    p = command(asub, "answer", cmd_audit_answer, "record one answer (durable when this returns)")
    p.add_argument("audit")
    p.add_argument("item")
    p.add_argument("value", choices=ANSWER_VALUES)
    p.add_argument("--note")
    p.add_argument("--location")
    p = command(asub, "complete", cmd_audit_complete, "sign off and lock an audit")
    p.add_argument("audit")
    p.add_argument("--by", required=True)
    p.add_argument("--role", required=True)
    p = command(asub, "amend", cmd_audit_amend, "correct an answer of a signed-off audit")
    p.add_argument("audit")
    p.add_argument("item")
    p.add_argument("value", choices=ANSWER_VALUES)
    p.add_argument("--reason", required=True)
    p.add_argument("--by", required=True)
    p.add_argument("--note")
    p.add_argument("--location")

    audits = sub.add_parser("audits", help="list and show audits")
    lsub = audits.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    p = command(lsub, "list", cmd_audits_list, "list audits, newest first")
    p.add_argument("--json", action="store_true")
    p.add_argument("--ward")
    p.add_argument("--status", choices=("in_progress", "completed"))
    p = command(lsub, "show", cmd_audits_show, "one audit with its answers, score and actions")
    p.add_argument("audit")
    p.add_argument("--json", action="store_true")

    export = sub.add_parser("export", help="action plans and work lists as PDF and Excel")
    esub = export.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="WHAT"
    )
    p = command(esub, "action-plan", cmd_export_action_plan, "one audit's action plan")
    p.add_argument("audit")
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--xlsx", metavar="FILE")
    p = command(esub, "actions", cmd_export_actions, "the estates work list across audits")
    p.add_argument("--site")
    p.add_argument("--ward")
    p.add_argument(
        "--status",
        choices=STATUS_CHOICES,
        default=STATUS_CHOICE_STILL_TO_DO,
        help="still-to-do (open or in progress: the default), all, or one status",
    )
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--xlsx", metavar="FILE")

    p = command(esub, "board", cmd_export_board, "the board report: ward scores, trends, actions")
    p.add_argument(
        "--from", dest="start", metavar="YYYY-MM", help="first month (default: a year ago)"
    )
    p.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month (default: this month)")
    p.add_argument("--site")
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--xlsx", metavar="FILE")
    small = p.add_mutually_exclusive_group()
    small.add_argument(
        "--suppress-below",
        type=int,
        default=5,
        metavar="N",
        help="show incident counts below N as 'fewer than N' (default 5), for publication",
    )
    small.add_argument(
        "--no-suppression",
        action="store_true",
        help="show every incident count (the report is then not for publication)",
    )

    imp = sub.add_parser("import", help="take back estates' returned workbooks")
    isub = imp.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="WHAT"
    )
    p = command(
        isub,
        "action-updates",
        cmd_import_action_updates,
        "apply the status updates in a returned action workbook (all or nothing)",
    )
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")

    bundle = sub.add_parser("bundle", help="exchange files between laptops and the board")
    bsub = bundle.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    p = command(
        bsub,
        "export",
        cmd_bundle_export,
        "write signed-off audits to an exchange file: by default what its destination has "
        "not had from here yet",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only audits completed or changed since")
    p.add_argument("--all", action="store_true", help="every signed-off audit, whatever was sent")
    p.add_argument(
        "--to",
        metavar="NAME",
        help="the destination, to remember what it has had (default: the file's name)",
    )
    p = command(bsub, "import", cmd_bundle_import, "merge exchange files (one transaction each)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    p.add_argument(
        "--skip-conflicts",
        action="store_true",
        help="import the rest, leaving conflicting records as they were",
    )

    p = command(
        sub,
        "check",
        cmd_check,
        "check the database; with --photos, read every photo and check it against its digest",
    )
    p.add_argument("--photos", action="store_true", help="check every photo too (reads them all)")
    p.add_argument(
        "--repair",
        action="store_true",
        help="put back damaged or missing photos from intact copies in the backups",
    )

    incidents = sub.add_parser(
        "incidents", help="sexual safety incidents from the trust's risk-management export"
    )
    nsub = incidents.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    p = command(
        nsub,
        "import",
        cmd_incidents_import,
        "import an incident export (CSV or Excel) through the trust's mapping file",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--mapping", required=True, metavar="M", help="the mapping file (.toml)")
    p.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    p.add_argument("--by", default="", metavar="NAME", help="who is importing, for the history")
    p.add_argument(
        "--ward-alias",
        action="append",
        metavar='"EXPORT NAME=WARD"',
        help="the WardAudit ward an export's ward name stands for (saved for next time)",
    )
    p = command(nsub, "list", cmd_incidents_list, "list the incidents held, oldest first")
    p.add_argument("--ward")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    mapping = nsub.add_parser("mapping", help="check incident mapping files")
    msub = mapping.add_subparsers(
        dest="subsubcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    p = command(
        msub,
        "validate",
        cmd_incidents_mapping_validate,
        "check mapping files; exit 0 when valid, else one line per problem",
    )
    p.add_argument("files", nargs="+", metavar="M")

    bk = sub.add_parser("backups", help="list, make and restore backups of the database")
    ksub = bk.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    command(ksub, "list", cmd_backups_list, "list backups, newest first")
    command(ksub, "make", cmd_backups_make, "make a backup now")
    p = command(
        ksub,
        "restore",
        cmd_backups_restore,
        "put a backup in place of the database (the current file is kept)",
    )
    p.add_argument("file")

    tdb = sub.add_parser(
        "trustdb", help="set up, upgrade or fill the trust database (PostgreSQL; for IT)"
    )
    tsub = tdb.add_subparsers(
        dest="subcommand", required=True, parser_class=_Parser, metavar="ACTION"
    )
    command(tsub, "roles", cmd_trustdb_roles, "print the roles script trustdb init runs")
    command(
        tsub,
        "init",
        cmd_trustdb_init,
        "as the database administrator: create the roles and the schema in --db",
    )
    command(
        tsub, "upgrade", cmd_trustdb_upgrade, "as a member of wardaudit_owner: upgrade the schema"
    )
    p = command(
        tsub,
        "copy",
        cmd_trustdb_copy,
        "copy a database file into the empty trust database, verified by fingerprint",
    )
    p.add_argument("source", metavar="FROM.sqlite3")
    p.add_argument("target", metavar="TRUST-DATABASE", nargs="?", help="default: --db")
    return parser


def _not_utf8(argv: Sequence[str]) -> str | None:
    """The first argument that is not valid UTF-8, named, or None when all are.

    On Linux and macOS the arguments are bytes; Python keeps bytes that are not UTF-8 as
    stand-ins that no file, note or name may hold, so they are refused before anything is
    opened.
    """
    for index, argument in enumerate(argv):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            continue
        try:
            raw = os.fsencode(argument)
        except UnicodeError:
            raw = argument.encode("utf-8", "backslashreplace")
        shown = raw.decode("utf-8", "backslashreplace")
        previous = argv[index - 1] if index else ""
        if argument.startswith("--") and "=" in argument:
            what = f"the value of {argument.split('=', 1)[0]}"
        elif argument.startswith("-"):
            what = f"the option {shown}"
        elif previous.startswith("-") and "=" not in previous:
            what = f"the value of {previous} (argument {index + 1})"
        else:
            what = f"argument {index + 1}"
        return (
            f"{what} is not valid text: '{shown}' holds bytes that are not UTF-8. Nothing was "
            "opened or changed. Type it again in a terminal that uses UTF-8, or, for a file, "
            "rename it to a name of ordinary letters."
        )
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    refused = _not_utf8(arguments)
    if refused is not None:
        print(f"{PROG}: error: {refused}", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(arguments)
    try:
        if args.self_check:
            return cmd_self_check(args)
        if args.command is None:
            return cmd_app(args)
        func: Callable[[argparse.Namespace], int] = args.func
        return func(args)
    except WardAuditError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    except SQLiteError as error:
        # A read deep in a command met a damaged page or a failing disk: the same words.
        from wardaudit.store.database import explain, is_about_the_file

        if not is_about_the_file(error):
            raise
        path = Path(args.db).expanduser() if args.db else paths.default_db_path()
        print(f"{PROG}: error: {explain(path.absolute(), error, 'open')}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (``| head``); nothing to report
        return 0
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; everything already saved is safe", file=sys.stderr)
        return 130
