"""The front door to WardAudit's documents: one function per document, the same for every caller.

The command line, the app and the self-check all write documents through here. Each function
takes the store, the choice of records (an audit; the work list's filters; the board's
period and filters), the path and the kind (``"pdf"`` or ``"xlsx"``); it gathers what the
writer needs from the store, writes the file whole or not at all, and returns the path
written. reportlab or openpyxl load only when a document of their kind is written.

Estates' returned workbook comes back through :func:`read_updates` (shown first, changing
nothing) and :func:`apply_updates` (all of it or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from wardaudit import clock
from wardaudit.actions import STILL_TO_DO_FILTER, WorkListFilters
from wardaudit.board import BoardChoice, board_actions, figures_for
from wardaudit.errors import InvalidInput, NotFound
from wardaudit.incidents.disclosure import DEFAULT_THRESHOLD, check_threshold
from wardaudit.incidents.report import incident_page
from wardaudit.model import Action
from wardaudit.store import TRUST_NAME_SETTING, Store
from wardaudit.words import WORK_LIST_TITLE, filter_words

if TYPE_CHECKING:
    from exports.xlsx.updates import UpdatePlan

Kind = Literal["pdf", "xlsx"]
KINDS: tuple[Kind, ...] = ("pdf", "xlsx")
# How each kind is named to a person, and the file filter a save dialog offers for it.
KIND_WORDS: dict[Kind, tuple[str, str]] = {
    "pdf": ("PDF", "PDF documents (*.pdf)"),
    "xlsx": ("Excel", "Excel workbooks (*.xlsx)"),
}


def check_kind(kind: str) -> Kind:
    """The kind asked for, or an error that names the kinds there are."""
    if kind not in KINDS:
        raise InvalidInput(f"a document is written as {' or '.join(KINDS)}, not '{kind}'")
    return kind


def _known_site(store: Store, site: str) -> None:
    """An unknown site is an error, not an empty document."""
    sites = [s.name for s in store.wards.sites()]
    if site not in sites:
        raise NotFound(f"no site called '{site}' (sites: {', '.join(sites) or 'none yet'})")


# --- the action plan --------------------------------------------------------------------------


def write_action_plan(store: Store, audit_ref: str, path: Path | str, kind: str) -> Path:
    """One audit's action plan: its critical breaches, actions by risk and answers.

    The PDF carries the audit's photos beside their actions and the risk matrix the
    actions were rated with; both kinds carry the trust's name when it is set.
    """
    kind = check_kind(kind)
    record = store.audits.get(audit_ref)
    trust = store.settings.get(TRUST_NAME_SETTING)
    if kind == "pdf":
        from exports import pdf

        return pdf.write_action_plan(
            record, path, photos=store.photos.data, trust=trust, matrix=store.risk_matrix
        )
    from exports import xlsx

    return xlsx.write_action_plan(record, path, trust=trust)


# --- the estates work list --------------------------------------------------------------------


@dataclass(frozen=True)
class WorkList:
    """The actions a work list holds and its filters in words, as its heading says them."""

    actions: tuple[Action, ...]
    filters: str
    title: str = WORK_LIST_TITLE


def work_list(store: Store, filters: WorkListFilters | None = None) -> WorkList:
    """The actions the filters choose, read from the store; an unknown site or ward is an error."""
    filters = filters or WorkListFilters()
    if filters.site:
        _known_site(store, filters.site)
    names: dict[str, str] = {}
    if filters.ward:
        ward = store.wards.get(filters.ward)
        filters = replace(filters, ward=ward.id)
        names[ward.id] = ward.name
    status = None if filters.status == STILL_TO_DO_FILTER else filters.status
    found = store.actions.list(site=filters.site, ward=filters.ward, status=status)
    today = clock.today()
    chosen = tuple(action for action in found if filters.accepts(action, today))
    return WorkList(chosen, filter_words(filters, names))


def write_work_list(
    store: Store, filters: WorkListFilters | None, path: Path | str, kind: str
) -> Path:
    """The estates work list: the actions the filters choose, by site and ward, most serious
    first, with the workbook's Actions sheet ready to come back with estates' updates."""
    kind = check_kind(kind)
    chosen = work_list(store, filters)
    actions = list(chosen.actions)
    if kind == "pdf":
        from exports import pdf

        return pdf.write_work_list(
            actions, path, title=chosen.title, filters=chosen.filters, matrix=store.risk_matrix
        )
    from exports import xlsx

    return xlsx.write_work_list(actions, path, title=chosen.title, filters=chosen.filters)


# --- the board report -------------------------------------------------------------------------


def write_board_report(
    store: Store,
    choice: BoardChoice | None,
    path: Path | str,
    kind: str,
    *,
    suppress_below: int | None = DEFAULT_THRESHOLD,
) -> Path:
    """The board report for a period (by default the last twelve months), one site or the
    whole trust, with the actions still to do on its wards (those of signed-off audits),
    and, once incidents are imported, their page with counts below ``suppress_below``
    suppressed (None: every count shown, for a report that is not published)."""
    kind = check_kind(kind)
    choice = choice or BoardChoice()
    if choice.site:
        _known_site(store, choice.site)
    if suppress_below is not None:
        check_threshold(suppress_below)
    board = figures_for(store, choice)
    actions = board_actions(store, board)
    trust = store.settings.get(TRUST_NAME_SETTING)
    incidents = incident_page(store, board, threshold=suppress_below)
    if kind == "pdf":
        from exports import pdf

        return pdf.write_board_report(
            board, path, actions=actions, trust=trust, incidents=incidents
        )
    from exports import xlsx

    return xlsx.write_board_report(board, path, actions=actions, trust=trust, incidents=incidents)


# --- estates' returned workbook ---------------------------------------------------------------


def read_updates(path: Path | str, store: Store) -> UpdatePlan:
    """What a returned workbook (of either action workbook) would change; changes nothing.

    Raises UpdatesRefused listing every problem, by row, when it cannot be taken back.
    """
    from exports.xlsx import updates

    return updates.read_updates(path, store)


def apply_updates(store: Store, plan: UpdatePlan, actor: str = "") -> int:
    """Apply a plan read by :func:`read_updates`, all of it or nothing; returns actions changed."""
    from exports.xlsx import updates

    return updates.apply_updates(store, plan, actor=actor)
