"""PDF documents for estates and wards: an audit's action plan and the work list across audits.

A4 landscape, so the action table reads across one line per action. The band is always
written beside its colour and the palette runs dark to light from Extreme to Low, so a
greyscale printout keeps its meaning. Table text is wrapped here into plain lines
rather than laid out as reportlab Paragraphs: a thousand-action work list stays quick.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing, Line, Rect, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_LEFT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    CondPageBreak,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from exports.atomic import atomic_write
from exports.common import (
    BAND_COLOURS,
    OVERDUE_WORD,
    audit_date,
    band_counts,
    band_rank,
    by_risk,
    by_site_and_ward,
    fingerprint,
    found_text,
    overdue_count,
    rating_word,
    risk_text,
    score_text,
    status_counts,
    status_word,
)
from wardaudit import __version__, clock
from wardaudit.errors import WardAuditError
from wardaudit.model import ACTION_STATUS_WORDS, Action, AuditRecord, Photo
from wardaudit.risk import (
    BAND_ORDER,
    BAND_WORDS,
    CONSEQUENCE,
    DEFAULT_MATRIX,
    LIKELIHOOD,
    RiskMatrix,
)
from wardaudit.scoring import ANSWER_WORDS, SectionScore, display_score

# Page streams are compressed either way; wrapping them in ASCII85 as well (reportlab's
# default) only keeps the file 7-bit clean, makes it a quarter larger and, without
# reportlab's optional C accelerator, costs a large share of a long work list's time.
# The setting is process-wide; nothing else in WardAudit depends on it.
rl_config.useA85 = 0

PAGE = landscape(A4)
MARGIN = 12 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
SIZE = 8
LEADING = 9.6
PAD = 3
CELL_TOP = 3  # reportlab's default cell padding above and below the text
CELL_BOTTOM = 3
CAPTION_LEADING = 12
CAPTION_PAD = 4
PHOTO_WIDTH = 30 * mm

INK = colors.HexColor("#1F2933")
GRID = colors.HexColor("#8A949E")
HEADER_FILL = colors.HexColor("#DDE3EA")
BAR = colors.HexColor("#3E4C59")
TRACK = colors.HexColor("#EEF1F4")
BAND_FILLS = {
    band: (colors.HexColor(f"#{fill}"), colors.HexColor(f"#{text}"))
    for band, (fill, text) in BAND_COLOURS.items()
}
RATING_FILLS = {
    "red": (colors.HexColor("#9C0006"), colors.white),
    "amber": (colors.HexColor("#F6B26B"), colors.black),
    "green": (colors.HexColor("#1E6B34"), colors.white),
}
OVERDUE_FILL = colors.HexColor("#D9D9D9")

PhotoSource = Callable[[str], bytes]


def _style(name: str, size: float, *, bold: bool = False, leading: float | None = None) -> Any:
    return ParagraphStyle(
        name,
        fontName=BOLD if bold else FONT,
        fontSize=size,
        leading=leading or size * 1.25,
        textColor=INK,
        alignment=TA_LEFT,
    )


TITLE = _style("title", 20, bold=True)
SUBTITLE = _style("subtitle", 13)
HEADING = _style("heading", 12, bold=True, leading=16)
BODY = _style("body", 9)
SMALL = _style("small", 7.5)


def _para(text: str, style: Any = BODY) -> Any:
    return Paragraph(escape(text), style)


@functools.lru_cache(maxsize=4096)
def _wrap(text: str, width: float, font: str = FONT, size: float = SIZE) -> str:
    """Plain text broken into lines that fit ``width`` points, for a fast table cell.

    Cached: a work list repeats the checklist's action texts and owners many times over.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(simpleSplit(paragraph, font, size, width - 2 * PAD) or [""])
    return "\n".join(lines)


# --- pages: headers, footers, "page X of Y" -------------------------------------------------


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds every page until the end so each footer can say "page X of Y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(INK)
            self.drawCentredString(PAGE[0] / 2, MARGIN - 5 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


@dataclass(frozen=True)
class _Furniture:
    """The text around every page: header left and right, footer left and right."""

    header_left: str
    header_right: str
    footer_left: str
    footer_right: str

    def draw(self, canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(INK)
        top = PAGE[1] - MARGIN + 4 * mm
        canvas.drawString(MARGIN, top, self.header_left)
        canvas.drawRightString(PAGE[0] - MARGIN, top, self.header_right)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, top - 1.5 * mm, PAGE[0] - MARGIN, top - 1.5 * mm)
        bottom = MARGIN - 5 * mm
        canvas.line(MARGIN, bottom + 3.5 * mm, PAGE[0] - MARGIN, bottom + 3.5 * mm)
        canvas.drawString(MARGIN, bottom, self.footer_left)
        canvas.drawRightString(PAGE[0] - MARGIN, bottom, self.footer_right)
        canvas.restoreState()


def _build(
    path: Path | str,
    story: list[Any],
    furniture: _Furniture,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: Sequence[str] = (),
) -> Path:
    with atomic_write(path) as temporary:
        document = SimpleDocTemplate(
            str(temporary),
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 4 * mm,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=subject,
            creator=f"WardAudit {__version__}",
            keywords=list(keywords),
        )
        document.build(
            story,
            onFirstPage=furniture.draw,
            onLaterPages=furniture.draw,
            canvasmaker=_NumberedCanvas,
        )
    return Path(path)


# --- the action table, shared by both documents ---------------------------------------------


@dataclass(frozen=True)
class _Column:
    header: str
    width: float  # points


def _columns(*, photos: bool, questions: bool) -> list[_Column]:
    widths: list[tuple[str, float]] = [
        ("Risk\nL × C", 22),
        ("Item", 20),
        ("Location", 27),
        ("What was found", 50 if questions else 46),
        ("Action", 60),
        ("Owner", 24),
        ("Due", 20),
        ("Status", 21),
    ]
    if photos:
        widths.append(("Photos", PHOTO_WIDTH / mm))
    spare = FRAME_WIDTH / mm - sum(w for _, w in widths)
    grow = {"What was found": 0.45, "Action": 0.55}
    return [_Column(name, (w + spare * grow.get(name, 0)) * mm) for name, w in widths]


def _row(
    action: Action,
    columns: Sequence[_Column],
    today: date,
    *,
    critical: bool,
    question: str,
    photo_cell: Any,
) -> tuple[list[Any], bool]:
    """One action as table cells, and whether it is overdue."""
    overdue = action.is_overdue(today)
    width = [c.width for c in columns]
    item = action.item + ("\nCritical\nbreach" if critical else "") + f"\nref {action.id[:8]}"
    found = found_text(action) or "–"
    if question:
        found = f"{question}\nFound: {found}"
    what = action.description
    if action.comment:
        what += f"\nEstates: {action.comment}"
    status = status_word(action.status)
    if action.completed_on:
        status += f"\n{clock.uk_date(action.completed_on)}"
    due = clock.uk_date(action.due) + (f"\n{OVERDUE_WORD.upper()}" if overdue else "")
    cells: list[Any] = [
        _wrap(f"{action.risk.band_word}\n{risk_text(action)}", width[0], BOLD),
        _wrap(item, width[1], BOLD if critical else FONT),
        _wrap(action.location or "–", width[2]),
        _wrap(found, width[3]),
        _wrap(what, width[4]),
        _wrap(action.owner, width[5]),
        due,
        _wrap(status, width[7]),
    ]
    if len(columns) > 8:
        cells.append(photo_cell if photo_cell is not None else "")
    return cells, overdue


def _table_base(header_row: int = 0) -> list[tuple[Any, ...]]:
    """The plain table look. Each command walks every cell it covers, so a long table
    gets as few as will do."""
    return [
        ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
        ("FONT", (0, header_row), (-1, header_row), BOLD, SIZE, LEADING),
        ("BACKGROUND", (0, header_row), (-1, header_row), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, header_row), (-1, -1), 0.4, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]


def _runs(keys: Sequence[str]) -> Iterable[tuple[int, int, str]]:
    """Consecutive rows with the same key, as (first, last, key): one style command each."""
    start = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[start]:
            yield start, index - 1, keys[start]
            start = index


def _action_table(
    actions: Sequence[Action],
    today: date,
    *,
    caption: str = "",
    critical: Iterable[str] = (),
    questions: dict[str, str] | None = None,
    photo_cells: dict[str, Any] | None = None,
) -> Any:
    """The action table: one row per action, its heading repeated on every page.

    A ``caption`` (the ward, in the work list) spans the top and repeats with the column
    headers, so a page that continues a ward still says which ward it is.
    """
    breaches = set(critical)
    columns = _columns(photos=bool(photo_cells), questions=bool(questions))
    data: list[list[Any]] = []
    if caption:
        data.append([caption] + [""] * (len(columns) - 1))
    head = len(data)
    data.append([c.header for c in columns])
    overdue_rows: list[int] = []
    for action in actions:
        cells, overdue = _row(
            action,
            columns,
            today,
            critical=action.item in breaches,
            question=(questions or {}).get(action.item, ""),
            photo_cell=(photo_cells or {}).get(action.item),
        )
        if overdue:
            overdue_rows.append(len(data))
        data.append(cells)
    first_body = head + 1
    commands: list[tuple[Any, ...]] = [
        *_table_base(head),
        ("FONT", (0, first_body), (0, -1), BOLD, SIZE, LEADING),
    ]
    if caption:
        # The caption runs across the empty cells beside it, boxed but not ruled: a SPAN
        # would do the same but costs reportlab a pass over every cell at each page break.
        commands += [
            ("BOX", (0, 0), (-1, 0), 0.4, GRID),
            ("FONT", (0, 0), (-1, 0), BOLD, 9.5, CAPTION_LEADING),
            ("TOPPADDING", (0, 0), (-1, 0), CAPTION_PAD),
            ("BOTTOMPADDING", (0, 0), (-1, 0), CAPTION_PAD),
        ]
    for first, last, band in _runs([a.risk.band for a in actions]):
        fill, text = BAND_FILLS.get(band, (colors.white, colors.black))
        commands.append(("BACKGROUND", (0, first + first_body), (0, last + first_body), fill))
        commands.append(("TEXTCOLOR", (0, first + first_body), (0, last + first_body), text))
    for row in overdue_rows:
        commands.append(("BACKGROUND", (6, row), (6, row), OVERDUE_FILL))
        commands.append(("FONT", (6, row), (6, row), BOLD, SIZE, LEADING))
    for row, action in enumerate(actions, start=first_body):
        if action.item in breaches:
            commands.append(("FONT", (1, row), (1, row), BOLD, SIZE, LEADING))
    heights: list[float | None] = [_text_height(row) for row in data]
    if caption:
        heights[0] = CAPTION_LEADING + 2 * CAPTION_PAD
    return LongTable(
        data,
        colWidths=[c.width for c in columns],
        rowHeights=heights,
        repeatRows=head + 1,
        style=TableStyle(commands),
    )


def _text_height(row: Sequence[Any]) -> float | None:
    """A row's height from its lines, so reportlab need not measure it again at every
    page break; None (let reportlab measure) for a row holding pictures."""
    lines = 1
    for cell in row:
        if not isinstance(cell, str):
            return None
        lines = max(lines, cell.count("\n") + 1)
    return lines * LEADING + CELL_TOP + CELL_BOTTOM


def _due_words(days: int) -> str:
    return "due next day" if days == 1 else f"due in {days} days"


def _risk_key(matrix: RiskMatrix) -> Any:
    """How to read the Risk column, printed above the table."""
    bands = "; ".join(
        f"{band.word} {band.low}–{band.high} ({_due_words(band.due_days)})"
        for band in sorted(matrix.bands, key=lambda b: band_rank(b.name))
    )
    likelihood = ", ".join(f"{n} {w}" for n, w in LIKELIHOOD.items())
    consequence = ", ".join(f"{n} {w}" for n, w in CONSEQUENCE.items())
    return _para(
        f"Risk = likelihood (L) × consequence (C). Likelihood: {likelihood}. Consequence: "
        f"{consequence}. Bands: {bands}. Dates are dd/mm/yyyy; OVERDUE means past its due "
        "date and not yet done.",
        SMALL,
    )


def _band_summary(actions: Sequence[Action], today: date) -> Any:
    """Counts by band as a row of chips: the colour and the word, then the number."""
    counts = band_counts(actions)
    row = [f"{BAND_WORDS[b]}: {counts.get(b, 0)}" for b in BAND_ORDER]
    row.append(f"Overdue: {overdue_count(actions, today)}")
    table = Table([row], colWidths=[30 * mm] * len(row), hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), BOLD, 9),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("BOX", (0, 0), (-1, -1), 0.4, GRID),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, GRID),
    ]
    for index, band in enumerate(BAND_ORDER):
        fill, text = BAND_FILLS[band]
        commands += [
            ("BACKGROUND", (index, 0), (index, 0), fill),
            ("TEXTCOLOR", (index, 0), (index, 0), text),
        ]
    commands.append(("BACKGROUND", (-1, 0), (-1, 0), OVERDUE_FILL))
    table.setStyle(TableStyle(commands))
    return table


# --- the action plan ------------------------------------------------------------------------


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


def _photo_cells(record: AuditRecord, photos: PhotoSource | None, width: float) -> dict[str, Any]:
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
                flowables.append(_para("(photo could not be read)", SMALL))
            flowables.append(Spacer(1, 1.5 * mm))
        if len(found) > 2:
            flowables.append(_para(f"+{len(found) - 2} more in WardAudit", SMALL))
        cells[item] = flowables
    return cells


def _details(record: AuditRecord, trust: str) -> Any:
    audit = record.audit
    ward = audit.ward
    team = "; ".join(
        f"{m.name} ({m.role}{', patient or peer assessor' if m.patient_or_peer else ''})"
        for m in audit.team
    )
    signed = audit.signed_by or ""
    if audit.signed_role and audit.signed_role != signed:
        signed = f"{signed} ({audit.signed_role})" if signed else audit.signed_role
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
        ("Audit team", team or "–"),
        ("Answered", f"{record.score.answered} of {record.score.applicable} items that apply"),
    ]
    data = [[_para(k, _style("k", 9, bold=True)), _para(v)] for k, v in rows if v]
    table = Table(data, colWidths=[28 * mm, 120 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _score_box(record: AuditRecord) -> Any:
    score = record.score
    rating = rating_word(score.rating)
    fill, text = RATING_FILLS.get(score.rating or "", (colors.white, INK))
    provisional = record.audit.status != "completed"
    lines = [
        ["Overall score" + (" (provisional)" if provisional else "")],
        [score_text(record)],
        [f"Rating: {rating.upper()}"],
        [
            f"{len(score.critical_items)} critical breach{'es' if len(score.critical_items) != 1 else ''}"
        ],
    ]
    table = Table(lines, colWidths=[70 * mm], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("FONT", (0, 0), (0, 0), FONT, 9),
                ("FONT", (0, 1), (0, 1), BOLD, 30, 34),
                ("FONT", (0, 2), (0, 2), BOLD, 14, 17),
                ("FONT", (0, 3), (0, 3), BOLD if score.critical_breach else FONT, 10),
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


def _breaches(record: AuditRecord, today: date) -> list[Any]:
    """Critical breaches in words, before anything else an estates officer reads."""
    items = record.score.critical_items
    if not items:
        return [_para("No critical breaches: no critical item was answered No.", BODY)]
    actions = {a.item: a for a in record.actions}
    rows: list[list[Any]] = [
        [
            _para(
                f"CRITICAL BREACHES ({len(items)}): the ward is rated Red until these are put right",
                _style("cb", 10, bold=True),
            )
        ]
    ]
    for item_id in items:
        item = record.checklist.item(item_id)
        answer = record.answers.get(item_id)
        where = f" at {answer.location}" if answer and answer.location else ""
        note = f" Auditor's note: {answer.note}" if answer and answer.note else ""
        text = f"<b>{escape(item_id)}</b> {escape(item.question)} <b>Answered No{escape(where)}.</b>{escape(note)}"
        action = actions.get(item_id)
        if action is not None:
            overdue = f" <b>{OVERDUE_WORD.upper()}</b>" if action.is_overdue(today) else ""
            text += (
                f"<br/>Action ({escape(action.risk.band_word)}, {escape(risk_text(action))}): "
                f"{escape(action.description)} Owner: {escape(action.owner)}. Due "
                f"{clock.uk_date(action.due)}{overdue}. Status: {escape(action.status_word)}."
            )
        rows.append([Paragraph(text, BODY)])
    table = Table(rows, colWidths=[FRAME_WIDTH])
    table.setStyle(
        TableStyle(
            [
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


def _section_score_text(section: SectionScore) -> str:
    if section.score is not None:
        return f"{display_score(section.score)}%"
    return "not answered yet" if section.answered == 0 else "not scored (all N/A)"


def _section_chart(record: AuditRecord, width: float) -> Any:
    """Section scores as bars with their values written, and the rating thresholds marked."""
    sections = record.score.sections
    thresholds = record.checklist.thresholds
    row = 17.0
    label_width = 150.0
    value_width = 60.0
    bar_width = width - label_width - value_width
    top_gap = 16.0
    bottom_gap = 16.0
    height = top_gap + row * len(sections) + bottom_gap
    drawing = Drawing(width, height)
    for index, section in enumerate(sections):
        y = height - top_gap - row * (index + 1)
        drawing.add(String(0, y + 5, section.title[:38], fontName=FONT, fontSize=9, fillColor=INK))
        drawing.add(Rect(label_width, y + 2, bar_width, row - 5, fillColor=TRACK, strokeColor=None))
        if section.score is not None:
            length = bar_width * float(section.score) / 100
            drawing.add(Rect(label_width, y + 2, length, row - 5, fillColor=BAR, strokeColor=None))
        label = _section_score_text(section)
        label += f"  ({section.answered}/{section.applicable})"
        drawing.add(
            String(
                label_width + bar_width + 4,
                y + 5,
                label,
                fontName=BOLD,
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
                fontName=FONT,
                fontSize=7.5,
                fillColor=INK,
                textAnchor="middle",
            )
        )
    for tick in (0, 25, 50, 75, 100):
        x = label_width + bar_width * tick / 100
        drawing.add(
            String(x, 3, f"{tick}%", fontName=FONT, fontSize=7, fillColor=INK, textAnchor="middle")
        )
    return drawing


def _answer_record(record: AuditRecord) -> list[Any]:
    """The appendix: every item that applies, with its answer, location and note."""
    story: list[Any] = [
        PageBreak(),
        _para("Appendix: the full answer record", HEADING),
        _para(
            f"{record.checklist.title}, version {record.checklist.version}. Critical items "
            "are marked; a critical item answered No is a critical breach.",
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
            heading += f": {_section_score_text(section_score)}"
        data: list[list[Any]] = [["Item", "Question", "Answer", "Location", "Note"]]
        emphasis: list[int] = []
        for item in items:
            answer = record.answers.get(item.id)
            value = ANSWER_WORDS[answer.value] if answer else "Not\nanswered"
            if answer is not None and item.critical and answer.value == "no":
                value += "\nCritical\nbreach"
            if answer is None or answer.value in ("no", "partial"):
                emphasis.append(len(data))
            data.append(
                [
                    item.id + ("\nCritical" if item.critical else ""),
                    _wrap(item.question, widths[1]),
                    value,
                    _wrap(answer.location if answer else "", widths[3]),
                    _wrap(answer.note if answer else "", widths[4]),
                ]
            )
        commands = _table_base()
        for row in emphasis:
            commands.append(("FONT", (2, row), (2, row), BOLD, SIZE, LEADING))
            commands.append(("BACKGROUND", (2, row), (2, row), OVERDUE_FILL))
        table = LongTable(data, colWidths=widths, repeatRows=1, style=TableStyle(commands))
        story += [
            CondPageBreak(30 * mm),
            _para(heading, _style("sh", 10, bold=True, leading=14)),
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
    audit = record.audit
    ward = audit.ward
    today = clock.today()
    when = audit_date(record)
    print_mark = fingerprint(record)
    critical = record.score.critical_items
    actions = by_risk(record.actions, critical)
    provisional = audit.status != "completed"
    photo_cells = _photo_cells(record, photos, PHOTO_WIDTH - 2 * PAD)
    questions = {a.item: record.checklist.item(a.item).question for a in actions}

    cover_top = Table(
        [[_details(record, trust), _score_box(record)]],
        colWidths=[FRAME_WIDTH - 75 * mm, 75 * mm],
    )
    cover_top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story: list[Any] = [
        _para(f"Action plan: {ward.name}", TITLE),
        Spacer(1, 2 * mm),
        _para(
            f"{ward.site}{', ' + trust if trust else ''}. Audit of {when}"
            + (" (IN PROGRESS: provisional)" if provisional else ""),
            SUBTITLE,
        ),
        Spacer(1, 5 * mm),
        cover_top,
        Spacer(1, 4 * mm),
        *_breaches(record, today),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                _para(f"Actions by risk band ({len(actions)})", _style("ab", 10, bold=True)),
                Spacer(1, 1.5 * mm),
                _band_summary(actions, today),
            ]
        ),
        Spacer(1, 4 * mm),
        KeepTogether(
            [
                _para("Section scores", _style("ss", 10, bold=True)),
                Spacer(1, 1 * mm),
                _section_chart(record, FRAME_WIDTH * 0.75),
            ]
        ),
        PageBreak(),
        _para(f"Actions, most serious first ({len(actions)})", HEADING),
        _risk_key(matrix),
        Spacer(1, 2 * mm),
    ]
    if actions:
        story.append(
            _action_table(
                actions,
                today,
                critical=critical,
                questions=questions,
                photo_cells=photo_cells,
            )
        )
    else:
        story.append(_para("No actions: every item that applies was met or not applicable."))
    story += _answer_record(record)

    furniture = _Furniture(
        header_left=f"WardAudit action plan: {ward.name}, {ward.site}",
        header_right=(trust + " · " if trust else "")
        + ("IN PROGRESS: provisional" if provisional else f"Signed off {when}"),
        footer_left=f"{ward.name} · audit {when} · checklist {audit.checklist_id} v{audit.checklist_version}",
        footer_right=f"Fingerprint {print_mark} · exported {clock.uk_datetime(clock.now())}",
    )
    return _build(
        path,
        story,
        furniture,
        title=f"Action plan: {ward.name}, {ward.site}, {when}",
        author=audit.signed_by or audit.started_by or "WardAudit",
        subject=f"{audit.checklist_title} (version {audit.checklist_version}): "
        f"actions by risk, critical breaches and the answer record",
        keywords=["WardAudit", "action plan", audit.id, print_mark],
    )


# --- the work list --------------------------------------------------------------------------


def write_work_list(
    actions: list[Action],
    path: Path | str,
    *,
    title: str,
    filters: str = "",
    matrix: RiskMatrix = DEFAULT_MATRIX,
) -> Path:
    """The estates work list: actions across audits, grouped by site and ward, most serious first.

    ``matrix`` is the one the actions were rated with (the store's), for the risk key.
    """
    today = clock.today()
    exported = clock.uk_datetime(clock.now())
    groups = by_site_and_ward(actions)
    statuses = status_counts(actions)
    story: list[Any] = [
        _para(title, TITLE),
        Spacer(1, 2 * mm),
        _para(
            f"{filters or 'All actions'}. {len(actions)} action{'s' if len(actions) != 1 else ''} "
            f"in {len(groups)} ward{'s' if len(groups) != 1 else ''}; counted on {clock.uk_date(today)}.",
            SUBTITLE,
        ),
        Spacer(1, 3 * mm),
        _band_summary(actions, today),
        Spacer(1, 1.5 * mm),
        _para(
            "By status: " + "; ".join(f"{ACTION_STATUS_WORDS[s]} {n}" for s, n in statuses.items()),
            BODY,
        ),
        Spacer(1, 2 * mm),
        _risk_key(matrix),
        Spacer(1, 3 * mm),
    ]
    if not actions:
        story.append(_para("No actions match."))
    site = None
    for group in groups:
        if group.site != site:
            site = group.site
            story.append(CondPageBreak(40 * mm))
            story.append(_para(site, HEADING))
        overdue = overdue_count(group.actions, today)
        caption = (
            f"{group.ward}, {group.site}: {len(group.actions)} action"
            f"{'s' if len(group.actions) != 1 else ''}"
            + (f", {overdue} overdue" if overdue else "")
        )
        story += [
            CondPageBreak(30 * mm),
            _action_table(group.actions, today, caption=caption),
            Spacer(1, 4 * mm),
        ]
    return _build(
        path,
        story,
        _Furniture(
            header_left=f"WardAudit · {title}",
            header_right=filters,
            footer_left=f"Exported {exported} · dates dd/mm/yyyy",
            footer_right=f"{len(actions)} actions",
        ),
        title=title,
        author="WardAudit",
        subject=f"Estates work list{': ' + filters if filters else ''}",
        keywords=["WardAudit", "work list"],
    )
