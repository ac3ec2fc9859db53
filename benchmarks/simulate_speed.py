"""Speed of the grouped simulator on the (P1) layout (boundkit.dynamics.coupled_runs and friends).

Target: robust D-GD with 4 worker groups (pivot-special 1, pivot-rest n - 2f - 1, A f,
B f), linear loss, SMEA, n = 1,001, 10,000 steps at 50 digits: under 10 s, ideally under
1 s.  Runs it with and without the exact aggregate cache (for a linear loss the messages
never change, so with the cache SMEA runs once per run) and prints steps per second
(one step = one step of both runs, S and S').  For comparison it also runs (P2), the
quadratic loss, whose messages change at every step so that the cache never hits.

    python benchmarks/simulate_speed.py [--steps 10000] [--n 1001] [--f 300] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from fractions import Fraction

import mpmath

from boundkit.dynamics.coupled_runs import run_pair
from boundkit.dynamics.losses import LinearLoss, QuadraticLoss
from boundkit.dynamics.problem import Problem, WorkerGroup


def p1_problem(n: int, f: int, m: int, quadratic: bool = False) -> Problem:
    """Construction P1 (docs/theory.md, section 3): pivot 0 (special worker -1 in S, +1 in
    S'), A at +1, B poisoned at -1.

    With ``quadratic`` the loss is (P2)'s ``(1/2)(theta - z)^2`` on ``[-1, 1]``.
    """

    def special(first: int) -> WorkerGroup:
        return WorkerGroup((first,) + (0,) * (m - 1), 1, "special")

    rest = WorkerGroup((0,) * m, n - 2 * f - 1, "pivot")
    a = WorkerGroup((1,) * m, f, "A")
    return Problem(
        honest=(special(-1), rest, a),
        honest_neighbour=(special(1), rest, a),
        loss=QuadraticLoss(1, 1) if quadratic else LinearLoss(1),
        misbehaving_count=f,
        poisoned=(WorkerGroup((-1,) * m, f, "B"),),
    )


def timed(problem: Problem, steps: int, *, cache: bool, dps: int) -> tuple[float, object]:
    start = time.perf_counter()
    result = run_pair(
        problem, algorithm="gd", steps=steps, step_size=Fraction(1, 10), dps=dps, cache=cache
    )
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1001)
    parser.add_argument("--f", type=int, default=300)
    parser.add_argument("--m", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--dps", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile the cached run")
    args = parser.parse_args()
    problem = p1_problem(args.n, args.f, args.m)
    expected = Fraction(2, 10) * args.steps * (args.f + Fraction(1, args.m)) / (args.n - args.f)
    print(f"n={args.n} f={args.f} m={args.m} T={args.steps} dps={args.dps}, 4 groups, SMEA")
    for cache in (True, False):
        seconds, result = timed(problem, args.steps, cache=cache, dps=args.dps)
        with mpmath.workdps(args.dps):
            exact = mpmath.mpf(expected.numerator) / expected.denominator
            error = mpmath.nstr(abs(result.gaps[-1] - exact) / exact, 3)
        print(
            f"  cache={'on ' if cache else 'off'}: {seconds:8.3f} s  "
            f"{args.steps / seconds:10.0f} steps/s  (relative error vs (P1) closed form {error})"
        )
    seconds, _ = timed(
        p1_problem(args.n, args.f, args.m, True), args.steps, cache=True, dps=args.dps
    )
    print(
        f"  (P2) quadratic (cache never hits): {seconds:8.3f} s  "
        f"{args.steps / seconds:10.0f} steps/s"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        timed(problem, args.steps, cache=True, dps=args.dps)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
