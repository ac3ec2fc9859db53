"""Mutations of the theorem registry: constants, exponents, hypothesis bounds and kinds.

Files: ``boundkit/bounds/registry.py`` (the registered expressions, recursions and kinds),
``hypotheses.py`` (the named hypothesis bounds), ``kappa.py``, ``halves_gap.py`` (B1/B2),
``two_sided_gap.py`` (B4) and ``orthogonal_gap.py`` (B3).  Each entry names its killers,
cheapest first: one ``proofs_check`` selection, the quick ``verify`` of the constructions
that meet the bound, a test file.
"""

from __future__ import annotations

from proofs_check.mutations.model import Mutation, proofs, tests, verify
from proofs_check.mutations.model import mutation as _m

REG = "boundkit/bounds/registry.py"
HYP = "boundkit/bounds/hypotheses.py"
KAP = "boundkit/bounds/kappa.py"
HALVES = "boundkit/bounds/halves_gap.py"
TWO = "boundkit/bounds/two_sided_gap.py"
ORTH = "boundkit/bounds/orthogonal_gap.py"

THEOREMS = "tests/bounds/test_theorems.py"
SHARP_TESTS = "tests/bounds/test_sharp_constants.py"
TWO_TESTS = "tests/constructions/test_two_sided_push.py"
ORTH_TESTS = "tests/constructions/test_orthogonal_push.py"
#: checks added because the gate found gaps (reports/mutations.md, "Findings")
FINDINGS = "tests/test_gate_findings.py"

_BYZANTINE = ("B1", "B2", "B3", "tailored", "B4")


def _kind(reference: str, between: str, old: str, new: str) -> tuple[str, str]:
    """The ``kind`` line of one registry entry, made unique by the entry's reference and
    the lines between them."""
    head = f'reference="{reference}",\n{between}'
    return head + f'            kind="{old}",', head + f'            kind="{new}",'


_THM33_OLD, _THM33_NEW = _kind(
    "Theorem 3.3(i), eq. (5)",
    '            threat="poisoning",\n            algorithms=("gd", "sgd"),\n'
    '            convexity="convex",\n',
    "upper",
    "lower",
)
_THM32_OLD, _THM32_NEW = _kind(
    "Theorem 3.2(i), App. C.3(i)-(ii)",
    '            threat="byzantine",\n            algorithms=("gd",),\n'
    '            convexity="convex",\n',
    "lower",
    "upper",
)
_THM34_OLD, _THM34_NEW = _kind(
    "Theorem 3.4(i), App. D.2",
    '            threat="poisoning",\n            algorithms=("gd",),\n'
    '            convexity="convex",\n',
    "lower",
    "upper",
)

_EQ5 = "expression=2 * gamma * L**2 * T * _POISON_TERM,\n            hypotheses=(HONEST_MAJORITY, "
_GE3 = (
    "expression=gamma * L**2 * T * HALVES_GAP,\n"
    "            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, F_GE_THIRD),"
)
_LT3 = (
    "expression=gamma * L**2 * T * HALVES_GAP,\n"
    "            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, F_LT_THIRD),"
)
_EQ2_RECURSION = (
    "            recursion=Recursion(factor=sp.Integer(1), increment=2 * gamma * L * _BYZ_TERM),"
)
_P3_LOWER = "expression=gamma * L**2 * (f * (T - m) + T / m) / (n - f),"

REGISTRY_MUTATIONS: tuple[Mutation, ...] = (
    # ------------------------------------------------------------ shared terms
    _m(
        "reg-eta-half-to-third",
        REG,
        "_ETA_STRONG = 1 - gamma * mu / 2",
        "_ETA_STRONG = 1 - gamma * mu / 3",
        "expansivity 1 - gamma mu/2 of the strongly convex bounds (eqs. 3, 6) weakened",
        proofs("derive/thm3.1/strongly"),
        verify("P2"),
        tests(THEOREMS),
    ),
    _m(
        "reg-byz-1/N-doubled",
        REG,
        "_BYZ_TERM = 1 / N + sp.sqrt(kappa)",
        "_BYZ_TERM = 2 / N + sp.sqrt(kappa)",
        "eqs. (2), (3): the changed sample's 1/N term doubled",
        proofs("derive/thm3.1"),
        tests(THEOREMS),
    ),
    _m(
        "reg-byz-sqrt-kappa-halved",
        REG,
        "_BYZ_TERM = 1 / N + sp.sqrt(kappa)",
        "_BYZ_TERM = 1 / N + sp.sqrt(kappa) / 2",
        "eqs. (2), (3): the robustness term sqrt(kappa) halved, consistently in the "
        "expression and the recursion (the gate's acceptance example)",
        proofs("derive/thm3.1"),
        verify(*_BYZANTINE),
        tests(THEOREMS),
    ),
    _m(
        "reg-byz-sqrt-kappa-exponent",
        REG,
        "_BYZ_TERM = 1 / N + sp.sqrt(kappa)",
        "_BYZ_TERM = 1 / N + kappa ** sp.Rational(1, 3)",
        "eqs. (2), (3): exponent of kappa 1/2 -> 1/3",
        proofs("derive/thm3.1"),
        verify(*_BYZANTINE),
        tests(THEOREMS),
    ),
    _m(
        "reg-poison-1/m-doubled",
        REG,
        "_POISON_TERM = (f + 1 / m) / (n - f)",
        "_POISON_TERM = (f + 2 / m) / (n - f)",
        "eqs. (5), (6): the changed sample's 1/m doubled",
        proofs("derive/thm3.3"),
        verify("P1"),
        tests(THEOREMS),
    ),
    _m(
        "reg-poison-denominator",
        REG,
        "_POISON_TERM = (f + 1 / m) / (n - f)",
        "_POISON_TERM = (f + 1 / m) / (n - f + 1)",
        "eqs. (5), (6): averaged count n - f -> n - f + 1",
        proofs("derive/thm3.3"),
        verify("P1"),
        tests(THEOREMS),
    ),
    _m(
        "reg-poison-f-doubled",
        REG,
        "_POISON_TERM = (f + 1 / m) / (n - f)",
        "_POISON_TERM = (2 * f + 1 / m) / (n - f)",
        "eqs. (5), (6): swapped-pair count f doubled",
        proofs("derive/thm3.3"),
        verify("P1"),
        tests(THEOREMS),
    ),
    _m(
        "reg-sharp-1/N-doubled",
        REG,
        "_SHARP_TERM = 1 / N + SMEA_SHARP_DEVIATION",
        "_SHARP_TERM = 2 / N + SMEA_SHARP_DEVIATION",
        "SMEA's sharp Byzantine bound: the 1/N term doubled",
        proofs("sharp/derive"),
        tests(SHARP_TESTS),
    ),
    _m(
        "reg-kappa-default-lower",
        REG,
        '_KAPPA_DEFAULT = {"kappa": KAPPA_SMEA}',
        '_KAPPA_DEFAULT = {"kappa": KAPPA_LOWER}',
        "thm3.1's default kappa: SMEA's kappa* replaced by the universal lower bound",
        verify(*_BYZANTINE),
        tests(THEOREMS),
    ),
    # ------------------------------------------------------------ eq. (2), (3)
    _m(
        "reg-eq2-constant",
        REG,
        "expression=2 * gamma * L**2 * T * _BYZ_TERM,",
        "expression=3 * gamma * L**2 * T * _BYZ_TERM,",
        "eq. (2): leading constant 2 -> 3 (expression only)",
        proofs("derive/thm3.1/convex"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq2-L-exponent",
        REG,
        "expression=2 * gamma * L**2 * T * _BYZ_TERM,",
        "expression=2 * gamma * L * T * _BYZ_TERM,",
        "eq. (2): L^2 -> L",
        proofs("derive/thm3.1/convex"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq2-increment",
        REG,
        "recursion=Recursion(factor=sp.Integer(1), increment=2 * gamma * L * _BYZ_TERM),",
        "recursion=Recursion(factor=sp.Integer(1), increment=3 * gamma * L * _BYZ_TERM),",
        "eq. (2): per-step increment of the registered recursion 2 -> 3",
        proofs("derive/thm3.1/convex"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq3-increment",
        REG,
        "recursion=Recursion(factor=_ETA_STRONG, increment=2 * gamma * L * _BYZ_TERM),",
        "recursion=Recursion(factor=_ETA_STRONG, increment=3 * gamma * L * _BYZ_TERM),",
        "eq. (3): per-step increment of the registered recursion 2 -> 3",
        proofs("derive/thm3.1/strongly"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq3-factor",
        REG,
        "recursion=Recursion(factor=_ETA_STRONG, increment=2 * gamma * L * _BYZ_TERM),",
        "recursion=Recursion(factor=sp.Integer(1), increment=2 * gamma * L * _BYZ_TERM),",
        "eq. (3): contraction factor of the registered recursion dropped",
        proofs("derive/thm3.1/strongly"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq3-constant",
        REG,
        "expression=4 * L**2 / mu * _BYZ_TERM * (1 - _ETA_STRONG**T),",
        "expression=5 * L**2 / mu * _BYZ_TERM * (1 - _ETA_STRONG**T),",
        "eq. (3): leading constant 4 -> 5",
        proofs("derive/thm3.1/strongly"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq3-T-exponent",
        REG,
        "expression=4 * L**2 / mu * _BYZ_TERM * (1 - _ETA_STRONG**T),",
        "expression=4 * L**2 / mu * _BYZ_TERM * (1 - _ETA_STRONG ** (T + 1)),",
        "eq. (3): exponent T -> T + 1",
        proofs("derive/thm3.1/strongly"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq3-simplified",
        REG,
        "simplified=4 * L**2 / mu * _BYZ_TERM,",
        "simplified=5 * L**2 / mu * _BYZ_TERM,",
        "eq. (3): the T -> oo form 4 -> 5",
        proofs("derive/thm3.1/strongly"),
        tests(THEOREMS),
    ),
    # ------------------------------------------------------------ eq. (5), (6)
    _m(
        "reg-eq5-constant",
        REG,
        _EQ5 + "CONVEX_STEP),",
        _EQ5.replace("=2 *", "=1 *") + "CONVEX_STEP),",
        "eq. (5): leading constant 2 -> 1 (below what P1 reaches)",
        verify("P1"),
        proofs("derive/thm3.3/convex"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq5-T-exponent",
        REG,
        _EQ5 + "CONVEX_STEP),",
        _EQ5.replace("T * _POISON", "T**2 * _POISON") + "CONVEX_STEP),",
        "eq. (5): T -> T^2",
        proofs("derive/thm3.3/convex"),
        verify("P1", "P3"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq5-increment",
        REG,
        "recursion=Recursion(factor=sp.Integer(1), increment=2 * gamma * L * _POISON_TERM),",
        "recursion=Recursion(factor=sp.Integer(1), increment=1 * gamma * L * _POISON_TERM),",
        "eq. (5): per-step increment of the registered recursion 2 -> 1",
        proofs("derive/thm3.3/convex"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq6-constant",
        REG,
        "expression=4 * L**2 / mu * _POISON_TERM * (1 - _ETA_STRONG**T),",
        "expression=2 * L**2 / mu * _POISON_TERM * (1 - _ETA_STRONG**T),",
        "eq. (6): leading constant 4 -> 2",
        proofs("derive/thm3.3/strongly"),
        verify("P2"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq6-mu-exponent",
        REG,
        "expression=4 * L**2 / mu * _POISON_TERM * (1 - _ETA_STRONG**T),",
        "expression=4 * L**2 / mu**2 * _POISON_TERM * (1 - _ETA_STRONG**T),",
        "eq. (6): 1/mu -> 1/mu^2",
        proofs("derive/thm3.3/strongly"),
        tests(THEOREMS),
    ),
    _m(
        "reg-eq6-simplified",
        REG,
        "simplified=4 * L**2 / mu * _POISON_TERM,",
        "simplified=2 * L**2 / mu * _POISON_TERM,",
        "eq. (6): the T -> oo form 4 -> 2",
        proofs("derive/thm3.3/strongly"),
        tests(THEOREMS),
    ),
    # ------------------------------------------------------------ lower bounds
    _m(
        "reg-thm3.4-gd-convex-up",
        REG,
        _EQ5 + "HAS_MISBEHAVING, CONVEX_STEP),",
        _EQ5.replace("=2 *", "=3 *") + "HAS_MISBEHAVING, CONVEX_STEP),",
        "Theorem 3.4(i) (P1's lower bound) raised by 3/2",
        verify("P1"),
        proofs("P1/tight"),
        tests(THEOREMS),
        fast=True,
    ),
    _m(
        "reg-thm3.4-gd-strongly-up",
        REG,
        "expression=L**2 / (2 * mu) * _POISON_TERM * (1 - (1 - gamma * mu) ** T),",
        "expression=L**2 / mu * _POISON_TERM * (1 - (1 - gamma * mu) ** T),",
        "Theorem 3.4(ii) (P2's lower bound): L^2/(2 mu) -> L^2/mu",
        verify("P2"),
        proofs("P2/stability"),
        tests(THEOREMS),
    ),
    _m(
        "reg-thm3.4-gd-strongly-T-exponent",
        REG,
        "expression=L**2 / (2 * mu) * _POISON_TERM * (1 - (1 - gamma * mu) ** T),",
        "expression=L**2 / (2 * mu) * _POISON_TERM * (1 - (1 - gamma * mu) ** (T - 1)),",
        "Theorem 3.4(ii): exponent T -> T - 1 (a weaker lower bound)",
        proofs("P2/stability"),
        verify("P2"),
        tests(THEOREMS),
    ),
    _m(
        "reg-thm3.4-sgd-up",
        REG,
        _P3_LOWER,
        _P3_LOWER.replace("T / m", "2 * T / m"),
        "Theorem 3.4 for SGD (P3's lower bound): T/m -> 2T/m",
        verify("P3"),
        proofs("P3/closed-form"),
        tests(THEOREMS),
    ),
    _m(
        "reg-thm3.4-sgd-denominator",
        REG,
        _P3_LOWER,
        _P3_LOWER.replace("/ (n - f),", "/ (n - f - 1),"),
        "Theorem 3.4 for SGD: n - f -> n - f - 1",
        verify("P3"),
        proofs("P3/closed-form"),
        tests(THEOREMS),
    ),
    _m(
        "reg-thm3.2-ge-up",
        REG,
        _GE3,
        _GE3.replace("expression=", "expression=sp.Rational(101, 100) * "),
        "Theorem 3.2(i) (B1's lower bound) raised by 1%",
        proofs("thm3.2/sup-reached"),
        verify("B1"),
        tests(THEOREMS),
    ),
    _m(
        "reg-thm3.2-lt-down",
        REG,
        _LT3,
        _LT3.replace("expression=", "expression=sp.Rational(99, 100) * "),
        "Theorem 3.2(ii) (B2's lower bound) lowered by 1% (no longer the supremum)",
        proofs("thm3.2/sup-reached"),
        tests(THEOREMS),
    ),
    _m(
        "reg-B3-up",
        REG,
        "expression=gamma * L**2 * T * ORTHOGONAL_GAP,",
        "expression=sp.Rational(101, 100) * gamma * L**2 * T * ORTHOGONAL_GAP,",
        "B3's registered lower bound raised by 1%",
        proofs("orthogonal/registered-vs-sweep"),
        verify("B3"),
        tests(ORTH_TESTS),
    ),
    _m(
        "reg-B4-down",
        REG,
        "expression=gamma * L**2 * T * TWO_SIDED_GAP,",
        "expression=sp.Rational(99, 100) * gamma * L**2 * T * TWO_SIDED_GAP,",
        "B4's registered lower bound lowered by 1% (no longer the supremum)",
        proofs("two-sided/sup-reached"),
        tests(TWO_TESTS),
    ),
    _m(
        "reg-thm4.2-doubled",
        REG,
        "expression=HalvesGap(n, f, 1) * (n - f) / (2 * (f + 1)),",
        "expression=HalvesGap(n, f, 1) * (n - f) / (f + 1),",
        "Theorem 4.2's ratio 2(f + 1) -> f + 1 (the pre-fix over-claim)",
        proofs("gap/thm4.2"),
        tests(THEOREMS),
    ),
    _m(
        "reg-lemma4.1-constant",
        REG,
        "expression=(z2 - z1) * (theta1 - theta2) / (4 * (n - f)),",
        "expression=(z2 - z1) * (theta1 - theta2) / (2 * (n - f)),",
        "Lemma 4.1, eq. (10): 4(n - f) -> 2(n - f)",
        proofs("lemma4.1"),
        tests(THEOREMS),
    ),
    _m(
        "reg-appG-log-exponent",
        REG,
        "epsilon * sp.log(N) * sp.log(1 / confidence_delta)",
        "epsilon * sp.log(N) ** 2 * sp.log(1 / confidence_delta)",
        "Appendix G: log N -> (log N)^2 in the high-probability bound",
        proofs("appG"),
        tests(THEOREMS),
        tests(FINDINGS),
    ),
    # ------------------------------------------------------------ kinds
    _m(
        "kind-thm3.3-upper-to-lower",
        REG,
        _THM33_OLD,
        _THM33_NEW,
        "kind of eq. (5): upper -> lower",
        proofs("derive/thm3.3/convex"),
        verify("P1"),
        tests(THEOREMS),
        tests(FINDINGS),
    ),
    _m(
        "kind-thm3.2-lower-to-upper",
        REG,
        _THM32_OLD,
        _THM32_NEW,
        "kind of Theorem 3.2(i): lower -> upper",
        proofs("thm3.2"),
        verify("B1"),
        tests(THEOREMS),
    ),
    _m(
        "kind-thm3.4-lower-to-upper",
        REG,
        _THM34_OLD,
        _THM34_NEW,
        "kind of Theorem 3.4(i): lower -> upper",
        proofs("P1/tight"),
        verify("P1"),
        tests(THEOREMS),
    ),
    # ------------------------------------------------------------ inline hypotheses
    _m(
        "hyp-thm3.1-step-dropped",
        REG,
        "hypotheses=(HONEST_MAJORITY, CONVEX_STEP),\n" + _EQ2_RECURSION,
        "hypotheses=(HONEST_MAJORITY,),\n" + _EQ2_RECURSION,
        "eq. (2): the step-size hypothesis gamma <= 2/beta dropped from the entry",
        proofs("steps/thm3.1/convex"),
        tests(THEOREMS),
    ),
    _m(
        "hyp-thm3.4-strong-step",
        REG,
        "hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, sp.LessThan(gamma, 1 / mu)),",
        "hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, sp.LessThan(gamma, 2 / mu)),",
        "Theorem 3.4(ii): gamma <= 1/mu -> 2/mu",
        proofs("P2/stability"),
        tests(THEOREMS),
    ),
    _m(
        "hyp-thm3.4-sgd-T",
        REG,
        "CONVEX_STEP, sp.StrictGreaterThan(T, m)),",
        "CONVEX_STEP, sp.StrictGreaterThan(T, 0)),",
        "Theorem 3.4 for SGD: T > m -> T > 0 (the bound is negative below m; test_theorems' "
        "random search misses it in some runs: the deterministic grid goes first)",
        tests(FINDINGS),
        tests(THEOREMS),
    ),
    _m(
        "hyp-B3-defined",
        REG,
        "sp.StrictGreaterThan(ORTHOGONAL_GAP, 0)",
        "sp.GreaterThan(ORTHOGONAL_GAP, 0)",
        "B3's hypothesis 'defined' (gap > 0) -> gap >= 0 (test_theorems' random search finds "
        "an undefined point only in some runs: the deterministic check goes first)",
        tests(FINDINGS),
        tests(THEOREMS),
    ),
    _m(
        "hyp-appG-delta",
        REG,
        "sp.StrictLessThan(confidence_delta, 1)",
        "sp.LessThan(confidence_delta, 1)",
        "Appendix G: delta < 1 -> delta <= 1 (the bound vanishes at delta = 1)",
        tests(THEOREMS),
        tests(FINDINGS),
    ),
)
