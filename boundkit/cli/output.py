"""Output shared by the subcommands: writing a result to stdout or a file, the progress bar,
and the check that an output path's directory exists."""

from __future__ import annotations

import sys
from pathlib import Path

from boundkit.errors import ParameterError


def write(path: str | None, text: str) -> None:
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    if target.parent and not target.parent.exists():
        raise ParameterError("output", "a path in an existing directory", path)
    target.write_text(text)
    print(f"wrote {target}", file=sys.stderr)


def progress(enabled: bool, description: str):
    """A tqdm wrapper over an iterable of known length (no-op when disabled)."""

    def wrap(iterable, total: int):
        if not enabled:
            return iterable
        from tqdm import tqdm

        return tqdm(iterable, total=total, desc=description, unit="case", file=sys.stderr)

    return wrap


def check_parent(path: str) -> None:
    parent = Path(path).parent
    if not parent.exists():
        raise ParameterError("out", "a path in an existing directory", path)
