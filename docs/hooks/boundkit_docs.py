"""MkDocs hooks: parts of the site generated at build time from the code itself.

Markers in a page's markdown are replaced before it is rendered (so nothing is copied by
hand and nothing can drift):

``<!-- usage: NAME -->``
    the ``--help`` text of ``python -m boundkit NAME`` from the real argparse parser
    (``proofs_check``: ``python -m proofs_check --help``);
``<!-- readme: HEADING -->``
    the section of ``README.md`` under ``## HEADING``;
``<!-- example: FILE -->``
    the source of ``examples/FILE``;
``<!-- gallery -->``
    every ``wc_*`` function of :mod:`constructions`: its docstring (mkdocstrings) and the
    output of the call in its module's ``if __name__ == "__main__":`` block, run now.

An unknown marker, a registered command without a page under ``docs/commands/`` (or a page
without a command), or a ``__main__`` call that is not a plain literal call, stops the build.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import io
import os
import re
from fractions import Fraction
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(r"<!--\s*(usage|readme|example|gallery)(?::\s*(.+?))?\s*-->")
COMMAND_PAGES = "commands/"


def _parsers() -> dict[str, argparse.ArgumentParser]:
    from boundkit.cli.main import build_parser
    from proofs_check.__main__ import _parser as proofs_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {**sub.choices, "proofs_check": proofs_parser()}


def on_config(config):
    os.environ["COLUMNS"] = "92"  # argparse wraps help at this width
    return config


def on_files(files, config):
    pages = {
        Path(f.src_uri).stem
        for f in files.documentation_pages()
        if f.src_uri.startswith(COMMAND_PAGES) and Path(f.src_uri).stem != "index"
    }
    commands = set(_parsers())
    if pages != commands:
        raise PluginError(
            f"command pages {sorted(pages)} != registered commands {sorted(commands)}: "
            f"add or remove docs/{COMMAND_PAGES}<name>.md"
        )
    return files


def _usage(name: str) -> str:
    parsers = _parsers()
    if name not in parsers:
        raise PluginError(f"usage: no command {name!r} (known: {', '.join(parsers)})")
    return f"```text\n{parsers[name].format_help().rstrip()}\n```"


def _readme(heading: str) -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if match is None:
        raise PluginError(f"readme: no section '## {heading}' in README.md")
    return match.group(1).strip()


def _example(name: str) -> str:
    path = ROOT / "examples" / name
    if not path.is_file():
        raise PluginError(f"example: no file examples/{name}")
    return f"```python\n{path.read_text().rstrip()}\n```"


def _literal(node: ast.expr) -> object:
    """A keyword value of a ``__main__`` call: a number, or ``Fraction(p, q)``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_literal(node.operand)  # type: ignore[operator]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Fraction"
        and not node.keywords
    ):
        return Fraction(*(_literal(a) for a in node.args))  # type: ignore[arg-type]
    raise PluginError(f"gallery: not a literal argument: {ast.unparse(node)}")


def _main_calls(tree: ast.Module) -> list[tuple[str, dict[str, object]]]:
    """The ``wc_*(...)`` calls of the module's ``if __name__ == "__main__":`` block."""
    calls = []
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            for statement in node.body:
                call = statement.value if isinstance(statement, ast.Expr) else None
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
                    if call.func.id.startswith("wc_") and not call.args:
                        calls.append(
                            (call.func.id, {k.arg: _literal(k.value) for k in call.keywords})
                        )
    return calls


def _run(module: str, function: str, kwargs: dict[str, object]) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        getattr(importlib.import_module(module), function)(**kwargs)
    return buffer.getvalue().expandtabs(4).rstrip()


def _gallery() -> str:
    parts = []
    for path in sorted((ROOT / "constructions").glob("*.py")):
        tree = ast.parse(path.read_text())
        functions = [
            n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("wc_")
        ]
        if not functions:
            continue
        module = f"constructions.{path.stem}"
        calls = dict(_main_calls(tree))
        for function in functions:
            if function not in calls:
                raise PluginError(f"gallery: {module}.{function} is not called under __main__")
            shown = ", ".join(f"{k}={v}" for k, v in calls[function].items())
            parts += [
                f"## `{function}`",
                f"::: {module}.{function}\n    options:\n      show_root_heading: false",
                f"**Output** of `python -m {module}` ({function}({shown})), computed when "
                "this page was built:",
                f"```text\n{_run(module, function, calls[function])}\n```",
            ]
    return "\n\n".join(parts)


def _replace(match: re.Match) -> str:
    kind, argument = match.group(1), (match.group(2) or "").strip()
    if kind == "gallery":
        return _gallery()
    if not argument:
        raise PluginError(f"marker {match.group(0)!r} needs an argument")
    return {"usage": _usage, "readme": _readme, "example": _example}[kind](argument)


def on_page_markdown(markdown, page, config, files):
    return MARKER.sub(_replace, markdown)
