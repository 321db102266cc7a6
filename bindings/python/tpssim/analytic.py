"""Closed forms of classic queues, to set beside what the simulator measures.

Conventions (as models/analytic): rates per second, times in seconds; the offered load
``load = arrival_rate * mean_service`` is in Erlangs. Queue figures come back as a dict:
rho (utilisation per server), p_wait (an admitted arrival waits), p_block (an arrival is
turned away; 0 without a bound), lambda_eff (admitted per second), wq (mean wait before
service, s), w (mean time in the system, s), lq (mean number waiting), l (mean number in the
system). Parameters out of their domain raise ValueError naming them.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple, Union

from . import _tpssim

_a = _tpssim.analytic


def erlang_b(c: int, load: float) -> float:
    """Erlang B: probability that an arrival finds all ``c`` servers busy in M/M/c/c (a loss
    system) with offered load ``load`` Erlangs. c >= 1, load >= 0."""
    return _a.erlang_b(c, load)


def erlang_c(c: int, load: float) -> float:
    """Erlang C: probability that an arrival waits in M/M/c with offered load ``load``
    Erlangs. c >= 1, 0 <= load < c."""
    return _a.erlang_c(c, load)


def mmc(arrival_rate: float, mean_service: float, c: int) -> Dict[str, float]:
    """M/M/c: Poisson arrivals (``arrival_rate`` per second), exponential service of mean
    ``mean_service`` seconds, ``c`` servers, unbounded FIFO queue; needs rho < 1. Returns the
    queue figures (module docstring)."""
    return dict(_a.mmc(arrival_rate, mean_service, c))


def mmck(arrival_rate: float, mean_service: float, c: int, k: int) -> Dict[str, float]:
    """M/M/c/K: as :func:`mmc` with ``k`` places in all (c in service, k - c waiting);
    arrivals beyond are blocked (p_block). k >= c >= 1; any arrival rate."""
    return dict(_a.mmck(arrival_rate, mean_service, c, k))


def mmck_state_probabilities(arrival_rate: float, mean_service: float, c: int,
                             k: int) -> List[float]:
    """M/M/c/K: P(n customers in the system) for n = 0..k."""
    return list(_a.mmck_state_probabilities(arrival_rate, mean_service, c, k))


def mg1(arrival_rate: float, mean_service: float, cv: float) -> Dict[str, float]:
    """M/G/1 (Pollaczek-Khinchine): service of mean ``mean_service`` seconds and coefficient
    of variation ``cv`` (0: M/D/1, 1: M/M/1). Needs rho < 1. Returns the queue figures."""
    return dict(_a.mg1(arrival_rate, mean_service, cv))


def littles_law_l(arrival_rate: float, w: float) -> float:
    """Little's law: mean number in a system, L = arrival_rate (per second) x W (seconds)."""
    return arrival_rate * w


def littles_law_w(l: float, arrival_rate: float) -> float:  # noqa: E741
    """Little's law solved for W (seconds) = L / arrival_rate (per second, > 0)."""
    return _a.littles_law_w(l, arrival_rate)


def mva(users: int, think_time: float,
        stations: Sequence[Union[float, Tuple[float, int]]]) -> Dict[str, object]:
    """Exact mean-value analysis of a closed interactive system: ``users`` users think for a
    mean ``think_time`` seconds, then send a request that visits ``stations``, each a service
    demand in seconds per cycle (visits x mean service) or (demand, servers).

    Returns throughput (cycles per second), response_time (seconds, think excluded), and per
    station: residence (seconds per cycle), in_station (mean number there), utilization.
    """
    pairs = []
    for s in stations:
        if isinstance(s, tuple):
            pairs.append((float(s[0]), int(s[1])))
        elif isinstance(s, (int, float)) and not isinstance(s, bool):
            pairs.append((float(s), 1))
        else:
            raise TypeError("stations: expected demands in seconds or (demand, servers) "
                            f"pairs, got {type(s).__name__}")
    return dict(_a.mva(users, think_time, pairs))


__all__ = ["erlang_b", "erlang_c", "mmc", "mmck", "mmck_state_probabilities", "mg1",
           "littles_law_l", "littles_law_w", "mva"]
