"""Creating, changing and finding accounts. Every creation goes through ``_create`` so that every
new account (member, trainer, staff, demo) emits ``auth.user_registered``."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, false, func, or_, select
from sqlalchemy.orm import Session

from chassis.errors import Conflict, NotFound
from chassis.logging import get_logger
from chassis.principal import Principal
from services.auth import events
from services.auth.db.models import User
from services.auth.db.types import utcnow
from services.auth.domain import roles as R
from services.auth.domain.password_policy import guessability_problem, user_inputs
from services.auth.domain.passwords import generate_temporary_password, hash_password
from services.auth.domain.portals import staff_sees
from services.auth.domain.text import fold, normalize_email, search_terms
from services.auth.domain.usernames import normalize_card_number, username_from_card
from services.auth.operations.messages import CARD_TAKEN, EMAIL_TAKEN, NOT_FOUND


@dataclass(frozen=True)
class NewAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    language: str = "fr"
    card_number: str | None = None


def email_taken(session: Session, email: str, except_user_id: str | None = None) -> bool:
    query = select(User.id).where(User.email_key == normalize_email(email))
    if except_user_id:
        query = query.where(User.id != except_user_id)
    return session.scalar(query) is not None


def refuse_taken_email(session: Session, email: str, except_user_id: str | None = None) -> None:
    """A 409 on ``email`` when another account already has this address (in any capitals)."""
    if email_taken(session, email, except_user_id):
        raise Conflict(EMAIL_TAKEN, fields={"email": [EMAIL_TAKEN]})


def issue_temporary_password(user: User, password_hash: str, now: datetime, ttl: timedelta) -> None:
    """A temporary password (given as its hash) that works once, until ``now + ttl``."""
    user.temp_password_hash = password_hash
    user.temp_password_issued_at = now
    user.temp_password_expires_at = now + ttl
    user.temp_password_used_at = None


def _set_names(user: User, first_name: str, last_name: str) -> None:
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.first_name_key, user.last_name_key = fold(user.first_name), fold(user.last_name)


def _set_email(user: User, email: str) -> None:
    user.email, user.email_key = email.strip(), normalize_email(email)


def _create(session: Session, account: NewAccount, password: str | None) -> User:
    if account.role not in R.ALL_ROLES:
        raise ValueError(f"unknown role {account.role!r}")
    refuse_taken_email(session, account.email)
    username = card = None
    if account.card_number:
        card = normalize_card_number(account.card_number)
        username = username_from_card(card)
        clash = session.scalar(select(User.id).where(or_(User.card_number == card, User.username == username)))
        if clash is not None:
            raise Conflict(CARD_TAKEN, fields={"card_number": [CARD_TAKEN]})
    now = utcnow()
    user = User(id=str(uuid.uuid4()), roles=[account.role], username=username, card_number=card,
                language=account.language, password_hash=hash_password(password) if password else None,
                must_change_password=False, created_at=now, updated_at=now)
    _set_email(user, account.email)
    _set_names(user, account.first_name, account.last_name)
    session.add(user)
    session.flush()  # a concurrent duplicate fails here, inside the caller's transaction
    events.emit(session, events.USER_REGISTERED, events.user_payload(user))
    return user


def register_member(session: Session, account: NewAccount, password: str) -> User:
    return _create(session, NewAccount(account.email, account.first_name, account.last_name, R.MEMBER,
                                       account.language), password)


def create_user(session: Session, account: NewAccount, password: str) -> User:
    """An account with a known password (staff via the CLI, demo accounts); no forced change."""
    return _create(session, account, password)


def create_trainer(session: Session, account: NewAccount, temporary_password_ttl: timedelta) -> User:
    """A trainer created by staff (C1): username from the card number, and a first temporary
    password that only the notifier sees (``auth.trainer_created``, sensitive)."""
    user = _create(session, NewAccount(account.email, account.first_name, account.last_name, R.TRAINER,
                                       account.language, account.card_number), None)
    temporary = generate_temporary_password()
    now = utcnow()
    issue_temporary_password(user, hash_password(temporary), now, temporary_password_ttl)
    events.emit(session, events.TRAINER_CREATED,
                {**events.user_payload(user), "temporary_password": temporary,
                 "expires_at": user.temp_password_expires_at.isoformat()}, sensitive=True)
    get_logger("auth").info("trainer_created", user_id=user.id, username=user.username)  # never the password
    return user


def new_password_problem(password: str, user: User) -> str | None:
    """Why ``password`` is too guessable for this person (names, email, username count), or None."""
    return guessability_problem(password, user_inputs(user.first_name, user.last_name, user.email,
                                                      user.username, user.card_number))


def get_user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(NOT_FOUND)
    return user


def visible_user(session: Session, staff: Principal, user_id: str) -> User:
    """The account ``user_id`` if it is one of the people of ``staff``'s portal; else a 404 (the other
    portal's people are "not found" to staff)."""
    user = session.get(User, user_id)
    if user is None or not staff_sees(staff.roles, user.roles):
        raise NotFound(NOT_FOUND)
    return user


def managed_user(session: Session, staff: Principal, user_id: str, *, for_update: bool = False) -> User:
    """The account ``user_id`` if ``staff`` manages it (ASSTSAS staff: trainers; AQPM staff: members)."""
    managed = {R.MANAGED_BY[role] for role in staff.roles if role in R.MANAGED_BY}
    user = session.get(User, user_id, with_for_update=for_update)
    if user is None or not managed.intersection(user.roles or []):
        raise NotFound(NOT_FOUND)
    return user


def update_user(session: Session, user: User, *, email: str | None = None, language: str | None = None,
                first_name: str | None = None, last_name: str | None = None) -> User:
    """Applies the given changes; emits ``auth.user_updated`` when something really changed."""
    before = events.user_payload(user)
    if email is not None and normalize_email(email) != user.email_key:
        refuse_taken_email(session, email, except_user_id=user.id)
        _set_email(user, email)
    elif email is not None:
        user.email = email.strip()  # same address, maybe different capitals
    if language is not None:
        user.language = language
    if first_name is not None or last_name is not None:
        _set_names(user, first_name if first_name is not None else user.first_name,
                   last_name if last_name is not None else user.last_name)
    after = events.user_payload(user)
    if after != before:
        user.updated_at = utcnow()
        session.flush()
        events.emit(session, events.USER_UPDATED, after)
    return user


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_users(session: Session, query: str, limit: int, offset: int,
                 roles: list[str] | None = None) -> tuple[list[User], int]:
    """Every word of ``query`` must start the first name, the last name or the email
    (case- and accent-insensitive); with ``roles``, only accounts holding one of them. Sorted by
    last name, first name."""
    conditions = []
    if roles is not None:
        # ``roles`` is a JSON list (["trainer"]); its text form is the same on PostgreSQL and SQLite.
        conditions.append(or_(false(), *[cast(User.roles, String).like(f'%"{role}"%') for role in roles]))
    for term in search_terms(query or ""):
        pattern = _escape_like(term) + "%"
        conditions.append(or_(User.first_name_key.like(pattern, escape="\\"),
                              User.last_name_key.like(pattern, escape="\\"),
                              User.email_key.like(pattern, escape="\\")))
    total = session.scalar(select(func.count()).select_from(User).where(*conditions))
    users = session.scalars(select(User).where(*conditions)
                            .order_by(User.last_name_key, User.first_name_key, User.id)
                            .limit(limit).offset(offset)).all()
    return list(users), int(total or 0)
