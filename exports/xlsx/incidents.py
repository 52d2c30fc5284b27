"""The board workbook's Incidents sheet: the same page as the PDF's, as values.

What it holds is worked out in :mod:`wardaudit.incidents.report` (suppression applied), so
the sheet and the PDF page always agree. A count that is shown is a number; one that is
not is its words ("fewer than 5", "withheld"), never a number a formula could sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from exports.common import sheet_title
from exports.xlsx.base import HEADER_FILL, SCORE_FORMAT, Column, Printing, print_setup
from wardaudit.incidents.report import IncidentPage
from wardaudit.incidents.words import INCIDENTS_HEADING
from wardaudit.words import month_words, ward_rating_words

SHEET = "Incidents"
WIDTHS = (34, 26, 14, 14, 14, 16, 40, 12)
RATE_FORMAT = "0.00"


def incident_sheet(book: Any, page: IncidentPage, printing: Printing) -> None:
    """Write the Incidents sheet: statements, months, wards, then each ward's hotspots."""
    sheet = book.create_sheet(sheet_title(SHEET))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    print_setup(sheet, WIDTHS, replace(printing, title_columns=1))
    bold = Column(sheet, bold=True)
    header = Column(sheet, bold=True, wrap=True, fill=HEADER_FILL)
    plain = Column(sheet)
    score = Column(sheet, number_format=SCORE_FORMAT)
    rate = Column(sheet, number_format=RATE_FORMAT)

    def row(*values: object, first: Column = plain) -> None:
        cells = []
        for index, value in enumerate(values):
            if index == 0:
                cells.append(first.fresh(value))
            elif isinstance(value, float):
                cells.append(score.fresh(value))
            else:
                cells.append(plain.fresh(value))
        sheet.append(cells)

    def headers(names: Sequence[str]) -> None:
        sheet.append([header.fresh(name) for name in names])

    row(INCIDENTS_HEADING, first=bold)
    row(f"{page.period}. {page.source_words}")
    for statement in page.statements:
        row(statement)
    sheet.append([])

    row("Incidents and mean audit score by month", first=bold)
    headers(["Month", "Incidents", "Mean score (%)", "Wards audited (n)"])
    for month in page.months:
        row(
            month_words(month.month),
            month.incidents if month.incidents is not None else month.incidents_words,
            month.score.mean if month.score.mean is not None else "Not audited",
            month.score.audited,
        )
    sheet.append([])

    row("Each ward over the period", first=bold)
    headers(
        [
            "Ward",
            "Site",
            "Beds",
            "Score (%)",
            "Rating",
            "Incidents",
            "Incidents per bed (n)",
            "Per bed",
        ]
    )
    for ward in page.wards:
        figure = ward.figure
        per_bed = ward.per_bed
        sheet.append(
            [
                plain.fresh(ward.ward.name),
                plain.fresh(ward.ward.site),
                plain.fresh("" if ward.ward.beds is None else ward.ward.beds),
                score.fresh(figure.score)
                if figure.score is not None
                else plain.fresh("Not audited"),
                plain.fresh(ward_rating_words(figure)),
                plain.fresh(ward.incidents if ward.incidents is not None else ward.incidents_words),
                plain.fresh(ward.per_bed_words),
                rate.fresh(per_bed) if per_bed is not None else plain.fresh(""),
            ]
        )
    row(page.trust_words)
    if page.hotspots:
        sheet.append([])
        row(
            f"Hotspots: incidents by place over {page.window_words}, beside the findings",
            first=bold,
        )
        headers(
            [
                "Ward",
                "Place on the ward",
                "Incidents (12 months)",
                "Findings: No",
                "Findings: Partly",
                "Both here",
                "Their actions",
                "",
            ]
        )
        for spots in page.hotspots:
            for place in spots.places:
                has_findings = place.no + place.partly > 0
                row(
                    spots.ward.name,
                    place.place,
                    place.incidents if place.incidents is not None else place.incidents_words,
                    place.no if has_findings else "",
                    place.partly if has_findings else "",
                    "Yes" if place.both else "",
                    place.actions_words,
                    "",
                )
        for spots in page.hotspots:
            row(f"{spots.ward.name}: findings from {spots.audits_words}")
