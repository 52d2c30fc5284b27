"""Checklist files that cannot hurt: every malformed file is a clear problem, never a crash,
and one bad or clashing file in a trust's folder never stops the app or the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHECKLIST_ID, ROOT
from tests.core.checklist_helpers import GOOD, assert_clear_problem, packed, write
from wardaudit import checklist as checklist_module
from wardaudit.checklist import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    builtin_dir,
    from_canonical_json,
    load_bytes,
    load_file,
    load_library,
    validate_file,
)
from wardaudit.errors import ChecklistConflict, ChecklistError, NotFound
from wardaudit.scoring import Packing, score_audit


def sub(old: str, new: str, text: str = GOOD, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def top(line: str, text: str = GOOD) -> str:
    """Text with a key added at the top level (before the first table)."""
    return sub('title = "Night environment"', f'title = "Night environment"\n{line}', text)


def nested(depth: int, opening: str = "[", closing: str = "]", inner: str = '"x"') -> str:
    return opening * depth + inner + closing * depth


# Each malformed file: (name, the file's text or bytes, a phrase its problem must contain)
MALFORMED: list[tuple[str, str | bytes, str]] = [
    # numbers that are not numbers
    (
        "nan threshold",
        sub("green = 90", "green = nan"),
        "'green' must be an ordinary number, not nan",
    ),
    (
        "infinite threshold",
        sub("amber = 75", "amber = -inf"),
        "'amber' must be an ordinary number, not -inf",
    ),
    (
        "nan floor",
        sub("amber = 75", "amber = 75\nsection_floor = nan"),
        "'section_floor' must be an ordinary number",
    ),
    (
        "infinite weight",
        sub("weight = 1", "weight = inf"),
        "'weight' must be an ordinary number, not inf",
    ),
    (
        "nan risk",
        sub("likelihood = 3, consequence = 3", "likelihood = nan, consequence = 3"),
        "risk 'likelihood' must be a whole number from 1 to 5 (found nan)",
    ),
    # absurd integers
    (
        "huge version",
        sub("version = 1", "version = 99999999999999999999999999"),
        "'version' must be at most 1,000,000",
    ),
    (
        "huge format",
        sub("format = 1", "format = 18446744073709551617"),
        "'format' must be 1 (found a number of 20 digits)",
    ),
    (
        "huge weight",
        sub("weight = 1", "weight = 100000000000000000000000000000"),
        "'weight' must be between 0 and 100",
    ),
    (
        "huge threshold",
        sub("green = 90", "green = 1000000000000000000000000"),
        "'green' must be between 0 and 100",
    ),
    (
        "huge risk",
        sub("consequence = 4", "consequence = 40000000000000000000"),
        "risk 'consequence' must be a whole number from 1 to 5",
    ),
    ("integer of 5000 digits", sub("version = 1", "version = " + "9" * 5000), "is not usable TOML"),
    (
        "floor above 100",
        sub("amber = 75", "amber = 75\nsection_floor = 101"),
        "'section_floor' must be between 0 and 100",
    ),
    (
        "floor as text",
        sub("amber = 75", 'amber = 75\nsection_floor = "80"'),
        "'section_floor' must be a number",
    ),
    # nesting
    (
        "deep lists",
        sub('sources = ["HBN 03-01 (2013)"]', "sources = " + nested(5000)),
        "nested too deeply",
    ),
    (
        "deep tables",
        sub(
            'owner = "Estates"\n',
            'owner = "Estates"\nrisk2 = ' + nested(3000, "{a=", "}", "1") + "\n",
        ),
        "nested too deeply",
    ),
    (
        "nested but parseable",
        sub('sources = ["HBN 03-01 (2013)"]', "sources = " + nested(60)),
        "'sources' must be a list of at least one non-empty citation",
    ),
    # not text
    (
        "invalid UTF-8",
        GOOD.encode("utf-8").replace(b"Lighting", b"Light\xffing"),
        "is not UTF-8 text (byte",
    ),
    (
        "binary junk",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        "is not UTF-8 text",
    ),
    ("NUL bytes", b"format = 1\x00\x00\x00", "is not valid TOML"),
    ("UTF-16", GOOD.encode("utf-16"), "is not UTF-8 text"),
    ("empty", "", "the file is empty"),
    ("only spaces", "  \n\t\n", "the file is empty"),
    # valid TOML of the wrong shape, everywhere
    (
        "sections as text",
        top('sections = "all"', GOOD.split("[[sections]]")[0]),
        "'sections' must be a list of [[sections]] tables",
    ),
    (
        "sections of numbers",
        top("sections = [1, 2]", GOOD.split("[[sections]]")[0]),
        "section 1: must be a [[sections]] table",
    ),
    (
        "items as a table",
        sub("[[sections.items]]", "[sections.items]\n[sections.itemz]", count=1).split(
            "[[sections.items]]"
        )[0],
        "has no items",
    ),
    (
        "item as a number",
        GOOD.split("[[sections.items]]")[0] + "items = [1]\n",
        "item 1: must be a [[sections.items]] table",
    ),
    (
        "thresholds as a number",
        sub("[thresholds]\ngreen = 90\namber = 75", "thresholds = 3"),
        "thresholds: must be a table",
    ),
    (
        "settings as a list",
        top(
            "settings = []",
            GOOD.replace('critical_when = { corridor_rule = "code-of-practice" }', "").replace(
                "[settings.corridor_rule]", "[unused]"
            ),
        ),
        "settings: must be a table of named settings",
    ),
    (
        "setting as a number",
        top(
            "settings = { corridor_rule = 5 }",
            GOOD.split("[settings.corridor_rule]")[0]
            + "[[sections]]"
            + GOOD.split("[[sections]]", 1)[1],
        ),
        "must be a table with 'description', 'choices' and 'value'",
    ),
    (
        "choices as text",
        sub('choices = ["dssa-2019", "code-of-practice"]', 'choices = "dssa-2019"'),
        "'choices' must be a non-empty list",
    ),
    (
        "risk as a number",
        sub("risk = { likelihood = 3, consequence = 3 }", "risk = 9"),
        "'risk' must be a table",
    ),
    (
        "applies_to as text",
        sub('owner = "Estates"', 'owner = "Estates"\napplies_to = "male"'),
        "'applies_to' must be a non-empty list",
    ),
    (
        "critical_when as text",
        sub('critical_when = { corridor_rule = "code-of-practice" }', 'critical_when = "always"'),
        "'critical_when' must be a table",
    ),
    (
        "variants as a number",
        sub('owner = "Estates"', 'owner = "Estates"\nvariants = 1'),
        "'variants' must be a table",
    ),
    (
        "a date where text belongs",
        sub('title = "Night environment"', "title = 1979-05-27T07:32:00Z"),
        "'title' must be text in quotes (found a datetime)",
    ),
    ("a date not in quotes", top("published = 2026-11-27"), "'published' must be a date in quotes"),
    (
        "a date that is not one",
        top('published = "2026-02-30"'),
        "'published' must be a date written as",
    ),
    (
        "a time as weight",
        sub("weight = 1", "weight = 07:32:00"),
        "'weight' must be a number (found a time)",
    ),
    (
        "boolean version",
        sub("version = 1", "version = true"),
        "'version' must be a whole number of 1 or more (found true)",
    ),
    ("float format", sub("format = 1", "format = 1.0"), "'format' must be 1 (found 1.0)"),
    (
        "unknown key of any name",
        sub('title = "Night environment"', 'title = "Night environment"\n"odd\\nkey" = 1'),
        "unknown key 'odd\\nkey'",
    ),
    (
        "duplicate key",
        sub('title = "Night environment"', 'title = "Night environment"\ntitle = "Again"'),
        "is not valid TOML",
    ),
    # usable once valid: what starting and scoring an audit need
    (
        "no item for a designation",
        sub(
            'owner = "Estates"\naction = "Report',
            'owner = "Estates"\napplies_to = ["mixed"]\naction = "Report',
        ).replace(
            'owner = "Estates"\naction = "Make',
            'owner = "Estates"\napplies_to = ["mixed"]\naction = "Make',
        ),
        "no item applies to male wards",
    ),
    (
        "designation left out",
        sub(
            'title = "Night environment"', 'title = "Night environment"\ndesignations = ["female"]'
        ),
        "which the checklist's 'designations' leave out",
    ),
    (
        "designations of the wrong kind",
        sub('title = "Night environment"', 'title = "Night environment"\ndesignations = ["women"]'),
        "'designations' must list the ward designations",
    ),
    (
        "critical_when on an unknown choice",
        sub('corridor_rule = "code-of-practice" }', 'corridor_rule = "strict" }'),
        "'critical_when' wants corridor_rule = 'strict'",
    ),
    (
        "variant of an unknown choice",
        GOOD + "\n[sections.items.variants.corridor_rule.strict]\ncritical = true\n",
        "'strict' is not one of the choices",
    ),
    (
        "variant of an unknown setting",
        GOOD + "\n[sections.items.variants.lighting.on]\ncritical = true\n",
        "names the setting 'lighting', which is not defined",
    ),
    (
        "variant and critical_when",
        GOOD + "\n[sections.items.variants.corridor_rule.dssa-2019]\ncritical = true\n",
        "rather than 'critical_when' as well",
    ),
    (
        "variant with a bad risk",
        sub(
            'sources = ["HBN 03-01 (2013)"]',
            'sources = ["HBN 03-01 (2013)"]\n[sections.items.variants.corridor_rule.dssa-2019]\nrisk = { likelihood = 9, consequence = 3 }',
        ),
        "variant corridor_rule = 'dssa-2019': risk 'likelihood' must be a whole number",
    ),
    (
        "variant with an unknown key",
        sub(
            'sources = ["HBN 03-01 (2013)"]',
            'sources = ["HBN 03-01 (2013)"]\n[sections.items.variants.corridor_rule.dssa-2019]\ncolour = "red"',
        ),
        "unknown key 'colour'",
    ),
    (
        "affects that is wrong",
        sub('value = "dssa-2019"', 'value = "dssa-2019"\naffects = ["L01"]'),
        "'affects' lists 'L01', but that item does not depend on this setting",
    ),
    (
        "labels for an unknown choice",
        sub('value = "dssa-2019"', 'value = "dssa-2019"\nlabels = { strict = "Strict" }'),
        "'labels' names 'strict'",
    ),
    (
        "a setting name with spaces",
        sub("[settings.corridor_rule]", '[settings."corridor rule"]').replace(
            "corridor_rule = ", '"corridor rule" = '
        ),
        "a setting's name must be lower-case letters",
    ),
    (
        "a choice twice",
        sub('choices = ["dssa-2019", "code-of-practice"]', 'choices = ["dssa-2019", "dssa-2019"]'),
        "'choices' lists a value twice",
    ),
    (
        "a question that is not one",
        sub(
            'question = "Is every corridor lamp working?"', 'question = "Every corridor lamp works"'
        ),
        "'question' must end with '?'",
    ),
    (
        "text far too long",
        sub('question = "Is every corridor lamp working?"', 'question = "' + "Is it " * 200 + '?"'),
        "'question' is too long",
    ),
    ("weight of zero", sub("weight = 1", "weight = 0"), "'weight' must be greater than 0"),
    (
        "thresholds out of order",
        sub("amber = 75", "amber = 95"),
        "'amber' (95) must not be above 'green' (90)",
    ),
    (
        "too many sources",
        sub('sources = ["HBN 03-01 (2013)"]', "sources = [" + ", ".join(['"s"'] * 30) + "]"),
        "has 30 sources; at most 20",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_each_malformed_file_is_a_clear_problem(
    tmp_path: Path, name: str, text: str | bytes, expected: str
) -> None:
    assert_clear_problem(write(tmp_path, text), expected, name)


def test_the_malformed_cases_are_distinct() -> None:
    assert len({m[0] for m in MALFORMED}) == len(MALFORMED)
    assert len({m[2] for m in MALFORMED}) >= len(MALFORMED) - 8


def test_a_byte_order_mark_is_accepted_and_changes_nothing(tmp_path: Path) -> None:
    plain = load_file(write(tmp_path, GOOD, "plain.toml"))
    marked = load_file(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8"), "bom.toml"))
    assert marked == plain and marked.content_hash == plain.content_hash


def test_a_huge_file_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_FILE_BYTES * 50)
    opened: list[Path] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object) -> object:
        opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spy)
    problems = validate_file(path)
    assert len(problems) == 1 and "is too large for a checklist file" in problems[0]
    assert path not in opened
    with pytest.raises(ChecklistError, match="is too large"):
        load_bytes(b"#" * (MAX_FILE_BYTES + 1), "x")


def test_a_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    padding = "#" * 100 + "\n"
    text = GOOD + padding * ((MAX_FILE_BYTES - len(GOOD)) // len(padding))
    assert len(text.encode()) <= MAX_FILE_BYTES
    assert validate_file(write(tmp_path, text)) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_not_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)  # reading it would wait for ever
    problems = validate_file(pipe)
    assert problems == [f"{pipe}: is not an ordinary file, so it is not read"]


def test_a_flood_of_problems_is_bounded(tmp_path: Path) -> None:
    item = GOOD.split("[[sections.items]]")[1].replace("likelihood = 3", "likelihood = 9")
    text = GOOD.split("[[sections.items]]")[0] + "".join(
        "[[sections.items]]" + item.replace('id = "L01"', f'id = "X{n}"') for n in range(400)
    )
    problems = validate_file(write(tmp_path, text))
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].endswith("more problem(s) not listed")


def test_too_many_items_is_one_problem(tmp_path: Path) -> None:
    item = GOOD.split("[[sections.items]]")[1].split("[[")[0]
    text = GOOD.split("[[sections.items]]")[0] + "".join(
        "[[sections.items]]" + item.replace('id = "L01"', f'id = "X{n}"') for n in range(1001)
    )
    problems = validate_file(write(tmp_path, text))
    assert problems == [
        f"{tmp_path / 'list.toml'}: top level: has 1,001 items; at most 1,000 are allowed"
    ]


def test_stored_content_of_any_shape_is_refused_clearly() -> None:
    for content in ("[1, 2]", '"text"', "{", "[" * 100_000 + "]" * 100_000, "NaN", "{}"):
        with pytest.raises(ChecklistError) as caught:
            from_canonical_json(content, "stored")
        assert all(p.startswith("stored:") for p in caught.value.problems)


def test_stored_content_keeps_working_when_file_limits_tighten() -> None:
    """An audit pinned to content that a later limit would refuse must still open."""
    data = json.loads(load_bytes(GOOD.encode(), "good").canonical_json)
    data["sections"][0]["items"][0]["question"] = "No question mark" + " long" * 200
    data["version"] = 5_000_000
    stored = from_canonical_json(json.dumps(data), "stored")
    assert stored.version == 5_000_000
    with pytest.raises(ChecklistError):
        from_canonical_json(json.dumps(data), "from outside", strict=True)


def test_a_file_that_validates_can_be_audited_and_scored(tmp_path: Path) -> None:
    checklist = load_file(write(tmp_path, GOOD))
    for sex in checklist.designations:
        items = checklist.applicable_items(sex)
        assert items
        answers = {item.id: "no" for item in items}
        assert score_audit(checklist, sex, answers).rating == "red"
        assert Packing(checklist).score(packed(checklist, answers)).rating == "red"
    assert from_canonical_json(checklist.canonical_json) == checklist


def test_the_readme_example_validates(tmp_path: Path) -> None:
    readme = (ROOT / "checklists" / "README.md").read_text(encoding="utf-8")
    example = readme.split("## A minimal file", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    assert validate_file(write(tmp_path, example)) == []


# --- the trust's folder -------------------------------------------------------------------


def test_one_bad_file_is_skipped_with_a_warning_and_the_rest_load(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "night.toml")
    write(tmp_path, sub("green = 90", "green = nan"), "broken.toml")
    write(tmp_path, b"\xff\xfe junk", "junk.toml")
    write(tmp_path, "[[[[", "torn.toml")
    library = load_library([tmp_path])
    assert library.latest("night").title == "Night environment"
    assert library.latest(CHECKLIST_ID).version == 2
    assert len(library.problems) == 3
    warnings = library.warnings
    assert len(warnings) == 3
    for name in ("broken.toml", "junk.toml", "torn.toml"):
        line = next(w for w in warnings if name in w)
        assert line.startswith(f"the checklist file {tmp_path / name} was skipped: ")
    assert any("'green' must be an ordinary number" in w for w in warnings)


def test_warnings_summarise_a_file_with_many_problems(tmp_path: Path) -> None:
    write(
        tmp_path,
        sub("format = 1", "format = 2")
        .replace("version = 1", "version = 0")
        .replace('title = "Night environment"', "title = 3")
        .replace("green = 90", "green = 900"),
        "bad.toml",
    )
    (warning,) = load_library([tmp_path]).warnings
    assert "and 1 more (see 'wardaudit checklists validate" in warning
    assert warning.count(str(tmp_path / "bad.toml")) == 2  # named once, then in the advice


def test_a_fault_in_the_loader_does_not_stop_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, GOOD, "night.toml")
    write(tmp_path, sub("night", "other"), "other.toml")
    real = checklist_module.load_file

    def faulty(path: Path | str) -> object:
        if Path(path).name == "other.toml":
            raise KeyError("a fault")
        return real(path)

    monkeypatch.setattr(checklist_module, "load_file", faulty)
    library = load_library([tmp_path])
    assert library.latest("night")
    assert any("other.toml" in w and "fault in WardAudit" in w for w in library.warnings)


def test_an_unreadable_folder_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, pattern: str) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "glob", refuse)
    library = load_library([tmp_path])
    assert any(str(tmp_path) in w and "cannot be read" in w for w in library.warnings)


def test_two_files_with_one_id_and_version_and_different_content_conflict(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, sub("Night environment", "Night environment (edited)"), "b.toml")
    library = load_library([tmp_path])
    with pytest.raises(ChecklistConflict) as caught:
        library.latest("night")
    message = str(caught.value)
    assert str(first) in message and str(second) in message and "version 1" in message
    assert "night" not in {c.id for c in library.all_latest()}
    assert any(str(first) in w and str(second) in w for w in library.warnings)
    assert library.latest(CHECKLIST_ID).version == 2  # the rest are untouched


def test_a_trust_copy_clashing_with_the_built_in_blocks_neither_silently(tmp_path: Path) -> None:
    builtin = builtin_dir() / "sexual-safety-environment.toml"
    edited = builtin.read_text(encoding="utf-8").replace("green = 90", "green = 85", 1)
    copy = write(tmp_path, edited, "ours.toml")
    library = load_library([tmp_path])
    with pytest.raises(ChecklistConflict) as caught:
        library.latest(CHECKLIST_ID)
    assert str(builtin) in str(caught.value) and str(copy) in str(caught.value)
    # version 1 is still there for audits pinned to it, but is not offered instead
    assert [c.version for c in library.versions[CHECKLIST_ID]] == [1]


def test_a_conflict_on_an_old_version_does_not_hide_a_newer_one(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.toml")
    write(tmp_path, sub("Night environment", "Edited"), "b.toml")
    write(tmp_path, sub("version = 1", "version = 2"), "c.toml")
    library = load_library([tmp_path])
    assert library.latest("night").version == 2
    assert len(library.conflicts) == 1


def test_the_same_content_in_two_files_is_no_conflict(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.toml")
    write(tmp_path, "# a copy\n" + GOOD, "b.toml")
    library = load_library([tmp_path, tmp_path])
    assert library.latest("night") and library.warnings == []


def test_unknown_checklist_is_still_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        load_library([tmp_path]).latest("nothing-here")


# --- the command line -------------------------------------------------------------------


def run_cli(*args: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WARDAUDIT_CHECKLISTS": str(folder)}
    return subprocess.run(
        [sys.executable, "-m", "wardaudit", *args], capture_output=True, text=True, env=env
    )


def test_the_command_line_warns_of_a_bad_file_and_carries_on(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "night.toml")
    write(tmp_path, "version = " + "9" * 5000, "broken.toml")
    listed = run_cli("checklists", "list", "--json", folder=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert {c["id"] for c in json.loads(listed.stdout)} >= {"night", CHECKLIST_ID}
    (warning,) = [line for line in listed.stderr.splitlines() if line]
    assert warning.startswith(
        f"wardaudit: warning: the checklist file {tmp_path / 'broken.toml'} was skipped: "
    )
    assert "Traceback" not in listed.stderr


def test_the_command_line_refuses_a_conflicted_checklist_naming_both_files(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, sub("Night environment", "Edited"), "b.toml")
    shown = run_cli("checklists", "show", "night", folder=tmp_path)
    assert shown.returncode == 1
    error = [line for line in shown.stderr.splitlines() if line.startswith("wardaudit: error:")]
    assert error and str(first) in error[0] and str(second) in error[0]
    assert "wardaudit: warning:" in shown.stderr and "Traceback" not in shown.stderr


def test_validate_reports_every_class_without_a_traceback(tmp_path: Path) -> None:
    files = [write(tmp_path, text, f"case{n}.toml") for n, (_, text, _) in enumerate(MALFORMED)]
    checked = run_cli("checklists", "validate", *map(str, files), folder=tmp_path / "none")
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr and checked.stderr == ""
    for path in files:
        assert any(line.startswith(str(path)) for line in checked.stdout.splitlines()), path
