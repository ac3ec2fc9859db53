"""The search problem ``(n, f, d, L)``, the search settings and exact vectors/groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from boundkit.errors import ParameterError

Vector = tuple[Fraction, ...]
Groups = tuple[tuple[Vector, int], ...]


@dataclass(frozen=True)
class Problem:
    """One point ``(n, f, d, L)`` of the search (paper symbols; ``m = 1``)."""

    n: int
    f: int
    d: int
    lipschitz: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        for name in ("n", "f", "d"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ParameterError(name, "an integer", value)
        if self.f < 1 or not 2 * self.f < self.n:
            raise ParameterError("f", "1 <= f < n/2", f"n={self.n}, f={self.f}")
        if self.d not in (1, 2):
            raise ParameterError("d", "d in {1, 2}", self.d)
        if not Fraction(self.lipschitz) > 0:
            raise ParameterError("lipschitz", "lipschitz > 0", self.lipschitz)
        object.__setattr__(self, "lipschitz", Fraction(self.lipschitz))

    @property
    def h(self) -> int:
        return self.n - self.f


def _as_vector(values: Sequence[Any]) -> Vector:
    return tuple(Fraction(v) for v in values)


def _merge(groups: Sequence[tuple[Vector, int]]) -> Groups:
    merged: dict[Vector, int] = {}
    for value, count in groups:
        if count:
            merged[value] = merged.get(value, 0) + count
    return tuple(sorted(merged.items()))


def _norm2(v: Sequence[Fraction]) -> Fraction:
    return sum((x * x for x in v), Fraction(0))


@dataclass(frozen=True)
class SearchSettings:
    """How hard to search: random restarts, evaluations per climb, count-move rounds."""

    restarts: int = 10
    evaluations: int = 500
    count_rounds: int = 2
    seed: int = 0
    keep: int = 4  # float optima re-evaluated exactly
