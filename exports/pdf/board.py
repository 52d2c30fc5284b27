"""The board report as a PDF: page 1 for the board, then a page per site, then overdue actions.

A4 landscape like the other WardAudit documents, so the ward table reads across one line
per ward. Page 1 carries the headline figures, what needs attention in words, the sites,
the trust's trend and the ward ranking; a large trust's ranking runs on over the next
pages. Ratings and heatmap shades are always written as words or numbers too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.linecharts import HorizontalLineChart  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing, Group, String  # type: ignore[import-untyped]
from reportlab.graphics.widgets.markers import makeMarker  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from exports.pdf.base import (
    BAND_FILLS,
    BODY,
    BOLD,
    FONT,
    FRAME_WIDTH,
    HEADER_FILL,
    INK,
    LEADING,
    OVERDUE_FILL,
    RATING_FILLS,
    SIZE,
    SMALL,
    SUBTITLE,
    TITLE,
    UNKNOWN_BAND_FILL,
    Furniture,
    build,
    colour,
    para,
    style,
    table_base,
    text_height,
    wrap,
)
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
from wardaudit.model import Action
from wardaudit.palette import PRINT, Swatch
from wardaudit.scoring import display_score
from wardaudit.words import (
    BOARD_REPORT_TITLE,
    BOARD_RULES,
    NONE_MARK,
    attention_lines,
    board_period_words,
    breach_words,
    group_words,
    heat_key_words,
    judged_under_lines,
    month_words,
    n_words,
    plural,
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
TILE_LABEL = style("tile-label", 8.5, leading=10.5)
TILE_FIGURE = style("tile-figure", 20, bold=True, leading=23)
TILE_DETAIL = style("tile-detail", 8, leading=10)

ROW_PAD = 2  # above and below each table row: the ward table is long in a large trust
MIN_SECTION_WIDTH = 42.0  # points: narrower, and the heatmap gets a table of its own


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


def _tiles(board: Board, today: date) -> Any:
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
    cells = [
        [
            Paragraph(escape(label), TILE_LABEL),
            Paragraph(escape(figure), TILE_FIGURE),
            Paragraph(escape(detail), TILE_DETAIL),
        ]
        for label, figure, detail in tiles
    ]
    width = FRAME_WIDTH / len(cells)
    table = Table([cells], colWidths=[width] * len(cells), hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), 0.8, INK),
        ("INNERGRID", (0, 0), (-1, -1), 0.8, INK),
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


def _sites_table(board: Board, width: float) -> Any:
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
        rows.append(
            [
                wrap(group.name, widths[0], BOLD if group is board.trust else FONT),
                wrap(group_words(group), widths[1], BOLD if group is board.trust else FONT),
                str(group.red),
                str(group.critical_breaches),
                str(group.open_actions),
                str(group.overdue_actions),
            ]
        )
    commands = _tight(table_base())
    commands.append(("ALIGN", (2, 1), (-1, -1), "RIGHT"))
    if len(board.sites) != 1:
        commands += [
            ("FONT", (0, -1), (-1, -1), BOLD, SIZE, LEADING),
            ("LINEABOVE", (0, -1), (-1, -1), 1.2, INK),
        ]
    return Table(
        rows,
        colWidths=widths,
        rowHeights=[_height(r) for r in rows],
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _trend_chart(months: Sequence[MonthFigure], width: float, height: float, title: str) -> Any:
    """The mean score by month as a line, each month's mean and n written beneath it."""
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, title, fontName=BOLD, fontSize=9, fillColor=INK))
    values = [m.mean for m in months if m.mean is not None]
    if not values:
        drawing.add(
            String(
                0,
                height / 2,
                "No ward was audited in the period.",
                fontName=FONT,
                fontSize=9,
                fillColor=INK,
            )
        )
        return drawing
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
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colour("#D5DAE0")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.categoryNames = ["" for _ in months]
    chart.categoryAxis.labels.fontSize = 1
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
            (f"{name[0]} {name[1][2:]}", BOLD),
            (NONE_MARK if month.mean is None else display_score(month.mean), FONT),
            (f"n={month.audited}", FONT),
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
    return drawing


def _ward_columns(with_site: bool) -> list[tuple[str, float]]:
    columns = [
        ("Rank", 28.0),
        ("Ward", 0.0),
        ("Site", 0.0),
        ("Designation", 52.0),
        ("Score", 50.0),
        ("Rating", 54.0),
        ("Critical\nbreach", 40.0),
        ("Open\nactions", 36.0),
        ("Overdue\nactions", 40.0),
        ("Date of\naudit", 48.0),
    ]
    if not with_site:
        columns = [c for c in columns if c[0] != "Site"]
    return columns


def _ward_cells(
    figure: WardFigure, ward_width: float, site_width: float | None = None
) -> list[str]:
    """A ward's cells after its rank: the site's only when ``site_width`` is given."""
    cells = [wrap(figure.ward.name, ward_width)]
    if site_width is not None:
        cells.append(wrap(figure.ward.site, site_width))
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
    return cells


def _ward_styles(
    figures: Sequence[WardFigure], first: int, rating_col: int, breach_col: int, overdue_col: int
) -> list[tuple[Any, ...]]:
    """Rating cells in the rating's colour (with its word), breaches and overdue counts bold."""
    commands: list[tuple[Any, ...]] = []
    for row, figure in enumerate(figures, start=first):
        fill = RATING_FILLS.get(figure.rating or "") if figure.audited else None
        if fill is not None:
            commands += [
                ("BACKGROUND", (rating_col, row), (rating_col, row), fill[0]),
                ("TEXTCOLOR", (rating_col, row), (rating_col, row), fill[1]),
                ("FONT", (rating_col, row), (rating_col, row), BOLD, SIZE, LEADING),
            ]
        if figure.critical_breach:
            commands.append(("FONT", (breach_col, row), (breach_col, row), BOLD, SIZE, LEADING))
        if figure.overdue_actions:
            commands += [
                ("BACKGROUND", (overdue_col, row), (overdue_col, row), OVERDUE_FILL),
                ("FONT", (overdue_col, row), (overdue_col, row), BOLD, SIZE, LEADING),
            ]
    return commands


def _widths(columns: Sequence[tuple[str, float]], width: float) -> list[float]:
    flexible = [c for c in columns if c[1] == 0.0]
    spare = width - sum(c[1] for c in columns)
    return [c[1] or spare / len(flexible) for c in columns]


def _ranking_table(wards: Sequence[RankedWard]) -> Any:
    columns = _ward_columns(with_site=True)
    widths = _widths(columns, FRAME_WIDTH)
    widths[1] = widths[1] + 30  # ward names run longer than site names
    widths[2] = widths[2] - 30
    data: list[list[str]] = [[name for name, _ in columns]]
    data += [
        [NONE_MARK if w.rank is None else str(w.rank), *_ward_cells(w.figure, widths[1], widths[2])]
        for w in wards
    ]
    commands = _tight(table_base())
    commands += [
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("ALIGN", (4, 1), (4, -1), "RIGHT"),
        ("ALIGN", (7, 1), (8, -1), "RIGHT"),
        ("FONT", (4, 1), (4, -1), BOLD, SIZE, LEADING),
    ]
    commands += _ward_styles([w.figure for w in wards], 1, 5, 6, 8)
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
    shades: Sequence[Sequence[tuple[int, Swatch] | None]], first_row: int, first_col: int
) -> list[tuple[Any, ...]]:
    commands: list[tuple[Any, ...]] = []
    for row, marks in enumerate(shades, start=first_row):
        for mark in marks:
            if mark is None:
                continue
            column, swatch = first_col + mark[0], mark[1]
            commands.append(("BACKGROUND", (column, row), (column, row), colour(swatch.fill)))
            if swatch.text != "#000000":
                commands.append(("TEXTCOLOR", (column, row), (column, row), colour(swatch.text)))
    return commands


def _site_table(board: Board, figures: Sequence[RankedWard]) -> list[Any]:
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
    headers = [name for name, _ in columns]
    if together:
        headers += [wrap(title, section_width, BOLD) for _, title in sections]
    data: list[list[str]] = [headers]
    shades = []
    for ranked_ward in figures:
        figure = ranked_ward.figure
        cells = _ward_cells(figure, widths[0])
        if together:
            heat, marks = _heat_cells(figure, sections)
            cells += heat
            shades.append(marks)
        data.append(cells)
    commands = _tight(table_base())
    commands += [
        ("ALIGN", (2, 1), (2, -1), "RIGHT"),
        ("ALIGN", (5, 1), (6, -1), "RIGHT"),
        ("FONT", (2, 1), (2, -1), BOLD, SIZE, LEADING),
    ]
    commands += _ward_styles([w.figure for w in figures], 1, 3, 4, 6)
    if together:
        first = len(columns)
        commands += [
            ("ALIGN", (first, 1), (-1, -1), "RIGHT"),
            ("LINEBEFORE", (first, 0), (first, -1), 1.2, INK),
        ]
        commands += _heat_commands(shades, 1, first)
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
            para("Section scores", SUBHEADING),
            _heat_table(board, figures),
        ]
    return story


def _heat_table(board: Board, figures: Sequence[RankedWard]) -> Any:
    """The sections heatmap on its own, for a checklist with too many sections to sit beside
    the ward figures."""
    sections = board.sections
    ward_width = 110.0
    width = (FRAME_WIDTH - ward_width) / len(sections)
    data: list[list[str]] = [["Ward", *(wrap(title, width, BOLD) for _, title in sections)]]
    shades = []
    for ranked_ward in figures:
        heat, marks = _heat_cells(ranked_ward.figure, sections)
        data.append([wrap(ranked_ward.figure.ward.name, ward_width), *heat])
        shades.append(marks)
    commands = [*_tight(table_base()), ("ALIGN", (1, 1), (-1, -1), "RIGHT")]
    commands += _heat_commands(shades, 1, 1)
    return LongTable(
        data,
        colWidths=[ward_width] + [width] * len(sections),
        rowHeights=[_height(r) for r in data],
        repeatRows=1,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _site_page(board: Board, site: GroupFigure) -> list[Any]:
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
        para(site.name, TITLE),
        Spacer(1, 1.5 * mm),
        para(line, BODY),
        Spacer(1, 3 * mm),
        *_site_table(board, ordered),
        Spacer(1, 2 * mm),
        para(
            f"{heat_key_words(PRINT)} '–' means no item in that section applies to the ward. Wards are "
            "listed from the highest score.",
            SMALL,
        ),
    ]


# --- overdue actions ------------------------------------------------------------------------


def _overdue_section(board: Board, actions: Sequence[Action], today: date) -> list[Any]:
    still_open = open_actions(board, actions, today)
    overdue = [a for a in still_open if a.is_overdue(today)]
    heading = (
        f"Overdue actions, most serious first ({len(overdue)} overdue of "
        f"{len(still_open)} open or in progress)"
    )
    story: list[Any] = [PageBreak(), para(heading, HEADING), Spacer(1, 1.5 * mm)]
    if not overdue:
        return [*story, para("No action on these wards is past its due date.", BODY)]
    shown = overdue[:PDF_ACTION_LIMIT]
    if len(overdue) > len(shown):
        story.append(
            para(
                f"The {len(shown)} most serious are listed here, by risk band and then the "
                f"oldest due date; the workbook's Actions sheet and the estates work list hold "
                f"the rest.",
                SMALL,
            )
        )
    story.append(para("Dates are dd/mm/yyyy.", SMALL))
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
    data: list[list[str]] = [[name for name, _ in columns]]
    for action in shown:
        data.append(
            [
                action.risk.band_word,
                wrap(action.site_name, widths[1]),
                wrap(action.ward_name, widths[2]),
                action.item,
                wrap(action.description, widths[4]),
                wrap(action.owner, widths[5]),
                clock.uk_date(action.due),
                str(overdue_days(action, today)),
                wrap(action.status_word, widths[8]),
            ]
        )
    commands = [
        *_tight(table_base()),
        ("FONT", (0, 1), (0, -1), BOLD, SIZE, LEADING),
        ("ALIGN", (7, 1), (7, -1), "RIGHT"),
    ]
    for row, action in enumerate(shown, start=1):
        fill, text = BAND_FILLS.get(action.risk.band, UNKNOWN_BAND_FILL)
        commands += [
            ("BACKGROUND", (0, row), (0, row), fill),
            ("TEXTCOLOR", (0, row), (0, row), text),
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


# --- the document ---------------------------------------------------------------------------


def write_board_report(
    board: Board, path: Path | str, *, actions: Sequence[Action] | None = None, trust: str = ""
) -> Path:
    """The board report as a PDF: a one-page summary and ranking, a page per site, and the
    most serious overdue actions when ``actions`` are given (those still to do on the
    board's wards are listed: :func:`wardaudit.board.open_actions`)."""
    today = clock.today()
    period = board_period_words(board)
    sites, wards = len(board.sites), len(board.wards)
    counts = f"{plural(sites, 'site')}, {plural(wards, 'ward')}"
    subtitle = f"{trust + '. ' if trust else ''}{period}. {counts}."
    story: list[Any] = [
        para(BOARD_REPORT_TITLE, TITLE),
        Spacer(1, 1.5 * mm),
        para(subtitle, SUBTITLE),
        Spacer(1, 3 * mm),
    ]
    for note in board.notes:
        story += [para(note, NOTE), Spacer(1, 2 * mm)]
    story += [_tiles(board, today), Spacer(1, 2.5 * mm)]
    for line in attention_lines(board):
        story.append(para(line, NOTE))
    story.append(Spacer(1, 3 * mm))

    chart_width = FRAME_WIDTH * 0.44
    sites_width = FRAME_WIDTH - chart_width - 8 * mm
    months = monthly_means(board, board.wards)
    chart = _trend_chart(
        months,
        chart_width,
        122,
        f"{scope_name(board)} mean score by month (mean of the wards audited that month)",
    )
    side_by_side = Table(
        [[_sites_table(board, sites_width), chart]],
        colWidths=[sites_width + 8 * mm, chart_width],
        hAlign="LEFT",
    )
    side_by_side.setStyle(
        TableStyle(
            [
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
                para("Wards ranked by score", SUBHEADING),
                para(
                    "A ward's score is its latest completed audit in the period; rank 1 is the "
                    "highest. Dates are dd/mm/yyyy.",
                    SMALL,
                ),
                Spacer(1, 1.5 * mm),
            ]
        ),
        _ranking_table(ranked(board.wards)),
    ]
    judged = " ".join(judged_under_lines(board))
    story += [Spacer(1, 1.5 * mm), para(f"{' '.join(BOARD_RULES)} {judged}".strip(), SMALL)]
    for site in board.sites:
        story += _site_page(board, site)
    if actions is not None:
        story += _overdue_section(board, actions, today)

    furniture = Furniture(
        header_left=f"WardAudit board report{': ' + trust if trust else ''}",
        header_right=period,
        footer_left=f"Exported {clock.uk_datetime(clock.now())} · dates dd/mm/yyyy",
        footer_right=f"{period} · {counts}",
    )
    return build(
        path,
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
