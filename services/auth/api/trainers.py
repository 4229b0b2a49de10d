"""Trainer accounts created by ASSTSAS staff (C1, X8): ``POST /trainers``."""
from datetime import timedelta

from flask_smorest import Blueprint

from services.auth.api.context import database, settings
from services.auth.api.guards import duplicates_as_conflict, require_user
from services.auth.api.presenters import profile
from services.auth.api.schemas import ProfileSchema, TrainerCreateSchema
from services.auth.domain.roles import CARDS_STAFF
from services.auth.operations import users

blp = Blueprint("trainers", __name__, description="Trainer accounts")


@blp.route("/trainers", methods=["POST"])
@require_user(CARDS_STAFF)
@blp.arguments(TrainerCreateSchema)
@blp.response(201, ProfileSchema)
@blp.alt_response(409, description="Card number, username or email already in use")
def create_trainer(body):
    """Create a trainer: username from the card number (``ethc123-04`` -> ``ethc123``); the first
    temporary password goes to the trainer by email (event ``auth.trainer_created``)."""
    account = users.NewAccount(body["email"], body["first_name"], body["last_name"], "trainer", body["language"],
                               body["card_number"])
    ttl = timedelta(hours=settings().initial_password_ttl_hours)
    with duplicates_as_conflict(), database().transaction() as session:
        return profile(users.create_trainer(session, account, ttl))
