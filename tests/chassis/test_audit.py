"""``AuditTrail.record``: one Core insert in the caller's transaction, subject columns filled, the rest in details."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.orm import Session

from chassis.audit import AuditTrail
from tests.infra import fresh_database, migrated_database

metadata = MetaData()
BigId = BigInteger().with_variant(Integer(), "sqlite")
# The three shapes of the services' audit tables: a time column named ``at`` or ``occurred_at``, one to three
# subject columns, a free ``note``.
requests_audit = Table("requests_audit", metadata, Column("id", BigId, primary_key=True, autoincrement=True),
                       Column("at", DateTime(timezone=True), nullable=False),
                       Column("actor_id", String(64), nullable=False), Column("action", String(40), nullable=False),
                       Column("session_id", String(36)), Column("details", JSON, nullable=False))
sheets_audit = Table("sheets_audit", metadata, Column("id", BigId, primary_key=True, autoincrement=True),
                     Column("action", String(40), nullable=False), Column("actor_id", String(64), nullable=False),
                     Column("house_id", String(36)), Column("sheet_id", String(36)),
                     Column("subject_user_id", String(64)), Column("details", JSON, nullable=False),
                     Column("occurred_at", DateTime(timezone=True), nullable=False))
invoices_audit = Table("invoices_audit", metadata, Column("id", BigId, primary_key=True, autoincrement=True),
                       Column("occurred_at", DateTime(timezone=True), nullable=False),
                       Column("actor_id", String(64), nullable=False), Column("action", String(40), nullable=False),
                       Column("invoice_id", String(36)), Column("payment_id", String(36)),
                       Column("details", JSON, nullable=False), Column("note", Text))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'audit.db'}" if request.param == "sqlite" else fresh_database("hch_audit")
    engine = create_engine(url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def rows(engine, table):
    with engine.connect() as connection:
        return [row._asdict() for row in connection.execute(select(table).order_by(table.c.id))]


def test_subject_columns_and_details(engine):
    trail = AuditTrail(requests_audit)
    before = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        trail.record(session, "u-1", "submitted", session_id="s-1", payment_method="card", billed_to="trainer")
        trail.record(session, "system:billing", "shipped")
    first, second = rows(engine, requests_audit)
    assert (first["actor_id"], first["action"], first["session_id"]) == ("u-1", "submitted", "s-1")
    assert first["details"] == {"payment_method": "card", "billed_to": "trainer"}
    assert (second["session_id"], second["details"]) == (None, {})
    stamp = first["at"] if first["at"].tzinfo else first["at"].replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) <= stamp <= datetime.now(UTC) + timedelta(seconds=1)


def test_explicit_details_merge_with_the_other_keywords(engine):
    trail = AuditTrail(invoices_audit, time_column="occurred_at")
    with Session(engine) as session, session.begin():
        trail.record(session, "u-2", "payment_recorded", payment_id="p-1", note="cheque 12",
                     details={"amount": "10.00"}, method="cheque")
    (row,) = rows(engine, invoices_audit)
    assert (row["payment_id"], row["invoice_id"], row["note"]) == ("p-1", None, "cheque 12")
    assert row["details"] == {"amount": "10.00", "method": "cheque"}
    assert row["occurred_at"] is not None


def test_the_row_belongs_to_the_callers_transaction(engine):
    trail = AuditTrail(sheets_audit, time_column="occurred_at")
    with Session(engine) as session:
        session.begin()
        trail.record(session, "u-3", "sheet_created", house_id="h-1", sheet_id="sh-1")
        session.rollback()
    assert rows(engine, sheets_audit) == []


def test_an_unknown_action_is_refused_before_writing(engine):
    trail = AuditTrail(sheets_audit, time_column="occurred_at", actions=("sheet_created",))
    with Session(engine) as session, session.begin():
        with pytest.raises(ValueError, match="unknown audit action sheet_burnt"):
            trail.record(session, "u-3", "sheet_burnt", sheet_id="sh-1")
        trail.record(session, "u-3", "sheet_created", sheet_id="sh-1", subject_user_id="u-9")
    assert [(row["action"], row["subject_user_id"]) for row in rows(engine, sheets_audit)] == [("sheet_created", "u-9")]


def test_a_table_without_the_audit_columns_is_refused():
    with pytest.raises(ValueError, match="no column occurred_at"):
        AuditTrail(requests_audit, time_column="occurred_at")


@pytest.mark.parametrize(("service", "time_column", "subject"), [
    ("cards", "at", {"session_id": "s-1"}),
    ("productions", "occurred_at", {"house_id": "h-1", "sheet_id": "sh-1", "subject_user_id": "u-9"}),
    ("billing", "occurred_at", {"invoice_id": "i-1", "payment_id": "p-1", "note": "why"}),
])
def test_each_services_migrated_audit_table(service, time_column, subject):
    from importlib import import_module

    model = import_module(f"services.{service}.db.models").AuditEntry
    engine = create_engine(migrated_database(service, f"hch_audit_{service}"))
    with Session(engine) as session, session.begin():
        AuditTrail(model, time_column=time_column).record(session, "u-1", "done", reason="test", **subject)
    (row,) = rows(engine, model.__table__)
    engine.dispose()
    assert {name: row[name] for name in subject} == subject
    assert (row["actor_id"], row["action"], row["details"]) == ("u-1", "done", {"reason": "test"})
    assert row[time_column] is not None
