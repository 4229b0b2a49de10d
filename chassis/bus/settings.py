"""Settings of the event bus, read from a ``ServiceConfig`` and environment variables.

| variable | default | meaning |
|---|---|---|
| ``BUS_URL`` | ``memory://`` | broker URL (``amqp://user@host:5672//``; nodes of a cluster: ``;``) |
| ``BUS_PASSWORD`` | (none) | the password of ``BUS_URL``'s user, kept out of the URL; or ``BUS_PASSWORD_FILE`` |
| ``BUS_EXCHANGE`` | ``guichet.events`` | the durable topic exchange every event goes through |
| ``BUS_CONFIRM_TIMEOUT`` | ``10`` | seconds the relay waits for the broker's publisher confirms of one batch |
| ``BUS_RETRY_DELAYS`` | ``1,5,30,120,600`` | seconds before each retry of a failing handler (one retry a delay) |
| ``BUS_MAX_ATTEMPTS`` | number of delays + 1 | handler runs before the event goes to the dead-letter queue |
| ``BUS_PREFETCH`` | ``200`` | unacknowledged messages a consumer process holds at once (>= 2 x the batch) |
| ``BUS_CONSUMER_BATCH`` | ``100`` | deliveries a consumer handles in one transaction (PostgreSQL; 1 on SQLite) |
| ``BUS_CONSUMER_BATCH_WAIT`` | ``0.002`` | seconds a consumer waits for more deliveries to fill a batch |
| ``BUS_RELAY_BATCH_SIZE`` | ``500`` | outbox rows the relay publishes in one transaction |
| ``BUS_RELAY_COALESCE`` | ``0.008`` | seconds the relay lets commits gather, when woken this soon after its last run |
| ``BUS_RELAY_IDLE_SLEEP`` | ``1.0`` | safety net: seconds the relay waits for a commit's wake-up before it looks |
| ``BUS_OUTBOX_KEEP_DAYS`` | ``7`` | days a published outbox row is kept before the relay deletes it (0: for ever) |
| ``BUS_INBOX_KEEP_DAYS`` | ``30`` | days the inbox remembers a handled event, to refuse its redelivery (0: for ever) |
| ``BUS_RETENTION_SWEEP_SECONDS`` | ``3600`` | seconds between two sweeps of both tables (``retention.py``) |
| ``BUS_RECONNECT_MAX_DELAY`` | ``30`` | longest pause between two reconnection attempts (exponential backoff) |
| ``BUS_HEARTBEAT`` | ``30`` | AMQP heartbeat seconds (``0``: off): a connection silent for two intervals is dropped |
| ``BUS_QUEUE_TYPE`` | ``classic`` | ``quorum`` on a RabbitMQ cluster (see ``chassis/bus/topology.py``) |
| ``BUS_DELIVERY_LIMIT`` | ``20`` | quorum queues only: redeliveries of an unacknowledged message before it is dropped |
| ``BUS_METRICS_PORT`` | (none) | if set, worker and relay processes serve prometheus metrics on this port |
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from chassis.config import env, with_password


def _floats(text: str) -> tuple[float, ...]:
    values = tuple(float(part) for part in text.split(",") if part.strip())
    if not values or any(value <= 0 for value in values):
        raise ValueError(f"BUS_RETRY_DELAYS must be positive seconds separated by commas, got {text!r}")
    return values


@dataclass(frozen=True)
class BusSettings:
    url: str = "memory://"
    exchange: str = "guichet.events"
    confirm_timeout: float = 10.0
    retry_delays: tuple[float, ...] = (1.0, 5.0, 30.0, 120.0, 600.0)
    max_attempts: int | None = None
    prefetch: int = 200
    consumer_batch: int = 100
    consumer_batch_wait: float = 0.002
    relay_batch_size: int = 500
    relay_idle_sleep: float = 1.0
    relay_coalesce: float = 0.008
    outbox_keep_days: float = 7.0
    inbox_keep_days: float = 30.0
    retention_sweep_seconds: float = 3600.0
    reconnect_max_delay: float = 30.0
    heartbeat: int = 30  # whole seconds: AMQP negotiates a 16-bit integer; ignored on memory://
    metrics_port: int | None = None

    @property
    def attempts_allowed(self) -> int:
        """Handler runs before dead-lettering: the first run plus one per retry delay (unless capped)."""
        return self.max_attempts if self.max_attempts is not None else len(self.retry_delays) + 1

    def delay_before_retry(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure (1-based); the last delay repeats."""
        return self.retry_delays[min(failures, len(self.retry_delays)) - 1]

    @property
    def is_memory(self) -> bool:
        return self.url.startswith("memory://")

    @classmethod
    def from_env(cls, **overrides) -> BusSettings:
        url = with_password(env("BUS_URL", "memory://"), "BUS_PASSWORD")  # BUS_PASSWORD(_FILE): docs/configuration.md
        return cls._read(url, env("BUS_EXCHANGE", "guichet.events"), overrides)

    @classmethod
    def from_config(cls, config, **overrides) -> BusSettings:
        """``config`` is a ``chassis.config.ServiceConfig`` (its ``bus_url`` and ``bus_exchange``)."""
        return cls._read(config.bus_url, config.bus_exchange, overrides)

    @classmethod
    def _read(cls, url: str, exchange: str, overrides: dict) -> BusSettings:
        max_attempts = env("BUS_MAX_ATTEMPTS", "")
        metrics_port = env("BUS_METRICS_PORT", "")
        settings = cls(
            url=url,
            exchange=exchange,
            confirm_timeout=float(env("BUS_CONFIRM_TIMEOUT", "10")),
            retry_delays=_floats(env("BUS_RETRY_DELAYS", "1,5,30,120,600")),
            max_attempts=int(max_attempts) if max_attempts else None,
            prefetch=int(env("BUS_PREFETCH", "200")),
            consumer_batch=max(1, int(env("BUS_CONSUMER_BATCH", "100"))),
            consumer_batch_wait=max(0.0, float(env("BUS_CONSUMER_BATCH_WAIT", "0.002"))),
            relay_batch_size=int(env("BUS_RELAY_BATCH_SIZE", "500")),
            relay_idle_sleep=float(env("BUS_RELAY_IDLE_SLEEP", "1.0")),
            relay_coalesce=max(0.0, float(env("BUS_RELAY_COALESCE", "0.008"))),
            outbox_keep_days=max(0.0, float(env("BUS_OUTBOX_KEEP_DAYS", "7"))),
            inbox_keep_days=max(0.0, float(env("BUS_INBOX_KEEP_DAYS", "30"))),
            retention_sweep_seconds=max(1.0, float(env("BUS_RETENTION_SWEEP_SECONDS", "3600"))),
            reconnect_max_delay=float(env("BUS_RECONNECT_MAX_DELAY", "30")),
            heartbeat=max(0, int(env("BUS_HEARTBEAT", "30"))),
            metrics_port=int(metrics_port) if metrics_port else None,
        )
        return replace(settings, **overrides) if overrides else settings
