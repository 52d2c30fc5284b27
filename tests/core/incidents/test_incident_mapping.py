"""The mapping file: validated whole, every problem named with its place, any file survived."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from tests.core.incidents.helpers import SMALL_MAPPING, small_mapping
from wardaudit.incidents import MappingError, load_mapping_bytes, load_mapping_file
from wardaudit.incidents.mapping import MAX_MAPPING_BYTES, validate_mapping_file


def problems_of(text: str) -> list[str]:
    with pytest.raises(MappingError) as caught:
        load_mapping_bytes(textwrap.dedent(text).encode("utf-8"), "bad.toml")
    assert all(p.startswith("bad.toml") for p in caught.value.problems)
    return caught.value.problems


def has(problems: list[str], *fragments: str) -> bool:
    return any(all(f in p for f in fragments) for p in problems)


def test_a_good_mapping_gives_what_it_says() -> None:
    mapping = small_mapping(
        """
        [wards.aliases]
        "JUN" = "Juniper Ward"
        """
    )
    assert mapping.title == "Small export"
    assert mapping.columns.reference == "Ref" and mapping.columns.category == ("Type",)
    assert mapping.category_for("  assault ") == "sexual_assault"  # case and spacing aside
    assert mapping.category_for("Rape") is None
    assert mapping.harm_for("LOW") == "low"
    assert mapping.ward_alias_map == {"JUN": "Juniper Ward"}
    assert mapping.source.header_row == 1 and mapping.source.delimiter is None


def test_every_kind_of_error_is_reported_at_once_with_its_place() -> None:
    problems = problems_of(
        """
        format = 2
        title = ""
        colour = "blue"

        [source]
        encoding = "ebcdic"
        delimiter = "#"
        header_row = 0

        [columns]
        reference = "Ref"
        date = "Ref"
        ward = 7
        category = ["A", "B", "C", "D"]
        description = "Description"
        nhs_number = "NHS number"
        place = "Patient name"
        harm = ""

        [dates]
        formats = ["%d/%m/%Y", "%m/%d/%Y", "%H:%M", "nonsense %Q"]

        [categories]
        unlisted = "maybe"

        [categories.codes]
        "Assault" = "assault"
        "Exposure" = "exposure"
        "EXPOSURE" = "exposure"

        [harm]
        blank = "fine"

        [harm.codes]
        "Low" = 3

        [wards.aliases]
        "Juniper" = 1
        """
    )
    expected = [
        ("top level", "'format' must be 1"),
        ("top level", "'title' is empty"),
        ("top level", "unknown key 'colour'"),
        ("[source]", "'encoding' must be one of"),
        ("[source]", "'delimiter' must be"),
        ("[source]", "'header_row' must be a whole number from 1 to 1000"),
        ("[columns]", "the column 'Ref' is mapped as both reference and date"),
        ("[columns]", "'ward' must be a column name"),
        ("[columns]", "'category' must name 1 to 3 columns"),
        ("[columns]", "'description' cannot be mapped", "never imports"),
        ("[columns]", "'nhs_number' cannot be mapped"),
        ("[columns]", "'place' names the column 'Patient name'", "details of a person"),
        ("[columns]", "'harm' is empty"),
        ("[dates]", "'%d/%m/%Y' and '%m/%d/%Y' read", "as different dates"),
        ("[dates]", "'%H:%M' does not give a whole date"),
        ("[dates]", "'nonsense %Q'"),
        ("[categories]", "'unlisted' must be one of"),
        ("[categories]", "'Assault' maps to 'assault'", "sexual_assault"),
        ("[categories]", "'Exposure' and 'EXPOSURE' are the same code"),
        ("[harm]", "'blank' must be one of"),
        ("[harm]", "'Low' maps to 3"),
        ("[wards]", "'Juniper' must map to a ward name"),
    ]
    for place, *fragments in expected:
        assert has(problems, f"bad.toml: {place}: ", *fragments), (place, fragments, problems)


def test_required_keys_are_asked_for_by_name() -> None:
    problems = problems_of(
        """
        title = "Nothing mapped"
        """
    )
    assert has(problems, "'format' is missing")
    for key in ("reference", "date", "ward", "category", "harm"):
        assert has(problems, f"'{key}' is missing"), key
    assert has(problems, "[categories]", "'codes' is missing")
    assert has(problems, "[harm]", "'codes' is missing")


@pytest.mark.parametrize(
    "header",
    [
        "Description",
        "Incident description",
        "What happened",
        "Notes",
        "Action taken",
        "Patient name",
        "Surname",
        "NHS No",
        "Date of birth",
        "Hospital number",
        "Reported by",
        "Name",
    ],
)
def test_a_column_whose_header_names_free_text_or_a_person_cannot_be_mapped(header: str) -> None:
    text = SMALL_MAPPING.replace('place = "Where"', f'place = "{header}"')
    with pytest.raises(MappingError) as caught:
        load_mapping_bytes(text.encode("utf-8"), "m.toml")
    assert any("may not be mapped" in p and header in p for p in caught.value.problems)


@pytest.mark.parametrize(
    "header", ["Exact location", "Location description", "Ward name", "Outcome", "Severity"]
)
def test_ordinary_headers_are_not_mistaken_for_sensitive_ones(header: str) -> None:
    mapping = small_mapping(**{'place = "Where"': f'place = "{header}"'})
    assert mapping.columns.place == header


def test_numbers_that_toml_allows_but_a_mapping_cannot_use() -> None:
    for value in ("nan", "inf", "-inf", "1e308", "99999999999999999", "true", "1.5"):
        problems = problems_of(SMALL_MAPPING + f"\n[source]\nheader_row = {value}\n")
        assert has(problems, "[source]", "'header_row' must be a whole number"), value
    problems = problems_of(SMALL_MAPPING.replace('title = "Small export"', "title = nan"))
    assert has(problems, "'title' must be text", "not finite")


def test_deep_nesting_is_refused_without_recursing() -> None:
    deep = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    problems = problems_of(deep)
    assert has(problems, "nest")
    nested_tables = SMALL_MAPPING + "\n[wards.aliases.a.b.c.d.e.f.g]\nx = 1\n"
    assert has(problems_of(nested_tables), "nest more than")


def test_bytes_that_are_not_a_mapping(tmp_path: Path) -> None:
    cases = {
        b"": "the file is empty",
        b"   \n\n": "the file is empty",
        b'format = 1\ntitle = "caf\xe9"\n': "is not UTF-8 text (byte 23)",
        b"format = = 1": "is not valid TOML",
        b"\x00\x01\x02": "is not valid TOML",
    }
    for raw, message in cases.items():
        with pytest.raises(MappingError) as caught:
            load_mapping_bytes(raw, "m.toml")
        assert any(message in p for p in caught.value.problems), (raw, caught.value.problems)
    # a byte-order mark, as Notepad writes, is fine
    assert load_mapping_bytes(b"\xef\xbb\xbf" + SMALL_MAPPING.encode(), "m.toml").title


def test_a_huge_file_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:
        handle.write(SMALL_MAPPING.encode())
        handle.write(b"# " + b"x" * (MAX_MAPPING_BYTES + 10) + b"\n")
    problems = validate_mapping_file(path)
    assert len(problems) == 1 and "larger than 1024 KB" in problems[0]


def test_files_that_are_not_there_or_not_files(tmp_path: Path) -> None:
    assert "does not exist" in validate_mapping_file(tmp_path / "missing.toml")[0]
    assert "is a folder" in validate_mapping_file(tmp_path)[0]
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "pipe.toml"
        os.mkfifo(pipe)
        assert "not an ordinary file" in validate_mapping_file(pipe)[0]  # and does not hang


def test_an_integer_of_thousands_of_digits() -> None:
    problems = problems_of(SMALL_MAPPING + "\n[source]\nheader_row = " + "9" * 5000 + "\n")
    assert has(problems, "is not usable TOML")


def test_the_problem_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "trust-mapping.toml"
    path.write_text(SMALL_MAPPING.replace('"Low" = "low"', '"Low" = "lowish"'), encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping_file(path)
    assert str(path) in str(caught.value)
    assert "[harm]: the code 'Low' maps to 'lowish'" in str(caught.value)


def test_control_characters_in_names_are_refused_and_never_echoed_raw() -> None:
    text = SMALL_MAPPING.replace('ward = "Ward"', 'ward = "Wa\\u0007rd"')
    with pytest.raises(MappingError) as caught:
        load_mapping_bytes(text.encode("utf-8"), "m.toml")
    assert "\x07" not in str(caught.value)
    assert any("control characters" in p for p in caught.value.problems)
