"""The checks and plumbing every entry point shares: counts and durations given as
arguments, a source given as a path or a dict, and progress as a tqdm bar or a callable."""

from __future__ import annotations

import json
import math
import os
from typing import Any, Callable, Mapping, Optional, Tuple

from . import _tpssim


def count(name: str, value: Any, low: int, high: int) -> int:
    """`value` if it is an integer from `low` to `high`; TypeError or ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected an integer, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name}: expected an integer from {low} to {high}, got {value}")
    return value


def seconds(name: str, value: Any) -> Optional[float]:
    """None for None; else seconds from a number or a duration text such as "30m", > 0."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{name}: expected seconds (a number) or a duration such as '30m', "
                        f"got {type(value).__name__}")
    result = _tpssim.parse_duration(value) if isinstance(value, str) else float(value)
    if not math.isfinite(result) or result <= 0:
        raise ValueError(f"{name}: expected a duration > 0, got {value!r}")
    return result


def source(value: Any, what: str) -> Tuple[str, str, bool]:
    """(text or path, the name errors give, whether the first is text) for a YAML file given
    as a path (it must exist) or as the document itself, a dict (JSON is YAML)."""
    if isinstance(value, Mapping):
        return json.dumps(value, default=str), "<dict>", True
    if isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"source: expected {what}, got {path!r} (no such file)")
        return path, path, False
    raise TypeError(f"source: expected {what}'s path or a dict, got {type(value).__name__}")


def progress_reporter(progress: Any, total: int, desc: str,
                      unit: str) -> Tuple[Optional[Callable[[float], None]], Callable[[], None]]:
    """(report(fraction done), close()) for progress=True (a tqdm bar of `total` `unit`s), a
    callable (given the fraction, 0.0 to 1.0) or None/False (report is None)."""
    if progress is True:
        from tqdm.auto import tqdm  # python3-tqdm
        bar = tqdm(total=total, desc=desc, unit=unit)

        def report(fraction: float) -> None:
            bar.update(round(fraction * total) - bar.n)

        return report, bar.close
    if callable(progress):
        return progress, (lambda: None)
    if progress in (None, False):
        return None, (lambda: None)
    raise TypeError(f"progress: expected None, True or a callable, got "
                    f"{type(progress).__name__}")
