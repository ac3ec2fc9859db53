"""Run mutations on temporary copies of the repository, each against its killers in order.

One copy per job: the repository's files (``git ls-files``: tracked, plus untracked files
that are not ignored, so a helper's new module is copied too) go to a temporary directory;
a mutation rewrites one file there, its killers run with ``PYTHONPATH`` pointing at the
copy (never at the installed package: checked once per copy, :func:`check_isolation`) and
``PYTHONDONTWRITEBYTECODE=1`` (no stale bytecode between mutations), and the file is then
restored byte for byte.  A killer *kills* when its command exits non-zero; the first one
that does stops the mutation.  A mutation whose old text does not occur exactly once is
an ``ERROR`` of the catalogue, never a kill.  Every killer that killed something is then
run on the unmutated copy (the *baseline*): if it fails there too, its kills are
``ERROR``, since they would prove nothing.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from proofs_check.mutations.model import Killer, Mutation

#: seconds one killer may run before the mutation counts as killed by a timeout
DEFAULT_TIMEOUT = 900.0
#: the packages whose imports must resolve inside the copy
PACKAGES = ("boundkit", "constructions", "proofs_check")


@dataclass(frozen=True)
class KillerRun:
    """One killer's run: ``returncode`` (``None`` on timeout), seconds, and the evidence
    (the failing checks or tests it printed, or the last line of a crash)."""

    killer: Killer
    returncode: int | None
    seconds: float
    evidence: str

    @property
    def failed(self) -> bool:
        return self.returncode != 0


@dataclass(frozen=True)
class Outcome:
    """A mutation's result: ``KILLED``, ``SURVIVED`` or ``ERROR``."""

    mutation: Mutation
    status: str
    runs: tuple[KillerRun, ...]
    seconds: float
    detail: str = ""

    @property
    def killed_by(self) -> KillerRun | None:
        return self.runs[-1] if self.status == "KILLED" else None


@dataclass(frozen=True)
class GateResult:
    """Every outcome (catalogue order), the baseline runs and the wall time."""

    outcomes: tuple[Outcome, ...]
    baseline: tuple[KillerRun, ...]
    wall_seconds: float
    jobs: int

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


# --------------------------------------------------------------------------- copies
def repository_root(start: Path | None = None) -> Path:
    """The git top level of ``start`` (default: the working directory)."""
    out = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=start or Path.cwd(),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError("not inside a git repository: the gate copies `git ls-files`")
    return Path(out.stdout.strip())


def repository_files(root: Path) -> list[str]:
    """Tracked files and untracked, not ignored ones that exist (relative paths)."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    )
    names = sorted({name for name in out.stdout.decode().split("\0") if name})
    return [name for name in names if (root / name).is_file()]


def make_copy(root: Path, destination: Path) -> Path:
    """Copy the repository's files into ``destination`` (created)."""
    for name in repository_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    return destination


def environment(copy: Path) -> dict[str, str]:
    """The killers' environment: the copy first on the path, no bytecode written, and not
    the CI switch that would make the tests import the installed package."""
    env = dict(os.environ)
    env.pop("BOUNDKIT_TEST_INSTALLED", None)
    env["PYTHONPATH"] = os.pathsep.join([str(copy), *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.setdefault("MPLBACKEND", "Agg")
    return env


def check_isolation(copy: Path) -> None:
    """Raise unless ``boundkit``, ``constructions`` and ``proofs_check`` import from the copy."""
    code = "import importlib\n" + "".join(
        f"print(importlib.import_module({name!r}).__file__)\n" for name in PACKAGES
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=copy,
        env=environment(copy),
        capture_output=True,
        text=True,
        check=False,
    )
    files = out.stdout.split()
    inside = [Path(f).resolve().is_relative_to(copy.resolve()) for f in files]
    if out.returncode != 0 or len(files) != len(PACKAGES) or not all(inside):
        raise RuntimeError(f"the copy {copy} is not what Python imports: {out.stdout}{out.stderr}")


@contextmanager
def copies(root: Path, count: int) -> Iterator[list[Path]]:
    """``count`` isolated copies of the repository, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="mutation-gate-") as scratch:
        made = [make_copy(root, Path(scratch) / f"copy{i}") for i in range(count)]
        for copy in made:
            check_isolation(copy)
        yield made


# --------------------------------------------------------------------------- killers
_PYTEST_FAILED = re.compile(r"^(FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)
_PROOFS_FAILED = re.compile(r"^(\S+)\s+FAIL\s", re.MULTILINE)
_VERIFY_FAILED = re.compile(r"^\s*(FAIL|UNDECIDED|ERROR) (.*)$", re.MULTILINE)


def evidence(kind: str, stdout: str, stderr: str) -> str:
    """What a failing killer printed: failing checks, records or tests (at most three),
    else ``crash: <last line of stderr>``."""
    if kind == "pytest":
        found = [name.removeprefix("tests/") for _, name in _PYTEST_FAILED.findall(stdout)]
    elif kind == "proofs_check":
        found = _PROOFS_FAILED.findall(stdout)
    else:
        found = [f"{status} {text.strip()}" for status, text in _VERIFY_FAILED.findall(stdout)]
    if found:
        shown = 1 if kind == "verify" else 3
        more = f" (+{len(found) - shown} more)" if len(found) > shown else ""
        return ", ".join(dict.fromkeys(found[:shown])) + more
    lines = [line for line in (stderr or stdout).splitlines() if line.strip()]
    return "crash: " + (lines[-1].strip()[:120] if lines else "no output")


def run_killer(killer: Killer, copy: Path, timeout: float = DEFAULT_TIMEOUT) -> KillerRun:
    """Run one killer in ``copy``."""
    start = time.perf_counter()
    try:
        out = subprocess.run(
            [sys.executable, "-m", *killer.argv],
            cwd=copy,
            env=environment(copy),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return KillerRun(killer, None, time.perf_counter() - start, f"timeout after {timeout} s")
    seconds = time.perf_counter() - start
    found = evidence(killer.kind, out.stdout, out.stderr) if out.returncode else ""
    return KillerRun(killer, out.returncode, seconds, found)


def _clean(copy: Path) -> None:
    """Remove what a killer may leave behind that could carry over to the next mutation."""
    shutil.rmtree(copy / ".hypothesis", ignore_errors=True)


def run_mutation(mutation: Mutation, copy: Path, timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """Apply ``mutation`` in ``copy``, run its killers until one fails, restore the file."""
    path = copy / mutation.file
    start = time.perf_counter()
    if not path.is_file():
        return Outcome(mutation, "ERROR", (), 0.0, f"no file {mutation.file}")
    original = path.read_bytes()
    try:
        mutated = mutation.apply(original.decode())
    except ValueError as why:
        return Outcome(mutation, "ERROR", (), 0.0, str(why))
    if not mutation.killers:
        return Outcome(mutation, "ERROR", (), 0.0, "no killers")
    runs: list[KillerRun] = []
    try:
        path.write_text(mutated)
        for killer in mutation.killers:
            runs.append(run_killer(killer, copy, timeout))
            if runs[-1].failed:
                break
    finally:
        path.write_bytes(original)
        _clean(copy)
    status = "KILLED" if runs[-1].failed else "SURVIVED"
    return Outcome(mutation, status, tuple(runs), time.perf_counter() - start)


# --------------------------------------------------------------------------- the gate
def _parallel(
    tasks: Sequence[Callable[[Path], object]], pool_of_copies: list[Path]
) -> Iterator[object]:
    """Run each task on a free copy, at most one task per copy at a time; results in the
    order they finish."""
    free: queue.Queue[Path] = queue.Queue()
    for copy in pool_of_copies:
        free.put(copy)

    def on_a_copy(task: Callable[[Path], object]) -> object:
        copy = free.get()
        try:
            return task(copy)
        finally:
            free.put(copy)

    with ThreadPoolExecutor(max_workers=len(pool_of_copies)) as executor:
        futures = [executor.submit(on_a_copy, task) for task in tasks]
        for future in as_completed(futures):
            yield future.result()


def run_gate(
    mutations: Sequence[Mutation],
    *,
    root: Path,
    jobs: int = 2,
    timeout: float = DEFAULT_TIMEOUT,
    report: Callable[[Outcome], None] | None = None,
) -> GateResult:
    """Every mutation on ``jobs`` copies, then the baseline of every killer that killed."""
    start = time.perf_counter()
    jobs = max(1, min(jobs, len(mutations) or 1))
    with copies(root, jobs) as made:
        tasks = [lambda copy, m=m: run_mutation(m, copy, timeout) for m in mutations]
        by_id: dict[str, Outcome] = {}
        for outcome in _parallel(tasks, made):
            by_id[outcome.mutation.id] = outcome
            if report is not None:
                report(outcome)
        killers = list(
            dict.fromkeys(o.killed_by.killer for o in by_id.values() if o.killed_by is not None)
        )
        baseline_tasks = [lambda copy, k=k: run_killer(k, copy, timeout) for k in killers]
        baseline = tuple(_parallel(baseline_tasks, made))
    broken = {run.killer for run in baseline if run.failed}
    outcomes = []
    for m in mutations:
        outcome = by_id[m.id]
        if outcome.killed_by is not None and outcome.killed_by.killer in broken:
            outcome = replace(outcome, status="ERROR", detail="its killer fails unmutated too")
        outcomes.append(outcome)
    return GateResult(tuple(outcomes), baseline, time.perf_counter() - start, jobs)
