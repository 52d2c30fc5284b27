"""Scoring, exactly as DESIGN.md defines it: a pure function of a checklist and answers.

Points are summed as integers (weights in hundredths, answers in half points) so that
thresholds are compared exactly; rounding happens only for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

from wardaudit.checklist import Checklist, Item, Thresholds

ANSWER_VALUES = ("yes", "partial", "no", "na")
ANSWER_WORDS = {"yes": "Yes", "partial": "Partly", "no": "No", "na": "N/A"}
RATING_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}
# Points per answer in half-points: yes = 1, partial = 0.5, no = 0.
_HALF_POINTS = {"yes": 2, "partial": 1, "no": 0}


@dataclass(frozen=True)
class Tally:
    """Points and what was available, in half-point hundredths (exact integers)."""

    points: int = 0
    available: int = 0

    def add(self, value: str, weight_centi: int) -> Tally:
        if value == "na":
            return self
        return Tally(
            self.points + _HALF_POINTS[value] * weight_centi, self.available + 2 * weight_centi
        )

    @property
    def percent(self) -> Fraction | None:
        if self.available == 0:
            return None
        return Fraction(100 * self.points, self.available)


@dataclass(frozen=True)
class SectionScore:
    id: str
    title: str
    score: Fraction | None
    answered: int
    applicable: int


@dataclass(frozen=True)
class AuditScore:
    overall: Fraction | None
    rating: str | None
    critical_breach: bool
    critical_items: tuple[str, ...]
    sections: tuple[SectionScore, ...]
    answered: int
    applicable: int
    # sections scoring below the checklist's section floor (none when it sets no floor)
    below_floor: tuple[str, ...] = ()
    # the rating would have been green but for the section floor
    held_by_floor: bool = False

    @property
    def overall_float(self) -> float | None:
        return None if self.overall is None else float(self.overall)


def exact(threshold: float) -> Fraction:
    """A threshold as the exact value its author wrote (82.5 is 165/2, not a binary float)."""
    return Fraction(str(threshold))


def sections_below_floor(
    thresholds: Thresholds, section_scores: Iterable[tuple[str, Fraction | None]]
) -> tuple[str, ...]:
    """The sections (with a score) scoring below the section floor; none when it is unset."""
    if thresholds.section_floor is None:
        return ()
    floor = exact(thresholds.section_floor)
    return tuple(sid for sid, score in section_scores if score is not None and score < floor)


def rate(
    overall: Fraction | None,
    critical_breach: bool,
    thresholds: Thresholds,
    section_scores: Iterable[Fraction | None] = (),
) -> str | None:
    """Red on any critical breach; otherwise by the checklist's thresholds, compared exactly.

    With a section floor, a ward any of whose section scores is below it is held at amber:
    a failed section is not hidden by good results elsewhere. The floor never raises a rating.
    """
    if critical_breach:
        return "red"
    if overall is None:
        return None
    if overall >= exact(thresholds.green):
        rating = "green"
    elif overall >= exact(thresholds.amber):
        return "amber"
    else:
        return "red"
    if thresholds.section_floor is not None:
        floor = exact(thresholds.section_floor)
        if any(score is not None and score < floor for score in section_scores):
            return "amber"
    return rating


def score_audit(checklist: Checklist, sex: str, answers: Mapping[str, str]) -> AuditScore:
    """Score the items of ``checklist`` that apply to a ward of designation ``sex``.

    ``answers`` maps item id to yes/partial/no/na; items missing from it are unanswered
    and count towards nothing (so an in-progress audit gets a provisional score).
    """
    total = Tally()
    breaches: list[str] = []
    sections: list[SectionScore] = []
    answered_all = applicable_all = 0
    for section in checklist.sections:
        tally = Tally()
        answered = applicable = 0
        for item in section.items:
            if not item.applies(sex):
                continue
            applicable += 1
            value = answers.get(item.id)
            if value is None:
                continue
            answered += 1
            tally = tally.add(value, item.weight_centi)
            total = total.add(value, item.weight_centi)
            if item.critical and value == "no":
                breaches.append(item.id)
        if applicable:
            sections.append(
                SectionScore(section.id, section.title, tally.percent, answered, applicable)
            )
        answered_all += answered
        applicable_all += applicable
    overall = total.percent
    thresholds = checklist.thresholds
    rating = rate(overall, bool(breaches), thresholds, (s.score for s in sections))
    return AuditScore(
        overall=overall,
        rating=rating,
        critical_breach=bool(breaches),
        critical_items=tuple(breaches),
        sections=tuple(sections),
        answered=answered_all,
        applicable=applicable_all,
        below_floor=sections_below_floor(thresholds, ((s.id, s.score) for s in sections)),
        held_by_floor=rating != rate(overall, bool(breaches), thresholds),
    )


class BulkScore(NamedTuple):
    """An audit's headline figures, as the board and audit lists need them."""

    overall: float | None
    rating: str | None
    critical_breach: bool
    answered: int


ANSWER_CODES = {"yes": "y", "partial": "p", "no": "n", "na": "a"}
CODE_VALUES = {code: value for value, code in ANSWER_CODES.items()}
UNANSWERED = "."


class Packing:
    """How one checklist version's answers pack into a string, one character per item.

    Items of equal weight and criticality that sit together form runs, so an audit is
    scored with a few ``str.count`` calls instead of a loop over its items: scoring tens
    of thousands of stored audits takes a fraction of a second.
    """

    def __init__(self, checklist: Checklist) -> None:
        self.checklist = checklist
        items = list(checklist.items())
        self.positions = {item.id: n for n, item in enumerate(items)}
        self.item_ids = tuple(item.id for item in items)
        self.length = len(items)
        section_of = {
            item.id: n for n, section in enumerate(checklist.sections) for item in section.items
        }
        # (start, end, weight in hundredths, critical, section index); runs never cross sections
        runs: list[tuple[int, int, int, bool, int]] = []
        for n, item in enumerate(items):
            key = (item.weight_centi, item.critical, section_of[item.id])
            if runs and runs[-1][2:] == key and runs[-1][1] == n:
                runs[-1] = (runs[-1][0], n + 1, *key)
            else:
                runs.append((n, n + 1, *key))
        self.runs = tuple(runs)
        self.section_count = len(checklist.sections)
        thresholds = checklist.thresholds
        green, amber = exact(thresholds.green), exact(thresholds.amber)
        self._green = (green.numerator, green.denominator)
        self._amber = (amber.numerator, amber.denominator)
        self._floor: tuple[int, int] | None = None
        if thresholds.section_floor is not None:
            floor = exact(thresholds.section_floor)
            self._floor = (floor.numerator, floor.denominator)

    def blank(self) -> str:
        return UNANSWERED * self.length

    def value_of(self, packed: str, item_id: str) -> str | None:
        position = self.positions.get(item_id)
        if position is None or position >= len(packed):
            return None
        return CODE_VALUES.get(packed[position])

    def put(self, packed: str, item_id: str, value: str | None) -> str:
        position = self.positions[item_id]
        code = UNANSWERED if value is None else ANSWER_CODES[value]
        return packed[:position] + code + packed[position + 1 :]

    def unpack(self, packed: str) -> dict[str, str]:
        return {
            item_id: CODE_VALUES[code]
            for item_id, code in zip(self.item_ids, packed, strict=False)
            if code != UNANSWERED
        }

    def section_scores(self, packed: str) -> dict[str, float | None]:
        """Each section's score (None where nothing was available), for heatmaps."""
        result: dict[str, float | None] = {}
        for section in self.checklist.sections:
            tally = Tally()
            for item in section.items:
                value = CODE_VALUES.get(packed[self.positions[item.id]])
                if value is not None:
                    tally = tally.add(value, item.weight_centi)
            percent = tally.percent
            result[section.id] = None if percent is None else float(percent)
        return result

    def score(self, packed: str) -> BulkScore:
        """The same overall, rating and breach as :func:`score_audit` (tested)."""
        points = available = 0
        breach = False
        floor = self._floor
        section_points = [0] * self.section_count if floor else []
        section_available = [0] * self.section_count if floor else []
        for start, end, weight_centi, critical, section in self.runs:
            run = packed[start:end]
            yes, partial, no = run.count("y"), run.count("p"), run.count("n")
            run_points = (2 * yes + partial) * weight_centi
            run_available = 2 * (yes + partial + no) * weight_centi
            points += run_points
            available += run_available
            if floor:
                section_points[section] += run_points
                section_available[section] += run_available
            if critical and no:
                breach = True
        answered = self.length - packed.count(UNANSWERED)
        if not available:
            return BulkScore(None, "red" if breach else None, breach, answered)
        scaled = 100 * points
        if breach:
            rating = "red"
        elif scaled * self._green[1] >= self._green[0] * available:
            rating = "green"
            if floor and any(
                have and 100 * got * floor[1] < floor[0] * have
                for got, have in zip(section_points, section_available, strict=True)
            ):
                rating = "amber"  # a section below the floor holds the ward at amber
        elif scaled * self._amber[1] >= self._amber[0] * available:
            rating = "amber"
        else:
            rating = "red"
        return BulkScore(scaled / available, rating, breach, answered)


def allowed_answers(item: Item) -> tuple[str, ...]:
    """Critical items do not offer Partly: they are met or they are not."""
    if item.critical:
        return ("yes", "no", "na")
    return ANSWER_VALUES


def display_score(score: Fraction | float | None) -> str:
    """One decimal place, half up: 89.95 shows as 90.0 but still rates below 90."""
    if score is None:
        return "–"
    value = (
        Decimal(score.numerator) / Decimal(score.denominator)
        if isinstance(score, Fraction)
        else Decimal(str(score))
    )
    return str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def tally_values(values: Iterable[tuple[str, int]]) -> Tally:
    tally = Tally()
    for value, weight_centi in values:
        tally = tally.add(value, weight_centi)
    return tally
