"""The billing worker's routing table: event type -> handler."""
from chassis.bus.handlers import HandlerTable
from services.billing.consumers.sessions import on_session_cancelled, on_session_submitted

HANDLERS: HandlerTable = {
    "cards.session_submitted": on_session_submitted,
    "cards.session_cancelled": on_session_cancelled,
}
