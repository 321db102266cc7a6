"""The GIL is released while simulating; Ctrl-C and errors in progress stop a run cleanly."""

import _thread
import pathlib
import threading
import time

import pytest

import tpssim

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _long_scenario():
    # Long enough that a run takes seconds; the tests stop it or race it.
    return tpssim.load(ROOT / "scenarios/validation/mmc.yaml", set={"duration": "2000h"})


def test_another_python_thread_runs_while_a_simulation_runs():
    sc = tpssim.load(ROOT / "scenarios/validation/mmc.yaml")
    ticks = []
    running = threading.Event()
    finished = threading.Event()

    def simulate():
        running.set()
        sc.run(until="4h")
        finished.set()

    worker = threading.Thread(target=simulate)
    worker.start()
    running.wait()
    # While the simulation holds no GIL, this thread keeps counting.
    while not finished.is_set():
        ticks.append(time.monotonic())
        time.sleep(0.001)
    worker.join()
    assert len(ticks) > 20, "the main thread was starved: the GIL was held while simulating"


def test_two_simulations_overlap_in_two_threads():
    sc = tpssim.load(ROOT / "scenarios/validation/mmc.yaml")
    spans = {}

    def simulate(name):
        start = time.monotonic()
        fractions = []
        sc.run(until="3h", progress=fractions.append)
        spans[name] = (start, time.monotonic(), fractions)

    threads = [threading.Thread(target=simulate, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a0, a1, fa), (b0, b1, fb) = spans["a"], spans["b"]
    # Both ran at once: each started before the other ended, and each reported progress
    # strictly between 0 and 1 (so it made progress while the other was running).
    assert a0 < b1 and b0 < a1
    assert any(0 < f < 1 for f in fa) or any(0 < f < 1 for f in fb)
    assert fa[-1] == 1.0 and fb[-1] == 1.0


def test_progress_callback_reports_fractions():
    seen = []
    tpssim.load(ROOT / "scenarios/validation/mmc.yaml").run(until="1h", progress=seen.append)
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)
    assert seen == sorted(seen)


def test_an_exception_in_progress_stops_the_run_and_propagates():
    sc = _long_scenario()

    class Stop(Exception):
        pass

    def progress(fraction):
        raise Stop()

    start = time.monotonic()
    with pytest.raises(Stop):
        sc.run(progress=progress)
    assert time.monotonic() - start < 30


def test_ctrl_c_raises_keyboard_interrupt_and_stops_the_run():
    sc = _long_scenario()
    calls = []

    def progress(fraction):
        calls.append(fraction)
        if len(calls) == 3:
            _thread.interrupt_main()  # as Ctrl-C: a KeyboardInterrupt at the next check

    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        sc.run(progress=progress)
    assert time.monotonic() - start < 30
    # The package still works afterwards.
    assert tpssim.load(ROOT / "scenarios/validation/mm1.yaml").run(until="15m").summary


def test_ctrl_c_stops_replications_too():
    sc = _long_scenario()
    calls = []

    def progress(fraction):
        calls.append(fraction)
        if len(calls) == 3:
            _thread.interrupt_main()

    with pytest.raises(KeyboardInterrupt):
        sc.run(replications=4, threads=2, progress=progress)


def test_tqdm_progress_bar(capsys):
    tpssim.load(ROOT / "scenarios/validation/mm1.yaml").run(until="15m", progress=True)
    assert "100%" in capsys.readouterr().err
