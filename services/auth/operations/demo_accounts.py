"""Demo accounts for the embedded stack: ``ensure_demo_accounts(db, password)``.

Idempotent: an account whose email exists is left as it is. Every account goes through the same
use cases as the API (so ``auth.user_registered`` is emitted for each); all share ``password`` and
none must change it. The demo trainer is created with a known password, so no
``auth.trainer_created`` (which only carries a temporary password) is emitted for it.
"""
from __future__ import annotations

from sqlalchemy import select

from chassis.db import Database
from services.auth.db.models import User
from services.auth.domain import roles as R
from services.auth.domain.text import normalize_email
from services.auth.operations import users

DEMO_ACCOUNTS = (
    users.NewAccount("staff@asstsas.demo", "Personnel", "ASSTSAS", R.CARDS_STAFF),
    users.NewAccount("staff@aqpm.demo", "Personnel", "AQPM", R.PRODUCTIONS_STAFF),
    users.NewAccount("claude.ethier@example.org", "Claude", "Éthier", R.TRAINER, card_number="ethc123-04"),
    users.NewAccount("membre@aqpm.demo", "Membre", "Démo", R.MEMBER),
)


def ensure_demo_accounts(db: Database, password: str) -> list[dict]:
    """Creates the missing demo accounts; returns ``{login, role, email}`` for each, to print."""
    printed = []
    for account in DEMO_ACCOUNTS:
        with db.transaction() as session:
            user = session.scalars(select(User).where(User.email_key == normalize_email(account.email))).first()
            if user is None:
                user = users.create_user(session, account, password)
            printed.append({"login": user.username or user.email, "role": account.role, "email": user.email})
    return printed
