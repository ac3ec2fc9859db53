"""Theorem 3.1 with an empirical robustness coefficient, against the Byzantine constructions.

Theorem 3.1 (eq. 2) bounds the uniform stability of robust D-GD/D-SGD with any
``(f, kappa)``-robust rule (Def. 2.2): ``eps <= 2 gamma L^2 T (1/N + sqrt(kappa))``.  For
each rule of :data:`boundkit.labs.kappa.rules.RULES` this module takes the Byzantine
constructions (B1), (B2) and the tailored attack (:data:`constructions.CONSTRUCTIONS`),
swaps the aggregator of their :class:`boundkit.dynamics.problem.Problem`, measures the
stability the attack reaches (:func:`constructions.measure.measure`), and compares it with
``thm3.1/convex`` evaluated at ``kappa = `` the largest ratio
:func:`boundkit.labs.kappa.search.search` found for that rule at the same ``(n, f)`` in
dimension 1 (the constructions are 1-D).

The empirical coefficient is only a *lower* estimate of the rule's true ``kappa``, so the
bound evaluated with it is below the theorem's bound: a measured stability above it is a
finding (the rule's true ``kappa`` is larger than the search found, or the theorem's
constant does not hold for that rule), reported as ``EXCEEDS``, never hidden.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit import bounds
from boundkit.config import Setting
from boundkit.labs.kappa.budget import table_budget
from boundkit.labs.kappa.claims import claim_for
from boundkit.labs.kappa.evaluation import to_fraction
from boundkit.labs.kappa.rules import RULES, RuleFunction, RuleSpec, resolve_rule
from boundkit.labs.kappa.search import SearchResult, search

#: Constructions and the (n, f) points they are run at (m = 2, T = 5, gamma = 1/10).
SETTINGS: dict[str, tuple[tuple[int, int], ...]] = {
    "B1": ((7, 3), (9, 3)),
    "B2": ((7, 2), (10, 3)),
    "tailored": ((7, 2), (9, 3)),
}
#: Shared constants of the runs.
BASE = {"m": 2, "T": 5, "step_size": Fraction(1, 10), "lipschitz": 1, "smoothness": 1}


@dataclass(frozen=True)
class RuleCheck:
    """One construction run with one rule, against Theorem 3.1 at the empirical kappa.

    ``kappa`` is the empirical coefficient (``math.inf`` when unbounded), ``stability``
    the measured uniform stability, ``bound`` ``thm3.1/convex`` at ``kappa`` (``inf`` when
    ``kappa`` is), ``claim_bound`` the same at the claimed coefficient (``None`` without a
    claim), ``status`` ``"within"``, ``"EXCEEDS"`` or ``"n/a: <reason>"``.
    """

    rule: str
    construction: str
    n: int
    f: int
    kappa: mpmath.mpf | float | None
    stability: mpmath.mpf | None
    bound: mpmath.mpf | float | None
    claim_bound: mpmath.mpf | float | None
    status: str


def _kappa_fraction(value: mpmath.mpf, ratio: object) -> Fraction | float:
    if value == mpmath.inf:
        return math.inf
    if isinstance(ratio, Fraction):
        return ratio
    return to_fraction(value)


def _bound(setting: Setting, kappa: Fraction | float | None, dps: int) -> mpmath.mpf | float | None:
    """``thm3.1/convex`` at ``setting`` with ``kappa``, by the exact path.

    :func:`boundkit.bounds.evaluate` is not used: its speed path applies the registered
    default ``kappa = kappa_SMEA`` even when ``kappa`` is given (found while writing this
    module), while :func:`boundkit.bounds.exact_value` substitutes the given value.
    """
    if kappa is None:
        return None
    if kappa == math.inf:
        return math.inf
    value = bounds.exact_value(bounds.get("thm3.1/convex"), setting.with_(kappa=kappa).as_dict())
    with mpmath.workdps(dps):
        return +mpmath.mpf(sp.N(value, dps + 10))


def empirical_kappa(
    rule: str | RuleFunction | RuleSpec,
    n: int,
    f: int,
    seed: int = 0,
    dps: int = 50,
) -> SearchResult:
    """The 1-D search of the table (same budget and seed) at ``(n, f)``."""
    return search(rule, n, f, 1, budget=table_budget(n), seed=seed, dps=dps)


def check_one(
    rule: str | RuleFunction,
    construction: str,
    n: int,
    f: int,
    *,
    seed: int = 0,
    dps: int = 50,
) -> RuleCheck:
    """Run ``construction`` at ``(n, f)`` with ``rule`` and compare with Thm 3.1.

    ``rule`` is a registry name or a user callable ``(vectors, f) -> vector``; the callable
    is searched on float64 arrays and simulated on the run's vectors (one per worker,
    ``mpmath`` scalars in these 1-D constructions), so it must accept both.
    """
    from constructions import CONSTRUCTIONS
    from constructions.measure import measure

    spec = resolve_rule(rule)
    setting = Setting(n=n, f=f, **BASE)
    reason = CONSTRUCTIONS[construction].applies(setting) or spec.undefined_reason(n, f)
    if reason is not None:
        return RuleCheck(spec.name, construction, n, f, None, None, None, None, f"n/a: {reason}")
    found = empirical_kappa(spec, n, f, seed=seed, dps=dps)
    kappa = _kappa_fraction(found.evaluation.value, found.evaluation.ratio)
    instance = CONSTRUCTIONS[construction].build(setting)
    problem = dataclasses.replace(instance.problem, aggregator=spec.simulate_name or spec.func)
    measured = measure(dataclasses.replace(instance, problem=problem), dps=dps).empirical
    bound = _bound(instance.setting, kappa, dps)
    claimed = claim_for(spec.name).bound(n, f, 1)
    status = "within" if bound == math.inf or measured <= bound else "EXCEEDS"
    shown = math.inf if kappa == math.inf else found.evaluation.value
    return RuleCheck(
        spec.name,
        construction,
        n,
        f,
        shown,
        measured,
        bound,
        _bound(instance.setting, claimed, dps),
        status,
    )


def run_all(
    rules: Sequence[str] | None = None, *, seed: int = 0, dps: int = 50
) -> Iterator[RuleCheck]:
    """Every rule against every construction of :data:`SETTINGS`."""
    for rule in rules or list(RULES):
        for construction, points in SETTINGS.items():
            for n, f in points:
                yield check_one(rule, construction, n, f, seed=seed, dps=dps)
