"""The Board's figures and its report, worked out and written off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exports.board import write_board_pdf, write_board_xlsx
from wardaudit.board import Board, board_figures
from wardaudit.model import Action
from wardaudit.store import TRUST_NAME_SETTING, Store


@dataclass(frozen=True)
class BoardLoad:
    """What the screen shows: the board's figures and the choices its filters offer."""

    board: Board
    sites: tuple[str, ...]
    services: tuple[str, ...]
    narrowed: bool = False  # a site, service or designation filter: not the whole trust


def load_board(
    store: Store,
    *,
    start: str,
    end: str,
    site: str | None = None,
    service: str | None = None,
    designation: str | None = None,
) -> BoardLoad:
    """Runs in the worker: it must not touch a widget."""
    board = board_figures(
        store, start=start, end=end, site=site, service=service, designation=designation
    )
    sites = tuple(s.name for s in store.wards.sites())
    services = tuple(sorted({w.service for w in store.wards.list() if w.service}, key=str.casefold))
    return BoardLoad(board, sites, services, bool(site or service or designation))


def board_actions(store: Store, board: Board) -> list[Action]:
    """The actions the board report lists, as the command line's export does: open or in
    progress, raised by signed-off audits, on the board's wards."""
    in_progress = {a.id for a in store.audits.in_progress()}
    wards = {f.ward.id for f in board.wards}
    return [
        a
        for a in store.actions.list()
        if a.audit_id not in in_progress
        and a.status in ("open", "in_progress")
        and a.ward_id in wards
    ]


def write_board_report(store: Store, board: Board, path: Path, kind: str) -> Path:
    """Write the board report as "pdf" or "xlsx" (in the worker; reportlab or openpyxl load
    only now)."""
    actions = board_actions(store, board)
    trust = store.settings.get(TRUST_NAME_SETTING)
    writer = write_board_pdf if kind == "pdf" else write_board_xlsx
    return writer(board, path, actions=actions, trust=trust)
