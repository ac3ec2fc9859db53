"""Uniform stability of a pair (Def. 2.4) and the Lemma 4.1 generalization error."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit.dynamics.arithmetic import less
from boundkit.dynamics.coupled_runs import run_pair
from boundkit.dynamics.domains import Ball, Box
from boundkit.dynamics.losses import (
    LinearLoss,
    LinearQuadraticLoss,
    LogisticLoss,
    Loss,
    QuadraticLoss,
)
from boundkit.dynamics.problem import Problem, WorkerGroup
from boundkit.dynamics.stability import (
    generalization_error_lemma41,
    lipschitz_stability_bound,
    uniform_stability,
)
from boundkit.errors import ParameterError

SETTINGS = settings(max_examples=25, deadline=None)
unit = st.fractions(-1, 1, max_denominator=30)


def gap(loss: Loss, theta: Any, theta_prime: Any, z: Any) -> Any:
    return abs(loss.value(theta, z) - loss.value(theta_prime, z))


def grid(low: Fraction, high: Fraction, points: int = 41) -> list[Fraction]:
    return [low + (high - low) * Fraction(i, points - 1) for i in range(points)]


# --------------------------------------------------------------------------- closed forms


@SETTINGS
@given(theta=unit, theta_prime=unit, bound=st.fractions(Fraction(1, 4), 3, max_denominator=8))
def test_linear_matches_brute_force(
    theta: Fraction, theta_prime: Fraction, bound: Fraction
) -> None:
    loss = LinearLoss(bound)
    value = uniform_stability(loss, theta, theta_prime)
    assert value == bound * abs(theta - theta_prime)
    assert value == max(gap(loss, theta, theta_prime, z) for z in grid(-bound, bound))


def test_linear_in_two_dimensions_is_the_dual_norm() -> None:
    loss = LinearLoss(2, dimension=2)
    theta, theta_prime = (Fraction(3, 5), 1), (0, Fraction(1, 5))  # d = (3/5, 4/5)
    assert uniform_stability(loss, theta, theta_prime) == 2
    assert loss.data_domain == Ball(2, 2)
    attained = (Fraction(6, 5), Fraction(8, 5))  # z = 2 d / ||d||
    assert gap(loss, theta, theta_prime, attained) == 2


@SETTINGS
@given(
    theta=st.tuples(unit, unit),
    theta_prime=st.tuples(unit, unit),
    mu=st.fractions(Fraction(1, 5), 4, max_denominator=5),
)
def test_quadratic_matches_the_box_vertices(theta: tuple, theta_prime: tuple, mu: Fraction) -> None:
    radius = Fraction(3, 2)
    loss = QuadraticLoss(mu, radius, dimension=2)
    value = uniform_stability(loss, theta, theta_prime)
    corners = list(itertools.product((-radius, radius), repeat=2))  # affine in z: a corner
    assert value == max(gap(loss, theta, theta_prime, z) for z in corners)
    one_d = QuadraticLoss(mu, radius)
    d, s = theta[0] - theta_prime[0], theta[0] + theta_prime[0]
    expected = mu / 2 * abs(d) * (abs(s) + 2 * radius)  # the 1-D closed form of the brief
    assert uniform_stability(one_d, theta[0], theta_prime[0]) == expected
    assert expected == max(gap(one_d, theta[0], theta_prime[0], z) for z in grid(-radius, radius))


@SETTINGS
@given(
    theta=st.fractions(0, 4, max_denominator=20),
    theta_prime=st.fractions(0, 4, max_denominator=20),
    bounded=st.booleans(),
)
def test_linear_quadratic_matches_brute_force(
    theta: Fraction, theta_prime: Fraction, bounded: bool
) -> None:
    loss = LinearQuadraticLoss(1, Fraction(1, 4), 4, bounded_gradients=bounded)
    value = uniform_stability(loss, theta, theta_prime)
    samples = [
        (a, b)
        for a in grid(Fraction(-1), Fraction(1), 21)
        for b in grid(Fraction(0), Fraction(1, 4), 11)
        if loss.data_domain.contains((a, b))
    ]
    assert value == max(gap(loss, theta, theta_prime, z) for z in samples)


# --------------------------------------------------------------------------- numeric


def logistic_brute_force_1d(bound: float, theta: float, theta_prime: float) -> float:
    xs = np.linspace(-bound, bound, 200_001)
    return float(np.max(np.abs(np.logaddexp(0, -xs * theta) - np.logaddexp(0, -xs * theta_prime))))


@SETTINGS
@given(theta=unit, theta_prime=unit)
def test_logistic_one_dimension_matches_a_dense_grid(
    theta: Fraction, theta_prime: Fraction
) -> None:
    loss = LogisticLoss(3, 1)
    value = uniform_stability(loss, 4 * theta, 4 * theta_prime)
    brute = logistic_brute_force_1d(3.0, float(4 * theta), float(4 * theta_prime))
    assert float(value) == pytest.approx(brute, abs=1e-7)
    assert float(value) >= brute - 1e-12
    with mpmath.workdps(30):
        assert not less(lipschitz_stability_bound(loss, 4 * theta, 4 * theta_prime) + 1e-25, value)


def test_logistic_two_dimensions_matches_a_dense_disc() -> None:
    loss = LogisticLoss(2, 3, dimension=2)
    rng = np.random.default_rng(0)
    radius = np.sqrt(rng.uniform(0, 1, 400_000)) * 2
    angle = rng.uniform(0, 2 * math.pi, 400_000)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    for theta, theta_prime in [((1, 2), (-1, Fraction(1, 2))), ((2, 0), (1, 0)), ((0, 0), (1, 1))]:
        value = float(uniform_stability(loss, theta, theta_prime))
        u, v = x @ np.array(theta, float), x @ np.array(theta_prime, float)
        brute = float(np.max(np.abs(np.logaddexp(0, -u) - np.logaddexp(0, -v))))
        assert brute - 1e-12 <= value <= brute + 1e-3


@dataclass(frozen=True)
class UserQuadratic(Loss):
    """A user loss the dispatcher does not know: (mu/2)(theta - z)^2 on a box."""

    mu: Any
    box: Box

    @property
    def dimension(self) -> int:  # type: ignore[override]
        return self.box.dimension or 1

    def value(self, theta: Any, z: Any) -> Any:
        if isinstance(theta, tuple):
            return self.mu / 2 * sum((t - s) ** 2 for t, s in zip(theta, z, strict=True))
        return self.mu / 2 * (theta - z) ** 2

    def gradient(self, theta: Any, z: Any) -> Any:
        raise NotImplementedError

    lipschitz = smoothness = strong_convexity = None  # type: ignore[assignment]

    @property
    def domain(self) -> Box:  # type: ignore[override]
        return self.box

    @property
    def data_domain(self) -> Box:  # type: ignore[override]
        return self.box


@pytest.mark.parametrize(
    ("theta", "theta_prime"), [(Fraction(1, 3), Fraction(-1, 2)), (0, Fraction(1, 7)), (1, 1)]
)
def test_generic_fallback_matches_the_closed_form(theta: Fraction, theta_prime: Fraction) -> None:
    known = QuadraticLoss(Fraction(3, 2), 2)
    user = UserQuadratic(Fraction(3, 2), Box(-2, 2))
    exact = uniform_stability(known, theta, theta_prime)
    with mpmath.workdps(30):
        assert abs(uniform_stability(user, theta, theta_prime) - exact) < mpmath.mpf(10) ** -25
    user_2d = UserQuadratic(Fraction(3, 2), Box((-2, -1), (2, 1)))
    theta2, theta2_prime = (theta, Fraction(1, 5)), (theta_prime, Fraction(-1, 3))
    d = (theta - theta_prime, Fraction(1, 5) + Fraction(1, 3))
    s = (theta + theta_prime, Fraction(1, 5) - Fraction(1, 3))
    closed = Fraction(3, 4) * (abs(d[0] * s[0] + d[1] * s[1]) + 4 * abs(d[0]) + 2 * abs(d[1]))
    with mpmath.workdps(30):
        value = uniform_stability(user_2d, theta2, theta2_prime)
        assert abs(value - closed) < mpmath.mpf(10) ** -20


@SETTINGS
@given(
    theta=st.fractions(-1, 1, max_denominator=12),
    theta_prime=st.fractions(-1, 1, max_denominator=12),
    family=st.sampled_from(["linear", "quadratic", "linear-quadratic", "logistic"]),
)
def test_stability_never_exceeds_lipschitz_times_distance(
    theta: Fraction, theta_prime: Fraction, family: str
) -> None:
    """eps <= L ||theta - theta'|| (the link behind every upper bound)."""
    loss = {
        "linear": LinearLoss(2),
        "quadratic": QuadraticLoss(Fraction(1, 2), 1),
        "linear-quadratic": LinearQuadraticLoss(1, Fraction(1, 2), 2),
        "logistic": LogisticLoss(2, 1),
    }[family]
    if family == "linear-quadratic":
        theta, theta_prime = 1 + theta, 1 + theta_prime  # into [0, 2]
    value = uniform_stability(loss, theta, theta_prime)
    bound = lipschitz_stability_bound(loss, theta, theta_prime)
    with mpmath.workdps(30):
        assert not less(bound + mpmath.mpf(10) ** -25, value)


# --------------------------------------------------------------------------- Lemma 4.1


@SETTINGS
@given(
    theta_1=st.fractions(-5, 5, max_denominator=20),
    theta_2=st.fractions(-5, 5, max_denominator=20),
    L=st.fractions(Fraction(1, 3), 3, max_denominator=6),
    h=st.integers(1, 9),
    data=st.data(),
)
def test_lemma41_matches_theory_formula(
    theta_1: Fraction, theta_2: Fraction, L: Fraction, h: int, data: st.DataObject
) -> None:
    z1, z2 = -L, L
    expected = (z2 - z1) * (theta_1 - theta_2) / (4 * h)  # THEORY.md section 4
    assert generalization_error_lemma41(theta_1, theta_2, L, h) == expected
    others = data.draw(
        st.lists(st.fractions(-L, L, max_denominator=9), min_size=h - 1, max_size=h - 1)
    )
    assert generalization_error_lemma41(theta_1, theta_2, L, h, dirac_values=others) == expected


def test_lemma41_on_p1_is_stability_over_twice_h_and_positive() -> None:
    """m = 1, (P1): E[gen] = eps / (2(n - f)) with a positive sign (S1 holds z1 = -L)."""
    n, f, L, gamma, T = 9, 3, Fraction(2), Fraction(1, 10), 6
    special = lambda z: WorkerGroup((z,), 1, "special")  # noqa: E731
    rest = (WorkerGroup((0,), n - 2 * f - 1), WorkerGroup((L,), f, "A"))
    problem = Problem(
        (special(-L), *rest),
        (special(L), *rest),
        LinearLoss(L),
        f,
        poisoned=(WorkerGroup((-L,), f, "B"),),
    )
    result = run_pair(problem, algorithm="gd", steps=T, step_size=gamma, arithmetic="fraction")
    generalization = generalization_error_lemma41(result.final, result.final_neighbour, L, n - f)
    eps = uniform_stability(LinearLoss(L), result.final, result.final_neighbour)
    assert generalization == eps / (2 * (n - f)) > 0


# --------------------------------------------------------------------------- bad inputs


def test_bad_inputs_raise_parameter_error() -> None:
    loss = LinearLoss(1)
    for theta, theta_prime in [(float("nan"), 0), (0, float("inf")), ((0, 0), 0), (True, 0)]:
        with pytest.raises(ParameterError):
            uniform_stability(loss, theta, theta_prime)
        with pytest.raises(ParameterError):
            lipschitz_stability_bound(loss, theta, theta_prime)
    with pytest.raises(ParameterError):
        uniform_stability(LogisticLoss(1, 1), 0, 1, dps=10)
    with pytest.raises(ParameterError):
        uniform_stability(UserQuadratic(1, Box(0, None)), 0, 1)  # not compact
    for args, kwargs in [
        ((0, 1, 1, 0), {}),
        ((0, 1, 0, 3), {}),
        ((0, 1, -1, 3), {}),
        ((float("nan"), 1, 1, 3), {}),
        ((0, 1, 1, 3), {"dirac_values": (0,)}),
        ((0, 1, 1, 3), {"dirac_values": (0, 2)}),
        ((0, 1, 1, 2.0), {}),
    ]:
        with pytest.raises(ParameterError):
            generalization_error_lemma41(*args, **kwargs)
