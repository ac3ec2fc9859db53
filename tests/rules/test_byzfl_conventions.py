"""ByzFL's conventions as options of boundkit's rules: ``krum_neighbours`` (Krum, MultiKrum)
and the smoothed-Weiszfeld budget ``iterations`` / ``smoothing`` (geometric median).

Expected values are worked out by hand in the comments; the comparison with ByzFL itself
is ``benchmarks/test_byzfl_conventions.py`` (needs torch and byzfl, not part of this suite).
"""

from __future__ import annotations

import re
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from boundkit.errors import ParameterError
from boundkit.rules import (
    BYZFL_OPTIONS,
    RULES,
    ConfiguredRule,
    byzfl_rule,
    geometric_median,
    krum,
    make_rule,
    multi_krum,
)

# Seven scalars, f = 2.  Squared distances from each point to the six others, sorted:
#   x0 = 0, x1 = 0:  0, 1, 1, 81, 81, 81
#   x2 = 1, x6 = 1:  0, 1, 1, 64, 64, 64
#   x3 = x4 = x5 = 9: 0, 0, 64, 64, 81, 81
# Blanchard (n - f - 2 = 3 neighbours): scores 2, 2, 2, 64, 64, 64, 2 -> x0 (lowest index).
# ByzFL (n - f - 1 = 4 neighbours):     scores 83, 83, 66, 128, 128, 128, 66 -> x2.
SEVEN = [0, 0, 1, 9, 9, 9, 1]


def test_krum_neighbour_conventions_choose_differently() -> None:
    assert krum(SEVEN, 2).selected == (0,)
    assert krum(SEVEN, 2, krum_neighbours="blanchard").selected == (0,)
    got = krum(SEVEN, 2, krum_neighbours="byzfl")
    assert got.selected == (2,) and got.value == 1
    assert krum(SEVEN, 2, krum_neighbours=3).selected == (0,)
    assert krum(SEVEN, 2, krum_neighbours=4).selected == (2,)
    # 5 neighbours: 0,1,1,81,81 -> 164 (x0, x1); 0,1,1,64,64 -> 130 (x2, x6); 0,0,64,64,81 -> 209
    assert krum(SEVEN, 2, krum_neighbours=5).selected == (2,)
    # 1 neighbour: every point has a duplicate, all scores 0 -> x0
    assert krum(SEVEN, 2, krum_neighbours=1).selected == (0,)


def test_multi_krum_neighbour_conventions() -> None:
    # q = 3.  Blanchard: four scores of 2 (x0, x1, x2, x6) -> the three lowest indices.
    blanchard = multi_krum(SEVEN, 2, q=3)
    assert blanchard.selected == (0, 1, 2) and blanchard.value == Fraction(1, 3)
    # ByzFL: 66 (x2, x6), then 83 (x0 before x1) -> {0, 2, 6}, mean (0 + 1 + 1) / 3.
    byzfl = multi_krum(SEVEN, 2, q=3, krum_neighbours="byzfl")
    assert byzfl.selected == (0, 2, 6) and byzfl.value == Fraction(2, 3)
    # ByzFL's own MultiKrum averages q = n - f = 5: 66, 66, 83, 83, then 128 (x3 first).
    full = multi_krum(SEVEN, 2, krum_neighbours="byzfl")
    assert full.selected == (0, 1, 2, 3, 6) and full.value == Fraction(11, 5)


def test_byzfl_krum_needs_only_n_above_2f() -> None:
    # n = 3, f = 1: Blanchard needs n > 2f + 2 = 4; ByzFL scores n - f - 1 = 1 neighbour:
    # nearest squared distances 1 (x0 = 0), 1 (x1 = 1), 16 (x2 = 5) -> x0.
    with pytest.raises(ParameterError, match=re.escape("n > 2f + 2")):
        krum([0, 1, 5], 1)
    assert krum([0, 1, 5], 1, krum_neighbours="byzfl").selected == (0,)
    assert multi_krum([0, 1, 5], 1, krum_neighbours="byzfl").selected == (0, 1)
    with pytest.raises(ParameterError, match=re.escape("f < n/2")):
        krum([0, 1, 5, 7], 2, krum_neighbours="byzfl")


def test_krum_default_is_blanchard_on_random_inputs() -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(5, 11))
        f = int(rng.integers(0, (n - 3) // 2 + 1))
        x = rng.normal(size=(n, 3))
        brute = []
        for i in range(n):  # Blanchard's score, written out: n - f - 2 smallest distances
            d2 = sorted(float(((x[i] - x[j]) ** 2).sum()) for j in range(n) if j != i)
            brute.append(sum(d2[: n - f - 2]))
        expected = min(range(n), key=lambda i: (brute[i], i))
        assert krum(x, f).selected == (expected,)
        assert krum(x, f).selected == krum(x, f, krum_neighbours=n - f - 2).selected


# Smoothed Weiszfeld from the origin, by hand.  Points (3, 4) and (0, 0), nu = 1/10:
# distances 5 and 0 -> 0 is clipped to 1/10; weights 1/5 and 10;
# z1 = (1/5 (3, 4) + 10 (0, 0)) / (1/5 + 10) = (3, 4) / 51.
# Step 2: distances from z1 are ||(3, 4) - (3, 4)/51|| = 250/51 and ||(3, 4)/51|| = 5/51,
# below 1/10 and so clipped to it; weights 51/250 and 10;
# z2 = (51/250 (3, 4)) / (51/250 + 10) = 51 (3, 4) / 2551.


def test_smoothed_weiszfeld_steps_by_hand() -> None:
    points = [(3, 4), (0, 0)]
    tenth = Fraction(1, 10)
    with mpmath.workdps(60):
        assert geometric_median(points, 0, iterations=0).value == (0, 0)
        one = geometric_median(points, 0, iterations=1, smoothing=tenth).value
        two = geometric_median(points, 0, iterations=2, smoothing=tenth).value
    for got, expected in zip(one + two, (Fraction(3, 51), Fraction(4, 51), *_z2()), strict=True):
        assert abs(got - expected) < Fraction(1, 10**55)


def test_smoothed_weiszfeld_float_steps_by_hand() -> None:
    # The same two steps in float64 with the default smoothing (ByzFL's 0.1).
    points = np.array([[3.0, 4.0], [0.0, 0.0]])
    one = geometric_median(points, 0, iterations=1).value
    two = geometric_median(points, 0, iterations=2).value
    expected = [3 / 51, 4 / 51, *(float(c) for c in _z2())]
    assert np.max(np.abs(np.concatenate([one, two]) - expected)) < 1e-15


def _z2() -> tuple[Fraction, Fraction]:
    return Fraction(51 * 3, 2551), Fraction(51 * 4, 2551)


def test_smoothed_weiszfeld_iterates_in_one_dimension() -> None:
    # [0, 1, 10], one step: distances 0 (-> 1/10), 1, 10; weights 10, 1, 1/10;
    # z1 = (0 + 1 + 1) / (10 + 1 + 1/10) = 20/111, not the median 1.
    with mpmath.workdps(60):
        got = geometric_median([0, 1, 10], 1, iterations=1, smoothing=Fraction(1, 10)).value
    assert abs(got - Fraction(20, 111)) < Fraction(1, 10**55)
    assert geometric_median([0, 1, 10], 1).value == 1


def test_smoothing_default_is_byzfl_float() -> None:
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    default = geometric_median(x, 0, iterations=3).value
    assert np.array_equal(default, geometric_median(x, 0, iterations=3, smoothing=0.1).value)
    # ByzFL 0.0.11's documentation of GeometricMedian() on this input prints
    # array([3.78788764 4.78788764 5.78788764]) (8 decimals).
    assert np.max(np.abs(default - np.array([3.78788764, 4.78788764, 5.78788764]))) < 5e-9
    assert np.max(np.abs(geometric_median(x, 0, iterations=4).value - default)) > 1e-3


def test_many_smoothed_steps_approach_the_converged_median() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(9, 3))
    converged = geometric_median(x, 2).value
    smoothed = geometric_median(x, 2, iterations=500, smoothing=1e-9).value
    assert np.max(np.abs(smoothed - converged)) < 1e-6
    assert np.max(np.abs(geometric_median(x, 2, iterations=3).value - converged)) > 1e-3


def test_defaults_unchanged() -> None:
    rng = np.random.default_rng(11)
    x = rng.normal(size=(9, 4))
    assert np.array_equal(
        geometric_median(x, 2).value, geometric_median(x, 2, iterations=None).value
    )
    assert RULES["krum"] is krum and RULES["geometric_median"] is geometric_median
    assert krum(x, 2).selected == krum(x, 2, "blanchard").selected
    assert multi_krum(x, 2).selected == multi_krum(x, 2, None, "blanchard").selected


def test_make_rule_and_byzfl_rule() -> None:
    rule = make_rule("krum", krum_neighbours="byzfl")
    assert isinstance(rule, ConfiguredRule) and rule(SEVEN, 2).selected == (2,)
    assert byzfl_rule("krum")(SEVEN, 2).selected == (2,)
    assert byzfl_rule("multi_krum")(SEVEN, 2).selected == (0, 1, 2, 3, 6)
    x = np.array([[1.0, 2.0], [4.0, 5.0], [7.0, 9.0]])
    gm = byzfl_rule("geometric_median")(x, 0).value
    assert np.array_equal(gm, geometric_median(x, 0, iterations=3, smoothing=0.1).value)
    assert set(BYZFL_OPTIONS) == set(RULES) - {"smea"}
    for name in BYZFL_OPTIONS:
        assert byzfl_rule(name)([0, 1, 5, 6, 7], 1).value is not None
    assert rule.__name__ == "krum.krum_neighbours-byzfl"


BAD = [
    ("neighbours name", lambda: krum(SEVEN, 2, "byzFL"), "krum_neighbours"),
    ("neighbours zero", lambda: krum(SEVEN, 2, 0), "1 <= krum_neighbours <= n - 1"),
    ("neighbours n", lambda: krum(SEVEN, 2, 7), "1 <= krum_neighbours <= n - 1"),
    ("neighbours bool", lambda: krum(SEVEN, 2, True), "krum_neighbours"),
    ("neighbours float", lambda: multi_krum(SEVEN, 2, None, 3.0), "krum_neighbours"),
    ("iterations negative", lambda: geometric_median(SEVEN, 2, iterations=-1), "iterations"),
    ("iterations float", lambda: geometric_median(SEVEN, 2, iterations=3.0), "iterations"),
    ("iterations bool", lambda: geometric_median(SEVEN, 2, iterations=True), "iterations"),
    ("smoothing alone", lambda: geometric_median(SEVEN, 2, smoothing=0.1), "smoothing"),
    ("smoothing zero", lambda: geometric_median(SEVEN, 2, iterations=1, smoothing=0), "> 0"),
    ("smoothing nan", lambda: geometric_median(SEVEN, 2, iterations=1, smoothing=np.nan), "> 0"),
    ("smoothing text", lambda: geometric_median(SEVEN, 2, iterations=1, smoothing="0.1"), "> 0"),
    ("tol none", lambda: geometric_median(SEVEN, 2, None), "tol"),
    ("max_iter negative", lambda: geometric_median(SEVEN, 2, max_iter=-1), "max_iter"),
    ("make unknown rule", lambda: make_rule("krum2"), "rule"),
    ("make unknown option", lambda: make_rule("krum", iterations=3), "an option of krum"),
    ("make option of other", lambda: make_rule("mda", krum_neighbours="byzfl"), "no options"),
    ("make bad neighbours", lambda: make_rule("multi_krum", krum_neighbours="x"), "byzfl"),
    ("make bad q", lambda: make_rule("multi_krum", q=0), "integer >= 1"),
    ("make bad iterations", lambda: make_rule("geometric_median", iterations=-2), "iterations"),
    ("byzfl smea", lambda: byzfl_rule("smea"), "rule"),
]


@pytest.mark.parametrize("call, parameter", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_values_are_one_line_parameter_errors(call: object, parameter: str) -> None:
    with pytest.raises(ParameterError) as caught:
        call()  # type: ignore[operator]
    message = str(caught.value)
    assert "\n" not in message and parameter in message
    assert re.fullmatch(r"[\w, ]+: must satisfy .+ \(got .+\)", message), message
