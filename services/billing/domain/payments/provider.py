"""The payment-provider interface: charge a card once, get a charge id or a decline reason.

A provider is called with ``CardDetails`` that live only for the call. Whatever a provider
raises is turned by ``safe_charge`` into a ``ProviderUnavailable`` without the original text, so
no exception report can carry a card number.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from chassis.i18n import N_
from services.billing.domain.cards import CardDetails

DECLINE_MESSAGES = {
    "generic_decline": N_("La carte a été refusée par l'émetteur. Essayez une autre carte."),
    "insufficient_funds": N_("Fonds insuffisants sur la carte. Essayez une autre carte."),
    "expired_card": N_("La carte est expirée. Vérifiez la date ou utilisez une autre carte."),
    "incorrect_cvc": N_("Le code de sécurité (CVC) est incorrect."),
    "processing_error": N_("Une erreur est survenue pendant le traitement de la carte. Réessayez dans un moment."),
}


@dataclass(frozen=True)
class ChargeResult:
    approved: bool
    charge_id: str | None = None
    decline_code: str | None = None

    @property
    def decline_message(self) -> str:
        return DECLINE_MESSAGES.get(self.decline_code or "generic_decline", DECLINE_MESSAGES["generic_decline"])


class ProviderUnavailable(Exception):
    """The provider could not be reached or failed; carries no card data."""


class PaymentProvider(Protocol):
    name: str

    def charge(self, card: CardDetails, amount: Decimal, currency: str, description: str,
               idempotency_key: str) -> ChargeResult: ...


def safe_charge(provider: PaymentProvider, card: CardDetails, amount: Decimal, currency: str, description: str,
                idempotency_key: str) -> ChargeResult:
    try:
        return provider.charge(card, amount, currency, description, idempotency_key)
    except Exception:
        # `from None`: the original exception (whose text might quote the card) is not chained.
        raise ProviderUnavailable(f"payment provider {provider.name} failed") from None
