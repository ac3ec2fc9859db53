"""Executors give identical verification records: serial, process pool and Dask.

``verify.run_cases`` must return the same records, field for field and in the order of
the plan, whatever runs the cases; ``verify --workers 2`` must write the same JSON file as a
serial run.  The Dask test needs the ``distributed`` extra (in ``.[test]``): without it the
test fails, it is never skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from boundkit.checks import grid
from boundkit.checks.grid import Grid, plan
from boundkit.checks.verify import run_cases

ROOT = Path(__file__).resolve().parents[2]
SMALL = Grid(ns=(5, 7), ms=(1, 2), Ts=(1, 2))  # every construction (P3 needs T > m)


@pytest.fixture(scope="module")
def cases() -> list[grid.Case]:
    return plan(SMALL)


@pytest.fixture(scope="module")
def serial(cases: list[grid.Case]) -> list[dict]:
    return [r.as_dict() for r in run_cases(cases)]


def _keys(records: list[dict]) -> list[tuple]:
    return [(r["construction"], r["n"], r["f"], r["m"], r["T"]) for r in records]


def test_small_plan_covers_every_construction(cases: list[grid.Case], serial) -> None:
    from constructions import CONSTRUCTIONS

    assert {c.construction for c in cases} == set(CONSTRUCTIONS)
    assert _keys(serial) == [
        (c.construction, c.setting.n, c.setting.f, c.setting.m, c.setting.T) for c in cases
    ]
    # ERROR records would hide a pickling or import problem in a worker
    assert not [r for r in serial if r["status"] == "ERROR"]


def test_process_pool_records_identical(cases: list[grid.Case], serial) -> None:
    pooled = [r.as_dict() for r in run_cases(cases, workers=2)]
    assert _keys(pooled) == _keys(serial)
    assert pooled == serial


def test_dask_local_cluster_records_identical(cases: list[grid.Case], serial) -> None:
    try:
        from distributed import LocalCluster
    except ImportError:
        pytest.fail(
            "the Dask test needs the 'distributed' extra: "
            "pip install 'boundkit[distributed]' (or '.[test]', which includes it)"
        )
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = [r.as_dict() for r in run_cases(cases, scheduler=cluster.scheduler_address)]
    assert _keys(on_dask) == _keys(serial)
    assert on_dask == serial


def _verify_json(tmp_path: Path, name: str, *extra: str) -> bytes:
    path = tmp_path / name
    proc = subprocess.run(
        [sys.executable, "-m", "boundkit", "verify", "--quick", "--no-proofs", "--no-progress"]
        + list(extra)
        + ["--json", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    # 1: some check failed (the verdict is other tests' business); 2 or more: crashed
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    return path.read_bytes()


def test_cli_workers_2_writes_the_same_json(tmp_path: Path) -> None:
    serial = _verify_json(tmp_path, "serial.json")
    pooled = _verify_json(tmp_path, "workers2.json", "--workers", "2")
    assert pooled == serial
    records = json.loads(serial)["records"]
    assert len(records) == len(plan(grid.QUICK_GRID)) + sum(
        r["check"].startswith("central-claim") for r in records
    )
