"""The attack-search figure (``reports/attack_search.png``): the maximum found against
``f/n`` beside the (B1)/(B2) and B3 pushes, the poisoning bound eq. (5) and the Byzantine
upper bound eq. (2), per step, one panel per dimension ``d``.

Every curve is labelled with its ``n``: a quantity keeps its hue and marker, each ``n`` has
its own shade and line style (the maximum found: its own hollow marker).  The figure is
built from :class:`PlotPoint` records, taken from the sweep's rows
(:func:`points_from_rows`) or read back from the sweep's CSV (:func:`points_from_csv`), so
it can be redrawn without searching again.  matplotlib is imported lazily.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from boundkit.errors import ParameterError
from boundkit.labs.attacks.sweep import Row


@dataclass(frozen=True)
class PlotPoint:
    """One ``(n, f, d)`` of the sweep, per step in units of ``L`` (``gamma L^2 T`` for the
    stability): the maximum found, the pushes (``None`` where not defined) and the bounds."""

    n: int
    f: int
    d: int
    found: float
    halves: float | None
    orthogonal: float | None
    poisoning: float
    upper: float

    @property
    def ratio(self) -> float:
        return self.f / self.n


def points_from_rows(rows: Sequence[Row]) -> list[PlotPoint]:
    """The plotted values of the sweep's rows (floats: the figure's precision)."""
    return [
        PlotPoint(
            r.problem.n,
            r.problem.f,
            r.problem.d,
            float(r.result.divergence),
            float(r.halves),
            None if r.orthogonal is None else float(r.orthogonal),
            float(r.poisoning),
            float(r.upper),
        )
        for r in rows
    ]


#: CSV columns read back (``attack-search --csv``); other columns are ignored.
CSV_COLUMNS = {
    "n": "n",
    "f": "f",
    "d": "d",
    "found": "max_found",
    "halves": "b1_b2_push",
    "orthogonal": "b3_push",
    "poisoning": "poisoning_per_step",
    "upper": "byzantine_upper_per_step",
}
_INTEGER = re.compile(r"[0-9]{1,7}")
_DECIMAL = re.compile(r"[0-9]{1,30}(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,3})?")
MAX_CSV_ROWS = 10_000


def _integer(column: str, text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise ParameterError(f"csv column {column}", "a non-negative integer", text[:40])
    return int(text)


def _decimal(column: str, text: str, optional: bool = False) -> float | None:
    if optional and text in ("", "n/a"):
        return None
    if not _DECIMAL.fullmatch(text) or not math.isfinite(float(text)):
        raise ParameterError(f"csv column {column}", "a finite non-negative decimal", text[:40])
    return float(text)


def _point(record: dict[str, str]) -> PlotPoint:
    n, f, d = (_integer(CSV_COLUMNS[k], record[CSV_COLUMNS[k]]) for k in ("n", "f", "d"))
    if not (1 <= f and 2 * f < n and d in (1, 2)):
        raise ParameterError("csv row", "1 <= f < n/2 and d in {1, 2}", f"n={n}, f={f}, d={d}")
    values = {
        key: _decimal(column, record[column], optional=key in ("halves", "orthogonal"))
        for key, column in CSV_COLUMNS.items()
        if key not in ("n", "f", "d")
    }
    return PlotPoint(n, f, d, **values)


def points_from_csv(text: str) -> list[PlotPoint]:
    """The sweep's CSV (``attack-search --csv``) read back strictly: the columns of
    :data:`CSV_COLUMNS` present, integers and non-negative decimals only (no evaluation)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = sorted(set(CSV_COLUMNS.values()) - set(reader.fieldnames or ()))
    if missing:
        raise ParameterError("csv", "a header with the attack-search columns", missing)
    points = []
    for record in reader:
        if len(points) >= MAX_CSV_ROWS:
            raise ParameterError("csv", f"at most {MAX_CSV_ROWS} rows", ">")
        if None in record or None in record.values():
            raise ParameterError("csv", "as many cells per row as header columns", record)
        points.append(_point(record))
    if not points:
        raise ParameterError("csv", "at least one row", 0)
    return points


#: The curves drawn for each ``n``: label, value, colour map (hue), marker.
_CURVES: tuple[tuple[str, Callable[[PlotPoint], float | None], str, str], ...] = (
    ("eq. (2) Byzantine upper bound", lambda p: p.upper, "Greys", "v"),
    ("eq. (5) poisoning bound", lambda p: p.poisoning, "Blues", "^"),
    ("B1/B2 push", lambda p: p.halves, "Greens", "X"),
    ("B3 orthogonal push", lambda p: p.orthogonal, "Purples", "P"),
)
_FOUND = "max found"
_FOUND_MARKERS = "osDhp8H<>d"
_LINESTYLES: tuple[Any, ...] = (
    "-",
    (0, (5, 2)),
    (0, (1, 1.5)),
    (0, (5, 1.5, 1, 1.5)),
    (0, (8, 2, 1, 2, 1, 2)),
    (0, (1, 3)),
    (0, (10, 3)),
    (0, (3, 1, 1, 1)),
    (0, (6, 2, 2, 2)),
    (0, (2, 2)),
)


def _shade(index: int, count: int) -> float:
    """Colour-map position of the ``index``-th ``n``: dark for the smallest ``n``."""
    return 0.95 - 0.5 * index / max(count - 1, 1)


def _series(points: Sequence[PlotPoint], value: Callable) -> tuple[list, list]:
    pts = sorted((p.ratio, value(p)) for p in points if value(p) is not None)
    return [x for x, _ in pts], [y for _, y in pts]


def _panel(ax: Any, points: Sequence[PlotPoint], d: int, ns: Sequence[int]) -> None:
    import matplotlib

    from boundkit.outputs import plot_style as style

    for i, n in enumerate(ns):
        here = [p for p in points if p.n == n]
        shade = _shade(i, len(ns))
        for name, value, cmap, marker in _CURVES:
            xs, ys = _series(here, value)
            if xs:
                color = matplotlib.colormaps[cmap](shade)
                ax.plot(
                    xs,
                    ys,
                    color=color,
                    linestyle=_LINESTYLES[i],
                    marker=marker,
                    markersize=4,
                    linewidth=1.2,
                    label=f"{name}, n = {n}",
                )
        xs, ys = _series(here, lambda p: p.found)
        ax.plot(
            xs,
            ys,
            linestyle="none",
            marker=_FOUND_MARKERS[i],
            fillstyle="none",
            markersize=7,
            markeredgewidth=1.3,
            zorder=3,
            color=matplotlib.colormaps["Reds"](shade),
            label=f"{_FOUND}, n = {n}",
        )
    ax.axvline(
        1 / 3,
        color="tab:orange",
        linewidth=1,
        linestyle=(0, (1, 1)),
        label="f/n = 1/3: B2 push for f < n/3, B1 for f ≥ n/3",
    )
    ax.set_yscale("log")
    style.label_axes(
        ax,
        "f / n (fraction of Byzantine workers)",
        "per-step divergence / L = stability / (γ L² T), log scale",
        f"dimension d = {d}",
    )
    ax.grid(alpha=0.3, which="both")


def _legend_order(label: str) -> tuple[int, int]:
    """Legend entries grouped by ``n``, quantities in drawing order, references last."""
    names = [c[0] for c in _CURVES] + [_FOUND]
    name, _, n = label.rpartition(", n = ")
    return (int(n), names.index(name)) if name else (10**9, 0)


def build(points: Sequence[PlotPoint]) -> Any:
    """The figure: one panel per ``d``, a shared legend on the right grouped by ``n``."""
    from boundkit.outputs import plot_style as style

    ds = sorted({p.d for p in points})
    ns = sorted({p.n for p in points})
    fig, axes = style.new_figure(len(ds), 2.5 + 6 * len(ds), 6)
    for ax, d in zip(axes, ds, strict=True):
        _panel(ax, [p for p in points if p.d == d], d, ns)
    fig.suptitle(
        "Worst-case attack search on SMEA vs constructions and bounds (m = 1, per step)",
        fontsize=style.SUPTITLE_FONT,
    )
    style.legend_below(fig, axes, columns=1, where="right upper", key=_legend_order)
    return fig


def plot_points(points: Sequence[PlotPoint], out: str) -> None:
    """Write :func:`build` as PNG to ``out``."""
    from boundkit.outputs import plot_style

    plot_style.save(build(points), out)


def plot(rows: Sequence[Row], out: str) -> None:
    """Write the figure of the sweep's rows to ``out`` (PNG)."""
    plot_points(points_from_rows(rows), out)
