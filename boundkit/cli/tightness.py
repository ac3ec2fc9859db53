"""``python -m boundkit tightness``: best certified lower bound over best certified upper bound,
per step, on a grid of ``(n, f, m)`` (docs/theory.md, section 7)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from boundkit.cli import arguments as cli
from boundkit.cli import limits, output
from boundkit.errors import ParameterError
from boundkit.json_document import dumps

TIGHTNESS_N = limits.Limit(1_001, "exact bounds per cell: about 10 s per n = 101 on one core")
TIGHTNESS_M = limits.Limit(1_000, "m only enters the closed forms")
TIGHTNESS_COUNT = 100
DEFAULT_NS = "3-30,35,40,41,45,51,61,71,81,91,100,101"


def register_tightness(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tightness",
        help="tightness map: best certified lower bound / best certified upper bound",
        description="For each (n, f, m) of a grid, 1 <= f < n/2: the largest value a "
        "construction reaches (registered closed forms B1, B2, B3 (d = 2), B4, P1; the "
        "tailored attack with --tailored; replayed attack-search certificates with "
        "--certificates) over the smallest registered upper bound that applies, per step "
        "in units of gamma L^2, for Byzantine failures (each --d) and for poisoning; a "
        "markdown summary, a JSON of every cell and a heat map over f/n and n.",
        epilog=limits.epilog(("n", TIGHTNESS_N), ("m", TIGHTNESS_M), ("workers", limits.WORKERS))
        + f" At most {TIGHTNESS_COUNT} values in --ns and --ms.",
    )
    p.add_argument(
        "--d",
        type=_dimension,
        action="append",
        default=None,
        help="1 or 2 (repeatable; default 1 and 2)",
    )
    p.add_argument(
        "--ns",
        type=_integers("ns", 3, TIGHTNESS_N),
        default=parse_integers("ns", DEFAULT_NS),
        help=f"e.g. 3-30,51,101 (default {DEFAULT_NS})",
    )
    p.add_argument(
        "--ms",
        type=_integers("ms", 1, TIGHTNESS_M),
        default=[1, 2, 5],
        help="samples per honest worker, e.g. 1,2,5 (the default)",
    )
    p.add_argument("--tailored", action="store_true", help="also the tailored attack (slower)")
    p.add_argument(
        "--certificates",
        type=cli.path("certificates"),
        default=None,
        metavar="PATH",
        help="attack-search certificates (JSON of attack-search --json), replayed exactly",
    )
    p.add_argument(
        "--workers",
        type=cli.integer("workers", 1, limits.WORKERS),
        default=1,
        help=f"worker processes (default 1; {limits.WORKERS.help('workers')})",
    )
    for name, what in (("json", "every cell as JSON"), ("markdown", "the report")):
        p.add_argument(f"--{name}", type=cli.path(name), default=None, metavar="PATH", help=what)
    p.add_argument("--out", type=cli.path("out"), default=None, metavar="PNG", help="heat map")
    p.set_defaults(handler=run_tightness)


def _dimension(text: str) -> int:
    return cli.read_integer("d", text, 1, limits.Limit(2, "the constructions use d = 1 and 2"))


def _integers(name: str, minimum: int, limit: limits.Limit):
    """An argparse type: :func:`parse_integers`."""
    return lambda text: parse_integers(name, text, minimum, limit)


def parse_integers(
    name: str, text: str, minimum: int = 3, limit: limits.Limit = TIGHTNESS_N
) -> list[int]:
    """Comma-separated integers and ranges ``a-b``, sorted, distinct, at most
    :data:`TIGHTNESS_COUNT` of them, each in ``[minimum, limit]``."""
    values: set[int] = set()
    for part in text.split(","):
        low, dash, high = part.partition("-")
        first = cli.read_integer(name, low, minimum, limit)
        last = cli.read_integer(name, high, first, limit) if dash else first
        if last - first >= TIGHTNESS_COUNT:
            raise ParameterError(name, f"at most {TIGHTNESS_COUNT} values", text)
        values.update(range(first, last + 1))
        if len(values) > TIGHTNESS_COUNT:
            raise ParameterError(name, f"at most {TIGHTNESS_COUNT} values", text)
    return sorted(values)


def read_certificates(path_text: str) -> list:
    """``--certificates PATH``: an existing file of bounded size, parsed by the strict schema."""
    from boundkit.labs.tightness import read_certificates as parse

    path = Path(path_text)
    if not path.is_file():
        raise ParameterError("certificates", "an existing file", path_text)
    size = path.stat().st_size
    if size > limits.CERTIFICATE_BYTES:
        raise ParameterError("certificates", f"at most {limits.CERTIFICATE_BYTES:,} bytes", size)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ParameterError("certificates", "a readable UTF-8 file", str(error)) from None
    return parse(text)


def command(args: argparse.Namespace) -> str:
    """The command line that regenerates the outputs of ``args``."""
    parts = ["python -m boundkit tightness"]
    parts += [f"--d {d}" for d in args.d or (1, 2)]
    parts.append("--ns " + ",".join(map(str, args.ns)))
    parts.append("--ms " + ",".join(map(str, args.ms)))
    parts += ["--tailored"] if args.tailored else []
    parts += [f"--certificates {args.certificates}"] if args.certificates else []
    parts += [f"--{k} {v}" for k in ("json", "markdown", "out") if (v := getattr(args, k))]
    return " ".join(parts)


def write_tightness(args: argparse.Namespace, files: output.Outputs) -> bool:
    """Compute the map and stage its outputs in ``files`` (shared with ``report``); ``True``
    when every cell's lower bound is below its upper bound (decided exactly)."""
    from boundkit.labs.tightness import check_grid, compute
    from boundkit.outputs import tightness_report as report

    dimensions = tuple(args.d or (1, 2))
    check_grid(args.ns, args.ms, dimensions)
    certificates = read_certificates(args.certificates) if args.certificates else []
    start = time.perf_counter()
    cells = compute(
        args.ns,
        args.ms,
        dimensions,
        certificates=certificates,
        tailored=args.tailored,
        workers=args.workers,
    )
    seconds = time.perf_counter() - start
    sources = (
        "registered B1/B2, B3 (d >= 2), B4, P1"
        + (", the tailored attack" if args.tailored else "")
        + (f", {len(certificates)} replayed certificates" if certificates else "")
    )
    text = report.to_markdown(cells, command(args), seconds, sources)
    files.text("markdown", args.markdown or output.STDOUT, text)
    if args.json:
        parameters = {
            "d": list(dimensions),
            "ns": list(args.ns),
            "ms": list(args.ms),
            "tailored": bool(args.tailored),
            "certificates": args.certificates,
            "certificates_replayed": len(certificates),
        }
        files.text("json", args.json, dumps(report.to_json(cells, parameters)))
    if args.out:
        from boundkit.outputs import tightness_plot

        files.render("out", args.out, lambda path: tightness_plot.plot(cells, path))
    return all(c.above_upper is False for c in cells)


def check_paths(args: argparse.Namespace) -> None:
    """Every output path checked before any work."""
    if args.out:
        output.check_output("out", args.out, suffix=".png")
    for name in ("json", "markdown"):
        if getattr(args, name):
            output.check_output(name, getattr(args, name), stdout=name == "markdown")
    output.check_distinct(out=args.out, json=args.json, markdown=args.markdown)


def run_tightness(args: argparse.Namespace) -> int:
    check_paths(args)
    files = output.Outputs()
    consistent = write_tightness(args, files)
    files.commit()
    return cli.EXIT_OK if consistent else cli.EXIT_FAILED
