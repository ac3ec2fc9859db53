"""Figure 1 of the paper: generalization error against ``f`` (Section 4, App. E.2).

In the Lemma 4.1 setting (``m = 1``, linear loss, a random pivot worker) the expected
generalization error is computed exactly under worst-case poisoning (construction P1)
and under the tailored two-sided Byzantine attack (App. E.2), for ``f = 1..(n-1)/2``.
Theory curves: eq. (5) scaled by ``1/(2(n-f))`` (poisoning, tight) and the Byzantine
lower bound ``thm3.2/f-ge-n/3`` scaled the same way, for ``f >= n/3``.  Beyond the paper, a
third measured curve: boundkit's orthogonal push in dimension 2 with the pivot's sample on
``e2`` (:func:`constructions.lemma41_pivot.lemma41_orthogonal`), where it is defined.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from boundkit import bounds
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


def plot(points: list[FigurePoint], params: FigureParameters, out: str, log: bool = False) -> None:
    """Write the PNG (matplotlib, Agg backend, 8 x 5 in at 100 dpi = 800 x 500 px)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fs = [p.f for p in points]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    ax.plot(
        fs,
        [float(p.gen_byzantine) for p in points],
        "o-",
        color="tab:red",
        label="measured, tailored Byzantine attack (App. E.2)",
    )
    ax.plot(
        fs,
        [float(p.gen_poisoning) for p in points],
        "s-",
        color="tab:blue",
        label="measured, worst-case poisoning (P1)",
    )
    orthogonal = [(p.f, float(p.gen_orthogonal)) for p in points if p.gen_orthogonal is not None]
    if orthogonal:
        ax.plot(
            [x for x, _ in orthogonal],
            [y for _, y in orthogonal],
            "^-",
            color="tab:purple",
            label="measured, orthogonal push in d = 2 (boundkit's B3 variant, not in the paper)",
        )
    ax.plot(
        fs,
        [float(p.theory_poisoning) for p in points],
        "--",
        color="tab:blue",
        label="eq. (5) / (2(n-f)): poisoning upper bound",
    )
    lower = [
        (p.f, float(p.theory_byzantine_lower))
        for p in points
        if p.theory_byzantine_lower is not None
    ]
    if lower:
        ax.plot(
            [x for x, _ in lower],
            [y for _, y in lower],
            "--",
            color="tab:red",
            label="Thm 3.2 lower bound / (2(n-f)), f >= n/3",
        )
        ax.axvline(params.n / 3, color="grey", linewidth=0.8, linestyle=":")
    if log:
        ax.set_yscale("log")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("number of misbehaving workers f")
    ax.set_ylabel("expected generalization error (Lemma 4.1 setting)")
    ax.set_title("Byzantine failures vs data poisoning: generalization error")
    fig.text(0.01, 0.01, "boundkit, exact simulation: " + params.describe(), fontsize=8)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(out)
    plt.close(fig)
