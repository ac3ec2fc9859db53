"""The figure: maximum found against ``f/n`` beside the pushes and bounds (matplotlib is
imported lazily, inside :func:`plot`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from boundkit.labs.attacks.sweep import Row


def _series(rows: Sequence[Row], value: Callable[[Row], Any]) -> tuple[list, list]:
    pts = sorted((float(r.ratio), value(r)) for r in rows if value(r) is not None)
    return [x for x, _ in pts], [float(y) for _, y in pts]


def plot(rows: Sequence[Row], out: str) -> None:
    """Maximum found against ``f/n`` (one panel per ``d``), with the (B1)/(B2) and B3
    pushes, the poisoning bound eq. (5) and the Byzantine upper bound eq. (2), per step,
    log scale (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ds = sorted({r.problem.d for r in rows})
    fig, axes = plt.subplots(1, len(ds), figsize=(6.5 * len(ds), 5), dpi=100, squeeze=False)
    markers = dict(zip(sorted({r.problem.n for r in rows}), "osD^v", strict=False))
    for ax, d in zip(axes[0], ds, strict=True):
        _panel(ax, [r for r in rows if r.problem.d == d], d, markers)
    fig.suptitle("Worst-case attack search vs constructions and bounds (per step, units of L)")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def _panel(ax: Any, rows: Sequence[Row], d: int, markers: dict[int, str]) -> None:
    curves = (
        ("Byzantine upper bound eq. (2)", lambda r: r.upper, "k:"),
        ("poisoning bound eq. (5)", lambda r: r.poisoning, "b--"),
        ("B1/B2 push (one-sided sup)", lambda r: r.halves, "g-"),
        ("B3 orthogonal push", lambda r: r.orthogonal, "m-"),
    )
    ns = sorted({r.problem.n for r in rows})
    for label, value, style in curves:
        for i, n in enumerate(ns):
            xs, ys = _series([r for r in rows if r.problem.n == n], value)
            if xs:
                ax.plot(xs, ys, style, linewidth=1, alpha=0.7, label=label if i == 0 else None)
    for n in ns:
        xs, ys = _series([r for r in rows if r.problem.n == n], lambda r: r.result.divergence)
        ax.plot(xs, ys, markers[n], color="tab:red", fillstyle="none", label=f"max found, n={n}")
    ax.axvline(1 / 3, color="grey", linewidth=0.8, linestyle=":")
    ax.text(1 / 3, 0.02, " f = n/3", transform=ax.get_xaxis_transform(), fontsize=7)
    ax.set_yscale("log")
    ax.set_xlabel("f / n")
    ax.set_ylabel("per-step divergence / L")
    ax.set_title(f"d = {d}")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left")
