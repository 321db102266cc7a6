"""tpssim.forecast: a capacity forecast from Python, the same plan as `tpssim forecast`; its
tables as DataFrames, the plot written as a PNG, and bad input as tpssim.ScenarioError."""

import subprocess

import pytest

import tpssim

SCENARIO = """name: py-forecast
seed: 4
duration: 1m
warmup: 10s
load:
  - {name: users, target: api, rate: 20/s}
services:
  api:
    workers: 3
    service_time: {dist: exponential, mean: 20ms}
"""

FORECAST = """history: h.csv
peak_factor: 2x
slo: {p99: 120ms}
scenario: {file: base.yaml, service: api, replications: 2}
replica: {cpu: 0.5, memory: 1GiB}
prices: {on_demand: 70, reserved: 44, spot: 21}
horizons: [3, 6]
"""


def write_history(path, rows, skip=None):
    lines = ["time_days,rate_per_second,cpu_cores"]
    for day in range(rows):
        if day != skip:
            lines.append(f"{day},{20 * 1.2 ** (day / 30.4375) * (1 + 0.03 * (day % 3 - 1)):.3f},1")
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def forecast_dir(tmp_path):
    (tmp_path / "base.yaml").write_text(SCENARIO)
    (tmp_path / "f.yaml").write_text(FORECAST)
    write_history(tmp_path / "h.csv", 90)
    return tmp_path


def test_forecast_tables_match_the_command_line(forecast_dir, tpssim_exe):
    lines = []
    fc = tpssim.forecast(forecast_dir / "f.yaml", threads=2, progress=lines.append)
    assert list(fc.horizons["month"]) == [3, 6]
    assert fc.horizons["workers"].is_monotonic_increasing
    assert fc.horizons["confirmed"].all()
    assert set(fc.fits["model"]) == {"linear", "compound"}
    assert fc.fits["chosen"].sum() == 1
    assert len(fc.history) == 90 and "cpu_cores" in fc.history
    assert set(fc.costs["mix"]) == {"on-demand", "reserved+on-demand", "reserved+spot"}
    assert len(fc.probes) >= 2 and lines  # a progress line per worker count simulated
    # The same plan, byte for byte, as `tpssim forecast --csv`.
    csv = forecast_dir / "out.csv"
    subprocess.run([tpssim_exe, "forecast", str(forecast_dir / "f.yaml"), "--quiet", "--csv",
                    str(csv)], check=True)
    assert csv.read_text() == fc.csv


def test_forecast_plot_writes_a_png(forecast_dir):
    fc = tpssim.forecast(forecast_dir / "f.yaml")
    png = forecast_dir / "forecast.png"
    ax = fc.plot(path=str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ax.get_xlabel() == "months from now"


def test_forecast_bad_history_raises_scenario_error(forecast_dir):
    write_history(forecast_dir / "h.csv", 30, skip=10)
    with pytest.raises(tpssim.ScenarioError) as error:
        tpssim.forecast(forecast_dir / "f.yaml")
    assert error.value.file.endswith("h.csv")
    assert error.value.line == 12  # the header, days 0-9, then day 11
    assert error.value.key_path == "history"
    assert "a gap" in error.value.message
