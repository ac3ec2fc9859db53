"""Validated parameter sets (docs/theory.md, section 1), checked once at the edge.

A :class:`Setting` holds the numbers a bound or a construction is evaluated at.  Its
constructor enforces the rules every result shares (``0 <= f < n/2``, ``m >= 1``,
``step_size > 0``, finiteness); the hypotheses specific to one theorem (``gamma <=
2/beta``, ``f >= n/3``, ...) are checked by the registry in :mod:`boundkit.bounds`.

The field defaults of :class:`Setting` are the only defaults of these parameters: the
command line reads them (:func:`setting_defaults`), so ``Setting(n=21, f=3)`` and
``python -m boundkit table --n 21 --f 3`` mean the same point.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, asdict, dataclass, fields, replace
from fractions import Fraction
from numbers import Real

from boundkit.errors import ParameterError

Number = int | float | Fraction


def _finite(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(name, "a real number", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(name, "a finite number (no NaN or infinity)", value)


def _integer(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, "an integer", value)
    if value < minimum:
        raise ParameterError(name, f"{name} >= {minimum}", value)


def _positive(name: str, value: object) -> None:
    _finite(name, value)
    if not value > 0:  # type: ignore[operator]
        raise ParameterError(name, f"{name} > 0", value)


@dataclass(frozen=True)
class Setting:
    """One point of parameter space (paper symbols in brackets).

    ``n`` workers (n), ``f`` misbehaving (f), ``m`` samples per honest worker (m),
    ``T`` iterations (T), ``step_size`` (gamma), ``lipschitz`` (L), ``smoothness``
    (beta), ``strong_convexity`` (mu; the default 0 means merely convex: the strongly
    convex bounds, eqs. (3) and (6), need ``mu > 0`` and refuse 0 with a one-line
    :class:`~boundkit.errors.ParameterError`), ``kappa`` robustness coefficient (None:
    the bound's own default, SMEA's coefficient).

    Defaults: ``m = 1``, ``T = 10``, ``step_size = 1/10``, ``lipschitz = smoothness = 1``,
    ``strong_convexity = 0``, ``kappa = None``; the step rules of the bounds
    (``gamma <= 2/beta``, ``gamma <= 1/beta``) hold there.
    """

    n: int
    f: int
    m: int = 1
    T: int = 10
    step_size: Number = Fraction(1, 10)
    lipschitz: Number = 1
    smoothness: Number = 1
    strong_convexity: Number = 0
    kappa: Number | None = None

    def __post_init__(self) -> None:
        _integer("n", self.n, 1)
        _integer("f", self.f, 0)
        if not 2 * self.f < self.n:
            raise ParameterError("f", "f < n/2", f"n={self.n}, f={self.f}")
        _integer("m", self.m, 1)
        _integer("T", self.T, 0)
        _positive("step_size", self.step_size)
        _positive("lipschitz", self.lipschitz)
        _positive("smoothness", self.smoothness)
        _finite("strong_convexity", self.strong_convexity)
        if self.strong_convexity < 0:
            raise ParameterError("strong_convexity", "strong_convexity >= 0", self.strong_convexity)
        if self.strong_convexity > self.smoothness:
            raise ParameterError(
                "strong_convexity",
                "strong_convexity <= smoothness (mu <= beta)",
                f"mu={self.strong_convexity}, beta={self.smoothness}",
            )
        if self.kappa is not None:
            _finite("kappa", self.kappa)
            if self.kappa < 0:
                raise ParameterError("kappa", "kappa >= 0", self.kappa)

    @property
    def honest_count(self) -> int:
        """h = n - f."""
        return self.n - self.f

    @property
    def honest_samples(self) -> int:
        """N = (n - f) m."""
        return (self.n - self.f) * self.m

    def as_dict(self) -> dict[str, Number | None]:
        return asdict(self)

    def with_(self, **changes: object) -> Setting:
        return replace(self, **changes)  # type: ignore[arg-type]


def setting_defaults() -> dict[str, Number | None]:
    """``{field: default}`` of :class:`Setting` (the fields without one, ``n`` and ``f``,
    are left out): the single source of the command line's defaults."""
    return {field.name: field.default for field in fields(Setting) if field.default is not MISSING}
