"""One function per email the platform sends, each staging a pending message (see ``recording``)."""
from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from chassis.i18n import _, speaking
from services.notifier.config import NotifierSettings
from services.notifier.consumers.directory import find_recipient, remember_user
from services.notifier.domain.links import Links
from services.notifier.domain.mail_templates import CATALOGUE, language_of
from services.notifier.domain.portals import CARDS, PRODUCTIONS, user_portal
from services.notifier.domain.secret_box import SecretBox
from services.notifier.operations.messages import Attachment, Secret, record_message


class EmailHandlers:
    def __init__(self, settings: NotifierSettings, box: SecretBox):
        self.settings = settings
        self.box = box
        self.links = Links(settings.public_base_url)

    def common(self, portal: str) -> dict:
        """What every email shows: its portal's name and footer, and ``site_url``, the login page of
        that portal (ASSTSAS at the root, AQPM under /aqpm/), never the other portal's."""
        return {"portal": portal, "site_url": self.links.home(portal),
                "support_phone": self.settings.support_phone, "support_email": self.settings.support_email}

    def _person(self, payload: dict) -> dict:
        return {"first_name": payload["first_name"], "last_name": payload["last_name"]}

    # auth ------------------------------------------------------------------------------------------
    def user_registered(self, session: Session, event: Envelope) -> None:
        """Directory, and the member's welcome email (P1)."""
        payload = event.payload
        remember_user(session, event)
        if "member" in (payload.get("roles") or []):
            record_message(session, event, template="member_welcome", portal=PRODUCTIONS,
                           language=payload.get("language"), to_address=payload["email"],
                           to_name=_full_name(payload), box=self.box,
                           context={**self.common(PRODUCTIONS), **self._person(payload), "email": payload["email"]})

    def user_updated(self, session: Session, event: Envelope) -> None:
        remember_user(session, event)

    def trainer_created(self, session: Session, event: Envelope) -> None:
        """C1: username and the first temporary password."""
        payload = event.payload
        remember_user(session, event)
        record_message(session, event, template="trainer_account_created", portal=CARDS,
                       language=payload.get("language"), to_address=payload["email"], to_name=_full_name(payload),
                       box=self.box, secret=_secret(payload),
                       context={**self.common(CARDS), **self._person(payload),
                                "username": payload.get("username") or payload.get("card_number") or "",
                                "expires_at": payload["expires_at"]})

    def password_reset_requested(self, session: Session, event: Envelope) -> None:
        """C2 (trainers: username) and P2 (members: email), with a one-time temporary password.
        The portal is the account's (by its roles: every account belongs to one portal), so the
        email's branding, footer and login link are those of the portal the person uses."""
        payload = event.payload
        remember_user(session, event)
        portal = user_portal(payload.get("roles") or [])
        login = (payload.get("username") or payload["email"]) if portal == CARDS else payload["email"]
        record_message(session, event, template="password_reset", portal=portal, language=payload.get("language"),
                       to_address=payload["email"], to_name=_full_name(payload), box=self.box,
                       secret=_secret(payload),
                       context={**self.common(portal), **self._person(payload), "login": login,
                                "expires_at": payload["expires_at"],
                                "password_revoked": bool(payload.get("password_revoked"))})

    def email_change_requested(self, session: Session, event: Envelope) -> None:
        """Issue 17, 2: the new address gets the single-use confirmation link; the old one (still the
        login) is told at once, with the single-use "this was not me" link. Each link's token is the
        message's sealed secret, like a temporary password: never in the stored context or the log."""
        payload = event.payload
        portal = user_portal(payload.get("roles") or [])
        common = {**self.common(portal), **self._person(payload), "new_email": payload["new_email"]}
        record_message(session, event, template="email_change_confirm", portal=portal,
                       language=payload.get("language"), to_address=payload["new_email"],
                       to_name=_full_name(payload), box=self.box,
                       secret=Secret(payload["confirmation_token"], datetime.fromisoformat(payload["expires_at"])),
                       context={**common, "expires_at": payload["expires_at"],
                                "confirm_url": self.links.email_change_confirm(portal)})
        record_message(session, event, template="email_change_notice", portal=portal,
                       language=payload.get("language"), to_address=payload["email"],
                       to_name=_full_name(payload), box=self.box,
                       secret=Secret(payload["cancellation_token"],
                                     datetime.fromisoformat(payload["cancel_expires_at"])),
                       context={**common, "cancel_expires_at": payload["cancel_expires_at"],
                                "cancel_url": self.links.email_change_cancel(portal)})

    # billing ---------------------------------------------------------------------------------------
    def invoice_issued(self, session: Session, event: Envelope) -> None:
        """C10: the invoice PDF attached, and how to pay for the chosen method."""
        payload = event.payload
        language = payload.get("language")
        try:
            pdf = base64.b64decode(payload["pdf_base64"], validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError(f"invoice {payload['number']}: pdf_base64 is not base64") from error
        with speaking(language_of(language), CATALOGUE):  # the attachment's name in the email's language
            stem = _("facture")
        record_message(session, event, template="invoice_issued", portal=CARDS, language=language,
                       to_address=payload["email"], to_name=payload["name"], box=self.box,
                       attachment=Attachment(f"{stem}-{_safe(payload['number'])}.pdf", "application/pdf", pdf),
                       context={**self.common(CARDS), "name": payload["name"], "number": payload["number"],
                                "invoice_id": payload["invoice_id"], "total": payload["total"],
                                "balance": payload["balance"], "currency": payload["currency"],
                                "balance_is_zero": Decimal(payload["balance"]) <= 0,
                                "payment_method": payload["payment_method"], "pay_url": payload.get("pay_url"),
                                "invoice_url": self.links.invoice(payload["invoice_id"]),
                                **self._payment_instructions(payload)})

    def _payment_instructions(self, payload: dict) -> dict:
        """What the attached PDF prints under "Comment payer", as billing sent it; the notifier's own
        settings only for an event from before billing sent them."""
        bank_lines = payload.get("bank_details")
        if bank_lines is None:
            bank_lines = [self.settings.bank_details] if self.settings.bank_details else []
        address = payload.get("cheque_address")
        return {"bank_lines": list(bank_lines),
                "cheque_payable_to": payload.get("cheque_payable_to") or self.settings.cheque_payable_to,
                "cheque_address": ", ".join(address) if address else self.settings.cheque_address}

    def payment_received(self, session: Session, event: Envelope) -> None:
        payload = event.payload
        record_message(session, event, template="payment_received", portal=CARDS, language=payload.get("language"),
                       to_address=payload["email"], to_name=payload["name"], box=self.box,
                       context={**self.common(CARDS), "name": payload["name"], "number": payload["number"],
                                "amount": payload["amount"], "balance": payload["balance"],
                                "currency": payload["currency"], "method": payload["method"],
                                "balance_is_zero": Decimal(payload["balance"]) == 0})

    # cards -----------------------------------------------------------------------------------------
    def session_shipped(self, session: Session, event: Envelope) -> None:
        """C11."""
        payload = event.payload
        language = payload.get("language")
        delivery = payload.get("delivery") or {}
        activity = (payload.get("activity_label_en") if language == "en" else None) or payload.get("activity_label")
        record_message(session, event, template="cards_shipped", portal=CARDS, language=language,
                       to_address=payload["email"], to_name=_full_name(payload), box=self.box,
                       context={**self.common(CARDS), **self._person(payload),
                                "session_id": payload["session_id"], "participant_count": payload["participant_count"],
                                "shipped_at": payload["shipped_at"],
                                "session_url": self.links.session(payload["session_id"]),
                                # which request (older events do not say: the email then gives the link only)
                                "organization_name": payload.get("organization_name"), "activity": activity,
                                "location": payload.get("location"), "end_date": _iso(payload.get("end_date")),
                                "invoice_number": payload.get("invoice_number"),
                                "delivery_lines": _address_lines(delivery)})

    # productions (the events name a user id: the directory gives the address) ----------------------
    def house_admin_added(self, session: Session, event: Envelope) -> None:
        """P4."""
        payload = event.payload
        self._to_productions_user(session, event, "house_admin_added", house_name=payload["house_name"],
                                  house_id=payload["house_id"], delegate=bool(payload.get("delegate")),
                                  house_url=self.links.house(payload["house_id"]))

    def access_granted(self, session: Session, event: Envelope) -> None:
        """P6."""
        payload = event.payload
        self._to_productions_user(session, event, "access_granted", sheet_title=payload["sheet_title"],
                                  sheet_id=payload["sheet_id"], sheet_url=self.links.sheet(payload["sheet_id"]))

    def _to_productions_user(self, session: Session, event: Envelope, template: str, **context) -> None:
        person = find_recipient(session, event.payload["user_id"])
        record_message(session, event, template=template, portal=PRODUCTIONS, language=person.language,
                       to_address=person.email, to_name=f"{person.first_name} {person.last_name}", box=self.box,
                       context={**self.common(PRODUCTIONS), "first_name": person.first_name,
                                "last_name": person.last_name, **context})

def _full_name(payload: dict) -> str:
    return f"{payload['first_name']} {payload['last_name']}".strip()


def _iso(value) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _address_lines(delivery: dict) -> list[str]:
    city = " ".join(part for part in (delivery.get("city"), delivery.get("postal_code")) if part)
    return [line for line in (delivery.get("attention"), delivery.get("address"), city) if line]


def _secret(payload: dict) -> Secret:
    return Secret(payload["temporary_password"], datetime.fromisoformat(payload["expires_at"]))


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:80]
