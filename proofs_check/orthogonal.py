"""Checks of the orthogonal push (B3, boundkit's own; :mod:`boundkit.bounds.orthogonal_gap`).

Three steps of the derivation are re-done independently, and the registered value itself
is tested:

1. the window covariance ``[[A, -sigma j D/h^2], [., c D^2]]`` against the covariance of
   the explicit point list (exact rationals, the aggregator's own covariance routine);
2. the tie quadratic: eliminating ``u`` between the two characteristic polynomials;
3. the balanced tie ``f k u* = h^2 A_W + sigma_W^2 j^2/(f k - j (h - j))`` solved by
   SymPy from the two eigenvalue equations, and against the module's supremum on every
   ``n <= 41``, ``f < n/3``, ``m = 1`` where the kept window is balanced;
4. the registered ``byzantine/orthogonal-push`` against ``gamma L^2 T`` times the exact
   supremum of :mod:`proofs_check.orthogonal_sweep` (every window, no screening).
"""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import sympy as sp

from boundkit.bounds import Result, get, violated_hypotheses
from boundkit.bounds import symbols as S
from boundkit.bounds.orthogonal_gap import Window, honest_groups, orthogonal_push
from boundkit.rules import largest_eigenvalue_of_subset
from proofs_check import exact
from proofs_check.byzantine import derived_scale
from proofs_check.core import CheckResult
from proofs_check.orthogonal_sweep import Pool, orthogonal_sweep


def _points(window: Window, values: list[Fraction], d: Fraction) -> list[tuple]:
    points = [
        (x, Fraction(0)) for x, c in zip(values, window.honest, strict=True) for _ in range(c)
    ]
    return points + [(Fraction(0), d)] * window.byzantine


def _window(values: list[Fraction], counts: tuple[int, ...], j: int) -> Window:
    total = sum((x * c for x, c in zip(values, counts, strict=True)), Fraction(0))
    squares = sum((x * x * c for x, c in zip(values, counts, strict=True)), Fraction(0))
    return Window(j, counts, total, squares)


def check_window_covariance(samples: int = 40, seed: int = 7) -> CheckResult:
    """``lambda_max`` of the window formula equals the aggregator's on explicit points."""
    rng = random.Random(seed)
    worst = 0.0
    for _ in range(samples):
        values = [Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(3)]
        counts = tuple(rng.randint(0, 4) for _ in range(3))
        j = rng.randint(1, 4)
        if sum(counts) + j < 2:
            continue
        d = Fraction(rng.randint(1, 20), rng.randint(1, 5))
        window = _window(values, counts, j)
        h = sum(counts) + j
        a, c, b = (sp.Rational(q.numerator, q.denominator) for q in window.coefficients(h))
        u = sp.Rational(d.numerator, d.denominator) ** 2
        formula = (a + c * u) / 2 + sp.sqrt(((a - c * u) / 2) ** 2 + b * u)
        points = _points(window, values, d)
        direct = largest_eigenvalue_of_subset(points, range(len(points)))
        worst = max(worst, abs(float(sp.N(formula - sp.sympify(direct), 40))))
    return CheckResult(
        "orthogonal/window-covariance",
        worst < 1e-30,
        f"max |lambda formula - lambda of points| = {worst:.1e} over {samples} windows",
    )


def _char(x: sp.Symbol, u: sp.Symbol, a: sp.Symbol, c: sp.Symbol, b: sp.Symbol) -> sp.Expr:
    return (x - a) * (x - c * u) - b * u


def check_tie_quadratic() -> CheckResult:
    """Eliminating ``u``: ``p_W(x, u_F(x)) (c_F (x - A_F) + b_F) = -x * tie(x)``."""
    x, u = sp.symbols("x u")
    af, cf, bf, aw, cw, bw = sp.symbols("A_F c_F b_F A_W c_W b_W")
    u_f = sp.solve(_char(x, u, af, cf, bf), u)[0]
    tie = (cw - cf) * (x - af) * (x - aw) + bw * (x - af) - bf * (x - aw)
    residual = sp.expand(sp.cancel(_char(x, u_f, aw, cw, bw) * (cf * (x - af) + bf)) + x * tie)
    return CheckResult(
        "orthogonal/tie-quadratic",
        residual == 0,
        "p_W(x, u_F(x)) (c_F (x - A_F) + b_F) + x tie(x) == 0",
        f"u_F = {u_f}; residual {residual}",
    )


def _balanced_formula(h: sp.Expr, f: sp.Expr, j: sp.Expr, a_w: sp.Expr, sigma: sp.Expr):
    k = h - f
    return (h**2 * a_w + sigma**2 * j**2 / (f * k - j * (h - j))) / (f * k)


def check_balanced_tie(max_n: int = 41) -> CheckResult:
    """Balanced kept window: SymPy's solution of the two eigenvalue equations equals the
    docstring formula, and the formula equals the module's supremum wherever it applies."""
    h, f, j, u, x, a_w, sigma = sp.symbols("h f j u x A_W sigma", positive=True)
    c_f, c_w = f * (h - f) / h**2, j * (h - j) / h**2
    b_w = sigma**2 * j**2 / h**4
    solved = sp.solve(_char(c_f * u, u, a_w, c_w, b_w), u)  # x = c_F u on F's top branch
    formula = _balanced_formula(h, f, j, a_w, sigma)
    symbolic = any(sp.simplify(s - formula) == 0 for s in solved)
    compared = mismatched = 0
    for n in range(4, max_n + 1):
        for ff in range(1, -(-n // 3)):
            push = orthogonal_push(n, ff, 1)
            if push is None:
                continue
            for side in (push.up, push.down):
                if side.kept.total != 0:
                    continue
                rival, hh = side.rival, n - ff
                a, _, _ = rival.coefficients(hh)
                value = _balanced_formula(
                    sp.Integer(hh),
                    sp.Integer(ff),
                    sp.Integer(rival.byzantine),
                    sp.Rational(a.numerator, a.denominator),
                    sp.Rational(rival.total.numerator, rival.total.denominator),
                )
                compared += 1
                mismatched += sp.nsimplify(value - side.squared) != 0
    return CheckResult(
        "orthogonal/balanced-tie",
        symbolic and compared > 0 and mismatched == 0,
        f"symbolic solution {'==' if symbolic else '!='} formula; formula == supremum in "
        f"{compared - mismatched}/{compared} balanced runs (n <= {max_n}, f < n/3, m = 1)",
        f"solutions {solved}",
    )


def check_honest_layout() -> CheckResult:
    """The layout of :func:`honest_groups`: ``h`` workers in both runs, which differ in
    exactly one worker's message, by ``2/m`` (by ``1`` for ``m = 1`` and even ``h``)."""
    bad = []
    for n in range(3, 30):
        for ff in range(1, (n - 1) // 2 + 1):
            for m in (1, 2, 5):
                s, s_prime = (Counter(dict(honest_groups(n, ff, m, nb))) for nb in (False, True))
                only_s, only_s_prime = (
                    list((s - s_prime).elements()),
                    list((s_prime - s).elements()),
                )
                expected = Fraction(1) if (m == 1 and (n - ff) % 2 == 0) else Fraction(2, m)
                ok = (
                    s.total() == s_prime.total() == n - ff
                    and len(only_s) == len(only_s_prime) == 1
                    and only_s_prime[0] - only_s[0] == expected
                )
                if not ok:
                    bad.append((n, ff, m))
    return CheckResult(
        "orthogonal/layout", not bad, f"{len(bad)} layouts off (n < 30, m in 1, 2, 5)"
    )


# --------------------------------------------------------------------------- registered
def b3_honest(n: int, f: int, m: int, neighbour: bool) -> Pool:
    """The (B3) honest ``e1`` values over ``L`` (docs/theory.md), written independently:
    ``floor(h/2)`` at ``+1``, the rest at ``-1``; in ``S'`` one ``-1`` worker's first sample
    moves to ``+1`` (to ``0`` when ``m = 1`` and ``h`` is even): it sends the mean of its
    ``m`` samples."""
    h = n - f
    groups = {Fraction(1): h // 2, Fraction(-1): h - h // 2}
    if neighbour:
        groups[Fraction(-1)] -= 1
        moved = Fraction(0) if (m == 1 and h % 2 == 0) else Fraction(1)
        sent = (moved - (m - 1)) / m
        groups[sent] = groups.get(sent, 0) + 1
    return tuple(sorted((x, c) for x, c in groups.items() if c))


def b3_reach(n: int, f: int, m: int) -> sp.Expr | None:
    """Per-step output gap over ``L`` at the exact suprema of both runs (``S'`` pushed to
    ``+e2``, ``S`` to ``-e2``): ``sqrt(e1^2 + e2^2)``, ``e2 = f (D_up + D_down)/h``."""
    runs = [orthogonal_sweep(b3_honest(n, f, m, side), f) for side in (True, False)]
    if any(run is None for run in runs):
        return None
    up, down = runs
    h = n - f
    e1 = sp.Rational(up.kept.total - down.kept.total) / h
    e2 = sp.Rational(f, h) * (sp.sqrt(up.squared.sympy()) + sp.sqrt(down.squared.sympy()))
    return sp.sqrt(e1**2 + e2**2)


#: f < n/3 (the regime B3 is built for: tightness required) and f >= n/3 (validity only)
B3_GRID: tuple[tuple[int, int, int], ...] = (
    (7, 1, 1), (10, 2, 1), (9, 2, 1), (16, 4, 1), (10, 1, 5), (8, 2, 2),
    (9, 4, 1), (14, 6, 1),
)  # fmt: skip


def check_registered_b3(
    grid: tuple[tuple[int, int, int], ...] = B3_GRID, res: Result | None = None
) -> CheckResult:
    """Registered ``byzantine/orthogonal-push`` vs ``gamma L^2 T`` x the exact sweep.

    Inside the registered hypotheses: never above what (B3) reaches (a lower bound), and
    equal to it where ``f < n/3``; for ``f >= n/3`` a registered value below the reach is
    reported (the registry's supremum there misses a later interval of pushes), not failed.
    """
    res = res if res is not None else get("byzantine/orthogonal-push")
    scale = derived_scale()
    bad, below, compared = [], [], 0
    for n, f, m in grid:
        params = {"n": n, "f": f, "m": m, "T": 1, "step_size": 1, "lipschitz": 1}
        if violated_hypotheses(res, params):
            continue
        registered = sp.simplify(res.expression.xreplace({S.n: n, S.f: f, S.m: m}) / scale)
        reached = b3_reach(n, f, m)
        compared += 1
        if registered.free_symbols or reached is None:
            bad.append(f"{(n, f, m)}: registered {registered}, reached {reached}")
            continue
        verdict = exact.compare(registered, reached)
        if verdict > 0 or (verdict < 0 and 3 * f < n):
            bad.append(f"{(n, f, m)}: registered {float(registered):.12g} vs {float(reached):.12g}")
        elif verdict < 0:
            below.append(f"{(n, f, m)}: {float(registered):.6g} < {float(reached):.6g}")
    return CheckResult(
        "orthogonal/registered-vs-sweep",
        not bad and compared > 0,
        f"registered B3 / (gamma L^2 T) vs exact sweep at {compared} (n, f, m): "
        f"{len(bad)} wrong; below the reach with f >= n/3 (finding): {len(below)}"
        + (f"; first: {bad[0]}" if bad else ""),
        "; ".join([*bad, *below]),
    )
