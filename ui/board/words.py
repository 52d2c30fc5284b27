"""How the Board words its figures: counts, scores, months, trends and periods."""

from __future__ import annotations

from collections.abc import Sequence

from wardaudit.board import Board, GroupFigure
from wardaudit.scoring import display_score

NOT_AUDITED = "Not audited"
NONE_MARK = "–"
_SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def join_words(parts: Sequence[str]) -> str:
    """ "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def score_words(score: float | None) -> str:
    return NOT_AUDITED if score is None else f"{display_score(score)}%"


def group_words(group: GroupFigure) -> str:
    """ "90.1% (4 of 4 wards audited)"."""
    return f"{score_words(group.mean)} ({group.audited} of {plural(group.wards, 'ward')} audited)"


def month_words(month: str) -> str:
    """2026-11 as "Nov 2026", in English whatever the laptop's locale."""
    year, number = month.split("-")
    return f"{_SHORT_MONTHS[int(number) - 1]} {year}"


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


def period_of(board: Board) -> str:
    if board.start == board.end:
        return month_words(board.start)
    return f"{month_words(board.start)} to {month_words(board.end)}"
