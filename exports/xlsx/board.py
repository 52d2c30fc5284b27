"""The board report as a workbook: Summary, Wards, Trends, Sections, Actions and About.

Every figure is a value (a score is a number shown to one decimal, a date a real date), so
the workbook reads the same in any spreadsheet without recalculating. Site and trust means
sit beside their n; a ward not audited says so in words and is never a zero. Written with
the action workbooks' write-only helpers, so a 200-ward trust takes well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    HEADER_FILL,
    SCORE_FORMAT,
    Column,
    Sheet,
    add_table,
    band_rules,
    key_values,
    landscape_a4,
    letter,
    naive,
    new_book,
    new_sheet,
    save,
    solid_fill,
)
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
from wardaudit.model import Action
from wardaudit.palette import WORKBOOK
from wardaudit.words import (
    BOARD_REPORT_TITLE,
    BOARD_RULES,
    JUDGED_UNDER,
    NOT_AUDITED,
    board_period_words,
    checklist_words,
    group_words,
    heat_key_words,
    judged_with_counts,
    month_words,
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
SUMMARY_WIDTHS = (30, 36, 15, 16, 9, 15, 16, 13, 15)


def _group_row(group: GroupFigure) -> tuple[object, ...]:
    return (
        group.name,
        group_words(group),
        NOT_AUDITED if group.mean is None else group.mean,
        group.audited,
        group.wards,
        group.red,
        group.critical_breaches,
        group.open_actions,
        group.overdue_actions,
    )


def _summary(
    book: Any, board: Board, trust: str, today: date, listed: int, still_open: int | None
) -> None:
    sheet = book.create_sheet("Summary")
    for index, width in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    landscape_a4(sheet)  # before the first row is written
    label = Column(sheet, bold=True)
    header = Column(sheet, bold=True, wrap=True, fill=HEADER_FILL)
    value = Column(sheet)
    score = Column(sheet, number_format=SCORE_FORMAT)
    day = Column(sheet, number_format=DATE_FORMAT)
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
        ("Actions sheet", actions_note),
        ("Counted on", today),
        (),
    ]
    for row in rows:
        cells: list[Any] = []
        for position, item in enumerate(row):
            if position == 0:
                cells.append(label.fresh(item))
            elif isinstance(item, date):
                cells.append(day.fresh(item))
            else:
                cells.append(value.fresh(item))
        sheet.append(cells)
    sheet.append([header.fresh(name) for name in SUMMARY_HEADERS])
    groups = [board.trust, *board.sites]
    for group in groups:
        cells = []
        for position, item in enumerate(_group_row(group)):
            if position == 0:
                cells.append(label.fresh(item))
            elif isinstance(item, float):
                cells.append(score.fresh(item))
            else:
                cells.append(value.fresh(item))
        sheet.append(cells)


# --- Wards ----------------------------------------------------------------------------------

WARD_COLUMNS = (
    ("Rank", 7),
    ("Ward", 24),
    ("Site", 24),
    ("Designation", 12),
    ("Service", 22),
    ("Score (%)", 10),
    ("Rating", 12),
    ("Critical breach", 10),
    ("Open actions", 9),
    ("Overdue actions", 10),
    ("Date of audit", 12),
    ("Checklist", 34),
)


def _rating_rules(ws: Any, cells: str, first_cell: str) -> None:
    """Each rating's colour on cells that also say the rating in words."""
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


def _wards(book: Any, board: Board) -> None:
    sheet = new_sheet(
        book,
        "Wards",
        [name for name, _ in WARD_COLUMNS],
        [width for _, width in WARD_COLUMNS],
        wrapped=("Checklist",),
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
                figure.ward.service,
                NOT_AUDITED if figure.score is None else figure.score,
                ward_rating_words(figure),
                "Yes" if figure.critical_breach else "No",
                figure.open_actions,
                figure.overdue_actions,
                audit_day(figure),
                figure.checklist or "",
            )
        )
    add_table(sheet, "Wards", len(rows))
    rating = letter(sheet, "Rating")
    _rating_rules(sheet.sheet, f"{rating}2:{rating}{max(len(rows), 1) + 1}", f"${rating}2")


# --- Trends ---------------------------------------------------------------------------------


def _trends(book: Any, board: Board) -> None:
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
    add_table(sheet, "Trends", len(board.months))
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
    ws.add_chart(chart, f"A{months + 4}")


# --- Sections -------------------------------------------------------------------------------


def _sections(book: Any, board: Board) -> None:
    """Wards down, sections across: each ward's latest section scores as a heatmap."""
    titles = _unique([title for _, title in board.sections])
    headers = _unique(["Ward", "Site", "Overall score (%)", *titles])
    sheet = new_sheet(
        book,
        "Sections",
        headers,
        [24, 24, 12] + [max(12, min(len(t) + 2, 28)) for t in titles],
        formats=dict.fromkeys(headers[2:], SCORE_FORMAT),
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
        sheet.append((figure.ward.name, figure.ward.site, overall, *sections))
    add_table(sheet, "Sections", len(rows))
    if not board.sections:
        return
    first = get_column_letter(4)
    last = get_column_letter(3 + len(board.sections))
    cells = f"{first}2:{last}{max(len(rows), 1) + 1}"
    # Fixed steps (the PDF's too). Excel gives the first rule that holds its format, so the
    # steps go highest first; a blank cell (no item applies, or not audited) stops at the
    # first rule and stays unshaded rather than counting as a zero.
    ws = sheet.sheet
    ws.conditional_formatting.add(
        cells, Rule(type="containsBlanks", formula=[f"LEN(TRIM({first}2))=0"], stopIfTrue=True)
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
    ("Site", 20),
    ("Ward", 18),
    ("Item", 7),
    ("Action", 64),
    ("Owner", 16),
    ("Raised", 11),
    ("Due", 11),
    ("Days overdue", 9),
    ("Band", 10),
    ("Status", 12),
)


def _actions(book: Any, actions: Sequence[Action], today: date) -> None:
    """The actions still to do, overdue first: real dates, the band coloured and written."""
    sheet = new_sheet(
        book,
        "Actions",
        [name for name, _ in ACTION_COLUMNS],
        [width for _, width in ACTION_COLUMNS],
        wrapped=("Action",),
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
    add_table(sheet, "Actions", len(actions))
    last = max(len(actions), 1) + 1
    band = letter(sheet, "Band")
    band_rules(sheet.sheet, f"{band}2:{band}{last}", band)


# --- About ----------------------------------------------------------------------------------


def _about(book: Any, board: Board, trust: str, exported: datetime) -> None:
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
                "One row per ward, ranked by score; Not audited where the ward had no audit.",
            ),
            ("Trends", "Each month's means (with n) and every ward's latest score that month."),
            (
                "Sections",
                f"{heat_key_words(WORKBOOK)} A blank cell means no item in that section applies to the ward, "
                "or the ward was not audited.",
            ),
            ("Actions", "Open and in-progress actions, overdue first. Dates are dd/mm/yyyy."),
            (
                "Returning updates",
                "This workbook is for reading. Estates return updates on the action plan or "
                "estates work list workbook, not on this one.",
            ),
        ],
    )
    props = book.custom_doc_props
    props.append(StringProperty(name="WardAudit format", value=BOARD_FORMAT))
    props.append(IntProperty(name="WardAudit format version", value=BOARD_FORMAT_VERSION))
    props.append(
        StringProperty(name="WardAudit exported", value=exported.isoformat(timespec="seconds"))
    )


# --- the workbook ---------------------------------------------------------------------------


def write_board_report(
    board: Board, path: Path | str, *, actions: Sequence[Action] | None = None, trust: str = ""
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

    def write(book: Any) -> None:
        _summary(
            book,
            board,
            trust,
            today,
            len(listed),
            None if still_open is None else len(still_open),
        )
        _wards(book, board)
        _trends(book, board)
        _sections(book, board)
        _actions(book, listed, today)
        _about(book, board, trust, exported)

    return save(book, path, write)
