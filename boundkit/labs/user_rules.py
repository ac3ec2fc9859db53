"""Your own aggregation rule against the bounds: its coefficient, then the constructions.

The contract of a user rule, enforced here at the edge (:class:`CheckedRule`):

* it is called as ``rule(vectors, f)`` with ``vectors`` a ``float64`` numpy array of shape
  ``(n, d)`` (one row per worker, also in dimension 1: shape ``(n, 1)``) and ``f`` the
  number of misbehaving workers;
* it returns one vector: anything ``numpy.asarray`` turns into finite floats of shape
  ``(d,)``; in dimension 1 a scalar (shape ``()``) is accepted too.  Any other shape
  (``(1, d)``, ``(d, 1)`` with ``d > 1``, ``(n, d)``, ...) is rejected with a one-line
  :class:`boundkit.errors.ParameterError` naming the shape it got.

The same wrapped rule serves the coefficient search (:func:`robustness_coefficient`, the
lab of :mod:`boundkit.labs.kappa`: float64 screens, each candidate re-evaluated exactly on
the rule's output) and the simulations (:func:`check_rule`): there the run's exact
vectors are rounded to float64 for the rule, and its float output is read back exactly,
so what is measured is the rule as written, in float64.

:func:`check_rule` runs every Byzantine construction defined at ``(n, f)`` with the rule
as aggregator and compares the stability each reaches with Theorem 3.1, eq. (2), evaluated
at the rule's empirical coefficient searched *in the construction's own dimension* (B3 is
2-D).  The empirical coefficient is a lower estimate of the rule's true ``kappa``, so the
bound with it is below the theorem's: a measured stability above it (``EXCEEDS``) is a
finding (the true coefficient is larger than found, or the theorem's constant fails for
this rule), never hidden.  Each comparison is decided exactly
(:func:`boundkit.checks.decide.compare`).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from boundkit.bounds import evaluation, get
from boundkit.checks.decide import compare
from boundkit.config import Setting
from boundkit.dynamics.arithmetic import dimension_of
from boundkit.errors import HypothesisViolation, ParameterError
from boundkit.labs.kappa.budget import Budget, table_budget
from boundkit.labs.kappa.rules import RULES, RuleSpec, check_parameters
from boundkit.labs.kappa.search import SearchResult, search

#: the bound the rule's runs are compared with (Theorem 3.1, eq. (2))
UPPER_ID = "thm3.1/convex"


def _as_rows(vectors: object) -> tuple[np.ndarray, str]:
    """``(float64 array (n, d), kind of the input numbers)``: ``"float"`` for an array (the
    search), ``"fraction"`` or ``"mpf"`` for the simulator's per-worker vectors."""
    if isinstance(vectors, np.ndarray):
        rows = np.asarray(vectors, dtype=np.float64)
        return (rows.reshape(-1, 1) if rows.ndim == 1 else rows), "float"
    items = list(vectors)  # type: ignore[call-overload]
    first = items[0][0] if isinstance(items[0], tuple) else items[0]
    kind = "mpf" if isinstance(first, mpmath.mpf) else "fraction"
    rows = [[float(x) for x in v] if isinstance(v, tuple) else [float(v)] for v in items]
    return np.asarray(rows, dtype=np.float64), kind


def rule_output(value: object, d: int) -> np.ndarray:
    """A rule's output as a float64 array of shape ``(d,)`` (module docstring), or a
    one-line :class:`ParameterError`."""
    try:
        out = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ParameterError("rule output", "an array of real numbers", type(value)) from error
    if out.shape == () and d == 1:
        out = out.reshape(1)
    if out.shape != (d,):
        scalar = " (a scalar is accepted too when d = 1)" if d == 1 else ""
        raise ParameterError(
            "rule output", f"shape (d,) = ({d},) for input of shape (n, {d}){scalar}", out.shape
        )
    if not np.all(np.isfinite(out)):
        raise ParameterError("rule output", "finite numbers", out.tolist())
    return out


def _exact_number(x: float, kind: str) -> Any:
    return mpmath.mpf(x) if kind == "mpf" else Fraction(x)


@dataclass(frozen=True)
class CheckedRule:
    """A user rule under the contract of the module docstring (callable like a rule)."""

    func: Callable[[np.ndarray, int], Any]

    def __call__(self, vectors: object, f: int) -> Any:
        rows, kind = _as_rows(vectors)
        out = rule_output(self.func(rows, f), rows.shape[1])
        if kind == "float":
            return out
        exact = tuple(_exact_number(float(x), kind) for x in out)
        return exact[0] if len(exact) == 1 else exact


def checked_rule(rule: str | Callable[..., Any] | RuleSpec) -> RuleSpec:
    """A rule name of :data:`boundkit.labs.kappa.rules.RULES`, or a user callable wrapped
    in :class:`CheckedRule`, as the lab's :class:`RuleSpec`."""
    if isinstance(rule, RuleSpec):
        return rule
    if isinstance(rule, str):
        if rule not in RULES:
            raise ParameterError("rule", "one of " + ", ".join(RULES), rule)
        return RULES[rule]
    if callable(rule):
        return RuleSpec(getattr(rule, "__name__", "user-rule"), CheckedRule(rule))
    raise ParameterError("rule", "a rule name or a callable (vectors, f) -> vector", rule)


def probe(spec: RuleSpec, n: int, f: int, d: int) -> None:
    """Call a user rule once on a fixed ``(n, d)`` input so that a broken output contract
    fails here, in one line, instead of inside the search (which skips inputs a rule
    refuses)."""
    if spec.builtin or not isinstance(spec.func, CheckedRule):
        return
    rows = np.arange(n * d, dtype=np.float64).reshape(n, d) / max(n * d, 1)
    spec.func(rows, f)


def robustness_coefficient(
    rule: str | Callable[..., Any] | RuleSpec,
    n: int,
    f: int,
    d: int = 1,
    *,
    seed: int = 0,
    budget: Budget | None = None,
    dps: int = 50,
) -> SearchResult:
    """The largest ``||F(x) - mean_S||^2 / lambda_max(Sigma_S)`` (Def. 2.2) found for
    ``rule`` at ``(n, f, d)``, with its exact certificate (``.evaluation.value``,
    ``.evaluation.ratio``, ``.certificate``).  A lower bound on the rule's ``kappa``.
    ``budget`` defaults to the one of ``reports/kappa.md`` (seconds per cell)."""
    spec = checked_rule(rule)
    check_parameters(n, f, d)
    probe(spec, n, f, d)
    return search(spec, n, f, d, budget=budget or table_budget(n), seed=seed, dps=dps)


@dataclass(frozen=True)
class RuleRun:
    """One Byzantine construction run with the rule as aggregator.

    ``kappa`` is the empirical coefficient in the construction's ``dimension`` (``inf``
    when unbounded), ``stability`` the uniform stability reached (exactly:
    ``stability_exact``), ``bound`` eq. (2) at ``kappa`` (``inf`` with it; ``None`` when a
    hypothesis of eq. (2) fails), ``status`` ``"within"``, ``"EXCEEDS"``, ``"UNDECIDED"``
    or ``"n/a: <reason>"``.
    """

    construction: str
    setting: Setting
    dimension: int
    kappa: mpmath.mpf | float | None
    stability: mpmath.mpf | None
    stability_exact: sp.Expr | None
    bound: mpmath.mpf | float | None
    status: str


@dataclass(frozen=True)
class RuleReport:
    """:func:`check_rule`'s answer: the searched coefficients (per dimension) and the runs."""

    rule: str
    n: int
    f: int
    coefficients: dict[int, SearchResult]
    runs: tuple[RuleRun, ...]

    @property
    def exceeded(self) -> tuple[RuleRun, ...]:
        """The runs above eq. (2) at the empirical coefficient (findings)."""
        return tuple(r for r in self.runs if r.status == "EXCEEDS")


def _exact_ratio(found: SearchResult) -> sp.Expr:
    """The certificate's exact ratio as a SymPy number (``oo`` when unbounded)."""
    ratio = found.evaluation.ratio
    if isinstance(ratio, Fraction):
        return sp.Rational(ratio.numerator, ratio.denominator)
    if isinstance(ratio, sp.Expr):
        return ratio
    raise ParameterError("coefficient", "an exact ratio in the certificate", ratio)


def _exact_bound(setting: Setting, ratio: object) -> sp.Expr | None:
    """Eq. (2) at ``setting`` with ``kappa = ratio`` exactly (``oo`` when unbounded)."""
    if ratio is sp.oo:
        return sp.oo
    params = setting.as_dict() | {"kappa": ratio}
    try:
        return evaluation.exact_value(get(UPPER_ID), params)
    except HypothesisViolation:
        return None


def _status(stability: sp.Expr | None, bound: sp.Expr | None) -> str:
    if bound is None:
        return f"n/a: {UPPER_ID} hypotheses fail here"
    if bound is sp.oo:
        return "within"
    if stability is None:
        return "UNDECIDED"
    decision = compare(stability, "<=", bound)
    if decision.holds is None:
        return "UNDECIDED"
    return "within" if decision.holds else "EXCEEDS"


def _mp(value: sp.Expr | None, dps: int) -> mpmath.mpf | float | None:
    if value is None:
        return None
    if value is sp.oo:
        return math.inf
    with mpmath.workdps(dps):
        return +mpmath.mpf(sp.N(value, dps + 10))


def _byzantine_names() -> tuple[str, ...]:
    from constructions import CONSTRUCTIONS

    return tuple(name for name, c in CONSTRUCTIONS.items() if c.threat == "byzantine")


def _run_one(
    spec: RuleSpec, name: str, setting: Setting, coefficient: Callable[[int], SearchResult]
) -> RuleRun:
    from constructions import CONSTRUCTIONS
    from constructions.measure import measure

    construction = CONSTRUCTIONS[name]
    reason = construction.applies(setting) or spec.undefined_reason(setting.n, setting.f)
    if reason is not None:
        return RuleRun(name, setting, 0, None, None, None, None, f"n/a: {reason}")
    instance = construction.build(setting)
    d = dimension_of(instance.problem.start)
    found = coefficient(d)
    aggregator = spec.simulate_name or spec.func
    problem = dataclasses.replace(instance.problem, aggregator=aggregator)
    measured = measure(dataclasses.replace(instance, problem=problem))
    ratio = _exact_ratio(found)
    bound = _exact_bound(instance.setting, ratio)
    stability = measured.empirical_exact
    return RuleRun(
        name,
        instance.setting,
        d,
        _mp(ratio, 50),
        measured.empirical,
        stability,
        _mp(bound, 50),
        _status(stability, bound),
    )


def check_rule(
    rule: str | Callable[..., Any] | RuleSpec,
    n: int,
    f: int,
    *,
    constructions: Sequence[str] | None = None,
    m: int = 2,
    T: int = 5,
    step_size: numbers.Real = Fraction(1, 10),
    lipschitz: numbers.Real = 1,
    seed: int = 0,
    budget: Budget | None = None,
) -> RuleReport:
    """Measure ``rule``'s coefficient and run the Byzantine constructions against it.

    Every construction of ``constructions`` (default: every Byzantine one, B1, B2, B3,
    tailored, B4) defined at ``(n, f, m)`` runs for ``T`` steps of GD with ``rule`` as
    aggregator; its stability is compared exactly with eq. (2) at the coefficient
    :func:`robustness_coefficient` finds in the construction's dimension.  Constructions
    not defined there get status ``"n/a: <reason>"``.
    """
    spec = checked_rule(rule)
    setting = Setting(n=n, f=f, m=m, T=T, step_size=step_size, lipschitz=lipschitz)
    names = tuple(constructions) if constructions is not None else _byzantine_names()
    known = _byzantine_names()
    for name in names:
        if name not in known:
            raise ParameterError("constructions", "Byzantine ones: " + ", ".join(known), name)
    found: dict[int, SearchResult] = {}

    def coefficient(d: int) -> SearchResult:
        if d not in found:
            probe(spec, n, f, d)
            prior = found.get(1) if d > 1 else None
            chosen = budget or table_budget(n)
            found[d] = search(spec, n, f, d, budget=chosen, seed=seed, prior=prior)
        return found[d]

    runs = tuple(_run_one(spec, name, setting, coefficient) for name in names)
    return RuleReport(spec.name, n, f, dict(sorted(found.items())), runs)


__all__ = [
    "CheckedRule",
    "RuleReport",
    "RuleRun",
    "check_rule",
    "checked_rule",
    "robustness_coefficient",
    "rule_output",
]
