"""Trainer accounts created by ASSTSAS staff (C1, X8): ``POST /trainers``."""
from datetime import timedelta

from flask_smorest import Blueprint

from services.auth.accounts import users
from services.auth.accounts.profiles import profile
from services.auth.api.helpers import auth_context, duplicates_as_conflict, require_user
from services.auth.api.schemas import ProfileSchema, TrainerCreateSchema
from services.auth.domain.roles import CARDS_STAFF

blp = Blueprint("trainers", __name__, description="Comptes des formateurs / Trainer accounts")


@blp.route("/trainers", methods=["POST"])
@require_user(CARDS_STAFF)
@blp.arguments(TrainerCreateSchema)
@blp.response(201, ProfileSchema)
@blp.alt_response(409, description="Numéro de carte, nom d'utilisateur ou courriel déjà utilisé")
def create_trainer(body):
    """Create a trainer: username from the card number (``ethc123-04`` -> ``ethc123``); the first
    temporary password goes to the trainer by email (event ``auth.trainer_created``)."""
    ctx = auth_context()
    account = users.NewAccount(body["email"], body["first_name"], body["last_name"], "trainer", body["language"],
                               body["card_number"])
    ttl = timedelta(hours=ctx.settings.initial_password_ttl_hours)
    with duplicates_as_conflict(), ctx.db.transaction() as session:
        return profile(users.create_trainer(session, account, ttl))
