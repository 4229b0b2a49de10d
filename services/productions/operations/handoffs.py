"""The hand-off to SET (P7): a signed, single-use token valid 2 minutes, audience ``set``.

``issue`` writes the ``handoffs`` row, the audit entry and ``productions.set_handoff`` in the
caller's transaction. ``verify_and_use`` is what the SET side calls (``POST /set/handoffs/verify``):
it checks signature, issuer, audience and expiry, then marks the token used, once.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from sqlalchemy import update
from sqlalchemy.orm import Session

from chassis.db import Database
from chassis.errors import Conflict, Forbidden, Unauthorized
from chassis.i18n import N_, _
from services.productions import events
from services.productions.db.models import Handoff, KnownUser, Sheet
from services.productions.domain.handoff import HandoffSubject, expiry, handoff_claims, redirect_url
from services.productions.operations import audit
from services.productions.operations.lookups import has_sheet_access, is_house_admin
from services.productions.operations.signing import ALGORITHM, HandoffKeys

REQUIRED_CLAIMS = ["exp", "iat", "nbf", "sub", "jti", "aud", "iss"]
INVALID = N_("Jeton de transfert invalide ou expiré.")


@dataclass(frozen=True)
class HandoffSettings:
    set_url: str
    issuer: str
    audience: str
    ttl_seconds: int


@dataclass(frozen=True)
class IssuedHandoff:
    token: str
    jti: str
    expires_at: datetime
    redirect_url: str


def issue(session: Session, keys: HandoffKeys, settings: HandoffSettings, sheet: Sheet, user: KnownUser,
          now: datetime | None = None) -> IssuedHandoff:
    issued_at = (now or datetime.now(UTC)).replace(microsecond=0)
    jti = uuid.uuid4().hex
    subject = HandoffSubject(user_id=user.id, first_name=user.first_name, last_name=user.last_name,
                             email=user.email, sheet_id=sheet.id, sheet_title=sheet.title,
                             house_id=sheet.house_id, house_name=sheet.house.name)
    claims = handoff_claims(subject, jti=jti, issuer=settings.issuer, audience=settings.audience,
                            issued_at=issued_at, ttl_seconds=settings.ttl_seconds)
    expires_at = expiry(issued_at, settings.ttl_seconds)
    token = keys.sign(claims)
    session.add(Handoff(jti=jti, sheet_id=sheet.id, user_id=user.id, issued_at=issued_at, expires_at=expires_at))
    events.emit(session, events.SET_HANDOFF, {
        "sheet_id": sheet.id, "sheet_title": sheet.title, "house_id": sheet.house_id,
        "house_name": sheet.house.name, "user_id": user.id, "jti": jti, "expires_at": expires_at})
    audit.record(session, user.id, "set_handoff", house_id=sheet.house_id, sheet_id=sheet.id,
                 subject_user_id=user.id, details={"jti": jti, "expires_at": expires_at.isoformat()})
    return IssuedHandoff(token=token, jti=jti, expires_at=expires_at,
                         redirect_url=redirect_url(settings.set_url, token))


def verify_and_use(db: Database, keys: HandoffKeys, settings: HandoffSettings, token: str) -> dict:
    """The token's claims, once: 401 when invalid or expired, 409 when already used, 403 when the
    user lost access to the production (or the house became inactive) since it was issued."""
    try:
        header = jwt.get_unverified_header(token)
        key = keys.public_key(str(header.get("kid"))) if header.get("alg") == ALGORITHM else None
        if key is None:
            raise jwt.InvalidTokenError("unknown key")
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], audience=settings.audience,
                            issuer=settings.issuer, leeway=0, options={"require": REQUIRED_CLAIMS})
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as error:
        raise Unauthorized(INVALID, code="invalid_token") from error
    with db.transaction() as session:
        handoff = session.get(Handoff, str(claims["jti"]))
        if handoff is None or handoff.user_id != claims["sub"]:
            raise Unauthorized(INVALID, code="invalid_token")
        used = session.execute(update(Handoff).where(Handoff.jti == handoff.jti, Handoff.used_at.is_(None))
                               .values(used_at=datetime.now(UTC)))
        if used.rowcount != 1:
            raise Conflict(_("Ce jeton de transfert a déjà été utilisé."),
                           code="token_already_used")
        sheet = session.get(Sheet, handoff.sheet_id)
        allowed = sheet is not None and sheet.house.is_active and (
            has_sheet_access(session, sheet.id, handoff.user_id) or is_house_admin(session, sheet.house_id,
                                                                                    handoff.user_id))
    if not allowed:  # the "used" mark was committed: a token refused once is never good again
        raise Forbidden(_("Cet accès au SET a été retiré."))
    return claims
