"""``python -m boundkit verify``: exit 0 on the quick grid, JSON records, and a checker that
can fail (a deliberately wrong bound in a test-only registry makes it exit 1)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from boundkit.bounds import registry
from boundkit.checks import grid, verify
from boundkit.cli.main import main

FIELDS = {
    "theorem",
    "threat",
    "algorithm",
    "convexity",
    "n",
    "f",
    "m",
    "T",
    "step_size",
    "lipschitz",
    "smoothness",
    "strong_convexity",
    "upper",
    "empirical",
    "lower",
    "closed_form",
    "status",
    "method",
}


def test_quick_verify_exits_0_with_one_json_record_per_check(tmp_path: Path, capsys) -> None:
    path = tmp_path / "records.json"
    argv = ["verify", "--quick", "--no-proofs", "--no-progress", "--json", str(path)]
    assert main(argv) == 0
    document = json.loads(path.read_text())
    assert document["format"] == "boundkit.verify" and document["proof_checks"] is None
    records = document["records"]
    assert document["summary"]["records"] == len(records)
    cases = grid.plan(grid.QUICK_GRID)
    bounds = [r for r in records if r["check"] == "bounds"]
    assert len(bounds) == len(cases)
    assert {r["construction"] for r in bounds} == {
        "P1",
        "P2",
        "P3",
        "B1",
        "B2",
        "B3",
        "B4",
        "tailored",
    }
    for record in records:
        assert FIELDS <= set(record) and record["status"] == "PASS"
        assert record["method"], record  # every record names how it was decided
    out = capsys.readouterr().out
    assert f"{len(records)} construction checks, 0 failures" in out


@pytest.fixture
def halved_poisoning_bound(monkeypatch):
    """A test-only registry in which eq. (5) is scaled by 1/2 (so P1 must break it)."""
    original = registry.get("thm3.3/convex")
    wrong = dataclasses.replace(original, expression=original.expression / 2)
    monkeypatch.setitem(registry._BY_ID, "thm3.3/convex", wrong)
    return wrong


def test_verify_fails_on_a_deliberately_wrong_bound(halved_poisoning_bound, capsys) -> None:
    argv = ["verify", "--quick", "--no-proofs", "--no-progress", "--construction", "P1"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "FAIL P1" in out and "upper < empirical" in out


def test_wrong_lower_bound_is_caught_too(monkeypatch) -> None:
    original = registry.get("thm3.4/gd-convex")
    monkeypatch.setitem(
        registry._BY_ID,
        "thm3.4/gd-convex",
        dataclasses.replace(original, expression=original.expression * 2),
    )
    case = grid.plan(grid.Grid(ns=(7,), ms=(2,), Ts=(10,)), ["P1"])[0]
    record = verify.run_case(case)
    assert record.status == "FAIL" and "empirical < lower" in record.detail
