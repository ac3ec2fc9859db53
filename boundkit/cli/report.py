"""``python -m boundkit report``: regenerate Table 1, the fits, the verification report and
Figure 1 in ``reports/``."""

from __future__ import annotations

import argparse
from pathlib import Path

from boundkit.cli import arguments as cli
from boundkit.cli import output
from boundkit.cli.figure import make_figure
from boundkit.cli.rates import compute_rates
from boundkit.cli.verify import run_verify
from boundkit.errors import ParameterError


def register_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="regenerate Table 1, the fits, the verification report and Figure 1 in reports/",
        description="Regenerate reports/: rates.md and rates.tex (Table 1), fits.md (fitted "
        "exponents), verification.md (default verify grid), figure1.png and figure1.csv.",
    )
    p.add_argument("--directory", default="reports", help="output directory (default reports)")
    p.add_argument("--workers", type=cli.integer("workers", 1), default=1)
    p.add_argument("--quick", action="store_true", help="quick verify grid (for tests)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    from boundkit.checks import rates
    from boundkit.outputs import rate_table
    from boundkit.outputs.figure import FigureParameters

    out = Path(args.directory)
    if not out.is_dir():
        raise ParameterError("directory", "an existing directory", args.directory)
    progress = not args.no_progress
    output.write(str(out / "rates.md"), rate_table.render("markdown"))
    output.write(str(out / "rates.tex"), rate_table.render("latex"))
    fits = compute_rates((101, 1001, 3001), 50, progress)
    output.write(str(out / "fits.md"), "# Fitted exponents\n\n" + rates.render(fits, "markdown"))
    make_figure(
        FigureParameters(),
        str(out / "figure1.png"),
        str(out / "figure1.csv"),
        log=False,
        progress=progress,
    )
    verify_args = argparse.Namespace(
        quick=args.quick,
        dps=50,
        json=None,
        markdown=str(out / "verification.md"),
        workers=args.workers,
        scheduler=None,
        construction=None,
        no_proofs=False,
        no_progress=not progress,
    )
    status = run_verify(verify_args)
    failed_fits = sum(fit.status == "FAIL" for fit in fits)
    return cli.EXIT_FAILED if status or failed_fits else cli.EXIT_OK
