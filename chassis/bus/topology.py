"""Names and declarations of the exchange and queues, the same for every transport.

- ``<exchange>``: durable topic exchange; routing key = event type.
- ``<exchange>.unroutable``: events published while no queue was bound for their type
  (the relay parks them there, so nothing is lost; replay them by hand if a consumer appears).
- ``<exchange>.<service>``: a consuming service's durable queue, bound to each event type of its
  handler table; several worker processes may compete on it.
- ``<exchange>.<service>.retry.<ms>``: one per retry delay; a message waits there ``ms``
  milliseconds (queue TTL) then dead-letters back to the service's queue.
- ``<exchange>.<service>.dead``: events that failed every attempt, or were invalid.

All queues are classic durable queues: attempts are counted in a message header by the consumer,
so no quorum-queue delivery limit is needed.
"""
from __future__ import annotations

from kombu import Exchange, Queue, binding


def topic_exchange(name: str) -> Exchange:
    return Exchange(name, type="topic", durable=True)


def unroutable_queue_name(exchange: str) -> str:
    return f"{exchange}.unroutable"


def service_queue_name(exchange: str, service: str) -> str:
    return f"{exchange}.{service}"


def dead_queue_name(exchange: str, service: str) -> str:
    return f"{exchange}.{service}.dead"


def retry_queue_name(exchange: str, service: str, delay_seconds: float) -> str:
    return f"{exchange}.{service}.retry.{int(round(delay_seconds * 1000))}"


def plain_queue(name: str, **arguments) -> Queue:
    """A durable queue reached through the default exchange (routing key = its name)."""
    return Queue(name, Exchange(""), routing_key=name, durable=True, queue_arguments=arguments or None)


def declare_exchange(channel, exchange: str) -> None:
    topic_exchange(exchange)(channel).declare()
    plain_queue(unroutable_queue_name(exchange))(channel).declare()


def service_queue(exchange: str, service: str, event_types) -> Queue:
    ex = topic_exchange(exchange)
    return Queue(service_queue_name(exchange, service), durable=True,
                 bindings=[binding(ex, routing_key=event_type) for event_type in sorted(event_types)])


def declare_service_queues(channel, exchange: str, service: str, event_types, retry_delays) -> Queue:
    """Declares the exchange, the service queue with its bindings, its retry and dead queues."""
    declare_exchange(channel, exchange)
    main = service_queue(exchange, service, event_types)(channel)
    main.declare()
    for delay in sorted(set(retry_delays)):
        plain_queue(retry_queue_name(exchange, service, delay),
                    **{"x-message-ttl": int(round(delay * 1000)), "x-dead-letter-exchange": "",
                       "x-dead-letter-routing-key": main.name})(channel).declare()
    plain_queue(dead_queue_name(exchange, service))(channel).declare()
    return main
