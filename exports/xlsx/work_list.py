"""The estates work list as a workbook: Actions (by site, ward, overdue, band and due date),
Summary and About."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exports.xlsx.action_sheet import ActionSheet, about_sheet, count_rows, write_actions
from exports.xlsx.base import Printing, key_values, new_book, save
from wardaudit import clock
from wardaudit.actions import band_counts, by_site_and_ward, overdue_count
from wardaudit.model import Action
from wardaudit.risk import BAND_ORDER
from wardaudit.words import band_word


def write_work_list(
    actions: list[Action], path: Path | str, *, title: str, filters: str = ""
) -> Path:
    """The estates work list across audits: Actions (by site and ward, each ward's overdue
    first, then by band and due date), Summary, About. ``filters`` in words are stated at
    the top of the first sheet and of the Summary."""
    today = clock.today()
    exported = clock.now()
    groups = by_site_and_ward(actions, today)
    ordered = [action for group in groups for action in group.actions]
    scope = filters or "Every action"
    book = new_book(title, f"Estates work list: {scope}", "WardAudit")
    printing = Printing(title, exported)

    def write(book: Any) -> None:
        write_actions(book, ordered, today, ActionSheet(title, scope, exported))
        rows: list[Sequence[object]] = [
            (title,),
            ("Showing", scope),
            (
                "Order",
                "By site and ward; each ward's overdue actions first, then by risk "
                "band (Extreme first) and due date.",
            ),
            ("Counted on", today),
            *count_rows(ordered, today),
            (),
            ("Site", "Ward", "Actions", "Overdue", *(band_word(b) for b in BAND_ORDER)),
        ]
        for group in groups:
            bands = band_counts(group.actions)
            rows.append(
                (
                    group.site,
                    group.ward,
                    len(group.actions),
                    overdue_count(group.actions, today),
                    *(bands.get(b, 0) for b in BAND_ORDER),
                )
            )
        key_values(book, "Summary", rows, printing)
        about_sheet(book, "Estates work list", exported, [("Showing", scope)], printing, ordered)

    return save(book, path, write)
