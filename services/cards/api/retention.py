"""Law 25 retention of trainees: the rule, public (``GET /retention/policy``, for the privacy page), and for ASSTSAS
staff what the next run anonymizes (``GET /retention/preview``)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from chassis.response_schemas import PersonNameFields
from chassis.tokens import require_auth
from services.cards.api.access import STAFF
from services.cards.api.context import database, settings
from services.cards.operations import retention

blp = Blueprint("retention", __name__, description="Law 25 retention (ASSTSAS staff)")


class DueParticipantOut(PersonNameFields):
    participant_id = fields.String()
    session_id = fields.String()
    session_end_date = fields.Date()
    fields = fields.List(fields.String(), metadata={"description": "what is emptied: birth_date, phone, phone_ext"})


class RetentionPolicyOut(Schema):
    trainee_retention_years = fields.Integer(metadata={"description": "CARDS_TRAINEE_RETENTION_YEARS"})


class RetentionPreviewOut(Schema):
    retention_years = fields.Integer(metadata={"description": "CARDS_TRAINEE_RETENTION_YEARS"})
    items = fields.List(fields.Nested(DueParticipantOut))
    total = fields.Integer()


@blp.route("/retention/policy")
@blp.response(200, RetentionPolicyOut)
def policy():
    """How long a trainee's date of birth and phone are kept after their session (public)"""
    return {"trainee_retention_years": settings().trainee_retention_years}


@blp.route("/retention/preview")
@require_auth(STAFF)
@blp.response(200, RetentionPreviewOut)
def preview():
    """The participants whose date of birth and phone the next run empties (sessions that ended
    ``CARDS_TRAINEE_RETENTION_YEARS`` years ago or more), oldest session first"""
    years = settings().trainee_retention_years
    with database().reading() as db_session:
        items = retention.preview(db_session, years)
    return {"retention_years": years, "items": items, "total": len(items)}
