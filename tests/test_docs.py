"""The documentation site builds with ``mkdocs build --strict``; its generated parts are there.

A broken mkdocstrings reference, a missing page, a command without a page or a ``wc_*``
example whose ``__main__`` call fails stops the build (the guards are shown to fail below).
Also: the doctests of the ``wc_*`` docstrings the gallery shows, and ``CITATION.cff``.
"""

from __future__ import annotations

import ast
import doctest
import html
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _mkdocs(config: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
    )


def _text(page: str) -> str:
    """The page's text: tags removed (code highlighting splits tokens), entities decoded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


def _wc_functions() -> dict[str, list[str]]:
    found = {}
    for path in sorted((ROOT / "constructions").glob("*.py")):
        tree = ast.parse(path.read_text())
        names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        if any(name.startswith("wc_") for name in names):
            found[f"constructions.{path.stem}"] = [n for n in names if n.startswith("wc_")]
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    done = _mkdocs(ROOT / "mkdocs.yml", out)
    assert done.returncode == 0, done.stderr[-4000:]
    return out


def test_every_page_of_the_nav_is_built(site: Path) -> None:
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]
    pages = re.findall(r"[\w/-]+\.md", str(nav))
    for page in pages:
        built = site / page.removesuffix(".md").removesuffix("index")
        assert (built / "index.html").is_file(), page


def test_command_pages_show_the_real_usage(site: Path) -> None:
    from boundkit.cli.main import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if hasattr(a, "choices") and a.choices).choices
    for name in commands:
        text = _text((site / "commands" / name / "index.html").read_text())
        assert f"usage: python -m boundkit {name}" in text
        for option in commands[name]._option_string_actions:
            assert option in text, (name, option)
    proofs = _text((site / "commands" / "proofs_check" / "index.html").read_text())
    assert "usage: python -m proofs_check" in proofs


def test_gallery_shows_every_wc_example_with_its_output(site: Path) -> None:
    text = _text((site / "gallery" / "index.html").read_text())
    for module, functions in _wc_functions().items():
        for function in functions:
            assert f"Output of python -m {module} ({function}(" in text, function
    assert text.count("*** Construction") == 8  # the eight registered constructions
    assert "equal: True" in text  # wc_lemma41_pivot's check of Lemma 4.1


def test_api_reference_documents_the_public_api(site: Path) -> None:
    import boundkit

    text = _text((site / "reference" / "public" / "index.html").read_text())
    for name in ("exact_value", "make_setting", "run_construction", "check_rule", "verify_grid"):
        assert f"{name}" in text and name in boundkit.__all__
    assert "shape (d,)" in text  # the user-rule contract, from user_rules' docstring
    bounds = _text((site / "reference" / "bounds" / "index.html").read_text())
    assert "boundkit.bounds.registry" in bounds


def test_readme_section_is_on_the_site(site: Path) -> None:
    text = _text((site / "python-api" / "index.html").read_text())
    assert 'boundkit.run_construction("B3", n=20' in text  # the README's Python API section
    assert "def mean_around_median" in text  # examples/own_rule.py


def test_a_broken_reference_fails_the_strict_build(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Broken\n\n::: boundkit.no_such_module\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: t\ndocs_dir: docs\nplugins:\n  - mkdocstrings:\n      handlers:\n"
        f"        python:\n          paths: [{ROOT}]\n"
    )
    done = _mkdocs(config, tmp_path / "site")
    assert done.returncode != 0 and "no_such_module" in done.stderr


def test_the_hooks_refuse_unknown_markers_and_missing_command_pages() -> None:
    from mkdocs.exceptions import PluginError

    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    try:
        hooks = importlib.import_module("boundkit_docs")
    finally:
        sys.path.pop(0)
    for marker in ("<!-- usage: nosuch -->", "<!-- example: nosuch.py -->", "<!-- readme: X -->"):
        with pytest.raises(PluginError):
            hooks.on_page_markdown(marker, None, None, None)

    class Page:
        def __init__(self, uri: str) -> None:
            self.src_uri = uri

    class Files:
        def documentation_pages(self) -> list[Page]:
            return [Page("commands/index.md"), Page("commands/verify.md")]

    with pytest.raises(PluginError, match="command pages"):
        hooks.on_files(Files(), None)


@pytest.mark.parametrize("module", sorted(_wc_functions()))
def test_wc_docstring_examples_hold(module: str) -> None:
    imported = importlib.import_module(module)
    for function in _wc_functions()[module]:
        target = getattr(imported, function)
        tests = doctest.DocTestFinder().find(target, function, globs=vars(imported).copy())
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        for test in tests:
            runner.run(test)
        assert runner.failures == 0, function
        assert runner.tries >= 1 or module == "constructions.lemma41_pivot", function


def test_citation_file() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version"} <= set(citation)
    assert citation["version"] == project["version"]
    paper = citation["preferred-citation"]
    assert "arXiv:2506.18020" in str(paper["identifiers"])
    assert [a["family-names"] for a in paper["authors"]] == ["Boudou", "Le Bars", "Gupta", "Bellet"]
