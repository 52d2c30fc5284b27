"""Hotspots: where on a ward incidents happen, beside where its latest audits found problems.

For one ward: its incidents by place over twelve months, side by side with the findings
(No and Partly answers, with their actions' status) by location in its latest audits. A
place is matched across the two by the ward's own areas, with capitals, spacing and dash
styles aside (``code_key``), so "Garden area" mapped to "Garden" and an answer located in
"garden" are one place. Places where both occur come first: the blind spot in the garden
and the incidents in the garden may be the same problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from wardaudit import clock
from wardaudit.incidents.mapping import code_key
from wardaudit.incidents.words import LOCATION_NOT_RECORDED, PLACE_NOT_RECORDED
from wardaudit.model import ActionStatus, AnswerValue, AuditRecord, Ward
from wardaudit.store import Store
from wardaudit.store.incidents import PlaceCount

WINDOW_MONTHS = 12
NO_PLACE = ""  # the key of incidents whose place the export did not give
NO_LOCATION = "\x00no location"  # the key of findings with no location: never a match


@dataclass(frozen=True)
class Finding:
    """A No or Partly answer of an audit, where on the ward it was, and its action."""

    audit_id: str
    audit_day: date
    item: str
    question: str
    answer: AnswerValue  # "no" or "partial"
    location: str
    action_id: str | None
    action_status: ActionStatus | None
    critical: bool


@dataclass(frozen=True)
class Hotspot:
    """One place on the ward: its incidents over the window and its findings."""

    key: str
    place: str  # as the ward names it (its area's name where one matches)
    incidents: int
    findings: tuple[Finding, ...]

    @property
    def both(self) -> bool:
        """Incidents and findings in the same, known place."""
        return (
            self.incidents > 0 and bool(self.findings) and self.key not in (NO_PLACE, NO_LOCATION)
        )

    @property
    def words(self) -> str:
        if self.key == NO_PLACE:
            return PLACE_NOT_RECORDED
        if self.key == NO_LOCATION:
            return LOCATION_NOT_RECORDED
        return self.place

    @property
    def open_findings(self) -> int:
        """Findings whose action is still to do (open or in progress)."""
        return sum(1 for f in self.findings if f.action_status in ("open", "in_progress"))


@dataclass(frozen=True)
class AuditUsed:
    id: str
    day: date
    checklist: str  # "title v2"


@dataclass(frozen=True)
class WardHotspots:
    ward: Ward
    first_month: str
    last_month: str
    audits: tuple[AuditUsed, ...]  # the ward's latest signed-off audit of each checklist
    places: tuple[Hotspot, ...]  # places where both occur first

    @property
    def incidents(self) -> int:
        return sum(h.incidents for h in self.places)

    @property
    def findings(self) -> int:
        return sum(len(h.findings) for h in self.places)

    @property
    def both(self) -> tuple[Hotspot, ...]:
        return tuple(h for h in self.places if h.both)


def window(last_month: str, months: int = WINDOW_MONTHS) -> tuple[str, str]:
    """The twelve months (by default) ending with ``last_month``, as (first, last)."""
    year, month = (int(part) for part in last_month.split("-"))
    index = year * 12 + month - 1 - (months - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}", last_month


def this_month(today: date | None = None) -> str:
    today = today or clock.today()
    return f"{today.year:04d}-{today.month:02d}"


class PlaceNames:
    """A ward's places by key: its own areas first, then names as they come."""

    def __init__(self, ward: Ward) -> None:
        self.names: dict[str, str] = {}
        for area in ward.areas:
            self.names.setdefault(code_key(area), area)

    def key(self, place: str, *, empty: str) -> str:
        if not place.strip():
            return empty
        key = code_key(place)
        self.names.setdefault(key, " ".join(place.split()))
        return key

    def name(self, key: str) -> str:
        return self.names.get(key, "")


def latest_audits(store: Store, ward: Ward) -> list[AuditRecord]:
    """The ward's latest signed-off audit of each checklist, newest first."""
    seen: set[str] = set()
    chosen = []
    for summary in store.audits.list(ward=ward.id, status="completed"):
        if summary.checklist_id in seen:
            continue
        seen.add(summary.checklist_id)
        chosen.append(store.audits.get(summary.id))
    return chosen


def findings_of(records: Iterable[AuditRecord]) -> list[Finding]:
    found = []
    for record in records:
        day = clock.parse_iso(record.audit.completed_at or record.audit.started_at).date()
        actions = {a.item: a for a in record.actions}
        for item in record.checklist.applicable_items(record.audit.ward.sex):
            answer = record.answers.get(item.id)
            if answer is None or answer.value not in ("no", "partial"):
                continue
            action = actions.get(item.id)
            found.append(
                Finding(
                    audit_id=record.audit.id,
                    audit_day=day,
                    item=item.id,
                    question=item.question,
                    answer=answer.value,
                    location=answer.location,
                    action_id=action.id if action else None,
                    action_status=action.status if action else None,
                    critical=item.critical,
                )
            )
    return found


def order(places: Iterable[Hotspot]) -> tuple[Hotspot, ...]:
    """Places where both occur first, then by incidents, then by findings, then by name;
    the rows for no place or no location last."""
    return tuple(
        sorted(
            places,
            key=lambda h: (
                h.key in (NO_PLACE, NO_LOCATION),
                not h.both,
                -h.incidents,
                -len(h.findings),
                h.words.casefold(),
            ),
        )
    )


def hotspots_from(
    ward: Ward,
    counts: Iterable[PlaceCount],
    records: Sequence[AuditRecord],
    first_month: str,
    last_month: str,
) -> WardHotspots:
    """A ward's hotspots from its incident counts and its latest audits (a pure function)."""
    names = PlaceNames(ward)
    incidents: dict[str, int] = {}
    for found in counts:
        if found.ward_id == ward.id and first_month <= found.month <= last_month:
            key = names.key(found.place, empty=NO_PLACE)
            incidents[key] = incidents.get(key, 0) + found.count
    findings: dict[str, list[Finding]] = {}
    for finding in findings_of(records):
        key = names.key(finding.location, empty=NO_LOCATION)
        findings.setdefault(key, []).append(finding)
    places = [
        Hotspot(key, names.name(key), incidents.get(key, 0), tuple(findings.get(key, ())))
        for key in dict.fromkeys([*incidents, *findings])
    ]
    audits = tuple(
        AuditUsed(
            r.audit.id,
            clock.parse_iso(r.audit.completed_at or r.audit.started_at).date(),
            f"{r.audit.checklist_title} v{r.audit.checklist_version}",
        )
        for r in records
    )
    return WardHotspots(ward, first_month, last_month, audits, order(places))


def ward_hotspots(
    store: Store, ward_ref: str, *, last_month: str | None = None, today: date | None = None
) -> WardHotspots:
    """One ward's hotspots over the twelve months to ``last_month`` (default: this month)."""
    ward = store.wards.get(ward_ref)
    first, last = window(last_month or this_month(today))
    counts = [c for c in store.incidents.counts(first, last) if c.ward_id == ward.id]
    return hotspots_from(ward, counts, latest_audits(store, ward), first, last)
