"""A year of card requests for the staff dashboard's benchmark, written in bulk into the cards and billing databases.

Going through the API would take about an hour for 10,000 requests with their participants; instead the rows are
those the services' own operations write, made with the services' own rules and inserted many at a time:

- cards: each request (``sessions``) of the demo trainer, submitted at a moment spread over the last 12 months
  (the dashboard's default period), 1 to 12 participants, priced by ``domain.pricing.quote`` (credit card only
  from ``CARDS_CARD_MINIMUM``), then moved along its life as billing's events and staff would have moved it
  (``domain.statuses``): invoiced at once, paid some days later (the older, the likelier), shipped after
  payment, or cancelled;
- billing: the invoice of each request (lines from ``domain.lines.card_lines``, numbered per year as
  ``operations.numbering`` does, the counters set to match), voided for a cancelled request; one payment
  per paid invoice, in full, by the request's method, allocated to it.

No event is written to any outbox: the rows are the outcome of the events, already consumed. ``Seeded`` says
what the dashboard must then show (its totals), computed here from the rows, not read back.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import create_engine, insert, select

from chassis.money import CURRENCY
from chassis.periods import Period, local_day, montreal_midnight_utc
from services.billing.db import models as billing
from services.billing.domain.lines import card_lines
from services.billing.domain.numbering import format_invoice_number
from services.cards.config import DEFAULT_CARD_MINIMUM
from services.cards.db import models as cards
from services.cards.domain import statuses
from services.cards.domain.pricing import PAYMENT_METHODS, UNIT_PRICE, quote
from services.cards.domain.text import fold, person_key

ZERO = Decimal("0.00")
CANCELLED_SHARE = 0.04


@dataclass
class Seeded:
    """What the ASSTSAS dashboard must show for the default period once the rows are in."""
    requests: int = 0
    cards: int = 0
    payments: int = 0
    paid: Decimal = ZERO
    open_invoices: int = 0
    open_balance: Decimal = ZERO
    by_status: dict[str, int] = field(default_factory=dict)


def seed(database_urls: dict[str, str], count: int, rng_seed: int = 23) -> Seeded:
    """``count`` requests into the ``cards`` and ``billing`` databases of ``database_urls`` (SQLAlchemy URLs)."""
    rng = random.Random(rng_seed)
    cards_engine, billing_engine = create_engine(database_urls["cards"]), create_engine(database_urls["billing"])
    try:
        with cards_engine.begin() as connection:
            reference = _reference(connection)
        rows = _Rows(reference, rng, Period.default())
        for _ in range(count):
            rows.add_request()
        with cards_engine.begin() as connection:
            _insert(connection, cards.CardSession, rows.sessions)
            _insert(connection, cards.Participant, rows.participants)
        with billing_engine.begin() as connection:
            _insert(connection, billing.Invoice, rows.invoices)
            _insert(connection, billing.InvoiceLine, rows.lines)
            _insert(connection, billing.Payment, rows.payments)
            _insert(connection, billing.PaymentAllocation, rows.allocations)
            _insert(connection, billing.InvoiceCounter, [{"year": year, "last_number": last}
                                                         for year, last in rows.numbers.items()])
        return rows.seeded
    finally:
        cards_engine.dispose()
        billing_engine.dispose()


def _insert(connection, model, rows: list[dict]) -> None:
    if rows:
        connection.execute(insert(model.__table__), rows)  # executemany: batched multi-row INSERTs


def _reference(connection) -> dict:
    """The demo trainer as cards knows it (from auth's events) and the reference lists shipped by migration."""
    trainer = connection.execute(select(cards.Trainer.user_id, cards.Trainer.card_number, cards.Trainer.first_name,
                                        cards.Trainer.last_name, cards.Trainer.email)
                                 .where(cards.Trainer.card_number.is_not(None))).first()
    if trainer is None:
        raise RuntimeError("cards has no trainer yet: auth's events about the demo accounts have not landed")
    activities = connection.execute(select(cards.Activity.code, cards.Activity.label)
                                    .where(cards.Activity.active)).all()
    return {"trainer": trainer._asdict(),
            "activities": [tuple(row) for row in activities],
            "organization_types": connection.scalars(select(cards.OrganizationType.code)
                                                     .where(cards.OrganizationType.active,
                                                            cards.OrganizationType.requires_institution.is_(False)))
            .all(),
            "titles": connection.scalars(select(cards.Title.code).where(cards.Title.active)).all()}


class _Rows:
    """The rows of every table, built request by request."""

    def __init__(self, reference: dict, rng: random.Random, period: Period):
        self.reference, self.rng = reference, rng
        self.start = montreal_midnight_utc(period.month_starts[0])
        self.now = datetime.now(self.start.tzinfo) - timedelta(minutes=5)
        self.card_minimum = Decimal(DEFAULT_CARD_MINIMUM)
        self.sessions, self.participants, self.invoices, self.lines = [], [], [], []
        self.payments, self.allocations = [], []
        self.numbers: dict[int, int] = {}
        self.seeded = Seeded()

    def add_request(self) -> None:
        rng, trainer = self.rng, self.reference["trainer"]
        submitted = self.start + (self.now - self.start) * rng.random()
        created = submitted - timedelta(days=rng.randint(0, 10), minutes=rng.randint(1, 600))
        session_id = str(uuid.uuid4())
        count = rng.choice((1, 1, 2, 3, 4, 4, 5, 6, 8, 10, 12))
        price = quote(count, UNIT_PRICE, self.card_minimum)
        method = rng.choice(PAYMENT_METHODS if price.credit_card_allowed else PAYMENT_METHODS[1:])
        code, label = rng.choice(self.reference["activities"])
        organization = f"CISSS de la région {rng.randint(1, 40)}"
        end_date = (submitted - timedelta(days=rng.randint(1, 20))).date()
        session = {
            "id": session_id, "status": statuses.INVOICED, "trainer_user_id": trainer["user_id"],
            "trainer_card_number": trainer["card_number"], "trainer_first_name": trainer["first_name"],
            "trainer_last_name": trainer["last_name"], "trainer_email": trainer["email"], "language": "fr",
            "second_card_number": None, "second_first_name": None, "second_last_name": None,
            "organization_type": rng.choice(self.reference["organization_types"]),
            "organization_name": organization, "organization_key": fold(organization), "institution_id": None,
            "location": "Hôpital régional", "activity_code": code, "end_date": end_date,
            "delivery_address": "1000, rue Sherbrooke Ouest", "delivery_city": "Montréal",
            "delivery_postal_code": "H2X 1Y4", "delivery_attention": "Service de santé et sécurité",
            "delivery_email": "sst.bench@example.org", "payment_method": method, "billed_to": "organization",
            "unit_price": price.unit_price, "invoice_voided_at": None, "created_at": created,
            "updated_at": submitted, "submitted_at": submitted, "invoiced_at": submitted + timedelta(seconds=2),
            "paid_at": None, "shipped_at": None, "cancelled_at": None, "cancel_reason": None}
        self._participants(session_id, count, created)
        invoice = self._invoice(session, price.total, count, label)
        self._life(session, invoice)
        self.sessions.append(session)
        self.seeded.requests += 1
        self.seeded.cards += count
        self.seeded.by_status[session["status"]] = self.seeded.by_status.get(session["status"], 0) + 1

    def _participants(self, session_id: str, count: int, created: datetime) -> None:
        for index in range(count):
            first, last = f"Josée{len(self.participants) + index}", self.rng.choice(("Tremblay", "Gagnon", "Roy"))
            self.participants.append({
                "id": str(uuid.uuid4()), "session_id": session_id, "title": self.rng.choice(self.reference["titles"]),
                "first_name": first, "last_name": last, "person_key": person_key(first, last),
                "last_name_key": fold(last), "birth_date": None, "phone": "(514) 555-0199", "phone_ext": None,
                "created_at": created, "updated_at": created, "anonymized_at": None})

    def _invoice(self, session: dict, total: Decimal, count: int, activity_label: str) -> dict:
        issued = session["invoiced_at"]
        year = local_day(issued).year
        self.numbers[year] = self.numbers.get(year, 0) + 1
        invoice_id = str(uuid.uuid4())
        trainer = self.reference["trainer"]
        lines = card_lines(count, session["unit_price"], activity_label, session["end_date"].isoformat(),
                           session["organization_name"])
        self.lines += [{"invoice_id": invoice_id, "position": index, "description": line.description,
                        "quantity": line.quantity, "unit_price": line.unit_price, "amount": line.amount}
                       for index, line in enumerate(lines, 1)]
        invoice = {
            "id": invoice_id, "number": format_invoice_number(year, self.numbers[year]),
            "session_id": session["id"], "owner_user_id": trainer["user_id"], "status": "open",
            "payment_method": session["payment_method"], "currency": CURRENCY, "total": total,
            "amount_paid": ZERO, "balance": total, "refund_due": ZERO, "card_minimum": self.card_minimum,
            "language": "fr", "trainer": dict(trainer), "organization_name": session["organization_name"],
            "bill_to": {"kind": "organization", "name": session["organization_name"],
                        "attention": session["delivery_attention"], "address": session["delivery_address"],
                        "city": session["delivery_city"], "postal_code": session["delivery_postal_code"],
                        "email": session["delivery_email"]},
            "activity_label": activity_label, "session_end_date": session["end_date"], "issued_at": issued,
            "paid_at": None, "voided_at": None, "session_cancelled_at": None}
        session["invoice_id"], session["invoice_number"] = invoice_id, invoice["number"]
        self.invoices.append(invoice)
        return invoice

    def _life(self, session: dict, invoice: dict) -> None:
        """Cancelled (its invoice voided), or paid some days later and then perhaps shipped, or still unpaid."""
        rng, submitted = self.rng, session["submitted_at"]
        age_days = (self.now - submitted).days
        if rng.random() < CANCELLED_SHARE:
            cancelled = min(self.now, submitted + timedelta(hours=rng.randint(1, 72)))
            session.update(status=statuses.CANCELLED, cancelled_at=cancelled, updated_at=cancelled,
                           cancel_reason="Session reportée", invoice_voided_at=cancelled)
            invoice.update(status="void", balance=ZERO, voided_at=cancelled, session_cancelled_at=cancelled)
            return
        if age_days < 1 or rng.random() > (0.35 if age_days < 30 else 0.75 if age_days < 90 else 0.93):
            self.seeded.open_invoices += 1
            self.seeded.open_balance += invoice["total"]
            return
        paid = min(self.now, submitted + timedelta(days=rng.randint(1, min(age_days, 45)), hours=rng.random() * 8))
        session.update(status=statuses.PAID, paid_at=paid, updated_at=paid)
        invoice.update(status="paid", amount_paid=invoice["total"], balance=ZERO, paid_at=paid)
        self._payment(invoice, session["payment_method"], paid)
        shipped = paid + timedelta(days=rng.randint(1, 6), hours=rng.random() * 8)
        if shipped < self.now and rng.random() < 0.9:
            session.update(status=statuses.SHIPPED, shipped_at=shipped, updated_at=shipped)

    def _payment(self, invoice: dict, method: str, paid: datetime) -> None:
        payment_id = str(uuid.uuid4())
        by_card = method == "credit_card"
        self.payments.append({
            "id": payment_id, "method": method, "amount": invoice["total"], "currency": CURRENCY,
            "reference": None if by_card else f"{'CHQ' if method == 'cheque' else 'DEP'}-{len(self.payments) + 1}",
            "received_on": local_day(paid), "card_brand": "visa" if by_card else None,
            "card_last4": "4242" if by_card else None, "provider": "simulated" if by_card else None,
            "provider_charge_id": f"ch_bench_{payment_id}" if by_card else None,
            "recorded_by": invoice["owner_user_id"] if by_card else "staff-bench", "created_at": paid})
        self.allocations.append({"payment_id": payment_id, "invoice_id": invoice["id"], "amount": invoice["total"]})
        self.seeded.payments += 1
        self.seeded.paid += invoice["total"]
