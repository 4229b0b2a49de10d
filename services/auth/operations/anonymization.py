"""Anonymizing a member's account (Law 25): dormant (retention) or asked (erasure on request).

In one transaction: the account's personal fields are replaced by a random pseudonym (names, email; it can no
longer log in: no password, disabled, every session ended), the pending email changes holding old addresses
are deleted, the security trail keeps its entries without their client addresses, auth's audit trail gets one
row, and ``auth.account_anonymized`` tells every service to do the same with what it holds (productions
removes house administrations and sheet access). ``auth.user_disabled`` goes out too, so that every service
refuses the account's last access tokens at once. Trainers and staff are never anonymized this way: their
names are on cards and invoices the associations must keep.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from chassis.account_status import DISABLED_EVENT, record_status
from chassis.errors import Forbidden
from chassis.i18n import N_
from services.auth import events
from services.auth.db.models import AuditEntry, EmailChange, KnownHouseAdmin, SecurityEvent, User
from services.auth.domain import roles as R
from services.auth.domain.pseudonyms import new_pseudonym, pseudonym_email
from services.auth.operations import audit
from services.auth.operations.sessions import revoke_other_sessions
from services.auth.operations.users import _set_email, _set_names

DORMANT, REQUEST = "dormant", "request"
MEMBERS_ONLY = N_("Seul le compte d'un membre peut être effacé : les comptes des formateurs et du personnel "
                  "restent nécessaires aux cartes et aux factures. Écrivez au responsable des renseignements "
                  "personnels.")


def erasable(user: User) -> bool:
    """A member's account (no staff or trainer role), not anonymized yet."""
    roles = set(user.roles or [])
    return R.MEMBER in roles and not roles & {R.TRAINER, *R.STAFF_ROLES}


def refuse_unless_erasable(user: User) -> None:
    if not erasable(user) and user.anonymized_at is None:
        raise Forbidden(MEMBERS_ONLY, code="not_erasable")


def anonymize(session: Session, user: User, reason: str, actor_id: str | None, now: datetime) -> str:
    """Anonymizes ``user`` (locked by the caller) and returns its pseudonym (the one it has when it already
    was). ``actor_id`` None: the person themselves, whom the audit entry names by the pseudonym."""
    if user.anonymized_at is not None:
        return user.last_name
    pseudonym = new_pseudonym()
    was_disabled = user.disabled_at is not None
    _set_email(user, pseudonym_email(pseudonym))
    _set_names(user, "", pseudonym)
    user.username = user.card_number = user.password_hash = None
    user.temp_password_hash = user.temp_password_issued_at = None
    user.temp_password_expires_at = user.temp_password_used_at = None
    user.must_change_password = False
    user.disabled_at = user.disabled_at or now
    user.anonymized_at = user.updated_at = now
    revoke_other_sessions(session, user.id, None, now)
    session.execute(delete(EmailChange).where(EmailChange.user_id == user.id))
    session.execute(update(SecurityEvent).where(SecurityEvent.user_id == user.id).values(address=None, details={}))
    session.execute(update(KnownHouseAdmin).where(KnownHouseAdmin.user_id == user.id).values(is_admin=False))
    session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id).values(actor_id=pseudonym))
    audit.record(session, actor_id or pseudonym, "account_anonymized", subject_user_id=user.id, pseudonym=pseudonym,
                 reason=reason)
    session.flush()
    if not was_disabled:
        record_status(session, user.id, True, now)
        events.emit(session, DISABLED_EVENT, {"user_id": user.id})
    events.emit(session, events.ACCOUNT_ANONYMIZED, {"user_id": user.id, "pseudonym": pseudonym, "reason": reason})
    return pseudonym
