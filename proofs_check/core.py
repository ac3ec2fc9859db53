"""The check type and the small symbolic helpers every check module shares.

A *check* compares two independently obtained expressions (docs/theory.md: every statement there was
re-derived, and the code is the final word).  It is a pure function returning a
:class:`CheckResult`; :class:`Check` pairs it with a name for the registry in
:mod:`proofs_check.checks`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from boundkit.bounds import symbols as S


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one check: ``compared`` is one short line, ``detail`` the expressions."""

    name: str
    passed: bool
    compared: str
    detail: str = ""


@dataclass(frozen=True)
class Check:
    """A registered check: a name, the paper/docs reference and the function to run."""

    name: str
    reference: str
    run: Callable[[], CheckResult]


# --------------------------------------------------------------------------- comparisons
def is_zero(expr: sp.Expr) -> bool:
    """``True`` when SymPy reduces ``expr`` to exactly 0 (cancel first, then simplify)."""
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    if sp.cancel(expr) == 0:
        return True
    return bool(sp.simplify(expr) == 0)


def same(a: sp.Expr, b: sp.Expr) -> bool:
    """Symbolic equality of two expressions: ``a - b`` simplifies to 0."""
    return is_zero(sp.sympify(a) - sp.sympify(b))


def _num_den(expr: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    num, den = sp.fraction(sp.cancel(sp.together(sp.sympify(expr))))
    return sp.expand(num), sp.expand(den)


def proved_positive(expr: sp.Expr) -> bool:
    """``expr > 0`` shown by SymPy's sign rules on the expanded numerator and denominator.

    Meant for rational functions of positive/nonnegative symbols after the hypotheses are
    written as substitutions (``n = 2f + s``, ``gamma = 1/(beta + p)``, ...): then a
    polynomial with positive coefficients is recognised as positive term by term.
    """
    num, den = _num_den(expr)
    return bool((num.is_positive and den.is_positive) or (num.is_negative and den.is_negative))


def proved_nonnegative(expr: sp.Expr) -> bool:
    """``expr >= 0`` by the same sign rules (0 itself included)."""
    num, den = _num_den(expr)
    if num == 0:
        return True
    return bool(
        (num.is_nonnegative and den.is_positive) or (num.is_nonpositive and den.is_negative)
    )


# --------------------------------------------------------------------------- hypotheses
#: fresh positive reals used to write the hypotheses as substitutions
s_gap = sp.Symbol("s", positive=True)  # n = 2f + s  (f < n/2)
q_slack = sp.Symbol("q", nonnegative=True)  # mu = beta/(1 + q)  (mu <= beta)
f_pos = sp.Symbol("f", positive=True)  # f >= 1 treated as f > 0

#: f < n/2 with f > 0: n = 2f + s
HONEST_MAJORITY_SUBS: dict[sp.Symbol, sp.Expr] = {S.n: 2 * f_pos + s_gap, S.f: f_pos}


def hypotheses_predicate(hypotheses: Iterable[sp.Basic]) -> Callable[..., bool]:
    """The registered hypotheses as one fast Python predicate of ``n, f, m, T, gamma, L, beta, mu``.

    Each relation is lambdified (plain Python arithmetic on the given numbers), so grid
    checks can filter points by the registry's own domain without SymPy substitution.
    """
    args = (S.n, S.f, S.m, S.T, S.gamma, S.L, S.beta, S.mu)
    preds = [sp.lambdify(args, rel, modules=[{}]) for rel in hypotheses]

    def holds(*values: object) -> bool:
        return all(bool(p(*values)) for p in preds)

    return holds


#: integer slacks used to pick a branch of a piecewise registered expression
j_half = sp.Symbol("j", positive=True, integer=True)  # h = n - f = 2j (even)
d_slack = sp.Symbol("d", nonnegative=True, integer=True)
m_slack = sp.Symbol("m0", nonnegative=True, integer=True)

#: (B1) regime of App. C.3(i): h even, f >= h/2 (i.e. f >= n/3), m >= 2
BRANCH_B1: tuple[tuple[sp.Symbol, sp.Expr], ...] = (
    (S.n, S.f + 2 * j_half),
    (S.f, j_half + d_slack),
    (S.m, 2 + m_slack),
)
#: (B2) regime of App. C.3(iii): h even, f < h/2 (i.e. f < n/3), any m
BRANCH_B2: tuple[tuple[sp.Symbol, sp.Expr], ...] = (
    (S.n, S.f + 2 * j_half),
    (j_half, S.f + 1 + d_slack),
)


def on_branch(expr: sp.Expr, regime: Sequence[tuple[sp.Symbol, sp.Expr]]) -> sp.Expr:
    """``expr`` with every ``Piecewise`` replaced by the branch that holds in ``regime``.

    ``regime`` is a sequence of substitutions describing the parameter region (e.g.
    :data:`BRANCH_B1`); each condition is decided after them, top-down, and the chosen
    branch is kept in the original symbols.  Raises ``ValueError`` if a condition cannot be
    decided.  An expression without ``Piecewise`` is returned unchanged.
    """

    def decide(cond: sp.Basic) -> sp.Basic:
        for old, new in regime:
            cond = cond.subs(old, new)
        return cond

    def pick(e: sp.Basic) -> sp.Basic:
        if isinstance(e, sp.Piecewise):
            for value, cond in e.args:
                verdict = decide(cond)
                if verdict == sp.true:
                    return pick(value)
                if verdict != sp.false:
                    raise ValueError(f"cannot decide {cond} in this regime")
            raise ValueError("no branch of the piecewise expression holds in this regime")
        if not e.args:
            return e
        return e.func(*[pick(a) for a in e.args])

    return pick(sp.sympify(expr))


# --------------------------------------------------------------------------- sampling
def rational(r: random.Random, lo: int = 1, hi: int = 9, den: int = 7) -> sp.Rational:
    """A random positive rational ``a/b``, ``1 <= b <= den``, ``lo <= a <= hi*b`` (so <= hi)."""
    b = r.randint(1, den)
    return sp.Rational(r.randint(lo, hi * b), b)


def multiset_subsets(
    values: Sequence[tuple[Fraction, int]], size: int
) -> Iterable[tuple[tuple[Fraction, int], ...]]:
    """Every sub-multiset of ``size`` elements of ``[(value, count), ...]``.

    Identical workers are interchangeable, so this enumerates every subset of workers up
    to relabelling: the brute force behind the SMEA choices (Def. 2.3).
    """

    def rec(i: int, left: int) -> Iterable[tuple[tuple[Fraction, int], ...]]:
        if i == len(values):
            if left == 0:
                yield ()
            return
        value, count = values[i]
        for k in range(min(count, left) + 1):
            for rest in rec(i + 1, left - k):
                yield ((value, k), *rest) if k else rest

    return rec(0, size)


def weighted_variance(pool: Iterable[tuple[object, object]]) -> object:
    """Variance of a pool ``[(value, count), ...]`` from weighted first and second moments.

    Works for SymPy expressions and for ``Fraction``s alike; independent of the pairwise
    identity (docs/theory.md, section 1), which the variance checks compare it with.
    """
    pool = list(pool)
    total = sum(c for _, c in pool)
    mean = sum(c * v for v, c in pool) / total
    second = sum(c * v * v for v, c in pool) / total
    return second - mean * mean


def weighted_mean(pool: Iterable[tuple[object, object]]) -> object:
    """Mean of a pool ``[(value, count), ...]``."""
    pool = list(pool)
    return sum(c * v for v, c in pool) / sum(c for _, c in pool)


def merge_pool(pool: Iterable[tuple[Fraction, int]]) -> list[tuple[Fraction, int]]:
    """Merge equal values of a pool ``[(value, count)]`` (drop zero counts), sorted."""
    merged: dict[Fraction, int] = {}
    for value, count in pool:
        merged[value] = merged.get(value, 0) + count
    return sorted((v, c) for v, c in merged.items() if c)


def smea_choice(
    pool: Sequence[tuple[Fraction, int]], size: int
) -> tuple[Fraction, list[tuple[tuple[Fraction, int], ...]]]:
    """Least variance over every sub-multiset of ``size`` elements, and all minimisers.

    SMEA (Def. 2.3) by brute force over worker subsets, in exact rationals.
    """
    best: Fraction | None = None
    winners: list[tuple[tuple[Fraction, int], ...]] = []
    for sub in multiset_subsets(pool, size):
        var = weighted_variance(sub)
        if best is None or var < best:
            best, winners = var, [sub]
        elif var == best:
            winners.append(sub)
    assert best is not None
    return best, winners


def show(expr: object) -> str:
    """One-line string of an expression for ``--verbose``."""
    return sp.sstr(expr) if isinstance(expr, sp.Basic) else str(expr)


def result(name: str, passed: bool, compared: str, **exprs: object) -> CheckResult:
    """Build a :class:`CheckResult`; keyword expressions become the verbose detail."""
    detail = "; ".join(f"{k} = {show(v)}" for k, v in exprs.items())
    return CheckResult(name=name, passed=bool(passed), compared=compared, detail=detail)
