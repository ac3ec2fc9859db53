"""The registry of checks (data) and the runner.

Each entry is a :class:`~proofs_check.core.Check`: a name, the paper/docs reference and
a zero-argument function (a check function with its inputs bound).  :func:`run_check`
runs one, turning an exception into a FAIL and timing it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from functools import partial

from boundkit.bounds import get
from proofs_check import (
    byzantine,
    consistency,
    derive,
    expansivity,
    fact_checks,
    generalization,
    kappa,
    kappa_star,
    orthogonal,
    poisoning,
    sharp_1d,
    sharp_bound,
)
from proofs_check import recursions as rec
from proofs_check import theory_halves as theory
from proofs_check import variance as var
from proofs_check.core import Check, CheckResult

UPPER_WITH_RECURSION = (
    "thm3.1/convex",
    "thm3.1/strongly-convex",
    "thm3.3/convex",
    "thm3.3/strongly-convex",
)


def _registry() -> tuple[Check, ...]:
    checks: list[Check] = []
    for rid in UPPER_WITH_RECURSION:
        reference = f"{get(rid).reference}; docs/theory.md section 2; proofs_check/facts.py"
        checks.append(Check(f"derive/{rid}", reference, partial(derive.check_derived_bound, rid)))
        checks.append(Check(f"steps/{rid}", reference, partial(derive.check_step_conditions, rid)))
    checks += [
        Check(
            "facts/lambda-max-L-ball",
            "docs/theory.md section 2 (Thm 3.1)",
            fact_checks.check_lambda_max_bound,
        ),
        Check(
            "facts/changed-sample-weights",
            "docs/theory.md section 2 (Thm 3.1, 3.3)",
            fact_checks.check_changed_sample_weights,
        ),
        Check(
            "facts/swapped-pairs",
            "docs/theory.md section 2 (Thm 3.3)",
            fact_checks.check_swapped_pairs,
        ),
        Check("facts/stability-link", "docs/theory.md section 1", fact_checks.check_stability_link),
        Check(
            "expansivity/quadratic-step-ratio", "Lemma B.2 setup", expansivity.check_step_is_affine
        ),
        Check("expansivity/B.2(i)-smooth", "Lemma B.2(i)", expansivity.check_expansive_smooth),
        Check("expansivity/B.2(ii)-convex", "Lemma B.2(ii)", expansivity.check_expansive_convex),
        Check(
            "expansivity/B.2(iii)-strongly-convex",
            "Lemma B.2(iii)",
            expansivity.check_expansive_strongly_convex,
        ),
        Check("cocoercivity/B.1-quadratic", "Lemma B.1", expansivity.check_cocoercive),
        Check(
            "f=0-is-Hardt/thm3.1/convex",
            "docs/theory.md section 2; Hardt et al. 2016",
            partial(rec.check_f0_hardt, "thm3.1/convex"),
        ),
        Check(
            "f=0-is-Hardt/thm3.3/convex",
            "docs/theory.md section 2; Hardt et al. 2016",
            partial(rec.check_f0_hardt, "thm3.3/convex"),
        ),
        Check(
            "f=0-constant/thm3.1/strongly-convex",
            "docs/theory.md section 2 (constant 4 vs 2)",
            rec.check_f0_strongly_convex_constant,
        ),
        Check(
            "variance/pairwise-identity",
            "docs/theory.md section 1; Lemma D.1",
            var.check_pairwise_identity,
        ),
        Check("variance/three-cluster-scalar", "Lemma D.1", var.check_three_cluster),
        Check("variance/three-cluster-2d-eigenvalues", "Lemma D.1", var.check_three_cluster_eigen),
        Check(
            "thm3.2/halves-gap-derived",
            "Thm 3.2, App. C.3; registered HalvesGap",
            byzantine.check_halves_gap_derived,
        ),
        Check(
            "thm3.2/sup-reached-by-SMEA",
            "Thm 3.2, App. C.3 (exact brute force)",
            byzantine.check_sup_reached,
        ),
        Check("thm3.2/regimes", "Thm 3.2(i)-(ii), App. C.3", byzantine.check_regimes),
        Check(
            "two-sided/sup-reached-by-SMEA",
            "registry byzantine/two-sided-push (B4); exact brute force",
            byzantine.check_two_sided,
        ),
        Check("theory/B2-quadratic-roots-push", "App. C.3(iii)", theory.check_b2_quadratic),
        Check("theory/B2-finite-m-supremum", "App. C.3(iii)", theory.check_b2_finite_m),
        Check(
            "theory/B1-honest-variance",
            "App. C.3(i); SIGMA_M_SQUARED",
            theory.check_b1_honest_variance,
        ),
        Check("theory/B1-supremum", "App. C.3(i)-(ii)", theory.check_b1_supremum),
        Check("theory/B1-B2-meet-at-f=n/3", "App. C.3", theory.check_b1_b2_meet),
        Check(
            "kappa/SMEA>=lower-symbolic",
            "Allouah et al. 2023a Prop. 6, 2023b Prop. 5.1",
            kappa.check_kappa_above_lower_symbolic,
        ),
        Check(
            "kappa/SMEA>=lower-exhaustive",
            "Allouah et al. 2023a Prop. 6, 2023b Prop. 5.1",
            kappa.check_kappa_exhaustive,
        ),
        Check(
            "kappa/byzantine-bound>=poisoning-bound",
            "Thm 3.1 vs Thm 3.3",
            kappa.check_byzantine_above_poisoning,
        ),
        Check(
            "kappa/SMEA-order-sqrt(f/(n-2f))", "docs/theory.md section 2", kappa.check_kappa_order
        ),
        Check(
            "eq5/additive-degradation",
            "Thm 3.3, docs/theory.md section 2",
            kappa.check_eq5_structure,
        ),
        Check(
            "gap/thm3.2-over-eq5-unbounded",
            "Thm 3.2 vs eq. (5); docs/theory.md section 5",
            kappa.check_gap_unbounded,
        ),
        Check("gap/thm4.2-ratio", "Thm 4.2, Lemma 4.1", kappa.check_thm42_ratio),
        Check("P1/SMEA-choice-symbolic", "App. D.2", poisoning.check_p1_choice_symbolic),
        Check("P1/SMEA-choice-bruteforce", "App. D.2", poisoning.check_p1_choice_bruteforce),
        Check("P1/tight/thm3.4/gd-convex", "Thm 3.4(i), App. D.2", poisoning.check_p1_tight),
        Check(
            "P2/stability/thm3.4/gd-strongly-convex",
            "Thm 3.4(ii), App. D.3",
            poisoning.check_p2_stability,
        ),
        Check(
            "P2/ratio-to-eq6",
            "App. D.3; docs/theory.md, Where we differ",
            poisoning.check_p2_ratio_to_eq6,
        ),
        Check("P3/closed-form", "Thm 3.4(i) SGD, App. D.4", poisoning.check_p3_closed_form),
        Check("lower<=upper/poisoning-convex", "Table 1", consistency.check_convex_poisoning_pairs),
        Check("lower<=upper/byzantine-grid", "Table 1", consistency.check_byzantine_pairs),
        Check("lemma4.1/expected-gen-error", "Lemma 4.1, eq. (10)", generalization.check_lemma41),
        Check("prop2.1/lemma4.1-consistency", "Prop. 2.1", generalization.check_prop21_consistency),
        Check("appG/high-probability-limits", "App. G", generalization.check_appg),
    ]
    orthogonal_reference = "boundkit (B3), not from the paper; docs/theory.md"
    checks += [
        Check("orthogonal/layout", orthogonal_reference, orthogonal.check_honest_layout),
        Check(
            "orthogonal/window-covariance", orthogonal_reference, orthogonal.check_window_covariance
        ),
        Check("orthogonal/tie-quadratic", orthogonal_reference, orthogonal.check_tie_quadratic),
        Check("orthogonal/balanced-tie", orthogonal_reference, orthogonal.check_balanced_tie),
        Check(
            "orthogonal/registered-vs-sweep",
            "registry byzantine/orthogonal-push; exact sweep",
            orthogonal.check_registered_b3,
        ),
    ]
    checks += _sharp_constants()
    return tuple(checks)


def _sharp_constants() -> list[Check]:
    """Sharp constants: SMEA's kappa* and the sharper SMEA bound (docs/theory.md, section 7)."""
    kappa_reference = "registry kappa/smea (kappa* = 4f/(n-2f)); docs/theory.md, Sharp constants"
    checks = [
        Check("kappa*/mean-split", kappa_reference, kappa_star.check_mean_split),
        Check("kappa*/between-group", kappa_reference, kappa_star.check_between_group),
        Check("kappa*/derived-vs-registered", kappa_reference, kappa_star.check_derived_kappa),
        Check("kappa*/exhaustive-1d", kappa_reference, kappa_star.check_exhaustive_1d),
        Check("kappa*/exhaustive-2d", kappa_reference, kappa_star.check_exhaustive_2d),
        Check(
            "sharp/min-is-2f-over-h",
            "registry byzantine/smea-sharp/*; per-run inequality",
            sharp_bound.check_min_is_two_f_over_h,
        ),
        Check(
            "sharp/per-run-exhaustive",
            "registry byzantine/smea-sharp/*; exact SMEA",
            sharp_bound.check_per_run_exhaustive,
        ),
    ]
    for rid in sharp_bound.SHARP_IDS:
        reference = f"{get(rid).reference}; proofs_check/facts.py"
        checks.append(
            Check(f"sharp/derive/{rid}", reference, partial(sharp_bound.check_sharp_derived, rid))
        )
    one_d = "registry byzantine/smea-1d/*; docs/theory.md, Sharp constants"
    checks += [
        Check("sharp-1d/variance-comparison", one_d, sharp_1d.check_variance_comparison),
        Check("sharp-1d/maximisation", one_d, sharp_1d.check_maximisation),
        Check("sharp-1d/per-run-exhaustive", one_d, sharp_1d.check_per_run_exhaustive),
    ]
    for rid in sharp_1d.IDS_1D:
        checks.append(Check(f"sharp-1d/derive/{rid}", one_d, partial(sharp_1d.check_derived, rid)))
    return checks


#: every check ``python -m proofs_check`` runs, in order
CHECKS: tuple[Check, ...] = _registry()


def run_check(check: Check) -> tuple[CheckResult, float]:
    """Run one check; an exception is a FAIL naming it.  Returns the result and seconds."""
    start = time.perf_counter()
    try:
        res = check.run()
    except Exception as exc:  # a crashing check is a failing check
        res = CheckResult(check.name, False, f"raised {type(exc).__name__}: {exc}", "")
    elapsed = time.perf_counter() - start
    return replace(res, name=check.name), elapsed


def run_check_at(index: int) -> CheckResult:
    """:func:`run_check` on ``CHECKS[index]`` (an index pickles where a check may not:
    for process pools)."""
    return run_check(CHECKS[index])[0]


def select(checks: Iterable[Check], only: str | None = None) -> list[Check]:
    """The checks whose name contains ``only`` (all when ``None``)."""
    return [c for c in checks if only is None or only in c.name]
