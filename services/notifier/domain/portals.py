"""Two organizations share the platform: ASSTSAS (portal "cards") and AQPM (portal "productions").

Staff of one never see the other's emails or events: a message and a webhook belong to a portal, and
an event reaches a webhook only when it concerns that webhook's portal.
"""
from __future__ import annotations

from chassis.privacy_export import is_export_event

CARDS = "cards"
PRODUCTIONS = "productions"

STAFF_ROLE_PORTALS = {"cards_staff": CARDS, "productions_staff": PRODUCTIONS}
STAFF_ROLES = tuple(STAFF_ROLE_PORTALS)
_USER_ROLE_PORTALS = {"trainer": CARDS, "cards_staff": CARDS, "member": PRODUCTIONS, "productions_staff": PRODUCTIONS}
_PRODUCER_PORTALS = {"cards": {CARDS}, "billing": {CARDS}, "productions": {PRODUCTIONS}}


def staff_portals(roles) -> set[str]:
    return {STAFF_ROLE_PORTALS[role] for role in roles if role in STAFF_ROLE_PORTALS}


def user_portal(roles) -> str:
    """The portal a person uses: trainers and ASSTSAS staff -> cards; everyone else (members) -> productions."""
    portals = {_USER_ROLE_PORTALS[role] for role in roles if role in _USER_ROLE_PORTALS}
    return CARDS if CARDS in portals else PRODUCTIONS


def event_portals(event_type: str, payload: dict) -> set[str]:
    """Which portals an event concerns: by producer, and for auth events by the roles of the account. A data
    export's request or part concerns no webhook: it carries a person's data (``chassis.privacy_export``)."""
    if is_export_event(event_type):
        return set()
    producer = event_type.split(".", 1)[0]
    if producer in _PRODUCER_PORTALS:
        return set(_PRODUCER_PORTALS[producer])
    if producer == "auth":
        roles = payload.get("roles") or []
        return {_USER_ROLE_PORTALS[role] for role in roles if role in _USER_ROLE_PORTALS}
    return set()


def producer_allowed(portal: str, event_type: str) -> bool:
    """May a webhook of ``portal`` subscribe to ``event_type``? Auth events are shared (filtered per account);
    a data export's events never leave the platform."""
    if is_export_event(event_type):
        return False
    producer = event_type.split(".", 1)[0]
    return producer == "auth" or portal in _PRODUCER_PORTALS.get(producer, set())
