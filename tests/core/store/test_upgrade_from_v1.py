"""A database written when version 1 was the only built-in checklist keeps its meaning.

The database is built as a WardAudit of that release would have built it: its migration
ladder (four steps), only version 1's content registered, audits signed off and audits
still in progress. Then the current WardAudit opens it, with version 2 the latest
checklist: every score and rating stays as it was, read through ``audits show --json`` and
the board; an audit in progress finishes on version 1 under version 1's rules (no section
floor); a new audit starts on version 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from wardaudit.board import board_figures
from wardaudit.checklist import Checklist, builtin_dir, load_file
from wardaudit.cli import main
from wardaudit.scoring import rate
from wardaudit.store import Store, migrations

V1_FILE = "sexual-safety-environment-v1.toml"
V1_RELEASE_SCHEMA = 4  # the migration ladder as WardAudit shipped it with checklist version 1
PERIOD = ("2025-01", "2026-12")


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


def all_yes_but(checklist: Checklist, sex: str, no: dict[str, str]) -> dict[str, str]:
    return {item.id: no.get(item.id, "yes") for item in checklist.applicable_items(sex)}


def sightline_nos(checklist: Checklist, sex: str, count: int) -> dict[str, str]:
    """``count`` non-critical sightline items answered No: enough to fail that section."""
    items = [i for i in checklist.section("sightlines").items if i.applies(sex) and not i.critical]
    return {item.id: "no" for item in items[:count]}


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


class Release:
    """Which WardAudit is running: the release that had only version 1, or the current one."""

    def __init__(self) -> None:
        self.ladder = (migrations.MIGRATIONS, migrations.SCHEMA_VERSION)

    def older(self) -> None:
        migrations.MIGRATIONS = self.ladder[0][:V1_RELEASE_SCHEMA]
        migrations.SCHEMA_VERSION = V1_RELEASE_SCHEMA

    def current(self) -> None:
        migrations.MIGRATIONS, migrations.SCHEMA_VERSION = self.ladder


@pytest.fixture
def release() -> Iterator[Release]:
    running = Release()
    running.older()
    yield running
    running.current()


@pytest.fixture
def v1_database(
    tmp_path: Path, v1: Checklist, release: Release
) -> Iterator[tuple[Path, dict[str, str]]]:
    """The database as the release with only checklist version 1 left it: its path and the
    ids of its audits by name. That release's ladder stays in place until the test upgrades."""
    path = tmp_path / "from-v1.sqlite3"
    ids: dict[str, str] = {}
    with Store.open(path) as store:
        for name, sex in (
            ("Oak Ward", "male"),
            ("Ash Ward", "female"),
            ("Elm Ward", "mixed"),
            ("Bay Ward", "male"),
            ("New Ward", "female"),
        ):
            store.wards.add(site="Ashcombe Hospital", name=name, sex=sex)  # type: ignore[arg-type]
        histories = {
            # Green under version 1 although its sightlines fail: the case the floor is for
            "Oak Ward": ("male", sightline_nos(v1, "male", 4)),
            "Ash Ward": ("female", {"B02": "partial", "D03": "no", "E01": "na"}),
            "Elm Ward": ("mixed", {"A02": "no", "C03": "partial"}),  # a critical breach
        }
        for month, day in (("2025-06", 10), ("2026-03", 12), ("2026-10", 20)):
            for name, (sex, varied) in histories.items():
                answers = all_yes_but(v1, sex, varied if month != "2025-06" else {})
                ids[f"{name} {month}"] = store.audits.import_completed(
                    name,
                    v1,
                    answers={item: (value, "", "") for item, value in answers.items()},
                    started_at=f"{month}-{day:02d}T09:00:00+01:00",
                    completed_at=f"{month}-{day:02d}T10:30:00+01:00",
                    by="A matron",
                    role="Matron",
                )
        # signed off through the walk-round itself, with an action moved on
        walked = store.audits.start("New Ward", v1, by="A ward manager")
        for item, value in all_yes_but(v1, "female", {"B03": "no", "C05": "partial"}).items():
            store.audits.record_answer(walked.id, item, value)  # type: ignore[arg-type]
        store.audits.complete(walked.id, by="A ward manager", role="Ward manager")
        ids["New Ward walked"] = walked.id
        # still in progress when the new WardAudit arrives: a floor-sensitive one half done
        bay = store.audits.start("Bay Ward", v1, by="A matron")
        failing = sightline_nos(v1, "male", 4)
        for item in list(all_yes_but(v1, "male", failing))[:30]:
            store.audits.record_answer(bay.id, item, failing.get(item, "yes"))  # type: ignore[arg-type]
        ids["Bay Ward in progress"] = bay.id
        ash = store.audits.start("Ash Ward", v1, by="A matron")
        store.audits.record_answer(ash.id, "A01", "yes")
        store.audits.record_answer(ash.id, "B01", "partial", note="Mirror missing")
        ids["Ash Ward in progress"] = ash.id
        assert store.checklists.for_audit(bay.id).content_hash == v1.content_hash
    yield path, ids


def board_snapshot(store: Store) -> list[tuple[object, ...]]:
    board = board_figures(store, start=PERIOD[0], end=PERIOD[1])
    return [
        (
            f.ward.name,
            f.audit_id,
            f.score,
            f.rating,
            f.critical_breach,
            f.checklist,
            tuple(sorted(f.sections.items())),
            f.trend,
        )
        for f in board.wards
    ]


def test_upgrading_keeps_every_score_and_rating(
    v1_database: tuple[Path, dict[str, str]],
    v1: Checklist,
    checklist: Checklist,
    capsys: pytest.CaptureFixture[str],
    release: Release,
) -> None:
    path, ids = v1_database
    before = {
        name: cli(capsys, path, "audits", "show", audit, "--json") for name, audit in ids.items()
    }
    listed_before = cli(capsys, path, "audits", "list", "--json")
    with Store.open(path) as old:
        board_before = board_snapshot(old)

    release.current()  # the current WardAudit: its whole ladder, and version 2 the latest
    assert checklist.version == 2 and checklist.thresholds.section_floor == 75
    with Store.open(path) as upgraded:
        board_after = board_snapshot(upgraded)
    after = {
        name: cli(capsys, path, "audits", "show", audit, "--json") for name, audit in ids.items()
    }
    listed_after = cli(capsys, path, "audits", "list", "--json")

    assert after == before
    assert listed_after == listed_before
    assert board_after == board_before
    for name, shown in after.items():
        assert shown["checklist"]["version"] == 1, name
        assert shown["checklist"]["content_hash"] == v1.content_hash, name
        assert shown["checklist"]["thresholds"]["section_floor"] is None, name
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
    v1_database: tuple[Path, dict[str, str]],
    v1: Checklist,
    capsys: pytest.CaptureFixture[str],
    release: Release,
) -> None:
    path, ids = v1_database
    release.current()
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
    assert done["checklist"]["version"] == 1
    assert done["checklist"]["content_hash"] == v1.content_hash
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
    v1_database: tuple[Path, dict[str, str]],
    checklist: Checklist,
    capsys: pytest.CaptureFixture[str],
    release: Release,
) -> None:
    path, _ = v1_database
    release.current()
    audit = cli(capsys, path, "audit", "start", "--ward", "Oak Ward", "--checklist", checklist.id)
    shown = cli(capsys, path, "audits", "show", audit, "--json")
    assert shown["checklist"]["version"] == 2
    assert shown["checklist"]["content_hash"] == checklist.content_hash
    assert shown["checklist"]["thresholds"]["section_floor"] == 75
    assert shown["checklist"]["settings"] == {
        "corridor_rule": "dssa-2019",
        "sex_basis": "biological-sex",
    }
    assert [a["item"] for a in shown["answers"]] == [
        i.id for i in checklist.applicable_items("male")
    ]
