"""The written schema in docs/exchange-format.md is the one the check applies: each
record's and each event kind's table lists exactly the fields the schema allows."""

from __future__ import annotations

import re
from pathlib import Path

from wardaudit.exchange import schema as S

DOC = Path(__file__).resolve().parents[3] / "docs" / "exchange-format.md"
RECORD_TABLES = (
    "MANIFEST",
    "RECORDS",
    "WARD",
    "CHECKLIST",
    "AUDIT_ENTRY",
    "AUDIT",
    "TEAM_MEMBER",
    "ACTION",
    "PHOTO",
    "EVENT",
)


def documented() -> dict[str, list[str]]:
    """Each ``<!-- schema: NAME -->`` table's field names, in the order written."""
    tables: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        marker = re.fullmatch(r"<!-- schema: (.+) -->", line.strip())
        if marker:
            current = tables.setdefault(marker.group(1), [])
        elif current is not None and line.startswith("| `"):
            current.append(line.split("`")[1])
        elif current is not None and not line.startswith("|"):
            current = None
    return tables


def fields(table: S.Table) -> set[str]:
    return set(table.required) | set(table.optional)


def test_every_record_table_is_documented_field_for_field() -> None:
    tables = documented()
    for name in RECORD_TABLES:
        written = tables.get(name)
        assert written is not None, f"docs/exchange-format.md has no table for {name}"
        assert len(written) == len(set(written)), (name, written)
        assert set(written) == fields(getattr(S, name)), name


def test_every_travelling_event_kind_is_documented_field_for_field() -> None:
    tables = documented()
    kinds = {key.removeprefix("detail ") for key in tables if key.startswith("detail ")}
    assert kinds == set(S.EVENT_DETAILS)
    for kind, table in S.EVENT_DETAILS.items():
        assert set(tables[f"detail {kind}"]) == fields(table), kind
    text = DOC.read_text(encoding="utf-8")
    for kind in S.AFTER_SIGNOFF_KINDS:
        assert re.search(rf"`{kind}` \([^)]*after sign-off", text), kind


def test_the_documented_limits_are_the_readers() -> None:
    from wardaudit.exchange.limits import DEFAULT_LIMITS as L

    text = DOC.read_text(encoding="utf-8")
    mb = 1024 * 1024
    for phrase in (
        f"{L.max_manifest_bytes // mb} MB",
        f"{L.max_records_bytes // mb} MB",
        f"{L.max_photo_bytes // mb} MB each",
        f"at most {L.max_members:,} members",
        f"{L.max_total_bytes // (1024 * mb)} GB in all",
        f"at most {L.max_photo_side:,} pixels",
        f"{L.max_photo_pixels // 1_000_000} million pixels",
        f"names {S.NAME}",
        f"locations {S.LOCATION}",
        f"action descriptions {S.DESCRIPTION:,}",
        f"comments {S.FREE_TEXT:,}",
        f"from {S.FIRST_DAY} to {S.LAST_DAY}",
    ):
        assert phrase in text, phrase
