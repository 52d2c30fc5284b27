"""A database written when version 1 was the only built-in checklist keeps its meaning.

The database was built by that release itself (``data/make_v1_release.py``, run in a
checkout of it): its migration ladder (four steps), only version 1's content, audits signed
off and audits still in progress; beside it, what that release's ``audits show --json``,
``audits list --json`` and board figures said. The current WardAudit opens it, with
version 2 the latest checklist, and says all of that again (it may say more): every score
and rating stays as it was; an audit in progress finishes on version 1 under version 1's rules (no section
floor); a new audit starts on version 2.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.core.store.data.make_v1_release import all_yes_but, board_rows, sightline_nos
from wardaudit.checklist import Checklist, builtin_dir, load_file
from wardaudit.cli import main
from wardaudit.scoring import rate
from wardaudit.store import Store

# The file itself: its lock, its integrity check, its backups, its upgrades.
pytestmark = pytest.mark.sqlite_only

V1_FILE = "sexual-safety-environment-v1.toml"
V1_RELEASE_SCHEMA = 4  # the migration ladder as WardAudit shipped it with checklist version 1


@pytest.fixture(scope="module")
def v1() -> Checklist:
    checklist = load_file(builtin_dir() / V1_FILE)
    assert checklist.version == 1 and checklist.thresholds.section_floor is None
    return checklist


def cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> Any:
    status = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    assert status == 0, err
    return json.loads(out) if "--json" in args else out.strip()


def recomputed(shown: dict[str, Any]) -> tuple[Fraction | None, str | None]:
    """Overall and rating from the JSON alone, by DESIGN.md's rules and the audit's own
    thresholds: what an outside check would work out."""
    points = available = Fraction(0)
    by_section: dict[str, list[Fraction]] = {}
    breach = False
    for answer in shown["answers"]:
        value, weight = answer["value"], Fraction(str(answer["weight"]))
        if value in (None, "na"):
            continue
        got = {"yes": Fraction(1), "partial": Fraction(1, 2), "no": Fraction(0)}[value] * weight
        points, available = points + got, available + weight
        tally = by_section.setdefault(answer["section"], [Fraction(0), Fraction(0)])
        tally[0] += got
        tally[1] += weight
        breach = breach or (answer["critical"] and value == "no")
    overall = 100 * points / available if available else None
    thresholds = shown["checklist"]["thresholds"]
    if breach:
        return overall, "red"
    if overall is None:
        return None, None
    rating = (
        "green"
        if overall >= Fraction(str(thresholds["green"]))
        else "amber"
        if overall >= Fraction(str(thresholds["amber"]))
        else "red"
    )
    floor = thresholds["section_floor"]
    if (
        rating == "green"
        and floor is not None
        and any(a and 100 * p / a < Fraction(str(floor)) for p, a in by_section.values())
    ):
        rating = "amber"
    return overall, rating


DATA = Path(__file__).with_name("data")


def judged_under(checklist: Checklist, shown: dict[str, Any], where: str = "") -> None:
    """``audits show --json`` names ``checklist`` as the one the audit is judged under: its
    version, its exact content and its section floor."""
    said = shown["checklist"]
    assert said["version"] == checklist.version, where
    assert said["content_hash"] == checklist.content_hash, where
    assert said["thresholds"]["section_floor"] == checklist.thresholds.section_floor, where


def held_to(said: Any, now: Any, where: str = "") -> None:
    """Everything the older WardAudit said is said the same now (new fields may be added)."""
    if isinstance(said, dict):
        assert isinstance(now, dict), where
        for key, value in said.items():
            assert key in now, f"{where}.{key} is gone"
            held_to(value, now[key], f"{where}.{key}")
    elif isinstance(said, list):
        assert isinstance(now, list) and len(now) == len(said), where
        for n, (a, b) in enumerate(zip(said, now, strict=True)):
            held_to(a, b, f"{where}[{n}]")
    else:
        assert now == said, f"{where}: {said!r} then, {now!r} now"


@pytest.fixture
def v1_database(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The database as the release with only checklist version 1 left it (made by that
    release: see data/make_v1_release.py), with what that release said of it."""
    path = tmp_path / "from-v1.sqlite3"
    shutil.copy(DATA / "v1-release.sqlite3", path)
    said = json.loads((DATA / "v1-release.json").read_text(encoding="utf-8"))
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == V1_RELEASE_SCHEMA
    return path, said


def test_upgrading_keeps_every_score_and_rating(
    v1_database: tuple[Path, dict[str, Any]],
    v1: Checklist,
    checklist: Checklist,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, said = v1_database
    ids: dict[str, str] = said["ids"]
    assert checklist.version == 2 and checklist.thresholds.section_floor == 75
    with Store.open(path) as upgraded:  # the current WardAudit: its whole ladder, v2 the latest
        board_after = board_rows(upgraded)
    after = {
        name: cli(capsys, path, "audits", "show", audit, "--json") for name, audit in ids.items()
    }
    listed_after = cli(capsys, path, "audits", "list", "--json")

    held_to(said["shown"], after, "audits show")
    held_to(said["listed"], listed_after, "audits list")
    held_to(said["board"], json.loads(json.dumps(board_after)), "board")
    for name, shown in after.items():
        judged_under(v1, shown, name)
        overall, rating = recomputed(shown)
        assert shown["score"]["rating"] == rating, name
        assert (shown["score"]["overall"] is None) == (overall is None), name
        if overall is not None:
            assert shown["score"]["overall"] == pytest.approx(float(overall), abs=1e-12), name
    # the cases that would read differently under version 2's rules kept their version 1 ones
    oak = after["Oak Ward 2026-10"]
    assert oak["score"]["rating"] == "green" and not oak["score"]["held_by_floor"]
    sections = [Fraction(str(s["score"])) for s in oak["score"]["sections"]]
    assert min(sections) < 75
    under_v2_rules = rate(
        Fraction(str(oak["score"]["overall"])), False, checklist.thresholds, sections
    )
    assert under_v2_rules == "amber"
    assert after["Elm Ward 2026-10"]["score"]["rating"] == "red"
    oak_on_board = next(row for row in board_after if row[0] == "Oak Ward")
    assert oak_on_board[3] == "green" and oak_on_board[5] == "Sexual safety: ward environment v1"


def test_an_audit_in_progress_finishes_on_version_1(
    v1_database: tuple[Path, dict[str, Any]],
    v1: Checklist,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, said = v1_database
    ids: dict[str, str] = said["ids"]
    audit = ids["Bay Ward in progress"]
    shown = cli(capsys, path, "audits", "show", audit, "--json")
    assert [a["item"] for a in shown["answers"]] == [i.id for i in v1.applicable_items("male")]
    v2_only = "B13"
    assert v2_only not in {i.id for i in v1.items()}
    assert main(["--db", str(path), "audit", "answer", audit, v2_only, "yes"]) == 1
    assert "has no item 'B13'" in capsys.readouterr().err
    failing = sightline_nos(v1, "male", 4)
    for answer in shown["answers"]:
        if answer["value"] is None:
            cli(
                capsys,
                path,
                "audit",
                "answer",
                audit,
                answer["item"],
                failing.get(answer["item"], "yes"),
            )
    cli(capsys, path, "audit", "complete", audit, "--by", "A matron", "--role", "Matron")

    done = cli(capsys, path, "audits", "show", audit, "--json")
    assert done["status"] == "completed"
    judged_under(v1, done)
    assert done["checklist"]["thresholds"] == {"green": 90.0, "amber": 75.0, "section_floor": None}
    assert done["checklist"]["settings"] == {"corridor_rule": "dssa-2019"}
    assert [a["item"] for a in done["answers"]] == [i.id for i in v1.applicable_items("male")]
    assert {a["item"]: a["value"] for a in done["answers"]} == all_yes_but(v1, "male", failing)
    # a sightlines section below 75% does not hold a version 1 audit at Amber
    assert min(s["score"] for s in done["score"]["sections"]) < 75
    assert done["score"]["rating"] == "green" and not done["score"]["held_by_floor"]
    assert (done["score"]["overall"], done["score"]["rating"]) == (
        pytest.approx(float(recomputed(done)[0] or 0)),
        recomputed(done)[1],
    )
    # the other one, barely begun, also carries on under version 1
    ash = cli(capsys, path, "audits", "show", ids["Ash Ward in progress"], "--json")
    assert ash["checklist"]["version"] == 1 and ash["score"]["answered"] == 2


def test_a_new_audit_starts_on_version_2(
    v1_database: tuple[Path, dict[str, Any]],
    checklist: Checklist,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = v1_database
    audit = cli(capsys, path, "audit", "start", "--ward", "Oak Ward", "--checklist", checklist.id)
    shown = cli(capsys, path, "audits", "show", audit, "--json")
    assert checklist.version == 2 and checklist.thresholds.section_floor == 75
    judged_under(checklist, shown)
    assert shown["checklist"]["settings"] == {
        "corridor_rule": "dssa-2019",
        "sex_basis": "biological-sex",
    }
    assert [a["item"] for a in shown["answers"]] == [
        i.id for i in checklist.applicable_items("male")
    ]
