"""Certified comparisons of exact numbers: every verdict of ``verify`` is decided here.

A comparison ``left op right`` (``op`` one of ``>=``, ``>``, ``<=``, ``<``, ``==``) of two
exact real numbers (``int``, ``Fraction``, SymPy numbers: rationals, square roots, ``Max``,
``Piecewise``, ``log``, ...) is decided by the first method that settles it:

* ``exact``: both sides are rational; compared as rationals.
* ``ball``: the difference ``d = left - right`` is evaluated with python-flint's ``arb``
  ball arithmetic (rigorous enclosures), from ``start_bits`` bits of precision upwards,
  doubling until the ball excludes 0 (at most :data:`MAX_BITS`).  Its sign is then certain.
* ``algebraic``: ``d`` simplifies exactly to a rational (SymPy's automatic
  simplification of the algebraic numbers on both sides), or the balls do not separate
  from 0 and ``d`` is proved to be 0 (``radsimp``, or its minimal polynomial being ``x``):
  an exact equality of algebraic numbers.

A comparison none of them settles is ``UNDECIDED`` (:class:`Decision` with ``holds =
None``), never a pass.  No tolerance enters anywhere: floats and ``mpf`` values are
refused (:class:`TypeError`), since they are not the numbers the theorems speak about.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational

import sympy as sp
from flint import arb, ctx, fmpq
from sympy.polys.polyerrors import NotAlgebraic

#: ball precision (bits) at which refinement stops: the comparison is then UNDECIDED
MAX_BITS = 1 << 14
#: the relations :func:`compare` decides
OPERATORS = (">=", ">", "<=", "<", "==")
#: decision methods, weakest last (a record names the weakest it used)
METHODS = ("exact", "algebraic", "ball", "statistical")


class Undecided(ArithmeticError):
    """A comparison that cannot be settled (balls overlap 0 and no exact proof)."""


@dataclass(frozen=True)
class Decision:
    """The verdict of one comparison.

    ``holds`` is ``True``/``False``, or ``None`` when UNDECIDED; ``method`` is how it was
    settled (``exact``, ``algebraic``, ``ball``; ``undecided`` when not settled); ``bits``
    the ball precision that separated (0 when no ball was needed).
    """

    holds: bool | None
    method: str
    bits: int = 0
    detail: str = ""

    @property
    def decided(self) -> bool:
        return self.holds is not None


def exact(value: object) -> sp.Expr:
    """``value`` as an exact SymPy number (``int``, ``Fraction``, SymPy numbers only)."""
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, sp.Basic):
        infinite = value.has(sp.nan, sp.zoo, sp.oo, -sp.oo)
        if value.is_number and not value.has(sp.Float) and not infinite:
            return value
    elif isinstance(value, Fraction | Rational):
        return sp.Rational(int(value.numerator), int(value.denominator))
    raise TypeError(f"not a finite exact number (floats and mpf are refused): {value!r}")


def compare(left: object, op: str, right: object, *, start_bits: int = 128) -> Decision:
    """Decide ``left op right`` exactly or rigorously (module docstring)."""
    if op not in OPERATORS:
        raise ValueError(f"op: must be one of {OPERATORS} (got {op!r})")
    a, b = exact(left), exact(right)
    return _compare(a, op, b, max(64, int(start_bits)))


@functools.lru_cache(maxsize=65536)
def _compare(a: sp.Expr, op: str, b: sp.Expr, start_bits: int) -> Decision:
    if a.is_Rational and b.is_Rational:
        return Decision(_holds(_sign_rational(a - b), op), "exact")
    try:
        difference = _resolve(a - b, start_bits)
    except Undecided as why:
        return Decision(None, "undecided", detail=str(why))
    if difference.is_Rational:  # irrational sides whose difference simplified exactly
        return Decision(_holds(_sign_rational(difference), op), "algebraic")
    # a ball at the starting precision; a cheap exact zero test; finer balls; the
    # minimal polynomial; the finest balls
    stages = ((start_bits, start_bits, _is_zero_cheap), (2 * start_bits, 1024, _is_zero))
    for low, high, zero_test in stages:
        sign, bits = _ball_sign(difference, low, high)
        if sign is not None:
            return Decision(_holds(sign, op), "ball", bits)
        if zero_test(difference):
            return Decision(_holds(0, op), "algebraic", bits)
    sign, bits = _ball_sign(difference, 2048, MAX_BITS)
    if sign is not None:
        return Decision(_holds(sign, op), "ball", bits)
    return Decision(None, "undecided", bits, f"balls overlap 0 up to {MAX_BITS} bits")


def _sign_rational(x: sp.Rational) -> int:
    return (int(x.p) > 0) - (int(x.p) < 0)


def _holds(sign: int, op: str) -> bool:
    return {
        ">=": sign >= 0,
        ">": sign > 0,
        "<=": sign <= 0,
        "<": sign < 0,
        "==": sign == 0,
    }[op]


def sign(value: object, *, start_bits: int = 128) -> tuple[int, str]:
    """``(sign, method)`` of an exact number (raises :class:`Undecided`)."""
    decision = compare(value, ">", 0, start_bits=start_bits)
    if not decision.decided:
        raise Undecided(decision.detail)
    if decision.holds:
        return 1, decision.method
    below = compare(value, "<", 0, start_bits=start_bits)
    return (-1 if below.holds else 0), below.method


# --------------------------------------------------------------------------- balls
def _ball_sign(x: sp.Expr, low: int, high: int) -> tuple[int | None, int]:
    """The sign of ``x`` from balls of ``low``, ``2 low``, ... up to ``high`` bits
    (``None``: never separated)."""
    bits = max(low, 64)
    while bits <= max(high, low):
        try:
            ball = ball_of(x, bits)
        except Undecided:
            ball = None
        if ball is not None:
            if ball > 0:
                return 1, bits
            if ball < 0:
                return -1, bits
        bits *= 2
    return None, bits // 2


def ball_of(x: sp.Expr, bits: int) -> arb:
    """A rigorous ``arb`` enclosure of the SymPy number ``x`` at ``bits`` bits."""
    with ctx.workprec(bits):
        return _ball(x)


def _ball(x: sp.Expr) -> arb:  # noqa: PLR0911 - one case per expression node
    if x.is_Rational:
        return arb(fmpq(int(x.p), int(x.q)))
    if x.is_Add:
        total = arb(0)
        for term in x.args:
            total += _ball(term)
        return total
    if x.is_Mul:
        product = arb(1)
        for factor in x.args:
            product *= _ball(factor)
        return product
    if x.is_Pow:
        return _power(_ball(x.base), x.exp)
    if isinstance(x, sp.Abs):
        return abs(_ball(x.args[0]))
    if isinstance(x, sp.log):
        return _positive(_ball(x.args[0]), "log").log()
    if isinstance(x, sp.exp):
        return _ball(x.args[0]).exp()
    if x is sp.pi:
        return arb.pi()
    if x is sp.E:
        return arb(1).exp()
    if isinstance(x, sp.Max | sp.Min):
        return _extremum(x)
    raise Undecided(f"no ball evaluation for {type(x).__name__}: {x}")


def _positive(ball: arb, what: str) -> arb:
    if not ball > 0:
        raise Undecided(f"{what} of a ball not certainly positive: {ball}")
    return ball


def _power(base: arb, exponent: sp.Expr) -> arb:
    if exponent.is_Integer:
        k = int(exponent)
        if k >= 0:
            return base**k
        if not (base > 0 or base < 0):
            raise Undecided(f"negative power of a ball containing 0: {base}")
        return 1 / base ** (-k)
    if exponent.is_Rational:
        p, q = int(exponent.p), int(exponent.q)
        if base.is_zero():
            return arb(0)
        root = _positive(base, "root").sqrt() if q == 2 else _positive(base, "root").root(q)
        return _power(root, sp.Integer(p))
    raise Undecided(f"non-rational exponent {exponent}")


def _extremum(x: sp.Expr) -> arb:
    balls = [_ball(arg) for arg in x.args]
    out = balls[0]
    for ball in balls[1:]:
        out = out.max(ball) if isinstance(x, sp.Max) else out.min(ball)
    return out


# --------------------------------------------------------------------------- exact resolution
def _resolve(x: sp.Expr, start_bits: int) -> sp.Expr:
    """``x`` with every ``Max``/``Min``/``Piecewise``/``floor``/``ceiling`` of numbers
    replaced by the value it takes, each choice decided by :func:`compare` (so the
    algebraic zero test sees only field operations and radicals)."""
    if x.is_Atom:
        return x
    args = [_resolve(arg, start_bits) for arg in x.args]
    if isinstance(x, sp.Max | sp.Min):
        return _choose(args, ">" if isinstance(x, sp.Max) else "<", start_bits)
    if isinstance(x, sp.Piecewise):
        return _piecewise(x, start_bits)
    if isinstance(x, sp.floor | sp.ceiling):
        return _integer_part(args[0], isinstance(x, sp.floor), start_bits)
    rebuilt = x.func(*args) if args != list(x.args) else x
    return rebuilt


def _choose(args: list[sp.Expr], op: str, start_bits: int) -> sp.Expr:
    best = args[0]
    for candidate in args[1:]:
        decision = _compare(candidate, op, best, start_bits)
        if not decision.decided:
            raise Undecided(f"cannot order {candidate} and {best}")
        if decision.holds:
            best = candidate
    return best


def _piecewise(x: sp.Piecewise, start_bits: int) -> sp.Expr:
    for expression, condition in x.args:
        if _condition(condition, start_bits):
            return _resolve(expression, start_bits)
    raise Undecided(f"no branch of {x} holds")


def _condition(condition: sp.Basic, start_bits: int) -> bool:
    if condition in (sp.true, sp.false):
        return bool(condition)
    if isinstance(condition, sp.And | sp.Or):
        values = [_condition(c, start_bits) for c in condition.args]
        return all(values) if isinstance(condition, sp.And) else any(values)
    if isinstance(condition, sp.Not):
        return not _condition(condition.args[0], start_bits)
    ops = {sp.Ge: ">=", sp.Gt: ">", sp.Le: "<=", sp.Lt: "<", sp.Eq: "=="}
    for kind, op in ops.items():
        if isinstance(condition, kind):
            lhs, rhs = (_resolve(side, start_bits) for side in condition.args)
            decision = _compare(lhs, op, rhs, start_bits)
            if not decision.decided:
                raise Undecided(f"cannot decide {condition}")
            return bool(decision.holds)
    raise Undecided(f"condition {condition}")


def _integer_part(x: sp.Expr, floor: bool, start_bits: int) -> sp.Integer:
    if x.is_Rational:
        return sp.floor(x) if floor else sp.ceiling(x)
    bits = start_bits
    while bits <= MAX_BITS:
        ball = ball_of(x, bits)
        part = (ball.floor() if floor else ball.ceil()).unique_fmpz()
        if part is not None:
            return sp.Integer(int(part))
        bits *= 2
    raise Undecided(f"integer part of {x}")


def _is_zero_cheap(x: sp.Expr) -> bool:
    """``x == 0`` proved by SymPy's canonical forms (``False``: no proof, not ``!= 0``)."""
    if x == 0:
        return True
    if x.has(sp.log, sp.exp, sp.pi, sp.E):
        return False
    return sp.expand(sp.radsimp(x)) == 0


def _is_zero(x: sp.Expr) -> bool:
    """Exact proof that ``x == 0``: :func:`_is_zero_cheap`, else the minimal polynomial
    of the algebraic number ``x`` is ``x`` itself (``False``: no proof found)."""
    if _is_zero_cheap(x):
        return True
    if x.has(sp.log, sp.exp, sp.pi, sp.E):
        return False
    try:
        return sp.minimal_polynomial(x, sp.Dummy("x")).is_Symbol
    except (NotImplementedError, sp.PolynomialError, NotAlgebraic):
        return False


def as_fraction(value: object) -> Fraction:
    """An exact rational as a :class:`Fraction` (``TypeError`` if irrational)."""
    x = exact(value)
    if not x.is_Rational:
        raise TypeError(f"not rational: {x}")
    return Fraction(int(x.p), int(x.q))
