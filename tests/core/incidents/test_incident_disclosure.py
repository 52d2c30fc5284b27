"""Small-number suppression: counts below the threshold hidden, and never given back by
subtraction from the totals printed beside them."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

import pytest

from wardaudit.errors import InvalidInput
from wardaudit.incidents.disclosure import Protected, Witness, protect

Atom = tuple[str, str]  # (ward, month)
Cell = tuple[str, ...]


def grid_page(
    counts: dict[Atom, int], threshold: int | None = 5
) -> tuple[Protected, list[Cell], Callable[[Atom], list[Cell]], list[Atom]]:
    """A page printing each ward's total, each month's total and the grand total (two
    breakdowns of one total, as the board report prints them)."""
    wards = sorted({w for w, _ in counts})
    months = sorted({m for _, m in counts})

    def cells_of(atom: Atom) -> list[Cell]:
        return [("ward", atom[0]), ("month", atom[1]), ("all",)]

    cells: list[Cell] = [("all",), *(("ward", w) for w in wards), *(("month", m) for m in months)]
    possible = [(w, m) for w in wards for m in months]
    return (
        protect(counts, cells, cells_of, threshold=threshold, possible=possible),
        cells,
        cells_of,
        possible,
    )


def recount(counts: dict[Atom, int], cells_of: Callable[[Atom], Iterable[Cell]]) -> dict[Cell, int]:
    """Every figure counted again from the incidents, apart from the code under test."""
    totals: dict[Cell, int] = {}
    for atom, n in counts.items():
        for cell in cells_of(atom):
            totals[cell] = totals.get(cell, 0) + n
    return totals


def printed(page: Protected, cells: list[Cell]) -> dict[Cell, str]:
    return {cell: page.words(cell) for cell in cells}


def consistent(page: Protected, cells: list[Cell], other: dict[Cell, int]) -> bool:
    """Whether another arrangement's figures print exactly the same page."""
    t = page.threshold or 0
    for cell in cells:
        value, state = other.get(cell, 0), page.state(cell)
        if state == "shown" and value != page.counts.get(cell, 0):
            return False
        if state == "fewer" and not 0 <= value < t:
            return False
        if state == "withheld" and value < t:
            return False
    return True


def apply(counts: dict[Atom, int], witness: Witness) -> dict[Atom, int]:
    moved = dict(counts)
    if witness.remove is not None:
        moved[witness.remove] = moved.get(witness.remove, 0) - 1
        assert moved[witness.remove] >= 0
    if witness.add is not None:
        moved[witness.add] = moved.get(witness.add, 0) + 1
    return moved


def subtraction_leaks(page: Protected, relations: list[tuple[Cell, list[Cell]]]) -> list[Cell]:
    """Suppressed counts given back by a printed total less the printed parts beside it."""
    leaks = []
    for total, parts in relations:
        hidden = [p for p in [total, *parts] if page.state(p) != "shown"]
        if len(hidden) == 1 and page.state(hidden[0]) == "fewer":
            leaks.append(hidden[0])
    return leaks


@pytest.mark.parametrize(("count", "words"), [(4, "fewer than 5"), (5, "5"), (6, "6")])
def test_counts_at_the_threshold(count: int, words: str) -> None:
    page, *_ = grid_page({("A", "2026-01"): count, ("B", "2026-01"): 9, ("B", "2026-02"): 7})
    assert page.words(("ward", "A")) == words
    assert page.shown(("ward", "A")) == (None if count < 5 else count)


@pytest.mark.parametrize(
    ("threshold", "count", "words"), [(6, 5, "fewer than 6"), (3, 3, "3"), (3, 2, "fewer than 3")]
)
def test_the_threshold_can_be_chosen(threshold: int, count: int, words: str) -> None:
    page, *_ = grid_page({("A", "2026-01"): count, ("B", "2026-01"): 9}, threshold=threshold)
    assert page.words(("ward", "A")) == words


def test_nought_is_fewer_than_five_and_no_suppression_shows_everything() -> None:
    counts = {("A", "2026-01"): 0, ("B", "2026-01"): 12, ("C", "2026-02"): 2}
    page, *_ = grid_page(counts)
    assert page.words(("ward", "A")) == "fewer than 5"
    plain, *_ = grid_page(counts, threshold=None)
    assert [plain.words(("ward", w)) for w in "ABC"] == ["0", "12", "2"]
    assert plain.words(("all",)) == "14" and plain.suppressed == plain.withheld == 0


@pytest.mark.parametrize("threshold", [0, 1, 2, 51, True])
def test_a_threshold_that_would_print_small_counts_is_refused(threshold: int) -> None:
    with pytest.raises(InvalidInput, match="from 3 to 50"):
        grid_page({("A", "2026-01"): 1}, threshold=threshold)


def test_one_small_ward_is_not_given_back_by_the_total_less_the_others() -> None:
    counts = {("A", "2026-01"): 6, ("A", "2026-02"): 6, ("B", "2026-01"): 3, ("C", "2026-02"): 8}
    page, cells, cells_of, _ = grid_page(counts)
    assert page.words(("ward", "B")) == "fewer than 5"
    # Printed: A 12, C 8, January 9?, February 14?, total 23? — some of it must be withheld.
    relations = [
        (("all",), [("ward", w) for w in "ABC"]),
        (("all",), [("month", "2026-01"), ("month", "2026-02")]),
    ]
    assert subtraction_leaks(page, relations) == []
    assert page.withheld >= 1
    # and the arrangement that proves it prints the same page with another count for B
    other = recount(apply(counts, page.witnesses[("ward", "B")]), cells_of)
    assert consistent(page, cells, other) and other[("ward", "B")] != 3


def test_two_small_wards_that_add_up_to_two_are_protected() -> None:
    """Two suppressed counts under a printed total: 1 and 1 would be given away by their
    sum, so an arrangement must exist in which they differ."""
    counts = {("A", "2026-01"): 1, ("B", "2026-01"): 1, ("C", "2026-01"): 20, ("C", "2026-02"): 9}
    page, cells, cells_of, _ = grid_page(counts)
    for ward in "AB":
        witness = page.witnesses[("ward", ward)]
        other = recount(apply(counts, witness), cells_of)
        assert consistent(page, cells, other)
        assert other.get(("ward", ward), 0) != 1


@pytest.mark.parametrize("seed", range(40))
def test_random_pages_leak_nothing(seed: int) -> None:
    """Pages of a few wards and months with small counts: no subtraction gives a suppressed
    count back, and every suppressed count of one or more has a witness."""
    rng = random.Random(seed)
    wards = [f"W{n}" for n in range(rng.randint(2, 6))]
    months = [f"2026-{n:02d}" for n in range(1, rng.randint(2, 7))]
    counts = {(w, m): rng.choice((0, 0, 1, 1, 2, 3, 4, 5, 6, 9)) for w in wards for m in months}
    page, cells, cells_of, _ = grid_page(counts)
    truth = recount(counts, cells_of)
    relations = [
        (("all",), [("ward", w) for w in wards]),
        (("all",), [("month", m) for m in months]),
    ]
    assert subtraction_leaks(page, relations) == []
    for cell in cells:
        value = truth.get(cell, 0)
        assert page.counts[cell] == value
        if page.state(cell) == "shown":
            assert value >= 5 and page.words(cell) == str(value)
        elif page.state(cell) == "fewer":
            assert value < 5
            if value:
                other = recount(apply(counts, page.witnesses[cell]), cells_of)
                assert consistent(page, cells, other), (cell, page.witnesses[cell])
                assert other.get(cell, 0) != value
        else:
            assert value >= 5
