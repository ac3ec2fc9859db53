"""Exact collinearity test: points on one line are reduced to SMEA's 1-D window search on
their exact line coordinates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class _Line:
    """Exact parametrisation ``x_i = origin + t_i * direction`` (direction's first
    nonzero coordinate positive, so larger ``t`` means a lexicographically larger point)."""

    origin: tuple[Fraction, ...]
    direction: tuple[Fraction, ...]
    t: list[Fraction]


def _collinear(rows: Sequence[tuple[Fraction, ...]]) -> _Line | None:
    """The exact line through all points, or None if they are not collinear."""
    origin = rows[0]
    direction = next((r for r in rows if r != origin), None)
    if direction is None:
        return _Line(origin, tuple(Fraction(0) for _ in origin), [Fraction(0)] * len(rows))
    u = tuple(a - b for a, b in zip(direction, origin, strict=True))
    p = next(j for j, c in enumerate(u) if c != 0)
    if u[p] < 0:
        u = tuple(-c for c in u)
    t = []
    for r in rows:
        w = tuple(a - b for a, b in zip(r, origin, strict=True))
        s = w[p] / u[p]
        if any(wj != s * uj for wj, uj in zip(w, u, strict=True)):
            return None
        t.append(s)
    return _Line(origin, u, t)


def _line_point(line: _Line, t: Fraction) -> list[Fraction]:
    return [o + t * u for o, u in zip(line.origin, line.direction, strict=True)]
