"""Run the command line in-process with captured output (shared by the CLI tests)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from boundkit.cli.main import main

#: What user-facing text must not mention: internal issue numbers, the specification files
#: (the user's reference is docs/theory.md, named by section).
INTERNAL_REFERENCE = re.compile(r"\b[Ii]ssues? ?#?\d+|\bTHEORY\b|THEORY\.md|ANCHORS|shared/spec")


@dataclass(frozen=True)
class Run:
    """One in-process run: exit status, captured stdout and stderr, wall-clock seconds."""

    status: int
    out: str
    err: str
    seconds: float


def run(argv: list[str]) -> Run:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return Run(status, out.getvalue(), err.getvalue(), time.perf_counter() - start)


def files_under(directory: Path) -> set[str]:
    """Every path under ``directory`` (files and directories), relative."""
    return {str(p.relative_to(directory)) for p in directory.rglob("*")}


@contextlib.contextmanager
def working_directory(directory: Path):
    previous = Path.cwd()
    os.chdir(directory)
    try:
        yield directory
    finally:
        os.chdir(previous)


def assert_one_line_error(result: Run) -> None:
    """Exit 2, nothing on stdout, exactly one line on stderr naming an error, no traceback."""
    assert result.status == 2, (result.status, result.err[-300:])
    assert result.out == "", result.out[:300]
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err[:500]
    assert lines[0].startswith("boundkit: error: "), lines[0]
    assert "Traceback" not in result.err
    assert not INTERNAL_REFERENCE.search(lines[0]), lines[0]
