"""The colours that carry meaning: ratings, risk bands, heatmap steps and overdue marks.

One place for every colour a screen or a document gives a rating, a band or a score, each
with the text colour that reads on it. Colour never carries meaning alone: the word (or the
number) is always written as well. Documents use ``PRINT`` (and ``WORKBOOK``, which differs
only in how an overdue date is marked), chosen to hold in greyscale print: the bands run dark
to light from Extreme to Low, and the heatmap darkest for the lowest scores. Screens use
``SCREEN`` or ``SCREEN_HIGH_CONTRAST`` (``screen(high_contrast)``). No Qt here: colours are
``#RRGGBB`` strings, which Qt, reportlab and (through ``Swatch.fill_rgb``) openpyxl all take.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType


@dataclass(frozen=True)
class Swatch:
    """A fill and the text colour that reads on it, each ``#RRGGBB``."""

    fill: str
    text: str

    @property
    def fill_rgb(self) -> str:
        """The fill without its ``#``, as openpyxl writes it."""
        return self.fill.lstrip("#")

    @property
    def text_rgb(self) -> str:
        return self.text.lstrip("#")


@dataclass(frozen=True)
class HeatStep:
    """One step of the heatmap: every score from ``lowest`` up to the next step's lowest."""

    lowest: float
    swatch: Swatch


def _frozen(mapping: Mapping[str, Swatch]) -> Mapping[str, Swatch]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Palette:
    """The meaningful colours of one medium (print, a workbook, a screen theme)."""

    ratings: Mapping[str, Swatch]  # "red", "amber", "green"
    not_rated: Swatch  # an audit with no rating yet, a ward not audited
    bands: Mapping[str, Swatch]  # "extreme", "high", "moderate", "low"
    unknown_band: Swatch  # a band a trust's own matrix adds
    heat: tuple[HeatStep, ...]  # highest step first
    overdue: Swatch  # an overdue due date or row

    def rating(self, rating: str | None) -> Swatch:
        return self.ratings.get(rating or "", self.not_rated)

    def band(self, band: str) -> Swatch:
        return self.bands.get(band, self.unknown_band)

    def heat_step(self, score: float) -> Swatch:
        """The shade of a section score: fixed steps, so a shade means the same everywhere."""
        for step in self.heat:
            if score >= step.lowest:
                return step.swatch
        return self.heat[-1].swatch

    def heat_ranges(self) -> list[tuple[float, float | None, Swatch]]:
        """Each step as (lowest, the next step's lowest or None for the top, swatch)."""
        uppers: list[float | None] = [None, *(step.lowest for step in self.heat[:-1])]
        return [
            (step.lowest, upper, step.swatch) for step, upper in zip(self.heat, uppers, strict=True)
        ]


_WHITE, _BLACK = "#FFFFFF", "#000000"

# Documents: the bands dark to light from Extreme to Low, so a greyscale printer keeps the
# order; the heatmap's steps share the band shades, darkest for the lowest scores.
_PRINT_DARK = Swatch("#9C0006", _WHITE)
PRINT = Palette(
    ratings=_frozen(
        {
            "red": _PRINT_DARK,
            "amber": Swatch("#F6B26B", _BLACK),
            "green": Swatch("#1E6B34", _WHITE),
        }
    ),
    not_rated=Swatch(_WHITE, "#1F2933"),
    bands=_frozen(
        {
            "extreme": _PRINT_DARK,
            "high": Swatch("#F4A582", _BLACK),
            "moderate": Swatch("#FDE49B", _BLACK),
            "low": Swatch("#EDF4E8", _BLACK),
        }
    ),
    unknown_band=Swatch(_WHITE, _BLACK),
    heat=(
        HeatStep(90.0, Swatch("#EDF4E8", _BLACK)),
        HeatStep(75.0, Swatch("#FDE49B", _BLACK)),
        HeatStep(50.0, Swatch("#F4A582", _BLACK)),
        HeatStep(0.0, _PRINT_DARK),
    ),
    # A PDF marks an overdue date grey (with the word OVERDUE): it prints the same in black.
    overdue=Swatch("#D9D9D9", _BLACK),
)

# A workbook is read on a screen, in Excel: an overdue date in Excel's own "bad" pink.
WORKBOOK = replace(PRINT, overdue=Swatch("#FFC7CE", "#9C0006"))

# Screens: brighter, on a white window; chips carry a black border and their word.
SCREEN = Palette(
    ratings=_frozen(
        {
            "green": Swatch("#1B5E20", _WHITE),
            "amber": Swatch("#FFB300", _BLACK),
            "red": Swatch("#B71C1C", _WHITE),
        }
    ),
    not_rated=Swatch("#E0E0E0", _BLACK),
    bands=_frozen(
        {
            "low": Swatch("#2E7D32", _WHITE),
            "moderate": Swatch("#FDD835", _BLACK),
            "high": Swatch("#EF6C00", _BLACK),
            "extreme": Swatch("#B71C1C", _WHITE),
        }
    ),
    unknown_band=Swatch("#E0E0E0", _BLACK),
    heat=PRINT.heat,  # the board's heatmap reads the same on screen as in the report
    overdue=Swatch("#FDE2E1", "#111111"),
)

# The high-contrast theme is black: an overdue row turns dark red with white text; chips and
# heatmap cells keep their own fill and text colour, which already contrast with each other.
SCREEN_HIGH_CONTRAST = replace(SCREEN, overdue=Swatch("#4D0000", _WHITE))

# Lines on a chart (one per ward, plus the mean): colour-blind-safe (Okabe and Ito), with
# brighter ones for the black high-contrast background. Each line also has its own marker.
LINE_COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#7A5195",
    "#8C510A",
    "#56B4E9",
    "#E69F00",
)
LINE_COLOURS_HIGH_CONTRAST = (
    "#56B4E9",
    "#FFB000",
    "#00E5A0",
    "#FF8AD8",
    "#C7A0FF",
    "#FF6E40",
    "#B8FF5C",
    "#FFFF00",
)
# The dashed Green and Amber threshold lines on a chart: (green, amber).
THRESHOLD_COLOURS = ("#1B5E20", "#9A5B00")
THRESHOLD_COLOURS_HIGH_CONTRAST = ("#00E676", "#FFC400")


def screen(high_contrast: bool = False) -> Palette:
    """The palette of the screen theme in use."""
    return SCREEN_HIGH_CONTRAST if high_contrast else SCREEN


def line_colour(number: int, high_contrast: bool = False) -> str:
    """The colour of a chart's ``number``-th line (they repeat after eight)."""
    colours = LINE_COLOURS_HIGH_CONTRAST if high_contrast else LINE_COLOURS
    return colours[number % len(colours)]


def threshold_colours(high_contrast: bool = False) -> tuple[str, str]:
    """(green, amber) for a chart's threshold lines, readable on the theme's background."""
    return THRESHOLD_COLOURS_HIGH_CONTRAST if high_contrast else THRESHOLD_COLOURS
