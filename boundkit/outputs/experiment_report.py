"""The real-data experiment as JSON and markdown (``reports/experiment_<dataset>.*``); the
figure is :mod:`boundkit.outputs.experiment_plot`.

The JSON holds the config, the loss constants, the sizes and bounds at each ``f``, every
cell's raw measurements, the summaries over seeds and every check (the ``boundkit.experiment``
document, :mod:`boundkit.json_document`); numbers are written by ``json`` (shortest round-trip
repr), so two runs with the same seed give identical bytes.
The markdown states the finding in words, computed from the data
(:mod:`boundkit.labs.experiment.findings`), then the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from boundkit import bounds
from boundkit import markdown_text as md
from boundkit.json_document import (
    document,
    dumps,
    exact_text,
    number,
    optional_rational,
    rational_text,
)
from boundkit.labs.experiment.data import TASKS
from boundkit.labs.experiment.findings import Duel, duels, margins, reference_stat
from boundkit.labs.experiment.measurements import Statistic
from boundkit.labs.experiment.sweep import ExperimentResult
from boundkit.labs.experiment.training import threat_kind
from boundkit.outputs import math_text

_QUANTITY_WORDS = {
    "loss_change_mean": "loss stability (max over test z of |l(theta_T; z) - l(theta'_T; z)|)",
    "distance_mean": "parameter distance ||theta_T - theta'_T||",
    "generalization_gap": "generalization gap (test loss - train loss)",
}


#: Version of the ``boundkit.experiment`` document (docs/schemas/experiment.schema.json).
JSON_VERSION = 1


def _stat(s: Statistic) -> dict[str, Any]:
    return {
        "mean": number(s.mean),
        "ci95_half_width": number(s.half_width),
        "max": number(s.maximum),
        "per_seed": [number(x) for x in s.values],
    }


def _numbers(values: Sequence[float]) -> list[float | int | None]:
    return [number(x) for x in values]


def to_json(result: ExperimentResult, command: str) -> str:
    """The ``boundkit.experiment`` document as indented JSON text (deterministic): the
    config under the CLI's names, the loss constants, the sizes and bounds at each ``f``,
    the summaries over seeds, every check and every cell's raw measurements."""
    c = result.config
    data = {
        "command": command,
        "config": {
            "dataset": c.dataset,
            "task": TASKS[c.dataset],
            "rule": c.rule,
            "n": c.n,
            "f": list(c.fs),
            "T": c.steps,
            "step_size": rational_text(c.step_size),
            "split": c.split.label(),
            "seeds": c.seeds,
            "seed": c.seed,
            "seed_values": list(c.seed_values()),
            "neighbours": c.neighbours,
            "algorithm": c.algorithm,
            "radius": rational_text(c.radius),
            "l2": rational_text(c.l2),
            "theta_radius": optional_rational(c.theta_radius),
            "threat": list(c.threats),
        },
        "constants": {
            "lipschitz": rational_text(result.constants.lipschitz),
            "smoothness": rational_text(result.constants.smoothness),
            "strong_convexity": rational_text(result.constants.strong_convexity),
        },
        "per_f": [
            {
                "f": s.f,
                "honest_workers": s.honest_count,
                "m": s.samples_per_worker,
                "N": s.honest_samples,
                "dimension": s.dimension,
                "bounds": [
                    {
                        "id": b.result_id,
                        "label": b.label,
                        "threats": list(b.threats),
                        "value": number(b.value),
                        "exact": exact_text(b.exact),
                        "kappa": b.kappa,
                        "unavailable_because": b.reason or None,
                    }
                    for b in s.bounds
                ],
            }
            for s in result.settings
        ],
        "summaries": [
            {
                "threat": threat,
                "kind": threat_kind(threat),
                "f": f,
                **{name: _stat(stat) for name, stat in stats.items()},
            }
            for (threat, f), stats in result.summaries.items()
        ],
        "checks": [
            {
                "threat": k.threat,
                "f": k.f,
                "quantity": k.quantity,
                "measured": number(k.measured),
                "bound_id": k.bound_id,
                "bound": number(k.bound),
                "low": number(k.low),
                "verdict": k.verdict,
            }
            for k in result.checks
        ],
        "cells": [
            {
                "threat": x.threat,
                "f": x.f,
                "seed": x.seed,
                "distance": _numbers(x.distance),
                "loss_change": _numbers(x.loss_change),
                "train_loss": number(x.train_loss),
                "test_loss": number(x.test_loss),
                "train_accuracy": number(x.train_accuracy),
                "test_accuracy": number(x.test_accuracy),
            }
            for x in result.cells
        ],
        "all_checks_passed": result.passed,
        "verdicts": {v: result.count(v) for v in ("PASS", "FAIL", "UNDECIDED")},
    }
    return dumps(document("experiment", JSON_VERSION, data))


def _g(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}g}"


def _ci(s: Statistic) -> str:
    return f"{_g(s.mean)} ± {_g(s.half_width, 2)}"


def _duel_sentence(d: Duel) -> str:
    head = (
        f"f = {d.f}: Byzantine {d.byzantine} {_ci(d.byzantine_stat)} against poisoning "
        f"{d.poisoning} {_ci(d.poisoning_stat)} (ratio {_g(d.ratio)})"
    )
    tail = {
        "byzantine": "; the Byzantine attack is larger, the 95% intervals are disjoint",
        "poisoning": "; the poisoning is larger, the 95% intervals are disjoint",
        "overlap": "; the 95% intervals overlap, so this run does not separate them",
    }[d.verdict]
    return head + tail


def _summary_line(quantity: str, found: list[Duel]) -> str:
    wins = [d.f for d in found if d.verdict == "byzantine"]
    losses = [d.f for d in found if d.verdict == "poisoning"]
    ties = [d.f for d in found if d.verdict == "overlap"]
    parts = []
    if wins:
        parts.append(f"Byzantine attacks beat poisoning at f = {', '.join(map(str, wins))}")
    if losses:
        parts.append(f"poisoning beats the Byzantine attacks at f = {', '.join(map(str, losses))}")
    if ties:
        parts.append(f"the two are not distinguishable at f = {', '.join(map(str, ties))}")
    words = md.escape(_QUANTITY_WORDS[quantity])
    return f"- **{words}**: " + "; ".join(parts or ["no comparison"]) + "."


def findings_text(result: ExperimentResult) -> str:
    """The finding in words (module docstring)."""
    lines = ["## Finding", ""]
    for quantity in ("loss_change_mean", "distance_mean", "generalization_gap"):
        found = duels(result, quantity)
        lines.append(_summary_line(quantity, found))
        lines += [f"  - {_duel_sentence(d)}." for d in found]
    ref = reference_stat(result, "loss_change_mean")
    if ref is not None:
        lines.append(f"- Without misbehaving workers (f = 0) the loss stability is {_ci(ref)}.")
    acc = [(s["test_accuracy"].mean, t, f) for (t, f), s in result.summaries.items()]
    low, threat, f = min(acc)
    lines.append(
        f"- Learning survives every threat: the lowest mean test accuracy is {_g(low)} "
        f"({threat}, f = {f}); without misbehaving workers it is "
        f"{_g(result.summaries[('none', 0)]['test_accuracy'].mean)}."
        if ("none", 0) in result.summaries
        else f"- The lowest mean test accuracy is {_g(low)} ({threat}, f = {f})."
    )
    lines += ["", _margins_text(result)]
    return "\n".join(lines) + "\n"


def _verdict_text(result: ExperimentResult) -> str:
    total = len(result.checks)
    failed, undecided = result.count("FAIL"), result.count("UNDECIDED")
    if not failed and not undecided:
        return (
            f"All {total} checks PASS: every measured stability and generalization gap lies "
            "below the registered bounds at the same constants (stability under GD exactly, "
            "the generalization gap's 95% interval wholly below)."
        )
    parts = []
    if failed:
        parts.append(
            f"**{failed} of {total} checks FAIL** (a measurement above a bound: a finding to "
            "investigate)"
        )
    if undecided:
        parts.append(
            f"{undecided} of {total} are UNDECIDED (the 95% interval straddles the bound: more "
            "seeds needed)"
        )
    return "; ".join(parts) + f"; the other {total - failed - undecided} PASS."


def _margin_rows(result: ExperimentResult, attacked_only: bool) -> str:
    rows = [
        f"| {m.quantity} | {m.bound_id} | {_g(m.ratio)} | {m.threat}, f = {m.f} | "
        f"{m.checks} | {m.failed} | {m.undecided} |"
        for m in margins(result, attacked_only)
    ]
    return "\n".join(rows) if rows else "| (no such cell) | | | | | | |"


def _margins_text(result: ExperimentResult) -> str:
    head = (
        "| quantity | bound | largest ratio | where | checks | FAIL | UNDECIDED |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    return (
        "## How far below the bounds\n\n" + _verdict_text(result) + "  The largest ratio "
        "measured / bound per quantity and bound (distance against `bound / L`; statistical "
        "quantities at the upper end of their 95% interval), over every cell:\n\n"
        + head
        + _margin_rows(result, False)
        + "\n\nand over the cells with misbehaving workers (`f >= 1`; eq. (5) bounds the "
        "poisoning cells only):\n\n" + head + _margin_rows(result, True) + "\n"
    )


def _bound_cell(setting, label: str) -> str:
    for b in setting.bounds:
        if b.label == label or b.result_id == label:
            return _g(b.value, 4) if b.value is not None else "n/a"
    return "-"


def _table(result: ExperimentResult) -> str:
    head = (
        "| f | threat | kind | loss stability mean ± CI (max) | distance mean ± CI (max) | "
        "gen. gap ± CI | acc. gap ± CI | test acc. | misbehaving selected |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = []
    for (threat, f), s in result.summaries.items():
        chosen = s.get("misbehaving_selected")
        rows.append(
            f"| {f} | {threat} | {threat_kind(threat)} | {_ci(s['loss_change_mean'])} "
            f"({_g(s['loss_change_max'].maximum)}) | {_ci(s['distance_mean'])} "
            f"({_g(s['distance_max'].maximum)}) | {_ci(s['generalization_gap'])} | "
            f"{_ci(s['accuracy_gap'])} | {_g(s['test_accuracy'].mean)} | "
            f"{'-' if chosen is None else f'{chosen.mean:.0%}'} |"
        )
    note = (
        "\n'misbehaving selected': share of (step, run) pairs in which the rule kept at "
        "least one misbehaving vector (rules that select workers only); a threat at 0% "
        "leaves the runs exactly as if its workers were absent, so rows of such threats "
        "coincide.\n"
    )
    return head + "\n".join(rows) + "\n" + note


def _bounds_table(result: ExperimentResult) -> str:
    labels = sorted({b.label for s in result.settings for b in s.bounds})
    head = "| f | h = n - f | m | N | " + " | ".join(labels) + " |\n"
    head += "|---" * (4 + len(labels)) + "|\n"
    rows = [
        f"| {s.f} | {s.honest_count} | {s.samples_per_worker} | {s.honest_samples} | "
        + " | ".join(_bound_cell(s, label) for label in labels)
        + " |"
        for s in result.settings
    ]
    notes = sorted(
        {
            f"{b.label}: {b.kappa}"
            for s in result.settings
            for b in s.bounds
            if b.kappa not in ("not used",)
        }
    )
    reasons = sorted(
        {f"{b.label}: {b.reason}" for s in result.settings for b in s.bounds if b.reason}
    )
    extra = "".join(f"- {_readable(x)}\n" for x in notes + reasons)
    return head + "\n".join(rows) + "\n\nkappa used: \n" + extra


def _readable(note: str) -> str:
    """A bound's note as markdown: SMEA's default kappa (quoted by the lab in SymPy's
    ``4*f/(-2*f + n)``) in Unicode, anything else SymPy-like made readable and escaped."""
    default = bounds.get("thm3.1/convex").defaults.get("kappa")
    if default is not None:
        note = note.replace(f"kappa = {default}", f"κ = {math_text.unicode(default)}")
    return md.sympy_text(note)


_THREATS = (
    "Threats, each with `f` workers.  Byzantine (send anything, see everything): "
    "`trigger-push` and `orthogonal-push` are boundkit's two-sided pushes carried to `d` "
    "dimensions: `f` copies of `mean_H + s D u` with `u` the honest messages' top principal "
    "axis (trigger) or their least-variance direction (orthogonal, B3's idea), `s = +1` in the "
    "run on `S` and `-1` in a run on a neighbour (the workers see the changed sample: the "
    "worst case of Def. 2.4), `D` the largest length the rule still selects, by bisection on "
    "the rule; `alie` (mean + 1.5 std), `ipm` (-2 mean), `sign-flip`, `mimic`, `gaussian` "
    "(ByzFL's defaults).  Poisoning (honest algorithm on a dataset fixed before training, "
    "the same in both runs): `label-flip`; `poison-pull`, real samples chosen greedily so "
    "that their gradient follows the selected vector farthest from the honest mean along "
    "the clean trajectory; `poison-mirror`, the (P1) pivot/A/B idea on real features (the "
    "poisoned gradient follows the mirror image of the `f` outermost honest workers across "
    "the others).\n\n"
)


def to_markdown(result: ExperimentResult, command: str, figure: str | None = None) -> str:
    """``reports/experiment_<dataset>.md``: header (the command), the finding in words, the
    figure, the bounds and the measurement tables."""
    c = result.config
    k = result.constants
    header = (
        f"# Real data: {c.dataset}, robust D-{c.algorithm.upper()} with {c.rule.upper()}\n\n"
        f"Regenerate: `{command}` (not run by `report`).\n\n"
        f"Task: {TASKS[c.dataset]}; logistic loss on features clipped to `||x|| <= R = "
        f"{k.radius}`, so `L = {k.lipschitz}`, `beta = {k.smoothness}`, `mu = "
        f"{k.strong_convexity}`.  `n = {c.n}`, `f` in {{{', '.join(map(str, c.fs))}}} "
        f"(and the attack-free `f = 0`), `T = {c.steps}`, `gamma = {c.step_size}`, split "
        f"{c.split.label()}, seeds {list(c.seed_values())}, `K = {c.neighbours}` neighbouring "
        "datasets per seed (one honest sample replaced by a held-out pool sample).  "
        "Mean over seeds ± the half-width of the 95% Student-t interval; (max) the "
        "largest value over seeds and neighbours.\n\n"
    )
    fig = f"![stability and generalization gap against f]({figure})\n\n" if figure else ""
    return (
        header
        + _THREATS
        + findings_text(result)
        + "\n"
        + fig
        + "## Bounds at these constants (uniform stability eps; distance bound eps / L)\n\n"
        + _bounds_table(result)
        + "\n## Measurements\n\n"
        + _table(result)
    )
