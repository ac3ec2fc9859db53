"""The real-data experiment's figure (``reports/experiment_<dataset>.png``): loss stability,
parameter distance and generalization gap against ``f``, the best Byzantine attack and
the best poisoning with 95% intervals, every threat as a faint line, the registered bounds
on the same log axes, and the ``f = n/3`` line; one legend below the panels
(matplotlib, imported lazily)."""

from __future__ import annotations

from typing import Any

from boundkit.labs.experiment.findings import duels, reference_stat
from boundkit.labs.experiment.sweep import ExperimentResult
from boundkit.labs.experiment.training import threat_kind

#: (quantity, panel title, y-axis label, bounds divided by L?)
_PANELS = (
    (
        "loss_change_mean",
        "loss stability",
        "max_z |ℓ(θ_T; z) − ℓ(θ′_T; z)|, mean over neighbours\n(loss units, log scale)",
        False,
    ),
    (
        "distance_mean",
        "parameter distance (bounds ÷ L)",
        "‖θ_T − θ′_T‖, mean over neighbours\n(parameter units, log scale)",
        True,
    ),
    (
        "generalization_gap",
        "generalization gap",
        "|test loss − training loss|\n(loss units, log scale)",
        False,
    ),
)
#: Registered bounds: label in the legend and line style (colour, line style).
_BOUNDS = {
    "eq. (2)": ("bound eq. (2), Byzantine (Thm 3.1)", "black", ":"),
    "eq. (3)": ("bound eq. (3), Byzantine (Thm 3.1)", "black", "-."),
    "eq. (5)": ("bound eq. (5), poisoning (Thm 3.3)", "navy", "--"),
    "eq. (6)": ("bound eq. (6), poisoning (Thm 3.3)", "navy", (0, (5, 1, 1, 1, 1, 1))),
}
#: Per threat kind: label word, colour of the best, colour and line style of the faint
#: lines, marker.
_KINDS = {
    "byzantine": ("Byzantine attack", "tab:red", "lightcoral", "-", "o"),
    "poisoning": ("poisoning", "tab:blue", "lightsteelblue", (0, (4, 2)), "s"),
}
_FLOOR = 1e-12


def build(result: ExperimentResult) -> Any:
    """The figure: three panels side by side, the legend below them."""
    from boundkit.outputs import plot_style as style

    fig, axes = style.new_figure(len(_PANELS), 6 * len(_PANELS), 5.6)
    for ax, panel in zip(axes, _PANELS, strict=True):
        _panel(ax, result, *panel)
    c = result.config
    fig.suptitle(
        f"{c.dataset}: robust D-{c.algorithm.upper()} with {c.rule.upper()}, n = {c.n}, "
        f"T = {c.steps}, γ = {c.step_size} (mean over {c.seeds} seeds, 95% CI)",
        fontsize=style.SUPTITLE_FONT,
    )
    style.legend_below(fig, axes, columns=4)
    return fig


def plot(result: ExperimentResult, out: str) -> None:
    """Write the figure to ``out`` (PNG)."""
    from boundkit.outputs import plot_style

    plot_style.save(build(result), out)


def _positive(values: list[float]) -> list[float]:
    """Absolute values, floored at :data:`_FLOOR` (log axes)."""
    return [max(abs(v), _FLOOR) for v in values]


def _bounds(ax: Any, result: ExperimentResult, per_lipschitz: bool) -> None:
    lipschitz = float(result.constants.lipschitz) if per_lipschitz else 1.0
    for key, (label, color, linestyle) in _BOUNDS.items():
        pts = [
            (s.f, b.value / lipschitz)
            for s in result.settings
            for b in s.bounds
            if b.label == key and b.value is not None
        ]
        if pts:
            xs, ys = zip(*pts, strict=True)
            ax.plot(xs, ys, color=color, linestyle=linestyle, linewidth=1.5, label=label)


def _faint(ax: Any, result: ExperimentResult, quantity: str) -> None:
    """Every threat as a thin pale line (one label per kind)."""
    for threat in sorted({t for t, f in result.summaries if f > 0}):
        kind = threat_kind(threat)
        word, _, pale, linestyle, _ = _KINDS[kind]
        pts = sorted((f, s[quantity].mean) for (t, f), s in result.summaries.items() if t == threat)
        xs, ys = zip(*pts, strict=True)
        ax.plot(
            xs,
            _positive(list(ys)),
            color=pale,
            linestyle=linestyle,
            linewidth=0.8,
            label=f"each {word} (faint)",
        )


def _best(ax: Any, result: ExperimentResult, quantity: str) -> None:
    """The strongest threat of each kind at each ``f``, with its 95% interval; negative
    means drawn as their absolute value with a white centre."""
    found = duels(result, quantity)
    for kind, (word, color, _, _, marker) in _KINDS.items():
        stats = [
            (d.f, d.byzantine_stat if kind == "byzantine" else d.poisoning_stat) for d in found
        ]
        if not stats:
            continue
        xs = [f for f, _ in stats]
        ys = [s.mean for _, s in stats]
        ax.errorbar(
            xs,
            _positive(ys),
            yerr=[s.half_width for _, s in stats],
            color=color,
            marker=marker,
            capsize=3,
            linestyle="-",
            label=f"strongest {word} (mean, 95% CI)",
        )
        neg = [(x, -y) for x, y in zip(xs, ys, strict=True) if y < 0]
        if neg:
            nx, ny = zip(*neg, strict=True)
            ax.plot(
                nx,
                ny,
                linestyle="none",
                marker="o",
                color="white",
                markeredgecolor="black",
                markeredgewidth=0.6,
                markersize=4,
                zorder=3,
                label="negative mean: its absolute value, white centre",
            )


def _panel(
    ax: Any, result: ExperimentResult, quantity: str, title: str, ylabel: str, per_l: bool
) -> None:
    from boundkit.outputs import plot_style as style

    _bounds(ax, result, per_l)
    _faint(ax, result, quantity)
    _best(ax, result, quantity)
    ref = reference_stat(result, quantity)
    if ref is not None:
        ax.plot(
            [0],
            _positive([ref.mean]),
            linestyle="none",
            marker="^",
            color="tab:green",
            label="f = 0 (no attack)",
        )
    ax.axvline(
        result.config.n / 3, color="grey", linewidth=1, linestyle=(0, (1, 3)), label="f = n/3"
    )
    ax.set_yscale("log")
    ax.xaxis.get_major_locator().set_params(integer=True)
    style.label_axes(ax, "f (misbehaving workers)", ylabel, title)
    ax.grid(alpha=0.3, which="both")
