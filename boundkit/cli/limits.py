"""The resource limits of the command line, in one place, each with the measurement behind it.

Every size a command accepts is capped so that an accepted input finishes, or shows a
progress bar, in reasonable time and memory.  The numbers in each ``why`` were measured on
the 2-core reference machine, one process, while other jobs shared it (so they are upper
estimates).  Above a limit the command stops before any work with the one-line error
``boundkit: error: <parameter>: must satisfy <parameter> <= <limit> (<why>) (got <value>)``;
every ``--help`` lists its command's limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from boundkit.checks.rates import MIN_N
from boundkit.errors import ParameterError


@dataclass(frozen=True)
class Limit:
    """The largest accepted value of one parameter and why (the measurement)."""

    maximum: int
    why: str

    def rule(self, name: str) -> str:
        return f"{name} <= {self.maximum:,} ({self.why})"

    def help(self, name: str) -> str:
        return f"{name} <= {self.maximum:,}: {self.why}"


def epilog(*entries: tuple[str, Limit]) -> str:
    """The ``Limits`` paragraph of a command's ``--help``."""
    parts = [limit.rule(name) for name, limit in entries]
    return "Limits (measured; above them a one-line error, exit 2): " + "; ".join(parts) + "."


#: Characters of an exact number on the command line (``0.1``, ``1/10``, ``1e-3``).
EXACT_DIGITS = 40
#: Largest certificate file ``kappa --replay`` reads.
CERTIFICATE_BYTES = 4_000_000

WORKERS = Limit(32, "one process each, about 130 MB of memory per process")
SEED = Limit(2**32 - 1, "numpy seeds are 32-bit")
DPS = Limit(1_000, "table at dps 1000: 9 s")

# ------------------------------------------------------------------------------- simulate


@dataclass(frozen=True)
class ConstructionLimits:
    """The largest ``n``, ``T``, ``f`` and ``m`` one construction is simulated at."""

    n: Limit
    T: Limit
    f: Limit | None = None
    m: Limit | None = None


_ONE_D = Limit(10**9, "grouped 1-D SMEA, cost independent of n: 2 s at n = 10^7")
_STEPS = Limit(100_000, "exact steps: B2 52 s, B3 74 s at T = 10^5")
SIMULATE: dict[str, ConstructionLimits] = {
    "P1": ConstructionLimits(_ONE_D, _STEPS),
    "P2": ConstructionLimits(_ONE_D, _STEPS),
    "P3": ConstructionLimits(
        _ONE_D, Limit(100, "exact SGD expectation: 29 s at T = 100, 93 s at 300")
    ),
    "B1": ConstructionLimits(Limit(100_000, "exact push supremum: 24 s at n = 10^5"), _STEPS),
    "B2": ConstructionLimits(Limit(100_000, "exact push supremum: 6 s at n = 10^5"), _STEPS),
    "B3": ConstructionLimits(
        Limit(10**6, "5 s at n = 10^6, over 120 s and 1.4 GB at n = 10^7 (f = 1)"),
        _STEPS,
        Limit(1_000, "2-D count vectors grow like f^2: 4 s, 200 MB at f = 1000, n = 10^4"),
        Limit(1_000, "12 s at m = 1000; m = 10^4 hits a SymPy factorisation error"),
    ),
    "tailored": ConstructionLimits(
        Limit(3_000, "two exact push suprema per step: 53 s at n = 3000"), _STEPS
    ),
    "B4": ConstructionLimits(
        Limit(10**9, "f limits the work, not n: 1.4 s at n = 10^9, f = 100"),
        Limit(100_000, "6 s at T = 10^5"),
        Limit(50_000, "30 s, 250 MB at f = 40000; over 120 s and 3 GB at f = 10^6"),
    ),
}
#: A construction without its own entry (a new one) gets these until it is measured.
SIMULATE_DEFAULT = ConstructionLimits(
    Limit(1_000, "a construction not measured yet"), Limit(1_000, "a construction not measured yet")
)
SIMULATE_MAX_N = Limit(10**9, "the largest per-construction limit, see below")
SIMULATE_MAX_T = Limit(100_000, "the largest per-construction limit, see below")
SIMULATE_M = Limit(10_000, "samples enter as group sizes: P1 21 s at m = 10^4, 42 s at 10^5")
SIMULATE_DPS = Limit(5_000, "10 s at dps 5000")


def construction_limits(name: str) -> ConstructionLimits:
    return SIMULATE.get(name, SIMULATE_DEFAULT)


def simulate_epilog() -> str:
    lines = []
    for name, caps in SIMULATE.items():
        parts = [f"n <= {caps.n.maximum:,}", f"T <= {caps.T.maximum:,}"]
        parts += [f"{k} <= {c.maximum:,}" for k, c in (("f", caps.f), ("m", caps.m)) if c]
        lines.append(f"{name}: " + ", ".join(parts))
    common = f"every construction: m <= {SIMULATE_M.maximum:,}, dps <= {SIMULATE_DPS.maximum:,}"
    others = f"others: n, T <= {SIMULATE_DEFAULT.n.maximum:,} (not measured yet)"
    return (
        "Limits (measured; above them a one-line error, exit 2, that gives the measurement): "
        + "; ".join([*lines, others, common])
        + "."
    )


def check_construction(name: str, n: int, f: int, T: int, m: int) -> None:
    """The construction's own limits on ``n``, ``f``, ``T`` and ``m`` (before it is built)."""
    caps = construction_limits(name)
    checks = (("n", n, caps.n), ("f", f, caps.f), ("T", T, caps.T), ("m", m, caps.m))
    for parameter, value, cap in checks:
        if cap is not None and value > cap.maximum:
            raise ParameterError(parameter, f"{cap.rule(parameter)} for {name}", value)


# ---------------------------------------------------------------------- table, figure, rates

TABLE_SIZE = Limit(10**18, "closed forms: 9 s at n = 10^20, T = 10^12, dps 1000")
FIGURE_N = Limit(401, "one exact run per f = 1..n/2, progress bar per f: 483 s at n = 401")
FIGURE_T = Limit(1_000, "18 s at T = 1000 (n = 41)")
FIGURE_DPS = Limit(200, "27 s at dps 50, 42 s at dps 200, over 300 s at dps 1000")
RATES_MIN_N = MIN_N  # every regime has 4 admissible f from there (boundkit.checks.rates)
RATES_N = Limit(3_001, "the default's largest n; B3's admissibility check alone: 110 s there")
RATES_COUNT = 5
RATES_DPS = Limit(1_000, "mpmath fits at the working precision")
VERIFY_DPS = Limit(1_000, "verify --quick: 35 s at dps 50, 47 s at dps 1000")

# ------------------------------------------------------------------------- kappa, attacks

KAPPA_N = Limit(1_000, "every rule but (Multi-)Krum: 16-47 s at n = 1000, d = 16")
KAPPA_KRUM_N = Limit(300, "Krum, Multi-Krum in d = 1: 47-60 s at n = 300")
KAPPA_KRUM_N_2D = Limit(100, "Krum in d > 1: 34 s at n = 100, d = 16; over 120 s at n = 300, d = 5")
KAPPA_D = Limit(16, "SMEA 38 s, GM 47 s at n = 1000, d = 16")
KAPPA_RESTARTS = Limit(100, "123 s with 100 restarts at n = 1000, d = 16 (SMEA)")
KAPPA_DPS = Limit(1_000, "exact ratios are printed at dps digits")


def check_kappa_size(rule: str, n: int, d: int) -> None:
    """Krum and Multi-Krum compute all pairwise distances at every evaluation."""
    if rule in ("krum", "multikrum"):
        cap = KAPPA_KRUM_N if d == 1 else KAPPA_KRUM_N_2D
        if n > cap.maximum:
            raise ParameterError("n", f"{cap.rule('n')} for {rule}", n)


ATTACK_N = Limit(1_000, "d = 1: 4 s per (n, f) at n = 1000 with 500 evaluations")
ATTACK_N_2D = Limit(300, "d = 2: 14 s per (n, f) at n = 300 with 500 evaluations, 60+ s at 1000")
ATTACK_COUNT = 10
ATTACK_RESTARTS = Limit(1_000, "each restart is one climb")
ATTACK_EVALUATIONS = Limit(50_000, "float evaluations per climb")
ATTACK_WORK = Limit(
    5_000_000,
    "a step of the progress bar: 107-137 s at n = 100, d = 2, 100 restarts x 500",
)


def check_attack_work(
    ns: list[int], dimensions: tuple[int, ...], restarts: int, evaluations: int
) -> None:
    """The largest ``n`` per dimension and the work ``restarts x evaluations x n`` of one
    (n, f, d), the time between two steps of the progress bar."""
    if 2 in dimensions and max(ns) > ATTACK_N_2D.maximum:
        raise ParameterError("ns", f"{ATTACK_N_2D.rule('n')} with --d 2", max(ns))
    work = max(restarts, 1) * evaluations * max(ns)
    if work > ATTACK_WORK.maximum:
        rule = f"restarts x evaluations x n <= {ATTACK_WORK.maximum:,} ({ATTACK_WORK.why})"
        raise ParameterError("restarts, evaluations, ns", rule, f"{work:,}")
