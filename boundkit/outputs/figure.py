"""Figure 1 of the paper: generalization error against ``f`` (Section 4, App. E.2).

In the Lemma 4.1 setting (``m = 1``, linear loss, a random pivot worker) the expected
generalization error is computed exactly under worst-case poisoning (construction P1)
and under the tailored two-sided Byzantine attack (App. E.2), for ``f = 1..(n-1)/2``.
Theory curves: eq. (5) scaled by ``1/(2(n-f))`` (poisoning, tight) and the Byzantine
lower bound ``thm3.2/f-ge-n/3`` scaled the same way, for ``f >= n/3``: in this setting the
expected generalization error is ``eps/(2(n - f))`` for a stability gap ``eps``
(docs/theory.md, section 4), so a stability bound divided by ``2(n - f)`` is a bound on it.
Beyond the paper, a third measured curve: boundkit's orthogonal push in dimension 2 with
the pivot's sample on ``e2`` (:func:`constructions.lemma41_pivot.lemma41_orthogonal`),
where it is defined.

The figure (:func:`build`) plots every value divided by ``gamma L^2 T`` (each is
proportional to it), the P1 markers hollow under the eq. (5) line they sit on, the
``f = n/3`` line labelled and the legend below the axes; the CSV keeps the raw values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath

from boundkit.config import Setting


@dataclass(frozen=True)
class FigureParameters:
    """Defaults chosen to show the gap: many workers, long enough training."""

    n: int = 41
    T: int = 50
    step_size: Fraction = Fraction(1, 10)
    lipschitz: Fraction = Fraction(1)
    dps: int = 50

    def describe(self) -> str:
        return (
            f"n = {self.n}, m = 1, T = {self.T}, step size = {self.step_size}, "
            f"L = {self.lipschitz}, f = 1..{(self.n - 1) // 2}"
        )


@dataclass(frozen=True)
class FigurePoint:
    """One ``f``: measured generalization errors and the scaled theory values."""

    f: int
    gen_poisoning: mpmath.mpf
    gen_byzantine: mpmath.mpf
    theory_poisoning: mpmath.mpf
    theory_byzantine_lower: mpmath.mpf | None
    gen_orthogonal: mpmath.mpf | None = None  # B3 variant, d = 2 (None: not defined)

    @property
    def byzantine_above(self) -> bool:
        return self.gen_byzantine > self.gen_poisoning


def _to_mp(x: Fraction) -> mpmath.mpf:
    return mpmath.mpf(x.numerator) / x.denominator


def compute_point(params: FigureParameters, f: int) -> FigurePoint:
    from boundkit import bounds  # lazy: `--help` stays fast (SymPy loads on first use)
    from constructions.lemma41_pivot import lemma41

    setting = Setting(
        n=params.n, f=f, m=1, T=params.T, step_size=params.step_size, lipschitz=params.lipschitz
    )
    scale = mpmath.mpf(1) / (2 * (params.n - f))
    with mpmath.workdps(params.dps):
        poisoning = lemma41(setting, "poisoning", dps=params.dps)
        byzantine = lemma41(setting, "byzantine", dps=params.dps)
        values = setting.as_dict()
        eq5 = bounds.evaluate("thm3.3/convex", values, dps=params.dps) * scale
        lower_bound = bounds.get("thm3.2/f-ge-n/3")
        lower = None
        if not bounds.violated_hypotheses(lower_bound, values):
            lower = bounds.evaluate(lower_bound, values, dps=params.dps) * scale
        return FigurePoint(
            f,
            _to_mp(poisoning.expected_gen),
            _to_mp(byzantine.expected_gen),
            eq5,
            lower,
            _orthogonal_gen(params, f),
        )


def _orthogonal_gen(params: FigureParameters, f: int) -> mpmath.mpf | None:
    """Expected generalization error of the d = 2 orthogonal variant (boundkit, not in
    the paper); ``None`` where SMEA never keeps all ``f`` pushed vectors."""
    from boundkit.errors import ParameterError
    from constructions.lemma41_pivot import lemma41_orthogonal

    try:
        result = lemma41_orthogonal(
            params.n, f, params.lipschitz, params.T, params.step_size, digits=params.dps - 10
        )
    except ParameterError:
        return None
    return _to_mp(result.expected_gen)


def compute(
    params: FigureParameters,
    progress: Callable[[Iterable[int], int], Iterable[int]] | None = None,
) -> list[FigurePoint]:
    fs = list(range(1, (params.n - 1) // 2 + 1))
    iterator = fs if progress is None else progress(fs, len(fs))
    return [compute_point(params, f) for f in iterator]


CSV_FIELDS = (
    "f",
    "gen_poisoning",
    "gen_byzantine",
    "theory_poisoning_eq5_scaled",
    "theory_byzantine_lower_scaled",
    "gen_orthogonal_d2",
)


def to_csv(points: list[FigurePoint]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for p in points:
        writer.writerow(
            [
                p.f,
                mpmath.nstr(p.gen_poisoning, 17),
                mpmath.nstr(p.gen_byzantine, 17),
                mpmath.nstr(p.theory_poisoning, 17),
                ""
                if p.theory_byzantine_lower is None
                else mpmath.nstr(p.theory_byzantine_lower, 17),
                "" if p.gen_orthogonal is None else mpmath.nstr(p.gen_orthogonal, 17),
            ]
        )
    return buffer.getvalue()


def _scale(params: FigureParameters) -> float:
    """``gamma L^2 T``: every curve is proportional to it (linear loss: the gradients are
    the samples, so ``theta_T`` is ``gamma T`` times a sum of samples), so dividing by it
    makes the figure independent of ``T``, ``gamma`` and ``L``."""
    return float(params.step_size * params.lipschitz**2 * params.T)


def _caption(params: FigureParameters) -> str:
    return (
        f"Lemma 4.1 setting: n = {params.n}, m = 1, T = {params.T}, γ = {params.step_size}, "
        f"L = {params.lipschitz}.  Here E[gen] = ε/(2(n − f)) for a stability gap ε,\n"
        "so each stability bound is divided by 2(n − f) (docs/theory.md, section 4)."
    )


def _curve(points: list[FigurePoint], value: Callable, scale: float) -> tuple[list, list]:
    pts = [(p.f, float(value(p)) / scale) for p in points if value(p) is not None]
    return [x for x, _ in pts], [y for _, y in pts]


#: Figure 1's curves: label, value, style (P1 hollow below the eq. (5) line: it is tight).
_CURVES = (
    (
        "tailored Byzantine attack (App. E.2)",
        lambda p: p.gen_byzantine,
        dict(color="tab:red", marker="o", linestyle="-", zorder=2),
    ),
    (
        "worst-case poisoning (P1)",
        lambda p: p.gen_poisoning,
        dict(
            color="tab:blue",
            marker="s",
            linestyle="none",
            markersize=9,
            fillstyle="none",
            markeredgewidth=1.5,
            zorder=2,
        ),
    ),
    (
        "orthogonal push in d = 2 (boundkit's B3 variant)",
        lambda p: p.gen_orthogonal,
        dict(color="tab:purple", marker="^", linestyle="-", zorder=2),
    ),
    (
        "eq. (5) ÷ 2(n − f): poisoning upper bound",
        lambda p: p.theory_poisoning,
        dict(color="black", linestyle="--", linewidth=1.5, zorder=3),
    ),
    (
        "Thm 3.2 Byzantine lower bound ÷ 2(n − f)",
        lambda p: p.theory_byzantine_lower,
        dict(color="tab:brown", linestyle="-.", linewidth=1.5, zorder=3),
    ),
)


def build(points: list[FigurePoint], params: FigureParameters, log: bool = False) -> Any:
    """Figure 1 as a :class:`matplotlib.figure.Figure` (8 x 5 in at 100 dpi): every curve
    divided by ``gamma L^2 T``, the legend below the axes."""
    from boundkit.outputs import plot_style as style

    fig, (ax,) = style.new_figure(1, 8, 5)
    scale = _scale(params)
    for label, value, kwargs in _CURVES:
        xs, ys = _curve(points, value, scale)
        if xs:
            ax.plot(xs, ys, label=label, **kwargs)
    third = params.n / 3
    ax.axvline(
        third,
        color="grey",
        linewidth=1,
        linestyle=":",
        label=f"f = n/3 ≈ {third:.4g} (Thm 3.2 holds for f ≥ n/3)",
    )
    if log:
        ax.set_yscale("log")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ylabel = "E[generalization error] / (γ L² T)" + (", log scale" if log else "")
    style.label_axes(ax, "f (misbehaving workers: Byzantine, or poisoned)", ylabel)
    ax.set_title(_caption(params), fontsize=style.MIN_FONT, loc="left")
    fig.suptitle(
        "Figure 1: Byzantine failures vs data poisoning, expected generalization error",
        fontsize=style.SUPTITLE_FONT,
    )
    ax.grid(alpha=0.3, which="both")
    style.legend_below(
        fig, [ax], columns=2, title="left: measured exactly       right: theory and reference"
    )
    return fig


def plot(points: list[FigurePoint], params: FigureParameters, out: str, log: bool = False) -> None:
    """Write the PNG (800 x 500 px): :func:`build`."""
    from boundkit.outputs import plot_style

    plot_style.save(build(points, params, log), out)
