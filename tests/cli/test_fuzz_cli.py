"""Fuzzing the command line (issue 14): hypothesis builds argument vectors for every
subcommand, each with at least one bad element (a number at or beyond a limit, a
non-number, NaN/inf, an empty or huge value, an unknown flag, a bad output path), and
every one must give exit status 2, exactly one line on stderr, nothing on stdout, no
traceback and no file written, quickly.

The vectors are a valid base for the command plus one bad argument drawn from the
command's table below (the base alone would start real work: the bad argument must stop
it at the edge).  Runs in-process, in an empty temporary directory.  The number of cases
and the slowest are printed at the end (``pytest -s``) and bounded by assertions.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boundkit.cli import limits
from boundkit.cli.tightness import TIGHTNESS_M, TIGHTNESS_N
from tests.cli.clirun import assert_one_line_error, files_under, run, working_directory

#: Cases per (subcommand, bad argument) pair (about 100 pairs: about 500 cases per run).
CASES = 5
#: Seconds allowed for the slowest single case.
SLOWEST = 10.0

GARBAGE = [
    "",
    " ",
    "abc",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e",
    "1/0",
    "0x10",
    "1_000",
    "10**9",
    "1,5",
    "--",
    "٣",  # an Arabic-Indic digit: int() would take it, the grammar does not
    "１２",  # full-width digits
    "9" * 5000,
    "1e999999",
    "\x00",
    "é",
    "$(touch pwned)",
    "__import__('os').system('touch pwned')",
]


def _integers_beyond(minimum: int, maximum: int | None) -> st.SearchStrategy[str]:
    """Integers below ``minimum`` or above ``maximum`` (as text), or non-integers."""
    below = st.integers(max_value=minimum - 1).map(str)
    options = [below, st.sampled_from(GARBAGE), st.just(f"{minimum}.5")]
    if maximum is not None:
        options.append(st.integers(min_value=maximum + 1, max_value=10**40).map(str))
        options.append(st.just(str(maximum + 1)))
    return st.one_of(*options)


def _numbers_not_positive() -> st.SearchStrategy[str]:
    zero_or_less = st.fractions(max_value=0, max_denominator=1000).map(str)
    return st.one_of(zero_or_less, st.sampled_from(GARBAGE), st.just("1" * 50))


def _numbers_negative() -> st.SearchStrategy[str]:
    negative = st.fractions(max_value=-1, max_denominator=1000).map(str)
    return st.one_of(negative, st.sampled_from(GARBAGE))


def _bad_paths(suffix: str = ".json") -> st.SearchStrategy[str]:
    """Relative to the temporary working directory: ``DIR`` exists, ``missing`` does not."""
    return st.sampled_from(
        [
            "",
            "DIR",
            "DIR/",
            "missing/out" + suffix,
            "/proc/out" + suffix,
            "/proc",
            "/dev/null",
            "/nonexistent/out" + suffix,
            "bad\x00name" + suffix,
        ]
    )


UNKNOWN = st.sampled_from(
    [["--bogus"], ["--nn", "5"], ["--step", "1"], ["extra-positional"], ["-x"], ["--n"]]
)


def _flag(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.one_of(values.map(lambda v: [name, v]), values.map(lambda v: [f"{name}={v}"]))


def _setting_flags(n_limit: limits.Limit | None, T_limit: limits.Limit | None):
    return [
        _flag("--n", _integers_beyond(1, n_limit.maximum if n_limit else None)),
        _flag("--m", _integers_beyond(1, None)),
        _flag("--T", _integers_beyond(0, T_limit.maximum if T_limit else None)),
        _flag("--step-size", _numbers_not_positive()),
        _flag("--lipschitz", _numbers_not_positive()),
        _flag("--smoothness", _numbers_not_positive()),
        _flag("--strong-convexity", _numbers_negative()),
        _flag("--kappa", _numbers_negative()),
    ]


def _dps(limit: limits.Limit) -> st.SearchStrategy[list[str]]:
    return _flag("--dps", _integers_beyond(15, limit.maximum))


WORKERS = _flag("--workers", _integers_beyond(1, limits.WORKERS.maximum))
SEED = _flag("--seed", _integers_beyond(0, limits.SEED.maximum))

#: For each subcommand: valid bases and the bad arguments one of which is appended to one.
COMMANDS: dict[str, tuple[list[list[str]], list[st.SearchStrategy[list[str]]]]] = {
    "verify": (
        [["verify", "--quick", "--no-progress"], ["verify", "--no-proofs"]],
        [
            _dps(limits.VERIFY_DPS),
            WORKERS,
            _flag("--json", _bad_paths()),
            _flag("--markdown", _bad_paths(".md")),
            _flag("--construction", st.sampled_from(["", "B9", "p1", "P1 ", "all"])),
            _flag(
                "--scheduler",
                st.sampled_from(["", "tcp://127.0.0.1:1", "tcp://127.0.0.1:99999", "x:y"]),
            ),
            st.just(["--json", "same.json", "--markdown", "same.json"]),
        ],
    ),
    "table": (
        [["table"], ["table", "--n", "11", "--f", "3"], ["table", "--format", "latex"]],
        [
            *_setting_flags(limits.TABLE_SIZE, limits.TABLE_SIZE),
            _flag("--f", st.sampled_from(["6", "11", "-1", "x"])),
            _dps(limits.DPS),
            _flag("--format", st.sampled_from(["", "html", "Markdown"])),
            _flag("--output", _bad_paths(".md")),
        ],
    ),
    "simulate": (
        [
            ["simulate", "--construction", "P1", "--n", "11", "--f", "3"],
            ["simulate", "--construction", "B2", "--n", "101", "--f", "10", "--json"],
        ],
        [
            *_setting_flags(limits.SIMULATE_MAX_N, limits.SIMULATE_MAX_T),
            _flag("--dps", _integers_beyond(15, limits.SIMULATE_DPS.maximum)),
            _flag("--construction", st.sampled_from(["", "B9", "p1", "P1;"])),
            st.sampled_from(
                [
                    ["--construction", "B3", "--n", str(limits.SIMULATE["B3"].n.maximum + 1)],
                    ["--construction", "B3", "--f", str(limits.SIMULATE["B3"].f.maximum + 1)],
                    ["--construction", "tailored", "--n", "3001", "--f", "1000"],
                    ["--construction", "P3", "--T", str(limits.SIMULATE["P3"].T.maximum + 1)],
                    ["--construction", "B1", "--n", "100001", "--f", "40000"],
                ]
            ),
        ],
    ),
    "rates": (
        [["rates", "--no-progress"], ["rates", "--n", "101"]],
        [
            _flag("--n", _integers_beyond(limits.RATES_MIN_N, limits.RATES_N.maximum)),
            _dps(limits.RATES_DPS),
            _flag("--json", _bad_paths()),
            _flag("--format", st.sampled_from(["", "csv"])),
            st.just(["--n", "101"] * (limits.RATES_COUNT + 1)),
        ],
    ),
    "figure": (
        [["figure", "--out", "fig.png", "--no-progress"], ["figure", "--out", "f.png", "--log"]],
        [
            _flag("--n", _integers_beyond(5, limits.FIGURE_N.maximum)),
            _flag("--T", _integers_beyond(1, limits.FIGURE_T.maximum)),
            _flag("--step-size", _numbers_not_positive()),
            _flag("--lipschitz", _numbers_not_positive()),
            _dps(limits.FIGURE_DPS),
            _flag("--out", st.one_of(_bad_paths(".png"), st.just("figure.txt"))),
            _flag("--csv", _bad_paths(".csv")),
            st.just(["--out", "same.png", "--csv", "same.png"]),
        ],
    ),
    "report": (
        [
            ["report", "--quick", "--no-progress", "--directory", "."],
            ["report", "--directory", "DIR"],
        ],
        [
            WORKERS,
            _flag("--directory", st.sampled_from(["", "missing", "FILE", "/proc", "DIR\x00"])),
        ],
    ),
    "kappa": (
        [
            ["kappa", "--rule", "smea", "--n", "5", "--f", "1"],
            ["kappa", "--rule", "gm", "--n", "9", "--f", "2", "--d", "2"],
        ],
        [
            _flag("--n", _integers_beyond(1, limits.KAPPA_N.maximum)),
            _flag("--f", st.sampled_from(["5", "9", "-1", "x"])),
            _flag("--d", _integers_beyond(1, limits.KAPPA_D.maximum)),
            _flag("--restarts", _integers_beyond(0, limits.KAPPA_RESTARTS.maximum)),
            SEED,
            _dps(limits.KAPPA_DPS),
            WORKERS,
            _flag("--json", _bad_paths()),
            _flag("--rule", st.sampled_from(["", "SMEA", "os.system", "krum; rm"])),
            st.sampled_from(
                [
                    ["--replay", "FILE"],
                    ["--table"],
                    ["--output", "x.md"],
                    ["--rule", "krum", "--n", "301", "--f", "10"],
                    ["--rule", "krum", "--n", "6", "--f", "2"],
                ]
            ),
        ],
    ),
    "attack-search": (
        [
            ["attack-search", "--ns", "20", "--d", "1", "--no-progress", "--out", "a.png"],
            ["attack-search", "--out", "DIR/a.png"],
        ],
        [
            _flag("--d", st.sampled_from(["0", "3", "", "x", "1.0"])),
            _flag("--ns", _integers_beyond(5, limits.ATTACK_N.maximum)),
            _flag("--ns", st.sampled_from(["20,", ",", "20,,40", ",".join(["20"] * 11)])),
            st.sampled_from(
                [
                    ["--d", "2", "--ns", str(limits.ATTACK_N_2D.maximum + 1)],
                    ["--restarts", "1000", "--evaluations", "50000"],
                    ["--ns", "1000", "--restarts", "11"],
                ]
            ),
            SEED,
            _flag("--restarts", _integers_beyond(0, limits.ATTACK_RESTARTS.maximum)),
            _flag("--evaluations", _integers_beyond(1, limits.ATTACK_EVALUATIONS.maximum)),
            _flag("--out", st.one_of(_bad_paths(".png"), st.just("a.svg"))),
            _flag("--csv", _bad_paths(".csv")),
            _flag("--json", _bad_paths()),
            _flag("--markdown", _bad_paths(".md")),
        ],
    ),
    "tightness": (
        [["tightness", "--ns", "5", "--ms", "1", "--d", "1"], ["tightness", "--ns", "3-10"]],
        [
            _flag("--d", st.sampled_from(["0", "3", "", "x", "1.0"])),
            _flag("--ns", _integers_beyond(3, TIGHTNESS_N.maximum)),
            _flag("--ns", st.sampled_from(["10-5", "3-", "-5", "3-200", "5,,6", "3--5"])),
            _flag("--ms", _integers_beyond(1, TIGHTNESS_M.maximum)),
            WORKERS,
            _flag("--certificates", st.sampled_from(["FILE", "missing.json", "DIR", "/proc"])),
            _flag("--json", _bad_paths()),
            _flag("--markdown", _bad_paths(".md")),
            _flag("--out", st.one_of(_bad_paths(".png"), st.just("map.svg"))),
            st.just(["--json", "same.json", "--markdown", "same.json"]),
        ],
    ),
    "experiment": (
        [["experiment", "--quick", "--no-progress"], ["experiment", "--quick", "--rule", "cwtm"]],
        [
            _flag("--dataset", st.sampled_from(["", "mnist", "../etc/passwd", "iris "])),
            _flag("--rule", st.sampled_from(["", "mean", "SMEA", "x"])),
            _flag("--n", _integers_beyond(3, 30)),
            _flag("--T", _integers_beyond(1, 2000)),
            _flag("--seeds", _integers_beyond(1, 50)),
            _flag("--neighbours", _integers_beyond(1, 50)),
            _flag("--step-size", _numbers_not_positive()),
            _flag("--split", st.sampled_from(["", "dirichlet", "dirichlet:0", "dirichlet:x"])),
            _flag("--algorithm", st.sampled_from(["", "adam"])),
            _flag("--json", _bad_paths()),
            _flag("--out", st.one_of(_bad_paths(".png"), st.just("x.txt"))),
        ],
    ),
}

STATS: dict[str, list[float]] = {}
#: Every (subcommand, bad argument) pair, each fuzzed on every run.
PAIRS = [
    (command, index)
    for command, (_, bad) in COMMANDS.items()
    for index in range(len(bad) + 1)  # the last: an unknown flag or stray argument
]


def _bad(command: str, index: int) -> st.SearchStrategy[list[str]]:
    bases, bad = COMMANDS[command]
    extra = bad[index] if index < len(bad) else UNKNOWN
    return st.tuples(st.sampled_from(bases), extra).map(lambda t: t[0] + t[1])


def _check(command: str, argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as name, working_directory(Path(name)) as directory:
        (directory / "DIR").mkdir()
        (directory / "FILE").write_text("not a certificate\n")
        before = files_under(directory)
        start = time.perf_counter()
        result = run(argv)
        seconds = time.perf_counter() - start
        assert files_under(directory) == before, argv
    STATS.setdefault(command, []).append(seconds)
    assert_one_line_error(result)
    assert seconds < SLOWEST, (argv, seconds)


@pytest.mark.parametrize("command, index", PAIRS)
@settings(
    max_examples=CASES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_fuzz(command: str, index: int, data: st.DataObject) -> None:
    _check(command, data.draw(_bad(command, index), label="argv"))


def test_fuzz_covers_every_subcommand_and_reports() -> None:
    """Runs last in this module: every subcommand fuzzed, totals within the budget."""
    from boundkit.cli.main import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    assert set(sub.choices) == set(COMMANDS)
    cases = sum(len(v) for v in STATS.values())
    if cases:  # run together with the fuzz tests above
        slowest = max((max(v), k) for k, v in STATS.items())
        total = sum(sum(v) for v in STATS.values())
        print(f"\nfuzz: {cases} cases, {total:.1f} s, slowest {slowest[0]:.2f} s ({slowest[1]})")
        assert cases >= 300 and total < 60
