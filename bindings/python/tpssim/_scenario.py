"""tpssim.load and tpssim.Scenario: a validated scenario, ready to run."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from . import _arguments, _tpssim
from ._result import Result

ProgressCallback = Callable[[float], Any]


def _override_value(path: str, value: Any) -> str:
    # --set reads VALUE as YAML; JSON is YAML, so every Python value goes through json.
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float, list, dict)) or value is None:
        return json.dumps(value)
    raise TypeError(f"set: expected str, int, float, bool, list or dict for {path!r}, "
                    f"got {type(value).__name__}")


def _overrides(set: Optional[Mapping[str, Any]]) -> list:
    if set is None:
        return []
    if not isinstance(set, Mapping):
        raise TypeError(f"set: expected a dict of key path -> value, got {type(set).__name__}")
    out = []
    for path, value in set.items():
        if not isinstance(path, str) or not path:
            raise TypeError(f"set: expected key paths as non-empty str, got {path!r}")
        out.append((path, _override_value(path, value)))
    return out


def _chaos(chaos: Optional[Iterable[Union[str, Mapping[str, Any]]]]) -> list:
    if chaos is None:
        return []
    if isinstance(chaos, (str, Mapping)):
        chaos = [chaos]
    out = []
    for fault in chaos:
        if isinstance(fault, str):
            out.append(fault)
        elif isinstance(fault, Mapping):
            out.append(",".join(f"{k}={v}" for k, v in fault.items()))
        else:
            raise TypeError("chaos: expected faults as 'key=value,...' strings or dicts, "
                            f"got {type(fault).__name__}")
    return out


def load(source: Union[str, os.PathLike, Mapping[str, Any]], *,
         set: Optional[Mapping[str, Any]] = None,
         chaos: Optional[Iterable[Union[str, Mapping[str, Any]]]] = None) -> "Scenario":
    """Load and validate a scenario, as ``tpssim validate`` does.

    source: a scenario file's path, or the scenario itself as a dict (the YAML document's
        structure; relative CSV paths then start from the working directory).
    set: overrides by key path, as ``--set PATH=VALUE``: ``{"services.api.workers": 8,
        "load.users.rate": "120/s"}``; strings are read as YAML (durations such as "250ms").
    chaos: extra faults, as ``--chaos``: ``"target=db,latency=500ms,at=10m,for=5m"`` or
        ``{"target": "db", "latency": "500ms", "at": "10m", "for": "5m"}``.

    Raises tpssim.ScenarioError (every problem, with file, line, column and key path),
    TypeError for arguments of the wrong type, FileNotFoundError for a missing file.
    """
    overrides = _overrides(set)
    faults = _chaos(chaos)
    text_or_path, name, is_text = _arguments.source(source, "a scenario file")
    if is_text:
        return Scenario(_tpssim.load_text(text_or_path, name, overrides, faults))
    return Scenario(_tpssim.load_file(text_or_path, overrides, faults))


class Scenario:
    """A validated scenario (see tpssim.load). Run it with :meth:`run`."""

    def __init__(self, handle: "_tpssim.ScenarioHandle"):
        self._handle = handle

    @property
    def name(self) -> str:
        """The scenario's ``name:``."""
        return self._handle.name

    @property
    def file(self) -> str:
        """The file's path as given ("<dict>" for a dict)."""
        return self._handle.file

    @property
    def seed(self) -> int:
        """The scenario's ``seed:`` (what :meth:`run` uses without ``seed=``)."""
        return self._handle.seed

    @property
    def duration_seconds(self) -> float:
        """The simulated horizon, in seconds."""
        return self._handle.duration_seconds

    @property
    def warmup_seconds(self) -> float:
        """The warm-up, in seconds (figures start after it)."""
        return self._handle.warmup_seconds

    @property
    def start(self) -> Optional[str]:
        """The calendar start (local ISO 8601 date and time of t = 0), or None."""
        return self._handle.start

    @property
    def services(self) -> list:
        """The names of the services and queues, in the scenario's order."""
        return list(self._handle.services)

    @property
    def yaml(self) -> str:
        """The resolved scenario as YAML text (after ``set=`` and ``chaos=``)."""
        return self._handle.resolved_yaml

    def __repr__(self) -> str:
        return (f"<tpssim.Scenario {self.name!r}: {len(self.services)} services, "
                f"{self.duration_seconds:g} s>")

    def run(self, *, seed: Optional[int] = None, until: Union[None, float, str] = None,
            replications: int = 1, threads: int = 0,
            progress: Union[None, bool, ProgressCallback] = None,
            event_log: bool = True) -> Result:
        """Run the scenario and return its :class:`tpssim.Result`, as ``tpssim run`` does.

        seed: replaces the scenario's seed (a non-negative integer).
        until: simulate this long instead of the scenario's duration: seconds (float) or a
            duration text such as "30m".
        replications: independent replications, run in parallel (figures get 95% CIs).
        threads: threads for the replications (0: every core).
        progress: None for none; True for a tqdm bar; or a callable taking the fraction done
            (0.0 to 1.0), called from this thread about ten times a second.
        event_log: keep the event log's rows (``Result.events``); False only counts them.

        The GIL is released while simulating, so other Python threads run meanwhile. Ctrl-C
        (or an exception raised by ``progress``) stops the simulation within a moment and is
        raised here (KeyboardInterrupt).
        """
        if seed is None:
            seed = self.seed
        _arguments.count("seed", seed, 0, 2**64 - 1)
        until_seconds = _arguments.seconds("until", until)
        _arguments.count("replications", replications, 1, 100000)
        _arguments.count("threads", threads, 0, 1024)
        report, close = _arguments.progress_reporter(progress, 1000, self.name, "‰")
        try:
            record = _tpssim.run(self._handle, seed, until_seconds, replications, threads,
                                 report, bool(event_log), 0.1)
        finally:
            close()
        return Result._from_record(record)
