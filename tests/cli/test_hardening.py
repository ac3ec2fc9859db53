"""Issue 14: every bad input the issue lists is one line and exit 2, fast, with no file left
behind; a malicious certificate runs nothing; writes are atomic; the progress bar runs.

Each case runs in-process (``boundkit.cli.main.main``) in an empty temporary directory;
"no file left behind" compares the directory before and after.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from boundkit import __version__
from boundkit.labs.kappa.certificate import certify
from boundkit.outputs import rate_table
from tests.cli.clirun import assert_one_line_error, files_under, run, working_directory

#: Seconds the issue allows each bad input.
BUDGET = 60

#: The inputs issue 14 lists (``DIR`` is a directory, ``FILE`` a regular file there).
ISSUE_INPUTS = [
    ["table", "--step-size", "-1"],
    ["table", "--kappa", "-5", "--T", "1000000000000"],
    ["figure", "--out", "DIR"],
    ["table", "--output", "DIR"],
    ["table", "--output", "/proc/x.md"],
    ["verify", "--json", "DIR"],
    ["verify", "--json", "/proc/x.json"],
    ["kappa", "--rule", "smea", "--n", "5", "--f", "1", "--json", "DIR"],
    ["kappa", "--rule", "smea", "--n", "5", "--f", "1", "--json", "/proc/x.json"],
    ["report", "--directory", "FILE"],
    ["report", "--directory", "/proc"],
    ["report", "--directory", "missing"],
    ["verify", "--scheduler", "tcp://127.0.0.1:1"],
    ["verify", "--scheduler", "not an address"],
    ["rates", "--n", "7"],
    ["kappa", "--table", "--output", "/proc/x.md"],
    ["attack-search", "--out", "a.png", "--markdown", "DIR"],
    ["simulate", "--construction", "B3", "--n", "1000000000", "--f", "1"],
    ["kappa", "--rule", "smea", "--n", "5", "--f", "1", "--d", "100000"],
    ["simulate", "--construction", "P1", "--n", "11", "--f", "3", "--T", "10**12"],
    ["simulate", "--construction", "P1", "--n", "11", "--f", "3", "--T", "1000000000000"],
    ["rates", "--n", "10**9"],
    ["rates", "--n", "1000000000"],
    ["attack-search", "--ns", "10**9"],
    ["attack-search", "--ns", "1000000000"],
    ["attack-search", "--restarts", "10**9"],
    ["attack-search", "--restarts", "1000000000"],
    ["figure", "--dps", "100000"],
    ["verify", "--workers", "1000000"],
    ["kappa", "--table", "--workers", "1000000"],
    ["report", "--workers", "1000000"],
]


def _resolve(argv: list[str], directory: Path) -> list[str]:
    (directory / "DIR").mkdir()
    (directory / "FILE").write_text("a file\n")
    return [str(directory / a) if a in ("DIR", "FILE") else a for a in argv]


@pytest.mark.parametrize("argv", ISSUE_INPUTS, ids=" ".join)
def test_issue_input_is_one_line_exit_2_no_file(argv: list[str], tmp_path: Path) -> None:
    with working_directory(tmp_path):
        argv = _resolve(argv, tmp_path)
        before = files_under(tmp_path)
        result = run(argv)
        assert files_under(tmp_path) == before
    assert_one_line_error(result)
    assert result.seconds < BUDGET


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "--construction", "P1", "--n", "11", "--f", "3", "--dps=--"],
        ["table", "--n", "11", "--f", "3", "--"],
        ["verify", "--quick=1"],
    ],
)
def test_argparse_quirks_are_refused(argv: list[str]) -> None:
    """Found by the fuzz test: argparse turns ``--dps=--`` into ``dps = []`` and ran on."""
    assert_one_line_error(run(argv))


def test_rates_names_the_parameter(tmp_path: Path) -> None:
    result = run(["rates", "--n", "7"])
    assert result.err.startswith("boundkit: error: n: must satisfy n >= ")


def test_over_a_limit_the_error_says_the_limit_and_why() -> None:
    result = run(["simulate", "--construction", "B3", "--n", "1000000000", "--f", "1"])
    assert "n <= " in result.err and "(" in result.err.split("must satisfy", 1)[1]


def test_one_dimensional_smea_at_n_1e5_stays_allowed() -> None:
    result = run(["simulate", "--construction", "P1", "--n", "100000", "--f", "3"])
    assert result.status == 0, result.err[-300:]
    assert "status: PASS" in result.out


def test_every_construction_has_measured_limits() -> None:
    """A new construction needs its own measured limits (else n, T <= 1000 by default)."""
    from boundkit.cli import limits
    from constructions import CONSTRUCTIONS

    assert set(limits.SIMULATE) == set(CONSTRUCTIONS)


# ------------------------------------------------------------------- certificates


def _certificate(tmp_path: Path, **changes: object) -> Path:
    rows = tuple((Fraction(x),) for x in (0, 1, 2, 3, 9))
    cert, _ = certify("smea", rows, (0, 1, 2, 3), 1)
    record = json.loads(cert.to_json())
    record.update(changes)
    path = tmp_path / "certificate.json"
    path.write_text(json.dumps(record))
    return path


def test_malicious_certificate_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    ratio = f"__import__('os').system('touch {marker}') or 4/3"
    path = _certificate(tmp_path, ratio=ratio)
    result = run(["kappa", "--replay", str(path)])
    assert_one_line_error(result)
    assert "replay.ratio" in result.err
    assert not marker.exists()


def test_malicious_ratio_through_python_m_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = _certificate(tmp_path, ratio=f"__import__('os').system('touch {marker}') or 4/3")
    command = [sys.executable, "-m", "boundkit", "kappa", "--replay", str(path)]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=BUDGET)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr
    assert not marker.exists()


def test_genuine_certificate_replays(tmp_path: Path) -> None:
    result = run(["kappa", "--replay", str(_certificate(tmp_path))])
    assert result.status == 0 and "reproduced exactly" in result.out


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"n": 5.9}, "replay.n"),
        ({"f": True}, "replay.f"),
        ({"n": "5"}, "replay.n"),
        ({"d": None}, "replay.d"),
        ({"n": 10**5000}, "replay"),
        ({"vectors": [["1e99999"]] * 5}, "replay.vectors"),
        ({"vectors": [[0.5]] * 5}, "replay.vectors"),
        ({"ratio": "sqrt(2)**(1/2)**9"}, "replay.ratio"),
        ({"ratio": "((((9**32)**32)**32)**32)"}, "replay.ratio"),
        ({"honest": [0, 0, 1, 2]}, "honest"),
        ({"dps": 10**6}, "replay.dps"),
        ({"rule": "os.system"}, "rule"),
        ({"extra": 1}, "replay"),
    ],
)
def test_malformed_certificate_is_one_line(tmp_path: Path, changes: dict, field: str) -> None:
    path = _certificate(tmp_path)
    text = path.read_text()
    if changes.get("n") == 10**5000:
        text = text.replace('"n": 5', '"n": ' + "9" * 5000)
    else:
        record = json.loads(text)
        record.update(changes)
        text = json.dumps(record)
    path.write_text(text)
    result = run(["kappa", "--replay", str(path)])
    assert_one_line_error(result)
    assert result.err.startswith(f"boundkit: error: {field}")


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50 + "1" + "}" * 50])
def test_deeply_nested_certificate_is_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "nested.json"
    path.write_text(text)
    assert_one_line_error(run(["kappa", "--replay", str(path)]))


# ------------------------------------------------------------------- writes


def test_failed_run_leaves_an_existing_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "table.md"
    target.write_text("previous\n")
    result = run(["table", "--output", str(target), "--n", "4", "--f", "2"])
    assert_one_line_error(result)
    assert target.read_text() == "previous\n"
    assert files_under(tmp_path) == {"table.md"}


def test_atomic_write_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "table.md"
    target.write_text("previous\n")
    os.chmod(target, 0o640)
    result = run(["table", "--output", str(target)])
    assert result.status == 0
    assert target.read_text() == rate_table.render("markdown")  # the whole table, replaced
    assert target.stat().st_mode & 0o777 == 0o640
    assert files_under(tmp_path) == {"table.md"}


def test_an_output_path_may_not_be_given_twice(tmp_path: Path) -> None:
    same = str(tmp_path / "x.png")
    result = run(["attack-search", "--out", same, "--csv", same])
    assert_one_line_error(result)
    assert result.err.startswith("boundkit: error: csv:")


# ------------------------------------------------------------------- version, progress


def test_version(capsys) -> None:
    from boundkit.cli.main import main

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"boundkit {__version__}"


def test_help_lists_each_commands_limits(capsys) -> None:
    from boundkit.cli.main import main

    for command in ("verify", "simulate", "figure", "rates", "kappa", "attack-search"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "Limits (measured" in capsys.readouterr().out, command


def test_verify_quick_with_the_progress_bar(tmp_path: Path) -> None:
    """The progress bar on (tqdm imported and drawn), and the JSON written atomically."""
    target = tmp_path / "verify.json"
    result = run(["verify", "--quick", "--no-proofs", "--json", str(target)])
    assert result.status in (0, 1), result.err[-500:]
    assert "verify:" in result.err and "case" in result.err, result.err[-500:]
    assert json.loads(target.read_text())
    assert files_under(tmp_path) == {"verify.json"}
