"""Accounts staff disabled: every service refuses their tokens within a minute, without asking auth.

Auth's ``auth.user_disabled`` and ``auth.user_enabled`` events reach every service's consumer
(``HANDLERS`` below, merged into each service's own table), which applies them to the service's own
``account_status`` table (``chassis.bus.tables.AccountStatus``). Token checks
(``chassis.tokens.current_principal``) ask ``DisabledAccounts``: a set of disabled user ids that each
process reloads from that table at most every ``ACCOUNT_STATUS_REFRESH_SECONDS`` (30). A disabled
account's access tokens (15 minutes) are thus refused within the event's delivery plus 30 s; auth
kills its refresh tokens at once.
"""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from chassis.bus.handlers import HandlerTable
from chassis.bus.tables import AccountStatus
from chassis.config import env
from chassis.events.envelope import Envelope
from chassis.i18n import N_
from chassis.logging import get_logger

DISABLED_EVENT, ENABLED_EVENT = "auth.user_disabled", "auth.user_enabled"
ACCOUNT_DISABLED = N_("Ce compte est désactivé.")
log = get_logger("chassis.account_status")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record_status(session: Session, user_id: str, disabled: bool, changed_at: datetime) -> None:
    """Applies one change; a change older than the one already recorded changes nothing."""
    row = session.get(AccountStatus, user_id, with_for_update=True)
    if row is None:
        session.add(AccountStatus(user_id=user_id, disabled=disabled, changed_at=changed_at))
    elif _aware(row.changed_at) <= _aware(changed_at):
        row.disabled, row.changed_at = disabled, changed_at


def on_account_status_event(session: Session, event: Envelope) -> None:
    occurred = datetime.fromisoformat(str(event.occurred_at).replace("Z", "+00:00"))
    record_status(session, str(event.payload["user_id"]), event.type == DISABLED_EVENT, _aware(occurred))


HANDLERS: HandlerTable = {DISABLED_EVENT: on_account_status_event, ENABLED_EVENT: on_account_status_event}


def refresh_seconds() -> float:
    return float(env("ACCOUNT_STATUS_REFRESH_SECONDS", "30"))


class DisabledAccounts:
    """The disabled user ids of this service's database, reloaded at most every ``refresh`` seconds.

    One small query per process every 30 s, whatever the traffic. If the reload fails (database
    down), the last known set is kept until the next try.
    """

    def __init__(self, db, refresh: float | None = None):
        self.db = db
        self.refresh = refresh_seconds() if refresh is None else refresh
        self._ids: frozenset[str] = frozenset()
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def contains(self, user_id: str) -> bool:
        if time.monotonic() - self._loaded_at >= self.refresh:
            self._reload()
        if user_id not in self._ids:
            return False
        # Rare (a disabled account knocking): its own row is read again, so an account enabled since
        # the last reload is let in as soon as the event arrived, not up to 30 s later.
        return self._still_disabled(user_id)

    def _still_disabled(self, user_id: str) -> bool:
        try:
            with self.db.reading() as session:
                disabled = session.scalar(select(AccountStatus.disabled).where(AccountStatus.user_id == user_id))
        except SQLAlchemyError:
            return True
        if not disabled:
            self._ids = self._ids - {user_id}
        return bool(disabled)

    def _reload(self) -> None:
        with self._lock:
            if time.monotonic() - self._loaded_at < self.refresh:
                return  # another thread just did it
            try:
                with self.db.reading() as session:
                    ids = session.scalars(select(AccountStatus.user_id).where(AccountStatus.disabled)).all()
            except SQLAlchemyError as error:
                # Tried again after the same interval, not at every request of an outage.
                log.warning("account_status_reload_failed", error=type(error).__name__)
                self._loaded_at = time.monotonic()
                return
            self._ids, self._loaded_at = frozenset(ids), time.monotonic()
