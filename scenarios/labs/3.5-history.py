#!/usr/bin/python3
"""Writes 3.5-history.csv, Lab 3.5's history: six months of daily average request rates
growing 20% a month (compound) to ~100 requests/s, with a weekly pattern (weekends at 75%)
and noise (5% lognormal), and the CPU, memory and queue depth an operator would have
gathered beside them. Run once; the CSV is committed (fixed seed: the same file every time).

    /usr/bin/python3 scenarios/labs/3.5-history.py
"""

import datetime
import pathlib

import numpy as np

SEED = 35
DAYS = 183  # six months
END_RATE = 100.0  # requests/s on the last day
MONTHLY_GROWTH = 0.20
WORKERS = 16  # replicas in place during the history
SECONDS_PER_REQUEST = 0.040  # CPU per request (the scenario's 40 ms of work)


def main() -> None:
    rng = np.random.default_rng(SEED)
    start = datetime.date(2026, 6, 1)
    days_per_month = 365.25 / 12
    lines = ["time,rate_per_second,cpu_cores,memory_gib,queue_depth"]
    for day in range(DAYS):
        date = start + datetime.timedelta(days=day)
        months_before_end = (DAYS - 1 - day) / days_per_month
        trend = END_RATE / (1 + MONTHLY_GROWTH) ** months_before_end
        weekly = 0.75 if date.weekday() >= 5 else 1.0
        rate = trend * weekly * rng.lognormal(0.0, 0.05)
        cpu = rate * SECONDS_PER_REQUEST * rng.lognormal(0.0, 0.03)
        memory = WORKERS * 0.5 + 0.002 * rate
        depth = rng.poisson(0.05 * rate)
        lines.append(f"{date.isoformat()},{rate:.2f},{cpu:.3f},{memory:.2f},{depth}")
    out = pathlib.Path(__file__).with_name("3.5-history.csv")
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
