"""When an account was last used, for the dormancy rule of Law 25 retention (``operations/dormancy.py``)."""
from __future__ import annotations

from datetime import datetime


def touch(user, now: datetime) -> None:
    """A login or a refresh: the account is in use, and a pending dormancy warning no longer stands."""
    user.last_active_at = now
    user.dormancy_warned_at = None
