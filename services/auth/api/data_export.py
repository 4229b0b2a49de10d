"""``POST /me/data-export``: the caller asks for the data the platform holds on them (Law 25)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.auth.api.context import auth_context, caller, client_address
from services.auth.api.guards import require_user
from services.auth.operations.data_export import request_export

blp = Blueprint("data_export", __name__, description="My data (Law 25)")


class DataExportAccepted(Schema):
    export_id = fields.String(metadata={"description": "The export's id; the email's link names no other"})
    requested_at = fields.AwareDateTime()


@blp.route("/me/data-export", methods=["POST"])
@require_user()
@blp.response(202, DataExportAccepted)
@blp.alt_response(429, description="Already asked less than DATA_EXPORT_INTERVAL_MINUTES ago; Retry-After header")
def request_data_export():
    """Every service gathers what it holds on the caller (account, requests and participants entered,
    invoices and payments, houses, sheets, access grants, emails sent); within a minute the caller gets an
    email with a single-use link, valid 24 h and only for them logged in, to a ZIP of JSON and CSV files."""
    return request_export(auth_context(), caller().user_id, client_address())
