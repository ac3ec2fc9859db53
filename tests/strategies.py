"""Small composable hypothesis strategies for parameter points."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st


@st.composite
def worker_counts(draw: st.DrawFn, max_n: int = 201, min_f: int = 0) -> tuple[int, int]:
    """(n, f) with min_f <= f < n/2."""
    n = draw(st.integers(min_value=2 * min_f + 1, max_value=max_n))
    f = draw(st.integers(min_value=min_f, max_value=(n - 1) // 2))
    return n, f


def positive_rationals(low: Fraction, high: Fraction) -> st.SearchStrategy[Fraction]:
    """Exact rationals in [low, high] with small denominators."""
    return st.fractions(min_value=low, max_value=high, max_denominator=1000).filter(lambda x: x > 0)


@st.composite
def valid_params(draw: st.DrawFn, min_f: int = 0, max_n: int = 201) -> dict:
    """A parameter point satisfying every shared rule and both step-size conditions."""
    n, f = draw(worker_counts(max_n=max_n, min_f=min_f))
    beta = draw(positive_rationals(Fraction(1, 10), Fraction(10)))
    mu = draw(positive_rationals(Fraction(1, 100), Fraction(1))) * beta
    gamma = draw(positive_rationals(Fraction(1, 1000), Fraction(1))) / beta
    return dict(
        n=n,
        f=f,
        m=draw(st.integers(1, 20)),
        T=draw(st.integers(1, 500)),
        step_size=gamma,
        lipschitz=draw(positive_rationals(Fraction(1, 10), Fraction(10))),
        smoothness=beta,
        strong_convexity=mu,
    )
