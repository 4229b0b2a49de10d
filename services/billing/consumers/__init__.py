"""The billing worker's routing table: event type -> handler."""
from chassis import account_status
from chassis.bus.handlers import HandlerTable
from services.billing.consumers import data_export
from services.billing.consumers.sessions import on_session_cancelled, on_session_submitted

HANDLERS: HandlerTable = {
    **account_status.HANDLERS,  # auth.user_disabled / auth.user_enabled: this service refuses their tokens
    "cards.session_submitted": on_session_submitted,
    "cards.session_cancelled": on_session_cancelled,
    **data_export.HANDLERS,  # its part of a person's data export (Law 25)
}
