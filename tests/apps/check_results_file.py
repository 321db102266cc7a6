#!/usr/bin/python3
"""The results file read as a user reads it (ctest results_file_python).

Runs `tpssim run --out` (with --summary-json and --metrics) on the holiday-weekend exam, cut
short (services, call edges, circuit breakers, an autoscaler, events, sampled spans, alerts,
expectations), then once with replications; takes the reading code of docs/results-file.md
out of the doc itself (so the doc cannot rot), runs it, and checks every DataFrame against the
summary JSON and the metrics CSV of the same run.

usage: check_results_file.py TPSSIM_BINARY SOURCE_DIR
"""

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import pandas as pd

TPSSIM, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SCENARIO = os.path.join(SOURCE, "scenarios/examples/holiday-weekend-worked.yaml")
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAILED:", what, file=sys.stderr)


def same(a, b):
    """Numbers from the file and from the JSON (null: NaN) agree."""
    if b is None:
        return a is None or (isinstance(a, float) and math.isnan(a))
    if isinstance(a, float) and math.isnan(a):
        return False
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)


def reading_code():
    """The first python block of the doc that defines read_results."""
    with open(os.path.join(SOURCE, "docs/results-file.md"), encoding="utf-8") as f:
        doc = f.read()
    for block in re.findall(r"```python\n(.*?)```", doc, re.S):
        if "def read_results" in block:
            return block
    raise SystemExit("docs/results-file.md: no python block defines read_results")


def run(args, cwd):
    r = subprocess.run([TPSSIM, "run", SCENARIO] + args, cwd=cwd, capture_output=True, text=True)
    # The exam cut short may miss some of its checks (exit 1); anything else is a failure.
    if r.returncode not in (0, 1):
        raise SystemExit(f"tpssim exited {r.returncode}: {r.stderr}")


def check_run_tables(tables, prefix, summary, csv=None):
    """The tables of one run (under `prefix`) against the summary JSON of that run alone."""
    t = lambda name: tables[prefix + name]
    monitoring = summary["monitoring"]
    check(monitoring["stride"] == 1, "a short run keeps every scrape")

    # metrics: every kept scrape of every subject; each series' extremes and mean as summarised.
    metrics = t("metrics")
    series = monitoring["series"]
    check(len(metrics) == monitoring["rows_kept"] * len(series), "metrics: rows")
    check(list(metrics.subject.cat.categories) == list(series), "metrics: subjects in order")
    for subject, by_metric in series.items():
        rows = metrics[metrics.subject == subject]
        for metric, fig in by_metric.items():
            values = rows[metric].dropna()
            check(same(values.min() if len(values) else None, fig["min"]), f"{subject} {metric} min")
            check(same(values.max() if len(values) else None, fig["max"]), f"{subject} {metric} max")
            if fig["mean"] is not None:
                check(math.isclose(values.mean(), fig["mean"], rel_tol=1e-9, abs_tol=1e-12),
                      f"{subject} {metric} mean")
            if len(values):
                check(same(values.iloc[-1], fig["last"]), f"{subject} {metric} last")
    if csv is not None:
        # The CSV holds the same table: same rows, same numbers (empty cells: NaN).
        check(len(csv) == len(metrics), "metrics CSV: rows")
        check(list(csv.subject) == list(metrics.subject.astype(str)), "metrics CSV: subjects")
        for metric in metrics.columns[2:]:
            a, b = metrics[metric].to_numpy(), csv[metric].to_numpy()
            check(all((math.isnan(x) and math.isnan(y)) or math.isclose(x, y, rel_tol=1e-15)
                      for x, y in zip(a, b)), f"metrics CSV: {metric}")

    # events: every event of the log, as counted.
    events = t("events")
    check(len(events) == summary["event_log"]["events"], "events: rows")
    check(events.time_seconds.is_monotonic_increasing, "events: in time order")
    scales = events[events.type == "scale"]
    check(len(scales) > 0 and scales["from"].notna().all() and scales["by"].notna().all(),
          "events: scale events with their fields")

    # spans and traces: the slowest traces of the summary, their spans and bottlenecks.
    traces, spans = t("traces"), t("spans")
    spans_no_replica = 0xFFFFFFFF  # the replica column's `no_replica` attribute
    slowest = summary["traces"]["slowest"]
    check(len(traces) == len(slowest) > 0, "traces: rows")
    for row, s in zip(traces.itertuples(), slowest):
        check(row.trace_id == s["trace_id"] and same(row.duration_seconds, s["duration_seconds"])
              and row.spans == s["spans"], f"trace {s['trace_id']}")
        mine = spans.iloc[row.first_row:row.first_row + row.spans]
        check((mine.trace_id == row.trace_id).all(), f"trace {s['trace_id']}: its spans")
        b = spans.iloc[row.bottleneck_row]
        check(b.service == s["bottleneck"]["service"]
              and b.operation == s["bottleneck"]["operation"]
              and same(b.duration_seconds, s["bottleneck"]["duration_seconds"])
              and same(b.self_seconds, s["bottleneck"]["self_seconds"]),
              f"trace {s['trace_id']}: bottleneck")
        check(same(row.entry_seconds, s["entry_seconds"])
              and same(row.ranked_seconds, s["ranked_seconds"]),
              f"trace {s['trace_id']}: entry and ranked seconds")
        # On the critical path a trace's self times add up to its end-to-end duration.
        check(math.isclose(mine.self_seconds.sum(), row.duration_seconds, rel_tol=1e-9),
              f"trace {s['trace_id']}: self times add up to the duration")
        check(mine.ref.iloc[0] == "child_of" and mine.delivery.ge(0).all()
              and set(mine.ref.unique()) <= {"child_of", "follows_from"},
              f"trace {s['trace_id']}: references")
        served = mine[mine.replica != spans_no_replica]
        check(len(served) > 0 and (served.replica >= 0).all(), f"trace {s['trace_id']}: replicas")
    check(summary["traces"]["traced"] > 0, "traces: requests traced")

    # alerts: every firing of the first run.
    alerts = t("alerts")
    for rule in summary["alerts"]:
        mine = alerts[alerts.name == rule["name"]]
        check(len(mine) == len(rule["first_run"]), f"alert {rule['name']}: firings")
        for row, f in zip(mine.itertuples(), rule["first_run"]):
            check(same(row.fired_seconds, f["fired_seconds"])
                  and same(row.resolved_seconds, f["resolved_seconds"]), f"alert {rule['name']}")

    # breaker transitions: those of every breaker.
    transitions = t("breaker_transitions")
    expected = [(svc, key, tr["at_seconds"], tr["to"])
                for svc, s in summary["services"].items()
                for key, b in s.get("circuit_breakers", {}).items() for tr in b["transitions"]]
    got = [(r.service, r.call, r.at_seconds, r.to) for r in transitions.itertuples()]
    check(got == expected, "breaker transitions")

    # expectations
    checks = summary["expectations"]["checks"]
    exp = t("expectations")
    check(list(exp.text) == [c["text"] for c in checks], "expectations: texts")
    check(list(exp.passed) == [c["passed"] for c in checks], "expectations: verdicts")
    check(list(exp.observed) == [c["observed"] for c in checks], "expectations: observed")
    # ... and what was observed as numbers (an open window: +inf in the file, null in JSON).
    for row, c in zip(exp.itertuples(), checks):
        o = c["observation"]
        check(row.kind == o["kind"] and row.unit == o["unit"] and row.name == o["name"]
              and row.subject == o["subject"], f"expectations: observation of {c['text']}")
        to_seconds = None if math.isinf(row.to_seconds) else row.to_seconds
        for got, key in ((row.value, "value"), (row.at_seconds, "at_seconds"),
                         (row.from_seconds, "from_seconds"), (to_seconds, "to_seconds"),
                         (row.scrapes, "scrapes"), (row.scrapes_held, "scrapes_held")):
            check(same(got, o[key]), f"expectations: {key} of {c['text']}")

    # services: the run's own figures.
    services = t("services").set_index("name")
    check(list(services.index) == list(summary["services"]), "services: rows")
    for name, s in summary["services"].items():
        for key in ("arrivals", "completed", "rejected", "failed", "dead_lettered", "crashes"):
            check(services.loc[name, key] == s[key], f"services {name} {key}")
        check(same(services.loc[name, "latency_seconds_p99"], s["latency_seconds"]["p99"]),
              f"services {name} p99")
        check_unschedulable(services, name, s, "services")


def check_unschedulable(services, name, s, table):
    """`unschedulable` where the service has a placement (the JSON has it only there), else 0."""
    placed = "unschedulable" in s
    check(bool(services.loc[name, "placement"]) == placed, f"{table} {name} placement")
    check(same(services.loc[name, "unschedulable"], s.get("unschedulable", 0)),
          f"{table} {name} unschedulable")


def check_summary(tables, summary, replicated):
    services = tables["summary/services"].set_index("name")
    check(list(services.index) == list(summary["services"]), "summary/services: rows")
    for name, s in summary["services"].items():
        for key in ("arrivals", "completed", "utilization", "throughput_per_second"):
            check(same(services.loc[name, key], s[key]), f"summary/services {name} {key}")
            if replicated:
                check(same(services.loc[name, key + "_ci95"], s["ci95_half_width"][key]),
                      f"summary/services {name} {key} ci95")
        check(same(services.loc[name, "wait_seconds_mean"], s["wait_seconds"]["mean"]),
              f"summary/services {name} wait mean")
        check_unschedulable(services, name, s, "summary/services")
    calls = tables["summary/calls"]
    for row in calls.itertuples():
        c = summary["services"][row.service]["calls"][row.call]
        check(row.target == c["target"] and same(row.calls, c["calls"])
              and same(row.retries, c["retries"]), f"summary/calls {row.service} {row.call}")
    check(len(calls) == sum(len(s.get("calls", {})) for s in summary["services"].values()),
          "summary/calls: rows")
    rules = tables["summary/alerts"]
    check(list(rules.name) == [a["name"] for a in summary["alerts"]], "summary/alerts: rules")
    check(all(same(r.firings, a["firings"]) for r, a in zip(rules.itertuples(), summary["alerts"])),
          "summary/alerts: firings")
    exp = tables["summary/expectations"]
    check(list(exp.passed_replications)
          == [c["passed_replications"] for c in summary["expectations"]["checks"]],
          "summary/expectations")
    series = tables["summary/series"]
    check(len(series) == sum(len(m) for m in summary["monitoring"]["series"].values()),
          "summary/series: rows")


def main():
    namespace = {}
    exec(reading_code(), namespace)
    read_results = namespace["read_results"]
    work = tempfile.mkdtemp(prefix="tpssim-results-py-")
    try:
        # One run.
        h5, js, csv = (os.path.join(work, n) for n in ("r.h5", "r.json", "r.csv"))
        run(["--until", "4h", "--quiet", "--reproducible", "--slowest", "3", "--out", h5,
             "--summary-json", js, "--metrics", csv], work)
        with open(js, encoding="utf-8") as f:
            text = f.read()
        summary = json.loads(text)
        tables = read_results(h5)
        check_run_tables(tables, "", summary, pd.read_csv(csv, float_precision="round_trip"))
        check_summary(tables, summary, False)
        with h5py.File(h5, "r") as f:
            check(f.attrs["format"] == "tpssim-results", "root: format")
            check(f.attrs["format_version"] == 1, "root: format_version")
            check(f.attrs["seed"] == summary["seed"], "root: seed")
            check(f.attrs["scenario_name"] == summary["scenario"], "root: scenario_name")
            check(f.attrs["start"] == "2026-12-25T14:00:00", "root: start")
            check("created" not in f.attrs and "wall_seconds" not in f.attrs,
                  "root: no wall clock under --reproducible")
            check(f["summary/summary_json"].asstr()[()] == text, "summary/summary_json")
            check("name: holiday-weekend-worked" in f["scenario"].asstr()[()],
                  "scenario: the YAML")
            check(f["metrics/tps_utilization"].attrs["units"] == "ratio", "metrics: units")
            check(f["metrics/tps_utilization"].compression == "gzip", "metrics: compressed")
        # What `h5dump -H` shows (hdf5-tools), when it is installed.
        if shutil.which("h5dump"):
            dump = subprocess.run(["h5dump", "-H", h5], capture_output=True, text=True).stdout
            for group in ("metrics", "events", "spans", "traces", "alerts", "summary"):
                check(f'GROUP "{group}"' in dump, f"h5dump -H shows {group}/")

        # Replications: one group each, and the pooled summary. The workers on a full cluster
        # of 4 nodes lose one for 20 minutes: its 2 replicas' replacements wait unschedulable.
        placed = ["--set", "services.worker.placement={nodes: 4, replicas_per_node: 2}",
                  "--chaos", "target=worker,node_crash=1,at=20m,for=20m"]
        h5, js = os.path.join(work, "rep.h5"), os.path.join(work, "rep.json")
        run(["--until", "2h", "--quiet", "--reproducible", "--slowest", "3", "--replications", "2",
             "--out", h5,
             "--summary-json", js] + placed, work)
        with open(js, encoding="utf-8") as f:
            pooled = json.load(f)
        tables = read_results(h5)
        check("metrics" not in tables, "replications: no run tables at the root")
        check(all(f"replications/{r}/metrics" in tables for r in (0, 1)), "replications: groups")
        check_summary(tables, pooled, True)
        check(pooled["services"]["worker"].get("unschedulable", 0) > 0,
              "replications: the node crash left replicas unschedulable")
        # Replication 0 is the plain run with the same seed.
        first = os.path.join(work, "first.json")
        run(["--until", "2h", "--quiet", "--reproducible", "--slowest", "3", "--summary-json",
             first] + placed, work)
        with open(first, encoding="utf-8") as f:
            check_run_tables(tables, "replications/0/", json.load(f))
        with h5py.File(h5, "r") as f:
            check(list(f["replications"]) == ["0", "1"], "replications: in order")
            check(f["replications/1"].attrs["seed"] != f.attrs["seed"], "replications: seeds")
    finally:
        shutil.rmtree(work)
    if failures:
        raise SystemExit(f"{len(failures)} check(s) failed")
    print("results file: every table agrees with the summary JSON")


main()
