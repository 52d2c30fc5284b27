"""Rating and risk chips that carry a word as well as a colour ("Red", "12 High")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from wardaudit.risk import BAND_WORDS
from wardaudit.scoring import RATING_WORDS

# Colours chosen to hold in greyscale and high contrast: the word always goes with them.
RATING_COLOURS: dict[str | None, tuple[str, str]] = {
    "green": ("#1b5e20", "#ffffff"),
    "amber": ("#ffb300", "#000000"),
    "red": ("#b71c1c", "#ffffff"),
    None: ("#e0e0e0", "#000000"),
}
BAND_COLOURS = {
    "low": ("#2e7d32", "#ffffff"),
    "moderate": ("#fdd835", "#000000"),
    "high": ("#ef6c00", "#000000"),
    "extreme": ("#b71c1c", "#ffffff"),
}
NO_COLOUR = ("#e0e0e0", "#000000")


def _chip_style(background: str, foreground: str) -> str:
    return (
        f"QLabel {{ background: {background}; color: {foreground}; border-radius: 6px;"
        " padding: 4px 10px; font-weight: bold; border: 2px solid #000000; }"
    )


class RatingChip(QLabel):
    """A red/amber/green rating shown as colour and word ("Red"), never colour alone."""

    def __init__(self, rating: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_rating(rating)

    def set_rating(self, rating: str | None, prefix: str = "") -> None:
        word = RATING_WORDS.get(rating or "", "Not rated")
        self.setText(f"{prefix}{word}")
        self.setStyleSheet(_chip_style(*RATING_COLOURS.get(rating, RATING_COLOURS[None])))
        self.setAccessibleName(f"Rating: {word}")


class BandChip(QLabel):
    """A risk band shown as colour and word ("High")."""

    def __init__(self, band: str = "low", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_band(band)

    def set_band(self, band: str, score: int | None = None) -> None:
        word = BAND_WORDS.get(band, band.title())
        self.setText(word if score is None else f"{score} {word}")
        self.setStyleSheet(_chip_style(*BAND_COLOURS.get(band, NO_COLOUR)))
        self.setAccessibleName(f"Risk band: {word}")
