"""Build ``v1-release.sqlite3`` and ``v1-release.json`` with the release that had only checklist v1.

Run from a checkout of that release (commit 0a4db3e, schema version 4, the checklist file
``checklists/sexual-safety-environment.toml`` still at version 1):

    python tests/core/store/data/make_v1_release.py OUT_FOLDER

It writes the database exactly as that WardAudit left it on a quality-team laptop, and what
that WardAudit's ``audits show --json``, ``audits list --json`` and board figures said, so
that the upgrade test can hold the current WardAudit to them. Kept beside its output to say
how it was made; the current tree cannot run ``build`` (its store is laid out differently),
but the upgrade test imports the helpers above it, to read the board the way it was written.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wardaudit.board import board_figures
from wardaudit.checklist import builtin_dir, load_file
from wardaudit.cli import main
from wardaudit.store import Store

if TYPE_CHECKING:
    from wardaudit.checklist import Checklist

SITE = "Ashcombe Hospital"
PERIOD = ("2025-01", "2026-12")


def all_yes_but(checklist: Checklist, sex: str, no: dict[str, str]) -> dict[str, str]:
    return {item.id: no.get(item.id, "yes") for item in checklist.applicable_items(sex)}


def sightline_nos(checklist: Checklist, sex: str, count: int) -> dict[str, str]:
    """``count`` non-critical sightline items answered No: enough to fail that section."""
    items = [i for i in checklist.section("sightlines").items if i.applies(sex) and not i.critical]
    return {item.id: "no" for item in items[:count]}


def board_rows(store: Store) -> list[list[object]]:
    """The board figures over PERIOD, a row a ward: written by this release, compared by the
    upgrade test with what the current WardAudit works out."""
    board = board_figures(store, start=PERIOD[0], end=PERIOD[1])
    return [
        [
            f.ward.name,
            f.audit_id,
            f.score,
            f.rating,
            f.critical_breach,
            f.checklist,
            sorted(f.sections.items()),
            list(f.trend),
        ]
        for f in board.wards
    ]


def shown(db: Path, *args: str) -> object:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", str(db), *args]) == 0
    return json.loads(out.getvalue())


def build(folder: Path) -> None:
    v1 = load_file(builtin_dir() / "sexual-safety-environment.toml")
    assert v1.version == 1
    path = folder / "v1-release.sqlite3"
    path.unlink(missing_ok=True)
    ids: dict[str, str] = {}
    with Store.open(path) as store:
        for name, sex in (
            ("Oak Ward", "male"),
            ("Ash Ward", "female"),
            ("Elm Ward", "mixed"),
            ("Bay Ward", "male"),
            ("New Ward", "female"),
        ):
            store.add_ward(site=SITE, name=name, sex=sex)
        histories = {
            # Green under version 1 although its sightlines fail: the case the floor is for
            "Oak Ward": ("male", sightline_nos(v1, "male", 4)),
            "Ash Ward": ("female", {"B02": "partial", "D03": "no", "E01": "na"}),
            "Elm Ward": ("mixed", {"A02": "no", "C03": "partial"}),  # a critical breach
        }
        for month, day in (("2025-06", 10), ("2026-03", 12), ("2026-10", 20)):
            for name, (sex, varied) in histories.items():
                answers = all_yes_but(v1, sex, varied if month != "2025-06" else {})
                ids[f"{name} {month}"] = store.import_audit(
                    name,
                    v1,
                    answers={item: (value, "", "") for item, value in answers.items()},
                    started_at=f"{month}-{day:02d}T09:00:00+01:00",
                    completed_at=f"{month}-{day:02d}T10:30:00+01:00",
                    by="A matron",
                    role="Matron",
                )
        # signed off through the walk-round itself, with its actions
        walked = store.start_audit("New Ward", v1, by="A ward manager")
        for item, value in all_yes_but(v1, "female", {"B03": "no", "C05": "partial"}).items():
            store.record_answer(walked.id, item, value)
        store.complete_audit(walked.id, by="A ward manager", role="Ward manager")
        ids["New Ward walked"] = walked.id
        # still in progress when the new WardAudit arrives: a floor-sensitive one half done
        bay = store.start_audit("Bay Ward", v1, by="A matron")
        failing = sightline_nos(v1, "male", 4)
        for item in list(all_yes_but(v1, "male", failing))[:30]:
            store.record_answer(bay.id, item, failing.get(item, "yes"))
        ids["Bay Ward in progress"] = bay.id
        ash = store.start_audit("Ash Ward", v1, by="A matron")
        store.record_answer(ash.id, "A01", "yes")
        store.record_answer(ash.id, "B01", "partial", note="Mirror missing")
        ids["Ash Ward in progress"] = ash.id
        board = board_rows(store)
    said = {
        "ids": ids,
        "shown": {
            name: shown(path, "audits", "show", audit, "--json") for name, audit in ids.items()
        },
        "listed": shown(path, "audits", "list", "--json"),
        "board": board,
        "period": PERIOD,
    }
    for extra in path.parent.glob(path.name + "-*"):
        extra.unlink()
    (folder / "v1-release.json").write_text(json.dumps(said, sort_keys=True) + "\n")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
