"""The session form's three boxes <-> the cards API body (``POST/PATCH /sessions``)."""
from __future__ import annotations

from services.web.forms import trimmed

SECOND_TRAINER = ("second_trainer.card_number", "second_trainer.first_name", "second_trainer.last_name")
DELIVERY = ("delivery.address", "delivery.city", "delivery.postal_code", "delivery.attention", "delivery.email")
SIMPLE = ("trainer_email", "organization_type", "organization_name", "institution_id", "location",
          "activity_code", "end_date")


def form_values(form) -> dict:
    return trimmed(form, *SIMPLE, *SECOND_TRAINER, *DELIVERY)


def values_from_session(session: dict) -> dict:
    """The form pre-filled from an existing session."""
    values = {name: "" if session.get(name) is None else str(session.get(name)) for name in SIMPLE}
    values["trainer_email"] = (session.get("trainer") or {}).get("email", "")
    for name in SECOND_TRAINER:
        values[name] = (session.get("second_trainer") or {}).get(name.split(".")[1], "") or ""
    for name in DELIVERY:
        values[name] = (session.get("delivery") or {}).get(name.split(".")[1], "") or ""
    return values


def requires_institution(reference: dict, organization_type: str) -> bool:
    for entry in reference.get("organization_types", []):
        if entry.get("code") == organization_type:
            return bool(entry.get("requires_institution"))
    return False


def api_body(values: dict, reference: dict) -> dict:
    """The JSON the cards API expects; blanks become absent (or null for the optional parts)."""
    def blank_to_none(value):
        return value if value else None

    second = {name.split(".")[1]: values[name] for name in SECOND_TRAINER}
    body = {
        # sent as typed, even emptied: the API then says it is required (never silently the profile's)
        "trainer_email": values["trainer_email"],
        "organization_type": values["organization_type"],
        "location": values["location"],
        "activity_code": values["activity_code"],
        "end_date": blank_to_none(values["end_date"]),
        "second_trainer": second if any(second.values()) else None,
        "delivery": {name.split(".")[1]: values[name] for name in DELIVERY},
    }
    if requires_institution(reference, values["organization_type"]):
        institution = values["institution_id"]
        body["institution_id"] = int(institution) if institution.isdigit() else None
        body["organization_name"] = None
    else:
        body["organization_name"] = blank_to_none(values["organization_name"])
        body["institution_id"] = None
    return body
