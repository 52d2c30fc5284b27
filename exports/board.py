"""The board report: a PDF a board reads in two minutes, and a workbook of the same figures.

Both documents show the figures of :func:`wardaudit.board.board_figures` exactly as the
board rules give them: a ward's latest completed audit in the period, site and trust means
always with their number of wards, and "Not audited" (never zero) for a ward without one.
This module holds what the two writers share and loads neither reportlab nor openpyxl:
each writer is imported only when its format is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import fmean

from exports.commands import TRUST_SETTING, _say, _targets, work_list_filters
from exports.common import band_rank, rating_word
from wardaudit import clock
from wardaudit.board import Board, GroupFigure, WardFigure, board_figures
from wardaudit.model import Action
from wardaudit.scoring import display_score
from wardaudit.store import Store

NOT_AUDITED = "Not audited"
NO_BREACH = "–"
REPORT_TITLE = "Board report: ward environment audits"

# The mark that says a workbook is WardAudit's board report. It is not an action workbook:
# the action import refuses it rather than misreading its Actions sheet.
BOARD_FORMAT = "wardaudit-board-workbook"
BOARD_FORMAT_VERSION = 1

# Each rating's fill and text colour (hex RGB), the same as the action plan's rating box.
# The rating's word is always written in the cell as well.
RATING_COLOURS = {
    "red": ("9C0006", "FFFFFF"),
    "amber": ("F6B26B", "000000"),
    "green": ("1E6B34", "FFFFFF"),
}

# The sections heatmap: fixed steps, darkest for the lowest scores, so the shading means
# the same on every page and in greyscale; the score is always written in the cell.
# (lowest score in the step, fill, text colour), highest step first.
HEAT_STEPS: tuple[tuple[float, str, str], ...] = (
    (90.0, "EDF4E8", "000000"),
    (75.0, "FDE49B", "000000"),
    (50.0, "F4A582", "000000"),
    (0.0, "9C0006", "FFFFFF"),
)
HEAT_KEY = (
    "Section scores (%) from each ward's latest audit in the period, shaded darker the lower "
    "the score: 90 and above palest, then 75 to under 90, 50 to under 75, and under 50 "
    "darkest."
)
RULES = (
    "A ward's score is its latest completed audit in the period.",
    "A site's or the trust's score is the mean of its audited wards' scores, shown with n, "
    "the number of wards audited.",
    "A ward with no completed audit in the period is shown as Not audited and is never "
    "counted as zero.",
)
RULES_NOTE = " ".join(RULES)

# The most actions the documents list one by one (the workbook's Actions sheet and the
# PDF's overdue list); the counts always cover every action. The estates work list
# export has every action in full.
WORKBOOK_ACTION_LIMIT = 2000
PDF_ACTION_LIMIT = 40

_MONTHS = (
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


# --- words shared by both documents ---------------------------------------------------------


def month_words(month: str, *, short: bool = False) -> str:
    """2026-11 as "November 2026" (or "Nov 2026"), in English whatever the system's locale."""
    year, number = month.split("-")
    name = _MONTHS[int(number) - 1]
    return f"{name[:3] if short else name} {year}"


def period_words(board: Board) -> str:
    """The period in words: "December 2025 to November 2026", or one month alone."""
    if board.start == board.end:
        return month_words(board.start)
    return f"{month_words(board.start)} to {month_words(board.end)}"


def score_words(score: float | None) -> str:
    return NOT_AUDITED if score is None else f"{display_score(score)}%"


def n_words(group: GroupFigure) -> str:
    return f"n = {group.audited} of {group.wards} ward{'s' if group.wards != 1 else ''} audited"


def group_words(group: GroupFigure) -> str:
    """A site's or the trust's figure with its n: "84.2% (n = 4 of 4 wards audited)"."""
    return f"{score_words(group.mean)} ({n_words(group)})"


def rating_words(figure: WardFigure) -> str:
    return rating_word(figure.rating) if figure.audited else NOT_AUDITED


def breach_words(figure: WardFigure) -> str:
    return "Yes" if figure.critical_breach else NO_BREACH


def audit_day(figure: WardFigure) -> date | None:
    return clock.parse_iso(figure.completed_at).date() if figure.completed_at else None


def heat_step(score: float) -> tuple[str, str]:
    """The heatmap's fill and text colour for a section score."""
    for lowest, fill, text in HEAT_STEPS:
        if score >= lowest:
            return fill, text
    return HEAT_STEPS[-1][1], HEAT_STEPS[-1][2]


def scope_name(board: Board) -> str:
    """What the headline figure covers: the trust, or the one site a report is about."""
    return board.sites[0].name if len(board.sites) == 1 else "Trust"


# --- figures derived from the board ---------------------------------------------------------


@dataclass(frozen=True)
class RankedWard:
    rank: int | None  # None for a ward not audited: it has no place in the ranking
    figure: WardFigure


def ranked(wards: Iterable[WardFigure]) -> list[RankedWard]:
    """Highest score first, equal scores sharing a rank (1, 2, 2, 4); wards not audited last.

    Ranked on exact scores, so two wards that both show 89.9% may still rank apart.
    """
    audited = sorted(
        (f for f in wards if f.score is not None),
        key=lambda f: (-(f.score or 0.0), f.ward.name.casefold()),
    )
    result: list[RankedWard] = []
    for position, figure in enumerate(audited, start=1):
        if result and result[-1].figure.score == figure.score:
            result.append(RankedWard(result[-1].rank, figure))
        else:
            result.append(RankedWard(position, figure))
    not_audited = sorted(
        (f for f in wards if f.score is None),
        key=lambda f: (f.ward.site.casefold(), f.ward.name.casefold()),
    )
    return result + [RankedWard(None, f) for f in not_audited]


@dataclass(frozen=True)
class MonthFigure:
    """One month of a trend: the mean over the wards audited that month, and how many."""

    month: str
    mean: float | None
    audited: int


def monthly_means(board: Board, wards: Sequence[WardFigure]) -> list[MonthFigure]:
    """The mean in each month of the wards audited that month (their latest that month)."""
    result = []
    for index, month in enumerate(board.months):
        scores = [f.trend[index] for f in wards if f.trend[index] is not None]
        result.append(
            MonthFigure(
                month, fmean(s for s in scores if s is not None) if scores else None, len(scores)
            )
        )
    return result


def wards_of(board: Board, site: str) -> list[WardFigure]:
    return [f for f in board.wards if f.ward.site == site]


def open_actions(board: Board, actions: Iterable[Action], today: date) -> list[Action]:
    """The actions still to do on the board's wards: overdue first, then by risk and due date.

    Only open and in-progress actions: the ones the board's open and overdue counts cover.
    """
    wards = {f.ward.id for f in board.wards}
    names = {(f.ward.site, f.ward.name) for f in board.wards}
    still_open = [
        a
        for a in actions
        if a.status in ("open", "in_progress")
        and (a.ward_id in wards if a.ward_id else (a.site, a.ward) in names)
    ]
    return sorted(
        still_open,
        key=lambda a: (
            not a.is_overdue(today),
            band_rank(a.risk.band),
            a.due,
            -a.risk.score,
            a.site.casefold(),
            a.ward.casefold(),
            a.item,
            a.id,
        ),
    )


def days_overdue(action: Action, today: date) -> int | None:
    return (today - action.due).days if action.is_overdue(today) else None


def attention_lines(board: Board) -> list[str]:
    """What a board should see first, in words: breaches, red wards, wards not audited."""
    lines = []
    breaches = [f for f in board.wards if f.critical_breach]
    red = [f for f in board.wards if f.rating == "red" and not f.critical_breach]
    missing = [f for f in board.wards if not f.audited]
    if breaches:
        lines.append(f"Critical breach (rated Red): {_names(breaches)}.")
    if red:
        lines.append(f"Rated Red on score: {_names(red)}.")
    if not breaches and not red and any(f.audited for f in board.wards):
        lines.append("No ward audited in the period is rated Red or has a critical breach.")
    if missing:
        lines.append(f"Not audited in the period: {_names(missing)}.")
    return lines


def _names(figures: Sequence[WardFigure], limit: int = 8) -> str:
    shown = [f"{f.ward.name} ({f.ward.site})" for f in figures[:limit]]
    if len(figures) > limit:
        shown.append(f"and {len(figures) - limit} more")
    return ", ".join(shown)


def checklist_words(board: Board) -> str:
    """The versions note when the wards used different checklist versions, else which one."""
    if board.versions_note:
        return board.versions_note
    used = sorted({f.checklist for f in board.wards if f.checklist})
    return f"All wards audited in the period used {used[0]}." if used else ""


# --- public API -----------------------------------------------------------------------------


def write_board_pdf(
    board: Board, path: Path | str, *, actions: list[Action] | None = None, trust: str = ""
) -> Path:
    """The board report as a PDF: a one-page summary and ranking, a page per site, and the
    most serious overdue actions when ``actions`` are given (``Store.actions``)."""
    from exports.board_pdf import write_pdf

    return write_pdf(board, path, actions=actions, trust=trust)


def write_board_xlsx(
    board: Board, path: Path | str, *, actions: list[Action] | None = None, trust: str = ""
) -> Path:
    """The board report as a workbook: Summary, Wards, Trends, Sections, Actions and About."""
    from exports.board_xlsx import write_xlsx

    return write_xlsx(board, path, actions=actions, trust=trust)


def export_board(
    store: Store,
    *,
    start: str | None = None,
    end: str | None = None,
    site: str | None = None,
    pdf: str | None = None,
    xlsx: str | None = None,
) -> int:
    """Write the board report for a period (default: the last twelve months) as PDF, Excel or both."""
    _targets(pdf, xlsx, "board report")
    if site:
        work_list_filters(
            store, site, None, None
        )  # an unknown site is an error, not a blank report
    board = board_figures(store, start=start, end=end, site=site)
    trust = store.setting(TRUST_SETTING)
    # The board counts the actions of signed-off audits only; an audit in progress may
    # still change its answers, and with them its actions.
    in_progress = {a.id for a in store.in_progress_audits()}
    actions = [a for a in store.actions(site=site) if a.audit_id not in in_progress]
    wards = len(board.wards)
    about = (
        f"board report, {wards} ward{'s' if wards != 1 else ''}"
        f"{' at ' + site if site else ''}, {period_words(board)}"
    )
    if pdf:
        _say(f"wrote {write_board_pdf(board, pdf, actions=actions, trust=trust)}: {about}")
    if xlsx:
        _say(f"wrote {write_board_xlsx(board, xlsx, actions=actions, trust=trust)}: {about}")
    return 0
