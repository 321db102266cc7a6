#!/usr/bin/python3
"""What running through Python costs over the command line: the same scenario and seed,
`tpssim run FILE --quiet` against `tpssim.load(FILE).run()`, best wall time of N runs each,
alternated so that a busy machine slows both alike.

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_python.py [--repeat N] [FILE...]

Prints a table, then one line `JSON {...}` with the figures.
"""

import argparse
import json
import pathlib
import subprocess
import time

import tpssim

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_FILES = ["scenarios/examples/three-tier.yaml", "scenarios/examples/holiday-weekend-worked.yaml"]


def time_cli(exe: str, path: str) -> float:
    start = time.perf_counter()
    # Exit code 1 (an `expect:` check failed) is a finished run too.
    subprocess.run([exe, "run", path, "--quiet", "--no-progress"], check=False,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_python(path: str, event_log: bool) -> float:
    start = time.perf_counter()
    tpssim.load(path).run(event_log=event_log)
    return time.perf_counter() - start


def time_two_threads(path: str, until: str) -> tuple:
    """Two runs one after the other, then the same two in two Python threads at once."""
    import threading
    scenario = tpssim.load(path)
    start = time.perf_counter()
    scenario.run(until=until, event_log=False)
    scenario.run(until=until, event_log=False)
    serial = time.perf_counter() - start
    threads = [threading.Thread(target=scenario.run, kwargs={"until": until, "event_log": False})
               for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return serial, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exe", default=str(ROOT / "build" / "tpssim"))
    parser.add_argument("files", nargs="*", default=DEFAULT_FILES)
    parser.add_argument("--skip-overhead", action="store_true", help="only the threads check")
    args = parser.parse_args()
    rows = []
    for name in [] if args.skip_overhead else args.files:
        path = str(ROOT / name)
        cli, py, py_log = [], [], []
        for _ in range(args.repeat):
            cli.append(time_cli(args.exe, path))
            py.append(time_python(path, event_log=False))
            py_log.append(time_python(path, event_log=True))
        row = {"scenario": name, "cli_seconds": min(cli), "python_seconds": min(py),
               "python_event_log_seconds": min(py_log)}
        row["overhead"] = row["python_seconds"] / row["cli_seconds"] - 1
        rows.append(row)
        print(f"{name:50s} CLI {row['cli_seconds']:7.2f} s  Python {row['python_seconds']:7.2f} s"
              f" ({row['overhead']:+.1%})  with the event log {row['python_event_log_seconds']:7.2f} s")
    serial, parallel = time_two_threads(str(ROOT / "scenarios/validation/mmc.yaml"), "4h")
    print(f"two runs of mmc.yaml (4h): one after the other {serial:.2f} s, in two Python "
          f"threads {parallel:.2f} s ({serial / parallel:.2f}x)")
    print("JSON " + json.dumps({"benchmark": "python_overhead", "repeat": args.repeat,
                                "rows": rows, "two_runs_serial_seconds": serial,
                                "two_runs_threads_seconds": parallel}))


if __name__ == "__main__":
    main()
