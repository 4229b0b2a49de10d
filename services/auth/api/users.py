"""The directory (P4, P6) and staff's view of accounts: ``GET /users``, ``GET/PATCH /users/{id}``."""
import functools

from flask import g
from flask_smorest import Blueprint

from chassis.errors import Forbidden, TooManyRequests
from chassis.i18n import N_
from services.auth.api.context import caller, database, settings
from services.auth.api.guards import duplicates_as_conflict, require_user
from services.auth.api.presenters import directory_entry, profile
from services.auth.api.schemas import DirectoryPageSchema, ProfileSchema, StaffUserPatchSchema, UserSearchQuerySchema
from services.auth.db.types import utcnow
from services.auth.domain.roles import STAFF_ROLES
from services.auth.operations import access_log, directory, users

blp = Blueprint("users", __name__, description="User directory")

TOO_MANY_SEARCHES = N_("Trop de recherches dans l'annuaire, réessayez dans un moment.")


def directory_caller(view):
    """Staff and house administrators only (403 for anyone else, whatever the query), then the
    caller's per-minute allowance (429 with ``Retry-After``)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        principal = caller()
        with database().reading() as session:
            g.directory_view = directory.view_for(session, principal)
        if g.directory_view is None:
            raise Forbidden(directory.RESERVED)
        with database().transaction() as session:
            wait = directory.count_request(session, principal.user_id, utcnow(),
                                           settings().directory_requests_per_minute)
        if wait is not None:
            raise TooManyRequests(TOO_MANY_SEARCHES, headers={"Retry-After": str(wait)})
        return view(*args, **kwargs)
    return wrapper


@blp.route("/users", methods=["GET"])
@require_user()
@directory_caller
@blp.arguments(UserSearchQuerySchema, location="query")
@blp.response(200, DirectoryPageSchema)
@blp.alt_response(403, description="Neither staff nor house administrator")
@blp.alt_response(429, description="Too many searches this minute")
def search(query):
    """Type-ahead for staff and production house administrators: at most 10 people whose first
    name, last name or email start with the words of ``q`` (accents and case ignored). ASSTSAS staff
    find ASSTSAS people (trainers, ASSTSAS staff); AQPM staff and house administrators find AQPM
    people (members, AQPM staff). Staff see full emails, house administrators masked ones."""
    with database().reading() as session:
        items = [directory_entry(user, g.directory_view)
                 for user in directory.find(session, g.directory_view, query["q"], query["limit"])]
        return {"items": items, "total": len(items)}


@blp.route("/users/<string:user_id>", methods=["GET"])
@require_user(*STAFF_ROLES)
@blp.response(200, ProfileSchema)
@blp.alt_response(404, description="Unknown, or of the other portal")
def get_user(user_id):
    """Staff: the profile of one person of their own portal (ASSTSAS staff: trainers and ASSTSAS
    staff; AQPM staff: members and AQPM staff). The other portal's people are 404 to them. Each read
    is recorded in the log of staff reads (Law 25)."""
    with database().transaction() as session:
        user = users.visible_user(session, caller(), user_id)
        access_log.record_view(session, "auth", caller().user_id, access_log.ACCOUNT, user.id)
        return profile(user)


@blp.route("/users/<string:user_id>", methods=["PATCH"])
@require_user(*STAFF_ROLES)
@blp.arguments(StaffUserPatchSchema)
@blp.response(200, ProfileSchema)
@blp.alt_response(409, description="Email already in use")
def patch_user(body, user_id):
    """Staff: change names, email or language of an account they manage (ASSTSAS staff: trainers;
    AQPM staff: members). Other accounts are 404 to them."""
    with duplicates_as_conflict(), database().transaction() as session:
        user = users.managed_user(session, caller(), user_id)
        users.update_user(session, user, email=body.get("email"), language=body.get("language"),
                          first_name=body.get("first_name"), last_name=body.get("last_name"))
        return profile(user)
