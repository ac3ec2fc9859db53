"""The registry entry types: a :class:`Result` and the per-step :class:`Recursion` it solves.

A :class:`Result` is data: id, paper reference, threat model, algorithms, convexity, kind,
hypotheses (SymPy relations), the bound (a SymPy expression) and, for upper bounds, its
recursion.  The entries themselves are in :mod:`boundkit.bounds.registry`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy as sp

from boundkit.bounds import symbols as S
from boundkit.bounds.symbols import L, name_for, symbol_for, t


@dataclass(frozen=True)
class Recursion:
    """``delta_{t+1} <= factor * delta_t + increment`` from ``delta_0 = initial``.

    The bound on uniform stability is ``link * delta_T`` (``link = L`` for an
    ``L``-Lipschitz loss: ``eps <= L E||theta_T - theta'_T||``).
    """

    factor: sp.Expr
    increment: sp.Expr
    initial: sp.Expr = sp.Integer(0)
    link: sp.Expr = L

    def equation(self) -> sp.Eq:
        """The recursion as ``Eq(delta(t+1), factor*delta(t) + increment)``."""
        return sp.Eq(S.delta(t + 1), self.factor * S.delta(t) + self.increment)


@dataclass(frozen=True)
class Result:
    """One registered result (theorem, proposition, lemma, coefficient)."""

    id: str
    title: str
    reference: str
    threat: str  # "byzantine" | "poisoning" | "none"
    algorithms: tuple[str, ...]  # subset of ("gd", "sgd")
    convexity: str  # "convex" | "strongly-convex" | "any"
    kind: str  # "upper" | "lower" | "identity"
    quantity: str
    expression: sp.Expr
    hypotheses: tuple[sp.Basic, ...] = ()
    recursion: Recursion | None = None
    simplified: sp.Expr | None = None
    note: str = ""
    defaults: Mapping[str, sp.Expr] = field(default_factory=dict)

    @property
    def symbols(self) -> tuple[str, ...]:
        """Names of the parameters the expression needs (after defaults)."""
        free = set(self.expression.free_symbols)
        for rel in self.hypotheses:
            free |= rel.free_symbols
        for name, value in self.defaults.items():
            free.discard(symbol_for(name))
            free |= value.free_symbols
        return tuple(sorted(name_for(s) for s in free))
