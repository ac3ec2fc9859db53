"""Robust D-GD / D-SGD simulator (boundkit.dynamics.coupled_runs etc.) vs hand-checked values."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit.dynamics.coupled_runs import draw_layout, run_pair, run_single
from boundkit.dynamics.domains import Box
from boundkit.dynamics.losses import (
    LinearLoss,
    LinearQuadraticLoss,
    LogisticLoss,
    QuadraticLoss,
)
from boundkit.dynamics.monte_carlo import expected_gap_monte_carlo
from boundkit.dynamics.problem import NoProjection, Problem, View, WorkerGroup
from boundkit.dynamics.sgd_expectation import expected_gap_exact
from boundkit.errors import ParameterError

SETTINGS = settings(max_examples=25, deadline=None)
GAMMA = Fraction(1, 10)


def pivot_layout(
    n: int, f: int, m: int, *, pivot: object, special: tuple, group_a: object, group_b: object
) -> tuple[tuple[WorkerGroup, ...], tuple[WorkerGroup, ...], tuple[WorkerGroup, ...]]:
    """THEORY.md (P1)-(P3) layout: special worker + pivot rest, A (honest), B (misbehaving)."""

    def special_worker(first: object) -> WorkerGroup:
        return WorkerGroup((first,) + (pivot,) * (m - 1), 1, "special")

    rest = (WorkerGroup((pivot,) * m, n - 2 * f - 1, "pivot"),) if n - 2 * f > 1 else ()
    a = (WorkerGroup((group_a,) * m, f, "A"),) if f else ()
    b = (WorkerGroup((group_b,) * m, f, "B"),) if f else ()
    honest = (special_worker(special[0]), *rest, *a)
    neighbour = (special_worker(special[1]), *rest, *a)
    return honest, neighbour, b


def p1_problem(n: int, f: int, m: int, L: object = 1, **changes: object) -> Problem:
    """(P1): linear loss, pivot 0 with special -L / +L, A at +L honest, B at -L poisoned."""
    honest, neighbour, poisoned = pivot_layout(
        n, f, m, pivot=0, special=(-L, L), group_a=L, group_b=-L
    )
    return Problem(
        honest=honest,
        honest_neighbour=neighbour,
        loss=LinearLoss(L),
        misbehaving_count=f,
        poisoned=poisoned,
        **changes,
    )


def expand(groups: tuple[WorkerGroup, ...]) -> tuple[WorkerGroup, ...]:
    """The same workers, one group per worker."""
    return tuple(WorkerGroup(g.samples, 1, g.label) for g in groups for _ in range(g.count))


# --------------------------------------------------------------------------- (P1), (P2)


@pytest.mark.parametrize(
    ("n", "f", "m", "T"), [(3, 1, 1, 1), (7, 2, 3, 5), (10, 4, 2, 7), (21, 10, 5, 4), (11, 0, 2, 3)]
)
def test_p1_gap_is_exactly_theorys_hand_checked_value(n: int, f: int, m: int, T: int) -> None:
    L = Fraction(3, 2)
    result = run_pair(
        p1_problem(n, f, m, L),
        algorithm="gd",
        steps=T,
        step_size=GAMMA,
        arithmetic="fraction",
        record_subsets=True,
    )
    per_step = 2 * GAMMA * L * (f + Fraction(1, m)) / (n - f)
    assert result.gaps == tuple(per_step * t for t in range(T + 1))
    assert result.final > 0 > result.final_neighbour
    if f:  # SMEA keeps pivot + B in S and pivot + A in S' (senders: special, rest, A, B)
        pivot = (1, n - 2 * f - 1) if n - 2 * f > 1 else (1,)
        assert set(result.subsets) == {((*pivot, 0, f), (*pivot, f, 0))}


def test_p1_mpmath_agrees_with_fractions_at_n_1001() -> None:
    n, f, m, T = 1001, 400, 4, 200
    result = run_pair(p1_problem(n, f, m), algorithm="gd", steps=T, step_size=GAMMA, dps=50)
    exact = 2 * GAMMA * T * (f + Fraction(1, m)) / (n - f)
    with mpmath.workdps(50):
        assert abs(result.gaps[-1] - mpmath.mpf(exact.numerator) / exact.denominator) < 1e-45


@pytest.mark.parametrize(("n", "f", "m", "T"), [(5, 1, 1, 3), (9, 3, 2, 6), (12, 5, 3, 4)])
def test_p2_gap_matches_theory(n: int, f: int, m: int, T: int) -> None:
    """(P2): theta_T - theta'_T = (1 - (1 - gamma mu)^T) 2R(f + 1/m)/(n - f), exactly."""
    mu, R, gamma = Fraction(1, 2), Fraction(2), Fraction(1, 3)
    honest, neighbour, poisoned = pivot_layout(
        n, f, m, pivot=0, special=(-R, R), group_a=R, group_b=-R
    )
    problem = Problem(honest, neighbour, QuadraticLoss(mu, R), f, poisoned=poisoned)
    result = run_pair(problem, algorithm="gd", steps=T, step_size=gamma, arithmetic="fraction")
    assert result.gaps[-1] == (1 - (1 - gamma * mu) ** T) * 2 * R * (f + Fraction(1, m)) / (n - f)


# --------------------------------------------------------------------------- grouped path


@st.composite
def grouped_problems(draw: st.DrawFn) -> tuple[Problem, Problem]:
    """A random 1-D poisoning problem and the same workers one per group."""
    m = draw(st.integers(1, 3))
    values = st.fractions(-1, 1, max_denominator=6)
    counts = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    honest = [WorkerGroup(tuple(draw(values) for _ in range(m)), 1, "special")]
    honest += [WorkerGroup(tuple(draw(values) for _ in range(m)), c) for c in counts]
    h = sum(g.count for g in honest)
    f = draw(st.integers(0, h - 1))
    changed = (draw(values),) + honest[0].samples[1:]
    neighbour = [WorkerGroup(changed, 1, "special"), *honest[1:]]
    poisoned = (WorkerGroup(tuple(draw(values) for _ in range(m)), f),) if f else ()
    loss = draw(st.sampled_from([LinearLoss(1), QuadraticLoss(Fraction(1, 2), 1)]))
    grouped = Problem(tuple(honest), tuple(neighbour), loss, f, poisoned=poisoned)
    expanded = Problem(
        expand(tuple(honest)), expand(tuple(neighbour)), loss, f, poisoned=expand(poisoned)
    )
    return grouped, expanded


@SETTINGS
@given(pair=grouped_problems(), algorithm=st.sampled_from(["gd", "sgd"]))
def test_grouped_and_expanded_runs_agree(pair: tuple[Problem, Problem], algorithm: str) -> None:
    grouped, expanded = pair
    options = dict(algorithm=algorithm, steps=4, step_size=GAMMA, arithmetic="fraction")
    if algorithm == "sgd":  # the same per-worker draws in both problems
        layout = draw_layout(grouped)
        # drawing workers are listed in worker order in both problems: rows carry over
        assert draw_layout(expanded) == layout
        options["draws"] = [
            [(7 * t + 3 * k) % size for k, size in enumerate(layout)] for t in range(4)
        ]
    reference = run_pair(grouped, **options)
    assert run_pair(expanded, **options).gaps == reference.gaps
    assert run_pair(grouped, grouped=False, cache=False, **options).gaps == reference.gaps


def test_grouped_fast_path_at_n_1001_matches_a_small_expanded_run() -> None:
    small_grouped = p1_problem(9, 3, 2)
    small_expanded = Problem(
        expand(small_grouped.honest),
        expand(small_grouped.honest_neighbour),
        small_grouped.loss,
        3,
        poisoned=expand(small_grouped.poisoned),
    )
    options = dict(algorithm="gd", steps=20, step_size=GAMMA, arithmetic="fraction")
    assert run_pair(small_grouped, **options).gaps == run_pair(small_expanded, **options).gaps
    big = run_pair(p1_problem(1001, 333, 2), record_subsets=True, **options)
    assert big.gaps[-1] == 2 * GAMMA * 20 * (333 + Fraction(1, 2)) / (1001 - 333)
    assert big.subsets[-1] == ((1, 1001 - 667, 0, 333), (1, 1001 - 667, 333, 0))


# --------------------------------------------------------------------------- Hardt et al.


@st.composite
def convex_problems(draw: st.DrawFn) -> tuple[Problem, Fraction, int]:
    """f = 0, mean aggregation, random data and neighbour; gamma <= 2/beta."""
    kind = draw(st.sampled_from(["linear", "quadratic", "logistic"]))
    h, m = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    unit = st.fractions(-1, 1, max_denominator=8)
    if kind == "linear":
        loss, sample = LinearLoss(2), st.builds(lambda u: 2 * u, unit)
    elif kind == "quadratic":
        loss, sample = QuadraticLoss(Fraction(3, 2), 1), unit
    else:
        labels = st.sampled_from([-1, 1])
        loss, sample = LogisticLoss(1, 5), st.tuples(unit, labels)
    workers = [tuple(draw(sample) for _ in range(m)) for _ in range(h)]
    neighbour = list(workers)
    neighbour[0] = (draw(sample),) + workers[0][1:]
    beta = loss.smoothness
    gamma = draw(st.fractions(Fraction(1, 20), 2, max_denominator=20))
    if beta:
        gamma = min(gamma, 2 / Fraction(beta))
    problem = Problem(
        tuple(WorkerGroup(w) for w in workers),
        tuple(WorkerGroup(w) for w in neighbour),
        loss,
        0,
        aggregator="mean",
    )
    return problem, gamma, h * m


@SETTINGS
@given(case=convex_problems(), steps=st.integers(1, 12))
def test_f0_mean_gd_respects_hardt_et_al(case: tuple[Problem, Fraction, int], steps: int) -> None:
    """eps <= L ||theta_T - theta'_T|| <= 2 gamma L^2 T / N (Hardt et al. 2016; eq. 2, f = 0)."""
    problem, gamma, honest_samples = case
    L = problem.loss.lipschitz
    result = run_pair(problem, algorithm="gd", steps=steps, step_size=gamma, dps=40)
    hardt = 2 * gamma * Fraction(L) ** 2 * steps / honest_samples
    with mpmath.workdps(40):
        measured = L * result.gaps[-1]
        assert measured <= mpmath.mpf(hardt.numerator) / hardt.denominator * (1 + 1e-30)


@pytest.mark.parametrize("kind", ["linear", "quadratic"])
def test_f0_mean_sgd_expectation_respects_hardt_et_al(kind: str) -> None:
    loss = LinearLoss(1) if kind == "linear" else QuadraticLoss(1, 1)
    honest = (WorkerGroup((1, 0, Fraction(-1, 2))), WorkerGroup((0, 1, 1), 2))
    neighbour = (WorkerGroup((-1, 0, Fraction(-1, 2))), honest[1])
    problem = Problem(honest, neighbour, loss, 0, aggregator="mean")
    for steps in (1, 2, 4):
        expected = expected_gap_exact(problem, steps=steps, step_size=GAMMA)
        assert loss.lipschitz * expected <= 2 * GAMMA * loss.lipschitz**2 * steps / 9


# --------------------------------------------------------------------------- SGD


def test_sgd_exact_expectation_of_p1_matches_theory() -> None:
    """(P3) text: linear loss SGD gives E delta_T = 2 gamma L T (f + 1)/(m (n - f))."""
    for n, f, m, T in [(5, 1, 2, 3), (7, 2, 3, 4), (9, 4, 4, 5)]:
        value = expected_gap_exact(p1_problem(n, f, m), steps=T, step_size=GAMMA)
        assert value == 2 * GAMMA * T * (f + 1) / (m * (n - f))


def test_exact_expectation_lies_in_the_monte_carlo_interval() -> None:
    L, b, e, m, n, f, T = 1, Fraction(1, 2), Fraction(1, 20), 3, 5, 2, 6
    honest, neighbour, poisoned = pivot_layout(
        n, f, m, pivot=(0, 0), special=((L, 0), (-L, 0)), group_a=(L - e, 0), group_b=(-L, b)
    )
    loss = LinearQuadraticLoss(L, b, 2 * L / b, bounded_gradients=True)
    problem = Problem(honest, neighbour, loss, f, poisoned=poisoned, projection=Box(0, 2 * L / b))
    exact = expected_gap_exact(problem, steps=T, step_size=GAMMA)
    estimate = expected_gap_monte_carlo(problem, steps=T, step_size=GAMMA, samples=400, seed=7)
    assert estimate.low <= float(exact) <= estimate.high
    assert estimate.low < estimate.mean < estimate.high and estimate.samples == 400


def test_p3_closed_form_matches_exact_expectation() -> None:
    """THEORY.md (P3) exact closed form against the enumeration, where its conditions hold."""
    L, m, n, f, T = Fraction(1), 2, 7, 2, 5
    N, gamma = n - f, GAMMA
    b = Fraction(1, 10)
    e = Fraction(1, 200)
    honest, neighbour, poisoned = pivot_layout(
        n, f, m, pivot=(0, 0), special=((L, 0), (-L, 0)), group_a=(L - e, 0), group_b=(-L, b)
    )
    loss = LinearQuadraticLoss(L, b, 2 * L / b, bounded_gradients=True)
    problem = Problem(honest, neighbour, loss, f, poisoned=poisoned, projection=Box(0, 2 * L / b))
    exact = expected_gap_exact(problem, steps=T, step_size=gamma)
    c, r = 1 - gamma * f * b / N, 1 - Fraction(1, m)
    closed = (gamma * L / N) * (
        (f + Fraction(1, m)) * (1 - c**T) / (1 - c) - f * r * (r**T - c**T) / (r - c)
    )
    assert exact == closed


def test_sgd_with_one_sample_per_worker_is_gd() -> None:
    problem = p1_problem(9, 3, 1)
    options = dict(steps=6, step_size=GAMMA, arithmetic="fraction")
    gd = run_pair(problem, algorithm="gd", **options)
    assert run_pair(problem, algorithm="sgd", seed=1, **options).gaps == gd.gaps
    assert expected_gap_exact(problem, steps=6, step_size=GAMMA) == gd.gaps[-1]
    assert draw_layout(problem) == ()


def test_explicit_draws_couple_the_runs() -> None:
    problem = p1_problem(7, 2, 3)
    assert draw_layout(problem) == (3,)  # only the special worker draws
    never = [[1]] * 5  # never the special sample: both runs identical
    assert run_pair(problem, algorithm="sgd", steps=5, step_size=GAMMA, draws=never).gaps[-1] == 0
    once = [[0]] + [[2]] * 4
    result = run_pair(
        problem, algorithm="sgd", steps=5, step_size=GAMMA, draws=once, arithmetic="fraction"
    )
    assert result.gaps == (0,) + (2 * GAMMA * 3 / 5,) * 5  # one kick of f + 1, then coupled
    seeded = [run_pair(problem, algorithm="sgd", steps=8, step_size=GAMMA, seed=11) for _ in "ab"]
    assert seeded[0].gaps == seeded[1].gaps


def test_run_single_matches_run_pair() -> None:
    problem = p1_problem(7, 2, 2)
    options = dict(algorithm="gd", steps=4, step_size=GAMMA, arithmetic="fraction")
    pair = run_pair(problem, **options)
    first, second = run_single(problem, **options), run_single(problem, run=1, **options)
    assert (first.final, second.final) == (pair.final, pair.final_neighbour)
    assert len(first.iterates) == 5 and first.iterates[0] == 0


def test_two_dimensional_mean_gd_by_hand() -> None:
    loss = LinearLoss(2, dimension=2)
    honest = (WorkerGroup(((1, 0),)), WorkerGroup(((0, 1),), 3))
    neighbour = (WorkerGroup(((-1, 0),)), honest[1])
    problem = Problem(honest, neighbour, loss, 0, start=(0, 0), aggregator="mean")
    result = run_pair(problem, algorithm="gd", steps=2, step_size=1, arithmetic="fraction")
    assert result.final == (Fraction(-1, 2), Fraction(-3, 2))
    assert result.final_neighbour == (Fraction(1, 2), Fraction(-3, 2))
    assert result.gaps == (0, Fraction(1, 2), 1)


def test_p1_embedded_along_a_unit_vector_in_two_dimensions() -> None:
    """THEORY.md section 3: each construction embeds in R^d along a fixed unit vector."""
    u = (Fraction(3, 5), Fraction(4, 5))

    def embed(groups: tuple[WorkerGroup, ...]) -> tuple[WorkerGroup, ...]:
        return tuple(
            WorkerGroup(tuple((z * u[0], z * u[1]) for z in g.samples), g.count, g.label)
            for g in groups
        )

    flat = p1_problem(7, 2, 2)
    problem = Problem(
        embed(flat.honest),
        embed(flat.honest_neighbour),
        LinearLoss(1, dimension=2),
        2,
        poisoned=embed(flat.poisoned),
        start=(0, 0),
    )
    options = dict(algorithm="gd", steps=3, step_size=GAMMA, arithmetic="fraction")
    assert run_pair(problem, **options).gaps == run_pair(flat, **options).gaps


def test_projection_holds_iterates_in_the_box() -> None:
    problem = p1_problem(5, 1, 1, projection=Box(0, Fraction(1, 5)))
    result = run_pair(problem, algorithm="gd", steps=10, step_size=GAMMA, arithmetic="fraction")
    assert (result.final, result.final_neighbour) == (Fraction(1, 5), 0)


# --------------------------------------------------------------------------- Byzantine


@dataclass
class Recorder:
    """Sends f copies of (max honest message + 1) and keeps every view."""

    views: list[View] = field(default_factory=list)

    def messages(self, view: View) -> tuple[tuple[object, int], ...]:
        self.views.append(view)
        top = max(v for v, _ in view.honest_messages)
        return ((top + 1, view.misbehaving_count),)


def byzantine_problem(strategy: object, neighbour_special: object = 1) -> Problem:
    honest = (WorkerGroup((-1, 0)), WorkerGroup((0, 0), 3), WorkerGroup((1, 1), 2))
    neighbour = (WorkerGroup((neighbour_special, 0)), *honest[1:])
    return Problem(honest, neighbour, LinearLoss(1), 3, byzantine=strategy)


def test_byzantine_strategy_sees_correct_views() -> None:
    recorder = Recorder()
    result = run_pair(
        byzantine_problem(recorder),
        algorithm="gd",
        steps=3,
        step_size=GAMMA,
        arithmetic="fraction",
        record_subsets=True,
    )
    assert [(v.step, v.run) for v in recorder.views] == [(t, r) for t in range(3) for r in (0, 1)]
    first, first_neighbour = recorder.views[:2]
    assert first.honest_messages == ((Fraction(-1, 2), 1), (0, 3), (1, 2))
    assert first_neighbour.honest_messages == ((Fraction(1, 2), 1), (0, 3), (1, 2))
    assert all(v.misbehaving_count == 3 for v in recorder.views)
    thetas = run_single(
        byzantine_problem(Recorder()),
        algorithm="gd",
        steps=3,
        step_size=GAMMA,
        arithmetic="fraction",
    ).iterates
    assert [v.parameter for v in recorder.views if v.run == 0] == list(thetas[:3])
    assert all(len(pair[0]) == 4 for pair in result.subsets)  # 3 honest groups + 1 message


def test_view_function_strategies_act_the_same_when_s_equals_s_prime() -> None:
    for algorithm in ("gd", "sgd"):
        result = run_pair(
            byzantine_problem(Recorder(), neighbour_special=-1),
            algorithm=algorithm,
            steps=6,
            step_size=GAMMA,
            seed=2,
        )
        assert all(gap == 0 for gap in result.gaps)


def test_byzantine_messages_are_validated() -> None:
    class Bad:
        def __init__(self, reply: object) -> None:
            self.reply = reply

        def messages(self, view: View) -> object:
            return self.reply

    for reply in [((0, 2),), ((0, 3), (1, 1)), ((float("nan"), 3),), (((0, 0), 3),), 5, ((0, 0),)]:
        with pytest.raises(ParameterError):
            run_pair(byzantine_problem(Bad(reply)), algorithm="gd", steps=1, step_size=GAMMA)


# --------------------------------------------------------------------------- projections


@SETTINGS
@given(
    bounds=st.lists(
        st.tuples(st.fractions(-3, 0, max_denominator=7), st.fractions(0, 3, max_denominator=7)),
        min_size=3,
        max_size=3,
    ),
    x=st.tuples(*[st.fractions(-5, 5, max_denominator=9)] * 3),
    y=st.tuples(*[st.fractions(-5, 5, max_denominator=9)] * 3),
    open_side=st.sampled_from([None, "lower", "upper"]),
)
def test_projections_never_increase_distances(
    bounds: list, x: tuple, y: tuple, open_side: str | None
) -> None:
    lower = None if open_side == "lower" else tuple(lo for lo, _ in bounds)
    upper = None if open_side == "upper" else tuple(hi for _, hi in bounds)
    for projection in (Box(lower, upper), NoProjection()):
        px, py = projection(x), projection(y)
        assert euclidean_distance_squared(px, py) <= euclidean_distance_squared(x, y)
    box = Box(bounds[0][0], bounds[0][1])
    assert abs(box(x[0]) - box(y[0])) <= abs(x[0] - y[0])


def euclidean_distance_squared(u: tuple, v: tuple) -> Fraction:
    return sum((a - b) ** 2 for a, b in zip(u, v, strict=True))


# --------------------------------------------------------------------------- bad inputs


def test_fraction_arithmetic_accepts_exact_floats_only() -> None:
    problem = p1_problem(5, 1, 1)
    ok = run_pair(problem, algorithm="gd", steps=2, step_size=0.25, arithmetic="fraction")
    assert ok.gaps[-1] == 2 * Fraction(1, 4) * 2 * (1 + 1) / 4
    with pytest.raises(ParameterError):
        run_pair(problem, algorithm="gd", steps=2, step_size=0.1, arithmetic="fraction")
    logistic = Problem((WorkerGroup(((1, 1),)),), (WorkerGroup(((1, -1),)),), LogisticLoss(1, 1), 0)
    with pytest.raises(ParameterError):
        run_pair(logistic, algorithm="gd", steps=1, step_size=GAMMA, arithmetic="fraction")
    assert run_pair(logistic, algorithm="gd", steps=1, step_size=GAMMA).gaps[-1] > 0


def _problem_errors() -> list:
    one = (WorkerGroup((0,)),)
    loss = LinearLoss(1)
    poison = (WorkerGroup((0,)),)
    return [
        lambda: WorkerGroup(()),
        lambda: WorkerGroup([0]),
        lambda: WorkerGroup((0,), 0),
        lambda: WorkerGroup((0,), 1.0),
        lambda: WorkerGroup((0,), 1, 3),
        lambda: Problem(one, one, loss, -1),
        lambda: Problem(one, one, loss, 1, poisoned=poison),  # f < n/2 fails (n = 2)
        lambda: Problem(one * 2, one * 2, loss, 1),  # f > 0 without a threat model
        lambda: Problem(one * 2, one * 2, loss, 1, poisoned=poison, byzantine=Recorder()),
        lambda: Problem(one * 3, one * 3, loss, 1, poisoned=(WorkerGroup((0,), 2),)),
        lambda: Problem(one, one, loss, 0, poisoned=poison),
        lambda: Problem(one, (WorkerGroup((0, 0)),), loss, 0),  # sample counts differ
        lambda: Problem(one, (WorkerGroup((0,), 2),), loss, 0),  # counts differ
        lambda: Problem(one * 2, (WorkerGroup((1,)),) * 2, loss, 0),  # two samples changed
        lambda: Problem((WorkerGroup((0,), 2),), (WorkerGroup((1,), 2),), loss, 0),
        lambda: Problem(one, (WorkerGroup((float("nan"),)),), loss, 0),
        lambda: Problem(one, (WorkerGroup((float("inf"),)),), loss, 0),
        lambda: Problem(one, (WorkerGroup((2,)),), loss, 0),  # outside |z| <= L
        lambda: Problem(one, one, loss, 0, start=float("nan")),
        lambda: Problem(one, one, loss, 0, start=(0, 0)),
        lambda: Problem(one, one, loss, 0, aggregator="nope"),
        lambda: Problem(one, one, "loss", 0),
        lambda: Problem((), (), loss, 0),
        lambda: Problem(one, one, loss, 0, byzantine=Recorder()),
        lambda: Problem(one, one, QuadraticLoss(1, 1), 0, start=2),  # start outside domain
    ]


@pytest.mark.parametrize("build", _problem_errors())
def test_bad_problems_raise_parameter_error(build: object) -> None:
    with pytest.raises(ParameterError):
        build()


@pytest.mark.parametrize(
    "changes",
    [
        {"algorithm": "adam"},
        {"steps": -1},
        {"steps": 2.0},
        {"steps": True},
        {"step_size": 0},
        {"step_size": -GAMMA},
        {"step_size": float("nan")},
        {"step_size": float("inf")},
        {"arithmetic": "float"},
        {"dps": 14},
        {"dps": 20.5},
        {"draws": [[0]]},  # draws with GD
    ],
)
def test_bad_run_arguments_raise_parameter_error(changes: dict) -> None:
    arguments = dict(algorithm="gd", steps=2, step_size=GAMMA) | changes
    with pytest.raises(ParameterError):
        run_pair(p1_problem(5, 1, 2), **arguments)


@pytest.mark.parametrize("draws", [[[0]], [[3]] * 3, [[0, 0]] * 3, [[-1]] * 3, [[0.0]] * 3])
def test_bad_draws_raise_parameter_error(draws: list) -> None:
    with pytest.raises(ParameterError):
        run_pair(p1_problem(5, 1, 3), algorithm="sgd", steps=3, step_size=GAMMA, draws=draws)


def test_bad_expectation_arguments_raise_parameter_error() -> None:
    problem = p1_problem(7, 2, 2)
    with pytest.raises(ParameterError, match="steps"):
        expected_gap_exact(problem, steps=30, step_size=GAMMA, max_states=8)
    for bad in ({"max_states": 0}, {"steps": -1}, {"arithmetic": "x"}):
        with pytest.raises(ParameterError):
            expected_gap_exact(problem, **({"steps": 2, "step_size": GAMMA} | bad))
    for bad in ({"samples": 1}, {"seed": -1}, {"confidence": 1}, {"confidence": float("nan")}):
        with pytest.raises(ParameterError):
            expected_gap_monte_carlo(
                problem, **({"steps": 2, "step_size": GAMMA, "samples": 10, "seed": 0} | bad)
            )


def test_fraction_conversion_keeps_the_sign_of_mpf() -> None:
    """Regression: ``mpf.man_exp`` drops the sign; -3.0 must stay -3 in fraction runs."""
    from fractions import Fraction as Fr

    import mpmath

    from boundkit.dynamics.arithmetic import _to_fraction

    assert _to_fraction(mpmath.mpf(-3)) == -3
    assert _to_fraction(mpmath.mpf("-0.375")) == Fr(-3, 8)
    assert _to_fraction(mpmath.mpf(0)) == 0
