"""The notifier's routing table.

The notifier consumes every event type of the catalogue with ONE consumer (queue ``notifier``), because
any type may be subscribed by a webhook (X9). Each handler runs inside the consumer's transaction with the
inbox row and does two things, atomically:
  1. the email(s) of that type, if any (``EMAIL_HANDLERS``, one line per type), as pending messages;
  2. the webhook fan-out: one pending delivery per subscription of that type.
Sending happens later in the worker's delivery loops, never inside the transaction.
"""
from __future__ import annotations

from chassis import account_status
from chassis.bus.handlers import Handler, HandlerTable
from chassis.events.registry import catalogue_types
from chassis.privacy_export import PART_SUFFIX, REQUEST_TYPES
from services.notifier.config import NotifierSettings, load_config
from services.notifier.consumers.data_exports import ExportHandlers
from services.notifier.consumers.emails import EmailHandlers
from services.notifier.consumers.privacy import privacy_handlers
from services.notifier.domain.secret_box import SecretBox
from services.notifier.operations.webhook_fanout import fan_out_to_webhooks


def email_handlers(settings: NotifierSettings, box: SecretBox | None = None) -> HandlerTable:
    emails = EmailHandlers(settings, box or SecretBox(settings))
    return {
        **export_handlers(emails),                                         # data exports (Law 25): the ZIP's link
        "auth.user_registered": emails.user_registered,                    # directory + P1 welcome (members)
        "auth.user_updated": emails.user_updated,                          # directory
        "auth.trainer_created": emails.trainer_created,                    # C1
        "auth.password_reset_requested": emails.password_reset_requested,  # C2, P2
        "auth.email_change_requested": emails.email_change_requested,      # confirm (new) + notice (old address)
        "billing.invoice_issued": emails.invoice_issued,                   # C10
        "billing.payment_received": emails.payment_received,
        "cards.session_shipped": emails.session_shipped,                   # C11
        "productions.house_admin_added": emails.house_admin_added,         # P4
        "productions.access_granted": emails.access_granted,               # P6
        **privacy_handlers(emails),  # Law 25: dormant account warning; anonymized account scrubbed
    }


def export_handlers(emails: EmailHandlers) -> HandlerTable:
    """The two requests open an export; every service's part fills it (no webhook receives any of them)."""
    exports = ExportHandlers(emails)
    parts = [event_type for event_type, _version in catalogue_types() if event_type.endswith(PART_SUFFIX)]
    return {**{event_type: exports.export_requested for event_type in REQUEST_TYPES},
            **{event_type: exports.part_received for event_type in parts}}


def _with_fanout(email_handler: Handler | None) -> Handler:
    status_handler = account_status.HANDLERS.get  # the notifier's API refuses disabled accounts too

    def handle(session, event):
        if (record_status := status_handler(event.type)) is not None:
            record_status(session, event)
        if email_handler is not None:
            email_handler(session, event)
        fan_out_to_webhooks(session, event)
    handle.__name__ = getattr(email_handler, "__name__", "webhooks_only")
    return handle


def build_handlers(settings: NotifierSettings, box: SecretBox | None = None) -> HandlerTable:
    """Every catalogue type -> (its email handler, if any) + webhook fan-out."""
    emails = email_handlers(settings, box)
    types = {event_type for event_type, _version in catalogue_types()} | set(emails)
    return {event_type: _with_fanout(emails.get(event_type)) for event_type in sorted(types)}


HANDLERS: HandlerTable = build_handlers(NotifierSettings.from_config(load_config()))
