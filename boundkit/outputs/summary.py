"""Summaries of verification records: per-construction counts and worst slacks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tabulate import tabulate

from boundkit.checks.verify import Record


@dataclass(frozen=True)
class Row:
    construction: str
    theorem: str
    cases: int
    passed: int
    failed: int
    worst_upper_slack: str
    worst_lower_slack: str
    exact: int


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
                theorem=group[0].theorem,
                cases=len(group),
                passed=sum(r.status == "PASS" for r in group),
                failed=sum(r.status != "PASS" for r in group),
                worst_upper_slack=_min_slack([r.upper_slack for r in group]),
                worst_lower_slack=_min_slack([r.lower_slack for r in group]),
                exact=sum(r.exact for r in group),
            )
        )
    return rows


HEADERS = (
    "construction",
    "upper >= empirical >= lower",
    "cases",
    "PASS",
    "FAIL",
    "worst upper slack",
    "worst lower slack",
    "exact",
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
            r.worst_upper_slack,
            r.worst_lower_slack,
            r.exact,
        )
        for r in rows
    ]
    return tabulate(body, headers=HEADERS, tablefmt=fmt)


def failures(records: Sequence[Record], limit: int = 20) -> list[str]:
    """One line per failed record (the first ``limit``)."""
    lines = []
    for r in records:
        if r.status != "PASS":
            lines.append(
                f"FAIL {r.construction} n={r.n} f={r.f} m={r.m} T={r.T}: {r.detail} "
                f"(upper={r.upper[:12]}, empirical={r.empirical[:12]}, lower={r.lower[:12]})"
            )
    return lines[:limit]
