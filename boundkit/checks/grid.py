"""The parameter grid of ``python -m boundkit verify`` and its plan of cases.

:class:`Grid` (every ``n`` with every valid ``f``, every ``m`` and ``T``; SGD constructions
at a few ``n`` only), the default and quick grids, and :func:`plan`, which pairs every grid
point with every construction defined there (:class:`Case`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from boundkit.config import Setting


@dataclass(frozen=True)
class Grid:
    """A parameter grid: every ``n`` with every valid ``f >= 1``, every ``m`` and ``T``."""

    ns: tuple[int, ...]
    ms: tuple[int, ...] = (1, 2, 5)
    Ts: tuple[int, ...] = (1, 10, 100)
    step_size: Fraction = Fraction(1, 10)
    lipschitz: Fraction = Fraction(1)
    smoothness: Fraction = Fraction(1)
    strong_convexity: Fraction = Fraction(1, 2)
    f_values: tuple[int, ...] | None = None  # None: every f in 1..floor((n-1)/2)
    #: SGD constructions (exact expectation by enumeration, Monte Carlo beyond
    #: ``SGD_MAX_STATES`` states) run at these n only ...
    sgd_ns: tuple[int, ...] = (3, 4, 5, 6, 7, 10, 11, 20, 21)
    #: ... and, for long runs (T >= SGD_LONG_T, m > 1: about T^2/2 exact states, 2-3 s a
    #: case at T = 100), at these n with the extreme f = 1 and f = floor((n-1)/2) only.
    sgd_long_ns: tuple[int, ...] = (5, 11)

    def settings(self) -> Iterator[Setting]:
        """Grid points, ``T`` varying fastest: the points sharing ``(n, f, m)`` (and the
        exact suprema and attacks cached for them) are neighbours, so a worker's chunk
        of cases reuses its cache."""
        for n, m in itertools.product(self.ns, self.ms):
            fs = self.f_values or tuple(range(1, (n - 1) // 2 + 1))
            for f, T in itertools.product(fs, self.Ts):
                if 2 * f < n:
                    yield Setting(
                        n=n,
                        f=f,
                        m=m,
                        T=T,
                        step_size=self.step_size,
                        lipschitz=self.lipschitz,
                        smoothness=self.smoothness,
                        strong_convexity=self.strong_convexity,
                    )

    def describe(self) -> str:
        fs = "all 1..floor((n-1)/2)" if self.f_values is None else str(list(self.f_values))
        return (
            f"n in {list(self.ns)}, f in {fs}, m in {list(self.ms)}, T in {list(self.Ts)}, "
            f"step_size={self.step_size}, lipschitz={self.lipschitz}, "
            f"smoothness={self.smoothness}, strong_convexity={self.strong_convexity}; "
            f"SGD at n in {list(self.sgd_ns)}, and for T >= {SGD_LONG_T}, m > 1 at n in "
            f"{list(self.sgd_long_ns)} with f in {{1, floor((n-1)/2)}}; SGD expectations "
            f"exact up to {SGD_MAX_STATES} states (T < {SGD_EXACT_MAX_T}), beyond that "
            "Monte Carlo with a rigorous interval"
        )

    def includes_sgd(self, setting: Setting) -> bool:
        """Whether an SGD construction runs at ``setting`` (see ``sgd_ns``)."""
        if setting.T < SGD_LONG_T or setting.m == 1:
            return setting.n in self.sgd_ns
        extreme = setting.f in (1, (setting.n - 1) // 2)
        return setting.n in self.sgd_long_ns and extreme


#: SGD expectations are exact by enumeration up to this many reachable states
SGD_MAX_STATES = 6000
#: the P3 state count is T (T + 1)/2 + 1 (5051 at T = 100): from this T on (m > 1) it
#: exceeds SGD_MAX_STATES and the expectation is Monte Carlo
SGD_EXACT_MAX_T = 110
#: from this T on (m > 1) SGD runs only at ``Grid.sgd_long_ns`` (cost, not exactness)
SGD_LONG_T = 63

DEFAULT_GRID = Grid(ns=(3, 4, 5, 6, 7, 10, 11, 20, 21, 51, 101))
QUICK_GRID = Grid(ns=(5, 6, 11), ms=(1, 2), Ts=(1, 10))


@dataclass(frozen=True)
class Case:
    """One construction at one grid point."""

    construction: str
    setting: Setting


def plan(grid: Grid, names: Sequence[str] | None = None) -> list[Case]:
    """Every (construction, setting) pair of the grid where the construction is defined."""
    from constructions import CONSTRUCTIONS

    chosen = names or tuple(CONSTRUCTIONS)
    cases = []
    for setting in grid.settings():
        for name in chosen:
            construction = CONSTRUCTIONS[name]
            if construction.algorithm == "sgd" and not grid.includes_sgd(setting):
                continue
            if construction.applies(setting) is None:
                cases.append(Case(name, setting))
    return cases
