"""Billing configuration: the chassis settings plus the seller, the bank and the payment provider.

| variable | default | meaning |
|---|---|---|
| `BILLING_DATABASE_URL` | SQLite file in `GUICHET_DATA_DIR` | the billing database |
| `BILLING_SELLER_NAME` | ASSTSAS | seller named on every invoice |
| `BILLING_SELLER_ADDRESS` | ASSTSAS head office | seller address (lines separated by `|`) |
| `BILLING_SELLER_CONTACT` | phone and email of the support | contact line on the invoice |
| `BILLING_BANK_DETAILS` | placeholder Desjardins account | how to pay by direct deposit (lines separated by `|`) |
| `BILLING_PAY_URL_TEMPLATE` | `{public_base_url}/invoices/{invoice_id}` | pay link of an open card invoice |
| `BILLING_PAYMENT_PROVIDER` | `sandbox` | card payment provider (only `sandbox` ships) |
| `BILLING_IDEMPOTENCY_TTL_HOURS` | `48` | how long an `Idempotency-Key` replays its first response |
"""
from __future__ import annotations

from dataclasses import dataclass

from chassis.config import ServiceConfig
from services.billing.domain.document import Seller

SERVICE = "billing"

DEFAULT_SELLER_NAME = ("ASSTSAS — Association paritaire pour la santé et la sécurité du travail "
                       "du secteur affaires sociales")
DEFAULT_SELLER_ADDRESS = "5100, rue Sherbrooke Est, bureau 950|Montréal (Québec)  H1V 3R9"
DEFAULT_SELLER_CONTACT = "Tél. 514 253-6871 · 1 800 361-4528, poste 246 · info@asstsas.qc.ca"
DEFAULT_BANK_DETAILS = ("Caisse Desjardins du Mont-Royal|Institution 815 · Transit 30000 · Compte 0123456|"
                        "Bénéficiaire : ASSTSAS")
# The web app's invoice page (services/web/portal_cards/invoices.py): the trainer pays there by card.
DEFAULT_PAY_URL_TEMPLATE = "{public_base_url}/invoices/{invoice_id}"


def load_config(**overrides) -> ServiceConfig:
    return ServiceConfig.from_env(SERVICE, **overrides)


@dataclass(frozen=True)
class BillingSettings:
    seller: Seller  # named on every invoice, with the bank a direct deposit goes to
    pay_url_template: str
    public_base_url: str
    payment_provider: str
    idempotency_ttl_hours: int

    @classmethod
    def from_config(cls, config: ServiceConfig) -> BillingSettings:
        def lines(value: str) -> tuple[str, ...]:
            return tuple(part.strip() for part in value.split("|") if part.strip())

        return cls(
            seller=Seller(name=config.setting("SELLER_NAME", DEFAULT_SELLER_NAME),
                          address=lines(config.setting("SELLER_ADDRESS", DEFAULT_SELLER_ADDRESS)),
                          contact=config.setting("SELLER_CONTACT", DEFAULT_SELLER_CONTACT),
                          bank_details=lines(config.setting("BANK_DETAILS", DEFAULT_BANK_DETAILS))),
            pay_url_template=config.setting("PAY_URL_TEMPLATE", DEFAULT_PAY_URL_TEMPLATE),
            public_base_url=config.public_base_url.rstrip("/"),
            payment_provider=config.setting("PAYMENT_PROVIDER", "sandbox"),
            idempotency_ttl_hours=int(config.setting("IDEMPOTENCY_TTL_HOURS", "48")),
        )

    def pay_url(self, invoice_id: str, number: str) -> str:
        return self.pay_url_template.format(public_base_url=self.public_base_url, invoice_id=invoice_id,
                                            number=number)
