"""The warning shown beside free text that looks like it holds an NHS number.

The core decides (:func:`wardaudit.identifiers.identifier_warning_for`); this only shows
its words, in a box a screen reader can find, while she types.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QWidget

from wardaudit.identifiers import identifier_warning_for
from wardaudit.words import sentence


class IdentifierWarning(QLabel):
    """Hidden until the fields it watches look like they hold an NHS number."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAccessibleName(name)
        self.setStyleSheet(
            "QLabel { border: 2px solid palette(text); padding: 4px; font-weight: bold; }"
        )
        self.setVisible(False)

    def check(self, fields: Mapping[str, str | None]) -> None:
        warning = identifier_warning_for(fields)
        self.setVisible(warning is not None)
        if warning is not None:
            self.setText("⚠ " + sentence(warning))
