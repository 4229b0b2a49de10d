"""``python -m bench --busy N``: N busy loops that spend CPU for the whole run and are gone after it."""
from __future__ import annotations

import time

import psutil
import pytest

from bench.__main__ import main
from bench.busy import cores_held_busy


def _spent(process) -> float:
    times = psutil.Process(process.pid).cpu_times()
    return times.user + times.system


def test_each_loop_spends_cpu_while_held_and_is_gone_after_even_on_failure():
    with pytest.raises(RuntimeError), cores_held_busy(2) as loops:
        assert len(loops) == 2
        deadline = time.monotonic() + 60
        while not all(_spent(loop) > 0.05 for loop in loops) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(_spent(loop) > 0.05 for loop in loops)  # burning CPU, not sleeping
        raise RuntimeError("a benchmark failed")
    assert all(loop.poll() is not None for loop in loops)


def test_a_negative_count_is_refused(capsys):
    with pytest.raises(SystemExit) as refused:
        main(["pipeline", "--busy", "-1"])
    assert refused.value.code == 2 and "--busy takes 0 or more" in capsys.readouterr().err
