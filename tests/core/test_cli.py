"""The command line is a contract: outputs, JSON shapes and exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wardaudit.checklist import Checklist
from wardaudit.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("WardAudit ")


def test_a_whole_audit_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], checklist: Checklist
) -> None:
    db = str(tmp_path / "cli.sqlite3")
    status, out, _ = run(
        capsys,
        "--db",
        db,
        "wards",
        "add",
        "--site",
        "Ashcombe",
        "--name",
        "Juniper Ward",
        "--sex",
        "mixed",
        "--service",
        "Acute adult",
        "--beds",
        "20",
    )
    assert status == 0
    status, out, _ = run(capsys, "--db", db, "wards", "list", "--json")
    [ward] = json.loads(out)
    assert {k: ward[k] for k in ("name", "site", "sex", "service", "beds")} == {
        "name": "Juniper Ward",
        "site": "Ashcombe",
        "sex": "mixed",
        "service": "Acute adult",
        "beds": 20,
    }
    status, out, _ = run(
        capsys,
        "--db",
        db,
        "audit",
        "start",
        "--ward",
        "Juniper Ward",
        "--checklist",
        checklist.id,
        "--by",
        "A matron",
    )
    audit_id = out.strip()
    assert status == 0 and len(audit_id) == 36 and "\n" not in audit_id
    items = checklist.applicable_items("mixed")
    critical = next(i for i in items if i.critical)
    ordinary = next(i for i in items if not i.critical)
    status, _, err = run(
        capsys, "--db", db, "audit", "complete", audit_id, "--by", "A matron", "--role", "Matron"
    )
    assert status == 1 and items[0].id in err
    for item in items:
        value = "no" if item is critical else "partial" if item is ordinary else "yes"
        status, _, _ = run(
            capsys,
            "--db",
            db,
            "audit",
            "answer",
            audit_id,
            item.id,
            value,
            "--note",
            "seen at 10:00",
            "--location",
            "Zone door",
        )
        assert status == 0
    status, out, _ = run(capsys, "--db", db, "audits", "show", audit_id, "--json")
    shown = json.loads(out)
    assert shown["status"] == "in_progress" and shown["completed_at"] is None
    assert shown["ward"] == {
        "id": ward["id"],
        "name": "Juniper Ward",
        "site": "Ashcombe",
        "sex": "mixed",
    }
    assert (
        shown["checklist"]["id"] == checklist.id
        and shown["checklist"]["version"] == checklist.version
    )
    assert shown["score"]["critical_breach"] is True and shown["score"]["rating"] == "red"
    assert isinstance(shown["score"]["overall"], float) and 0 < shown["score"]["overall"] < 100
    assert {s["id"] for s in shown["score"]["sections"]} == {s.id for s in checklist.sections}
    assert len(shown["answers"]) == len(items)
    first = shown["answers"][0]
    assert set(first) >= {"item", "section", "value", "weight", "critical", "note", "location"}
    assert {a["item"] for a in shown["actions"]} == {critical.id, ordinary.id}
    action = next(a for a in shown["actions"] if a["item"] == critical.id)
    assert set(action) >= {"id", "item", "description", "owner", "due", "status", "risk"}
    assert set(action["risk"]) == {"likelihood", "consequence", "score", "band"}
    assert action["status"] == "open" and action["risk"]["band"] == "extreme"
    status, out, _ = run(
        capsys, "--db", db, "audit", "complete", audit_id, "--by", "A matron", "--role", "Matron"
    )
    assert status == 0 and "CRITICAL BREACH" in out
    status, _, err = run(capsys, "--db", db, "audit", "answer", audit_id, items[0].id, "no")
    assert status == 1 and "locked" in err
    status, out, _ = run(capsys, "--db", db, "audits", "list", "--json", "--status", "completed")
    [listed] = json.loads(out)
    assert set(listed) >= {
        "id",
        "ward",
        "site",
        "status",
        "completed_at",
        "overall",
        "rating",
        "critical_breach",
    }
    assert listed["overall"] == shown["score"]["overall"] and listed["rating"] == "red"
    status, out, _ = run(capsys, "--db", db, "audits", "list", "--json", "--status", "in_progress")
    assert json.loads(out) == []


def test_checklists_commands(capsys: pytest.CaptureFixture[str], checklist: Checklist) -> None:
    status, out, _ = run(capsys, "checklists", "list", "--json")
    assert status == 0
    assert {
        "id": checklist.id,
        "version": checklist.version,
        "title": checklist.title,
    }.items() <= json.loads(out)[0].items()
    status, out, _ = run(capsys, "checklists", "show", checklist.id, "--json")
    shown = json.loads(out)
    assert shown["thresholds"] == {"green": 90, "amber": 75, "section_floor": 75}
    assert shown["settings"] == {"corridor_rule": "dssa-2019", "sex_basis": "biological-sex"}
    item = shown["sections"][0]["items"][0]
    assert set(item) >= {"id", "question", "weight", "critical", "applies_to"}
    assert sum(len(s["items"]) for s in shown["sections"]) == len(list(checklist.items()))
    status, _, err = run(capsys, "checklists", "show", "no-such-list")
    assert status == 1 and err.startswith("wardaudit: error:")


def test_errors_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        capsys, "--db", str(tmp_path / "missing-folder" / "x.sqlite3"), "wards", "list"
    )
    assert status == 1 and "does not exist" in err and not (tmp_path / "missing-folder").exists()
    with pytest.raises(SystemExit) as usage:
        main(["wards", "add", "--site", "S", "--name", "N", "--sex", "other"])
    assert usage.value.code == 2
    assert "wardaudit: error:" in capsys.readouterr().err
    db = str(tmp_path / "x.sqlite3")
    status, _, err = run(capsys, "--db", db, "audit", "answer", "0000000000", "A01", "yes")
    assert status == 1 and "no audit" in err


def test_demo_builds_a_believable_trust_and_refuses_a_full_database(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "--db", str(demo_db), "wards", "list", "--json")
    wards = json.loads(out)
    assert len(wards) == 12 and len({w["site"] for w in wards}) == 3
    assert {w["sex"] for w in wards} == {"male", "female", "mixed"}
    assert len({w["service"] for w in wards}) >= 4
    status, out, _ = run(capsys, "--db", str(demo_db), "audits", "list", "--json")
    audits = json.loads(out)
    assert sum(a["status"] == "in_progress" for a in audits) == 1
    completed = [a for a in audits if a["status"] == "completed"]
    months = {a["completed_at"][:7] for a in completed}
    assert len(months) >= 23
    assert {a["rating"] for a in completed} == {"green", "amber", "red"}
    assert any(a["critical_breach"] for a in completed)
    status, _, err = run(capsys, "--db", str(demo_db), "demo")
    assert status == 1 and "already holds wards" in err


def test_demo_has_actions_in_every_status(demo_store: object) -> None:
    from wardaudit.model import ACTION_STATUSES
    from wardaudit.store import Store

    assert isinstance(demo_store, Store)
    statuses = {a.status for a in demo_store.actions.list()}
    assert statuses == set(ACTION_STATUSES)
    from wardaudit import clock

    assert any(a.is_overdue(clock.today()) for a in demo_store.actions.list())


def test_nhs_number_in_a_note_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], checklist: Checklist
) -> None:
    db = str(tmp_path / "n.sqlite3")
    run(capsys, "--db", db, "wards", "add", "--site", "S", "--name", "W", "--sex", "male")
    _, out, _ = run(
        capsys, "--db", db, "audit", "start", "--ward", "W", "--checklist", checklist.id
    )
    item = checklist.applicable_items("male")[0].id
    status, _, err = run(
        capsys,
        "--db",
        db,
        "audit",
        "answer",
        out.strip(),
        item,
        "yes",
        "--note",
        "patient 943 476 5919 said",
    )
    assert status == 0 and "NHS number" in err


def test_entry_point_module_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wardaudit", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.startswith("WardAudit")


SINGLE_SEX_CHECKLIST = """\
format = 1
id = "single-sex-night"
version = 1
title = "Night-time checks on single-sex wards"
designations = ["male", "female"]

[[sections]]
id = "night"
title = "Night"

[[sections.items]]
id = "N01"
question = "Is every bedroom corridor lit at night?"
guidance = "No dark stretches: poor lighting makes blind spots when fewer staff are on."
applies_to = ["male", "female"]
risk = { likelihood = 3, consequence = 3 }
owner = "Estates"
action = "Report failed lamps to estates as urgent."
sources = ["HBN 03-01 (2013)"]
"""


def test_audit_start_refuses_a_designation_the_checklist_leaves_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "trust-checklists"
    folder.mkdir()
    (folder / "night.toml").write_text(SINGLE_SEX_CHECKLIST, encoding="utf-8")
    monkeypatch.setenv("WARDAUDIT_CHECKLISTS", str(folder))
    db = str(tmp_path / "cli.sqlite3")
    for name, sex in (("Juniper Ward", "mixed"), ("Rowan Ward", "female")):
        status, _, _ = run(
            capsys, "--db", db, "wards", "add", "--site", "S", "--name", name, "--sex", sex
        )
        assert status == 0
    start = ("--db", db, "audit", "start", "--checklist", "single-sex-night", "--ward")
    status, out, err = run(capsys, *start, "Juniper Ward")
    assert status == 1 and out == ""
    assert err.startswith("wardaudit: error: ")
    assert "is written for male and female wards only" in err
    assert "Juniper Ward is a mixed ward" in err
    status, out, _ = run(capsys, "--db", db, "audits", "list", "--json")
    assert json.loads(out) == []
    status, out, err = run(capsys, *start, "Rowan Ward")
    assert status == 0 and len(out.strip()) > 0


def test_every_free_text_field_saved_with_an_nhs_number_warns_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], checklist: Checklist
) -> None:
    db = ["--db", str(tmp_path / "n.sqlite3")]
    run(capsys, *db, "wards", "add", "--site", "S", "--name", "W", "--sex", "male")
    status, out, err = run(
        capsys, *db, "audit", "start", "--ward", "W", "--checklist", checklist.id,
        "--by", "943 476 5919",
    )  # fmt: skip
    assert status == 0 and err == (
        "wardaudit: warning: the auditor's name looks like it holds an NHS number. What is "
        "written here travels to estates teams and boards: describe the environment, not the "
        "patient, and remove the number.\n"
    )
    audit_id = out.strip()
    items = [i.id for i in checklist.applicable_items("male")]
    status, out, err = run(
        capsys, *db, "audit", "answer", audit_id, items[0], "no",
        "--note", "door open for 943-476-5919", "--location", "Bedroom 943.476.5919",
    )  # fmt: skip
    assert status == 0 and out.startswith("saved:")
    warned = [line for line in err.splitlines() if line.startswith("wardaudit: warning:")]
    assert [line.split(" looks like")[0] for line in warned] == [
        "wardaudit: warning: the note",
        "wardaudit: warning: the location",
    ]
    status, _, err = run(
        capsys, *db, "audit", "answer", audit_id, items[1], "yes",
        "--note", "Checked 27/11/2026 10:30; 20 beds; ring 0161 496 0000",
    )  # fmt: skip
    assert status == 0 and err == "", "ordinary numbers do not warn"
    for item in items[1:]:
        run(capsys, *db, "audit", "answer", audit_id, item, "yes")
    status, _, err = run(
        capsys, *db, "audit", "complete", audit_id, "--by", "943/476/5919", "--role", "Matron"
    )
    assert status == 0 and err.startswith("wardaudit: warning: the name signing off looks like")
    status, _, err = run(
        capsys, *db, "audit", "amend", audit_id, items[0], "yes",
        "--reason", "seen again with 943\n476\n5919", "--by", "A matron",
    )  # fmt: skip
    assert status == 0
    assert err.startswith("wardaudit: warning: the reason for the amendment looks like")
    assert err.count("wardaudit: warning:") == 1
    status, out, _ = run(capsys, *db, "audits", "show", audit_id, "--json")
    shown = json.loads(out)
    answer = next(a for a in shown["answers"] if a["item"] == items[0])
    assert answer["location"] == "Bedroom 943.476.5919", "warned, and saved as typed"


def test_arguments_that_are_not_utf8_are_refused_before_anything_is_opened(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    base: list[str | bytes] = [sys.executable, "-m", "wardaudit"]
    cases: list[tuple[list[str | bytes], str]] = [
        (
            ["--db", str(db), "wards", "add", "--site", "S", "--name", b"Caf\xe9 Ward",
             "--sex", "male"],
            "the value of --name (argument 8) is not valid text: 'Caf\\xe9 Ward' holds bytes "
            "that are not UTF-8. Nothing was opened or changed.",
        ),
        (
            ["--db", os.fsencode(tmp_path) + b"/\xff.sqlite3", "wards", "list"],
            "the value of --db (argument 2) is not valid text",
        ),
        (
            ["--db", str(db), "audit", "answer", "x", "A01", "yes", b"--note=\xc3"],
            "the value of --note is not valid text: '--note=\\xc3'",
        ),
        (["--db", str(db), b"w\xe4rds", "list"], "argument 3 is not valid text"),
    ]  # fmt: skip
    for args, words in cases:
        done = subprocess.run([*base, *args], capture_output=True, env=env)
        stderr = done.stderr.decode("utf-8")
        assert done.returncode == 2, stderr
        assert stderr.startswith(f"wardaudit: error: {words}"), stderr
        assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == [], "nothing opened, nothing made"
