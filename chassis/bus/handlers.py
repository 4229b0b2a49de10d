"""The handler table: event type -> function, one visible table per consuming service.

A handler runs inside the consumer's database transaction, the inbox row beside it::

    def on_user_registered(session: Session, event: Envelope) -> None: ...

    HANDLERS: HandlerTable = {"auth.user_registered": on_user_registered}

It must be deterministic on the event alone (it may run again after a crash before commit),
raise to ask for a retry, and never publish directly: use ``record_event`` on ``session``.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from chassis.events.envelope import Envelope

Handler = Callable[[Session, Envelope], None]
HandlerTable = dict[str, Handler]
