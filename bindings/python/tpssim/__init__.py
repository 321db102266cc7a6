"""tpssim: discrete-event simulation of TPS-style software operations, from Python.

    import tpssim
    scenario = tpssim.load("scenarios/examples/three-tier.yaml", set={"services.api.workers": 8})
    result = scenario.run(seed=7, until="30m", replications=4)
    result.summary["services"]["api"]["latency_seconds"]       # the summary JSON, as a dict
    result.metrics["tps_latency_p99_seconds"]              # metrics over time (pandas)
    tpssim.open("results.h5")                              # a `tpssim run --out` file
    tpssim.sweep("scenarios/labs/3.2-tuning.sweep.yaml").report()   # a parameter sweep

See docs/python.md. The engine is C++ (tpssim._tpssim); simulations release the GIL.
"""

from . import _tpssim, analytic
from ._errors import Diagnostic, ScenarioError
from ._forecast import Forecast, forecast  # capacity forecasts (docs/forecasts.md)
from ._result import Result, open
from ._scenario import Scenario, load

# Sweeps (docs/sweeps.md)
from ._sweep import SweepResult, sweep

__version__ = "0.1.0"
__all__ = ["load", "open", "Scenario", "Result", "ScenarioError", "Diagnostic", "analytic"]
__all__ += ["sweep", "SweepResult"]
__all__ += ["forecast", "Forecast"]
