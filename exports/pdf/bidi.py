"""The Unicode Bidirectional Algorithm (UAX #9) for one paragraph of plain text.

reportlab's own right-to-left support needs a library that is not published on PyPI and
is skipped for any paragraph with more than one font, so WardAudit resolves embedding
levels itself. Implemented: the paragraph level (P2, P3), the weak types (W1–W7), paired
brackets (N0), neutrals (N1, N2), implicit levels (I1, I2), and per line the reset of
trailing white space (L1) and the reordering (L2). Mirrored glyphs (L4) come from HarfBuzz,
which mirrors brackets in right-to-left runs.

Not implemented: explicit embeddings, overrides and isolates (U+202A–202E, U+2066–2069).
People do not type them; when pasted text carries them they are ignored (treated as
boundary neutrals), so the text still prints whole, in the implicit order.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence

_EXPLICIT = frozenset({"LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_NEUTRAL_OR_ISOLATE = frozenset({"B", "S", "WS", "ON", "BN"})
_MAX_BRACKET_DEPTH = 63  # BD16


@functools.lru_cache(maxsize=4096)
def bidi_class(char: str) -> str:
    """The character's bidirectional class, explicit formatting characters as BN."""
    value = unicodedata.bidirectional(char) or "L"
    return "BN" if value in _EXPLICIT else value


@functools.cache
def _bracket_pairs() -> dict[str, str]:
    """Opening bracket → closing bracket: each Ps character followed by its Pe partner
    (built on first use: a pass over the Basic Multilingual Plane)."""
    pairs = {}
    for code in range(0x10000):
        opening, closing = chr(code), chr(code + 1)
        if (
            unicodedata.category(opening) == "Ps"
            and unicodedata.category(closing) == "Pe"
            and unicodedata.mirrored(opening)
        ):
            pairs[opening] = closing
    return pairs


@functools.cache
def _closing_brackets() -> dict[str, str]:
    return {v: k for k, v in _bracket_pairs().items()}


def has_rtl(text: str) -> bool:
    """True when ``text`` holds a right-to-left letter or an Arabic number."""
    return any(bidi_class(ch) in ("R", "AL", "AN") for ch in text)


def paragraph_level(text: str) -> int:
    """P2/P3: 1 when the first strong character is right-to-left, else 0."""
    for ch in text:
        kind = bidi_class(ch)
        if kind == "L":
            return 0
        if kind in ("R", "AL"):
            return 1
    return 0


def _strong(kind: str) -> str:
    """L, or R for every type that counts as right-to-left in N0–N2 (R, AL, EN, AN)."""
    return "L" if kind == "L" else "R"


def levels(text: str, base: int | None = None) -> tuple[int, list[int]]:
    """(paragraph level, embedding level of each character) for one paragraph."""
    if base is None:
        base = paragraph_level(text)
    original = [bidi_class(ch) for ch in text]
    # X9: boundary neutrals take no part; they get a neighbour's level at the end.
    index = [i for i, kind in enumerate(original) if kind != "BN"]
    sos = "R" if base % 2 else "L"
    types = _weak_types([original[i] for i in index], sos)
    _paired_brackets(text, index, types, sos)
    _neutral_types(types, sos)
    # I1, I2: the implicit levels.
    result = [base] * len(text)
    for position, kind in zip(index, types, strict=True):
        if base % 2 == 0:
            result[position] = base + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            result[position] = base + (1 if kind in ("L", "EN", "AN") else 0)
    # Boundary neutrals take the level of the character before them (X9, as if removed).
    for i, kind in enumerate(original):
        if kind == "BN":
            result[i] = result[i - 1] if i else base
    return base, result


def _weak_types(types: list[str], sos: str) -> list[str]:
    """W1–W7: marks, numbers, separators and terminators resolved."""
    m = len(types)
    # W1: a non-spacing mark takes the type of what it follows.
    previous = sos
    for i in range(m):
        if types[i] == "NSM":
            types[i] = "ON" if previous in _NEUTRAL_OR_ISOLATE else previous
        previous = types[i]
    # W2, W3: European numbers after Arabic letters are Arabic numbers; AL is R.
    last_strong = sos
    for i in range(m):
        kind = types[i]
        if kind in ("L", "R", "AL"):
            last_strong = kind
        elif kind == "EN" and last_strong == "AL":
            types[i] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, m - 1):
        kind, before, after = types[i], types[i - 1], types[i + 1]
        if kind == "ES" and before == after == "EN":
            types[i] = "EN"
        elif kind == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    _terminators(types)
    # W6: other separators and terminators are neutral.
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]
    # W7: European numbers after left-to-right text are left to right.
    last_strong = sos
    for i in range(m):
        kind = types[i]
        if kind in ("L", "R"):
            last_strong = kind
        elif kind == "EN" and last_strong == "L":
            types[i] = "L"
    return types


def _terminators(types: list[str]) -> None:
    """W5: terminators (%, currency signs) next to a European number join it."""
    m = len(types)
    i = 0
    while i < m:
        if types[i] != "ET":
            i += 1
            continue
        j = i
        while j < m and types[j] == "ET":
            j += 1
        if (i > 0 and types[i - 1] == "EN") or (j < m and types[j] == "EN"):
            types[i:j] = ["EN"] * (j - i)
        i = j


def _neutral_types(types: list[str], sos: str) -> None:
    """N1, N2: a run of neutrals between two strong types of one direction takes it,
    otherwise the embedding direction."""
    m = len(types)
    i = 0
    while i < m:
        if types[i] not in _NEUTRAL_OR_ISOLATE:
            i += 1
            continue
        j = i
        while j < m and types[j] in _NEUTRAL_OR_ISOLATE:
            j += 1
        before = sos if i == 0 else _strong(types[i - 1])
        after = sos if j == m else _strong(types[j])
        fill = before if before == after else sos
        types[i:j] = [fill] * (j - i)
        i = j


def _paired_brackets(text: str, index: Sequence[int], types: list[str], sos: str) -> None:
    """N0: a pair of brackets takes the direction of the text it encloses."""
    opening_of = _bracket_pairs()
    closing_of = _closing_brackets()
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, position in enumerate(index):
        if types[i] != "ON":
            continue
        ch = text[position]
        if ch in opening_of:
            if len(stack) == _MAX_BRACKET_DEPTH:
                break
            stack.append((opening_of[ch], i))
        elif ch in closing_of:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == ch:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    embedding = sos
    for opening, closing in sorted(pairs):
        inside = {
            _strong(kind) for kind in types[opening + 1 : closing] if kind in ("L", "R", "EN", "AN")
        }
        if not inside:
            continue
        direction = embedding
        if embedding not in inside:
            # only the opposite direction inside: it holds if the text before agrees
            for kind in reversed(types[:opening]):
                if kind in ("L", "R", "EN", "AN"):
                    direction = _strong(kind)
                    break
        for bracket in (opening, closing):
            types[bracket] = direction
            # marks on a bracket follow it (W1 made them ON)
            k = bracket + 1
            while k < len(types) and unicodedata.category(text[index[k]])[0] == "M":
                types[k] = direction
                k += 1


def line_levels(text: str, paragraph: Sequence[int], base: int, start: int, end: int) -> list[int]:
    """L1 for the line ``text[start:end]``: trailing white space takes the paragraph level."""
    result = list(paragraph[start:end])
    k = len(result) - 1
    while k >= 0 and bidi_class(text[start + k]) in ("WS", "BN", "S", "B"):
        result[k] = base
        k -= 1
    for k in range(len(result)):
        if bidi_class(text[start + k]) in ("S", "B"):
            result[k] = base
            j = k - 1
            while j >= 0 and bidi_class(text[start + j]) in ("WS", "BN"):
                result[j] = base
                j -= 1
    return result


def visual_order(levels_of_items: Sequence[int]) -> list[int]:
    """L2: the indices of the items in the order they are drawn, left to right."""
    order = list(range(len(levels_of_items)))
    if not order:
        return order
    current = list(levels_of_items)
    highest = max(current)
    odd = [level for level in current if level % 2]
    if not odd:
        return order
    lowest_odd = min(odd)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if current[i] < level:
                i += 1
                continue
            j = i
            while j < len(order) and current[j] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            current[i:j] = current[i:j][::-1]
            i = j
    return order
