"""The frames of a ``basic.publish``, encoded in one pass, a batch of messages written to the socket at once.

py-amqp encodes a message's properties and headers through its generic, format-driven serializer, writes each
message to the socket on its own, and polls the socket before each one (``connection.blocked``): about two
thirds of a relay's CPU per event (``bench/pipeline_cpu.py``). The publisher's messages have one shape (a
few string properties, persistent, string headers): ``publish_frames`` gives exactly the bytes py-amqp would
write for each (``tests/chassis/test_publish_frames.py`` compares them), so the broker sees the same stream.
A message outside that shape (a header that is not a string, a field longer than AMQP's short strings, a
body larger than one frame) returns ``None``: the caller publishes it through py-amqp.
"""
from __future__ import annotations

import functools
from struct import pack

_BASIC = 60
_PUBLISH = pack(">HH", _BASIC, 40)
_FRAME_END = b"\xce"
_MANDATORY = b"\x01"  # the bits of basic.publish: mandatory, not immediate
_PERSISTENT = b"\x02"  # delivery mode
# Property flags (AMQP 0-9-1 basic class, bit 15 first), in py-amqp's order.
_CONTENT_TYPE, _CONTENT_ENCODING, _HEADERS, _DELIVERY_MODE = 1 << 15, 1 << 14, 1 << 13, 1 << 12
_CORRELATION_ID, _MESSAGE_ID, _TYPE = 1 << 10, 1 << 7, 1 << 5
_FRAME_OVERHEAD = 8  # a frame's type, channel, size and end
_UTF8 = b"\x05utf-8"  # the content encoding, a short string
_AMQP_OVERHEAD = 40  # what py-amqp adds to arguments, properties and body to decide on splitting the body


def _short(text: str) -> bytes | None:
    raw = text.encode("utf-8", "surrogatepass")
    return bytes((len(raw),)) + raw if len(raw) < 256 else None


# The names that come back at every message (exchange, event types, header names, content type), encoded once.
_known = functools.lru_cache(maxsize=1024)(_short)


def _table(headers: dict) -> bytes | None:
    parts = []
    for key, value in headers.items():
        name = _known(key) if type(key) is str else None
        if name is None or type(value) is not str:
            return None
        raw = value.encode("utf-8", "surrogatepass")
        parts += (name, b"S", pack(">I", len(raw)), raw)
    data = b"".join(parts)
    return pack(">I", len(data)) + data


def _frame(kind: int, channel: int, payload: bytes) -> bytes:
    return pack(">BHI", kind, channel, len(payload)) + payload + _FRAME_END


def publish_frames(channel: int, frame_max: int, exchange: str, routing_key: str, body: bytes, headers: dict,
                   content_type: str, message_id: str | None, correlation_id: str | None,
                   event_type: str | None) -> bytes | None:
    """The method, header and body frames of one persistent, ``mandatory`` publish with utf-8 ``body``, as
    py-amqp writes them for ``amqp.Message(body, content_type=..., content_encoding="utf-8",
    application_headers=headers, delivery_mode=2, message_id=..., correlation_id=..., type=...)``; None when
    the message is not of that plain shape."""
    exchange_name, key, table = _known(exchange), _known(routing_key), _table(headers)
    if exchange_name is None or key is None or table is None:
        return None
    flags = _CONTENT_TYPE | _CONTENT_ENCODING | _HEADERS | _DELIVERY_MODE
    properties = [_known(content_type), _UTF8, table, _PERSISTENT]
    for flag, value, encode in ((_CORRELATION_ID, correlation_id, _short), (_MESSAGE_ID, message_id, _short),
                                (_TYPE, event_type, _known)):
        if value:
            flags |= flag
            properties.append(encode(value))
    if None in properties:
        return None
    arguments = b"".join((b"\x00\x00", exchange_name, key, _MANDATORY))
    encoded = b"".join((pack(">H", flags), *properties))
    if len(arguments) + len(encoded) + len(body) + _AMQP_OVERHEAD > frame_max - _FRAME_OVERHEAD:
        return None  # py-amqp cuts a large body into several frames: leave those to it
    frames = [_frame(1, channel, _PUBLISH + arguments),
              _frame(2, channel, pack(">HHQ", _BASIC, 0, len(body)) + encoded)]
    if body:
        frames.append(_frame(3, channel, body))
    return b"".join(frames)
