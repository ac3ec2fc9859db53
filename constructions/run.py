"""Run one construction from Python: both trajectories, the stability, the bounds.

:func:`run_construction` is the public entry point behind ``boundkit.run_construction``.
It builds a registered construction (:data:`constructions.CONSTRUCTIONS`) at a
:class:`boundkit.config.Setting` (or at keyword parameters, the paper's symbols accepted:
:mod:`boundkit.bounds.parameters`), follows the two runs ``theta_0..theta_T`` on ``S`` and
``theta'_0..theta'_T`` on ``S'`` (:func:`boundkit.dynamics.coupled_runs.run_single` twice,
with the same seeded draws in SGD, so the runs are coupled as in
:func:`boundkit.dynamics.coupled_runs.run_pair`), measures the uniform stability it
reaches with :func:`constructions.measure.measure` (Def. 2.4: exact for GD and for the
SGD expectation within the state budget) and evaluates the registered upper and lower
bounds at the construction's own constants.

For SGD the trajectories are one realisation of the coupled draws (``seed``); the
stability is the expectation over the draws, not a property of that realisation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp

from boundkit.bounds import evaluate
from boundkit.bounds.parameters import make_setting
from boundkit.config import Setting
from boundkit.dynamics.coupled_runs import pair_gap, run_single
from boundkit.errors import HypothesisViolation, ParameterError
from constructions import CONSTRUCTIONS
from constructions.base import Construction, Instance
from constructions.measure import Measurement, measure


@dataclass(frozen=True)
class ConstructionRun:
    """What :func:`run_construction` found (paper symbols in brackets).

    ``setting`` holds the constants the construction really has (its loss's ``L``,
    ``beta``, ``mu``), at which ``upper_bound`` (``upper_id``) and ``lower_bound``
    (``lower_id``) are evaluated (``None`` where a hypothesis of the bound fails there).
    ``trajectory[t]`` is ``theta_t`` on ``S`` and ``trajectory_neighbour[t]`` is
    ``theta'_t`` on ``S'``, ``t = 0..T`` (a number in 1-D, a tuple in 2-D; exact
    Fractions for the rational losses), ``gaps[t] = ||theta_t - theta'_t||``.
    ``stability`` is the uniform stability reached (``eps``, Def. 2.4; ``E eps`` for SGD),
    ``stability_exact`` the same number exactly (``None`` for a Monte Carlo estimate),
    ``closed_form`` the construction's closed form; ``measurement`` has the rest
    (method, confidence interval).
    """

    construction: str
    title: str
    algorithm: str
    setting: Setting
    trajectory: tuple
    trajectory_neighbour: tuple
    gaps: tuple
    stability: mpmath.mpf
    stability_exact: sp.Expr | None
    closed_form: mpmath.mpf
    exact: bool
    method: str
    upper_id: str
    upper_bound: mpmath.mpf | None
    lower_id: str | None
    lower_bound: mpmath.mpf | None
    measurement: Measurement


class ConstructionUndefined(ParameterError):
    """A construction is not defined at the given point: one line naming the point and
    what the construction needs there, e.g. ``construction B1: must be defined at n=10,
    f=2, m=1: B1 needs f >= n/3 (use B2)``."""

    def __init__(self, name: str, setting: Setting, reason: str) -> None:
        where = f"n={setting.n}, f={setting.f}, m={setting.m}"
        if reason.startswith("needs "):
            why = f"{name} {reason}"
        elif re.fullmatch(r"\S+/\S+ needs .*", reason):  # a registered bound's hypothesis
            why = f"{name}'s bound {reason}"
        else:
            why = reason
        ValueError.__init__(self, f"construction {name}: must be defined at {where}: {why}")
        self.parameter = f"construction {name}"
        self.rule = why
        self.value = where


def construction_named(name: object) -> Construction:
    """The registered construction ``name`` (``ParameterError`` listing the names)."""
    if not isinstance(name, str) or name not in CONSTRUCTIONS:
        raise ParameterError("construction", "one of " + ", ".join(CONSTRUCTIONS), name)
    return CONSTRUCTIONS[name]


def setting_from(setting: Setting | Mapping[str, object] | None, params: Mapping) -> Setting:
    """``setting``, or one built from a mapping and/or keyword ``params``
    (:func:`boundkit.bounds.parameters.make_setting`: paper symbols accepted)."""
    if setting is None or isinstance(setting, Mapping):
        return make_setting(setting, **params)
    if not isinstance(setting, Setting):
        raise ParameterError("setting", "a boundkit.Setting or a mapping", type(setting).__name__)
    if params:
        raise ParameterError("setting", "given alone (no keyword parameters beside a Setting)")
    return setting


def _bound(result_id: str | None, setting: Setting, dps: int) -> mpmath.mpf | None:
    if result_id is None:
        return None
    try:
        return evaluate(result_id, setting.as_dict(), dps=dps)
    except HypothesisViolation:
        return None


def trajectories(instance: Instance, *, seed: int = 0, dps: int = 50) -> tuple[tuple, tuple]:
    """``(theta_0..theta_T on S, theta'_0..theta'_T on S')`` of a built instance, in exact
    rationals when its loss is rational (same seeded draws in both runs for SGD)."""
    problem, s = instance.problem, instance.setting
    arithmetic = "fraction" if problem.loss.rational else "mpmath"
    runs = [
        run_single(
            problem,
            algorithm=instance.algorithm,
            steps=s.T,
            step_size=s.step_size,
            run=run,
            arithmetic=arithmetic,
            dps=dps,
            seed=seed,
        )
        for run in (0, 1)
    ]
    return runs[0].iterates, runs[1].iterates


def run_construction(
    name: str,
    setting: Setting | Mapping[str, object] | None = None,
    /,
    *,
    seed: int = 0,
    dps: int = 50,
    **params: Any,
) -> ConstructionRun:
    """Build, run and measure the construction ``name`` (``"P1"``, ``"B3"``, ...).

    Give a :class:`Setting`, or its fields as a mapping and/or keywords (``n`` and ``f``
    required, the others default as in :class:`Setting`; paper symbols ``gamma``, ``L``,
    ``beta``, ``mu`` accepted).  Raises
    :class:`boundkit.errors.ParameterError` when the construction is not defined there
    (e.g. B1 needs ``f >= n/3``).  ``dps`` is the display precision of the ``mpf`` values;
    ``seed`` fixes the SGD draws of the trajectories (and of a Monte Carlo estimate).
    """
    construction = construction_named(name)
    chosen = setting_from(setting, params)
    reason = construction.applies(chosen)
    if reason is not None:
        raise ConstructionUndefined(name, chosen, reason)
    instance = construction.build(chosen)
    measurement = measure(instance, dps=dps, seed=seed)
    theta, theta_prime = trajectories(instance, seed=seed, dps=dps)
    lower_id = construction.lower_for(instance.setting)
    with mpmath.workdps(dps):
        gaps = tuple(pair_gap(a, b) for a, b in zip(theta, theta_prime, strict=True))
    return ConstructionRun(
        construction=name,
        title=construction.title,
        algorithm=instance.algorithm,
        setting=instance.setting,
        trajectory=theta,
        trajectory_neighbour=theta_prime,
        gaps=gaps,
        stability=measurement.empirical,
        stability_exact=measurement.empirical_exact,
        closed_form=measurement.closed_form,
        exact=measurement.exact,
        method=measurement.method,
        upper_id=construction.upper_id,
        upper_bound=_bound(construction.upper_id, instance.setting, dps),
        lower_id=lower_id,
        lower_bound=_bound(lower_id, instance.setting, dps),
        measurement=measurement,
    )


__all__ = [
    "ConstructionRun",
    "ConstructionUndefined",
    "construction_named",
    "run_construction",
    "trajectories",
]
