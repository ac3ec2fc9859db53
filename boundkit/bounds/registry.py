"""The theorem registry: every result of the paper as data (docs/theory.md, sections 2-5).

Each :class:`~boundkit.bounds.result.Result` carries an id, the paper reference, the threat
model, the algorithms and convexity it covers, its kind (``upper``, ``lower``,
``identity``), its hypotheses as SymPy relations, the bound as a SymPy expression and, for
upper bounds, the per-step :class:`~boundkit.bounds.result.Recursion` it solves.
``proofs_check`` derives each upper bound's recursion from lemma-level facts stated once
(``proofs_check/facts.py``), solves it and compares the solution with the expression (and
the recursion) registered here, checks that the hypotheses imply the facts' step-size
conditions, and tests every lower bound against an exact brute-force supremum of its
construction; ``verify`` confronts bounds with simulated constructions.

Conventions.  ``N = (n - f) m`` honest samples, ``h = n - f`` honest workers.  Upper
bounds on uniform stability read ``eps <= L * delta_T`` where ``delta_t`` solves the
recursion from ``delta_0 = 0``.  Lower bounds are the values the explicit constructions
of :mod:`constructions` reach (see each entry's ``note``).
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp

from boundkit.bounds.halves_gap import HALVES_GAP, HalvesGap
from boundkit.bounds.hypotheses import (
    CONVEX_STEP,
    F_GE_THIRD,
    F_LT_THIRD,
    HAS_MISBEHAVING,
    HONEST_MAJORITY,
    MU_BELOW_BETA,
    STRONG_STEP,
)
from boundkit.bounds.kappa import (
    KAPPA_LOWER,
    KAPPA_SMEA,
    KAPPA_SMEA_RECALLED,
    SMEA_DEVIATION_1D,
    SMEA_SHARP_DEVIATION,
)
from boundkit.bounds.orthogonal_gap import ORTHOGONAL_GAP
from boundkit.bounds.result import Recursion, Result
from boundkit.bounds.symbols import (
    L,
    N,
    T,
    confidence_delta,
    epsilon,
    f,
    gamma,
    kappa,
    loss_bound,
    m,
    mu,
    n,
    theta1,
    theta2,
    universal_c,
    z1,
    z2,
)
from boundkit.bounds.two_sided_gap import TWO_SIDED_GAP
from boundkit.errors import ParameterError

_ETA_STRONG = 1 - gamma * mu / 2  # expansivity used in the strongly convex bounds
_BYZ_TERM = 1 / N + sp.sqrt(kappa)
_POISON_TERM = (f + 1 / m) / (n - f)
_SHARP_TERM = 1 / N + SMEA_SHARP_DEVIATION  # SMEA, honest gradients in the L-ball
_TERM_1D = 1 / N + SMEA_DEVIATION_1D  # SMEA, dimension 1
_KAPPA_DEFAULT = {"kappa": KAPPA_SMEA}


def _registry() -> tuple[Result, ...]:
    return (
        Result(
            id="thm3.1/convex",
            title="Byzantine upper bound, convex",
            reference="Theorem 3.1(i), eq. (2)",
            threat="byzantine",
            algorithms=("gd", "sgd"),
            convexity="convex",
            kind="upper",
            quantity="uniform stability",
            expression=2 * gamma * L**2 * T * _BYZ_TERM,
            hypotheses=(HONEST_MAJORITY, CONVEX_STEP),
            recursion=Recursion(factor=sp.Integer(1), increment=2 * gamma * L * _BYZ_TERM),
            note="any (f, kappa)-robust rule; kappa defaults to SMEA's sharp kappa* = "
            "4f/(n-2f) (kappa/smea)",
            defaults=_KAPPA_DEFAULT,
        ),
        Result(
            id="thm3.1/strongly-convex",
            title="Byzantine upper bound, strongly convex",
            reference="Theorem 3.1(ii), eq. (3)",
            threat="byzantine",
            algorithms=("gd", "sgd"),
            convexity="strongly-convex",
            kind="upper",
            quantity="uniform stability",
            expression=4 * L**2 / mu * _BYZ_TERM * (1 - _ETA_STRONG**T),
            hypotheses=(HONEST_MAJORITY, STRONG_STEP, MU_BELOW_BETA),
            recursion=Recursion(factor=_ETA_STRONG, increment=2 * gamma * L * _BYZ_TERM),
            simplified=4 * L**2 / mu * _BYZ_TERM,
            note="constant 4 (not Hardt et al.'s 2) from the 1 - gamma*mu/2 expansivity; "
            "kappa defaults to SMEA's sharp kappa* = 4f/(n-2f) (kappa/smea)",
            defaults=_KAPPA_DEFAULT,
        ),
        Result(
            id="thm3.3/convex",
            title="Poisoning upper bound, convex",
            reference="Theorem 3.3(i), eq. (5)",
            threat="poisoning",
            algorithms=("gd", "sgd"),
            convexity="convex",
            kind="upper",
            quantity="uniform stability",
            expression=2 * gamma * L**2 * T * _POISON_TERM,
            hypotheses=(HONEST_MAJORITY, CONVEX_STEP),
            recursion=Recursion(factor=sp.Integer(1), increment=2 * gamma * L * _POISON_TERM),
            note="any rule that outputs the mean of n - f received vectors (SMEA, MDA)",
        ),
        Result(
            id="thm3.3/strongly-convex",
            title="Poisoning upper bound, strongly convex",
            reference="Theorem 3.3(ii), eq. (6)",
            threat="poisoning",
            algorithms=("gd", "sgd"),
            convexity="strongly-convex",
            kind="upper",
            quantity="uniform stability",
            expression=4 * L**2 / mu * _POISON_TERM * (1 - _ETA_STRONG**T),
            hypotheses=(HONEST_MAJORITY, STRONG_STEP, MU_BELOW_BETA),
            recursion=Recursion(factor=_ETA_STRONG, increment=2 * gamma * L * _POISON_TERM),
            simplified=4 * L**2 / mu * _POISON_TERM,
        ),
        Result(
            id="thm3.2/f-ge-n/3",
            title="Byzantine lower bound, f >= n/3",
            reference="Theorem 3.2(i), App. C.3(i)-(ii)",
            threat="byzantine",
            algorithms=("gd",),
            convexity="convex",
            kind="lower",
            quantity="uniform stability",
            expression=gamma * L**2 * T * HALVES_GAP,
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, F_GE_THIRD),
            note="supremum approached by construction (B1), best two-group honest split "
            "(HalvesGap); at least the reconstruction's equal halves 1 + sigma_m sqrt(f/(n-2f)); "
            "Omega(gamma L^2 T sqrt(f/(n-2f)))",
        ),
        Result(
            id="thm3.2/f-lt-n/3",
            title="Byzantine lower bound, f < n/3",
            reference="Theorem 3.2(ii), App. C.3(iii)",
            threat="byzantine",
            algorithms=("gd",),
            convexity="convex",
            kind="lower",
            quantity="uniform stability",
            expression=gamma * L**2 * T * HALVES_GAP,
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, F_LT_THIRD),
            note="supremum approached by construction (B2), best two-group honest split "
            "(HalvesGap); Theta(f/n) only",
        ),
        Result(
            id="byzantine/orthogonal-push",
            title="Byzantine lower bound, every f, dimension 2 (boundkit, not from the paper)",
            reference="boundkit construction (B3); docs/theory.md, 'The orthogonal push'",
            threat="byzantine",
            algorithms=("gd",),
            convexity="convex",
            kind="lower",
            quantity="uniform stability",
            expression=gamma * L**2 * T * ORTHOGONAL_GAP,
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, sp.StrictGreaterThan(ORTHOGONAL_GAP, 0)),
            note="supremum approached by construction (B3) for f < n/3: Byzantine vectors "
            "along e2, orthogonal to every honest gradient; about 2 sqrt(f/(n-f)) (0 where B3 "
            "is not defined); for f >= n/3 a valid lower bound that can lie below B3's "
            "supremum (proofs_check orthogonal/registered-vs-sweep); needs dimension >= 2 "
            "and uniform stability over the whole L-ball of data",
        ),
        Result(
            id="thm3.4/gd-convex",
            title="Poisoning lower bound, GD, convex (tight)",
            reference="Theorem 3.4(i), App. D.2",
            threat="poisoning",
            algorithms=("gd",),
            convexity="convex",
            kind="lower",
            quantity="uniform stability",
            expression=2 * gamma * L**2 * T * _POISON_TERM,
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, CONVEX_STEP),
            note="construction (P1) reaches eq. (5) exactly",
        ),
        Result(
            id="thm3.4/gd-strongly-convex",
            title="Poisoning lower bound, GD, strongly convex",
            reference="Theorem 3.4(ii), App. D.3",
            threat="poisoning",
            algorithms=("gd",),
            convexity="strongly-convex",
            kind="lower",
            quantity="uniform stability",
            expression=L**2 / (2 * mu) * _POISON_TERM * (1 - (1 - gamma * mu) ** T),
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, sp.LessThan(gamma, 1 / mu)),
            note="construction (P2) with R = L/(2 mu), beta = mu",
        ),
        Result(
            id="thm3.4/sgd-convex",
            title="Poisoning lower bound, SGD, convex",
            reference="Theorem 3.4(i) for SGD, App. D.4",
            threat="poisoning",
            algorithms=("sgd",),
            convexity="convex",
            kind="lower",
            quantity="uniform stability",
            expression=gamma * L**2 * (f * (T - m) + T / m) / (n - f),
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, CONVEX_STEP, sp.StrictGreaterThan(T, m)),
            note="construction (P3, linear-drift design) reaches at least this for every T; "
            "stated for T > m, where it is positive",
        ),
        Result(
            id="prop2.1",
            title="Generalization error below uniform stability",
            reference="Proposition 2.1",
            threat="none",
            algorithms=("gd", "sgd"),
            convexity="any",
            kind="upper",
            quantity="|expected generalization error|",
            expression=epsilon,
        ),
        Result(
            id="lemma4.1",
            title="Generalization error in the pivot-worker setting",
            reference="Lemma 4.1, eq. (10)",
            threat="none",
            algorithms=("gd", "sgd"),
            convexity="convex",
            kind="identity",
            quantity="expected generalization error",
            expression=(z2 - z1) * (theta1 - theta2) / (4 * (n - f)),
            hypotheses=(HONEST_MAJORITY,),
            note="m = 1, linear loss; equals eps/(2(n-f)) up to sign",
        ),
        Result(
            id="thm4.2",
            title="Generalization gap between the threat models",
            reference="Theorem 4.2, eq. (18); Lemma 4.1 setting (m = 1)",
            threat="both",
            algorithms=("gd",),
            convexity="convex",
            kind="lower",
            quantity="ratio of the largest gen_byzantine to the largest gen_poisoning",
            expression=HalvesGap(n, f, 1) * (n - f) / (2 * (f + 1)),
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING),
            note="reached: the (B1)/(B2) halves attack at m = 1 (gamma L^2 T HalvesGap(n, f, 1)) "
            "over (P1), which attains eq. (5) (2 gamma L^2 T (f + 1)/(n - f)), both divided by "
            "2(n - f) (Lemma 4.1); of order sqrt(f/(n-2f))(n-f)/(f+1) (about half of it along "
            "n = 2f + 1), unbounded as f -> n/2",
        ),
        Result(
            id="kappa/smea",
            title="Robustness coefficient of SMEA, sharp (boundkit derivation)",
            reference="boundkit derivation (sharp constants): between-group covariance bound on "
            "W and S, SMEA's lambda_max(Sigma_W) <= lambda_max(Sigma_S); docs/theory.md, 'Sharp "
            "constants'; proofs_check kappa*/*",
            threat="byzantine",
            algorithms=("gd", "sgd"),
            convexity="any",
            kind="upper",
            quantity="kappa",
            expression=KAPPA_SMEA,
            hypotheses=(HONEST_MAJORITY,),
            note="kappa* = 4f/(n-2f), every dimension; attained (f honest at e1, n - 2f at 0, "
            "f Byzantine at -e1), so it is SMEA's exact coefficient; the default kappa of "
            "thm3.1; below the recalled value (kappa/smea-recalled) by (n-2f)/(n-f)",
        ),
        Result(
            id="kappa/smea-recalled",
            title="Robustness coefficient of SMEA, as recalled",
            reference="Allouah et al. 2023b, Prop. 5.1 (recalled; docs/theory.md, section 1)",
            threat="byzantine",
            algorithms=("gd", "sgd"),
            convexity="any",
            kind="upper",
            quantity="kappa",
            expression=KAPPA_SMEA_RECALLED,
            hypotheses=(HONEST_MAJORITY,),
            note="(4f/(n-f))(1 + f/(n-2f))^2 = kappa* (n-f)/(n-2f); valid, not sharp; "
            "pass kappa=... to use it in thm3.1",
        ),
        Result(
            id="kappa/universal-lower",
            title="Universal lower bound on kappa",
            reference="Allouah et al. 2023a, Prop. 6",
            threat="byzantine",
            algorithms=("gd", "sgd"),
            convexity="any",
            kind="lower",
            quantity="kappa",
            expression=KAPPA_LOWER,
            hypotheses=(HONEST_MAJORITY,),
        ),
        Result(
            id="appG/high-probability",
            title="High-probability generalization bound",
            reference="Appendix G (Bousquet, Klochkov, Zhivotovskiy 2020)",
            threat="none",
            algorithms=("gd", "sgd"),
            convexity="any",
            kind="upper",
            quantity="|generalization error| w.p. 1 - delta",
            expression=universal_c
            * (
                epsilon * sp.log(N) * sp.log(1 / confidence_delta)
                + loss_bound * sp.sqrt(sp.log(1 / confidence_delta) / N)
            ),
            hypotheses=(HONEST_MAJORITY, sp.StrictLessThan(confidence_delta, 1)),
            note="universal constant c kept symbolic",
        ),
        Result(
            id="byzantine/two-sided-push",
            title="Byzantine lower bound, every f, dimension 1 (boundkit, not from the paper)",
            reference="boundkit construction (B4); docs/theory.md, 'The two-sided push'",
            threat="byzantine",
            algorithms=("gd",),
            convexity="convex",
            kind="lower",
            quantity="uniform stability",
            expression=gamma * L**2 * T * TWO_SIDED_GAP,
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING),
            note="supremum approached by construction (B4): the Byzantine workers push the "
            "two runs in opposite directions; at least thm3.2's HalvesGap (1.01 to 2.67 "
            "times) and the tailored attack on the default grid; 4f/(n-2f) + O(1/(mn)) for "
            "f < n/3, 2 + 2 sqrt(f/(n-2f)) for f >= n/3",
        ),
        *_smea_sharp(),
    )


def _upper_pair(
    prefix: str, term: sp.Expr, title: str, reference: str, note: str
) -> tuple[Result, Result]:
    """Theorem 3.1's recursion with the per-step increment ``2 gamma L term``: the convex
    bound ``2 gamma L^2 T term`` and its strongly convex analogue (eq. (3)'s form)."""
    return (
        Result(
            id=f"{prefix}/convex",
            title=f"{title}, convex",
            reference=reference,
            threat="byzantine",
            algorithms=("gd", "sgd"),
            convexity="convex",
            kind="upper",
            quantity="uniform stability",
            expression=2 * gamma * L**2 * T * term,
            hypotheses=(HONEST_MAJORITY, CONVEX_STEP),
            recursion=Recursion(factor=sp.Integer(1), increment=2 * gamma * L * term),
            note=note,
        ),
        Result(
            id=f"{prefix}/strongly-convex",
            title=f"{title}, strongly convex",
            reference=reference,
            threat="byzantine",
            algorithms=("gd", "sgd"),
            convexity="strongly-convex",
            kind="upper",
            quantity="uniform stability",
            expression=4 * L**2 / mu * term * (1 - _ETA_STRONG**T),
            hypotheses=(HONEST_MAJORITY, STRONG_STEP, MU_BELOW_BETA),
            recursion=Recursion(factor=_ETA_STRONG, increment=2 * gamma * L * term),
            simplified=4 * L**2 / mu * term,
            note=note,
        ),
    )


def _smea_sharp() -> tuple[Result, ...]:
    """Theorem 3.1's recursion with SMEA's per-run deviation in the L-ball (boundkit's sharper
    SMEA bound, docs/theory.md, section 7)
    and, in dimension 1, the sharper per-run deviation of the variance comparison."""
    note = (
        "SMEA only: per run ||F - mean_S|| <= L (sqrt(f/(n-2f)) + min(2f/(n-f), "
        "sqrt(f/(n-2f)))), the min being 2f/(n-f) since (n-f)^2 - 4f(n-2f) = (n-3f)^2; "
        "below eq. (2) with kappa* by 2 gamma L^2 T (sqrt(f/(n-2f)) - 2f/(n-f)) (equal at "
        "n = 3f); derived in proofs_check sharp/*"
    )
    reference = "boundkit (sharp constants): Thm 3.1's recursion with SMEA's per-run deviation"
    note_1d = (
        "SMEA, data of dimension 1 only: per run |F - mean_S| <= L (f/(n-f)) max_t "
        "(sqrt(rho t(2-t) + t^2) + t), rho = (n-f)/(n-2f), from var_W <= var_S and var_R <= "
        "L^2 - mean_R^2: 4fL/(n-f) for 7f <= 3n (attained per run), L(1 + sqrt(rho)) above; "
        "derived in proofs_check sharp-1d/*"
    )
    return (
        *_upper_pair(
            "byzantine/smea-sharp",
            _SHARP_TERM,
            "Byzantine upper bound for SMEA, sharp constants (boundkit)",
            reference + "; docs/theory.md, 'Sharp constants'",
            note,
        ),
        *_upper_pair(
            "byzantine/smea-1d",
            _TERM_1D,
            "Byzantine upper bound for SMEA in dimension 1 (boundkit)",
            reference + " in dimension 1; docs/theory.md, 'Sharp constants'",
            note_1d,
        ),
    )


REGISTRY: tuple[Result, ...] = _registry()
_BY_ID: dict[str, Result] = {r.id: r for r in REGISTRY}

#: the dimensions ``(smallest, largest or None)`` of the data a result speaks about, where
#: it is not every dimension: (B3) pushes along an axis orthogonal to the honest gradients;
#: the ``byzantine/smea-1d/*`` bounds use the order of the real line
DIMENSIONS: dict[str, tuple[int, int | None]] = {
    "byzantine/orthogonal-push": (2, None),
    "byzantine/smea-1d/convex": (1, 1),
    "byzantine/smea-1d/strongly-convex": (1, 1),
}


def admits_dimension(result: Result, dimension: int) -> bool:
    """Whether ``result`` speaks about data of this dimension (:data:`DIMENSIONS`)."""
    low, high = DIMENSIONS.get(result.id, (1, None))
    return dimension >= low and (high is None or dimension <= high)


def get(result_id: str) -> Result:
    """The registered result with this id (``ParameterError`` listing valid ids)."""
    try:
        return _BY_ID[result_id]
    except KeyError:
        raise ParameterError("theorem", "one of " + ", ".join(_BY_ID), result_id) from None


def select(
    *,
    threat: str | None = None,
    kind: str | None = None,
    algorithm: str | None = None,
    convexity: str | None = None,
    registry: Iterable[Result] = REGISTRY,
) -> tuple[Result, ...]:
    """Filter the registry; ``None`` means any."""
    return tuple(
        r
        for r in registry
        if (threat is None or r.threat == threat)
        and (kind is None or r.kind == kind)
        and (algorithm is None or algorithm in r.algorithms)
        and (convexity is None or r.convexity == convexity)
    )
