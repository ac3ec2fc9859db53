"""The named rules: :data:`RULES` (name -> rule on a list of vectors) and
:data:`GROUPED_RULES` (name -> rule on a grouped multiset, where one exists)."""

from __future__ import annotations

from collections.abc import Callable

from boundkit.rules.aggregate import Aggregate, GroupedAggregate
from boundkit.rules.geometric_median import geometric_median
from boundkit.rules.krum import krum, multi_krum
from boundkit.rules.mda import mda
from boundkit.rules.mean import mean, mean_grouped
from boundkit.rules.median import coordinate_median
from boundkit.rules.smea import smea, smea_grouped
from boundkit.rules.trimmed_mean import trimmed_mean

RULES: dict[str, Callable[..., Aggregate]] = {
    "smea": smea,
    "mean": mean,
    "trimmed_mean": trimmed_mean,
    "median": coordinate_median,
    "krum": krum,
    "multi_krum": multi_krum,
    "mda": mda,
    "geometric_median": geometric_median,
}

GROUPED_RULES: dict[str, Callable[..., GroupedAggregate]] = {
    "smea": smea_grouped,
    "mean": mean_grouped,
}
