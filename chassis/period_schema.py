"""The query string of the staff figures, ``from`` and ``to`` as ``YYYY-MM``, loaded into a ``chassis.periods.Period``,
and ``figures_endpoint``: the ``GET /stats`` every service with figures declares the same way.

Missing ``to``: the current month (Montréal); missing ``from``: 12 months ending at ``to``. A wrong month, ``from``
after ``to`` or more than 36 months is a 422 whose field errors name ``from`` or ``to``, as any other field error.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, post_load

from chassis.i18n import N_, translate
from chassis.periods import (
    DEFAULT_MONTHS,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_MONTHS,
    Period,
    add_months,
    months_between,
    this_month,
)
from chassis.tokens import require_auth

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
INVALID_MONTH = N_("Mois invalide : AAAA-MM, entre 2000-01 et 2099-12.")
FROM_AFTER_TO = N_("Le premier mois ne peut pas suivre le dernier.")
TOO_LONG = N_("La période compte au plus {max} mois.")


class Month(fields.Field):
    """``"2025-03"`` -> the first day of that month."""

    default_error_messages = {"invalid": INVALID_MONTH}

    def _deserialize(self, value, attr, data, **kwargs):
        match = _MONTH.match(value) if isinstance(value, str) else None
        if match is None or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise self.make_error("invalid")
        return date(int(match.group(1)), int(match.group(2)), 1)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{value.year:04d}-{value.month:02d}"


class PeriodArgs(Schema):
    """Loads ``{"period": Period}``."""

    from_ = Month(data_key="from", metadata={"description": "first month, YYYY-MM (default: 11 months before `to`)",
                                             "example": "2025-01", "pattern": _MONTH.pattern})
    to = Month(metadata={"description": "last month, YYYY-MM (default: the current month in Montréal)",
                         "example": "2025-12", "pattern": _MONTH.pattern})

    @post_load
    def _period(self, data, **_kwargs) -> dict:
        last = data.get("to") or this_month()
        first = data.get("from_") or add_months(last, 1 - DEFAULT_MONTHS)
        if first > last:
            raise ValidationError({"from": [translate(FROM_AFTER_TO)]})
        if months_between(first, last) > MAX_MONTHS:
            raise ValidationError({"to": [translate(TOO_LONG).format(max=MAX_MONTHS)]})
        return {"period": Period(first, last)}


class PeriodOut(Schema):
    """The period a figures response covers (each service's ``GET /stats``)."""

    from_ = fields.String(data_key="from", attribute="from", metadata={"example": "2025-01"})
    to = fields.String(metadata={"example": "2025-12"})
    months = fields.List(fields.String(), metadata={"description": "every month of the period, YYYY-MM"})


def figures_endpoint(blp: Blueprint, role: str, response: type[Schema]):
    """``GET /stats`` for ``role`` only: the view takes the ``Period`` of the query string and returns its figures,
    answered after the period they cover (``{"period": PeriodOut, ...}``, documented by ``response``).

    The decorators stay in the services' order, so a missing token is a 401 before the query string is validated."""
    def declare(view: Callable[[Period], dict]):
        @functools.wraps(view)
        def figures(args):
            period = args["period"]
            return {"period": period.as_dict(), **view(period)}
        figures = blp.response(200, response)(figures)
        figures = blp.arguments(PeriodArgs, location="query")(figures)
        return blp.route("/stats", methods=["GET"])(require_auth(role)(figures))
    return declare
