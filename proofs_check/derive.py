"""Upper bounds derived from the lemma-level facts, then compared with the registry.

For each registered upper bound (Theorems 3.1 and 3.3, eqs. (2), (3), (5), (6)) the
per-step recursion ``delta_{t+1} <= eta delta_t + increment`` is *composed* here from
:mod:`proofs_check.facts`, never read from the registry:

- ``eta``: the Lemma B.2 factor for the result's convexity (:data:`facts.EXPANSIVITY_USED`);
- Byzantine (Thm 3.1): ``||F(S) - F(S')|| <= ||F(S) - mean_H(S)|| + ||mean_H(S) -
  mean_H(S')|| + ||mean_H(S') - F(S')||``; each outer leg is the robustness deviation
  ``sqrt(kappa lambda_max)`` with ``lambda_max <= L^2``, the middle one is the expansive
  step plus the changed sample's shift (``2L`` times its weight);
- poisoning (Thm 3.3): two subsets of ``n - f`` of the ``n`` workers differ in at most
  ``min(n - f, f)`` pairs (derived), each adding at most ``2L`` over ``n - f``; the
  changed sample adds its shift; the shared part is the expansive step.

The recursion is then solved twice (``rsolve``; the unrolled geometric sum), multiplied by
the link ``L`` (``eps <= L delta_T``) and compared with the registered expression; the
registry's own ``recursion`` and ``simplified`` are compared with the derived ones, and
the registry's hypotheses must imply (tightly) every condition of the facts used.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

import sympy as sp

from boundkit.bounds import Recursion, Result, get
from boundkit.bounds import symbols as S
from proofs_check import facts as F
from proofs_check.core import (
    CheckResult,
    hypotheses_predicate,
    is_zero,
    proved_nonnegative,
    proved_positive,
    rational,
    result,
    same,
)
from proofs_check.recursions import eliminate_factor, solve_rsolve, solve_summation
from proofs_check.region import implies, integer_part, region, same_on_integers

_s = sp.Symbol("s", positive=True)  # n = 2f + s: the setting's f < n/2


def changed_sample_shift(algorithm: str, worker_weight: sp.Expr) -> sp.Expr:
    """Expected norm of the shift the changed sample causes in a mean that weighs its worker
    ``worker_weight``: ``2L`` (two gradients in the ``L``-ball) times its weight in GD,
    times its draw probability in SGD (weight 1 when drawn)."""
    diameter = 2 * F.GRADIENT_NORM
    if algorithm == "gd":
        return worker_weight * F.SAMPLE_WEIGHT_GD * diameter
    if algorithm == "sgd":
        return F.DRAW_PROBABILITY_SGD * worker_weight * diameter
    raise ValueError(f"unknown algorithm {algorithm!r}")


def swapped_pairs() -> sp.Expr:
    """``|S_t \\ S'_t|`` for two subsets of :data:`facts.AVERAGED_COUNT` of the ``n``
    workers: at most ``min(size, n - size)``, simplified under ``f < n/2``."""
    size = F.AVERAGED_COUNT
    bound = sp.Min(size, S.n - size)
    return sp.simplify(bound.subs(S.n, 2 * S.f + _s)).subs(_s, S.n - 2 * S.f)


def increment(threat: str, algorithm: str) -> sp.Expr:
    """The per-step increment of ``delta`` (beyond the expansive step), from the facts."""
    if threat == "byzantine":
        deviation = F.robust_deviation(S.kappa, F.LAMBDA_MAX_BOUND)
        legs = (deviation, changed_sample_shift(algorithm, F.WORKER_WEIGHT), deviation)
        return S.gamma * sp.Add(*legs)
    if threat == "poisoning":
        weight = 1 / F.AVERAGED_COUNT
        pairs = swapped_pairs() * weight * 2 * F.GRADIENT_NORM
        return S.gamma * (pairs + changed_sample_shift(algorithm, weight))
    raise ValueError(f"no derivation for threat {threat!r}")


@dataclass(frozen=True)
class Derivation:
    """The recursion of one registered upper bound, per algorithm, and its solutions."""

    expansivity: F.Expansivity
    recursions: dict[str, Recursion]

    def bound(self, algorithm: str, method: str = "rsolve") -> sp.Expr:
        rec = self.recursions[algorithm]
        solve = solve_rsolve if method == "rsolve" else solve_summation
        return F.LINK * solve(rec)

    def limit(self, algorithm: str) -> sp.Expr:
        """``L * increment/(1 - eta)``: the ``T -> oo`` limit when ``0 < eta < 1``."""
        rec = self.recursions[algorithm]
        return F.LINK * rec.increment / (1 - rec.factor)


def derive(res: Result) -> Derivation:
    """Compose the recursion of ``res`` (threat, convexity, algorithms) from the facts."""
    expansivity = F.EXPANSIVITY_USED[res.convexity]
    return Derivation(
        expansivity,
        {
            alg: Recursion(factor=expansivity.factor, increment=increment(res.threat, alg))
            for alg in res.algorithms
        },
    )


def _equal(expr: sp.Expr, registered: sp.Expr, factor: sp.Expr) -> bool:
    return is_zero(eliminate_factor(expr - registered, factor))


def sample_points(res: Result, count: int, seed: int) -> list[dict[sp.Symbol, sp.Expr]]:
    """Random exact points inside the registered hypotheses (drawn from a wider box and
    kept when every hypothesis holds), ``kappa`` a rational square."""
    r = random.Random(seed)
    holds = hypotheses_predicate(res.hypotheses)
    points: list[dict[sp.Symbol, sp.Expr]] = []
    while len(points) < count:
        n = r.randint(3, 40)
        beta = rational(r)
        point = {
            S.n: sp.Integer(n),
            S.f: sp.Integer(r.randint(0, n // 2)),
            S.m: sp.Integer(r.randint(1, 12)),
            S.T: sp.Integer(r.randint(1, 25)),
            S.gamma: sp.Rational(r.randint(1, 40), 10) / beta,
            S.L: rational(r),
            S.beta: beta,
            S.mu: beta * sp.Rational(r.randint(1, 20), 10),
            S.kappa: sp.Rational(r.randint(0, 30), r.randint(1, 10)) ** 2,
        }
        args = [point[s] for s in (S.n, S.f, S.m, S.T, S.gamma, S.L, S.beta, S.mu)]
        if holds(*args):
            points.append(point)
    return points


def iterate(rec: Recursion, point: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """``L delta_T`` by running the recursion ``T`` times in exact arithmetic."""
    factor, inc = rec.factor.subs(point), rec.increment.subs(point)
    value = sp.Integer(0)
    for _ in range(int(point[S.T])):
        value = factor * value + inc
    return sp.nsimplify(F.LINK.subs(point) * value)


def _resolve(res: Result | str) -> Result:
    """A result, or the registered one with this id (looked up when the check runs)."""
    return get(res) if isinstance(res, str) else res


def check_derived_bound(res: Result | str, points: int = 6) -> CheckResult:
    """Registered bound == ``L delta_T`` of the recursion composed from the facts.

    For every algorithm of ``res``: ``rsolve`` and the unrolled sum of the derived
    recursion equal the registered expression; exact iterations at random points inside
    the registered hypotheses equal it there; the registry's recursion (factor and
    increment) equals the derived one; the registered ``simplified`` form is the derived
    ``T -> oo`` limit and dominates the bound under the registered hypotheses.
    """
    res = _resolve(res)
    name = f"derive/{res.id}"
    der = derive(res)
    fails: list[str] = []
    for alg, rec in der.recursions.items():
        for method in ("rsolve", "summation"):
            if not _equal(der.bound(alg, method), res.expression, rec.factor):
                fails.append(f"{alg} {method} != registered")
        for pt in sample_points(res, points, zlib.crc32(f"{res.id}/{alg}".encode())):
            if iterate(rec, pt) != res.expression.subs(pt):
                fails.append(f"{alg} iteration != registered at {pt}")
                break
        reg = res.recursion
        if reg is None or not (same(reg.factor, rec.factor) and same(reg.increment, rec.increment)):
            fails.append(f"registered recursion != derived ({alg})")
    if res.simplified is not None:
        fails += _simplified_problems(res, der)
    alg = res.algorithms[0]
    return result(
        name,
        not fails,
        f"L*delta_T of the recursion composed from the facts ({der.expansivity.name}; "
        f"{', '.join(res.algorithms)}) vs registered: "
        + (
            "equal (rsolve, summation, exact iterations; registry recursion agrees)"
            if not fails
            else f"{len(fails)} problems: {fails[0]}"
        ),
        derived_increment=der.recursions[alg].increment,
        derived_factor=der.recursions[alg].factor,
        derived_bound=der.bound(alg),
        registered=res.expression,
        problems=fails,
    )


def _simplified_problems(res: Result, der: Derivation) -> list[str]:
    """The ``T``-free form: the derived ``T -> oo`` limit, and above the bound: ``(simplified
    - bound)/simplified = eta^T`` with ``0 < eta < 1`` inside the registered hypotheses
    (written with slacks by :mod:`proofs_check.region`) and ``simplified > 0``."""
    problems = []
    eta = der.expansivity.factor
    for alg in der.recursions:
        if not same(der.limit(alg), res.simplified):
            problems.append(f"simplified != derived T -> oo limit ({alg})")
    ratio = (res.simplified - res.expression) / res.simplified
    if not is_zero(eliminate_factor(ratio - eta**S.T, eta)):
        problems.append("(simplified - bound)/simplified != eta^T")
    eta_inside = region(res.hypotheses).apply(eta)
    if not (proved_positive(eta_inside) and proved_positive(1 - eta_inside)):
        problems.append("0 < eta < 1 not shown under the registered hypotheses")
    if not proved_positive(res.simplified.subs(S.n, 2 * S.f + _s)):
        problems.append("simplified > 0 not shown")
    return problems


def check_step_conditions(res: Result | str) -> CheckResult:
    """The registered hypotheses imply every condition of the facts the derivation uses.

    Each step-size / curvature condition of the Lemma B.2 fact is implied by the
    hypotheses, tightly (the registered rule reaches the condition's boundary, so it is the
    weakest of its form); the ``(n, f)`` hypotheses are the facts' ``f < n/2`` exactly; and
    on the quadratic family ``|1 - gamma a|`` is at most the derived factor at both ends of
    the curvature range, everywhere inside the registered hypotheses.
    """
    res = _resolve(res)
    fact = derive(res).expansivity
    found = [implies(res.hypotheses, c) for c in fact.conditions]
    disagree = same_on_integers(integer_part(res.hypotheses), (F.FEW_MISBEHAVING,))
    reg = region(res.hypotheses)
    a = sp.Symbol("a", nonnegative=True)
    ratio = 1 - S.gamma * a
    ends = [
        proved_nonnegative(reg.apply(fact.factor - ratio.subs(a, end)))
        and proved_nonnegative(reg.apply(fact.factor + ratio.subs(a, end)))
        for end in fact.curvature
    ]
    passed = all(i.holds and i.tight for i in found) and not disagree and all(ends)
    return result(
        f"steps/{res.id}",
        passed,
        f"registered hypotheses => {fact.name}: "
        + "; ".join(i.describe() for i in found)
        + f"; (n, f) hypotheses == f < n/2: {not disagree}; |1 - gamma a| <= "
        f"{fact.factor} at a = {fact.curvature[0]}, {fact.curvature[1]}: {ends}",
        margins=[i.margin for i in found],
        integer_disagreements=disagree[:5],
    )
