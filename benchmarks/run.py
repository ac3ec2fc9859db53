"""Every boundkit benchmark in one run: medians over repeats, a table and a JSON file.

    python benchmarks/run.py [--json PATH] [--markdown PATH] [--quick]
    python benchmarks/run.py --from-json reports/benchmarks.json --markdown reports/benchmarks.md

Figures (JSON keys; each maps to a dict whose ``value`` is the headline number, with
``target`` and ``met``, or ``value: null`` and a ``reason`` when it could not be measured):

* ``smea_1d_vs_byzfl`` -- boundkit's exact 1-D SMEA against ``byzfl.SMEA`` (0.0.11) on the
  same float64 ``(n, 1)`` input, n = 20, f = 9 (ByzFL enumerates C(20, 9) = 167,960
  subsets): time ratio ByzFL / boundkit, target >= 1000;
* ``smea_d10_vs_byzfl`` -- the same at d = 10, n = 16, f = 7 (11,440 subsets) over several
  seeds: time ratio (target >= 1), how often ByzFL's output differs from the exact SMEA
  output and by how much at worst; boundkit's subset is checked against a per-subset
  ``eigvalsh`` loop;
* ``smea_1d_large_seconds`` -- n = 100,001, f = 50,000, float64 (target < 1 s);
* ``steps_per_second_50_digits`` -- construction (P1) at n = 1001, f = 300, m = 2,
  10,000 steps of ``run_pair`` at 50 digits, in fresh subprocesses with gmpy2 and with
  ``MPMATH_NOGMPY=1`` (target: 10,000 steps in under 1 s);
* ``verify_default_grid_seconds`` -- wall time of ``python -m boundkit verify --no-progress
  --no-proofs`` serially and with ``--workers 2`` (``--quick``: the quick grid), their
  ratio (targets: serial < 120 s, ratio >= 1.7) and whether both ``--json`` files are
  identical.

The ``smea_speed`` benchmarks (:data:`benchmarks.smea_speed.BENCHMARKS`) are included as
``smea_speed``.  ByzFL is loaded by :mod:`byzfl_loader` (never by boundkit); when it cannot
be loaded its figures are ``null`` with the reason.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _p in (str(HERE), str(ROOT)):
    if _p not in sys.path:
        sys.path.insert(0, _p)

import byzfl_loader  # noqa: E402
import smea_speed  # noqa: E402

from boundkit.rules import smea  # noqa: E402

DIFFERS_TOL = 1e-9


# --------------------------------------------------------------------------- helpers
def _timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def _per_call(call: Callable[[], object], min_seconds: float = 0.2) -> float:
    """Median per-call time of a fast call: 5 batches, each of at least ``min_seconds``."""
    call()  # warm-up
    seconds, _ = _timed(call)
    number = max(1, int(min_seconds / max(seconds, 1e-7)))
    batches = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(number):
            call()
        batches.append((time.perf_counter() - start) / number)
    return statistics.median(batches)


def _byzfl_call(smea_class: Any, f: int, x: np.ndarray, seed: int) -> np.ndarray:
    """ByzFL's SMEA draws its power-iteration start from the global ``np.random`` state:
    seed it per call, and restore the caller's state afterwards."""
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        return np.asarray(smea_class(f)(x), dtype=np.float64)
    finally:
        np.random.set_state(state)


def _unavailable(reason: str, **extra: object) -> dict[str, object]:
    return {"value": None, "reason": reason, "met": None, **extra}


# --------------------------------------------------------------------------- SMEA vs ByzFL
def smea_1d_vs_byzfl(
    smea_class: Any | None, why: str | None, *, n: int = 20, f: int = 9, repeats: int = 3
) -> dict[str, object]:
    subsets = math.comb(n, n - f)
    target = ">= 1000"
    if smea_class is None:
        return _unavailable(str(why), n=n, f=f, subsets=subsets, target=target)
    rng = np.random.default_rng(20)
    x = rng.normal(size=(n, 1))  # the same float64 (n, 1) array for both
    x[n - f :] = 0.1 * x[n - f :] + 5.0  # a tight Byzantine cluster away from the honest
    byzfl_times, outputs = [], []
    for r in range(repeats):
        seconds, out = _timed(lambda r=r: _byzfl_call(smea_class, f, x, seed=r))
        byzfl_times.append(seconds)
        outputs.append(out)
    ours = smea(x, f)
    boundkit_seconds = _per_call(lambda: smea(x, f))
    byzfl_seconds = statistics.median(byzfl_times)
    ratio = byzfl_seconds / boundkit_seconds
    diff = max(float(np.max(np.abs(o - np.asarray(ours.value)))) for o in outputs)
    return {
        "value": ratio,
        "target": target,
        "met": ratio >= 1000,
        "n": n,
        "f": f,
        "subsets": subsets,
        "byzfl_seconds_median": byzfl_seconds,
        "byzfl_seconds_all": byzfl_times,
        "boundkit_seconds_median": boundkit_seconds,
        "max_abs_difference": diff,
        "same_output": diff <= DIFFERS_TOL,
    }


def _loop_subset(x: np.ndarray, f: int) -> tuple[int, ...]:
    return smea_speed._loop_smea_subset(x, f)


def _d10_input(seed: int, n: int, f: int, d: int) -> np.ndarray:
    """The setting measured against ByzFL 0.0.11: honest rows N(0, I), Byzantine rows
    N(0, 0.09 I) shifted by a random offset of norm 2 to 4."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    offset = rng.normal(size=d)
    offset *= rng.uniform(2.0, 4.0) / np.linalg.norm(offset)
    x[n - f :] = 0.3 * rng.normal(size=(f, d)) + offset
    return x


def _lambda_max(x: np.ndarray, subset: tuple[int, ...]) -> float:
    rows = x[list(subset)]
    c = rows - rows.mean(axis=0)
    return float(np.linalg.eigvalsh(c.T @ c / len(subset))[-1])


def _subset_of_mean(x: np.ndarray, k: int, value: np.ndarray) -> tuple[int, ...] | None:
    """The ``k``-subset whose mean is ``value`` (ByzFL returns only the mean)."""
    best, best_err = None, math.inf
    for subset in itertools.combinations(range(len(x)), k):
        err = float(np.max(np.abs(x[list(subset)].mean(axis=0) - value)))
        if err < best_err:
            best, best_err = subset, err
    return best if best_err <= 1e-9 else None


def smea_d10_vs_byzfl(
    smea_class: Any | None,
    why: str | None,
    *,
    n: int = 16,
    f: int = 7,
    d: int = 10,
    seeds: int = 20,
    check_exact: bool = True,
) -> dict[str, object]:
    subsets = math.comb(n, n - f)
    target = "ratio >= 1, boundkit exact"
    if smea_class is None:
        return _unavailable(str(why), n=n, f=f, d=d, subsets=subsets, target=target)
    byzfl_times, boundkit_times = [], []
    differs, worst, exact, eig_ratios = 0, 0.0, 0, []
    for seed in range(seeds):
        x = _d10_input(seed, n, f, d)
        tb, theirs = _timed(lambda x=x, seed=seed: _byzfl_call(smea_class, f, x, seed=seed))
        ta, ours = _timed(lambda x=x: smea(x, f))
        byzfl_times.append(tb)
        boundkit_times.append(ta)
        diff = float(np.max(np.abs(theirs - np.asarray(ours.value))))
        worst = max(worst, diff)
        if diff > DIFFERS_TOL:
            differs += 1
            chosen = _subset_of_mean(x, n - f, theirs) if check_exact else None
            if chosen is not None:
                eig_ratios.append(_lambda_max(x, chosen) / _lambda_max(x, ours.selected))
        if check_exact and ours.selected == _loop_subset(x, f):
            exact += 1
    byzfl_seconds = statistics.median(byzfl_times)
    boundkit_seconds = statistics.median(boundkit_times)
    ratio = byzfl_seconds / boundkit_seconds
    out: dict[str, object] = {
        "value": ratio,
        "target": target,
        "met": ratio >= 1 and (not check_exact or exact == seeds),
        "n": n,
        "f": f,
        "d": d,
        "subsets": subsets,
        "seeds": seeds,
        "byzfl_seconds_median": byzfl_seconds,
        "boundkit_seconds_median": boundkit_seconds,
        "byzfl_differs": differs,
        "byzfl_differs_fraction": differs / seeds,
        "worst_max_abs_difference": worst,
        "boundkit_matches_per_subset_eigvalsh_loop": exact if check_exact else None,
    }
    if eig_ratios:
        out["byzfl_lambda_over_optimum_median"] = statistics.median(eig_ratios)
        out["byzfl_lambda_over_optimum_worst"] = max(eig_ratios)
    return out


# --------------------------------------------------------------------------- other SMEA
def smea_1d_large(repeats: int) -> dict[str, object]:
    result = smea_speed.bench_smea_1d_large(repeats=repeats)
    seconds = float(result["seconds_median"])  # type: ignore[arg-type]
    return {"value": seconds, "target": "< 1 s", "met": seconds < 1.0, **result}


def smea_speed_all(quick: bool) -> dict[str, object]:
    """The remaining ``smea_speed`` benchmarks (the 1-D large one is reported above)."""
    return {
        "smea_batched_vs_loop": smea_speed.bench_smea_batched_vs_loop(repeats=1 if quick else 3),
        "smea_grouped_mp": smea_speed.bench_smea_grouped_mp(calls=50 if quick else 200),
    }


# --------------------------------------------------------------------------- simulator
def _steps_worker(repeats: int, steps: int) -> None:
    """Subprocess body: P1 at n = 1001, f = 300, m = 2 for ``steps`` steps; prints JSON."""
    import mpmath

    from boundkit.config import Setting
    from boundkit.dynamics.coupled_runs import run_pair
    from constructions import p1_poisoning_gd_convex as p1

    setting = Setting(n=1001, f=300, m=2, T=steps, step_size=Fraction(1, 10))
    instance = p1.build(setting)

    def run(cache: bool) -> object:
        return run_pair(
            instance.problem,
            algorithm="gd",
            steps=steps,
            step_size=setting.step_size,
            dps=50,
            cache=cache,
        )

    out: dict[str, object] = {"backend": mpmath.libmp.BACKEND, "steps": steps}
    for cache, count in ((True, repeats), (False, max(1, repeats // 2))):
        times = []
        result: Any = None
        for _ in range(count):
            seconds, result = _timed(lambda cache=cache: run(cache))
            times.append(seconds)
        with mpmath.workdps(50):
            closed = Fraction(2, 10) * steps * (300 + Fraction(1, 2)) / (1001 - 300)
            exact = mpmath.mpf(closed.numerator) / closed.denominator
            error = abs(result.gaps[-1] - exact) / exact
        label = "cache" if cache else "no_cache"
        out[f"{label}_seconds_median"] = statistics.median(times)
        out[f"{label}_seconds_all"] = times
        out[f"{label}_steps_per_second"] = steps / statistics.median(times)
        out[f"{label}_relative_error_vs_closed_form"] = float(error)
    print(json.dumps(out))


def steps_per_second(repeats: int, steps: int = 10_000) -> dict[str, object]:
    runs: dict[str, object] = {}
    for label, extra in (("gmpy2", {}), ("no_gmpy2", {"MPMATH_NOGMPY": "1"})):
        env = {**os.environ, **extra}
        if not extra:
            env.pop("MPMATH_NOGMPY", None)
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--steps-worker",
            "--repeats",
            str(repeats),
            "--steps",
            str(steps),
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            runs[label] = {"error": done.stderr.strip().splitlines()[-1:]}
            continue
        runs[label] = json.loads(done.stdout.strip().splitlines()[-1])
    default = runs.get("gmpy2", {})
    sps = default.get("cache_steps_per_second") if isinstance(default, dict) else None
    seconds = default.get("cache_seconds_median") if isinstance(default, dict) else None
    return {
        "value": sps,
        "target": f"{steps} steps in < 1 s (>= {steps} steps/s)",
        "met": None if seconds is None else seconds < 1.0,
        "construction": "P1 n=1001 f=300 m=2 gamma=1/10, run_pair gd, dps=50",
        **runs,
    }


# --------------------------------------------------------------------------- verify
def _busy_cpu_seconds() -> float:
    """Machine-wide busy CPU seconds since boot (``/proc/stat``; 0 where unavailable)."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(x) for x in fields[:8]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def _verify_run(quick: bool, workers: int, json_path: Path) -> dict[str, object]:
    command = [sys.executable, "-m", "boundkit", "verify", "--no-progress", "--no-proofs"]
    if quick:
        command.append("--quick")
    if workers > 1:
        command += ["--workers", str(workers)]
    command += ["--json", str(json_path)]
    busy_before = _busy_cpu_seconds()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, done = _timed(
        lambda: subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    busy = _busy_cpu_seconds() - busy_before
    assert isinstance(done, subprocess.CompletedProcess)
    statuses: dict[str, int] = {}
    failed: list[str] = []
    if json_path.exists():
        for record in json.loads(json_path.read_text())["records"]:
            statuses[record["status"]] = statuses.get(record["status"], 0) + 1
            if record["status"] != "PASS" and len(failed) < 5:
                failed.append(
                    f"{record['check']} {record['construction']} n={record['n']} "
                    f"f={record['f']} m={record['m']} T={record['T']}: {record['detail']}"
                )
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "cores_used": cpu / seconds,  # CPU / wall: below the worker count when contended
        # cores kept busy by other processes meanwhile (machine busy time minus ours)
        "other_processes_cores": max(0.0, busy - cpu) / seconds,
        "exit_code": done.returncode,
        "statuses": statuses,
        "first_failures": failed,
        "command": " ".join(["python"] + command[1:-2]),
        "stderr_tail": done.stderr.strip().splitlines()[-3:],
    }


def verify_grid(quick: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        serial_json, parallel_json = Path(tmp, "serial.json"), Path(tmp, "workers2.json")
        serial = _verify_run(quick, 1, serial_json)
        parallel = _verify_run(quick, 2, parallel_json)
        records = None
        identical = False
        if serial_json.exists() and parallel_json.exists():
            identical = serial_json.read_bytes() == parallel_json.read_bytes()
            records = len(json.loads(serial_json.read_text())["records"])
    ratio = serial["seconds"] / parallel["seconds"]  # type: ignore[operator]
    serial_ok = serial["seconds"] < 120  # type: ignore[operator]
    return {
        "value": serial["seconds"],
        "grid": "quick" if quick else "default",
        "target": "serial < 120 s, serial/workers2 >= 1.7, identical JSON",
        "met": serial_ok and ratio >= 1.7 and identical,
        "met_serial": serial_ok,
        "met_ratio": ratio >= 1.7,
        "met_identical": identical,
        "serial": serial,
        "workers_2": parallel,
        "ratio_serial_over_workers_2": ratio,
        "json_identical": identical,
        "records": records,
    }


# --------------------------------------------------------------------------- machine
def machine() -> dict[str, object]:
    import mpmath

    try:
        import gmpy2

        gmpy_version: str | None = gmpy2.version()
    except ImportError:
        gmpy_version = None
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "numpy": np.__version__,
        "mpmath": mpmath.__version__,
        "mpmath_backend": mpmath.libmp.BACKEND,
        "gmpy2": gmpy_version,
        "byzfl": byzfl_loader.byzfl_version(),
        "load_average_at_start": list(os.getloadavg()),
        "git": _git_state(),
    }


def _git_state() -> str | None:
    """``HEAD`` and the files changed in the work tree (the code that was measured)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.split("\n")
    except OSError:
        return None
    changed = sorted(line[3:] for line in dirty if line.strip())
    return head + (f" + uncommitted changes to {', '.join(changed)}" if changed else "")


# --------------------------------------------------------------------------- output
def _fmt(x: object, digits: int = 4) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        return f"{x:.{digits}g}"
    return str(x)


def table_rows(results: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []

    def add(key: str, what: str, value: str, target: str, met: object) -> None:
        rows.append([key, what, value, target, {True: "yes", False: "NO", None: "n/a"}[met]])

    r = results["smea_1d_vs_byzfl"]
    if r["value"] is None:
        add("smea_1d_vs_byzfl", "ByzFL unavailable", r["reason"], r["target"], None)
    else:
        add(
            "smea_1d_vs_byzfl",
            f"ByzFL/boundkit time, n={r['n']} f={r['f']} ({r['subsets']} subsets): "
            f"{_fmt(r['byzfl_seconds_median'])} s vs {_fmt(r['boundkit_seconds_median'])} s",
            f"x{r['value']:.0f}",
            r["target"],
            r["met"],
        )
    r = results["smea_d10_vs_byzfl"]
    if r["value"] is None:
        add("smea_d10_vs_byzfl", "ByzFL unavailable", r["reason"], r["target"], None)
    else:
        add(
            "smea_d10_vs_byzfl",
            f"d={r['d']} n={r['n']} f={r['f']} ({r['subsets']} subsets), {r['seeds']} seeds: "
            f"{_fmt(r['byzfl_seconds_median'])} s vs {_fmt(r['boundkit_seconds_median'])} s; "
            f"ByzFL wrong {r['byzfl_differs']}/{r['seeds']} (worst max-abs "
            f"{_fmt(r['worst_max_abs_difference'], 3)}; its subset's lambda_max / optimum: "
            f"median {_fmt(r.get('byzfl_lambda_over_optimum_median'), 3)}, worst "
            f"{_fmt(r.get('byzfl_lambda_over_optimum_worst'), 3)}); boundkit = eigvalsh loop "
            f"{r['boundkit_matches_per_subset_eigvalsh_loop']}/{r['seeds']}",
            f"x{r['value']:.2f}",
            r["target"],
            r["met"],
        )
    r = results["smea_1d_large_seconds"]
    add("smea_1d_large_seconds", r["case"], f"{r['value']:.4f} s", r["target"], r["met"])
    r = results["steps_per_second_50_digits"]
    parts = []
    for label in ("gmpy2", "no_gmpy2"):
        run = r.get(label, {})
        if "cache_steps_per_second" in run:
            parts.append(
                f"{label} (backend {run['backend']}): "
                f"{run['cache_seconds_median']:.3f} s; without aggregate cache "
                f"{run['no_cache_seconds_median']:.3f} s"
            )
        else:
            parts.append(f"{label}: failed {run.get('error')}")
    add(
        "steps_per_second_50_digits",
        f"{r['construction']}; " + "; ".join(parts),
        _fmt(r["value"], 5) + " steps/s",
        r["target"],
        r["met"],
    )
    r = results["verify_default_grid_seconds"]
    serial, pooled = r["serial"], r["workers_2"]
    ratio = r["ratio_serial_over_workers_2"]
    add(
        "verify_default_grid_seconds",
        f"{r['grid']} grid, {r['records']} records {serial['statuses']}: serial wall time "
        f"(CPU {serial['cpu_seconds']:.1f} s; {serial.get('other_processes_cores', 0):.2f} "
        f"cores busy with other processes; exit {serial['exit_code']})",
        f"{serial['seconds']:.1f} s",
        "< 120 s",
        serial["seconds"] < 120,
    )
    add(
        "verify_default_grid_seconds",
        f"--workers 2: {pooled['seconds']:.1f} s (CPU {pooled['cpu_seconds']:.1f} s, "
        f"{pooled.get('cores_used', 0):.2f} cores busy with it, "
        f"{pooled.get('other_processes_cores', 0):.2f} with other processes; exit "
        f"{pooled['exit_code']}); serial / workers 2",
        f"x{ratio:.2f}",
        ">= 1.7",
        ratio >= 1.7,
    )
    add(
        "verify_default_grid_seconds",
        "--json of serial and --workers 2 runs byte-identical",
        str(r["json_identical"]),
        "True",
        bool(r["json_identical"]),
    )
    extra = results["smea_speed"]
    b = extra["smea_batched_vs_loop"]
    add(
        "smea_speed.smea_batched_vs_loop",
        f"{b['case']}: batched {b['batched_seconds']:.3f} s vs loop {b['loop_seconds']:.3f} s",
        f"x{b['speedup']:.1f}",
        "",
        None,
    )
    g = extra["smea_grouped_mp"]
    add(
        "smea_speed.smea_grouped_mp",
        g["case"],
        f"{g['microseconds_per_call']:.0f} us/call",
        "",
        None,
    )
    return rows


def render(results: dict[str, Any]) -> str:
    """The figures as a GitHub table, one line per row (a wrapped cell would render as an
    extra, almost empty row)."""
    from boundkit import markdown_text as md

    headers = ["key", "measured", "value", "target", "met"]
    rows = [[md.escape(str(cell)) for cell in row] for row in table_rows(results)]
    return md.table(headers, rows)


def _loads(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def markdown(results: dict[str, Any]) -> str:
    from boundkit import markdown_text as md

    m = results["machine"]
    gmpy = f"yes (gmpy2 {m['gmpy2']})" if m["mpmath_backend"] == "gmpy" else "no"
    lines = [
        "# boundkit benchmarks",
        "",
        f"Measured by `python benchmarks/run.py{' --quick' if results['mode'] == 'quick' else ''}"
        f" --json reports/benchmarks.json --markdown reports/benchmarks.md` "
        f"({results['total_seconds']:.0f} s); every number is from that one run (medians over "
        "repeats; the raw figures are in `benchmarks.json`).  Re-rendered without measuring "
        "by `python benchmarks/run.py --from-json reports/benchmarks.json --markdown "
        "reports/benchmarks.md`.",
        "",
        render(results),
        "",
        "## Machine",
        "",
        f"- {m['cores']} cores ({md.escape(m['cpu'])}), {md.escape(m['platform'])}",
        f"- Python {m['python']}, numpy {m['numpy']}, mpmath {m['mpmath']}; gmpy2 used by "
        f"mpmath: {gmpy}",
        f"- ByzFL {m['byzfl']} (aggregators only, loaded by `benchmarks/byzfl_loader.py`)",
        f"- load average (1, 5, 15 min) at start {_loads(m['load_average_at_start'])}, at end "
        f"{_loads(m['load_average_at_end'])} (other sessions share this machine)",
        f"- code: {md.escape(str(m['git']))}",
        "",
    ]
    return "\n".join(lines)


#: Version of the ``boundkit.benchmarks`` document (docs/schemas/benchmarks.schema.json).
JSON_VERSION = 1


def json_document(results: dict[str, Any]) -> str:
    """``results`` as the ``boundkit.benchmarks`` JSON document (every figure typed: seconds
    and ratios JSON numbers, ``met`` a boolean or ``null``)."""
    from boundkit.json_document import document, dumps

    return dumps(document("benchmarks", JSON_VERSION, results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="boundkit benchmarks (one run, all figures)")
    parser.add_argument("--json", default=None, metavar="PATH", help="write the results")
    parser.add_argument("--markdown", default=None, metavar="PATH", help="write a summary")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, quick grid")
    parser.add_argument("--steps-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=10_000, help=argparse.SUPPRESS)
    parser.add_argument(
        "--from-json",
        default=None,
        metavar="PATH",
        help="measure nothing: re-render the table (and --markdown) from an earlier run's JSON",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text())
        print(render(results))
        if args.markdown:
            Path(args.markdown).write_text(markdown(results))
        return 0
    if args.steps_worker:
        _steps_worker(args.repeats, args.steps)
        return 0
    quick = args.quick
    started = time.perf_counter()
    results: dict[str, Any] = {"mode": "quick" if quick else "full", "machine": machine()}
    smea_class, why = byzfl_loader.load_smea()
    results["byzfl_loaded"] = smea_class is not None
    results["smea_1d_vs_byzfl"] = smea_1d_vs_byzfl(smea_class, why, repeats=1 if quick else 3)
    results["smea_d10_vs_byzfl"] = smea_d10_vs_byzfl(smea_class, why, seeds=5 if quick else 20)
    results["smea_1d_large_seconds"] = smea_1d_large(repeats=3 if quick else 5)
    results["smea_speed"] = smea_speed_all(quick)
    results["steps_per_second_50_digits"] = steps_per_second(repeats=3 if quick else 5)
    results["verify_default_grid_seconds"] = verify_grid(quick)
    results["machine"]["load_average_at_end"] = list(os.getloadavg())
    results["total_seconds"] = time.perf_counter() - started
    print(render(results))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json_document(results))
        print(f"wrote {args.json}")
    if args.markdown:
        Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
        Path(args.markdown).write_text(markdown(results))
        print(f"wrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
