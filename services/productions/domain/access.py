"""Who may do what with a house or a production sheet; decided on facts, not on queries."""
from __future__ import annotations

from dataclasses import dataclass

MEMBER = "member"
STAFF = "productions_staff"
AQPM_ROLES = (MEMBER, STAFF)  # the portal's two roles: every view needs one of them


@dataclass(frozen=True)
class SheetRelation:
    """What the caller is to one sheet."""
    is_staff: bool
    is_house_admin: bool
    has_access: bool

    @property
    def can_see(self) -> bool:
        return self.is_staff or self.is_house_admin or self.has_access

    @property
    def can_manage(self) -> bool:
        """Edit the sheet and manage who has access: the house's administrators, and AQPM staff."""
        return self.is_staff or self.is_house_admin

    @property
    def can_go_to_set(self) -> bool:
        """P6/P7: only the people authorized on this production, and the house's administrators."""
        return self.is_house_admin or self.has_access


def can_remove_admin(*, actor_is_staff: bool, target_is_delegate: bool) -> bool:
    """Delegates are administrators by default; only AQPM staff remove them."""
    return actor_is_staff or not target_is_delegate


def can_be_named(roles: list[str]) -> bool:
    """Only AQPM portal accounts (role ``member``) are named administrators or given SET access."""
    return MEMBER in (roles or [])
