"""Table 1's exact rows say what the registry says.

The rows marked boundkit print exact bounds (``<=``, ``>=``) and notes with formulas; they
are display expressions, written apart from the registry.  Each is compared with its
registered result, exactly (SymPy rationals and surds) at every ``(n, f, m)`` of a small
grid inside the regime the table states, so a constant changed on either side fails here.
"""

from __future__ import annotations

import itertools

import sympy as sp

from boundkit import bounds
from boundkit.bounds.symbols import L, T, f, gamma, m, mu, n
from boundkit.outputs import rate_table as R
from boundkit.outputs.math_text import AtLeast, AtMost, Root

GRID = [(nn, ff, mm) for nn in range(3, 24) for ff in range(1, (nn + 1) // 2) for mm in (1, 3)]
POINT = {gamma: sp.Rational(1, 10), L: sp.Rational(3, 2), T: 7, mu: sp.Rational(1, 3)}


def _plain(expr: sp.Basic) -> sp.Expr:
    """A display expression as a plain one: roots, ``N = (n - f) m``, the Iverson bracket."""
    odd = [s for s in expr.free_symbols if s.name == "iverson_odd"]
    expr = expr.replace(lambda x: isinstance(x, Root), lambda x: sp.sqrt(x.args[0]))
    expr = expr.subs(R.N_DISPLAY, (n - f) * m)
    return expr.subs({s: sp.Mod(n - f, 2) for s in odd})


def _rate(row: int, column: str, index: int = 0) -> sp.Expr:
    rate = getattr(R.ROWS[row], column).rates[index]
    assert isinstance(rate, AtMost | AtLeast)
    return _plain(rate.args[0])


def _note_formula(row: int, column: str, kind: type) -> sp.Expr:
    """The note's formula of type ``kind`` that holds ``gamma L^2 T`` (the bound itself)."""
    parts = getattr(R.ROWS[row], column).note
    (found,) = [p for p in parts if isinstance(p, kind) and p.has(gamma)]
    return _plain(found.args[0] if kind is AtMost else found)


def _at(expr: sp.Expr, nn: int, ff: int, mm: int) -> sp.Expr:
    """The exact value (rationals and canonical surds) at a point."""
    return expr.subs(POINT).subs({n: nn, f: ff, m: mm})


def _compare(shown: sp.Expr, registered: sp.Expr, where, relation) -> int:
    count = 0
    for nn, ff, mm in GRID:
        if where(nn, ff):
            a, b = _at(shown, nn, ff, mm), _at(registered, nn, ff, mm)
            assert relation(sp.expand(a - b)), (nn, ff, mm, a, b)
            count += 1
    assert count > 20
    return count


def _equal(x: sp.Expr) -> bool:
    return x == 0


def _below(x: sp.Expr) -> bool:
    return bool(x <= 0)


def _registered(result_id: str) -> sp.Expr:
    return bounds.get(result_id).expression


def _limit(result_id: str) -> sp.Expr:
    """A strongly convex bound as ``T -> oo``: its factor ``1 - (1 - gamma mu/2)^T`` is 1."""
    expr = _registered(result_id)
    (power,) = [p for p in expr.atoms(sp.Pow) if p.exp == T]
    return expr.subs(power, 0)


def test_sharp_convex_rows() -> None:
    everywhere = lambda nn, ff: True  # noqa: E731
    _compare(_rate(2, "byzantine"), _registered("byzantine/smea-sharp/convex"), everywhere, _equal)
    below_third = lambda nn, ff: 3 * ff < nn  # noqa: E731
    b4 = _registered("byzantine/two-sided-push")
    _compare(_rate(2, "byzantine", 1), b4, below_third, _below)  # a lower bound on B4
    note = _note_formula(2, "byzantine", sp.Mul)
    _compare(note, b4, lambda nn, ff: 3 * ff >= nn, _equal)
    for row in (2, 3):
        _compare(_rate(row, "poisoning"), _registered("thm3.3/convex"), everywhere, _equal)


def test_one_dimensional_row() -> None:
    registered = _registered("byzantine/smea-1d/convex")
    _compare(_rate(3, "byzantine"), registered, lambda nn, ff: 7 * ff <= 3 * nn, _equal)
    above = _note_formula(3, "byzantine", AtMost)
    _compare(above, registered, lambda nn, ff: 7 * ff > 3 * nn, _equal)


def test_strongly_convex_rows_are_the_limits() -> None:
    everywhere = lambda nn, ff: True  # noqa: E731
    sharp = _limit("byzantine/smea-sharp/strongly-convex")
    _compare(_rate(4, "byzantine"), sharp, everywhere, _equal)
    _compare(_rate(4, "poisoning"), _limit("thm3.3/strongly-convex"), everywhere, _equal)


def test_a_changed_constant_fails() -> None:
    shown = _rate(2, "byzantine") * sp.Rational(101, 100)
    try:
        _compare(shown, _registered("byzantine/smea-sharp/convex"), lambda a, b: True, _equal)
    except AssertionError:
        return
    raise AssertionError("a 1% change of the displayed constant went unnoticed")


def test_grid_covers_both_sides_of_each_regime() -> None:
    pairs = {(nn, ff) for nn, ff, _ in GRID}
    for split in (lambda a, b: 3 * b < a, lambda a, b: 7 * b <= 3 * a):
        sides = {split(a, b) for a, b in pairs}
        assert sides == {True, False}
    assert len(list(itertools.islice(GRID, 5))) == 5
