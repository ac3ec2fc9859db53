"""Exact comparison of real algebraic numbers given as SymPy expressions.

Used where a check compares a registered value (square roots, nested square roots,
``Max``) with an independently derived one.  :func:`compare` evaluates the difference in
python-flint ``arb`` ball arithmetic, refining the precision until the ball excludes 0
(a rigorous sign); when it never does, equality is decided exactly by SymPy's
``minimal_polynomial`` (the difference is 0 iff its minimal polynomial is ``x``).  No
tolerance decides anything: a difference that is neither separated nor provably 0 raises
:class:`Undecided`.
"""

from __future__ import annotations

import flint
import sympy as sp

PRECISIONS = (96, 384, 1536)  # bits


class Undecided(ArithmeticError):
    """Neither separated by ball arithmetic nor proved equal."""


def to_arb(expr: sp.Expr) -> flint.arb:
    """A rigorous ``arb`` enclosure of a real algebraic SymPy number (at ``flint.ctx.prec``)."""
    if expr.is_Rational:
        return flint.arb(flint.fmpq(int(expr.p), int(expr.q)))
    if isinstance(expr, sp.Add):
        out = flint.arb(0)
        for term in expr.args:
            out += to_arb(term)
        return out
    if isinstance(expr, sp.Mul):
        out = flint.arb(1)
        for factor in expr.args:
            out *= to_arb(factor)
        return out
    if isinstance(expr, sp.Pow) and expr.exp.is_Rational:
        base = to_arb(expr.base)
        p, q = int(expr.exp.p), int(expr.exp.q)
        root = base if q == 1 else base.sqrt() if q == 2 else base.root(q)
        return root**p if p >= 0 else 1 / root ** (-p)
    if isinstance(expr, sp.Max | sp.Min):
        balls = [to_arb(a) for a in expr.args]
        out = balls[0]
        for ball in balls[1:]:
            out = out.max(ball) if isinstance(expr, sp.Max) else out.min(ball)
        return out
    raise TypeError(f"not a real algebraic number: {expr}")


def sign(expr: sp.Expr) -> int:
    """The sign of ``expr`` (a real algebraic number), exactly."""
    expr = sp.sympify(expr)
    if expr.is_Rational:
        return int(sp.sign(expr))
    saved = flint.ctx.prec
    try:
        for bits in PRECISIONS:
            flint.ctx.prec = bits
            ball = to_arb(expr)
            if ball > 0:
                return 1
            if ball < 0:
                return -1
    finally:
        flint.ctx.prec = saved
    if sp.minimal_polynomial(expr, sp.Dummy("x")).is_Symbol:
        return 0
    raise Undecided(f"cannot decide the sign of {expr}")


def compare(a: sp.Expr, b: sp.Expr) -> int:
    """``sign(a - b)``, exactly."""
    return sign(sp.sympify(a) - sp.sympify(b))
