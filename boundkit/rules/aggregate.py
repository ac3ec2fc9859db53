"""Result types of the aggregation rules: :class:`Aggregate` (value, averaged workers, score)
and :class:`GroupedAggregate` (value, copies selected of each grouped input, score)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Aggregate:
    """Output of a rule: its value, the averaged workers, and a rule-specific score."""

    value: object
    selected: tuple[int, ...]
    score: object = None


@dataclass(frozen=True)
class GroupedAggregate:
    """Output of a grouped rule: value and how many copies of each input were selected."""

    value: object
    selected_counts: tuple[int, ...]
    score: object = None
