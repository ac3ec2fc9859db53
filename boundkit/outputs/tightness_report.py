"""``reports/tightness.md`` and ``.json``: the tightness map (docs/theory.md, section 7).

The cells come from :func:`boundkit.labs.tightness.compute`; this module only formats
them (markdown summary, per-``n`` tables by ``f/n`` bin, JSON of every cell); the heat map
(``.png``) is :mod:`boundkit.outputs.tightness_plot`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from boundkit.json_document import document, exact_text, number, rational_text
from boundkit.labs.tightness import GOAL, Cell, Summary, summaries

#: f/n bins of the tables (upper ends; the last bin is [0.45, 0.5))
BINS = tuple(i / 20 for i in range(1, 11))
_PANELS = (("byzantine", 1), ("byzantine", 2), ("poisoning", 1))


def _title(threat: str, d: int) -> str:
    return f"Byzantine, d = {d}" if threat == "byzantine" else "poisoning"


def _bin(n: int, f: int) -> int:
    ratio = f / n
    return next(i for i, top in enumerate(BINS) if ratio < top)


def _cell_name(c: Cell) -> str:
    return f"(n, f, m) = ({c.n}, {c.f}, {c.m})"


def _summary_table(items: Sequence[Summary]) -> list[str]:
    lines = [
        "| threat | d | cells | min | median | max | >= 0.9 | undecided | worst cell | "
        "its lower bound | its upper bound |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in items:
        w = s.worst
        lines.append(
            f"| {s.threat} | {s.dimension} | {s.cells} | {s.minimum:.4f} | {s.median:.4f} | "
            f"{s.best.value:.4f} | {s.reaching} | {s.undecided} | {_cell_name(w)} | "
            f"{w.lower.source} ({float(w.lower.value):.4g}) | "
            f"{w.upper.source} ({float(w.upper.value):.4g}) |"
        )
    return lines


def _goal_lines(cells: Sequence[Cell], threat: str, d: int) -> list[str]:
    """Where the goal is reached: per f/n bin, the cells reaching it and the smallest ratio."""
    part = [c for c in cells if (c.threat, c.dimension) == (threat, d)]
    lines = [
        "| f/n | cells | >= 0.9 | min ratio | at | most frequent best lower bound |",
        "|---|---|---|---|---|---|",
    ]
    for i, top in enumerate(BINS):
        here = [c for c in part if _bin(c.n, c.f) == i]
        if not here:
            continue
        worst = min(here, key=lambda c: c.value)
        reached = sum(c.reaches_goal is True for c in here)
        sources = Counter(c.lower.source for c in here).most_common(1)[0][0]
        lines.append(
            f"| [{top - 0.05:.2f}, {top:.2f}) | {len(here)} | {reached} | {worst.value:.4f} | "
            f"{_cell_name(worst)} | {sources} |"
        )
    return lines


def _heat_table(cells: Sequence[Cell], threat: str, d: int) -> list[str]:
    """Rows ``n``, columns ``f/n`` bins: the smallest ratio over ``f`` and ``m`` there."""
    part = [c for c in cells if (c.threat, c.dimension) == (threat, d)]
    head = "| n | " + " | ".join(f"<{top:.2f}" for top in BINS) + " |"
    lines = [head, "|---|" + "---|" * len(BINS)]
    for n in sorted({c.n for c in part}):
        row = []
        for i in range(len(BINS)):
            here = [c.value for c in part if c.n == n and _bin(c.n, c.f) == i]
            row.append(f"{min(here):.3f}" if here else "")
        lines.append(f"| {n} | " + " | ".join(row) + " |")
    return lines


def _sources(cells: Sequence[Cell]) -> list[str]:
    lines = [
        "| threat | d | best lower bound: cells | best upper bound: cells |",
        "|---|---|---|---|",
    ]
    for threat, d in sorted({(c.threat, c.dimension) for c in cells}):
        part = [c for c in cells if (c.threat, c.dimension) == (threat, d)]
        low = ", ".join(f"{k} {v}" for k, v in Counter(c.lower.source for c in part).most_common())
        up = ", ".join(f"{k} {v}" for k, v in Counter(c.upper.source for c in part).most_common())
        lines.append(f"| {threat} | {d} | {low} | {up} |")
    return lines


def to_markdown(cells: Sequence[Cell], command: str, seconds: float, sources: str) -> str:
    """The report: what was compared, the summary, where 0.9 is reached, tables."""
    items = summaries(cells)
    parts = [
        "# Tightness map: best certified lower bound / best certified upper bound",
        "",
        f"Regenerate: `{command}` ({seconds:.0f} s).",
        "",
        "Per step of convex GD in units of `gamma L^2` (every registered bound used is "
        "`gamma L^2 T` times a function of `(n, f, m)`, checked symbolically; evaluated "
        "exactly at `T = gamma = L = beta = 1`):",
        "",
        f"- **Lower**: the largest value a construction reaches there ({sources}).",
        "- **Upper**: the smallest registered convex upper bound that applies (Byzantine: "
        "`thm3.1/convex` with SMEA's `kappa* = 4f/(n-2f)`, `byzantine/smea-sharp/convex`, "
        "and in `d = 1` `byzantine/smea-1d/convex`; poisoning: `thm3.3/convex`; ties go to "
        "the first registered).",
        "",
        "Largest and smallest are chosen exactly "
        "(`boundkit.checks.decide`), the ratio is exact, and `>= 0.9` is decided exactly "
        "(undecided cells are counted as such); medians and the figure use 30-digit values.",
        "",
        "## Summary",
        "",
        *_summary_table(items),
        "",
        _above_line(cells),
        "",
        "## Which bounds are best",
        "",
        *_sources(cells),
        "",
    ]
    for threat, d in _PANELS:
        if not any((c.threat, c.dimension) == (threat, d) for c in cells):
            continue
        parts += [
            f"## {_title(threat, d)}: where the ratio reaches {float(GOAL)}",
            "",
            *_goal_lines(cells, threat, d),
            "",
            "Smallest ratio over `f` in the bin and over `m`, by `n`:",
            "",
            *_heat_table(cells, threat, d),
            "",
        ]
    return "\n".join(parts)


def _above_line(cells: Sequence[Cell]) -> str:
    """Cells whose lower bound exceeds the upper bound (each one a bug) or is undecided."""
    above = [c for c in cells if c.above_upper is not False]
    if not above:
        return "Lower bound above the upper bound (a bug in a bound or a construction): none."
    shown = "; ".join(
        f"{c.threat} d = {c.dimension} {_cell_name(c)}: {c.lower.source} "
        f"{'>' if c.above_upper else 'undecided against'} {c.upper.source}"
        for c in above[:20]
    )
    return f"**Lower bound above the upper bound (a bug), {len(above)} cells**: {shown}."


#: Version of the ``boundkit.tightness`` document (docs/schemas/tightness.schema.json).
JSON_VERSION = 1


def _cell_record(c: Cell) -> dict[str, Any]:
    return {
        "threat": c.threat,
        "d": c.dimension,
        "n": c.n,
        "f": c.f,
        "m": c.m,
        "lower_source": c.lower.source,
        "lower": number(c.lower.value),
        "lower_exact": exact_text(c.lower.value),
        "upper_source": c.upper.source,
        "upper": number(c.upper.value),
        "upper_exact": exact_text(c.upper.value),
        "ratio": number(c.ratio),
        "ratio_exact": exact_text(c.ratio),
        "reaches_goal": c.reaches_goal,
        "above_upper": c.above_upper,
    }


def to_json(cells: Sequence[Cell], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The ``boundkit.tightness`` document: the grid (CLI names ``d``, ``ns``, ``ms``,
    ``tailored``, ``certificates``), the goal and every cell: both bounds with their
    sources, exact and as JSON numbers, and the ratio, per step in units of gamma L^2."""
    payload = {**parameters, "goal": rational_text(GOAL), "cells": [_cell_record(c) for c in cells]}
    return document("tightness", JSON_VERSION, payload)
