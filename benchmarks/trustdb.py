"""The trust database (PostgreSQL) beside a SQLite file, measured in the same run.

A throwaway server is started from the machine's PostgreSQL binaries (as the tests do:
data in memory where there is room, fsync off in the server; WardAudit itself still asks
for ``synchronous_commit = on`` in every transaction). Without server binaries this group
says so and reports nothing.

* ``trustdb_bundle_import_1000_s``: importing an exchange file of 1,000 signed-off audits
  into an empty trust database; the ratio is to the same file into an empty SQLite file.
* ``trustdb_board_60x60_ms``: the board's figures for 60 wards over five years of monthly
  audits (3,600), on a copy (``trustdb copy``) of the SQLite file it is compared with.
* ``trustdb_concurrent_clients``: 8 processes at once for a fixed time, 4 importing
  overlapping exchange files and 4 reading the board; every error is counted, and the
  events the server ends with are compared with the same files imported in turn into a
  file (none may be lost, none doubled).
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.harness import Result
from wardaudit import clock
from wardaudit.board import board_figures
from wardaudit.checklist import Checklist, load_library
from wardaudit.exchange import export_bundle, import_bundle
from wardaudit.scoring import allowed_answers
from wardaudit.store import Store

WARDS = 60
MONTHS = 60
CLIENTS = 8
SPAWN = multiprocessing.get_context("spawn")


def _checklist() -> Checklist:
    return load_library([]).latest("sexual-safety-environment")


def _audit_months(store: Store, name: str, sex: str, months: int, rng: random.Random) -> None:
    checklist = _checklist()
    quality = rng.uniform(0.75, 0.97)
    now = clock.now()
    for month_back in range(months, 0, -1):
        when = (now - timedelta(days=30.4 * month_back)).isoformat(timespec="seconds")
        answers = {}
        for item in checklist.applicable_items(sex):
            value = "yes" if rng.random() < quality else rng.choice(allowed_answers(item))
            answers[item.id] = (value, "", "")
        store.audits.import_completed(
            name,
            checklist,
            answers=answers,
            started_at=when,
            completed_at=when,
            by="A matron",
            role="Matron",
        )


def build_trust(path: Path) -> Path:
    """60 wards on 6 sites, each audited every month for five years (3,600 audits)."""
    if path.exists():
        return path
    partial = path.with_name(path.name + ".building")
    partial.unlink(missing_ok=True)
    store = Store.open(partial, durable=False)
    rng = random.Random(60)
    for n in range(WARDS):
        sex = ("male", "female", "mixed")[n % 3]
        store.wards.add(site=f"Site {n % 6}", name=f"Ward {n:02d}", sex=sex, beds=16)
        _audit_months(store, f"Ward {n:02d}", sex, MONTHS, rng)
    store.close(backup=False)
    partial.rename(path)
    return path


def _laptop_files(workdir: Path, count: int) -> list[Path]:
    """Exchange files from ward laptops: each one ward's audits, sent twice over (the second
    file repeating the first and adding a month), so imports overlap."""
    files = []
    rng = random.Random(8)
    for n in range(count):
        with Store.open(workdir / f"laptop-{n}.sqlite3", durable=False) as laptop:
            laptop.wards.add(site="Laptops", name=f"Laptop ward {n:02d}", sex="mixed")
            _audit_months(laptop, f"Laptop ward {n:02d}", "mixed", 3, rng)
            files.append(workdir / f"laptop-{n}-a.wardaudit")
            export_bundle(laptop, files[-1])
            _audit_months(laptop, f"Laptop ward {n:02d}", "mixed", 1, rng)
            files.append(workdir / f"laptop-{n}-b.wardaudit")
            export_bundle(laptop, files[-1])
    return files


def _client(target: str, role: str, files: list[str], seconds: float) -> tuple[int, list[str]]:
    """One person for ``seconds``: importing files in turn, or reading the board."""
    done, errors = 0, []
    deadline = time.monotonic() + seconds
    with Store.open(target, readonly=role == "reader") as store:
        n = 0
        # an importer goes on past the time until it has imported each of its files once,
        # so the events the server ends with can be compared with every file's
        while time.monotonic() < deadline or (role == "importer" and n < len(files)):
            try:
                if role == "importer":
                    import_bundle(store, files[n % len(files)])
                    n += 1
                else:
                    board_figures(store, start=None, end=None)
                done += 1
            except Exception as error:
                errors.append(f"{type(error).__name__}: {error}")
    return done, errors


def run(workdir: Path, cache: Path, quick: bool) -> list[Result]:
    try:
        from tests.pgserver import NoServer, TempPostgres
    except ImportError as error:  # an installed copy without the tests folder
        print(f"trustdb: skipped ({error})", file=sys.stderr)
        return []
    from wardaudit.store import pg_migrations
    from wardaudit.store.copy import copy_to_server

    try:
        server = TempPostgres(max_connections=40).start()
    except NoServer as error:
        print(f"trustdb: skipped, no PostgreSQL server could be started: {error}", file=sys.stderr)
        return []
    try:
        server.create_database("template_trust")
        pg_migrations.init(server.conninfo("template_trust"))
        trust_file = build_trust(cache / "trust-60x60.sqlite3")

        # the board: 60 wards, five years, on the server and on the file
        server.create_database("board", template="template_trust")
        copy_to_server(trust_file, server.conninfo("board"))
        start = (clock.today() - timedelta(days=365 * 5)).strftime("%Y-%m")
        end = clock.today().strftime("%Y-%m")
        rounds = 3 if quick else 7
        board_ms: dict[str, float] = {}
        for engine, target in (("sqlite", str(trust_file)), ("pg", server.conninfo("board"))):
            with Store.open(target, readonly=True) as store:
                timings = []
                for _ in range(rounds):
                    began = time.perf_counter()
                    board = board_figures(store, start=start, end=end)
                    timings.append(time.perf_counter() - began)
                assert len(board.wards) == WARDS
                board_ms[engine] = min(timings) * 1000

        # 1,000 audits in one exchange file, into an empty database of each kind
        bundle = workdir / "thousand.wardaudit"
        with Store.open(trust_file, readonly=True) as store:
            cutoff = store.audits.list(status="completed")[999].completed_at
            assert cutoff is not None
            exported = export_bundle(store, bundle, since=clock.parse_iso(cutoff).date())
        imports: dict[str, list[float]] = {"sqlite": [], "pg": []}
        for attempt in range(1 if quick else 3):
            server.create_database(f"import{attempt}", template="template_trust")
            for engine, target in (
                ("sqlite", str(workdir / f"import-{attempt}.sqlite3")),
                ("pg", server.conninfo(f"import{attempt}")),
            ):
                with Store.open(target) as store:
                    began = time.perf_counter()
                    plan = import_bundle(store, bundle)
                    imports[engine].append(time.perf_counter() - began)
                    assert plan.new_audits == exported["audits"] >= 1000
        import_s = {engine: min(times) for engine, times in imports.items()}

        # 8 people at once: 4 importing overlapping files, 4 reading the board
        files = _laptop_files(workdir, 6 if quick else 12)
        with Store.open(workdir / "in-turn.sqlite3", durable=False) as reference:
            for file in files:
                import_bundle(reference, file)
            expected_events = len(reference.history.list())
            expected = reference.records.fingerprint()
        server.create_database("shared", template="template_trust")
        shared = server.conninfo("shared")
        seconds = 8.0 if quick else 20.0
        names = [str(f) for f in files]
        jobs: list[tuple[str, list[str]]] = []
        for n in range(CLIENTS):
            if n % 2 == 0:  # each importer starts at a different file: they overlap
                shift = (n // 2) * 3
                jobs.append(("importer", names[shift:] + names[:shift]))
            else:
                jobs.append(("reader", []))
        with SPAWN.Pool(CLIENTS) as pool:
            runs: list[Any] = [
                pool.apply_async(_client, (shared, role, mine, seconds)) for role, mine in jobs
            ]
            outcomes = [r.get(seconds * 10 + 120) for r in runs]
        operations = sum(done for done, _ in outcomes)
        errors = [e for _, errs in outcomes for e in errs]
        with Store.open(shared, readonly=True) as store:
            # every file was imported at least once in the time? then nothing may differ
            got_events = len(store.history.list())
            same = store.records.fingerprint() == expected
        lost = max(0, expected_events - got_events) + (0 if same else 1)
        for line in errors[:5]:
            print(f"trustdb: client error: {line}", file=sys.stderr)
        print(
            f"trustdb: board {board_ms['pg']:.0f} ms (file {board_ms['sqlite']:.0f} ms); "
            f"1,000-audit import {import_s['pg']:.2f} s (file {import_s['sqlite']:.2f} s); "
            f"{CLIENTS} clients for {seconds:.0f} s: {operations} operations, "
            f"{len(errors)} errors, events {got_events} of {expected_events}, "
            f"fingerprint {'equal' if same else 'DIFFERENT'}",
            file=sys.stderr,
        )
        return [
            Result("trustdb_bundle_import_1000_s", import_s["pg"], "s", None, import_s["sqlite"]),
            Result(
                "trustdb_import_ratio", import_s["pg"] / import_s["sqlite"], "ratio", None, None
            ),
            Result("trustdb_board_60x60_ms", board_ms["pg"], "ms", 300, board_ms["sqlite"]),
            Result("trustdb_board_ratio", board_ms["pg"] / board_ms["sqlite"], "ratio", None, None),
            Result("trustdb_concurrent_clients", operations / seconds, "ops/s", None, None),
            Result("trustdb_concurrent_errors", float(len(errors)), "count", 0, None),
            Result("trustdb_concurrent_lost_events", float(lost), "count", 0, None),
        ]
    finally:
        server.stop()
