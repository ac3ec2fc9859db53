"""CLI edge: one-line errors with exit 2, help, Table 1 output and committed reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from boundkit.cli.main import main
from boundkit.outputs import rate_table

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv, name",
    [
        (["table", "--n", "4", "--f", "2"], "f"),
        (["table", "--n", "11", "--f", "3", "--step-size", "-1"], "step_size"),
        (["table", "--n", "11", "--f", "3", "--m", "0"], "m"),
        (["table", "--n", "11", "--f", "3", "--step-size", "nan"], "step_size"),
        (["table", "--n", "11", "--f", "3", "--step-size", "3", "--smoothness", "1"], "gamma"),
        (["verify", "--dps", "5"], "dps"),
        (["table", "--format", "html"], "format"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv: list[str], name: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("boundkit: error:") and name in err
    assert "Traceback" not in err


def test_bad_input_through_python_m_has_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "boundkit", "table", "--n", "4", "--f", "2"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "boundkit: error: f: must satisfy f < n/2 (got n=4, f=2)"


def test_help_lists_subcommands(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("verify", "table", "simulate", "rates", "figure", "report", "kappa"):
        assert command in out


def test_latex_table_is_a_complete_tabularx() -> None:
    text = rate_table.latex()
    body = [line for line in text.splitlines() if not line.startswith("%")]
    assert body[0].startswith(r"\begin{tabularx}{\linewidth}{")
    assert text.count(r"\end{tabularx}") == 1 and r"\begin{tabular}" not in text
    assert text.count("{") == text.count("}")
    rows = [line for line in text.splitlines() if line.endswith(r"\\") and "&" in line]
    assert len(rows) == 1 + len(rate_table.ROWS)
    for row in rows:
        assert row.count(" & ") == 2, row
    for symbol in (r"\sqrt{\kappa}", r"\Theta", r"\Omega", r"\mathcal{O}"):
        assert symbol in text


def test_markdown_table_numeric_columns() -> None:
    params = dict(
        n=23, f=3, m=2, T=10, step_size=0.1, lipschitz=1, smoothness=1, strong_convexity=0.5
    )
    text = rate_table.markdown(params)
    assert "thm3.3/convex: " in text and "thm3.2/f-ge-n/3: n/a" in text  # needs f >= n/3


@pytest.mark.parametrize("fmt, name", [("markdown", "rates.md"), ("latex", "rates.tex")])
def test_committed_rate_tables_regenerate_byte_for_byte(fmt: str, name: str) -> None:
    committed = (ROOT / "reports" / name).read_text()
    assert rate_table.render(fmt) == committed
