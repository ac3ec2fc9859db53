"""The sweep as CSV, JSON certificates and markdown (``reports/attack_search.*``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import mpmath

from boundkit.json_document import document, number, rational_text
from boundkit.labs.attacks.fits import ExponentFit
from boundkit.labs.attacks.model import SearchSettings
from boundkit.labs.attacks.sweep import Row


def _num(x: mpmath.mpf | None, digits: int = 6) -> str:
    return "" if x is None else mpmath.nstr(x, digits)


CSV_FIELDS = (
    "n",
    "f",
    "f_over_n",
    "d",
    "max_found",
    "max_found_squared_exact",
    "family",
    "b1_b2_push",
    "b3_push",
    "poisoning_per_step",
    "byzantine_upper_per_step",
)


def _cells(r: Row) -> list[str]:
    p = r.problem
    return [
        str(p.n),
        str(p.f),
        f"{float(r.ratio):.4f}",
        str(p.d),
        _num(r.result.divergence, 12),
        str(r.result.evaluation.divergence_squared),
        r.result.certificate.family,
        _num(r.halves, 12),
        _num(r.orthogonal, 12),
        _num(r.poisoning, 12),
        _num(r.upper, 12),
    ]


def to_csv(rows: Sequence[Row]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    writer.writerows(_cells(r) for r in rows)
    return buffer.getvalue()


#: Version of the ``boundkit.attack-search`` document (docs/schemas/attack-search.schema.json).
JSON_VERSION = 1


def certificate_record(r: Row) -> dict[str, Any]:
    """One row's certificate with its exact outputs (replay with
    :meth:`Certificate.from_json` and :func:`evaluate_exact`): every coordinate an exact
    ``"p/q"`` string, ``divergence`` a JSON number (display only)."""
    ev = r.result.evaluation
    record = r.result.certificate.to_json()
    record["output_run_1"] = [rational_text(x) for x in ev.output_1]
    record["output_run_2"] = [rational_text(x) for x in ev.output_2]
    record["divergence_squared"] = rational_text(ev.divergence_squared)
    record["divergence"] = number(ev.divergence(20))
    return record


def certificates_json(rows: Sequence[Row], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The ``boundkit.attack-search`` document: the search's parameters (CLI names ``d``,
    ``ns``, ``seed``, ``restarts``, ``evaluations``) and one certificate per row; read back
    by :func:`boundkit.labs.tightness.read_certificates` (``tightness --certificates``)."""
    return document(
        "attack-search",
        JSON_VERSION,
        {**parameters, "certificates": [certificate_record(r) for r in rows]},
    )


def _fit_line(e: ExponentFit) -> str:
    head = f"| {e.d} | {e.regime.name} | `{e.regime.x_label}` | {e.points} |"
    if e.fit is None:
        return f"{head} (too few points) | | |"
    f = e.fit
    ci = f"[{_num(f.exponent_low, 3)}, {_num(f.exponent_high, 3)}]"
    return f"{head} {_num(f.exponent, 4)} | {ci} | {_num(f.offset, 4)} + {_num(f.scale, 4)} x^p |"


def _b3_cell(r: Row) -> str:
    if r.problem.d == 1:
        return "-"
    return _num(r.orthogonal) or "n/a"


def _settings_text(settings: SearchSettings) -> str:
    """``restarts 10, evaluations 500, ...``: the search settings in words, not a repr."""
    return (
        f"{settings.restarts} restarts, {settings.evaluations} evaluations per climb, "
        f"{settings.count_rounds} count-move rounds, seed {settings.seed}, "
        f"best {settings.keep} re-evaluated exactly"
    )


def to_markdown(
    rows: Sequence[Row], fits: Sequence[ExponentFit], settings: SearchSettings, command: str
) -> str:
    """The table and the fitted exponents (``reports/attack_search.md``)."""
    head = (
        "| n | f | f/n | d | max found | family | B1/B2 push | B3 push | poisoning / step "
        "| Byzantine upper / step |\n|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {r.problem.n} | {r.problem.f} | {float(r.ratio):.3f} | {r.problem.d} | "
        f"{_num(r.result.divergence)} | {r.result.certificate.family} | {_num(r.halves)} | "
        f"{_b3_cell(r)} | {_num(r.poisoning)} | {_num(r.upper)} |"
        for r in rows
    ]
    fit_head = (
        "| d | regime | x | points | exponent p | 95% CI | fit |\n|---|---|---|---|---|---|---|\n"
    )
    return (
        "# Worst-case attack search against SMEA\n\n"
        f"Regenerate: `{command}` (search settings: {_settings_text(settings)}).\n\n"
        "Per-step divergence `||SMEA(H u B) - SMEA(H' u B')||` in units of `L` (= the "
        "uniform stability in units of `gamma L^2 T` under the linear loss), `m = 1`, "
        "honest messages in the `L`-ball, neighbouring runs differing in one honest "
        "message, Byzantine vectors free and run-dependent.  'max found' is the exact "
        "value of the best certificate (Fractions, exact SMEA); it is a lower bound on the "
        "true supremum.  Poisoning / step: eq. (5) at `gamma = T = L = 1`, i.e. "
        "`2(f+1)/(n-f)`; Byzantine upper / step: eq. (2) likewise, `2(1/N + sqrt(kappa_SMEA))`. "
        "B1/B2 push: `halves_gap_supremum(n, f, 1)` (one-sided, a supremum); B3 push: "
        "`constructions.b3_orthogonal_push.gap_per_step(n, f, 1)` (2-D only; 'n/a': not "
        "available).\n\n"
        + head
        + "\n".join(lines)
        + "\n\n## Fitted exponents\n\n`max found = c0 + c1 x^p`, all `n` pooled "
        "(boundkit.checks.fitting, delta-method 95% CI; the exponent range searched is "
        "[0.05, 4]).\n\n" + fit_head + "\n".join(_fit_line(e) for e in fits) + "\n"
    )
