"""Incident import figures: reading and planning 10,000 export rows, against a bare read.

``incidents_read_plan_10k_csv_s``: median seconds to read a 10,000-row CSV export through
the generic mapping (every check on every mapped cell, the patient-detail refusals
included) and plan its import against 5,000 incidents already held. ``incidents_csv_ratio``
is that over a bare ``csv.reader`` pass over the same file in the same run. The ``xlsx``
pair does the same for the export saved as a workbook, against a bare openpyxl read-only
pass.

``incidents_import_10k_s`` is the whole import as ``wardaudit incidents import`` runs it:
10,000 sexual safety incident rows read through the mapping, planned against what the
store holds (with the names users mapped), and written to a durable database of the demo
trust's wards in one transaction, committed. ``incidents_import_csv_ratio`` is that over a
bare ``csv.reader`` pass over the same file; the ``xlsx`` pair does the same for the export
saved as a workbook, against a bare openpyxl read-only pass (which by itself takes a second
or more for 10,000 rows of 16 columns, so the workbook figure is reported beside its ratio).
"""

from __future__ import annotations

import csv
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from benchmarks.harness import Result
from wardaudit import clock
from wardaudit.demo import AREAS, WARDS
from wardaudit.incidents import Vocabulary, load_mapping_file, plan_import, read_csv
from wardaudit.incidents.importing import read_and_plan
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "examples" / "incidents" / "generic-mapping.toml"
ROWS = 10_000
TARGET_S = 2.0

_SUBCATEGORIES = (
    "Exposure / nudity",
    "Sexual harassment - verbal",
    "Sexual harassment - non-verbal",
    "Sexual assault - patient on patient",
    "Alleged rape",
    "Sexual activity between patients",
)
_PHYSICAL = ("No physical harm", "Low physical harm", "Moderate physical harm", "")
_PSYCHOLOGICAL = ("No psychological harm", "Low psychological harm", "Moderate psychological harm")


def _rows(count: int, sexual_share: float = 0.85) -> tuple[list[str], list[list[str]]]:
    """The generic export's layout, with a long description and a patient's details."""
    rng = random.Random(10_000)
    header = [
        "Incident ID",
        "Reported date",
        "Incident date",
        "Time",
        "Site",
        "Ward",
        "Exact location",
        "Incident type",
        "Sub-category",
        "Physical harm",
        "Psychological harm",
        "Patient name",
        "Patient NHS number",
        "Description",
        "Reported by",
        "Status",
    ]
    today = clock.today()
    rows = []
    for n in range(count):
        ward = rng.choice(WARDS)
        when = today - timedelta(days=rng.randint(1, 730))
        sexual = rng.random() < sexual_share
        rows.append(
            [
                f"INC-{100_000 + n}",
                when.strftime("%d/%m/%Y"),
                when.strftime("%d/%m/%Y"),
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                ward.site,
                ward.name,
                rng.choice(AREAS[ward.sex]),
                "Sexual safety" if sexual else "Slips, trips and falls",
                rng.choice(_SUBCATEGORIES) if sexual else "Fall - unwitnessed",
                rng.choice(_PHYSICAL),
                rng.choice(_PSYCHOLOGICAL),
                f"{rng.choice(('ASHDOWN', 'BRAMLEY', 'COLDWELL'))}, {rng.choice(('Sam', 'Alex'))}",
                f"999 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                " ".join(
                    rng.choice(("Staff", "saw", "the", "patient", "in", "lounge", "and"))
                    for _ in range(40)
                ),
                "Staff nurse",
                "Closed",
            ]
        )
    return header, rows


def _write(
    workdir: Path, sexual_share: float = 0.85, stem: str = "incidents-10k"
) -> tuple[Path, Path]:
    from openpyxl import Workbook

    header, rows = _rows(ROWS, sexual_share)
    csv_path = workdir / f"{stem}.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    xlsx_path = workdir / f"{stem}.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Incidents")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(xlsx_path)
    return csv_path, xlsx_path


def _alternate(
    ours: Callable[[], object], bare: Callable[[], object], runs: int
) -> tuple[float, float]:
    mine, plain = [], []
    for _ in range(runs):
        start = time.perf_counter()
        ours()
        mine.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare()
        plain.append(time.perf_counter() - start)
    return statistics.median(mine), statistics.median(plain)


def _wards_template(workdir: Path) -> Path:
    """A database holding the demo trust's wards and nothing else."""
    path = workdir / "wards.sqlite3"
    with Store.open(path) as store:
        for ward in WARDS:
            store.wards.add(
                site=ward.site,
                name=ward.name,
                sex=ward.sex,
                service=ward.service,
                beds=ward.beds,
                areas=AREAS[ward.sex],
            )
    return path


def _whole_import(workdir: Path, quick: bool) -> list[Result]:
    """Read, plan and write 10,000 incidents into a fresh, durable database each run."""
    import shutil

    from openpyxl import load_workbook

    from exports.incidents import read_export

    csv_path, xlsx_path = _write(workdir, sexual_share=1.0, stem="import-10k")
    mapping = load_mapping_file(MAPPING)
    template = _wards_template(workdir)
    attempt = 0

    def importing(path: Path) -> Callable[[], None]:
        def run_once() -> None:
            nonlocal attempt
            attempt += 1
            db = workdir / f"import-{attempt}.sqlite3"
            shutil.copy(template, db)
            store = Store.open(db)
            try:
                start = time.perf_counter()
                plan = read_and_plan(store, path, mapping, read_export)
                result = store.incidents.import_plan(plan, "Benchmark")
                timings.append(time.perf_counter() - start)
                assert result.new == ROWS and not plan.blocked, plan.blockers()
            finally:
                store.close(backup=False)

        return run_once

    def bare_csv() -> None:
        with csv_path.open(encoding="utf-8", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle)) == ROWS + 1

    def bare_xlsx() -> None:
        book = load_workbook(xlsx_path, read_only=True, data_only=True)
        try:
            assert sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) == ROWS + 1
        finally:
            book.close()

    results = []
    for kind, path, bare, runs in (
        ("csv", csv_path, bare_csv, 3 if quick else 5),
        ("xlsx", xlsx_path, bare_xlsx, 2 if quick else 3),
    ):
        timings: list[float] = []
        plain: list[float] = []
        ours = importing(path)
        for _ in range(runs):
            ours()
            start = time.perf_counter()
            bare()
            plain.append(time.perf_counter() - start)
        median, baseline = statistics.median(timings), statistics.median(plain)
        name = "incidents_import_10k_s" if kind == "csv" else "incidents_import_10k_xlsx_s"
        results += [
            Result(name, median, "s", TARGET_S, None),
            Result(f"incidents_import_{kind}_ratio", median / baseline, "ratio", None, baseline),
        ]
    return results


def run(workdir: Path, cache: Path, quick: bool) -> list[Result]:
    from openpyxl import load_workbook

    from exports.incidents import read_xlsx

    csv_path, xlsx_path = _write(workdir)
    mapping = load_mapping_file(MAPPING)
    wards = [ward.name for ward in WARDS]
    vocabulary = Vocabulary.of(wards, {a for areas in AREAS.values() for a in areas})
    first = read_csv(csv_path, mapping, vocabulary=vocabulary)
    held = {r.incident.reference: r.incident for r in first.incidents[: len(first.incidents) // 2]}
    assert first.rows_read == ROWS and first.problem_count == 0, first.problems

    def ours_csv() -> None:
        read = read_csv(csv_path, mapping, vocabulary=vocabulary)
        plan = plan_import(read.incidents, held, wards, mapping.ward_alias_map)
        assert len(plan.unchanged) == len(held)

    def bare_csv() -> None:
        with csv_path.open(encoding="utf-8", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle)) == ROWS + 1

    def ours_xlsx() -> None:
        read = read_xlsx(xlsx_path, mapping, vocabulary=vocabulary)
        plan = plan_import(read.incidents, held, wards, mapping.ward_alias_map)
        assert len(plan.unchanged) == len(held)

    def bare_xlsx() -> None:
        book = load_workbook(xlsx_path, read_only=True, data_only=True)
        try:
            assert sum(1 for _ in book.worksheets[0].iter_rows(values_only=True)) == ROWS + 1
        finally:
            book.close()

    runs = 3 if quick else 7
    csv_ours, csv_bare = _alternate(ours_csv, bare_csv, runs)
    xlsx_ours, xlsx_bare = _alternate(ours_xlsx, bare_xlsx, max(3, runs // 2))
    return [
        *_whole_import(workdir, quick),
        Result("incidents_read_plan_10k_csv_s", csv_ours, "s", TARGET_S, None),
        Result("incidents_csv_ratio", csv_ours / csv_bare, "ratio", None, csv_bare),
        Result("incidents_read_plan_10k_xlsx_s", xlsx_ours, "s", TARGET_S, None),
        Result("incidents_xlsx_ratio", xlsx_ours / xlsx_bare, "ratio", None, xlsx_bare),
    ]
