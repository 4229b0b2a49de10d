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
"""
from __future__ import annotations

import select

from kombu import Connection

from chassis.bus.settings import BusSettings

MEMORY_POLLING_INTERVAL = 0.05  # kombu's in-memory transport polls its queues; its default is 1 s
_READ_WAIT = 0.001  # seconds: finishing a frame already arriving (py-amqp spins on a non-blocking socket)
_MOST_READS = 1000  # methods read in one keep_alive (a flood of deliveries is bounded by the prefetch anyway)


def open_connection(settings: BusSettings) -> Connection:
    """A kombu connection, not yet connected: 5 s connect timeout, ``BUS_HEARTBEAT`` heartbeats (none in memory)."""
    if settings.is_memory:
        return Connection(settings.url, connect_timeout=5, heartbeat=0,
                          transport_options={"polling_interval": MEMORY_POLLING_INTERVAL})
    return Connection(settings.url, connect_timeout=5, heartbeat=settings.heartbeat)


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
