"""The real-data experiment's figure (``reports/experiment_<dataset>.png``): loss stability,
parameter distance and generalization gap against ``f``, the best Byzantine attack and
the best poisoning with 95% intervals, every other threat faint, the registered bounds on
the same log axes, and the ``f = n/3`` line (matplotlib, Agg backend, imported lazily)."""

from __future__ import annotations

from typing import Any

from boundkit.labs.experiment.findings import duels, reference_stat
from boundkit.labs.experiment.sweep import ExperimentResult
from boundkit.labs.experiment.training import threat_kind

_PANELS = (
    ("loss_change_mean", "loss stability  max_z |l(θ;z) - l(θ';z)|", 1),
    ("distance_mean", "parameter distance  ||θ_T - θ'_T||", "L"),
    ("generalization_gap", "|generalization gap|  (hollow: negative)", 1),
)
_BOUND_STYLES = {"eq. (2)": "k:", "eq. (3)": "k:", "eq. (5)": "b--", "eq. (6)": "b--"}


def plot(result: ExperimentResult, out: str) -> None:
    """Write the figure to ``out`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(_PANELS), figsize=(6 * len(_PANELS), 4.8), dpi=100)
    for ax, (quantity, title, divisor) in zip(axes, _PANELS, strict=True):
        _panel(ax, result, quantity, title, divisor)
    c = result.config
    fig.suptitle(
        f"{c.dataset}: robust D-{c.algorithm.upper()} with {c.rule.upper()}, n = {c.n}, "
        f"T = {c.steps}, gamma = {c.step_size} (mean over {c.seeds} seeds, 95% CI)"
    )
    fig.tight_layout()
    fig.savefig(out, format="png", metadata={"Software": None})
    plt.close(fig)


def _positive(values: list[float]) -> list[float]:
    return [max(abs(v), 1e-12) for v in values]


def _panel(ax: Any, result: ExperimentResult, quantity: str, title: str, divisor: Any) -> None:
    lipschitz = float(result.constants.lipschitz) if divisor == "L" else 1.0
    for bound_label, style in _BOUND_STYLES.items():
        pts = [
            (s.f, b.value / lipschitz)
            for s in result.settings
            for b in s.bounds
            if b.label == bound_label and b.value is not None
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), style, label=f"bound {bound_label}")
    threats = sorted({t for t, f in result.summaries if f > 0})
    for threat in threats:
        pts = sorted((f, s[quantity].mean) for (t, f), s in result.summaries.items() if t == threat)
        color = "tab:red" if threat_kind(threat) == "byzantine" else "tab:blue"
        xs, ys = zip(*pts, strict=True)
        ax.plot(xs, _positive(list(ys)), color=color, alpha=0.18, linewidth=0.8)
    for kind, color, marker in (("byzantine", "tab:red", "o"), ("poisoning", "tab:blue", "s")):
        found = duels(result, quantity)
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
            label=f"best {kind}",
            fillstyle="full",
        )
        neg = [(x, y) for x, y in zip(xs, ys, strict=True) if y < 0]
        if neg:
            ax.plot(
                *zip(*[(x, -y) for x, y in neg], strict=True), marker, color="white", markersize=4
            )
    ref = reference_stat(result, quantity)
    if ref is not None:
        ax.plot([0], _positive([ref.mean]), "k^", label="f = 0 (no attack)")
    third = result.config.n / 3
    ax.axvline(third, color="grey", linewidth=0.8, linestyle=":")
    ax.text(third, 0.02, " f = n/3", transform=ax.get_xaxis_transform(), fontsize=8)
    ax.set_yscale("log")
    ax.set_xlabel("f (misbehaving workers)")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="best")
