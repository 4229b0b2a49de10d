"""A person asks for their data (Law 25): ``auth.data_export_requested`` goes out, every service answers
with its part over the bus, and the notifier emails the person a link to the assembled ZIP.

One request per ``DATA_EXPORT_INTERVAL_MINUTES`` (10) per account: the ZIP comes within a minute, so a
second one meanwhile is refused (429) rather than mailing the same archive twice. The request is a line
of the account's security trail, which is also what the interval is counted from.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from chassis.errors import NotFound, TooManyRequests
from chassis.i18n import ngettext
from chassis.privacy_export import ACCOUNT, ACCOUNT_EXPORT_REQUESTED, expected_parts, request_interval_minutes
from services.auth.db.models import SecurityEvent, User
from services.auth.db.types import utcnow
from services.auth.domain.portals import ASSTSAS, portals_of
from services.auth.events import emit
from services.auth.operations import security_events
from services.auth.operations.context import AuthContext

DATA_EXPORT_REQUESTED = "data_export_requested"  # a security trail kind; outcome: success


def request_export(ctx: AuthContext, user_id: str, address: str | None) -> dict:
    """Emits the request; 429 (with ``Retry-After``) when the account asked less than the interval ago."""
    interval = timedelta(minutes=request_interval_minutes())
    with ctx.db.transaction() as session:
        user = session.get(User, user_id, with_for_update=True)  # two clicks at once: one request
        if user is None:
            raise NotFound()
        now = utcnow()
        last = session.scalar(select(SecurityEvent.occurred_at).where(
            SecurityEvent.user_id == user_id, SecurityEvent.kind == DATA_EXPORT_REQUESTED,
            SecurityEvent.occurred_at > now - interval).order_by(SecurityEvent.occurred_at.desc()).limit(1))
        if last is not None:
            wait = max(1, int((last + interval - now).total_seconds()))
            minutes = -(-wait // 60)
            raise TooManyRequests(ngettext(
                "Vous avez déjà demandé vos données : le courriel est en route. Vous pourrez en refaire la "
                "demande dans %(num)d minute.",
                "Vous avez déjà demandé vos données : le courriel est en route. Vous pourrez en refaire la "
                "demande dans %(num)d minutes.", minutes),
                code="export_already_requested", headers={"Retry-After": str(wait)})
        export_id = str(uuid.uuid4())
        emit(session, ACCOUNT_EXPORT_REQUESTED, {
            "export_id": export_id,
            "subject": {"kind": ACCOUNT, "user_id": user.id, "email": user.email, "username": user.username,
                        "first_name": user.first_name, "last_name": user.last_name},
            "recipient": {"user_id": user.id,
                          "portal": "cards" if ASSTSAS in portals_of(user.roles) else "productions"},
            "parts": expected_parts(), "requested_at": now.isoformat()}, sensitive=True)
        security_events.record_security_event(session, user_id, DATA_EXPORT_REQUESTED, security_events.SUCCESS,
                                              address, {"export_id": export_id}, now=now)
        return {"export_id": export_id, "requested_at": now}
