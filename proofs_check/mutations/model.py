"""The data of the mutation gate: a :class:`Mutation` and the :class:`Killer` commands run
against it.

A mutation replaces one exact piece of text (``old``, which must occur exactly once in
``file``) by ``new``: a single fault a reviewer could plausibly introduce.  Its killers are
commands run in the mutated copy of the repository, cheapest first; the first one that
fails kills it.  The three kinds are ``python -m proofs_check`` (optionally one
``--only`` selection), ``python -m boundkit verify --quick --no-proofs`` (optionally
restricted to some constructions) and ``python -m pytest`` on the relevant test files.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the pytest options every test killer uses (quiet, stop at the first failure, no cache)
PYTEST_OPTIONS = ("-q", "-x", "-p", "no:cacheprovider")


@dataclass(frozen=True)
class Killer:
    """A command (``python -m <argv...>``) that must fail on a mutated copy.

    ``kind`` is ``proofs_check``, ``verify`` or ``pytest``; ``label`` the short name the
    report uses.
    """

    kind: str
    argv: tuple[str, ...]
    label: str

    @property
    def command(self) -> str:
        """The shell command, as a reader would type it in the repository."""
        return "python -m " + " ".join(self.argv)


@dataclass(frozen=True)
class Mutation:
    """One single-text mutation of the repository.

    ``models`` says which fault it stands for; ``killers`` are run in order (cheapest
    first) until one fails; ``fast`` marks the few that ``tests/test_mutation_gate.py``
    runs on every test run.
    """

    id: str
    file: str
    old: str
    new: str
    models: str
    killers: tuple[Killer, ...]
    fast: bool = False

    def apply(self, text: str) -> str:
        """``text`` with ``old`` replaced by ``new`` (``ValueError`` unless ``old`` occurs
        exactly once: a catalogue entry that applies to no text, or to several places,
        is an error of the catalogue, never a kill)."""
        count = text.count(self.old)
        if count != 1:
            raise ValueError(f"{self.id}: old text occurs {count} times in {self.file}")
        return text.replace(self.old, self.new)


def proofs(only: str | None = None) -> Killer:
    """``python -m proofs_check`` (every check, or those whose name contains ``only``)."""
    if only is None:
        return Killer("proofs_check", ("proofs_check",), "proofs_check")
    return Killer("proofs_check", ("proofs_check", "--only", only), f"proofs_check {only}")


def verify(*constructions: str) -> Killer:
    """``python -m boundkit verify --quick --no-proofs`` (the quick grid; only the given
    constructions when some are named)."""
    argv = ("boundkit", "verify", "--quick", "--no-proofs", "--no-progress")
    for name in constructions:
        argv += ("--construction", name)
    label = "verify --quick" + (f" ({', '.join(constructions)})" if constructions else "")
    return Killer("verify", argv, label)


def tests(*files: str) -> Killer:
    """``python -m pytest -q -x -p no:cacheprovider <files>``."""
    short = ", ".join(f.removeprefix("tests/") for f in files)
    return Killer("pytest", ("pytest", *PYTEST_OPTIONS, *files), f"pytest {short}")


def mutation(
    id: str, file: str, old: str, new: str, models: str, *killers: Killer, fast: bool = False
) -> Mutation:
    """A :class:`Mutation`, killers given positionally (cheapest first)."""
    return Mutation(id, file, old, new, models, tuple(killers), fast)
