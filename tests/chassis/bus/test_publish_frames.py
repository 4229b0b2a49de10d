"""The publisher's hand-encoded publish frames are the very bytes py-amqp writes for the same message."""
from __future__ import annotations

import pytest
from amqp import Message, spec
from amqp.method_framing import frame_writer
from amqp.serialization import dumps

from chassis.bus.frames import publish_frames

FRAME_MAX = 131072


class _Capture:
    frame_max = FRAME_MAX
    bytes_sent = 0

    def __init__(self):
        self.written = b""

    def write(self, data) -> None:
        self.written += bytes(data)


def amqp_bytes(channel: int, exchange: str, routing_key: str, body: bytes, headers: dict, **properties) -> bytes:
    capture = _Capture()
    message = Message(body, content_type="application/json", content_encoding="utf-8",
                      application_headers=headers, delivery_mode=2, **properties)
    frame_writer(capture, capture)(1, channel, spec.Basic.Publish,
                                   dumps("Bssbb", (0, exchange, routing_key, True, False)), message)
    return capture.written


HEADERS = {"event_id": "0b8f6f1e-5d55-4f0e-a1a6-3b1f2c0d9e77", "event_type": "cards.session_submitted",
           "correlation_id": "c0ffee", "producer": "cards"}


@pytest.mark.parametrize("body, headers, ids", [
    (b'{"id":"x","payload":{"nom":"Jos\xc3\xa9e"}}', HEADERS, ("m-1", "c-1", "cards.session_submitted")),
    (b"{}", {**HEADERS, "last_error": "ValueError: \u00e9chec", "attempts": "2"}, ("m-2", None, "t.t")),
    (b"x" * 5000, {}, (None, None, None)),
    (b"", HEADERS, ("m-3", "c-3", None)),
])
def test_same_bytes_as_py_amqp(body, headers, ids):
    message_id, correlation_id, event_type = ids
    ours = publish_frames(3, FRAME_MAX, "guichet.events", "cards.session_submitted", body, headers,
                          "application/json", message_id, correlation_id, event_type)
    properties = {key: value for key, value in
                  (("message_id", message_id), ("correlation_id", correlation_id), ("type", event_type)) if value}
    assert ours == amqp_bytes(3, "guichet.events", "cards.session_submitted", body, headers, **properties)


@pytest.mark.parametrize("change", [
    {"headers": {"attempts": 2}},                     # not a string: py-amqp's table types
    {"routing_key": "k" * 256},                       # longer than a short string
    {"body": b"x" * FRAME_MAX},                       # several body frames
])
def test_other_shapes_are_left_to_py_amqp(change):
    message = {"exchange": "e", "routing_key": "k", "body": b"{}", "headers": {}, **change}
    assert publish_frames(1, FRAME_MAX, message["exchange"], message["routing_key"], message["body"],
                          message["headers"], "application/json", "m", "c", "t") is None
