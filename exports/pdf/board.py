"""The board report as a PDF: page 1 for the board, then a page per site, then overdue actions.

A4 landscape like the other WardAudit documents, so the ward table reads across one line
per ward. Page 1 carries the headline figures, what needs attention in words, the sites,
the trust's trend and the ward ranking; a large trust's ranking runs on over the next
pages. Ratings and heatmap shades are always written as words or numbers too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.linecharts import HorizontalLineChart  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing, Group, String  # type: ignore[import-untyped]
from reportlab.graphics.widgets.markers import makeMarker  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    KeepTogether,
    LongTable,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from exports.pdf.base import (
    BAND_FILLS,
    BODY,
    CELL,
    CELL_BOLD,
    FRAME_WIDTH,
    HEADER_FILL,
    INK,
    LEADING,
    OVERDUE_FILL,
    PAD,
    RATING_FILLS,
    SIZE,
    SMALL,
    SUBTITLE,
    TITLE,
    UNKNOWN_BAND_FILL,
    Chart,
    Document,
    Furniture,
    chunk_row,
    colour,
    style,
    table_base,
    text_height,
    write,
)
from exports.pdf.incidents import incident_story
from exports.pdf.typeset import Typesetter
from wardaudit import clock
from wardaudit.actions import overdue_days
from wardaudit.board import (
    Board,
    GroupFigure,
    MonthFigure,
    RankedWard,
    WardFigure,
    audit_day,
    monthly_means,
    open_actions,
    ranked,
    wards_of,
)
from wardaudit.incidents.report import IncidentPage
from wardaudit.model import Action
from wardaudit.palette import PRINT, Swatch
from wardaudit.scoring import display_score
from wardaudit.words import (
    BOARD_REPORT_TITLE,
    BOARD_RULES,
    CHANGE_RULE,
    NONE_MARK,
    NOT_IN_PREVIOUS_PERIOD,
    RANKING_RULE,
    attention_lines,
    board_period_words,
    breach_words,
    change_words,
    comparability_notes,
    group_words,
    heat_key_words,
    judged_under_lines,
    month_words,
    n_words,
    plural,
    previous_period_words,
    scope_name,
    score_words,
    ward_rating_words,
)

# The most overdue actions the PDF lists one by one; the counts always cover every action,
# and the workbook's Actions sheet and the estates work list hold the rest.
PDF_ACTION_LIMIT = 40

HEADING = style("board-heading", 12, bold=True, leading=15)
SUBHEADING = style("board-subheading", 10, bold=True, leading=13)
NOTE = style("board-note", 9, bold=True, leading=11.5)
# the tiles' words are composed around the trust's or site's name: left to right
TILE_LABEL = style("tile-label", 8.5, leading=10.5).ltr()
TILE_FIGURE = style("tile-figure", 20, bold=True, leading=23)
TILE_DETAIL = style("tile-detail", 8, leading=10).ltr()

ROW_PAD = 2  # above and below each table row: the ward table is long in a large trust
MIN_SECTION_WIDTH = 42.0  # points: narrower, and the heatmap gets a table of its own
# A name repeated in a heading or squeezed into a tile is cut to this many lines (it is
# printed whole elsewhere: each site's page, the ranking, the subtitle).
NAME_LINES = 4
CHART_TITLE = style("chart-title", 9, bold=True).ltr()  # composed around a name
CHART_NOTE = style("chart-note", 9)


def _height(row: Sequence[Any]) -> float | None:
    """A row's height from its lines, with this report's tighter padding."""
    height = text_height(row)
    return None if height is None else height - 6 + 2 * ROW_PAD


def _tight(commands: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [
        *commands,
        ("TOPPADDING", (0, 0), (-1, -1), ROW_PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), ROW_PAD),
    ]


# --- page 1 ---------------------------------------------------------------------------------


def _tiles(ts: Typesetter, board: Board, today: date) -> Any:
    """The four headline figures, each with what it counts."""
    trust = board.trust
    audited = trust.audited
    tiles = [
        (
            f"{scope_name(board)} mean score",
            score_words(trust.mean),
            n_words(trust),
        ),
        (
            "Wards rated Red",
            str(trust.red),
            f"of {plural(audited, 'ward')} audited",
        ),
        (
            "Critical breaches",
            str(trust.critical_breaches),
            "wards with a critical item answered No",
        ),
        (
            "Overdue actions",
            str(trust.overdue_actions),
            f"of {trust.open_actions} open or in progress on {clock.uk_date(today)}",
        ),
    ]
    width = FRAME_WIDTH / len(tiles)
    inner = width - 12
    cells = [
        [
            ts.para(ts.fit(label, inner, TILE_LABEL, 3), TILE_LABEL),
            ts.para(figure, TILE_FIGURE),
            ts.para(ts.fit(detail, inner, TILE_DETAIL, 3), TILE_DETAIL),
        ]
        for label, figure, detail in tiles
    ]
    table = Table([cells], colWidths=[width] * len(cells), hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), 0.8, INK),
        ("INNERGRID", (0, 0), (-1, -1), 0.8, INK),
        ("FONT", (0, 0), (-1, -1), ts.font, SIZE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    # Counts that need the board's attention get the header shade: never colour alone.
    for index, count in enumerate((trust.red, trust.critical_breaches, trust.overdue_actions), 1):
        if count:
            commands.append(("BACKGROUND", (index, 0), (index, 0), HEADER_FILL))
    table.setStyle(TableStyle(commands))
    return table


def _sites_table(ts: Typesetter, board: Board, width: float) -> Any:
    """Each site's mean with its n, and the trust's, with the counts behind them."""
    headers = [
        "Site",
        "Mean score (n = wards audited)",
        "Red\nwards",
        "Critical\nbreaches",
        "Open\nactions",
        "Overdue\nactions",
    ]
    fixed = [30.0, 40.0, 36.0, 40.0]
    rest = width - sum(fixed)
    widths = [rest * 0.42, rest * 0.58, *fixed]
    rows: list[list[Any]] = [headers]
    groups: list[GroupFigure] = list(board.sites)
    if len(board.sites) != 1:
        groups.append(board.trust)
    for group in groups:
        heavy = group is board.trust
        # this table sits beside the chart and cannot run on: a long name is cut here and
        # printed whole on the site's own page
        name = ts.fit(group.name, widths[0] - 2 * PAD, CELL_BOLD if heavy else CELL, NAME_LINES)
        rows.append(
            [
                ts.cell(name, widths[0], CELL, bold=heavy),
                ts.cell(group_words(group), widths[1], CELL, bold=heavy),
                str(group.red),
                str(group.critical_breaches),
                str(group.open_actions),
                str(group.overdue_actions),
            ]
        )
    commands = _tight(table_base(ts))
    commands.append(("ALIGN", (2, 1), (-1, -1), "RIGHT"))
    if len(board.sites) != 1:
        commands += [
            ("FONT", (0, -1), (-1, -1), ts.bold, SIZE, LEADING),
            ("LINEABOVE", (0, -1), (-1, -1), 1.2, INK),
        ]
    return Table(
        rows,
        colWidths=widths,
        rowHeights=[_height(r) for r in rows],
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _trend_chart(
    ts: Typesetter, months: Sequence[MonthFigure], width: float, height: float, title: str
) -> Any:
    """The mean score by month as a line, each month's mean and n written beneath it."""
    drawing = Drawing(width, height)
    chart_with_title = Chart(ts, drawing)
    chart_with_title.label(title, 0, height - 10, CHART_TITLE, width=width)
    values = [m.mean for m in months if m.mean is not None]
    if not values:
        chart_with_title.label(
            "No ward was audited in the period.", 0, height / 2, CHART_NOTE, width=width
        )
        return chart_with_title
    low = max(0.0, min(values) - 5)
    low = float(int(low // 10 * 10))
    chart = HorizontalLineChart()
    label_band = 34.0  # month, mean and n under the axis
    chart.x = 30
    chart.y = label_band
    chart.width = width - chart.x - 6
    chart.height = height - chart.y - 18
    chart.data = [[m.mean for m in months]]
    chart.joinedLines = 1
    chart.lines[0].strokeColor = INK
    chart.lines[0].strokeWidth = 1.6
    chart.lines[0].symbol = makeMarker("FilledCircle")
    chart.lines[0].symbol.size = 4
    chart.lines[0].symbol.fillColor = INK
    chart.lines[0].symbol.strokeColor = INK
    chart.valueAxis.valueMin = low
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 10 if 100 - low > 20 else 5
    chart.valueAxis.labels.fontName = ts.font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colour("#D5DAE0")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.categoryNames = ["" for _ in months]
    chart.categoryAxis.labels.fontSize = 1
    chart.categoryAxis.labels.fontName = ts.font
    chart.categoryAxis.strokeColor = INK
    drawing.add(chart)
    # Each month's label, mean and n, written under the axis by hand: the chart's own labels
    # cannot say which months had no audit.
    labels = Group()
    step = chart.width / len(months)
    for index, month in enumerate(months):
        x = chart.x + step * (index + 0.5)
        name = month_words(month.month, short=True).split()
        texts = [
            (f"{name[0]} {name[1][2:]}", ts.bold),
            (NONE_MARK if month.mean is None else display_score(month.mean), ts.font),
            (f"n={month.audited}", ts.font),
        ]
        for line, (text, font) in enumerate(texts):
            labels.add(
                String(
                    x,
                    label_band - 10 - line * 8,
                    text,
                    fontName=font,
                    fontSize=6.5 if len(months) <= 13 else 5.5,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
    drawing.add(labels)
    return chart_with_title


CHANGE_WIDTH = 92.0


def _ward_columns(with_site: bool, with_change: bool = False) -> list[tuple[str, float]]:
    columns = [
        ("Rank", 28.0),
        ("Ward", 0.0),
        ("Site", 0.0),
        ("Designation", 50.0),
        ("Score", 44.0),
        ("Rating", 50.0),
        ("Critical\nbreach", 38.0),
        ("Open\nactions", 34.0),
        ("Overdue\nactions", 38.0),
        ("Date of\naudit", 46.0),
    ]
    if with_change:
        columns += [
            ("Change since\nprevious audit", CHANGE_WIDTH),
            ("Change since\nprevious period", CHANGE_WIDTH),
        ]
    if not with_site:
        columns = [c for c in columns if c[0] != "Site"]
    return columns


def _change_cells(ts: Typesetter, figure: WardFigure) -> list[Any]:
    """A ward's change since its previous audit and period, in words, the direction written
    ("Up 4.2 points, Amber to Green") so it never rests on a glyph or a colour."""
    if not figure.audited:
        return [NONE_MARK, NONE_MARK]
    since_period = change_words(figure.since_period, NOT_IN_PREVIOUS_PERIOD, arrow=False)
    return [
        ts.cell(change_words(figure.since_audit, arrow=False), CHANGE_WIDTH, CELL),
        ts.cell(since_period, CHANGE_WIDTH, CELL),
    ]


def _ward_cells(
    ts: Typesetter,
    figure: WardFigure,
    ward_width: float,
    site_width: float | None = None,
    *,
    with_change: bool = False,
) -> list[Any]:
    """A ward's cells after its rank: the site's only when ``site_width`` is given."""
    cells = [ts.cell(figure.ward.name, ward_width, CELL)]
    if site_width is not None:
        cells.append(ts.cell(figure.ward.site, site_width, CELL))
    when = audit_day(figure)
    cells += [
        figure.ward.designation,
        score_words(figure.score),
        ward_rating_words(figure),
        breach_words(figure),
        str(figure.open_actions),
        str(figure.overdue_actions),
        clock.uk_date(when) if when else NONE_MARK,
    ]
    if with_change:
        cells += _change_cells(ts, figure)
    return cells


def _ward_styles(
    ts: Typesetter,
    figures: Sequence[WardFigure],
    rows: Sequence[int],
    rating_col: int,
    breach_col: int,
    overdue_col: int,
) -> list[tuple[Any, ...]]:
    """Rating cells in the rating's colour (with its word), breaches and overdue counts
    bold; ``rows`` holds each ward's first table row."""
    commands: list[tuple[Any, ...]] = []
    for row, figure in zip(rows, figures, strict=True):
        fill = RATING_FILLS.get(figure.rating or "") if figure.audited else None
        if fill is not None:
            commands += [
                ("BACKGROUND", (rating_col, row), (rating_col, row), fill[0]),
                ("TEXTCOLOR", (rating_col, row), (rating_col, row), fill[1]),
                ("FONT", (rating_col, row), (rating_col, row), ts.bold, SIZE, LEADING),
            ]
        if figure.critical_breach:
            commands.append(("FONT", (breach_col, row), (breach_col, row), ts.bold, SIZE, LEADING))
        if figure.overdue_actions:
            commands += [
                ("BACKGROUND", (overdue_col, row), (overdue_col, row), OVERDUE_FILL),
                ("FONT", (overdue_col, row), (overdue_col, row), ts.bold, SIZE, LEADING),
            ]
    return commands


def _widths(columns: Sequence[tuple[str, float]], width: float) -> list[float]:
    flexible = [c for c in columns if c[1] == 0.0]
    spare = width - sum(c[1] for c in columns)
    return [c[1] or spare / len(flexible) for c in columns]


def _rows(
    rows: Sequence[list[Any]],
    widths: Sequence[float],
    continued: Sequence[Callable[[], Sequence[Any]]] | None = None,
) -> tuple[list[list[Any]], list[int]]:
    """Each ward's or action's cells as table rows (a long text continues in the rows
    below, marked by ``continued``), and each one's first row."""
    data: list[list[Any]] = []
    firsts: list[int] = []
    for index, cells in enumerate(rows):
        firsts.append(len(data))
        data += chunk_row(cells, widths, continued=continued[index] if continued else None)
    return data, firsts


def _ranking_table(ts: Typesetter, wards: Sequence[RankedWard]) -> Any:
    columns = _ward_columns(with_site=True, with_change=True)
    widths = _widths(columns, FRAME_WIDTH)
    widths[1] = widths[1] + 20  # ward names run longer than site names
    widths[2] = widths[2] - 20
    body, firsts = _rows(
        [
            [
                NONE_MARK if w.rank is None else str(w.rank),
                *_ward_cells(ts, w.figure, widths[1], widths[2], with_change=True),
            ]
            for w in wards
        ],
        widths,
    )
    data: list[list[Any]] = [[name for name, _ in columns], *body]
    commands = _tight(table_base(ts))
    commands += [
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("ALIGN", (4, 1), (4, -1), "RIGHT"),
        ("ALIGN", (7, 1), (8, -1), "RIGHT"),
        ("FONT", (4, 1), (4, -1), ts.bold, SIZE, LEADING),
    ]
    commands += _ward_styles(ts, [w.figure for w in wards], [r + 1 for r in firsts], 5, 6, 8)
    return LongTable(
        data,
        colWidths=widths,
        rowHeights=[_height(r) for r in data],
        repeatRows=1,
        style=TableStyle(commands),
    )


# --- a page per site ------------------------------------------------------------------------


def _heat_cells(
    figure: WardFigure, sections: Sequence[tuple[str, str]]
) -> tuple[list[str], list[tuple[int, Swatch] | None]]:
    cells: list[str] = []
    shades: list[tuple[int, Swatch] | None] = []
    for index, (section_id, _title) in enumerate(sections):
        score = figure.sections.get(section_id)
        if score is None:
            cells.append(NONE_MARK if figure.audited else "")
            shades.append(None)
        else:
            cells.append(display_score(score))
            shades.append((index, PRINT.heat_step(score)))
    return cells, shades


def _heat_commands(
    shades: Sequence[Sequence[tuple[int, Swatch] | None]], rows: Sequence[int], first_col: int
) -> list[tuple[Any, ...]]:
    commands: list[tuple[Any, ...]] = []
    for row, marks in zip(rows, shades, strict=True):
        for mark in marks:
            if mark is None:
                continue
            column, swatch = first_col + mark[0], mark[1]
            commands.append(("BACKGROUND", (column, row), (column, row), colour(swatch.fill)))
            if swatch.text != "#000000":
                commands.append(("TEXTCOLOR", (column, row), (column, row), colour(swatch.text)))
    return commands


def _site_table(ts: Typesetter, board: Board, figures: Sequence[RankedWard]) -> list[Any]:
    """The site's wards with the sections heatmap in the same rows when it fits the page."""
    columns = _ward_columns(with_site=False)
    columns = [c for c in columns if c[0] != "Rank"]
    sections = board.sections
    fixed = sum(c[1] for c in columns)
    ward_width = 110.0
    section_width = (FRAME_WIDTH - fixed - ward_width) / max(len(sections), 1)
    together = bool(sections) and section_width >= MIN_SECTION_WIDTH
    if together:
        widths = [ward_width if c[1] == 0.0 else c[1] for c in columns]
        widths += [section_width] * len(sections)
    else:
        widths = _widths(columns, FRAME_WIDTH)
    headers: list[Any] = [name for name, _ in columns]
    if together:
        headers += [_section_header(ts, title, section_width) for _, title in sections]
    rows: list[list[Any]] = []
    shades = []
    for ranked_ward in figures:
        figure = ranked_ward.figure
        cells = _ward_cells(ts, figure, widths[0])
        if together:
            heat, marks = _heat_cells(figure, sections)
            cells += heat
            shades.append(marks)
        rows.append(cells)
    body, firsts = _rows(rows, widths)
    data: list[list[Any]] = [headers, *body]
    firsts = [r + 1 for r in firsts]
    commands = _tight(table_base(ts))
    commands += [
        ("ALIGN", (2, 1), (2, -1), "RIGHT"),
        ("ALIGN", (5, 1), (6, -1), "RIGHT"),
        ("FONT", (2, 1), (2, -1), ts.bold, SIZE, LEADING),
    ]
    commands += _ward_styles(ts, [w.figure for w in figures], firsts, 3, 4, 6)
    if together:
        first = len(columns)
        commands += [
            ("ALIGN", (first, 1), (-1, -1), "RIGHT"),
            ("LINEBEFORE", (first, 0), (first, -1), 1.2, INK),
        ]
        commands += _heat_commands(shades, firsts, first)
    story: list[Any] = [
        LongTable(
            data,
            colWidths=widths,
            rowHeights=[_height(r) for r in data],
            repeatRows=1,
            style=TableStyle(commands),
            hAlign="LEFT",
        )
    ]
    if not together and sections:
        story += [
            Spacer(1, 3 * mm),
            ts.para("Section scores", SUBHEADING),
            _heat_table(ts, board, figures),
        ]
    return story


def _section_header(ts: Typesetter, title: str, width: float) -> Any:
    """A section's title as a column heading, repeated on every page: cut to a few lines
    (the checklist and the action plan hold it whole)."""
    return ts.cell(ts.fit(title, width - 2 * PAD, CELL_BOLD, NAME_LINES), width, CELL, bold=True)


def _heat_table(ts: Typesetter, board: Board, figures: Sequence[RankedWard]) -> Any:
    """The sections heatmap on its own, for a checklist with too many sections to sit beside
    the ward figures."""
    sections = board.sections
    ward_width = 110.0
    width = (FRAME_WIDTH - ward_width) / len(sections)
    widths = [ward_width] + [width] * len(sections)
    headers: list[Any] = ["Ward", *(_section_header(ts, title, width) for _, title in sections)]
    rows: list[list[Any]] = []
    shades = []
    for ranked_ward in figures:
        heat, marks = _heat_cells(ranked_ward.figure, sections)
        rows.append([ts.cell(ranked_ward.figure.ward.name, ward_width, CELL), *heat])
        shades.append(marks)
    body, firsts = _rows(rows, widths)
    data: list[list[Any]] = [headers, *body]
    commands = [*_tight(table_base(ts)), ("ALIGN", (1, 1), (-1, -1), "RIGHT")]
    commands += _heat_commands(shades, [r + 1 for r in firsts], 1)
    return LongTable(
        data,
        colWidths=widths,
        rowHeights=[_height(r) for r in data],
        repeatRows=1,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _site_page(ts: Typesetter, board: Board, site: GroupFigure) -> list[Any]:
    figures = wards_of(board, site.name)
    ordered = ranked(figures)
    not_audited = [f.ward.name for f in figures if not f.audited]
    line = (
        f"Site mean {group_words(site)}. Wards rated Red: {site.red}. Critical breaches: "
        f"{site.critical_breaches}. Open actions: {site.open_actions}, of which overdue: "
        f"{site.overdue_actions}."
    )
    if not_audited:
        line += f" Not audited in the period: {', '.join(not_audited)}."
    return [
        PageBreak(),
        ts.para(site.name, TITLE),
        Spacer(1, 1.5 * mm),
        ts.para(line, BODY),
        Spacer(1, 3 * mm),
        *_site_table(ts, board, ordered),
        Spacer(1, 2 * mm),
        ts.para(
            f"{heat_key_words(PRINT)} '–' means no item in that section applies to the ward. "
            f"{RANKING_RULE}",
            SMALL,
        ),
    ]


# --- overdue actions ------------------------------------------------------------------------


def _overdue_section(
    ts: Typesetter, board: Board, actions: Sequence[Action], today: date
) -> list[Any]:
    still_open = open_actions(board, actions, today)
    overdue = [a for a in still_open if a.is_overdue(today)]
    heading = (
        f"Overdue actions, most serious first ({len(overdue)} overdue of "
        f"{len(still_open)} open or in progress)"
    )
    story: list[Any] = [PageBreak(), ts.para(heading, HEADING), Spacer(1, 1.5 * mm)]
    if not overdue:
        return [*story, ts.para("No action on these wards is past its due date.", BODY)]
    shown = overdue[:PDF_ACTION_LIMIT]
    if len(overdue) > len(shown):
        story.append(
            ts.para(
                f"The {len(shown)} most serious are listed here, by risk band and then the "
                f"oldest due date; the workbook's Actions sheet and the estates work list hold "
                f"the rest.",
                SMALL,
            )
        )
    story.append(ts.para("Dates are dd/mm/yyyy.", SMALL))
    story.append(Spacer(1, 2 * mm))
    columns = [
        ("Band", 44.0),
        ("Site", 80.0),
        ("Ward", 80.0),
        ("Item", 26.0),
        ("Action", 0.0),
        ("Owner", 70.0),
        ("Due", 46.0),
        ("Days\noverdue", 38.0),
        ("Status", 48.0),
    ]
    widths = _widths(columns, FRAME_WIDTH)
    rows: list[list[Any]] = []
    marks = [_continued_marks(ts, action, widths) for action in shown]
    for action in shown:
        rows.append(
            [
                ts.cell(action.risk.band_word, widths[0], CELL_BOLD),
                ts.cell(action.site_name, widths[1], CELL),
                ts.cell(action.ward_name, widths[2], CELL),
                ts.cell(action.item, widths[3], CELL),
                ts.cell(action.description, widths[4], CELL),
                ts.cell(action.owner, widths[5], CELL),
                clock.uk_date(action.due),
                str(overdue_days(action, today)),
                ts.cell(action.status_word, widths[8], CELL),
            ]
        )
    body, firsts = _rows(rows, widths, marks)
    data: list[list[Any]] = [[name for name, _ in columns], *body]
    commands = [
        *_tight(table_base(ts)),
        ("FONT", (0, 1), (0, -1), ts.bold, SIZE, LEADING),
        ("ALIGN", (7, 1), (7, -1), "RIGHT"),
    ]
    for index, action in enumerate(shown):
        top = firsts[index] + 1
        bottom = firsts[index + 1] if index + 1 < len(firsts) else len(body)
        fill, text = BAND_FILLS.get(action.risk.band, UNKNOWN_BAND_FILL)
        commands += [
            ("BACKGROUND", (0, top), (0, bottom), fill),
            ("TEXTCOLOR", (0, top), (0, bottom), text),
        ]
    story.append(
        LongTable(
            data,
            colWidths=widths,
            rowHeights=[_height(r) for r in data],
            repeatRows=1,
            style=TableStyle(commands),
        )
    )
    return story


def _continued_marks(
    ts: Typesetter, action: Action, widths: Sequence[float]
) -> Callable[[], list[Any]]:
    """What a row that continues an action's long text shows, so that a reader landing on
    the next page knows which action it is: its band, site, ward (cut to two lines) and
    item."""

    def marks() -> list[Any]:
        row: list[Any] = [""] * len(widths)
        row[0] = ts.cell(action.risk.band_word, widths[0], CELL_BOLD)
        row[1] = ts.cell(ts.fit(action.site_name, widths[1] - 2 * PAD, CELL, 2), widths[1], CELL)
        ward = ts.fit(action.ward_name, widths[2] - 2 * PAD, CELL, 2)
        row[2] = ts.cell(f"{ward}\n(continued)", widths[2], CELL)
        row[3] = ts.cell(action.item, widths[3], CELL)
        return row

    return marks


# --- the document ---------------------------------------------------------------------------


def write_board_report(
    board: Board,
    path: Path | str,
    *,
    actions: Sequence[Action] | None = None,
    trust: str = "",
    incidents: IncidentPage | None = None,
) -> Path:
    """The board report as a PDF: a one-page summary and ranking, a page per site, and the
    most serious overdue actions when ``actions`` are given (those still to do on the
    board's wards are listed: :func:`wardaudit.board.open_actions`)."""
    today = clock.today()
    exported = clock.uk_datetime(clock.now())

    def compose(ts: Typesetter) -> Document:
        return _board_report(ts, board, actions, trust, today, exported, incidents)

    return write(path, compose)


def _board_report(
    ts: Typesetter,
    board: Board,
    actions: Sequence[Action] | None,
    trust: str,
    today: date,
    exported: str,
    incidents: IncidentPage | None = None,
) -> Document:
    period = board_period_words(board)
    sites, wards = len(board.sites), len(board.wards)
    counts = f"{plural(sites, 'site')}, {plural(wards, 'ward')}"
    subtitle = f"{trust + '. ' if trust else ''}{period}. {counts}."
    story: list[Any] = [
        ts.para(BOARD_REPORT_TITLE, TITLE),
        Spacer(1, 1.5 * mm),
        ts.para(subtitle, SUBTITLE.ltr()),
        Spacer(1, 3 * mm),
    ]
    for note in comparability_notes(board):
        story += [ts.para(note, NOTE if board.notes else SMALL), Spacer(1, 2 * mm)]
    story += [_tiles(ts, board, today), Spacer(1, 2.5 * mm)]
    for line in attention_lines(board):
        story.append(ts.para(line, NOTE))
    story.append(Spacer(1, 3 * mm))

    chart_width = FRAME_WIDTH * 0.44
    sites_width = FRAME_WIDTH - chart_width - 8 * mm
    months = monthly_means(board, board.wards)
    chart = _trend_chart(
        ts,
        months,
        chart_width,
        122,
        f"{scope_name(board)} mean score by month (mean of the wards audited that month)",
    )
    side_by_side = Table(
        [[_sites_table(ts, board, sites_width), chart]],
        colWidths=[sites_width + 8 * mm, chart_width],
        hAlign="LEFT",
    )
    side_by_side.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), ts.font, SIZE),  # a cell's own font, never Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [side_by_side, Spacer(1, 3 * mm)]
    story += [
        CondPageBreak(60 * mm),
        KeepTogether(
            [
                ts.para("Wards ranked by rating, then score", SUBHEADING),
                ts.para(
                    f"{RANKING_RULE} A ward's score is its latest completed audit in the "
                    "period. "
                    + CHANGE_RULE.format(previous=previous_period_words(board)).replace(
                        ": ▲ up, ▼ down", ""
                    )
                    + " Dates are dd/mm/yyyy.",
                    SMALL,
                ),
                Spacer(1, 1.5 * mm),
            ]
        ),
        _ranking_table(ts, ranked(board.wards)),
    ]
    judged = " ".join(judged_under_lines(board))
    story += [Spacer(1, 1.5 * mm), ts.para(f"{' '.join(BOARD_RULES)} {judged}".strip(), SMALL)]
    for site in board.sites:
        story += _site_page(ts, board, site)
    if incidents is not None:
        story += incident_story(ts, incidents)
    if actions is not None:
        story += _overdue_section(ts, board, actions, today)

    furniture = Furniture(
        ts,
        header_left=f"WardAudit board report{': ' + trust if trust else ''}",
        header_right=period,
        footer_left=f"Exported {exported} · dates dd/mm/yyyy",
        footer_right=f"{period} · {counts}",
    )
    return Document(
        story,
        furniture,
        title=f"{BOARD_REPORT_TITLE}, {period}",
        author=trust or "WardAudit",
        subject=(
            f"Ward scores and ratings, site and trust means with n, critical breaches, "
            f"overdue actions and trends, {period}"
        ),
        keywords=["WardAudit", "board report", board.start, board.end],
    )
