"""Traces over the real bus (PostgreSQL outbox and inbox, RabbitMQ): the outbox keeps the recording span's
context, the relay publishes under a PRODUCER span, the consumer handles under a CONSUMER span, its child;
an event without trace context (an older one) is still handled, under a new root span."""
from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import select

from chassis import tracing
from chassis.bus.consumer import Consumer
from chassis.bus.outbox import record_event
from chassis.bus.publisher import open_publisher
from chassis.bus.relay import OutboxRelay
from chassis.bus.tables import OutboxMessage
from chassis.events.envelope import Envelope
from tests.chassis.bus.support import EVENT_TYPE, OTHER_TYPE, effect_count, emit, record_effect

pytestmark = pytest.mark.timeout(60)




def _consumer(db, settings, handler=record_effect) -> Consumer:
    consumer = Consumer(service="fx", db=db, handlers={EVENT_TYPE: handler}, settings=settings)
    consumer.declare()
    return consumer


def _stored_trace(db, event_id: str) -> dict | None:
    with db.reading() as session:
        return session.scalar(select(OutboxMessage.envelope).where(OutboxMessage.event_id == event_id)).get("trace")


def _span_id(traceparent: str) -> int:
    return int(traceparent.split("-")[2], 16)


def test_the_trace_goes_from_the_recording_span_through_the_relay_to_the_handler_and_its_events(db, settings,
                                                                                                 spans):
    def handle_and_emit(session, envelope):  # a handler that records an event of its own
        record_effect(session, envelope)
        record_event(session, "fx", OTHER_TYPE, {"key": "caused"})

    consumer = _consumer(db, settings, handle_and_emit)
    with tracing.continuing("producer", "request", None, kind="server"):
        event = emit(db, "traced")
    relay = OutboxRelay(db, settings, producer="producer")
    try:
        assert relay.run_once() == 1
    finally:
        relay.close_publisher()
    assert consumer.drain(timeout=0.5) == 1
    consumer.close()
    assert effect_count(db, "traced") == 1

    finished = spans.get_finished_spans()
    [request] = [span for span in finished if span.name == "request"]
    [published] = [span for span in finished if span.kind == SpanKind.PRODUCER]
    [handled] = [span for span in finished if span.kind == SpanKind.CONSUMER]
    assert _span_id(_stored_trace(db, event.id)["traceparent"]) == request.context.span_id
    assert published.name == f"publish {EVENT_TYPE}" and published.parent.span_id == request.context.span_id
    assert handled.name == f"process {EVENT_TYPE}" and handled.parent.span_id == published.context.span_id
    assert {span.context.trace_id for span in (request, published, handled)} == {request.context.trace_id}
    assert published.attributes["messaging.message.id"] == event.id
    assert handled.attributes["messaging.consumer.group.name"] == "fx"
    assert published.resource.attributes["service.name"] == "producer"
    assert handled.resource.attributes["service.name"] == "fx"
    with db.reading() as session:
        caused = session.scalar(select(OutboxMessage.envelope).where(OutboxMessage.event_type == OTHER_TYPE))
    assert _span_id(caused["trace"]["traceparent"]) == handled.context.span_id  # carried onward


def test_an_event_without_trace_context_is_handled_under_a_new_root_span(db, settings, spans):
    consumer = _consumer(db, settings)
    older = Envelope(type=EVENT_TYPE, payload={"key": "untraced"}, producer="producer", correlation_id="c-1")
    garbled = Envelope(type=EVENT_TYPE, payload={"key": "garbled"}, producer="producer", correlation_id="c-2",
                       trace={"traceparent": "not-a-traceparent"})
    assert "trace" not in older.to_dict()
    publisher = open_publisher(settings, "producer")
    try:
        publisher.publish_events([older.to_dict(), garbled.to_dict()])
    finally:
        publisher.close()
    assert consumer.drain(timeout=0.5) == 2
    consumer.close()
    assert effect_count(db, "untraced") == 1 and effect_count(db, "garbled") == 1

    handled = [span for span in spans.get_finished_spans() if span.kind == SpanKind.CONSUMER]
    assert sorted(span.attributes["messaging.message.id"] for span in handled) == sorted([older.id, garbled.id])
    assert all(span.parent is None for span in handled)
    assert len({span.context.trace_id for span in handled}) == 2


def test_a_failed_handler_leaves_a_failed_consumer_span(db, settings, spans):
    def broken(session, envelope):
        raise RuntimeError("en panne / down")

    consumer = _consumer(db, settings, broken)
    emit(db, "doomed")
    relay = OutboxRelay(db, settings, producer="producer")
    try:
        relay.run_once()
    finally:
        relay.close_publisher()
    consumer.drain(timeout=0.3)
    consumer.close()
    failed = [span for span in spans.get_finished_spans() if span.kind == SpanKind.CONSUMER]
    assert failed and all(span.status.status_code == StatusCode.ERROR for span in failed)
    assert any(event.name == "exception" for event in failed[0].events)


def test_an_event_recorded_at_the_commit_of_the_handlers_transaction_continues_its_trace(db, settings, spans):
    """As billing numbers its invoices: the handler defers recording to its transaction's commit, under the
    event's correlation id, after the CONSUMER span ended. An unrelated correlation id gets no trace."""
    from sqlalchemy import event as orm_event

    from chassis.correlation import correlation_scope

    def defer_to_commit(session, envelope):
        record_effect(session, envelope)

        def at_commit(committing):
            with correlation_scope(envelope.correlation_id):
                record_event(committing, "fx", OTHER_TYPE, {"key": "at-commit"})
            with correlation_scope("someone-else"):
                record_event(committing, "fx", OTHER_TYPE, {"key": "unrelated"})
        orm_event.listen(session, "before_commit", at_commit, once=True)

    consumer = _consumer(db, settings, defer_to_commit)
    with tracing.continuing("producer", "request", None, kind="server"):
        emit(db, "deferred")
    relay = OutboxRelay(db, settings, producer="producer")
    try:
        relay.run_once()
    finally:
        relay.close_publisher()
    assert consumer.drain(timeout=0.5) == 1
    consumer.close()
    [handled] = [span for span in spans.get_finished_spans() if span.kind == SpanKind.CONSUMER]
    with db.reading() as session:
        caused = {row["payload"]["key"]: row.get("trace") for row in (
            session.scalars(select(OutboxMessage.envelope).where(OutboxMessage.event_type == OTHER_TYPE)))}
    assert _span_id(caused["at-commit"]["traceparent"]) == handled.context.span_id
    assert caused["unrelated"] is None
