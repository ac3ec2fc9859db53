"""Robustness-coefficient lab: adversarial search for the worst ratio of Def. 2.2.

A rule ``F`` is ``(f, kappa)``-robust (paper, Def. 2.2; Allouah et al. 2023b) when for every
input ``x_1..x_n`` and every set ``S`` of ``n - f`` indices
``||F(x) - mean_S||^2 <= kappa * lambda_max(Sigma_S)``, with
``Sigma_S = (1/|S|) sum_{i in S} (x_i - mean_S)(x_i - mean_S)^T``.  Every input and every
designated ``S`` is therefore a *certificate*: its ratio
``||F(x) - mean_S||^2 / lambda_max(Sigma_S)`` is a lower bound on the rule's true ``kappa``
(``0/0`` counts as ``0``; a positive numerator over ``lambda_max = 0`` is ``+oo``: no finite
``kappa`` holds).  This module searches for large ratios and evaluates them exactly.

Rules
    :data:`RULES` maps the command-line names to :mod:`boundkit.aggregators`: ``smea``,
    ``mean``, ``cwtm`` (coordinate-wise trimmed mean), ``median`` (coordinate-wise),
    ``krum``, ``multikrum``, ``mda``, ``gm`` (geometric median).  Any callable
    ``(vectors, f) -> vector`` is accepted too (:func:`resolve_rule`); it receives the
    ``(n, d)`` float64 array of the input and may return a vector or an ``Aggregate``.

Exact evaluation (:func:`evaluate`)
    Certificates hold exact rationals.  Built-in rules run on Fractions and return exact
    values, except the geometric median in ``d > 1`` (Weiszfeld in mpmath at ``dps`` digits,
    relative tolerance :data:`GM_TOL`).  Two exact shortcuts: SMEA and the mean of inputs
    with repeated vectors go through the grouped rules (same value, see
    :func:`boundkit.aggregators.smea_grouped`), and an input supported on the first axis is
    evaluated in dimension 1 and padded with zeros (every built-in rule commutes with that
    embedding: coordinate-wise rules act on each axis, the others only see distances; the
    geometric median of collinear points is their median).  The numerator is then an exact
    Fraction; ``lambda_max`` is a Fraction when ``Sigma_S`` is diagonal, otherwise an exact
    algebraic number (``sympy``), and the ratio is reported exactly and at ``dps`` digits.

Search (:func:`search`)
    Structured families first, screened in float64 with the same rules: *two-point* honest
    sets (``p`` honest vectors at ``+e_1``, ``n - f - p`` at ``-e_1``) with one Byzantine
    cluster at an optimised position (grid, then bounded Brent), then with two clusters
    (Nelder-Mead); in ``d > 1`` also the best 1-D certificate embedded, *spread* inputs
    (each coordinate a permutation of the best 1-D honest values, permutations chosen to
    decorrelate the coordinates, which multiplies the push of coordinate-wise rules by
    ``d`` at fixed ``lambda_max``) and *orthogonal* clusters (Byzantine vectors off the honest
    axis).  Then random restarts: Gaussian honest vectors with random anisotropy, one or two
    Byzantine clusters, and ``scipy.optimize`` Nelder-Mead on the cluster positions (and on
    every honest coordinate when there are at most :data:`FREE_HONEST_MAX` of them).  The
    best screened candidates are re-evaluated exactly, each also with its Byzantine vectors
    pulled slightly toward the honest mean (the supremum of a selection rule is often
    approached, not attained, at a tie), and the exact maximum is kept.  SMEA in ``d > 1``
    with many distinct vectors costs ``C(n, f)`` subsets per evaluation: such screens run
    only when ``C(n, f) <= Budget.enumeration_cap`` (grouped inputs with few distinct
    vectors always run), MDA likewise.  Seeds are fixed: the same arguments give the same
    certificate.

Claims (:data:`CLAIMS`)
    SMEA: ``kappa_SMEA = (4f/(n-f)) (1 + f/(n-2f))^2`` (Allouah et al. 2023b, Prop. 5.1, as
    recalled in THEORY.md section 1; registry ``kappa/smea``).  CWTM, median, GM, Krum:
    the values recalled from Allouah et al. 2023a ("Fixing by Mixing", AISTATS 2023), which
    are stated for the *trace* form ``||F - mean_S||^2 <= kappa tr(Sigma_S)``; since
    ``tr <= d lambda_max`` they imply the ``lambda_max`` form with ``d * kappa``, which is
    the comparator here.  Mean: no finite coefficient for ``f >= 1``.  MultiKrum, MDA: no
    claim used.  The universal lower bound ``f/(n-2f)`` (Allouah et al. 2023a, Prop. 6;
    registry ``kappa/universal-lower``) holds for every rule.
"""

from __future__ import annotations

import itertools
import json
import math
import numbers
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp
from scipy import optimize

from boundkit import aggregators, theorems
from boundkit.errors import ParameterError
from boundkit.symbols import f as f_sym
from boundkit.symbols import n as n_sym

Rows = tuple[tuple[Fraction, ...], ...]
RuleFunction = Callable[[Any, int], Any]

#: Relative tolerance of the mpmath Weiszfeld iteration used for the exact GM evaluation.
GM_TOL = 1e-15
#: Iteration cap of that Weiszfeld run.
GM_MAX_ITER = 2_000
#: Weiszfeld options of the float64 GM screen (a screen only: looser than the default).
GM_SCREEN = {"tol": 1e-9, "max_iter": 300}
#: Honest coordinates optimised freely in a random restart (above: only the clusters move).
FREE_HONEST_MAX = 12
#: Denominator used to round float positions to exact rationals (2**-24 grid).
_GRID = 2**24
#: Fractions of the way the Byzantine vectors are pulled toward the honest mean (backoff).
_BACKOFF = (Fraction(0), Fraction(1, 2**30), Fraction(1, 2**16), Fraction(1, 2**8))
_FORMAT = "boundkit-kappa-certificate"
_X = sp.Symbol("x")
#: Built-in rules that are continuous functions of their input (no tie to back off from).
CONTINUOUS = frozenset({"mean", "cwtm", "median", "gm"})
#: Screen values are clipped to this magnitude before they reach scipy (no inf - inf).
_CLIP = 1e15


# ----------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class RuleSpec:
    """A rule under test: its name, the function ``(vectors, f) -> Aggregate | vector``,
    the key of :data:`boundkit.aggregators.RULES` it corresponds to (``None`` for a user
    rule), and whether it is one of boundkit's exact rules."""

    name: str
    func: RuleFunction
    simulate_name: str | None = None
    builtin: bool = False

    def undefined_reason(self, n: int, f: int) -> str | None:
        """Why the rule is not defined at ``(n, f)``, or ``None``."""
        if self.name in ("krum", "multikrum") and not n > 2 * f + 2:
            return "needs n > 2f + 2"
        return None

    @property
    def enumerates(self) -> bool:
        """True when a screen in ``d > 1`` enumerates ``C(n, f)`` subsets."""
        return self.name in ("smea", "mda")


def _builtin(name: str, key: str) -> RuleSpec:
    return RuleSpec(name, aggregators.RULES[key], key, builtin=True)


#: Command-line name -> rule (keys of :data:`boundkit.aggregators.RULES` in ``simulate_name``).
RULES: dict[str, RuleSpec] = {
    "smea": _builtin("smea", "smea"),
    "mean": _builtin("mean", "mean"),
    "cwtm": _builtin("cwtm", "trimmed_mean"),
    "median": _builtin("median", "median"),
    "krum": _builtin("krum", "krum"),
    "multikrum": _builtin("multikrum", "multi_krum"),
    "mda": _builtin("mda", "mda"),
    "gm": _builtin("gm", "geometric_median"),
}


def resolve_rule(rule: str | RuleFunction | RuleSpec) -> RuleSpec:
    """A :class:`RuleSpec` from a registry name, a spec, or any callable ``(vectors, f)``."""
    if isinstance(rule, RuleSpec):
        return rule
    if isinstance(rule, str):
        if rule not in RULES:
            raise ParameterError("rule", "one of " + ", ".join(RULES), rule)
        return RULES[rule]
    if callable(rule):
        return RuleSpec(getattr(rule, "__name__", "user-rule"), rule)
    raise ParameterError("rule", "a rule name or a callable (vectors, f) -> vector", rule)


def check_parameters(n: object, f: object, d: object) -> None:
    """``n >= 1``, ``0 <= f < n/2``, ``d >= 1`` (integers), else :class:`ParameterError`."""
    for name, value, low in (("n", n, 1), ("f", f, 0), ("d", d, 1)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
            raise ParameterError(name, f"an integer >= {low}", value)
    if not 2 * f < n:  # type: ignore[operator]
        raise ParameterError("f", "f < n/2", f"n={n}, f={f}")


# ----------------------------------------------------------------------------- claims


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
        theorems.get("kappa/smea").expression,
        "Allouah et al. 2023b, Prop. 5.1 (recalled; registry kappa/smea, THEORY.md s.1)",
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


def claim_for(rule: str) -> Claim:
    """The claim for a registry rule, or a "none" claim for user rules."""
    return CLAIMS.get(rule, Claim(rule, "none", None, "user rule: no claim"))


def universal_lower(n: int, f: int) -> Fraction:
    """``f/(n-2f)`` (Allouah et al. 2023a, Prop. 6; registry ``kappa/universal-lower``)."""
    return Fraction(f, n - 2 * f)


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


def _round_rows(rows: np.ndarray) -> Rows:
    """Float positions rounded to the ``2**-24`` grid, as exact Fractions."""
    return tuple(tuple(Fraction(round(float(x) * _GRID), _GRID) for x in r) for r in rows)


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
        value = aggregators.GROUPED_RULES[spec.simulate_name](values, counts, f)
        return tuple(to_fraction(x) for x in _vector(value, d)), True
    if spec.name == "gm" and d > 1:
        with mpmath.workdps(dps):
            value = aggregators.geometric_median(list(rows), f, tol=GM_TOL, max_iter=GM_MAX_ITER)
        return tuple(to_fraction(x) for x in _vector(value, d)), False
    value = spec.func(list(rows), f)
    return tuple(to_fraction(x) for x in _vector(value, d)), True


def _covariance(points: Sequence[tuple[Fraction, ...]]) -> list[list[Fraction]]:
    k, d = len(points), len(points[0])
    mu = [sum((p[j] for p in points), Fraction(0)) / k for j in range(d)]
    c = [[p[j] - mu[j] for j in range(d)] for p in points]
    return [[sum((r[a] * r[b] for r in c), Fraction(0)) / k for b in range(d)] for a in range(d)]


def _lambda_exact(cov: list[list[Fraction]]) -> Fraction | sp.Expr:
    """``lambda_max`` exactly: a Fraction, or the largest real root of the characteristic
    polynomial (``sympy.Poly.real_roots``: a rational or a ``CRootOf``).

    Kept independent of :func:`boundkit.aggregators.largest_eigenvalue_of_subset`, which
    the lab is meant to check: writing this module found that one returning 0 for a
    rank-deficient covariance (an isolating interval ending at the root 0; fixed there,
    regression tests in tests/test_aggregators.py).
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
        cov = _covariance(points)
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


# ----------------------------------------------------------------------------- certificate


def _fraction_text(q: Fraction) -> str:
    return str(q)


@dataclass(frozen=True)
class Certificate:
    """An input and a designated honest set, with the ratio it reaches (replayable).

    ``vectors`` are exact rationals, ``honest`` the ``n - f`` indices of ``S``, ``ratio``
    the exact ratio as text (a Fraction ``p/q``, a sympy expression, or ``oo``),
    ``decimal`` the ratio at ``dps`` digits, ``family`` the search family that found it.
    """

    rule: str
    n: int
    f: int
    d: int
    vectors: Rows
    honest: tuple[int, ...]
    ratio: str
    decimal: str
    family: str = ""
    dps: int = 50

    def to_json(self) -> str:
        """The certificate as JSON (numbers as exact ``"p/q"`` strings)."""
        record = {
            "format": _FORMAT,
            "version": 1,
            "rule": self.rule,
            "n": self.n,
            "f": self.f,
            "d": self.d,
            "honest": list(self.honest),
            "vectors": [[_fraction_text(x) for x in r] for r in self.vectors],
            "ratio": self.ratio,
            "decimal": self.decimal,
            "family": self.family,
            "dps": self.dps,
        }
        return json.dumps(record, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Certificate:
        """Parse and validate a certificate (:class:`ParameterError` when malformed)."""
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise ParameterError("replay", "a JSON certificate", f"invalid JSON: {error}") from None
        if not isinstance(record, dict) or record.get("format") != _FORMAT:
            raise ParameterError("replay", f"a JSON object with format {_FORMAT!r}")
        try:
            vectors = tuple(tuple(Fraction(str(x)) for x in r) for r in record["vectors"])
            cert = cls(
                rule=str(record["rule"]),
                n=int(record["n"]),
                f=int(record["f"]),
                d=int(record["d"]),
                vectors=vectors,
                honest=tuple(int(i) for i in record["honest"]),
                ratio=str(record["ratio"]),
                decimal=str(record.get("decimal", "")),
                family=str(record.get("family", "")),
                dps=int(record.get("dps", 50)),
            )
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
            detail = f"{type(error).__name__}: {error}"
            raise ParameterError("replay", "a complete, well-typed certificate", detail) from None
        cert.validate()
        return cert

    def validate(self) -> None:
        """Shape checks: ``n`` vectors of dimension ``d``, ``n - f`` honest indices."""
        check_parameters(self.n, self.f, self.d)
        if len(self.vectors) != self.n or any(len(r) != self.d for r in self.vectors):
            raise ParameterError("vectors", f"{self.n} vectors of dimension {self.d}")
        check_certificate_shape(self.vectors, self.honest, self.f)


def ratio_text(ratio: Fraction | sp.Expr | None) -> str:
    """The exact ratio as text (``str`` of a Fraction, sympy's ``str`` otherwise)."""
    return "" if ratio is None else str(ratio)


def certify(
    rule: str | RuleFunction | RuleSpec,
    rows: Rows,
    honest: Sequence[int],
    f: int,
    *,
    family: str = "",
    dps: int = 50,
) -> tuple[Certificate, Evaluation]:
    """Evaluate exactly and wrap the result as a :class:`Certificate`."""
    spec = resolve_rule(rule)
    ev = evaluate(spec, rows, honest, f, dps=dps)
    cert = Certificate(
        rule=spec.name,
        n=len(rows),
        f=f,
        d=len(rows[0]),
        vectors=tuple(rows),
        honest=tuple(honest),
        ratio=ratio_text(ev.ratio),
        decimal=mpmath.nstr(ev.value, dps),
        family=family,
        dps=dps,
    )
    return cert, ev


@dataclass(frozen=True)
class Replay:
    """A certificate re-evaluated: the new evaluation and whether it matches the record."""

    certificate: Certificate
    evaluation: Evaluation
    reproduced: bool


def replay(
    certificate: Certificate, rule: RuleFunction | None = None, dps: int | None = None
) -> Replay:
    """Re-evaluate ``certificate`` exactly (with ``rule`` for a user rule's certificate)."""
    spec = resolve_rule(rule if rule is not None else certificate.rule)
    ev = evaluate(
        spec, certificate.vectors, certificate.honest, certificate.f, dps=dps or certificate.dps
    )
    return Replay(certificate, ev, same_ratio(certificate.ratio, ev.ratio))


def same_ratio(text: str, ratio: Fraction | sp.Expr | None) -> bool:
    """Is the recorded ratio ``text`` exactly ``ratio``?  Equal text, or (when another
    sympy version prints the same number differently) a zero exact difference."""
    if ratio is None or text == ratio_text(ratio):
        return ratio is not None
    try:
        recorded = sp.sympify(text, locals={"x": _X})
    except (sp.SympifyError, SyntaxError, TypeError):
        return False
    value = _sym(ratio) if isinstance(ratio, Fraction) else ratio
    if recorded.has(sp.oo) or value.has(sp.oo):
        return recorded == value
    return bool(sp.simplify(recorded - value) == 0)


# ----------------------------------------------------------------------------- float screen


class _Infeasible(Exception):
    """A screen that would enumerate too many subsets (or that the rule refuses)."""


def _apply_float(spec: RuleSpec, rows: np.ndarray, f: int, budget: Budget) -> np.ndarray:
    n, d = rows.shape
    if spec.builtin and spec.name in ("smea", "mean"):
        values, counts = np.unique(rows, axis=0, return_counts=True)
        if len(values) <= 6 or d == 1 or spec.name == "mean":
            rule = aggregators.GROUPED_RULES[spec.simulate_name]
            return np.asarray(_vector(rule(values, counts.tolist(), f), d), dtype=float)
    if spec.builtin and spec.enumerates and d > 1 and not budget.enumeration_allowed(n, f):
        raise _Infeasible
    options = GM_SCREEN if spec.builtin and spec.name == "gm" else {}
    try:
        return np.asarray(_vector(spec.func(rows, f, **options), d), dtype=float)
    except ParameterError as error:
        raise _Infeasible from error


def screen_ratio(spec: RuleSpec, rows: np.ndarray, h: int, f: int, budget: Budget) -> float:
    """Float64 ratio with ``S`` = the first ``h`` rows (``-inf`` when infeasible)."""
    try:
        out = _apply_float(spec, rows, f, budget)
    except _Infeasible:
        return -math.inf
    honest = rows[:h]
    mu = honest.mean(axis=0)
    num = float(np.sum((out - mu) ** 2))
    c = honest - mu
    cov = c.T @ c / h
    lam = float(cov[0, 0]) if cov.shape[0] == 1 else float(np.linalg.eigvalsh(cov)[-1])
    tiny = 1e-12 * (float(np.max(np.abs(rows))) ** 2 + 1e-300)
    if lam <= tiny:
        return math.inf if num > tiny else 0.0
    return num / lam


# ----------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Budget:
    """How much to search in one cell (all counts are float64 rule evaluations or steps).

    ``sides``: honest split sizes ``p`` tried in the two-point family (all when fewer);
    ``grid``: Byzantine positions on the first grid; ``refine``: evaluations of each local
    refinement; ``restarts``/``maxfev``: random restarts and Nelder-Mead evaluations each;
    ``enumeration_cap``: largest ``C(n, f)`` for which SMEA/MDA screens of inputs with many
    distinct vectors run in ``d > 1``; ``candidates``: screened candidates re-evaluated
    exactly (each with the backoff variants).
    """

    sides: int = 8
    grid: int = 17
    refine: int = 24
    restarts: int = 4
    maxfev: int = 200
    enumeration_cap: int = 2_000
    enumeration_max_n: int = 30
    candidates: int = 4

    def enumeration_allowed(self, n: int, f: int) -> bool:
        """May a SMEA/MDA screen enumerate subsets at ``(n, f)`` in ``d > 1``?"""
        return n <= self.enumeration_max_n and math.comb(n, f) <= self.enumeration_cap

    def describe(self) -> str:
        return (
            f"sides<={self.sides}, grid {self.grid}, refine {self.refine}, restarts "
            f"{self.restarts} x {self.maxfev} evals, SMEA/MDA enumeration in d > 1 when "
            f"C(n,f) <= {self.enumeration_cap} and n <= {self.enumeration_max_n}, "
            f"{self.candidates} exact candidates"
        )


def table_budget(n: int) -> Budget:
    """The per-cell budget of the ``reports/kappa.md`` table (sized for a few minutes on 2
    cores): two restarts of 100 evaluations up to ``n = 12``, one of 60 above."""
    small = n <= 12
    return Budget(
        sides=6,
        grid=13,
        refine=14,
        restarts=2 if small else 1,
        maxfev=100 if small else 60,
        enumeration_cap=150,
        enumeration_max_n=12,
        candidates=3,
    )


@dataclass(frozen=True)
class Candidate:
    """A screened input: float rows (honest first), its float ratio and its family."""

    rows: np.ndarray = field(repr=False)
    score: float
    family: str


@dataclass(frozen=True)
class SearchResult:
    """The best certificate of one cell and what was searched to find it."""

    certificate: Certificate
    evaluation: Evaluation
    families: tuple[str, ...]
    skipped: tuple[str, ...]
    screens: int
    seconds: float


class _Screen:
    """Counts float evaluations of one cell and remembers the best of each family."""

    def __init__(self, spec: RuleSpec, n: int, f: int, d: int, budget: Budget) -> None:
        self.spec, self.n, self.f, self.d, self.h = spec, n, f, d, n - f
        self.budget = budget
        self.count = 0
        self.best: dict[str, Candidate] = {}
        self.tried: set[str] = set()

    def clipped(self, rows: np.ndarray, family: str) -> float:
        """The screen as a finite number for scipy (``-inf`` and ``inf`` clipped)."""
        return min(max(self(rows, family), -_CLIP), _CLIP)

    def __call__(self, rows: np.ndarray, family: str) -> float:
        self.count += 1
        self.tried.add(family)
        score = screen_ratio(self.spec, rows, self.h, self.f, self.budget)
        if score == -math.inf:
            return score
        held = self.best.get(family)
        if held is None or score > held.score:
            self.best[family] = Candidate(rows.copy(), score, family)
        return score

    def top(self, k: int, exclude: str = "") -> list[Candidate]:
        """The best ``k`` family winners scoring at least half the best (``exclude`` left out)."""
        ranked = sorted(
            (c for c in self.best.values() if c.family != exclude), key=lambda c: -c.score
        )
        if not ranked:
            return []
        return [c for c in ranked if c.score >= ranked[0].score / 2][:k]


def _two_point_rows(n: int, f: int, d: int, p: int, byz: Sequence[tuple[float, int]]) -> np.ndarray:
    """``p`` honest at ``+e_1``, ``h - p`` at ``-e_1``, then Byzantine ``(position, count)``."""
    h = n - f
    first = [1.0] * p + [-1.0] * (h - p) + [b for b, c in byz for _ in range(c)]
    rows = np.zeros((n, d))
    rows[:, 0] = first
    return rows


def _sides(h: int, f: int, budget: Budget) -> list[int]:
    if h + 1 <= budget.sides:
        return list(range(h + 1))
    spread = np.linspace(0, h, budget.sides).round().astype(int).tolist()
    return sorted(set(spread) | {0, min(f, h), h, h // 2})


def _refine_scalar(
    objective: Callable[[float], float], center: float, step: float, evals: int
) -> None:
    if evals <= 0:
        return
    optimize.minimize_scalar(
        lambda b: -objective(b),
        bounds=(center - step, center + step),
        method="bounded",
        options={"maxiter": evals, "xatol": 1e-10},
    )


def _family_two_point(screen: _Screen) -> None:
    """Two-point honest sets, one Byzantine cluster, then two clusters (1-D, axis 1)."""
    n, f, d, b = screen.n, screen.f, screen.d, screen.budget
    if f == 0:
        for p in _sides(screen.h, f, b):
            screen(_two_point_rows(n, f, d, p, []), "two-point")
        return
    grid = sorted(set(np.linspace(-3.0, 3.0, b.grid).tolist()) | {-1.0, 0.0, 1.0})
    step = 6.0 / max(b.grid - 1, 1)
    best: list[tuple[float, int, float]] = []
    for p in _sides(screen.h, f, b):
        scores = [(screen(_two_point_rows(n, f, d, p, [(x, f)]), "two-point"), x) for x in grid]
        score, x = max(scores)
        best.append((score, p, x))
    for score, p, x in sorted(best, reverse=True)[:2]:
        if math.isfinite(score):
            _refine_scalar(
                lambda v, p=p: screen.clipped(_two_point_rows(n, f, d, p, [(v, f)]), "two-point"),
                x,
                step,
                b.refine,
            )
    if f >= 2:
        _, p, x = max(best)
        _two_clusters(screen, p, x)


def _two_clusters(screen: _Screen, p: int, x: float) -> None:
    n, f, d = screen.n, screen.f, screen.d
    f1 = (f + 1) // 2

    def objective(v: np.ndarray) -> float:
        rows = _two_point_rows(n, f, d, p, [(v[0], f1), (v[1], f - f1)])
        return -screen.clipped(rows, "two-clusters")

    for start in ((x, -x), (x, x + 0.5)):
        optimize.minimize(
            objective,
            np.array(start),
            method="Nelder-Mead",
            options={"maxfev": screen.budget.refine, "xatol": 1e-9, "fatol": 1e-12},
        )


def _decorrelated_columns(
    values: np.ndarray, d: int, rng: np.random.Generator, tries: int = 24
) -> np.ndarray:
    """``d`` permutations of ``values`` (columns) with the smallest covariance ``lambda_max``."""
    best, best_lam = None, math.inf
    for _ in range(tries):
        cols = np.column_stack([values] + [rng.permutation(values) for _ in range(d - 1)])
        c = cols - cols.mean(axis=0)
        lam = float(np.linalg.eigvalsh(c.T @ c)[-1])
        if lam < best_lam:
            best, best_lam = cols, lam
    assert best is not None
    return best


def _family_spread(screen: _Screen, base: np.ndarray, rng: np.random.Generator) -> None:
    """Each coordinate a permutation of the best 1-D honest values; Byzantine on the diagonal."""
    f, d, h = screen.f, screen.d, screen.h
    honest = _decorrelated_columns(base[:h, 0], d, rng)

    def rows_at(scale: float) -> np.ndarray:
        byz = np.repeat(base[h:, :1], d, axis=1) * scale
        return np.vstack([honest, byz]) if f else honest.copy()

    screen(rows_at(1.0), "spread")
    if f:
        _refine_scalar(
            lambda s: screen.clipped(rows_at(s), "spread"), 1.0, 0.5, screen.budget.refine
        )


def _family_orthogonal(screen: _Screen, base: np.ndarray) -> None:
    """The best 1-D honest set; the Byzantine cluster moved off the honest axis."""
    f, h = screen.f, screen.h
    if f == 0:
        return

    def objective(v: np.ndarray) -> float:
        rows = base.copy()
        rows[h:, 0] = v[0]
        rows[h:, 1] = v[1]
        return -screen.clipped(rows, "orthogonal")

    start = np.array([float(base[h, 0]), 0.5])
    optimize.minimize(
        objective,
        start,
        method="Nelder-Mead",
        options={"maxfev": screen.budget.refine * 2, "xatol": 1e-9, "fatol": 1e-12},
    )


def _restart(screen: _Screen, rng: np.random.Generator, clusters: int) -> None:
    """One random restart, Nelder-Mead on the cluster positions (and free honest vectors)."""
    f, d, h = screen.f, screen.d, screen.h
    honest0 = rng.normal(size=(h, d)) * rng.uniform(0.2, 2.0, size=d)
    k = min(clusters, f) if f else 0
    sizes = [f // k + (1 if i < f % k else 0) for i in range(k)] if k else []
    free = h * d <= FREE_HONEST_MAX

    def rows_of(v: np.ndarray) -> np.ndarray:
        honest = v[: h * d].reshape(h, d) if free else honest0
        cl = v[h * d :].reshape(k, d) if free else v.reshape(k, d)
        byz = np.repeat(cl, sizes, axis=0) if k else np.zeros((0, d))
        return np.vstack([honest, byz])

    centers = rng.normal(size=(k, d)) * 2.0
    start = np.concatenate([honest0.ravel(), centers.ravel()]) if free else centers.ravel()
    if start.size == 0:
        screen(honest0, "restarts")
        return
    optimize.minimize(
        lambda v: -screen.clipped(rows_of(v), "restarts"),
        start,
        method="Nelder-Mead",
        options={"maxfev": screen.budget.maxfev, "xatol": 1e-9, "fatol": 1e-12},
    )


def _backoff_rows(rows: np.ndarray, h: int, t: Fraction) -> Rows:
    exact = _round_rows(rows)
    if t == 0 or len(exact) == h:
        return exact
    k, d = h, len(exact[0])
    mu = [sum((r[j] for r in exact[:h]), Fraction(0)) / k for j in range(d)]
    moved = [tuple(x + t * (m - x) for x, m in zip(r, mu, strict=True)) for r in exact[h:]]
    return exact[:h] + tuple(moved)


def _exact_best(
    spec: RuleSpec, candidates: Sequence[Candidate], n: int, f: int, dps: int
) -> tuple[Rows, str, mpmath.mpf] | None:
    """Exact value of the screened candidates; the best ``(rows, family, value)``.

    Continuous rules (mean, CWTM, median, GM): the float screen ranks well, so only its
    best candidate is evaluated.  Selection rules (and user rules): every candidate, each
    also with the backoff variants.
    """
    continuous = spec.builtin and spec.name in CONTINUOUS
    variants = (Fraction(0),) if continuous else _BACKOFF
    best: tuple[Rows, str, mpmath.mpf] | None = None
    honest = tuple(range(n - f))
    for cand in candidates[:1] if continuous else candidates:
        for t in variants:
            rows = _backoff_rows(cand.rows, n - f, t)
            try:
                ev = evaluate(spec, rows, honest, f, dps=dps, exact_lambda=False)
            except ParameterError:
                continue
            if best is None or ev.value > best[2]:
                best = (rows, cand.family, ev.value)
    return best


def _embed(cert: Certificate, d: int) -> np.ndarray:
    rows = np.zeros((cert.n, d))
    rows[:, 0] = [float(r[0]) for r in cert.vectors]
    return rows


def _seed_sequence(seed: int, spec: RuleSpec, n: int, f: int, d: int) -> np.random.Generator:
    index = list(RULES).index(spec.name) if spec.name in RULES else len(RULES)
    return np.random.default_rng([seed, index, n, f, d])


def search(
    rule: str | RuleFunction | RuleSpec,
    n: int,
    f: int,
    d: int,
    *,
    budget: Budget | None = None,
    seed: int = 0,
    dps: int = 50,
    prior: SearchResult | None = None,
) -> SearchResult:
    """The largest ratio found for ``rule`` at ``(n, f, d)``, as an exact certificate.

    In ``d > 1`` the 1-D search runs first (or ``prior``, its result, is reused) and its
    certificate, embedded on the first axis, competes with the ``d``-dimensional families.
    """
    spec = resolve_rule(rule)
    check_parameters(n, f, d)
    reason = spec.undefined_reason(n, f)
    if reason is not None:
        raise ParameterError("n, f", f"{spec.name} {reason}", f"n={n}, f={f}")
    budget = budget or Budget()
    started = time.perf_counter()
    if d > 1 and prior is None:
        prior = search(spec, n, f, 1, budget=budget, seed=seed, dps=dps)
    rng = _seed_sequence(seed, spec, n, f, d)
    screen = _Screen(spec, n, f, d, budget)
    skipped: list[str] = []
    if prior is None:
        _family_two_point(screen)
    else:
        base = _embed(prior.certificate, d)
        screen(base, "embedded-1d")
        _family_spread(screen, base, rng)
        _family_orthogonal(screen, base)
    _run_restarts(screen, rng, skipped)
    best = _exact_best(spec, screen.top(budget.candidates, exclude="embedded-1d"), n, f, dps)
    if prior is not None and (best is None or prior.evaluation.value >= best[2]):
        best = (
            tuple(r + (Fraction(0),) * (d - 1) for r in prior.certificate.vectors),
            "embedded-1d",
            prior.evaluation.value,
        )
    if best is None:
        raise ParameterError(
            "rule", "a rule that can be evaluated on some searched input", spec.name
        )
    cert, ev = certify(spec, best[0], tuple(range(n - f)), f, family=best[1], dps=dps)
    families = tuple(sorted(screen.best)) + (() if prior is None else ("1-d search",))
    skipped += [
        f"{name} (SMEA/MDA enumeration outside the budget)"
        for name in sorted(screen.tried - set(screen.best))
    ]
    return SearchResult(
        cert, ev, families, tuple(skipped), screen.count, time.perf_counter() - started
    )


def _run_restarts(screen: _Screen, rng: np.random.Generator, skipped: list[str]) -> None:
    spec, n, f, d, b = screen.spec, screen.n, screen.f, screen.d, screen.budget
    if b.restarts <= 0:
        return
    if spec.builtin and spec.enumerates and d > 1 and not b.enumeration_allowed(n, f):
        skipped.append("restarts (SMEA/MDA enumeration outside the budget)")
        return
    for i in range(b.restarts):
        _restart(screen, rng, clusters=1 + i % 2)


# ----------------------------------------------------------------------------- helpers


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


def compare(value: mpmath.mpf, bound: Fraction | float | None, dps: int = 50) -> str:
    """``"exceeds"``, ``"equal"`` (at ``dps - 10`` digits), ``"within"`` or ``"no claim"``."""
    if bound is None:
        return "no claim"
    if bound == math.inf:
        return "within"
    if value == mpmath.inf:
        return "exceeds"
    with mpmath.workdps(dps):
        b = mpmath.mpf(bound.numerator) / bound.denominator
        if abs(value - b) <= mpmath.mpf(10) ** (10 - dps) * max(abs(b), 1):
            return "equal"
        return "exceeds" if value > b else "within"


def iter_cells(n_max: int = 30, ds: Sequence[int] = (1, 2, 5)) -> Iterator[tuple[int, int, int]]:
    """Every ``(n, f, d)`` with ``1 <= n <= n_max``, ``0 <= f < n/2``, ``d in ds``."""
    for n, d in itertools.product(range(1, n_max + 1), ds):
        for f in range((n + 1) // 2):
            yield n, f, d


__all__ = [
    "Budget",
    "CLAIMS",
    "Certificate",
    "Claim",
    "Evaluation",
    "RULES",
    "Replay",
    "RuleSpec",
    "SearchResult",
    "certify",
    "claim_for",
    "compare",
    "evaluate",
    "iter_cells",
    "replay",
    "resolve_rule",
    "same_ratio",
    "search",
    "universal_lower",
    "universal_lower_certificate",
]
