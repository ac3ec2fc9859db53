"""The mutation gate's report: one markdown page (``reports/mutations.md``) and one line per
mutation for the terminal."""

from __future__ import annotations

from collections import Counter

from boundkit.markdown_text import code, sympy_text
from proofs_check.mutations.catalogue_bounds import FINDINGS as FINDINGS_FILE
from proofs_check.mutations.model import Mutation
from proofs_check.mutations.runner import GateResult, Outcome

#: each killer kind and the command it runs (a selection may be appended)
KINDS = {
    "proofs_check": "python -m proofs_check",
    "verify": "python -m boundkit verify --quick --no-proofs",
    "pytest": "python -m pytest <test files>",
}


def _changed_lines(old: str, new: str) -> tuple[str, str]:
    """The lines of ``old`` and ``new`` that differ (common first and last lines dropped),
    each joined on one line."""
    a, b = old.strip("\n").split("\n"), new.strip("\n").split("\n")
    while len(a) > 1 and len(b) > 1 and a[0] == b[0]:
        a, b = a[1:], b[1:]
    while len(a) > 1 and len(b) > 1 and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    return " ⏎ ".join(" ".join(x.split()) for x in a), " ⏎ ".join(" ".join(x.split()) for x in b)


def change_text(mutation: Mutation) -> str:
    """``old -> new`` of the changed lines, on one line."""
    old, new = _changed_lines(mutation.old, mutation.new)
    return f"{code(old)} → {code(new)}"


def _cell(text: str) -> str:
    """A table cell of markdown (code spans kept): one line, ``|`` escaped."""
    return text.replace("|", "\\|").replace("\n", " ")


def _text(text: str) -> str:
    """Free text (a mutation's model, a killer's evidence) on one line, shown literally
    except for SymPy's operators: ``x**2`` as ``x^2``, ``2*f`` as ``2·f``."""
    return sympy_text(text.replace("\n", " "))


def outcome_line(outcome: Outcome, done: int, total: int) -> str:
    """One progress line: ``[k/N] KILLED id by killer (s)``."""
    by = outcome.killed_by
    where = f" by {by.killer.label}: {by.evidence}" if by else f" {outcome.detail}".rstrip()
    return (
        f"[{done}/{total}] {outcome.status} {outcome.mutation.id}{where} ({outcome.seconds:.1f} s)"
    )


def kills_per_killer(result: GateResult) -> tuple[Counter, Counter]:
    """Kills counted by killer kind and by exact killer label."""
    kinds: Counter = Counter()
    labels: Counter = Counter()
    for outcome in result.outcomes:
        if outcome.killed_by is not None:
            kinds[outcome.killed_by.killer.kind] += 1
            labels[outcome.killed_by.killer.label] += 1
    return kinds, labels


def markdown(result: GateResult, command: str) -> str:
    """The whole report."""
    total = len(result.outcomes)
    killed, survived, errors = (result.count(s) for s in ("KILLED", "SURVIVED", "ERROR"))
    killer_seconds = sum(run.seconds for o in result.outcomes for run in o.runs)
    kinds, labels = kills_per_killer(result)
    lines = [
        "# Mutation gate",
        "",
        "Each mutation changes one exact piece of text in a temporary copy of the repository "
        "(`git ls-files`, imports checked to resolve inside the copy) and runs its killers in "
        "order, cheapest first, until one fails.  A killer that killed is also run on the "
        "unmutated copy and must pass there.  Catalogue: `proofs_check/mutations/`; fast "
        "subset in `tests/test_mutation_gate.py`.",
        "",
        f"Regenerate: `{command}`",
        "",
        f"**Total: {total} mutations, {killed} killed, {survived} survived, {errors} errors.** "
        f"Wall time {result.wall_seconds:.0f} s with {result.jobs} jobs (killer time "
        f"{killer_seconds:.0f} s, baseline {sum(r.seconds for r in result.baseline):.0f} s).",
        "",
        "## Kills per killer",
        "",
        "| killer | kills |",
        "|---|---:|",
        *(f"| `{command}` | {kinds.get(kind, 0)} |" for kind, command in KINDS.items()),
        "",
        "| killer (exact selection) | kills |",
        "|---|---:|",
        *(f"| {_text(label)} | {count} |" for label, count in sorted(labels.items())),
        "",
        "## Mutations",
        "",
        "| id | file | mutation | models | killed by | evidence | seconds |",
        "|---|---|---|---|---|---|---:|",
    ]
    for o in result.outcomes:
        by = o.killed_by
        who = _text(by.killer.label) if by else f"**{o.status}**"
        why = by.evidence if by else o.detail or "every killer passed"
        lines.append(
            f"| {_text(o.mutation.id)} | {_text(o.mutation.file)} | "
            f"{_cell(change_text(o.mutation))} | {_text(o.mutation.models)} | {who} | "
            f"{_text(why)} | {o.seconds:.1f} |"
        )
    lines += _findings(result) + _survivors(result) + _baseline(result)
    return "\n".join(lines) + "\n"


def _findings(result: GateResult) -> list[str]:
    """Mutations every other killer missed and a check added for the gate killed."""
    found = [
        o
        for o in result.outcomes
        if o.killed_by is not None and FINDINGS_FILE in o.killed_by.killer.argv
    ]
    if not found:
        return []
    out = [
        "",
        f"## Findings: killed only by the checks added for the gate (`{FINDINGS_FILE}`)",
        "",
        "proofs_check, verify --quick and the existing tests passed with these mutations "
        "planted (those listed as passed below; where none is listed, a random property "
        "test caught it in some runs only): gaps of the test suite, each closed by a "
        "general check (the test named in the evidence column).",
        "",
    ]
    for o in found:
        missed = ", ".join(run.killer.label for run in o.runs[:-1]) or "not run: see models"
        out.append(f"- **{o.mutation.id}**: {_text(o.mutation.models)} (passed: {_text(missed)})")
    return out


def _survivors(result: GateResult) -> list[str]:
    bad = [o for o in result.outcomes if o.status != "KILLED"]
    if not bad:
        return ["", "No survivors and no errors."]
    out = ["", "## Survivors and errors", ""]
    for o in bad:
        tried = ", ".join(run.killer.label for run in o.runs) or "none"
        models, tried = _text(o.mutation.models), _text(tried)
        out.append(f"- **{o.mutation.id}** ({o.status}): {models}; killers: {tried}")
    return out


def _baseline(result: GateResult) -> list[str]:
    out = [
        "",
        "## Baseline (each killer that killed, on the unmutated copy)",
        "",
        "| killer | command | result | seconds |",
        "|---|---|---|---:|",
    ]
    for run in sorted(result.baseline, key=lambda r: r.killer.label):
        verdict = "passes" if not run.failed else f"FAILS: {run.evidence}"
        out.append(
            f"| {_text(run.killer.label)} | {_cell(code(run.killer.command))} | "
            f"{_text(verdict)} | {run.seconds:.1f} |"
        )
    return out
