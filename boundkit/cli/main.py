"""Command line: ``python -m boundkit COMMAND`` (verify, table, simulate, rates, figure,
report, kappa, attack-search).

Every parameter is validated at the edge, before any work; a bad one gives a single line
``boundkit: error: <parameter>: must satisfy <rule> (got <value>)`` and exit status 2.
A failed check gives exit status 1.  ``--version`` prints ``boundkit <version>``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from boundkit.cli.arguments import EXIT_INTERNAL, EXIT_USAGE, _Parser
from boundkit.cli.attack_search import register_attack_search
from boundkit.cli.experiment import register_experiment
from boundkit.cli.figure import register_figure
from boundkit.cli.kappa import register_kappa
from boundkit.cli.rates import register_rates
from boundkit.cli.report import register_report
from boundkit.cli.simulate import register_simulate
from boundkit.cli.table import register_table
from boundkit.cli.tightness import register_tightness
from boundkit.cli.verify import register_verify
from boundkit.errors import ParameterError
from boundkit.json_document import package_version

#: The subcommands, in the order of ``--help``: each adds its subparser and handler.
REGISTERED = [
    register_verify,
    register_table,
    register_simulate,
    register_rates,
    register_figure,
    register_report,
    register_kappa,
    register_attack_search,
    register_experiment,
    register_tightness,
]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m boundkit",
        description="Verify uniform-stability bounds of robust distributed learning under "
        "Byzantine failures and data poisoning (Boudou et al., arXiv 2506.18020).",
        epilog="Exit status: 0 all checks passed, 1 a check failed, 2 bad input (one line "
        "on stderr, before any work), 3 internal error.  Each command's --help gives its "
        "limits.",
    )
    parser.add_argument("--version", action="version", version=f"boundkit {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for register in REGISTERED:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    try:
        parser = build_parser()
        args = parser.parse_args(_without_end_marker(sys.argv[1:] if argv is None else argv))
        return int(args.handler(args))
    except ParameterError as error:
        print(f"boundkit: error: {one_line(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("boundkit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (``... | head``): stop quietly, as SIGPIPE
        _silence_stdout()
        return 141
    except Exception as error:  # noqa: BLE001 - one line for users, traceback on request
        if os.environ.get("BOUNDKIT_DEBUG"):
            raise
        print(
            f"boundkit: internal error: {type(error).__name__}: {one_line(str(error))} "
            "(set BOUNDKIT_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at ``/dev/null`` so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (captured output): nothing to flush
        pass
    finally:
        os.close(devnull)


def _without_end_marker(argv: Sequence[str]) -> list[str]:
    """Refuse ``--`` as an argument or a value (``--dps=--``): boundkit takes no positional
    arguments, and argparse silently drops such a value (the option becomes ``[]``)."""
    for text in argv:
        if text == "--" or text.endswith("=--"):
            raise ParameterError(
                "arguments", "no '--' (boundkit takes no positional arguments)", text
            )
    return list(argv)


def one_line(message: str, limit: int = 400) -> str:
    """``message`` on one line (control characters escaped), at most ``limit`` characters."""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in message)
    return text if len(text) <= limit else text[: limit - 3] + "..."
