"""tpssim.sweep: the same numbers, report and files as `tpssim sweep`; overrides, errors,
progress and Ctrl-C (the finished points are kept)."""

import math
import pathlib
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

import tpssim

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios/labs/3.2-tuning.yaml"


def small_sweep(folder: pathlib.Path, extra: str = "") -> pathlib.Path:
    """Lab 3.2's sweep, shortened: 2 x 2 points and the baseline, 3 replications of 2 min."""
    path = folder / "small.sweep.yaml"
    path.write_text(f"""base: {LAB}
vary:
  services.service-b.workers: [4, 6]
  services.service-b.steps.0.work.mean: {{from: 10ms, to: 12ms, steps: 2}}
replications: 3
until: 2m
figures: [p99(api), throughput(api), error_rate(api), utilization(service-b)]
objective: minimise p99(api)
constraints:
  - error_rate(api) < 0.1%
  - utilization(service-b) within 40%..80%
{extra}""")
    return path


def cli(exe, *args):
    return subprocess.run([exe, "sweep", *map(str, args)], capture_output=True, text=True)


def test_same_csv_bytes_report_and_hdf5_as_the_command_line(tmp_path, tpssim_exe):
    spec = small_sweep(tmp_path)
    done = cli(tpssim_exe, spec, "--csv", tmp_path / "cli-runs.csv", "--points-csv",
               tmp_path / "cli-points.csv", "--out", tmp_path / "cli.h5", "--no-progress")
    assert done.returncode == 0, done.stderr
    result = tpssim.sweep(spec, progress=None)
    result.to_csv(tmp_path / "py-runs.csv", tmp_path / "py-points.csv")
    result.to_hdf5(tmp_path / "py.h5")
    assert (tmp_path / "py-runs.csv").read_bytes() == (tmp_path / "cli-runs.csv").read_bytes()
    assert (tmp_path / "py-points.csv").read_bytes() == \
        (tmp_path / "cli-points.csv").read_bytes()
    # The report is the command line's but for the wall time.
    strip = lambda text: [l for l in text.splitlines() if " s wall" not in l]
    assert strip(result.report()) == strip(done.stdout)
    with h5py.File(tmp_path / "cli.h5") as a, h5py.File(tmp_path / "py.h5") as b:
        assert dict(a.attrs) .keys() == dict(b.attrs).keys()
        assert a.attrs["best_point"] == b.attrs["best_point"] == result.best_point
        for table in ("runs", "points"):
            columns = list(a[table].attrs["columns"])
            assert columns == list(b[table].attrs["columns"])
            for c in columns:
                np.testing.assert_array_equal(a[table][c][()], b[table][c][()])


def test_tables_hold_the_files_numbers_exactly(tmp_path):
    result = tpssim.sweep(small_sweep(tmp_path), progress=None)
    points, runs = result.points, result.runs
    assert len(result.points) == 5 and len(runs) == 5 * 3
    assert list(runs.columns[:3]) == ["point", "replication", "seed"]
    assert result.keys == ["services.service-b.workers", "services.service-b.steps.0.work.mean"]
    # Common random numbers: replication k has the same seed at every point.
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()
    # A point's mean is the mean of its runs; its change the mean paired difference.
    base = runs[runs.point == 0].set_index("replication")["p99(api)"]
    for p in range(5):
        mine = runs[runs.point == p].set_index("replication")["p99(api)"]
        row = points.set_index("point").loc[p]
        assert row["p99(api)"] == pytest.approx(mine.mean(), rel=1e-12)
        assert row["p99(api) change"] == pytest.approx((mine - base).mean(), abs=1e-15)
    assert math.isnan(runs[runs.point == 0]["services.service-b.workers"].iloc[0])
    assert result.values(0) == {}
    assert result.values(1) == {"services.service-b.workers": "4",
                                "services.service-b.steps.0.work.mean": "10ms"}
    best = result.best
    assert best is not None and bool(best["meets_constraints"])
    meeting = points[points.meets_constraints.astype(bool)]
    assert best["p99(api)"] == meeting["p99(api)"].min()


def test_keyword_overrides_and_a_dict(tmp_path):
    spec = small_sweep(tmp_path)
    result = tpssim.sweep(spec, replications=2, until="90s", progress=None)
    assert result.replications == 2 and len(result.runs) == 5 * 2
    as_dict = {
        "base": str(LAB),
        "vary": {"services.service-b.workers": [4, 6],
                 "services.service-b.steps.0.work.mean": {"from": "10ms", "to": "12ms",
                                                           "steps": 2}},
        "replications": 2, "until": "90s",
        "figures": ["p99(api)", "throughput(api)", "error_rate(api)",
                    "utilization(service-b)"],
        "objective": "minimise p99(api)",
        "constraints": ["error_rate(api) < 0.1%", "utilization(service-b) within 40%..80%"],
    }
    pd.testing.assert_frame_equal(tpssim.sweep(as_dict, progress=None).runs, result.runs)
    with pytest.raises(TypeError, match="unexpected keyword 'design'"):
        tpssim.sweep(spec, design="random")
    with pytest.raises(ValueError, match="replications: expected an integer from 2"):
        tpssim.sweep(spec, replications=1)
    with pytest.raises(ValueError, match="points: for random"):
        tpssim.sweep(spec, points=4)


def test_threads_give_the_same_numbers(tmp_path):
    spec = small_sweep(tmp_path)
    one = tpssim.sweep(spec, threads=1, progress=None)
    two = tpssim.sweep(spec, threads=2, progress=None)
    pd.testing.assert_frame_equal(one.runs, two.runs)
    pd.testing.assert_frame_equal(one.points, two.points)


def test_a_bad_value_is_reported_at_its_line(tmp_path):
    path = tmp_path / "bad.sweep.yaml"
    path.write_text(f"base: {LAB}\nvary:\n  services.service-b.workers: [4, -2]\n"
                    "objective: minimise p99(api)\n")
    with pytest.raises(tpssim.ScenarioError) as error:
        tpssim.sweep(path)
    assert (error.value.file, error.value.line) == (str(path), 3)
    assert "services.service-b.workers" in error.value.key_path
    with pytest.raises(FileNotFoundError):
        tpssim.sweep(tmp_path / "missing.yaml")


def test_hdf5_refuses_a_file_that_is_not_a_sweep_file(tmp_path):
    result = tpssim.sweep(small_sweep(tmp_path), replications=2, until="90s", progress=None)
    other = tmp_path / "notes.h5"
    other.write_bytes(b"someone's data")
    with pytest.raises(OSError, match="not a tpssim sweep file"):
        result.to_hdf5(other)
    assert other.read_bytes() == b"someone's data"
    result.to_hdf5(tmp_path / "sweep.h5")
    result.to_hdf5(tmp_path / "sweep.h5")  # a sweep file is overwritten


def test_progress_reaches_one_and_ctrl_c_keeps_the_finished_points(tmp_path):
    spec = small_sweep(tmp_path)
    fractions = []
    full = tpssim.sweep(spec, threads=1, progress=fractions.append)
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)

    def interrupt_after_some(fraction):
        if fraction > 0.3:
            raise KeyboardInterrupt

    with pytest.warns(RuntimeWarning, match="interrupted"):
        partial = tpssim.sweep(spec, threads=1, progress=interrupt_after_some,
                               until="20m")
    assert partial.interrupted
    assert 0 < len(partial.points) < 5
    # The kept points are whole: every replication of each.
    assert (partial.runs.groupby("point").size() == 3).all()


def test_an_error_in_progress_is_raised(tmp_path):
    def fail(_):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        tpssim.sweep(small_sweep(tmp_path), until="20m", progress=fail)


def test_the_gil_is_released_while_the_sweep_runs(tmp_path):
    import threading
    import time

    spec = small_sweep(tmp_path)
    finished = threading.Event()
    ticks = []

    def run():
        tpssim.sweep(spec, threads=1, until="10m", progress=None)
        finished.set()

    worker = threading.Thread(target=run)
    worker.start()
    while not finished.is_set():
        ticks.append(time.monotonic())
        time.sleep(0.001)
    worker.join()
    assert len(ticks) > 20, "the main thread was starved: the GIL was held while sweeping"
