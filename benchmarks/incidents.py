"""Incident import figures: reading and planning 10,000 export rows, against a bare read.

``incidents_read_plan_10k_csv_s``: median seconds to read a 10,000-row CSV export through
the generic mapping (every check on every mapped cell, the patient-detail refusals
included) and plan its import against 5,000 incidents already held. ``incidents_csv_ratio``
is that over a bare ``csv.reader`` pass over the same file in the same run. The ``xlsx``
pair does the same for the export saved as a workbook, against a bare openpyxl read-only
pass. The store's write is not in these figures; ``incidents_import_10k_s`` (the whole
import, target 2 s) is measured once the store holds incidents.
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


def _rows(count: int) -> tuple[list[str], list[list[str]]]:
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
        sexual = rng.random() < 0.85
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


def _write(workdir: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    header, rows = _rows(ROWS)
    csv_path = workdir / "incidents-10k.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    xlsx_path = workdir / "incidents-10k.xlsx"
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
        Result("incidents_read_plan_10k_csv_s", csv_ours, "s", TARGET_S, None),
        Result("incidents_csv_ratio", csv_ours / csv_bare, "ratio", None, csv_bare),
        Result("incidents_read_plan_10k_xlsx_s", xlsx_ours, "s", TARGET_S, None),
        Result("incidents_xlsx_ratio", xlsx_ours / xlsx_bare, "ratio", None, xlsx_bare),
    ]
