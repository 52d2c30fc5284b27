"""Helpers for the incident tests: where the made-up exports are, a small mapping, CSV text."""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence
from pathlib import Path

from wardaudit.demo import AREAS, WARDS
from wardaudit.incidents import IncidentMapping, load_mapping_bytes

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
EXAMPLES = HERE.parent.parent.parent / "examples" / "incidents"
DEMO_WARDS = tuple(ward.name for ward in WARDS)
DEMO_PLACES = tuple(sorted({area for areas in AREAS.values() for area in areas}))

SMALL_MAPPING = textwrap.dedent(
    """
    format = 1
    title = "Small export"

    [columns]
    reference = "Ref"
    date = "Date"
    ward = "Ward"
    place = "Where"
    category = "Type"
    harm = "Harm"

    [dates]
    formats = ["%d/%m/%Y", "iso"]

    [categories.codes]
    "Assault" = "sexual_assault"
    "Exposure" = "exposure"
    "Harassment" = "sexual_harassment"

    [harm.codes]
    "None" = "none"
    "Low" = "low"
    "Moderate" = "moderate"
    "Severe" = "severe"
    """
)
SMALL_HEADER = ["Ref", "Date", "Ward", "Where", "Type", "Harm", "Description"]


def small_mapping(extra: str = "", **replace: str) -> IncidentMapping:
    text = SMALL_MAPPING
    for old, new in replace.items():
        text = text.replace(old, new)
    return load_mapping_bytes((text + textwrap.dedent(extra)).encode("utf-8"), "small.toml")


def csv_text(rows: Sequence[Sequence[object]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def good_row(n: int, ward: str = "Juniper Ward", place: str = "Garden") -> list[str]:
    return [f"R{n:05d}", "03/02/2026", ward, place, "Assault", "Low", "Made-up account."]
