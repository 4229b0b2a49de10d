"""Invoices issued and voided by the consumers, on real PostgreSQL."""
import threading
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from services.billing.consumers import HANDLERS
from services.billing.db.models import AuditEntry, Invoice, InvoiceCounter
from services.billing.domain.lines import TotalMismatch
from tests.billing.support import envelope, feed, issue, outbox_events, pdf_text_from_event, submitted_payload

pytestmark = pytest.mark.integration
YEAR = datetime.now(ZoneInfo("America/Montreal")).year


def test_submitted_session_gets_one_open_invoice_with_lines_total_and_billed_to(db):
    invoice = issue(db, participant_count=12, payment_method="cheque")
    assert invoice.status == "open"
    assert invoice.number.startswith(f"{YEAR}-") and len(invoice.number) == 11
    assert invoice.total == Decimal("24.00") and invoice.balance == Decimal("24.00")
    assert invoice.currency == "CAD" and invoice.payment_method == "cheque"
    assert invoice.bill_to["kind"] == "organization" and invoice.bill_to["name"] == "CISSS de Laval"
    assert invoice.bill_to["address"] == "1515, boulevard Chomedey"
    [line] = invoice.lines
    assert (line.quantity, line.unit_price, line.amount) == (12, Decimal("2.00"), Decimal("24.00"))


def test_invoice_issued_event_carries_what_the_notifier_needs_and_a_small_pdf(db):
    invoice = issue(db, participant_count=3, payment_method="direct_deposit", bill_to_kind="individual")
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    payload = event["payload"]
    assert payload["number"] == invoice.number
    assert payload["email"] == "comptes.payables@example.org" and payload["name"] == "Claude Éthier"
    assert payload["total"] == "6.00" and payload["balance"] == "6.00" and payload["currency"] == "CAD"
    assert payload["customer_user_id"] == invoice.owner_user_id
    assert payload["pay_url"] is None
    assert len(payload["pdf_base64"]) < 12_000
    text = pdf_text_from_event(event)
    assert invoice.number in text and "Caisse Desjardins" in text and "6,00 $" in text


def test_credit_card_invoice_event_has_the_pay_link(db):
    invoice = issue(db, payment_method="credit_card")
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    assert event["payload"]["pay_url"].endswith(f"/invoices/{invoice.id}")


def test_redelivered_event_makes_no_second_invoice_nor_event(db):
    payload = submitted_payload()
    feed(db, "cards.session_submitted", payload)
    feed(db, "cards.session_submitted", payload)
    with db.reading() as session:
        count = session.scalar(select(func.count()).select_from(Invoice)
                               .where(Invoice.session_id == payload["session_id"]))
    assert count == 1
    assert len(outbox_events(db, "billing.invoice_issued", session_id=payload["session_id"])) == 1


def test_numbers_follow_each_other_without_gap(db):
    numbers = [issue(db).number for _ in range(5)]
    sequences = [int(number.split("-")[1]) for number in numbers]
    assert sequences == list(range(sequences[0], sequences[0] + 5))


def test_wrong_total_is_refused_and_takes_no_number(db):
    with db.reading() as session:
        before = session.get(InvoiceCounter, YEAR).last_number
    payload = submitted_payload(participant_count=4, total="9.00")
    with pytest.raises(TotalMismatch):
        feed(db, "cards.session_submitted", payload)
    with db.reading() as session:
        assert session.get(InvoiceCounter, YEAR).last_number == before
        assert session.scalar(select(Invoice).where(Invoice.session_id == payload["session_id"])) is None


def test_concurrent_handlers_number_without_gap_or_duplicate(db):
    with db.reading() as session:
        before = session.get(InvoiceCounter, YEAR).last_number
    errors = []

    def work():
        try:
            for _ in range(10):
                feed(db, "cards.session_submitted", submitted_payload())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.reading() as session:
        numbers = session.scalars(select(Invoice.number).where(Invoice.number > f"{YEAR}-{before:06d}")).all()
    assert sorted(int(n.split("-")[1]) for n in numbers) == list(range(before + 1, before + 61))


def test_cancelled_unpaid_session_voids_its_invoice(db):
    invoice = issue(db)
    feed(db, "cards.session_cancelled", {"session_id": invoice.session_id, "cancelled_by": invoice.owner_user_id,
                                         "reason": "Formation annulée"})
    with db.reading() as session:
        voided = session.get(Invoice, invoice.id)
        assert (voided.status, voided.balance, voided.refund_due) == ("void", Decimal("0.00"), Decimal("0.00"))
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.invoice_id == invoice.id)).all()
    assert actions == ["invoice_voided"]
    [event] = outbox_events(db, "billing.invoice_voided", invoice_id=invoice.id)
    assert event["payload"]["reason"] == "Formation annulée"


def test_cancellation_before_the_submission_event_prevents_the_invoice(db):
    payload = submitted_payload()
    feed(db, "cards.session_cancelled", {"session_id": payload["session_id"], "cancelled_by": "staff-1"})
    feed(db, "cards.session_submitted", payload)
    with db.reading() as session:
        assert session.scalar(select(Invoice).where(Invoice.session_id == payload["session_id"])) is None


def test_the_counter_is_not_locked_while_the_invoice_is_prepared(db):
    """The number is taken at commit: until then another transaction can lock the counter at once."""
    issue(db)  # the year's counter row exists
    payload = submitted_payload()
    with db.transaction() as session:
        HANDLERS["cards.session_submitted"](session, envelope("cards.session_submitted", payload))
        pending = session.scalars(select(Invoice).where(Invoice.session_id == payload["session_id"])).one()
        assert pending.number is None  # inserted with its lines, not numbered yet
        with db.engine.connect() as other:
            before = other.execute(text("SELECT last_number FROM invoice_counters WHERE year = :year "
                                        "FOR UPDATE NOWAIT"), {"year": YEAR}).scalar_one()
            other.rollback()
    with db.reading() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.session_id == payload["session_id"])).one()
    assert invoice.number == f"{YEAR}-{before + 1:06d}"
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    assert event["payload"]["number"] == invoice.number and invoice.number in pdf_text_from_event(event)


def test_invoices_of_one_transaction_are_numbered_together_skipping_a_rolled_back_savepoint(db):
    """A consumer handling several events in one transaction (each in a savepoint) takes the lock once."""
    with db.reading() as session:
        before = session.get(InvoiceCounter, YEAR).last_number
    kept, dropped, last = submitted_payload(), submitted_payload(), submitted_payload()
    handler = HANDLERS["cards.session_submitted"]
    with db.transaction() as session:
        handler(session, envelope("cards.session_submitted", kept))
        with pytest.raises(RuntimeError), session.begin_nested():
            handler(session, envelope("cards.session_submitted", dropped))
            raise RuntimeError("this event's handling fails")
        handler(session, envelope("cards.session_submitted", last))
    with db.reading() as session:
        numbers = {row.session_id: row.number for row in session.scalars(
            select(Invoice).where(Invoice.session_id.in_([p["session_id"] for p in (kept, dropped, last)])))}
    assert numbers == {kept["session_id"]: f"{YEAR}-{before + 1:06d}", last["session_id"]: f"{YEAR}-{before + 2:06d}"}
    assert outbox_events(db, "billing.invoice_issued", session_id=dropped["session_id"]) == []
    for payload in (kept, last):
        [event] = outbox_events(db, "billing.invoice_issued", session_id=payload["session_id"])
        assert numbers[payload["session_id"]] in pdf_text_from_event(event)


def test_submission_and_cancellation_in_one_transaction_issue_then_void_a_numbered_invoice(db):
    payload = submitted_payload()
    with db.transaction() as session:
        HANDLERS["cards.session_submitted"](session, envelope("cards.session_submitted", payload))
        HANDLERS["cards.session_cancelled"](session, envelope("cards.session_cancelled", {
            "session_id": payload["session_id"], "cancelled_by": "staff-1"}))
    with db.reading() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.session_id == payload["session_id"])).one()
    assert invoice.status == "void" and invoice.number.startswith(f"{YEAR}-")
    events = outbox_events(db, session_id=payload["session_id"])
    assert [(e["type"], e["payload"]["number"]) for e in events] == [
        ("billing.invoice_issued", invoice.number), ("billing.invoice_voided", invoice.number)]


def test_a_bill_to_that_looks_like_the_number_placeholder_is_printed_as_typed(db):
    typed = f"Dossier {YEAR}-000000"
    invoice = issue(db, payment_method="direct_deposit", bill_to={**submitted_payload()["bill_to"], "name": typed})
    [event] = outbox_events(db, "billing.invoice_issued", invoice_id=invoice.id)
    text = pdf_text_from_event(event)
    assert typed in text and f"FACTURE {invoice.number}" in text


def test_a_cancellation_rolled_back_with_its_savepoint_leaves_the_invoice_issued_and_numbered(db):
    with db.reading() as session:
        before = session.get(InvoiceCounter, YEAR).last_number
    payload = submitted_payload()
    with db.transaction() as session:
        HANDLERS["cards.session_submitted"](session, envelope("cards.session_submitted", payload))
        with pytest.raises(RuntimeError), session.begin_nested():
            HANDLERS["cards.session_cancelled"](session, envelope("cards.session_cancelled", {
                "session_id": payload["session_id"], "cancelled_by": "staff-1"}))
            raise RuntimeError("this event's handling fails")
    with db.reading() as session:
        invoice = session.scalars(select(Invoice).where(Invoice.session_id == payload["session_id"])).one()
        assert session.get(InvoiceCounter, YEAR).last_number == before + 1
    assert (invoice.status, invoice.number) == ("open", f"{YEAR}-{before + 1:06d}")
    events = outbox_events(db, session_id=payload["session_id"])
    assert [(e["type"], e["payload"]["number"]) for e in events] == [("billing.invoice_issued", invoice.number)]
