"""Export figures: a 1,000-action work list as PDF and Excel, against bare library writes."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from benchmarks.harness import Result
from wardaudit.checklist import load_library
from wardaudit.demo import build_demo_trust
from wardaudit.model import Action
from wardaudit.store import Store

ACTIONS = 1000


def _actions(workdir: Path) -> list[Action]:
    store = Store.open(workdir / "demo.sqlite3")
    build_demo_trust(store, load_library([]), seed=1000)
    actions = store.actions.list()
    store.close(backup=False)
    assert len(actions) >= ACTIONS, len(actions)
    return actions[:ACTIONS]


def _rows(actions: Sequence[Action]) -> list[list[str]]:
    return [
        [
            a.site_name,
            a.ward_name,
            a.item,
            a.found,
            a.description,
            a.owner,
            a.due.strftime("%d/%m/%Y"),
            f"{a.risk.likelihood}×{a.risk.consequence} {a.risk.band_word}",
            a.status_word,
            a.id,
        ]
        for a in actions
    ]


def bare_pdf(rows: list[list[str]], path: Path) -> None:
    """A plain reportlab table of the same rows: the floor any PDF writer stands on."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import LongTable, SimpleDocTemplate

    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4))
    table = LongTable(
        [
            ["Site", "Ward", "Item", "Found", "Action", "Owner", "Due", "Risk", "Status", "Id"],
            *rows,
        ],
        repeatRows=1,
    )
    doc.build([table])


def bare_xlsx(rows: list[list[str]], path: Path) -> None:
    """A plain openpyxl write of the same rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Actions")
    sheet.append(
        ["Site", "Ward", "Item", "Found", "Action", "Owner", "Due", "Risk", "Status", "Id"]
    )
    for row in rows:
        sheet.append(row)
    book.save(path)


def _alternate(
    ours: Callable[[int], None], bare: Callable[[int], None], runs: int
) -> tuple[float, float]:
    mine, plain = [], []
    for n in range(runs):
        start = time.perf_counter()
        ours(n)
        mine.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare(n)
        plain.append(time.perf_counter() - start)
    return statistics.median(mine), statistics.median(plain)


def run(workdir: Path, cache: Path, quick: bool) -> list[Result]:
    from exports import pdf, xlsx
    from exports.xlsx.action_sheet import action_row

    actions = _actions(workdir)
    rows = _rows(actions)
    today = date.today()
    cells = [action_row(action, today) for action in actions]
    runs = 3 if quick else 7
    # warm the imports and font caches once for both sides
    pdf.write_work_list(actions[:20], workdir / "warm.pdf", title="Warm-up")
    bare_pdf(rows[:20], workdir / "warm-bare.pdf")
    xlsx.write_work_list(actions[:20], workdir / "warm.xlsx", title="Warm-up")
    bare_xlsx(cells[:20], workdir / "warm-bare.xlsx")
    pdf_ours, pdf_bare = _alternate(
        lambda n: pdf.write_work_list(
            actions, workdir / f"list-{n}.pdf", title="Estates work list"
        ),
        lambda n: bare_pdf(rows, workdir / f"bare-{n}.pdf"),
        runs,
    )
    xlsx_ours, xlsx_bare = _alternate(
        lambda n: xlsx.write_work_list(
            actions, workdir / f"list-{n}.xlsx", title="Estates work list"
        ),
        lambda n: bare_xlsx(cells, workdir / f"bare-{n}.xlsx"),
        runs,
    )
    return [
        Result("pdf_1000_actions_s", pdf_ours, "s", 2.0, None),
        Result("pdf_ratio", pdf_ours / pdf_bare, "ratio", 1.5, pdf_bare),
        Result("xlsx_1000_actions_s", xlsx_ours, "s", 1.0, None),
        Result("xlsx_ratio", xlsx_ours / xlsx_bare, "ratio", 1.5, xlsx_bare),
    ]
