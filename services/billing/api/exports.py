"""The accountant's exports (issue 23), for ASSTSAS staff, by period (Montréal months):

- ``GET /exports/invoices.csv``: one line per invoice issued in the period, void ones included (their status says
  it), with its total, what was paid on it, its balance and what is owed back; the TOTAL line sums the four, so it
  equals the invoices' own sums to the cent.
- ``GET /exports/payments.csv``: one line per invoice a payment received in the period paid (a cheque over two
  invoices is two lines, its id on both), the card's last 4 digits at most; the TOTAL line is the money received.

Invoices carry no tax (cards are not taxed), hence no tax column. See ``chassis.csv_export`` for the format.
"""
from __future__ import annotations

from collections.abc import Iterator

from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.csv_cells import with_total
from chassis.csv_export import export_endpoint, streamed
from chassis.i18n import N_, _
from chassis.money import money_text
from chassis.periods import Period, local_day
from services.billing.api import context
from services.billing.db.models import Invoice, Payment, PaymentAllocation
from services.billing.operations.payments import STAFF_ROLE

blp = Blueprint("exports", __name__, description="CSV exports for the accountant (issue 23)")

INVOICE_HEADER = (N_("Facture"), N_("Émise le"), N_("Client"), N_("Formateur"), N_("Organisme"), N_("Activité"),
                  N_("Mode de paiement"), N_("Statut"), N_("Total"), N_("Payé"), N_("Solde"), N_("À rembourser"))
PAYMENT_HEADER = (N_("Reçu le"), N_("Mode de paiement"), N_("Référence"), N_("Carte (4 derniers chiffres)"),
                  N_("Facture"), N_("Montant"), N_("Paiement"))


@export_endpoint(blp, STAFF_ROLE, "invoices")
def invoices_csv(period: Period):
    """Invoices issued in the period, one line each, then the TOTAL of total, paid, balance and refund due"""
    money = [INVOICE_HEADER.index(name) for name in (N_("Total"), N_("Payé"), N_("Solde"), N_("À rembourser"))]
    return [_(name) for name in INVOICE_HEADER], with_total(_invoice_lines(period), len(INVOICE_HEADER),
                                                            amounts=money)


@export_endpoint(blp, STAFF_ROLE, "payments")
def payments_csv(period: Period):
    """Payments received in the period, one line per invoice paid, then the TOTAL received; UTF-8 with BOM"""
    return [_(name) for name in PAYMENT_HEADER], with_total(_payment_lines(period), len(PAYMENT_HEADER),
                                                            amounts=(PAYMENT_HEADER.index(N_("Montant")),))


def _invoice_lines(period: Period) -> Iterator[list]:
    query = (select(Invoice.number, Invoice.issued_at, Invoice.bill_to, Invoice.trainer, Invoice.organization_name,
                    Invoice.activity_label, Invoice.payment_method, Invoice.status, Invoice.total,
                    Invoice.amount_paid, Invoice.balance, Invoice.refund_due)
             .where(period.contains(Invoice.issued_at))
             .order_by(Invoice.issued_at, Invoice.number))
    rows = streamed(context.database(), query)
    for number, issued_at, bill_to, trainer, organization, activity, method, status, *amounts in rows:
        trainer_name = f"{trainer.get('first_name', '')} {trainer.get('last_name', '')}".strip()
        yield [number, local_day(issued_at), (bill_to or {}).get("name", ""), trainer_name, organization, activity,
               method, status, *(money_text(amount) for amount in amounts)]


def _payment_lines(period: Period) -> Iterator[list]:
    query = (select(Payment.received_on, Payment.method, Payment.reference, Payment.card_last4, Invoice.number,
                    PaymentAllocation.amount, Payment.id)
             .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
             .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
             .where(period.contains(Payment.received_on, dates=True))
             .order_by(Payment.received_on, Payment.created_at, PaymentAllocation.id))
    for received_on, method, reference, last4, number, amount, payment_id in streamed(context.database(), query):
        yield [received_on, method, reference, last4, number, money_text(amount), payment_id]
