"""Board figures: the dashboard for 200 wards over 24 months, and merging 1,000 audits
(with the time its checks take, against the whole import)."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.harness import Result
from wardaudit import clock
from wardaudit.board import board_figures
from wardaudit.checklist import load_library
from wardaudit.exchange import export_bundle, import_bundle, read_bundle
from wardaudit.scoring import allowed_answers
from wardaudit.store import Store

WARDS = 200
MONTHS = 24


def build_trust(path: Path) -> Path:
    """200 wards on 8 sites, each audited every month for two years (4,800 audits)."""
    if path.exists():
        return path
    checklist = load_library([]).latest("sexual-safety-environment")
    partial = path.with_name(path.name + ".building")
    partial.unlink(missing_ok=True)
    store = Store.open(partial, durable=False)  # building a test file, not real answers
    rng = random.Random(200)
    sexes = ("male", "female", "mixed")
    services = ("Acute adult", "Older adult", "Rehabilitation", "Psychiatric intensive care")
    now = clock.now()
    for n in range(WARDS):
        sex = sexes[n % 3]
        name = f"Ward {n:03d}"
        store.wards.add(site=f"Site {n % 8}", name=name, sex=sex, service=services[n % 4], beds=16)
        quality = rng.uniform(0.75, 0.97)
        for month_back in range(MONTHS, 0, -1):
            when = now - timedelta(days=30.4 * month_back)
            answers = {}
            for item in checklist.applicable_items(sex):
                roll = rng.random()
                options = allowed_answers(item)
                value = "yes" if roll < quality else rng.choice(options)
                answers[item.id] = (value, "", "")
            store.audits.import_completed(
                name,
                checklist,
                answers=answers,
                started_at=when.isoformat(timespec="seconds"),
                completed_at=when.isoformat(timespec="seconds"),
                by="A matron",
                role="Matron",
            )
    store.close(backup=False)
    partial.rename(path)
    return path


def run(workdir: Path, cache: Path, quick: bool) -> list[Result]:
    db = build_trust(cache / "trust-200x24.sqlite3")
    store = Store.open(db)
    timings = []
    for _ in range(3 if quick else 7):
        start = time.perf_counter()
        board = board_figures(store, start=None, end=None)
        timings.append(time.perf_counter() - start)
    assert len(board.wards) == WARDS
    from exports import pdf, xlsx

    actions = [a for a in store.actions.list() if a.status in ("open", "in_progress")]
    pdf_times, xlsx_times = [], []
    for n in range(2 if quick else 5):
        start = time.perf_counter()
        pdf.write_board_report(board, workdir / f"board-{n}.pdf", actions=actions)
        pdf_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        xlsx.write_board_report(board, workdir / f"board-{n}.xlsx", actions=actions)
        xlsx_times.append(time.perf_counter() - start)
    bundle = workdir / "thousand.wabundle"
    audits = store.audits.list(status="completed")
    cutoff = audits[999].completed_at  # the newest 1,000 audits
    assert cutoff is not None
    since = clock.parse_iso(cutoff).date()
    counts = export_bundle(store, bundle, since=since)
    store.close(backup=False)
    imports = []
    for attempt in range(1 if quick else 3):
        target = Store.open(workdir / f"board-{attempt}.sqlite3")
        start = time.perf_counter()
        plan = import_bundle(target, bundle)
        imports.append(time.perf_counter() - start)
        assert plan.new_audits == counts["audits"] >= 1000, (plan.new_audits, counts)
        target.close(backup=False)
    # the share of the import spent checking the file (limits, digests, schema, photos)
    checks = []
    for _ in range(1 if quick else 3):
        start = time.perf_counter()
        read_bundle(bundle)
        checks.append(time.perf_counter() - start)
    return [
        Result("dashboard_200x24_ms", min(timings) * 1000, "ms", 300, None),
        Result("bundle_import_1000_s", min(imports), "s", 2.0, None),
        Result("bundle_check_1000_s", min(checks), "s", None, min(imports)),
        Result("board_pdf_s", min(pdf_times), "s", 3.0, None),
        Result("board_xlsx_s", min(xlsx_times), "s", 3.0, None),
    ]
