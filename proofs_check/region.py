"""Registered hypotheses as a region, and symbolic implication between conditions.

A hypothesis ``x <= U`` (or ``x < U``) on a positive real parameter ``x`` (``gamma``,
``mu``, ``beta``) is written ``x = U/(1 + p)`` with a fresh slack ``p >= 0`` (``> 0`` when
strict): exactly the points ``0 < x <= U``.  A condition ``lhs <= rhs`` is *implied* when
``rhs - lhs``, after these substitutions, is a rational function that SymPy's sign rules
show nonnegative for every slack; it is *tight* when that margin vanishes with all slacks
at 0 (the registered hypothesis cannot be widened without leaving the condition).

Conditions on the integers ``n, f`` (``2f < n``, ``3f >= n``) are compared as predicates
on every integer point of a box: :func:`same_on_integers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sympy as sp

from boundkit.bounds import symbols as S
from proofs_check.core import proved_nonnegative

#: positive real parameters a hypothesis may bound from above
CONTINUOUS: tuple[sp.Symbol, ...] = (S.gamma, S.mu, S.beta)
INTEGERS: tuple[sp.Symbol, ...] = (S.n, S.f)


def _as_upper(rel: sp.Basic) -> tuple[sp.Symbol, sp.Expr, bool] | None:
    """``(x, U, strict)`` for ``x <= U`` / ``x < U`` / ``U >= x`` / ``U > x``, else ``None``."""
    if isinstance(rel, sp.LessThan | sp.StrictLessThan) and rel.lhs in CONTINUOUS:
        return rel.lhs, rel.rhs, isinstance(rel, sp.StrictLessThan)
    if isinstance(rel, sp.GreaterThan | sp.StrictGreaterThan) and rel.rhs in CONTINUOUS:
        return rel.rhs, rel.lhs, isinstance(rel, sp.StrictGreaterThan)
    return None


def margin(rel: sp.Basic) -> sp.Expr:
    """``rhs - lhs`` for ``<=``/``<``, ``lhs - rhs`` for ``>=``/``>``: nonnegative iff it holds."""
    if isinstance(rel, sp.LessThan | sp.StrictLessThan):
        return rel.rhs - rel.lhs
    if isinstance(rel, sp.GreaterThan | sp.StrictGreaterThan):
        return rel.lhs - rel.rhs
    raise TypeError(f"not an inequality: {rel}")


@dataclass(frozen=True)
class Region:
    """The continuous part of some hypotheses as substitutions with slacks."""

    substitution: dict[sp.Symbol, sp.Expr]
    slacks: tuple[sp.Symbol, ...]

    def apply(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with every bounded parameter replaced (repeatedly: bounds may nest)."""
        for _ in range(len(self.substitution) + 1):
            expr = sp.sympify(expr).subs(self.substitution)
        return expr

    def corner(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` on the region's corner: every slack at 0."""
        return sp.simplify(self.apply(expr).subs({s: 0 for s in self.slacks}))


def region(hypotheses: Iterable[sp.Basic]) -> Region:
    """The hypotheses' upper bounds on ``gamma, mu, beta`` as a :class:`Region`.

    Raises ``ValueError`` when a parameter has two upper bounds (their minimum is not a
    rational substitution; no registered result has one).
    """
    subs: dict[sp.Symbol, sp.Expr] = {}
    slacks: list[sp.Symbol] = []
    for rel in hypotheses:
        upper = _as_upper(rel)
        if upper is None:
            continue
        x, bound, strict = upper
        if x in subs:
            raise ValueError(f"two upper bounds on {x}")
        sign = {"positive": True} if strict else {"nonnegative": True}
        slack = sp.Symbol(f"p_{x}", **sign)
        subs[x] = bound / (1 + slack)
        slacks.append(slack)
    return Region(subs, tuple(slacks))


@dataclass(frozen=True)
class Implication:
    """Whether hypotheses imply a condition (``holds``) and reach its boundary (``tight``)."""

    condition: sp.Basic
    holds: bool
    tight: bool
    margin: sp.Expr

    def describe(self) -> str:
        verdict = "implied" if self.holds else "NOT implied"
        edge = ", tight" if self.tight else ", not tight (hypothesis stronger than needed)"
        return f"{self.condition}: {verdict}{edge if self.holds else ''}"


def implies(hypotheses: Sequence[sp.Basic], condition: sp.Basic) -> Implication:
    """Do ``hypotheses`` imply ``condition`` (continuous parameters), and tightly?"""
    reg = region(hypotheses)
    gap = sp.factor(sp.cancel(reg.apply(margin(condition))))
    holds = proved_nonnegative(gap)
    tight = holds and reg.corner(margin(condition)) == 0
    return Implication(condition, holds, tight, gap)


def integer_part(relations: Iterable[sp.Basic]) -> tuple[sp.Basic, ...]:
    """The relations that involve only ``n`` and ``f``."""
    return tuple(r for r in relations if r.free_symbols and r.free_symbols <= set(INTEGERS))


def same_on_integers(
    first: Sequence[sp.Basic], second: Sequence[sp.Basic], n_max: int = 60
) -> list[tuple[int, int]]:
    """Points ``0 <= f <= n <= n_max`` where the conjunctions disagree (empty: same)."""
    preds = [
        sp.lambdify(INTEGERS, sp.And(*rels) if rels else sp.true, modules=[{}])
        for rels in (first, second)
    ]
    return [
        (nn, ff)
        for nn in range(1, n_max + 1)
        for ff in range(nn + 1)
        if bool(preds[0](nn, ff)) != bool(preds[1](nn, ff))
    ]
