"""The orthogonal push (B3) re-derived exactly, window by window (docs/theory.md, "The
orthogonal push"; registry ``byzantine/orthogonal-push``).

Independent of :mod:`boundkit.bounds.orthogonal_gap`: the honest layout is written down
here from its description, every window of ``h = n - f`` vectors (``j <= f`` Byzantine
copies of ``(0, D)`` and honest vectors on the ``e1`` axis) gets its covariance from the
points (``[[A, -sigma j D/h^2], [., c D^2]]``), and with ``u = D^2`` its ``lambda_max`` is
``(A + c u)/2 + sqrt(((A - c u)/2)^2 + b u)``.  SMEA keeps all ``f`` pushed vectors at
``u`` iff some ``f``-window is *strictly* flatter than every other window.  That status
changes only where an ``f``-window ties another window: at a root ``x`` of the tie
quadratic (check ``orthogonal/tie-quadratic``) mapped to ``u = x (x - A)/(c (x - A) + b)``,
or at a kink ``u = A/c`` of a diagonal window.  All candidates are numbers
``a + b sqrt(d)`` (:mod:`proofs_check.surd`), sorted exactly; the status is decided exactly
at a rational point inside every gap, so the supremum of the keeping set is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from proofs_check.surd import Surd, between

Pool = tuple[tuple[Fraction, int], ...]


@dataclass(frozen=True)
class PlaneWindow:
    """A window's covariance coefficients: ``Sigma = [[A, s], [s, c u]]``, ``s^2 = b u``."""

    copies: int
    total: Fraction
    a: Fraction
    c: Fraction
    b: Fraction

    def lam(self, u: Fraction) -> Surd:
        """``lambda_max`` at rational ``u``, exactly."""
        half = (self.a - self.c * u) / 2
        return Surd((self.a + self.c * u) / 2, Fraction(1), half * half + self.b * u)

    def u_of(self, x: Surd) -> Surd | None:
        """``u`` at which ``lambda_max = x`` on this window's characteristic equation."""
        denominator = (x - self.a) * self.c + self.b
        if denominator == 0:
            return None
        return x * (x - self.a) / denominator


def plane_windows(honest: Pool, byzantine: int) -> list[PlaneWindow]:
    """Every window of ``h`` vectors with ``j <= byzantine`` copies of ``(0, D)``."""
    size = sum(c for _, c in honest)
    out = []
    for j in range(byzantine + 1):
        for counts in product(*(range(c + 1) for _, c in honest)):
            if sum(counts) != size - j:
                continue
            sigma = sum((x * k for (x, _), k in zip(honest, counts, strict=True)), Fraction(0))
            squares = sum((x * x * k for (x, _), k in zip(honest, counts, strict=True)), 0)
            # covariance of the points: e1 variance A, e2 variance c u, covariance^2 b u
            a = Fraction(squares) / size - (sigma / size) ** 2
            c = Fraction(j * (size - j), size * size)
            b = sigma * sigma * j * j / Fraction(size) ** 4
            out.append(PlaneWindow(j, sigma, a, c, b))
    return out


def _roots(q2: Fraction, q1: Fraction, q0: Fraction) -> list[Surd]:
    if q2 == 0:
        return [] if q1 == 0 else [Surd.of(-q0 / q1)]
    disc = q1 * q1 - 4 * q2 * q0
    if disc < 0:
        return []
    half = 1 / (2 * q2)
    return [Surd(-q1 * half, half, disc), Surd(-q1 * half, -half, disc)]


def tie_candidates(one: PlaneWindow, other: PlaneWindow) -> list[Surd]:
    """Every ``u > 0`` where the two ``lambda_max`` may be equal (a superset)."""
    dc = other.c - one.c
    quadratic = (
        dc,
        -dc * (one.a + other.a) + other.b - one.b,
        dc * one.a * other.a - other.b * one.a + one.b * other.a,
    )
    xs = _roots(*quadratic)
    xs += [Surd.of(w.a) for w in (one, other) if w.b == 0]
    found = [u for x in xs for w in (one, other) if (u := w.u_of(x)) is not None]
    found += [Surd.of(w.a / w.c) for w in (one, other) if w.b == 0 and w.c != 0]
    return [u for u in found if u > 0]


def _minimum(values: list[Surd]) -> Surd:
    low = values[0]
    for x in values[1:]:
        if x < low:
            low = x
    return low


def _kept(windows: list[PlaneWindow], byzantine: int, u: Fraction) -> PlaneWindow | None:
    """The ``f``-window SMEA keeps at ``u`` (ties: smallest ``e1`` mean), or ``None``."""
    full = [(w.lam(u), w) for w in windows if w.copies == byzantine]
    rest = [w.lam(u) for w in windows if w.copies != byzantine]
    best = _minimum([lam for lam, _ in full])
    if not best < _minimum(rest):
        return None
    return min((w for lam, w in full if lam == best), key=lambda w: w.total)


@dataclass(frozen=True)
class PlaneSupremum:
    """``squared = sup u`` at which all ``f`` vectors are kept; ``kept`` just below it."""

    squared: Surd
    kept: PlaneWindow
    candidates: int


def orthogonal_sweep(honest: Pool, byzantine: int) -> PlaneSupremum | None:
    """The exact supremum of ``D^2`` at which SMEA keeps all ``byzantine`` copies of
    ``(0, D)`` beside ``honest`` (values on the ``e1`` axis); ``None`` if never kept."""
    windows = plane_windows(honest, byzantine)
    full = [w for w in windows if w.copies == byzantine]
    points: list[Surd] = []
    for one in full:
        for other in windows:
            if other is not one:
                points += tie_candidates(one, other)
    ordered: list[Surd] = []
    for u in sorted(points):
        if not ordered or ordered[-1] < u:
            ordered.append(u)
    if not ordered:
        return None
    if _kept(windows, byzantine, ordered[-1].enclosure(8)[1] + 1) is not None:
        raise ArithmeticError("all pushed vectors kept for arbitrarily large D")
    lows = [Surd.of(0), *ordered]
    for low, high in reversed(list(zip(lows, ordered, strict=False))):
        kept = _kept(windows, byzantine, between(low, high))
        if kept is not None:
            return PlaneSupremum(high, kept, len(ordered))
    return None
