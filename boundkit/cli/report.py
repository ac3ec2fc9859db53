"""``python -m boundkit report``: regenerate Table 1, the fits, the verification report and
Figure 1 in ``reports/``."""

from __future__ import annotations

import argparse

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output
from boundkit.cli.figure import check_figure_paths, make_figure
from boundkit.cli.rates import compute_rates, status_legend
from boundkit.cli.tightness import write_tightness
from boundkit.cli.verify import verify_to

#: The files ``report`` (re)writes in its directory.
FILES = (
    "rates.md",
    "rates.tex",
    "fits.md",
    "figure1.png",
    "figure1.csv",
    "verification.md",
    "tightness.md",
    "tightness.png",
)


def register_report(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="regenerate Table 1, the fits, the verification report and Figure 1 in reports/",
        description="Regenerate reports/: rates.md and rates.tex (Table 1), fits.md (fitted "
        "exponents), verification.md (default verify grid), figure1.png and figure1.csv, "
        "tightness.md and tightness.png (the default tightness map, with the directory's "
        "attack_search.json certificates when present). All eight files are replaced "
        "together at the end, or none is.",
        epilog=limits.epilog(("workers", limits.WORKERS)),
    )
    p.add_argument(
        "--directory",
        type=cli.path("directory"),
        default="reports",
        help="output directory (default reports)",
    )
    p.add_argument(
        "--workers",
        type=cli.integer("workers", 1, limits.WORKERS),
        default=1,
        help=f"worker processes for verify (default 1; {limits.WORKERS.help('workers')})",
    )
    p.add_argument("--quick", action="store_true", help="quick verify grid (for tests)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(handler=run_report)


def run_report(args: argparse.Namespace) -> int:
    from boundkit.checks import rates
    from boundkit.outputs import rate_table
    from boundkit.outputs.figure import FigureParameters

    out = output.check_directory("directory", args.directory)
    for name in FILES:
        output.check_output("directory", str(out / name))
    check_figure_paths(str(out / "figure1.png"), str(out / "figure1.csv"))
    progress = not args.no_progress
    files = output.Outputs()
    files.text("directory", str(out / "rates.md"), rate_table.render("markdown"))
    files.text("directory", str(out / "rates.tex"), rate_table.render("latex"))
    fits = compute_rates(rates.DEFAULT_NS, 50, progress)
    fits_text = (
        "# Fitted exponents\n\n"
        "Regenerate: `python -m boundkit report` (the same series: `python -m boundkit rates`).\n\n"
        + rates.render(fits, "markdown")
        + status_legend("markdown")
    )
    files.text("directory", str(out / "fits.md"), fits_text)
    make_figure(
        FigureParameters(),
        str(out / "figure1.png"),
        str(out / "figure1.csv"),
        log=False,
        progress=progress,
        files=files,
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
    status = verify_to(verify_args, files)
    consistent = write_tightness(_tightness_args(out, args.workers), files)
    files.commit()
    failed_fits = sum(fit.status == "FAIL" for fit in fits)
    return cli.EXIT_FAILED if status or failed_fits or not consistent else cli.EXIT_OK


def _tightness_args(out, workers: int) -> argparse.Namespace:
    """The default tightness map, with the attack-search certificates of ``out`` when there."""
    from boundkit.cli.tightness import DEFAULT_NS, parse_integers

    certificates = out / "attack_search.json"
    return argparse.Namespace(
        d=None,
        ns=parse_integers("ns", DEFAULT_NS),
        ms=[1, 2, 5],
        tailored=False,
        certificates=str(certificates) if certificates.is_file() else None,
        workers=workers,
        json=None,
        markdown=str(out / "tightness.md"),
        out=str(out / "tightness.png"),
    )
