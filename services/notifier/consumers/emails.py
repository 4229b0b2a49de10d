"""One function per email the platform sends, each staging a pending message (see ``recording``)."""
from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope
from services.notifier.config import NotifierSettings
from services.notifier.consumers.directory import find_recipient, remember_user
from services.notifier.consumers.recording import Attachment, Secret, record_message
from services.notifier.domain.portals import CARDS, PRODUCTIONS, user_portal
from services.notifier.secret_box import SecretBox


class EmailHandlers:
    def __init__(self, settings: NotifierSettings, box: SecretBox):
        self.settings = settings
        self.box = box

    def _common(self, portal: str) -> dict:
        return {"portal": portal, "site_url": self.settings.public_base_url,
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
                           context={**self._common(PRODUCTIONS), **self._person(payload), "email": payload["email"]})

    def user_updated(self, session: Session, event: Envelope) -> None:
        remember_user(session, event)

    def trainer_created(self, session: Session, event: Envelope) -> None:
        """C1: username and the first temporary password."""
        payload = event.payload
        remember_user(session, event)
        record_message(session, event, template="trainer_account_created", portal=CARDS,
                       language=payload.get("language"), to_address=payload["email"], to_name=_full_name(payload),
                       box=self.box, secret=_secret(payload),
                       context={**self._common(CARDS), **self._person(payload),
                                "username": payload.get("username") or payload.get("card_number") or "",
                                "expires_at": payload["expires_at"]})

    def password_reset_requested(self, session: Session, event: Envelope) -> None:
        """C2 (trainers: username) and P2 (members: email), with a one-time temporary password."""
        payload = event.payload
        remember_user(session, event)
        portal = user_portal(payload.get("roles") or [])
        login = (payload.get("username") or payload["email"]) if portal == CARDS else payload["email"]
        record_message(session, event, template="password_reset", portal=portal, language=payload.get("language"),
                       to_address=payload["email"], to_name=_full_name(payload), box=self.box,
                       secret=_secret(payload),
                       context={**self._common(portal), **self._person(payload), "login": login,
                                "expires_at": payload["expires_at"]})

    # billing ---------------------------------------------------------------------------------------
    def invoice_issued(self, session: Session, event: Envelope) -> None:
        """C10: the invoice PDF attached, and how to pay for the chosen method."""
        payload = event.payload
        language = payload.get("language")
        try:
            pdf = base64.b64decode(payload["pdf_base64"], validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError(f"invoice {payload['number']}: pdf_base64 is not base64") from error
        stem = "invoice" if language == "en" else "facture"
        record_message(session, event, template="invoice_issued", portal=CARDS, language=language,
                       to_address=payload["email"], to_name=payload["name"], box=self.box,
                       attachment=Attachment(f"{stem}-{_safe(payload['number'])}.pdf", "application/pdf", pdf),
                       context={**self._common(CARDS), "name": payload["name"], "number": payload["number"],
                                "invoice_id": payload["invoice_id"], "total": payload["total"],
                                "balance": payload["balance"], "currency": payload["currency"],
                                "payment_method": payload["payment_method"], "pay_url": payload.get("pay_url"),
                                "cheque_payable_to": self.settings.cheque_payable_to,
                                "cheque_address": self.settings.cheque_address,
                                "bank_details": self.settings.bank_details})

    def payment_received(self, session: Session, event: Envelope) -> None:
        payload = event.payload
        record_message(session, event, template="payment_received", portal=CARDS, language=payload.get("language"),
                       to_address=payload["email"], to_name=payload["name"], box=self.box,
                       context={**self._common(CARDS), "name": payload["name"], "number": payload["number"],
                                "amount": payload["amount"], "balance": payload["balance"],
                                "currency": payload["currency"], "method": payload["method"],
                                "balance_is_zero": Decimal(payload["balance"]) == 0})

    # cards -----------------------------------------------------------------------------------------
    def session_shipped(self, session: Session, event: Envelope) -> None:
        """C11."""
        payload = event.payload
        record_message(session, event, template="cards_shipped", portal=CARDS, language=payload.get("language"),
                       to_address=payload["email"], to_name=_full_name(payload), box=self.box,
                       context={**self._common(CARDS), **self._person(payload),
                                "session_id": payload["session_id"], "participant_count": payload["participant_count"],
                                "shipped_at": payload["shipped_at"]})

    # productions (the events name a user id: the directory gives the address) ----------------------
    def house_admin_added(self, session: Session, event: Envelope) -> None:
        """P4."""
        payload = event.payload
        person = find_recipient(session, payload["user_id"])
        record_message(session, event, template="house_admin_added", portal=PRODUCTIONS, language=person.language,
                       to_address=person.email, to_name=f"{person.first_name} {person.last_name}", box=self.box,
                       context={**self._common(PRODUCTIONS), "first_name": person.first_name,
                                "last_name": person.last_name, "house_name": payload["house_name"],
                                "house_id": payload["house_id"], "delegate": bool(payload.get("delegate"))})

    def access_granted(self, session: Session, event: Envelope) -> None:
        """P6."""
        payload = event.payload
        person = find_recipient(session, payload["user_id"])
        record_message(session, event, template="access_granted", portal=PRODUCTIONS, language=person.language,
                       to_address=person.email, to_name=f"{person.first_name} {person.last_name}", box=self.box,
                       context={**self._common(PRODUCTIONS), "first_name": person.first_name,
                                "last_name": person.last_name, "sheet_title": payload["sheet_title"],
                                "sheet_id": payload["sheet_id"]})


def _full_name(payload: dict) -> str:
    return f"{payload['first_name']} {payload['last_name']}".strip()


def _secret(payload: dict) -> Secret:
    return Secret(payload["temporary_password"], datetime.fromisoformat(payload["expires_at"]))


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:80]
