"""Checklists as data: the built-in content, validation of malformed files, pinning."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.checklist_helpers import GOOD, assert_clear_problem, write
from wardaudit.checklist import (
    DESIGNATIONS,
    Checklist,
    builtin_dir,
    from_canonical_json,
    load_file,
    load_library,
    validate_file,
)
from wardaudit.errors import ChecklistError


def test_builtin_checklist_is_complete(checklist: Checklist) -> None:
    items = list(checklist.items())
    assert checklist.title == "Sexual safety: ward environment"
    assert len(items) >= 50
    assert [s.id for s in checklist.sections] == [
        "single-sex",
        "sightlines",
        "bathrooms",
        "observation",
        "general",
    ]
    for item in items:
        assert item.question.endswith("?"), item.id
        assert item.guidance and item.owner and item.action, item.id
        assert item.sources, item.id
        assert set(item.applies_to) <= set(DESIGNATIONS)
        assert 1 <= item.risk.likelihood <= 5 and 1 <= item.risk.consequence <= 5
    assert any(item.critical for item in items)
    assert len(checklist.applicable_items("mixed")) >= 50


def test_builtin_setting_changes_which_items_are_critical(tmp_path: Path) -> None:
    """Each built-in version: the corridor rule decides whether C03 is critical."""
    for name in ("sexual-safety-environment.toml", "sexual-safety-environment-v1.toml"):
        check_corridor_rule(tmp_path, builtin_dir() / name)


def check_corridor_rule(tmp_path: Path, path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    strict = source.replace('value = "dssa-2019"', 'value = "code-of-practice"', 1)
    assert strict != source
    default = load_file(path)
    stricter = load_file(write(tmp_path, strict))
    assert not default.item("C03").critical
    assert stricter.item("C03").critical
    assert stricter.content_hash != default.content_hash


def test_small_file_loads_and_setting_applies(tmp_path: Path) -> None:
    checklist = load_file(write(tmp_path, GOOD))
    assert [i.id for i in checklist.items()] == ["L01", "L02"]
    assert checklist.item("L02").weight == 1.0 and checklist.item("L02").applies_to == DESIGNATIONS
    assert not checklist.item("L02").critical
    strict = load_file(
        write(tmp_path, GOOD.replace('value = "dssa-2019"', 'value = "code-of-practice"'), "b.toml")
    )
    assert strict.item("L02").critical


def test_canonical_content_rebuilds_the_same_checklist(checklist: Checklist) -> None:
    rebuilt = from_canonical_json(checklist.canonical_json)
    assert rebuilt == checklist
    assert rebuilt.content_hash == checklist.content_hash


# Each malformed file: (a change to GOOD, a phrase the problem must contain)
MALFORMED = [
    ("", "the file is empty"),
    ("this is = not [ toml", "is not valid TOML"),
    (GOOD.replace("format = 1", "format = 2"), "'format' must be 1"),
    (GOOD.replace("format = 1\n", ""), "'format' is missing"),
    (GOOD.replace('id = "night"', 'id = "Night List"'), "'id' must be lower-case"),
    (GOOD.replace("version = 1\n", ""), "'version' is missing"),
    (GOOD.replace("version = 1", 'version = "one"'), "'version' must be a whole number"),
    (GOOD.replace('title = "Night environment"', 'title = ""'), "'title' is empty"),
    (GOOD.replace("green = 90", "green = 120"), "'green' must be between 0 and 100"),
    (GOOD.replace("amber = 75", "amber = 95"), "'amber' (95) must not be above 'green' (90)"),
    (GOOD.replace('value = "dssa-2019"', 'value = "strict"'), "'value' must be one of"),
    (GOOD.split("[[sections]]")[0], "there are no sections"),
    (GOOD.replace('id = "L02"', 'id = "L01"'), "the item id 'L01' is already used"),
    (GOOD.replace('question = "Is every corridor lamp working?"\n', ""), "'question' is missing"),
    (GOOD.replace('guidance = "It should be."', "guidance = 5", 1), "'guidance' must be text"),
    (
        GOOD.replace("weight = 1\n", "weight = -2\n"),
        "'weight' must be between 0 and 100",
    ),
    (
        GOOD.replace("weight = 1\n", "weight = 0\n"),
        "'weight' must be greater than 0",
    ),
    (
        GOOD.replace('owner = "Estates"\n', 'owner = "Estates"\ncritical = "yes"\n', 1),
        "'critical' must be true or false",
    ),
    (
        GOOD.replace('owner = "Estates"\n', 'owner = "Estates"\napplies_to = ["men"]\n', 1),
        "'applies_to' has 'men'",
    ),
    (
        GOOD.replace("likelihood = 3, consequence = 3", "likelihood = 6, consequence = 3"),
        "risk 'likelihood' must be a whole number from 1 to 5",
    ),
    (
        GOOD.replace('sources = ["HBN 03-01 (2013)"]', "sources = []"),
        "'sources' must be a list of at least one",
    ),
    (
        GOOD.replace(
            'critical_when = { corridor_rule = "code-of-practice" }',
            'critical_when = { lighting = "on" }',
        ),
        "names the setting 'lighting'",
    ),
    (
        GOOD.replace('owner = "Estates"\n', 'owner = "Estates"\ncritcal = true\n', 1),
        "unknown key 'critcal'",
    ),
    (
        GOOD.replace('id = "lighting"', 'id = "lighting"\n', 1).replace(
            "[[sections.items]]", "[[sections.itemz]]"
        ),
        "has no items",
    ),
    (
        GOOD.replace("weight = 1\n", "weight = 1.555\n"),
        "at most two decimal places",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED, ids=[m[1][:40] for m in MALFORMED])
def test_each_malformed_file_gets_its_own_clear_message(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert_clear_problem(write(tmp_path, text), expected)


def test_malformed_messages_are_distinct() -> None:
    assert len({expected for _, expected in MALFORMED}) == len(MALFORMED) >= 20


def test_every_problem_reported_at_once_with_its_place(tmp_path: Path) -> None:
    text = GOOD.replace(
        "likelihood = 3, consequence = 3", "likelihood = 0, consequence = 9"
    ).replace('sources = ["Another source"]', "sources = [1]")
    problems = validate_file(write(tmp_path, text))
    assert len(problems) == 3
    assert any("section 'lighting', item 'L01'" in p and "likelihood" in p for p in problems)
    assert any("section 'lighting', item 'L01'" in p and "consequence" in p for p in problems)
    assert any("item 'L02'" in p and "sources" in p for p in problems)


def test_unreadable_and_binary_files(tmp_path: Path) -> None:
    assert "does not exist" in validate_file(tmp_path / "missing.toml")[0]
    binary = tmp_path / "photo.toml"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    assert "is not UTF-8 text" in validate_file(binary)[0]
    assert "is a folder" in validate_file(tmp_path)[0]


def test_load_file_raises_one_error_listing_all(tmp_path: Path) -> None:
    with pytest.raises(ChecklistError) as caught:
        load_file(write(tmp_path, GOOD.replace("format = 1", "format = 9")))
    assert "problem" in str(caught.value)


def test_validate_command_exit_status_and_lines(tmp_path: Path) -> None:
    good = write(tmp_path, GOOD, "good.toml")
    bad = write(
        tmp_path,
        GOOD.replace("format = 1", "format = 3").replace(
            'sources = ["HBN 03-01 (2013)"]', "sources = []"
        ),
        "bad.toml",
    )
    run = [sys.executable, "-m", "wardaudit", "checklists", "validate"]
    ok = subprocess.run([*run, str(good)], capture_output=True, text=True)
    assert ok.returncode == 0 and "valid" in ok.stdout
    broken = subprocess.run([*run, str(good), str(bad)], capture_output=True, text=True)
    assert broken.returncode == 1
    lines = [line for line in broken.stdout.splitlines() if line.startswith(str(bad))]
    assert len(lines) == 2
    assert "Traceback" not in broken.stderr


def test_trust_folder_adds_checklists_and_reports_broken_files(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "night.toml")
    write(tmp_path, "nonsense = ", "broken.toml")
    library = load_library([tmp_path])
    assert library.latest("night").title == "Night environment"
    assert library.latest("sexual-safety-environment")
    assert len(library.problems) == 1 and "broken.toml" in library.problems[0].path
    write(
        tmp_path,
        GOOD.replace("version = 1", "version = 2").replace("Night environment", "Night v2"),
        "night2.toml",
    )
    assert load_library([tmp_path]).latest("night").title == "Night v2"


@pytest.mark.slow
def test_a_normal_install_finds_the_builtin_checklists(tmp_path: Path) -> None:
    """A non-editable install (as the installer and a trust's IT would make) ships the data."""
    root = Path(__file__).resolve().parents[2]
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(root / name, source / name)
    for name in ("wardaudit", "exports", "ui", "checklists"):
        shutil.copytree(root / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "from wardaudit.checklist import load_library, builtin_dir;"
            "library = load_library([]); versions = library.versions['sexual-safety-environment'];"
            "print(builtin_dir()); print(library.latest('sexual-safety-environment').title);"
            "print([c.version for c in versions], library.warnings)",
            str(target),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    folder, title, versions = probe.stdout.splitlines()
    assert folder.startswith(str(target))
    assert title == "Sexual safety: ward environment"
    assert versions == "[1, 2] []", "both versions of the built-in checklist ship"
