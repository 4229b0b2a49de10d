"""Who may see and change a request.

- ``cards_staff`` sees and manages every request.
- A trainer sees the requests where they are the first trainer (by user id) or the second
  trainer (by card number, from the read model); someone else's request is a 404.
- Only the first trainer (or staff) changes a request; the second trainer gets a 403.
"""
from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from chassis.errors import Forbidden, NotFound
from chassis.tokens import Principal
from services.cards.db.models import CardSession, Trainer

STAFF = "cards_staff"
TRAINER = "trainer"
SESSION_NOT_FOUND = "Demande introuvable. / Request not found."


def is_staff(principal: Principal) -> bool:
    return principal.has_role(STAFF)


def known_trainer(db_session: Session, principal: Principal) -> Trainer | None:
    trainer = db_session.get(Trainer, principal.user_id)
    return trainer if trainer is not None and trainer.is_trainer else None


def visible_to(query: Select, db_session: Session, principal: Principal) -> Select:
    if is_staff(principal):
        return query
    trainer = known_trainer(db_session, principal)
    condition = CardSession.trainer_user_id == principal.user_id
    if trainer is not None and trainer.card_number:
        condition = or_(condition, CardSession.second_card_number == trainer.card_number)
    return query.where(condition)


def load_session(db_session: Session, principal: Principal, session_id: str, *, manage: bool = False,
                 for_update: bool = False) -> CardSession:
    query = visible_to(select(CardSession).where(CardSession.id == session_id), db_session, principal)
    if for_update:
        query = query.with_for_update(of=CardSession)
    card_session = db_session.scalars(query).unique().one_or_none()
    if card_session is None:
        raise NotFound(SESSION_NOT_FOUND)
    if manage and not is_staff(principal) and card_session.trainer_user_id != principal.user_id:
        raise Forbidden("Seul le formateur principal peut modifier cette demande. / "
                        "Only the first trainer may change this request.")
    return card_session
