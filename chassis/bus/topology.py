"""Names and declarations of the exchange and queues, the same for every transport.

- ``<exchange>``: durable topic exchange; routing key = event type.
- ``<exchange>.unroutable``: events published while no queue was bound for their type
  (the relay parks them there, so nothing is lost; replay them by hand if a consumer appears).
- ``<exchange>.<service>``: a consuming service's durable queue, bound to each event type of its
  handler table; several worker processes may compete on it.
- ``<exchange>.<service>.retry.<ms>``: one per retry delay; a message waits there ``ms``
  milliseconds (queue TTL) then dead-letters back to the service's queue.
- ``<exchange>.<service>.dead``: events that failed every attempt, or were invalid.

Queue type: ``BUS_QUEUE_TYPE`` = ``classic`` (default: one broker node, the local stacks) or
``quorum`` (replicated, for a RabbitMQ cluster; Kubernetes sets it). Every declaration in the
process uses the same type (RabbitMQ refuses to redeclare a queue with other arguments). Quorum
queues get an explicit ``x-delivery-limit`` (``BUS_DELIVERY_LIMIT``, default 20: a message that
kills its consumer over and over is dropped to the dead-letter path instead of looping); the
retry queues dead-letter ``at-least-once`` (RabbitMQ >= 3.10), so a retry is never lost in transit.
Attempts of a failing handler are counted in a message header either way.
"""
from __future__ import annotations

from kombu import Exchange, Queue, binding

from chassis.config import env, env_int


def queue_type() -> str:
    kind = env("BUS_QUEUE_TYPE", "classic").lower()
    if kind not in {"classic", "quorum"}:
        raise ValueError(f"BUS_QUEUE_TYPE must be classic or quorum, got {kind!r}")
    return kind


def durable_arguments() -> dict:
    """Arguments every durable queue of this process is declared with."""
    if queue_type() == "quorum":
        return {"x-queue-type": "quorum", "x-delivery-limit": env_int("BUS_DELIVERY_LIMIT", 20)}
    return {}


def _retry_arguments(ttl_ms: int, target_queue: str) -> dict:
    arguments = {"x-message-ttl": ttl_ms, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": target_queue}
    if queue_type() == "quorum":
        arguments.update({"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"})
    return arguments


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
    return Queue(name, Exchange(""), routing_key=name, durable=True,
                 queue_arguments={**durable_arguments(), **arguments} or None)


def declare_exchange(channel, exchange: str) -> None:
    topic_exchange(exchange)(channel).declare()
    plain_queue(unroutable_queue_name(exchange))(channel).declare()


def service_queue(exchange: str, service: str, event_types) -> Queue:
    ex = topic_exchange(exchange)
    return Queue(service_queue_name(exchange, service), durable=True, queue_arguments=durable_arguments() or None,
                 bindings=[binding(ex, routing_key=event_type) for event_type in sorted(event_types)])


def declare_service_queues(channel, exchange: str, service: str, event_types, retry_delays) -> Queue:
    """Declares the exchange, the service queue with its bindings, its retry and dead queues."""
    declare_exchange(channel, exchange)
    main = service_queue(exchange, service, event_types)(channel)
    main.declare()
    for delay in sorted(set(retry_delays)):
        plain_queue(retry_queue_name(exchange, service, delay),
                    **_retry_arguments(int(round(delay * 1000)), main.name))(channel).declare()
    plain_queue(dead_queue_name(exchange, service))(channel).declare()
    return main
