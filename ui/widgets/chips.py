"""Rating and risk chips that carry a word as well as a colour ("Red", "12 High")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui.theme import meaning_colours
from wardaudit.palette import Swatch
from wardaudit.words import band_word, rating_word


def _chip_style(swatch: Swatch) -> str:
    return (
        f"QLabel {{ background: {swatch.fill}; color: {swatch.text}; border-radius: 6px;"
        " padding: 4px 10px; font-weight: bold; border: 2px solid #000000; }"
    )


def _restyle(chip: QLabel, style: str) -> None:
    """A new style sheet re-polishes the chip, which an audit's header did on every answer
    saved: set it only when the colour changes."""
    if chip.styleSheet() != style:
        chip.setStyleSheet(style)


class RatingChip(QLabel):
    """A red/amber/green rating shown as colour and word ("Red"), never colour alone."""

    def __init__(self, rating: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_rating(rating)

    def set_rating(self, rating: str | None, prefix: str = "") -> None:
        word = rating_word(rating)
        self.setText(f"{prefix}{word}")
        _restyle(self, _chip_style(meaning_colours().rating(rating)))
        self.setAccessibleName(f"Rating: {word}")


class BandChip(QLabel):
    """A risk band shown as colour and word ("High")."""

    def __init__(self, band: str = "low", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_band(band)

    def set_band(self, band: str, score: int | None = None) -> None:
        word = band_word(band)
        self.setText(word if score is None else f"{score} {word}")
        _restyle(self, _chip_style(meaning_colours().band(band)))
        self.setAccessibleName(f"Risk band: {word}")
