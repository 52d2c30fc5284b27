"""The Actions sheet every action workbook has (the plan and the work list), and its About sheet.

The same columns in both, so one import takes either back: an Excel table with a frozen
header and filters, real dates, the band coloured *and* written, Status as a drop-down, and
each row's action id. The About sheet carries the mark the import looks for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl.formatting.rule import FormulaRule  # type: ignore[import-untyped]
from openpyxl.packaging.custom import (  # type: ignore[import-untyped]
    IntProperty,
    StringProperty,
)
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from exports.common import (
    ACTION_COLUMNS,
    COL_COMMENT,
    COL_COMPLETED,
    COL_ID,
    COL_STATUS,
    STATUS_WORDS,
    WORKBOOK_FORMAT,
    WORKBOOK_VERSION,
)
from exports.xlsx.base import (
    DATE_FORMAT,
    add_table,
    band_rules,
    key_values,
    letter,
    naive,
    new_sheet,
    solid_fill,
)
from wardaudit import __version__
from wardaudit.actions import band_counts, overdue_count, raised_on, status_counts
from wardaudit.model import Action
from wardaudit.palette import WORKBOOK
from wardaudit.risk import BAND_ORDER
from wardaudit.words import OVERDUE_WORD, band_word, found_words, status_word

OVERDUE_FILL = (WORKBOOK.overdue.fill_rgb, WORKBOOK.overdue.text_rgb)

ACTION_WIDTHS = {
    "Site": 18,
    "Ward": 16,
    "Item": 7,
    "Location": 20,
    "What was found": 34,
    "Action": 48,
    "Owner": 16,
    "Raised": 11,
    "Due": 11,
    "Likelihood": 10,
    "Consequence": 12,
    "Risk score": 9,
    "Band": 10,
    "Overdue": 9,
    COL_STATUS: 12,
    COL_COMMENT: 36,
    COL_COMPLETED: 13,
    COL_ID: 38,
}
WRAPPED_ACTION_COLUMNS = {"Location", "What was found", "Action", COL_COMMENT}
DATE_ACTION_COLUMNS = {"Raised", "Due", COL_COMPLETED}


def action_row(action: Action, today: date) -> tuple[object, ...]:
    return (
        action.site_name,
        action.ward_name,
        action.item,
        action.location,
        found_words(action),
        action.description,
        action.owner,
        raised_on(action),
        action.due,
        action.risk.likelihood,
        action.risk.consequence,
        action.risk.score,
        action.risk.band_word,
        OVERDUE_WORD if action.is_overdue(today) else "",
        status_word(action.status),
        action.comment,
        action.completed_on,
        action.id,
    )


def write_actions(book: Any, actions: Sequence[Action], today: date) -> None:
    """The Actions sheet, in the order given, with its drop-down, date check and colours."""
    sheet = new_sheet(
        book,
        "Actions",
        ACTION_COLUMNS,
        [ACTION_WIDTHS[name] for name in ACTION_COLUMNS],
        wrapped=WRAPPED_ACTION_COLUMNS,
        formats=dict.fromkeys(DATE_ACTION_COLUMNS, DATE_FORMAT),
    )
    for action in actions:
        sheet.append(action_row(action, today))
    add_table(sheet, "Actions", len(actions))
    last = max(len(actions), 1) + 1
    ws = sheet.sheet

    band = letter(sheet, "Band")
    score = letter(sheet, "Risk score")
    band_rules(ws, f"{band}2:{band}{last} {score}2:{score}{last}", band)

    overdue = letter(sheet, "Overdue")
    due = letter(sheet, "Due")
    background, text = OVERDUE_FILL
    ws.conditional_formatting.add(
        f"{due}2:{due}{last} {overdue}2:{overdue}{last}",
        FormulaRule(
            formula=[f'${overdue}2="{OVERDUE_WORD}"'],
            fill=solid_fill(background),
            font=Font(color=text, bold=True),
        ),
    )

    status = letter(sheet, COL_STATUS)
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_WORDS) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose one of: " + ", ".join(STATUS_WORDS) + ".",
        showInputMessage=True,
        promptTitle="Status",
        prompt="Choose from the list. 'Cannot do' needs a reason in Estates comment.",
    )
    choices.add(f"{status}2:{status}{last}")
    ws.data_validations.append(choices)

    completed = letter(sheet, COL_COMPLETED)
    dates = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="TODAY()",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Completed on",
        error="Enter the date the work was completed, as dd/mm/yyyy, not in the future.",
    )
    dates.add(f"{completed}2:{completed}{last}")
    ws.data_validations.append(dates)


def about_sheet(
    book: Any, contents: str, exported: datetime, extra: Iterable[Sequence[object]]
) -> None:
    """The About sheet and the workbook's properties: the mark the import looks for."""
    key_values(
        book,
        "About",
        [
            ("WardAudit action workbook",),
            ("Format", WORKBOOK_FORMAT),
            ("Format version", WORKBOOK_VERSION),
            ("Contents", contents),
            ("Exported", naive(exported).replace(microsecond=0)),
            ("WardAudit version", __version__),
            *extra,
            (),
            ("Returning this workbook",),
            (
                "What to change",
                f"On the Actions sheet change only {COL_STATUS} (from the list), {COL_COMMENT} "
                f"and {COL_COMPLETED} (dd/mm/yyyy). Other columns are for information: "
                "changes to them are not taken back.",
            ),
            (
                "Keep",
                f"the {COL_ID} column and this sheet as they are; WardAudit uses them to match "
                "each row to its action.",
            ),
            (
                "Cannot do",
                f"needs a reason in {COL_COMMENT}.",
            ),
        ],
    )
    props = book.custom_doc_props
    props.append(StringProperty(name="WardAudit format", value=WORKBOOK_FORMAT))
    props.append(IntProperty(name="WardAudit format version", value=WORKBOOK_VERSION))
    props.append(
        StringProperty(name="WardAudit exported", value=exported.isoformat(timespec="seconds"))
    )


def count_rows(actions: Sequence[Action], today: date) -> list[tuple[object, ...]]:
    bands = band_counts(actions)
    statuses = status_counts(actions)
    return [
        ("Actions", len(actions)),
        ("Overdue", overdue_count(actions, today)),
        *((f"Band: {band_word(b)}", bands.get(b, 0)) for b in BAND_ORDER),
        *((f"Status: {status_word(s)}", n) for s, n in statuses.items()),
    ]
