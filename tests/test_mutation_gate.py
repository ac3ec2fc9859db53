"""The mutation gate (issue 12): the catalogue cannot rot, and its fast subset is killed.

The full gate (``python -m proofs_check.mutations --jobs 2 --markdown reports/mutations.md``,
minutes) is not run here; this file runs the fast subset on a temporary copy of the
repository, and shows the runner can say SURVIVED (a comment-only change) and ERROR (an old
text that is not there) instead of counting them as kills.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from proofs_check.mutations import CATALOGUE, Mutation, proofs, run_gate, select
from proofs_check.mutations.report import markdown
from proofs_check.mutations.runner import check_isolation, make_copy

ROOT = Path(__file__).resolve().parent.parent

#: the files the gate must mutate (issue 12: registry, verifier, Monte Carlo, central claim)
REQUIRED_FILES = {
    "boundkit/bounds/registry.py",
    "boundkit/bounds/hypotheses.py",
    "boundkit/bounds/kappa.py",
    "boundkit/bounds/halves_gap.py",
    "boundkit/bounds/two_sided_gap.py",
    "boundkit/bounds/orthogonal_gap.py",
    "boundkit/checks/verify.py",
    "boundkit/checks/decide.py",
    "boundkit/checks/central_claim.py",
    "boundkit/dynamics/monte_carlo.py",
}


def test_catalogue_is_large_unique_and_killable() -> None:
    ids = [m.id for m in CATALOGUE]
    assert len(ids) >= 30 and len(set(ids)) == len(ids)
    for m in CATALOGUE:
        assert m.killers and m.old != m.new and m.models, m.id
    assert REQUIRED_FILES <= {m.file for m in CATALOGUE}
    assert any('kind="upper"' in m.old and 'kind="lower"' in m.new for m in CATALOGUE)
    assert any('kind="lower"' in m.old and 'kind="upper"' in m.new for m in CATALOGUE)
    assert 3 <= len(select(fast=True)) <= 5


@pytest.mark.parametrize("mutation", CATALOGUE, ids=lambda m: m.id)
def test_every_old_text_occurs_exactly_once(mutation: Mutation) -> None:
    text = (ROOT / mutation.file).read_text()
    assert text.count(mutation.old) == 1, (mutation.file, mutation.old)
    assert mutation.apply(text) != text


def test_apply_refuses_text_that_is_absent_or_repeated() -> None:
    absent = Mutation("x", "f.py", "a = 1", "a = 2", "test", (proofs(),))
    with pytest.raises(ValueError, match="0 times"):
        absent.apply("b = 1\n")
    with pytest.raises(ValueError, match="2 times"):
        absent.apply("a = 1\na = 1\n")


def test_a_copy_missing_a_package_is_not_isolated(tmp_path: Path) -> None:
    """Imports that escape the copy (here: to the installed package) are refused."""
    (tmp_path / "boundkit").mkdir()
    (tmp_path / "boundkit" / "__init__.py").write_text("")
    with pytest.raises(RuntimeError, match="not what Python imports"):
        check_isolation(tmp_path)


def test_a_copy_of_the_repository_is_isolated(tmp_path: Path) -> None:
    copy = make_copy(ROOT, tmp_path / "copy")
    check_isolation(copy)
    assert (copy / "boundkit" / "bounds" / "registry.py").read_text() == (
        ROOT / "boundkit" / "bounds" / "registry.py"
    ).read_text()


def _comment_only() -> Mutation:
    """A mutation no killer can see: a comment appended to a line of hypotheses.py."""
    path = "boundkit/bounds/hypotheses.py"
    line = next(
        x for x in (ROOT / path).read_text().splitlines() if x.startswith("HONEST_MAJORITY")
    )
    killer = proofs("steps/thm3.1/convex")
    return Mutation("comment-only", path, line, line + "  # gate", "no-op", (killer,))


def test_fast_subset_killed_and_survivors_reported() -> None:
    fast = select(fast=True)
    missing = Mutation(
        "absent", "boundkit/bounds/hypotheses.py", "NO SUCH TEXT", "x", "absent", (proofs(),)
    )
    result = run_gate([*fast, _comment_only(), missing], root=ROOT, jobs=2)
    status = {o.mutation.id: o.status for o in result.outcomes}
    assert status.pop("comment-only") == "SURVIVED"
    assert status.pop("absent") == "ERROR"
    assert set(status.values()) == {"KILLED"}, status
    for o in result.outcomes[: len(fast)]:
        assert o.killed_by.evidence and not o.killed_by.evidence.startswith("crash"), o
    assert result.baseline and not any(run.failed for run in result.baseline)
    report = markdown(result, "python -m proofs_check.mutations --fast")
    assert "1 survived, 1 errors" in report and "comment-only" in report
