"""Running wrk (``/usr/bin/wrk``) with the Lua scripts of ``bench/wrk/`` and reading its figures."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

WRK_DIR = Path(__file__).resolve().parent / "wrk"
THREADS = int(os.environ.get("BENCH_WRK_THREADS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_WRK_CONNECTIONS", "8"))
SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, connection errors, timeouts

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk_binary() -> str:
    binary = shutil.which("wrk") or "/usr/bin/wrk"
    if not Path(binary).exists():
        raise RuntimeError("wrk is not installed (Debian package wrk)")
    return binary


def run_wrk(url: str, script: str, env: dict[str, str], seconds: int = SECONDS, threads: int = THREADS,
            connections: int = CONNECTIONS) -> WrkResult:
    """``wrk -t threads -c connections -d seconds`` against ``url`` with ``bench/wrk/<script>.lua``."""
    command = [wrk_binary(), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(WRK_DIR / f"{script}.lua"), url]
    completed = subprocess.run(command, env={**os.environ, "BENCH_WRK_DIR": str(WRK_DIR), **env},
                               capture_output=True, text=True, timeout=seconds + 60)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("BENCH_WRK ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): "
                           f"{completed.stdout[-1500:]} {completed.stderr[-1500:]}")
    data = json.loads(line.removeprefix("BENCH_WRK "))
    errors = sum(value for key, value in data.items() if key.startswith("errors_"))
    return WrkResult(requests=data["requests"], seconds=data["duration_us"] / 1e6, p50_ms=data["p50_us"] / 1000,
                     p99_ms=data["p99_us"] / 1000, errors=errors)
