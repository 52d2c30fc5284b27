"""The built-in checklist's content: version 2 as published, version 1 kept intact beside it."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CHECKLIST_ID, ROOT
from tests.core.checklist_helpers import packed
from wardaudit.checklist import (
    DESIGNATIONS,
    Checklist,
    ChecklistLibrary,
    Item,
    builtin_dir,
    from_canonical_json,
    load_bytes,
    load_file,
)
from wardaudit.scoring import Packing, allowed_answers, score_audit

V2_FILE = builtin_dir() / "sexual-safety-environment.toml"
V1_FILE = builtin_dir() / "sexual-safety-environment-v1.toml"
# Databases in use pin version 1 by this hash: if it moved, their audits would no longer
# be recognised as the built-in version 1 (computed from the file as first released).
V1_CONTENT_HASH = "88c85e3c8500bb8c55b801bd8824d5a531d72671e920b5cf763966719c0c6e41"


@pytest.fixture(scope="module")
def v1(library: ChecklistLibrary) -> Checklist:
    return next(c for c in library.versions[CHECKLIST_ID] if c.version == 1)


@pytest.fixture(scope="module")
def v2(library: ChecklistLibrary) -> Checklist:
    return next(c for c in library.versions[CHECKLIST_ID] if c.version == 2)


def with_setting(name: str, choice: str, source: Path = V2_FILE) -> Checklist:
    """The built-in checklist as a trust would have it after changing one setting."""
    text = source.read_text(encoding="utf-8")
    block = re.search(rf"\[settings\.{name}\].*?\nvalue = \"([^\"]+)\"", text, re.S)
    assert block, name
    start, end = block.span(1)
    changed = text[:start] + choice + text[end:]
    return load_bytes(changed.encode("utf-8"), f"{source.name} ({name} = {choice})")


def every_choice_combination(checklist: Checklist) -> list[Checklist]:
    """The checklist under every combination of its settings' choices."""
    text = V2_FILE.read_text(encoding="utf-8")
    variants = []
    names = [s.name for s in checklist.settings]
    for combo in itertools.product(*(s.choices for s in checklist.settings)):
        changed = text
        for name, choice in zip(names, combo, strict=True):
            changed = re.sub(
                rf"(\[settings\.{name}\].*?\nvalue = \")[^\"]+(\")",
                lambda m, c=choice: m.group(1) + c + m.group(2),
                changed,
                count=1,
                flags=re.S,
            )
        variants.append(load_bytes(changed.encode("utf-8"), f"v2 with {combo}"))
    return variants


# --- versions side by side --------------------------------------------------------------


def test_latest_is_version_2_and_version_1_is_still_there(library: ChecklistLibrary) -> None:
    assert library.latest(CHECKLIST_ID).version == 2
    assert [c.version for c in library.versions[CHECKLIST_ID]] == [1, 2]
    assert library.warnings == []


def test_version_1_content_and_hash_are_unchanged(v1: Checklist) -> None:
    assert v1.content_hash == V1_CONTENT_HASH
    assert load_file(V1_FILE).content_hash == V1_CONTENT_HASH
    assert from_canonical_json(v1.canonical_json).content_hash == V1_CONTENT_HASH
    assert v1.thresholds.section_floor is None
    assert '"section_floor"' not in v1.canonical_json


def test_version_2_keeps_every_section_and_item_id_of_version_1(
    v1: Checklist, v2: Checklist
) -> None:
    """Ids stay with their meaning, so a v1 action can be checked against the same v2 item."""
    assert [s.id for s in v2.sections] == [s.id for s in v1.sections]
    assert {i.id for i in v1.items()} <= {i.id for i in v2.items()}


# --- every item, under every choice -----------------------------------------------------


def test_every_item_validates_under_every_combination_of_settings(v2: Checklist) -> None:
    combos = every_choice_combination(v2)
    assert len(combos) == 4
    for checklist in combos:
        assert [i.id for i in checklist.items()] == [i.id for i in v2.items()]


def test_every_item_is_complete_and_cites_a_source(v2: Checklist) -> None:
    for checklist in every_choice_combination(v2):
        for item in checklist.items():
            assert item.question.endswith("?"), item.id
            assert len(item.guidance) >= 150, f"{item.id}: the guidance should say why"
            assert item.owner and item.action, item.id
            assert item.sources and all(s.strip() for s in item.sources), item.id
            assert item.applies_to and set(item.applies_to) <= set(DESIGNATIONS), item.id


def test_sources_under_review_say_so(v2: Checklist) -> None:
    cited = [s for item in v2.items() for s in item.sources]
    dssa = [s for s in cited if "Delivering same-sex accommodation (2019)" in s]
    assert dssa, "the 2019 guidance is cited"
    assert all("under review since 16 April 2025" in s for s in dssa), dssa
    assert not any("Patient's Charter" in s for s in cited)  # obsolete: the NHS Constitution pledge
    ligature_letter = [s for s in cited if "CQC letter to providers on ligature risks (2020)" in s]
    assert ligature_letter and all("by analogy" in s for s in ligature_letter)


def test_critical_items_open_extreme_actions_under_every_choice(v2: Checklist) -> None:
    for checklist in every_choice_combination(v2):
        for item in checklist.items():
            if item.critical:
                assert item.risk.likelihood * item.risk.consequence >= 15, item.id
                assert item.weight == 2, item.id
                assert "partial" not in allowed_answers(item)
            else:
                assert item.weight == 1, item.id


def test_each_designation_has_items_in_every_section(v2: Checklist) -> None:
    for sex in DESIGNATIONS:
        scored = score_audit(v2, sex, {})
        assert [s.id for s in scored.sections] == [s.id for s in v2.sections], sex


def test_no_two_items_ask_the_same_question(v2: Checklist) -> None:
    questions = [re.sub(r"\W+", " ", i.question.lower()).strip() for i in v2.items()]
    assert len(set(questions)) == len(questions)


# --- absence is N/A, never Yes ----------------------------------------------------------

_ABSENCE = re.compile(
    r"\b(if|where|when) (there (is|are|was|were|has been|have been) (no|none)\b|"
    r"(the ward|it) (has|uses) (no|none)\b|no \w+ (is|are|was|were|has been)\b|none\b)",
    re.I,
)
_MET = re.compile(r"\b(is|are|counts as|count as) (met|compliant)\b|\banswer yes\b|\byes\b", re.I)


def absent_things_counted_as_met(item: Item) -> list[str]:
    """Sentences that make an absent thing a Yes instead of an N/A."""
    found = []
    for text in (item.question, item.guidance):
        if re.search(r"\bthis item is met\b", text, re.I):
            found.append(text)
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if _ABSENCE.search(sentence) and (_MET.search(sentence) or "N/A" not in sentence):
                found.append(sentence)
    return found


def test_the_absence_check_finds_the_faults_of_version_1(v1: Checklist) -> None:
    flagged = {item.id for item in v1.items() if absent_things_counted_as_met(item)}
    assert {"A04", "A12", "A13", "A14", "B11", "C06", "D10"} <= flagged


def test_no_item_of_version_2_counts_an_absent_thing_as_met(v2: Checklist) -> None:
    for checklist in every_choice_combination(v2):
        for item in checklist.items():
            assert absent_things_counted_as_met(item) == [], item.id


# --- settings change exactly the documented items ---------------------------------------


def documented_settings() -> dict[str, set[str]]:
    """The README's table of the built-in checklist's settings: setting → items it changes."""
    readme = (ROOT / "checklists" / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Settings in the built-in checklist", 1)[1]
    rows = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`") and cells[0].endswith("`"):
            rows[cells[0].strip("`")] = {i.strip() for i in cells[1].split(",")}
    return rows


def _face(item: Item) -> tuple[object, ...]:
    return (item.question, item.guidance, item.action, item.critical, item.risk)


def test_each_setting_changes_exactly_the_items_documented(v2: Checklist) -> None:
    documented = documented_settings()
    assert set(documented) == {s.name for s in v2.settings} == {"corridor_rule", "sex_basis"}
    for setting in v2.settings:
        changed: set[str] = set()
        for choice in setting.choices:
            other = with_setting(setting.name, choice)
            for before, after in zip(v2.items(), other.items(), strict=True):
                if _face(before) != _face(after):
                    changed.add(before.id)
                    assert setting.name in before.depends_on
        assert changed == documented[setting.name] == set(setting.affects), setting.name
        for item in v2.items():
            assert (setting.name in item.depends_on) == (item.id in changed), item.id


def test_corridor_rule_makes_c03_critical_and_leaves_day_areas_critical_anyway(
    v2: Checklist,
) -> None:
    strict = with_setting("corridor_rule", "code-of-practice")
    assert not v2.item("C03").critical and strict.item("C03").critical
    for item_id in ("C11", "C02", "A05"):
        assert v2.item(item_id).critical and strict.item(item_id).critical
    assert "day area" not in v2.item("C03").question  # v1 mixed corridors and day areas


def test_sex_basis_changes_the_questions_and_which_item_is_critical(v2: Checklist) -> None:
    annex_b = with_setting("sex_basis", "annex-b-2019")
    assert v2.setting("sex_basis").value == "biological-sex"  # the default
    assert "biological sex" in v2.item("A01").question
    assert "Annex B" in annex_b.item("A01").question
    assert v2.item("A01").critical and annex_b.item("A01").critical
    assert not v2.item("A14").critical and annex_b.item("A14").critical
    for checklist in (v2, annex_b):
        for item_id in ("A01", "A14"):
            guidance = checklist.item(item_id).guidance
            assert "16 April 2025" in guidance and "21 May 2026" in guidance, item_id


def test_the_same_answers_rated_under_each_sex_basis(v2: Checklist) -> None:
    """A mixed ward whose one trans patient's placement lacks an individual assessment."""
    annex_b = with_setting("sex_basis", "annex-b-2019")
    answers = {item.id: "yes" for item in v2.applicable_items("mixed")}
    answers["A14"] = "no"
    biological = score_audit(v2, "mixed", answers)
    presentation = score_audit(annex_b, "mixed", answers)
    assert biological.rating == "green" and not biological.critical_breach
    assert presentation.rating == "red" and presentation.critical_items == ("A14",)
    # and the stored content alone gives the same verdicts back
    for checklist, rating in ((v2, "green"), (annex_b, "red")):
        pinned = from_canonical_json(checklist.canonical_json)
        assert score_audit(pinned, "mixed", answers).rating == rating
        assert Packing(pinned).score(packed(pinned, answers)).rating == rating


def test_each_choice_has_words_for_documents(v2: Checklist) -> None:
    for setting in v2.settings:
        for choice in setting.choices:
            assert setting.label_of(choice) != choice, (setting.name, choice)


# --- the section floor in version 2 -----------------------------------------------------


def test_four_sightline_failures_never_leave_a_male_ward_green(v2: Checklist) -> None:
    """The gap found in version 1: 91.5% and Green with four sightline items answered No."""
    assert v2.thresholds.section_floor == 75
    sightlines = [i for i in v2.section("sightlines").items if i.applies("male") and not i.critical]
    base = {item.id: "yes" for item in v2.applicable_items("male")}
    packing = Packing(v2)
    for failed in itertools.combinations([i.id for i in sightlines], 4):
        answers = {**base, **dict.fromkeys(failed, "no")}
        score = score_audit(v2, "male", answers)
        assert score.overall is not None and score.overall >= 90  # green but for the floor
        assert score.rating == "amber" and score.held_by_floor, failed
        assert score.below_floor == ("sightlines",)
        assert packing.score(packed(v2, answers)).rating == "amber"


def test_version_1_has_no_floor_so_the_same_failures_stay_green(v1: Checklist) -> None:
    answers = {item.id: "yes" for item in v1.applicable_items("male")}
    answers.update(dict.fromkeys(["B01", "B02", "B03", "B04"], "no"))
    score = score_audit(v1, "male", answers)
    assert round(float(score.overall or 0), 1) == 91.5
    assert score.rating == "green" and not score.held_by_floor


def _rating_before_the_floor(checklist: Checklist, sex: str, answers: dict[str, str]) -> str | None:
    """The rating rule as it was before section floors existed, written out plainly."""
    points = available = 0
    breach = False
    for item in checklist.applicable_items(sex):
        value = answers.get(item.id)
        if value in (None, "na"):
            continue
        points += {"yes": 2, "partial": 1, "no": 0}[value] * item.weight_centi
        available += 2 * item.weight_centi
        breach = breach or (item.critical and value == "no")
    if breach:
        return "red"
    if not available:
        return None
    overall = Fraction(100 * points, available)
    if overall >= 90:
        return "green"
    return "amber" if overall >= 75 else "red"


@st.composite
def v1_audits(draw: st.DrawFn, checklist: Checklist) -> tuple[str, dict[str, str]]:
    sex = draw(st.sampled_from(DESIGNATIONS))
    answers = {}
    for item in checklist.applicable_items(sex):
        value = draw(st.sampled_from(["yes", "yes", "yes", "partial", "no", "na", None]))
        if value == "partial" and item.critical:
            value = "yes"
        if value is not None:
            answers[item.id] = value
    return sex, answers


def test_ratings_of_version_1_are_what_they_were(v1: Checklist) -> None:
    packing = Packing(v1)

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(v1_audits(v1))
    def check(case: tuple[str, dict[str, str]]) -> None:
        sex, answers = case
        expected = _rating_before_the_floor(v1, sex, answers)
        assert score_audit(v1, sex, answers).rating == expected
        assert packing.score(packed(v1, answers)).rating == expected

    check()
