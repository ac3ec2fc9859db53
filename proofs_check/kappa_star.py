"""SMEA's sharp robustness coefficient ``kappa* = 4f/(n - 2f)``, derived step by step.

The argument (docs/theory.md, "Sharp constants"), each step from a fact of
:mod:`proofs_check.facts` and each checked so that perturbing it fails:

1. ``kappa*/mean-split``: for ``C ⊂ A`` (``|A| = a``, ``|C| = c``, ``D = A \\ C``),
   ``mean_A - mean_C = ((a - c)/a)(mean_D - mean_C)`` (:data:`facts.MEAN_SPLIT`).
2. ``kappa*/between-group``: ``Sigma_A = (c/a) Sigma_C + ((a - c)/a) Sigma_D + (c(a - c)/a^2)
   u u^T`` with ``u = mean_D - mean_C`` (:data:`facts.BETWEEN_WEIGHT`), and ``u^T Sigma_A u -
   (c(a - c)/a^2) |u|^4`` is a sum of squares, so ``lambda_max(Sigma_A) >= (c(a - c)/a^2)
   |u|^2``; equality when ``C`` and ``D`` are each one repeated vector.
3. ``kappa*/derived-vs-registered``: 1 and 2 give ``||mean_A - mean_C||^2 <= ((a - c)/c)
   lambda_max(Sigma_A)`` (:func:`subset_factor`); with ``W`` the subset SMEA selects, ``S``
   the honest set and ``C = W ∩ S``, ``a = n - f`` and ``c >= n - 2f``, the factor is at most
   ``f/(n - 2f)`` (it decreases in ``c``); SMEA minimises ``lambda_max`` so ``lambda_max(Sigma_W)
   <= lambda_max(Sigma_S)``, and the triangle inequality through ``mean_C`` gives
   ``||F - mean_S||^2 <= (2 sqrt(f/(n - 2f)))^2 lambda_max(Sigma_S)``
   (:func:`derived_kappa`), which must equal the registered ``kappa/smea``.
4. ``kappa*/exhaustive-1d`` and ``kappa*/exhaustive-2d``: on every input of a small grid and
   every honest set ``S``, with boundkit's exact SMEA (:func:`boundkit.rules.smea`, exact
   rationals, ``lambda_max`` as ``a + sqrt(d)`` ordered exactly by :mod:`proofs_check.surd`):
   each step's inequality with the facts' constants, ``|W \\ C| <= f``, ``lambda_max(Sigma_W)
   <= lambda_max(Sigma_S)``, the final ratio at most the registered ``kappa/smea``, and the
   registered value attained (so a smaller coefficient fails).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from boundkit import rules
from boundkit.bounds import get
from boundkit.bounds import symbols as S
from proofs_check import facts as F
from proofs_check import surd
from proofs_check.core import CheckResult, proved_nonnegative, result, same

n, f = S.n, S.f
a_sym, c_sym = F.subset_size, F.shared_size
_j = sp.Symbol("j", nonnegative=True, integer=True)  # c = n - 2f + j
_s = sp.Symbol("s", positive=True, integer=True)  # n = 2f + s

#: (a, c) sizes on which the identities of steps 1 and 2 are checked with symbolic vectors
SIZES: tuple[tuple[int, int], ...] = ((2, 1), (3, 1), (3, 2), (4, 2), (5, 2))
_LAMBDA = sp.Symbol("lambda", positive=True)


# --------------------------------------------------------------------------- derivation
def subset_factor() -> sp.Expr:
    """``q(a, c)``: ``||mean_A - mean_C||^2 <= q lambda_max(Sigma_A)``, from steps 1 and 2:
    ``MEAN_SPLIT^2 |u|^2`` with ``|u|^2 <= lambda_max/BETWEEN_WEIGHT``."""
    return sp.simplify(F.MEAN_SPLIT**2 / F.BETWEEN_WEIGHT)


def worst_subset_factor() -> sp.Expr:
    """``q`` at ``a = |W| = |S| = n - f`` and the smallest ``c = |W ∩ S| = n - 2f``."""
    return sp.simplify(
        subset_factor().subs({a_sym: F.SELECTED_SIZE, c_sym: F.SHARED_SIZE_MIN}, simultaneous=True)
    )


def derived_kappa() -> sp.Expr:
    """``(sqrt(q lambda_W) + sqrt(q lambda_S))^2/lambda_S`` with ``lambda_W <= lambda_S``."""
    q = worst_subset_factor()
    lam = _LAMBDA
    deviation = sp.sqrt(q * F.SMEA_LAMBDA_RATIO * lam) + sp.sqrt(q * lam)
    return sp.simplify(sp.expand(deviation**2) / lam)


# --------------------------------------------------------------------------- symbolic steps
def _vectors(count: int, tag: str) -> list[sp.Matrix]:
    xs = sp.symbols(f"{tag}x1:{count + 1}", real=True)
    ys = sp.symbols(f"{tag}y1:{count + 1}", real=True)
    return [sp.Matrix([x, y]) for x, y in zip(xs, ys, strict=True)]


def _mean(vs: Sequence[sp.Matrix]) -> sp.Matrix:
    return sum(vs, sp.zeros(2, 1)) / len(vs)


def _cov(vs: Sequence[sp.Matrix]) -> sp.Matrix:
    centre = _mean(vs)
    return sum(((v - centre) * (v - centre).T for v in vs), sp.zeros(2, 2)) / len(vs)


def _at(expr: sp.Expr, a: int, c: int) -> sp.Expr:
    return expr.subs({a_sym: a, c_sym: c})


def check_mean_split(sizes: Sequence[tuple[int, int]] = SIZES) -> CheckResult:
    """Step 1: ``mean_A - mean_C == MEAN_SPLIT (mean_D - mean_C)`` for symbolic 2-D vectors."""
    oks = []
    for a, c in sizes:
        cs, ds = _vectors(c, "c"), _vectors(a - c, "d")
        diff = _mean(cs + ds) - _mean(cs) - _at(F.MEAN_SPLIT, a, c) * (_mean(ds) - _mean(cs))
        oks.append(all(sp.expand(e) == 0 for e in diff))
    return result(
        "kappa*/mean-split",
        all(oks),
        f"mean_A - mean_C == MEAN_SPLIT (mean_D - mean_C), symbolic 2-D vectors, (a, c) in "
        f"{list(sizes)}: {oks}",
        mean_split=F.MEAN_SPLIT,
    )


def check_between_group(sizes: Sequence[tuple[int, int]] = SIZES) -> CheckResult:
    """Step 2: the covariance decomposition, the sum-of-squares remainder of ``u^T Sigma_A u -
    BETWEEN_WEIGHT |u|^4``, and equality when ``C`` and ``D`` are constant."""
    oks = []
    for a, c in sizes:
        cs, ds = _vectors(c, "c"), _vectors(a - c, "d")
        u = _mean(ds) - _mean(cs)
        w = _at(F.BETWEEN_WEIGHT, a, c)
        decomposition = (
            _cov(cs + ds)
            - _at(F.WITHIN_WEIGHT_SHARED, a, c) * _cov(cs)
            - _at(F.WITHIN_WEIGHT_OUTSIDE, a, c) * _cov(ds)
            - w * u * u.T
        )
        quadratic = (u.T * _cov(cs + ds) * u)[0] - w * u.dot(u) ** 2
        squares = sum(
            (u.dot(v - _mean(group))) ** 2 for group in (cs, ds) for v in group
        ) / sp.Integer(a)
        one_c, one_d = [cs[0]] * c, [ds[0]] * (a - c)
        u0 = ds[0] - cs[0]
        constant = _cov(one_c + one_d) - w * u0 * u0.T  # rank one: lambda_max = w |u|^2
        oks.append(
            all(sp.expand(e) == 0 for e in decomposition)
            and sp.expand(quadratic - squares) == 0
            and all(sp.expand(e) == 0 for e in constant)
        )
    return result(
        "kappa*/between-group",
        all(oks),
        "Sigma_A == WITHIN_WEIGHT_SHARED Sigma_C + WITHIN_WEIGHT_OUTSIDE Sigma_D + "
        "BETWEEN_WEIGHT u u^T; u^T Sigma_A u - "
        "BETWEEN_WEIGHT |u|^4 == sum of squares / a; equality for constant C, D; (a, c) in "
        f"{list(sizes)}: {oks}",
        between_weight=F.BETWEEN_WEIGHT,
    )


def check_derived_kappa() -> CheckResult:
    """Step 3: ``q(a, c) = MEAN_SPLIT^2/BETWEEN_WEIGHT`` decreases in ``c`` (so ``c = n - 2f``
    is the worst case), the worst case is ``f/(n - 2f)`` (the registered universal lower
    bound), and the derived coefficient equals the registered ``kappa/smea``."""
    q = subset_factor()
    at_worst = {a_sym: F.SELECTED_SIZE, c_sym: F.SHARED_SIZE_MIN}
    monotone = proved_nonnegative(
        (q.subs(at_worst, simultaneous=True) - q.subs({a_sym: n - f, c_sym: n - 2 * f + _j}))
        .subs(n, 2 * f + _s)
        .subs(f, sp.Symbol("f", positive=True))
    )
    worst = worst_subset_factor()
    equals_lower = same(worst, get("kappa/universal-lower").expression)
    kappa = derived_kappa()
    registered = get("kappa/smea").expression
    equal = same(kappa, registered)
    return result(
        "kappa*/derived-vs-registered",
        monotone and equals_lower and equal,
        f"q(a, c) = {q}, decreasing in c: {monotone}; q(n-f, n-2f) = {worst} == kappa/"
        f"universal-lower: {equals_lower}; derived kappa {kappa} == registered kappa/smea "
        f"({registered}): {equal}",
        derived=kappa,
        registered=registered,
    )


# --------------------------------------------------------------------------- exhaustive steps
Point = tuple[Fraction, ...]


@dataclass(frozen=True)
class Lambda:
    """``lambda_max`` of a covariance ``[[p, q], [q, r]]`` (or ``[[p]]``): ``t + sqrt(d)``."""

    t: Fraction
    d: Fraction

    @staticmethod
    def of(rows: Sequence[Point]) -> Lambda:
        k = len(rows)
        dim = len(rows[0])
        mean = [sum(r[i] for r in rows) / k for i in range(dim)]
        cov = [
            [sum((r[i] - mean[i]) * (r[j] - mean[j]) for r in rows) / k for j in range(dim)]
            for i in range(dim)
        ]
        if dim == 1:
            return Lambda(cov[0][0], Fraction(0))
        p, q, r = cov[0][0], cov[0][1], cov[1][1]
        return Lambda((p + r) / 2, ((p - r) / 2) ** 2 + q * q)


def at_most(value: Fraction, factor: Fraction, lam: Lambda) -> int:
    """Sign of ``factor * lam - value`` (exact): ``>= 0`` when ``value <= factor * lam``."""
    return surd.sign1(factor * lam.t - value, factor, lam.d)


def lambda_order(small: Lambda, large: Lambda) -> int:
    """Sign of ``large - small``, exactly."""
    return surd.sign(large.t - small.t, Fraction(1), large.d, Fraction(-1), small.d)


def _sq_dist(x: Sequence[Fraction], y: Sequence[Fraction]) -> Fraction:
    return sum(((p - q) ** 2 for p, q in zip(x, y, strict=True)), Fraction(0))


def _mean_of(rows: Sequence[Point]) -> list[Fraction]:
    return [sum(r[i] for r in rows) / len(rows) for i in range(len(rows[0]))]


@dataclass
class Tally:
    """What the exhaustive sweep found: violations per step, inputs, the attaining count."""

    inputs: int = 0
    honest_sets: int = 0
    attained: int = 0
    violations: dict[str, list[tuple]] = field(default_factory=dict)

    def fail(self, step: str, where: tuple) -> None:
        self.violations.setdefault(step, []).append(where)


def _fraction_function(expr: sp.Expr, args: tuple[sp.Symbol, ...]):
    return sp.lambdify(args, expr, modules=[{}])


def sweep_input(rows: Sequence[Point], f_: int, tally: Tally, fns: dict) -> None:
    """Every honest set ``S`` of one input: every step's inequality, exactly."""
    nn = len(rows)
    chosen = rules.smea(list(rows), f_).selected
    w_rows = [rows[i] for i in chosen]
    lam_w, mean_w = Lambda.of(w_rows), _mean_of(w_rows)
    kappa = Fraction(fns["kappa"](Fraction(nn), Fraction(f_)))
    worst = Fraction(fns["worst"](Fraction(nn), Fraction(f_)))
    tally.inputs += 1
    for honest in itertools.combinations(range(nn), nn - f_):
        tally.honest_sets += 1
        where = (tuple(rows), f_, honest)
        s_rows = [rows[i] for i in honest]
        lam_s, mean_s = Lambda.of(s_rows), _mean_of(s_rows)
        shared = [i for i in chosen if i in set(honest)]
        a, c = nn - f_, len(shared)
        if a - c > f_:
            tally.fail("|W \\ C| <= f", where)
        q = Fraction(fns["q"](Fraction(a), Fraction(c)))
        mean_c = _mean_of([rows[i] for i in shared])
        if at_most(_sq_dist(mean_w, mean_c), q, lam_w) < 0:
            tally.fail("||mean_W - mean_C||^2 <= q lambda_W", where)
        if at_most(_sq_dist(mean_s, mean_c), q, lam_s) < 0:
            tally.fail("||mean_S - mean_C||^2 <= q lambda_S", where)
        if q > worst:
            tally.fail("q(a, c) <= q(n-f, n-2f)", where)
        if lambda_order(lam_w, lam_s) < 0:
            tally.fail("lambda_W <= lambda_S", where)
        final = at_most(_sq_dist(mean_w, mean_s), kappa, lam_s)
        if final < 0:
            tally.fail("||F - mean_S||^2 <= kappa lambda_S", where)
        elif final == 0 and (lam_s.t or lam_s.d):
            tally.attained += 1


def _functions() -> dict:
    return {
        "q": _fraction_function(subset_factor(), (a_sym, c_sym)),
        "worst": _fraction_function(worst_subset_factor(), (n, f)),
        "kappa": _fraction_function(get("kappa/smea").expression, (n, f)),
    }


def _exhaustive(
    name: str, points: Sequence[Point], sizes: Sequence[tuple[int, int]]
) -> CheckResult:
    tally = Tally()
    fns = _functions()
    attained_at = []
    for nn, f_ in sizes:
        before = tally.attained
        for multiset in itertools.combinations_with_replacement(points, nn):
            sweep_input(multiset, f_, tally, fns)
        attained_at.append(tally.attained > before)
    counts = {step: len(v) for step, v in tally.violations.items()}
    first = {step: v[0] for step, v in tally.violations.items()}
    return result(
        name,
        not counts and all(attained_at),
        f"exact SMEA on {tally.inputs} inputs, {tally.honest_sets} honest sets, (n, f) in "
        f"{list(sizes)}: violations {counts or 'none'}; registered kappa/smea attained at "
        f"every (n, f): {all(attained_at)} ({tally.attained} sets)",
        first_violations=first,
    )


#: 1-D grid and sizes: every multiset of n values from {-2, ..., 2}
GRID_1D: tuple[Point, ...] = tuple((Fraction(v),) for v in range(-2, 3))
SIZES_1D: tuple[tuple[int, int], ...] = ((3, 1), (4, 1), (5, 1), (5, 2), (6, 2), (7, 2), (7, 3))
#: 2-D grid: the origin, the four unit vectors and (1, 1)
GRID_2D: tuple[Point, ...] = tuple(
    (Fraction(x), Fraction(y)) for x, y in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1))
)
SIZES_2D: tuple[tuple[int, int], ...] = ((3, 1), (4, 1), (5, 2))


def check_exhaustive_1d(
    points: Sequence[Point] = GRID_1D, sizes: Sequence[tuple[int, int]] = SIZES_1D
) -> CheckResult:
    """Step 4 in one dimension (module docstring)."""
    return _exhaustive("kappa*/exhaustive-1d", points, sizes)


def check_exhaustive_2d(
    points: Sequence[Point] = GRID_2D, sizes: Sequence[tuple[int, int]] = SIZES_2D
) -> CheckResult:
    """Step 4 in two dimensions (module docstring)."""
    return _exhaustive("kappa*/exhaustive-2d", points, sizes)
