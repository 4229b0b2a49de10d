"""Law 25 in auth: erasure on request (``POST /me/erasure``, ``POST /users/{id}/erasure``), the dormant
accounts the next retention run touches (``GET /retention/preview``), and the log of staff reads of personal
information (``GET /privacy/access-log``, for the persons in charge only)."""
from flask_smorest import Blueprint

from chassis.errors import Forbidden
from chassis.i18n import N_
from services.auth.api.context import auth_context, caller, client_address, database, settings
from services.auth.api.guards import require_user
from services.auth.api.privacy_schemas import (
    AccessLogPageSchema,
    AccessLogQuerySchema,
    ErasedSchema,
    ErasureSchema,
    RetentionPolicySchema,
    RetentionPreviewSchema,
)
from services.auth.domain.roles import PRODUCTIONS_STAFF, STAFF_ROLES
from services.auth.operations import access_log, dormancy, erasure

blp = Blueprint("privacy", __name__, description="Personal information (Law 25)")

OFFICERS_ONLY = N_("Réservé au responsable de la protection des renseignements personnels.")


def answers(*alternatives: tuple[int, str]):
    """The view's other answers in the OpenAPI document, ``(status, description)`` each."""
    def decorate(view):
        for status, description in reversed(alternatives):
            view = blp.alt_response(status, description=description)(view)
        return view
    return decorate


@blp.route("/me/erasure", methods=["POST"])
@require_user()
@blp.arguments(ErasureSchema)
@blp.response(200, ErasedSchema)
@answers((403, "Not a member's account (trainers and staff are kept for cards and invoices)"),
         (422, "Wrong password (counts as a failed login)"), (429, "Too many attempts; Retry-After header"))
def erase_me(body):
    """A member erases their account, with their password: it is anonymized in every service (house
    administrations and sheet access removed; audit entries kept under a pseudonym); its sessions end."""
    return erasure.erase_own_account(auth_context(), caller().user_id, body["password"], client_address())


@blp.route("/users/<string:user_id>/erasure", methods=["POST"])
@require_user(*STAFF_ROLES)
@blp.response(200, ErasedSchema)
@answers((403, "A staff or trainer account"), (404, "Not a person of the caller's portal"))
def erase_member(user_id):
    """AQPM staff erase a member's account the member asked them to erase (same effect as ``/me/erasure``).
    Staff of either portal may call it, so that the other portal's people are a 404 as everywhere else; only
    members can be erased (a trainer, ASSTSAS staff's only people, is a 403)."""
    with database().transaction() as session:
        return erasure.erase_member(session, caller(), user_id, client_address())


@blp.route("/retention/policy", methods=["GET"])
@blp.response(200, RetentionPolicySchema)
def retention_policy():
    """The dormant accounts' rule, public (the privacy page says it): a member's account unused for
    ``dormant_account_years`` is warned by email, then anonymized ``warning_days`` later."""
    return {"dormant_account_years": settings().dormant_account_years, "warning_days": settings().dormant_warning_days}


@blp.route("/retention/preview", methods=["GET"])
@require_user(PRODUCTIONS_STAFF)
@blp.response(200, RetentionPreviewSchema)
def retention_preview():
    """AQPM staff: the members' accounts the next retention run warns (unused for
    ``AUTH_DORMANT_ACCOUNT_YEARS``) and anonymizes (warned ``AUTH_DORMANT_WARNING_DAYS`` ago, unused since)."""
    with database().reading() as session:
        items = dormancy.preview(session, settings())
    return {"dormant_account_years": settings().dormant_account_years,
            "warning_days": settings().dormant_warning_days, "items": items, "total": len(items)}


@blp.route("/privacy/access-log", methods=["GET"])
@require_user()
@blp.arguments(AccessLogQuerySchema, location="query")
@blp.response(200, AccessLogPageSchema)
@answers((403, "Not a person in charge of personal information (AUTH_PRIVACY_OFFICERS)"))
def access_log_page(query):
    """The persons in charge of personal information: staff reads of people's information (participant
    searches, account pages, exports), newest first; ``viewer_id`` or ``subject`` narrow it."""
    with database().reading() as session:
        if not access_log.is_privacy_officer(session, settings(), caller()):
            raise Forbidden(OFFICERS_ONLY)
        rows, total = access_log.list_views(session, query["limit"], query["offset"], query.get("viewer_id"),
                                            query.get("subject"))
        return {"items": rows, "total": total}
