"""Loss families: gradients, constants, domains, number types (boundkit.dynamics.losses)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit.dynamics.arithmetic import dot, euclidean_norm, exact_sqrt, less, squared_norm
from boundkit.dynamics.domains import Ball, Box, LabelledBall
from boundkit.dynamics.losses import (
    LinearLoss,
    LinearQuadraticLoss,
    LogisticLoss,
    QuadraticLoss,
)
from boundkit.errors import ParameterError

SETTINGS = settings(max_examples=30, deadline=None)


def unit_fractions() -> st.SearchStrategy[Fraction]:
    """Exact rationals in [-1, 1]."""
    return st.fractions(min_value=-1, max_value=1, max_denominator=50)


def sub(u: object, v: object) -> object:
    if isinstance(u, tuple):
        return tuple(a - b for a, b in zip(u, v, strict=True))
    return u - v


# --------------------------------------------------------------------------- gradients


@SETTINGS
@given(theta=unit_fractions(), z=unit_fractions())
def test_linear_gradient_matches_sympy(theta: Fraction, z: Fraction) -> None:
    x = sp.Symbol("x")
    derivative = sp.diff(z * x, x).subs(x, theta)
    assert LinearLoss(1).gradient(theta, z) == derivative
    assert LinearLoss(1).value(theta, z) == z * theta


@SETTINGS
@given(
    theta=st.tuples(unit_fractions(), unit_fractions()),
    z=st.tuples(unit_fractions(), unit_fractions()),
)
def test_quadratic_gradient_matches_sympy_in_two_dimensions(theta: tuple, z: tuple) -> None:
    mu, radius = Fraction(3, 2), 1
    loss = QuadraticLoss(mu, radius, dimension=2)
    xs = sp.symbols("x0 x1")
    expression = sp.Rational(3, 4) * sum((x - c) ** 2 for x, c in zip(xs, z, strict=True))
    at = dict(zip(xs, theta, strict=True))
    assert loss.value(theta, z) == expression.subs(at)
    assert loss.gradient(theta, z) == tuple(sp.diff(expression, x).subs(at) for x in xs)


@SETTINGS
@given(
    theta=st.fractions(min_value=0, max_value=4, max_denominator=50),
    a=unit_fractions(),
    b=st.fractions(min_value=0, max_value=Fraction(1, 2), max_denominator=50),
)
def test_linear_quadratic_gradient_matches_sympy(theta: Fraction, a: Fraction, b: Fraction) -> None:
    loss = LinearQuadraticLoss(1, Fraction(1, 2), 4)
    x = sp.Symbol("x")
    expression = a * x + b * x**2 / 2
    assert loss.value(theta, (a, b)) == expression.subs(x, theta)
    assert loss.gradient(theta, (a, b)) == sp.diff(expression, x).subs(x, theta)
    assert isinstance(loss.gradient(theta, (a, b)), Fraction | int)


@SETTINGS
@given(
    theta=st.tuples(unit_fractions(), unit_fractions()),
    x=st.tuples(unit_fractions(), unit_fractions()),
    y=st.sampled_from([-1, 1]),
)
def test_logistic_gradient_matches_numeric_derivative(theta: tuple, x: tuple, y: int) -> None:
    loss = LogisticLoss(2, 1, dimension=2)
    with mpmath.workdps(40):
        point = tuple(mpmath.mpf(c.numerator) / c.denominator for c in theta)
        gradient = loss.gradient(point, (x, y))
        for k in range(2):

            def along(t: object, k: int = k) -> object:
                moved = tuple(p + t if i == k else p for i, p in enumerate(point))
                return loss.value(moved, (x, y))

            assert abs(mpmath.diff(along, 0) - gradient[k]) < mpmath.mpf(10) ** -30


def test_logistic_float_path_matches_mpmath_and_never_overflows() -> None:
    loss = LogisticLoss(1, 1000)
    for theta in (-900.0, -3.0, 0.0, 2.5, 900.0):
        for y in (-1, 1):
            with mpmath.workdps(30):
                exact = loss.value(mpmath.mpf(theta), (1, y))
                exact_gradient = loss.gradient(mpmath.mpf(theta), (1, y))
            assert loss.value(theta, (1.0, y)) == pytest.approx(float(exact), rel=1e-12)
            assert loss.gradient(theta, (1.0, y)) == pytest.approx(float(exact_gradient), rel=1e-12)
    assert isinstance(loss.value(Fraction(1, 2), (1, 1)), mpmath.mpf)  # documented fallback


# --------------------------------------------------------------------------- constants


@SETTINGS
@given(theta=unit_fractions(), z=unit_fractions(), mu=st.fractions(1, 5, max_denominator=9))
def test_quadratic_gradient_bounded_by_lipschitz(
    theta: Fraction, z: Fraction, mu: Fraction
) -> None:
    radius = Fraction(3, 2)
    loss = QuadraticLoss(mu, radius)
    assert abs(loss.gradient(theta * radius, z * radius)) <= loss.lipschitz == 2 * mu * radius


def test_quadratic_lipschitz_is_attained_at_opposite_corners() -> None:
    loss = QuadraticLoss(2, 3, dimension=4)
    assert loss.lipschitz == 2 * 2 * 3 * 2  # sqrt(4) = 2, exact
    assert euclidean_norm(loss.gradient((3,) * 4, (-3,) * 4)) == loss.lipschitz
    with mpmath.workdps(30):
        assert abs(QuadraticLoss(1, 1, dimension=2).lipschitz - 2 * mpmath.sqrt(2)) < 1e-25


@SETTINGS
@given(
    t=st.fractions(0, 1, max_denominator=50),
    a=unit_fractions(),
    b=st.fractions(0, 1, max_denominator=50),
    bounded=st.booleans(),
)
def test_linear_quadratic_gradient_bounded_by_lipschitz(
    t: Fraction, a: Fraction, b: Fraction, bounded: bool
) -> None:
    bound, curvature, upper = Fraction(2), Fraction(1, 3), Fraction(4)
    loss = LinearQuadraticLoss(bound, curvature, upper, bounded_gradients=bounded)
    z = (a * bound, b * curvature)
    if not loss.data_domain.contains(z):
        assert bounded and z[0] + z[1] * upper > bound
        return
    assert abs(loss.gradient(t * upper, z)) <= loss.lipschitz


def test_linear_quadratic_constants() -> None:
    loss = LinearQuadraticLoss(1, Fraction(1, 4), 8)
    assert loss.lipschitz == 1 + Fraction(1, 4) * 8  # gradient a + b theta at (1, 1/4), 8
    assert (loss.smoothness, loss.strong_convexity) == (Fraction(1, 4), 0)
    restricted = LinearQuadraticLoss(1, Fraction(1, 4), 8, bounded_gradients=True)
    assert restricted.lipschitz == 1
    assert set(restricted.data_domain.vertices()) == {(-1, 0), (1, 0), (-1, Fraction(1, 4))}
    assert restricted.data_domain.contains((-1, Fraction(1, 4)))  # (P3)'s poisoned sample
    assert not restricted.data_domain.contains((1, Fraction(1, 4)))
    cut = LinearQuadraticLoss(1, Fraction(1, 10), 8, bounded_gradients=True)
    assert (1 - Fraction(8, 10), Fraction(1, 10)) in cut.data_domain.vertices()
    assert cut.lipschitz == 1


@SETTINGS
@given(
    theta=st.tuples(unit_fractions(), unit_fractions(), unit_fractions()),
    x=st.tuples(unit_fractions(), unit_fractions(), unit_fractions()),
    y=st.sampled_from([-1, 1]),
)
def test_logistic_gradient_bounded_by_lipschitz(theta: tuple, x: tuple, y: int) -> None:
    loss = LogisticLoss(Fraction(3, 2), 2, dimension=3)
    features = tuple(c * Fraction(3, 4) for c in x)  # ||x|| <= sqrt(3) < 2: into the ball
    assert loss.data_domain.contains((features, y))
    with mpmath.workdps(30):
        gradient = loss.gradient(tuple(2 * c for c in theta), (features, y))
        assert not less(loss.lipschitz**2, squared_norm(gradient))


@SETTINGS
@given(
    x=unit_fractions(),
    y=unit_fractions(),
    a=unit_fractions(),
    b=st.fractions(0, 1, max_denominator=40),
)
def test_co_coercivity_and_convexity_linear_quadratic(
    x: Fraction, y: Fraction, a: Fraction, b: Fraction
) -> None:
    loss = LinearQuadraticLoss(1, Fraction(1, 2), 2)
    z = (a, b / 2)
    x, y = 1 + x, 1 + y  # into [0, 2]
    gx, gy = loss.gradient(x, z), loss.gradient(y, z)
    # Lemma B.1: <g(x) - g(y), x - y> >= (1/beta) |g(x) - g(y)|^2
    assert (gx - gy) * (x - y) >= (gx - gy) ** 2 / loss.smoothness
    assert loss.value(y, z) >= loss.value(x, z) + gx * (y - x)  # convex


@SETTINGS
@given(
    x=st.tuples(unit_fractions(), unit_fractions()),
    y=st.tuples(unit_fractions(), unit_fractions()),
    z=st.tuples(unit_fractions(), unit_fractions()),
)
def test_co_coercivity_and_strong_convexity_quadratic(x: tuple, y: tuple, z: tuple) -> None:
    loss = QuadraticLoss(Fraction(5, 3), 1, dimension=2)
    gx, gy = loss.gradient(x, z), loss.gradient(y, z)
    dg, dx = sub(gx, gy), sub(x, y)
    assert dot(dg, dx) >= squared_norm(dg) / loss.smoothness
    assert dot(dg, dx) >= loss.strong_convexity * squared_norm(dx)
    mu = loss.strong_convexity
    assert loss.value(y, z) >= loss.value(x, z) + dot(gx, sub(y, x)) + mu / 2 * squared_norm(dx)


@SETTINGS
@given(
    x=st.tuples(unit_fractions(), unit_fractions()),
    y=st.tuples(unit_fractions(), unit_fractions()),
    features=st.tuples(unit_fractions(), unit_fractions()),
    label=st.sampled_from([-1, 1]),
)
def test_co_coercivity_and_convexity_logistic(
    x: tuple, y: tuple, features: tuple, label: int
) -> None:
    loss = LogisticLoss(2, 1, dimension=2)
    z = (features, label)  # |features| <= sqrt(2) <= 2
    with mpmath.workdps(40):
        gx, gy = loss.gradient(x, z), loss.gradient(y, z)
        dg, dx = sub(gx, gy), sub(x, y)
        slack = mpmath.mpf(10) ** -35
        assert dot(dg, dx) >= squared_norm(dg) / loss.smoothness - slack
        assert loss.value(y, z) >= loss.value(x, z) + dot(gx, sub(y, x)) - slack


def test_linear_loss_constants_and_number_types() -> None:
    loss = LinearLoss(Fraction(3, 2))
    assert (loss.lipschitz, loss.smoothness, loss.strong_convexity) == (Fraction(3, 2), 0, 0)
    assert loss.data_domain == Box(Fraction(-3, 2), Fraction(3, 2))
    assert loss.domain == Box(None, None)
    assert LinearLoss(2, dimension=3).data_domain == Ball(2, 3)
    assert LinearLoss(2, dimension=2).value((1, 2), (Fraction(1, 3), 1)) == Fraction(7, 3)
    assert isinstance(QuadraticLoss(1, 1).value(1, 0), Fraction)  # ints stay exact
    assert LogisticLoss(2, 1).smoothness == 1
    with mpmath.workdps(30):
        converted = LinearLoss(Fraction(1, 3)).converted(lambda v: mpmath.mpf(v.numerator) / 3)
        assert isinstance(converted.bound, mpmath.mpf)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), True, "1", None])
def test_constructors_reject_bad_constants(bad: object) -> None:
    for build in (
        lambda: LinearLoss(bad),
        lambda: QuadraticLoss(bad, 1),
        lambda: QuadraticLoss(1, bad),
        lambda: LinearQuadraticLoss(bad, 1, 1),
        lambda: LinearQuadraticLoss(1, bad, 1),
        lambda: LinearQuadraticLoss(1, 1, bad),
        lambda: LogisticLoss(bad, 1),
        lambda: LogisticLoss(1, bad),
        lambda: Ball(bad),
    ):
        with pytest.raises(ParameterError):
            build()


@pytest.mark.parametrize("dimension", [0, -2, 1.5, True])
def test_constructors_reject_bad_dimensions(dimension: object) -> None:
    for build in (
        lambda d: LinearLoss(1, dimension=d),
        lambda d: QuadraticLoss(1, 1, dimension=d),
        lambda d: LogisticLoss(1, 1, dimension=d),
        lambda d: Ball(1, d),
    ):
        with pytest.raises(ParameterError):
            build(dimension)
    with pytest.raises(ParameterError):
        LinearQuadraticLoss(1, 1, 1, bounded_gradients="yes")


def test_box_validation_and_geometry() -> None:
    with pytest.raises(ParameterError):
        Box(1, 0)
    with pytest.raises(ParameterError):
        Box(float("nan"), 1)
    with pytest.raises(ParameterError):
        Box((0, 0), (1, 1, 1))
    box = Box((0, -1), (1, None))
    assert box((5, -5)) == (1, -1) and box.contains((1, 7)) and not box.contains((1,))
    assert not box.is_compact and Box(-1, 1).is_compact
    assert Box(0, None)(-3) == 0 and Box(0, None)(3) == 3
    with mpmath.workdps(30):
        assert Box(Fraction(1, 3), 1)(mpmath.mpf(0)) == Fraction(1, 3)  # mixed types compare
        assert less(mpmath.mpf(1) / 3, Fraction(1, 2)) and not less(Fraction(1, 2), mpmath.mpf(0))
    assert LabelledBall(1, 2).contains(((Fraction(3, 5), Fraction(4, 5)), -1))
    assert not LabelledBall(1, 2).contains(((1, 1), 1))
    assert not LabelledBall(1, 2).contains(((0, 0), 0))


def test_exact_square_roots() -> None:
    assert exact_sqrt(Fraction(9, 4)) == Fraction(3, 2)
    assert exact_sqrt(16) == 4
    assert euclidean_norm((Fraction(3, 5), Fraction(4, 5))) == 1
    assert euclidean_norm(Fraction(-2, 3)) == Fraction(2, 3)
    with mpmath.workdps(30):
        assert abs(exact_sqrt(2) - mpmath.sqrt(2)) < mpmath.mpf(10) ** -28
