"""The envelope and the catalogue: payloads are validated before they reach the outbox."""
import pytest
from marshmallow import ValidationError

from chassis.correlation import correlation_scope
from chassis.events.envelope import Envelope
from chassis.events.registry import catalogue_types, schema_for, validate_payload

USER = {"user_id": "u1", "email": "a@example.org", "first_name": "Aline", "last_name": "Roy", "roles": ["member"]}


def test_valid_payload_is_normalized_with_defaults():
    assert validate_payload("auth.user_registered", 1, USER)["language"] == "fr"


def test_invalid_payload_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_payload("auth.user_registered", 1, {**USER, "email": "not-an-email"})
    assert "email" in caught.value.messages


def test_unknown_event_type_is_refused():
    with pytest.raises(ValidationError):
        schema_for("auth.nothing", 1)


def test_envelope_round_trip_and_shape_check():
    envelope = Envelope(type="auth.user_registered", payload=USER, producer="auth", correlation_id="c1")
    assert Envelope.from_dict(envelope.to_dict()) == envelope
    broken = {**envelope.to_dict(), "id": "not-a-uuid"}
    with pytest.raises(ValidationError):
        Envelope.from_dict(broken)


def test_every_catalogue_type_is_named_producer_dot_event():
    catalogue = catalogue_types()
    assert len(catalogue) >= 20
    for event_type, version in catalogue:
        producer, _, name = event_type.partition(".")
        assert producer in {"auth", "cards", "billing", "productions"} and name and version >= 1


def test_record_event_carries_the_bound_correlation_id(tmp_path):
    from chassis.bus.outbox import record_event
    from chassis.bus.tables import ChassisBase, OutboxMessage
    from chassis.db import Database

    db = Database(f"sqlite:///{tmp_path / 'o.db'}")
    ChassisBase.metadata.create_all(db.engine)
    with correlation_scope("req-42"):
        with db.transaction() as session:
            record_event(session, "auth", "auth.user_registered", USER)
    with db.reading() as session:
        row = session.query(OutboxMessage).one()
    assert row.envelope["correlation_id"] == "req-42"
    assert row.envelope["producer"] == "auth" and row.published_at is None


def test_record_event_rolls_back_with_the_transaction(tmp_path):
    from chassis.bus.outbox import record_event
    from chassis.bus.tables import ChassisBase, OutboxMessage
    from chassis.db import Database

    db = Database(f"sqlite:///{tmp_path / 'o.db'}")
    ChassisBase.metadata.create_all(db.engine)
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            record_event(session, "auth", "auth.user_registered", USER)
            raise RuntimeError("state change failed")
    with db.reading() as session:
        assert session.query(OutboxMessage).count() == 0
