"""``python -m bench`` on a machine without wrk says so before it starts anything."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_missing_wrk_is_said_up_front_and_nothing_runs(tmp_path):
    # A PATH with no wrk on it, whatever this machine has installed.
    env = {**os.environ, "PATH": str(tmp_path)}
    completed = subprocess.run([sys.executable, "-m", "bench", "gateway", "--runs", "1"], cwd=REPO_ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert "wrk: the Debian package wrk: apt-get install wrk" in completed.stderr
    assert "== gateway" not in completed.stderr  # no stack was started
    assert completed.stdout == ""


def test_a_benchmark_that_needs_no_wrk_does_not_ask_for_it():
    from bench.prerequisites import NEEDS, missing

    assert "wrk" not in NEEDS["pipeline"]
    assert not any(line.startswith("wrk:") for line in missing(["pipeline"]))
