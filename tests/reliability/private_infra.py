"""A RabbitMQ node and PostgreSQL clusters of the reliability tests' own, that they may kill.

Never the machine's shared servers: each object here has its own ports, data folder and logs under a
temporary folder, and ``stop()`` (called by the fixtures' finalizers) leaves no process behind.

- ``PrivateRabbit``: Debian's ``rabbitmq-server`` run directly (not through the wrapper that switches
  to the ``rabbitmq`` user) with its own node name, AMQP and distribution ports, Mnesia folder, an
  empty plugin list (no management port) and an Erlang cookie of its own in its own ``HOME``.
  ``kill()`` = SIGKILL to the whole process group (shell, ``beam.smp``, ``erl_child_setup``);
  ``start()`` again reuses the same Mnesia folder, so durable queues and persistent messages survive
  as they would on a real node.
- ``PrivatePostgres``: ``initdb`` + ``pg_ctl`` as the ``postgres`` user (root may not run them) on a
  data folder that user owns, trust authentication, loopback only.
"""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import suppress
from pathlib import Path

RABBITMQ_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
PG_BIN = Path(os.environ.get("RELIABILITY_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_answers(port: int) -> bool:
    with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


def missing_tools() -> list[str]:
    """What this machine lacks to run the private servers (the tests skip or fail with this list)."""
    missing = [str(path) for path in (RABBITMQ_SERVER, PG_BIN / "initdb", PG_BIN / "pg_ctl") if not path.exists()]
    if shutil.which("runuser") is None and os.geteuid() == 0:
        missing.append("runuser")
    return missing


class PrivateRabbit:
    """One RabbitMQ node: ``start()``, ``kill()`` (SIGKILL), ``stop()``; ``url`` for kombu."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"guichet-rel-{uuid.uuid4().hex[:8]}@localhost"
        self.process: subprocess.Popen | None = None
        self.kills = 0
        self._prepare_files()

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def _prepare_files(self) -> None:
        home = self.root / "home"
        for folder in (home, self.root / "mnesia", self.root / "log"):
            folder.mkdir(parents=True, exist_ok=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(16).upper())
        cookie.chmod(0o400)
        (self.root / "enabled_plugins").write_text("[].\n")
        (self.root / "rabbitmq.conf").write_text("loopback_users = none\n")
        (self.root / "rabbitmq-env.conf").write_text("")  # not the machine's /etc/rabbitmq/rabbitmq-env.conf

    def _environment(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith(("RABBITMQ_", "ERL_"))}
        env.update(
            HOME=str(self.root / "home"),
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(self.root / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.root / "log"),
            RABBITMQ_CONFIG_FILE=str(self.root / "rabbitmq.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.root / "enabled_plugins"),
            RABBITMQ_CONF_ENV_FILE=str(self.root / "rabbitmq-env.conf"),
            RABBITMQ_PID_FILE=str(self.root / "rabbitmq.pid"),
            ERL_EPMD_ADDRESS="127.0.0.1",
        )
        return env

    def start(self, timeout: float = 90.0) -> float:
        """Starts the node and waits until it accepts AMQP connections; returns the seconds it took."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the private RabbitMQ node is already running")
        began = time.monotonic()
        log = open(self.root / "server.out", "ab")
        try:
            self.process = subprocess.Popen([str(RABBITMQ_SERVER)], cwd=self.root, env=self._environment(),
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        while not self._accepts_amqp():
            if self.process.poll() is not None:
                raise RuntimeError(f"the private RabbitMQ node exited ({self.process.returncode}):\n{self.output()}")
            if time.monotonic() - began > timeout:
                self.kill()
                raise RuntimeError(f"the private RabbitMQ node is not up after {timeout:.0f} s:\n{self.output()}")
            time.sleep(0.3)
        return time.monotonic() - began

    def _accepts_amqp(self) -> bool:
        if not _port_answers(self.port):
            return False
        from kombu import Connection

        try:
            with Connection(self.url, connect_timeout=2) as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
            return True
        except Exception:
            return False

    def kill(self) -> None:
        """SIGKILL to the node's whole process group, as a crash would; waits until the port is closed."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1
        deadline = time.monotonic() + 15
        while _port_answers(self.port) and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop(self) -> None:
        """Teardown: SIGTERM to the group, SIGKILL after 20 s; never leaves a process running."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        with suppress(ProcessLookupError):  # erl_child_setup and beam may outlive the shell
            os.killpg(self.process.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self.process = None

    def output(self, chars: int = 3000) -> str:
        path = self.root / "server.out"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


class PrivatePostgres:
    """One PostgreSQL cluster: ``start()``, ``stop(mode)`` (``fast`` or ``immediate``), ``destroy()``."""

    def __init__(self, name: str = "pg"):
        # Its own folder in /tmp (pytest's are private to root; the postgres user must reach this one).
        self.root = Path(tempfile.mkdtemp(prefix=f"guichet-rel-{name}-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.running = False
        self._initdb()

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        """SQLAlchemy URL of one database of this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _as_postgres(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [*argv] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *argv]
        result = subprocess.run(command, cwd="/", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stdout.decode(errors='replace')[-3000:]}")
        return result

    def _initdb(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--no-sync", "--locale=C.UTF-8")

    def start(self) -> None:
        # fsync off: the tests stop and kill the *server*, never the machine, so the page cache survives.
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                   f"-c max_connections=300 -c shared_buffers=64MB")
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                          "-o", options, "-w", "-t", "60", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """``fast``: disconnect clients and shut down cleanly; ``immediate``: abort, like a crash."""
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop",
                          check=False)
        self.running = False

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        """Teardown: stops the server if it runs (immediate) and removes its data folder."""
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, chars: int = 3000) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def started_in_a_private_folder(prefix: str, make_stack):
    """For a fixture: ``make_stack(root)`` in a fresh folder, started, yielded, stopped; the folder removed
    unless ``RELIABILITY_KEEP_FILES=1`` (then its path is printed)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    stack = make_stack(root)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        if os.environ.get("RELIABILITY_KEEP_FILES") != "1":
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"\n[reliability] files kept in {root}")


def every_step(steps) -> None:
    """Runs each step even when one before it fails (a teardown must not leave processes behind); raises the
    first failure at the end."""
    errors = []
    for step in steps:
        try:
            step()
        except Exception as error:  # keep tearing down; report at the end
            errors.append(error)
    if errors:
        raise errors[0]
