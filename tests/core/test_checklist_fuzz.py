"""Fuzzing the checklist loader for a bounded time: whatever the bytes or the shape, the
loader gives a checklist or a ChecklistError, and a checklist it gives can be pinned,
rebuilt and scored. Every failure fuzzing has found is kept below as a regression case."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.core.checklist_helpers import packed
from wardaudit.checklist import (
    Checklist,
    builtin_dir,
    from_canonical_json,
    load_bytes,
    load_mapping,
)
from wardaudit.errors import ChecklistError
from wardaudit.scoring import Packing, allowed_answers, score_audit

# Bounded: a few seconds in all. In CI the examples are derived from the test's name, so a
# run is repeatable; on a developer's machine they vary, to find new cases.
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SMALL = b"""format = 1
id = "fuzz"
version = 1
title = "Fuzz"

[thresholds]
green = 90
amber = 75
section_floor = 80

[settings.rule]
description = "A choice."
choices = ["a", "b"]
value = "a"

[[sections]]
id = "one"
title = "One"

[[sections.items]]
id = "I1"
question = "Is it so?"
guidance = "Why it matters."
weight = 2
critical = true
applies_to = ["male", "female", "mixed"]
risk = { likelihood = 4, consequence = 4 }
owner = "Estates"
action = "Fix it."
sources = ["A source"]

[[sections.items]]
id = "I2"
question = "Is that so?"
guidance = "Why that matters."
risk = { likelihood = 3, consequence = 3 }
owner = "Matron"
action = "Fix that."
sources = ["Another source"]

[sections.items.variants.rule.b]
question = "Is that so, strictly?"
critical = true
weight = 2
"""
BUILTIN = (builtin_dir() / "sexual-safety-environment.toml").read_bytes()

# Failures found (by fuzzing and by reading the loader), each once a traceback:
REGRESSIONS: list[bytes] = [
    b"version = " + b"9" * 5000,  # int() refuses 4,300 digits with ValueError
    b"a = " + b"[" * 3000 + b"]" * 3000,  # tomllib recurses past the limit
    b"a = " + b"{b=" * 3000 + b"1" + b"}" * 3000,
    SMALL.replace(b"green = 90", b"green = nan"),  # NaN slipped through range checks
    SMALL.replace(b"weight = 2", b"weight = nan"),  # and made round() fail when scoring
    SMALL.replace(b"section_floor = 80", b"section_floor = inf"),
    SMALL.replace(b'title = "Fuzz"', b"title = 1979-05-27"),  # a date cannot be stored as JSON
    SMALL.replace(b'id = "I1"', b'id = "' + b"x" * 10_000 + b'"'),  # an id quoted in every line
    SMALL.replace(b"critical_when", b"x") + b'\n[[sections.items]]\nid = "I3"\n',
    b"\xef\xbb\xbf" + SMALL,
    SMALL.replace(b'applies_to = ["male", "female", "mixed"]', b"applies_to = [[1], {a = 1}]"),
    SMALL.replace(b'choices = ["a", "b"]', b'choices = [["a"], "b"]'),
    SMALL.replace(b'value = "a"', b"value = [1]"),
]


def check_usable(checklist: Checklist, *, strict: bool = True) -> None:
    """What audit start and scoring will do with a checklist the loader accepted.

    Content read leniently (as stored with audits) need not cover every designation.
    """
    rebuilt = from_canonical_json(checklist.canonical_json)
    assert rebuilt == checklist and rebuilt.content_hash == checklist.content_hash
    packing = Packing(checklist)
    for sex in checklist.designations:
        items = checklist.applicable_items(sex)
        assert items or not strict, sex
        for value in ("yes", "no", "na"):
            answers = {item.id: value for item in items}
            pure = score_audit(checklist, sex, answers)
            bulk = packing.score(packed(checklist, answers))
            assert (bulk.rating, bulk.critical_breach) == (pure.rating, pure.critical_breach)
        for item in items:
            assert allowed_answers(item)
            assert 1 <= item.risk.likelihood <= 5 and 1 <= item.risk.consequence <= 5
            assert 0 < item.weight_centi <= 10_000


def load_or_refuse(raw: bytes) -> None:
    try:
        checklist = load_bytes(raw, "fuzz.toml")
    except ChecklistError as error:
        assert error.problems and all(p.startswith("fuzz.toml: ") for p in error.problems)
        assert all("\n" not in p for p in error.problems)
        return
    check_usable(checklist)


@pytest.mark.parametrize("raw", REGRESSIONS, ids=range(len(REGRESSIONS)))
def test_regression_cases(raw: bytes) -> None:
    load_or_refuse(raw)


def test_the_fuzzing_seeds_are_valid() -> None:
    check_usable(load_bytes(SMALL, "small"))
    check_usable(load_bytes(BUILTIN, "built-in"))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real checklist file with a few bytes changed, cut, or spliced from elsewhere."""
    data = bytearray(draw(st.sampled_from([SMALL, BUILTIN[:6000], BUILTIN])))
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["replace", "insert", "delete", "token"]))
        if kind == "token":
            token = draw(
                st.sampled_from(
                    [
                        b"nan",
                        b"inf",
                        b"-inf",
                        b"1e999",
                        b"9" * 30,
                        b"[[",
                        b"]]",
                        b"{",
                        b"}",
                        b'"',
                        b'"""',
                        b"\n[[sections]]\n",
                        b"\n[[sections.items]]\n",
                        b"\n[settings.x]\n",
                        b"1979-05-27",
                        b"07:32:00",
                        b"true",
                        b"=",
                        b"\xff",
                        b"\x00",
                        b"\\u0000",
                        b"\n[sections.items.variants.rule.b]\n",
                        b"critical = true\n",
                    ]
                )
            )
            data[where:where] = token
        elif kind == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[where : where + draw(st.integers(1, 40))]
        else:
            data[where : where + 1] = draw(st.binary(min_size=1, max_size=1))
    return bytes(data)


@FUZZ
@given(mutated())
@example(SMALL.replace(b"weight = 2", b"weight = 1e999"))
def test_fuzz_mutated_files(raw: bytes) -> None:
    load_or_refuse(raw)


@FUZZ
@given(
    st.text(
        alphabet=st.sampled_from(list("[]{}=\"'#.,-_:\n abcdefgnitruINF0123456789")), max_size=300
    )
)
def test_fuzz_toml_like_text(text: str) -> None:
    load_or_refuse(text.encode("utf-8"))


anything = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.sampled_from(["male", "mixed", "a", "b", "I1", "one", "Is it?", ""]),
        st.dates(),
        st.datetimes(timezones=st.just(dt.UTC)),
        st.times(),
    ),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["a", "id", "question", "b", "critical", "risk"]), children, max_size=4
        )
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


SEED = json.loads(load_bytes(SMALL, "seed").canonical_json)
SEED_PATHS = _paths(SEED)[1:]


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(SEED_PATHS), anything, st.booleans()), min_size=1, max_size=4
    )
)
def test_fuzz_valid_toml_of_the_wrong_shape(
    changes: list[tuple[tuple[Any, ...], Any, bool]],
) -> None:
    data = copy.deepcopy(SEED)
    for path, value, delete in changes:
        parent: Any = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            if delete and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the place
    for strict in (True, False):
        try:
            checklist = load_mapping(data, "shape", strict=strict)
        except ChecklistError as error:
            assert error.problems and all(p.startswith("shape") for p in error.problems)
            continue
        check_usable(checklist, strict=strict)
