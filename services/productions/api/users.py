"""Type-ahead over the users read model, for administrators naming an administrator or giving access."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from chassis.errors import Forbidden
from chassis.i18n import _
from services.productions.api.context import caller, database
from services.productions.api.listing import aqpm_list
from services.productions.api.schemas import UserOut, UserSearchQuery
from services.productions.db.models import KnownUser
from services.productions.domain.names import comparison_key
from services.productions.operations.lookups import administers_any_house, is_staff

blp = Blueprint("users", __name__, description="Registered users (P4, P6)")


@aqpm_list(blp, "/users", UserSearchQuery, UserOut, "UserList")
def search_users(query):
    """Registered AQPM users whose names or email contain every word of ``q`` (accents and case ignored).

    For house administrators and staff only; an unregistered person never appears (P4)."""
    principal = caller()
    with database().reading() as session:
        if not (is_staff(principal) or administers_any_house(session, principal.user_id)):
            raise Forbidden(_("Réservé aux administrateurs de maisons."))
        words = comparison_key(query["q"]).split()[:5]
        rows = session.scalars(select(KnownUser)
                               .where(KnownUser.nameable.is_(True),
                                      *[KnownUser.search_key.contains(word, autoescape=True) for word in words])
                               .order_by(KnownUser.last_name, KnownUser.first_name, KnownUser.id)
                               .limit(query["limit"])).all()
        items = [{"id": u.id, "first_name": u.first_name, "last_name": u.last_name, "email": u.email}
                 for u in rows]
        return {"items": items, "total": len(items)}
