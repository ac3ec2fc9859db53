"""``reports/tightness.md``, ``.json`` and ``.png``: the tightness map (issue 13, part 4).

The cells come from :func:`boundkit.labs.tightness.compute`; this module only formats
them (markdown summary, per-``n`` tables by ``f/n`` bin, JSON of every cell, heat map).
matplotlib is imported lazily, inside :func:`plot`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import sympy as sp

from boundkit.labs.tightness import GOAL, Cell, Summary, summaries

#: f/n bins of the tables (upper ends; the last bin is [0.45, 0.5))
BINS = tuple(i / 20 for i in range(1, 11))
_PANELS = (("byzantine", 1), ("byzantine", 2), ("poisoning", 1))


def _title(threat: str, d: int) -> str:
    return f"Byzantine, d = {d}" if threat == "byzantine" else "poisoning"


def _bin(n: int, f: int) -> int:
    ratio = f / n
    return next(i for i, top in enumerate(BINS) if ratio < top)


def _worst_over_m(cells: Sequence[Cell]) -> dict[tuple[int, int], Cell]:
    """The cell of smallest ratio over ``m`` for each ``(n, f)``."""
    out: dict[tuple[int, int], Cell] = {}
    for c in cells:
        key = (c.n, c.f)
        if key not in out or c.value < out[key].value:
            out[key] = c
    return out


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
        "exactly at `T = gamma = L = beta = 1`).  **Lower**: the largest value a "
        f"construction reaches there ({sources}).  **Upper**: the smallest registered "
        "convex upper bound that applies (Byzantine: `thm3.1/convex` with SMEA's "
        "`kappa* = 4f/(n-2f)`, `byzantine/smea-sharp/convex`, and in `d = 1` "
        "`byzantine/smea-1d/convex`; poisoning: `thm3.3/convex`; ties go to the first "
        "registered).  Largest and smallest are chosen exactly "
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


def _exact_text(x: sp.Expr) -> str:
    return f"{x.p}/{x.q}" if x.is_Rational else sp.sstr(x)


def to_json(cells: Sequence[Cell]) -> list[dict[str, Any]]:
    """Every cell: bounds with their sources, exact and at 20 digits, and the ratio."""
    return [
        {
            "threat": c.threat,
            "d": c.dimension,
            "n": c.n,
            "f": c.f,
            "m": c.m,
            "lower_source": c.lower.source,
            "lower": _exact_text(c.lower.value),
            "lower_value": str(sp.N(c.lower.value, 20)),
            "upper_source": c.upper.source,
            "upper": _exact_text(c.upper.value),
            "upper_value": str(sp.N(c.upper.value, 20)),
            "ratio_value": str(sp.N(c.ratio, 20)),
            "reaches_0.9": c.reaches_goal,
        }
        for c in cells
    ]


def plot(cells: Sequence[Cell], out: str) -> None:
    """Heat map of the ratio over ``f/n`` and ``n`` (the smallest over ``m``), one panel per
    threat and dimension; cells reaching 0.9 ringed (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [p for p in _PANELS if any((c.threat, c.dimension) == p for c in cells)]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.6), squeeze=False)
    image = None
    for ax, (threat, d) in zip(axes[0], panels, strict=True):
        part = _worst_over_m([c for c in cells if (c.threat, c.dimension) == (threat, d)])
        xs = [c.f / c.n for c in part.values()]
        ys = [c.n for c in part.values()]
        vs = [c.value for c in part.values()]
        image = ax.scatter(xs, ys, c=vs, cmap="viridis", vmin=0, vmax=1, s=14, marker="s")
        good = [c for c in part.values() if c.reaches_goal]
        ax.scatter(
            [c.f / c.n for c in good],
            [c.n for c in good],
            facecolors="none",
            edgecolors="red",
            s=22,
            linewidths=0.5,
            label=">= 0.9",
        )
        ax.axvline(1 / 3, color="grey", linewidth=0.8, linestyle=":")
        ax.set_yscale("log")
        ax.set_xlabel("f / n")
        ax.set_ylabel("n")
        ax.set_title(_title(threat, d))
        ax.legend(fontsize=7, loc="lower right")
    if image is not None:
        fig.colorbar(image, ax=list(axes[0]), shrink=0.85, label="lower / upper (min over m)")
    fig.suptitle("Tightness: best certified lower bound / best certified upper bound, per step")
    fig.savefig(out, dpi=100)
    plt.close(fig)
