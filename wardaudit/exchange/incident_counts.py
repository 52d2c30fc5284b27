"""Incident counts in exchange files: what the quality team's database tells ward laptops.

A file written where incidents are held carries, for each of its wards, the incidents by
place and month over the twelve months to the latest import (``incident_counts``), so the
matron sees where incidents happen as she starts the audit. Counts only: never an incident,
a reference or a date finer than the month. Each record is checked here before anything is
written; a record whose id is here with other content is a conflict, never overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from wardaudit.errors import BundleRefused
from wardaudit.store.incidents import snapshot_text

KEY = "incident_counts"
MAX_RECORDS = 100_000
MAX_COUNTS = 10_000  # places × months of one ward
MAX_PLACE = 120
MAX_COUNT = 1_000_000
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MONTH = re.compile(r"(19|20)\d\d-(0[1-9]|1[0-2])")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_FIELDS = {"snapshot", "ward", "as_of", "first_month", "last_month", "counts"}


def check(name: str, records: Mapping[str, Any], ward_ids: set[str]) -> list[dict[str, Any]]:
    """The file's incident counts, each checked; raises BundleRefused naming the problem.

    ``ward_ids`` are the wards the file carries: a count must be for one of them.
    """
    found = records.get(KEY, [])
    problem = f"{name} has incident counts WardAudit cannot read"
    if not isinstance(found, list) or len(found) > MAX_RECORDS:
        raise BundleRefused(f"{problem} (not a list of records)")
    seen: set[str] = set()
    for index, record in enumerate(found):
        where = f"{problem} (record {index + 1}"
        if not isinstance(record, dict) or set(record) != _FIELDS:
            raise BundleRefused(f"{where}: its fields are not those WardAudit writes)")
        if not isinstance(record["snapshot"], str) or not _UUID.fullmatch(record["snapshot"]):
            raise BundleRefused(f"{where}: no id)")
        if record["snapshot"] in seen:
            raise BundleRefused(f"{where}: its id is given twice)")
        seen.add(record["snapshot"])
        if record["ward"] not in ward_ids:
            raise BundleRefused(f"{where}: its ward is not in the file)")
        if not isinstance(record["as_of"], str) or not _MOMENT.fullmatch(record["as_of"]):
            raise BundleRefused(f"{where}: 'as_of' is not a time)")
        months = [record["first_month"], record["last_month"]]
        if not all(isinstance(m, str) and _MONTH.fullmatch(m) for m in months):
            raise BundleRefused(f"{where}: its months are not written YYYY-MM)")
        if months[0] > months[1]:
            raise BundleRefused(f"{where}: its months run backwards)")
        _check_counts(record["counts"], months[0], months[1], where)
    return found


def _check_counts(counts: Any, first: str, last: str, where: str) -> None:
    if not isinstance(counts, list) or len(counts) > MAX_COUNTS:
        raise BundleRefused(f"{where}: its counts are not a list)")
    pairs: set[tuple[str, str]] = set()
    for entry in counts:
        if not isinstance(entry, list) or len(entry) != 3:
            raise BundleRefused(f"{where}: a count is not [place, month, count])")
        place, month, count = entry
        if not isinstance(place, str) or len(place) > MAX_PLACE or _CONTROL.search(place):
            raise BundleRefused(f"{where}: a place is not a place name)")
        if not isinstance(month, str) or not _MONTH.fullmatch(month) or not first <= month <= last:
            raise BundleRefused(f"{where}: a count's month is outside its months)")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            raise BundleRefused(f"{where}: a count is not a whole number of incidents)")
        if (place, month) in pairs:
            raise BundleRefused(f"{where}: a place and month are counted twice)")
        pairs.add((place, month))


def plan(
    found: list[dict[str, Any]],
    ward_links: Mapping[str, str],
    held: Callable[[str], str | None],
    conflict: Callable[[str, str], None],
) -> tuple[list[dict[str, Any]], int]:
    """(the counts new here, with their ward as it is here; how many are here already).

    ``ward_links`` maps the file's wards to the wards here (a ward in conflict has none, and
    its counts are left out with it); ``held`` gives a snapshot's content here, if any;
    ``conflict`` reports a snapshot here with other content.
    """
    new: list[dict[str, Any]] = []
    present = 0
    for record in found:
        ward_here = ward_links.get(record["ward"])
        if ward_here is None:
            continue
        local = {**record, "ward": ward_here}
        text = held(record["snapshot"])
        if text is None:
            new.append(local)
        elif text == snapshot_text(local):
            present += 1
        else:
            conflict(record["snapshot"], f"incident counts {record['snapshot']} differ")
    return new, present
