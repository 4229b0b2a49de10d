"""``python bench/memory_probe.py <label>``, run with the working directory and ``PYTHONPATH`` of the tree
to measure (this checkout or a git worktree of another commit): starts that tree's isolated real-process
stack (``stack.local``: its own databases, exchange and free ports), lets it rest, prints one JSON line
``{"rss": {process: MiB}, "pss": {process: MiB}}`` (each process counted with its children), stops it
and drops its databases.

It only uses what ``stack.local`` offered before this file existed (``plan``, ``prepare``, ``LocalStack``,
``ensure_demo_accounts``), so it measures older commits too; the stack runs with the commit's own
``python -m stack.local`` default for gunicorn workers. It needs nothing but psutil and psycopg here.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import psycopg

MIB = 1024 * 1024
SETTLE_SECONDS = float(os.environ.get("BENCH_MEMORY_SETTLE_SECONDS", "8"))
PG_URL = os.environ.get("GUICHET_LOCAL_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
BUS_URL = os.environ.get("GUICHET_LOCAL_BUS_URL", "amqp://guest:guest@127.0.0.1:5672//")


def tree_memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MiB of a process and all its descendants. PSS shares each page among the processes
    that map it, so shared libraries and pages shared after a fork are counted once in a sum."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    rss = pss = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            info = process.memory_full_info()
            rss, pss = rss + info.rss, pss + info.pss
    return rss / MIB, pss / MIB


def _drop(urls) -> None:
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://", 1).rstrip("/") + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        for url in urls:
            connection.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


def measure(label: str) -> dict[str, dict[str, float]]:
    from stack import local

    folder = Path(tempfile.mkdtemp(prefix=f"guichet-memory-{label}-"))
    workers = getattr(local, "DEFAULT_WEB_CONCURRENCY", 2)  # before it was named, the CLI's default was 2
    layout = local.plan(folder, port=0, database_prefix=f"guichet_bench_mem_{label}_",
                        exchange=f"guichet.bench.{uuid.uuid4().hex[:10]}", pg_url=PG_URL, bus_url=BUS_URL,
                        web_concurrency=workers, free_ports=True)
    stack = None
    try:
        stack = local.LocalStack(layout, local.prepare(layout, fresh_databases=True), [])
        stack.launch()
        stack.wait_ready(150)
        local.ensure_demo_accounts(layout, "Bench-memory-2026")
        time.sleep(SETTLE_SECONDS)  # the demo accounts' events go through every consumer
        measured = {name: tree_memory(process.pid) for name, process in stack.processes.items()}
        return {"rss": {name: rss for name, (rss, _) in measured.items()},
                "pss": {name: pss for name, (_, pss) in measured.items()}}
    finally:
        try:
            if stack is not None:
                stack.stop()
                with contextlib.suppress(Exception):
                    stack.delete_bus_objects()
            _drop(layout.database_urls.values())
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1] if len(sys.argv) > 1 else "probe")), flush=True)
