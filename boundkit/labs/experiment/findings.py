"""What an experiment shows, as data the report puts into words: at each ``f``, the
strongest Byzantine attack against the strongest poisoning (by the mean over seeds), with
the 95% intervals; and how far below each bound the measurements sit.

"Separated" means the two 95% confidence intervals of the means are disjoint (a
conservative reading: overlapping intervals are reported as not distinguishable).
"""

from __future__ import annotations

from dataclasses import dataclass

from boundkit.labs.experiment.measurements import Statistic
from boundkit.labs.experiment.sweep import ExperimentResult
from boundkit.labs.experiment.training import threat_kind


@dataclass(frozen=True)
class Duel:
    """At one ``f`` and for one quantity: the best Byzantine attack and the best poisoning."""

    f: int
    quantity: str
    byzantine: str
    byzantine_stat: Statistic
    poisoning: str
    poisoning_stat: Statistic

    @property
    def ratio(self) -> float:
        """Byzantine mean over poisoning mean (``inf`` when the latter is 0)."""
        p = self.poisoning_stat.mean
        return self.byzantine_stat.mean / p if p else float("inf")

    @property
    def verdict(self) -> str:
        """``"byzantine"`` / ``"poisoning"`` when one interval lies wholly above the other,
        else ``"overlap"``."""
        b, p = self.byzantine_stat, self.poisoning_stat
        if b.mean - b.half_width > p.upper:
            return "byzantine"
        if p.mean - p.half_width > b.upper:
            return "poisoning"
        return "overlap"


def _best(result: ExperimentResult, kind: str, f: int, quantity: str) -> tuple[str, Statistic]:
    options = [
        (stats[quantity].mean, threat, stats[quantity])
        for (threat, g), stats in result.summaries.items()
        if g == f and threat_kind(threat) == kind
    ]
    if not options:
        raise LookupError(kind)
    _, threat, stat = max(options, key=lambda o: (o[0], o[1]))
    return threat, stat


def duels(result: ExperimentResult, quantity: str) -> list[Duel]:
    """One :class:`Duel` per ``f > 0`` with both threat kinds present."""
    out = []
    for setting in result.settings:
        if setting.f == 0:
            continue
        try:
            byz = _best(result, "byzantine", setting.f, quantity)
            poi = _best(result, "poisoning", setting.f, quantity)
        except LookupError:
            continue
        out.append(Duel(setting.f, quantity, byz[0], byz[1], poi[0], poi[1]))
    return out


@dataclass(frozen=True)
class Margin:
    """The largest ``measured / bound`` over every check of one (quantity, bound)."""

    quantity: str
    bound_id: str
    ratio: float
    threat: str
    f: int
    checks: int
    failed: int
    undecided: int


def margins(result: ExperimentResult, attacked_only: bool = False) -> list[Margin]:
    """Per (quantity, bound): the worst ratio, where it occurs, and how many checks failed
    (``attacked_only``: over the cells with ``f >= 1``)."""
    groups: dict[tuple[str, str], list] = {}
    for check in result.checks:
        if attacked_only and check.f == 0:
            continue
        groups.setdefault((check.quantity, check.bound_id), []).append(check)
    out = []
    for (quantity, bound_id), checks in groups.items():
        worst = max(checks, key=lambda c: c.ratio)
        failed = sum(c.verdict == "FAIL" for c in checks)
        undecided = sum(c.verdict == "UNDECIDED" for c in checks)
        out.append(
            Margin(
                quantity,
                bound_id,
                worst.ratio,
                worst.threat,
                worst.f,
                len(checks),
                failed,
                undecided,
            )
        )
    return out


def reference_stat(result: ExperimentResult, quantity: str) -> Statistic | None:
    """The attack-free (``f = 0``) value of a quantity."""
    stats = result.summaries.get(("none", 0))
    return None if stats is None else stats[quantity]
