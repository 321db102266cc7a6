"""The argument checks and plumbing every entry point shares (tpssim._arguments)."""

import pytest
import tqdm.auto

from tpssim import _arguments


def test_count_names_the_argument_and_its_range():
    assert _arguments.count("threads", 4, 0, 1024) == 4
    with pytest.raises(TypeError, match="threads: expected an integer, got bool"):
        _arguments.count("threads", True, 0, 1024)
    with pytest.raises(ValueError, match="seed: expected an integer from 0 to 9, got 10"):
        _arguments.count("seed", 10, 0, 9)


def test_seconds_reads_numbers_and_durations():
    assert _arguments.seconds("until", None) is None
    assert _arguments.seconds("until", 90) == 90.0
    assert _arguments.seconds("until", "1m30s") == 90.0
    with pytest.raises(ValueError, match="until: expected a duration > 0"):
        _arguments.seconds("until", 0)
    with pytest.raises(ValueError, match="until: expected a duration > 0"):
        _arguments.seconds("until", float("inf"))
    with pytest.raises(TypeError, match="until: expected seconds"):
        _arguments.seconds("until", [1])


def test_source_is_a_path_or_a_dict(tmp_path):
    assert _arguments.source({"a": 1}, "a sweep file") == ('{"a": 1}', "<dict>", True)
    file = tmp_path / "s.yaml"
    file.write_text("a: 1\n")
    assert _arguments.source(file, "a sweep file") == (str(file), str(file), False)
    with pytest.raises(FileNotFoundError, match="expected a sweep file, got .*no such file"):
        _arguments.source(tmp_path / "missing.yaml", "a sweep file")
    with pytest.raises(TypeError, match="expected a scenario file's path or a dict, got int"):
        _arguments.source(3, "a scenario file")


def test_progress_bar_reaches_its_total_and_closes(monkeypatch):
    bars = []

    class Bar:
        def __init__(self, total, desc, unit):
            self.total, self.desc, self.unit, self.n, self.closed = total, desc, unit, 0, False
            bars.append(self)

        def update(self, step):
            assert step >= 0, "a bar never goes back"
            self.n += step

        def close(self):
            self.closed = True

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    report, close = _arguments.progress_reporter(True, 7, "sweep", "run")
    for done in range(8):
        report(done / 7)
        assert bars[0].n == done
    close()
    assert bars[0].closed and (bars[0].desc, bars[0].unit) == ("sweep", "run")


def test_progress_callable_gets_fractions_and_bad_progress_is_refused():
    seen = []
    report, close = _arguments.progress_reporter(seen.append, 10, "run", "‰")
    report(0.25)
    close()
    assert seen == [0.25]
    assert _arguments.progress_reporter(None, 10, "run", "‰")[0] is None
    assert _arguments.progress_reporter(False, 10, "run", "‰")[0] is None
    with pytest.raises(TypeError, match="progress: expected None, True or a callable, got str"):
        _arguments.progress_reporter("yes", 10, "run", "‰")
