"""A three-node RabbitMQ cluster of the reliability tests' own, that they may kill node by node.

Each node is a ``PrivateRabbit`` (Debian's ``rabbitmq-server`` run directly, its own node name, AMQP and
distribution ports, Mnesia and log folders, an empty ``rabbitmq-env.conf``) named ``guichet-<run>-<a|b|c>@localhost``,
with what a cluster adds: one Erlang cookie shared by the three nodes and the CLI (a ``HOME`` of the cluster's own,
never the machine's cookie), distribution on the loopback interface only, and a small memory and disk budget
(the machine has 2 cores and runs other suites). The nodes register with the machine's ``epmd`` (port 4369), which
is left running; the machine's own node (``rabbit@localhost`` on 5672) is never addressed.

``start()`` boots ``a``, then ``b`` and ``c``, which join ``a`` at their first boot (classic peer discovery naming
``a``: the same as ``join_cluster``, without stopping and starting their application), and waits until the cluster
sees three nodes running; ``add_user`` gives the cluster a user of its own; ``kill(node)`` is a SIGKILL of that node's
process group and ``restart(node)`` boots it again on its Mnesia folder (it rejoins the cluster by itself);
``leaders()`` says which node leads each quorum queue; ``stop()`` kills every node and deletes the folders.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.reliability.private_infra import PrivateRabbit

RABBITMQCTL = Path("/usr/lib/rabbitmq/bin/rabbitmqctl")
RABBITMQ_QUEUES = Path("/usr/lib/rabbitmq/bin/rabbitmq-queues")

NODE_CONFIG = """\
loopback_users = none
vm_memory_high_watermark.absolute = 384MB
disk_free_limit.absolute = 50MB
cluster_partition_handling = ignore
"""


class ClusterNode(PrivateRabbit):
    """One node of the cluster: the private node's files, with the cluster's cookie, name and limits."""

    def __init__(self, root: Path, node: str, home: Path, seed: str | None = None):
        self.home = home
        self.seed = seed
        super().__init__(root)
        self.node = node

    def _prepare_files(self) -> None:
        for folder in (self.root / "mnesia", self.root / "log"):
            folder.mkdir(parents=True, exist_ok=True)
        (self.root / "enabled_plugins").write_text("[].\n")
        joining = (f"cluster_formation.peer_discovery_backend = classic_config\n"
                   f"cluster_formation.classic_config.nodes.1 = {self.seed}\n") if self.seed else ""
        (self.root / "rabbitmq.conf").write_text(NODE_CONFIG + joining)
        (self.root / "rabbitmq-env.conf").write_text("")  # not the machine's /etc/rabbitmq/rabbitmq-env.conf

    def _environment(self) -> dict[str, str]:
        return {**super()._environment(), "HOME": str(self.home),
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}"}

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class RabbitCluster:
    """``nodes`` (a, b, c), ``url`` (guest, kombu's failover syntax, a first), ``start()``, ``add_user()``,
    ``kill(node)``, ``restart(node)``, ``leaders()``, ``stop()``."""

    def __init__(self, root: Path, size: int = 3, run: str | None = None):
        self.root = Path(root)
        self.run = run or uuid.uuid4().hex[:8]
        self.home = self.root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(uuid.uuid4().hex.upper())
        cookie.chmod(0o400)
        names = [f"guichet-{self.run}-{letter}@localhost" for letter in "abc"[:size]]
        self.nodes = [ClusterNode(self.root / letter, name, self.home, seed=names[0] if letter != "a" else None)
                      for letter, name in zip("abc", names, strict=False)]
        self.kills: list[str] = []

    @property
    def url(self) -> str:
        return ";".join(node.url for node in self.nodes)

    def url_of(self, user: str) -> str:
        """The failover URL naming ``user`` without a password (given apart: ``BUS_PASSWORD``)."""
        return ";".join(f"amqp://{user}@127.0.0.1:{node.port}//" for node in self.nodes)

    def node(self, name: str) -> ClusterNode:
        return next(node for node in self.nodes if node.node == name)

    # -- life -------------------------------------------------------------------------------
    def start(self, timeout: float = 180.0) -> float:
        """Boots the nodes, clusters them; returns the seconds it took."""
        began = time.monotonic()
        self.nodes[0].start(timeout)
        with ThreadPoolExecutor(len(self.nodes)) as pool:  # they join the first at their first boot
            list(pool.map(lambda node: node.start(timeout), self.nodes[1:]))
        self.wait_running(len(self.nodes), timeout)
        return time.monotonic() - began

    def add_user(self, user: str, password: str) -> None:
        """A user with every permission on the default virtual host, known to every node (users are cluster-wide)."""
        self.ctl(self.nodes[0], "add_user", user, password)
        self.ctl(self.nodes[0], "set_permissions", "-p", "/", user, ".*", ".*", ".*")

    def kill(self, node: ClusterNode) -> None:
        """SIGKILL of the node's process group, as a crash would."""
        node.kill()
        self.kills.append(node.node)

    def restart(self, node: ClusterNode, timeout: float = 180.0) -> float:
        """Boots a killed node again on its Mnesia folder; returns the seconds until the cluster sees it running."""
        began = time.monotonic()
        node.start(timeout)
        self.wait_running(len(self.nodes), timeout)
        return time.monotonic() - began

    def stop(self) -> None:
        """Teardown: every node killed (nothing of theirs is kept), then the folders deleted."""
        errors = []
        for node in self.nodes:
            try:
                node.stop()
            except Exception as error:  # keep tearing the others down
                errors.append(error)
        if os.environ.get("RELIABILITY_KEEP_FILES") != "1":
            shutil.rmtree(self.root, ignore_errors=True)
        if errors:
            raise errors[0]

    # -- what the cluster says --------------------------------------------------------------
    def ctl(self, node: ClusterNode, *argv: str, tool: Path = RABBITMQCTL, timeout: float = 120.0) -> str:
        """A CLI command against ``node`` with the cluster's cookie; raises with its output if it fails."""
        result = subprocess.run([str(tool), "-n", node.node, *argv], env=node._environment(), cwd=self.root,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        output = result.stdout.decode(errors="replace")
        if result.returncode != 0:
            raise RuntimeError(f"{tool.name} -n {node.node} {' '.join(argv)} failed ({result.returncode}):\n"
                               f"{output[-3000:]}")
        return output

    def running_nodes(self, via: ClusterNode) -> set[str]:
        status = json.loads(self.ctl(via, "cluster_status", "--formatter", "json"))
        return set(status.get("running_nodes", []))

    def wait_running(self, count: int, timeout: float = 180.0) -> None:
        """Until the cluster (asked of its first running node) sees ``count`` nodes running."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                seen = self.running_nodes(next(node for node in self.nodes if node.running))
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                seen = {str(error)[-200:]}
            if len(seen) >= count:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster does not see {count} nodes running after {timeout:.0f} s: {seen}")
            time.sleep(1.0)

    def leaders(self, prefix: str = "") -> dict[str, str]:
        """Quorum queue name -> the node leading it, asked of a running node (names starting with ``prefix``)."""
        via = next(node for node in self.nodes if node.running)
        rows = json.loads(self.ctl(via, "list_queues", "name", "type", "leader", "--quiet", "--formatter", "json"))
        return {row["name"]: row["leader"] for row in rows
                if row.get("type") == "quorum" and row["name"].startswith(prefix) and row.get("leader")}
