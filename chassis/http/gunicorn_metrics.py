"""One scrape of an API counts every gunicorn worker of it: prometheus-client's multiprocess mode.

Each worker is a process with its own values: two workers that served six requests would each answer 3. In
multiprocess mode every worker writes its values to files in one folder (``PROMETHEUS_MULTIPROC_DIR``) and
``/metrics`` adds up the files of all of them (``chassis.http.metrics``).

prometheus-client chooses its mode once, when it is first imported, from that variable: so the folder is
chosen here, called by gunicorn's configuration module (``chassis/http/gunicorn_settings.py``), which the
master runs before it imports the app (``GUNICORN_PRELOAD``) or forks a worker. The folder, one per master:

- ``PROMETHEUS_MULTIPROC_DIR`` when it is set (an operator's own volume);
- else ``<GUICHET_DATA_DIR>/prometheus/gunicorn-<master pid>``: ``/tmp/guichet/...`` in the containers, whose
  only writable place is their /tmp; ``var/data/...`` or the stack's data folder on a machine.

It is emptied when the master starts: files left by an earlier master would add its counts to this one's (a
container restarted in the same pod keeps its /tmp, and its master has the same pid). Folders of masters that
are gone are removed then too, and the master removes its own when it exits (``on_exit``).

When a worker exits (``child_exit``) its ``live*`` gauges go (``mark_process_dead``); its counters and
histograms stay in the sum, so a counter never goes down when gunicorn replaces a worker.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
PREFIX = "gunicorn-"


def prepare_metrics_folder() -> Path:
    """Chooses and empties this master's folder and exports it to the app and the workers."""
    given = os.environ.get(VARIABLE)
    if given:
        folder = Path(given)
    else:
        from chassis.config import data_dir

        parent = data_dir() / "prometheus"
        parent.mkdir(parents=True, exist_ok=True)
        _remove_folders_of_gone_masters(parent)
        folder = parent / f"{PREFIX}{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[VARIABLE] = str(folder)
    return folder


def child_exit(server, worker) -> None:
    """gunicorn hook, in the master: a worker exited."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    """gunicorn hook, in the master, as it exits: its folder goes with it (not an operator's)."""
    folder = Path(os.environ.get(VARIABLE, ""))
    if folder.name == f"{PREFIX}{os.getpid()}":
        shutil.rmtree(folder, ignore_errors=True)


def _remove_folders_of_gone_masters(parent: Path) -> None:
    for folder in parent.glob(f"{PREFIX}*"):
        pid = folder.name.removeprefix(PREFIX)
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
