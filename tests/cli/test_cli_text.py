"""The command line's text: help lists generated from the registries the code checks
against, defaults from :class:`boundkit.config.Setting`, readable errors, no internal
references in anything a user reads.

Each list a ``--help`` shows (constructions, rules, datasets, threats) is compared with its
registry both ways (every registered name listed, no unregistered name listed), and a name
added to a registry must appear in the help without touching the command's code.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import boundkit
from boundkit.checks import rates
from boundkit.cli import limits
from boundkit.cli.main import build_parser, main
from boundkit.config import Setting, setting_defaults
from boundkit.labs.experiment import config as experiment_config
from boundkit.labs.kappa import rules as kappa_rules
from boundkit.rules import RULES as EXACT_RULES
from constructions import CONSTRUCTIONS
from tests.cli.clirun import INTERNAL_REFERENCE, assert_one_line_error, run

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = tuple(
    next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
)


def help_text(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """``python -m boundkit ARGV --help`` as a user sees it, one option per line (wide)."""
    monkeypatch.setenv("COLUMNS", "2000")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        with pytest.raises(SystemExit) as info:
            main([*argv, "--help"])
    assert info.value.code == 0 and err.getvalue() == "", err.getvalue()
    return out.getvalue()


def option_help(help_out: str, option: str) -> str:
    """The help of ``option``: its line and the continuation lines (argparse puts a long
    option's help on the next line), joined."""
    lines = help_out.splitlines()
    (start,) = [i for i, ln in enumerate(lines) if ln.strip().startswith(option + " ")]
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line.startswith("   ") or line.strip().startswith("-"):
            break
        block.append(line)
    return " ".join(" ".join(block).split())


def listed(help_out: str, option: str) -> list[str]:
    """The names after ``one of`` in the help of ``option``."""
    text = option_help(help_out, option)
    match = re.search(r"one of ([^;()]+?)(?: \(|;|$)", text)
    assert match, text
    return [name.strip() for name in match.group(1).split(",")]


# ------------------------------------------------------------- lists from the registries

REGISTRY_LISTS = [
    (["simulate"], "--construction", lambda: list(CONSTRUCTIONS)),
    (["verify"], "--construction", lambda: list(CONSTRUCTIONS)),
    (["kappa"], "--rule", lambda: list(kappa_rules.RULES)),
    (["experiment"], "--rule", lambda: list(experiment_config.RULE_NAMES)),
    (["experiment"], "--dataset", lambda: list(experiment_config.DATASETS)),
    (["experiment"], "--algorithm", lambda: list(experiment_config.ALGORITHMS)),
    (["experiment"], "--threat", lambda: list(experiment_config.THREATS)),
]


@pytest.mark.parametrize("argv, option, registry", REGISTRY_LISTS)
def test_help_lists_exactly_the_registered_names(argv, option, registry, monkeypatch) -> None:
    assert listed(help_text(argv, monkeypatch), option) == registry()


def test_every_exact_rule_can_be_searched_by_kappa() -> None:
    # kappa's command-line names cover the rules registry (boundkit/rules/registry.py)
    assert {spec.simulate_name for spec in kappa_rules.RULES.values()} == set(EXACT_RULES)


def test_a_name_added_to_a_registry_appears_in_the_help(monkeypatch) -> None:
    """A hard-coded list would miss the new names: the help must be built from the registry."""
    monkeypatch.setitem(CONSTRUCTIONS, "Z9", CONSTRUCTIONS["P1"])
    monkeypatch.setitem(kappa_rules.RULES, "zz", kappa_rules.RULES["smea"])
    monkeypatch.setattr(experiment_config, "THREATS", (*experiment_config.THREATS, "zz-push"))
    assert "Z9" in listed(help_text(["simulate"], monkeypatch), "--construction")
    assert "Z9" in listed(help_text(["verify"], monkeypatch), "--construction")
    assert "zz" in listed(help_text(["kappa"], monkeypatch), "--rule")
    assert "zz-push" in listed(help_text(["experiment"], monkeypatch), "--threat")


def test_readme_lists_match_the_registries() -> None:
    readme = (ROOT / "README.md").read_text()
    kappa_row = re.search(r"kappa --rule ((?:\w+\\\|)+\w+) --n", readme)
    assert kappa_row and kappa_row.group(1).split("\\|") == list(kappa_rules.RULES)
    constructions = re.search(r"\*\*Run a construction\*\* \(((?:`\w+`, )+`\w+`):", readme)
    assert constructions, "README: the construction list of 'Run a construction'"
    assert re.findall(r"`(\w+)`", constructions.group(1)) == list(CONSTRUCTIONS)


# ---------------------------------------------------------------- defaults: one source


def _defaults_of(command: str) -> dict[str, object]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action.default for action in sub.choices[command]._actions}


@pytest.mark.parametrize("command", ["table", "simulate"])
def test_cli_defaults_are_settings_defaults(command: str) -> None:
    defaults = _defaults_of(command)
    for name, value in setting_defaults().items():
        assert defaults[name] == value, name


def test_cli_setting_equals_the_python_setting() -> None:
    from boundkit.cli.arguments import setting_from

    args = build_parser().parse_args(["simulate", "--construction", "P1", "--n", "7", "--f", "2"])
    assert setting_from(args) == Setting(n=7, f=2) == boundkit.make_setting(n=7, f=2)


@pytest.mark.parametrize("flag, field", [("--T", "T"), ("--strong-convexity", "strong_convexity")])
def test_help_shows_settings_default(flag: str, field: str, monkeypatch) -> None:
    text = option_help(help_text(["table"], monkeypatch), flag)
    assert f"(default {setting_defaults()[field]}" in text


def test_every_bound_is_defined_or_refused_at_the_defaults() -> None:
    """At the defaults (mu = 0: merely convex) the strongly convex bounds are n/a in the
    table, never a division by zero; with mu > 0 they have values."""
    convex = run(["table", "--n", "21", "--f", "3"])
    assert convex.status == 0, convex.err
    assert re.search(r"thm3\.1/strongly-convex: n/a", convex.out)
    strong = run(["table", "--n", "21", "--f", "3", "--strong-convexity", "1/2"])
    assert strong.status == 0, strong.err
    assert re.search(r"thm3\.1/strongly-convex: [0-9]", strong.out)
    with pytest.raises(boundkit.ParameterError, match=r"^strong_convexity: .*> 0"):
        boundkit.evaluate("thm3.1/strongly-convex", Setting(n=21, f=3).as_dict())


def test_readme_quotes_settings_defaults() -> None:
    readme = " ".join((ROOT / "README.md").read_text().split())
    quoted = re.search(r"others default to (.*?), the command line's defaults", readme)
    assert quoted, "README: the defaults sentence of the Python API section"
    symbol = {"step_size": "gamma", "lipschitz": "L", "smoothness": "beta"}
    symbol |= {"strong_convexity": "mu"}
    expected = [
        f"`{symbol.get(k, k)} = {v}`" for k, v in setting_defaults().items() if v is not None
    ]
    assert quoted.group(1).split(", ") == expected


# ------------------------------------------------------------------------------ rates


def test_rates_help_gives_the_default_series_and_every_status(monkeypatch) -> None:
    out = " ".join(help_text(["rates"], monkeypatch).split())
    words = [str(n) for n in rates.DEFAULT_NS]
    assert f"default {', '.join(words[:-1])} and {words[-1]}" in out
    for status, meaning in rates.STATUS_MEANING.items():
        assert f"{status}: {meaning}" in out


def test_rates_output_ends_with_the_legend(monkeypatch) -> None:
    from boundkit.cli import rates as rates_command

    monkeypatch.setattr(rates_command, "compute_rates", lambda ns, dps, progress: [])
    out = run(["rates", "--no-progress"]).out
    for status, meaning in rates.STATUS_MEANING.items():
        assert f"- {status}: {meaning}" in out
    latex = run(["rates", "--no-progress", "--format", "latex"]).out
    assert all(line.startswith("% ") for line in latex.splitlines()[-len(rates.STATUS_MEANING) :])


@pytest.mark.parametrize("n", ["21", "0", "-3", str(limits.RATES_MIN_N - 1)])
def test_rates_small_n_is_one_line_about_n(n: str) -> None:
    result = run(["rates", "--n", n])
    assert_one_line_error(result)
    assert result.err.startswith(f"boundkit: error: n: must satisfy n >= {rates.MIN_N}: ")
    assert "admissible f" in result.err and "xs" not in result.err


def test_min_n_is_the_smallest_n_from_which_every_regime_fits() -> None:
    params = rates.SeriesParameters()
    assert limits.RATES_MIN_N == rates.MIN_N
    for n in range(rates.MIN_N, rates.MIN_N + 6):
        for regime in rates.REGIMES:
            assert len(rates.admissible_settings(regime, n, params)) >= rates.MIN_POINTS
    with pytest.raises(boundkit.ParameterError, match=rf"^n: must satisfy n >= {rates.MIN_N}: "):
        for regime in rates.REGIMES:
            rates.admissible_settings(regime, rates.MIN_N - 1, params)


def test_fit_regime_below_min_n_names_n_not_xs() -> None:
    with pytest.raises(boundkit.ParameterError, match=r"^n: .*B1\) has 3 admissible f"):
        rates.fit_regime(rates.REGIMES[1], rates.MIN_N - 1, rates.SeriesParameters(dps=15))


# ----------------------------------------------------------------------- kappa, errors


def test_kappa_usage_shows_what_a_search_requires(monkeypatch) -> None:
    out = help_text(["kappa"], monkeypatch)
    assert "kappa --rule RULE --n N --f F " in out  # required: not in brackets
    assert "kappa --replay PATH" in out and "kappa --table" in out


@pytest.mark.parametrize(
    "argv, names",
    [(["kappa"], "rule, n, f"), (["kappa", "--n", "5", "--f", "1"], "rule")],
)
def test_kappa_without_rule_names_it(argv: list[str], names: str) -> None:
    result = run(argv)
    assert_one_line_error(result)
    assert result.err.startswith(f"boundkit: error: {names}: must satisfy given for a search")


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--construction", "B1", "--n", "10", "--f", "2"],
            "construction B1: must be defined at n=10, f=2, m=1: B1 needs f >= n/3 (use B2)",
        ),
        (
            ["--construction", "P2", "--n", "7", "--f", "2"],
            "construction P2: must be defined at n=7, f=2, m=1: P2 needs strong_convexity > 0",
        ),
        (
            ["--construction", "P1", "--n", "7", "--f", "2", "--step-size", "3"],
            "construction P1: must be defined at n=7, f=2, m=1: P1's bound thm3.3/convex needs "
            "gamma <= 2/beta",
        ),
    ],
)
def test_undefined_construction_reads_as_a_rule(argv: list[str], message: str) -> None:
    result = run(["simulate", *argv])
    assert_one_line_error(result)
    assert result.err.startswith(f"boundkit: error: {message}")
    params = {
        flag[2:].replace("-", "_"): value
        for flag, value in zip(argv[2::2], argv[3::2], strict=True)
    }
    params = {k: Fraction(v) if k == "step_size" else int(v) for k, v in params.items()}
    with pytest.raises(boundkit.ParameterError) as error:
        boundkit.run_construction(argv[1], **params)
    assert str(error.value).startswith(message)


def test_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "boundkit", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stdout.strip() == f"boundkit {boundkit.__version__}"


# ------------------------------------------------------- no internal references


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_has_no_internal_reference(command: str, monkeypatch) -> None:
    out = help_text([command] if command else [], monkeypatch)
    assert not INTERNAL_REFERENCE.search(out), INTERNAL_REFERENCE.search(out)


def test_proofs_check_help_has_no_internal_reference() -> None:
    from proofs_check.__main__ import _parser

    text = _parser().format_help()
    assert not INTERNAL_REFERENCE.search(text)


USER_DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


@pytest.mark.parametrize("path", USER_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_user_docs_have_no_internal_reference(path: Path) -> None:
    for number, line in enumerate(path.read_text().splitlines(), 1):
        found = INTERNAL_REFERENCE.search(line)
        assert not found, f"{path.relative_to(ROOT)}:{number}: {found.group(0)!r} in {line!r}"


def test_internal_reference_pattern() -> None:
    for text in ("issue 13", "(issue 7, part 3)", "Issues 11-14", "THEORY.md s.1", "ANCHORS.md"):
        assert INTERNAL_REFERENCE.search(text), text
    for text in ("docs/theory.md, section 7", "an issue with the step", "theory.md"):
        assert not INTERNAL_REFERENCE.search(text), text
