"""Mutations of the verifier: comparison operators, tolerances, ball separation, UNDECIDED,
the Monte Carlo branch and the central claim's comparison.

``boundkit/checks/verify.py`` (the comparisons of one record and its verdict),
``decide.py`` (exact / algebraic / ball decisions), ``central_claim.py`` and
``boundkit/dynamics/monte_carlo.py`` (the rigorous confidence interval).
"""

from __future__ import annotations

from proofs_check.mutations.model import Mutation, tests, verify
from proofs_check.mutations.model import mutation as _m

VERIFY = "boundkit/checks/verify.py"
DECIDE = "boundkit/checks/decide.py"
CENTRAL = "boundkit/checks/central_claim.py"
MONTE_CARLO = "boundkit/dynamics/monte_carlo.py"

CERTIFIED = "tests/checks/test_certified.py"
CENTRAL_TESTS = "tests/checks/test_central_claim.py"
FINDINGS = "tests/test_gate_findings.py"

_TINY = "sp.Rational(1, 10**40)"
_INSIDE = (
    '        "closed form >= interval low": (closed, ">=", interval.low),\n'
    '        "closed form <= interval high": (closed, "<=", interval.high),\n'
)
_STATISTICAL = (
    "    statistical = {\n"
    + _INSIDE
    + '        "upper >= interval low": (upper, ">=", interval.low),\n'
    "    }\n"
)
_BALL_SIGN = (
    "            if ball > 0:\n"
    "                return 1, bits\n"
    "            if ball < 0:\n"
    "                return -1, bits\n"
)

VERIFY_MUTATIONS: tuple[Mutation, ...] = (
    _m(
        "verify-upper-strict",
        VERIFY,
        '"upper >= empirical": (upper, ">=", empirical),',
        '"upper >= empirical": (upper, ">", empirical),',
        "upper >= empirical -> upper > empirical (P1 attains eq. (5))",
        verify("P1"),
        tests(CERTIFIED),
        fast=True,
    ),
    _m(
        "verify-upper-tolerance",
        VERIFY,
        '"upper >= empirical": (upper, ">=", empirical),',
        f'"upper >= empirical": (upper * (1 + {_TINY}), ">=", empirical),',
        "a relative 1e-40 tolerance added to upper >= empirical",
        tests(CERTIFIED),
    ),
    _m(
        "verify-lower-strict",
        VERIFY,
        'checks["empirical >= lower"] = (empirical, ">=", lower)',
        'checks["empirical >= lower"] = (empirical, ">", lower)',
        "empirical >= lower -> empirical > lower (P1 attains its lower bound)",
        verify("P1"),
        tests(CERTIFIED),
    ),
    _m(
        "verify-lower-tolerance",
        VERIFY,
        'checks["empirical >= lower"] = (empirical, ">=", lower)',
        f'checks["empirical >= lower"] = (empirical * (1 + {_TINY}), ">=", lower)',
        "a relative 1e-40 tolerance added to empirical >= lower",
        tests(CERTIFIED),
    ),
    _m(
        "verify-supremum-strict",
        VERIFY,
        'checks["supremum >= lower"] = (supremum, ">=", lower)',
        'checks["supremum >= lower"] = (supremum, ">", lower)',
        "supremum >= lower -> supremum > lower (B1's supremum equals its lower bound)",
        verify("B1"),
        tests(CERTIFIED),
    ),
    _m(
        "verify-supremum-tolerance",
        VERIFY,
        'checks["supremum >= lower"] = (supremum, ">=", lower)',
        'checks["supremum >= lower"] = (supremum * (1 + APPROACH), ">=", lower)',
        "a relative 1e-40 tolerance added to supremum >= lower",
        tests(CERTIFIED),
    ),
    _m(
        "verify-closed-form-one-sided",
        VERIFY,
        '"empirical == closed form": (empirical, "==", measurement.closed_form_exact),',
        '"empirical == closed form": (empirical, "<=", measurement.closed_form_exact),',
        "empirical == closed form relaxed to empirical <= closed form",
        tests(CERTIFIED),
        tests(FINDINGS),
    ),
    _m(
        "verify-approach-margin",
        VERIFY,
        "APPROACH = sp.Rational(1, 10**40)",
        "APPROACH = sp.Rational(1, 10**50)",
        "the approach margin 1e-40 below the pushes' 1e-45 (a supremum claimed too closely)",
        verify("B1"),
        tests(CERTIFIED),
    ),
    _m(
        "verify-approach-dropped",
        VERIFY,
        'checks["supremum approached"] = (empirical, ">", supremum * (1 - APPROACH))',
        'checks["supremum approached"] = (empirical, ">", supremum * 0)',
        "the 'supremum approached' check emptied (any point below the supremum passes)",
        tests(CERTIFIED),
        tests(FINDINGS),
    ),
    _m(
        "verify-undecided-passes",
        VERIFY,
        'status = "FAIL" if failed else "UNDECIDED" if undecided else "PASS"',
        'status = "FAIL" if failed else "PASS"',
        "UNDECIDED counted as PASS in a record's verdict",
        tests(CERTIFIED),
    ),
    _m(
        "mc-interval-removed",
        VERIFY,
        _STATISTICAL,
        _STATISTICAL.replace(_INSIDE, ""),
        "Monte Carlo: the 'closed form inside the interval' check removed",
        tests(CERTIFIED),
    ),
    _m(
        "mc-bonferroni-dropped",
        VERIFY,
        "delta = FAMILY_FAILURE_PROBABILITY / max(sgd_cases, 1)",
        "delta = FAMILY_FAILURE_PROBABILITY",
        "Monte Carlo: Bonferroni over the SGD cases dropped",
        tests(CERTIFIED),
    ),
    _m(
        "mc-confidence-changed",
        VERIFY,
        "FAMILY_FAILURE_PROBABILITY = Fraction(1, 10**6)",
        "FAMILY_FAILURE_PROBABILITY = Fraction(1, 10**3)",
        "Monte Carlo: family-wise confidence 1 - 1e-6 -> 1 - 1e-3",
        tests(CERTIFIED),
        tests(FINDINGS),
    ),
)

DECIDE_MUTATIONS: tuple[Mutation, ...] = (
    _m(
        "decide-ge-strict",
        DECIDE,
        '">=": sign >= 0,',
        '">=": sign > 0,',
        "the comparator's >= decided as >",
        verify("P1"),
        tests(CERTIFIED),
    ),
    _m(
        "decide-le-strict",
        DECIDE,
        '"<=": sign <= 0,',
        '"<=": sign < 0,',
        "the comparator's <= decided as <",
        tests(CERTIFIED),
    ),
    _m(
        "decide-eq-relaxed",
        DECIDE,
        '"==": sign == 0,',
        '"==": sign >= 0,',
        "the comparator's == decided as >=",
        tests(CERTIFIED),
        tests(FINDINGS),
    ),
    _m(
        "decide-exact-tolerance",
        DECIDE,
        'return Decision(_holds(_sign_rational(a - b), op), "exact")',
        "return Decision(_holds(_sign_rational(a - b) if abs(a - b) > abs(b) / 10**40 "
        'else 0, op), "exact")',
        "a relative 1e-40 tolerance in the exact (rational) comparison",
        tests(CERTIFIED),
    ),
    _m(
        "decide-ball-midpoint",
        DECIDE,
        _BALL_SIGN,
        _BALL_SIGN.replace("ball > 0", "ball.mid() > 0").replace("ball < 0", "ball.mid() < 0"),
        "ball separation relaxed: the sign of the ball's midpoint, not of the whole ball",
        tests(CERTIFIED),
    ),
    _m(
        "decide-max-as-min",
        DECIDE,
        'return _choose(args, ">" if isinstance(x, sp.Max) else "<", start_bits)',
        'return _choose(args, "<" if isinstance(x, sp.Max) else ">", start_bits)',
        "exact resolution of Max/Min swapped (the HalvesGap supremum read as its minimum)",
        verify("B1", "B2"),
        tests(CERTIFIED),
        tests(FINDINGS),
    ),
    _m(
        "decide-unseparated-equal",
        DECIDE,
        'return Decision(None, "undecided", bits, f"balls overlap 0 up to {MAX_BITS} bits")',
        'return Decision(_holds(0, op), "ball", bits)',
        "unseparated balls decided as equality (UNDECIDED counted as a verdict)",
        tests(CERTIFIED),
    ),
    _m(
        "decide-max-bits",
        DECIDE,
        "MAX_BITS = 1 << 14",
        "MAX_BITS = 1 << 7",
        "ball refinement cap 16,384 -> 128 bits (the last stage then stops at 2048 bits)",
        tests(CERTIFIED),
        tests(FINDINGS),
    ),
    _m(
        "decide-zero-test-float",
        DECIDE,
        "    return sp.expand(sp.radsimp(x)) == 0\n",
        "    return abs(sp.N(x, 30)) < 10**-25\n",
        "the algebraic zero test replaced by a float tolerance",
        tests(CERTIFIED),
    ),
)

CENTRAL_MUTATIONS: tuple[Mutation, ...] = (
    _m(
        "central-ge",
        CENTRAL,
        'compare(v, ">", poisoning, start_bits=bits)',
        'compare(v, ">=", poisoning, start_bits=bits)',
        "central claim: instability > eq. (5) relaxed to >=",
        tests(CENTRAL_TESTS),
        fast=True,
    ),
    _m(
        "central-b1-only",
        CENTRAL,
        'if r.check == "bounds" and r.threat == "byzantine" and r.status != "ERROR":',
        'if r.check == "bounds" and r.construction == "B1" and r.status != "ERROR":',
        "central claim reads B1 records only (an earlier verify's defect)",
        tests(CENTRAL_TESTS),
    ),
    _m(
        "central-undecided-passes",
        CENTRAL,
        'return "PASS" if True in holds else "UNDECIDED" if None in holds else "FAIL"',
        'return "PASS" if True in holds or None in holds else "FAIL"',
        "central claim: an undecided comparison counted as PASS",
        tests(CENTRAL_TESTS),
    ),
    _m(
        "central-weaker-bound",
        CENTRAL,
        'POISONING_UPPER = "thm3.3/convex"',
        'POISONING_UPPER = "thm3.4/sgd-convex"',
        "central claim compared with the (smaller) SGD poisoning lower bound, not eq. (5)",
        tests(CENTRAL_TESTS),
    ),
    _m(
        "central-growth-ge",
        CENTRAL,
        'compare(q2, ">", q1, start_bits=bits)',
        'compare(q2, ">=", q1, start_bits=bits)',
        "growth in f: > relaxed to >=",
        tests(CENTRAL_TESTS),
    ),
    _m(
        "central-growth-any",
        CENTRAL,
        "status=_status(list(decisions.values()), need_all=True),",
        "status=_status(list(decisions.values()), need_all=False),",
        "growth in f: one increasing step is enough",
        tests(CENTRAL_TESTS),
    ),
)

MONTE_CARLO_MUTATIONS: tuple[Mutation, ...] = (
    _m(
        "mc-hoeffding-confidence",
        MONTE_CARLO,
        "hoeffding = b * sp.sqrt(sp.log(4 / d) / (2 * n))",
        "hoeffding = b * sp.sqrt(sp.log(2 / d) / (2 * n))",
        "Hoeffding half-width at delta instead of delta/2 (the union bound broken)",
        tests(CERTIFIED),
        tests(FINDINGS),
    ),
    _m(
        "mc-bernstein-range",
        MONTE_CARLO,
        "bernstein = sp.sqrt(2 * v * log_term / n) + 7 * b * log_term / (3 * (n - 1))",
        "bernstein = sp.sqrt(2 * v * log_term / n) + b * log_term / (3 * (n - 1))",
        "empirical Bernstein range term 7B/3 -> B/3",
        tests(CERTIFIED),
        tests(FINDINGS),
    ),
    _m(
        "mc-range-unchecked",
        MONTE_CARLO,
        "if bound <= 0 or any(not 0 <= v <= bound for v in exact):",
        "if bound <= 0:",
        "the interval accepts values outside the known range",
        tests(CERTIFIED),
    ),
)
