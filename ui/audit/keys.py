"""The audit's answer keys: Y, P, N and A answer the item shown (G shows its guidance)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

ANSWER_KEYS = {
    Qt.Key.Key_Y: "yes",
    Qt.Key.Key_P: "partial",
    Qt.Key.Key_N: "no",
    Qt.Key.Key_A: "na",
}
KEY_LETTERS = {"yes": "Y", "partial": "P", "no": "N", "na": "A"}
GUIDANCE_KEY = Qt.Key.Key_G


def is_plain_letter(event: QKeyEvent) -> bool:
    """A letter typed with no modifier but Shift (Ctrl+N is not an answer)."""
    allowed = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    return not (event.modifiers() & ~allowed)


def is_answer_key(event: QKeyEvent) -> bool:
    return is_plain_letter(event) and (event.key() in ANSWER_KEYS or event.key() == GUIDANCE_KEY)
