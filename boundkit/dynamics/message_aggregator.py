"""The aggregation rule ``F`` of a run, over grouped worker messages, with exact caches.

A message is ``(vector, multiplicity, sender)``; :class:`MessageAggregator` applies a rule of
:mod:`boundkit.rules` (or a user callable) and reports how many workers of
each sender it selected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath

from boundkit import rules
from boundkit.dynamics.arithmetic import Vector


def _as_aggregate(rule: Callable[..., Any]) -> Callable[..., rules.Aggregate]:
    """A user rule whose plain-vector outputs are wrapped as ``Aggregate(value, ())``."""

    def call(vectors: list, f: int) -> rules.Aggregate:
        out = rule(vectors, f)
        return out if isinstance(out, rules.Aggregate) else rules.Aggregate(out, ())

    return call


#: rule outputs shared by every aggregator of the process, per ``(rule function, f)``: the
#: same messages recur across runs (every ``T`` of a verify point).  Keyed on the function
#: object itself, so a replaced rule (a test's monkeypatch) never sees another's outputs;
#: keys carry the number kind (exact, or ``mpf`` with its working precision), so runs
#: never mix arithmetics.
_SHARED: dict[tuple, dict] = {}


def _kind(values: tuple) -> tuple:
    first = values[0] if values else 0
    while isinstance(first, tuple):
        first = first[0] if first else 0
    return ("mpf", mpmath.mp.dps) if isinstance(first, mpmath.mpf) else ("exact",)


class MessageAggregator:
    """``F`` over ``(vector, multiplicity, sender)`` messages, with exact caches.

    The grouped path merges equal vectors (the SMEA and mean outputs depend only on the
    multiset of vectors) and calls ``GROUPED_RULES[name]``, so its cost does not depend on
    ``n``; otherwise the messages are expanded to one vector per worker for
    ``RULES[name]``.  Two caches, both keyed on the exact messages: the previous step's
    messages of each run (compared with ``==``, no hashing), then a dictionary of rule
    outputs (for a named rule shared by the whole process, :data:`_SHARED`).  For a
    linear loss in GD the messages never change and the rule runs once per run.
    """

    _CACHE_LIMIT = 4096

    def __init__(
        self, name: str | Callable[..., Any], f: int, *, grouped: bool, cache: bool
    ) -> None:
        self.f = f
        named = isinstance(name, str)
        self.grouped_rule = rules.GROUPED_RULES.get(name) if grouped and named else None
        self.rule = rules.RULES[name] if named else _as_aggregate(name)
        rule_function = self.grouped_rule or self.rule
        shared = _SHARED.setdefault((rule_function, f), {}) if named else {}
        self.cache: dict | None = shared if cache else None
        self.previous: dict[int, tuple[tuple, tuple]] = {}

    def __call__(
        self, messages: list[tuple[Vector, int, int]], senders: int, record: bool, run: int
    ) -> tuple[Vector, tuple[int, ...] | None]:
        """``(F(messages), selected count per sender or None)`` for run ``run``."""
        if self.cache is None:
            return self._compute(messages, senders, record)
        key = (tuple(messages), senders, record)
        previous = self.previous.get(run)
        if previous is not None and previous[0] == key:
            return previous[1]
        output = self._compute(messages, senders, record)
        self.previous[run] = (key, output)
        return output

    def _compute(
        self, messages: list[tuple[Vector, int, int]], senders: int, record: bool
    ) -> tuple[Vector, tuple[int, ...] | None]:
        if self.grouped_rule is not None:
            return self._grouped(messages, senders, record)
        return self._expanded(messages, senders, record)

    def _lookup(self, key: object, compute: Callable[[], Any]) -> Any:
        if self.cache is None:
            return compute()
        hit = self.cache.get(key)
        if hit is None:
            if len(self.cache) >= self._CACHE_LIMIT:
                self.cache.clear()
            hit = self.cache[key] = compute()
        return hit

    def _grouped(
        self, messages: list[tuple[Vector, int, int]], senders: int, record: bool
    ) -> tuple[Vector, tuple[int, ...] | None]:
        slot: dict[Vector, int] = {}
        values: list[Vector] = []
        counts: list[int] = []
        for vector, count, _ in messages:
            k = slot.get(vector)
            if k is None:
                slot[vector] = len(values)
                values.append(vector)
                counts.append(count)
            else:
                counts[k] += count
        key = (tuple(values), tuple(counts))
        result = self._lookup(
            (_kind(key[0]), key), lambda: self.grouped_rule(key[0], key[1], self.f)
        )
        if not record:
            return result.value, None
        remaining = list(result.selected_counts)
        per_sender = [0] * senders
        for vector, count, sender in messages:  # equal vectors are interchangeable
            k = slot[vector]
            take = min(count, remaining[k])
            remaining[k] -= take
            per_sender[sender] += take
        return result.value, tuple(per_sender)

    def _expanded(
        self, messages: list[tuple[Vector, int, int]], senders: int, record: bool
    ) -> tuple[Vector, tuple[int, ...] | None]:
        key = tuple((vector, count) for vector, count, _ in messages)

        def compute() -> Any:
            vectors = rules.expand_groups([v for v, _ in key], [c for _, c in key])
            return self.rule(vectors, self.f)

        result = self._lookup((_kind(tuple(v for v, _ in key)), key), compute)
        if not record:
            return result.value, None
        owner = [sender for _, count, sender in messages for _ in range(count)]
        per_sender = [0] * senders
        for index in result.selected:
            per_sender[owner[index]] += 1
        return result.value, tuple(per_sender)


__all__ = [
    "MessageAggregator",
]
