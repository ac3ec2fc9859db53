"""The experiment's settings (:class:`ExperimentConfig`), their limits and validation.

Defaults (``python -m boundkit experiment``): ``n = 10`` workers, ``f in {1, 2, 3, 4}``
misbehaving (plus the ``f = 0`` reference), ``T = 100`` steps of robust D-GD with SMEA,
step size ``gamma = 2`` (``= 1/(2 beta)`` at ``R = 1``; eq. (2) needs ``gamma <= 2/beta``),
i.i.d. split, 5 seeds, ``K = 5`` neighbours per seed, every threat.  ``--quick``: ``f in
{1, 3}``, ``T = 30``, 2 seeds, 3 neighbours.

Limits (:data:`LIMITS`, chosen so that an accepted run finishes in minutes on two cores
and fits in memory): ``n <= 30``; ``T <= 2000``; seeds ``<= 50``; neighbours ``<= 50``;
``C(n, f) <= 10,000`` for SMEA and MDA (they enumerate subsets); ``f < n/2``; Krum needs
``n > 2f + 2``; ``n - f`` at most the number of training samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from fractions import Fraction

from boundkit.errors import ParameterError
from boundkit.labs.experiment.aggregation import ENUMERATING, MAX_SUBSETS, RULE_NAMES
from boundkit.labs.experiment.byzantine import BYZANTINE
from boundkit.labs.experiment.data import DATASETS, Split
from boundkit.labs.experiment.poisoning import POISONING
from boundkit.labs.experiment.training import ALGORITHMS

THREATS = tuple(BYZANTINE) + tuple(POISONING)
LIMITS = {"n": 30, "steps": 2000, "seeds": 50, "neighbours": 50}


@dataclass(frozen=True)
class ExperimentConfig:
    """One experiment (paper symbols in brackets): ``dataset``; aggregation ``rule`` [F];
    ``n`` workers [n]; misbehaving counts ``fs`` [f]; ``steps`` [T]; ``step_size`` [gamma];
    honest ``split``; ``seeds`` (0, 1, ... offset by ``seed``); ``neighbours`` [K datasets
    S' per seed]; ``algorithm`` (gd or sgd); feature radius ``radius`` [R, so L = R];
    ``l2`` [lambda = mu] with projection radius ``theta_radius`` [D]; ``threats``."""

    dataset: str = "breast-cancer"
    rule: str = "smea"
    n: int = 10
    fs: tuple[int, ...] = (1, 2, 3, 4)
    steps: int = 100
    step_size: Fraction = Fraction(2)
    split: Split = Split()
    seeds: int = 5
    seed: int = 0
    neighbours: int = 5
    algorithm: str = "gd"
    radius: Fraction = Fraction(1)
    l2: Fraction = Fraction(0)
    theta_radius: Fraction | None = None
    threats: tuple[str, ...] = THREATS

    def quick(self) -> ExperimentConfig:
        """The ``--quick`` variant: ``f in {1, 3}`` (those below ``n/2``), ``T = 30``, 2 seeds,
        3 neighbours."""
        fs = tuple(f for f in (1, 3) if 2 * f < self.n) or (0,)
        return replace(self, fs=fs, steps=30, seeds=2, neighbours=3)

    def seed_values(self) -> tuple[int, ...]:
        return tuple(self.seed + i for i in range(self.seeds))

    def validate(self) -> None:
        """Raise :class:`ParameterError` naming the first broken rule (module docstring)."""
        _choice("dataset", self.dataset, DATASETS)
        _choice("rule", self.rule, RULE_NAMES)
        _choice("algorithm", self.algorithm, ALGORITHMS)
        for name in self.threats:
            _choice("threat", name, THREATS)
        _between("n", self.n, 3, LIMITS["n"])
        _between("T", self.steps, 1, LIMITS["steps"])
        _between("seeds", self.seeds, 1, LIMITS["seeds"])
        _between("neighbours", self.neighbours, 1, LIMITS["neighbours"])
        _between("seed", self.seed, 0, 2**31 - 1)
        if not self.fs:
            raise ParameterError("f", "at least one value", "none")
        for f in self.fs:
            self._check_f(f)
        self._check_numbers()
        if self.split.kind == "dirichlet" and not (
            self.split.alpha is not None and 0 < self.split.alpha <= 1000
        ):
            raise ParameterError("split", "dirichlet:ALPHA with 0 < ALPHA <= 1000", self.split)

    def _check_f(self, f: int) -> None:
        if isinstance(f, bool) or not isinstance(f, int) or not 0 <= f < self.n / 2:
            raise ParameterError("f", "an integer with 0 <= f < n/2", f"f={f}, n={self.n}")
        if self.rule == "krum" and not self.n > 2 * f + 2:
            raise ParameterError("f", "n > 2f + 2 (Krum)", f"f={f}, n={self.n}")
        if self.rule in ENUMERATING and math.comb(self.n, f) > MAX_SUBSETS:
            rule = f"C(n, f) <= {MAX_SUBSETS} ({self.rule} enumerates subsets)"
            raise ParameterError("n, f", rule, f"n={self.n}, f={f}")

    def _check_numbers(self) -> None:
        _number("step_size", self.step_size, positive=True)
        _number("radius", self.radius, positive=True)
        _number("l2", self.l2, positive=False)
        if self.l2 > 0:
            if self.theta_radius is None:
                raise ParameterError("theta_radius", "given (> 0) when l2 > 0", None)
            _number("theta_radius", self.theta_radius, positive=True)


def _number(name: str, value: object, *, positive: bool) -> None:
    """A finite rational or float in ``(0, 10^6]`` (``positive``) or ``[0, 10^6]``."""
    ok_type = isinstance(value, (int, Fraction, float)) and not isinstance(value, bool)
    if not ok_type or not math.isfinite(value) or not (0 < value if positive else 0 <= value):
        rule = f"0 < {name} <= 10^6" if positive else f"0 <= {name} <= 10^6"
        raise ParameterError(name, rule, value)
    if value > 10**6:
        raise ParameterError(name, f"{name} <= 10^6", value)


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ParameterError(name, "one of " + ", ".join(allowed), value)


def _between(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ParameterError(name, f"an integer with {low} <= {name} <= {high}", value)


def parse_split(text: str) -> Split:
    """``iid`` or ``dirichlet:ALPHA`` (ALPHA a positive decimal, parsed by ``float`` after a
    grammar check, never evaluated)."""
    import re

    if text == "iid":
        return Split()
    match = re.fullmatch(r"dirichlet:([0-9]+(?:\.[0-9]+)?)", text)
    if match is None:
        raise ParameterError("split", "iid or dirichlet:ALPHA (ALPHA a decimal > 0)", text)
    alpha = float(match.group(1))
    if not 0 < alpha <= 1000:
        raise ParameterError("split", "dirichlet:ALPHA with 0 < ALPHA <= 1000", text)
    return Split("dirichlet", alpha)
