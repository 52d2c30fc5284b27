"""Fuzzing, for a bounded number of examples: any mapping file, any CSV, only clear refusals."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.core.incidents.helpers import SMALL_HEADER, SMALL_MAPPING, csv_text, small_mapping
from wardaudit.errors import WardAuditError
from wardaudit.incidents import (
    CATEGORIES,
    HARMS,
    MappingError,
    ReadLimits,
    load_mapping_bytes,
    read_csv,
)
from wardaudit.incidents.reader import EARLIEST, MAX_LENGTH
from wardaudit.incidents.sensitive import nhs_number_in

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TODAY = date(2026, 12, 1)

_LINES = SMALL_MAPPING.splitlines()


@st.composite
def mutated_mappings(draw: st.DrawFn) -> bytes:
    """The small mapping with lines dropped, doubled, swapped or garbled."""
    lines = list(_LINES)
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "double", "garble", "value", "insert"]))
        if action == "drop":
            lines.pop(index)
        elif action == "double":
            lines.insert(index, lines[index])
        elif action == "garble":
            lines[index] = draw(st.text(max_size=40))
        elif action == "value" and "=" in lines[index]:
            key = lines[index].split("=", 1)[0]
            value = draw(
                st.sampled_from(
                    [
                        "nan",
                        "inf",
                        "-1",
                        "0",
                        "99999999999999999999",
                        "true",
                        "[]",
                        "{}",
                        '"x"',
                        '""',
                        "[1, 2]",
                        '["a", "b", "c", "d"]',
                        "1979-05-27",
                        '"%d/%m"',
                    ]
                )
            )
            lines[index] = f"{key}= {value}"
        elif action == "insert":
            lines.insert(
                index,
                draw(
                    st.sampled_from(
                        [
                            "[source]",
                            "header_row = 2",
                            "[wards.aliases]",
                            "[x.y.z]",
                            'description = "Description"',
                            "[[columns]]",
                        ]
                    )
                ),
            )
    return "\n".join(lines).encode("utf-8")


@FUZZ
@given(st.one_of(mutated_mappings(), st.binary(max_size=400)))
@example(b"[a]\nb = [[[[[[[[[[1]]]]]]]]]]\n")
@example(b"format = 1\n" + b"\xff")
@example(b"format = " + b"9" * 5000)  # tomllib raises ValueError for such an integer
def test_any_mapping_file_gives_a_mapping_or_a_list_of_problems(raw: bytes) -> None:
    try:
        mapping = load_mapping_bytes(raw, "fuzz.toml")
    except MappingError as error:
        assert error.problems and all(p.startswith("fuzz.toml") for p in error.problems)
        return
    assert mapping.columns.reference and mapping.columns.category and mapping.columns.harm
    assert all(c in CATEGORIES for _, c in mapping.category_codes)
    assert all(h in HARMS for _, h in mapping.harm_codes)


_CELL = st.one_of(
    st.sampled_from(
        [
            "R1",
            "03/02/2026",
            "2026-02-03",
            "31/02/2026",
            "Juniper Ward",
            "Garden",
            "Assault",
            "Exposure",
            "Low",
            "None",
            "",
            '"',
            '""',
            ",",
            ";",
            "\t",
            "\n",
            "\r\n",
            "\x00",
            "Smith, Jane",
            "999 000 0026",
            "9990000026",
            "Mrs Ashdown",
            "∂é€",
            "\ufeff",
        ]
    ),
    st.text(max_size=30),
)


@FUZZ
@given(
    rows=st.lists(st.lists(_CELL, max_size=9), max_size=25),
    header=st.sampled_from([SMALL_HEADER, SMALL_HEADER[:5], ["Ref"], []]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    trailer=st.binary(max_size=20),
)
def test_any_csv_gives_checked_incidents_or_a_clear_refusal(
    rows: list[list[str]], header: list[str], encoding: str, delimiter: str, trailer: bytes
) -> None:
    text = csv_text([header, *rows], delimiter)
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(raw + trailer)
        limits = ReadLimits(max_rows=20, max_record_chars=2000, max_problems=5)
        try:
            read = read_csv(path, small_mapping(), limits=limits, today=TODAY)
        except WardAuditError as error:
            assert str(error)
            return
    assert len(read.problems) <= 6
    for item in read.incidents:
        found = item.incident
        assert EARLIEST <= found.date <= TODAY
        assert found.category in CATEGORIES and found.harm in (*HARMS, None)
        assert found.reference and found.ward
        assert len(found.reference) <= MAX_LENGTH["reference"]
        assert len(found.place) <= MAX_LENGTH["place"]
        for value in (found.reference, found.ward, found.place):
            assert not nhs_number_in(value) or value == found.reference
