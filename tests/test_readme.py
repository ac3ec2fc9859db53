"""The README's set-up commands are what CI runs, and CI tests the installed package.

``.ci/run`` must run the README's test command verbatim as an executable line (not in a
comment), after exporting ``BOUNDKIT_TEST_INSTALLED=1``; under that variable every
project package must be imported from the installation, not from the source tree (a
package left out of ``[tool.setuptools]`` then fails here); ``gmpy2`` is optional and
mpmath uses it exactly when it is installed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shlex
import sysconfig
from pathlib import Path

import mpmath.libmp

import boundkit
import constructions
import proofs_check

ROOT = Path(__file__).resolve().parent.parent
INSTALLED = "BOUNDKIT_TEST_INSTALLED"


def _code_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    return [b.strip() for b in re.findall(r"```\n(.*?)\n```", readme, flags=re.S)]


def _words(command: str) -> list[str]:
    """What bash would run from one line: its words, comments dropped (none: a comment)."""
    return shlex.split(command, comments=True)


def test_readme_has_the_two_setup_commands() -> None:
    blocks = _code_blocks()
    assert "python -m pip install . && python -m boundkit verify" in blocks
    assert "python -m pip install '.[test]' && python -m pytest" in blocks


def test_ci_runs_exactly_the_readme_test_command() -> None:
    (command,) = [b for b in _code_blocks() if "pytest" in b]
    ci = (ROOT / ".ci" / "run").read_text()
    lines = [_words(raw) for raw in ci.splitlines()]
    runs = [i for i, words in enumerate(lines) if "pytest" in words]
    assert len(runs) == 1, "exactly one executable pytest line in .ci/run"
    assert lines[runs[0]] == _words(command)
    exports = [i for i, words in enumerate(lines) if words == ["export", f"{INSTALLED}=1"]]
    assert exports and exports[0] < runs[0], f".ci/run exports {INSTALLED}=1 before the tests"


def test_under_ci_the_installed_package_is_tested() -> None:
    """Meaningful under .ci/run (the variable set): nothing comes from the source tree."""
    modules = (boundkit, constructions, proofs_check)
    from_tree = [m.__name__ for m in modules if ROOT in Path(m.__file__).resolve().parents]
    if os.environ.get(INSTALLED) == "1":
        assert from_tree == [], f"imported from the source tree: {from_tree}"
        site = {Path(sysconfig.get_paths()[k]).resolve() for k in ("purelib", "platlib")}
        for module in modules:
            assert any(s in Path(module.__file__).resolve().parents for s in site)
    else:
        assert set(from_tree) <= {m.__name__ for m in modules}


def test_gmpy2_is_optional_and_used_when_present() -> None:
    """The installed metadata: gmpy2 only under an extra (``fast``), never required."""
    gmpy = [r for r in importlib.metadata.requires("boundkit") or [] if r.startswith("gmpy2")]
    assert gmpy and all("extra ==" in r for r in gmpy), gmpy
    assert any('extra == "fast"' in r for r in gmpy), gmpy
    present = importlib.util.find_spec("gmpy2") is not None
    wanted = "gmpy" if present and not os.environ.get("MPMATH_NOGMPY") else "python"
    assert mpmath.libmp.BACKEND == wanted
