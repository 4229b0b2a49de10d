"""The consumer's envelope reading accepts what the envelope schema accepts, refuses what it refuses, and gives
the same envelope."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from chassis.bus.envelope_reading import read_envelope
from chassis.events.envelope import Envelope

GOOD = Envelope(type="cards.session_submitted", payload={"session_id": "s-1"}, producer="cards",
                correlation_id="c0ffee", trace={"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}).to_dict()


def outcome(reader, data):
    try:
        return reader(data)
    except ValidationError:
        return "refused"


@pytest.mark.parametrize("change", [
    {}, {"trace": None}, {"trace": {}}, {"trace": {"traceparent": "x", "extra": 1}}, {"trace": {"traceparent": 1}},
    {"trace": {"traceparent": "x" * 129}}, {"trace": {"traceparent": "x", "tracestate": "y" * 513}},
    {"id": "not-a-uuid"}, {"id": "{" + GOOD["id"] + "}"}, {"id": 5}, {"type": "Cards.x"}, {"type": "a.b\n"},
    {"version": 0}, {"version": True}, {"version": "2"}, {"version": 1.0}, {"occurred_at": "2026-12-07T10:00:00"},
    {"occurred_at": "2026-12-07T10:00:00Z"}, {"occurred_at": "hier"}, {"occurred_at": None},
    {"correlation_id": ""}, {"correlation_id": "c" * 65}, {"producer": "p" * 33}, {"payload": []},
    {"payload": None}, {"unknown": 1},
])
def test_same_verdict_and_envelope_as_the_schema(change):
    data = {**GOOD, **change}
    assert outcome(read_envelope, data) == outcome(Envelope.from_dict, data)


@pytest.mark.parametrize("missing", sorted(GOOD))
def test_a_missing_key_is_refused_as_by_the_schema(missing):
    data = {key: value for key, value in GOOD.items() if key != missing}
    assert outcome(read_envelope, data) == outcome(Envelope.from_dict, data)


values = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=70),
                   st.sampled_from([GOOD["id"], GOOD["occurred_at"], "a.b", "2026-12-07T10:00:00+02:00"]),
                   st.dictionaries(st.sampled_from(["traceparent", "tracestate", "x"]), st.text(max_size=3)))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from([*GOOD, "trace", "other"]), values))
def test_any_change_gets_the_schemas_verdict(change):
    data = {**GOOD, **change}
    assert outcome(read_envelope, data) == outcome(Envelope.from_dict, data)
