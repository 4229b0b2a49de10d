"""Law 25 in the notifier: the dormant account's warning email, and an anonymized account's traces here.

``auth.account_dormancy_warned``: the member is told (in their language) that the account will be anonymized
after ``anonymize_after`` unless they log in. ``auth.account_anonymized``: the recipient directory's entry and
every email sent (or waiting) to the person's address lose the address and names for the pseudonym (an email
not sent yet is given up), webhook deliveries' stored bodies lose the address, and the person's data exports
(their ZIP) are erased. The notifier keeps no audit table: its log line ``account_anonymized`` (with the
counts, never the address) is the trace, beside the audit entries of auth and productions.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chassis.bus.handlers import HandlerTable
from chassis.events.envelope import Envelope
from chassis.events.registry import validate_payload
from chassis.logging import get_logger
from services.notifier.consumers.directory import remember_user
from services.notifier.consumers.emails import EmailHandlers
from services.notifier.db.models import Message, Recipient, WebhookDelivery
from services.notifier.domain.portals import PRODUCTIONS
from services.notifier.operations import data_exports
from services.notifier.operations.messages import FAILED, PENDING, record_message

EMAIL_DOMAIN = "anonymized.invalid"
GIVEN_UP = "recipient anonymized (Law 25)"


def privacy_handlers(emails: EmailHandlers) -> HandlerTable:
    def dormancy_warned(session: Session, event: Envelope) -> None:
        payload = event.payload
        remember_user(session, event)
        record_message(session, event, template="account_dormancy_warning", portal=PRODUCTIONS,
                       language=payload.get("language"), to_address=payload["email"],
                       to_name=f"{payload['first_name']} {payload['last_name']}".strip(), box=emails.box,
                       context={**emails.common(PRODUCTIONS), "first_name": payload["first_name"],
                                "last_name": payload["last_name"], "email": payload["email"],
                                "last_active_at": payload["last_active_at"],
                                "anonymize_after": payload["anonymize_after"]})

    return {"auth.account_dormancy_warned": dormancy_warned, "auth.account_anonymized": on_account_anonymized}


def on_account_anonymized(session: Session, event: Envelope) -> None:
    payload = validate_payload(event.type, event.version, event.payload)
    pseudonym = payload["pseudonym"]
    address = f"{pseudonym}@{EMAIL_DOMAIN}"
    recipient = session.get(Recipient, payload["user_id"], with_for_update=True)
    if recipient is None:
        return
    old_address, messages, deliveries = recipient.email, 0, 0
    for message in session.scalars(select(Message).where(func.lower(Message.to_address) == old_address.lower())):
        if message.status == PENDING:
            message.status, message.last_error = FAILED, GIVEN_UP
        message.to_address, message.to_name, message.subject = address, pseudonym, message.template
        message.context, message.secret_ciphertext, message.attachment_data = {}, None, None
        messages += 1
    for delivery in session.scalars(select(WebhookDelivery).where(WebhookDelivery.body.contains(old_address))):
        delivery.body = delivery.body.replace(old_address, address)
        deliveries += 1
    recipient.email, recipient.first_name, recipient.last_name = address, "", pseudonym
    recipient.username = recipient.card_number = None
    exports = data_exports.forget_recipient(session, payload["user_id"])
    get_logger("notifier").info("account_anonymized", user_id=payload["user_id"], pseudonym=pseudonym,
                                reason=payload["reason"], messages=messages, webhook_deliveries=deliveries,
                                data_exports=exports)
