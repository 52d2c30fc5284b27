"""Small-number suppression for papers that may be published, safe against subtraction.

A board paper is often public, and a count of two incidents on a named ward in a named
month can point to a person. So every incident count below the threshold (default 5) is
printed as "fewer than 5" (primary suppression), nought included: "fewer than 5" is true
of nought, and printing noughts would tell a reader that each suppressed count is at least
one. That alone is not enough where the same page prints totals: a ward's total less the
counts shown beside it gives back the one suppressed.

The rule chosen is **secondary suppression with a check**, rather than rounding totals:
rounding to the nearest 5 still lets a reader who knows that a hidden count is below 5 pin
it down (a total shown as 15 over parts 9 and "fewer than 5" leaves only 4), and it would
change figures a board compares. Here every published figure is a count of incidents
chosen by ward, month and place, so a page is described by its *atoms* (the incidents
sharing a ward, a month and a place, which every figure on the page either wholly counts or
not) and its *cells* (the figures). A suppressed count is safe when another arrangement of
incidents, differing from the real one in that count, would print exactly the same page:
one incident fewer in an atom, one more, or one moved between atoms, such that every figure
it changes is itself not shown and stays within what the page says of it ("fewer than 5"
is 0 to 4; "withheld" is 5 or more). Where no such arrangement exists, the fewest further
figures are withheld until one does. Each suppressed count of one or more then has a
*witness*: the arrangement that proves it cannot be worked out. The tests rebuild the page
from each witness and check that it prints the same.

A suppressed count of nought may still be shown to be nought; that discloses no one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3  # "fewer than 2" would print the ones
MAX_THRESHOLD = 50

State = Literal["shown", "fewer", "withheld"]
Atom = Hashable
Cell = Hashable
A = TypeVar("A", bound=Hashable)
C = TypeVar("C", bound=Hashable)


def check_threshold(threshold: int) -> int:
    """A threshold a person may choose; an error that says what is allowed otherwise."""
    from wardaudit.errors import InvalidInput

    if isinstance(threshold, bool) or not MIN_THRESHOLD <= threshold <= MAX_THRESHOLD:
        raise InvalidInput(
            f"counts can be suppressed below a number from {MIN_THRESHOLD} to {MAX_THRESHOLD} "
            f"(not {threshold}); to show every count, choose no suppression"
        )
    return threshold


@dataclass(frozen=True)
class Witness:
    """Another arrangement printing the same page: one incident taken from ``remove`` (an
    atom) and put in ``add`` (an atom), either of them None."""

    remove: Atom | None
    add: Atom | None


@dataclass(frozen=True)
class Protected:
    """Each published count with what may be printed of it."""

    threshold: int | None  # None: nothing is suppressed
    counts: Mapping[Cell, int]
    states: Mapping[Cell, State]
    witnesses: Mapping[Cell, Witness] = field(default_factory=dict)

    def state(self, cell: Cell) -> State:
        return self.states.get(cell, "shown")

    def shown(self, cell: Cell) -> int | None:
        """The count, when it may be printed; None when it is suppressed or withheld."""
        return self.counts.get(cell, 0) if self.state(cell) == "shown" else None

    def words(self, cell: Cell) -> str:
        state = self.state(cell)
        if state == "fewer":
            return f"fewer than {self.threshold}"
        if state == "withheld":
            return "withheld"
        return str(self.counts.get(cell, 0))

    @property
    def suppressed(self) -> int:
        return sum(1 for state in self.states.values() if state == "fewer")

    @property
    def withheld(self) -> int:
        return sum(1 for state in self.states.values() if state == "withheld")


def show_all(counts: Mapping[Cell, int]) -> Protected:
    return Protected(None, dict(counts), {})


class _Page:
    """Atoms, cells and the state of each cell, with the checks on an arrangement."""

    def __init__(
        self,
        atoms: Mapping[Atom, int],
        possible: Iterable[Atom],
        cells: Iterable[Cell],
        cells_of: Callable[[Atom], Iterable[Cell]],
        threshold: int,
    ) -> None:
        self.threshold = threshold
        self.atoms = {atom: n for atom, n in atoms.items() if n > 0}
        self.cells = list(dict.fromkeys(cells))
        published = set(self.cells)
        self.signature: dict[Atom, frozenset[Cell]] = {}
        for atom in itertools.chain(self.atoms, possible):
            if atom not in self.signature:
                self.signature[atom] = frozenset(c for c in cells_of(atom) if c in published)
        self.counts: dict[Cell, int] = dict.fromkeys(self.cells, 0)
        self.members: dict[Cell, list[Atom]] = {c: [] for c in self.cells}
        for atom, n in self.atoms.items():
            for cell in self.signature[atom]:
                self.counts[cell] += n
                self.members[cell].append(atom)
        self.states: dict[Cell, State] = {
            c: ("fewer" if self.counts[c] < threshold else "shown") for c in self.cells
        }
        # every atom that a figure counts, or could count (for arrangements that add one)
        self.could_hold: dict[Cell, list[Atom]] = {c: [] for c in self.cells}
        for atom, cells_here in self.signature.items():
            for cell in cells_here:
                self.could_hold[cell].append(atom)

    def hidden(self, cell: Cell) -> bool:
        return self.states[cell] != "shown"

    def changes(self, witness: Witness) -> dict[Cell, int]:
        removed = self.signature[witness.remove] if witness.remove is not None else frozenset()
        added = self.signature[witness.add] if witness.add is not None else frozenset()
        delta = dict.fromkeys(removed - added, -1)
        delta.update(dict.fromkeys(added - removed, 1))
        return delta

    def cost(self, witness: Witness, cell: Cell) -> tuple[int, int] | None:
        """(figures to withhold, their sum) for this arrangement to hide ``cell``; None when
        it cannot (it leaves the cell alone, or breaks what a hidden figure says)."""
        delta = self.changes(witness)
        if cell not in delta:
            return None
        extra = total = 0
        for changed, step in delta.items():
            value = self.counts[changed] + step
            state = self.states[changed]
            if state == "fewer":
                if not 0 <= value < self.threshold:
                    return None
            elif value < self.threshold:  # withheld, or shown and to be withheld: 5 or more
                return None
            if state == "shown":
                extra += 1
                total += self.counts[changed]
        return extra, total

    def cheap_candidates(self, cell: Cell) -> Iterable[Witness]:
        """Arrangements that might change ``cell`` and nothing printed: an incident fewer in
        one of its atoms, one more, or one moved to an atom that every printed figure of the
        first also counts (so those figures stay as they are)."""
        inside = self.members[cell]
        for atom in inside:
            yield Witness(atom, None)
        for atom in self.could_hold[cell]:
            yield Witness(None, atom)
        for atom in inside:
            shown = [c for c in self.signature[atom] if self.states[c] == "shown"]
            if shown:
                pool = min((self.could_hold[c] for c in shown), key=len)
                keep = set(shown)
                targets = [a for a in pool if keep <= self.signature[a]]
            else:
                targets = list(self.signature)
            for other in targets:
                if cell not in self.signature[other]:
                    yield Witness(atom, other)

    def candidates(self, cell: Cell) -> Iterable[Witness]:
        """Every arrangement that changes ``cell``: an incident fewer in one of its atoms,
        one more, or one moved in or out of it."""
        inside = self.members[cell]
        possible = list(self.signature)
        for atom in inside:
            yield Witness(atom, None)
        yield from (Witness(None, atom) for atom in self.could_hold[cell])
        outside = [a for a in possible if cell not in self.signature[a]]
        for atom in inside:
            for other in outside:
                yield Witness(atom, other)
        outside_with_incidents = [a for a in self.atoms if cell not in self.signature[a]]
        for other in outside_with_incidents:
            for atom in self.could_hold[cell]:
                yield Witness(other, atom)

    def protect(self, cell: Cell) -> Witness:
        """An arrangement hiding ``cell``, withholding the fewest further figures it needs."""
        for witness in self.cheap_candidates(cell):
            if self.cost(witness, cell) == (0, 0):
                return witness
        best: tuple[tuple[int, int], Witness] | None = None
        for witness in self.candidates(cell):
            cost = self.cost(witness, cell)
            if cost is None:
                continue
            if cost[0] == 0:
                return witness
            if best is None or cost < best[0]:
                best = (cost, witness)
        if best is None:  # cannot happen while every figure counts whole atoms
            raise AssertionError(f"no arrangement hides {cell!r}")
        for changed in self.changes(best[1]):
            if self.states[changed] == "shown":
                self.states[changed] = "withheld"
        return best[1]


def protect(
    atoms: Mapping[A, int],
    cells: Iterable[C],
    cells_of: Callable[[A], Iterable[C]],
    *,
    threshold: int | None = DEFAULT_THRESHOLD,
    possible: Iterable[A] = (),
) -> Protected:
    """What a page may print of its counts.

    ``atoms`` counts the incidents of each atom; ``cells`` are the figures the page prints;
    ``cells_of(atom)`` names the figures that count an atom's incidents (others are
    ignored); ``possible`` adds atoms that hold no incident but could (a ward's month
    with none), so that an arrangement may put one there. ``threshold=None`` prints every
    count as it is.
    """
    published: list[Any] = list(cells)
    of: Callable[[Any], Iterable[Any]] = cells_of
    held: Mapping[Any, int] = atoms
    if threshold is None:
        page = _Page(held, possible, published, of, 1)
        return show_all(page.counts)
    page = _Page(held, possible, published, of, check_threshold(threshold))
    witnesses: dict[Cell, Witness] = {}
    changed = True
    while changed:
        changed = False
        for cell in page.cells:
            if page.states[cell] != "fewer" or page.counts[cell] == 0:
                continue
            known = witnesses.get(cell)
            if known is not None and page.cost(known, cell) == (0, 0):
                continue
            before = dict(page.states)
            witnesses[cell] = page.protect(cell)
            changed = changed or page.states != before
    return Protected(threshold, page.counts, dict(page.states), witnesses)
