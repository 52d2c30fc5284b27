"""The NPSA 5×5 risk matrix: likelihood × consequence, banded, with a due date per band.

Bands and due dates are configurable; the defaults follow DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from wardaudit.errors import InvalidInput

LIKELIHOOD = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
CONSEQUENCE = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}
BandName = Literal["low", "moderate", "high", "extreme"]
BAND_ORDER = ("extreme", "high", "moderate", "low")
BAND_WORDS = {"low": "Low", "moderate": "Moderate", "high": "High", "extreme": "Extreme"}


def band_word(band: str) -> str:
    """ "Extreme", ..., "Low"; a band a trust's own matrix adds keeps its own name."""
    return BAND_WORDS.get(band, band.title())


@dataclass(frozen=True)
class Band:
    name: BandName
    low: int
    high: int
    due_days: int

    @property
    def word(self) -> str:
        return band_word(self.name)


@dataclass(frozen=True)
class RiskMatrix:
    """Score bands (inclusive ranges over 1–25) and how soon each band's action is due."""

    bands: tuple[Band, ...] = field(
        default=(
            Band("low", 1, 3, 90),
            Band("moderate", 4, 6, 30),
            Band("high", 8, 12, 7),
            Band("extreme", 15, 25, 1),
        )
    )

    def __post_init__(self) -> None:
        covered = {
            score: band.name for band in self.bands for score in range(band.low, band.high + 1)
        }
        for likelihood in range(1, 6):
            for consequence in range(1, 6):
                if likelihood * consequence not in covered:
                    raise InvalidInput(
                        f"the risk bands leave a score of {likelihood * consequence} without a band"
                    )

    def rate(self, likelihood: int, consequence: int) -> RiskRating:
        if likelihood not in LIKELIHOOD or consequence not in CONSEQUENCE:
            raise InvalidInput(
                f"likelihood and consequence must each be 1 to 5 (found {likelihood} × {consequence})"
            )
        score = likelihood * consequence
        for band in self.bands:
            if band.low <= score <= band.high:
                return RiskRating(likelihood, consequence, score, band.name)
        raise InvalidInput(f"no risk band covers a score of {score}")

    def band(self, name: str) -> Band:
        for band in self.bands:
            if band.name == name:
                return band
        raise InvalidInput(f"unknown risk band '{name}'")

    def due_date(self, rating: RiskRating, raised: date) -> date:
        return raised + timedelta(days=self.band(rating.band).due_days)


@dataclass(frozen=True)
class RiskRating:
    likelihood: int
    consequence: int
    score: int
    band: BandName

    @property
    def band_word(self) -> str:
        return band_word(self.band)

    def describe(self) -> str:
        return (
            f"{LIKELIHOOD[self.likelihood]} ({self.likelihood}) × "
            f"{CONSEQUENCE[self.consequence]} ({self.consequence}) = {self.score} {self.band_word}"
        )


DEFAULT_MATRIX = RiskMatrix()
