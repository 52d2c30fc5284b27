"""The words screens and documents share, so the same figure reads the same everywhere.

Plurals, scores, ratings, bands, statuses, months and periods, a board's means with their n,
overdue days, what happened to an action, exchange conflicts and what an exchange file
brings in. UK conventions: dates 27/11/2026, English month names whatever the laptop's
locale. Plain functions of domain values; nothing here reads the store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import PurePath
from typing import TYPE_CHECKING, Protocol

from wardaudit import clock
from wardaudit.actions import STILL_TO_DO_FILTER
from wardaudit.checklist import DESIGNATION_WORDS
from wardaudit.errors import ChecklistConflict
from wardaudit.model import ACTION_STATUS_WORDS, AUDIT_STATUS_WORDS
from wardaudit.risk import BAND_WORDS
from wardaudit.risk import band_word as band_word  # re-exported: every word is taken from here
from wardaudit.scoring import ANSWER_WORDS, RATING_WORDS, display_score

if TYPE_CHECKING:
    from wardaudit.actions import WorkListFilters
    from wardaudit.board import (
        Board,
        DesignationItems,
        GroupFigure,
        TrendJudging,
        WardChange,
        WardFigure,
    )
    from wardaudit.checklist import ChecklistLibrary, JudgedUnder, SettingChoice, Thresholds
    from wardaudit.model import Action, Audit, HistoryEvent, TeamMember
    from wardaudit.palette import Palette
    from wardaudit.scoring import AuditScore, SectionScore

NONE_MARK = "–"  # a cell with nothing to say: never a zero
NOT_AUDITED = "Not audited"
NOT_RATED = "Not rated"
NOT_SCORED = "Not scored"
OVERDUE_WORD = "Overdue"
WORK_LIST_TITLE = "Estates work list"
BOARD_REPORT_TITLE = "Board report: ward environment audits"

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --- plain words ------------------------------------------------------------------------------


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 ward", "3 wards", "2 critical breaches" (with ``many``)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def join_words(parts: Sequence[str]) -> str:
    """ "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def sentence(text: object) -> str:
    """The text with its first letter a capital, as a message begins."""
    words = str(text).strip()
    return words[:1].upper() + words[1:]


def date_words(value: object) -> str:
    """A stored date or time as 27/11/2026; text that is not a date is shown as it is."""
    try:
        return clock.uk_date(str(value)) if value else ""
    except ValueError:
        return str(value)


_CONNINFO_PAIR = re.compile(r"(\w+)\s*=\s*('(?:\\.|[^'\\])*'|\S+)")


def database_words(engine: str, target: str) -> str:
    """Which database is open, in a few words for a title: the file's name, or "Trust
    database (host/db)" from the trust database's connection string (which holds no
    password: ``Store.target`` strips it)."""
    if engine != "postgresql":
        return PurePath(target).name or target
    params = {
        key: value[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        if value.startswith("'")
        else value
        for key, value in _CONNINFO_PAIR.findall(target)
    }
    if "service" in params and "host" not in params:
        return f"Trust database (service {params['service']})"
    host = params.get("host") or params.get("hostaddr") or ""
    if not host or host.startswith(("/", "@")):
        host = "this computer"
    name = params.get("dbname", "")
    return f"Trust database ({host}/{name})" if name else f"Trust database ({host})"


# --- scores, ratings, bands, answers, statuses ------------------------------------------------


def score_words(score: Fraction | float | None, missing: str = NOT_AUDITED) -> str:
    """ "84.2%", or ``missing`` (a ward not audited: never a zero)."""
    return missing if score is None else f"{display_score(score)}%"


def rating_word(rating: str | None) -> str:
    """ "Red", "Amber", "Green", or "Not rated"."""
    return RATING_WORDS.get(rating or "", NOT_RATED)


def status_word(status: object) -> str:
    """ "Open", "In progress", "Done", "Verified", "Cannot do" (a code we do not know as it is)."""
    return ACTION_STATUS_WORDS.get(str(status), str(status))


def audit_status_word(status: str) -> str:
    """ "In progress" or "Completed"."""
    return AUDIT_STATUS_WORDS.get(status, status)


def answer_word(value: str | None, missing: str = "Not answered") -> str:
    """ "Yes", "Partly", "No", "N/A", or ``missing``."""
    return ANSWER_WORDS.get(value or "", missing)


def critical_breaches_words(count: int) -> str:
    """ "1 critical breach", "2 critical breaches"."""
    return plural(count, "critical breach", "critical breaches")


def section_score_words(section: SectionScore) -> str:
    """A section's score, or why it has none."""
    if section.score is not None:
        return f"{display_score(section.score)}%"
    return "not answered yet" if section.answered == 0 else "not scored (all N/A)"


def person_words(name: str | None, role: str | None) -> str:
    """ "A. Matron (Matron)"; the role alone, or the name alone, when that is all there is."""
    if name and role and role != name:
        return f"{name} ({role})"
    return name or role or ""


def team_words(team: Sequence[TeamMember]) -> str:
    """The audit team: "A (Ward manager); B (Peer, patient or peer assessor)"."""
    return "; ".join(
        f"{m.name} ({m.role}{', patient or peer assessor' if m.patient_or_peer else ''})"
        for m in team
    )


def audit_day_words(audit: Audit) -> str:
    """The day the audit was signed off, or the day it started while still in progress."""
    return clock.uk_date(audit.completed_at or audit.started_at)


# --- what an audit was judged under -----------------------------------------------------------

JUDGED_UNDER = "Judged under"
DESIGNATION_FILTER_WORDS = (
    "to compare like with like, choose a designation in the Designation filter"
)


def percent_words(value: float) -> str:
    """A threshold as its author wrote it: "90%", "82.5%"."""
    return f"{value:g}%"


def thresholds_words(thresholds: Thresholds) -> str:
    """The rating rules: "Green at 90% or above, Amber at 75% or above, and no section below
    75% for Green" (or "..., and no section floor")."""
    rules = (
        f"Green at {percent_words(thresholds.green)} or above, "
        f"Amber at {percent_words(thresholds.amber)} or above"
    )
    if thresholds.section_floor is None:
        return f"{rules}, and no section floor"
    return f"{rules}, and no section below {percent_words(thresholds.section_floor)} for Green"


def setting_words(setting: SettingChoice) -> str:
    """A setting's value in the file's own words, or its name and value where it gives none."""
    return setting.words or f"{setting.name.replace('_', ' ')}: {setting.value}"


def judging_parts(judged: JudgedUnder) -> list[str]:
    """The checklist and version, each setting's value, then the rating rules."""
    return [
        f"{judged.title}, version {judged.version}",
        *(setting_words(s) for s in judged.settings),
        thresholds_words(judged.thresholds),
    ]


def judging_words(judged: JudgedUnder) -> str:
    """What an audit was judged under, without the heading (a workbook's value cell)."""
    return "; ".join(judging_parts(judged))


def judged_under_words(judged: JudgedUnder) -> str:
    """ "Judged under: Sexual safety: ward environment, version 2; shared corridors ...;
    same sex judged by biological sex (...); Green at 90% or above, Amber at 75% or above,
    and no section below 75% for Green." """
    return f"{JUDGED_UNDER}: {judging_words(judged)}."


def floor_hold_words(score: AuditScore, thresholds: Thresholds) -> str:
    """Why a ward scoring enough for Green is Amber: "Amber: the Sightlines and blind spots
    section scored 60.0%, below the 75% every section must reach for Green." "" otherwise."""
    if not score.held_by_floor or thresholds.section_floor is None:
        return ""
    below = [s for s in score.sections if s.id in score.below_floor and s.score is not None]
    if not below:
        return ""
    first, rest = below[0], below[1:]
    parts = [f"the {first.title} section scored {score_words(first.score)}"]
    parts += [f"the {s.title} section {score_words(s.score)}" for s in rest]
    return (
        f"{rating_word('amber')}: {join_words(parts)}, below the "
        f"{percent_words(thresholds.section_floor)} every section must reach for Green."
    )


def checklist_notice_words(library: ChecklistLibrary) -> tuple[str, list[str]] | None:
    """Every checklist file that could not be used, each named with what to do, for one notice
    when the app starts; None when every file loaded."""
    if not library.problems:
        return None
    lines = []
    for problem, line in zip(library.problems, library.warnings, strict=True):
        if isinstance(problem, ChecklistConflict):
            lines.append(f"{sentence(line)}.")  # it says which files and what to do
            continue
        lines.append(
            f"{sentence(line)}. What to do: ask whoever looks after the trust's checklists to "
            "correct this file or take it out of the checklist folder; "
            f"'wardaudit checklists validate \"{problem.path}\"' lists every problem in it."
        )
    count = len(lines)
    heading = (
        f"{plural(count, 'checklist file')} could not be used. Every other checklist "
        "is in use as usual."
    )
    return heading, lines


# --- actions ----------------------------------------------------------------------------------


def overdue_words(days: int) -> str:
    """ "Overdue 3 days"; "" for an action that is not overdue (0 days)."""
    if days <= 0:
        return ""
    return f"{OVERDUE_WORD} {plural(days, 'day')}"


def due_in_words(days: int) -> str:
    """How soon a band's action is due: "due next day", "due in 7 days"."""
    return "due next day" if days == 1 else f"due in {days} days"


def changed_by_words(by: str, at: str) -> str:
    """Who last changed an action and when ("An estates officer changed this action at
    27/11/2026 14:05"): the Actions screen and a returned workbook say it alike."""
    when = f" at {clock.uk_datetime(at)}" if at else ""
    return f"{by or 'someone'} changed this action{when}"


def found_words(action: Action) -> str:
    """What the auditor found: the answer in words, then their note ("No: door wedged")."""
    answer = ANSWER_WORDS.get(action.answer, "")
    if answer and action.found:
        return f"{answer}: {action.found}"
    return answer or action.found


def risk_words(action: Action) -> str:
    """ "4 × 5 = 20": likelihood × consequence = score."""
    return f"{action.risk.likelihood} × {action.risk.consequence} = {action.risk.score}"


STILL_TO_DO_WORDS = "Still to do (open or in progress)"
ALL_STATUSES_WORDS = "Every status"


def status_filter_words(status: str | None) -> str:
    """The status a work list holds, as its first page states it."""
    if status == STILL_TO_DO_FILTER:
        return STILL_TO_DO_WORDS
    if status is None:
        return ALL_STATUSES_WORDS
    return status_word(status)


def filter_words(filters: WorkListFilters, ward_names: Mapping[str, str] | None = None) -> str:
    """The filters as a work list's heading says them: "Status: Open; Site: X; Ward: Y".

    The status is always said (a work list holds those still to do unless asked for
    others); ``ward_names`` gives a ward's name by its id, for a filter that holds the id.
    """
    parts = [f"Status: {status_filter_words(filters.status)}"]
    if filters.site:
        parts.append(f"Site: {filters.site}")
    if filters.ward:
        parts.append(f"Ward: {(ward_names or {}).get(filters.ward, filters.ward)}")
    if filters.owner is not None:
        parts.append(f"Owner: {filters.owner or 'not set'}")
    if filters.band:
        parts.append(f"Band: {band_word(filters.band)}")
    if filters.overdue_only:
        parts.append("Overdue only")
    return "; ".join(parts)


def describe_event(event: HistoryEvent) -> str:  # noqa: C901 - one sentence for each kind of event
    """What happened to an action, in words: "Status changed to Done", "Note: ..."."""
    detail = event.detail
    kind = event.kind
    if kind == "action_status":
        status = status_word(detail.get("status"))
        previous = detail.get("previous")
        if previous == detail.get("status"):
            text = f"Note added (status stays {status})"
        else:
            text = f"Status changed to {status}"
            if previous:
                text += f" (was {status_word(previous)})"
        note = str(detail.get("status_note") or "").strip()
        return text + (f"\nNote: {note}" if note else "")
    if kind == "action_update_imported":
        parts = []
        if "status" in detail:
            parts.append(f"status changed to {status_word(detail['status'])}")
        if "completed_on" in detail:
            parts.append(f"completed on {date_words(detail['completed_on'])}")
        if "comment" in detail:
            comment = str(detail["comment"] or "").strip()
            parts.append(f"comment “{comment}”" if comment else "comment removed")
        return "From estates' returned workbook: " + ("; ".join(parts) or "no change")
    if kind == "action_changed":
        parts = []
        if "description" in detail:
            parts.append("the action's wording changed")
        if "owner" in detail:
            parts.append(f"owner {detail['owner'] or 'not set'}")
        if "likelihood" in detail or "consequence" in detail:
            parts.append(f"risk {detail.get('likelihood')} × {detail.get('consequence')}")
        if "due" in detail:
            parts.append(f"due {date_words(detail['due'])}")
        return "Details changed: " + ("; ".join(parts) or "no change")
    if kind == "action_raised":
        band = BAND_WORDS.get(str(detail.get("band")), str(detail.get("band") or ""))
        text = "Raised at the audit"
        if band:
            text += f": {band} risk"
        if detail.get("due"):
            text += f", due {date_words(detail['due'])}"
        if detail.get("owner"):
            text += f", owner {detail['owner']}"
        return text
    if kind == "action_note":
        return "Note: " + sentence(str(detail.get("note") or ""))
    if kind == "action_linked":
        answer = answer_word(str(detail.get("answer") or "") or None, "not answered")
        text = (
            f"Found again at the audit of {date_words(detail.get('found_on'))} "
            f"(answered {answer}): linked to this action, no new action raised"
        )
        note = str(detail.get("note") or "").strip()
        return text + (f"\nNote: {note}" if note else "")
    return sentence(kind.replace("_", " "))


def history_lines(action: Action, events: Sequence[HistoryEvent]) -> list[str]:
    """The action's history, newest first: when (dd/mm/yyyy hh:mm), who, and what, in words."""
    lines = []
    for event in reversed(events):
        who = f" · {event.actor}" if event.actor else ""
        lines.append(f"{clock.uk_datetime(event.at)}{who}\n{describe_event(event)}")
    if not any(event.kind == "action_raised" for event in events):
        # Actions from an audit recorded whole (imported) have no event of their own raising.
        lines.append(f"{clock.uk_datetime(action.created_at)}\nRaised at the audit")
    return lines


# --- months, periods and trends ---------------------------------------------------------------


def month_words(month: str, *, short: bool = False) -> str:
    """2026-11 as "November 2026" (or "Nov 2026"), in English whatever the laptop's locale."""
    year, number = month.split("-")
    name = MONTHS[int(number) - 1]
    return f"{name[:3] if short else name} {year}"


def period_words(start: str, end: str, *, short: bool = False) -> str:
    """The months from ``start`` to ``end`` (YYYY-MM): "December 2025 to November 2026", or
    one month alone."""
    if start == end:
        return month_words(start, short=short)
    return f"{month_words(start, short=short)} to {month_words(end, short=short)}"


def trend_words(values: Sequence[float | None]) -> str:
    """A trend as a sentence: "rising from 81.0 to 92.5 (10 months audited)"."""
    present = [v for v in values if v is not None]
    if not present:
        return "no audits in the period"
    if len(present) == 1:
        return f"one month audited, at {display_score(present[0])}"
    first, last = display_score(present[0]), display_score(present[-1])
    months = f"({len(present)} months audited)"
    if first == last:
        return f"steady at {last} {months}"
    direction = "rising" if present[-1] > present[0] else "falling"
    return f"{direction} from {first} to {last} {months}"


# --- the board --------------------------------------------------------------------------------

BOARD_RULES = (
    "A ward's score is its latest completed audit in the period.",
    "A site's or the trust's score is the mean of its audited wards' scores, shown with n, "
    "the number of wards audited.",
    "A ward with no completed audit in the period is shown as Not audited and is never "
    "counted as zero.",
)


RANKING_RULE = (
    "Wards are ranked by rating, the most serious first (Red with a critical breach, then "
    "Red, Amber, Green), then by score, lowest first; wards with the same rating and score "
    "share a rank, and wards not audited in the period come last, unranked."
)
CHANGE_RULE = (
    "A ward's change is its counted score less that of its audit before (whenever it was) "
    "and less that of its latest audit in the previous period ({previous}), in points, "
    "with its rating then and now: ▲ up, ▼ down."
)
NO_EARLIER_AUDIT = "No earlier audit"
NOT_IN_PREVIOUS_PERIOD = "Not audited in the previous period"


def change_words(
    change: WardChange | None, missing: str = NO_EARLIER_AUDIT, *, arrow: bool = True
) -> str:
    """A ward's change in points and rating, with an arrow and words, never colour alone:
    "▲ 4.2 points, Amber → Green", "▼ 1.5 points, still Green", "No change, still Amber".

    Rounded as scores are shown; ``arrow=False`` gives "Up 4.2 points, Amber to Green" for
    a document whose font has no arrows.
    """
    if change is None:
        return missing
    before, after = rating_word(change.before_rating), rating_word(change.after_rating)
    if change.before_rating == change.after_rating:
        ratings = f"still {after}"
    else:
        ratings = f"{before} → {after}" if arrow else f"{before} to {after}"
    shown = display_score(abs(change.points))
    if float(shown) == 0:
        return f"No change in score, {ratings}"
    marks = ("▲", "▼") if arrow else ("Up", "Down")
    mark = marks[0] if change.points > 0 else marks[1]
    return f"{mark} {shown} points, {ratings}"


def previous_period_words(board: Board) -> str:
    """The period before the board's, its changes measured from: "December 2024 to November 2025"."""
    if not board.previous_start:
        return ""
    return period_words(board.previous_start, board.previous_end)


def n_words(group: GroupFigure) -> str:
    """ "n = 4 of 4 wards audited"."""
    return f"n = {group.audited} of {plural(group.wards, 'ward')} audited"


def group_words(group: GroupFigure) -> str:
    """A site's or the trust's figure with its n: "84.2% (n = 4 of 4 wards audited)"."""
    return f"{score_words(group.mean)} ({n_words(group)})"


def ward_rating_words(figure: WardFigure) -> str:
    """A ward's rating on the board: its word, or "Not audited" in the period."""
    return rating_word(figure.rating) if figure.audited else NOT_AUDITED


def breach_words(figure: WardFigure) -> str:
    """ "Yes" for a ward with a critical breach, else the dash."""
    return "Yes" if figure.critical_breach else NONE_MARK


def scope_name(board: Board) -> str:
    """What the headline figure covers: the trust, or the one site a report is about."""
    return board.sites[0].name if len(board.sites) == 1 else "Trust"


def board_period_words(board: Board) -> str:
    """The board's period: "January 2026 to December 2026"."""
    return period_words(board.start, board.end)


def ward_names_words(figures: Sequence[WardFigure], limit: int = 8) -> str:
    """ "Ash Ward (Ashcombe), Elm Ward (Fenwick House), and 3 more"."""
    shown = [f"{f.ward.name} ({f.ward.site})" for f in figures[:limit]]
    if len(figures) > limit:
        shown.append(f"and {len(figures) - limit} more")
    return ", ".join(shown)


def attention_lines(board: Board) -> list[str]:
    """What a board should see first, in words: breaches, red wards, wards not audited."""
    lines = []
    breaches = [f for f in board.wards if f.critical_breach]
    red = [f for f in board.wards if f.rating == "red" and not f.critical_breach]
    missing = [f for f in board.wards if not f.audited]
    if breaches:
        lines.append(f"Critical breach (rated Red): {ward_names_words(breaches)}.")
    if red:
        lines.append(f"Rated Red on score: {ward_names_words(red)}.")
    if not breaches and not red and any(f.audited for f in board.wards):
        lines.append("No ward audited in the period is rated Red or has a critical breach.")
    if missing:
        lines.append(f"Not audited in the period: {ward_names_words(missing)}.")
    return lines


def checklist_words(board: Board) -> str:
    """The versions note when the wards used different checklist versions, else which one."""
    if board.versions_note:
        return board.versions_note
    used = sorted({f.checklist for f in board.wards if f.checklist})
    return f"All wards audited in the period used {used[0]}." if used else ""


def _distinguishing(judgings: Sequence[JudgedUnder]) -> dict[JudgedUnder, str]:
    """For judgings that share a label (one checklist version), the settings and rules that
    tell them apart: "v2 with no shared corridor on the way to toilets ..."."""
    found: dict[JudgedUnder, str] = {}
    by_label: dict[str, list[JudgedUnder]] = {}
    for judged in judgings:
        by_label.setdefault(judged.label, []).append(judged)
    for label, group in by_label.items():
        if len(group) == 1:
            found[group[0]] = label
            continue
        parts = {j: judging_parts(j)[1:] for j in group}
        common = set.intersection(*(set(p) for p in parts.values()))
        for judged in group:
            differ = [p for p in parts[judged] if p not in common]
            found[judged] = f"{label} with {'; '.join(differ)}" if differ else label
    return found


def versions_note_words(judgings: Sequence[tuple[JudgedUnder, int]]) -> str | None:
    """When the wards compared were judged under different checklist versions or settings,
    say so with the number of wards under each; None when they were all judged alike."""
    if len(judgings) < 2:
        return None
    labels = {judged.label for judged, _ in judgings}
    if len(labels) == len(judgings):
        heading = "Wards were audited against different checklist versions"
    elif len(labels) == 1:
        heading = "Wards were judged under different settings of one checklist version"
    else:
        heading = "Wards were audited against different checklist versions and settings"
    names = _distinguishing([judged for judged, _ in judgings])
    listed = "; ".join(f"{names[judged]} ({plural(n, 'ward')})" for judged, n in judgings)
    return (
        f"{heading}: {listed}. Scores and ratings judged under different rules are not like "
        "for like."
    )


def trend_note_words(judgings: Sequence[TrendJudging]) -> str | None:
    """When the months of the scores over time were judged under different checklist versions
    or settings: which was used when. None when every month was judged alike."""
    if len(judgings) < 2:
        return None
    names = _distinguishing([t.judged for t in judgings])
    listed = "; ".join(f"{names[t.judged]} ({period_words(t.first, t.last)})" for t in judgings)
    labels = {t.judged.label for t in judgings}
    if len(labels) == len(judgings):
        what, change = "checklist versions", "version"
    elif len(labels) == 1:
        what, change = "settings of one checklist version", "setting"
    else:
        what, change = "checklist versions and settings", "version or setting"
    return (
        f"Scores over time span {what}: {listed}. A change in score where the {change} "
        "changes may come from the checklist rather than the ward."
    )


def designations_note_words(counts: Sequence[DesignationItems]) -> str | None:
    """Where the designations compared answer different numbers of items (mixed wards answer
    more than single-sex ones), say so and point to the Designation filter."""
    differing = [c for c in counts if len({n for _, n in c.items}) > 1]
    if not differing:
        return None

    def listed(entry: DesignationItems) -> str:
        ordered = sorted(entry.items, key=lambda pair: -pair[1])
        return join_words([f"{DESIGNATION_WORDS[sex].lower()} wards {n}" for sex, n in ordered])

    if len(differing) == 1:
        detail = listed(differing[0])
    else:
        detail = "; ".join(f"under {entry.judged.label}, {listed(entry)}" for entry in differing)
    return (
        f"Wards of different designations answer different numbers of items ({detail}), so "
        f"their scores are not like for like: {DESIGNATION_FILTER_WORDS}."
    )


def judged_with_counts(board: Board) -> list[str]:
    """Each set of rules the wards' counted audits were judged under, with how many wards:
    "Sexual safety: ward environment, version 2; ...; ... for Green (9 wards)"."""
    return [f"{judging_words(judged)} ({plural(n, 'ward')})" for judged, n in board.judged]


def judged_under_lines(board: Board) -> list[str]:
    """The same as sentences: "Judged under: ...; ... (9 wards)." One line per set."""
    return [f"{JUDGED_UNDER}: {line}." for line in judged_with_counts(board)]


def comparability_notes(board: Board) -> list[str]:
    """What a reader must know before comparing the board's figures, for its first page:
    every note of :attr:`Board.notes`, or else which checklist version all wards used."""
    if board.notes:
        return list(board.notes)
    used = checklist_words(board)
    return [used] if used else []


def heat_range_words(lowest: float, upper: float | None) -> str:
    """One heatmap step: "90 and above", "75 to under 90", "under 50"."""
    if upper is None:
        return f"{lowest:g} and above"
    if lowest == 0:
        return f"under {upper:g}"
    return f"{lowest:g} to under {upper:g}"


def heat_key_words(palette: Palette) -> str:
    """How to read the sections heatmap, from the palette's own steps."""
    ranges = [heat_range_words(lowest, upper) for lowest, upper, _ in palette.heat_ranges()]
    steps = f"{ranges[0]} palest"
    if len(ranges) > 2:
        steps += f", then {', '.join(ranges[1:-1])},"
    steps += f" and {ranges[-1]} darkest"
    return (
        "Section scores (%) from each ward's latest audit in the period, shaded darker the "
        f"lower the score: {steps}."
    )


# --- exchange files ---------------------------------------------------------------------------


class ConflictRecord(Protocol):
    """A conflict as the exchange import reports it: its kind, the record's id, details."""

    @property
    def kind(self) -> str: ...

    @property
    def record(self) -> str: ...

    @property
    def details(self) -> Mapping[str, str]: ...


class NewRecords(Protocol):
    """What an exchange file would bring in (an import plan)."""

    @property
    def new_audits(self) -> int: ...

    @property
    def new_events(self) -> int: ...

    @property
    def new_wards(self) -> int: ...

    @property
    def new_photos(self) -> int: ...


EVENT_KIND_WORDS = {
    "action_raised": "an action raised",
    "action_note": "a note on an action",
    "action_withdrawn": "an action withdrawn",
    "answer": "an answer",
    "amendment": "an amendment",
    "audit_completed": "a sign-off",
    "audit_imported": "an imported audit",
    "photo_added": "a photo added",
    "photo_removed": "a photo removed",
}


def _designation(sex: str) -> str:
    return f"{DESIGNATION_WORDS[sex].lower()} ward" if sex in DESIGNATION_WORDS else sex


def conflict_words(conflict: ConflictRecord, audit: Audit | None = None) -> str:
    """A conflict as a sentence a matron can follow, from its kind and details alone.

    For an audit that conflicts, pass the copy here (``store.audit(conflict.record).audit``)
    so the sentence can name its ward and the day it was signed off.
    """
    kind, details = conflict.kind, conflict.details
    if kind == "audit":
        if audit is None:
            return (
                "A signed-off audit in the file differs from the copy here; the copy here is kept."
            )
        return (
            f"The audit of {audit.ward.name} ({audit.ward.site}) signed off on "
            f"{clock.uk_date(audit.completed_at)} differs from the copy here: the copy here is "
            "kept as it is."
        )
    if kind == "audit_without_ward":
        return (
            "An audit in the file belongs to a ward the file does not carry, so that audit is "
            "left out."
        )
    if kind == "ward":
        return (
            f"Ward {details.get('name', '')} has the same record id as a ward here with other "
            f"details (here: {details.get('here', '')}; in the file: {details.get('file', '')}). "
            "The ward here is kept as it is and the file's audits of it are left out."
        )
    if kind == "ward_name":
        here_ward = details.get("here_name") or details.get("name", "")
        here = f"{details.get('here_site', '')}, {_designation(details.get('here_sex', ''))}"
        there = f"{details.get('file_site', '')}, {_designation(details.get('file_sex', ''))}"
        return (
            f"Ward {details.get('name', '')} in the file ({there}) has the name of a different "
            f"ward here, {here_ward} ({here}); ward names are unique, so its audits are left "
            "out. If they are two wards, rename one of them and export the file again. If it "
            "is one ward that moved site or changed designation, make its details the same in "
            "both places, then export again."
        )
    if kind == "checklist":
        return (
            f"The checklist {details.get('title') or details.get('checklist', '')} version "
            f"{details.get('version', '')} in the file is not the same as the version with that "
            "number here, so the audits answered under it are left out. Whoever changed the "
            "checklist should give it a new version number."
        )
    if kind == "record_id":
        what = details.get("what", "record")
        return (
            f"An audit in the file has a{'n' if what[:1] in 'aeiou' else ''} {what} with the "
            f"id of a different audit's {what} here, so that audit is left out."
        )
    if kind == "raised_twice":
        return (
            "An action raised in the file after sign-off is for an item that already has an "
            "action here: the audit was amended in both places. The action here is kept and "
            "the file's is left out; compare the two and update the one here if needed."
        )
    if kind == "event":
        event_kind = details.get("event_kind", "")
        words = EVENT_KIND_WORDS.get(event_kind, event_kind.replace("_", " "))
        return (
            f"A history entry ({words}) differs from the one here with the same id: the one "
            "here is kept as it is."
        )
    if kind == "event_without_audit":
        return (
            "A history entry belongs to an audit that is neither here nor in the file; it is "
            "left out."
        )
    return "A record in the file differs from the one here with the same id; the one here is kept."


def new_records_words(
    *, audits: int = 0, events: int = 0, wards: int = 0, photos: int = 0, incident_counts: int = 0
) -> str:
    """What an import brings in: "3 new audits, 40 new history events and 2 photos"."""
    parts = []
    if audits:
        parts.append(plural(audits, "new audit"))
    if events:
        parts.append(plural(events, "new history event"))
    if wards:
        parts.append(plural(wards, "new ward"))
    if photos:
        parts.append(plural(photos, "photo"))
    if incident_counts:
        parts.append(f"incident counts for {plural(incident_counts, 'ward')}")
    return join_words(parts) if parts else "nothing new"


def new_words(plan: NewRecords) -> str:
    """What an import plan brings in, in words (see :func:`new_records_words`)."""
    return new_records_words(
        audits=plan.new_audits,
        events=plan.new_events,
        wards=plan.new_wards,
        photos=plan.new_photos,
        incident_counts=getattr(plan, "new_incident_counts", 0),
    )


def new_count(plan: NewRecords) -> int:
    """How many records an import plan brings in, of every kind."""
    counts = getattr(plan, "new_incident_counts", 0)  # wards' incident counts, where carried
    return plan.new_audits + plan.new_events + plan.new_wards + plan.new_photos + counts
