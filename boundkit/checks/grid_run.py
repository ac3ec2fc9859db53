"""Run a verification grid from Python and get typed records (``boundkit.verify_grid``).

``python -m boundkit verify`` keeps its records as text (:class:`boundkit.checks.verify.Record`;
``--json`` writes them typed, :func:`boundkit.outputs.verify_json.record_json`).
:func:`verify_grid` runs the same cases (:func:`boundkit.checks.grid.plan`,
:func:`boundkit.checks.verify.run_cases`) and, optionally, the central claim
(:func:`boundkit.checks.central_claim.central_claim`), and returns each record as a
:class:`VerifiedCase`: the :class:`boundkit.config.Setting` it ran at, the verdict as a
``bool``, the numbers as ``mpmath.mpf`` (display precision ``dps``) and the value the
construction reaches as an exact SymPy number.  Verdicts are those of ``verify``, decided
exactly or rigorously (never by a tolerance); the ``mpf`` fields are for reading.
The symbolic proof checks are not run here (``python -m proofs_check``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from boundkit.checks.central_claim import central_claim
from boundkit.checks.exact_text import parse_exact
from boundkit.checks.grid import DEFAULT_GRID, QUICK_GRID, Grid, plan
from boundkit.checks.verify import Record, run_cases
from boundkit.config import Setting
from boundkit.errors import ParameterError

#: named grids accepted by :func:`verify_grid`
GRIDS: dict[str, Grid] = {"quick": QUICK_GRID, "default": DEFAULT_GRID}


@dataclass(frozen=True)
class VerifiedCase:
    """One record of a verification, typed.

    ``setting`` is the grid point (``None`` for a central-claim record, which spans the
    constructions of one point); ``passed`` is ``status == "PASS"`` (``status``:
    ``PASS``, ``FAIL``, ``UNDECIDED`` or ``ERROR``); ``upper``, ``empirical``, ``lower``
    are the registered upper bound, the value reached and the lower bound (``None`` when
    the record has none); ``empirical_exact`` the value reached exactly (``None`` for a
    Monte Carlo estimate); ``record`` the text record ``verify`` keeps.
    """

    check: str
    theorem: str
    construction: str
    setting: Setting | None
    status: str
    passed: bool
    exact: bool
    method: str
    upper: mpmath.mpf | None
    empirical: mpmath.mpf | None
    lower: mpmath.mpf | None
    empirical_exact: sp.Expr | None
    detail: str
    record: Record


@dataclass(frozen=True)
class Verification:
    """The typed records of :func:`verify_grid`: ``cases`` one per (construction, grid
    point), ``claims`` the central-claim records (empty when not asked for)."""

    grid: Grid
    cases: tuple[VerifiedCase, ...]
    claims: tuple[VerifiedCase, ...]

    @property
    def passed(self) -> bool:
        """True when every record passed (what makes ``verify`` exit 0, proofs aside)."""
        return all(r.passed for r in self.cases + self.claims)

    @property
    def failures(self) -> tuple[VerifiedCase, ...]:
        return tuple(r for r in self.cases + self.claims if not r.passed)


def _number(text: str, dps: int) -> mpmath.mpf | None:
    """A record's display number (``""`` means none), read by mpmath's number parser."""
    if not text:
        return None
    with mpmath.workdps(dps):
        return mpmath.mpf(text)


def typed(record: Record, setting: Setting | None, dps: int = 50) -> VerifiedCase:
    """``record`` as a :class:`VerifiedCase` (``setting``: the point it ran at)."""
    exact = record.empirical_exact
    return VerifiedCase(
        check=record.check,
        theorem=record.theorem,
        construction=record.construction,
        setting=setting,
        status=record.status,
        passed=record.status == "PASS",
        exact=record.exact,
        method=record.method,
        upper=_number(record.upper, dps),
        empirical=_number(record.empirical, dps),
        lower=_number(record.lower, dps),
        empirical_exact=parse_exact(exact) if exact else None,
        detail=record.detail,
        record=record,
    )


def _grid(grid: Grid | str) -> Grid:
    if isinstance(grid, Grid):
        return grid
    if isinstance(grid, str) and grid in GRIDS:
        return GRIDS[grid]
    raise ParameterError("grid", "'quick', 'default' or a boundkit.Grid", grid)


def verify_grid(
    grid: Grid | str = "quick",
    *,
    constructions: Sequence[str] | None = None,
    claim: bool = True,
    workers: int = 1,
    dps: int = 50,
) -> Verification:
    """Run ``verify``'s construction checks over ``grid`` and return typed records.

    ``grid`` is ``"quick"`` (seconds), ``"default"`` (the grid of ``verify``, about 75 s
    on one core) or a :class:`boundkit.checks.grid.Grid`; ``constructions`` restricts to
    some names (``"P1"``, ``"B3"``, ...); ``claim`` adds the central-claim records;
    ``workers`` local processes.
    """
    from constructions import CONSTRUCTIONS

    chosen = _grid(grid)
    names = None if constructions is None else tuple(constructions)
    for name in names or ():
        if name not in CONSTRUCTIONS:
            raise ParameterError("constructions", "names among " + ", ".join(CONSTRUCTIONS), name)
    cases = plan(chosen, names)
    records = run_cases(cases, dps=dps, workers=workers)
    typed_cases = tuple(typed(r, c.setting, dps) for c, r in zip(cases, records, strict=True))
    claims = tuple(typed(r, None, dps) for r in central_claim(records, dps=dps)) if claim else ()
    return Verification(chosen, typed_cases, claims)


__all__ = ["GRIDS", "Verification", "VerifiedCase", "typed", "verify_grid"]
