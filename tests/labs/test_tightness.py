"""The tightness map (issue 13, part 4): exact choices, dimensions, certificates, CLI."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy as sp

from boundkit import bounds
from boundkit.bounds import registry
from boundkit.checks.exact_text import parse_exact
from boundkit.cli.main import main
from boundkit.errors import ParameterError
from boundkit.labs import tightness as T


def test_poisoning_is_tight_everywhere_sampled() -> None:
    """P1 attains eq. (5) (Thm 3.4(i)): the poisoning ratio is exactly 1."""
    for n, f, m in ((3, 1, 1), (10, 4, 3), (21, 7, 2)):
        cell = T.cell("poisoning", 1, n, f, m)
        assert cell.ratio == 1 and cell.reaches_goal is True
        assert cell.lower.source == "thm3.4/gd-convex" and cell.upper.source == "thm3.3/convex"


def test_per_step_is_the_bound_over_gamma_L2_T() -> None:
    n, f, m = sp.symbols("n f m", positive=True)
    eq2 = 2 * (1 / ((n - f) * m) + sp.sqrt(4 * f / (n - 2 * f)))  # eq. (2) with kappa*
    assert sp.simplify(T.per_step("thm3.1/convex").subs(_names(n, f, m)) - eq2) == 0
    with pytest.raises(ValueError, match="not gamma L"):
        T.per_step("thm3.1/strongly-convex")


def _names(n, f, m) -> dict:
    from boundkit.bounds import symbols as S

    return {S.n: n, S.f: f, S.m: m}


def test_extremes_are_chosen_exactly() -> None:
    tiny = sp.Rational(1, 10**60)
    a, b = T.Bound("a", sp.sqrt(2)), T.Bound("b", sp.sqrt(2) + tiny)
    assert T._extreme([a, b], ">").source == "b" and T._extreme([b, a], ">").source == "b"
    assert T._extreme([a, b], "<").source == "a" and T._extreme([b, a], "<").source == "a"
    assert T._extreme([a, T.Bound("c", sp.sqrt(2))], ">").source == "a"  # tie: first listed


def test_one_dimensional_bound_is_attained_at_n_3f_plus_1() -> None:
    """B4 reaches the 1-D SMEA bound exactly at (31, 10, 1): ratio 1, decided exactly;
    one relative 10^-30 less would fail the goal verdict only below 0.9, so also check it is
    not above 1."""
    cell = T.cell("byzantine", 1, 31, 10, 1)
    assert cell.lower.source == "byzantine/two-sided-push"
    assert cell.upper.source == "byzantine/smea-1d/convex"
    assert sp.simplify(cell.ratio - 1) == 0 and cell.above_upper is False


def test_dimensions_decide_which_bounds_apply() -> None:
    one, two = T.cell("byzantine", 1, 21, 2, 1), T.cell("byzantine", 2, 21, 2, 1)
    assert "byzantine/orthogonal-push" not in {b.source for b in one.lowers}
    assert "byzantine/orthogonal-push" in {b.source for b in two.lowers}
    assert "byzantine/smea-1d/convex" in {b.source for b in one.uppers}
    assert "byzantine/smea-1d/convex" not in {b.source for b in two.uppers}


def test_a_lower_bound_above_an_upper_bound_is_reported(monkeypatch, tmp_path) -> None:
    res = bounds.get("byzantine/two-sided-push")
    monkeypatch.setitem(registry._BY_ID, res.id, replace(res, expression=res.expression * 10))
    assert T.cell("byzantine", 1, 7, 2, 1).above_upper is True
    md = tmp_path / "t.md"
    assert main(["tightness", "--d", "1", "--ns", "7", "--ms", "1", "--markdown", str(md)]) == 1
    assert "a bug), " in md.read_text()


def _certificate(divergence: str = "") -> dict:
    record = {
        "n": 5,
        "f": 1,
        "d": 1,
        "m": 1,
        "lipschitz": "1",
        "family": "hand-made",
        "honest_run_1": [{"vector": ["-1"], "count": 2}, {"vector": ["1"], "count": 2}],
        "changed_worker": {"run_1": ["-1"], "run_2": ["1"]},
        "byzantine_run_1": [{"vector": ["-3"], "count": 1}],
        "byzantine_run_2": [{"vector": ["3"], "count": 1}],
    }
    if divergence:
        record["divergence_squared"] = divergence
    return record


def _brute_smea(values: list[Fraction], f: int) -> Fraction:
    """SMEA by brute force over every subset (least variance, then least mean)."""
    size = len(values) - f

    def key(subset: tuple[Fraction, ...]) -> tuple[Fraction, Fraction]:
        mean = sum(subset) / size
        return sum((x - mean) ** 2 for x in subset) / size, mean

    best = min(itertools.combinations(values, size), key=key)
    return sum(best) / size


def test_certificates_are_replayed_not_trusted() -> None:
    honest = T.certificate_bounds(T.read_certificates(json.dumps([_certificate()])))
    lying = T.certificate_bounds(T.read_certificates(json.dumps([_certificate("1000")])))
    assert honest[(5, 1, 1)].value == lying[(5, 1, 1)].value
    one = [Fraction(v) for v in (-1, -1, 1, 1, -3)]
    two = [Fraction(v) for v in (1, -1, 1, 1, 3)]
    assert honest[(5, 1, 1)].value == abs(_brute_smea(one, 1) - _brute_smea(two, 1))
    cell = T.cell("byzantine", 2, 5, 1, 1, T.Sources(honest))
    assert honest[(5, 1, 1)] in cell.lowers  # a 1-D certificate counts in d = 2 too
    with pytest.raises(ParameterError):
        T.read_certificates('[{"n": 5.0}]')
    with pytest.raises(ParameterError):
        T.read_certificates("{")


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["--ns", "2"], "ns"),
        (["--ns", "3-500"], "ns"),
        (["--ns", "9-4"], "ns"),
        (["--ms", "0"], "ms"),
        (["--d", "3"], "d"),
        (["--certificates", "/nonexistent/c.json"], "certificates"),
        (["--out", "map.txt"], "out"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv, name, capsys) -> None:
    assert main(["tightness", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"boundkit: error: {name}")


def test_command_writes_report_json_and_figure(tmp_path) -> None:
    md, js, png = tmp_path / "t.md", tmp_path / "t.json", tmp_path / "t.png"
    argv = ["tightness", "--ns", "3-7", "--ms", "1,2", "--markdown", str(md)]
    assert main([*argv, "--json", str(js), "--out", str(png)]) == 0
    text = md.read_text()
    assert "worst cell" in text and "none." in text and "Byzantine, d = 2" in text
    cells = json.loads(js.read_text())["cells"]
    assert {c["threat"] for c in cells} == {"byzantine", "poisoning"}
    assert all(parse_exact(c["ratio_exact"]) <= 1 for c in cells)
    assert png.stat().st_size > 10_000
