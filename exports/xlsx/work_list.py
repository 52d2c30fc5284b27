"""The estates work list as a workbook: Actions (by site, ward and risk), Summary and About."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from exports.xlsx.action_sheet import about_sheet, count_rows, write_actions
from exports.xlsx.base import key_values, new_book, save
from wardaudit import clock
from wardaudit.actions import band_counts, by_site_and_ward, overdue_count
from wardaudit.model import Action
from wardaudit.risk import BAND_ORDER
from wardaudit.words import band_word


def write_work_list(
    actions: list[Action], path: Path | str, *, title: str, filters: str = ""
) -> Path:
    """The estates work list across audits: Actions (by site, ward, risk), Summary, About."""
    today = clock.today()
    exported = clock.now()
    groups = by_site_and_ward(actions)
    ordered = [action for group in groups for action in group.actions]
    book = new_book(title, f"Estates work list{': ' + filters if filters else ''}", "WardAudit")

    def write(book: Any) -> None:
        write_actions(book, ordered, today)
        rows: list[Sequence[object]] = [
            (title,),
            ("Filters", filters or "None: every action"),
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
        key_values(book, "Summary", rows)
        about_sheet(book, "Estates work list", exported, [("Filters", filters or "None")])

    return save(book, path, write)
