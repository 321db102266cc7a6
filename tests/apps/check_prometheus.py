#!/usr/bin/python3
"""A run in the real Prometheus tools (ctest prometheus_tools).

Runs lab 3.7 (recovery) for its first 12 minutes (a queue backlog and a backend outage, each
alerted on; a call edge; duplicates counted; before its monitoring outage, which Prometheus
would evaluate differently: see docs/andon.md) with --openmetrics, --prometheus-rules,
--grafana, --metrics and --summary-json, then:
  - `promtool check metrics` lints a snapshot of the series (the last value of each, in the
    text format it reads): names, units and counter suffixes;
  - `promtool tsdb create-blocks-from openmetrics` backfills the OpenMetrics file;
  - a real `prometheus` on 127.0.0.1 (a free port) serves those blocks, and PromQL answers
    (a counter's rate over the run, a quantile gauge at a time, a max over the backlog window)
    are checked against the metrics CSV of the same run;
  - `promtool check rules` accepts the rules file, and `promtool test rules`, over input series
    taken from the CSV, confirms every alert fires at the scrape the summary JSON says it
    fired at, and not one scrape before, and resolves at the scrape it says it resolved at;
    the rules include the lab's and two on a counter's increase() and rate() (added with
    --set), whose values when they fired are PromQL's answers at those times;
  - the Grafana dashboard is JSON with the seven panels, and each query names only metrics the
    OpenMetrics file holds.
Exits 77 (ctest: skipped), saying so, only when promtool or prometheus is not installed
(scripts/install-deps.sh installs them).

usage: check_prometheus.py TPSSIM_BINARY SOURCE_DIR
"""

import calendar
import csv
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

TPSSIM, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SCENARIO = os.path.join(SOURCE, "scenarios/labs/3.7-recovery.yaml")
UNTIL_SECONDS = 12 * 60
# The lab's alert rules, and two on what the jobs stream's redelivery counter did lately (the
# unhealthy replicas' items are redelivered when the lab's action replaces them, ~3m45s).
ALERTS = """[
  {name: JobsBacklog, when: "queue_depth(jobs) > 100", for: 30s, severity: page},
  {name: NothingPulled, when: "throughput(worker) < 1/s", for: 30s, severity: page},
  {name: WorkersSaturated, when: "utilization(worker) > 90%", for: 1m, severity: page},
  {name: Redelivering, when: "increase(redelivered(jobs)[1m]) > 0", severity: ticket},
  {name: RedeliveryRate, when: "rate(redelivered(jobs)[2m]) > 0.01/s", for: 15s,
   severity: ticket}]"""
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAILED:", what, file=sys.stderr)


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def read_csv(path):
    """{(subject, metric): [(t, value or NaN)]} from the metrics CSV."""
    series = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = float(row["time_seconds"])
            for name, cell in row.items():
                if not name.startswith("tps_"):
                    continue
                if cell == "" and (row["subject"], name) not in series:
                    continue  # the metric does not apply to this subject
                series.setdefault((row["subject"], name), []).append(
                    (t, float(cell) if cell != "" else math.nan))
    return {k: v for k, v in series.items() if not all(math.isnan(x) for _, x in v)}


def labels_of(subject, metric):
    """The label set docs/andon.md gives each subject."""
    if "->" in subject:
        caller, key = subject.split("->", 1)
        if metric.startswith("tps_link_"):
            return f'{{link="{subject}"}}'
        return f'{{service="{caller}",call="{key}"}}'
    return f'{{service="{subject}"}}'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def promql(port, query, at):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode(
        {"query": query, "time": f"{at:.3f}"})
    with urllib.request.urlopen(url, timeout=10) as r:
        body = json.load(r)
    if body["status"] != "success":
        raise SystemExit(f"prometheus: {query}: {body}")
    return [float(v["value"][1]) for v in body["data"]["result"]]


def check_metrics_lint(openmetrics, tmp):
    """promtool check metrics over the last sample of each series (text format 0.0.4)."""
    lines, last, types = [], {}, {}
    for line in openmetrics.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(" ")
            types[family] = kind
        elif line.startswith("# HELP "):
            family = line.split(" ")[2]
            name = family + "_total" if types.get(family) == "counter" else family
            lines.append(f"# HELP {name} {line.split(' ', 3)[3]}")
            lines.append(f"# TYPE {name} {types[family]}")
        elif line and not line.startswith("#"):
            series, value, _ = line.rsplit(" ", 2)
            if series not in last:
                lines.append(series)
            last[series] = value
    text = "\n".join(f"{l} {last[l]}" if not l.startswith("#") else l for l in lines) + "\n"
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True)
    check(r.returncode == 0, f"promtool check metrics: {r.stdout}{r.stderr}")


def check_promql(tmp, csv_series, summary, start):
    blocks = os.path.join(tmp, "tsdb")
    r = subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics",
                        os.path.join(tmp, "run.om"), blocks], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"promtool tsdb create-blocks-from openmetrics: {r.stderr}{r.stdout}")
    config = os.path.join(tmp, "prometheus.yml")
    with open(config, "w", encoding="utf-8") as f:
        f.write("global: {}\n")
    port = free_port()
    server = subprocess.Popen(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={blocks}",
         f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prometheus.log"), "w"))
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/ready", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                with open(os.path.join(tmp, "prometheus.log"), encoding="utf-8") as f:
                    raise SystemExit("prometheus did not become ready:\n" + f.read()[-2000:])
            time.sleep(0.2)

        # A counter's rate over the whole run: no extrapolation when the range spans exactly
        # the first to the last sample.
        counter = csv_series[("jobs", "tps_duplicates_total")]
        (t0, v0), (t1, v1) = counter[0], counter[-1]
        got = promql(port, f'rate(tps_duplicates_total{{service="jobs"}}[{int(t1 - t0)}s])',
                     start + t1)
        check(len(got) == 1 and close(got[0], (v1 - v0) / (t1 - t0)),
              f"rate of duplicates over the run: prometheus {got}, csv {(v1 - v0) / (t1 - t0)}")
        check(v1 > v0, "the run counted duplicates (the rate is not a trivial 0)")

        # A quantile gauge at a time: the worker's p99 at each scrape of minutes 4 to 6.
        for t, v in csv_series[("worker", "tps_latency_p99_seconds")]:
            if 240 <= t <= 360:
                got = promql(port, 'tps_latency_p99_seconds{service="worker"}', start + t)
                check(len(got) == 1 and (close(got[0], v) or (math.isnan(v) and
                                                              math.isnan(got[0]))),
                      f"p99(worker) at t={t}: prometheus {got}, csv {v}")

        # A max over the fault window: the jobs backlog while the worker was unhealthy (3m-4m).
        window = [v for t, v in csv_series[("jobs", "tps_queue_depth")] if 180 <= t <= 240]
        got = promql(port, 'max_over_time(tps_queue_depth{service="jobs"}[60s])', start + 240)
        check(len(got) == 1 and close(got[0], max(window)),
              f"max queue depth over [3m, 4m]: prometheus {got}, csv {max(window)}")
        check(max(window) > 100, "the backlog window has a backlog")

        # Every series made it: as many series of each metric as the summary has subjects for
        # (those without any data too: all NaN).
        subjects = {}
        for subject, metrics in summary["monitoring"]["series"].items():
            for metric in metrics:
                subjects[metric] = subjects.get(metric, 0) + 1
        for metric, count in sorted(subjects.items()):
            got = promql(port, f"count(count_over_time({metric}[{UNTIL_SECONDS}s]))",
                         start + UNTIL_SECONDS)
            check(got == [float(count)], f"{metric}: prometheus has {got} series, the run {count}")
        check(len(subjects) >= 20, f"the run recorded most of the catalogue: {sorted(subjects)}")

        # The value of a rule on increase() or rate() when it fired: PromQL's, at that time.
        with open(os.path.join(tmp, "rules.yml"), encoding="utf-8") as f:
            exprs = dict(re.findall(r"- alert: (\S+)\n\s+expr: (.+)\n", f.read()))
        ranged = 0
        for alert in summary["alerts"]:
            expr = exprs[alert["name"].replace("-", "_")]
            if not expr.startswith(("increase(", "rate(")):
                continue
            query = expr.rsplit(" ", 2)[0]
            for firing in alert["first_run"]:
                got = promql(port, query, start + firing["fired_seconds"])
                ranged += 1
                check(len(got) == 1 and close(got[0], firing["value"]),
                      f"{query} at {firing['fired_seconds']}: prometheus {got}, "
                      f"tpssim {firing['value']}")
        check(ranged >= 2, f"rules on increase() and rate() fired: {ranged} firings")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def series_notation(points, interval):
    """promtool's input series notation, one value per evaluation from time 0: '_' where
    the record has no row."""
    by_index = {round(t / interval): v for t, v in points}
    values = []
    for i in range(max(by_index) + 1):
        v = by_index.get(i)
        values.append("_" if v is None else ("NaN" if math.isnan(v) else repr(v)))
    return " ".join(values)


def check_rules(tmp, csv_series, summary):
    rules_path = os.path.join(tmp, "rules.yml")
    r = subprocess.run(["promtool", "check", "rules", rules_path], capture_output=True,
                       text=True)
    check(r.returncode == 0, f"promtool check rules: {r.stdout}{r.stderr}")
    with open(rules_path, encoding="utf-8") as f:
        rules_text = f.read()
    # Each rule's expr, to find its input series: `metric{labels} op threshold`.
    exprs = dict(re.findall(r"- alert: (\S+)\n\s+expr: (.+)\n", rules_text))
    interval = 15
    inputs, tests, resolutions = {}, [], {}
    for alert in summary["alerts"]:
        expr = exprs[alert["name"].replace("-", "_")]
        selector = re.search(r"(tps_\w+)(\{[^}]*\})", expr)
        metric, labels = selector.group(1), selector.group(2)
        subject = next(s for s, m in csv_series if m == metric and labels_of(s, m) == labels)
        inputs[metric + labels] = series_notation(csv_series[(subject, metric)], interval)
        label_pairs = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        for firing in alert["first_run"]:
            fired = firing["fired_seconds"]
            expected = [{"exp_labels": {"severity": alert["severity"], **label_pairs},
                         "exp_annotations": {"summary": alert["condition"]}}]
            tests.append({"eval_time": f"{round(fired)}s", "alertname": alert["name"],
                          "exp_alerts": expected})
            tests.append({"eval_time": f"{round(fired) - interval}s",
                          "alertname": alert["name"], "exp_alerts": []})
            resolved = firing["resolved_seconds"]
            if resolved is not None:
                tests.append({"eval_time": f"{round(resolved) - interval}s",
                              "alertname": alert["name"], "exp_alerts": expected})
                tests.append({"eval_time": f"{round(resolved)}s", "alertname": alert["name"],
                              "exp_alerts": []})
                resolutions[alert["name"]] = resolutions.get(alert["name"], 0) + 1
    check(len(tests) >= 4, f"the run's alerts fired at least twice: {len(tests) // 2} firings")
    check(resolutions.get("Redelivering", 0) >= 1,
          f"the rule on increase() fired and resolved: {resolutions}")
    test_file = {
        "rule_files": [rules_path],
        "evaluation_interval": f"{interval}s",
        "tests": [{"interval": f"{interval}s",
                   "input_series": [{"series": s, "values": v} for s, v in inputs.items()],
                   "alert_rule_test": tests}],
    }
    test_path = os.path.join(tmp, "rules.test.yml")
    with open(test_path, "w", encoding="utf-8") as f:
        json.dump(test_file, f)  # JSON is YAML
    r = subprocess.run(["promtool", "test", "rules", test_path], capture_output=True, text=True)
    check(r.returncode == 0, f"promtool test rules: {r.stdout}{r.stderr}")


def check_grafana(tmp, openmetrics):
    with open(os.path.join(tmp, "dashboard.json"), encoding="utf-8") as f:
        dashboard = json.load(f)
    titles = [p["title"] for p in dashboard["panels"]]
    check(len(titles) == 7, f"seven panels: {titles}")
    for word in ("breaker", "queue", "utilisation", "error", "latency", "throughput", "cpu"):
        check(any(word in t.lower() for t in titles), f"a panel about {word}: {titles}")
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    check(variables.get("datasource", {}).get("query") == "prometheus",
          "a Prometheus datasource variable")
    check("service" in variables, "a service variable")
    recorded = set(re.findall(r"^(tps_\w+)[{ ]", openmetrics, re.M))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exprs.append(variables["service"]["definition"])
    check(len(exprs) >= 10, f"the panels query: {exprs}")
    for expr in exprs:
        bare = re.sub(r'"[^"]*"', "", re.sub(r"\{[^}]*\}", "", expr))
        names = {n for n in re.findall(r"[A-Za-z_:][\w:]*(?!\w*\s*\()", bare)
                 if n not in ("service", "by", "without")}
        check(names and names <= recorded, f"{expr}: names {names - recorded} not recorded")


def main():
    missing = [tool for tool in ("promtool", "prometheus") if shutil.which(tool) is None]
    if missing:
        print(f"SKIPPED: {' and '.join(missing)} not installed (Debian package prometheus; "
              "scripts/install-deps.sh installs it)")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run(
            [TPSSIM, "run", SCENARIO, "--until", f"{UNTIL_SECONDS}s", "--quiet",
             "--openmetrics", "run.om", "--prometheus-rules", "rules.yml",
             "--grafana", "dashboard.json", "--metrics", "run.csv", "--summary-json",
             "summary.json", "--set", "alerts=" + ALERTS], cwd=tmp, capture_output=True,
            text=True)
        # The lab cut short misses its later checks (exit 1); anything else is a failure.
        if r.returncode not in (0, 1):
            raise SystemExit(f"tpssim exited {r.returncode}: {r.stderr}")
        with open(os.path.join(tmp, "run.om"), encoding="utf-8") as f:
            openmetrics = f.read()
        with open(os.path.join(tmp, "summary.json"), encoding="utf-8") as f:
            summary = json.load(f)
        csv_series = read_csv(os.path.join(tmp, "run.csv"))
        # Timestamps count from the calendar start read as UTC, else from Monday 1970-01-05
        # 00:00 UTC (the traces' epoch).
        start = 4 * 86400.0
        if "start" in summary:
            start = calendar.timegm(time.strptime(summary["start"][:19], "%Y-%m-%dT%H:%M:%S"))
        check_metrics_lint(openmetrics, tmp)
        check_promql(tmp, csv_series, summary, start)
        check_rules(tmp, csv_series, summary)
        check_grafana(tmp, openmetrics)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("prometheus tools: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
