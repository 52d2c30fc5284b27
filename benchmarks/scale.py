"""Scale figures: a photo-heavy trust of 60 wards × 12 months, each beside its baseline.

The trust is the demo trust made larger (``wardaudit demo --photos --wards 60 --months
12``): about 700 signed-off audits with six to ten photo-like JPEGs (150–400 KB, 1600 px)
on each audit with findings, some 1.5 GB in all, as a trust's board database holds after a
year. It is built once (the pictures take minutes to make) and kept in
``benchmarks/.cache``; every figure works on a clone of it (the records copied, the photos
hard-linked), so the cached trust never changes.

``--quick`` leaves this group out unless it is asked for (``--only scale``). The 60 × 60
trust (five years) is measured by hand with ``WARDAUDIT_SCALE_MONTHS=60``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.harness import NOTES, Result, p95
from wardaudit import clock
from wardaudit.checklist import load_library
from wardaudit.demo import build_demo_trust
from wardaudit.demo_photos import photo_like_jpeg
from wardaudit.paths import backup_dir, photo_dir
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parent.parent
WARDS = int(os.environ.get("WARDAUDIT_SCALE_WARDS", "60"))
MONTHS = int(os.environ.get("WARDAUDIT_SCALE_MONTHS", "12"))
BUILD = 2  # bump when the trust's recipe changes, so the cache is built afresh
CHECKLIST = "sexual-safety-environment"


def _say(text: str) -> None:
    print(f"scale: {text}", file=sys.stderr, flush=True)


# --- the trust -----------------------------------------------------------------------------


def build_trust(cache: Path, wards: int = WARDS, months: int = MONTHS) -> Path:
    """The photo-heavy trust, built once into the cache (a folder renamed into place)."""
    folder = cache / f"scale-{wards}x{months}-v{BUILD}"
    db = folder / "trust.sqlite3"
    if db.exists():
        return db
    building = cache / f"{folder.name}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    _say(f"building a trust of {wards} wards × {months} months with photos (once; minutes)")
    started = time.perf_counter()
    last = [0.0]

    def progress(what: str, done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            _say(f"  {what.lower()}: {done} of {total} ward-months")

    # A benchmark's own file: its writes need not wait for the disk.
    store = Store.open(building / "trust.sqlite3", durable=False)
    try:
        build_demo_trust(
            store, load_library([]), wards=wards, months=months, photos=True, progress=progress
        )
    finally:
        store.close(backup=False)
    with sqlite3.connect(building / "trust.sqlite3") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _say(f"built in {time.perf_counter() - started:.0f} s")
    building.rename(folder)
    return db


def clone(db: Path, target: Path) -> Path:
    """The records copied and the photos hard-linked (photo files never change in place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db, target)
    source, into = photo_dir(db), photo_dir(target)
    for folder in sorted(source.iterdir()):
        if not folder.is_dir() or len(folder.name) != 2:
            continue
        (into / folder.name).mkdir(parents=True, exist_ok=True)
        for entry in os.scandir(folder):
            os.link(entry.path, into / folder.name / entry.name)
    return target


def folder_bytes(folder: Path) -> int:
    total = 0
    for base, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(base, name))
    return total


def drop_caches() -> bool:
    """Drop the page cache (root only), so an open reads from the disk as after a reboot."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as handle:
            handle.write("3\n")
        return True
    except OSError:
        return False


def read_and_hash(paths: list[Path]) -> float:
    """Seconds to read and SHA-256 these files once: the floor for a verified copy."""
    start = time.perf_counter()
    for path in paths:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return time.perf_counter() - start


def photo_files(db: Path) -> list[Path]:
    return sorted(p for p in photo_dir(db).glob("??/*") if len(p.name) == 64)


# --- opening -------------------------------------------------------------------------------


def opening(db: Path, quick: bool) -> list[Result]:
    cold = drop_caches()
    if not cold:
        NOTES.append(
            "scale: big_open_s is WARM: the page cache could not be dropped (needs root and a "
            "writable /proc/sys/vm/drop_caches); the photos are never read at open either way"
        )
    ours, bare = [], []
    for _ in range(2 if quick else 3):
        drop_caches()
        start = time.perf_counter()
        store = Store.open(db)
        store.wards.list()
        ours.append(time.perf_counter() - start)
        store.close(backup=False)
        drop_caches()
        start = time.perf_counter()
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA quick_check").fetchall()
        bare.append(time.perf_counter() - start)
        conn.close()
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    _say(f"open {'cold' if cold else 'warm'}: {ours_s:.3f} s (bare quick_check {bare_s:.3f} s)")
    return [Result("big_open_s", ours_s, "s", 1.0, bare_s)]


# --- backups -------------------------------------------------------------------------------


def _copy_durably(paths: list[Path], into: Path) -> float:
    """The plain floor of a backup: the same files copied and synced, nothing else."""
    into.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for n, path in enumerate(paths):
        target = into / f"{n}"
        shutil.copyfile(path, target)
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())
    took = time.perf_counter() - start
    shutil.rmtree(into)
    return took


def a_days_work(store: Store, seed: int, photos: int = 8) -> list[Path]:
    """An audit's worth of change: answers and ``photos`` new pictures; returns their files."""
    checklist = load_library([]).latest(CHECKLIST)
    in_progress = store.audits.in_progress()
    audit = in_progress[0].id
    sex = store.audits.get(audit).audit.ward.sex
    items = checklist.applicable_items(sex)
    rng = random.Random(seed)
    made = []
    for n in range(photos):
        picture = photo_like_jpeg(rng.getrandbits(48))
        item = items[rng.randrange(len(items))].id
        photo = store.photos.add(
            audit,
            item,
            picture.data,
            filename=f"day-{seed}-{n}.jpg",
            media_type="image/jpeg",
            width=picture.width,
            height=picture.height,
        )
        sha256, _ = store.photos.digest(photo.id)
        made.append(store.photo_folder / sha256[:2] / sha256)
    for item in items[:10]:
        store.audits.record_answer(audit, item.id, rng.choice(("yes", "na")))
    return made


def backing_up(db: Path, workdir: Path) -> list[Result]:
    store = Store.open(db)
    try:
        start = time.perf_counter()
        store.backup_now("first")
        first = time.perf_counter() - start
        first_floor = _copy_durably([db, *photo_files(db)], workdir / "floor-first")
        new_photos = a_days_work(store, seed=1)
        start = time.perf_counter()
        store.backup_now("after-a-day")
        after_day = time.perf_counter() - start
        floor = _copy_durably([db, *new_photos], workdir / "floor-day")
    finally:
        store.close(backup=False)
    _say(
        f"backup: first {first:.1f} s (plain copy {first_floor:.1f} s); after a day's work "
        f"{after_day:.3f} s (plain copy of what changed {floor:.3f} s)"
    )
    shutil.rmtree(backup_dir(db))
    return [
        Result("big_backup_first_s", first, "s", None, first_floor),
        Result("big_backup_s", after_day, "s", None, floor),
    ]


def _qt_app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _event_loop_stalls(run_for: Callable[[], bool]) -> list[float]:
    """Lateness (ms) of a 5 ms timer on the UI thread's event loop while ``run_for()``."""
    from PySide6.QtCore import QEventLoop, QTimer

    app = _qt_app()
    stalls: list[float] = []
    last = [time.perf_counter()]
    loop = QEventLoop()

    def tick() -> None:
        now = time.perf_counter()
        stalls.append(max(0.0, (now - last[0]) * 1000 - 5))
        last[0] = now
        if not run_for():
            loop.quit()

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    loop.exec()
    timer.stop()
    app.processEvents()
    return stalls[1:]


def ui_while_backing_up(db: Path) -> list[Result]:
    """How long the UI thread waits while a full backup (every photo copied) runs beside it:
    the event loop's worst lateness, and answers saved on the UI thread meanwhile."""
    from ui.app import settle_memory
    from ui.ops import Op

    _qt_app()
    from PySide6.QtWidgets import QWidget

    settle_memory()  # as the app does once its window is up

    store = Store.open(db)
    parent = QWidget()
    try:
        idle_until = time.perf_counter() + 3
        idle = _event_loop_stalls(lambda: time.perf_counter() < idle_until)
        op = Op(parent, lambda: store.backup_now("while-working")).run()
        during = _event_loop_stalls(lambda: op.running)
        shutil.rmtree(backup_dir(db))
        # Answers saved on the UI thread, with no backup and then during one.
        checklist = load_library([]).latest(CHECKLIST)
        audit = store.audits.in_progress()[0].id
        record = store.audits.get(audit)
        items = checklist.applicable_items(record.audit.ward.sex)
        # Each save changes its answer (Yes and N/A in turn), so each one writes.
        given = {item.id: getattr(record.answers.get(item.id), "value", None) for item in items}

        def save_a_changed_answer(n: int) -> float:
            item = items[n % len(items)].id
            value = "na" if given[item] == "yes" else "yes"
            start = time.perf_counter()
            store.audits.record_answer(audit, item, value)
            took = (time.perf_counter() - start) * 1000
            given[item] = value
            return took

        plain = [save_a_changed_answer(n) for n in range(60)]
        saves: list[float] = []
        op = Op(parent, lambda: store.backup_now("while-answering")).run()
        n = 0
        while op.running:
            saves.append(save_a_changed_answer(n))
            n += 1
            _qt_app().processEvents()
        _qt_app().processEvents()
    finally:
        parent.deleteLater()
        store.close(backup=False)
        shutil.rmtree(backup_dir(db), ignore_errors=True)
    worst, idle_worst = max(during, default=0.0), max(idle, default=0.0)
    _say(
        f"UI during a full backup: worst event-loop wait {worst:.1f} ms (idle {idle_worst:.1f} ms);"
        f" {len(saves)} answers saved meanwhile, p95 {p95(saves):.1f} ms, worst "
        f"{max(saves):.1f} ms (without a backup p95 {p95(plain):.1f} ms)"
    )
    return [
        Result("big_backup_ui_block_ms", worst, "ms", 50, idle_worst),
        Result("big_backup_answer_p95_ms", p95(saves), "ms", None, p95(plain)),
    ]


@contextlib.contextmanager
def _clock_at(moments: Iterator[datetime]) -> Iterator[Callable[[], None]]:
    """WardAudit's clock set to each of ``moments`` in turn (``advance()`` for the next)."""
    real = clock.now
    current = [next(moments)]

    def advance() -> None:
        current[0] = next(moments)

    clock.now = lambda: current[0]  # type: ignore[assignment]
    try:
        yield advance
    finally:
        clock.now = real  # type: ignore[assignment]


def a_year_of_closes(db: Path, days: int) -> list[Result]:
    """A year of days each ending with WardAudit closed after some work (a backup each)."""
    start_day = datetime(2027, 1, 4, 17, 30, tzinfo=clock.LONDON)
    moments = (start_day + timedelta(days=d) for d in range(days + 1))
    started = time.perf_counter()
    with _clock_at(moments) as advance:
        for day in range(days):
            store = Store.open(db, durable=False)
            try:
                a_days_work(store, seed=1000 + day, photos=1)
            finally:
                store.close(min_backup_age_s=0)
            advance()
    took = time.perf_counter() - started
    backups = folder_bytes(backup_dir(db))
    photos = folder_bytes(photo_dir(db))
    records = db.stat().st_size
    copies = len(list(backup_dir(db).glob("*.sqlite3")))
    ratio = backups / (photos + records)
    _say(
        f"after {days} daily closes ({took:.0f} s): backups folder {backups / 1e9:.2f} GB "
        f"({copies} records copies of {records / 1e6:.1f} MB) for {photos / 1e9:.2f} GB of "
        f"photos: ratio {ratio:.3f}"
    )
    return [Result("backups_folder_ratio", ratio, "ratio", 1.5, photos + records)]


# --- exchange files ------------------------------------------------------------------------


PEAK_PROBE = Path(__file__).with_name("_peak_probe.py")


def _run_child(args: list[str], workdir: Path) -> tuple[float, float, str]:
    """Run ``wardaudit ARGS`` as a child process: (seconds, its own peak RSS in MB, stdout)."""
    peak_file = workdir / "peak.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WARDAUDIT_PEAK_FILE": str(peak_file)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(PEAK_PROBE), *args], capture_output=True, text=True, env=env
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"wardaudit {' '.join(args)} failed: {done.stderr.strip()}")
    peak_mb = int(peak_file.read_text(encoding="ascii")) / 1024
    peak_file.unlink()
    return took, peak_mb, done.stdout


def exchange_files(trusts: list[tuple[str, Path]], workdir: Path) -> list[Result]:
    """Export and import whole trusts of two sizes in child processes: their peak memory
    must not grow with the file; their time against reading and hashing once what each
    reads (the trust's records and photo files; the exchange file), from the disk where
    the page cache can be dropped.

    The import (as ``wardaudit bundle import`` does it: each photo into a file of its own,
    synced before the records commit, then the backup on close copying the new photos)
    is also set against the plainest way to put the same photos on the disk as files:
    each copied once and synced, one after another."""
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    peaks: dict[str, list[float]] = {"export": [], "import": []}
    last: dict[str, tuple[float, float]] = {}
    files_floor = 0.0
    for label, trust in trusts:
        db = clone(trust, workdir / f"bundle-{label}" / "trust.sqlite3")
        bundle = workdir / f"{label}.wabundle"
        cold = drop_caches()  # each run and its floor from the disk, where that can be had
        took, peak, _ = _run_child(
            ["--db", str(db), "bundle", "export", str(bundle), "--all"], workdir
        )
        size = bundle.stat().st_size
        target = workdir / f"import-{label}" / "trust.sqlite3"
        target.parent.mkdir()
        drop_caches()
        took_in, peak_in, _ = _run_child(
            ["--db", str(target), "bundle", "import", str(bundle)], workdir
        )
        drop_caches()
        floor_out = read_and_hash([db, *photo_files(db)])  # what the export reads
        drop_caches()
        floor = read_and_hash([bundle])  # what the import reads
        drop_caches()
        files_floor = _copy_durably(photo_files(db), workdir / "floor-files")
        peaks["export"].append(peak)
        peaks["import"].append(peak_in)
        last = {"export": (took, floor_out), "import": (took_in, floor)}
        _say(
            f"bundle of {label} ({'cold' if cold else 'WARM'}): {size / 1e9:.2f} GB; export {took:.1f} s, peak {peak:.0f} MB; "
            f"import {took_in:.1f} s, peak {peak_in:.0f} MB; reading and hashing once "
            f"the trust's files {floor_out:.1f} s, the exchange file {floor:.1f} s; its photos copied as files, each synced, {files_floor:.1f} s"
        )
        NOTES.append(
            f"scale: bundle of {label} ({size / 1e9:.2f} GB): export {took:.1f} s, peak "
            f"{peak:.0f} MB; import {took_in:.1f} s, peak {peak_in:.0f} MB"
        )
        bundle.unlink()
        shutil.rmtree(target.parent)
        shutil.rmtree(db.parent)
    for kind in ("export", "import"):
        took, floor = last[kind]  # the larger file
        results.append(Result(f"bundle_{kind}_peak_mb", max(peaks[kind]), "MB", 300, None))
        results.append(Result(f"bundle_{kind}_ratio", took / floor, "ratio", 3.0, floor))
    took_in = last["import"][0]
    results.append(
        Result("bundle_import_files_ratio", took_in / files_floor, "ratio", None, files_floor)
    )
    return results


# --- answers, documents and screens at this size ---------------------------------------------


def answer_saves(db: Path, quick: bool) -> list[Result]:
    """p95 of an answer saved on the big database against a bare SQLite upsert and commit."""
    checklist = load_library([]).latest(CHECKLIST)
    store = Store.open(db)
    busy = {a.ward_name for a in store.audits.in_progress()}
    wards = [w for w in store.wards.list() if w.name not in busy]
    samples = 300 if quick else 1000
    plan: list[tuple[str, str]] = []
    for ward in wards:
        audit = store.audits.start(ward.name, checklist).id
        plan += [(audit, item.id) for item in checklist.applicable_items(ward.sex)]
        if len(plan) >= samples:
            break
    bare = sqlite3.connect(db.with_name("bare.sqlite3"), isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute(
        "CREATE TABLE answers(audit_id INTEGER, item_id TEXT, value TEXT, answered_at INTEGER,"
        " PRIMARY KEY (audit_id, item_id)) WITHOUT ROWID"
    )
    ours, plain = [], []
    for n, (audit, item) in enumerate(plan[:samples]):
        start = time.perf_counter()
        store.audits.record_answer(audit, item, "yes" if n % 7 else "na")
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.execute("BEGIN IMMEDIATE")
        bare.execute(
            "INSERT INTO answers VALUES (?, ?, ?, ?) ON CONFLICT(audit_id, item_id)"
            " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
            (n // 60, item, "yes", n),
        )
        bare.execute("COMMIT")
        plain.append(time.perf_counter() - start)
    store.close(backup=False)
    bare.close()
    ours_p95, plain_p95 = p95(ours) * 1000, p95(plain) * 1000
    return [Result("answer_save_p95_ratio", ours_p95 / plain_p95, "ratio", 1.5, plain_p95)]


def _bare_plan_pdf(rows: list[list[str]], pictures: list[bytes], path: Path) -> None:
    """The same rows and the same ten pictures, written by reportlab with nothing else."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, LongTable, SimpleDocTemplate

    story: list[Any] = [LongTable([["Item", "Action", "Owner", "Due", "Risk"], *rows])]
    story += [Image(io.BytesIO(data), width=60 * mm, height=45 * mm) for data in pictures]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def documents(db: Path, workdir: Path, quick: bool) -> list[Result]:
    from benchmarks.exports import _alternate, _rows, bare_pdf, bare_xlsx
    from exports.documents import write_action_plan, write_board_report, write_work_list
    from exports.xlsx.action_sheet import action_row
    from wardaudit.board import BoardChoice, board_actions, figures_for

    store = Store.open(db)
    runs = 2 if quick else 4
    try:
        audit = _audit_with_ten_photos_shown(store)
        record = store.audits.get(audit)
        pictures = [store.photos.data(p.id) for p in record.photos]
        plan_rows = [
            [a.item, a.description, a.owner, a.due.isoformat(), a.risk.band_word]
            for a in record.actions
        ]
        plan, plan_bare = _alternate(
            lambda n: write_action_plan(store, audit, workdir / f"plan-{n}.pdf", "pdf"),
            lambda n: _bare_plan_pdf(plan_rows, pictures, workdir / f"plan-bare-{n}.pdf"),
            runs,
        )
        board = figures_for(store, BoardChoice())
        actions = board_actions(store, board)
        board_rows = [
            [
                f.ward.site,
                f.ward.name,
                "" if f.score is None else f"{f.score:.1f}",
                f.rating or "",
                "yes" if f.critical_breach else "",
                str(f.open_actions),
                str(f.overdue_actions),
            ]
            for f in board.wards
        ] + _rows(actions)
        board_pdf, board_bare_pdf = _alternate(
            lambda n: write_board_report(store, None, workdir / f"board-{n}.pdf", "pdf"),
            lambda n: bare_pdf(board_rows, workdir / f"board-bare-{n}.pdf"),
            runs,
        )
        today = clock.today()
        board_xlsx, board_bare_xlsx = _alternate(
            lambda n: write_board_report(store, None, workdir / f"board-{n}.xlsx", "xlsx"),
            lambda n: bare_xlsx(
                [r[:7] for r in board_rows[: len(board.wards)]]
                + [action_row(a, today) for a in actions],
                workdir / f"board-bare-{n}.xlsx",
            ),
            runs,
        )
        still_to_do = [a for a in store.actions.list() if a.status in ("open", "in_progress")]
        work, work_bare = _alternate(
            lambda n: write_work_list(store, None, workdir / f"work-{n}.pdf", "pdf"),
            lambda n: bare_pdf(_rows(still_to_do), workdir / f"work-bare-{n}.pdf"),
            runs,
        )
    finally:
        store.close(backup=False)
    _say(
        f"documents: action plan with ten photos {plan:.2f} s (bare {plan_bare:.2f} s); board "
        f"report PDF {board_pdf:.2f} s (bare {board_bare_pdf:.2f} s), workbook "
        f"{board_xlsx:.2f} s (bare {board_bare_xlsx:.2f} s); work list of "
        f"{len(still_to_do)} actions {work:.2f} s (bare {work_bare:.2f} s)"
    )
    return [
        Result("action_plan_10_photos_s", plan, "s", None, None),
        Result("action_plan_10_photos_ratio", plan / plan_bare, "ratio", None, plan_bare),
        Result("board_report_big_s", board_pdf, "s", None, None),
        Result("board_report_big_ratio", board_pdf / board_bare_pdf, "ratio", None, board_bare_pdf),
        Result("board_report_big_xlsx_s", board_xlsx, "s", None, None),
        Result(
            "board_report_big_xlsx_ratio",
            board_xlsx / board_bare_xlsx,
            "ratio",
            None,
            board_bare_xlsx,
        ),
        Result("work_list_big_s", work, "s", None, None),
        Result("work_list_big_ratio", work / work_bare, "ratio", None, work_bare),
    ]


def _audit_with_ten_photos_shown(store: Store) -> str:
    """A signed-off audit with ten photos on ten of its actions (the plan shows them all)."""
    for summary in store.audits.list(status="completed"):
        record = store.audits.get(summary.id)
        with_actions = {a.item for a in record.actions}
        if len(record.photos) == 10 and len({p.item for p in record.photos} & with_actions) == 10:
            return summary.id
    raise RuntimeError("no audit has ten photos on ten actions")


def screens(db: Path, small: Path, quick: bool) -> list[Result]:
    """The Wards, Actions and Board screens loading on the big trust, against the demo's."""
    _qt_app()
    from PySide6.QtCore import QEventLoop, QTimer

    from ui.actions import ActionsScreen
    from ui.board import BoardScreen
    from ui.context import AppContext
    from ui.wards import WardsScreen

    library = load_library([])
    kinds = (
        ("wards", WardsScreen, "rows_loaded"),
        ("actions", ActionsScreen, "rows_loaded"),
        ("board", BoardScreen, "loaded"),
    )

    def time_screen(path: Path, kind: type, signal: str) -> float:
        store = Store.open(path)
        ctx = AppContext(store=store, library=library)
        screen = kind(ctx)
        screen.resize(1366, 768)
        took = []
        try:
            for n in range(2 if quick else 4):
                loop = QEventLoop()
                getattr(screen, signal).connect(loop.quit)
                QTimer.singleShot(60_000, loop.quit)
                start = time.perf_counter()
                if n == 0:
                    screen.show()
                else:
                    screen.refresh()
                loop.exec()
                took.append((time.perf_counter() - start) * 1000)
        finally:
            screen.hide()
            screen.deleteLater()
            _qt_app().processEvents()
            store.close(backup=False)
        return min(took)

    results = []
    for name, kind, signal in kinds:
        big = time_screen(db, kind, signal)
        base = time_screen(small, kind, signal)
        _say(f"{name} screen: {big:.0f} ms on the big trust, {base:.0f} ms on the demo trust")
        results.append(Result(f"{name}_screen_big_ms", big, "ms", None, base))
    return results


# --- the group -----------------------------------------------------------------------------


def run(workdir: Path, cache: Path, quick: bool) -> list[Result]:
    db = build_trust(cache)
    records = db.stat().st_size
    photos = folder_bytes(photo_dir(db))
    files = photo_files(db)
    sizes = [p.stat().st_size for p in files]
    _say(
        f"trust of {WARDS} wards × {MONTHS} months: records {records / 1e6:.1f} MB, "
        f"{len(files):,} photos {photos / 1e9:.2f} GB (each {min(sizes) // 1000}–"
        f"{max(sizes) // 1000} KB, mean {statistics.mean(sizes) / 1000:.0f} KB)"
    )
    NOTES.append(
        f"scale: the trust is {WARDS} wards × {MONTHS} months: records {records / 1e6:.1f} MB, "
        f"{len(files):,} photos of {photos / 1e9:.2f} GB"
    )
    results = [
        Result("big_records_mb", records / 1e6, "MB", None, None),
        Result("big_photos_gb", photos / 1e9, "GB", None, None),
    ]
    results += opening(clone(db, workdir / "open" / "trust.sqlite3"), quick)
    work = clone(db, workdir / "backup" / "trust.sqlite3")
    results += backing_up(work, workdir / "backup")
    results += ui_while_backing_up(work)
    results += answer_saves(work, quick)
    small = workdir / "small" / "demo.sqlite3"
    small.parent.mkdir()
    with Store.open(small) as store:
        build_demo_trust(store, load_library([]))
    results += screens(work, small, quick)
    results += documents(work, workdir / "backup", quick)
    shutil.rmtree(workdir / "backup")
    half = build_trust(cache, wards=WARDS // 2, months=MONTHS)
    results += exchange_files(
        [(f"{WARDS // 2} wards", half), (f"{WARDS} wards", db)], workdir / "exchange"
    )
    shutil.rmtree(workdir / "exchange")
    year = clone(db, workdir / "year" / "trust.sqlite3")
    results += a_year_of_closes(year, 120 if quick else 365)
    shutil.rmtree(workdir / "year")
    return results
