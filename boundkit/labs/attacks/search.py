"""The search: float starts climbed, the best polished, rationalised and re-evaluated
exactly; in 2-D the 1-D search competes (package docstring of :mod:`boundkit.labs.attacks`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

import mpmath
import numpy as np

from boundkit.labs.attacks.certificate import Certificate, ExactEvaluation, evaluate_exact
from boundkit.labs.attacks.local_search import _improve
from boundkit.labs.attacks.model import Groups, Problem, SearchSettings
from boundkit.labs.attacks.rationalise import _best_exact
from boundkit.labs.attacks.scoring import _Candidate
from boundkit.labs.attacks.starts import _random_start, halves_certificates, structured_starts


@dataclass(frozen=True)
class SearchResult:
    """The best exactly re-evaluated configuration and what it is compared with."""

    problem: Problem
    certificate: Certificate
    evaluation: ExactEvaluation
    float_value: float
    start_values: dict[str, mpmath.mpf]

    @property
    def divergence(self) -> mpmath.mpf:
        return self.evaluation.divergence()


def _float_search(problem: Problem, settings: SearchSettings) -> list[_Candidate]:
    """Structured and random starts, each improved; best first."""
    rng = np.random.default_rng([settings.seed, problem.n, problem.f, problem.d])
    starts = structured_starts(problem)
    starts += [_random_start(problem, rng) for _ in range(settings.restarts)]
    improved = [_improve(problem, s, settings, rng) for s in starts]
    return sorted(improved, key=lambda c: -c.value)


def _lifted(candidate: _Candidate) -> _Candidate:
    """A 1-D candidate embedded along ``e1`` of the plane."""
    lay = replace(candidate.layout, d=2)
    theta = np.stack([candidate.theta, np.zeros_like(candidate.theta)], axis=1).ravel()
    return replace(candidate, layout=lay, theta=theta, family=candidate.family + ", from 1-D")


def _polished(problem: Problem, candidates: list[_Candidate], settings: SearchSettings) -> list:
    """The ``settings.keep`` best candidates climbed again with a triple budget."""
    rng = np.random.default_rng([settings.seed, problem.n, problem.f, problem.d, 1])
    longer = replace(settings, evaluations=3 * settings.evaluations)
    polished = [_improve(problem, c, longer, rng) for c in candidates[: settings.keep]]
    return sorted(polished + candidates[settings.keep :], key=lambda c: -c.value)


def _lift_certificate(certificate: Certificate, problem: Problem) -> Certificate:
    """A 1-D certificate embedded along ``e1`` of the plane (same divergence)."""

    def lift(groups: Groups) -> Groups:
        return tuple(((v[0], Fraction(0)), c) for v, c in groups)

    return Certificate(
        problem,
        lift(certificate.honest),
        (certificate.changed[0], Fraction(0)),
        lift(certificate.byzantine_1),
        lift(certificate.byzantine_2),
        certificate.family + ", from 1-D",
    )


def _search(problem: Problem, settings: SearchSettings) -> tuple[SearchResult, list[_Candidate]]:
    exact = [(c, evaluate_exact(c)) for c in halves_certificates(problem)]
    starts = {c.family: e.divergence() for c, e in exact}
    candidates = _float_search(problem, settings)
    if problem.d == 2:
        line, line_candidates = _search(replace(problem, d=1), settings)
        lifted = _lift_certificate(line.certificate, problem)
        exact.append((lifted, evaluate_exact(lifted)))
        lifted_floats = [_lifted(c) for c in line_candidates[: settings.keep]]
        candidates = sorted(candidates + lifted_floats, key=lambda c: -c.value)
    candidates = _polished(problem, candidates, settings)
    exact += [_best_exact(problem, c) for c in candidates[: settings.keep]]
    cert, ev = max(exact, key=lambda ce: ce[1].divergence_squared)
    return SearchResult(problem, cert, ev, candidates[0].value, starts), candidates


def search(
    problem: Problem,
    settings: SearchSettings = SearchSettings(),  # noqa: B008 - frozen, immutable
) -> SearchResult:
    """Maximise the per-step divergence at ``problem`` (module docstring).

    Exact starts (:func:`halves_certificates`) and structured float starts
    (:func:`structured_starts`), then ``settings.restarts`` random starts; every start is
    improved (:func:`_improve`).  In 2-D the whole 1-D search runs first: its best
    certificate (embedded along ``e1``) competes exactly and its best float optima join
    the 2-D ones, so the plane never reports less than the line.  The ``settings.keep``
    best are polished, rationalised and re-evaluated exactly; the best exact value over
    all of these (structured exact starts included) is returned.  Deterministic for a
    given seed.
    """
    return _search(problem, settings)[0]
