"""tpssim.Result: zero-copy metric and span arrays, DataFrames, timestamps, results files."""

import subprocess

import numpy as np
import pandas as pd
import pytest

import tpssim


def _owner_chain(array):
    """The objects on the array's .base chain (the last is what keeps its memory)."""
    chain = []
    while array is not None:
        chain.append(array)
        array = getattr(array, "base", None)
    return chain


@pytest.fixture(scope="module")
def three_tier():
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2]
    sc = tpssim.load(root / "scenarios/examples/three-tier.yaml",
                     set={"tracing.sample": 0.05})
    return sc.run(seed=11, until="10m")


def test_metric_arrays_are_read_only_views_owned_by_the_record(three_tier):
    arrays = three_tier.metric_arrays
    assert arrays, "the three-tier example records metrics"
    times = three_tier.metric_times
    for key, values in arrays.items():
        assert values.dtype == np.float64 and len(values) == len(times)
        assert not values.flags.writeable and not values.flags.owndata
        owner = _owner_chain(values)[-1]
        assert type(owner).__name__ == "RunRecord", key
    # The same column asked twice is the same memory: nothing was copied.
    key = next(iter(arrays))
    assert np.shares_memory(arrays[key], three_tier.metric_arrays[key])
    with pytest.raises(ValueError):
        arrays[key][0] = 1.0


def test_metrics_dataframe_shares_memory_with_the_record(three_tier):
    frame = three_tier.metrics
    arrays = three_tier.metric_arrays
    assert frame.index.name == "time_seconds"
    assert list(frame.columns.names) == ["metric", "subject"]
    for key, values in arrays.items():
        assert np.shares_memory(frame[key].to_numpy(), values), key
    assert np.shares_memory(frame.index.to_numpy(), three_tier.metric_times)


def test_arrays_outlive_the_result():
    import pathlib
    import gc
    root = pathlib.Path(__file__).resolve().parents[2]
    result = tpssim.load(root / "scenarios/validation/mm1.yaml").run(until="15m")
    values = next(iter(result.metric_arrays.values()))
    expected = values.copy()
    del result
    gc.collect()
    np.testing.assert_array_equal(values, expected)


def test_spans_and_traces(three_tier):
    spans = three_tier.spans
    traces = three_tier.traces
    assert len(spans) > 0 and len(traces) > 0
    assert set(spans["service"].cat.categories) >= {"api"} or len(spans["service"].cat.categories)
    assert spans["outcome"].cat.categories[0] == "ok"
    raw = three_tier.span_arrays
    assert np.shares_memory(spans["start_seconds"].to_numpy(), raw["start_seconds"])
    assert not raw["duration_seconds"].flags.writeable
    # Each trace's rows add up (self time) to its end-to-end duration.
    t = traces.iloc[0]
    rows = spans.iloc[int(t.first_row): int(t.first_row) + int(t.spans)]
    assert rows["self_seconds"].sum() == pytest.approx(t.duration_seconds, rel=1e-6)


def test_events_table_matches_the_summary_count(three_tier):
    events = three_tier.events
    assert {"time_seconds", "type", "subject"} <= set(events.columns)
    assert len(events) == three_tier.summary["event_log"]["events"]


def test_calendar_start_gives_timestamps(root):
    sc = tpssim.load(root / "scenarios/examples/holiday-weekend-worked.yaml")
    result = sc.run(until="20m")
    assert result.start == pd.Timestamp("2026-12-25T14:00")
    stamps = result.timestamps([0.0, 90.0])
    assert list(stamps) == [pd.Timestamp("2026-12-25T14:00"), pd.Timestamp("2026-12-25T14:01:30")]
    by_time = result.metrics_by_time
    assert by_time.index[0] == result.start + pd.to_timedelta(result.metric_times[0], unit="s")
    events = result.events
    if len(events):
        assert events["time"].iloc[0] == result.start + pd.to_timedelta(
            events["time_seconds"].iloc[0], unit="s")


def test_no_calendar_start_refuses_timestamps(three_tier):
    assert three_tier.start is None
    with pytest.raises(ValueError, match="calendar start"):
        three_tier.timestamps([1.0])


def test_open_reads_a_results_file_into_the_same_result(root, tpssim_exe, tmp_path):
    path = root / "scenarios/examples/three-tier.yaml"
    h5 = tmp_path / "r.h5"
    subprocess.run([tpssim_exe, "run", str(path), "--seed", "11", "--until", "10m", "--quiet",
                    "--out", str(h5)], check=True)
    from_file = tpssim.open(h5)
    in_memory = tpssim.load(path).run(seed=11, until="10m")
    assert from_file.summary["services"] == in_memory.summary["services"]
    np.testing.assert_array_equal(from_file.metric_times, in_memory.metric_times)
    key = ("tps_requests_in_flight", "api")
    mem = in_memory.metric_arrays
    key = key if key in mem else next(iter(mem))
    np.testing.assert_array_equal(from_file.metric_arrays[key], mem[key])
    assert len(from_file.events) == len(in_memory.events)
    assert from_file.metrics.shape[0] == in_memory.metrics.shape[0]


def test_open_refuses_other_files(tmp_path):
    other = tmp_path / "x.h5"
    import h5py
    with h5py.File(other, "w") as f:
        f.attrs["format"] = "something-else"
    with pytest.raises(ValueError, match="results file"):
        tpssim.open(other)
    with pytest.raises(FileNotFoundError, match="path"):
        tpssim.open(tmp_path / "none.h5")


def test_holiday_weekend_metrics_reach_pandas_without_a_copy(root):
    # The target: reading the holiday weekend's metrics into pandas copies none of the
    # finished columns (a short horizon keeps the test quick; the columns are the same kind).
    result = tpssim.load(root / "scenarios/examples/holiday-weekend-worked.yaml").run(
        until="2h", event_log=False)
    frame = result.metrics_by_time
    arrays = result.metric_arrays
    assert len(arrays) > 50
    for key, values in arrays.items():
        column = frame[key].to_numpy()
        assert np.shares_memory(column, values), key
        assert type(_owner_chain(values)[-1]).__name__ == "RunRecord"


def test_open_reads_every_replication_of_a_file(root, tpssim_exe, tmp_path):
    path = root / "scenarios/validation/mm1.yaml"
    h5 = tmp_path / "reps.h5"
    subprocess.run([tpssim_exe, "run", str(path), "--until", "15m", "--replications", "2",
                    "--quiet", "--out", str(h5)], check=True)
    result = tpssim.open(h5)
    assert result.replications == 2
    in_memory = tpssim.load(path).run(until="15m", replications=2)
    for r in range(2):
        assert result.replication(r).attributes["seed"] == \
            in_memory.replication(r).attributes["seed"]
        np.testing.assert_array_equal(result.replication(r).metric_times,
                                      in_memory.replication(r).metric_times)


def test_expectations_are_typed_and_the_same_in_memory_and_in_a_file(root, tpssim_exe, tmp_path):
    path = root / "scenarios/labs/3.7-recovery.yaml"
    h5 = tmp_path / "checks.h5"
    subprocess.run([tpssim_exe, "run", str(path), "--quiet", "--out", str(h5)], check=False)
    from_file = tpssim.open(h5).expectations
    in_memory = tpssim.load(path).run().expectations
    assert list(in_memory.columns) == list(from_file.columns)
    assert {"kind", "value", "unit", "at_seconds", "scrapes", "scrapes_held"} <= set(
        in_memory.columns)
    pd.testing.assert_frame_equal(in_memory.reset_index(drop=True),
                                  from_file.reset_index(drop=True), check_dtype=False)
    # The text is made from the numbers: a series check's extreme says its value and time.
    series = in_memory[in_memory.kind.isin(["max", "min"])]
    assert len(series) > 0
    for row in series.itertuples():
        if row.at_seconds != int(row.at_seconds):
            continue
        assert row.observed.startswith(f"{row.kind} {row.value:.6g} at t={row.at_seconds:.0f}s")
