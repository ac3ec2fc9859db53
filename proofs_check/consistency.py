"""Every registered lower bound lies below its upper bound (Table 1; docs/theory.md, section 5).

A lower bound is what a construction reaches, an upper bound holds for every instance:
``lower <= upper`` wherever both apply.  Symbolically where the difference is rational,
on an exact/high-precision grid inside the registered hypotheses where square roots enter.
"""

from __future__ import annotations

import mpmath
import sympy as sp

from boundkit.bounds import KAPPA_SMEA, Result, get
from boundkit.bounds import symbols as S
from proofs_check.core import (
    CheckResult,
    f_pos,
    hypotheses_predicate,
    proved_positive,
    result,
    s_gap,
    same,
)

n, f, m, L, T, gamma = S.n, S.f, S.m, S.L, S.T, S.gamma

#: (lower id, upper id) pairs compared on a grid; kappa = kappa_SMEA in the upper bounds
BYZANTINE_PAIRS: tuple[tuple[str, str], ...] = (
    ("thm3.2/f-ge-n/3", "thm3.1/convex"),
    ("thm3.2/f-lt-n/3", "thm3.1/convex"),
)


def _scaled(res: Result) -> sp.Expr:
    """``expression / (gamma L^2 T)`` with ``kappa = kappa_SMEA``; must be free of gamma, L, T."""
    out = sp.expand(res.expression.subs(S.kappa, KAPPA_SMEA) / (gamma * L**2 * T), deep=False)
    if out.free_symbols & {gamma, L, T}:
        raise ValueError(f"{res.id} is not gamma L^2 T times a function of n, f, m")
    return out


def check_convex_poisoning_pairs() -> CheckResult:
    """Thm 3.4(i) vs Thm 3.3(i): GD lower == eq. (5) (tight); SGD lower < eq. (5) (symbolic)."""
    upper = get("thm3.3/convex").expression
    tight = same(get("thm3.4/gd-convex").expression, upper)
    sgd = get("thm3.4/sgd-convex").expression
    gap = sp.factor((upper - sgd).subs({n: 2 * f_pos + s_gap, f: f_pos}))
    ok_sgd = proved_positive(gap)
    return result(
        "lower<=upper/poisoning-convex",
        tight and ok_sgd,
        f"thm3.4/gd-convex == thm3.3/convex: {tight}; thm3.3/convex - thm3.4/sgd-convex > 0: "
        f"{ok_sgd}",
        sgd_gap=gap,
    )


def check_byzantine_pairs(
    n_max: int = 60, ms: tuple[int, ...] = (1, 2, 3, 10, 1000)
) -> CheckResult:
    """Thm 3.2 (B1, B2) lower bounds <= Thm 3.1 eq. (2) with kappa_SMEA, on a grid.

    Every ``n <= n_max``, ``1 <= f < n/2``, ``m`` in ``ms`` satisfying the lower bound's
    registered hypotheses; 40-digit evaluation (the margins are of order 1).
    """
    bad: list[tuple] = []
    count = 0
    with mpmath.workdps(40):
        for low_id, up_id in BYZANTINE_PAIRS:
            low, up = get(low_id), get(up_id)
            lo_f = sp.lambdify((n, f, m), _scaled(low), modules="mpmath")
            up_f = sp.lambdify((n, f, m), _scaled(up), modules="mpmath")
            inside = hypotheses_predicate(low.hypotheses)
            for nn in range(3, n_max + 1):
                for ff in range(1, (nn + 1) // 2):
                    for mm in ms:
                        if not inside(nn, ff, mm, 1, 1, 1, 1, 1):
                            continue
                        count += 1
                        args = (mpmath.mpf(nn), mpmath.mpf(ff), mpmath.mpf(mm))
                        if not lo_f(*args) <= up_f(*args):
                            bad.append((low_id, nn, ff, mm))
    return result(
        "lower<=upper/byzantine-grid",
        not bad and count > 0,
        f"thm3.2 lower bounds <= eq.(2) with kappa_SMEA at {count} grid points: "
        f"{len(bad)} violations",
        first_violations=bad[:5],
    )
