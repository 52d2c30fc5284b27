"""The board report as a workbook: Summary, Wards, Trends, Sections, Actions and About.

Every figure is a value (a score is a number shown to one decimal, a date a real date), so
the workbook reads the same in any spreadsheet without recalculating. Site and trust means
sit beside their n; a ward not audited says so in words and is never a zero. Written with
the action workbooks' write-only helpers, so a 200-ward trust takes well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.chart import LineChart, Reference  # type: ignore[import-untyped]
from openpyxl.formatting.rule import CellIsRule, FormulaRule, Rule  # type: ignore[import-untyped]
from openpyxl.packaging.custom import (  # type: ignore[import-untyped]
    IntProperty,
    StringProperty,
)
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from exports.common import BOARD_FORMAT, BOARD_FORMAT_VERSION
from exports.xlsx.base import (
    DATE_FORMAT,
    SCORE_FORMAT,
    Printing,
    Sheet,
    add_table,
    band_rules,
    body,
    key_values,
    letter,
    naive,
    new_book,
    new_sheet,
    save,
    solid_fill,
)
from exports.xlsx.incidents import incident_sheet
from wardaudit import __version__, clock
from wardaudit.actions import overdue_days, raised_on
from wardaudit.board import (
    Board,
    GroupFigure,
    audit_day,
    monthly_means,
    open_actions,
    ranked,
    wards_of,
)
from wardaudit.incidents.report import IncidentPage
from wardaudit.model import Action
from wardaudit.palette import WORKBOOK
from wardaudit.words import (
    BOARD_REPORT_TITLE,
    BOARD_RULES,
    CHANGE_RULE,
    JUDGED_UNDER,
    NOT_AUDITED,
    NOT_IN_PREVIOUS_PERIOD,
    RANKING_RULE,
    board_period_words,
    change_words,
    checklist_words,
    group_words,
    heat_key_words,
    judged_with_counts,
    month_words,
    previous_period_words,
    rating_word,
    ward_rating_words,
)

# The most actions the Actions sheet lists one by one; the counts always cover every
# action, and the estates work list export has every action in full.
WORKBOOK_ACTION_LIMIT = 2000


def _unique(names: Iterable[str]) -> list[str]:
    """Column headers an Excel table accepts: each one different, whatever its case."""
    seen: set[str] = set()
    result = []
    for name in names:
        candidate, number = name.strip() or "Column", 2
        while candidate.casefold() in seen:
            candidate, number = f"{name} ({number})", number + 1
        seen.add(candidate.casefold())
        result.append(candidate)
    return result


# --- Summary --------------------------------------------------------------------------------

SUMMARY_HEADERS = (
    "Trust or site",
    "Mean score with n",
    "Mean score (%)",
    "Wards audited (n)",
    "Wards",
    "Wards rated Red",
    "Critical breaches",
    "Open actions",
    "Overdue actions",
)


def _group_row(group: GroupFigure) -> tuple[object, ...]:
    return (
        group.name,
        group_words(group),
        NOT_AUDITED if group.mean is None else float(group.mean),
        group.audited,
        group.wards,
        group.red,
        group.critical_breaches,
        group.open_actions,
        group.overdue_actions,
    )


def _summary(
    book: Any,
    board: Board,
    trust: str,
    today: date,
    listed: int,
    still_open: int | None,
    printing: Printing,
) -> None:
    actions_note = "Not included in this export."
    if still_open is not None:
        actions_note = (
            f"All {still_open} open or in-progress actions, overdue first."
            if listed == still_open
            else f"The {listed} most serious of {still_open} open or in-progress actions, "
            "overdue first; the estates work list export holds every one."
        )
    rows: list[Sequence[object]] = [
        (BOARD_REPORT_TITLE,),
        ("Trust", trust or "Not set"),
        ("Period", board_period_words(board)),
        ("Sites", len(board.sites)),
        ("Wards", len(board.wards)),
        ("Checklist versions", checklist_words(board) or "No ward was audited in the period."),
        *((("Scores over time", board.trend_note),) if board.trend_note else ()),
        *((("Designations", board.designations_note),) if board.designations_note else ()),
        *(
            (JUDGED_UNDER if n == 0 else "", line)
            for n, line in enumerate(judged_with_counts(board))
        ),
        ("How the figures are worked out", BOARD_RULES[0]),
        *(("", rule) for rule in BOARD_RULES[1:]),
        ("Ranking", RANKING_RULE),
        ("Change", CHANGE_RULE.format(previous=previous_period_words(board))),
        ("Actions sheet", actions_note),
        ("Counted on", today),
        (),
        SUMMARY_HEADERS,
        *(_group_row(group) for group in (board.trust, *board.sites)),
    ]
    key_values(book, "Summary", rows, printing)


# --- Wards ----------------------------------------------------------------------------------

WARD_COLUMNS = (
    ("Rank", 6),
    ("Ward", 20),
    ("Site", 18),
    ("Designation", 11),
    ("Score (%)", 8),
    ("Rating", 9),
    ("Critical breach", 9),
    ("Change since previous audit", 24),
    ("Change since previous period", 24),
    ("Open actions", 8),
    ("Overdue actions", 9),
    ("Date of audit", 11),
    ("Service", 18),
    ("Checklist", 26),
)


def _rating_rules(ws: Any, cells: str, first_cell: str) -> None:
    """Each rating's colour on cells, by the rating in words in ``first_cell``'s column:
    the rating cell itself, and every cell that shows the ward's score."""
    for rating, swatch in WORKBOOK.ratings.items():
        ws.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f'{first_cell}="{rating_word(rating)}"'],
                fill=solid_fill(swatch.fill_rgb),
                font=Font(color=swatch.text_rgb, bold=True),
                stopIfTrue=True,
            ),
        )


def _wards(book: Any, board: Board, printing: Printing) -> None:
    sheet = new_sheet(
        book,
        "Wards",
        [name for name, _ in WARD_COLUMNS],
        [width for _, width in WARD_COLUMNS],
        replace(printing, title_columns=2),
        above=(("Wards ranked", RANKING_RULE),),
        wrapped=(
            "Ward",
            "Site",
            "Service",
            "Checklist",
            "Change since previous audit",
            "Change since previous period",
        ),
        formats={"Score (%)": SCORE_FORMAT, "Date of audit": DATE_FORMAT},
    )
    rows = ranked(board.wards)
    for row in rows:
        figure = row.figure
        sheet.append(
            (
                row.rank,
                figure.ward.name,
                figure.ward.site,
                figure.ward.designation,
                NOT_AUDITED if figure.score is None else figure.score,
                ward_rating_words(figure),
                "Yes" if figure.critical_breach else "No",
                change_words(figure.since_audit) if figure.audited else NOT_AUDITED,
                change_words(figure.since_period, NOT_IN_PREVIOUS_PERIOD)
                if figure.audited
                else NOT_AUDITED,
                figure.open_actions,
                figure.overdue_actions,
                audit_day(figure),
                figure.ward.service,
                figure.checklist or "",
            )
        )
    add_table(sheet, "Wards")
    rating = letter(sheet, "Rating")
    _rating_rules(
        sheet.sheet,
        f"{body(sheet, 'Rating')} {body(sheet, 'Score (%)')}",
        f"${rating}{sheet.first_row}",
    )


# --- Trends ---------------------------------------------------------------------------------


def _trends(book: Any, board: Board, printing: Printing) -> None:
    """Months down, then the trust's and each site's mean and n, then every ward's score."""
    groups: list[tuple[str, Sequence[Any]]] = [("Trust", board.wards)]
    if len(board.sites) > 1:
        groups += [(site.name, wards_of(board, site.name)) for site in board.sites]
    means = [monthly_means(board, wards) for _, wards in groups]
    headers = _unique(
        [
            "Month",
            *(f"{name} mean (%)" for name, _ in groups),
            *(f"{name} wards audited (n)" for name, _ in groups),
            *(f.ward.name for f in board.wards),
        ]
    )
    mean_headers = headers[1 : 1 + len(groups)]
    widths = [11.0] + [max(12.0, min(len(h) + 2.0, 24.0)) for h in headers[1:]]
    sheet = new_sheet(
        book,
        "Trends",
        headers,
        widths,
        replace(printing, title_columns=1),
        formats={
            **dict.fromkeys(mean_headers, SCORE_FORMAT),
            **dict.fromkeys(headers[1 + 2 * len(groups) :], SCORE_FORMAT),
        },
    )
    for index, month in enumerate(board.months):
        sheet.append(
            (
                month_words(month, short=True),
                *(m[index].mean for m in means),
                *(m[index].audited for m in means),
                *(f.trend[index] for f in board.wards),
            )
        )
    add_table(sheet, "Trends")
    _trend_chart(sheet, len(groups), len(board.months))


def _trend_chart(sheet: Sheet, series: int, months: int) -> None:
    """A native line chart of the trust's and each site's mean, from the table's values."""
    ws = sheet.sheet
    chart = LineChart()
    chart.title = "Mean score by month (wards audited that month)"
    chart.y_axis.title = "Mean score (%)"
    chart.x_axis.title = "Month"
    chart.y_axis.number_format = "0"
    chart.y_axis.scaling.max = 100
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.display_blanks = "gap"  # a month with no audit is a gap, never a zero
    chart.height = 9
    chart.width = 22
    data = Reference(ws, min_col=2, max_col=1 + series, min_row=1, max_row=1 + months)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + months))
    dashes = ("solid", "dash", "sysDot", "lgDash", "dashDot", "sysDash", "lgDashDot")
    for index, line in enumerate(chart.series):
        line.smooth = False
        line.marker.symbol = "circle" if index == 0 else "none"
        line.graphicalProperties.line.width = 38100 if index == 0 else 19050  # EMU: 3pt, 1.5pt
        line.graphicalProperties.line.dashStyle = dashes[index % len(dashes)]
    # anchored beside the Month column, which repeats on every page across: a chart over it
    # would print a sliver of itself on each later page
    ws.add_chart(chart, f"B{months + 4}")


# --- Sections -------------------------------------------------------------------------------


def _sections(book: Any, board: Board, printing: Printing) -> None:
    """Wards down, sections across: each ward's latest section scores as a heatmap, beside
    its overall score shaded by its rating (the colour every view gives the ward)."""
    titles = _unique([title for _, title in board.sections])
    headers = _unique(["Ward", "Site", "Overall score (%)", "Rating", *titles])
    sheet = new_sheet(
        book,
        "Sections",
        headers,
        [20, 18, 10, 9] + [max(10, min(len(t) + 2, 20)) for t in titles],
        replace(printing, title_columns=1),
        wrapped=headers[:2],
        formats=dict.fromkeys([headers[2], *headers[4:]], SCORE_FORMAT),
    )
    rows = ranked(board.wards)
    for row in rows:
        figure = row.figure
        if not figure.audited:
            sections: list[object] = [None] * len(board.sections)
            overall: object = NOT_AUDITED
        else:
            sections = [figure.sections.get(section_id) for section_id, _ in board.sections]
            overall = figure.score
        sheet.append(
            (figure.ward.name, figure.ward.site, overall, ward_rating_words(figure), *sections)
        )
    add_table(sheet, "Sections")
    ws = sheet.sheet
    rating = letter(sheet, headers[3])
    _rating_rules(
        ws, f"{body(sheet, headers[2])} {body(sheet, headers[3])}", f"${rating}{sheet.first_row}"
    )
    if not board.sections:
        return
    first = get_column_letter(5)
    last = get_column_letter(4 + len(board.sections))
    cells = f"{first}{sheet.first_row}:{last}{sheet.last_row}"
    # Fixed steps (the PDF's too). Excel gives the first rule that holds its format, so the
    # steps go highest first; a blank cell (no item applies, or not audited) stops at the
    # first rule and stays unshaded rather than counting as a zero.
    ws.conditional_formatting.add(
        cells,
        Rule(
            type="containsBlanks",
            formula=[f"LEN(TRIM({first}{sheet.first_row}))=0"],
            stopIfTrue=True,
        ),
    )
    for step in WORKBOOK.heat:
        ws.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="greaterThanOrEqual",
                formula=[f"{step.lowest:g}"],
                fill=solid_fill(step.swatch.fill_rgb),
                font=Font(color=step.swatch.text_rgb),
                stopIfTrue=True,
            ),
        )


# --- Actions --------------------------------------------------------------------------------

ACTION_COLUMNS = (
    ("Site", 16),
    ("Ward", 16),
    ("Item", 7),
    ("Action", 52),
    ("Owner", 16),
    ("Raised", 11),
    ("Due", 11),
    ("Days overdue", 9),
    ("Band", 10),
    ("Status", 12),
)


def _actions(book: Any, actions: Sequence[Action], today: date, printing: Printing) -> None:
    """The actions still to do, overdue first: real dates, the band coloured and written."""
    sheet = new_sheet(
        book,
        "Actions",
        [name for name, _ in ACTION_COLUMNS],
        [width for _, width in ACTION_COLUMNS],
        printing,
        wrapped=("Site", "Ward", "Action", "Owner"),
        formats={"Raised": DATE_FORMAT, "Due": DATE_FORMAT},
    )
    for action in actions:
        sheet.append(
            (
                action.site_name,
                action.ward_name,
                action.item,
                action.description,
                action.owner,
                raised_on(action),
                action.due,
                overdue_days(action, today) or None,
                action.risk.band_word,
                action.status_word,
            )
        )
    add_table(sheet, "Actions")
    band_rules(sheet.sheet, body(sheet, "Band"), letter(sheet, "Band"), sheet.first_row)


# --- About ----------------------------------------------------------------------------------


def _about(book: Any, board: Board, trust: str, exported: datetime, printing: Printing) -> None:
    """The mark that says the workbook is WardAudit's board report, and what it holds."""
    key_values(
        book,
        "About",
        [
            ("WardAudit board workbook",),
            ("Format", BOARD_FORMAT),
            ("Format version", BOARD_FORMAT_VERSION),
            ("Contents", f"{BOARD_REPORT_TITLE}, {board_period_words(board)}"),
            ("Exported", naive(exported).replace(microsecond=0)),
            ("WardAudit version", __version__),
            ("Trust", trust or "Not set"),
            ("First month", month_words(board.start)),
            ("Last month", month_words(board.end)),
            (),
            ("Sheets",),
            (
                "Summary",
                "The trust's and each site's mean score with n, and the counts behind them.",
            ),
            (
                "Wards",
                f"One row per ward, ranked. {RANKING_RULE} Each ward's change since its "
                "previous audit and since the previous period is in points and rating.",
            ),
            ("Trends", "Each month's means (with n) and every ward's latest score that month."),
            (
                "Sections",
                f"{heat_key_words(WORKBOOK)} The overall score is shaded by the ward's "
                "rating. A blank cell means no item in that section applies to the ward, or "
                "the ward was not audited.",
            ),
            ("Actions", "Open and in-progress actions, overdue first. Dates are dd/mm/yyyy."),
            (
                "Incidents",
                "Sexual safety incidents beside the audits, when incidents have been imported: "
                "by month, by ward with incidents per bed, and by place on each ward.",
            ),
            (
                "Returning updates",
                "This workbook is for reading. Estates return updates on the action plan or "
                "estates work list workbook, not on this one.",
            ),
        ],
        printing,
    )
    props = book.custom_doc_props
    props.append(StringProperty(name="WardAudit format", value=BOARD_FORMAT))
    props.append(IntProperty(name="WardAudit format version", value=BOARD_FORMAT_VERSION))
    props.append(
        StringProperty(name="WardAudit exported", value=exported.isoformat(timespec="seconds"))
    )


# --- the workbook ---------------------------------------------------------------------------


def write_board_report(
    board: Board,
    path: Path | str,
    *,
    actions: Sequence[Action] | None = None,
    trust: str = "",
    incidents: IncidentPage | None = None,
) -> Path:
    """The board report as a workbook: Summary, Wards, Trends, Sections, Actions and About.

    The Actions sheet lists those of ``actions`` still to do on the board's wards, overdue
    first (:func:`wardaudit.board.open_actions`); without ``actions`` it says none were given.
    """
    today = clock.today()
    exported = clock.now()
    period = board_period_words(board)
    book = new_book(
        f"{BOARD_REPORT_TITLE}, {period}",
        "Ward scores and ratings, site and trust means with n, critical breaches, overdue "
        f"actions and trends, {period}",
        trust or "WardAudit",
        keywords=BOARD_FORMAT,
    )
    still_open = None if actions is None else open_actions(board, actions, today)
    listed = [] if still_open is None else still_open[:WORKBOOK_ACTION_LIMIT]

    printing = Printing(f"{BOARD_REPORT_TITLE}, {period}", exported)

    def write(book: Any) -> None:
        _summary(
            book,
            board,
            trust,
            today,
            len(listed),
            None if still_open is None else len(still_open),
            printing,
        )
        _wards(book, board, printing)
        _trends(book, board, printing)
        _sections(book, board, printing)
        _actions(book, listed, today, printing)
        if incidents is not None:
            incident_sheet(book, incidents, printing)
        _about(book, board, trust, exported, printing)

    return save(book, path, write)
