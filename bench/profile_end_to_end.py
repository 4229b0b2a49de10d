"""Which stage bounds benchmark 3: ``python -m bench.profile_end_to_end [burst]``.

Starts the stack with the SMTP sink (as ``bench.end_to_end``), prepares ``burst`` requests (300), then
records with py-spy the processes of the chain while the burst is submitted and drained (``--gil``: only
the samples where a thread holds the GIL, so Python at work, not waits): cards API workers, cards relay,
billing worker, billing relay, notifier worker and sender, cards worker. Prints each one's busy
share (non-idle samples / samples of a fully busy thread over the same time) and the top frames of each;
writes the collapsed stacks to ``var/bench/profiles/e2e-<process>.txt``. The relays run apart from their
workers here (``GUICHET_LOCAL_SPLIT=1``, as in compose) so that each is profiled on its own.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

from bench.common import RESULTS_DIR
from bench.end_to_end import Submitter, prepare_requests, smtp_env, wait_emails
from bench.platform_stack import Trainer, running_stack
from bench.profile_gateway import joined_stacks, py_spy
from bench.profile_worker import summarize
from bench.smtp_sink import SmtpSink

RATE = 100
CHAIN = ("cards-api", "cards-relay", "billing-worker", "billing-relay", "notifier-worker", "notifier-sender",
         "cards-worker")


def main(burst: int = 300, seconds: int = 20) -> None:
    out_dir = RESULTS_DIR / "profiles"
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ["GUICHET_LOCAL_SPLIT"] = "1"
    with SmtpSink() as sink, running_stack("e2eprof", env=smtp_env(sink)) as stack:
        ids, emails = prepare_requests(stack.base_url, burst, "prof")
        submitter = Submitter(stack.base_url, Trainer(stack.base_url).token)
        pids = {}
        for name in CHAIN:
            root = psutil.Process(stack.processes[name].pid)
            children = root.children()
            for index, process in enumerate(children or [root]):
                pids[f"{name}-{index}" if children else name] = process.pid
        spies = {name: subprocess.Popen([py_spy(), "record", "--pid", str(pid), "--duration", str(seconds),
                                         "--rate", str(RATE), "--format", "raw", "--nonblocking", "--gil",
                                         "--output", str(out_dir / f"e2e-{name}.txt")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for name, pid in pids.items()}
        time.sleep(1)
        started = time.monotonic()
        submitter.submit_all(ids, None)
        wait_emails(sink, emails)
        drained = time.monotonic() - started
        for spy in spies.values():
            spy.wait(seconds + 30)
    print(f"{burst} submissions -> {burst} emails in {drained:.1f} s ({burst / drained:.1f}/s); "
          f"profiles over {seconds} s")
    for name in spies:
        path = out_dir / f"e2e-{name}.txt"
        collapsed = joined_stacks(path.read_text()) if path.exists() else ""
        samples = sum(int(line.rpartition(" ")[2]) for line in collapsed.splitlines())
        print(f"\n== {name}: busy {100 * samples / (RATE * min(seconds, drained)):.0f}% of one thread "
              f"during the drain")
        if samples:
            print(summarize(collapsed, top=12).split("-- total time")[0])


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:]))
