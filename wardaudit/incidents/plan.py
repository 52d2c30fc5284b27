"""What importing an export would change, worked out before anything is written.

A pure function of the incidents read, the incidents already held and the wards known:
by reference, each incident is new, unchanged or regraded (same reference, something
changed), so importing the same export twice changes nothing the second time. Export ward
names are matched to WardAudit's wards through the mapping's aliases (and any the user
adds); names that match no ward are listed for the user to map, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from wardaudit import clock
from wardaudit.incidents.mapping import code_key
from wardaudit.incidents.model import FIELDS, Incident, RowIncident
from wardaudit.incidents.reader import IncidentRead
from wardaudit.incidents.vocabulary import harm_rank

SHOWN_ROWS = 5


@dataclass(frozen=True)
class FieldChange:
    field: str  # one of FIELDS other than the reference
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Regrade:
    """An incident already held whose export row now says something else."""

    row: int
    before: Incident
    after: Incident

    @property
    def changes(self) -> tuple[FieldChange, ...]:
        found = []
        for name in FIELDS[1:]:
            old, new = getattr(self.before, name), getattr(self.after, name)
            if old != new:
                found.append(
                    FieldChange(
                        name,
                        None if old is None else str(old),
                        None if new is None else str(new),
                    )
                )
        return tuple(found)


@dataclass(frozen=True)
class UnmatchedWard:
    """A ward name in the export that matches no ward in WardAudit."""

    name: str
    incidents: int
    rows: tuple[int, ...]  # the first few
    alias_target: str | None = None  # an alias names this ward, which does not exist

    def describe(self) -> str:
        rows = ", ".join(str(r) for r in self.rows)
        more = "" if self.incidents <= len(self.rows) else " and more"
        why = (
            f"the mapping sends it to '{self.alias_target}', which is not a ward in WardAudit"
            if self.alias_target
            else "no ward in WardAudit has this name"
        )
        return f"'{self.name}' ({self.incidents} incident(s); rows {rows}{more}): {why}"


@dataclass(frozen=True)
class ConflictingRows:
    """One reference on several rows that disagree about more than the harm level."""

    reference: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class ImportPlan:
    """The outcome of importing, before it happens. Incidents carry WardAudit ward names."""

    new: tuple[RowIncident, ...]
    unchanged: tuple[RowIncident, ...]
    regraded: tuple[Regrade, ...]
    unmatched_wards: tuple[UnmatchedWard, ...]
    conflicting: tuple[ConflictingRows, ...]
    folded_rows: int  # rows repeating an incident (one per person affected, say), counted once
    # What the read said about the export as a whole (filled in by ``plan_read``).
    source: str = ""  # the export's file name
    mapping_title: str = ""
    rows_read: int = 0
    skipped: int = 0  # rows of other kinds of incident the mapping leaves out
    row_problems: tuple[str, ...] = ()  # the first few dozen, each naming its row
    problem_count: int = 0

    @property
    def changes(self) -> int:
        return len(self.new) + len(self.regraded)

    @property
    def blocked(self) -> bool:
        """Nothing may be imported from it: rows with problems, or rows that disagree.

        Unknown wards do not block: their incidents are held back and the rest goes in.
        """
        return bool(self.problem_count or self.conflicting)

    def blockers(self) -> list[str]:
        """Why nothing can be imported yet, in a few lines ([] when it can be)."""
        lines = []
        if self.problem_count:
            lines.append(
                f"{self.problem_count} row(s) have problems; put them right in the export or "
                "the mapping and import again (nothing is imported from an export with problems):"
            )
            lines.extend(f"  {problem}" for problem in self.row_problems)
        if self.conflicting:
            lines.append(
                f"{len(self.conflicting)} reference(s) appear on rows that disagree about more "
                "than the harm level; nothing is imported until the export agrees with itself"
            )
        return lines

    @property
    def held_back(self) -> int:
        """Incidents left out until their ward is mapped or their rows agree."""
        return sum(w.incidents for w in self.unmatched_wards) + len(self.conflicting)

    def describe(self) -> list[str]:
        """The plan in a few lines, as the dry run and the preview say it."""
        lines = [
            f"{len(self.new)} new incident(s), {len(self.regraded)} regraded, "
            f"{len(self.unchanged)} unchanged"
        ]
        if self.folded_rows:
            lines.append(
                f"{self.folded_rows} row(s) repeat an incident already on another row and are "
                "counted once (at the most severe harm given)"
            )
        for regrade in self.regraded:
            parts = "; ".join(
                f"{c.field} {_word(regrade.before, c.field)} → {_word(regrade.after, c.field)}"
                for c in regrade.changes
            )
            lines.append(f"Row {regrade.row}, {regrade.after.reference}: {parts}")
        if self.unmatched_wards:
            lines.append(
                f"{sum(w.incidents for w in self.unmatched_wards)} incident(s) are for ward "
                "names WardAudit does not know; map each to a ward and import again:"
            )
            lines.extend(f"  {ward.describe()}" for ward in self.unmatched_wards)
        for conflict in self.conflicting:
            rows = ", ".join(str(r) for r in conflict.rows[:SHOWN_ROWS])
            lines.append(
                f"The reference {conflict.reference} is on rows {rows} with different details; "
                "it is left out until the export agrees with itself"
            )
        return lines


def _word(incident: Incident, name: str) -> str:
    if name == "harm":
        return incident.harm_word
    if name == "category":
        return incident.category_word
    if name == "date":
        return clock.uk_date(incident.date)
    value = getattr(incident, name)
    return f"'{value}'" if value else "(none)"


class WardMatcher:
    """Export ward names to WardAudit wards: aliases first, then the name itself.

    Names are compared with case, spacing and dash styles aside; a name that could be
    either of two wards is not matched.
    """

    def __init__(self, wards: Iterable[str], aliases: Mapping[str, str]) -> None:
        self.wards = set(wards)
        by_key: dict[str, set[str]] = {}
        for ward in self.wards:
            by_key.setdefault(code_key(ward), set()).add(ward)
        self._by_key = by_key
        self._aliases = {code_key(source): target for source, target in aliases.items()}
        self._matched: dict[str, tuple[str | None, str | None]] = {}

    def _ward(self, name: str) -> str | None:
        if name in self.wards:
            return name
        found = self._by_key.get(code_key(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def match(self, name: str) -> tuple[str | None, str | None]:
        """(the WardAudit ward or None, the alias target that did not match or None)."""
        found = self._matched.get(name)
        if found is None:
            found = self._matched[name] = self._match(name)
        return found

    def _match(self, name: str) -> tuple[str | None, str | None]:
        target = self._aliases.get(code_key(name))
        if target is not None:
            ward = self._ward(target)
            return (ward, None) if ward is not None else (None, target)
        return self._ward(name), None


def _same_but_harm(first: Incident, second: Incident) -> bool:
    return replace(first, harm=None) == replace(second, harm=None)


def plan_read(
    read: IncidentRead,
    existing: Mapping[str, Incident],
    wards: Iterable[str],
    aliases: Mapping[str, str] | None = None,
    *,
    mapping_title: str = "",
) -> ImportPlan:
    """:func:`plan_import` of a finished read, carrying what the read said about the file.

    An ``IncidentRead`` exists only once every row has been read, so a refusal that is
    known only at the end (a column of NHS numbers) has already been raised.
    """
    plan = plan_import(read.incidents, existing, wards, aliases)
    return replace(
        plan,
        source=read.source,
        mapping_title=mapping_title,
        rows_read=read.rows_read,
        skipped=read.skipped,
        row_problems=read.problems,
        problem_count=read.problem_count,
    )


def plan_import(
    read: Iterable[RowIncident],
    existing: Mapping[str, Incident],
    wards: Iterable[str],
    aliases: Mapping[str, str] | None = None,
) -> ImportPlan:
    """Compare an export with what is held. ``existing`` maps reference → incident held.

    ``aliases`` maps export ward names to WardAudit ward names (the mapping's, together
    with any the user has just added). Rows for one reference that differ only in harm
    (one row per person affected) count once at the most severe harm; rows that differ in
    anything else are left out and listed.
    """
    matcher = WardMatcher(wards, aliases or {})
    by_reference: dict[str, RowIncident] = {}
    rows_of: dict[str, list[int]] = {}
    conflicted: set[str] = set()
    folded = 0
    for item in read:
        reference = item.incident.reference
        rows_of.setdefault(reference, []).append(item.row)
        first = by_reference.get(reference)
        if first is None:
            by_reference[reference] = item
            continue
        folded += 1
        if _same_but_harm(first.incident, item.incident):
            if harm_rank(item.incident.harm) > harm_rank(first.incident.harm):
                by_reference[reference] = RowIncident(
                    first.row, replace(first.incident, harm=item.incident.harm)
                )
        else:
            conflicted.add(reference)

    new: list[RowIncident] = []
    unchanged: list[RowIncident] = []
    regraded: list[Regrade] = []
    unmatched: dict[str, tuple[list[int], str | None]] = {}
    for reference, item in by_reference.items():
        if reference in conflicted:
            continue
        ward, missing_target = matcher.match(item.incident.ward)
        if ward is None:
            rows, _ = unmatched.setdefault(item.incident.ward, ([], missing_target))
            rows.append(item.row)
            continue
        resolved = (
            item
            if ward == item.incident.ward
            else RowIncident(item.row, replace(item.incident, ward=ward))
        )
        held = existing.get(reference)
        if held is None:
            new.append(resolved)
        elif held == resolved.incident:
            unchanged.append(resolved)
        else:
            regraded.append(Regrade(item.row, held, resolved.incident))
    conflicting = tuple(
        ConflictingRows(reference, tuple(rows_of[reference]))
        for reference in by_reference
        if reference in conflicted
    )
    return ImportPlan(
        new=tuple(new),
        unchanged=tuple(unchanged),
        regraded=tuple(regraded),
        unmatched_wards=tuple(
            UnmatchedWard(name, len(rows), tuple(rows[:SHOWN_ROWS]), target)
            for name, (rows, target) in sorted(unmatched.items(), key=lambda kv: kv[0].casefold())
        ),
        conflicting=conflicting,
        folded_rows=folded - sum(len(rows_of[r]) - 1 for r in conflicted),
    )
