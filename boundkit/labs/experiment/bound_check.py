"""The registered upper bounds at the experiment's constants, and the check that every
measurement lies below them.

Bounds (:mod:`boundkit.bounds` registry), evaluated at the dataset's ``L``, ``beta``,
``mu`` (:class:`~boundkit.labs.experiment.loss.LossConstants`), the step size ``gamma``,
``T``, ``n``, ``f`` and ``m`` (so ``N = (n - f) m``):

* ``thm3.1/convex``, eq. (2) (``thm3.1/strongly-convex``, eq. (3), with the l2 term): any
  ``(f, kappa)``-robust rule, so it bounds Byzantine *and* poisoning runs.  ``kappa``: the
  registry default ``kappa_SMEA`` for SMEA; for CWTM, median, GM and Krum the coefficient
  recalled in :data:`boundkit.labs.kappa.claims.CLAIMS` (trace form, times ``d``); MDA has
  no claimed coefficient, so eq. (2) is not available for it.
* ``thm3.3/convex``, eq. (5) (``thm3.3/strongly-convex``, eq. (6)): rules that output the
  mean of ``n - f`` received vectors (SMEA, MDA); poisoning runs only.
* any other registered Byzantine upper bound whose id names SMEA (e.g. a sharper
  SMEA-specific one), for SMEA.

Each bound is an upper bound on the uniform stability ``eps``; ``eps / L`` bounds the
parameter distance.  The check decides ``measured <= bound`` exactly: the float
measurement is an exact dyadic rational, the bound an exact SymPy number
(:func:`boundkit.bounds.exact_value`), compared by SymPy.  Under GD the stability values
are deterministic, so every single one (the maximum over neighbours and seeds) must lie
below; under SGD the bounds hold in expectation over the coupled draws, so the upper end
of the 95% interval of the mean is checked.  The generalization gap is bounded in
expectation (Prop. 2.1), so the upper end of the 95% interval of its mean is checked
(a stated statistical confidence, not a certainty).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from boundkit import bounds
from boundkit.bounds.registry import admits_dimension
from boundkit.errors import HypothesisViolation
from boundkit.labs.experiment.aggregation import AVERAGING
from boundkit.labs.experiment.loss import LossConstants
from boundkit.labs.experiment.measurements import Statistic
from boundkit.labs.kappa.claims import claim_for


@dataclass(frozen=True)
class BoundValue:
    """One registered bound at one ``f``: ``exact`` (SymPy) and ``value`` (float), or the
    reason it is unavailable; ``threats``: the threat kinds it bounds."""

    result_id: str
    label: str
    threats: tuple[str, ...]
    exact: sp.Expr | None
    value: float | None
    kappa: str
    reason: str = ""


_LABELS = {
    "thm3.1/convex": "eq. (2)",
    "thm3.1/strongly-convex": "eq. (3)",
    "thm3.3/convex": "eq. (5)",
    "thm3.3/strongly-convex": "eq. (6)",
}


@dataclass(frozen=True)
class RuleKappa:
    """The ``kappa`` eq. (2) is evaluated with: ``value`` (``None``: the registry default,
    SMEA), whether one is ``available``, and where it comes from."""

    value: Fraction | None
    available: bool
    source: str


def rule_kappa(rule: str, n: int, f: int, d: int) -> RuleKappa:
    """SMEA: the registry default ``kappa_SMEA``; CWTM, median, GM, Krum: the recalled
    claim (trace form times ``d``); MDA: none."""
    if rule == "smea":
        default = bounds.get("thm3.1/convex").defaults.get("kappa")
        return RuleKappa(None, True, f"the registry's default for SMEA, kappa = {default}")
    claim = claim_for(rule)
    value = claim.bound(n, f, d)
    if value is None:
        return RuleKappa(None, False, f"no claimed kappa for {rule}")
    factor = f"x d = {d}" if claim.form == "trace" else "lambda_max form"
    return RuleKappa(Fraction(value), True, f"{claim.form}-form claim {factor}")


def _params(n: int, f: int, m: int, steps: int, step_size: Fraction, c: LossConstants) -> dict:
    return {
        "n": n,
        "f": f,
        "m": m,
        "T": steps,
        "step_size": step_size,
        "lipschitz": c.lipschitz,
        "smoothness": c.smoothness,
        "strong_convexity": c.strong_convexity if c.l2 > 0 else None,
    }


def _evaluate(result_id: str, params: dict, threats: tuple[str, ...], kappa: str) -> BoundValue:
    label = _LABELS.get(result_id, result_id)
    try:
        exact = bounds.exact_value(bounds.get(result_id), params)
    except HypothesisViolation as error:
        return BoundValue(result_id, label, threats, None, None, kappa, str(error))
    return BoundValue(result_id, label, threats, exact, float(exact), kappa)


def bounds_at(
    rule: str,
    n: int,
    f: int,
    m: int,
    steps: int,
    step_size: Fraction,
    constants: LossConstants,
    dimension: int,
) -> tuple[BoundValue, ...]:
    """Every applicable registered upper bound at one ``f`` (module docstring)."""
    convexity = "strongly-convex" if constants.l2 > 0 else "convex"
    params = _params(n, f, m, steps, step_size, constants)
    kappa = rule_kappa(rule, n, f, dimension)
    both = ("byzantine", "poisoning")
    out = []
    byz_id = f"thm3.1/{convexity}"
    if not kappa.available:
        out.append(
            BoundValue(byz_id, _LABELS[byz_id], both, None, None, kappa.source, kappa.source)
        )
    else:
        with_kappa = dict(params, kappa=kappa.value) if kappa.value is not None else params
        out.append(_evaluate(byz_id, with_kappa, both, kappa.source))
    if rule in AVERAGING:
        out.append(_evaluate(f"thm3.3/{convexity}", params, ("poisoning",), "not used"))
    if rule == "smea":
        for result in bounds.select(threat="byzantine", kind="upper", convexity=convexity):
            if "smea" in result.id and result.id != byz_id and admits_dimension(result, dimension):
                out.append(_evaluate(result.id, params, both, "SMEA"))
    return tuple(out)


def below(measured: float, bound: sp.Expr, scale: Fraction = Fraction(1)) -> bool:
    """``measured <= scale * bound``, decided exactly (float as its exact rational)."""
    value = sp.Rational(Fraction(measured))
    return bool(sp.Le(value, sp.Rational(scale) * bound))


@dataclass(frozen=True)
class Check:
    """One comparison of a quantity of one (threat, f) with one bound.  ``measured`` is the
    value that must lie below for PASS (deterministic: the value itself; statistical: the
    upper end of the 95% interval), ``low`` the value above which it is a FAIL (the lower
    end).  ``verdict``: PASS, FAIL or UNDECIDED (interval straddling the bound, or a single
    seed for a statistical check)."""

    threat: str
    f: int
    quantity: str
    measured: float
    low: float
    bound_id: str
    bound: float
    verdict: str

    @property
    def passed(self) -> bool:
        return self.verdict == "PASS"

    @property
    def ratio(self) -> float:
        return self.measured / self.bound if self.bound else float("inf")


@dataclass(frozen=True)
class Compared:
    """A measured quantity as compared: ``high`` (must be below), ``low`` (above: FAIL),
    the divisor of the bound (``L`` for the distance), and whether it is statistical."""

    quantity: str
    high: float
    low: float
    divisor: Fraction
    statistical: bool


def _interval(stat: Statistic, absolute: bool = False) -> tuple[float, float]:
    centre = abs(stat.mean) if absolute else stat.mean
    return centre + stat.half_width, centre - stat.half_width


def checked_quantities(
    stats: dict[str, Statistic], algorithm: str, lipschitz: Fraction
) -> list[Compared]:
    """What is compared for one (threat, f) (module docstring): under GD the largest
    distance and loss change (deterministic); under SGD the 95% interval of their means;
    always the 95% interval of ``|E gap|`` (Prop. 2.1 bounds the absolute value)."""
    out = []
    for quantity, divisor in (("distance", lipschitz), ("loss_change", Fraction(1))):
        if algorithm == "gd":
            value = stats[f"{quantity}_max"].maximum
            out.append(Compared(quantity, value, value, divisor, False))
        else:
            high, low = _interval(stats[f"{quantity}_mean"])
            out.append(Compared(quantity, high, low, divisor, True))
    high, low = _interval(stats["generalization_gap"], absolute=True)
    out.append(Compared("generalization_gap", high, low, Fraction(1), True))
    return out


def verdict(compared: Compared, limit: sp.Expr, scale: Fraction, seeds: int) -> str:
    """PASS when ``high <= scale * limit``; FAIL when ``low > scale * limit``; otherwise (or
    for a statistical quantity measured on fewer than two seeds) UNDECIDED."""
    if compared.statistical and seeds < 2:
        return "UNDECIDED"
    if below(compared.high, limit, scale):
        return "PASS"
    if not below(compared.low, limit, scale):
        return "FAIL"
    return "UNDECIDED"


def check_cell(
    threat: str,
    kind: str,
    f: int,
    stats: dict[str, Statistic],
    cell_bounds: tuple[BoundValue, ...],
    algorithm: str,
    lipschitz: Fraction,
    scale: Fraction = Fraction(1),
) -> list[Check]:
    """Every applicable (quantity, bound) comparison of one (threat, f); ``scale``
    multiplies the bounds (a scaled-down bound must make the check fail)."""
    seeds = len(stats["generalization_gap"].values)
    out = []
    for bound in cell_bounds:
        if bound.exact is None or (kind != "none" and kind not in bound.threats):
            continue
        for compared in checked_quantities(stats, algorithm, lipschitz):
            limit = bound.exact / sp.Rational(compared.divisor)
            shown = float(scale) * float(limit)
            out.append(
                Check(
                    threat,
                    f,
                    compared.quantity,
                    compared.high,
                    compared.low,
                    bound.result_id,
                    shown,
                    verdict(compared, limit, scale, seeds),
                )
            )
    return out
