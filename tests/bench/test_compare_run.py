"""``python -m bench pipeline --compare <HEAD's commit>`` for real, on this machine's PostgreSQL and RabbitMQ,
at a tiny size.

The whole A/B (a worktree, then benchmark 2 once on each side) takes more than 30 s on this project's
2-core machine, so it runs only with ``GUICHET_BENCH_COMPARE_TEST=1``; the Ctrl-C test stops it early
and always runs.
"""
from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time

import psutil
import pytest

from bench.worktree import git
from chassis.config import REPO_ROOT
from tests.infra import missing, rabbitmq_url

pytestmark = pytest.mark.integration

TINY = {"BENCH_PIPELINE_BACKLOG": "200", "BENCH_PIPELINE_RATE": "50", "BENCH_PIPELINE_SECONDS": "1"}


@pytest.fixture
def infrastructure():
    from bench.prerequisites import missing as lacking

    rabbitmq_url()
    if lines := lacking(["pipeline"]):
        missing("; ".join(lines))


def compare(rev: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bench", "pipeline", "--compare", rev, *args], cwd=REPO_ROOT,
                            env={**os.environ, **TINY}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def processes_of(tree: str) -> list[psutil.Process]:
    """This user's processes started with ``tree`` as their PYTHONPATH (a side and its children)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("PYTHONPATH") == tree:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def test_ctrl_c_stops_the_running_side_and_removes_the_worktree(infrastructure):
    driver = compare("HEAD", "--runs", "1")
    tree = None
    for line in driver.stderr:
        if tree is None and ": worktree at " in line:
            tree = line.rsplit(" ", 1)[1].strip()
        if line.startswith("== pipeline, run 1/1"):
            break
    assert tree, "the worktree was never made"
    deadline = time.monotonic() + 60
    while not processes_of(tree) and time.monotonic() < deadline:  # the first side has started
        time.sleep(0.1)
    assert processes_of(tree), "the first side never started"
    driver.send_signal(signal.SIGINT)
    stderr = driver.stderr.read()
    assert driver.wait(180) == 130, stderr[-3000:]
    assert "interrupted; the worktree is removed" in stderr
    assert driver.stdout.read() == ""
    assert not os.path.exists(tree)
    assert tree not in git("worktree", "list", "--porcelain")
    assert processes_of(tree) == []


@pytest.mark.skipif(os.environ.get("GUICHET_BENCH_COMPARE_TEST") != "1",
                    reason="takes over 30 s: set GUICHET_BENCH_COMPARE_TEST=1 to run it")
def test_both_sides_measure_the_pipeline_and_the_ratio_is_theirs(infrastructure, tmp_path):
    commit = git("rev-parse", "--short", "HEAD")  # named, as HEAD may move while it runs (others commit)
    own = '"--json"' in git("show", f"{commit}:bench/__main__.py")
    driver = compare(commit, "--runs", "1", "--json", str(tmp_path / "ab.json"))
    stdout, stderr = driver.communicate(timeout=600)
    assert driver.returncode == 0, stderr[-3000:]
    result = json.loads((tmp_path / "ab.json").read_text())

    assert result["baseline"]["commit"] == commit
    assert result["baseline"]["harness"] == ("its own bench/" if own else
                                             "the working tree's bench/ (its python -m bench has no --json)")
    assert result["order"] == [["pipeline", 1, "baseline"], ["pipeline", 1, "working"]]
    assert result["incomplete"] is None
    by_name = {row["figure"]: row for row in result["rows"]}
    throughput = by_name["events/s, backlog of 200, outbox commit -> inbox commit"]
    assert throughput["higher_is_better"] is True
    p99 = by_name["p99 latency at 50 ev/s (BUS_RELAY_IDLE_SLEEP=0.01)"]
    assert p99["higher_is_better"] is False
    for row in (throughput, p99):
        base, work = row["baseline"]["values"], row["working"]["values"]
        assert len(base) == len(work) == 1 and base[0] > 0 and work[0] > 0
        assert row["ratio"] == pytest.approx(statistics.median(work) / statistics.median(base))
        assert row["verdict"] in ("better", "worse", "same")
    assert "| 2 pipeline | events/s, backlog of 200, outbox commit -> inbox commit | " in stdout
    assert f"{commit} measured by {result['baseline']['harness']}" in stdout
    assert not any(f"guichet-bench-{commit}-" in line for line in git("worktree", "list").splitlines())
