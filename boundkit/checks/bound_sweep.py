"""Every registered stability bound evaluated over the verify grid (finite and positive),
and the Byzantine upper bound never below the poisoning one (Theorem 3.1 vs 3.3)."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import mpmath

from boundkit import bounds
from boundkit.checks.grid import Grid
from boundkit.config import Setting


@dataclass(frozen=True)
class SweepResult:
    """Every registered stability bound evaluated on a grid (finite and positive)."""

    evaluated: int
    skipped: int
    problems: tuple[str, ...]


def _sweep_results() -> tuple[bounds.Result, ...]:
    return tuple(r for r in bounds.REGISTRY if r.quantity in ("uniform stability", "kappa"))


_UPPER_PAIRS = (
    ("thm3.1/convex", "thm3.3/convex"),
    ("thm3.1/strongly-convex", "thm3.3/strongly-convex"),
)


def bound_sweep(
    grid: Grid,
    dps: int = 30,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    pool: Executor | None = None,
) -> SweepResult:
    """Evaluate every stability bound where its hypotheses hold; flag non-finite or <= 0.

    Also checks, point by point, that the Byzantine upper bound with ``kappa_SMEA`` is
    never below the poisoning upper bound (Theorem 3.1 vs 3.3).  Grid points are
    independent: ``workers`` / ``scheduler`` spread them like
    :func:`boundkit.checks.verify.run_cases`.
    """
    from boundkit.parallel import map_ordered

    parts = list(
        map_ordered(
            _sweep_setting,
            list(grid.settings()),
            dps=dps,
            workers=workers,
            scheduler=scheduler,
            pool=pool,
        )
    )
    return SweepResult(
        sum(p.evaluated for p in parts),
        sum(p.skipped for p in parts),
        tuple(line for p in parts for line in p.problems),
    )


def _sweep_setting(setting: Setting, dps: int) -> SweepResult:
    """:func:`bound_sweep` at one grid point."""
    evaluated = skipped = 0
    problems: list[str] = []
    params = setting.as_dict()
    values: dict[str, mpmath.mpf] = {}
    for result in _sweep_results():
        if bounds.violated_hypotheses(result, params):
            skipped += 1
            continue
        value = bounds.evaluate(result, params, dps=dps)
        values[result.id] = value
        evaluated += 1
        if not (mpmath.isfinite(value) and value > 0):
            problems.append(f"{result.id} at {params}: {value}")
    for byzantine, poisoning in _UPPER_PAIRS:
        both = byzantine in values and poisoning in values
        if both and values[byzantine] < values[poisoning]:
            problems.append(f"{byzantine} < {poisoning} at {params}")
    return SweepResult(evaluated, skipped, tuple(problems))
