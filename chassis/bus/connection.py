"""Opening a broker connection the same way everywhere in the bus, and keeping it alive.

AMQP heartbeats (``BUS_HEARTBEAT`` seconds, negotiated at connect: the smaller of the client's and the
broker's, or none if either says 0): each side sends a heartbeat frame when it has sent nothing else for a
while, and gives the connection up when it has heard nothing for two intervals. A connection whose peer
silently vanished (a dead node, a dropped NAT entry, a half-open TCP connection) then fails within a few
intervals instead of when TCP gives up, and RabbitMQ tells a dead client from an idle one.

py-amqp does nothing on its own between two calls: every loop that holds a connection open calls
``keep_alive`` at least twice an interval (as kombu's ``heartbeat_check`` asks), so it never blocks on the
connection for longer than ``longest_wait`` at a time. A failed ``keep_alive`` raises like any other broker
failure; the loop then drops the connection with ``close_connection(..., failed=True)`` and reconnects with
backoff.

Several broker nodes (a RabbitMQ cluster): ``BUS_URL`` lists them separated by ``;`` (kombu's failover syntax),
``amqp://u@node-a:5672//;amqp://u@node-b:5672//;...``. Each process starts with a node drawn at random, so that the
platform's connections (and the quorum queues' leaders, placed where they are declared) spread over the cluster and
losing one node moves only its share. When a connection fails, the loop that held it reconnects like after any
failure (same backoff, same ``BrokerLiveness`` signals), and ``connect`` then tries every node once, starting with
the one after the node that failed, so that it lands on a surviving node at once.

Not kombu's ``ensure``: its py-amqp transport counts a publisher nack among the connection errors, and a quorum
queue nacks while it elects a new leader (its leader's node just died), so ``ensure`` drops the healthy connection
to a surviving node, switches to the next URL, is nacked again, cycles back to the dead node and, retrying without
a pause, gives up (``OperationalError``) before the election is over. Here a nack fails the batch (``PublishError``)
and the relay publishes it again after its backoff.
"""
from __future__ import annotations

import random
import select
from urllib.parse import unquote, urlsplit

from kombu import Connection
from kombu.utils.url import parse_url

from chassis.bus.settings import BusSettings
from chassis.config import url_with_password

MEMORY_POLLING_INTERVAL = 0.05  # kombu's in-memory transport polls its queues; its default is 1 s
_READ_WAIT = 0.001  # seconds: finishing a frame already arriving (py-amqp spins on a non-blocking socket)
_MOST_READS = 1000  # methods read in one keep_alive (a flood of deliveries is bounded by the prefetch anyway)

# BUS_URL -> the node this process tries first: drawn at random, then the last one reached or the one after a failure
_first_node: dict[str, int] = {}


def broker_urls(url: str) -> list[str]:
    """The broker nodes ``url`` names, in its order. A node given without a password takes the first node's:
    ``BUS_PASSWORD`` completes the first URL only, and the nodes of a cluster share their users."""
    urls = [part.strip() for part in url.split(";") if part.strip()]
    password = urlsplit(urls[0]).password
    if password is None:
        return urls
    return urls[:1] + [node if urlsplit(node).password is not None or not urlsplit(node).username
                       else url_with_password(node, unquote(password)) for node in urls[1:]]


class BrokerConnection(Connection):
    """A kombu connection to one of the nodes of ``BUS_URL`` (``open_connection`` builds it).

    ``connect`` tries each node once, without pausing, and raises the last error if none answered: the loops'
    backoff paces the rounds. (kombu's ``connect`` tries two URLs at most, so with the first two nodes down a third
    would never be reached, and pauses 2 s between two tries of a single URL.)"""

    bus_url = ""
    nodes: tuple[tuple[str, int | None], ...] = ()  # (host, port) of each node, in BUS_URL's order

    def connect(self):
        try:
            self.ensure_connection(max_retries=max(len(self.alt), 1) - 1, reraise_as_library_errors=False)
        finally:
            if self.connected:
                _first_node[self.bus_url] = self.node
        return self._connection

    @property
    def connection(self):
        """As kombu's, but an implicit connection (a ``channel()`` before any ``connect``) tries every node too."""
        if not self._closed and not self.connected:
            self.connect()
        return super().connection

    @property
    def node(self) -> int:
        """Index in ``BUS_URL`` of the node this connection is on (or was trying last)."""
        return next((index for index, (host, port) in enumerate(self.nodes)
                     if host == self.hostname and port in (None, self.port)), 0)

    def failed(self) -> None:
        """This connection was given up after a failure: the next one starts with the node after this one
        (unless another connection of the process already moved on)."""
        if len(self.nodes) > 1 and _first_node.get(self.bus_url, 0) == self.node:
            _first_node[self.bus_url] = (self.node + 1) % len(self.nodes)


def open_connection(settings: BusSettings) -> Connection:
    """A kombu connection, not yet connected: 5 s connect timeout, ``BUS_HEARTBEAT`` heartbeats (none in memory);
    with several nodes in ``BUS_URL``, to the first that answers (``BrokerConnection``)."""
    if settings.is_memory:
        return Connection(settings.url, connect_timeout=5, heartbeat=0,
                          transport_options={"polling_interval": MEMORY_POLLING_INTERVAL})
    urls = broker_urls(settings.url)
    first = _first_node.setdefault(settings.url, random.randrange(len(urls))) % len(urls)
    # A broker that stops answering in the middle of a request (opening a channel, a declare, the queue-depth
    # sample: py-amqp waits for their replies without a limit) would hold the loop, and its heartbeat checks,
    # for ever: the socket gives up after the two intervals of silence AMQP allows a peer.
    silence = 2 * settings.heartbeat if settings.heartbeat else None
    connection = BrokerConnection(";".join(urls[first:] + urls[:first]), connect_timeout=5,
                                  heartbeat=settings.heartbeat,
                                  transport_options={"read_timeout": silence, "write_timeout": silence})
    connection.bus_url = settings.url
    connection.nodes = tuple((parts["hostname"], parts["port"]) for parts in map(parse_url, urls))
    return connection


def heartbeat_interval(connection: Connection) -> float:
    """The interval negotiated with the broker, in seconds (0: no heartbeats, or not connected)."""
    if not connection.supports_heartbeats or not connection.connected:
        return 0
    return connection.get_heartbeat_interval() or 0


def longest_wait(connection: Connection, ceiling: float = 1.0) -> float:
    """The ``timeout`` of a ``drain_events`` (or of an idle wait) between two ``keep_alive``: a quarter of the
    interval. Not a half: ``drain_events`` starts its timeout again at every frame it reads, heartbeats
    included, and the broker sends one every half interval, so a half-interval timeout may not return for a
    whole interval (and the broker would give this side up); a quarter returns within about half an interval."""
    interval = heartbeat_interval(connection)
    return min(ceiling, interval / 4) if interval else ceiling


def keep_alive(connection: Connection) -> None:
    """Reads what the broker sent while the loop was busy elsewhere (its heartbeats, or deliveries: they go
    to their consumer's callback), then kombu's ``heartbeat_check``: sends a heartbeat if one is due, raises
    ``ConnectionForced`` if the broker has been silent for two intervals.

    Reading first matters: py-amqp counts only the frames it has read as signs of life, so a connection nobody
    drains (an idle publisher) would otherwise be given up while the broker's heartbeats wait in the socket.
    """
    if not heartbeat_interval(connection):
        if connection.supports_heartbeats and not connection.connected:
            raise ConnectionError("the broker connection is closed")  # kombu would silently open a bare new one
        return
    sock = connection.connection.sock
    for _ in range(_MOST_READS):
        if not _readable(sock):
            break
        try:
            connection.drain_events(timeout=_READ_WAIT)
        except TimeoutError:  # a frame only partly arrived: py-amqp keeps its bytes for the next read
            break
    connection.heartbeat_check(rate=2)


def close_connection(connection: Connection, failed: bool = False) -> None:
    """Closes ``connection``, never raising. After a failure, without AMQP's closing handshake: a broker that
    stopped answering (what a missed heartbeat means) would never acknowledge it, and the close would wait
    for ever; the socket is just closed."""
    try:
        if failed:
            if isinstance(connection, BrokerConnection):
                connection.failed()
            connection.collect()
        else:
            connection.close()
    except Exception:  # the broker may already be gone
        pass


def _readable(sock) -> bool:
    if getattr(sock, "pending", None) and sock.pending():  # TLS: bytes already decrypted, invisible to select
        return True
    poller = select.poll()  # not select.select: it fails on descriptors past 1023
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))  # readable, closed or in error: the read says which
