"""``python -m boundkit simulate``: one construction at given parameters."""

from __future__ import annotations

import argparse
import json

from boundkit.cli import arguments as cli
from boundkit.cli import limits
from boundkit.errors import ParameterError

_SIZES = {"n": limits.SIMULATE_MAX_N, "m": limits.SIMULATE_M, "T": limits.SIMULATE_MAX_T}


def register_simulate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help="run one construction at given parameters",
        description="Build one lower-bound construction, simulate both runs and print the "
        "final parameters, the gap, the stability reached, its closed form and the bounds.",
        epilog=limits.simulate_epilog(),
    )
    p.add_argument(
        "--construction",
        required=True,
        metavar="NAME",
        help="P1, P2, P3, B1, B2, B3 or tailored",
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

    setting = cli.setting_from(args)
    limits.check_construction(name, setting.n, setting.f, setting.T, setting.m)
    reason = CONSTRUCTIONS[name].applies(setting)
    if reason is not None:
        raise ParameterError("construction", f"{name} defined at these parameters: {reason}")
    record = run_case(Case(name, setting), dps=args.dps)
    if args.json:
        print(json.dumps(record.as_dict(), indent=1))
    else:
        for key, value in record.as_dict().items():
            if key == "extras":
                for extra, text in value.items():
                    print(f"{extra:>16}: {text}")
            else:
                print(f"{key:>16}: {value}")
    return cli.EXIT_OK if record.status == "PASS" else cli.EXIT_FAILED
