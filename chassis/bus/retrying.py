"""Where a failed or invalid event goes: its retry queue, or the dead-letter queue.

A handler that raises: the message is re-sent to the retry queue of the next delay (``BUS_RETRY_DELAYS``)
with ``attempts`` + 1 and ``last_error`` headers, then acked; it comes back to the service queue when its
delay expires. After ``attempts_allowed`` runs it goes to ``<exchange>.<service>.dead`` (``python -m
chassis.bus.deadletters`` lists and replays them). An invalid event goes there at once, without retries.

On ``memory://`` (embedded stack) the retry delays are kept here (in-process timers the consumer's loop
releases with ``release_due``); everything else is the same path.
"""
from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable

from chassis.bus import messages, metrics
from chassis.bus.settings import BusSettings
from chassis.bus.topology import dead_queue_name, retry_queue_name


class RetryRouter:
    def __init__(self, service: str, settings: BusSettings, publisher: Callable[[], object], log):
        self.service, self.settings, self.log = service, settings, log
        self._publisher = publisher  # called at each send: the consumer (re)opens its publisher lazily
        self.queue_name = f"{settings.exchange}.{service}"
        self._delayed: list[tuple[float, int, bytes, dict]] = []
        self._sequence = itertools.count()

    def retry_or_dead_letter(self, body: bytes, headers: dict, failures: int, error: Exception) -> None:
        headers = {**headers, messages.ATTEMPTS: failures, messages.LAST_ERROR: messages.error_text(error)}
        event_type = headers.get("event_type", "")
        if failures >= self.settings.attempts_allowed:
            self.dead_letter(body, headers, failures, error)
            return
        delay = self.settings.delay_before_retry(failures)
        if self.settings.is_memory:
            heapq.heappush(self._delayed, (time.monotonic() + delay, next(self._sequence), body, headers))
        else:
            self._publisher().send_to_queue(retry_queue_name(self.settings.exchange, self.service, delay), body,
                                            headers)
        metrics.RETRIED.labels(self.service, event_type).inc()
        self.log.warning("consumer.retry_scheduled", attempts=failures, retry_in=delay,
                         error=headers[messages.LAST_ERROR])

    def dead_letter(self, body: bytes, headers: dict, attempts: int, error) -> None:
        headers = {**headers, messages.ATTEMPTS: attempts, messages.LAST_ERROR: messages.error_text(error),
                   messages.DEAD_LETTERED_AT: messages.now_iso()}
        self._publisher().send_to_queue(dead_queue_name(self.settings.exchange, self.service), body, headers)
        metrics.DEAD_LETTERED.labels(self.service, headers.get("event_type", "")).inc()
        self.log.error("consumer.dead_lettered", event_id=headers.get("event_id"), attempts=attempts,
                       error=headers[messages.LAST_ERROR])

    # -- in-process retry delays (memory://) ------------------------------------------------
    def until_next(self) -> float:
        """Seconds until the next in-process retry is due (1.0 when none is waiting)."""
        return max(0.01, self._delayed[0][0] - time.monotonic()) if self._delayed else 1.0

    def release_due(self) -> None:
        while self._delayed and self._delayed[0][0] <= time.monotonic():
            _, _, body, headers = heapq.heappop(self._delayed)
            self._publisher().send_to_queue(self.queue_name, body, headers)
