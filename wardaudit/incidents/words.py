"""What screens, documents and the command line say about incidents, said once.

Rates always carry their n ("0.8 per bed (12 incidents, 15 beds)"); the page that shows
incidents beside audits says that incidents are under-reported and that a handful of wards
cannot show that one thing causes another.
"""

from __future__ import annotations

from collections.abc import Iterable

from wardaudit.incidents.plan import ImportPlan, UnmatchedWard
from wardaudit.model import ACTION_STATUS_WORDS, ActionStatus
from wardaudit.words import plural

INCIDENTS_HEADING = "Sexual safety incidents beside the environment"

UNDER_REPORTING = (
    "Incidents are under-reported: the CQC's review of sexual safety on mental health wards "
    "(2018) found that staff do not always recognise, record or report sexual safety "
    "incidents, so a ward with few incidents recorded is not necessarily a safer ward."
)
NO_CORRELATION = (
    "These figures are shown side by side to prompt questions, not to prove that one causes "
    "the other: with a handful of wards and small counts, no correlation between audit scores "
    "and incidents can be drawn from them."
)
PER_BED_RULE = (
    "Incidents per bed are the incidents over the period divided by the ward's beds, so that "
    "wards of different sizes compare; each rate is shown with its counts."
)
NOT_APPLICABLE = "–"
PLACE_NOT_RECORDED = "Place not recorded"
LOCATION_NOT_RECORDED = "Location not recorded"


def per_bed(count: int, beds: int | None) -> float | None:
    """Incidents per bed, or None where the ward's beds are not known (or nought)."""
    return None if not beds else count / beds


def per_bed_words(count: int, beds: int | None) -> str:
    """'0.8 per bed (12 incidents, 15 beds)'; with no beds known, the count and why."""
    incidents = plural(count, "incident")
    rate = per_bed(count, beds)
    if rate is None:
        return f"no rate ({incidents}; the ward's beds are not recorded)"
    return f"{rate:.1f} per bed ({incidents}, {plural(beds or 0, 'bed')})"


def actions_words(statuses: Iterable[ActionStatus | None]) -> str:
    """Findings' actions by status, as screens and documents say them: "2 open, 1 done"."""
    counts: dict[str, int] = {}
    for status in statuses:
        word = ACTION_STATUS_WORDS[status] if status else "No action"
        counts[word] = counts.get(word, 0) + 1
    if not counts:
        return NOT_APPLICABLE
    order = [*ACTION_STATUS_WORDS.values(), "No action"]
    return ", ".join(f"{counts[w]} {w.lower()}" for w in order if w in counts)


def place_words(place: str) -> str:
    return place or PLACE_NOT_RECORDED


def alias_advice(unmatched: Iterable[UnmatchedWard], *, command: bool) -> list[str]:
    """How to map the export's unknown ward names, for the next import."""
    names = [ward.name for ward in unmatched]
    if not names:
        return []
    lines = []
    if command:
        example = names[0].replace('"', "'")
        lines.append(
            "Map each name to a WardAudit ward: import again with "
            f'--ward-alias "{example}=WARD" (one for each name; saved for next time), '
            "or add it to the mapping file under [wards.aliases]:"
        )
    else:
        lines.append(
            "Choose the WardAudit ward each name stands for (saved for next time), or add it to "
            "the mapping file under [wards.aliases]:"
        )
    lines.append("  [wards.aliases]")
    for name in names:
        shown = name.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'  "{shown}" = "WardAudit ward name"')
    return lines


def plan_headline(plan: ImportPlan) -> str:
    """The first line of a plan: what the export holds and what it would change."""
    read = f"{plural(plan.rows_read, 'row')} read"
    if plan.skipped:
        read += f", {plan.skipped} of other kinds of incident left out"
    held = f"; {plan.held_back} held back" if plan.held_back else ""
    return (
        f"{plan.source}: {read}. {plural(len(plan.new), 'new incident')}, "
        f"{len(plan.regraded)} regraded, {len(plan.unchanged)} unchanged{held}"
    )
