"""The strongly convex bounds divide by mu: mu = 0 is refused by name, never a 0/0."""

from __future__ import annotations

from fractions import Fraction

import pytest

from boundkit.bounds import evaluate, exact_value, violated_hypotheses
from boundkit.bounds.registry import REGISTRY
from boundkit.bounds.symbols import mu
from boundkit.errors import ParameterError

POINT = dict(n=21, f=3, m=2, T=10, step_size=Fraction(1, 10), lipschitz=1, smoothness=1)
USES_MU = [r for r in REGISTRY if mu in r.expression.free_symbols]


def test_some_results_divide_by_mu() -> None:
    assert len(USES_MU) >= 5


@pytest.mark.parametrize("result", USES_MU, ids=lambda r: r.id)
@pytest.mark.parametrize("path", [evaluate, exact_value, violated_hypotheses])
@pytest.mark.parametrize("value", [0, Fraction(-1, 2), 0.0])
def test_mu_not_positive_is_one_named_error(result, path, value) -> None:
    with pytest.raises(ParameterError) as caught:
        path(result, {**POINT, "strong_convexity": value})
    text = str(caught.value)
    assert text.startswith("strong_convexity: must satisfy mu > 0") and "\n" not in text


@pytest.mark.parametrize("result", USES_MU, ids=lambda r: r.id)
def test_positive_mu_evaluates(result) -> None:
    value = exact_value(result, {**POINT, "strong_convexity": Fraction(1, 2)})
    assert value.is_finite and value > 0


def test_convex_bounds_ignore_mu_zero() -> None:
    convex = [r for r in REGISTRY if r.id == "thm3.3/convex"]
    assert exact_value(convex[0], {**POINT, "strong_convexity": 0}) > 0
