"""``python -m proofs_check.mutations``: run the mutation gate, print one line per mutation.

Exit status 0 when every mutation is killed, 1 when one survives, 2 on a catalogue error
(an old text not found exactly once, a killer failing unmutated) or a usage error.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from proofs_check.mutations.catalogue import select
from proofs_check.mutations.report import markdown, outcome_line
from proofs_check.mutations.runner import DEFAULT_TIMEOUT, repository_root, run_gate


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m proofs_check.mutations",
        description="Plant each catalogued mutation in a temporary copy of the repository and "
        "run its killers (proofs_check, verify --quick, test files) until one fails.",
    )
    p.add_argument("--fast", action="store_true", help="only the fast subset")
    p.add_argument("--only", nargs="+", metavar="ID", help="only these mutation ids")
    p.add_argument("--markdown", metavar="PATH", help="write the report here")
    p.add_argument("--jobs", type=int, default=2, help="copies run in parallel (default 2)")
    p.add_argument("--list", action="store_true", help="list the mutations and exit")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per killer run")
    return p


def _error(message: str) -> int:
    print(f"proofs_check.mutations: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the gate; return the exit status."""
    args = _parser().parse_args(argv)
    if not 1 <= args.jobs <= 8:
        return _error(f"jobs: must satisfy 1 <= jobs <= 8 (got {args.jobs})")
    try:
        chosen = select(args.only, args.fast)
    except KeyError as unknown:
        return _error(f"only: must name catalogue ids (got {unknown.args[0]})")
    if args.list:
        for m in chosen:
            print(f"{m.id:<36} {m.file}  {m.models}")
        return 0
    total = len(chosen)
    done = 0

    def progress(outcome: object) -> None:
        nonlocal done
        done += 1
        print(outcome_line(outcome, done, total), flush=True)

    result = run_gate(
        chosen, root=repository_root(), jobs=args.jobs, timeout=args.timeout, report=progress
    )
    command = "python -m proofs_check.mutations " + shlex.join(
        sys.argv[1:] if argv is None else list(argv)
    )
    if args.markdown:
        Path(args.markdown).write_text(markdown(result, command.strip()))
    killed, survived, errors = (result.count(s) for s in ("KILLED", "SURVIVED", "ERROR"))
    print(
        f"{total} mutations: {killed} killed, {survived} survived, {errors} errors "
        f"({result.wall_seconds:.0f} s, {result.jobs} jobs)"
    )
    return 2 if errors else 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
