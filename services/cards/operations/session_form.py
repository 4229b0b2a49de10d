"""Checking and applying the session form (C4-C6) for a new request or an edit.

All the problems of one submission are gathered and reported together as field errors.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from chassis.errors import ValidationFailed
from chassis.i18n import _
from services.cards.db.models import Activity, CardSession, Institution, OrganizationType
from services.cards.domain.dates import check_end_date, today_in_montreal
from services.cards.domain.formats import FormatError, normalize_card_number, normalize_postal_code
from services.cards.domain.text import fold
from services.cards.operations.reference_data import UNKNOWN, usable

DELIVERY_FIELDS = ("address", "city", "postal_code", "attention", "email")


def apply_session_form(db_session: Session, s: CardSession, data: dict, *, max_age_days: int,
                       today: date | None = None) -> None:
    """Sets on ``s`` every field present in ``data``; raises ValidationFailed with all field errors."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if "trainer_email" in data and data["trainer_email"]:
        s.trainer_email = data["trainer_email"]

    if "second_trainer" in data:
        second = data["second_trainer"]
        if second is None:
            s.second_card_number = s.second_first_name = s.second_last_name = None
        else:
            # an edit may change one field of the second trainer: the others are kept
            merged = {"card_number": s.second_card_number, "first_name": s.second_first_name,
                      "last_name": s.second_last_name, **second}
            for field in ("card_number", "first_name", "last_name"):
                if not merged[field]:
                    fail(f"second_trainer.{field}", _("Champ obligatoire."))
            try:
                s.second_card_number = normalize_card_number(merged["card_number"] or "")
                if s.second_card_number == s.trainer_card_number:
                    fail("second_trainer.card_number", _("Le deuxième formateur doit être une autre personne."))
            except FormatError as error:
                if merged["card_number"]:
                    fail("second_trainer.card_number", str(error))
            s.second_first_name, s.second_last_name = merged["first_name"], merged["last_name"]

    _apply_organization(db_session, s, data, fail)

    if "location" in data:
        s.location = data["location"]
    if "activity_code" in data:
        activity = db_session.get(Activity, data["activity_code"])
        if usable(activity, s.activity_code):
            s.activity_code = activity.code
            s.activity = activity
        else:
            fail("activity_code", UNKNOWN)
    if "end_date" in data:
        try:
            check_end_date(data["end_date"], today or today_in_montreal(), max_age_days)
            s.end_date = data["end_date"]
        except FormatError as error:
            fail("end_date", str(error))

    delivery = data.get("delivery") or {}
    for field in DELIVERY_FIELDS:
        if field not in delivery:
            continue
        value = delivery[field]
        if field == "postal_code":
            try:
                value = normalize_postal_code(value)
            except FormatError as error:
                fail("delivery.postal_code", str(error))
                continue
        setattr(s, f"delivery_{field}", value)

    if errors:
        raise ValidationFailed(fields=errors)


def _apply_organization(db_session: Session, s: CardSession, data: dict, fail) -> None:
    if not {"organization_type", "organization_name", "institution_id"} & set(data):
        return
    type_code = data.get("organization_type", s.organization_type)
    org_type = db_session.get(OrganizationType, type_code) if type_code else None
    if not usable(org_type, s.organization_type):
        fail("organization_type", UNKNOWN)
        return
    s.organization_type, s.organization_type_ref = org_type.code, org_type
    if org_type.requires_institution:
        institution_id = data.get("institution_id", s.institution_id)
        institution = db_session.get(Institution, institution_id) if institution_id is not None else None
        if institution_id is None:
            fail("institution_id", _("Choisissez la maison d'enseignement."))
        elif not usable(institution, s.institution_id, key="id"):
            fail("institution_id", UNKNOWN)
        else:
            s.institution_id, s.institution = institution.id, institution
            s.organization_name = institution.name
    else:
        name = data.get("organization_name") or (s.organization_name if s.institution_id is None else None)
        if not name:
            fail("organization_name", _("Champ obligatoire."))
        else:
            s.institution_id, s.institution = None, None
            s.organization_name = name
    if s.organization_name:
        s.organization_key = fold(s.organization_name)
