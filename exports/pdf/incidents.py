"""The board report's incidents page as PDF: incidents beside the environment.

What it prints is worked out in :mod:`wardaudit.incidents.report` (suppression applied);
this module only lays it out. The chart has two scales, each labelled: the mean audit score
as a black line with round markers against the left axis (%), and incidents as grey bars
with an outline against the right axis (count); the key says so in words, so the chart
reads in greyscale and high contrast alike. A month whose count is not shown is drawn as a
dashed outline with its words beneath, never as a bar of a guessed height.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String  # type: ignore[import-untyped]
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
    BODY,
    CELL,
    FRAME_WIDTH,
    HEADER_FILL,
    INK,
    LEADING,
    SIZE,
    SMALL,
    TITLE,
    colour,
    style,
    table_base,
    text_height,
)
from exports.pdf.typeset import Typesetter
from wardaudit.incidents.report import IncidentPage, ReportHotspots, ReportMonth
from wardaudit.incidents.words import INCIDENTS_HEADING
from wardaudit.scoring import display_score
from wardaudit.words import NONE_MARK, month_words, score_words, ward_rating_words

HEADING = style("incidents-heading", 12, bold=True, leading=15)
NOTE = style("incidents-note", 8.5, leading=11)
BAR_FILL = colour("#C3CAD2")  # light grey: the black score line stays readable over it
LINE_COLOUR = INK


def _axis_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        if top / step <= 6:
            return step
    return 1000


def month_chart(
    ts: Typesetter, months: Sequence[ReportMonth], width: float, height: float
) -> Drawing:
    """Mean score by month (line, left axis %) and incidents by month (bars, right axis).
    Every label is WardAudit's own English (months, numbers, the key), drawn in the
    document's fonts."""
    font, bold = ts.font, ts.bold
    drawing = Drawing(width, height)
    drawing.initialFontName = font
    left, right, bottom, top = 40.0, 40.0, 40.0, 46.0
    plot_w, plot_h = width - left - right, height - bottom - top
    shown = [m.incidents for m in months if m.incidents is not None]
    high = max([*shown, 1])
    step = _axis_step(high)
    count_top = max(step, -(-high // step) * step)
    drawing.add(
        String(0, height - 10, "Incidents and mean audit score by month", fontName=bold, fontSize=9)
    )
    # the key, in words
    key_y = height - 24
    drawing.add(Rect(0, key_y - 1, 12, 7, fillColor=BAR_FILL, strokeColor=INK, strokeWidth=0.6))
    drawing.add(
        String(
            16,
            key_y,
            "Bars: sexual safety incidents (right axis, count)",
            fontName=font,
            fontSize=7,
        )
    )
    drawing.add(Line(200, key_y + 2.5, 214, key_y + 2.5, strokeColor=LINE_COLOUR, strokeWidth=1.6))
    drawing.add(
        Rect(205, key_y + 0.5, 4, 4, fillColor=LINE_COLOUR, strokeColor=LINE_COLOUR, strokeWidth=0)
    )
    drawing.add(
        String(
            218,
            key_y,
            "Line: mean audit score of the wards audited that month (left axis, %)",
            fontName=font,
            fontSize=7,
        )
    )
    # axes
    drawing.add(Line(left, bottom, left, bottom + plot_h, strokeColor=INK, strokeWidth=0.8))
    drawing.add(
        Line(
            left + plot_w, bottom, left + plot_w, bottom + plot_h, strokeColor=INK, strokeWidth=0.8
        )
    )
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=INK, strokeWidth=0.8))
    for value in range(0, 101, 20):
        y = bottom + plot_h * value / 100
        drawing.add(Line(left - 3, y, left, y, strokeColor=INK, strokeWidth=0.6))
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=colour("#E1E5EA"), strokeWidth=0.3))
        drawing.add(
            String(left - 5, y - 2.5, f"{value}%", fontName=font, fontSize=6.5, textAnchor="end")
        )
    for value in range(0, count_top + 1, step):
        y = bottom + plot_h * value / count_top
        drawing.add(Line(left + plot_w, y, left + plot_w + 3, y, strokeColor=INK, strokeWidth=0.6))
        drawing.add(String(left + plot_w + 5, y - 2.5, str(value), fontName=font, fontSize=6.5))
    drawing.add(String(4, bottom + plot_h + 6, "Score (%)", fontName=bold, fontSize=6.5))
    drawing.add(
        String(
            width - 2,
            bottom + plot_h + 6,
            "Incidents (count)",
            fontName=bold,
            fontSize=6.5,
            textAnchor="end",
        )
    )
    slot = plot_w / max(len(months), 1)
    points: list[tuple[float, float]] = []
    for index, month in enumerate(months):
        x = left + slot * index
        bar_w = slot * 0.6
        bar_x = x + (slot - bar_w) / 2
        if month.incidents is not None:
            bar_h = plot_h * month.incidents / count_top
            drawing.add(
                Rect(
                    bar_x,
                    bottom,
                    bar_w,
                    bar_h,
                    fillColor=BAR_FILL,
                    strokeColor=INK,
                    strokeWidth=0.6,
                )
            )
        else:  # not shown: an outline and its words, never a bar of a guessed height
            drawing.add(
                Rect(
                    bar_x,
                    bottom,
                    bar_w,
                    plot_h * 0.12,
                    fillColor=None,
                    strokeColor=INK,
                    strokeWidth=0.6,
                    strokeDashArray=[2, 2],
                )
            )
            drawing.add(
                String(
                    bar_x + bar_w / 2,
                    bottom + plot_h * 0.12 + 3,
                    "not shown",
                    fontName=font,
                    fontSize=5.5,
                    textAnchor="middle",
                )
            )
        if month.score.mean is not None:
            points.append((x + slot / 2, bottom + plot_h * month.score.mean / 100))
        name = month_words(month.month, short=True).split()
        labels = [
            (f"{name[0]} {name[1][2:]}", bold),
            (month.incidents_words.replace("fewer than ", "<"), font),
            (
                NONE_MARK if month.score.mean is None else f"{display_score(month.score.mean)}%",
                font,
            ),
        ]
        for line, (text, font) in enumerate(labels):
            drawing.add(
                String(
                    x + slot / 2,
                    bottom - 9 - line * 8,
                    text,
                    fontName=font,
                    fontSize=6 if len(months) <= 13 else 5,
                    textAnchor="middle",
                )
            )
    if len(points) > 1:
        drawing.add(PolyLine(points, strokeColor=LINE_COLOUR, strokeWidth=1.6))
    for x, y in points:
        drawing.add(
            Rect(x - 2, y - 2, 4, 4, fillColor=LINE_COLOUR, strokeColor=LINE_COLOUR, strokeWidth=0)
        )
    drawing.add(String(0, bottom - 17, "incidents", fontName=font, fontSize=5.5))
    drawing.add(String(0, bottom - 25, "score", fontName=font, fontSize=5.5))
    return drawing


def _table(ts: Typesetter, rows: list[list[Any]], widths: list[float], right: Sequence[int]) -> Any:
    commands = [*table_base(ts)]
    for column in right:
        commands.append(("ALIGN", (column, 1), (column, -1), "RIGHT"))
    return LongTable(
        rows,
        colWidths=widths,
        rowHeights=[text_height(r) for r in rows],
        repeatRows=1,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _wards_table(ts: Typesetter, page: IncidentPage) -> Any:
    headers = [
        "Ward",
        "Site",
        "Beds",
        "Score",
        "Rating",
        "Incidents\nin the period",
        "Incidents per bed (n)",
    ]
    widths = [110.0, 110.0, 34.0, 48.0, 80.0, 62.0]
    widths.append(FRAME_WIDTH - sum(widths))
    rows: list[list[Any]] = [headers]
    for ward in page.wards:
        figure = ward.figure
        rows.append(
            [
                ts.cell(ward.ward.name, widths[0], CELL),
                ts.cell(ward.ward.site, widths[1], CELL),
                NONE_MARK if ward.ward.beds is None else str(ward.ward.beds),
                score_words(figure.score) if figure.score is not None else "Not audited",
                ts.cell(ward_rating_words(figure), widths[4], CELL),
                ward.incidents_words,
                ts.cell(ward.per_bed_words, widths[6], CELL),
            ]
        )
    return _table(ts, rows, widths, right=(2, 3, 5))


def _hotspots_table(ts: Typesetter, spots: ReportHotspots) -> Any:
    headers = [
        "Place on the ward",
        "Incidents\n(12 months)",
        "Findings:\nNo",
        "Findings:\nPartly",
        "Their actions",
        "Both here",
    ]
    widths = [200.0, 62.0, 48.0, 48.0, 0.0, 48.0]
    widths[4] = FRAME_WIDTH - sum(widths)
    rows: list[list[Any]] = [headers]
    both_rows = []
    for index, place in enumerate(spots.places, start=1):
        rows.append(
            [
                ts.cell(place.place, widths[0], CELL, bold=place.both),
                place.incidents_words,
                str(place.no) if place.no + place.partly else NONE_MARK,
                str(place.partly) if place.no + place.partly else NONE_MARK,
                ts.cell(place.actions_words, widths[4], CELL, bold=place.both),
                "Yes" if place.both else "",
            ]
        )
        if place.both:
            both_rows.append(index)
    table = _table(ts, rows, widths, right=(1, 2, 3))
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, r), (-1, r), HEADER_FILL) for r in both_rows
    ]
    commands += [("FONT", (0, r), (-1, r), ts.bold, SIZE, LEADING) for r in both_rows]
    if commands:
        table.setStyle(TableStyle(commands))
    return table


def incident_story(ts: Typesetter, page: IncidentPage) -> list[Any]:
    """The incidents page: starts on a page of its own."""
    story: list[Any] = [
        PageBreak(),
        ts.para(INCIDENTS_HEADING, TITLE),
        Spacer(1, 1.5 * mm),
        ts.para(f"{page.period}. {page.source_words}", BODY),
        Spacer(1, 2 * mm),
    ]
    statements = Table(
        [[ts.para(text, NOTE)] for text in page.statements],
        colWidths=[FRAME_WIDTH],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        ),
    )
    story += [statements, Spacer(1, 3 * mm)]
    story += [month_chart(ts, page.months, FRAME_WIDTH, 170), Spacer(1, 3 * mm)]
    story += [
        CondPageBreak(50 * mm),
        ts.para("Each ward's incidents over the period, beside its audit score", HEADING),
        ts.para(
            "A ward's score is its latest completed audit in the period. " + page.trust_words,
            SMALL,
        ),
        Spacer(1, 1.5 * mm),
        _wards_table(ts, page),
        Spacer(1, 3 * mm),
    ]
    if page.hotspots:
        intro = (
            f"For each ward: incidents by place over {page.window_words}, beside the findings "
            "(No and Partly answers) by location in its latest signed-off audit of each "
            "checklist, with their actions' status. Places where both occur come first, marked "
            "and shaded."
        )
        if page.suppressed:
            intro += (
                f" Places are listed one by one where the audit found something there or "
                f"where {page.threshold} or more incidents happened; the rest are counted "
                "together as elsewhere on the ward."
            )
        story += [CondPageBreak(60 * mm), ts.para("Hotspots", HEADING), ts.para(intro, SMALL)]
        for spots in page.hotspots:
            story.append(
                KeepTogether(
                    [
                        Spacer(1, 2.5 * mm),
                        ts.para(
                            f"{spots.ward.name}, {spots.ward.site}",
                            style("hotspot-ward", 9.5, bold=True),
                        ),
                        ts.para(f"Findings from {spots.audits_words}.", SMALL),
                        Spacer(1, 1 * mm),
                        _hotspots_table(ts, spots),
                    ]
                )
            )
    story.append(Spacer(1, 2 * mm))
    story.append(ts.para("Dates are dd/mm/yyyy. " + page.statements[-1], SMALL))
    return story
