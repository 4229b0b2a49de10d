"""The events the cards service consumes, and who handles each."""
from chassis import account_status
from chassis.bus.handlers import HandlerTable
from services.cards.consumers import data_export
from services.cards.consumers.billing import on_invoice_issued, on_invoice_paid, on_invoice_voided
from services.cards.consumers.trainers import on_user_event

HANDLERS: HandlerTable = {
    **account_status.HANDLERS,  # auth.user_disabled / auth.user_enabled: this service refuses their tokens
    "auth.user_registered": on_user_event,
    "auth.user_updated": on_user_event,
    "billing.invoice_issued": on_invoice_issued,
    "billing.invoice_paid": on_invoice_paid,
    "billing.invoice_voided": on_invoice_voided,
    **data_export.HANDLERS,  # its part of a person's data export (Law 25)
}
