"""Real-data experiment (boundkit.labs.experiment; issue 16).

The clipped logistic loss's constants (exact, and on random points at 50 digits), the data
pipeline's ball, the float rules against boundkit's exact rules, each attack's defining
property, the poisoned workers' honesty to their fixed datasets, determinism, the check
against the bounds (and that it fails on a scaled-down bound), and the command line.
"""

from __future__ import annotations

import json
import math
import statistics
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit import rules
from boundkit.cli.main import main
from boundkit.labs.experiment import ExperimentConfig, run_experiment
from boundkit.labs.experiment import aggregation as agg
from boundkit.labs.experiment import byzantine as byz
from boundkit.labs.experiment.bound_check import below, check_cell
from boundkit.labs.experiment.data import (
    DATASETS,
    Split,
    clip_to_ball,
    prepare,
    split_honest,
)
from boundkit.labs.experiment.loss import LossConstants, loss_values, mean_gradients
from boundkit.labs.experiment.poisoning import POISONING
from boundkit.labs.experiment.sweep import summarise
from boundkit.labs.experiment.training import (
    Trace,
    TrainingSettings,
    neighbour_runs,
    poisoned_datasets,
    reference_vector,
    train,
)
from boundkit.outputs.experiment_report import to_json

TINY = ExperimentConfig(
    dataset="synthetic",
    n=7,
    fs=(1, 2),
    steps=20,
    seeds=3,
    neighbours=2,
    threats=("trigger-push", "orthogonal-push", "alie", "label-flip", "poison-mirror"),
)


def _norm2_exact(row: np.ndarray) -> Fraction:
    return sum((Fraction(float(x)) ** 2 for x in row), Fraction(0))


# --- the loss and its constants ------------------------------------------------------


def test_logistic_constants_exact() -> None:
    """sup sigma = 1 (so L = R) and max sigma(1 - sigma) = 1/4 at 0 (so beta = R^2/4)."""
    t = sp.Symbol("t", real=True)
    u = sp.Symbol("u", positive=True)  # u = exp(t)
    sigma = 1 / (1 + sp.exp(-t))
    assert sp.limit(sigma, t, sp.oo) == 1 and sp.limit(sigma, t, -sp.oo) == 0
    curvature = sp.diff(sigma, t)  # the Hessian factor: grad^2 l = curvature * x x^T
    in_u = sp.cancel(curvature.subs(sp.exp(-t), 1 / u).subs(sp.exp(t), u))
    sigma_u = u / (1 + u)
    assert sp.cancel(in_u - sigma_u * (1 - sigma_u)) == 0
    assert sp.calculus.util.maximum(in_u, u, sp.Interval.open(0, sp.oo)) == sp.Rational(1, 4)
    assert sp.solve(sp.diff(in_u, u), u) == [1]  # attained at t = 0 only
    c = LossConstants(Fraction(3, 2))
    assert (c.lipschitz, c.smoothness, c.strong_convexity) == (Fraction(3, 2), Fraction(9, 16), 0)
    c2 = LossConstants(Fraction(1), Fraction(1, 10), Fraction(5))
    assert (c2.lipschitz, c2.smoothness, c2.strong_convexity) == (
        Fraction(3, 2),
        Fraction(1, 4) + Fraction(1, 10),
        Fraction(1, 10),
    )


def _mp_grad(theta, x, y, l2):
    margin = mpmath.fsum(a * b for a, b in zip(theta, x, strict=True))
    s = 1 / (1 + mpmath.exp(y * margin))  # sigma(-y <theta, x>)
    return [-y * s * xi + l2 * th for xi, th in zip(x, theta, strict=True)]


def _mp_norm(v):
    return mpmath.sqrt(mpmath.fsum(c * c for c in v))


_COORD = st.floats(-30, 30, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_COORD, min_size=3, max_size=3),
    st.lists(_COORD, min_size=3, max_size=3),
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=3, max_size=3),
    st.sampled_from([-1, 1]),
    st.sampled_from([Fraction(1), Fraction(2)]),
)
def test_lipschitz_and_smoothness_on_random_points(a, b, raw_x, y, radius) -> None:
    """At 50 digits: ||grad l|| <= L, |l(a) - l(b)| <= L ||a - b||, ||grad l(a) - grad l(b)||
    <= beta ||a - b||, for features clipped to the R-ball; float gradient = the mpmath one."""
    x = clip_to_ball(np.array([raw_x]), float(radius))[0]
    assert _norm2_exact(x) <= radius**2
    c = LossConstants(radius)
    with mpmath.workdps(50):
        xs = [mpmath.mpf(float(v)) for v in x]
        ta, tb = [mpmath.mpf(v) for v in a], [mpmath.mpf(v) for v in b]
        ga, gb = _mp_grad(ta, xs, y, 0), _mp_grad(tb, xs, y, 0)
        dist = _mp_norm([p - q for p, q in zip(ta, tb, strict=True)])
        lipschitz = mpmath.mpf(c.lipschitz.numerator) / c.lipschitz.denominator
        beta = mpmath.mpf(c.smoothness.numerator) / c.smoothness.denominator
        assert _mp_norm(ga) <= lipschitz
        la = mpmath.log1p(mpmath.exp(-y * mpmath.fsum(p * q for p, q in zip(ta, xs, strict=True))))
        lb = mpmath.log1p(mpmath.exp(-y * mpmath.fsum(p * q for p, q in zip(tb, xs, strict=True))))
        assert abs(la - lb) <= lipschitz * dist
        assert _mp_norm([p - q for p, q in zip(ga, gb, strict=True)]) <= beta * dist
        fast = mean_gradients(np.array([a]), x[None, None, :], np.array([[float(y)]]), shared=True)[
            0, 0
        ]
        exact = [float(v) for v in ga]
        assert np.allclose(fast, exact, rtol=1e-12, atol=1e-15)  # float path vs 50 digits


@pytest.mark.parametrize("radius", [Fraction(1), Fraction(5, 2)])
def test_constants_are_attained(radius: Fraction) -> None:
    """The constants cannot be lowered: at 100 digits, with ``||x|| = R`` exactly, the
    gradient norm at ``<theta, x> = -100`` and the gradient difference quotient at
    ``theta = 0`` (step ``1e-20``, so 60 digits survive the cancellation) reach ``L`` and
    ``beta`` up to ``1e-30``."""
    c = LossConstants(radius)
    with mpmath.workdps(100):
        r = mpmath.mpf(radius.numerator) / radius.denominator
        x = [r, mpmath.mpf(0)]
        lipschitz = mpmath.mpf(c.lipschitz.numerator) / c.lipschitz.denominator
        beta = mpmath.mpf(c.smoothness.numerator) / c.smoothness.denominator
        far = _mp_grad([-100 / r, mpmath.mpf(0)], x, 1, 0)
        assert lipschitz * (1 - mpmath.mpf(10) ** -30) <= _mp_norm(far) <= lipschitz
        step = mpmath.mpf(10) ** -20
        g0 = _mp_grad([mpmath.mpf(0), mpmath.mpf(0)], x, 1, 0)
        g1 = _mp_grad([step, mpmath.mpf(0)], x, 1, 0)
        quotient = _mp_norm([a - b for a, b in zip(g0, g1, strict=True)]) / step
        assert beta * (1 - mpmath.mpf(10) ** -30) <= quotient <= beta


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-1, 1, allow_nan=False), min_size=2, max_size=2),
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=2, max_size=2),
    st.sampled_from([-1, 1]),
)
def test_l2_gradient_bound_on_the_ball(raw_theta, raw_x, y) -> None:
    """With lambda > 0 and ||theta|| <= D: ||grad l|| <= L = R + lambda D (50 digits)."""
    c = LossConstants(Fraction(1), Fraction(1, 2), Fraction(3))
    theta = clip_to_ball(np.array([raw_theta]) * 3, 3.0)[0]
    x = clip_to_ball(np.array([raw_x]), 1.0)[0]
    with mpmath.workdps(50):
        g = _mp_grad(
            [mpmath.mpf(float(v)) for v in theta],
            [mpmath.mpf(float(v)) for v in x],
            y,
            mpmath.mpf(1) / 2,
        )
        assert _mp_norm(g) <= mpmath.mpf(c.lipschitz.numerator) / c.lipschitz.denominator


@pytest.mark.parametrize("dataset", DATASETS)
def test_prepared_data_lies_in_the_ball_exactly(dataset: str) -> None:
    radius = Fraction(3, 2)
    p = prepare(dataset, seed=1, radius=radius)
    rows = np.vstack([p.train_x, p.test_x, p.pool_x])
    assert max(_norm2_exact(r) for r in rows) <= radius**2
    assert np.isclose(np.linalg.norm(rows, axis=1).max(), 1.5)  # the clip is active
    assert set(np.unique(np.concatenate([p.train_y, p.test_y, p.pool_y]))) == {-1.0, 1.0}


def test_dirichlet_split_deals_each_sample_once() -> None:
    p = prepare("breast-cancer", seed=0)
    honest = split_honest(p, 8, Split("dirichlet", 0.3), seed=0)
    assert honest.features.shape[:2] == (8, len(p.train_y) // 8)
    flat = honest.features.reshape(-1, honest.features.shape[-1])
    assert len(np.unique(flat, axis=0)) == len(flat) or len(np.unique(p.train_x, axis=0)) < len(
        p.train_x
    )
    shares = (honest.labels > 0).mean(axis=1)
    assert shares.max() - shares.min() > 0.3  # heterogeneous at alpha = 0.3
    iid = split_honest(p, 8, Split(), seed=0)
    assert (iid.labels > 0).mean(axis=1).std() < shares.std()


# --- float rules against boundkit's exact rules -----------------------------------------

_EXACT = {
    "smea": rules.smea,
    "cwtm": rules.trimmed_mean,
    "median": rules.coordinate_median,
    "krum": rules.krum,
    "mda": rules.mda,
    "gm": rules.geometric_median,
}


@pytest.mark.parametrize("name", sorted(_EXACT))
def test_float_rules_match_the_exact_rules(name: str) -> None:
    """Same selection, and values equal up to float rounding (a bound of ``n`` ulps of
    the largest input; GM: both are Weiszfeld iterations stopped at 1e-12 relative)."""
    rng = np.random.default_rng(7)
    for _ in range(25):
        n = int(rng.integers(4, 10))
        f = int(rng.integers(0 if name != "krum" else 0, (n - 1) // 2 + 1))
        d = int(rng.integers(1, 5))
        if name == "krum" and n <= 2 * f + 2:
            continue
        x = rng.standard_normal((2, n, d))
        got = agg.RULES[name](x, f)
        for b in range(2):
            exact = _EXACT[name](x[b].tolist(), f)
            value = np.array(exact.value, dtype=float)
            scale = np.abs(x[b]).max()
            tol = 1e-9 * scale if name == "gm" else 4 * n * np.finfo(float).eps * scale
            assert np.abs(value - got.value[b]).max() <= tol, (name, n, f, d)
            if got.selected is not None and exact.selected:
                assert tuple(np.flatnonzero(got.selected[b])) == tuple(exact.selected)


def test_grouped_smea_predicate_matches_full_smea() -> None:
    rng = np.random.default_rng(3)
    for _ in range(120):
        n = int(rng.integers(4, 11))
        f = int(rng.integers(1, (n - 1) // 2 + 1))
        d = int(rng.integers(1, 7))
        honest = rng.standard_normal((3, n - f, d))
        point = honest.mean(axis=1) + rng.standard_normal((3, d)) * rng.uniform(0, 2)
        full = np.concatenate([honest, np.repeat(point[:, None], f, axis=1)], axis=1)
        expected = agg.smea(full, f).selected[:, n - f :].all(axis=1)
        assert (agg.smea_keeps_copies(honest, point, f) == expected).all()


# --- attacks ---------------------------------------------------------------------------


def _view(h: int, d: int, f: int, rule: str = "smea", seed: int = 0) -> byz.View:
    rng = np.random.default_rng(seed)
    honest = rng.standard_normal((2, h, d)) * 0.3 + 0.1
    ref = reference_vector(d, seed)
    return byz.View(honest, np.array([1.0, -1.0]), f, rule, ref, np.random.default_rng(1))


def test_alie_messages_at_mean_plus_z_std() -> None:
    view = _view(7, 4, 3)
    sent = byz.alie(view)
    for b in range(2):
        for j in range(4):
            column = [Fraction(float(v)) for v in view.honest[b, :, j]]
            mean = statistics.fmean(float(v) for v in column)
            std = math.sqrt(float(statistics.pvariance(column)))
            for row in sent[b]:
                assert math.isclose(row[j], mean + byz.ALIE_Z * std, rel_tol=1e-12, abs_tol=1e-15)


def test_simple_attacks() -> None:
    view = _view(6, 3, 2)
    mean = view.honest.mean(axis=1)
    assert np.array_equal(byz.ipm(view), np.repeat((-byz.IPM_TAU * mean)[:, None], 2, axis=1))
    assert np.array_equal(byz.sign_flip(view), np.repeat(-mean[:, None], 2, axis=1))
    assert np.array_equal(byz.mimic(view), np.repeat(view.honest[:, :1], 2, axis=1))
    g = byz.gaussian(view)
    assert g.shape == (2, 2, 3) and np.array_equal(g[0], g[1])  # coupled across runs


def _exact_keeps(rule: str, honest: np.ndarray, point: np.ndarray, f: int) -> bool:
    rows = honest.tolist() + [point.tolist()] * f
    selected = set(_EXACT[rule](rows, f).selected)
    byzantine = set(range(len(honest), len(honest) + f))
    return bool(selected & byzantine) if rule == "krum" else byzantine <= selected


@pytest.mark.parametrize("rule", ["smea", "mda", "krum"])
@pytest.mark.parametrize(("h", "d"), [(6, 8), (8, 3)])
def test_orthogonal_push_is_kept_where_honest_vary_least(rule: str, h: int, d: int) -> None:
    """The push lies along the least-variance direction (the null space when h - 1 < d),
    is two-sided, and the *exact* rule keeps it at the returned length and drops it at the
    bracket's upper end."""
    f = 2
    view = _view(h, d, f, rule)
    sent = byz.orthogonal_push(view)
    mean = view.honest.mean(axis=1)
    u = byz.least_direction(view.honest, view.reference)
    lo, hi = byz.push_bracket(view.honest, u, view.trigger, f, rule)
    for b in range(2):
        centred = view.honest[b] - mean[b]
        cov = centred.T @ centred / h
        variance = u[b] @ cov @ u[b]
        eigen = np.linalg.eigvalsh(cov)
        assert variance <= eigen[0] + 1e-12 * eigen[-1]
        if h - 1 < d:
            assert np.abs(centred @ u[b]).max() <= 1e-12 * np.abs(centred).max()
        offset = sent[b, 0] - mean[b]
        assert np.allclose(offset, view.trigger[b] * lo[b] * u[b], rtol=1e-12, atol=1e-15)
        spread = np.linalg.norm(centred, axis=1).max()  # the first bracket is [0, spread 2^j]
        width = max(spread, 2 * hi[b]) * 2.0**-byz.BISECTION_STEPS
        assert 0 < lo[b] < hi[b] and hi[b] - lo[b] <= width * (1 + 1e-12)
        assert _exact_keeps(rule, view.honest[b], sent[b, 0], f)
        assert not _exact_keeps(rule, view.honest[b], mean[b] + view.trigger[b] * hi[b] * u[b], f)
    assert (sent[0, 0] - mean[0]) @ (sent[1, 0] - mean[1]) < 0 or d > 1  # opposite signs


def test_trigger_push_along_the_top_axis() -> None:
    view = _view(7, 4, 3)
    sent = byz.trigger_push(view)
    u = byz.top_direction(view.honest, view.reference)
    for b in range(2):
        centred = view.honest[b] - view.honest[b].mean(axis=0)
        cov = centred.T @ centred / 7
        assert math.isclose(u[b] @ cov @ u[b], np.linalg.eigvalsh(cov)[-1], rel_tol=1e-10)
        assert _exact_keeps("smea", view.honest[b], sent[b, 0], 3)
        along = (sent[b, 0] - view.honest[b].mean(axis=0)) @ u[b]
        assert np.sign(along) == view.trigger[b]


# --- poisoning: honest to a fixed dataset ----------------------------------------------


def _plain_gradient(theta: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    total = np.zeros_like(theta)
    for x, y in zip(xs, ys, strict=True):
        margin = sum(float(a) * float(b) for a, b in zip(theta, x, strict=True))
        total += -y / (1 + math.exp(y * margin)) * x
    return total / len(ys)


@pytest.mark.parametrize("algorithm", ["gd", "sgd"])
@pytest.mark.parametrize("threat", sorted(POISONING))
def test_poisoned_workers_are_honest_to_their_fixed_dataset(threat: str, algorithm: str) -> None:
    p = prepare("wine", seed=0)
    f, n = 2, 7
    honest = split_honest(p, n - f, Split(), seed=0)
    runs = neighbour_runs(honest, p, 2, seed=0)
    s = TrainingSettings("smea", steps=5, step_size=2.0, algorithm=algorithm)
    data = poisoned_datasets(threat, p, honest, f, s, reference_vector(p.dimension, 0))
    before = (data.features.copy(), data.labels.copy())
    assert max(_norm2_exact(r) for r in data.features.reshape(-1, p.dimension)) <= 1
    assert set(np.unique(data.labels)) <= {-1.0, 1.0}
    assert data.labels.shape == (f, honest.samples_per_worker)
    trace = Trace()
    train(runs, s, f, threat, seed=0, poisoned=data, trace=trace)
    assert np.array_equal(data.features, before[0]) and np.array_equal(data.labels, before[1])
    for step in trace.steps:
        sent = step["misbehaving"]
        for b in range(sent.shape[0]):
            assert np.array_equal(sent[b], sent[0]) or not np.array_equal(
                step["theta"][b], step["theta"][0]
            )
            for j in range(f):
                xs, ys = data.features[j], data.labels[j]
                if algorithm == "gd":
                    expected = _plain_gradient(step["theta"][b], xs, ys)
                    assert np.allclose(sent[b, j], expected, rtol=1e-10, atol=1e-14)
                else:  # the gradient of one of its own samples
                    options = [
                        _plain_gradient(step["theta"][b], xs[i : i + 1], ys[i : i + 1])
                        for i in range(len(ys))
                    ]
                    assert any(np.allclose(sent[b, j], o, rtol=1e-10, atol=1e-14) for o in options)


# --- determinism, bounds, command line --------------------------------------------------


@pytest.fixture(scope="module")
def tiny_result():
    return run_experiment(TINY)


def test_same_seed_gives_identical_bytes(tiny_result) -> None:
    again = run_experiment(TINY)
    assert to_json(tiny_result, "cmd") == to_json(again, "cmd")


def test_measurements_below_the_bounds_and_the_check_can_fail(tiny_result) -> None:
    assert tiny_result.checks and tiny_result.passed
    kinds = {c.quantity for c in tiny_result.checks}
    assert kinds == {"distance", "loss_change", "generalization_gap"}
    worst = max(tiny_result.checks, key=lambda c: c.ratio)
    scale = Fraction(worst.ratio / 2)
    by_f = {s.f: s for s in tiny_result.settings}
    stats = summarise(tiny_result.cells)[(worst.threat, worst.f)]
    from boundkit.labs.experiment.training import threat_kind

    scaled = check_cell(
        worst.threat,
        threat_kind(worst.threat),
        worst.f,
        stats,
        by_f[worst.f].bounds,
        "gd",
        tiny_result.constants.lipschitz,
        scale,
    )
    assert any(c.verdict == "FAIL" for c in scaled)
    assert all(
        c.passed
        for c in check_cell(
            worst.threat,
            threat_kind(worst.threat),
            worst.f,
            stats,
            by_f[worst.f].bounds,
            "gd",
            tiny_result.constants.lipschitz,
        )
    )


def test_below_is_exact() -> None:
    assert not below(0.1, sp.Rational(1, 10))  # the float 0.1 is 1/10 + 5.55e-18
    assert not below(0.1, sp.Rational(1, 10), Fraction(10**17 + 1, 10**17))
    assert below(0.1, sp.Rational(1, 10), Fraction(10**16 + 1, 10**16))
    assert below(0.5, sp.sqrt(2) / 2) and not below(0.75, sp.sqrt(2) / 2)


def test_loss_change_is_the_max_over_the_test_set(tiny_result) -> None:
    cell = tiny_result.cells[3]
    assert all(x >= 0 for x in cell.loss_change) and all(x >= 0 for x in cell.distance)
    theta = np.array([[0.3, -0.2], [0.1, 0.4]])
    xs = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    ys = np.array([1.0, -1.0, 1.0])
    vals = loss_values(theta, xs, ys, shared=True)
    for b in range(2):
        for i in range(3):
            m = theta[b] @ xs[i]
            assert math.isclose(vals[b, i], math.log1p(math.exp(-ys[i] * m)), rel_tol=1e-14)


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    status = main(["experiment", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.mark.parametrize(
    "args",
    [
        ["--n", "100"],
        ["--n", "10", "--f", "5"],
        ["--dataset", "mnist"],
        ["--rule", "mean"],
        ["--split", "dirichlet:abc"],
        ["--split", "dirichlet:0"],
        ["--rule", "krum", "--n", "10", "--f", "4"],
        ["--T", "0"],
        ["--T", "5000"],
        ["--step-size", "nan"],
        ["--step-size", "-1"],
        ["--seeds", "100"],
        ["--l2", "1/10"],
        ["--threat", "nope"],
        ["--algorithm", "adam"],
        ["--n", "26", "--f", "12"],
        ["--out", "/nonexistent-dir/x.png"],
    ],
)
def test_bad_arguments_one_line_exit_2(args, capsys) -> None:
    status, out, err = _cli(args, capsys)
    assert status == 2
    assert err.startswith("boundkit: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err


def test_cli_writes_reports(tmp_path, capsys) -> None:
    paths = {k: tmp_path / f"e.{k}" for k in ("json", "md", "png")}
    status, _, err = _cli(
        [
            "--dataset",
            "synthetic",
            "--n",
            "5",
            "--f",
            "1",
            "--T",
            "3",
            "--seeds",
            "2",
            "--neighbours",
            "1",
            "--threat",
            "trigger-push",
            "--threat",
            "label-flip",
            "--json",
            str(paths["json"]),
            "--markdown",
            str(paths["md"]),
            "--out",
            str(paths["png"]),
            "--no-progress",
        ],
        capsys,
    )
    assert status == 0, err
    data = json.loads(paths["json"].read_text())
    assert data["verdicts"]["FAIL"] == 0 and data["config"]["f"] == [1]
    text = paths["md"].read_text()
    assert "## Finding" in text and "python -m boundkit experiment" in text and "e.png" in text
    assert paths["png"].stat().st_size > 10_000
