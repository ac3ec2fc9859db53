"""The tightness map (docs/theory.md, section 7): best certified lower bound over best
certified upper.

For each ``(n, f, m)`` of a grid and each threat (Byzantine failures in dimension ``d``;
data poisoning), per step of convex GD in units of ``gamma L^2``:

- **lower**: the largest value a construction reaches: every registered convex GD lower
  bound on uniform stability that applies there (hypotheses hold, dimension admitted by
  :data:`boundkit.bounds.registry.DIMENSIONS`): (B1)/(B2) ``thm3.2/*``, (B3)
  ``byzantine/orthogonal-push`` (``d >= 2``), (B4) ``byzantine/two-sided-push``, (P1)
  ``thm3.4/gd-convex``; the tailored attack of App. E.2 (its exact supremum,
  :func:`constructions.tailored_byzantine.tailored_attack`); and, when given, attack-search
  certificates replayed exactly (:func:`boundkit.labs.attacks.certificate.evaluate_exact`,
  ``m = 1``, a ``d``-dimensional certificate counting for every dimension ``>= d``);
- **upper**: the smallest registered convex upper bound that applies: ``thm3.1/convex``
  (``kappa`` defaulting to SMEA's ``kappa* = 4f/(n - 2f)``) and
  ``byzantine/smea-sharp/convex``; ``thm3.3/convex`` for poisoning.

Each registered bound is ``gamma L^2 T`` times a function of ``(n, f, m)`` (checked
symbolically: :func:`per_step`), evaluated exactly at ``T = gamma = L = beta = 1``.  The
largest and smallest are chosen by :func:`boundkit.checks.decide.compare` (exact or
rigorous, never a tolerance), the ratio is exact and its verdict ``ratio >= 9/10`` is
decided the same way (``None`` when undecided).  Floats (:attr:`Cell.value`) only order the
cells for the median and label the figure.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp

from boundkit import bounds
from boundkit.bounds.registry import admits_dimension
from boundkit.bounds.symbols import BY_NAME, L, T, gamma
from boundkit.checks.decide import compare
from boundkit.checks.exact_bounds import exact_bound
from boundkit.errors import ParameterError
from boundkit.json_document import check_envelope
from boundkit.labs import schema
from boundkit.labs.attacks.certificate import Certificate, evaluate_exact
from constructions.tailored_byzantine import tailored_attack

#: the tightness goal: a ratio of at least 9/10 in every cell
GOAL = Fraction(9, 10)
#: parameters fixing the scale: per step in units of gamma L^2 (beta = 1: gamma <= 2/beta)
UNIT_POINT = {"T": 1, "step_size": 1, "lipschitz": 1, "smoothness": 1, "strong_convexity": 0}
#: threats of the map
THREATS = ("byzantine", "poisoning")
TAILORED = "tailored (App. E.2)"
#: default grid: every n up to 30, then every tenth up to 101 (and 100, the attack search's)
DEFAULT_NS: tuple[int, ...] = (*range(3, 31), 35, 40, 41, 45, 51, 61, 71, 81, 91, 100, 101)
DEFAULT_MS: tuple[int, ...] = (1, 2, 5)
MAX_N = 1_001
#: most certificates read from one file
MAX_CERTIFICATES = 10_000


@dataclass(frozen=True)
class Bound:
    """One certified value per step (over ``gamma L^2``) and where it comes from."""

    source: str
    value: sp.Expr


@dataclass(frozen=True)
class Cell:
    """One ``(threat, d, n, f, m)`` of the map: the best bounds, their exact ratio and the
    exact verdict ``ratio >= GOAL`` (``None``: undecided)."""

    threat: str
    dimension: int
    n: int
    f: int
    m: int
    lower: Bound
    upper: Bound
    ratio: sp.Expr
    reaches_goal: bool | None
    lowers: tuple[Bound, ...]
    uppers: tuple[Bound, ...]
    above_upper: bool | None = False

    @property
    def value(self) -> float:
        """The ratio as a float (ordering and display only)."""
        return float(sp.N(self.ratio, 30))


# --------------------------------------------------------------------------- registry side
@functools.cache
def per_step(result_id: str) -> sp.Expr:
    """``expression / (gamma L^2 T)`` of a registered convex bound, with its defaults
    (``kappa = kappa*``) inserted; ``ValueError`` unless free of ``gamma``, ``L``, ``T`` (then
    the bound is exactly ``gamma L^2 T`` times it, and ``T = gamma = L = 1`` gives it)."""
    result = bounds.get(result_id)
    expression = result.expression.xreplace({BY_NAME[k]: v for k, v in result.defaults.items()})
    out = sp.expand(expression / (gamma * L**2 * T), deep=False)
    if out.free_symbols & {gamma, L, T}:
        raise ValueError(f"{result_id} is not gamma L^2 T times a function of (n, f, m)")
    return out


def registered(threat: str, kind: str, dimension: int) -> tuple[bounds.Result, ...]:
    """The registered convex GD bounds on uniform stability of this threat and kind that
    speak about data of this dimension."""
    return tuple(
        r
        for r in bounds.REGISTRY
        if r.threat == threat
        and r.kind == kind
        and r.quantity == "uniform stability"
        and r.convexity == "convex"
        and "gd" in r.algorithms
        and admits_dimension(r, dimension)
    )


def registered_value(result_id: str, n: int, f: int, m: int) -> sp.Expr | None:
    """The registered bound per step at ``(n, f, m)``, exactly; ``None`` outside its
    hypotheses."""
    result = bounds.get(result_id)
    point = dict(UNIT_POINT, n=n, f=f, m=m)
    if bounds.violated_hypotheses(result, point):
        return None
    per_step(result_id)  # the scale check
    return exact_bound(result_id, point)


@functools.lru_cache(maxsize=8192)
def tailored_value(n: int, f: int, m: int) -> sp.Expr | None:
    """The tailored attack's exact per-step supremum (App. E.2), ``None`` where undefined."""
    if f < 1 or n - 2 * f < 1:
        return None
    return tailored_attack(n, f, m, 1).gap_sup


# --------------------------------------------------------------------------- certificates
def certificate_bounds(certificates: Iterable[Certificate]) -> dict[tuple[int, int, int], Bound]:
    """The best replayed certificate per ``(n, f, d)``: ``||SMEA(run 1) - SMEA(run 2)||`` over
    ``L``, recomputed with the exact grouped SMEA (the recorded outputs are not trusted)."""
    best: dict[tuple[int, int, int], Bound] = {}
    for cert in certificates:
        p = cert.problem
        exact = evaluate_exact(cert)
        value = sp.sqrt(sp.Rational(exact.divergence_squared)) / sp.Rational(p.lipschitz)
        key = (p.n, p.f, p.d)
        source = f"attack-search certificate ({cert.family or 'search'}, d = {p.d})"
        if key not in best or compare(value, ">", best[key].value).holds:
            best[key] = Bound(source, value)
    return best


#: Keys of a ``boundkit.attack-search`` document besides its certificates.
_DOCUMENT_KEYS = ("boundkit_version", "d", "ns", "seed", "restarts", "evaluations")


def read_certificates(text: str, name: str = "certificates") -> list[Certificate]:
    """An attack-search JSON file, parsed by the strict schema (:mod:`boundkit.labs.schema`,
    :meth:`Certificate.from_json`): never evaluated.  The ``boundkit.attack-search``
    document ``attack-search --json`` writes (version 1), or the bare list of certificates
    written before documents had a ``format`` key."""
    value = schema.load(text, name)
    if isinstance(value, dict):
        fields = schema.record(value, name, ("format", "version", "certificates"), _DOCUMENT_KEYS)
        check_envelope(fields, "attack-search", (1,), name)
        value = fields["certificates"]
    records = schema.array(value, name, 0, MAX_CERTIFICATES)
    return [Certificate.from_json(record) for record in records]


# --------------------------------------------------------------------------- cells
def _extreme(candidates: Sequence[Bound], op: str) -> Bound:
    """The largest (``op = ">"``) or smallest (``"<"``) candidate, decided exactly; the first
    listed wins a tie.  Raises ``ArithmeticError`` when a comparison is undecided."""
    best = candidates[0]
    for bound in candidates[1:]:
        decision = compare(bound.value, op, best.value)
        if decision.holds is None:
            raise ArithmeticError(f"undecided: {bound.source} {op} {best.source}")
        if decision.holds:
            best = bound
    return best


@dataclass(frozen=True)
class Sources:
    """The lower-bound sources beyond the registry: replayed certificates per ``(n, f, d)``
    (:func:`certificate_bounds`) and whether to compute the tailored attack's supremum."""

    certified: Mapping[tuple[int, int, int], Bound] = field(default_factory=dict)
    tailored: bool = False


def _lowers(threat: str, dimension: int, n: int, f: int, m: int, sources: Sources) -> list[Bound]:
    out = []
    for result in registered(threat, "lower", dimension):
        value = registered_value(result.id, n, f, m)
        if value is not None and value != 0:
            out.append(Bound(result.id, value))
    if threat != "byzantine":
        return out
    if sources.tailored and (value := tailored_value(n, f, m)) is not None:
        out.append(Bound(TAILORED, value))
    if m == 1:
        certified = sources.certified
        out += [certified[(n, f, d)] for d in range(1, dimension + 1) if (n, f, d) in certified]
    return out


def cell(
    threat: str, dimension: int, n: int, f: int, m: int, sources: Sources = Sources()
) -> Cell | None:
    """One cell of the map (``None`` when no lower or no upper bound applies)."""
    lowers = _lowers(threat, dimension, n, f, m, sources)
    uppers = [
        Bound(r.id, v)
        for r in registered(threat, "upper", dimension)
        if (v := registered_value(r.id, n, f, m)) is not None
    ]
    if not lowers or not uppers:
        return None
    lower, upper = _extreme(lowers, ">"), _extreme(uppers, "<")
    ratio = lower.value / upper.value
    goal = compare(ratio, ">=", GOAL).holds
    above = compare(lower.value, ">", upper.value).holds  # a bug in a bound or a construction
    return Cell(
        threat, dimension, n, f, m, lower, upper, ratio, goal, tuple(lowers), tuple(uppers), above
    )


def check_grid(ns: Sequence[int], ms: Sequence[int], dimensions: Sequence[int]) -> None:
    """``ParameterError`` naming the first value outside its range."""
    for n in ns:
        if not 3 <= n <= MAX_N:
            raise ParameterError("ns", f"3 <= n <= {MAX_N}", n)
    for m in ms:
        if not 1 <= m <= 1000:
            raise ParameterError("ms", "1 <= m <= 1000", m)
    for d in dimensions:
        if d not in (1, 2):
            raise ParameterError("d", "1 or 2", d)


def cells_at(
    n: int, ms: Sequence[int], dimensions: Sequence[int], sources: Sources = Sources()
) -> list[Cell]:
    """Every cell with this ``n``: Byzantine in each dimension, poisoning once (its
    bounds do not depend on the dimension; recorded as ``d = 1``)."""
    out = []
    for f in range(1, (n + 1) // 2):
        for m in ms:
            for d in dimensions:
                found = cell("byzantine", d, n, f, m, sources)
                if found is not None:
                    out.append(found)
            found = cell("poisoning", 1, n, f, m)
            if found is not None:
                out.append(found)
    return out


def compute(
    ns: Sequence[int] = DEFAULT_NS,
    ms: Sequence[int] = DEFAULT_MS,
    dimensions: Sequence[int] = (1, 2),
    *,
    certificates: Sequence[Certificate] = (),
    tailored: bool = False,
    workers: int = 1,
) -> list[Cell]:
    """The whole map, in a fixed order (``n``, ``f``, ``m``, threat, ``d``)."""
    from boundkit.parallel import map_ordered

    check_grid(ns, ms, dimensions)
    sources = Sources(certificate_bounds(certificates), tailored)
    parts = map_ordered(
        cells_at,
        list(ns),
        ms=tuple(ms),
        dimensions=tuple(dimensions),
        sources=sources,
        workers=workers,
    )
    return [c for part in parts for c in part]


# --------------------------------------------------------------------------- summaries
@dataclass(frozen=True)
class Summary:
    """One (threat, d) of the map: extremes and median of the ratio, and the goal count."""

    threat: str
    dimension: int
    cells: int
    worst: Cell
    best: Cell
    median: float
    reaching: int
    undecided: int

    @property
    def minimum(self) -> float:
        return self.worst.value


def summaries(cells: Sequence[Cell]) -> list[Summary]:
    """Per threat and dimension: worst and best cells, median (display), goal counts."""
    out = []
    keys = sorted({(c.threat, c.dimension) for c in cells})
    for threat, d in keys:
        part = sorted((c for c in cells if (c.threat, c.dimension) == (threat, d)), key=_order)
        values = [c.value for c in part]
        with mpmath.workdps(30):
            median = float(mpmath.mpf(_median(values)))
        out.append(
            Summary(
                threat,
                d,
                len(part),
                part[0],
                part[-1],
                median,
                sum(c.reaches_goal is True for c in part),
                sum(c.reaches_goal is None for c in part),
            )
        )
    return out


def _order(c: Cell) -> tuple[float, int, int, int]:
    return (c.value, c.n, c.f, c.m)


def _median(values: Sequence[float]) -> float:
    k = len(values)
    return values[k // 2] if k % 2 else (values[k // 2 - 1] + values[k // 2]) / 2
