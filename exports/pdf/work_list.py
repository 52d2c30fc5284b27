"""The estates work list as a PDF: actions across audits, by site and ward, most serious first.

Each ward's table is captioned with the ward, and the caption repeats on every page the
table runs on to, so a page that continues a ward still says which ward it is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import CondPageBreak, Spacer  # type: ignore[import-untyped]

from exports.pdf.action_table import action_table, band_summary, risk_key
from exports.pdf.base import BODY, HEADING, SUBTITLE, TITLE, Document, Furniture, write
from exports.pdf.typeset import Typesetter
from wardaudit import clock
from wardaudit.actions import by_site_and_ward, overdue_count, status_counts
from wardaudit.model import Action
from wardaudit.risk import DEFAULT_MATRIX, RiskMatrix
from wardaudit.words import plural, status_word


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

    def compose(ts: Typesetter) -> Document:
        return _work_list(
            ts, actions, title=title, filters=filters, matrix=matrix, today=today, exported=exported
        )

    return write(path, compose)


def _work_list(
    ts: Typesetter,
    actions: list[Action],
    *,
    title: str,
    filters: str,
    matrix: RiskMatrix,
    today: date,
    exported: str,
) -> Document:
    groups = by_site_and_ward(actions, today)
    statuses = status_counts(actions)
    story: list[Any] = [
        ts.para(title, TITLE),
        Spacer(1, 2 * mm),
        ts.para(
            f"Showing: {filters or 'every action'}. {plural(len(actions), 'action')} "
            f"in {plural(len(groups), 'ward')}; counted on {clock.uk_date(today)}.",
            SUBTITLE,
        ),
        ts.para(
            "By site and ward; in each ward the overdue actions first, then by risk band "
            "(Extreme first) and due date.",
            BODY,
        ),
        Spacer(1, 3 * mm),
        band_summary(ts, actions, today),
        Spacer(1, 1.5 * mm),
        ts.para(
            "By status: " + "; ".join(f"{status_word(s)} {n}" for s, n in statuses.items()),
            BODY,
        ),
        Spacer(1, 2 * mm),
        risk_key(ts, matrix),
        Spacer(1, 3 * mm),
    ]
    if not actions:
        story.append(ts.para("No actions match.", BODY))
    site = None
    for group in groups:
        if group.site != site:
            site = group.site
            story.append(CondPageBreak(40 * mm))
            story.append(ts.para(site, HEADING))
        overdue = overdue_count(group.actions, today)
        caption = f"{group.ward}, {group.site}: {plural(len(group.actions), 'action')}" + (
            f", {overdue} overdue" if overdue else ""
        )
        story += [
            CondPageBreak(30 * mm),
            *action_table(ts, group.actions, today, caption=caption),
            Spacer(1, 4 * mm),
        ]
    return Document(
        story,
        Furniture(
            ts,
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
