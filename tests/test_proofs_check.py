"""proofs_check: every check passes on the registry, and each kind of check can fail.

A check that cannot fail is not a check: besides running the registry's checks, these
tests mutate the registry (one entry swapped by ``monkeypatch``: a constant, a hypothesis,
a scaled lower bound), weaken the facts the derivations use, feed wrong formulas to the
variance checks, and assert FAIL; and run the command line with an injected failing check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from itertools import combinations

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from boundkit.bounds import get, registry
from boundkit.bounds import symbols as S
from boundkit.bounds.hypotheses import CONVEX_STEP, F_GE_THIRD, MU_BELOW_BETA, STRONG_STEP
from proofs_check import (
    CHECKS,
    Check,
    CheckResult,
    byzantine,
    exact,
    expansivity,
    fact_checks,
    facts,
    generalization,
    kappa,
    main,
    orthogonal,
    poisoning,
    run_check,
    variance,
)
from proofs_check.core import smea_choice, weighted_mean, weighted_variance
from proofs_check.region import implies
from proofs_check.surd import Surd, between
from proofs_check.sweep import push_sweep

COUNT_LINE = re.compile(r"^(\d+) checks: (\d+) passed, (\d+) failed$")


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[CheckResult, float]]:
    """Every registered check, run once."""
    return {c.name: run_check(c) for c in CHECKS}


# --------------------------------------------------------------------------- registry
def test_registry_is_data_with_unique_names() -> None:
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names))
    assert len(names) >= 15
    assert all(isinstance(c, Check) and callable(c.run) and c.reference for c in CHECKS)


@pytest.mark.parametrize("name", [c.name for c in CHECKS])
def test_check_passes(outcomes: dict[str, tuple[CheckResult, float]], name: str) -> None:
    res, seconds = outcomes[name]
    assert res.name == name
    assert seconds < 20, f"{name} took {seconds:.1f} s"
    assert res.passed, f"{name}: {res.compared} | {res.detail}"


def test_all_checks_fast(outcomes: dict[str, tuple[CheckResult, float]]) -> None:
    assert sum(s for _, s in outcomes.values()) < 90


# --------------------------------------------------------------------------- mutations
# Each test swaps one registry entry for a mutated copy (``monkeypatch.setitem`` on the
# registry's table, so every check sees it through ``get``) and asserts the checks that
# must kill it report FAIL.  The acceptance mutations of issue 12: (a) sqrt(kappa) halved
# consistently, (b) the step rule widened, (c)/(d) lower bounds scaled by 1.01, (e) any
# constant of eqs. (2), (3), (5), (6).
UPPER = ("thm3.1/convex", "thm3.1/strongly-convex", "thm3.3/convex", "thm3.3/strongly-convex")


def _mutate(monkeypatch: pytest.MonkeyPatch, rid: str, **changes: object) -> None:
    monkeypatch.setitem(registry._BY_ID, rid, replace(get(rid), **changes))


def _check(name: str) -> CheckResult:
    (check,) = [c for c in CHECKS if c.name == name]
    return run_check(check)[0]


def _consistent(rid: str, old: sp.Expr, new: sp.Expr) -> dict[str, object]:
    """Expression, recursion and simplified form of ``rid`` with ``old`` -> ``new``
    everywhere: a change the registry's own recursion cannot see."""
    res = get(rid)
    rec_ = res.recursion
    simplified = None if res.simplified is None else res.simplified.subs(old, new)
    return dict(
        expression=res.expression.subs(old, new),
        recursion=replace(
            rec_, factor=rec_.factor.subs(old, new), increment=rec_.increment.subs(old, new)
        ),
        simplified=simplified,
    )


@pytest.mark.parametrize("rid", ["thm3.1/convex", "thm3.1/strongly-convex"])
def test_a_halved_sqrt_kappa_fails(monkeypatch: pytest.MonkeyPatch, rid: str) -> None:
    assert _check(f"derive/{rid}").passed
    _mutate(monkeypatch, rid, **_consistent(rid, sp.sqrt(S.kappa), sp.sqrt(S.kappa) / 2))
    registered = get(rid)  # the mutation is self-consistent: its recursion solves to it
    assert registered.recursion.increment.has(sp.sqrt(S.kappa) / 2)
    assert not _check(f"derive/{rid}").passed


@pytest.mark.parametrize("rid", ["thm3.1/convex", "thm3.3/convex"])
@pytest.mark.parametrize("bound", [4 / S.beta, 1 / S.beta])  # widened; narrowed
def test_b_changed_convex_step_rule_fails(
    monkeypatch: pytest.MonkeyPatch, rid: str, bound: sp.Expr
) -> None:
    assert _check(f"steps/{rid}").passed
    hyps = tuple(
        sp.LessThan(S.gamma, bound) if h == CONVEX_STEP else h for h in get(rid).hypotheses
    )
    _mutate(monkeypatch, rid, hypotheses=hyps)
    assert not _check(f"steps/{rid}").passed


@pytest.mark.parametrize(
    "old, new",
    [
        (STRONG_STEP, sp.LessThan(S.gamma, 2 / S.beta)),
        (MU_BELOW_BETA, sp.LessThan(S.mu, 2 * S.beta)),
    ],
)
def test_widened_strongly_convex_hypotheses_fail(
    monkeypatch: pytest.MonkeyPatch, old: sp.Basic, new: sp.Basic
) -> None:
    rid = "thm3.3/strongly-convex"
    _mutate(monkeypatch, rid, hypotheses=tuple(new if h == old else h for h in get(rid).hypotheses))
    assert not _check(f"steps/{rid}").passed


@pytest.mark.parametrize("factor", [sp.Rational(101, 100), sp.Rational(99, 100)])
def test_c_scaled_thm32_fails(monkeypatch: pytest.MonkeyPatch, factor: sp.Rational) -> None:
    b1, b2 = (get(i) for i in byzantine.IDS)
    grid = ((9, 3, 2), (7, 1, 2), (8, 3, 1))
    assert byzantine.check_sup_reached(grid, (b1, b2)).passed
    scaled = replace(b1, expression=b1.expression * factor)
    assert not byzantine.check_sup_reached(grid, (scaled, b2)).passed
    scaled = replace(b2, expression=b2.expression * factor)
    assert not byzantine.check_sup_reached(grid, (b1, scaled)).passed
    _mutate(monkeypatch, byzantine.IDS[0], expression=b1.expression * factor)
    assert not _check("thm3.2/halves-gap-derived").passed


def test_thm32_regimes_fail_when_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    assert byzantine.check_regimes().passed
    rid = byzantine.IDS[0]
    moved = tuple(
        sp.StrictGreaterThan(3 * S.f, S.n) if h == F_GE_THIRD else h for h in get(rid).hypotheses
    )
    _mutate(monkeypatch, rid, hypotheses=moved)
    assert not byzantine.check_regimes().passed
    assert not byzantine.check_sup_reached(((9, 3, 2), (7, 1, 2))).passed  # n = 3f uncovered


@pytest.mark.parametrize("factor", [sp.Rational(101, 100), sp.Rational(99, 100)])
def test_d_scaled_b3_fails(factor: sp.Rational) -> None:
    b3 = get("byzantine/orthogonal-push")
    grid = ((7, 1, 1), (10, 1, 5))
    assert orthogonal.check_registered_b3(grid, b3).passed
    scaled = replace(b3, expression=b3.expression * factor)
    assert not orthogonal.check_registered_b3(grid, scaled).passed


@pytest.mark.parametrize("factor", [sp.Rational(101, 100), sp.Rational(99, 100)])
def test_scaled_two_sided_push_fails(monkeypatch: pytest.MonkeyPatch, factor: sp.Rational) -> None:
    grid = ((7, 1, 2), (8, 3, 2))
    assert byzantine.check_two_sided(grid).passed
    b4 = get("byzantine/two-sided-push")
    _mutate(monkeypatch, b4.id, expression=b4.expression * factor)
    assert not byzantine.check_two_sided(grid).passed


ETA_HALF = S.gamma * S.mu / 2
E_MUTATIONS = [  # (id, old subexpression, new): consistent changes of one constant
    ("thm3.1/convex", 2 * S.gamma, 3 * S.gamma),
    ("thm3.1/convex", 1 / S.N, 1 / (2 * S.N)),
    ("thm3.1/strongly-convex", 4 * S.L**2 / S.mu, 5 * S.L**2 / S.mu),
    ("thm3.1/strongly-convex", 1 - ETA_HALF, 1 - S.gamma * S.mu / 3),
    ("thm3.3/convex", S.f + 1 / S.m, S.f + 1 / (2 * S.m)),
    ("thm3.3/convex", 1 / (S.n - S.f), 1 / (S.n - S.f + 1)),
    ("thm3.3/strongly-convex", 4 * S.L**2 / S.mu, 2 * S.L**2 / S.mu),
    ("thm3.3/strongly-convex", 1 - ETA_HALF, 1 - S.gamma * S.mu / 4),
]


@pytest.mark.parametrize("rid, old, new", E_MUTATIONS)
def test_e_any_constant_of_the_upper_bounds_fails(
    monkeypatch: pytest.MonkeyPatch, rid: str, old: sp.Expr, new: sp.Expr
) -> None:
    changes = _consistent(rid, old, new)
    assert (
        changes["expression"] != get(rid).expression or changes["recursion"] != get(rid).recursion
    )
    _mutate(monkeypatch, rid, **changes)
    assert not _check(f"derive/{rid}").passed


@pytest.mark.parametrize("rid", UPPER)
def test_registry_recursion_alone_changed_fails(monkeypatch: pytest.MonkeyPatch, rid: str) -> None:
    rec_ = get(rid).recursion
    _mutate(monkeypatch, rid, recursion=replace(rec_, increment=rec_.increment * 2))
    assert not _check(f"derive/{rid}").passed


def test_simplified_form_changed_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    rid = "thm3.3/strongly-convex"
    _mutate(monkeypatch, rid, simplified=get(rid).simplified * 2)  # still above the bound
    assert not _check(f"derive/{rid}").passed


def test_thm42_scaled_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    assert kappa.check_thm42_ratio(((5, 2), (9, 3))).passed
    _mutate(monkeypatch, "thm4.2", expression=get("thm4.2").expression * 2)
    assert not kappa.check_thm42_ratio(((5, 2), (9, 3))).passed


# --------------------------------------------------------------------------- other checks
def test_pairwise_identity_check_fails_on_wrong_formula() -> None:
    def unbiased(xs: list[sp.Expr]) -> sp.Expr:  # 1/(k(k-1)) instead of 1/k^2
        k = len(xs)
        return sp.Rational(1, k * (k - 1)) * sum((a - b) ** 2 for a, b in combinations(xs, 2))

    assert not variance.check_pairwise_identity(unbiased).passed


def test_three_cluster_checks_fail_on_wrong_formula() -> None:
    def wrong(a, b, c, d12, d13, d23):  # noqa: ANN001, ANN202 - same signature as the formula
        return (a * b * d12 + a * c * d13 + b * c * d23) / (a + b + c)

    assert not variance.check_three_cluster(wrong).passed
    assert not variance.check_three_cluster_eigen(wrong).passed


def test_p1_tight_check_fails_on_wrong_bound() -> None:
    res = get("thm3.4/gd-convex")
    assert poisoning.check_p1_tight(res).passed
    wrong = replace(res, expression=2 * S.gamma * S.L**2 * S.T * S.f / (S.n - S.f))
    assert not poisoning.check_p1_tight(wrong).passed


def test_p2_check_fails_on_wrong_constant() -> None:
    res = get("thm3.4/gd-strongly-convex")
    assert not poisoning.check_p2_stability(replace(res, expression=2 * res.expression)).passed


def test_lemma41_check_fails_on_wrong_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    res = get("lemma4.1")
    real_get = generalization.get
    monkeypatch.setattr(
        generalization,
        "get",
        lambda rid: (
            replace(res, expression=-res.expression) if rid == "lemma4.1" else real_get(rid)
        ),
    )
    assert not generalization.check_lemma41().passed


def test_kappa_exhaustive_is_exact_and_small_domains_work() -> None:
    assert kappa.check_kappa_exhaustive(n_max=30).passed


# --------------------------------------------------------------------------- the facts
def test_weakened_facts_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A weaker fact breaks its own check and the derivations built on it."""
    monkeypatch.setattr(facts, "LAMBDA_MAX_BOUND", S.L**2 / 4)
    assert not fact_checks.check_lambda_max_bound().passed
    assert not _check("derive/thm3.1/convex").passed
    monkeypatch.undo()
    monkeypatch.setattr(facts, "SAMPLE_WEIGHT_GD", 1 / (2 * S.m))
    assert not fact_checks.check_changed_sample_weights().passed
    assert not _check("derive/thm3.3/convex").passed
    monkeypatch.undo()
    monkeypatch.setattr(facts, "AVERAGED_COUNT", S.n - S.f + 1)
    assert not fact_checks.check_swapped_pairs().passed


def test_wrong_expansivity_facts_fail() -> None:
    wide = replace(facts.CONVEX, conditions=(sp.LessThan(S.gamma, 4 / S.beta),))
    assert not expansivity.check_expansive_convex(wide).passed
    too_small = replace(facts.SMOOTH, factor=1 + S.gamma * S.beta / 2)
    assert not expansivity.check_expansive_smooth(too_small).passed
    too_strong = replace(facts.STRONGLY_CONVEX_RELAXED, factor=1 - S.gamma * S.mu)
    assert not expansivity.check_expansive_strongly_convex(relaxed=too_strong).passed


def test_implication_is_symbolic_and_tight() -> None:
    cond = facts.CONVEX.conditions[0]
    assert implies((CONVEX_STEP,), cond).tight
    assert not implies((sp.LessThan(S.gamma, 4 / S.beta),), cond).holds
    narrow = implies((sp.LessThan(S.gamma, 1 / S.beta),), cond)
    assert narrow.holds and not narrow.tight
    assert not implies((), cond).holds  # nothing bounds gamma


# --------------------------------------------------------------------------- exact tools
def _frac(low: int, high: int, den: int) -> st.SearchStrategy[Fraction]:
    return st.fractions(min_value=low, max_value=high, max_denominator=den)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(_frac(-9, 9, 6), _frac(-4, 4, 4), _frac(0, 12, 5)),
        min_size=2,
        max_size=2,
    )
)
def test_surd_order_is_exact(parts: list[tuple[Fraction, Fraction, Fraction]]) -> None:
    x, y = (Surd(*p) for p in parts)
    with mpmath.workdps(60):

        def mp(q: Fraction) -> mpmath.mpf:
            return mpmath.mpf(q.numerator) / q.denominator

        diff = mp(x.a - y.a) + mp(x.b) * mpmath.sqrt(mp(x.d)) - mp(y.b) * mpmath.sqrt(mp(y.d))
    expected = exact.sign(x.sympy() - y.sympy())
    assert x.compare(y) == expected
    if abs(diff) > mpmath.mpf(10) ** -40:
        assert expected == (1 if diff > 0 else -1)
    if expected < 0:
        assert x < between(x, y) < y


def test_exact_compare_equal_nested_radicals() -> None:
    a = sp.sqrt(3 + 2 * sp.sqrt(2))
    assert exact.compare(a, 1 + sp.sqrt(2)) == 0
    assert exact.compare(sp.sqrt(2), sp.Rational(141421356237, 10**11)) == 1


def test_sweep_supremum_against_a_rational_scan() -> None:
    """The exact sweep's supremum is approached, and never exceeded, by brute-force SMEA
    (every subset, exact rationals) at pushed values on a fine rational grid."""
    honest = [(Fraction(1), 3), (Fraction(-1), 2), (Fraction(0), 1)]  # (B1) at (9, 3, 2)
    ff = 3
    sup = push_sweep(honest, ff).supremum
    outputs = []
    for i in range(1, 400):
        pushed = Fraction(1) + Fraction(i, 100)
        pool = sorted([*honest, (pushed, ff)])
        _, winners = smea_choice(pool, sum(c for _, c in honest))
        outputs.append(min(weighted_mean(w) for w in winners))
    assert all(Surd.of(o) <= sup for o in outputs)
    assert float(sup) - float(max(outputs)) < 0.01
    low = push_sweep(honest, ff).infimum  # pushed down: the same tie rule, not a mirror
    downs = []
    for i in range(1, 400):
        pool = sorted([*honest, (Fraction(-1) - Fraction(i, 100), ff)])
        _, winners = smea_choice(pool, sum(c for _, c in honest))
        downs.append(min(weighted_mean(w) for w in winners))
    assert all(low <= Surd.of(o) for o in downs)
    assert float(min(downs)) - float(low) < 0.01


# --------------------------------------------------------------------------- helpers
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.fractions(min_value=-10, max_value=10, max_denominator=50), min_size=2, max_size=9)
)
def test_pairwise_identity_on_random_rationals(xs: list[Fraction]) -> None:
    k = len(xs)
    pairwise = sum((a - b) ** 2 for a, b in combinations(xs, 2)) / Fraction(k * k)
    assert weighted_variance([(x, 1) for x in xs]) == pairwise


def test_smea_choice_matches_plain_subsets() -> None:
    values = [Fraction(v) for v in (-3, -1, 0, 0, 2, 5, 5)]
    best = min(weighted_variance([(v, 1) for v in sub]) for sub in combinations(values, 5))
    pool = [(Fraction(v), c) for v, c in ((-3, 1), (-1, 1), (0, 2), (2, 1), (5, 2))]
    assert smea_choice(pool, 5)[0] == best


def test_raising_check_is_a_failure() -> None:
    def boom() -> CheckResult:
        raise ZeroDivisionError("deliberate")

    res, _ = run_check(Check("boom", "test", boom))
    assert not res.passed and "ZeroDivisionError" in res.compared


# --------------------------------------------------------------------------- command line
def _failing() -> CheckResult:
    return CheckResult("injected", False, "deliberately failing", "")


def test_main_exit_status_and_count_line(capsys: pytest.CaptureFixture[str]) -> None:
    quick = [c for c in CHECKS if c.name.startswith("expansivity/")]
    assert main([], checks=quick) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert COUNT_LINE.match(out[-1]).groups() == (str(len(quick)), str(len(quick)), "0")
    assert main([], checks=[*quick, Check("injected", "test", _failing)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == f"{len(quick) + 1} checks: {len(quick)} passed, 1 failed"
    assert any(line.startswith("injected") and " FAIL " in line for line in out)


def test_main_list_only_verbose(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    listed = capsys.readouterr().out.strip().splitlines()
    assert len(listed) == len(CHECKS)
    assert main(["--only", "variance/three-cluster-scalar", "--verbose"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "1 checks: 1 passed, 0 failed"
    assert any(line.startswith("    moment = ") for line in out)
    assert main(["--only", "no-such-check"]) == 2


def test_cli_subprocess_runs_everything() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "proofs_check"], capture_output=True, text=True, timeout=300
    )
    lines = proc.stdout.strip().splitlines()
    match = COUNT_LINE.match(lines[-1])
    assert match, proc.stdout[-2000:]
    total, passed, failed = map(int, match.groups())
    assert total == len(CHECKS) and passed + failed == total
    assert (total, passed, failed) == (len(CHECKS), len(CHECKS), 0), proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_subprocess_exit_1_with_injected_failure() -> None:
    code = (
        "import sys\n"
        "from proofs_check import Check, CheckResult, main\n"
        "bad = Check('injected', 'test', lambda: CheckResult('injected', False, 'no', ''))\n"
        "sys.exit(main([], checks=[bad]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout.strip().splitlines()[-1] == "1 checks: 0 passed, 1 failed"
