"""Exact numbers and the exact ratio of Def. 2.2 (:func:`evaluate`).

Exact evaluation (:func:`evaluate`)
    Certificates hold exact rationals.  Built-in rules run on Fractions and return exact
    values, except the geometric median in ``d > 1`` (Weiszfeld in mpmath at ``dps`` digits,
    relative tolerance :data:`GM_TOL`).  Two exact shortcuts: SMEA and the mean of inputs
    with repeated vectors go through the grouped rules (same value, see
    :func:`boundkit.rules.smea_grouped`), and an input supported on the first axis is
    evaluated in dimension 1 and padded with zeros (every built-in rule commutes with that
    embedding: coordinate-wise rules act on each axis, the others only see distances; the
    geometric median of collinear points is their median).  The numerator is then an exact
    Fraction; ``lambda_max`` is a Fraction when ``Sigma_S`` is diagonal, otherwise an exact
    algebraic number (``sympy``), and the ratio is reported exactly and at ``dps`` digits.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from boundkit import rules
from boundkit.errors import ParameterError
from boundkit.labs.kappa.rules import Rows, RuleFunction, RuleSpec, check_parameters, resolve_rule

#: Relative tolerance of the mpmath Weiszfeld iteration used for the exact GM evaluation.
GM_TOL = 1e-15
#: Iteration cap of that Weiszfeld run.
GM_MAX_ITER = 2_000
_X = sp.Symbol("x")


# ----------------------------------------------------------------------------- numbers


def to_fraction(x: object) -> Fraction:
    """An exact Fraction of an int, Fraction, float, numpy scalar or mpf."""
    if isinstance(x, mpmath.mpf):
        return Fraction(*x.as_integer_ratio())
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (numbers.Rational, float)):
        raise ParameterError("vector entries", "real numbers", repr(x))
    if isinstance(x, float) and not math.isfinite(x):
        raise ParameterError("vector entries", "finite numbers", x)
    return Fraction(x)


def _vector(value: object, d: int) -> list:
    """The output of a rule (``Aggregate``, scalar, tuple, array) as a list of ``d`` entries."""
    value = getattr(value, "value", value)
    if isinstance(value, np.ndarray):
        entries = value.reshape(-1).tolist()
    elif isinstance(value, (list, tuple)):
        entries = list(value)
    else:
        entries = [value]
    if len(entries) != d:
        raise ParameterError("rule output", f"a vector of dimension {d}", len(entries))
    return entries


# ----------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Evaluation:
    """The exact ratio of one input and designated honest set (Def. 2.2).

    ``output`` is ``F(x)`` as Fractions (exact for exact rules; the rounded result for the
    GM in ``d > 1`` and for user rules), ``numerator = ||F(x) - mean_S||^2`` and ``trace =
    tr(Sigma_S)`` are exact, ``lambda_max`` is a Fraction or an exact sympy number (``None``
    when only ``value`` was asked for), ``ratio`` the exact ratio (``sympy.oo`` when
    ``lambda_max = 0 < numerator``) and ``value`` the ratio at ``dps`` digits.
    """

    output: tuple[Fraction, ...]
    numerator: Fraction
    trace: Fraction
    lambda_max: Fraction | sp.Expr | None
    ratio: Fraction | sp.Expr | None
    value: mpmath.mpf
    output_exact: bool

    @property
    def trace_ratio(self) -> Fraction | float:
        """``||F - mean_S||^2 / tr(Sigma_S)`` (the form of Allouah et al. 2023a)."""
        if self.trace == 0:
            return math.inf if self.numerator else Fraction(0)
        return self.numerator / self.trace


def _axis_supported(rows: Rows) -> bool:
    return len(rows[0]) > 1 and all(x == 0 for r in rows for x in r[1:])


def _grouped(rows: Rows) -> tuple[list[tuple[Fraction, ...]], list[int]]:
    values: list[tuple[Fraction, ...]] = []
    counts: list[int] = []
    slot: dict[tuple[Fraction, ...], int] = {}
    for r in rows:
        if r in slot:
            counts[slot[r]] += 1
        else:
            slot[r] = len(values)
            values.append(r)
            counts.append(1)
    return values, counts


def _apply_exact(spec: RuleSpec, rows: Rows, f: int, dps: int) -> tuple[tuple[Fraction, ...], bool]:
    """``(F(rows) as Fractions, exact?)`` with the exact shortcuts of the module docstring."""
    d = len(rows[0])
    if not spec.builtin:
        array = np.array([[float(x) for x in r] for r in rows], dtype=np.float64)
        value = spec.func(array, f)
        return tuple(to_fraction(x) for x in _vector(value, d)), False
    if _axis_supported(rows):
        out, exact = _apply_exact(spec, tuple((r[0],) for r in rows), f, dps)
        return out + (Fraction(0),) * (d - 1), exact
    if spec.name in ("smea", "mean"):
        values, counts = _grouped(rows)
        value = rules.GROUPED_RULES[spec.simulate_name](values, counts, f)
        return tuple(to_fraction(x) for x in _vector(value, d)), True
    if spec.name == "gm" and d > 1:
        with mpmath.workdps(dps):
            value = rules.geometric_median(list(rows), f, tol=GM_TOL, max_iter=GM_MAX_ITER)
        return tuple(to_fraction(x) for x in _vector(value, d)), False
    value = spec.func(list(rows), f)
    return tuple(to_fraction(x) for x in _vector(value, d)), True


def _lambda_exact(cov: list[list[Fraction]]) -> Fraction | sp.Expr:
    """``lambda_max`` exactly: a Fraction, or the largest real root of the characteristic
    polynomial (``sympy.Poly.real_roots``: a rational or a ``CRootOf``).

    Kept independent of :func:`boundkit.rules.largest_eigenvalue_of_subset`, which
    the lab is meant to check: writing this module found that one returning 0 for a
    rank-deficient covariance (an isolating interval ending at the root 0; fixed there,
    regression tests in tests/rules/test_rules.py).
    """
    d = len(cov)
    if all(cov[a][b] == 0 for a in range(d) for b in range(d) if a != b):
        return max(cov[a][a] for a in range(d))
    matrix = sp.Matrix([[_sym(x) for x in r] for r in cov])
    top = sp.Poly(matrix.charpoly(_X).as_expr(), _X, domain=sp.QQ).real_roots()[-1]
    return Fraction(int(top.p), int(top.q)) if top.is_Rational else top


def _lambda_mp(cov: list[list[Fraction]]) -> mpmath.mpf:
    d = len(cov)
    if all(cov[a][b] == 0 for a in range(d) for b in range(d) if a != b):
        return mpmath.mpf(max(cov[a][a] for a in range(d)))
    m = mpmath.matrix([[mpmath.mpf(x.numerator) / x.denominator for x in r] for r in cov])
    return max(mpmath.eigsy(m, eigvals_only=True))


def _sym(q: Fraction) -> sp.Rational:
    return sp.Rational(q.numerator, q.denominator)


def _to_mp(x: Fraction | sp.Expr) -> mpmath.mpf:
    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    if x == sp.oo:
        return mpmath.inf
    return mpmath.mpf(sp.N(x, mpmath.mp.dps + 5))


def check_certificate_shape(rows: Rows, honest: Sequence[int], f: int) -> None:
    """``honest`` is a set of ``n - f`` distinct indices of ``rows``."""
    n = len(rows)
    if len(set(honest)) != len(honest) or any(not 0 <= i < n for i in honest):
        raise ParameterError("honest", f"distinct indices in 0..{n - 1}", list(honest))
    if len(honest) != n - f:
        raise ParameterError("honest", f"n - f = {n - f} indices", len(honest))


def evaluate(
    rule: str | RuleFunction | RuleSpec,
    rows: Rows,
    honest: Sequence[int],
    f: int,
    *,
    dps: int = 50,
    exact_lambda: bool = True,
) -> Evaluation:
    """The ratio of Def. 2.2 for input ``rows`` (exact rationals) and honest set ``honest``.

    ``exact_lambda=False`` skips the exact algebraic ``lambda_max`` (``ratio`` is then
    ``None`` unless ``Sigma_S`` is diagonal); ``value`` is always given at ``dps`` digits.
    """
    spec = resolve_rule(rule)
    check_parameters(len(rows), f, len(rows[0]))
    check_certificate_shape(rows, honest, f)
    with mpmath.workdps(dps):
        output, exact = _apply_exact(spec, rows, f, dps)
        points = [rows[i] for i in honest]
        cov = rules.covariance_exact(points)
        mu = [sum((p[j] for p in points), Fraction(0)) / len(points) for j in range(len(cov))]
        numerator = sum(((o - m) ** 2 for o, m in zip(output, mu, strict=True)), Fraction(0))
        trace = sum((cov[j][j] for j in range(len(cov))), Fraction(0))
        if trace == 0:  # lambda_max = 0
            ratio: Any = sp.oo if numerator else Fraction(0)
            return Evaluation(output, numerator, trace, Fraction(0), ratio, _to_mp(ratio), exact)
        diagonal = len(cov) == 1 or all(
            cov[a][b] == 0 for a in range(len(cov)) for b in range(len(cov)) if a != b
        )
        if exact_lambda or diagonal:
            lam = _lambda_exact(cov)
            ratio = numerator / lam if isinstance(lam, Fraction) else _sym(numerator) / lam
            value = _to_mp(ratio)
        else:
            lam, ratio = None, None
            value = _to_mp(numerator) / _lambda_mp(cov)
        return Evaluation(output, numerator, trace, lam, ratio, +value, exact)
