"""``python -m boundkit simulate``: one construction at given parameters."""

from __future__ import annotations

import argparse
import sys

from boundkit.cli import arguments as cli
from boundkit.cli import limits

_SIZES = {"n": limits.SIMULATE_MAX_N, "m": limits.SIMULATE_M, "T": limits.SIMULATE_MAX_T}


def register_simulate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help="run one construction at given parameters",
        description=cli.lazy(
            lambda: (
                "Build one lower-bound construction, simulate both runs and print the "
                "final parameters, the gap, the stability reached, its closed form and the bounds. "
                + cli.construction_catalogue()
            )
        ),
        epilog=limits.simulate_epilog(),
    )
    p.add_argument(
        "--construction",
        required=True,
        metavar="NAME",
        help=cli.lazy(cli.construction_help),
    )
    cli.add_setting_arguments(p, required=True, limits=_SIZES)
    cli.dps_argument(p, limits.SIMULATE_DPS)
    p.add_argument("--json", action="store_true", help="print one JSON record")
    p.set_defaults(handler=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    from boundkit.checks.grid import Case
    from boundkit.checks.verify import run_case

    (name,) = cli.construction_names([args.construction])
    from constructions import CONSTRUCTIONS
    from constructions.run import ConstructionUndefined

    setting = cli.setting_from(args)
    limits.check_construction(name, setting.n, setting.f, setting.T, setting.m)
    reason = CONSTRUCTIONS[name].applies(setting)
    if reason is not None:
        raise ConstructionUndefined(name, setting, reason)
    record = run_case(Case(name, setting), dps=args.dps)
    if args.json:
        from boundkit.json_document import dumps
        from boundkit.outputs.verify_json import simulate_document

        sys.stdout.write(dumps(simulate_document(record, args.dps)))
    else:
        print_record(record.as_dict())
    return cli.EXIT_OK if record.status == "PASS" else cli.EXIT_FAILED


def print_record(fields: dict) -> None:
    """One ``name: value`` line per field, names right-aligned; the ``extras`` mapping
    flattened into lines, any other mapping as ``key: value; ...`` on its line."""
    lines = {k: v for k, v in fields.items() if k != "extras"} | dict(fields.get("extras", {}))
    width = max(map(len, lines), default=0)
    for key, value in lines.items():
        if isinstance(value, dict):
            value = "; ".join(f"{k}: {v}" for k, v in value.items())
        print(f"{key:>{width}}: {value}")
