"""The Actions sheet every action workbook has (the plan and the work list), and its About sheet.

The same columns in both, so one import takes either back: a title and a short "How to send
this back" above an Excel table with a frozen header and filters, real dates, the band
coloured *and* written, and each row's action id. Estates' three columns are coloured, say
"estates" in their header, carry an input message, and are the only unlocked cells of a
sheet protected without a password. A hidden sheet keeps the rows as exported, so the
import can name a row deleted or an id typed over. The About sheet carries the mark the
import looks for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.formatting.rule import FormulaRule  # type: ignore[import-untyped]
from openpyxl.packaging.custom import (  # type: ignore[import-untyped]
    IntProperty,
    StringProperty,
)
from openpyxl.styles import Font  # type: ignore[import-untyped]

from exports.common import (
    ACTION_COLUMNS,
    COL_COMMENT,
    COL_COMPLETED,
    COL_ID,
    COL_STATUS,
    EDITABLE_COLUMNS,
    EDITABLE_HEADERS,
    PRINTED_ACTION_COLUMNS,
    STATUS_WORDS,
    WORKBOOK_FORMAT,
    WORKBOOK_VERSION,
    action_values,
    comment_digest,
    xml_text,
)
from exports.xlsx.base import (
    DATE_FORMAT,
    Printing,
    add_table,
    band_rules,
    body,
    key_values,
    letter,
    naive,
    new_sheet,
    protect,
    solid_fill,
    validation,
)
from wardaudit import __version__
from wardaudit.actions import band_counts, overdue_count, status_counts
from wardaudit.model import Action
from wardaudit.palette import WORKBOOK
from wardaudit.risk import BAND_ORDER
from wardaudit.words import OVERDUE_WORD, band_word, plural, status_word

OVERDUE_FILL = (WORKBOOK.overdue.fill_rgb, WORKBOOK.overdue.text_rgb)
ROWS_SHEET = "Rows as exported"  # hidden: the action ids in the order they were written

ACTION_WIDTHS = {
    "Ward": 16,
    "Item": 7,
    "Site": 14,
    "Location": 16,
    "What was found": 30,
    "Action": 40,
    "Band": 9,
    "Due": 11,
    "Overdue": 9,
    COL_STATUS: 13,
    COL_COMMENT: 40,
    COL_COMPLETED: 14,
    "Owner": 16,
    "Raised": 11,
    "Likelihood": 10,
    "Consequence": 12,
    "Risk score": 8,
    COL_ID: 37,
}
WRAPPED_ACTION_COLUMNS = {
    "Ward",
    "Site",
    "Location",
    "What was found",
    "Action",
    COL_COMMENT,
    "Owner",
}
DATE_ACTION_COLUMNS = {"Raised", "Due", COL_COMPLETED}
# Header words by column name, so the helpers below find a column by its plain name.
ACTION_COLUMNS_SHOWN = {name: EDITABLE_HEADERS.get(name, name) for name in ACTION_COLUMNS}
# Printed two A4 pages across, each band of rows left then right: Ward and Item repeat on
# the right-hand page, which starts at Status (estates' own columns).
ACTION_PRINT_SCALE = 72
ACTION_PRINT_BREAK = ACTION_COLUMNS.index(COL_STATUS)  # a page break after Overdue

SEND_BACK_TITLE = "How to send this back"
SEND_BACK = (
    f"Change only the yellow columns marked 'estates': {COL_STATUS} "
    f"(choose from the list), {COL_COMMENT} (what was done, or why it cannot be done) and "
    f"{COL_COMPLETED} (dd/mm/yyyy). Keep every row with its {COL_ID}: sorting and filtering "
    "are fine, but add no rows and delete none. Save it as an Excel workbook (.xlsx) and "
    "send it back to whoever sent it to you. WardAudit shows them every change, and any "
    "edit it cannot take, before anything is applied."
)


@dataclass(frozen=True)
class ActionSheet:
    """What the Actions sheet says above its table: the document and what it holds."""

    title: str  # "Estates work list", "Action plan: Juniper Ward, Ashcombe, 27/11/2026"
    scope: str  # the filters, or the audit
    exported: datetime


def action_row(action: Action, today: date) -> tuple[object, ...]:
    values = action_values(action, today)
    return tuple(values[name] for name in ACTION_COLUMNS)


def write_actions(book: Any, actions: Sequence[Action], today: date, about: ActionSheet) -> None:
    """The Actions sheet, in the order given, with its drop-down, date check, colours,
    protection and print set-up; then the hidden sheet of the rows as exported."""
    # "Action plan" | "Juniper Ward, Ashcombe, 27/11/2026. ...": the label fits the title columns
    label, _, named = about.title.partition(": ")
    heading = (
        label,
        f"{named + '. ' if named else ''}{about.scope}. {plural(len(actions), 'action')}.",
    )
    sheet = new_sheet(
        book,
        "Actions",
        ACTION_COLUMNS,
        [ACTION_WIDTHS[name] for name in ACTION_COLUMNS],
        Printing(
            about.title,
            about.exported,
            title_columns=2,
            break_after=ACTION_PRINT_BREAK,
            scale=ACTION_PRINT_SCALE,
            print_columns=PRINTED_ACTION_COLUMNS,
        ),
        wrapped=WRAPPED_ACTION_COLUMNS,
        formats=dict.fromkeys(DATE_ACTION_COLUMNS, DATE_FORMAT),
        editable=EDITABLE_COLUMNS,
        above=(heading, (SEND_BACK_TITLE, SEND_BACK)),
        shown_headers=[EDITABLE_HEADERS.get(name, name) for name in ACTION_COLUMNS],
    )
    for action in actions:
        sheet.append(action_row(action, today))
    add_table(sheet, "Actions")
    protect(sheet)
    ws = sheet.sheet
    first = sheet.first_row

    def at(name: str) -> str:
        return body(sheet, ACTION_COLUMNS_SHOWN[name])

    band = letter(sheet, "Band")
    band_rules(ws, f"{at('Band')} {at('Risk score')}", band, first)

    overdue = letter(sheet, "Overdue")
    background, text = OVERDUE_FILL
    ws.conditional_formatting.add(
        f"{at('Due')} {at('Overdue')}",
        FormulaRule(
            formula=[f'${overdue}{first}="{OVERDUE_WORD}"'],
            fill=solid_fill(background),
            font=Font(color=text, bold=True),
        ),
    )

    choices = validation(
        "list",
        formula1='"' + ",".join(STATUS_WORDS) + '"',
        allow_blank=False,
        title="Status (estates)",
        prompt=(
            f"Estates: choose from the list ({', '.join(STATUS_WORDS)}). 'Cannot do' needs "
            f"a reason in {COL_COMMENT}."
        ),
        error="Choose one of: " + ", ".join(STATUS_WORDS) + ".",
    )
    choices.add(at(COL_STATUS))
    ws.data_validations.append(choices)

    comment = validation(
        None,
        title="Estates comment",
        prompt="Estates: what was done, or why it cannot be done. Taken back into WardAudit "
        "and shown in the action's history.",
    )
    comment.add(at(COL_COMMENT))
    ws.data_validations.append(comment)

    dates = validation(
        "date",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="TODAY()",
        title="Completed on (estates)",
        prompt="Estates: the day the work was finished, as dd/mm/yyyy, with the status Done.",
        error="Enter the date the work was completed, as dd/mm/yyyy, not in the future.",
    )
    dates.add(at(COL_COMPLETED))
    ws.data_validations.append(dates)


ROWS_SHEET_COLUMNS = (
    "Row",
    COL_ID,
    "Ward",
    "Item",
    "Version",
    "Status as exported",
    "Completed on as exported",
    "Comment as exported (digest)",
)


def _rows_as_exported(book: Any, actions: Sequence[Action]) -> None:
    """A hidden sheet of the action ids in the order written: the import tells a row deleted,
    re-sorted or given another id from this. Each action's version and estates' columns as
    exported let it tell a row estates changed from an action someone changed meanwhile in
    WardAudit (that row is not applied, and says who). Hidden, not secret: anyone may look."""
    sheet = book.create_sheet(ROWS_SHEET)
    sheet.sheet_state = "hidden"
    sheet.append(list(ROWS_SHEET_COLUMNS))
    for number, action in enumerate(actions, start=1):
        sheet.append(
            [
                number,
                action.id,
                xml_text(action.ward_name),
                xml_text(action.item),
                action.version,
                action.status,
                action.completed_on.isoformat() if action.completed_on else None,
                comment_digest(action.comment),
            ]
        )


def about_sheet(
    book: Any,
    contents: str,
    exported: datetime,
    extra: Iterable[Sequence[object]],
    printing: Printing,
    actions: Sequence[Action],
) -> None:
    """The About sheet and the workbook's properties: the mark the import looks for; then
    the hidden sheet of the rows as exported (``actions`` in the Actions sheet's order)."""
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
                f"On the Actions sheet change only the yellow columns marked 'estates': "
                f"{COL_STATUS} (from the list), {COL_COMMENT} and {COL_COMPLETED} "
                "(dd/mm/yyyy). The other columns are for information: the import lists any "
                "change to them, with what to do instead, and takes none of them.",
            ),
            (
                "Keep",
                f"every row, its {COL_ID}, this sheet and the hidden '{ROWS_SHEET}' sheet as "
                "they are; WardAudit uses them to match each row to its action and to tell "
                "you of a row deleted or added.",
            ),
            ("Cannot do", f"needs a reason in {COL_COMMENT}."),
            (
                "Protection",
                "The Actions sheet is protected without a password so that only estates' "
                "columns change by accident; it can be unprotected (Review, Unprotect "
                "Sheet). WardAudit checks every cell when the workbook comes back.",
            ),
        ],
        printing,
    )
    props = book.custom_doc_props
    props.append(StringProperty(name="WardAudit format", value=WORKBOOK_FORMAT))
    props.append(IntProperty(name="WardAudit format version", value=WORKBOOK_VERSION))
    props.append(
        StringProperty(name="WardAudit exported", value=exported.isoformat(timespec="seconds"))
    )
    _rows_as_exported(book, actions)


def count_rows(actions: Sequence[Action], today: date) -> list[tuple[object, ...]]:
    bands = band_counts(actions)
    statuses = status_counts(actions)
    return [
        ("Actions", len(actions)),
        ("Overdue", overdue_count(actions, today)),
        *((f"Band: {band_word(b)}", bands.get(b, 0)) for b in BAND_ORDER),
        *((f"Status: {status_word(s)}", n) for s, n in statuses.items()),
    ]
