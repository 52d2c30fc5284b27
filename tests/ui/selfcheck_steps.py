"""The steps ``wardaudit --self-check`` must report: the same list whether it runs from the
source tree or from the built bundle."""

from __future__ import annotations

SELF_CHECK_STEPS = (
    "database created",
    "built-in checklist loaded",
    "ward added",
    "audit started",
    "every applicable item answered",
    "audit signed off",
    "main window shown offscreen",
    "action plan written as PDF",
    "action plan written as a workbook",
)
