"""The in-process bus of the embedded one-process stack (no RabbitMQ).

The same path as the real stack — outbox -> relay -> topic exchange -> service queue -> consumer
with inbox, retries, dead letters — over kombu's ``memory://`` transport, each relay and consumer
in a thread of its own::

    bus = EmbeddedBus(exchange="guichet.events")
    bus.add_service("cards", cards_db, cards.consumers.HANDLERS)
    bus.add_service("auth", auth_db)          # produces only
    bus.start()
    ...
    bus.stop()

``start()`` declares every consumer queue before any relay runs, so nothing published at start
is lost. Limits of the in-process bus: messages not yet handled, and retries waiting for their
delay, are lost when the process stops (the outbox rows are already marked sent); dead letters
live as long as the process (``bus.dead_letters("cards")`` lists them, ``.replay(...)`` replays).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

from chassis.bus.consumer import Consumer
from chassis.bus.deadletters import DeadLetterQueue
from chassis.bus.handlers import HandlerTable
from chassis.bus.relay import OutboxRelay
from chassis.bus.settings import BusSettings
from chassis.db import Database


class EmbeddedBus:
    def __init__(self, exchange: str = "guichet.events", settings: BusSettings | None = None,
                 clock: Callable[[], float] = time.monotonic):
        base = settings or BusSettings.from_env()
        self.clock = clock  # the relays' idle wait is measured on it (a test freezes it)
        self.settings = replace(base, url="memory://", exchange=exchange)
        self._services: list[tuple[str, Database, HandlerTable]] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def add_service(self, name: str, db: Database, handlers: HandlerTable | None = None) -> None:
        if self._threads:
            raise RuntimeError("add every service before start()")
        self._services.append((name, db, dict(handlers or {})))

    def start(self) -> None:
        consumers = [Consumer(service=name, db=db, handlers=handlers, settings=self.settings)
                     for name, db, handlers in self._services if handlers]
        for consumer in consumers:
            consumer.declare()
        relays = [OutboxRelay(db, self.settings, producer=name, clock=self.clock) for name, db, _ in self._services]
        self._stop.clear()
        for worker in consumers:
            self._spawn(f"bus-consumer-{worker.service}", worker.run_forever)
        for relay in relays:
            self._spawn(f"bus-relay-{relay.producer}", relay.run_forever)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def dead_letters(self, service: str) -> DeadLetterQueue:
        return DeadLetterQueue(self.settings, service)

    def _spawn(self, name: str, target) -> None:
        thread = threading.Thread(target=target, args=(self._stop,), name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
