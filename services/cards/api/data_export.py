"""``POST /participants/<id>/data-export``: ASSTSAS staff export what the platform holds on a trainee."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from chassis.http.bearer_auth import require_bearer
from chassis.tokens import current_principal
from services.cards.api.access import STAFF
from services.cards.api.context import database
from services.cards.operations.data_export import request_participant_export

blp = Blueprint("data_export", __name__, description="A trainee's data (Law 25)")


class ParticipantExportAccepted(Schema):
    export_id = fields.String()
    requested_at = fields.AwareDateTime()
    participant_count = fields.Integer(metadata={"description": "The participant rows found to be this person"})


@blp.route("/participants/<string:participant_id>/data-export", methods=["POST"])
@require_bearer(STAFF)
@blp.response(202, ParticipantExportAccepted)
@blp.alt_response(404, description="No such participant")
def request_data_export(participant_id: str):
    """Every service gathers what it holds on this trainee (their participant rows and cards, across
    requests); within a minute the staff member gets an email with a single-use link, valid 24 h and only
    for them logged in, to a ZIP of JSON and CSV files."""
    with database().transaction() as db_session:
        return request_participant_export(db_session, current_principal().user_id, participant_id[:36])
