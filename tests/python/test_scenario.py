"""tpssim.load and Scenario.run: loading, overrides, faults, errors and bad arguments."""

import json
import subprocess

import pytest

import tpssim

MM1 = {
    "name": "mm1-dict",
    "seed": 3,
    "duration": "10m",
    "load": [{"name": "users", "target": "api", "arrivals": "poisson", "rate": "5/s"}],
    "services": {"api": {"workers": 1,
                         "service_time": {"dist": "exponential", "mean": "100ms"},
                         "queue": {"capacity": "unbounded"}}},
}


def test_load_file_reads_the_scenario(root):
    sc = tpssim.load(root / "scenarios/validation/mmc.yaml")
    assert sc.name == "mmc-validation"
    assert sc.seed == 42
    assert sc.duration_seconds == 7200.0
    assert sc.warmup_seconds == 600.0
    assert sc.services == ["api"]
    assert sc.start is None


def test_load_dict_and_set_override():
    sc = tpssim.load(MM1, set={"services.api.workers": 3, "duration": "20m"})
    assert sc.name == "mm1-dict"
    assert sc.duration_seconds == 1200.0
    assert "workers: 3" in sc.yaml


def test_chaos_fault_as_dict_and_string_join_the_timeline(root):
    fault = {"target": "api", "latency": "500ms", "at": "1m", "for": "1m"}
    a = tpssim.load(MM1, chaos=[fault]).yaml
    b = tpssim.load(MM1, chaos="target=api,latency=500ms,at=1m,for=1m").yaml
    assert "chaos" in a and a == b


def test_run_summary_equals_the_cli_summary_json(root, tpssim_exe, tmp_path):
    path = root / "scenarios/validation/mm1.yaml"
    result = tpssim.load(path).run(seed=5, until="15m")
    out = tmp_path / "s.json"
    subprocess.run([tpssim_exe, "run", str(path), "--seed", "5", "--until", "15m", "--quiet",
                    "--summary-json", str(out)], check=True)
    cli = json.loads(out.read_text())
    ours = dict(result.summary)
    for s in (cli, ours):
        s.pop("wall_seconds", None)
        s.get("run", {}).pop("wall_seconds", None)
    assert ours == cli


def test_replications_pool_and_are_reachable():
    result = tpssim.load(MM1).run(until="2m", replications=3, threads=2)
    assert result.replications == 3
    seeds = {result.replication(r).attributes["seed"] for r in range(3)}
    assert len(seeds) == 3
    with pytest.raises(ValueError, match="index"):
        result.replication(3)


def test_scenario_error_carries_the_diagnostics(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nduration: 10m\nload:\n"
                   "  - {name: users, target: api, arrivals: poisson, rate: 5/s}\n"
                   "services:\n  api:\n    workers: -3\n"
                   "    service_time: {dist: exponential, mean: 100ms}\n")
    with pytest.raises(tpssim.ScenarioError) as info:
        tpssim.load(bad)
    e = info.value
    assert e.file == str(bad)
    assert e.line == 7 and e.column == 14
    assert e.key_path == "services.api.workers"
    assert "-3" in e.message
    assert str(e).startswith(f"{bad}:7:14: error: services.api.workers:")
    assert len(e.diagnostics) >= 1 and e.diagnostics[0].key_path == "services.api.workers"


def test_bad_set_path_is_a_scenario_error_naming_set():
    with pytest.raises(tpssim.ScenarioError) as info:
        tpssim.load(MM1, set={"services.nosuch.workers": 2})
    assert info.value.file == "<--set>"


@pytest.mark.parametrize("kwargs, error, name", [
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": "1"}, TypeError, "seed"),
    ({"until": 0}, ValueError, "until"),
    ({"until": "ten minutes"}, ValueError, ""),
    ({"until": [1]}, TypeError, "until"),
    ({"replications": 0}, ValueError, "replications"),
    ({"threads": 1.5}, TypeError, "threads"),
    ({"progress": 3}, TypeError, "progress"),
])
def test_bad_run_arguments_name_the_argument(kwargs, error, name):
    sc = tpssim.load(MM1)
    with pytest.raises(error, match=name):
        sc.run(**kwargs)


def test_bad_load_arguments_name_the_argument(tmp_path):
    with pytest.raises(TypeError, match="source"):
        tpssim.load(42)
    with pytest.raises(FileNotFoundError, match="source"):
        tpssim.load(tmp_path / "missing.yaml")
    with pytest.raises(TypeError, match="set"):
        tpssim.load(MM1, set=["workers=2"])
    with pytest.raises(TypeError, match="chaos"):
        tpssim.load(MM1, chaos=[3])


def test_until_shorter_than_warmup_is_a_value_error(root):
    sc = tpssim.load(root / "scenarios/validation/mmc.yaml")
    with pytest.raises(ValueError, match="until"):
        sc.run(until="1m")


def test_public_names_have_docstrings():
    for name in tpssim.__all__:
        assert getattr(tpssim, name).__doc__, name
    for name in tpssim.analytic.__all__:
        assert getattr(tpssim.analytic, name).__doc__, name
    for name in ("run", "name", "duration_seconds"):
        assert getattr(tpssim.Scenario, name).__doc__, name
    for name in ("summary", "metrics", "events", "spans", "alerts", "timestamps"):
        assert getattr(tpssim.Result, name).__doc__, name
