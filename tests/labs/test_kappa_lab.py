"""The robustness-coefficient lab: exact ratios, certificates, claims, CLI (Def. 2.2)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boundkit import bounds
from boundkit.cli.main import main
from boundkit.errors import ParameterError
from boundkit.labs import rule_check
from boundkit.labs.kappa.budget import Budget
from boundkit.labs.kappa.certificate import Certificate, certify, replay, same_ratio
from boundkit.labs.kappa.claims import (
    RECALLED_SMEA,
    claim_for,
    compare,
    universal_lower,
    universal_lower_certificate,
)
from boundkit.labs.kappa.evaluation import evaluate
from boundkit.labs.kappa.rules import RULES, resolve_rule
from boundkit.labs.kappa.search import search

SMALL = Budget(sides=3, grid=5, refine=4, restarts=1, maxfev=20, candidates=2)
F = Fraction


def _rows(*values: object) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(tuple(F(x) for x in (v if isinstance(v, tuple) else (v,))) for v in values)


@pytest.mark.parametrize("n, f, d", [(3, 1, 1), (7, 3, 1), (10, 2, 2), (11, 5, 3)])
def test_universal_lower_bound_reached_by_smea(n: int, f: int, d: int) -> None:
    """Allouah et al. 2023a, Prop. 6: f ones and n - f zeros; SMEA returns 0 and the
    honest set (f ones, n - 2f zeros) gives exactly f/(n-2f)."""
    rows, honest = universal_lower_certificate(n, f, d)
    ev = evaluate("smea", rows, honest, f)
    assert ev.output == (F(0),) * d
    assert ev.ratio == universal_lower(n, f) == F(f, n - 2 * f)
    assert bounds.get("kappa/universal-lower").expression.subs({"n": n, "f": f}) is not None


def test_search_reaches_the_universal_lower_bound_for_every_rule() -> None:
    for rule in RULES:
        found = search(rule, 9, 3, 1, budget=SMALL)
        assert compare(found.evaluation.value, F(3, 3)) != "within", rule


def test_smea_search_finds_four_f_over_n_minus_two_f_in_1d() -> None:
    found = search("smea", 7, 2, 1, budget=SMALL)
    assert found.evaluation.ratio == F(8, 3)  # 4f/(n-2f): kappa* attained
    assert compare(found.evaluation.ratio, claim_for("smea").bound(7, 2, 1)) == "equal"
    assert compare(found.evaluation.ratio, RECALLED_SMEA.bound(7, 2, 1)) == "within"  # 40/9
    assert compare(found.evaluation.ratio + F(1, 10**60), F(8, 3)) == "exceeds"  # no tolerance


def test_mean_ratio_is_unbounded() -> None:
    """f Byzantine vectors at distance t: the mean moves by f t/n, Sigma_S stays 1."""
    n, f = 5, 2
    honest = (1, -1, 1)  # mean 1/3, variance 8/9
    values = []
    for t in (10, 100, 1000):
        rows = _rows(*honest, t, t)
        ev = evaluate("mean", rows, (0, 1, 2), f)
        shift = (F(2 * t + 1, n) - F(1, 3)) ** 2
        assert ev.ratio == shift / F(8, 9)
        values.append(ev.value)
    assert values[0] < values[1] < values[2] and values[2] > 10**5
    found = search("mean", n, f, 1, budget=SMALL)
    assert found.evaluation.value == mpmath.inf and found.evaluation.ratio == math.inf
    assert claim_for("mean").bound(n, f, 1) == math.inf


def test_zero_over_zero_is_zero_and_positive_over_zero_is_infinite() -> None:
    rows = _rows(0, 0, 0, 5)
    assert evaluate("smea", rows, (0, 1, 2), 1).ratio == 0
    assert evaluate("mean", rows, (0, 1, 2), 1).value == mpmath.inf


def test_replay_reproduces_the_ratio_exactly() -> None:
    found = search("krum", 7, 2, 1, budget=SMALL)
    cert = Certificate.from_json(found.certificate.to_json())
    assert cert == found.certificate
    again = replay(cert)
    assert again.reproduced and again.evaluation.value == found.evaluation.value


def test_replay_of_an_algebraic_ratio() -> None:
    """A non-diagonal covariance: lambda_max irrational, the ratio an exact sympy number."""
    rows = _rows((0, 0), (2, 1), (1, 3), (3, 3), (9, 9))
    cert, ev = certify("median", rows, (0, 1, 2, 3), 1)
    assert not isinstance(ev.ratio, Fraction)
    assert replay(Certificate.from_json(cert.to_json())).reproduced
    honest = np.array([[0, 0], [2, 1], [1, 3], [3, 3]], dtype=float)
    lam = np.linalg.eigvalsh(np.cov(honest.T, bias=True))[-1]
    assert float(ev.value) == pytest.approx(float(ev.numerator) / lam, rel=1e-12)


def test_lambda_of_a_rank_one_covariance_is_its_trace() -> None:
    """Two points in the plane: Sigma_S has rank one, lambda_max = trace (regression: the
    isolating interval of rules.largest_eigenvalue_of_subset ends at the root 0)."""
    rows = (
        (F(-32288051, 16777216), F(319337, 8388608)),
        (F(-10134031, 8388608), F(-3813701, 16777216)),
    )
    ev = evaluate("gm", rows, (0, 1), 0)
    assert ev.lambda_max == ev.trace > 0


def test_same_ratio_accepts_equal_numbers_printed_differently() -> None:
    import sympy as sp

    r = 29 / (16 * (7 * sp.sqrt(17) / 32 + sp.Rational(47, 32)))
    assert same_ratio(str(sp.radsimp(r)), r)
    assert same_ratio("6/2", F(3)) and not same_ratio("4", F(3))
    assert not same_ratio("((", F(1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=3, max_value=8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.integers(min_value=1, max_value=(n - 1) // 2),
            st.integers(min_value=1, max_value=2),
        )
    ),
    st.data(),
)
def test_smea_certificates_never_exceed_kappa_smea(nfd: tuple[int, int, int], data) -> None:
    n, f, d = nfd
    coords = st.integers(min_value=-6, max_value=6)
    rows = tuple(tuple(F(data.draw(coords)) for _ in range(d)) for _ in range(n))
    honest = tuple(sorted(data.draw(st.permutations(range(n)))[: n - f]))
    ev = evaluate("smea", rows, honest, f, exact_lambda=False)
    claim = claim_for("smea").bound(n, f, d)
    assert compare(ev.value, claim) != "exceeds"


def test_user_callable_rule() -> None:
    def coordinate_median(vectors: np.ndarray, f: int) -> np.ndarray:
        return np.median(vectors, axis=0)

    found = search(coordinate_median, 7, 2, 1, budget=SMALL)
    assert found.certificate.rule == "coordinate_median"
    assert compare(found.evaluation.value, F(2, 3)) != "within"  # f/(n-2f)
    rows, honest = found.certificate.vectors, found.certificate.honest
    builtin = evaluate("median", rows, honest, 2)
    assert evaluate(coordinate_median, rows, honest, 2).ratio == builtin.ratio
    assert replay(found.certificate, rule=coordinate_median).reproduced


def test_claims_and_their_forms() -> None:
    smea = claim_for("smea")
    assert smea.bound(10, 3, 5) == F(4 * 3, 10 - 2 * 3)  # kappa* = 4f/(n - 2f)
    assert RECALLED_SMEA.bound(10, 3, 5) == F(4 * 3, 7) * (1 + F(3, 4)) ** 2
    cwtm = claim_for("cwtm")
    assert cwtm.bound(10, 3, 2) == 2 * cwtm.trace_bound(10, 3) == 2 * 6 * F(3, 4) * F(7, 4)
    assert claim_for("mda").bound(10, 3, 1) is None
    assert compare(mpmath.mpf(3), None) == "no claim"


def test_bad_parameters_raise_parameter_error() -> None:
    with pytest.raises(ParameterError, match="rule"):
        resolve_rule("bogus")
    with pytest.raises(ParameterError, match="f < n/2"):
        search("smea", 6, 3, 1)
    with pytest.raises(ParameterError, match="honest"):
        evaluate("smea", _rows(0, 1, 2), (0, 0), 1)


@pytest.mark.parametrize(
    "argv, name",
    [
        (["kappa", "--rule", "bogus", "--n", "5", "--f", "1"], "rule"),
        (["kappa", "--rule", "smea", "--n", "6", "--f", "3"], "f"),
        (["kappa", "--rule", "smea", "--n", "6", "--f", "1", "--d", "0"], "d"),
        (["kappa", "--rule", "krum", "--n", "6", "--f", "2"], "n, f"),
        (["kappa", "--rule", "smea"], "n, f"),  # only the missing flags are named
    ],
)
def test_cli_bad_input_is_one_line_exit_2(argv: list[str], name: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and name in err


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        json.dumps({"format": "other"}),
        json.dumps({"format": "boundkit-kappa-certificate"}),
    ],
)
def test_cli_malformed_replay_file_exit_2(tmp_path, payload: str, capsys) -> None:
    path = tmp_path / "cert.json"
    path.write_text(payload)
    assert main(["kappa", "--replay", str(path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_cli_json_replay_round_trip(tmp_path, capsys) -> None:
    path = tmp_path / "cert.json"
    argv = ["kappa", "--rule", "cwtm", "--n", "7", "--f", "2", "--d", "2", "--restarts", "0"]
    assert main([*argv, "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "best ratio" in out and "universal lower bound f/(n-2f): 2/3" in out
    assert main(["kappa", "--replay", str(path)]) == 0
    assert "reproduced exactly" in capsys.readouterr().out
    record = json.loads(path.read_text())
    record["ratio"] = "12345"
    path.write_text(json.dumps(record))
    assert main(["kappa", "--replay", str(path)]) == 1
    assert "NOT reproduced" in capsys.readouterr().out


def test_theorem_3_1_check_uses_the_empirical_kappa() -> None:
    check = rule_check.check_one("cwtm", "B2", 7, 2)
    smea_default = bounds.evaluate(
        "thm3.1/convex", dict(n=7, f=2, **rule_check.BASE, strong_convexity=0)
    )
    assert check.status == "within" and check.stability <= check.bound < smea_default
    assert rule_check.check_one("krum", "B1", 7, 3).status.startswith("n/a")


def test_simulate_accepts_a_callable_aggregator() -> None:
    """Problem.aggregator may be any callable (vectors, f): same run as the named rule."""
    import dataclasses

    from boundkit import rules
    from boundkit.config import Setting
    from boundkit.dynamics.coupled_runs import run_pair
    from constructions import CONSTRUCTIONS

    instance = CONSTRUCTIONS["B2"].build(Setting(n=7, f=2, **rule_check.BASE))

    def run(aggregator: object) -> tuple:
        problem = dataclasses.replace(instance.problem, aggregator=aggregator)
        pair = run_pair(problem, algorithm="gd", steps=3, step_size=F(1, 10), grouped=False)
        return pair.gaps

    assert run(lambda v, f: rules.smea(v, f)) == run("smea")
    assert run(lambda v, f: rules.coordinate_median(v, f).value) == run("median")
    with pytest.raises(ParameterError, match="aggregator"):
        dataclasses.replace(instance.problem, aggregator="bogus")


def test_theorem_3_1_check_with_a_user_rule() -> None:
    from boundkit import rules

    def my_median(vectors: object, f: int) -> object:
        return rules.coordinate_median(vectors, f)

    mine = rule_check.check_one(my_median, "B2", 7, 2)
    builtin = rule_check.check_one("median", "B2", 7, 2)
    assert (mine.kappa, mine.stability, mine.bound) == (
        builtin.kappa,
        builtin.stability,
        builtin.bound,
    )
    assert mine.claim_bound is None and mine.status == "within"


def test_theorems_evaluate_uses_a_given_kappa() -> None:
    """Found by the lab (fixed): the speed path applied the ``kappa_SMEA`` default over a
    given ``kappa``; it must agree with the exact path."""
    params = dict(n=7, f=2, **rule_check.BASE, strong_convexity=0, kappa=F(1))
    exact = bounds.exact_value(bounds.get("thm3.1/convex"), params)
    assert bounds.evaluate("thm3.1/convex", params) == pytest.approx(float(exact))
