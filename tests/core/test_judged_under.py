"""What an audit was judged under: pinned with it, said in words, and why a rating is held.

The version, each setting's value and the thresholds (the section floor among them) are part
of the content an audit is pinned to, so a later file cannot change them; the words for them
come from the core once, for the screens and the documents alike.
"""

from __future__ import annotations

import json

import pytest

from wardaudit import words
from wardaudit.checklist import (
    Checklist,
    Thresholds,
    builtin_dir,
    from_canonical_json,
    load_file,
)
from wardaudit.scoring import score_audit
from wardaudit.store import Store

V2_FLOOR_RULES = "Green at 90% or above, Amber at 75% or above, and no section below 75% for Green"


def with_setting(checklist: Checklist, name: str, value: str, version: int) -> Checklist:
    data = json.loads(checklist.canonical_json)
    data["settings"][name]["value"] = value
    data["version"] = version
    return from_canonical_json(json.dumps(data), "trust.toml")


def all_yes_but(checklist: Checklist, sex: str, other: dict[str, str]) -> dict[str, str]:
    return {item.id: other.get(item.id, "yes") for item in checklist.applicable_items(sex)}


def first_non_critical(checklist: Checklist, section: str, sex: str, count: int) -> dict[str, str]:
    items = [i for i in checklist.section(section).items if i.applies(sex) and not i.critical]
    return {item.id: "no" for item in items[:count]}


def synthetic(sections: dict[str, int]) -> Checklist:
    """A plain checklist: the named sections with so many items of weight 1, a floor of 80."""
    data = {
        "format": 1,
        "id": "synthetic",
        "version": 1,
        "title": "Synthetic",
        "thresholds": {"green": 90, "amber": 75, "section_floor": 80},
        "sections": [
            {
                "id": name,
                "title": name.title(),
                "items": [
                    {
                        "id": f"{name}-{n}",
                        "question": "Is it so?",
                        "guidance": "Because.",
                        "risk": {"likelihood": 2, "consequence": 2},
                        "owner": "Estates",
                        "action": "Fix it.",
                        "sources": ["WardAudit suggestion (no published requirement)"],
                    }
                    for n in range(count)
                ],
            }
            for name, count in sections.items()
        ],
    }
    return from_canonical_json(json.dumps(data), strict=True)


def test_the_rules_are_part_of_the_pinned_content(store: Store, checklist: Checklist) -> None:
    judged = checklist.judged_under
    assert judged.version == checklist.version and judged.thresholds == checklist.thresholds
    assert {s.name: s.value for s in judged.settings} == checklist.setting_values
    assert checklist.setting_values == {"corridor_rule": "dssa-2019", "sex_basis": "biological-sex"}
    annex_b = with_setting(checklist, "sex_basis", "annex-b-2019", checklist.version + 1)
    assert annex_b.content_hash != checklist.content_hash  # a setting's value is content
    assert annex_b.judged_under != judged

    store.wards.add(site="Ashcombe", name="Rowan Ward", sex="female")
    audit = store.audits.start("Rowan Ward", checklist)
    store.checklists.register(annex_b)  # the trust's folder moves on
    record = store.audits.get(audit.id)
    assert record.checklist.judged_under == judged
    assert record.checklist.thresholds.section_floor == 75
    assert record.checklist.setting_values["sex_basis"] == "biological-sex"


def test_judged_under_in_words(checklist: Checklist) -> None:
    said = words.judged_under_words(checklist.judged_under)
    corridor, sex_basis = (checklist.setting(n) for n in ("corridor_rule", "sex_basis"))
    assert said == (
        f"Judged under: Sexual safety: ward environment, version 2; {corridor.label_of()}; "
        f"{sex_basis.label_of()}; {V2_FLOOR_RULES}."
    )
    assert "biological sex" in sex_basis.label_of() and "16/04/2025" in sex_basis.label_of()
    # another choice is said in its own words
    annex_b = with_setting(checklist, "sex_basis", "annex-b-2019", 3)
    other = words.judged_under_words(annex_b.judged_under)
    assert sex_basis.label_of("annex-b-2019") in other and sex_basis.label_of() not in other
    # version 1 gives no labels and no floor: its words say so plainly
    v1 = load_file(builtin_dir() / "sexual-safety-environment-v1.toml")
    assert words.judged_under_words(v1.judged_under) == (
        "Judged under: Sexual safety: ward environment, version 1; corridor rule: dssa-2019; "
        "Green at 90% or above, Amber at 75% or above, and no section floor."
    )


def test_a_rating_held_at_amber_by_the_floor_says_which_section(checklist: Checklist) -> None:
    sightlines = checklist.section("sightlines").title
    held = score_audit(
        checklist,
        "male",
        all_yes_but(checklist, "male", first_non_critical(checklist, "sightlines", "male", 4)),
    )
    assert held.rating == "amber" and held.held_by_floor
    section = next(s for s in held.sections if s.id == "sightlines")
    assert float(held.overall or 0) >= 90 and float(section.score or 0) < 75
    assert words.floor_hold_words(held, checklist.thresholds) == (
        f"Amber: the {sightlines} section scored {words.score_words(section.score)}, below the "
        "75% every section must reach for Green."
    )
    # two sections below the floor are both named, in checklist order
    small = synthetic({"first": 4, "second": 4, "rest": 40})
    answers = {item.id: "yes" for item in small.items()}
    answers |= {"first-0": "no", "first-1": "no", "second-2": "no", "second-3": "no"}
    both = score_audit(small, "male", answers)
    assert both.held_by_floor and both.below_floor == ("first", "second")
    assert words.floor_hold_words(both, small.thresholds) == (
        "Amber: the First section scored 50.0% and the Second section 50.0%, below the 80% "
        "every section must reach for Green."
    )
    # nothing held: a plain Green, an Amber on its score, a Red with a breach below the floor
    assert (
        words.floor_hold_words(
            score_audit(checklist, "male", all_yes_but(checklist, "male", {})), checklist.thresholds
        )
        == ""
    )
    critical = next(i.id for i in checklist.section("sightlines").items if i.critical)
    red = score_audit(
        checklist,
        "male",
        all_yes_but(
            checklist,
            "male",
            {**first_non_critical(checklist, "sightlines", "male", 4), critical: "no"},
        ),
    )
    assert red.rating == "red" and red.below_floor and not red.held_by_floor
    assert words.floor_hold_words(red, checklist.thresholds) == ""


@pytest.mark.parametrize("floor", [None, 75.0])
def test_thresholds_in_words(floor: float | None) -> None:
    said = words.thresholds_words(Thresholds(green=92.5, amber=80, section_floor=floor))
    assert said.startswith("Green at 92.5% or above, Amber at 80% or above, and ")
    assert said.endswith("no section floor" if floor is None else "no section below 75% for Green")
