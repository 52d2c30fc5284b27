"""The measuring harness: a result type, percentiles, the table and results.json."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    target: float | None  # the figure; for ratios, a ceiling
    baseline: float | None  # the plain reference measured beside it, where a ratio


NOTES: list[str] = []  # lines printed under the table: what a figure's conditions were


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def table(results: list[Result]) -> str:
    lines = [f"{'figure':<28} {'value':>12} {'unit':<6} {'target':>8} {'baseline':>10}  met"]
    for r in results:
        target = "" if r.target is None else f"{r.target:g}"
        baseline = "" if r.baseline is None else f"{r.baseline:.4g}"
        met = "" if r.target is None else ("yes" if r.value <= r.target else "NO")
        lines.append(f"{r.name:<28} {r.value:>12.4g} {r.unit:<6} {target:>8} {baseline:>10}  {met}")
    lines.extend(f"  note: {note}" for note in NOTES)
    return "\n".join(lines)


def write_json(results: list[Result], path: Path) -> None:
    path.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
