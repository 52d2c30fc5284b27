"""The same numbers everywhere: every figure the documents show, worked out here from the
command line's JSON alone (``audits list --json``, ``audits show --json``), never from the
code that wrote the documents, and compared with the PDF's text and the workbook's values.

The rules are DESIGN.md's and the issue's, written again here on purpose: overdue is still
to do (open or in progress) and past due; a ward's board score is its latest completed
audit in the period; means are over the wards audited; the ranking is by rating (Red with a
critical breach, Red, Amber, Green) then the lowest score, ties sharing a rank.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from statistics import fmean
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.exports.export_helpers import pdf_pages, squash
from wardaudit import cli

LONDON = ZoneInfo("Europe/London")
STILL_TO_DO = ("open", "in_progress")
BANDS = ("extreme", "high", "moderate", "low")
RATINGS = {"red": "Red", "amber": "Amber", "green": "Green"}


def run(db: Path, *args: str) -> Any:
    """A command's JSON, from the command line's own entry point."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["--db", str(db), *args]) == 0
    return json.loads(out.getvalue())


def shown(value: float) -> str:
    """One decimal, half up: how every document shows a score."""
    return str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def london_day(moment: str) -> date:
    return datetime.fromisoformat(moment).astimezone(LONDON).date()


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo trust's database, what the command line says of it, and its documents."""
    folder = tmp_path_factory.mktemp("same-numbers")
    db = folder / "trust.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "wardaudit", "--db", str(db), "demo"],
        check=True,
        capture_output=True,
    )
    listed = json.loads(
        subprocess.run(
            [sys.executable, "-m", "wardaudit", "--db", str(db), "audits", "list", "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    shows = {a["id"]: run(db, "audits", "show", a["id"], "--json") for a in listed}
    for kind in ("pdf", "xlsx"):
        assert (
            cli.main(["--db", str(db), "export", "actions", f"--{kind}", str(folder / f"w.{kind}")])
            == 0
        )
        assert (
            cli.main(["--db", str(db), "export", "board", f"--{kind}", str(folder / f"b.{kind}")])
            == 0
        )
    return {"db": db, "folder": folder, "list": listed, "show": shows}


def today() -> date:
    return datetime.now(LONDON).date()


def overdue(action: dict[str, Any]) -> bool:
    return action["status"] in STILL_TO_DO and date.fromisoformat(action["due"]) < today()


# --- the work list ---------------------------------------------------------------------------


def test_the_work_list_holds_what_is_still_to_do_counted_as_the_json_counts(
    record: dict[str, Any],
) -> None:
    actions = [
        a for show in record["show"].values() for a in show["actions"] if a["status"] in STILL_TO_DO
    ]
    assert actions
    by_ward = Counter((a["site"], a["ward"]) for a in actions)
    late = Counter((a["site"], a["ward"]) for a in actions if overdue(a))
    bands = Counter(a["risk"]["band"] for a in actions)
    # the planner's order: site, ward, overdue first, band, due date
    expected_order = [
        a["id"]
        for a in sorted(
            actions,
            key=lambda a: (
                a["site"].casefold(),
                a["ward"].casefold(),
                not overdue(a),
                BANDS.index(a["risk"]["band"]),
                a["due"],
                -a["risk"]["score"],
                a["item"],
                a["id"],
            ),
        )
    ]

    # The workbook: the rows, in order, and the Summary's counts.
    book = load_workbook(record["folder"] / "w.xlsx")
    sheet = book["Actions"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    head = next(i for i, row in enumerate(rows) if "Action ID" in row)
    columns = rows[head]
    body = [r for r in rows[head + 1 :] if any(v is not None for v in r)]
    assert [r[columns.index("Action ID")] for r in body] == expected_order
    assert "Status: Still to do (open or in progress)" in " ".join(str(v) for v in rows[0] if v)
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["Showing"][0] == "Status: Still to do (open or in progress)"
    assert summary["Actions"][0] == len(actions)
    assert summary["Overdue"][0] == sum(late.values())
    for band in BANDS:
        assert summary[f"Band: {band.title()}"][0] == bands.get(band, 0)
    table = {
        (row[0], row[1]): row[2:4]
        for row in book["Summary"].iter_rows(values_only=True)
        if (row[0], row[1]) in by_ward
    }
    assert table == {key: (n, late.get(key, 0)) for key, n in by_ward.items()}

    # The PDF: the filter on page 1, the totals, and each ward's caption.
    pages = pdf_pages(record["folder"] / "w.pdf")
    first = squash(pages[0])
    assert "Showing: Status: Still to do (open or in progress)." in first
    assert f"{len(actions)} actions in {len(by_ward)} wards" in first
    assert f"Overdue: {sum(late.values())}" in first
    for band in BANDS:
        assert f"{band.title()}: {bands.get(band, 0)}" in first
    text = squash(" ".join(pages))
    for (site, ward), n in by_ward.items():
        caption = f"{ward}, {site}: {n} action{'s' if n != 1 else ''}"
        if late.get((site, ward)):
            caption += f", {late[(site, ward)]} overdue"
        assert caption in text


# --- the action plan ---------------------------------------------------------------------------


def test_an_action_plan_counts_what_its_audit_json_says(record: dict[str, Any]) -> None:
    show = max(
        (s for s in record["show"].values() if s["status"] == "completed"),
        key=lambda s: (len(s["actions"]), s["completed_at"]),
    )
    folder: Path = record["folder"]
    for kind in ("pdf", "xlsx"):
        assert (
            cli.main(
                [
                    "--db",
                    str(record["db"]),
                    "export",
                    "action-plan",
                    show["id"],
                    f"--{kind}",
                    str(folder / f"p.{kind}"),
                ]
            )
            == 0
        )
    actions = show["actions"]
    late = sum(1 for a in actions if overdue(a))
    bands = Counter(a["risk"]["band"] for a in actions)
    summary = {
        row[0]: row[1:]
        for row in load_workbook(folder / "p.xlsx")["Summary"].iter_rows(values_only=True)
        if row[0]
    }
    assert summary["Overall score (%)"][0] == pytest.approx(round(show["score"]["overall"], 1))
    assert summary["Rating"][0] == RATINGS[show["score"]["rating"]]
    assert summary["Critical breaches"][0] == len(show["score"]["critical_items"])
    assert summary["Actions"][0] == len(actions)
    assert summary["Overdue"][0] == late
    for band in BANDS:
        assert summary[f"Band: {band.title()}"][0] == bands.get(band, 0)
    ids = [
        r[-1]
        for r in load_workbook(folder / "p.xlsx")["Actions"].iter_rows(values_only=True)
        if r and r[-1] and r[-1] != "Action ID" and r[1] is not None
    ]
    assert sorted(ids) == sorted(a["id"] for a in actions)
    text = squash(" ".join(pdf_pages(folder / "p.pdf")))
    assert f"{shown(show['score']['overall'])}%" in text
    assert f"Overdue: {late}" in text
    for band in BANDS:
        assert f"{band.title()}: {bands.get(band, 0)}" in text


# --- the board report -----------------------------------------------------------------------


def _board(record: dict[str, Any]) -> dict[str, Any]:
    """Every figure of the default board (the last twelve months), from the JSON alone."""
    now = today()
    end = (now.year, now.month)
    start = (now.year - 1, now.month + 1) if now.month < 12 else (now.year, 1)
    length = 12
    before_end_index = start[0] * 12 + start[1] - 2
    before_start_index = before_end_index - length + 1

    def month(index: int) -> str:
        return f"{index // 12:04d}-{index % 12 + 1:02d}"

    period = (f"{start[0]:04d}-{start[1]:02d}", f"{end[0]:04d}-{end[1]:02d}")
    previous = (month(before_start_index), month(before_end_index))
    completed = [a for a in record["list"] if a["status"] == "completed"]

    def latest(ward: str, first: str, last: str) -> dict[str, Any] | None:
        found = [
            a for a in completed if a["ward"] == ward and first <= a["completed_at"][:7] <= last
        ]
        return max(found, key=lambda a: datetime.fromisoformat(a["completed_at"]), default=None)

    wards = {(a["site"], a["ward"]) for a in record["list"]}
    figures = {}
    for site, ward in wards:
        counted = latest(ward, *period)
        if counted is None:
            figures[ward] = {"site": site, "audited": False}
            continue
        earlier = [
            a
            for a in completed
            if a["ward"] == ward
            and datetime.fromisoformat(a["completed_at"])
            < datetime.fromisoformat(counted["completed_at"])
        ]
        before = max(earlier, key=lambda a: datetime.fromisoformat(a["completed_at"]), default=None)
        in_previous = latest(ward, *previous)
        figures[ward] = {
            "site": site,
            "audited": True,
            "score": counted["overall"],
            "rating": counted["rating"],
            "breach": counted["critical_breach"],
            "since_audit": before,
            "since_period": in_previous,
            "counted": counted,
        }
    # open and overdue actions on each ward, of signed-off audits
    for figure in figures.values():
        figure["open"] = figure["overdue"] = 0
    for show in record["show"].values():
        if show["status"] != "completed":
            continue
        for action in show["actions"]:
            if action["status"] in STILL_TO_DO:
                figures[show["ward"]["name"]]["open"] += 1
                figures[show["ward"]["name"]]["overdue"] += overdue(action)
    audited = {w: f for w, f in figures.items() if f["audited"]}

    def place(item: tuple[str, dict[str, Any]]) -> tuple[int, float]:
        figure = item[1]
        rating = 0 if figure["breach"] else {"red": 1, "amber": 2, "green": 3}[figure["rating"]]
        return rating, figure["score"]

    ordered = sorted(audited.items(), key=lambda item: (*place(item), item[0].casefold()))
    ranks: dict[str, int] = {}
    for position, item in enumerate(ordered, start=1):
        previous_item = ordered[position - 2] if position > 1 else None
        same = previous_item is not None and place(previous_item) == place(item)
        ranks[item[0]] = ranks[previous_item[0]] if same and previous_item else position
    return {
        "figures": figures,
        "ranks": ranks,
        "order": [w for w, _ in ordered],
        "previous": previous,
    }


def change(now: dict[str, Any], before: dict[str, Any] | None, *, arrows: bool) -> str:
    if before is None:
        return ""
    points = now["overall"] - before["overall"]
    was, is_ = RATINGS[before["rating"]], RATINGS[now["rating"]]
    ratings = f"still {is_}" if was == is_ else (f"{was} → {is_}" if arrows else f"{was} to {is_}")
    if float(shown(abs(points))) == 0:
        return f"No change in score, {ratings}"
    mark = ("▲" if points > 0 else "▼") if arrows else ("Up" if points > 0 else "Down")
    return f"{mark} {shown(abs(points))} points, {ratings}"


def test_the_board_report_ranks_counts_and_changes_as_the_json_says(record: dict[str, Any]) -> None:
    board = _board(record)
    figures, ranks = board["figures"], board["ranks"]
    audited = [f for f in figures.values() if f["audited"]]
    assert audited and any(f["since_period"] for f in audited)
    book = load_workbook(record["folder"] / "b.xlsx")

    # Wards sheet: rank, order, score, rating, counts and both changes.
    rows = [list(r) for r in book["Wards"].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r[0] == "Rank")
    columns = rows[head]
    body = [dict(zip(columns, r, strict=True)) for r in rows[head + 1 :] if r[1]]
    assert [r["Ward"] for r in body][: len(board["order"])] == board["order"]
    for row in body:
        figure = figures[row["Ward"]]
        if not figure["audited"]:
            assert row["Rank"] is None and row["Score (%)"] == "Not audited"
            continue
        assert row["Rank"] == ranks[row["Ward"]]
        assert row["Score (%)"] == pytest.approx(figure["score"])
        assert row["Rating"] == RATINGS[figure["rating"]]
        assert row["Critical breach"] == ("Yes" if figure["breach"] else "No")
        assert row["Open actions"] == figure["open"]
        assert row["Overdue actions"] == figure["overdue"]
        since_audit = change(figure["counted"], figure["since_audit"], arrows=True)
        since_period = change(figure["counted"], figure["since_period"], arrows=True)
        assert row["Change since previous audit"] == (since_audit or "No earlier audit")
        assert row["Change since previous period"] == (
            since_period or "Not audited in the previous period"
        )

    # Summary: the trust's and each site's mean with n, red wards, breaches, actions.
    summary = {r[0]: r[1:] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    groups = {"Trust": audited}
    for site in {f["site"] for f in figures.values()}:
        groups[site] = [f for f in audited if f["site"] == site]
    for name, members in groups.items():
        row = summary[name]
        everyone = [f for f in figures.values() if name == "Trust" or f["site"] == name]
        assert row[1] == pytest.approx(fmean(f["score"] for f in members))
        assert row[2] == len(members)
        assert row[3] == len(everyone)
        assert row[4] == sum(1 for f in members if f["rating"] == "red")
        assert row[5] == sum(1 for f in members if f["breach"])
        assert row[6] == sum(f["open"] for f in everyone)
        assert row[7] == sum(f["overdue"] for f in everyone)
        assert row[0].startswith(f"{shown(fmean(f['score'] for f in members))}%")

    # The PDF: the trust's mean and n, the red and breach counts, and each ward's line in
    # the ranking with its rank, score, rating and changes.
    pages = pdf_pages(record["folder"] / "b.pdf")
    first = squash(pages[0])
    trust = fmean(f["score"] for f in audited)
    assert f"{shown(trust)}% n = {len(audited)} of {len(figures)} wards audited" in first
    assert "Red with a critical breach, then Red, Amber, Green" in first
    ranking = squash(" ".join(pages[:3]))
    for ward in board["order"]:
        figure = figures[ward]
        line = f"{ranks[ward]} {ward} {figure['site']}"
        assert line in ranking, line
        after = ranking[ranking.index(line) :]
        assert f"{shown(figure['score'])}% {RATINGS[figure['rating']]}" in after[:200]
        for words in (
            change(figure["counted"], figure["since_audit"], arrows=False) or "No earlier audit",
            change(figure["counted"], figure["since_period"], arrows=False)
            or "Not audited in the previous period",
        ):
            assert words in after[:400], (ward, words)
    overdue_total = sum(f["overdue"] for f in figures.values())
    open_total = sum(f["open"] for f in figures.values())
    assert f"{overdue_total} of {open_total} open or in progress" in first
