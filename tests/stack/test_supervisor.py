"""``python -m stack.local``'s supervisor restarts a process that crashes, and only that one (issue 17, 13).

With honcho, one process's death stopped all 18. The programs here are real processes: one crashes at
its first two starts (it counts its starts in a file), one stays up throughout.
"""
from __future__ import annotations

import io
import os
import sys
import textwrap
import threading
import time

from stack.supervisor import Supervisor

CRASHES_TWICE = textwrap.dedent("""
    import pathlib, sys, time
    counter = pathlib.Path(sys.argv[1])
    starts = int(counter.read_text() or 0) + 1 if counter.exists() else 1
    counter.write_text(str(starts))
    print(f"start {starts}", flush=True)
    if starts <= 2:
        sys.exit(3)
    time.sleep(600)
""")
STAYS_UP = "import time; print('up', flush=True); time.sleep(600)"


def eventually(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_a_crashed_process_is_restarted_with_growing_delays_and_the_others_keep_running(tmp_path):
    counter = tmp_path / "starts"
    output = io.StringIO()
    supervisor = Supervisor([("flaky", [sys.executable, "-c", CRASHES_TWICE, str(counter)], dict(os.environ)),
                             ("steady", [sys.executable, "-c", STAYS_UP], dict(os.environ))],
                            cwd=tmp_path, output=output, backoff_start=0.2, backoff_max=5, stable_after=60,
                            stop_timeout=5, tick=0.05)
    runner = threading.Thread(target=supervisor.run, daemon=True)
    runner.start()
    try:
        flaky, steady = supervisor.programs
        assert eventually(lambda: steady.process is not None)
        steady_pid = steady.process.pid
        assert eventually(lambda: counter.exists() and counter.read_text() == "3"), output.getvalue()
        assert eventually(lambda: flaky.process is not None and flaky.process.poll() is None)
        assert flaky.starts == 3
        assert steady.starts == 1 and steady.process.pid == steady_pid and steady.process.poll() is None
        # a process's lines reach the log through the supervisor's reader thread, after the file it wrote
        assert eventually(lambda: "start 3" in output.getvalue() and "up" in output.getvalue()), output.getvalue()
        log = output.getvalue()
        assert "flaky" in log and "exited with code 3; restarting in 0.2 s" in log
        assert "exited with code 3; restarting in 0.4 s" in log  # the delay doubles while it keeps crashing
    finally:
        supervisor.stop()
        runner.join(15)
    assert not runner.is_alive()
    assert all(program.process.poll() is not None for program in supervisor.programs)


def test_the_delay_starts_over_after_a_stable_run(tmp_path):
    supervisor = Supervisor([("p", [sys.executable, "-c", "pass"], dict(os.environ))], cwd=tmp_path,
                            output=io.StringIO(), backoff_start=1, backoff_max=8, stable_after=10)
    program = supervisor.programs[0]
    program.started_at, program.crashes_in_a_row = 100.0, 3
    supervisor._after_exit(program, 1, now=105.0)   # crashed 5 s after its start: still in a row
    assert program.restart_at == 105.0 + 8
    program.started_at = 200.0
    supervisor._after_exit(program, 1, now=230.0)   # stayed up 30 s: counted afresh
    assert program.restart_at == 230.0 + 1
