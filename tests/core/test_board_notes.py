"""The board says when its figures are not like for like: wards judged under different
checklist versions or settings, scores over time that cross a version, and designations that
answer different numbers of items (pointing to the Designation filter)."""

from __future__ import annotations

import json

from wardaudit import words
from wardaudit.board import board_figures
from wardaudit.checklist import Checklist, builtin_dir, from_canonical_json, load_file
from wardaudit.demo import NEWEST_VERSION_MONTHS
from wardaudit.store import Store

PERIOD = {"start": "2026-01", "end": "2026-12"}


def v1() -> Checklist:
    return load_file(builtin_dir() / "sexual-safety-environment-v1.toml")


def signed_off(store: Store, ward: str, checklist: Checklist, sex: str, when: str) -> str:
    return store.audits.import_completed(
        ward,
        checklist,
        answers={item.id: ("yes", "", "") for item in checklist.applicable_items(sex)},
        started_at=f"{when}T09:00:00+00:00",
        completed_at=f"{when}T10:00:00+00:00",
        by="A matron",
        role="Matron",
    )


def trust_copy(checklist: Checklist, corridor_rule: str) -> Checklist:
    """A trust's own copy of v2 (its own id, the same title and version) with another setting."""
    data = json.loads(checklist.canonical_json)
    data["id"] = "sexual-safety-environment-ourtrust"
    data["settings"]["corridor_rule"]["value"] = corridor_rule
    return from_canonical_json(json.dumps(data), strict=True)


def test_wards_on_different_versions_are_noted_with_their_counts(
    store: Store, checklist: Checklist
) -> None:
    for name in ("Ash Ward", "Elm Ward", "Oak Ward"):
        store.wards.add(site="Ashcombe", name=name, sex="female")
    signed_off(store, "Ash Ward", v1(), "female", "2026-10-05")
    signed_off(store, "Elm Ward", checklist, "female", "2026-10-06")
    signed_off(store, "Oak Ward", checklist, "female", "2026-10-07")
    board = board_figures(store, **PERIOD)
    assert board.versions_note == (
        "Wards were audited against different checklist versions: Sexual safety: ward "
        "environment v1 (1 ward); Sexual safety: ward environment v2 (2 wards). Scores and "
        "ratings judged under different rules are not like for like."
    )
    assert [(j.version, n) for j, n in board.judged] == [(1, 1), (2, 2)]
    lines = words.judged_under_lines(board)
    assert lines[0].startswith("Judged under: Sexual safety: ward environment, version 1; ")
    assert lines[0].endswith("and no section floor (1 ward).")
    assert lines[1].endswith("no section below 75% for Green (2 wards).")
    assert board.designations_note is None  # one designation: nothing to say
    assert board.notes[0] == board.versions_note


def test_wards_judged_under_different_settings_of_one_version_are_noted(
    store: Store, checklist: Checklist
) -> None:
    strict = trust_copy(checklist, "code-of-practice")
    store.wards.add(site="Ashcombe", name="Ash Ward", sex="mixed")
    store.wards.add(site="Ashcombe", name="Elm Ward", sex="mixed")
    signed_off(store, "Ash Ward", checklist, "mixed", "2026-10-05")
    signed_off(store, "Elm Ward", strict, "mixed", "2026-10-06")
    board = board_figures(store, **PERIOD)
    note = board.versions_note or ""
    corridor = checklist.setting("corridor_rule")
    assert note.startswith("Wards were judged under different settings of one checklist version: ")
    assert (
        f"Sexual safety: ward environment v2 with {corridor.label_of('dssa-2019')} (1 ward)" in note
    )
    assert (
        f"Sexual safety: ward environment v2 with {corridor.label_of('code-of-practice')} (1 ward)"
        in note
    )
    assert checklist.setting("sex_basis").label_of() not in note  # the same for both: not said


def test_designations_answering_different_numbers_of_items_point_to_the_filter(
    store: Store, checklist: Checklist
) -> None:
    for name, sex in (("Ash Ward", "mixed"), ("Elm Ward", "male"), ("Oak Ward", "male")):
        store.wards.add(site="Ashcombe", name=name, sex=sex)  # type: ignore[arg-type]
        signed_off(store, name, checklist, sex, "2026-10-05")
    mixed, male = (len(checklist.applicable_items(s)) for s in ("mixed", "male"))
    assert mixed > male
    board = board_figures(store, **PERIOD)
    assert board.designations_note == (
        f"Wards of different designations answer different numbers of items (mixed wards "
        f"{mixed} and male wards {male}), so their scores are not like for like: to compare "
        "like with like, choose a designation in the Designation filter."
    )
    assert [(d.judged.version, d.items) for d in board.designation_items] == [
        (2, (("male", male), ("mixed", mixed)))
    ]
    assert board.versions_note is None and board.notes == (board.designations_note,)
    only_male = board_figures(store, designation="male", **PERIOD)
    assert only_male.designations_note is None and only_male.notes == ()


def test_scores_over_time_that_cross_a_version_are_noted(
    store: Store, checklist: Checklist
) -> None:
    store.wards.add(site="Ashcombe", name="Ash Ward", sex="female")
    signed_off(store, "Ash Ward", v1(), "female", "2026-02-10")
    signed_off(store, "Ash Ward", v1(), "female", "2026-05-10")
    signed_off(store, "Ash Ward", checklist, "female", "2026-09-10")
    board = board_figures(store, **PERIOD)
    assert board.versions_note is None  # the ward's latest audit is the one counted
    assert board.trend_note == (
        "Scores over time span checklist versions: Sexual safety: ward environment v1 "
        "(February 2026 to May 2026); Sexual safety: ward environment v2 (September 2026). "
        "A change in score where the version changes may come from the checklist rather than "
        "the ward."
    )
    assert board.notes == (board.trend_note,)
    earlier = board_figures(store, start="2026-01", end="2026-06")
    assert earlier.trend_note is None and earlier.notes == ()


def test_the_demo_trust_moves_from_version_1_to_version_2(demo_store: Store) -> None:
    completed = demo_store.audits.list(status="completed")
    on = {v: [a for a in completed if a.checklist_version == v] for v in (1, 2)}
    assert on[1] and on[2] and len(on[1]) + len(on[2]) == len(completed)
    months = {v: sorted({str(a.completed_at)[:7] for a in on[v]}) for v in (1, 2)}
    assert months[1][-1] < months[2][0]  # older months on v1, the latest on v2
    assert len(months[2]) == NEWEST_VERSION_MONTHS and len(months[1]) >= 18
    [in_progress] = demo_store.audits.in_progress()
    assert in_progress.checklist_version == 2
    board = board_figures(demo_store)  # the default period reaches back over the change
    assert board.trend_note is not None and "v1" in board.trend_note and "v2" in board.trend_note
    assert board.designations_note is not None
