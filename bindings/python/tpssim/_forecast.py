"""tpssim.forecast: a capacity forecast (Lab 3.5) from Python, as `tpssim forecast` plans it.

    fc = tpssim.forecast("scenarios/labs/3.5-capacity.forecast.yaml")
    fc.horizons          # one row per horizon: rates, band, peak, workers, latency, costs...
    fc.plot()            # history, fit, 95% prediction band and planned peak (matplotlib)

See docs/forecasts.md.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, Optional

import pandas as pd

from . import _tpssim


class Forecast:
    """A planned forecast: its tables as pandas DataFrames and the report's text.

    history: the history's rows (time, t_months, rate, fit, and cpu_cores, memory_gib,
        queue_depth where the CSV has them); empty for a stated growth.
    fits: the linear and compound fits (monthly growth and its 95% interval, R^2, residual
        standard error, the rate-scale SSE that chose between them).
    curve: the fitted rate, its 95% prediction band and the planned peak, a row per quarter
        month from the history's start to the last horizon.
    horizons: a row per horizon (month, average, low, high, planned_peak, erlang_c_workers,
        workers, confirmed, latency_quantile, latency_half_width, utilisation, queue_places,
        cpu_cores, memory_gib, base_workers).
    costs: a row per horizon and purchasing mix (reserved, on_demand, spot, cost_per_month).
    probes: every worker count simulated (month, workers, latency, utilisation, meets_slo).
    scaling: when to scale (month, from, to, percent).
    attrs: the settings and figures of the plan (service, slo_seconds, current_workers, ...).
    report: the terminal report; csv: the `--csv` text.
    """

    def __init__(self, tables: Dict[str, Any]):
        self.attrs: Dict[str, Any] = dict(tables["attrs"])
        self.report: str = tables["report"]
        self.csv: str = tables["csv"]
        self.history = pd.DataFrame(tables.get("history", {}))
        self.fits = pd.DataFrame(tables.get("fits", {}))
        self.curve = pd.DataFrame(tables["curve"])
        self.horizons = pd.DataFrame(tables["horizons"])
        self.costs = pd.DataFrame(tables["costs"])
        self.probes = pd.DataFrame(tables["probes"])
        self.scaling = pd.DataFrame(tables["scaling"])

    def __repr__(self) -> str:
        return (f"<tpssim.Forecast {self.attrs['forecast_file']}: "
                f"{len(self.horizons)} horizons, {self.attrs['growth_model']} growth>")

    def plot(self, ax=None, path: Optional[str] = None):
        """The history, the fitted growth, its 95% prediction band and the planned peak over
        months from now, horizons marked with the workers sized for them. Draws on `ax` (a new
        figure when None); writes a PNG to `path` when given. Returns the axes."""
        import matplotlib
        if ax is None and path is not None and not os.environ.get("MPLBACKEND"):
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(10, 5))
        now = self.attrs["now_months"]
        c = self.curve
        ax.fill_between(c["months_ahead"], c["low"], c["high"], color="tab:blue", alpha=0.2,
                        label="95% prediction band")
        ax.plot(c["months_ahead"], c["fit"], color="tab:blue",
                label=f"{self.attrs['growth_model']} fit")
        ax.plot(c["months_ahead"], c["peak"], color="tab:red", linestyle="--",
                label=f"planned peak ({self.attrs['peak_factor']:g}x)")
        if len(self.history):
            ax.plot(self.history["t_months"] - now, self.history["rate"], ".", color="0.3",
                    markersize=3, label="history")
        for _, h in self.horizons.iterrows():
            ax.axvline(h["month"], color="0.7", linewidth=0.8)
            ax.annotate(f"{int(h['workers'])} workers", (h["month"], h["planned_peak"]),
                        textcoords="offset points", xytext=(-4, 6), ha="right", fontsize=8)
        ax.axvline(0.0, color="0.4", linewidth=0.8)
        ax.set_xlabel("months from now")
        ax.set_ylabel("requests / s")
        ax.set_title(f"{self.attrs['service']}: forecast and planned peak")
        ax.legend(loc="upper left")
        if path is not None:
            ax.figure.savefig(path, dpi=100, bbox_inches="tight")
        return ax


def forecast(path: str, *, threads: Optional[int] = None, seed: Optional[int] = None,
             progress: Optional[Callable[[str], Any]] = None,
             poll_seconds: float = 0.1) -> Forecast:
    """Plans the forecast file `path` (docs/forecasts.md) as `tpssim forecast` does: fits the
    growth, projects each horizon, sizes the service by Erlang C and confirms it by
    simulation (`threads` for the replications, every core by default; `seed` instead of the
    scenario's), and prices it. `progress(line)` is called with a line per worker count
    simulated. Raises tpssim.ScenarioError for a bad file (or history), KeyboardInterrupt on
    Ctrl-C."""
    return Forecast(_tpssim.forecast(os.fspath(path), threads or 0, seed, progress,
                                     poll_seconds))
