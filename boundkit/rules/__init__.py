"""Aggregation rules of robust distributed learning (SMEA, mean, trimmed mean, median, Krum,
MultiKrum, MDA, geometric median), one module per rule, plus their shared input parsing and
exact linear algebra.  Imports nothing from boundkit but :mod:`boundkit.errors` (rank 0)."""

from boundkit.rules.aggregate import Aggregate, GroupedAggregate
from boundkit.rules.enumeration import MAX_ENUMERATION
from boundkit.rules.geometric_median import geometric_median
from boundkit.rules.krum import krum, multi_krum
from boundkit.rules.linear_algebra import covariance_exact, largest_eigenvalue_of_subset
from boundkit.rules.mda import mda
from boundkit.rules.mean import mean, mean_grouped
from boundkit.rules.median import coordinate_median
from boundkit.rules.points import expand_groups
from boundkit.rules.registry import (
    BYZFL_OPTIONS,
    GROUPED_RULES,
    RULE_OPTIONS,
    RULES,
    ConfiguredRule,
    byzfl_rule,
    make_rule,
)
from boundkit.rules.smea import smea, smea_grouped
from boundkit.rules.trimmed_mean import trimmed_mean

__all__ = [
    "Aggregate",
    "BYZFL_OPTIONS",
    "ConfiguredRule",
    "GROUPED_RULES",
    "GroupedAggregate",
    "MAX_ENUMERATION",
    "RULES",
    "RULE_OPTIONS",
    "byzfl_rule",
    "coordinate_median",
    "covariance_exact",
    "expand_groups",
    "geometric_median",
    "krum",
    "largest_eigenvalue_of_subset",
    "make_rule",
    "mda",
    "mean",
    "mean_grouped",
    "multi_krum",
    "smea",
    "smea_grouped",
    "trimmed_mean",
]
