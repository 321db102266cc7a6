"""tpssim.sweep and tpssim.SweepResult: a parameter sweep (docs/sweeps.md) from Python, on
this machine's threads or on any concurrent.futures.Executor or Dask distributed.Client."""

from __future__ import annotations

import concurrent.futures
import io
import math
import os
import time
import warnings
from typing import Any, Callable, Dict, List, Mapping, Optional, Union

import pandas as pd

from . import _arguments, _tpssim

# The sweep file's keys that tpssim.sweep(..., **overrides) may replace, and how each is read.
_OVERRIDES = ("replications", "until", "seed", "points")


def _run_job(job: tuple) -> List[float]:
    """Runs one (point, replication) job where an executor put it; module-level so that it
    pickles by reference (the worker imports tpssim)."""
    return _tpssim.run_sweep_job(job)


def _is_dask_client(executor: Any) -> bool:
    return type(executor).__module__.split(".")[0] == "distributed" and hasattr(executor,
                                                                                  "gather")


def _plan(source: Any, overrides: Dict[str, Any]) -> "_tpssim.SweepHandle":
    unknown = sorted(set(overrides) - set(_OVERRIDES))
    if unknown:
        raise TypeError(f"sweep: unexpected keyword {unknown[0]!r}; the sweep file's keys that "
                        f"can be replaced are {', '.join(_OVERRIDES)}")
    replications = overrides.get("replications")
    if replications is not None:
        _arguments.count("replications", replications, 2, 10000)
    until_seconds = _arguments.seconds("until", overrides.get("until"))
    seed = overrides.get("seed")
    if seed is not None:
        _arguments.count("seed", seed, 0, 2**64 - 1)
    points = overrides.get("points")
    if points is not None:
        _arguments.count("points", points, 1, 100000)
    text_or_path, name, is_text = _arguments.source(source, "a sweep file")
    return _tpssim.sweep_plan(text_or_path, name, is_text, replications, until_seconds, seed,
                              points)


def _run_on_executor(handle, executor, callback) -> "_tpssim.SweepOutcome":
    """Ships every job to `executor`, in the jobs' order (point by point), and gathers the
    figures by job index, so the outcome is the local run's whatever finishes first."""
    jobs = handle.jobs()
    figures = len(handle.figures)
    values = [math.nan] * (len(jobs) * figures)
    done = [False] * len(jobs)
    dask = _is_dask_client(executor)
    if dask:
        import distributed  # python3-distributed
        futures = [executor.submit(_run_job, job, pure=False) for job in jobs]
        finished_in_turn = distributed.as_completed(futures)
    else:
        futures = [executor.submit(_run_job, job) for job in jobs]
        finished_in_turn = concurrent.futures.as_completed(futures)
    index = {id(f): i for i, f in enumerate(futures)}
    finished = 0
    interrupted = False
    try:
        for future in finished_in_turn:
            i = index[id(future)]
            values[i * figures:(i + 1) * figures] = future.result()
            done[i] = True
            finished += 1
            if callback is not None:
                callback(finished, len(jobs))
    except KeyboardInterrupt:
        interrupted = True  # keep the finished points, as Ctrl-C on `tpssim sweep` does
    finally:
        pending = [f for f in futures if not f.done()]
        if dask and pending:
            executor.cancel(pending)
        else:
            for f in pending:
                f.cancel()
    return handle.gather(values, done, interrupted)


def sweep(source: Union[str, os.PathLike, Mapping[str, Any]], *, threads: int = 0,
          executor: Any = None, progress: Union[None, bool, Callable[[float], Any]] = True,
          **overrides: Any) -> "SweepResult":
    """Run a parameter sweep, as ``tpssim sweep`` does, and return its :class:`SweepResult`.

    source: a sweep file's path, or the sweep as a dict (the YAML document's structure;
        ``base`` then starts from the working directory).
    threads: threads for the (point, replication) runs on this machine (0: every core).
    executor: None to run here; or any ``concurrent.futures.Executor`` (ThreadPoolExecutor,
        ProcessPoolExecutor) or Dask ``distributed.Client``: each run is shipped as a
        picklable job (the base scenario's text, the point's values, the seed) and the
        results are gathered in a fixed order, so the numbers are the local run's.
    progress: True for a tqdm bar, a callable taking the fraction done, or None.
    overrides: the sweep file's ``replications``, ``until`` (seconds or "10m"), ``seed`` (the
        random designs' seed) or ``points`` (how many a random design draws).

    The GIL is released while the sweep runs here. Ctrl-C stops it and returns the points
    finished so far (``interrupted`` is then True, with a warning). Raises
    tpssim.ScenarioError for a sweep file or value that does not validate.
    """
    handle = _plan(source, overrides)
    _arguments.count("threads", threads, 0, 1024)
    total = len(handle.points) * handle.replications
    report, close = _arguments.progress_reporter(progress, total, "sweep", "run")
    callback = None if report is None else (lambda done, all_: report(done / all_ if all_ else 1.0))
    start = time.monotonic()
    try:
        if executor is None:
            outcome = handle.run(threads, callback, 0.1)
        elif hasattr(executor, "submit"):
            outcome = _run_on_executor(handle, executor, callback)
        else:
            raise TypeError("executor: expected None, a concurrent.futures.Executor or a "
                            f"distributed.Client, got {type(executor).__name__}")
    finally:
        close()
    result = SweepResult(handle, outcome, time.monotonic() - start)
    if outcome.keyboard_interrupt:
        warnings.warn(f"tpssim.sweep interrupted: kept {outcome.complete_points} of "
                      f"{len(handle.points)} point(s)", RuntimeWarning, stacklevel=2)
    return result


def _table(csv_text: str, keys: List[str]) -> pd.DataFrame:
    # The files' numbers are shortest round-trip texts: read back exactly; values as written.
    return pd.read_csv(io.StringIO(csv_text), float_precision="round_trip",
                       dtype={k: str for k in keys})


class SweepResult:
    """A finished (or interrupted) sweep: its runs, its points with 95% confidence intervals
    and paired changes against the baseline, the best point and its significance."""

    def __init__(self, handle, outcome, wall_seconds: float):
        self._handle = handle
        self._outcome = outcome
        self.wall_seconds = wall_seconds
        self.runs = _table(outcome.runs_csv(), self.keys)
        """One row per finished point and replication: ``point``, ``replication``, ``seed``,
        each varied key's value (NaN for the baseline), each figure (the --csv file)."""
        self.points = _table(outcome.points_csv(), self.keys)
        """One row per finished point: its values, then per figure F ``F``, ``F half_width``,
        ``F change``, ``F change half_width``, ``F change %``, then ``meets_constraints``
        (the --points-csv file)."""

    @property
    def file(self) -> str:
        return self._handle.file

    @property
    def base_file(self) -> str:
        return self._handle.base_file

    @property
    def keys(self) -> List[str]:
        """The varied key paths."""
        return list(self._handle.keys)

    @property
    def figures(self) -> List[str]:
        """The figures, ``p99(api)``, ..., in the tables' order."""
        return list(self._handle.figures)

    @property
    def objective(self) -> tuple:
        """("minimise" or "maximise", figure)."""
        return tuple(self._handle.objective)

    @property
    def constraints(self) -> List[str]:
        return list(self._handle.constraints)

    @property
    def replications(self) -> int:
        return self._handle.replications

    @property
    def interrupted(self) -> bool:
        """Some points did not finish (Ctrl-C); the tables hold the finished ones."""
        return self._outcome.interrupted

    @property
    def best_point(self) -> Optional[int]:
        """The point with the best objective among those meeting every constraint (the
        baseline, 0, included), or None."""
        return self._outcome.best_point

    @property
    def best(self) -> Optional[pd.Series]:
        """The best point's row of :attr:`points`, or None."""
        if self.best_point is None:
            return None
        return self.points.set_index("point").loc[self.best_point]

    @property
    def significant(self) -> bool:
        """The best point improves the objective on the baseline and the paired 95% interval
        of its change excludes 0."""
        return self._outcome.best_is_significant_gain

    def values(self, point: int) -> Dict[str, str]:
        """The point's value of each varied key, as ``--set`` takes it ({} for the baseline)."""
        return dict(zip(self.keys, self._handle.points[point]))

    def report(self, top: int = 10) -> str:
        """The report of ``tpssim sweep`` (its wall time is this call's)."""
        _arguments.count("top", top, 1, 1000)
        return self._outcome.report(self.wall_seconds, top)

    def to_csv(self, path: Union[str, os.PathLike],
               points_path: Union[None, str, os.PathLike] = None) -> None:
        """Writes the runs table to ``path`` (the bytes of ``tpssim sweep --csv``) and the
        points table to ``points_path`` (``--points-csv``), each whole or not at all."""
        _tpssim.write_text_whole(os.fspath(path), self._outcome.runs_csv())
        if points_path is not None:
            _tpssim.write_text_whole(os.fspath(points_path), self._outcome.points_csv())

    def to_hdf5(self, path: Union[str, os.PathLike]) -> None:
        """Writes the sweep file of ``tpssim sweep --out`` (written whole; an existing file
        that is not a sweep file is refused with OSError)."""
        self._outcome.write_hdf5(os.fspath(path))

    def __repr__(self) -> str:
        return (f"<tpssim.SweepResult {self.file!r}: {len(self.points)} of "
                f"{len(self._handle.points)} point(s) x {self.replications}, best point "
                f"{self.best_point}{' (significant)' if self.significant else ''}>")
