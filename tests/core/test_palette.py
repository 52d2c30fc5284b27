"""The palette: every rating and band has its colours, text reads on them, print keeps its order."""

from __future__ import annotations

import pytest

from wardaudit import palette
from wardaudit.palette import PRINT, SCREEN, SCREEN_HIGH_CONTRAST, WORKBOOK, Palette, Swatch
from wardaudit.risk import BAND_ORDER
from wardaudit.scoring import RATING_WORDS

PALETTES = {
    "print": PRINT,
    "workbook": WORKBOOK,
    "screen": SCREEN,
    "contrast": SCREEN_HIGH_CONTRAST,
}


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(swatch: Swatch) -> float:
    light, dark = sorted((luminance(swatch.fill), luminance(swatch.text)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def swatches(chosen: Palette) -> list[Swatch]:
    return [
        *chosen.ratings.values(),
        chosen.not_rated,
        *chosen.bands.values(),
        chosen.unknown_band,
        *(step.swatch for step in chosen.heat),
        chosen.overdue,
    ]


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_every_rating_and_band_has_colours(name: str) -> None:
    chosen = PALETTES[name]
    assert set(chosen.ratings) == set(RATING_WORDS)
    assert set(chosen.bands) == set(BAND_ORDER)
    for swatch in swatches(chosen):
        for colour in (swatch.fill, swatch.text):
            assert len(colour) == 7 and colour.startswith("#"), colour
            int(colour[1:], 16)


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_the_words_written_on_each_colour_can_be_read(name: str) -> None:
    """WCAG AA for normal text: 4.5 to 1 between a fill and the text written on it."""
    for swatch in swatches(PALETTES[name]):
        assert contrast(swatch) >= 4.5, swatch


def test_print_keeps_its_order_in_greyscale() -> None:
    # Bands dark to light from Extreme to Low; heatmap steps darker the lower the score.
    bands = [luminance(PRINT.bands[band].fill) for band in BAND_ORDER]
    assert bands == sorted(bands)
    steps = [luminance(step.swatch.fill) for step in PRINT.heat]  # highest step first
    assert steps == sorted(steps, reverse=True)
    assert [step.lowest for step in PRINT.heat] == sorted(
        (step.lowest for step in PRINT.heat), reverse=True
    )


def test_heat_steps_hold_at_their_edges() -> None:
    top, second, third, bottom = (step.swatch for step in PRINT.heat)
    assert PRINT.heat_step(100) == PRINT.heat_step(90) == top
    assert PRINT.heat_step(89.99) == second
    assert PRINT.heat_step(75) == second and PRINT.heat_step(74.9) == third
    assert PRINT.heat_step(0) == PRINT.heat_step(-1) == bottom
    assert [(lo, up) for lo, up, _ in PRINT.heat_ranges()] == [
        (90.0, None),
        (75.0, 90.0),
        (50.0, 75.0),
        (0.0, 50.0),
    ]


def test_unknown_ratings_and_bands_get_a_neutral_swatch() -> None:
    assert PRINT.rating(None) == PRINT.not_rated
    assert SCREEN.rating("purple") == SCREEN.not_rated
    assert PRINT.band("severe") == PRINT.unknown_band
    assert PRINT.band("extreme") == PRINT.bands["extreme"]


def test_the_workbook_differs_from_print_only_in_the_overdue_mark() -> None:
    assert WORKBOOK.overdue != PRINT.overdue
    assert (WORKBOOK.ratings, WORKBOOK.bands, WORKBOOK.heat) == (
        PRINT.ratings,
        PRINT.bands,
        PRINT.heat,
    )
    assert WORKBOOK.overdue.fill_rgb == "FFC7CE" and WORKBOOK.overdue.text_rgb == "9C0006"


def test_screens_have_a_high_contrast_theme() -> None:
    assert palette.screen(False) is SCREEN and palette.screen(True) is SCREEN_HIGH_CONTRAST
    assert SCREEN_HIGH_CONTRAST.overdue != SCREEN.overdue
    # The high-contrast window is black: an overdue row must stand out on it.
    assert luminance(SCREEN_HIGH_CONTRAST.overdue.fill) < luminance(SCREEN.overdue.fill)
    assert SCREEN.heat == PRINT.heat  # the board's heatmap reads as the report's does


def test_chart_lines_repeat_and_brighten_in_high_contrast() -> None:
    count = len(palette.LINE_COLOURS)
    assert palette.line_colour(0) == palette.line_colour(count) == palette.LINE_COLOURS[0]
    assert palette.line_colour(1, high_contrast=True) == palette.LINE_COLOURS_HIGH_CONTRAST[1]
    assert len(set(palette.LINE_COLOURS)) == count == len(palette.LINE_COLOURS_HIGH_CONTRAST)
    black_background = 0.0
    for colour in palette.LINE_COLOURS_HIGH_CONTRAST:
        assert (luminance(colour) + 0.05) / (black_background + 0.05) >= 3  # lines on black
    green, amber = palette.threshold_colours(high_contrast=True)
    assert (green, amber) != palette.threshold_colours()


def test_palettes_cannot_be_changed_by_accident() -> None:
    with pytest.raises(TypeError):
        PRINT.ratings["red"] = Swatch("#000000", "#FFFFFF")  # type: ignore[index]
