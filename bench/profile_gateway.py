"""Profiles the cards API under benchmark 1's read (or write) load with py-spy:
``python -m bench.profile_gateway [read|write] [seconds]``.

Starts the isolated stack, runs wrk through the gateway, records every cards gunicorn worker with py-spy
(``--format raw``, collapsed stacks) and writes ``var/bench/profiles/cards-api-<kind>.txt``; prints the
top frames by own and total time (all workers together).
"""
from __future__ import annotations

import re
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psutil

from bench.common import RESULTS_DIR
from bench.load import run_wrk
from bench.platform_stack import Trainer, running_stack
from bench.profile_worker import summarize


def py_spy() -> str:
    return str(Path(sys.executable).with_name("py-spy"))


def main(kind: str = "read", seconds: int = 15) -> None:
    out_dir = RESULTS_DIR / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    with running_stack("profile") as stack:
        trainer = Trainer(stack.base_url)
        read_id = trainer.create_session(participants=3)
        write_ids = [trainer.create_session() for _ in range(40)]
        env = ({"BENCH_TOKEN": trainer.token, "BENCH_PATH": f"/api/cards/sessions/{read_id}"} if kind == "read" else
               {"BENCH_TOKEN": trainer.token, "BENCH_PREFIX": "/api/cards/sessions/", "BENCH_TITLE": trainer.title,
                "BENCH_RUN": uuid.uuid4().hex[:6], "BENCH_SESSIONS": ",".join(write_ids)})
        load = threading.Thread(target=lambda: print(run_wrk(stack.base_url, kind, env, seconds=seconds + 4),
                                                     file=sys.stderr))
        load.start()
        workers = psutil.Process(stack.processes["cards-api"].pid).children()
        outputs = [out_dir / f"cards-api-{kind}-{worker.pid}.txt" for worker in workers]
        spies = [subprocess.Popen([py_spy(), "record", "--pid", str(worker.pid), "--duration", str(seconds),
                                   "--rate", "200", "--format", "raw", "--output", str(output), "--nonblocking"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for worker, output in zip(workers, outputs, strict=True)]
        for spy in spies:
            spy.wait(seconds + 30)
        load.join()
    collapsed = "\n".join(path.read_text() for path in outputs if path.exists())
    target = out_dir / f"cards-api-{kind}.txt"
    target.write_text(collapsed)
    for path in outputs:
        path.unlink(missing_ok=True)
    print(f"collapsed stacks: {target}")
    print(summarize(joined_stacks(collapsed), top=40))


def joined_stacks(collapsed: str) -> str:
    """py-spy's raw output, one stack a line (a frame name holding a newline is joined back)."""
    lines, pending = [], ""
    for line in collapsed.splitlines():
        pending += line
        if re.search(r" \d+$", pending):
            lines.append(pending)
            pending = ""
    return "\n".join(lines)


if __name__ == "__main__":
    main(*(sys.argv[1:2]), *(int(arg) for arg in sys.argv[2:3]))
