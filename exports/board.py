"""The board report's names as the screens still import them, until they call the front door.

Nothing in ``exports`` or ``wardaudit`` imports this module: documents are written through
:mod:`exports.documents`, the words are :mod:`wardaudit.words`, the rules
:mod:`wardaudit.board` and the colours :mod:`wardaudit.palette`. Delete it once no screen
imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from wardaudit.board import Board, monthly_means
from wardaudit.model import Action
from wardaudit.palette import PRINT

__all__ = ["HEAT_STEPS", "heat_step", "monthly_means", "write_board_pdf", "write_board_xlsx"]

# (lowest score in the step, fill, text colour), highest step first, as RRGGBB.
HEAT_STEPS: tuple[tuple[float, str, str], ...] = tuple(
    (step.lowest, step.swatch.fill_rgb, step.swatch.text_rgb) for step in PRINT.heat
)


def heat_step(score: float) -> tuple[str, str]:
    """The heatmap's fill and text colour (RRGGBB) for a section score."""
    swatch = PRINT.heat_step(score)
    return swatch.fill_rgb, swatch.text_rgb


def write_board_pdf(
    board: Board, path: Path | str, *, actions: Sequence[Action] | None = None, trust: str = ""
) -> Path:
    from exports import pdf

    return pdf.write_board_report(board, path, actions=actions, trust=trust)


def write_board_xlsx(
    board: Board, path: Path | str, *, actions: Sequence[Action] | None = None, trust: str = ""
) -> Path:
    from exports import xlsx

    return xlsx.write_board_report(board, path, actions=actions, trust=trust)
