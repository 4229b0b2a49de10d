"""Configuration of the cards service (env vars; the table is in docs/configuration.md).

Beyond the common ``ServiceConfig`` (``CARDS_DATABASE_URL``, ``BUS_URL``, ``PUBLIC_BASE_URL``...):

- ``CARDS_END_DATE_MAX_AGE_DAYS`` (365): a session's end date may not be older than this many days;
- ``CARDS_PUBLIC_BASE_URL`` (``PUBLIC_BASE_URL``): web front end origin; the QR code links to
  ``{base}/attestations/{code}``;
- ``CARDS_MAX_PARTICIPANTS`` (500): participants in one session;
- ``CARDS_CARD_MINIMUM`` (5.00): smallest total that may be paid by credit card (C9); carried in the quote
  and in ``cards.session_submitted``, so billing applies the same minimum to the invoice;
- ``CARDS_VERIFY_MAX_FAILURES`` (10): unknown codes one client may try per window before 429;
- ``CARDS_VERIFY_WINDOW_SECONDS`` (600): length of that window (also the longest Retry-After);
- ``CARDS_TRUSTED_PROXY_HOPS`` (1): proxies (the gateway) in front: the client is that many entries from the
  right of X-Forwarded-For; 0 = use the socket address;
- ``CARDS_TRAINEE_RETENTION_YEARS`` (10): a trainee's date of birth and phone are anonymized this many years
  after their session's end date (Law 25 retention; ``python -m services.cards.cli retention``).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chassis.config import ServiceConfig

SERVICE = "cards"
DEFAULT_CARD_MINIMUM = "5.00"  # C9: the one place of the credit-card minimum (billing reads it from the event)


def load_config(**overrides) -> ServiceConfig:
    return ServiceConfig.from_env(SERVICE, **overrides)


@dataclass(frozen=True)
class CardsSettings:
    end_date_max_age_days: int
    verification_base_url: str
    max_participants: int
    card_minimum: Decimal
    verify_max_failures: int
    verify_window_seconds: int
    trusted_proxy_hops: int
    trainee_retention_years: int = 10

    @classmethod
    def from_config(cls, config: ServiceConfig) -> CardsSettings:
        return cls(
            end_date_max_age_days=int(config.setting("END_DATE_MAX_AGE_DAYS", "365")),
            verification_base_url=config.setting("PUBLIC_BASE_URL", config.public_base_url).rstrip("/"),
            max_participants=int(config.setting("MAX_PARTICIPANTS", "500")),
            card_minimum=Decimal(config.setting("CARD_MINIMUM", DEFAULT_CARD_MINIMUM)),
            verify_max_failures=int(config.setting("VERIFY_MAX_FAILURES", "10")),
            verify_window_seconds=int(config.setting("VERIFY_WINDOW_SECONDS", "600")),
            trusted_proxy_hops=int(config.setting("TRUSTED_PROXY_HOPS", "1")),
            trainee_retention_years=int(config.setting("TRAINEE_RETENTION_YEARS", "10")),
        )

    def verification_url(self, code: str) -> str:
        return f"{self.verification_base_url}/attestations/{code}"
