"""Rows -> the JSON shapes of the contract."""
from __future__ import annotations

from sqlalchemy import Row

from chassis.i18n import _
from services.cards.api.context import settings
from services.cards.db.models import Attestation, AuditEntry, CardSession, Participant, participant_count
from services.cards.domain import statuses
from services.cards.domain.pricing import quote


def trainer_block(s: CardSession) -> dict:
    return {"user_id": s.trainer_user_id, "card_number": s.trainer_card_number, "first_name": s.trainer_first_name,
            "last_name": s.trainer_last_name, "email": s.trainer_email}


def second_trainer_block(s: CardSession) -> dict | None:
    if not s.second_card_number:
        return None
    return {"card_number": s.second_card_number, "first_name": s.second_first_name, "last_name": s.second_last_name}


def delivery_block(s: CardSession) -> dict:
    return {"address": s.delivery_address, "city": s.delivery_city, "postal_code": s.delivery_postal_code,
            "attention": s.delivery_attention, "email": s.delivery_email}


def session_view(s: CardSession | Row) -> dict:
    """A request, from its entity (after a write) or from a row of ``access.session_rows`` (a read)."""
    count = participant_count(s)
    return {
        "id": s.id, "status": s.status, "status_label": _(statuses.LABELS[s.status]),
        "trainer": trainer_block(s), "second_trainer": second_trainer_block(s),
        "organization_type": s.organization_type, "organization_type_label": s.organization_type_label,
        "organization_name": s.organization_name, "institution_id": s.institution_id, "location": s.location,
        "activity_code": s.activity_code, "activity_label": s.activity_label, "end_date": s.end_date,
        "participant_count": count, "delivery": delivery_block(s),
        "payment_method": s.payment_method, "billed_to": s.billed_to,
        "quote": quote(count, s.unit_price, settings().card_minimum).to_dict(),
        "invoice": ({"id": s.invoice_id, "number": s.invoice_number, "voided": s.invoice_voided_at is not None}
                    if s.invoice_id else None),
        "created_at": s.created_at, "updated_at": s.updated_at, "submitted_at": s.submitted_at,
        "invoiced_at": s.invoiced_at, "paid_at": s.paid_at, "shipped_at": s.shipped_at,
        "cancelled_at": s.cancelled_at,
    }


def attestation_ref(a: Attestation) -> dict:
    return {"code": a.code, "status": a.status, "issued_at": a.issued_at, "revoked_at": a.revoked_at,
            "replaced_by": a.replaced_by}


def participant_view(p: Participant) -> dict:
    return {"id": p.id, "session_id": p.session_id, "title": p.title, "first_name": p.first_name,
            "last_name": p.last_name, "birth_date": p.birth_date, "phone": p.phone, "phone_ext": p.phone_ext,
            "attestations": [attestation_ref(a) for a in p.attestations]}


def participant_found_view(p: Participant) -> dict:
    s = p.session
    return {**participant_view(p), "session": {
        "id": s.id, "status": s.status, "end_date": s.end_date, "activity_code": s.activity_code,
        "activity_label": s.activity.label, "organization_name": s.organization_name, "trainer": trainer_block(s)}}


def full_name(p: Participant) -> str:
    return f"{p.first_name} {p.last_name}"


def attestation_view(a: Attestation, verification_url: str) -> dict:
    return {**attestation_ref(a), "participant_id": a.participant_id, "session_id": a.session_id,
            "name": full_name(a.participant), "verification_url": verification_url}


def verification_view(a: Attestation) -> dict:
    s = a.session
    return {"code": a.code, "status": a.status, "name": full_name(a.participant), "activity": s.activity.label,
            "activity_en": s.activity.label_en, "date": s.end_date,
            "trainer": f"{s.trainer_first_name} {s.trainer_last_name}"}


def audit_view(entry: AuditEntry) -> dict:
    return {"id": entry.id, "at": entry.at, "actor_id": entry.actor_id, "action": entry.action,
            "session_id": entry.session_id, "details": entry.details or {}}
