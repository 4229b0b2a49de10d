"""Dates as users see them: "today" is in Montréal, whatever the server's clock zone."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from chassis.i18n import _
from services.cards.domain.formats import FormatError

MONTREAL = ZoneInfo("America/Montreal")
# A participant is a worker (or a student in a work placement) on the last day of training.
PARTICIPANT_MIN_AGE = 14
PARTICIPANT_MAX_AGE = 100


def today_in_montreal(now: datetime | None = None) -> date:
    moment = now or datetime.now(UTC)
    return moment.astimezone(MONTREAL).date()


def check_end_date(end_date: date, today: date, max_age_days: int) -> None:
    """The last day of training: never after today, never older than ``max_age_days``."""
    if end_date > today:
        raise FormatError(_("La fin de la session ne peut pas être après aujourd'hui."))
    if (today - end_date).days > max_age_days:
        raise FormatError(_("La fin de la session ne peut pas dater de plus de %(days)s jours.", days=max_age_days))


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def check_birth_date(birth_date: date, session_end: date) -> None:
    """Plausible for a worker: between 14 and 100 years old at the session's end date."""
    age = age_on(birth_date, session_end)
    if age < PARTICIPANT_MIN_AGE:
        raise FormatError(_("Le participant doit avoir au moins %(age)s ans à la fin de la session.",
                            age=PARTICIPANT_MIN_AGE))
    if age > PARTICIPANT_MAX_AGE:
        raise FormatError(_("Date de naissance invraisemblable."))
