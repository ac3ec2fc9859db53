"""The sharper SMEA Byzantine upper bound, from the per-run inequality (docs/theory.md, section 7).

Per run (``S`` the honest set, ``W`` the subset SMEA selects, ``C = W ∩ S``, gradients in the
``L``-ball), composed from :mod:`proofs_check.facts` in :func:`per_run_deviation`:

- ``||mean_W - mean_C|| <= sqrt(q lambda_max(Sigma_W)) <= sqrt(q lambda_max(Sigma_S)) <=
  sqrt(q) L`` with ``q = f/(n - 2f)`` (:func:`proofs_check.kappa_star.worst_subset_factor`,
  SMEA's minimality, ``lambda_max <= L^2``);
- ``||mean_C - mean_S|| = ((|S| - |C|)/|S|) ||mean_{S \\ C} - mean_C||``: at most
  ``MEAN_SPLIT(n - f, n - 2f) * 2L = 2fL/(n - f)`` (two honest means in the ``L``-ball), and
  also at most ``sqrt(q) L`` (the first bullet with ``A = S``); the minimum of the two is
  ``2f/(n - f)`` because ``f/(n - 2f) - (2f/(n - f))^2 = f (n - 3f)^2/((n - 2f)(n - f)^2)``.

Theorem 3.1's step ``F(S) -> mean_H(S) -> mean_H(S') -> F(S')`` then adds the changed
sample's shift, and the recursion is solved exactly as in :mod:`proofs_check.derive` (rsolve,
unrolled sum, exact iterations) and compared with the registered
``byzantine/smea-sharp/*`` (``sharp/derive/*``).  ``sharp/min-is-2f-over-h`` checks the
simplification of the minimum; ``sharp/per-run-exhaustive`` checks the per-run inequality
and each leg with boundkit's exact SMEA on every input of a small grid (honest values in
``[-L, L]``, Byzantine values anywhere on the grid) and shows it attained at ``n = 3f``.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Sequence
from fractions import Fraction

import sympy as sp

from boundkit import rules
from boundkit.bounds import Recursion, Result, get
from boundkit.bounds import symbols as S
from proofs_check import facts as F
from proofs_check import surd
from proofs_check.core import CheckResult, is_zero, proved_nonnegative, result, same
from proofs_check.derive import Derivation, changed_sample_shift, iterate, sample_points
from proofs_check.kappa_star import Lambda, at_most, worst_subset_factor
from proofs_check.recursions import eliminate_factor

n, f = S.n, S.f
_s = sp.Symbol("s", positive=True)
_f = sp.Symbol("f", positive=True)

#: the registered results this module derives
SHARP_IDS = ("byzantine/smea-sharp/convex", "byzantine/smea-sharp/strongly-convex")


def _majority(expr: sp.Expr) -> sp.Expr:
    """``expr`` at ``n = 2f + s`` with ``f, s > 0`` (the setting's ``f < n/2``, ``f >= 1``)."""
    return expr.subs(n, 2 * f + _s).subs(f, _f)


def subset_leg() -> sp.Expr:
    """``||mean_W - mean_C|| <= sqrt(q SMEA_LAMBDA_RATIO LAMBDA_MAX_BOUND)``."""
    return sp.sqrt(worst_subset_factor() * F.SMEA_LAMBDA_RATIO * F.LAMBDA_MAX_BOUND)


def honest_leg_candidates() -> tuple[sp.Expr, sp.Expr]:
    """The two bounds on ``||mean_C - mean_S||``: the mean split times the diameter, and the
    subset factor applied to ``A = S``."""
    split = F.MEAN_SPLIT.subs(
        {F.subset_size: F.SELECTED_SIZE, F.shared_size: F.SHARED_SIZE_MIN}, simultaneous=True
    )
    return sp.simplify(split * F.DIAMETER), sp.sqrt(worst_subset_factor() * F.LAMBDA_MAX_BOUND)


def nonnegative_factored(expr: sp.Expr) -> bool:
    """``expr >= 0`` under ``f < n/2``, from its factorisation: every factor is an even power,
    or of known sign at ``n = 2f + s`` (term by term), with an even number of negative ones."""
    negatives = 0
    for factor in sp.Mul.make_args(sp.factor(expr)):
        base, exponent = factor.as_base_exp()
        if exponent.is_integer and exponent.is_even:
            continue
        if proved_nonnegative(_majority(factor)):
            continue
        if proved_nonnegative(_majority(-factor)):
            negatives += 1
            continue
        return False
    return negatives % 2 == 0


def smaller(first: sp.Expr, second: sp.Expr) -> sp.Expr | None:
    """The one of two nonnegative expressions shown to be the smaller under ``f < n/2`` (by
    their squares), or ``None`` when neither is shown."""
    if nonnegative_factored(second**2 - first**2):
        return first
    if nonnegative_factored(first**2 - second**2):
        return second
    return None


def per_run_deviation() -> sp.Expr:
    """``||F - mean_S||`` per run: the subset leg plus the smaller honest leg."""
    first, second = honest_leg_candidates()
    chosen = smaller(first, second)
    if chosen is None:
        raise ValueError("cannot decide the smaller honest leg")
    return subset_leg() + chosen


def increment(algorithm: str, deviation: sp.Expr) -> sp.Expr:
    """Thm 3.1's step ``F(S) -> mean_H(S) -> mean_H(S') -> F(S')`` with a per-run deviation
    in both outer legs and the changed sample's shift in the middle."""
    return S.gamma * (deviation + changed_sample_shift(algorithm, F.WORKER_WEIGHT) + deviation)


def derive_sharp(res: Result, deviation: sp.Expr) -> Derivation:
    """The recursion of ``res`` (its convexity's Lemma B.2 factor) with this deviation."""
    expansivity = F.EXPANSIVITY_USED[res.convexity]
    return Derivation(
        expansivity,
        {
            alg: Recursion(factor=expansivity.factor, increment=increment(alg, deviation))
            for alg in res.algorithms
        },
    )


def check_min_is_two_f_over_h() -> CheckResult:
    """``min(2f/(n-f), sqrt(f/(n-2f))) = 2f/(n-f)`` under ``f < n/2``: the squares differ by
    ``L^2 f (n - 3f)^2/((n - 2f)(n - f)^2) >= 0``, which vanishes at ``n = 3f`` (so neither side
    can be dropped: the two are equal there)."""
    split, subset = honest_leg_candidates()
    gap = sp.factor(subset**2 - split**2)
    expected = F.LAMBDA_MAX_BOUND * f * (n - 3 * f) ** 2 / ((n - 2 * f) * (n - f) ** 2)
    identity = same(gap, expected)
    chosen = smaller(split, subset)
    equal_at_3f = is_zero((subset - split).subs(n, 3 * f))
    return result(
        "sharp/min-is-2f-over-h",
        identity and chosen is not None and same(chosen, split) and equal_at_3f,
        f"honest legs {split} and {subset}: squares differ by {gap} (== L^2 f (n-3f)^2/((n-2f)"
        f"(n-f)^2): {identity}); the smaller is {chosen}; equal at n = 3f: {equal_at_3f}",
        per_run=per_run_deviation() if chosen is not None else None,
    )


def check_sharp_derived(
    result_id: str, points: int = 4, deviation: Callable[[], sp.Expr] | None = None
) -> CheckResult:
    """Registered ``result_id`` == ``L delta_T`` of the recursion derived with the per-run
    ``deviation`` (default :func:`per_run_deviation`): rsolve, unrolled sum, exact
    iterations; registered recursion and ``simplified``."""
    res = get(result_id)
    per_run = (deviation or per_run_deviation)()
    placeholder = sp.Dummy("D", nonnegative=True)  # rsolve sees a constant, not a Piecewise
    der = derive_sharp(res, placeholder)
    fails: list[str] = []

    def filled(expr: sp.Expr) -> sp.Expr:
        return expr.xreplace({placeholder: per_run})

    for alg, rec in der.recursions.items():
        for method in ("rsolve", "summation"):
            diff = filled(der.bound(alg, method)) - res.expression
            if not is_zero(eliminate_factor(diff, rec.factor)):
                fails.append(f"{alg} {method} != registered")
        full = Recursion(factor=rec.factor, increment=filled(rec.increment))
        for pt in sample_points(res, points, zlib.crc32(f"sharp/{res.id}/{alg}".encode())):
            if not is_zero(iterate(full, pt) - res.expression.subs(pt)):
                fails.append(f"{alg} iteration != registered at {pt}")
                break
        reg = res.recursion
        if reg is None or not (
            same(reg.factor, rec.factor) and same(reg.increment, full.increment)
        ):
            fails.append(f"registered recursion != derived ({alg})")
        if res.simplified is not None and not same(filled(der.limit(alg)), res.simplified):
            fails.append(f"simplified != derived T -> oo limit ({alg})")
    return result(
        f"{'sharp' if deviation is None else 'sharp-1d'}/derive/{res.id}",
        not fails,
        f"L*delta_T with the per-run deviation {per_run} ({der.expansivity.name}) "
        "vs registered: " + ("equal" if not fails else f"{len(fails)} problems: {fails[0]}"),
        derived_increment=filled(der.recursions[res.algorithms[0]].increment),
        registered=res.expression,
        problems=fails,
    )


# --------------------------------------------------------------------------- exhaustive
#: 1-D grid: honest values in [-1, 1] (L = 1), Byzantine values anywhere on it
GRID: tuple[Fraction, ...] = tuple(Fraction(v) for v in range(-3, 4))
SIZES: tuple[tuple[int, int], ...] = ((3, 1), (4, 1), (5, 2), (6, 2))


def _legs_hold(
    rows: list[tuple[Fraction]], f_: int, honest: Sequence[int], chosen: Sequence[int], fns: dict
) -> list[str]:
    """The steps violated on one input and honest set (L = 1)."""
    nn = len(rows)
    shared = [i for i in chosen if i in set(honest)]
    mean = lambda idx: sum(rows[i][0] for i in idx) / len(idx)  # noqa: E731
    mean_w, mean_s, mean_c = mean(chosen), mean(honest), mean(shared)
    q = Fraction(fns["q"](Fraction(nn), Fraction(f_)))
    split = Fraction(fns["split"](Fraction(nn), Fraction(f_)))
    bad = []
    if at_most((mean_w - mean_c) ** 2, q, Lambda(Fraction(1), Fraction(0))) < 0:
        bad.append("||mean_W - mean_C|| <= sqrt(q) L")
    if abs(mean_c - mean_s) > split:
        bad.append("||mean_C - mean_S|| <= 2fL/(n-f)")
    # |F - mean_S| <= sqrt(q) + split, exactly: sign of sqrt(q) + split - |F - mean_S|
    if surd.sign1(split - abs(mean_w - mean_s), Fraction(1), q) < 0:
        bad.append("||F - mean_S|| <= L (sqrt(q) + 2f/(n-f))")
    return bad


def check_per_run_exhaustive(
    grid: Sequence[Fraction] = GRID, sizes: Sequence[tuple[int, int]] = SIZES
) -> CheckResult:
    """The per-run inequality and its two legs on every input of the grid and every honest
    set inside ``[-1, 1]`` (exact SMEA), and attained with equality where ``n = 3f``."""
    fns = {
        "q": sp.lambdify((n, f), worst_subset_factor(), modules=[{}]),
        "split": sp.lambdify((n, f), honest_leg_candidates()[0].subs(S.L, 1), modules=[{}]),
    }
    per_run = sp.lambdify((n, f), per_run_deviation().subs(S.L, 1), modules="sympy")
    violations: dict[str, list] = {}
    sets = attained = 0
    for nn, f_ in sizes:
        bound = per_run(sp.Integer(nn), sp.Integer(f_))
        for multiset in itertools.combinations_with_replacement(grid, nn):
            rows = [(v,) for v in multiset]
            chosen = rules.smea(rows, f_).selected
            for honest in itertools.combinations(range(nn), nn - f_):
                if any(abs(rows[i][0]) > 1 for i in honest):
                    continue
                sets += 1
                for step in _legs_hold(rows, f_, honest, chosen, fns):
                    violations.setdefault(step, []).append((multiset, f_, honest))
                gap = abs(sum(rows[i][0] for i in chosen) - sum(rows[i][0] for i in honest))
                if sp.Rational(gap, nn - f_) == bound:
                    attained += 1
    counts = {k: len(v) for k, v in violations.items()}
    return result(
        "sharp/per-run-exhaustive",
        not counts and attained > 0,
        f"exact SMEA, {sets} honest sets in [-L, L] (n, f) in {list(sizes)}: violations "
        f"{counts or 'none'}; per-run bound attained {attained} times (n = 3f)",
        first_violations={k: v[0] for k, v in violations.items()},
    )
