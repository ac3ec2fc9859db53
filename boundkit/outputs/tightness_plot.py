"""The tightness map's figure (``reports/tightness.png``): the ratio best certified lower
bound / best certified upper bound per ``(n, f)`` (the smallest over ``m``), over ``f/n``
and ``n``, one panel per threat and dimension, the cells where ``>= 0.9`` is decided
ringed.  The cells come from :func:`boundkit.labs.tightness.compute`; matplotlib is
imported lazily.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from boundkit.labs.tightness import Cell

#: The panels, in order: (threat, dimension).
PANELS = (("byzantine", 1), ("byzantine", 2), ("poisoning", 1))
COLOUR_LABEL = "lower / upper (smallest over m)"


def panel_title(threat: str, d: int) -> str:
    return f"Byzantine, d = {d}" if threat == "byzantine" else "poisoning"


def smallest_over_m(cells: Sequence[Cell]) -> list[Cell]:
    """The cell of smallest ratio over ``m`` for each ``(n, f)``."""
    out: dict[tuple[int, int], Cell] = {}
    for c in cells:
        key = (c.n, c.f)
        if key not in out or c.value < out[key].value:
            out[key] = c
    return list(out.values())


def _panel(ax: Any, cells: Sequence[Cell], threat: str, d: int) -> Any:
    from boundkit.outputs import plot_style as style

    part = smallest_over_m([c for c in cells if (c.threat, c.dimension) == (threat, d)])
    image = ax.scatter(
        [c.f / c.n for c in part],
        [c.n for c in part],
        c=[float(c.value) for c in part],
        cmap="viridis",
        vmin=0,
        vmax=1,
        s=14,
        marker="s",
        label="cell (n, f): colour = " + COLOUR_LABEL,
    )
    good = [c for c in part if c.reaches_goal]
    ax.scatter(
        [c.f / c.n for c in good],
        [c.n for c in good],
        facecolors="none",
        edgecolors="red",
        s=26,
        linewidths=0.7,
        label="ratio ≥ 0.9 (decided exactly)",
    )
    ax.axvline(1 / 3, color="grey", linewidth=1, linestyle=":", label="f/n = 1/3")
    ax.set_yscale("log")
    _integer_ticks(ax.yaxis)
    style.label_axes(
        ax,
        "f / n (fraction of misbehaving workers)",
        "n (workers), log scale",
        panel_title(threat, d),
    )
    return image


def _integer_ticks(axis: Any) -> None:
    """Plain integers (3, 5, 10, 20, ...) on a logarithmic ``n`` axis."""
    from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter

    axis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    axis.set_major_formatter(StrMethodFormatter("{x:g}"))
    axis.set_minor_formatter(NullFormatter())


def build(cells: Sequence[Cell]) -> Any:
    """The figure: a panel per threat and dimension present, a shared colour bar on the
    right and the legend below."""
    from boundkit.outputs import plot_style as style

    panels = [p for p in PANELS if any((c.threat, c.dimension) == p for c in cells)]
    fig, axes = style.new_figure(len(panels), 1.5 + 4.6 * len(panels), 5.2)
    images = [_panel(ax, cells, *panel) for ax, panel in zip(axes, panels, strict=True)]
    if images:
        bar = fig.colorbar(images[0], ax=axes, shrink=0.85)
        bar.set_label(COLOUR_LABEL, fontsize=style.LABEL_FONT)
        bar.ax.tick_params(labelsize=style.TICK_FONT)
    fig.suptitle(
        "Tightness: best certified lower bound / best certified upper bound, per step",
        fontsize=style.SUPTITLE_FONT,
    )
    style.legend_below(fig, axes, columns=3)
    return fig


def plot(cells: Sequence[Cell], out: str) -> None:
    """Write :func:`build` as PNG to ``out``."""
    from boundkit.outputs import plot_style

    plot_style.save(build(cells), out)
