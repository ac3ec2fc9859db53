"""The theorem registry: every result of the paper as data (THEORY.md sections 2-5).

Each :class:`Result` carries an id, the paper reference, the threat model, the
algorithms and convexity it covers, its kind (``upper``, ``lower``, ``identity``), its
hypotheses as SymPy relations, the bound as a SymPy expression and, for upper bounds,
the per-step :class:`Recursion` it solves.  ``proofs_check`` re-derives each upper bound
from its recursion; ``verify`` confronts bounds with simulated constructions.

Conventions.  ``N = (n - f) m`` honest samples, ``h = n - f`` honest workers.  Upper
bounds on uniform stability read ``eps <= L * delta_T`` where ``delta_t`` solves the
recursion from ``delta_0 = 0``.  Lower bounds are the values the explicit constructions
of :mod:`constructions` reach (see each entry's ``note``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit.bounds import symbols as S
from boundkit.errors import HypothesisViolation, MissingParameter, ParameterError

n, f, m, T, t = S.n, S.f, S.m, S.T, S.t
gamma, L, beta, mu, kappa = S.gamma, S.L, S.beta, S.mu, S.kappa
N, h = S.N, S.h

#: symbols used only by the Section 4 / Appendix G entries
epsilon = sp.Symbol("epsilon", nonnegative=True)
z1, z2 = sp.symbols("z1 z2", real=True)
theta1, theta2 = sp.symbols("theta1 theta2", real=True)
confidence_delta = sp.Symbol("delta_conf", positive=True)
loss_bound = sp.Symbol("M", positive=True)
universal_c = sp.Symbol("c", positive=True)

EXTRA_NAMES: dict[str, sp.Symbol] = {
    "epsilon": epsilon,
    "z1": z1,
    "z2": z2,
    "theta1": theta1,
    "theta2": theta2,
    "delta_conf": confidence_delta,
    "loss_bound": loss_bound,
    "c": universal_c,
}

#: kappa_SMEA = (4f/(n-f)) (1 + f/(n-2f))^2  (Allouah et al. 2023b, Prop. 5.1; THEORY s.1)
KAPPA_SMEA = (4 * f / (n - f)) * (1 + f / (n - 2 * f)) ** 2
#: universal lower bound on kappa (Allouah et al. 2023a, Prop. 6)
KAPPA_LOWER = f / (n - 2 * f)


@dataclass(frozen=True)
class Recursion:
    """``delta_{t+1} <= factor * delta_t + increment`` from ``delta_0 = initial``.

    The bound on uniform stability is ``link * delta_T`` (``link = L`` for an
    ``L``-Lipschitz loss: ``eps <= L E||theta_T - theta'_T||``).
    """

    factor: sp.Expr
    increment: sp.Expr
    initial: sp.Expr = sp.Integer(0)
    link: sp.Expr = L

    def equation(self) -> sp.Eq:
        """The recursion as ``Eq(delta(t+1), factor*delta(t) + increment)``."""
        return sp.Eq(S.delta(t + 1), self.factor * S.delta(t) + self.increment)


@dataclass(frozen=True)
class Result:
    """One registered result (theorem, proposition, lemma, coefficient)."""

    id: str
    title: str
    reference: str
    threat: str  # "byzantine" | "poisoning" | "none"
    algorithms: tuple[str, ...]  # subset of ("gd", "sgd")
    convexity: str  # "convex" | "strongly-convex" | "any"
    kind: str  # "upper" | "lower" | "identity"
    quantity: str
    expression: sp.Expr
    hypotheses: tuple[sp.Basic, ...] = ()
    recursion: Recursion | None = None
    simplified: sp.Expr | None = None
    note: str = ""
    defaults: Mapping[str, sp.Expr] = field(default_factory=dict)

    @property
    def symbols(self) -> tuple[str, ...]:
        """Names of the parameters the expression needs (after defaults)."""
        free = set(self.expression.free_symbols)
        for rel in self.hypotheses:
            free |= rel.free_symbols
        for name, value in self.defaults.items():
            free.discard(_symbol_for(name))
            free |= value.free_symbols
        return tuple(sorted(_name_for(s) for s in free))


def _name_for(symbol: sp.Symbol) -> str:
    if symbol in S.NAME_OF:
        return S.NAME_OF[symbol]
    for name, sym in EXTRA_NAMES.items():
        if sym == symbol:
            return name
    return str(symbol)


def _symbol_for(name: str) -> sp.Symbol:
    if name in S.BY_NAME:
        return S.BY_NAME[name]
    if name in EXTRA_NAMES:
        return EXTRA_NAMES[name]
    raise ParameterError(name, "a known parameter name", name)


# --------------------------------------------------------------------------- hypotheses
HONEST_MAJORITY = sp.StrictLessThan(2 * f, n)  # f < n/2
HAS_MISBEHAVING = sp.GreaterThan(f, 1)
CONVEX_STEP = sp.LessThan(gamma, 2 / beta)  # gamma <= 2/beta (Lemma B.2(ii))
STRONG_STEP = sp.LessThan(gamma, 1 / beta)  # gamma <= 1/beta (Lemma B.2(iii))
MU_BELOW_BETA = sp.LessThan(mu, beta)
F_GE_THIRD = sp.GreaterThan(3 * f, n)  # f >= n/3
F_LT_THIRD = sp.StrictLessThan(3 * f, n)  # f < n/3
N_MINUS_F_EVEN = sp.Eq(sp.Mod(n - f, 2), 0)

_ETA_STRONG = 1 - gamma * mu / 2  # expansivity used in the strongly convex bounds
_BYZ_TERM = 1 / N + sp.sqrt(kappa)
_POISON_TERM = (f + 1 / m) / (n - f)
_KAPPA_DEFAULT = {"kappa": KAPPA_SMEA}

#: sigma_m^2 L^2: the honest variance in S' of the (B1)/(B2) datasets, n - f even
#: (derived from the data: THEORY.md writes it with N where h = n - f is meant)
SIGMA_M_SQUARED = 1 - 4 * (m - 1) / (m**2 * h) - 4 / (m**2 * h**2)

_K = n - 2 * f
_EVEN_H = sp.Eq(sp.Mod(h, 2), 0)


def _halves_side(high_is_larger: bool) -> sp.Expr:
    """Per-step gap over gamma L for odd h, the +L half having (h +- 1)/2 workers.

    Derived with the exact push supremum (constructions/byzantine_push.py); ``mu_S`` is
    ``+-L/h`` because the halves are unequal.
    """
    if high_is_larger:  # high = (h+1)/2, low = (h-1)/2
        pushed = (1 - 1 / h) + sp.sqrt(
            f * (h**2 * m**2 - 4 * h * m + 4 * h - (m + 2) ** 2) / (h**2 * m**2 * _K)
        )
        return sp.Piecewise(
            (pushed, sp.Ge(2 * f, h - 1)),
            (2 * (f * m * (h + 1) + n) / (h * m * _K), True),
        )
    pushed = (1 + 1 / h) + sp.sqrt(f * (h - 1) * ((h + 1) * m**2 - 4 * m + 4) / (h**2 * m**2 * _K))
    return sp.Piecewise(
        (2, sp.And(sp.Eq(m, 1), sp.Eq(2 * f, h + 1))),
        (pushed, sp.Ge(2 * f, h + 1)),
        (2 * (f * m * (h - 1) + n) / (h * m * _K), True),
    )


#: Per-step gap over gamma L of THEORY's layout (``+L`` side ``h/2``, odd ``h``: the better
#: of ``(h +- 1)/2``): what (B1)/(B2) reached before the side size was optimised.  Kept
#: for checks written against that layout; the registered bounds use HALVES_GAP.
HALVES_GAP_BALANCED = sp.Piecewise(
    (2 - 2 / h, sp.And(_EVEN_H, sp.Eq(m, 1), sp.Or(sp.Eq(n, 3 * f), sp.Eq(n, 3 * f - 2)))),
    (1 + sp.sqrt(SIGMA_M_SQUARED) * sp.sqrt(f / _K), sp.And(_EVEN_H, sp.Ge(2 * f, h))),
    (2 * (f * m * h + n) / (m * h * _K), _EVEN_H),
    (sp.Max(_halves_side(True), _halves_side(False)), True),
)


def _halves_gap_at(p: sp.Expr, changed_in_window: bool) -> sp.Expr:
    """Per-step gap over gamma L of the two-value layout with ``p`` honest workers at ``+L``.

    ``S``: ``p`` at ``+L``, ``h - p`` at ``-L`` (honest window kept: ``mu_S = (2p - h)/h``).
    ``S'``: one ``-L`` worker sends ``a = (2 - m)/m`` (one of its ``m`` samples flipped);
    honest variance ``var_H = (h - 1 + a^2)/h - ((2p - h + 2/m)/h)^2``
    ``= (h (h m^2 - 4m + 4) - (m (2p - h) + 2)^2)/(h m)^2``.  The pushed window holds the
    ``f`` Byzantine copies and the ``k = n - 2f`` largest honest values ``P``: ``k x (+L)``
    (``p >= k``: ``mu_P = 1``, ``var_P = 0``) or ``(k - 1) x (+L)`` and ``a`` (``p = k - 1``,
    ``changed_in_window``: ``mu_P = (k - 1 + a)/k``, ``k var_P = 4 (k - 1)(m - 1)^2/(k m^2)``);
    bound by the honest window, its mean tends to
    ``mu_P + sqrt(f (h var_H - k var_P)/(h k))`` (App. C.3 tie, all over ``L``).
    """
    spread = h * (h * m**2 - 4 * m + 4) - (m * (2 * p - h) + 2) ** 2  # (h m)^2 var_H
    if changed_in_window:
        mu_p = (_K - 2 + 2 / m) / _K
        pushed = sp.sqrt(f * (_K * spread - 4 * h * (_K - 1) * (m - 1) ** 2)) / (h * _K * m)
    else:
        mu_p, pushed = sp.Integer(1), sp.sqrt(f * spread / _K) / (h * m)
    return mu_p + pushed - (2 * p - h) / h


#: Real maximiser over p of the gap with P = k x (+L): concave in p, stationary where the
#: honest mean in S' is -L sqrt(k V/h), V = (h - 4/m + 4/m^2)/h (the gap there is
#: 1 + 2/(m h) + sqrt((h - 4/m + 4/m^2)/(n - 2f))).
HALVES_P_STAR = (h - 2 / m - sp.sqrt(_K * (h - 4 / m + 4 / m**2))) / 2
_P_FLOOR = sp.Max(_K, sp.Min(h - 1, sp.floor(HALVES_P_STAR)))
_P_CEIL = sp.Max(_K, sp.Min(h - 1, sp.ceiling(HALVES_P_STAR)))
_P = sp.Symbol("p", integer=True)
_GAP_CHANGED = _halves_gap_at(_K - 1, changed_in_window=True)
_GAP_AT_P = _halves_gap_at(_P, changed_in_window=False)

#: Supremum of the per-step gap of the two-value attacks (B1)/(B2), over gamma L (App.
#: C.3, with the size p of the +L side optimised).  The best p is k - 1 (the changed
#: worker completes the pushed window) or, for p >= k, floor or ceil of HALVES_P_STAR
#: clipped to [k, h - 1].  Equal to the exact supremum of
#: constructions.byzantine_push.halves_attack on every n <= 41, m in {1, 2, 3, 5}, which
#: is the best over every p in [0, h - 1] there.
HALVES_GAP_FORMULA = sp.Max(_GAP_CHANGED, _GAP_AT_P.subs(_P, _P_FLOOR), _GAP_AT_P.subs(_P, _P_CEIL))


class HalvesGap(sp.Function):
    """:data:`HALVES_GAP_FORMULA` as a function of ``(n, f, m)``.

    At integer arguments it is the formula with the integers put in by ``xreplace``, the
    two clipped side sizes first (exact; milliseconds, where ``subs`` rebuilds every
    partially substituted ``Max`` and ``floor`` and takes about a second); otherwise it
    stays unevaluated and ``doit()`` gives the formula in the arguments.
    """

    @classmethod
    def eval(cls, nn: sp.Expr, ff: sp.Expr, mm: sp.Expr) -> sp.Expr | None:
        if not all(isinstance(x, sp.Integer) for x in (nn, ff, mm)):
            return None
        values = {n: nn, f: ff, m: mm}
        sides = {_P_FLOOR.xreplace(values), _P_CEIL.xreplace(values)}
        gaps = [_GAP_AT_P.xreplace({**values, _P: p}) for p in sides]
        return sp.Max(_GAP_CHANGED.xreplace(values), *gaps)

    def doit(self, **hints: object) -> sp.Expr:
        return HALVES_GAP_FORMULA.xreplace(dict(zip((n, f, m), self.args, strict=True)))

    @staticmethod
    def _imp_(nn: object, ff: object, mm: object) -> object:
        """Numeric value for ``sympy.lambdify`` (mpmath, current precision): the formula,
        lambdified.  A ``floor`` or ``ceiling`` of an integer ``p*`` rounded to its
        neighbour only adds a candidate below the maximiser of a concave gap."""
        global _HALVES_GAP_NUMERIC
        if _HALVES_GAP_NUMERIC is None:
            _HALVES_GAP_NUMERIC = sp.lambdify((n, f, m), HALVES_GAP_FORMULA, modules="mpmath")
        return _HALVES_GAP_NUMERIC(nn, ff, mm)


_HALVES_GAP_NUMERIC = None


#: the registered Byzantine lower bounds are gamma L^2 T times this
HALVES_GAP = HalvesGap(n, f, m)


class OrthogonalGap(sp.Function):
    """Per-step gap of boundkit's construction (B3), over ``gamma L^2 T`` (not from the
    paper): :func:`boundkit.bounds.orthogonal_gap.orthogonal_gap`.

    At integer arguments it is the exact supremum (square roots of rationals: the tie of
    two SMEA windows, closed form in :mod:`boundkit.bounds.orthogonal_gap`), ``0`` where (B3) is
    not defined; otherwise it stays unevaluated.
    """

    @classmethod
    def eval(cls, nn: sp.Expr, ff: sp.Expr, mm: sp.Expr) -> sp.Expr | None:
        if not all(isinstance(x, sp.Integer) for x in (nn, ff, mm)):
            return None
        from boundkit.bounds.orthogonal_gap import orthogonal_gap

        return orthogonal_gap(int(nn), int(ff), int(mm))

    @staticmethod
    def _imp_(nn: object, ff: object, mm: object) -> object:
        """Numeric value for ``sympy.lambdify``: the exact value at the current precision."""
        from boundkit.bounds.orthogonal_gap import orthogonal_gap

        exact = orthogonal_gap(int(nn), int(ff), int(mm))
        return mpmath.mpf(sp.N(exact, mpmath.mp.dps + 10))


#: boundkit's own Byzantine lower bound (B3) is gamma L^2 T times this
ORTHOGONAL_GAP = OrthogonalGap(n, f, m)


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
            note="any (f, kappa)-robust rule; kappa defaults to kappa_SMEA",
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
            note="constant 4 (not Hardt et al.'s 2) from the 1 - gamma*mu/2 expansivity",
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
            "(HalvesGap); at least THEORY's equal halves 1 + sigma_m sqrt(f/(n-2f)); "
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
            note="supremum approached by construction (B3): Byzantine vectors along e2, "
            "orthogonal to every honest gradient; about 2 sqrt(f/(n-f)) for every f < n/3 "
            "(0 where B3 is not defined); needs dimension >= 2 and uniform stability over "
            "the whole L-ball of data",
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
            reference="Theorem 4.2, eq. (18)",
            threat="both",
            algorithms=("gd",),
            convexity="convex",
            kind="lower",
            quantity="ratio gen_byzantine / gen_poisoning",
            expression=sp.sqrt(f / (n - 2 * f)) * (n - f) / (f + 1),
            hypotheses=(HONEST_MAJORITY, HAS_MISBEHAVING, F_GE_THIRD),
            note="order of the ratio; unbounded as f -> n/2",
        ),
        Result(
            id="kappa/smea",
            title="Robustness coefficient of SMEA",
            reference="Allouah et al. 2023b, Prop. 5.1 (recalled)",
            threat="byzantine",
            algorithms=("gd", "sgd"),
            convexity="any",
            kind="upper",
            quantity="kappa",
            expression=KAPPA_SMEA,
            hypotheses=(HONEST_MAJORITY,),
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
    )


REGISTRY: tuple[Result, ...] = _registry()
_BY_ID: dict[str, Result] = {r.id: r for r in REGISTRY}


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


# --------------------------------------------------------------------------- evaluation
def _exact(name: str, value: object) -> sp.Expr:
    """Turn a parameter value into an exact SymPy number (floats exactly, NaN rejected)."""
    if isinstance(value, bool):
        raise ParameterError(name, "a number", value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterError(name, "a finite number (no NaN or infinity)", value)
        return sp.Rational(Fraction(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise ParameterError(name, "a finite number (no NaN or infinity)", value)
        return sp.Rational(Fraction(*value.as_integer_ratio()))
    if isinstance(value, sp.Expr) and value.is_number:
        return value
    raise ParameterError(name, "a number", value)


def substitution(result: Result, params: Mapping[str, object]) -> dict[sp.Symbol, sp.Expr]:
    """Exact substitution for every parameter the result needs (defaults filled in)."""
    given = {k: v for k, v in dict(params).items() if v is not None}
    subs: dict[sp.Symbol, sp.Expr] = {}
    for name, value in given.items():
        if name in S.BY_NAME or name in EXTRA_NAMES:
            subs[_symbol_for(name)] = _exact(name, value)
    for name, default in result.defaults.items():
        if _symbol_for(name) not in subs:
            subs[_symbol_for(name)] = default.subs(subs)
    missing = [s for s in result.symbols if _symbol_for(s) not in subs]
    if missing:
        raise MissingParameter(missing, result.id)
    return subs


def violated_hypotheses(result: Result, params: Mapping[str, object]) -> list[str]:
    """Every hypothesis of ``result`` that ``params`` break, each in words.

    Fast path: when every compiled hypothesis holds on exact Fractions (the common case)
    nothing is substituted; otherwise SymPy names each broken one.
    """
    compiled = _compile(result)
    _, values = _exact_arguments(result, compiled, params)
    if values is not None and all(check(*values) for check in compiled.hypotheses):
        return []
    subs = substitution(result, params)
    broken = []
    for rel in result.hypotheses:
        if not bool(rel.subs(subs)):
            names = sorted(rel.free_symbols, key=str)
            shown = ", ".join(f"{_name_for(s)}={subs[s]}" for s in names)
            broken.append(f"{_pretty(rel)} ({shown})")
    return broken


def _pretty(rel: sp.Basic) -> str:
    if rel == N_MINUS_F_EVEN:
        return "n - f even"
    return sp.sstr(rel)


def check_hypotheses(result: Result, params: Mapping[str, object]) -> None:
    """Raise :class:`HypothesisViolation` naming every broken hypothesis."""
    broken = violated_hypotheses(result, params)
    if broken:
        raise HypothesisViolation(result.id, broken)


def exact_value(result: Result, params: Mapping[str, object]) -> sp.Expr:
    """The bound at ``params`` as an exact SymPy number (hypotheses checked)."""
    check_hypotheses(result, params)
    return result.expression.subs(substitution(result, params))


def evaluate(result: Result | str, params: Mapping[str, object], dps: int = 50) -> mpmath.mpf:
    """The bound at ``params`` as an ``mpmath.mpf`` with ``dps`` significant digits.

    Speed path: the expression and hypotheses are compiled once per result with
    ``sympy.lambdify``; hypotheses are decided exactly on ``Fraction`` inputs and the
    expression is evaluated with mpmath at ``dps + 10`` digits, then rounded to ``dps``.
    :func:`exact_value` is the exact path it is tested against.
    """
    if isinstance(result, str):
        result = get(result)
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 15:
        raise ParameterError("dps", "an integer >= 15", dps)
    compiled = _compile(result)
    raw, values = _exact_arguments(result, compiled, params)
    if values is None or not all(check(*values) for check in compiled.hypotheses):
        check_hypotheses(result, params)  # the slow path names every broken hypothesis
    with mpmath.workdps(dps + 10):
        args = [mpmath.mpf(v.numerator) / v.denominator for v in values or raw]
        if values is None:  # a default that is not rational there: evaluate it in mpmath
            given = _given(params)
            defaults = {
                i: fn(*args)
                for i, fn in compiled.defaults.items()
                if compiled.names[i] not in given
            }
            args = [defaults.get(i, a) for i, a in enumerate(args)]
        value = compiled.expression(*args)
    with mpmath.workdps(dps):
        return +mpmath.mpf(value)


@dataclass(frozen=True)
class _Compiled:
    """A result's expression, hypotheses and defaults as plain Python callables."""

    names: tuple[str, ...]
    expression: object
    hypotheses: tuple[object, ...]
    defaults: Mapping[int, object]  # argument index -> callable giving its default
    exact_defaults: Mapping[int, object]  # the same on Fractions (rational defaults)


_COMPILED: dict[int, tuple[Result, _Compiled]] = {}


def _compile(result: Result) -> _Compiled:
    cached = _COMPILED.get(id(result))
    if cached is not None and cached[0] is result:
        return cached[1]
    free = set(result.expression.free_symbols)
    for rel in result.hypotheses:
        free |= rel.free_symbols
    for name, value in result.defaults.items():
        free |= value.free_symbols | {_symbol_for(name)}
    symbols = tuple(sorted(free, key=str))
    names = tuple(_name_for(x) for x in symbols)
    exact_modules = [{"Mod": lambda a, b: a % b}, "math"]
    compiled = _Compiled(
        names=names,
        expression=sp.lambdify(symbols, result.expression, modules="mpmath"),
        hypotheses=tuple(
            sp.lambdify(symbols, rel, modules=exact_modules) for rel in result.hypotheses
        ),
        defaults={
            names.index(name): sp.lambdify(symbols, value, modules="mpmath")
            for name, value in result.defaults.items()
        },
        exact_defaults={
            names.index(name): sp.lambdify(symbols, value, modules=exact_modules)
            for name, value in result.defaults.items()
        },
    )
    _COMPILED[id(result)] = (result, compiled)
    return compiled


def _given(params: Mapping[str, object]) -> set[str]:
    return {k for k, v in dict(params).items() if v is not None}


def _exact_arguments(
    result: Result, compiled: _Compiled, params: Mapping[str, object]
) -> tuple[list[Fraction], list[Fraction] | None]:
    """``(raw, values)``: the compiled arguments as Fractions (defaults as a placeholder
    0), and the same with every default not given filled in exactly (``None`` when a
    default is not rational there)."""
    raw = _fraction_arguments(result, compiled, params)
    return raw, _with_exact_defaults(compiled, raw, _given(params))


def _with_exact_defaults(
    compiled: _Compiled, values: list[Fraction], given: set[str]
) -> list[Fraction] | None:
    """``values`` with every parameter not ``given`` replaced by its default, exactly;
    ``None`` when a default is not rational there (then the caller takes the SymPy path)."""
    out = list(values)
    for i, fn in compiled.exact_defaults.items():
        if compiled.names[i] in given:
            continue
        try:
            value = fn(*values)
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        if not isinstance(value, (int, Fraction)):
            return None
        out[i] = Fraction(value)
    return out


def _fraction_arguments(
    result: Result, compiled: _Compiled, params: Mapping[str, object]
) -> list[Fraction]:
    """Exact Fraction values for the compiled arguments (defaults: a placeholder 0)."""
    given = {k: v for k, v in dict(params).items() if v is not None}
    default_names = {compiled.names[i] for i in compiled.defaults}
    missing = [x for x in compiled.names if x not in given and x not in default_names]
    if missing:
        raise MissingParameter(missing, result.id)
    out = []
    for name in compiled.names:
        if name in given:
            value = _exact(name, given[name])
            out.append(
                Fraction(int(value.p), int(value.q))
                if value.is_Rational
                else Fraction(str(sp.N(value, 40)))
            )
        else:
            out.append(Fraction(0))
    return out
