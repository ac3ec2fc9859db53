"""Reference values per step in units of ``L``: the registered bounds eqs. (2), (5) and
the (B1)/(B2) and B3 pushes of :mod:`constructions`."""

from __future__ import annotations

import mpmath

from boundkit.labs.attacks.model import Problem


def _per_step(result_id: str, problem: Problem, dps: int) -> mpmath.mpf:
    """A registered convex bound at ``gamma = T = 1``, ``m = 1``, over ``L^2``.

    The registry's eq. (2)/(5) are ``2 gamma L^2 T x (...)``; at ``gamma = T = 1``
    (``beta = 1`` keeps ``gamma <= 2/beta``) and divided by ``L^2`` they are the per-step
    divergence bound in units of ``L``, the units of the search.
    """
    from boundkit import bounds

    params = {"n": problem.n, "f": problem.f, "m": 1, "T": 1, "step_size": 1}
    params |= {"lipschitz": 1, "smoothness": 1, "strong_convexity": 0}
    return bounds.evaluate(result_id, params, dps=dps)


def poisoning_per_step(problem: Problem, dps: int = 30) -> mpmath.mpf:
    """Eq. (5) per step: ``2 (f + 1)/(n - f)`` (docs/theory.md, section 2; Theorem 3.3)."""
    return _per_step("thm3.3/convex", problem, dps)


def byzantine_upper_per_step(problem: Problem, dps: int = 30) -> mpmath.mpf:
    """Eq. (2) per step: ``2 (1/N + sqrt(kappa_SMEA))`` (Theorem 3.1, ``N = h``)."""
    return _per_step("thm3.1/convex", problem, dps)


def halves_push(problem: Problem) -> mpmath.mpf:
    """The (B1)/(B2) push (App. C.3): ``halves_gap_supremum`` at ``m = 1``, units of ``L``."""
    from constructions.halves_attack import halves_gap_supremum

    return halves_gap_supremum(problem.n, problem.f, 1, 1)[1]


def orthogonal_push(problem: Problem) -> mpmath.mpf | None:
    """The B3 orthogonal push per step at ``m = 1``, units of ``L``
    (:func:`constructions.b3_orthogonal_push.gap_per_step`); None where B3 is not defined."""
    from constructions.b3_orthogonal_push import gap_per_step

    return gap_per_step(problem.n, problem.f, 1, 1)
