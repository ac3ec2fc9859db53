"""Every JSON output against its JSON Schema (``docs/schemas/``, draft 2020-12).

Each output is generated for real, on small inputs (``verify --quick``, ``simulate`` of
three constructions, ``rates --n 45``, a tiny ``attack-search`` replayed by ``tightness``,
a tiny ``experiment``, one ``kappa`` search, the benchmarks writer on the fast figures),
and validated with format checking; every committed ``reports/*.json`` is validated too.
Mutated documents (a missing key, a wrong type, the old untyped layout) must be rejected,
so the schemas are shown to constrain what they describe.  The readers of these files
(``tightness --certificates``, ``kappa --replay``) are checked on the new layout and on the
one written before documents had a ``format`` key.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import importlib.util
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from boundkit.checks.exact_text import parse_exact
from boundkit.cli.main import main
from boundkit.errors import ParameterError
from boundkit.json_document import number

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
REPORTS = ROOT / "reports"
FORMATS = (
    "verify",
    "simulate",
    "rates",
    "attack-search",
    "tightness",
    "experiment",
    "kappa",
    "benchmarks",
)


@functools.cache
def validator(command: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{command}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(document: object, command: str) -> list[str]:
    errors = validator(command).iter_errors(document)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors]


def assert_valid(document: dict, command: str) -> None:
    assert document["format"] == f"boundkit.{command}"
    found = problems(document, command)
    assert not found, "\n".join(found[:10])


# ------------------------------------------------------------------- outputs, for real


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict]:
    """One document per format, written by the commands themselves."""
    tmp = tmp_path_factory.mktemp("json")
    docs = {
        "verify": _verify(tmp),
        "attack-search": _run_json(
            tmp / "a.json",
            ["attack-search", "--d", "1", "--d", "2", "--ns", "7", "--restarts", "0"],
            ["--evaluations", "20", "--out", str(tmp / "a.png"), "--markdown", str(tmp / "a.md")],
        ),
        "rates": _run_json(tmp / "r.json", ["rates", "--n", "45", "--no-progress"], []),
        "kappa": _run_json(
            tmp / "k.json",
            ["kappa", "--rule", "cwtm", "--n", "7", "--f", "2", "--d", "2", "--restarts", "0"],
            [],
        ),
        "experiment": _run_json(tmp / "e.json", EXPERIMENT, ["--markdown", str(tmp / "e.md")]),
        "benchmarks": json.loads(_benchmarks().json_document(_benchmark_results())),
    }
    docs["tightness"] = _run_json(
        tmp / "t.json",
        ["tightness", "--ns", "3-7", "--ms", "1,2", "--certificates", str(tmp / "a.json")],
        ["--markdown", str(tmp / "t.md")],
    )
    return docs


EXPERIMENT = [
    "experiment",
    "--dataset",
    "synthetic",
    "--n",
    "5",
    "--f",
    "1",
    "--T",
    "3",
    "--seeds",
    "2",
    "--neighbours",
    "1",
    "--threat",
    "trigger-push",
    "--threat",
    "label-flip",
    "--no-progress",
]


def _run_json(path: Path, argv: list[str], extra: list[str]) -> dict:
    status = main([*argv, *extra, "--json", str(path)])
    assert status in (0, 1), argv  # 1: a check failed (not this test's business); 2: bad input
    return json.loads(path.read_text())


def _verify(tmp: Path) -> dict:
    """``verify --quick`` with two real proof checks, one of them made to fail (so a FAIL
    proof check is in the document and counted)."""
    from proofs_check import checks
    from proofs_check.core import Check

    def broken():
        raise ArithmeticError("deliberately failing check")

    fast = next(c for c in checks.CHECKS if c.name == "steps/thm3.1/convex")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "CHECKS", (fast, Check("deliberately/failing", "test", broken)))
        document = _run_json(tmp / "v.json", ["verify", "--quick", "--no-progress"], [])
    return document


@functools.cache
def _benchmarks():
    """``benchmarks/run.py`` as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks/run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _benchmark_results() -> dict:
    """The fast figures of a benchmark run, measured; the slow ones (subprocess timings of
    the simulator and of verify) marked unavailable, as a run without them would."""
    run = _benchmarks()
    skipped = "not measured in this test"
    return {
        "mode": "quick",
        "machine": run.machine() | {"load_average_at_end": [0.0, 0.0, 0.0]},
        "byzfl_loaded": False,
        "smea_1d_vs_byzfl": run.smea_1d_vs_byzfl(None, skipped, repeats=1),
        "smea_d10_vs_byzfl": run.smea_d10_vs_byzfl(None, skipped, seeds=1),
        "smea_1d_large_seconds": run.smea_1d_large(repeats=1),
        "smea_speed": run.smea_speed_all(True),
        "steps_per_second_50_digits": run._unavailable(skipped, target="< 1 s"),
        "verify_default_grid_seconds": run._unavailable(skipped, target="< 120 s"),
        "total_seconds": 1.0,
    }


@pytest.fixture(scope="module")
def simulated() -> list[dict]:
    """``simulate --json`` of P3 (SGD), B1 (nested extras) and B3 (a 2-D final point)."""
    out = []
    for name, n, f in (("P3", "7", "2"), ("B1", "7", "3"), ("B3", "7", "2")):
        buffer = io.StringIO()
        argv = ["simulate", "--construction", name, "--n", n, "--f", f, "--m", "2", "--T", "3"]
        with contextlib.redirect_stdout(buffer):
            assert main([*argv, "--json"]) == 0
        out.append(json.loads(buffer.getvalue()))
    return out


# ------------------------------------------------------------------- valid


@pytest.mark.parametrize("command", [c for c in FORMATS if c != "simulate"])
def test_every_output_validates_against_its_schema(outputs, command: str) -> None:
    assert_valid(outputs[command], command)


def test_simulate_validates(simulated) -> None:
    for document in simulated:
        assert_valid(document, "simulate")
    b1, b3 = simulated[1]["record"], simulated[2]["record"]
    assert isinstance(b1["extras"]["closed_form_derived"], bool)  # not the text "True"
    assert isinstance(b1["extras"]["high_count"], int)
    assert isinstance(b3["final"], list) and len(b3["final"]) == 2


def test_statistical_and_error_records_validate() -> None:
    """A Monte Carlo record (SGD past the exact budget: T = 110, m = 2) and an ERROR record,
    which the quick grid has none of."""
    from boundkit.checks.grid import Case
    from boundkit.checks.verify import _error_record, run_case
    from boundkit.config import Setting
    from boundkit.outputs.verify_json import simulate_document

    case = Case("P3", Setting(n=5, f=1, m=2, T=110, strong_convexity=0))
    statistical = simulate_document(run_case(case), 50)
    assert_valid(statistical, "simulate")
    record = statistical["record"]
    assert record["exact"] is False and record["failure_probability"] == "1/1000000"
    assert any(d["method"] == "statistical" for d in record["decisions"].values())
    error = simulate_document(_error_record(case, "ValueError: deliberately broken"), 50)
    assert_valid(error, "simulate")
    assert error["record"]["status"] == "ERROR" and error["record"]["upper"] is None


def test_verify_carries_proof_checks_and_counts(outputs) -> None:
    document = outputs["verify"]
    proofs = {p["name"]: p["status"] for p in document["proof_checks"]}
    assert proofs == {"steps/thm3.1/convex": "PASS", "deliberately/failing": "FAIL"}
    summary, records = document["summary"], document["records"]
    assert summary["proof_checks"] == 2 and summary["proof_checks_failed"] == 1
    assert (
        summary["records"]
        == len(records)
        == summary["pass"] + summary["fail"] + summary["undecided"] + summary["error"]
    )
    assert summary["failures"] == 1 + summary["sweep_problems"] + len(records) - summary["pass"]
    assert {"step_size", "lipschitz", "smoothness", "strong_convexity"} <= set(records[0])
    assert not {"gamma", "L", "beta", "mu"} & set(records[0])


def test_verify_numbers_agree_with_the_exact_values(outputs) -> None:
    """The JSON number of a value reached is the nearest double of its exact value."""
    exact = [r for r in outputs["verify"]["records"] if r["empirical_exact"]]
    assert exact
    for record in exact:
        value = parse_exact(record["empirical_exact"])
        assert number(value) == record["empirical"], record["construction"]


def test_tightness_exact_strings_read_back(outputs) -> None:
    document = outputs["tightness"]
    assert document["certificates_replayed"] == len(outputs["attack-search"]["certificates"])
    for cell in document["cells"]:
        ratio = parse_exact(cell["ratio_exact"])
        assert ratio == parse_exact(cell["lower_exact"]) / parse_exact(cell["upper_exact"])
        assert number(ratio) == cell["ratio"]


@pytest.mark.parametrize("path", sorted(REPORTS.glob("*.json")), ids=lambda p: p.name)
def test_committed_reports_validate(path: Path) -> None:
    document = json.loads(path.read_text())
    assert isinstance(document, dict) and str(document.get("format", "")).startswith("boundkit.")
    command = document["format"].removeprefix("boundkit.")
    assert command in FORMATS, f"{path.name}: no schema for {command}"
    assert_valid(document, command)


def test_every_format_has_a_schema_and_a_docs_section() -> None:
    page = (ROOT / "docs" / "json.md").read_text()
    for command in FORMATS:
        assert (SCHEMAS / f"{command}.schema.json").is_file()
        assert f"schemas/{command}.schema.json" in page and f"boundkit.{command}" in page


# ------------------------------------------------------------------- invalid


def _mutated(document: dict, path: tuple, value: object) -> dict:
    """``document`` with the item at ``path`` replaced by ``value`` (``KeyError``: deleted);
    long lists of records cut to their first three (still valid) to keep this fast."""
    short = {k: v[:3] if isinstance(v, list) and len(v) > 3 else v for k, v in document.items()}
    out = copy.deepcopy(short)
    if not path:
        return out
    target = out
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return out


MUTATIONS = [
    ("verify", ("version",), KeyError),
    ("verify", ("format",), "boundkit.simulate"),
    ("verify", ("records", 0, "n"), "7"),
    ("verify", ("records", 0, "step_size"), 0.1),
    ("verify", ("records", 0, "upper"), "0.3"),
    ("verify", ("records", 0, "status"), "OK"),
    ("verify", ("records", 0, "gamma"), "1/10"),
    ("verify", ("records", 0, "decisions", "upper >= empirical", "holds"), "True"),
    ("verify", ("proof_checks", 0, "detail"), KeyError),
    ("verify", ("summary", "pass"), -1),
    ("rates", ("fits", 0, "n"), "45"),
    ("rates", ("fits", 0, "95% CI"), "[0.9, 1.1]"),
    ("rates", ("fits", 0, "exponent"), "1.0"),
    ("attack-search", ("certificates", 0, "divergence_squared"), 0.25),
    ("attack-search", ("certificates", 0, "honest_run_1", 0, "vector", 0), "0.5.1"),
    ("attack-search", ("ns",), KeyError),
    ("tightness", ("cells", 0, "reaches_0.9"), True),
    ("tightness", ("cells", 0, "ratio_exact"), "sqrt(2)"),
    ("tightness", ("goal",), 0.9),
    ("experiment", ("config", "seeds"), [0, 1]),
    ("experiment", ("config", "step_size"), 2),
    ("experiment", ("cells", 0, "distance", 0), "0.1"),
    ("kappa", ("version",), 1),
    ("kappa", ("vectors", 0, 0), 1.5),
    ("kappa", ("decimal",), "1.14"),
    ("benchmarks", ("smea_1d_large_seconds", "met"), "yes"),
    ("benchmarks", ("mode",), "fast"),
]


@pytest.mark.parametrize("command, path, value", MUTATIONS, ids=lambda x: str(x)[:40])
def test_a_mutated_document_is_rejected(outputs, command: str, path: tuple, value) -> None:
    assert not problems(_mutated(outputs[command], (), None), command)
    assert problems(_mutated(outputs[command], path, value), command)


def test_a_mutated_simulate_document_is_rejected(simulated) -> None:
    document = simulated[1]
    for path, value in ((("record", "extras", "high_count"), 1.5), (("dps",), "50")):
        assert problems(_mutated(document, path, value), "simulate")


def test_the_old_untyped_layouts_are_rejected() -> None:
    """What the outputs looked like before: a bare list of string-valued records."""
    old_rates = [{"regime": "data poisoning", "n": "101", "95% CI": "[1.0, 1.0]"}]
    old_verify = [{"check": "bounds", "n": 7, "gamma": "1/10", "upper": "0.3"}]
    assert problems(old_rates, "rates") and problems(old_verify, "verify")


# ------------------------------------------------------------------- readers


def test_certificates_are_read_in_both_layouts(outputs) -> None:
    from boundkit.labs.tightness import read_certificates

    document = outputs["attack-search"]
    new = read_certificates(json.dumps(document))
    legacy = read_certificates(json.dumps(document["certificates"]))
    assert new == legacy and len(new) == len(document["certificates"])
    for bad, name in (
        ({**document, "format": "boundkit.tightness"}, "certificates.format"),
        ({**document, "version": 99}, "certificates.version"),
        ({**document, "unknown": 1}, "certificates"),
    ):
        with pytest.raises(ParameterError) as error:
            read_certificates(json.dumps(bad))
        assert str(error.value).startswith(name)


def test_kappa_certificate_reads_the_version_1_layout(outputs, tmp_path, capsys) -> None:
    document = outputs["kappa"]
    old = {k: v for k, v in document.items() if k not in ("boundkit_version", "value")}
    old |= {"format": "boundkit-kappa-certificate", "version": 1, "decimal": "1.1"}
    for record, status in ((document, 0), (old, 0), ({**document, "version": 1}, 2)):
        path = tmp_path / "cert.json"
        path.write_text(json.dumps(record))
        assert main(["kappa", "--replay", str(path)]) == status
    assert "reproduced exactly" in capsys.readouterr().out
