"""The JSON documents of ``verify --json`` and ``simulate --json`` (``docs/schemas/``).

A :class:`~boundkit.checks.verify.Record` holds text (the numbers at ``--dps`` digits, for
the terminal and the markdown report); :func:`record_json` turns it into the typed JSON
record: parameters under the CLI's names (``step_size``, ``lipschitz``, ``smoothness``,
``strong_convexity``, ``kappa``) as exact rational strings, values as JSON numbers, each
decision as ``{"holds", "method", "bits"}``.  The text is read by the small grammars below;
anything else raises ``ValueError`` (a record boundkit wrote that they cannot read is a bug).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from boundkit.json_document import document, number, optional_rational, rational_text

if TYPE_CHECKING:
    from boundkit.checks.bound_sweep import SweepResult
    from boundkit.checks.verify import Record
    from proofs_check.core import CheckResult

#: Version of the ``boundkit.verify`` and ``boundkit.simulate`` documents.
VERIFY_VERSION = 1
SIMULATE_VERSION = 1

_DECISION = re.compile(r"(holds|fails|undecided) \(([a-z]+)(?:, ([0-9]+) bits)?\)")
_OUTCOME = {"holds": True, "fails": False, "undecided": None}
_CONFIDENCE = re.compile(r"1 - (-?[0-9]+(?:/[0-9]+)?)")
_STATUSES = ("PASS", "FAIL", "UNDECIDED", "ERROR")
_VALUES = ("upper", "empirical", "lower", "closed_form", "supremum", "gap")


def _value(text: str) -> float | int | None:
    """A record's display number (``""``: none; ``p/q`` or a decimal)."""
    if "/" in text:
        return number(Fraction(text))
    try:
        return number(text)
    except ValueError:
        raise ValueError(f"verify record: not a number: {text!r}") from None


def _point(text: str) -> float | int | list[float | int | None] | None:
    """A final parameter: a number, or ``(x, y, ...)`` for a point of dimension > 1."""
    if text.startswith("(") and text.endswith(")"):
        return [_value(part.strip()) for part in text[1:-1].split(",")]
    return _value(text)


def _decision(text: str) -> dict[str, Any]:
    match = _DECISION.fullmatch(text)
    if match is None:
        raise ValueError(f"verify record: unreadable decision {text!r}")
    outcome, method, bits = match.groups()
    return {"holds": _OUTCOME[outcome], "method": method, "bits": int(bits) if bits else None}


def _failure_probability(text: str) -> str | None:
    """``confidence`` is ``1 - delta``; the record gives ``delta`` exactly."""
    if not text:
        return None
    match = _CONFIDENCE.fullmatch(text)
    if match is None:
        raise ValueError(f"verify record: unreadable confidence {text!r}")
    return rational_text(Fraction(match.group(1)))


def _parameter(text: str) -> str | None:
    return optional_rational(Fraction(text)) if text else None


def record_json(record: Record) -> dict[str, Any]:
    """One record of ``verify`` (or the record of ``simulate``), typed (module docstring)."""
    if record.status not in _STATUSES:
        raise ValueError(f"verify record: unknown status {record.status!r}")
    r = record
    return {
        "check": r.check,
        "theorem": r.theorem,
        "construction": r.construction,
        "threat": r.threat,
        "algorithm": r.algorithm,
        "convexity": r.convexity,
        "n": r.n,
        "f": r.f,
        "m": r.m,
        "T": r.T,
        "step_size": _parameter(r.gamma),
        "lipschitz": _parameter(r.L),
        "smoothness": _parameter(r.beta),
        "strong_convexity": _parameter(r.mu),
        "kappa": _parameter(r.kappa),
        "status": r.status,
        "detail": r.detail,
        "method": r.method,
        "exact": r.exact,
        **{name: _value(getattr(r, name)) for name in _VALUES},
        "final": _point(r.final),
        "final_neighbour": _point(r.final_neighbour),
        "upper_slack": _value(r.upper_slack),
        "lower_slack": _value(r.lower_slack),
        "empirical_exact": r.empirical_exact or None,
        "failure_probability": _failure_probability(r.confidence),
        "decisions": {name: _decision(text) for name, text in r.decisions.items()},
        "extras": dict(r.extras),
    }


def _counts(records: Sequence[Record]) -> dict[str, int]:
    return {status.lower(): sum(r.status == status for r in records) for status in _STATUSES}


def _by_construction(records: Sequence[Record]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[Record]] = {}
    for r in records:
        groups.setdefault((r.check, r.construction), []).append(r)
    return [
        {"check": check, "construction": name, "records": len(group), **_counts(group)}
        for (check, name), group in groups.items()
    ]


def _proof_check(result: CheckResult) -> dict[str, str]:
    return {
        "name": result.name,
        "status": "PASS" if result.passed else "FAIL",
        "compared": result.compared,
        "detail": result.detail,
    }


def verify_document(
    *,
    parameters: dict[str, Any],
    proofs: Sequence[CheckResult] | None,
    sweep: SweepResult,
    records: Sequence[Record],
) -> dict[str, Any]:
    """The ``boundkit.verify`` document: the run's parameters, the summary counts, the
    proof checks (``None``: skipped with ``--no-proofs``), the bound sweep and every record."""
    proof_failures = 0 if proofs is None else sum(not p.passed for p in proofs)
    failed_records = sum(r.status != "PASS" for r in records)
    summary = {
        "records": len(records),
        **_counts(records),
        "proof_checks": None if proofs is None else len(proofs),
        "proof_checks_failed": proof_failures,
        "sweep_problems": len(sweep.problems),
        "failures": proof_failures + len(sweep.problems) + failed_records,
        "by_construction": _by_construction(records),
    }
    return document(
        "verify",
        VERIFY_VERSION,
        {
            **parameters,
            "summary": summary,
            "proof_checks": None if proofs is None else [_proof_check(p) for p in proofs],
            "bound_sweep": {
                "evaluated": sweep.evaluated,
                "skipped": sweep.skipped,
                "problems": list(sweep.problems),
            },
            "records": [record_json(r) for r in records],
        },
    )


def simulate_document(record: Record, dps: int) -> dict[str, Any]:
    """The ``boundkit.simulate`` document: the working precision and the one record."""
    return document("simulate", SIMULATE_VERSION, {"dps": dps, "record": record_json(record)})


__all__ = [
    "SIMULATE_VERSION",
    "VERIFY_VERSION",
    "record_json",
    "simulate_document",
    "verify_document",
]
