"""Claimed robustness coefficients (:data:`CLAIMS`), the universal lower bound, and
the comparison of a found ratio with a claim.

Claims (:data:`CLAIMS`)
    SMEA: the sharp ``kappa* = 4f/(n-2f)`` (registry ``kappa/smea``, derived step by step in
    ``proofs_check/kappa_star.py``; attained, so a certificate above it is a bug).  The value
    recalled from Allouah et al. 2023b, Prop. 5.1, ``(4f/(n-f)) (1 + f/(n-2f))^2`` (docs/theory.md,
    section 1; registry ``kappa/smea-recalled``), is kept as :data:`RECALLED_SMEA`, a
    separate, labelled claim not used as the comparator.  CWTM, median, GM, Krum:
    the values recalled from Allouah et al. 2023a ("Fixing by Mixing", AISTATS 2023), which
    are stated for the *trace* form ``||F - mean_S||^2 <= kappa tr(Sigma_S)``; since
    ``tr <= d lambda_max`` they imply the ``lambda_max`` form with ``d * kappa``, which is
    the comparator here.  Mean: no finite coefficient for ``f >= 1``.  MultiKrum, MDA: no
    claim used.  The universal lower bound ``f/(n-2f)`` (Allouah et al. 2023a, Prop. 6;
    registry ``kappa/universal-lower``) holds for every rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit import bounds
from boundkit.bounds.symbols import f as f_sym
from boundkit.bounds.symbols import n as n_sym
from boundkit.checks.decide import compare as decide
from boundkit.labs.kappa.rules import Rows, check_parameters


@dataclass(frozen=True)
class Claim:
    """A published (or recalled) robustness coefficient for one rule.

    ``form`` is ``"lambda_max"`` (Def. 2.2 as in this paper), ``"trace"`` (the coefficient
    bounds ``||F - mean_S||^2 / tr(Sigma_S)``, which implies the ``lambda_max`` form with
    ``d * kappa``), ``"unbounded"`` (no finite coefficient for ``f >= 1``) or ``"none"``.
    """

    rule: str
    form: str
    expression: sp.Expr | None
    source: str
    note: str = ""

    def bound(self, n: int, f: int, d: int) -> Fraction | float | None:
        """The implied ``lambda_max``-form coefficient at ``(n, f, d)``: a Fraction,
        ``math.inf`` (unbounded) or ``None`` (no claim)."""
        if self.form == "unbounded":
            return math.inf if f >= 1 else Fraction(0)
        if self.expression is None:
            return None
        value = sp.Rational(self.expression.subs({n_sym: n, f_sym: f}))
        scale = d if self.form == "trace" else 1
        return Fraction(int(value.p), int(value.q)) * scale

    def trace_bound(self, n: int, f: int) -> Fraction | None:
        """The trace-form coefficient when the claim is stated in that form."""
        if self.form != "trace" or self.expression is None:
            return None
        value = sp.Rational(self.expression.subs({n_sym: n, f_sym: f}))
        return Fraction(int(value.p), int(value.q))


_Q = f_sym / (n_sym - 2 * f_sym)
_FBM = (
    "Allouah et al. 2023a, 'Fixing by Mixing: A Recipe for Optimal Byzantine ML under "
    "Heterogeneity', AISTATS 2023 (PMLR 206), robustness coefficients of Table 1 -- recalled"
)
_FBM_NOTE = (
    "trace form; the constant factor is recalled, not checked against the paper's text "
    "(unavailable here); a later paper restating these values (found in the stored corpus) "
    "gives the same functional forms without constant factors"
)

#: Claimed coefficients with their sources (no invented citation: "none" where none found).
CLAIMS: dict[str, Claim] = {
    "smea": Claim(
        "smea",
        "lambda_max",
        bounds.get("kappa/smea").expression,
        "kappa* = 4f/(n-2f), derived (registry kappa/smea; docs/theory.md, Sharp constants)",
        "sharp: attained by f honest at e1, n - 2f at 0, f Byzantine at -e1; the recalled "
        "value (Allouah et al. 2023b, Prop. 5.1) is kappa/smea-recalled",
    ),
    "mean": Claim(
        "mean",
        "unbounded",
        None,
        "elementary: a Byzantine vector at distance t moves the mean by t/n, Sigma_S fixed",
    ),
    "cwtm": Claim("cwtm", "trace", 6 * _Q * (1 + _Q), _FBM, _FBM_NOTE),
    "median": Claim("median", "trace", 4 * (1 + _Q) ** 2, _FBM, _FBM_NOTE),
    "gm": Claim("gm", "trace", 4 * (1 + _Q) ** 2, _FBM, _FBM_NOTE),
    "krum": Claim("krum", "trace", 6 * (1 + _Q), _FBM, _FBM_NOTE),
    "multikrum": Claim(
        "multikrum",
        "none",
        None,
        "no claim used: bounds are given by Bareilles, Bouaziz, Fageot, El Mhamdi 2026 "
        "(arXiv 2602.03899), whose formula was not retrieved here",
    ),
    "mda": Claim("mda", "none", None, "no claim found"),
}


#: SMEA's coefficient as recalled from Allouah et al. 2023b, Prop. 5.1: kept, labelled, not
#: the comparator (it is above kappa* by the factor (n - f)/(n - 2f))
RECALLED_SMEA = Claim(
    "smea",
    "lambda_max",
    bounds.get("kappa/smea-recalled").expression,
    "Allouah et al. 2023b, Prop. 5.1 (recalled; registry kappa/smea-recalled, "
    "docs/theory.md section 1)",
    "valid, not sharp",
)


def claim_for(rule: str) -> Claim:
    """The claim for a registry rule, or a "none" claim for user rules."""
    return CLAIMS.get(rule, Claim(rule, "none", None, "user rule: no claim"))


def universal_lower(n: int, f: int) -> Fraction:
    """``f/(n-2f)`` (Allouah et al. 2023a, Prop. 6; registry ``kappa/universal-lower``)."""
    return Fraction(f, n - 2 * f)


def universal_lower_certificate(n: int, f: int, d: int = 1) -> tuple[Rows, tuple[int, ...]]:
    """The input of Allouah et al. 2023a, Prop. 6: ``f`` vectors at ``e_1``, ``n - f`` at 0.

    A rule with finite ``kappa`` must return 0 (``S`` = the zeros has ``Sigma_S = 0``); then
    ``S`` = the ``f`` ones and ``n - 2f`` zeros gives the ratio ``f/(n-2f)`` exactly.  The
    returned honest set is that second ``S``.
    """
    check_parameters(n, f, d)
    one = (Fraction(1),) + (Fraction(0),) * (d - 1)
    zero = (Fraction(0),) * d
    rows = (one,) * f + (zero,) * (n - f)
    return rows, tuple(range(n - f))


def compare(
    value: mpmath.mpf | Fraction | sp.Expr, bound: Fraction | float | None, dps: int = 50
) -> str:
    """``"exceeds"``, ``"equal"``, ``"within"`` or ``"no claim"``.

    An exact ``value`` (a Fraction or SymPy number, e.g. ``Evaluation.ratio``) is compared
    exactly (:func:`boundkit.checks.decide.compare`: no tolerance; ``"undecided"`` when the
    comparison cannot be settled); an ``mpf`` is "equal" within ``dps - 10`` digits.
    """
    if bound is None:
        return "no claim"
    if bound == math.inf:
        return "within"
    if isinstance(value, (Fraction, int, sp.Basic)) and not isinstance(value, bool):
        return _compare_exact(value, bound)
    if value == mpmath.inf:
        return "exceeds"
    with mpmath.workdps(dps):
        b = mpmath.mpf(bound.numerator) / bound.denominator
        if abs(value - b) <= mpmath.mpf(10) ** (10 - dps) * max(abs(b), 1):
            return "equal"
        return "exceeds" if value > b else "within"


def _compare_exact(value: Fraction | int | sp.Expr, bound: Fraction) -> str:
    if value in (sp.oo, math.inf):
        return "exceeds"
    if decide(value, "==", bound).holds:
        return "equal"
    above = decide(value, ">", bound).holds
    return {True: "exceeds", False: "within", None: "undecided"}[above]
