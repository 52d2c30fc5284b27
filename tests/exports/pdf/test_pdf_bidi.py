"""The bidirectional algorithm the PDFs use, on the cases a mixed note brings."""

from __future__ import annotations

import pytest

from exports.pdf.bidi import levels, paragraph_level, visual_order

_MIRROR = str.maketrans("()[]", ")(][")


def _visual(text: str) -> str:
    """The text in the order it is drawn, character by character, brackets at odd levels
    mirrored (as HarfBuzz draws them in a right-to-left run)."""
    _base, found = levels(text)
    return "".join(
        text[i].translate(_MIRROR) if found[i] % 2 else text[i] for i in visual_order(found)
    )


def test_the_first_strong_letter_sets_the_paragraph_direction() -> None:
    assert paragraph_level("Mr Khan مریض") == 0
    assert paragraph_level("12 مریض Khan") == 1
    assert paragraph_level("  (12) ") == 0


def test_english_text_keeps_level_zero() -> None:
    assert levels("Door wedged open (B02), 3 × 4")[1] == [0] * len("Door wedged open (B02), 3 × 4")


def test_arabic_in_english_runs_right_to_left_as_one_block() -> None:
    assert _visual("ab אב cd") == "ab בא cd"
    assert _visual("Mr (أحمد خان) said") == "Mr (ناخ دمحأ) said"


def test_numbers_in_arabic_stay_left_to_right() -> None:
    base, found = levels("غرفة 12 الآن")
    assert base == 1
    assert found[5:7] == [2, 2]
    assert _visual("غرفة 12") == "12 ةفرغ"


def test_english_in_urdu_stays_left_to_right_and_the_sentence_runs_from_the_right() -> None:
    text = "مریض Smith ہے"
    assert _visual(text) == "ےہ Smith ضیرم"


@pytest.mark.parametrize(
    ("text", "drawn"),
    [
        # N0: brackets take the direction of what they enclose, so a bracketed Arabic
        # name at the end of an English sentence keeps both brackets with it
        ("Note: أحمد (خان)", "Note: (ناخ) دمحأ"),
        # and an English word in brackets inside Arabic keeps its brackets
        ("بستر (Smith) هنا", "انه (Smith) رتسب"),
    ],
)
def test_brackets_pair_up(text: str, drawn: str) -> None:
    assert _visual(text) == drawn


def test_explicit_embedding_controls_change_nothing() -> None:
    """They are not implemented: treated as invisible, the implicit order holds."""
    plain = levels("ab אב")[1]
    marked = levels("ab \u202bאב\u202c")[1]
    assert marked[:3] + marked[4:6] == plain


def test_visual_order_reverses_each_run_from_the_highest_level() -> None:
    assert visual_order([0, 0, 1, 1, 1, 0]) == [0, 1, 4, 3, 2, 5]
    assert visual_order([1, 1, 2, 2, 1]) == [4, 2, 3, 1, 0]
    assert visual_order([]) == []
