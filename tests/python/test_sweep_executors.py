"""tpssim.sweep(executor=...): a thread pool, a process pool and a Dask cluster on 127.0.0.1
give exactly the local run's per-run table (the jobs carry the scenario's text, the point's
values and the seed; the results are gathered in the jobs' order)."""

import concurrent.futures
import pathlib

import pandas as pd
import pytest

import tpssim

ROOT = pathlib.Path(__file__).resolve().parents[2]
LAB = ROOT / "scenarios/labs/3.2-tuning.yaml"


@pytest.fixture(scope="module")
def spec(tmp_path_factory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("executors") / "small.sweep.yaml"
    path.write_text(f"""base: {LAB}
vary:
  services.service-b.workers: [4, 5, 6]
replications: 3
until: 2m
figures: [p99(api), throughput(api), utilization(service-b)]
objective: minimise p99(api)
""")
    return path


@pytest.fixture(scope="module")
def local(spec) -> tpssim.SweepResult:
    return tpssim.sweep(spec, progress=None)


def test_a_thread_pool_gives_the_local_numbers(spec, local):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        fractions = []
        result = tpssim.sweep(spec, executor=pool, progress=fractions.append)
    pd.testing.assert_frame_equal(result.runs, local.runs)
    pd.testing.assert_frame_equal(result.points, local.points)
    assert result.best_point == local.best_point
    assert fractions[-1] == 1.0


def test_a_process_pool_gives_the_local_numbers(spec, local):
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        result = tpssim.sweep(spec, executor=pool, progress=None)
    pd.testing.assert_frame_equal(result.runs, local.runs)
    assert result.report().splitlines()[3:] == local.report().splitlines()[3:]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # tornado, inside Dask 2022.12
def test_a_dask_cluster_gives_the_local_numbers(spec, local):
    distributed = pytest.importorskip("distributed")  # python3-distributed
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        result = tpssim.sweep(spec, executor=client, progress=None)
    pd.testing.assert_frame_equal(result.runs, local.runs)
    pd.testing.assert_frame_equal(result.points, local.points)


def test_a_job_that_fails_raises_in_the_caller(spec):
    class Broken(concurrent.futures.ThreadPoolExecutor):
        def submit(self, fn, job):
            text, name, overrides, until, seed, figures = job
            return super().submit(fn, (text, name, [("services.nope.workers", "2")], until,
                                       seed, figures))

    with Broken(1) as pool, pytest.raises(tpssim.ScenarioError, match="nope"):
        tpssim.sweep(spec, executor=pool, progress=None)


def test_not_an_executor_is_refused(spec):
    with pytest.raises(TypeError, match="executor: expected None"):
        tpssim.sweep(spec, executor=object(), progress=None)
