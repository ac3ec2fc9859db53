"""Rate fitting across f/n (docs/theory.md, section 5).

The instability measured on the lower-bound constructions is fitted with
``instability = c0 + c1 * x**p`` (:func:`boundkit.checks.fitting.fit_power_law`), with
``x = f/(n-f)`` under data poisoning (construction P1, theory ``p = 1``) and
``x = f/(n-2f)`` under Byzantine failures with ``f >= n/3`` (construction B1, theory
``p = 1/2``).  The Byzantine ``f < n/3`` regime (B2) is fitted and reported without a
verdict: the paper leaves it open.  boundkit's own orthogonal push (B3, dimension 2;
:mod:`boundkit.bounds.orthogonal_gap`) is fitted in ``x = f/(n-f)`` for ``f < n/3`` against
``p = 1/2``.  boundkit's two-sided push (B4, dimension 1;
:mod:`boundkit.bounds.two_sided_gap`) is fitted in ``x = f/(n-2f)``: for ``f >= n/3``
against ``p = 1/2`` (its closed form ``2 + 2 sqrt(x (1 - [h odd]/h^2))``), for ``f < n/3``
against ``p = 1`` (``4x + 2/(m (n-2f)) + 2x/(m (n-f))``: linear in ``x`` up to an offset that
varies by less than ``2/(m n)``).  Each regime is fitted at a large fixed ``n`` and, to
follow ``n -> infinity`` at fixed ``f/n``, at a sequence of growing ``n``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath

from boundkit.checks.fitting import PowerFit, fit_power_law
from boundkit.config import Setting
from boundkit.errors import ParameterError
from boundkit.json_document import document, number, rational_text

TOLERANCE = 0.05
#: The worker counts of a series when none are given (``rates``, ``report``).
DEFAULT_NS: tuple[int, ...] = (101, 1001, 3001)
#: Points of a fit: ``c0 + c1 x^p`` has three parameters, so at least 4 admissible ``f``
#: with at least 3 distinct ``x``.
MIN_POINTS, MIN_DISTINCT_X = 4, 3
#: The smallest ``n`` from which every regime has :data:`MIN_POINTS` admissible ``f``
#: (B1's ``f >= n/3`` with ``n - f`` even has only 3 at n = 44; checked by the tests).
MIN_N = 45

#: What each status of a fit means (the legend under the table, and ``rates --help``).
STATUS_MEANING: dict[str, str] = {
    "PASS": f"the fit at the largest n has |p - theory| <= {TOLERANCE}",
    "FAIL": f"the fit at the largest n has |p - theory| > {TOLERANCE}",
    "trend": "a smaller n of the series, showing how the fitted p moves as n grows; no "
    "verdict (the verdict is on the largest n)",
    "open": "the paper states no exponent for this regime (Byzantine, f < n/3, B2); fitted "
    "and reported, no verdict",
}


def legend() -> str:
    """One line per status: ``status: meaning`` (:data:`STATUS_MEANING`)."""
    return "\n".join(f"- {status}: {meaning}" for status, meaning in STATUS_MEANING.items())


@dataclass(frozen=True)
class Regime:
    """One row of the rate table: which construction, which x, which exponent."""

    name: str
    construction: str
    x_label: str
    theory: float | None  # None: open question, report only
    f_range: Callable[[int], Sequence[int]]
    x_of: Callable[[int, int], Fraction]


def _spread(values: Sequence[int], count: int) -> list[int]:
    """About ``count`` values spread evenly over ``values`` (sorted, unique)."""
    if len(values) <= count:
        return list(values)
    step = (len(values) - 1) / (count - 1)
    return sorted({values[round(i * step)] for i in range(count)})


def _poisoning_fs(n: int) -> list[int]:
    return _spread(range(1, (n - 1) // 2 + 1), 30)


def _byzantine_high_fs(n: int) -> list[int]:
    fs = [f for f in range(-(-n // 3), (n - 1) // 2 + 1) if (n - f) % 2 == 0]
    return _spread(fs, 30)


def _byzantine_low_fs(n: int) -> list[int]:
    fs = [f for f in range(1, -(-n // 3)) if 3 * f < n and (n - f) % 2 == 0]
    return _spread(fs, 30)


def _orthogonal_fs(n: int) -> list[int]:
    return _spread([f for f in range(1, -(-n // 3)) if 3 * f < n], 30)


def _two_sided_high_fs(n: int) -> list[int]:
    return _spread(range(-(-n // 3), (n - 1) // 2 + 1), 30)


REGIMES: tuple[Regime, ...] = (
    Regime("data poisoning", "P1", "f/(n-f)", 1.0, _poisoning_fs, lambda n, f: Fraction(f, n - f)),
    Regime(
        "Byzantine, f >= n/3",
        "B1",
        "f/(n-2f)",
        0.5,
        _byzantine_high_fs,
        lambda n, f: Fraction(f, n - 2 * f),
    ),
    Regime(
        "Byzantine, f < n/3",
        "B2",
        "f/(n-2f)",
        None,
        _byzantine_low_fs,
        lambda n, f: Fraction(f, n - 2 * f),
    ),
    Regime(
        "Byzantine, f < n/3, d = 2 (B3, boundkit)",
        "B3",
        "f/(n-f)",
        0.5,
        _orthogonal_fs,
        lambda n, f: Fraction(f, n - f),
    ),
    Regime(
        "Byzantine, f >= n/3, two-sided (B4, boundkit)",
        "B4",
        "f/(n-2f)",
        0.5,
        _two_sided_high_fs,
        lambda n, f: Fraction(f, n - 2 * f),
    ),
    Regime(
        "Byzantine, f < n/3, two-sided (B4, boundkit)",
        "B4",
        "f/(n-2f)",
        1.0,
        _orthogonal_fs,
        lambda n, f: Fraction(f, n - 2 * f),
    ),
)


@dataclass(frozen=True)
class RateFit:
    """A fitted regime at one ``n``."""

    regime: str
    construction: str
    x_label: str
    n: int
    theory: float | None
    fit: PowerFit
    headline: bool = True  # the large-n fit the verdict is about; smaller n show the trend

    @property
    def status(self) -> str:
        """``PASS``, ``FAIL``, ``trend`` or ``open`` (meanings: :data:`STATUS_MEANING`)."""
        if self.theory is None:
            return "open"
        if not self.headline:
            return "trend"
        return "PASS" if self.fit.within(self.theory, TOLERANCE) else "FAIL"


@dataclass(frozen=True)
class SeriesParameters:
    """The fixed parameters of a rate series (paper symbols: m, T, gamma, L)."""

    m: int = 2
    T: int = 10
    step_size: Fraction = Fraction(1, 10)
    lipschitz: Fraction = Fraction(1)
    dps: int = 50


def measured_series(
    regime: Regime, n: int, params: SeriesParameters
) -> tuple[list[Fraction], list[mpmath.mpf]]:
    """(x, measured instability) for every ``f`` of the regime at this ``n``."""
    from constructions import CONSTRUCTIONS
    from constructions.measure import measure

    construction = CONSTRUCTIONS[regime.construction]
    xs, ys = [], []
    for setting in admissible_settings(regime, n, params):
        measurement = measure(construction.build(setting), dps=params.dps)
        xs.append(regime.x_of(n, setting.f))
        ys.append(measurement.empirical)
    return xs, ys


def admissible_settings(regime: Regime, n: int, params: SeriesParameters) -> list[Setting]:
    """The points of the regime's series at this ``n``: one per ``f`` of its range where
    its construction is defined.  Fewer than :data:`MIN_POINTS` (or :data:`MIN_DISTINCT_X`
    distinct ``x``) is a :class:`ParameterError` naming ``n``, before anything is measured."""
    from constructions import CONSTRUCTIONS

    construction = CONSTRUCTIONS[regime.construction]
    settings = [
        Setting(
            n=n, f=f, m=params.m, T=params.T, step_size=params.step_size, lipschitz=params.lipschitz
        )
        for f in regime.f_range(n)
    ]
    settings = [s for s in settings if construction.applies(s) is None]
    distinct = len({regime.x_of(n, s.f) for s in settings})
    if len(settings) < MIN_POINTS or distinct < MIN_DISTINCT_X:
        rule = (
            f"n >= {MIN_N}: {regime.name} ({regime.construction}) has {len(settings)} "
            f"admissible f here, a 3-parameter fit needs {MIN_POINTS}"
        )
        raise ParameterError("n", rule, n)
    return settings


def fit_regime(regime: Regime, n: int, params: SeriesParameters, headline: bool = True) -> RateFit:
    """The regime's series at ``n`` fitted with ``c0 + c1 x^p``
    (:func:`boundkit.checks.fitting.fit_power_law`)."""
    xs, ys = measured_series(regime, n, params)
    fit = fit_power_law(xs, ys)
    return RateFit(
        regime.name, regime.construction, regime.x_label, n, regime.theory, fit, headline
    )


def fit_all(
    ns: Iterable[int] = DEFAULT_NS,
    params: SeriesParameters | None = None,
    progress: Callable[[Iterable, int], Iterable] | None = None,
) -> list[RateFit]:
    """Every regime at every ``n``; the verdict is on the largest ``n`` (the headline fit),
    the smaller ones show the trend along ``n -> infinity``."""
    params = params or SeriesParameters()
    ns = tuple(ns)
    jobs = [(regime, n) for regime in REGIMES for n in ns]
    iterator: Iterable = jobs if progress is None else progress(jobs, len(jobs))
    return [fit_regime(regime, n, params, n == max(ns)) for regime, n in iterator]


HEADERS = (
    "regime",
    "construction",
    "x",
    "n",
    "theory p",
    "fitted p",
    "95% CI",
    "c0",
    "c1",
    "status",
)


def table_rows(fits: Sequence[RateFit]) -> list[tuple[str, ...]]:
    rows = []
    for r in fits:
        fit = r.fit
        rows.append(
            (
                r.regime,
                r.construction,
                r.x_label,
                str(r.n),
                "open" if r.theory is None else f"{r.theory:g}",
                mpmath.nstr(fit.exponent, 6),
                f"[{mpmath.nstr(fit.exponent_low, 6)}, {mpmath.nstr(fit.exponent_high, 6)}]",
                mpmath.nstr(fit.offset, 6),
                mpmath.nstr(fit.scale, 6),
                r.status,
            )
        )
    return rows


def render(fits: Sequence[RateFit], fmt: str = "markdown") -> str:
    """The fitted-exponent table in ``markdown`` or ``latex``."""
    from tabulate import tabulate

    from boundkit.errors import ParameterError

    table_format = {"markdown": "github", "latex": "latex"}.get(fmt)
    if table_format is None:
        raise ParameterError("format", "one of markdown, latex", fmt)
    return tabulate(table_rows(fits), headers=HEADERS, tablefmt=table_format) + "\n"


#: Version of the ``boundkit.rates`` document (docs/schemas/rates.schema.json).
JSON_VERSION = 1


def _fit_record(r: RateFit) -> dict[str, object]:
    fit = r.fit
    return {
        "regime": r.regime,
        "construction": r.construction,
        "x": r.x_label,
        "n": r.n,
        "theory_exponent": r.theory,
        "exponent": number(fit.exponent),
        "exponent_low": number(fit.exponent_low),
        "exponent_high": number(fit.exponent_high),
        "offset": number(fit.offset),
        "scale": number(fit.scale),
        "residual_sum_squares": number(fit.residual_sum_squares),
        "points": fit.points,
        "headline": r.headline,
        "status": r.status,
    }


def as_document(fits: Sequence[RateFit], params: SeriesParameters) -> dict[str, object]:
    """The ``boundkit.rates`` document: the series parameters (CLI names: ``n`` the worker
    counts, ``dps``), the tolerance of a verdict and one typed record per fit."""
    return document(
        "rates",
        JSON_VERSION,
        {
            "n": sorted({r.n for r in fits}),
            "m": params.m,
            "T": params.T,
            "step_size": rational_text(params.step_size),
            "lipschitz": rational_text(params.lipschitz),
            "dps": params.dps,
            "tolerance": TOLERANCE,
            "fits": [_fit_record(r) for r in fits],
        },
    )
