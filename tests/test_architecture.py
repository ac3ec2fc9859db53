"""The package layout is the architecture: layers point one way, and nothing closes a cycle.

Every ``import`` in ``boundkit/``, ``constructions/`` and ``proofs_check/`` (module level or
inside a function, ``TYPE_CHECKING`` blocks excluded) is read with :mod:`ast` and checked
against the ranks below.  A module may import a lower rank, or its own subpackage (the
rank-0 foundation modules count as one); the import graph, lazy imports included, must be
acyclic.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("boundkit", "constructions", "proofs_check")

#: Layer of each top-level unit (longest prefix wins).  Lower imports nothing higher.
RANKS: dict[str, int] = {
    "boundkit.errors": 0,
    "boundkit.config": 0,
    "boundkit.parallel": 0,
    "boundkit.json_document": 0,
    "boundkit.markdown_text": 0,
    "boundkit.bounds": 1,
    "boundkit.rules": 1,
    "boundkit.dynamics": 2,
    "constructions": 3,
    "boundkit.checks": 4,
    "proofs_check": 4,
    "boundkit.labs": 5,
    "boundkit.outputs": 6,
    "boundkit.cli": 7,
    "boundkit.__main__": 8,
    "boundkit": 8,  # the public API (boundkit/__init__.py) sits on top
}
#: Units that count as one for sideways imports: the foundation modules.
FOUNDATION = 0
MAX_LINES = 550


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def unit(module: str) -> str:
    """The longest key of :data:`RANKS` that is ``module`` or a package above it."""
    best = ""
    for key in RANKS:
        if (module == key or module.startswith(key + ".")) and len(key) > len(best):
            best = key
    assert best, f"{module} has no layer in RANKS: add it"
    return best


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, module: str) -> list[tuple[str, int, bool]]:
    """``(imported module, line, at module level)`` for the project's own imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.Import):
                out.extend((a.name, child.lineno, top) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    out.append((full if full in MODULES else base, child.lineno, top))
            inner = top and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            visit(child, inner)

    visit(tree, True)
    return [(m, line, top) for m, line, top in out if m.split(".")[0] in PACKAGES]


def _own_module(name: str) -> str:
    """The project module ``name`` refers to (a module, or the package holding a name)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def layer_violations(modules: dict[str, Path]) -> list[str]:
    problems = []
    for module, path in modules.items():
        here = unit(module)
        for imported, line, _ in _imports(path, module):
            target = _own_module(imported)
            there = unit(target)
            same_unit = there == here or RANKS[there] == RANKS[here] == FOUNDATION
            if RANKS[there] > RANKS[here] or (RANKS[there] == RANKS[here] and not same_unit):
                problems.append(
                    f"{module}:{line}: {here} (rank {RANKS[here]}) imports "
                    f"{target} (rank {RANKS[there]})"
                )
    return problems


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Cycles of the import graph, lazy (function-level) imports included."""
    graph = {
        m: sorted({_own_module(i) for i, _, _ in _imports(p, m)} - {m, ""})
        for m, p in modules.items()
    }
    for m in list(graph):  # importing a.b.c runs a/__init__ and a/b/__init__ too
        graph[m] = [t for t in graph[m] if not m.startswith(t + ".")]
    cycles, state, stack = [], {}, []

    def dfs(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                dfs(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            dfs(node)
    return cycles


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        unit(module)


def test_layers_point_one_way() -> None:
    problems = layer_violations(MODULES)
    assert not problems, "imports pointing up or sideways:\n" + "\n".join(problems)


def test_no_import_cycles() -> None:
    cycles = import_cycles(MODULES)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_module_too_long_to_read() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in MODULES.values()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_subpackages_say_what_they_hold() -> None:
    for module, path in MODULES.items():
        if path.name == "__init__.py" and module != "boundkit":
            doc = ast.get_docstring(ast.parse(path.read_text()))
            assert doc and len(doc.split()) >= 12, f"{module}: __init__ docstring missing"


# The guards themselves must be able to fail.


def _fake(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    out = {}
    for name, text in files.items():
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        out[name] = path
    return out


@pytest.mark.parametrize(
    "source",
    [
        "from boundkit.cli import main\n",
        "def f():\n    from boundkit.checks import verify\n",
        "import constructions.groups\n",
        "from boundkit.rules import smea\n",  # bounds and rules are siblings, not layers
    ],
)
def test_an_upward_import_is_caught(tmp_path: Path, source: str, monkeypatch) -> None:
    fake = _fake(tmp_path, {"boundkit.bounds.fake": source})
    fake_all = dict(MODULES) | fake
    monkeypatch.setattr(sys.modules[__name__], "MODULES", fake_all)
    assert layer_violations(fake)


def test_a_cycle_is_caught(tmp_path: Path, monkeypatch) -> None:
    fake = _fake(
        tmp_path,
        {
            "boundkit.outputs.fake_a": "from boundkit.outputs import fake_b\n",
            "boundkit.outputs.fake_b": "def g():\n    from boundkit.outputs import fake_a\n",
        },
    )
    monkeypatch.setattr(sys.modules[__name__], "MODULES", dict(MODULES) | fake)
    assert import_cycles(fake)


def test_public_api_names_resolve() -> None:
    import boundkit

    for name in boundkit.__all__:
        assert getattr(boundkit, name) is not None, name
    with pytest.raises(AttributeError):
        boundkit.no_such_name  # noqa: B018
