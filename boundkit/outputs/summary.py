"""Summaries of verification records: per-construction counts, decision methods, worst
slacks, and the statistical confidence of the run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tabulate import tabulate

from boundkit.checks.verify import Record


@dataclass(frozen=True)
class Row:
    """One construction: record counts by status, the worst slacks, and how many records
    each decision method settled (``decided_by``, e.g. ``exact 36, ball 20``)."""

    construction: str
    theorem: str
    cases: int
    passed: int
    failed: int
    undecided: int
    worst_upper_slack: str
    worst_lower_slack: str
    decided_by: str


def _min_slack(values: Sequence[str]) -> str:
    numbers = [float(v) for v in values if v not in ("", None)]
    return f"{min(numbers):.3g}" if numbers else "-"


def summarize(records: Sequence[Record]) -> list[Row]:
    """One row per construction, in first-seen order."""
    order: dict[str, list[Record]] = {}
    for record in records:
        order.setdefault(record.construction, []).append(record)
    rows = []
    for name, group in order.items():
        rows.append(
            Row(
                construction=name,
                theorem=_theorems(group),
                cases=len(group),
                passed=sum(r.status == "PASS" for r in group),
                failed=sum(r.status in ("FAIL", "ERROR") for r in group),
                undecided=sum(r.status == "UNDECIDED" for r in group),
                worst_upper_slack=_min_slack([r.upper_slack for r in group]),
                worst_lower_slack=_min_slack([r.lower_slack for r in group]),
                decided_by=_methods(group),
            )
        )
    return rows


def _theorems(group: Sequence[Record]) -> str:
    """The group's theorem labels in one: ``"thm3.2 vs thm3.3 (..., n - f {odd, even})"``.

    Distinct labels keep their common words once and list what differs in braces, so a
    row counting records of several labels never shows only the first one.
    """
    labels = list(dict.fromkeys(r.theorem for r in group))
    if len(labels) == 1:
        return labels[0]
    head = _common_words(labels)
    tail = _common_words([x[len(head) :][::-1] for x in labels])[::-1]
    middle = ", ".join(x[len(head) : len(x) - len(tail)] for x in labels)
    return f"{head}{{{middle}}}{tail}"


def _common_words(labels: Sequence[str]) -> str:
    """The longest common prefix of ``labels`` cut after a space or a bracket."""
    prefix = labels[0][: min(len(x) for x in labels)]
    for x in labels:
        while not x.startswith(prefix):
            prefix = prefix[:-1]
    while prefix and prefix[-1] not in " ()":
        prefix = prefix[:-1]
    return prefix


def _methods(group: Sequence[Record]) -> str:
    """``method count`` for each method string of the group (``-`` when none)."""
    counts: dict[str, int] = {}
    for record in group:
        key = record.method or "-"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{method} {count}" for method, count in counts.items())


HEADERS = (
    "construction",
    "upper >= empirical >= lower",
    "cases",
    "PASS",
    "FAIL",
    "UNDECIDED",
    "worst upper slack",
    "worst lower slack",
    "decided by",
)


def table(rows: Sequence[Row], fmt: str = "simple") -> str:
    """``rows`` as a tabulate table (``fmt``: simple, github, latex...)."""
    body = [
        (
            r.construction,
            r.theorem,
            r.cases,
            r.passed,
            r.failed,
            r.undecided,
            r.worst_upper_slack,
            r.worst_lower_slack,
            r.decided_by,
        )
        for r in rows
    ]
    return tabulate(body, headers=HEADERS, tablefmt=fmt)


def failures(records: Sequence[Record], limit: int = 20) -> list[str]:
    """One line per record that did not pass (the first ``limit``), starting with its
    status (``FAIL``, ``UNDECIDED``, ``ERROR``)."""
    lines = []
    for r in records:
        if r.status != "PASS":
            lines.append(
                f"{r.status} {r.construction} n={r.n} f={r.f} m={r.m} T={r.T}: {r.detail} "
                f"(upper={r.upper[:12]}, empirical={r.empirical[:12]}, lower={r.lower[:12]})"
            )
    return lines[:limit]


def statistical_line(records: Sequence[Record], family_failure: object) -> str:
    """How many records were decided statistically, at what confidence."""
    statistical = [r for r in records if "statistical" in r.method]
    if not statistical:
        return "statistical records: none (every expectation exact)"
    each = statistical[0].confidence
    return (
        f"statistical records: {len(statistical)}, each interval at confidence {each}; "
        f"family-wise confidence >= 1 - {family_failure} (Bonferroni)"
    )
