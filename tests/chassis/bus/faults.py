"""Network faults between a process and RabbitMQ, on real TCP connections.

``BlackHole`` is a TCP forwarder of the test's own (a thread with sockets) that can stop carrying bytes
without closing anything: what a dead node, a dropped NAT entry or a half-open connection look like from
either end. Nothing is answered on the broker's behalf; while it forwards, the peers talk AMQP to each other.
"""
from __future__ import annotations

import select
import socket
import threading
from urllib.parse import urlsplit, urlunsplit

_TICK = 0.1  # seconds: how often the threads look at the switches


class BlackHole:
    """Forwards 127.0.0.1:<port> to ``host:port`` until ``swallow()``; ``resume()`` carries the bytes again."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_TICK)
        self.port = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="black-hole-accept", daemon=True).start()

    @classmethod
    def in_front_of(cls, url: str) -> BlackHole:
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5672)

    def url(self, url: str) -> str:
        """``url`` (an amqp:// URL of the target), going through this forwarder instead."""
        parts = urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@127.0.0.1:{self.port}" if credentials else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def swallow(self) -> None:
        """From now on no byte goes through, either way; every socket stays open."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    def __enter__(self) -> BlackHole:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _shut(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), name="black-hole-pump",
                                 daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while not self._closed.is_set():
                if not self._flowing.wait(_TICK):
                    continue  # swallowing: what the peer sends stays in the socket, unread
                if not select.select([source], [], [], _TICK)[0] or not self._flowing.is_set():
                    continue
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except (OSError, ValueError):  # the other direction closed the pair
            pass
        finally:
            _shut(source)
            _shut(target)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
