"""tpssim.Result: a finished run (or a results file) as dicts, numpy arrays and DataFrames."""

from __future__ import annotations

import functools
import io
import json
import os
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import pandas as pd

MetricKey = Tuple[str, str]  # (Prometheus name, subject)

# The expectations table's columns, as the results file has them.
_EXPECTATION_COLUMNS = ["text", "passed", "observed", "kind", "value", "unit", "at_seconds",
                        "from_seconds", "to_seconds", "scrapes", "scrapes_held", "name",
                        "subject"]


def _frame(columns: Dict[str, Any]) -> pd.DataFrame:
    # copy=False: pandas keeps each column's array as its own block (no consolidation), so a
    # view of the run record stays a view.
    return pd.DataFrame(columns, copy=False)


class _RecordSource:
    """The tables of one replication of a run in memory (tpssim._tpssim.RunRecord)."""

    def __init__(self, record: Any, replication: int):
        self.record = record
        self.replication = replication

    def attributes(self) -> Dict[str, Any]:
        return dict(self.record.attributes(self.replication))

    def metric_times(self) -> np.ndarray:
        return self.record.metric_times(self.replication)

    def metric_columns(self) -> List[Tuple[str, str, str, np.ndarray]]:
        return list(self.record.metric_columns(self.replication))

    def events(self) -> pd.DataFrame:
        text = self.record.events_jsonl(self.replication)
        if not text:
            return pd.DataFrame({"time_seconds": np.empty(0), "type": [], "subject": []})
        frame = pd.read_json(io.StringIO(text), lines=True, dtype=False)
        frame = frame.rename(columns={"t": "time_seconds"})
        for name in ("type", "subject"):
            frame[name] = frame[name].astype("category")
        return frame

    def span_arrays(self) -> Dict[str, np.ndarray]:
        columns = dict(self.record.span_columns(self.replication))
        columns.pop("_categories")
        return columns

    def spans(self) -> pd.DataFrame:
        columns = dict(self.record.span_columns(self.replication))
        categories = columns.pop("_categories")
        for name, names in categories.items():
            columns[name] = pd.Categorical.from_codes(columns[name].astype(np.int64), names)
        return _frame(columns)

    def traces(self) -> pd.DataFrame:
        return _frame(dict(self.record.trace_columns(self.replication)))

    def alerts(self) -> pd.DataFrame:
        return pd.DataFrame(self.record.alert_rows(self.replication),
                            columns=["name", "severity", "fired_seconds", "resolved_seconds",
                                     "value"])

    def breaker_transitions(self) -> pd.DataFrame:
        return pd.DataFrame(self.record.breaker_rows(self.replication),
                            columns=["service", "call", "at_seconds", "from", "to", "cause"])

    def expectations(self) -> pd.DataFrame:
        return pd.DataFrame(self.record.expectation_rows(self.replication),
                            columns=_EXPECTATION_COLUMNS)


class _FileSource:
    """The tables of one replication of a results file (`tpssim run --out`), read by h5py."""

    def __init__(self, tables: Dict[str, pd.DataFrame], attributes: Dict[str, Any],
                 units: Dict[str, str]):
        self.tables = tables
        self.attrs = attributes
        self.units = units

    def attributes(self) -> Dict[str, Any]:
        return dict(self.attrs)

    def _table(self, name: str) -> pd.DataFrame:
        return self.tables.get(name, pd.DataFrame())

    def metric_times(self) -> np.ndarray:
        metrics = self._table("metrics")
        if metrics.empty:
            return np.empty(0)
        return np.unique(metrics["time_seconds"].to_numpy())

    def metric_columns(self) -> List[Tuple[str, str, str, np.ndarray]]:
        metrics = self._table("metrics")
        if metrics.empty:
            return []
        times = self.metric_times()
        out = []
        names = [c for c in metrics.columns if c not in ("time_seconds", "subject")]
        for subject, rows in metrics.groupby("subject", sort=False, observed=True):
            index = np.searchsorted(times, rows["time_seconds"].to_numpy())
            for name in names:
                values = rows[name].to_numpy(dtype=np.float64)
                if np.isnan(values).all():
                    continue  # the metric does not apply to this subject
                column = np.full(len(times), np.nan)
                column[index] = values
                column.flags.writeable = False
                out.append((name, str(subject), self.units.get(name, ""), column))
        return out

    def events(self) -> pd.DataFrame:
        return self._table("events")

    def span_arrays(self) -> Dict[str, np.ndarray]:
        return {c: self._table("spans")[c].to_numpy() for c in self._table("spans").columns}

    def spans(self) -> pd.DataFrame:
        return self._table("spans")

    def traces(self) -> pd.DataFrame:
        return self._table("traces")

    def alerts(self) -> pd.DataFrame:
        return self._table("alerts")

    def breaker_transitions(self) -> pd.DataFrame:
        return self._table("breaker_transitions")

    def expectations(self) -> pd.DataFrame:
        return self._table("expectations")


class Result:
    """A finished run: ``Scenario.run(...)``, or a results file read by ``tpssim.open``.

    The tables are those of one replication (the first unless chosen with
    :meth:`replication`); :attr:`summary` pools every replication. Times are seconds of
    simulated time (floats, columns named ``*_seconds``); with a calendar start (:attr:`start`)
    :meth:`timestamps` turns them into pandas timestamps, and the event, alert and metric
    tables gain them (``time`` column / :attr:`metrics_by_time`).

    Arrays of a run in memory are zero-copy, read-only views of the simulator's finished
    columns, kept alive by the result (their ``.base`` chain ends at it).
    """

    def __init__(self, summary: Dict[str, Any], sources: List[Any], start: Optional[str],
                 replication: int = 0):
        self._summary = summary
        self._sources = sources
        self._start = pd.Timestamp(start) if start else None
        self._replication = replication
        self._source = sources[replication]

    @classmethod
    def _from_record(cls, record: Any) -> "Result":
        sources = [_RecordSource(record, r) for r in range(record.replications)]
        return cls(json.loads(record.summary_json), sources, record.start)

    # --- the run as a whole ------------------------------------------------------------
    @property
    def summary(self) -> Dict[str, Any]:
        """The summary as a dict: the same as ``tpssim run --summary-json`` (docs/outputs.md)."""
        return self._summary

    @property
    def replications(self) -> int:
        """How many replications the result holds."""
        return len(self._sources)

    def replication(self, index: int) -> "Result":
        """The same result, its tables those of replication ``index`` (0-based)."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index: expected an integer, got {type(index).__name__}")
        if not 0 <= index < len(self._sources):
            raise ValueError(f"index: expected 0 to {len(self._sources) - 1}, got {index}")
        start = self._start.isoformat() if self._start is not None else None
        return Result(self._summary, self._sources, start, index)

    @property
    def start(self) -> Optional[pd.Timestamp]:
        """The calendar start (local date and time of t = 0), or None without one."""
        return self._start

    def timestamps(self, seconds: Any) -> pd.DatetimeIndex:
        """Seconds of simulated time as local pandas timestamps (needs a calendar start)."""
        if self._start is None:
            raise ValueError("seconds: the scenario has no calendar start: times are seconds")
        return self._start + pd.to_timedelta(np.asarray(seconds, dtype=np.float64), unit="s")

    @property
    def attributes(self) -> Dict[str, Any]:
        """This replication's seed, simulated_seconds, warmup_seconds, events, ..."""
        return self._source.attributes()

    def __repr__(self) -> str:
        return (f"<tpssim.Result {self._summary.get('scenario', '?')!r}: "
                f"{self.replications} replication(s), replication {self._replication} shown>")

    # --- metrics -----------------------------------------------------------------------
    @functools.cached_property
    def _metric_columns(self) -> List[Tuple[str, str, str, np.ndarray]]:
        return self._source.metric_columns()

    @property
    def metric_times(self) -> np.ndarray:
        """Seconds of simulated time of the kept scrapes (one per row of :attr:`metrics`)."""
        return self._source.metric_times()

    @property
    def metric_arrays(self) -> Dict[MetricKey, np.ndarray]:
        """Every monitoring column: {(Prometheus name, subject): values at each kept scrape}.

        Read-only numpy views of the run record (no copy); NaN where there was no data.
        """
        return {(name, subject): values for name, subject, _, values in self._metric_columns}

    @property
    def metric_units(self) -> Dict[str, str]:
        """Each metric's unit by Prometheus name ("seconds", "count", "ratio", "1/s", ...)."""
        return {name: unit for name, _, unit, _ in self._metric_columns}

    @property
    def metrics(self) -> pd.DataFrame:
        """The metrics over time, wide: index ``time_seconds`` (one row per kept scrape),
        columns (Prometheus name, subject). ``metrics["tps_latency_p99_seconds"]["api"]``.
        Columns share memory with the run record (no copy)."""
        columns = {(name, subject): values for name, subject, _, values in self._metric_columns}
        frame = pd.DataFrame(columns, index=pd.Index(self.metric_times, name="time_seconds"),
                             copy=False)
        frame.columns = pd.MultiIndex.from_tuples(list(columns), names=["metric", "subject"])
        return frame

    @property
    def metrics_by_time(self) -> pd.DataFrame:
        """:attr:`metrics` indexed by local timestamps (needs a calendar start)."""
        frame = self.metrics
        frame.index = pd.DatetimeIndex(self.timestamps(self.metric_times), name="time")
        return frame

    # --- the other tables --------------------------------------------------------------
    def _with_time(self, frame: pd.DataFrame, seconds_column: str) -> pd.DataFrame:
        if self._start is not None and seconds_column in frame.columns and "time" not in frame:
            frame.insert(frame.columns.get_loc(seconds_column) + 1, "time",
                         self.timestamps(frame[seconds_column].to_numpy()))
        return frame

    @property
    def events(self) -> pd.DataFrame:
        """The event log: ``time_seconds`` (and ``time``), ``type``, ``subject``, then each
        event's fields (docs/outputs.md, the event log). Empty with ``event_log=False``."""
        return self._with_time(self._source.events(), "time_seconds")

    @property
    def span_arrays(self) -> Dict[str, np.ndarray]:
        """The kept traces' spans as columns: read-only views of the run record (no copy).
        ``service``, ``operation``, ``outcome`` and ``ref`` are codes (see :attr:`spans`)."""
        return self._source.span_arrays()

    @property
    def spans(self) -> pd.DataFrame:
        """The kept traces' spans, one row each: trace_id, span_id, parent_id, service,
        operation, start_seconds, duration_seconds, wait_seconds, self_seconds, outcome, ..."""
        return self._source.spans()

    @property
    def traces(self) -> pd.DataFrame:
        """The kept traces, slowest first: trace_id, start_seconds, duration_seconds (end to
        end), first_row and spans (their rows in :attr:`spans`), bottleneck_row."""
        return self._source.traces()

    @property
    def alerts(self) -> pd.DataFrame:
        """Each firing of an alert rule: name, severity, fired_seconds, resolved_seconds (NaN:
        still firing at the end), value (the metric's value when it fired)."""
        return self._with_time(self._source.alerts(), "fired_seconds")

    @property
    def breaker_transitions(self) -> pd.DataFrame:
        """Circuit-breaker transitions: service, call, at_seconds, from, to, cause."""
        return self._with_time(self._source.breaker_transitions(), "at_seconds")

    @property
    def expectations(self) -> pd.DataFrame:
        """The ``expect:`` checks: text, passed, observed (as text), and what was observed as
        numbers: kind, value, unit, at_seconds, from_seconds, to_seconds, scrapes,
        scrapes_held, name, subject (docs/results-file.md)."""
        return self._source.expectations()


def _read_table(group: Any) -> pd.DataFrame:
    import h5py

    columns = {}
    for name in group.attrs["columns"]:
        data = group[name]
        if "categories" in group and name in group["categories"]:
            categories = group["categories"][name].asstr()[()]
            columns[name] = pd.Categorical.from_codes(data[()], categories)
        elif h5py.check_string_dtype(data.dtype):
            columns[name] = data.asstr()[()]
        else:
            columns[name] = data[()]
    return pd.DataFrame(columns)


def _read_tables(group: Any) -> Tuple[Dict[str, pd.DataFrame], Dict[str, str]]:
    tables, units = {}, {}
    for name, item in group.items():
        if name in ("replications", "summary") or "columns" not in item.attrs:
            continue
        tables[name] = _read_table(item)
        if name == "metrics":
            for column in item.attrs["columns"]:
                if "units" in item[column].attrs:
                    units[column] = str(item[column].attrs["units"])
    return tables, units


def open(path: Union[str, os.PathLike]) -> Result:  # noqa: A001 (tpssim.open, as h5py.File)
    """Read a results file written by ``tpssim run --out FILE.h5`` (docs/results-file.md)
    into a :class:`Result` (tables copied into memory; h5py, Debian's python3-h5py)."""
    import h5py

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"path: expected a results file, got {path!r} (no such file)")
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "tpssim-results":
            raise ValueError(f"path: expected a tpssim results file (format "
                             f"'tpssim-results'), got {path!r}")
        summary = json.loads(f["summary/summary_json"].asstr()[()])
        start = f.attrs.get("start")
        groups = ([f["replications"][str(r)] for r in range(int(f.attrs["replications"]))]
                  if "replications" in f else [f])
        sources = []
        for g in groups:
            tables, units = _read_tables(g)
            attributes = {k: (v.item() if hasattr(v, "item") else v) for k, v in g.attrs.items()
                          if k in ("seed", "simulated_seconds", "warmup_seconds", "events")}
            sources.append(_FileSource(tables, attributes, units))
    return Result(summary, sources, str(start) if start is not None else None)
