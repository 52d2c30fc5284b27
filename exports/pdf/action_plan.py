"""One audit's action plan as a PDF: cover, critical breaches, section chart, actions, answers.

Estates read the critical breaches first, then every action most serious first with its
photos, then the full answer record. Every page carries the audit's fingerprint, so two
printouts can be told apart.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from exports.common import fingerprint
from exports.pdf.action_table import PHOTO_WIDTH, action_table, band_summary, risk_key
from exports.pdf.base import (
    BAR,
    BODY,
    CELL,
    CHUNK_HEIGHT,
    FRAME_WIDTH,
    GRID,
    HEADER_FILL,
    HEADING,
    INK,
    LEADING,
    NOT_RATED_FILL,
    OVERDUE_FILL,
    PAD,
    PAGE_HEIGHT,
    RATING_FILLS,
    SIZE,
    SMALL,
    SUBTITLE,
    TITLE,
    TRACK,
    Chart,
    Document,
    Furniture,
    chunk_row,
    style,
    table_base,
    write,
)
from exports.pdf.typeset import Typesetter
from wardaudit import clock
from wardaudit.actions import by_risk
from wardaudit.errors import WardAuditError
from wardaudit.model import AuditRecord, Photo
from wardaudit.risk import DEFAULT_MATRIX, RiskMatrix
from wardaudit.words import (
    NONE_MARK,
    NOT_SCORED,
    OVERDUE_WORD,
    answer_word,
    audit_day_words,
    critical_breaches_words,
    floor_hold_words,
    judged_under_words,
    person_words,
    rating_word,
    risk_words,
    score_words,
    section_score_words,
    team_words,
)

PhotoSource = Callable[[str], bytes]


def _thumbnail(data: bytes, width: float, height: float) -> Any:
    """A small JPEG of a photo, so a plan with many photos stays a small file."""
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(data)) as original:
        picture = original.convert("RGB")
    picture.thumbnail((480, 480))
    pixels_w, pixels_h = picture.size
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=75)
    scale = min(width / pixels_w, height / pixels_h)
    out.seek(0)
    return Image(out, width=pixels_w * scale, height=pixels_h * scale)


def _photo_cells(
    ts: Typesetter, record: AuditRecord, photos: PhotoSource | None, width: float
) -> dict[str, Any]:
    if photos is None or not record.photos:
        return {}
    by_item: dict[str, list[Photo]] = {}
    for photo in record.photos:
        by_item.setdefault(photo.item, []).append(photo)
    wanted = {a.item for a in record.actions}
    cells: dict[str, Any] = {}
    for item, found in by_item.items():
        if item not in wanted:
            continue
        flowables: list[Any] = []
        for photo in found[:2]:
            try:
                flowables.append(_thumbnail(photos(photo.id), width, width * 0.8))
            except (WardAuditError, OSError, ValueError):
                flowables.append(ts.para("(photo could not be read)", SMALL))
            flowables.append(Spacer(1, 1.5 * mm))
        if len(found) > 2:
            flowables.append(ts.para(f"+{len(found) - 2} more in WardAudit", SMALL))
        cells[item] = flowables
    return cells


KEY = style("key", 9, bold=True)
DETAILS_KEY_WIDTH = 28 * mm
_OWN_DIRECTION = frozenset({"Trust", "Site"})  # details that are a name and nothing else
SIDE_BY_SIDE_HEIGHT = 260.0  # points: taller details go above the score box, not beside it


def _details(ts: Typesetter, record: AuditRecord, trust: str, width: float) -> Any:
    audit = record.audit
    ward = audit.ward
    team = team_words(audit.team)
    signed = person_words(audit.signed_by, audit.signed_role)
    rows = [
        ("Trust", trust),
        ("Site", ward.site),
        (
            "Ward",
            f"{ward.name} ({ward.designation.lower()} ward{', ' + ward.service if ward.service else ''})",
        ),
        ("Checklist", f"{audit.checklist_title}, version {audit.checklist_version}"),
        (
            "Started",
            f"{clock.uk_date(audit.started_at)}"
            + (f" by {audit.started_by}" if audit.started_by else ""),
        ),
        (
            "Signed off",
            f"{clock.uk_date(audit.completed_at)} by {signed}"
            if audit.completed_at
            else "Not yet: in progress",
        ),
        ("Audit team", team or NONE_MARK),
        ("Answered", f"{record.score.answered} of {record.score.applicable} items that apply"),
    ]
    widths = [DETAILS_KEY_WIDTH, width - DETAILS_KEY_WIDTH]
    data: list[list[Any]] = []
    for key, value in rows:
        if value:
            # a value composed around a name reads left to right; a name alone, its own way
            shown = BODY if key in _OWN_DIRECTION else BODY.ltr()
            cells = [ts.para(key, KEY), ts.para(value, shown)]
            data += chunk_row(cells, [widths[0] + 2 * PAD, widths[1]], height=CHUNK_HEIGHT)
    table = LongTable(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), ts.font, SIZE),  # a cell's own font, never Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _score_box(ts: Typesetter, record: AuditRecord) -> Any:
    score = record.score
    rating = rating_word(score.rating)
    fill, text = RATING_FILLS.get(score.rating or "", NOT_RATED_FILL)
    provisional = record.audit.status != "completed"
    lines = [
        ["Overall score" + (" (provisional)" if provisional else "")],
        [score_words(record.score.overall, NOT_SCORED)],
        [f"Rating: {rating.upper()}"],
        [critical_breaches_words(len(score.critical_items))],
    ]
    table = Table(lines, colWidths=[70 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("FONT", (0, 0), (0, 0), ts.font, 9),
                ("FONT", (0, 1), (0, 1), ts.bold, 30, 34),
                ("FONT", (0, 2), (0, 2), ts.bold, 14, 17),
                ("FONT", (0, 3), (0, 3), ts.face(score.critical_breach), 10),
                ("BACKGROUND", (0, 2), (0, 2), fill),
                ("TEXTCOLOR", (0, 2), (0, 2), text),
                ("TEXTCOLOR", (0, 0), (0, 1), INK),
                ("BOX", (0, 0), (-1, -1), 1, INK),
                ("TOPPADDING", (0, 2), (0, 2), 4),
                ("BOTTOMPADDING", (0, 2), (0, 2), 5),
            ]
        )
    )
    return table


def _judged_under(ts: Typesetter, record: AuditRecord) -> list[Any]:
    """The version, settings and rating rules the audit was judged under; and, when the
    section floor holds the rating at Amber, which section does it."""
    story = [ts.para(judged_under_words(record.checklist.judged_under), SMALL)]
    held = floor_hold_words(record.score, record.checklist.thresholds)
    if held:
        story += [Spacer(1, 1.5 * mm), ts.para(held, style("held", 9.5, bold=True))]
    return story


def _breaches(ts: Typesetter, record: AuditRecord, today: date) -> list[Any]:
    """Critical breaches in words, before anything else an estates officer reads."""
    items = record.score.critical_items
    if not items:
        return [ts.para("No critical breaches: no critical item was answered No.", BODY)]
    actions = {a.item: a for a in record.actions}
    rows: list[list[Any]] = [
        [
            ts.para(
                f"CRITICAL BREACHES ({len(items)}): the ward is rated Red until these are put right",
                style("cb", 10, bold=True),
            )
        ]
    ]
    for item_id in items:
        item = record.checklist.item(item_id)
        answer = record.answers.get(item_id)
        where = f" at {answer.location}" if answer and answer.location else ""
        spans: list[tuple[str, bool]] = [
            (item_id, True),
            (f" {item.question} ", False),
            (f"Answered No{where}.", True),
        ]
        if answer and answer.note:
            spans.append((f" Auditor's note: {answer.note}", False))
        action = actions.get(item_id)
        if action is not None:
            spans.append(
                (
                    f"\nAction ({action.risk.band_word}, {risk_words(action)}): "
                    f"{action.description} Owner: {action.owner}. Due {clock.uk_date(action.due)}",
                    False,
                )
            )
            if action.is_overdue(today):
                spans.append((f" {OVERDUE_WORD.upper()}", True))
            spans.append((f". Status: {action.status_word}.", False))
        rows += chunk_row([ts.rich(spans, BODY)], [FRAME_WIDTH - 12 + 2 * PAD], height=CHUNK_HEIGHT)
    table = LongTable(rows, colWidths=[FRAME_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), ts.font, SIZE),
                ("BOX", (0, 0), (-1, -1), 2, INK),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [table]


CHART_LABEL = style("chart-label", 9)


def _section_chart(ts: Typesetter, record: AuditRecord, width: float) -> Any:
    """Section scores as bars with their values written, and the rating thresholds marked."""
    sections = record.score.sections
    thresholds = record.checklist.thresholds
    row = 17.0
    # the titles' own width, from 150 points up to two fifths of the chart
    longest = max((ts.width(s.title, CHART_LABEL) for s in sections), default=0.0)
    label_width = min(max(150.0, longest + 8), width * 0.4)
    value_width = 60.0
    bar_width = width - label_width - value_width
    top_gap = 16.0
    bottom_gap = 16.0
    height = top_gap + row * len(sections) + bottom_gap
    drawing = Drawing(width, height)
    chart = Chart(ts, drawing)
    for index, section in enumerate(sections):
        y = height - top_gap - row * (index + 1)
        # a section title of any length or script: one line, cut to the label's width
        chart.label(section.title, 0, y + 5, CHART_LABEL, width=label_width - 6)
        drawing.add(Rect(label_width, y + 2, bar_width, row - 5, fillColor=TRACK, strokeColor=None))
        if section.score is not None:
            length = bar_width * float(section.score) / 100
            drawing.add(Rect(label_width, y + 2, length, row - 5, fillColor=BAR, strokeColor=None))
        label = section_score_words(section)
        label += f"  ({section.answered}/{section.applicable})"
        drawing.add(
            String(
                label_width + bar_width + 4,
                y + 5,
                label,
                fontName=ts.bold,
                fontSize=8.5,
                fillColor=INK,
            )
        )
    for value, name in ((thresholds.amber, "Amber"), (thresholds.green, "Green")):
        x = label_width + bar_width * value / 100
        drawing.add(
            Line(
                x,
                bottom_gap - 2,
                x,
                height - top_gap + 4,
                strokeColor=INK,
                strokeWidth=0.8,
                strokeDashArray=[3, 2],
            )
        )
        drawing.add(
            String(
                x,
                height - top_gap + 6,
                f"{name} {value:g}",
                fontName=ts.font,
                fontSize=7.5,
                fillColor=INK,
                textAnchor="middle",
            )
        )
    for tick in (0, 25, 50, 75, 100):
        x = label_width + bar_width * tick / 100
        drawing.add(
            String(
                x, 3, f"{tick}%", fontName=ts.font, fontSize=7, fillColor=INK, textAnchor="middle"
            )
        )
    return chart


APPENDIX_HEADING = style("sh", 10, bold=True, leading=14)


def _answer_record(ts: Typesetter, record: AuditRecord) -> list[Any]:
    """The appendix: every item that applies, with its answer, location and note."""
    story: list[Any] = [
        PageBreak(),
        ts.para("Appendix: the full answer record", HEADING),
        ts.para(
            f"{judged_under_words(record.checklist.judged_under)} Critical items are marked; "
            "a critical item answered No is a critical breach.",
            SMALL,
        ),
        Spacer(1, 2 * mm),
    ]
    sex = record.audit.ward.sex
    scores = {s.id: s for s in record.score.sections}
    widths = [16 * mm, 120 * mm, 18 * mm, 38 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    for section in record.checklist.sections:
        items = [item for item in section.items if item.applies(sex)]
        if not items:
            continue
        section_score = scores.get(section.id)
        heading = section.title
        if section_score is not None:
            heading += f": {section_score_words(section_score)}"
        data: list[list[Any]] = [["Item", "Question", "Answer", "Location", "Note"]]
        emphasis: list[int] = []
        for item in items:
            answer = record.answers.get(item.id)
            value = answer_word(answer.value) if answer else "Not\nanswered"
            if answer is not None and item.critical and answer.value == "no":
                value += "\nCritical\nbreach"
            if answer is None or answer.value in ("no", "partial"):
                emphasis.append(len(data))
            item_id = ts.text(item.id)
            cells = [
                ts.cell(item_id + ("\nCritical" if item.critical else ""), widths[0], CELL),
                ts.cell(item.question, widths[1], CELL),
                value,
                ts.cell(answer.location if answer else "", widths[3], CELL),
                ts.cell(answer.note if answer else "", widths[4], CELL),
            ]

            def continued(item_id: str = item_id) -> list[Any]:
                return [ts.cell(f"{item_id}\n(continued)", widths[0], CELL), "", "", "", ""]

            data += chunk_row(cells, widths, continued=continued)
        commands = table_base(ts)
        for row in emphasis:
            commands.append(("FONT", (2, row), (2, row), ts.bold, SIZE, LEADING))
            commands.append(("BACKGROUND", (2, row), (2, row), OVERDUE_FILL))
        table = LongTable(data, colWidths=widths, repeatRows=1, style=TableStyle(commands))
        story += [
            CondPageBreak(30 * mm),
            ts.para(heading, APPENDIX_HEADING),
            table,
            Spacer(1, 4 * mm),
        ]
    return story


def write_action_plan(
    record: AuditRecord,
    path: Path | str,
    *,
    photos: PhotoSource | None = None,
    trust: str = "",
    matrix: RiskMatrix = DEFAULT_MATRIX,
) -> Path:
    """One audit's action plan: cover, critical breaches, section chart, actions, answers.

    ``photos`` maps a photo id to its JPEG bytes (``Store.photo_data``); without it the
    plan has no photo column. ``matrix`` is the one the actions were rated with.
    """
    today = clock.today()
    exported = clock.uk_datetime(clock.now())

    def compose(ts: Typesetter) -> Document:
        return _action_plan(ts, record, photos, trust, matrix, today, exported)

    return write(path, compose)


def _action_plan(
    ts: Typesetter,
    record: AuditRecord,
    photos: PhotoSource | None,
    trust: str,
    matrix: RiskMatrix,
    today: date,
    exported: str,
) -> Document:
    audit = record.audit
    ward = audit.ward
    when = audit_day_words(record.audit)
    print_mark = fingerprint(record)
    critical = record.score.critical_items
    actions = by_risk(record.actions, critical)
    provisional = audit.status != "completed"
    photo_cells = _photo_cells(ts, record, photos, PHOTO_WIDTH - 2 * PAD)
    questions = {a.item: record.checklist.item(a.item).question for a in actions}

    details_width = FRAME_WIDTH - 75 * mm
    details = _details(ts, record, trust, details_width)
    score_box = _score_box(ts, record)
    if details.wrap(details_width, PAGE_HEIGHT)[1] <= SIDE_BY_SIDE_HEIGHT:
        cover_top = Table([[details, score_box]], colWidths=[details_width, 75 * mm])
        cover_top.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), ts.font, SIZE),  # a cell's own font, never Helvetica
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        cover: list[Any] = [cover_top]
    else:
        # details too long to sit beside the score (a long team or name): score first,
        # then the details, free to run on over the page
        cover = [score_box, Spacer(1, 3 * mm), _details(ts, record, trust, FRAME_WIDTH)]
    story: list[Any] = [
        ts.para(f"Action plan: {ward.name}", TITLE),
        Spacer(1, 2 * mm),
        ts.para(
            f"{ward.site}{', ' + trust if trust else ''}. Audit of {when}"
            + (" (IN PROGRESS: provisional)" if provisional else ""),
            SUBTITLE.ltr(),
        ),
        Spacer(1, 5 * mm),
        *cover,
        Spacer(1, 2 * mm),
        *_judged_under(ts, record),
        Spacer(1, 3 * mm),
        *_breaches(ts, record, today),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                ts.para(f"Actions by risk band ({len(actions)})", style("ab", 10, bold=True)),
                Spacer(1, 1.5 * mm),
                band_summary(ts, actions, today),
            ]
        ),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                ts.para("Section scores", style("ss", 10, bold=True)),
                Spacer(1, 1 * mm),
                _section_chart(ts, record, FRAME_WIDTH * 0.75),
            ]
        ),
        PageBreak(),
        ts.para(f"Actions, most serious first ({len(actions)})", HEADING),
        risk_key(ts, matrix),
        Spacer(1, 2 * mm),
    ]
    if actions:
        story += action_table(
            ts,
            actions,
            today,
            critical=critical,
            questions=questions,
            photo_cells=photo_cells,
        )
    else:
        story.append(
            ts.para("No actions: every item that applies was met or not applicable.", BODY)
        )
    story += _answer_record(ts, record)

    furniture = Furniture(
        ts,
        header_left=f"WardAudit action plan: {ward.name}, {ward.site}",
        header_right=(trust + " · " if trust else "")
        + ("IN PROGRESS: provisional" if provisional else f"Signed off {when}"),
        footer_left=f"{ward.name} · audit {when} · checklist {audit.checklist_id} v{audit.checklist_version}",
        footer_right=f"Fingerprint {print_mark} · exported {exported}",
    )
    return Document(
        story,
        furniture,
        title=f"Action plan: {ward.name}, {ward.site}, {when}",
        author=audit.signed_by or audit.started_by or "WardAudit",
        subject=f"{audit.checklist_title} (version {audit.checklist_version}): "
        f"actions by risk, critical breaches and the answer record",
        keywords=["WardAudit", "action plan", audit.id, print_mark],
    )
