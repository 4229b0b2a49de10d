"""The two portals' people, by role: what staff may see, and whom the directory shows to whom.

ASSTSAS ("Guichet — Demande de cartes"): trainers and ASSTSAS staff (``cards_staff``).
AQPM: members and AQPM staff (``productions_staff``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.auth.domain import roles as R

ASSTSAS, AQPM = "asstsas", "aqpm"
PORTAL_OF_ROLE = {R.TRAINER: ASSTSAS, R.CARDS_STAFF: ASSTSAS, R.MEMBER: AQPM, R.PRODUCTIONS_STAFF: AQPM}
STAFF_OF_PORTAL = {R.CARDS_STAFF: ASSTSAS, R.PRODUCTIONS_STAFF: AQPM}


@dataclass(frozen=True)
class DirectoryView:
    """What one caller may find in the directory."""
    findable: frozenset[str]      # the portals whose people this caller finds
    full_emails: frozenset[str]   # the portals whose people's full email this caller sees (staff)

    def email_of(self, email: str, roles: Iterable[str] | None) -> str:
        """The full email of the people of ``full_emails``' portals, a masked one for everyone else."""
        return email if portals_of(roles) & self.full_emails else mask_email(email)


def portals_of(roles: Iterable[str] | None) -> set[str]:
    return {PORTAL_OF_ROLE[role] for role in roles or () if role in PORTAL_OF_ROLE}


def staff_portals(roles: Iterable[str] | None) -> set[str]:
    """The portals whose people this caller looks after as staff."""
    return {STAFF_OF_PORTAL[role] for role in roles or () if role in STAFF_OF_PORTAL}


def roles_of(portals: Iterable[str]) -> list[str]:
    """Every role whose holders belong to one of ``portals`` (sorted, for stable queries)."""
    wanted = set(portals)
    return sorted(role for role, portal in PORTAL_OF_ROLE.items() if portal in wanted)


def staff_sees(staff_roles: Iterable[str] | None, person_roles: Iterable[str] | None) -> bool:
    """Staff see the people of their own portal only (the other portal's are "not found" to them)."""
    return bool(staff_portals(staff_roles) & portals_of(person_roles))


def mask_email(email: str) -> str:
    """``marie.tremblay@example.org`` -> ``m•••@example.org``: enough to tell two namesakes apart,
    not an address to write to."""
    local, at, domain = (email or "").partition("@")
    return f"{local[:1]}•••{at}{domain}" if at else "•••"
