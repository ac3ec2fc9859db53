"""Running an experiment: every (seed, f, threat) cell, then the summaries over seeds, the
bounds at each ``f`` and the checks (:class:`ExperimentResult`).

Cells: for each seed the data is prepared once (:func:`.data.prepare`); for each ``f`` the
training part is dealt to ``h = n - f`` honest workers and ``K`` neighbours are drawn (the
same for every threat at that ``(seed, f)``, so threats are compared on the same data);
``f = 0`` is the attack-free reference (threat ``none``); each threat of the config is
then trained on the ``K + 1`` coupled runs and measured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from boundkit.labs.experiment.bound_check import BoundValue, Check, bounds_at, check_cell
from boundkit.labs.experiment.config import ExperimentConfig
from boundkit.labs.experiment.data import Prepared, prepare, split_honest
from boundkit.labs.experiment.loss import LossConstants
from boundkit.labs.experiment.measurements import (
    CellMeasurement,
    Statistic,
    measure,
    summarise_cells,
)
from boundkit.labs.experiment.training import (
    TrainingSettings,
    neighbour_runs,
    poisoned_datasets,
    reference_vector,
    threat_kind,
    train,
)


@dataclass(frozen=True)
class FSetting:
    """The sizes at one ``f``: ``h = n - f`` honest workers with ``m`` samples each
    (``N = h m``), the data dimension ``d`` (with the intercept) and the bounds there."""

    f: int
    honest_count: int
    samples_per_worker: int
    dimension: int
    bounds: tuple[BoundValue, ...]

    @property
    def honest_samples(self) -> int:
        return self.honest_count * self.samples_per_worker


@dataclass(frozen=True)
class ExperimentResult:
    """Everything an experiment produced: its config, loss constants, per-``f`` sizes and
    bounds, every cell, the summaries per (threat, f) and the checks against the bounds."""

    config: ExperimentConfig
    constants: LossConstants
    settings: tuple[FSetting, ...]
    cells: tuple[CellMeasurement, ...]
    summaries: dict[tuple[str, int], dict[str, Statistic]]
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        """Every check PASS."""
        return all(c.passed for c in self.checks)

    def count(self, verdict: str) -> int:
        """How many checks have this verdict (PASS, FAIL, UNDECIDED)."""
        return sum(c.verdict == verdict for c in self.checks)


def loss_constants(config: ExperimentConfig) -> LossConstants:
    return LossConstants(config.radius, config.l2, config.theta_radius if config.l2 else None)


def training_settings(config: ExperimentConfig) -> TrainingSettings:
    theta_radius = float(config.theta_radius) if config.l2 and config.theta_radius else None
    return TrainingSettings(
        rule=config.rule,
        steps=config.steps,
        step_size=float(config.step_size),
        algorithm=config.algorithm,
        l2=float(config.l2),
        theta_radius=theta_radius,
    )


def plan(config: ExperimentConfig) -> list[tuple[int, int, str]]:
    """Every ``(seed, f, threat)`` cell, in the order they run."""
    fs = (0,) + tuple(f for f in config.fs if f > 0)
    return [
        (seed, f, threat)
        for seed in config.seed_values()
        for f in fs
        for threat in (("none",) if f == 0 else config.threats)
    ]


def run_cells(config: ExperimentConfig) -> Iterator[CellMeasurement]:
    """Train and measure every cell of :func:`plan`, in order (a generator: wrap it in a
    progress bar)."""
    settings = training_settings(config)
    prepared: Prepared | None = None
    cache: dict = {}
    for seed, f, threat in plan(config):
        if prepared is None or cache.get("seed") != seed:
            prepared, cache = prepare(config.dataset, seed, config.radius), {"seed": seed}
        if cache.get("f") != f:
            honest = split_honest(prepared, config.n - f, config.split, seed)
            runs = neighbour_runs(honest, prepared, config.neighbours, seed)
            cache.update(f=f, honest=honest, runs=runs)
        honest, runs = cache["honest"], cache["runs"]
        poisoned = None
        if threat_kind(threat) == "poisoning":
            reference = reference_vector(prepared.dimension, seed)
            poisoned = poisoned_datasets(threat, prepared, honest, f, settings, reference)
        outcome = train(runs, settings, f, threat, seed, poisoned)
        yield measure(outcome, runs, honest, prepared, threat, f, seed, settings.l2)


def f_settings(config: ExperimentConfig) -> tuple[FSetting, ...]:
    """Sizes and bounds at every ``f`` (from the first seed's data: the sizes do not
    depend on the seed)."""
    prepared = prepare(config.dataset, config.seed, config.radius)
    constants = loss_constants(config)
    out = []
    for f in (0,) + tuple(f for f in config.fs if f > 0):
        h = config.n - f
        m = len(prepared.train_y) // h
        found = bounds_at(
            config.rule,
            config.n,
            f,
            m,
            config.steps,
            config.step_size,
            constants,
            prepared.dimension,
        )
        out.append(FSetting(f, h, m, prepared.dimension, found))
    return tuple(out)


def run_experiment(
    config: ExperimentConfig,
    wrap: Callable[[Iterator[CellMeasurement], int], Iterator[CellMeasurement]] | None = None,
) -> ExperimentResult:
    """Validate, run every cell (through ``wrap``, e.g. a progress bar), summarise and
    check against the bounds."""
    config.validate()
    settings = f_settings(config)
    cells_iter = run_cells(config)
    cells = tuple(wrap(cells_iter, len(plan(config))) if wrap else cells_iter)
    summaries = summarise(cells)
    constants = loss_constants(config)
    by_f = {s.f: s for s in settings}
    checks = []
    for (threat, f), stats in summaries.items():
        checks += check_cell(
            threat,
            threat_kind(threat),
            f,
            stats,
            by_f[f].bounds,
            config.algorithm,
            constants.lipschitz,
        )
    return ExperimentResult(config, constants, settings, cells, summaries, tuple(checks))


def summarise(cells: tuple[CellMeasurement, ...]) -> dict[tuple[str, int], dict[str, Statistic]]:
    """Summaries over seeds per (threat, f), in the order the cells ran."""
    groups: dict[tuple[str, int], list[CellMeasurement]] = {}
    for cell in cells:
        groups.setdefault((cell.threat, cell.f), []).append(cell)
    return {key: summarise_cells(group) for key, group in groups.items()}
