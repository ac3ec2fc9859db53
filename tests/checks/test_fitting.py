"""The power-law fitter recovers known exponents, with and without noise."""

from __future__ import annotations

import random

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit.checks.fitting import fit_power_law
from boundkit.errors import ParameterError


@settings(max_examples=25, deadline=None)
@given(
    st.floats(0.2, 2.5),
    st.floats(-5, 5),
    st.floats(0.5, 10),
)
def test_exact_data_recovers_exponent(p: float, c0: float, c1: float) -> None:
    xs = [0.05 * i for i in range(1, 30)]
    ys = [c0 + c1 * x**p for x in xs]
    fit = fit_power_law(xs, ys)
    assert abs(fit.exponent - p) < 1e-6
    assert abs(fit.offset - c0) < 1e-5 and abs(fit.scale - c1) < 1e-5


@pytest.mark.parametrize("p", [0.5, 1.0, 1.5])
def test_noisy_data_interval_covers_truth(p: float) -> None:
    rng = random.Random(1234)
    xs = [0.02 * i for i in range(1, 120)]
    ys = [1.0 + 2.0 * x**p + rng.gauss(0, 0.01) for x in xs]
    fit = fit_power_law(xs, ys)
    assert fit.exponent_low <= p <= fit.exponent_high
    assert fit.exponent_high - fit.exponent_low < 0.2
    assert fit.within(p, 0.05)


def test_a_line_through_the_origin_would_misfit_but_this_does_not() -> None:
    xs = [0.1 * i for i in range(1, 40)]
    ys = [1 + mpmath.sqrt(x) for x in xs]  # the B1 shape: f-free term plus sqrt(x)
    fit = fit_power_law(xs, ys)
    assert fit.within(0.5, 1e-8)
    slope = (mpmath.log(ys[-1]) - mpmath.log(ys[0])) / (mpmath.log(xs[-1]) - mpmath.log(xs[0]))
    assert abs(slope - 0.5) > 0.1  # log-log would be wrong by more than the tolerance


def test_wrong_exponent_is_detected() -> None:
    xs = [0.05 * i for i in range(1, 30)]
    fit = fit_power_law(xs, [x**0.7 for x in xs])
    assert not fit.within(0.5, 0.05) and not fit.within(1.0, 0.05)


@pytest.mark.parametrize(
    "xs, ys, name",
    [
        ([1, 2, 3], [1, 2, 3], "xs"),
        ([1, 2, 3, 4], [1, 2, 3], "ys"),
        ([1, 2, 3, -4], [1, 2, 3, 4], "xs"),
        ([1, 2, 3, 4], [1, float("nan"), 3, 4], "ys"),
    ],
)
def test_bad_input(xs, ys, name) -> None:
    with pytest.raises(ParameterError, match=name):
        fit_power_law(xs, ys)
