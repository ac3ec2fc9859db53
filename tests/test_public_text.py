"""No internal reference in the text users read: docstrings, registries, messages.

The docs site renders the docstrings (mkdocstrings), and the registries' descriptive strings
(bound references and notes, construction references, proof-check names and references,
mutation descriptions, kappa claims) reach the reports and ``--list`` outputs.  None of it may
cite the private specification files (``THEORY.md``, ``ANCHORS.md``, ``shared/spec``) or the
internal tracker ("issue 13"): the public reference is docs/theory.md, named by section.

Four sources are scanned for every module of ``boundkit``, ``constructions`` and
``proofs_check``: the docstrings of the module and of every class, function, method and
property defined in it (imported with :mod:`importlib`, read with :mod:`inspect`); the strings
held by its module-level data (registries of frozen dataclasses, tuples, dicts), walked
recursively; every string literal of its source (``ast``: messages and check details built at
run time); and its ``#:`` attribute comments, which mkdocstrings renders as documentation.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("boundkit", "constructions", "proofs_check")

#: Internal references: tracker numbers ("issue 13", "Issues 11-14", "issue #7", "issue-12"), the
#: specification files and the word THEORY used as a file's name ("THEORY's layout").
INTERNAL_REFERENCE = re.compile(r"\b[Ii]ssues?[ -]?#?\d+|\bTHEORY\b|THEORY\.md|ANCHORS|shared/spec")

#: A finding: where the text is, and the text.
Found = tuple[str, str]


def module_names(package: str) -> list[str]:
    """Every importable module of ``package`` (``__main__`` modules are scanned as source)."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if not info.name.rsplit(".", 1)[-1] == "__main__":
            names.append(info.name)
    return names


def _members(owner: object) -> Iterator[tuple[str, object]]:
    """Functions, methods and properties of a class (unwrapping static/class methods)."""
    for name, value in vars(owner).items():
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, property):
            value = value.fget
        if inspect.isfunction(value) or inspect.isclass(value):
            yield name, value


def docstrings(module: ModuleType) -> Iterator[Found]:
    """The module's docstring and those of the classes and functions defined in it."""
    yield module.__name__, module.__doc__ or ""
    stack = [
        (f"{module.__name__}.{name}", value)
        for name, value in vars(module).items()
        if (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == module.__name__
    ]
    while stack:
        where, value = stack.pop()
        yield where, inspect.getdoc(value) or ""
        if inspect.isclass(value):
            stack.extend((f"{where}.{name}", member) for name, member in _members(value))


def _strings(value: object, where: str, depth: int = 0) -> Iterator[Found]:
    """Strings held by ``value``: itself, a dataclass's fields, container items; recursive."""
    if depth > 6:
        return
    if isinstance(value, str):
        yield where, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name), f"{where}.{field.name}", depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, f"{where}[{key!r}]", depth + 1)
            yield from _strings(item, f"{where}[{key!r}]", depth + 1)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]", depth + 1)


def data_strings(module: ModuleType) -> Iterator[Found]:
    """Strings in the module-level data of ``module`` (registries, catalogues, claims)."""
    for name, value in vars(module).items():
        if not name.startswith("__"):
            yield from _strings(value, f"{module.__name__}.{name}")


def source_files(package_dir: Path) -> list[Path]:
    return sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)


def source_text(path: Path) -> Iterator[Found]:
    """Every string literal (f-string parts included) and every ``#:`` comment of ``path``."""
    source = path.read_text()
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield f"{shown}:{node.lineno}", node.value
    for number, line in enumerate(source.splitlines(), 1):
        if line.lstrip().startswith("#:"):
            yield f"{shown}:{number}", line


def internal_references(found: Iterator[Found]) -> list[str]:
    """``where: 'match' in 'context'`` for every internal reference among ``found``."""
    problems = []
    for where, text in found:
        for match in INTERNAL_REFERENCE.finditer(text):
            context = text[max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
            problems.append(f"{where}: {match.group(0)!r} in ...{context}...")
    return problems


def _all_modules() -> list[ModuleType]:
    return [importlib.import_module(n) for p in PACKAGES for n in module_names(p)]


# ----------------------------------------------------------------------------- the scans


def test_docstrings_have_no_internal_reference() -> None:
    modules = _all_modules()
    problems = internal_references(d for m in modules for d in docstrings(m))
    assert not problems, "internal references in docstrings:\n" + "\n".join(problems)


def test_registries_and_module_data_have_no_internal_reference() -> None:
    problems = internal_references(s for m in _all_modules() for s in data_strings(m))
    assert not problems, "internal references in module data:\n" + "\n".join(problems)


@pytest.mark.parametrize("package", PACKAGES)
def test_source_strings_and_attribute_comments_have_no_internal_reference(package: str) -> None:
    files = source_files(ROOT / package)
    problems = internal_references(t for path in files for t in source_text(path))
    assert not problems, "internal references in source text:\n" + "\n".join(problems)


# ------------------------------------------------------------- the scans see what they must


def test_the_walk_reaches_every_module_and_registry() -> None:
    """Guards against a walk that silently scans nothing: every source file is a module
    (or a ``__main__``), and every registry's descriptive strings are among the scanned."""
    modules = _all_modules()
    names = {m.__name__ for m in modules}
    for package in PACKAGES:
        for path in source_files(ROOT / package):
            dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            dotted = dotted.removesuffix(".__init__")
            assert dotted in names or dotted.endswith("__main__"), dotted
    scanned = {text for m in modules for _, text in data_strings(m)}
    documented = {text for m in modules for _, text in docstrings(m)}

    from boundkit.bounds.registry import REGISTRY
    from boundkit.labs.kappa.claims import CLAIMS
    from constructions import CONSTRUCTIONS
    from proofs_check.checks import CHECKS
    from proofs_check.mutations import CATALOGUE

    expected = [r.reference for r in REGISTRY] + [r.note for r in REGISTRY if r.note]
    expected += [c.reference for c in CONSTRUCTIONS.values()]
    expected += [c.reference for c in CHECKS] + [m.models for m in CATALOGUE]
    expected += [s for c in CLAIMS.values() for _, s in _strings(c, "claim")]
    assert expected and not [s for s in expected if s not in scanned]
    assert inspect.getdoc(CONSTRUCTIONS["P1"].build) in documented


def test_a_planted_reference_is_found(tmp_path: Path, monkeypatch) -> None:
    """Each scan reports a reference planted where it looks, and a clean copy passes."""
    package = tmp_path / "planted_pkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""Clean package (docs/theory.md, section 7)."""\n')
    (package / "mod.py").write_text(
        '"""Module (docs/theory.md, section 1)."""\n'
        "from dataclasses import dataclass\n\n"
        "@dataclass(frozen=True)\n"
        "class Entry:\n"
        '    """An entry of a registry."""\n\n'
        "    reference: str\n\n"
        "    def text(self) -> str:\n"
        '        """See THEORY.md s.1."""\n'
        '        return f"{self.reference}; details (issue 7, part 3)"\n\n'
        "#: registry (as measured in shared/spec/ANCHORS.md)\n"
        'REGISTRY = (Entry("Thm 3.1"), Entry("boundkit (issue 13): sharp constants"))\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        module = importlib.import_module("planted_pkg.mod")
        assert module_names("planted_pkg") == ["planted_pkg", "planted_pkg.mod"]
        docs = internal_references(docstrings(module))
        data = internal_references(data_strings(module))
        text = internal_references(t for p in source_files(package) for t in source_text(p))
        clean = importlib.import_module("planted_pkg")
    finally:
        for name in ("planted_pkg.mod", "planted_pkg"):
            sys.modules.pop(name, None)
    assert len(docs) == 1 and "Entry.text" in docs[0] and "'THEORY'" in docs[0]
    assert len(data) == 1 and "REGISTRY[1].reference" in data[0]
    found = " ".join(text)
    for planted in ("'THEORY'", "'issue 7'", "'issue 13'", "'shared/spec'", "'ANCHORS'"):
        assert planted in found, planted
    assert internal_references(docstrings(clean)) == []


def test_the_pattern() -> None:
    for text in (
        "THEORY.md s.1",
        "THEORY's layout",
        "(issue 13, part 2)",
        "Issue 13, parts 1-2",
        "issue 12's example",
        "Issues 11-14",
        "issue #7",
        "the issue-12 attack",
        "shared/spec/ANCHORS.md",
    ):
        assert INTERNAL_REFERENCE.search(text), text
    for text in (
        "docs/theory.md, section 7",
        "theory/B1-honest-variance",
        "CLOSED_FORM_THEORY",
        "a tolerance issue",
        "measured against ByzFL 0.0.11 (benchmarks/)",
    ):
        assert not INTERNAL_REFERENCE.search(text), text
