"""Worst-case attack search (boundkit.labs.attacks; issue 7, part 3).

The certificate replays exactly, the search never reports less than its structured
(B1)/(B2) starts, in 1-D it beats the (B1)/(B2) push, and at a tiny ``n`` a brute force
over a rational grid finds nothing above the reported maximum.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest

from boundkit.cli.main import main
from boundkit.errors import ParameterError
from boundkit.labs.attacks.certificate import Certificate, evaluate_exact
from boundkit.labs.attacks.model import Problem, SearchSettings
from boundkit.labs.attacks.rationalise import to_certificate
from boundkit.labs.attacks.references import halves_push, poisoning_per_step
from boundkit.labs.attacks.scoring import _Candidate, _Layout, float_divergence
from boundkit.labs.attacks.search import SearchResult, search
from boundkit.labs.attacks.starts import halves_certificates
from boundkit.labs.attacks.sweep import Row, f_grid
from boundkit.outputs.attack_search_report import certificates_json
from boundkit.rules import smea

FAST = SearchSettings(restarts=2, evaluations=120, count_rounds=1, keep=2)


@pytest.fixture(scope="module")
def results() -> dict[tuple[int, int, int], SearchResult]:
    points = [(5, 1, 1), (9, 3, 1), (10, 2, 1), (8, 2, 2)]
    return {p: search(Problem(*p), FAST) for p in points}


def test_certificate_replays_exactly(results) -> None:
    for result in results.values():
        record = json.loads(json.dumps(result.certificate.to_json()))
        replayed = evaluate_exact(Certificate.from_json(record))
        assert replayed == result.evaluation
        assert replayed.divergence_squared > 0


def test_certificate_json_rows_carry_the_exact_outputs(results) -> None:
    result = results[(8, 2, 2)]
    row = Row(result, halves_push(result.problem), None, 0, 0)
    (record,) = certificates_json([row], {})["certificates"]
    assert Fraction(record["divergence_squared"]) == result.evaluation.divergence_squared
    assert [Fraction(x) for x in record["output_run_2"]] == list(result.evaluation.output_2)


def test_never_below_the_structured_b1_b2_starts(results) -> None:
    for key, result in results.items():
        for cert in halves_certificates(Problem(*key)):
            start = evaluate_exact(cert).divergence_squared
            assert result.evaluation.divergence_squared >= start


@pytest.mark.parametrize("key", [(9, 3, 1), (10, 2, 1), (5, 1, 1)])
def test_one_dimension_reaches_the_b1_b2_push(results, key) -> None:
    result = results[key]
    assert result.divergence >= halves_push(result.problem)


def test_plane_never_below_line(results) -> None:
    line = search(Problem(8, 2, 1), FAST)
    assert results[(8, 2, 2)].divergence >= line.divergence


def _output_range(honest: tuple[Fraction, ...], byzantine: list[Fraction], f: int) -> tuple:
    outputs = [smea([*honest, b], f).value for b in byzantine]
    return min(outputs), max(outputs)


def test_brute_force_grid_does_not_beat_the_search(results) -> None:
    """n = 5, f = 1, d = 1: honest values on a 1/4 grid of [-1, 1], the Byzantine value
    on a 1/8 grid of [-5, 5]; every neighbouring pair (one honest value changed)."""
    n, f, step = 5, 1, Fraction(1, 8)
    honest_grid = [Fraction(i, 4) for i in range(-4, 5)]
    byzantine_grid = [i * step for i in range(-40, 41)]
    ranges = {
        m: _output_range(m, byzantine_grid, f)
        for m in itertools.combinations_with_replacement(honest_grid, n - f)
    }
    best = Fraction(0)
    for m, (low, _) in ranges.items():
        for i, x in itertools.product(range(n - f), honest_grid):
            neighbour = tuple(sorted(m[:i] + m[i + 1 :] + (x,)))
            best = max(best, ranges[neighbour][1] - low)
    found_squared = results[(5, 1, 1)].evaluation.divergence_squared
    assert best > 2  # the grid does see the two-sided push
    assert (best - step) ** 2 <= found_squared  # exact: best <= found + step


def test_float_scoring_matches_exact_on_a_rational_configuration() -> None:
    problem = Problem(7, 2, 2)
    layout = _Layout(2, (2, 3), (2,), (1, 1))
    theta = np.array([0.5, -0.5, -0.75, 0.25, 0.0, 1.0, 2.0, 3.0, -1.5, 0.5, 4.0, -2.0])
    value = float_divergence(layout, theta, problem.f, 1.0)
    cert = to_certificate(problem, _Candidate(value, layout, theta), Fraction(0))
    assert float(evaluate_exact(cert).divergence()) == pytest.approx(value, rel=1e-12)


def test_certificate_rejects_honest_vectors_outside_the_ball() -> None:
    problem = Problem(5, 1, 2)
    outside = ((Fraction(1), Fraction(1, 10)), 4)
    byz = (((Fraction(0), Fraction(0)), 1),)
    with pytest.raises(ParameterError):
        Certificate(problem, (outside,), (Fraction(0), Fraction(0)), byz, byz)


@pytest.mark.parametrize("n, f, d", [(4, 2, 1), (5, 0, 1), (7, 2, 3)])
def test_bad_problems_are_refused(n: int, f: int, d: int) -> None:
    with pytest.raises(ParameterError):
        Problem(n, f, d)


def test_per_step_references_match_their_closed_forms() -> None:
    problem = Problem(20, 3, 1)
    assert float(poisoning_per_step(problem)) == pytest.approx(2 * 4 / 17)
    assert halves_push(problem) > 0


def test_cli_rejects_bad_input_with_one_line(capsys) -> None:
    assert main(["attack-search", "--ns", "20,x"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ns" in err[0]


def test_cli_writes_the_report(tmp_path, capsys) -> None:
    out = tmp_path / "search.png"
    args = ["attack-search", "--d", "1", "--ns", "7", "--restarts", "0", "--evaluations", "20"]
    args += ["--out", str(out), "--csv", str(tmp_path / "s.csv"), "--no-progress"]
    args += ["--json", str(tmp_path / "s.json"), "--markdown", str(tmp_path / "s.md")]
    assert main(args) == 0
    assert out.stat().st_size > 0
    records = json.loads((tmp_path / "s.json").read_text())["certificates"]
    assert [r["f"] for r in records] == f_grid(7)
    for record in records:
        ev = evaluate_exact(Certificate.from_json(record))
        assert str(ev.divergence_squared) == record["divergence_squared"]
    assert "Fitted exponents" in (tmp_path / "s.md").read_text()
