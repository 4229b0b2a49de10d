"""The handler table: event type -> function, one visible table per consuming service.

A handler runs inside the consumer's database transaction, the inbox row beside it::

    def on_user_registered(session: Session, event: Envelope) -> None: ...

    HANDLERS: HandlerTable = {"auth.user_registered": on_user_registered}

It must be deterministic on the event alone (it may run again after a crash before commit),
raise to ask for a retry, and never publish directly: use ``record_event`` on ``session``.

On PostgreSQL the consumer handles up to ``BUS_CONSUMER_BATCH`` deliveries in ONE transaction, each
event in a SAVEPOINT of its own (see ``chassis.bus.consumer``): the locks a handler takes are held
until the whole batch commits. A handler that locks a row every event needs (a counter, a
sequence-like row) should be marked ``@own_transaction``: its events are then never batched with
others, so the lock is held only for that event's transaction and several workers can interleave.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope

Handler = Callable[[Session, Envelope], None]
HandlerTable = dict[str, Handler]

OWN_TRANSACTION = "__guichet_own_transaction__"


def own_transaction(handler: Handler) -> Handler:
    """Marks ``handler`` to run in a transaction of its own, never batched with other events."""
    setattr(handler, OWN_TRANSACTION, True)
    return handler


def needs_own_transaction(handler: Handler) -> bool:
    return bool(getattr(handler, OWN_TRANSACTION, False))


class UnknownHandlerType(ValueError):
    """A handler table names an event type the catalogue does not know: a consumer refuses to start."""


def check_handler_table(service: str, handlers: HandlerTable) -> None:
    """Every key of ``handlers`` must be a catalogued event type (``chassis/events/catalogue``): a misspelt
    key would otherwise bind the service's queue to a routing key nobody publishes, and wait forever."""
    from chassis.events.registry import registered_types

    known = {event_type for event_type, _version in registered_types()}
    unknown = sorted(set(handlers) - known)
    if unknown:
        raise UnknownHandlerType(f"the handler table of {service} names event types missing from the event "
                                 f"catalogue (chassis/events/catalogue): {', '.join(unknown)}")
