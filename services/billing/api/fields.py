"""Input fields shared by the billing schemas: trimmed strings and money."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields

from chassis.i18n import N_, _

_MONEY = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
MONEY_MESSAGE = N_("Montant invalide : un nombre positif d'au plus deux décimales, par ex. \"24.00\".")


class Trimmed(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.strip()


class MoneyInput(fields.Field):
    """Accepts "24.00" or 24 / 24.5 and gives a Decimal; rejects negatives, zero and extra decimals."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError(MONEY_MESSAGE)
        text = str(value).strip()
        if not _MONEY.match(text):
            raise ValidationError(MONEY_MESSAGE)
        try:
            amount = Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValidationError(MONEY_MESSAGE) from None
        if amount <= 0:
            raise ValidationError(_("Le montant doit être positif."))
        return amount

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value):.2f}"


def money_output(**kwargs):
    return fields.Decimal(as_string=True, places=2, **kwargs)
