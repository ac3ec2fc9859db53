"""Output shared by the subcommands: output paths checked at the edge, atomic writes, the
progress bar.

Every output path is checked before any work (:func:`check_output`): its directory exists
and accepts a new file (probed by creating and removing one), the path is not a directory
and, if it exists, is a regular file.  Files are written by :class:`Outputs`: every file of
a run is first written beside its target under a temporary name, and only when all of them
are complete are they moved into place with :func:`os.replace` (atomic on one file
system).  A failed run leaves neither a half-written file nor a stray one.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from boundkit.errors import ParameterError

STDOUT = "-"


def _probe_directory(name: str, path: str, parent: Path) -> None:
    """Create and remove a file in ``parent``: the only reliable writability test (root
    passes ``os.access`` on read-only mounts and on ``/proc``)."""
    try:
        handle, probe = tempfile.mkstemp(prefix=".boundkit-probe-", dir=parent)
    except OSError as error:
        rule = "a path in a directory boundkit can write to"
        raise ParameterError(name, rule, f"{path}: {error.strerror}") from None
    os.close(handle)
    os.unlink(probe)


def check_output(name: str, path: str, *, suffix: str | None = None, stdout: bool = False) -> str:
    """Validate the output path given for ``--name`` (``-`` means stdout when ``stdout``)."""
    if stdout and path == STDOUT:
        return path
    if not path or "\0" in path:
        raise ParameterError(name, "a non-empty file path", repr(path))
    target = Path(path)
    if suffix is not None and target.suffix.lower() != suffix:
        raise ParameterError(name, f"a file name ending in {suffix}", path)
    if target.is_dir() or path.endswith(os.sep):
        raise ParameterError(name, "a file path, not a directory", path)
    if target.exists() and not target.is_file():
        raise ParameterError(name, "a regular file or a new path", path)
    parent = target.parent
    if not parent.is_dir():
        raise ParameterError(name, "a path in an existing directory", path)
    _probe_directory(name, path, parent)
    return path


def check_distinct(**paths: str | None) -> None:
    """No two outputs of one run may name the same file."""
    seen: dict[str, str] = {}
    for name, path in paths.items():
        if path is None or path == STDOUT:
            continue
        key = os.path.realpath(path)
        if key in seen:
            raise ParameterError(name, f"a path different from --{seen[key]}", path)
        seen[key] = name


def check_directory(name: str, path: str) -> Path:
    """An existing directory boundkit can create files in."""
    if not path or "\0" in path:
        raise ParameterError(name, "a non-empty directory path", repr(path))
    directory = Path(path)
    if not directory.is_dir():
        raise ParameterError(name, "an existing directory", path)
    _probe_directory(name, path, directory)
    return directory


class Outputs:
    """The files of one run, written all together at :meth:`commit` (or not at all).

    ``text(path, content)`` and ``render(path, writer)`` (``writer(temporary_path)`` writes
    the file, e.g. ``matplotlib``'s ``savefig``) stage a file; :meth:`commit` writes every
    staged file under a temporary name in its target directory, then renames them all into
    place; if anything fails, every temporary file is removed and the targets are untouched.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[str, str, Callable[[str], None]]] = []

    def text(self, name: str, path: str, content: str) -> None:
        if path == STDOUT:
            self._staged.append((name, path, lambda _: sys.stdout.write(content)))
            return

        def write(temporary: str) -> None:
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(content)

        self._staged.append((name, path, write))

    def render(self, name: str, path: str, writer: Callable[[str], None]) -> None:
        self._staged.append((name, path, writer))

    def commit(self) -> None:
        written: list[tuple[str, str]] = []
        try:
            for name, path, writer in self._staged:
                if path == STDOUT:
                    continue
                target = Path(path)
                handle, temporary = tempfile.mkstemp(
                    prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent
                )
                os.close(handle)
                written.append((temporary, path))
                try:
                    writer(temporary)
                    os.chmod(temporary, _mode(target))
                except OSError as error:
                    rule = "a path boundkit can write to"
                    raise ParameterError(name, rule, f"{path}: {error.strerror}") from None
            for temporary, path in written:
                os.replace(temporary, path)
        except BaseException:
            for temporary, _ in written:
                if os.path.exists(temporary):
                    os.unlink(temporary)
            raise
        for _, path, writer in self._staged:
            if path == STDOUT:
                writer(path)
            else:
                print(f"wrote {path}", file=sys.stderr)
        self._staged.clear()


def _mode(target: Path) -> int:
    """The permissions the file gets: those of the file it replaces, else ``0o666`` less
    the umask (what a plain ``open`` would give; ``mkstemp`` makes ``0o600``)."""
    if target.exists():
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write(path: str | None, text: str, name: str = "output") -> None:
    """Write one file atomically (``None`` or ``-``: stdout)."""
    outputs = Outputs()
    outputs.text(name, STDOUT if path is None else path, text)
    outputs.commit()


def check_parent(path: str) -> None:  # transitional: replaced by check_output
    check_output("out", path)


def progress(enabled: bool, description: str):
    """A tqdm wrapper over an iterable of known length (no-op when disabled)."""

    def wrap(iterable, total: int):
        if not enabled:
            return iterable
        from tqdm import tqdm

        return tqdm(iterable, total=total, desc=description, unit="case", file=sys.stderr)

    return wrap
